"""Table arithmetic (kg.extract.arithmetic): each rule passes, fails and stops exactly at its tolerance;
the real documents are consistent; a failing row reaches the graph and points at its budget line."""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D

import pytest
from rdflib import Graph, Literal

from conftest import SAMPLE, SEED_FILES

from kg import iri
from kg.extract.arithmetic import CHECK_IDS, arithmetic_findings, tolerance
from kg.map import map_extraction
from kg.model import BudgetLine, Line, Span, Table
from kg.pipeline import extract_file
from kg.store import Store
from kg.vocab import BK, RDF, XSD

DEMO1 = SAMPLE / "demo-001_示范市数据服务中心_2025.txt"
TOTALS = {"合计", "总计", "本年收入合计", "收入总计", "部门合计"}


def table(kind: str = "expenditure", unit: str | None = "万元", rows: tuple[str, ...] = ()) -> Table:
    """A table; ``rows`` (tab-separated) only matter where the check reads blank rows (①② sub-items)."""
    return Table(
        title=f"2025年{kind}表", kind=kind, title_line=Line(1, f"2025年{kind}表", []), money_unit=unit,
        index=1, rows=[Line(10 + n, r, r.split("\t")) for n, r in enumerate(rows)],
    )


def line(t: Table, row: int, label: str, column: str, yuan, code: str | None = None, side=None) -> BudgetLine:
    scheme = None if code is None else ("economic" if code[0] == "3" else "functional")
    return BudgetLine(
        t.title, t.kind, t.index, label, column, D(str(yuan)), Span("x.txt", 100 + row, text=label),
        code=code, scheme=scheme, side=side, is_total=label in TOTALS, row_index=row,
    )


def found(lines, t):
    return [(f.check_id, f.expected, f.actual, f.lines) for f in arithmetic_findings(lines, [t])]


def functional(parent, kids, column="合计", unit="万元"):
    """A 类 row and its 款 rows in one column: ``kids`` are (code, yuan)."""
    t = table(unit=unit)
    lines = [line(t, 1, "一般公共服务支出", column, parent, "201")]
    lines += [line(t, n, f"款{code}", column, yuan, code) for n, (code, yuan) in enumerate(kids, start=2)]
    return t, lines


# ---------------------------------------------------------------- tolerance


def test_tolerance_is_half_a_printed_unit_per_figure_involved():
    assert tolerance("万元", 1) == D(100)  # 0.01 万元: one child against its parent
    assert tolerance("万元", 2) == D(150) and tolerance("万元", 7) == D(400)
    assert tolerance("元", 1) == D(1) and tolerance(None, 2) == D("1.5")


# ---------------------------------------------------------------- table-children-sum


def test_children_sum_to_their_parent():
    t, lines = functional(300000, [("20103", 200000), ("20105", 100000)])
    assert found(lines, t) == []
    t, lines = functional(300000, [("20103", 200000), ("20105", 90000)])
    assert found(lines, t) == [("table-children-sum", D(290000), D(300000), (0,))]


def test_children_sum_tolerance_edge_in_wan_yuan():
    # two children and the parent: three printed figures, 150 yuan
    assert found(*reversed(functional(300150, [("20103", 200000), ("20105", 100000)]))) == []
    t, lines = functional(300151, [("20103", 200000), ("20105", 100000)])
    assert found(lines, t) == [("table-children-sum", D(300000), D(300151), (0,))]


def test_children_sum_tolerance_edge_in_yuan():
    t, lines = functional(1001, [("20103", 1000)], unit="元")
    assert found(lines, t) == []
    t, lines = functional("1001.01", [("20103", 1000)], unit="元")
    assert found(lines, t) == [("table-children-sum", D(1000), D("1001.01"), (0,))]


def test_a_parent_is_compared_only_when_its_children_are_listed():
    t = table()
    alone = [line(t, 1, "一般公共服务支出", "合计", 300000, "201"), line(t, 2, "卫生健康支出", "合计", 5, "210"),
             line(t, 3, "计划生育事务", "合计", 5, "21007")]
    assert found(alone, t) == []


def test_a_blank_parent_is_not_compared_and_a_blank_child_is_zero():
    t = table()
    lines = [line(t, 1, "类", "合计", 500, "201"), line(t, 2, "款", "合计", 500, "20103"),
             line(t, 2, "款", "基本支出", 500, "20103")]  # the 类 row prints no 基本支出: not compared
    assert [f for f in found(lines, t) if f[0] == "table-children-sum"] == []
    lines.append(line(t, 1, "类", "项目支出", 300, "201"))  # its 款 row prints none: 0 < 300
    assert ("table-children-sum", D(0), D(300), (3,)) in found(lines, t)


def test_a_skipped_level_sums_the_nearest_rows_listed():
    t, lines = functional(300000, [("2010350", 200000), ("2010399", 100000)])
    assert found(lines, t) == []
    t, lines = functional(300000, [("2010350", 200000), ("2010399", 10000)])
    assert found(lines, t) == [("table-children-sum", D(210000), D(300000), (0,))]


def test_a_parent_code_printed_twice_is_left_alone():
    t, lines = functional(300000, [("20103", 100000)])
    lines.append(line(t, 9, "一般公共服务支出", "合计", 100000, "201"))
    assert [f for f in found(lines, t) if f[0] == "table-children-sum"] == []


def test_economic_classes_sum_their_items():
    t = table("basic_economic")
    lines = [line(t, 1, "工资福利支出", "人员经费", 3000000, "301"), line(t, 2, "基本工资", "人员经费", 1000000, "30101"),
             line(t, 3, "津贴补贴", "人员经费", 1999900, "30102")]
    assert found(lines, t) == []  # 0.01 万元 off: rounding
    lines[2] = dataclasses.replace(lines[2], amount=D(1999800))
    assert found(lines, t) == [("table-children-sum", D(2999800), D(3000000), (0,))]


def test_three_public_sub_items_sum_to_the_row_above_them():
    rows = ("公务接待费\t0.30\t0.30", "公务用车购置及运行费\t1.80\t1.80", "①公务用车购置费\t\t", "②公务用车运行维护费\t1.50\t1.50",
            "合计\t2.10\t2.10")
    t = table("three_public", rows=rows)
    lines = [line(t, 1, "公务接待费", "合计", 3000), line(t, 2, "公务用车购置及运行费", "合计", 18000),
             line(t, 4, "②公务用车运行维护费", "合计", 15000), line(t, 5, "合计", "合计", 21000)]
    assert found(lines, t) == [("table-children-sum", D(15000), D(18000), (1,))]  # the 合计 row excludes ①②


# ---------------------------------------------------------------- table-basic-plus-project


def split(total, *parts, kind="expenditure", unit="万元", names=("基本支出", "项目支出")):
    t = table(kind, unit)
    lines = [line(t, 1, "事业运行", "合计", total, "2010350")]
    lines += [line(t, 1, "事业运行", n, v, "2010350") for n, v in zip(names, parts) if v is not None]
    return t, lines


def test_basic_plus_project_equals_the_total():
    assert found(*reversed(split(300000, 200000, 100000))) == []
    assert found(*reversed(split(300000, 300000, None))) == []  # one part printed
    t, lines = split(300000, 200000, 90000)
    assert found(lines, t) == [("table-basic-plus-project", D(290000), D(300000), (0, 1, 2))]


def test_basic_plus_project_tolerance_edge():
    assert found(*reversed(split(300150, 200000, 100000))) == []
    assert found(*reversed(split(300151, 200000, 100000)))[0][:3] == ("table-basic-plus-project", D(300000), D(300151))
    assert found(*reversed(split("301.5", 200, 100, unit="元"))) == []
    assert len(found(*reversed(split("301.51", 200, 100, unit="元")))) == 1


def test_a_row_without_parts_is_not_compared():
    assert found(*reversed(split(300000))) == []


def test_other_splits_the_header_makes_explicit():
    t, lines = split(304400, 288700, 15800, kind="basic_economic", names=("人员经费", "公用经费"))
    assert found(lines, t) == []  # seed 000 prints 288.66 + 15.79 = 304.44
    t, lines = split(300000, 100000, 100000, 50000, kind="three_public",
                     names=("一般公共预算", "政府性基金预算", "国有资本经营预算"))
    assert found(lines, t) == [("table-basic-plus-project", D(250000), D(300000), (0, 1, 2, 3))]


def test_the_income_total_may_leave_the_carry_over_out():
    names = ("一般公共预算", "上年结转")
    assert found(*reversed(split(150000, 100000, 50000, kind="income", names=names))) == []
    assert found(*reversed(split(100000, 100000, 50000, kind="income", names=names))) == []
    t, lines = split(120000, 100000, 50000, kind="income", names=names)
    assert found(lines, t) == [("table-basic-plus-project", D(150000), D(120000), (0, 1, 2))]


def test_nested_total_columns_are_left_alone():
    t, lines = split(500000, 100000, 400000, kind="three_public", names=("公务接待费", "小计"))
    assert found(lines, t) == []


# ---------------------------------------------------------------- table-total-row


def test_the_total_row_sums_the_top_level_codes():
    t = table()
    lines = [line(t, 1, "合计", "合计", 400000), line(t, 2, "一般公共服务支出", "合计", 300000, "201"),
             line(t, 3, "款", "合计", 300000, "20103"), line(t, 4, "卫生健康支出", "合计", 100000, "210")]
    assert found(lines, t) == []
    lines[0] = dataclasses.replace(lines[0], amount=D(700000))  # as if 20103 were counted too
    assert found(lines, t) == [("table-total-row", D(400000), D(700000), (0,))]


def test_a_coded_table_with_an_uncoded_row_is_not_totalled():
    t = table()
    lines = [line(t, 1, "合计", "合计", 999), line(t, 2, "一般公共服务支出", "合计", 300000, "201"),
             line(t, 3, "code lost", "合计", 100000)]
    assert found(lines, t) == []


def test_a_summary_side_totals_its_numbered_rows_and_the_carry_over():
    t = table("fiscal_summary")

    def side(grand):
        return [line(t, 1, "一、一般公共预算", "金额", 100000, side="收入"),
                line(t, 2, "二、政府性基金预算", "金额", 50000, side="收入"),
                line(t, 31, "本年收入合计", "金额", 150000, side="收入"),
                line(t, 32, "上年财政拨款结转", "金额", 20000, side="收入"),
                line(t, 34, "二、政府性基金预算", "金额", 20000, side="收入"),  # under 上年结转: not summed again
                line(t, 36, "收入总计", "金额", grand, side="收入")]

    assert found(side(170000), t) == []
    fs = arithmetic_findings(side(180000), [t])
    assert [(f.check_id, f.expected, f.actual, f.lines) for f in fs] == [("table-total-row", D(170000), D(180000), (5,))]
    assert "(收入方)" in fs[0].message


def test_a_table_without_codes_or_numbers_totals_its_rows_but_sub_items():
    rows = ("公务接待费\t0.30", "公务用车购置及运行费\t1.80", "②公务用车运行维护费\t1.80", "合计\t2.10")
    t = table("three_public", rows=rows)
    lines = [line(t, 1, "公务接待费", "合计", 3000), line(t, 2, "公务用车购置及运行费", "合计", 18000),
             line(t, 3, "②公务用车运行维护费", "合计", 18000), line(t, 4, "合计", "合计", 21000)]
    assert found(lines, t) == []
    lines[3] = dataclasses.replace(lines[3], amount=D(39000))
    assert found(lines, t) == [("table-total-row", D(21000), D(39000), (3,))]


def test_a_finding_says_where_and_by_how_much_in_yuan():
    t, lines = functional(300000, [("20103", 200000), ("20105", 90000)])
    (f,) = arithmetic_findings(lines, [t])
    assert f.severity == "warning" and f.span == lines[0].span
    for part in (t.title, "'一般公共服务支出' (201)", "合计", "printed 300,000 元", "290,000 元", "difference 10,000 元"):
        assert part in f.message, part


def test_lines_of_no_table_are_left_out():
    t, lines = functional(300000, [("20103", 1)])
    narrative = dataclasses.replace(lines[0], table_index=0)
    assert found([narrative, *lines[1:]], t) == []


# ---------------------------------------------------------------- the real documents


@pytest.mark.parametrize("name", ["demo-001_示范市数据服务中心_2025.txt", "demo-002_示范市政务服务中心_2024.txt"])
def test_the_sample_documents_are_consistent(name):
    ex = extract_file(SAMPLE / name)
    assert arithmetic_findings(ex.budget_lines, ex.tables) == []
    assert not [f for f in ex.findings if f.check_id in CHECK_IDS]


#: what each seed's tables give: (check, table kind, code or row, column, expected, actual). Every seed's
#: sums hold within rounding (the largest gap: 0.02 万元 over seven children, seed 001's 工资福利支出).
SEED_FINDINGS: dict[str, list[tuple]] = {key: [] for key in SEED_FILES}


@pytest.mark.parametrize("key", sorted(SEED_FILES))
def test_seed_table_arithmetic(extraction, key):
    ex = extraction(key)
    got = [
        (f.check_id, ex.budget_lines[f.lines[0]].table_kind,
         ex.budget_lines[f.lines[0]].code or ex.budget_lines[f.lines[0]].row_label,
         ex.budget_lines[f.lines[0]].column, f.expected, f.actual)
        for f in ex.findings if f.check_id in CHECK_IDS
    ]
    assert got == SEED_FINDINGS[key]


def _one_cell_off():
    """The sample with 事业运行's 合计 in the 预算支出总表 printed 0.10 万元 too high."""
    ex = extract_file(DEMO1)
    (i,) = [i for i, l in enumerate(ex.budget_lines)
            if l.table_kind == "expenditure" and l.code == "2010350" and l.column == "合计"]
    ex.budget_lines[i] = dataclasses.replace(ex.budget_lines[i], amount=ex.budget_lines[i].amount + 1000)
    ex.findings = arithmetic_findings(ex.budget_lines, ex.tables)
    return ex, i


def test_one_wrong_cell_in_a_real_table_is_caught_by_each_rule_it_breaks():
    ex, i = _one_cell_off()
    got = [(f.check_id, ex.budget_lines[f.lines[0]].code, ex.budget_lines[f.lines[0]].column, f.expected, f.actual)
           for f in ex.findings]
    assert got == [
        ("table-children-sum", "20103", "合计", D(3955700), D(3954700)),  # 116.27 + 279.30 ≠ 395.47
        ("table-basic-plus-project", "2010350", "合计", D(1161700), D(1162700)),  # 116.27 ≠ 116.17 + 0
    ]
    assert i in ex.findings[1].lines


def test_a_finding_reaches_the_graph_and_concerns_its_budget_line():
    ex, _ = _one_cell_off()
    f = ex.findings[0]
    m = map_extraction(ex)
    g = Graph()
    for t in m.triples + m.findings:
        g.add(t)
    (node,) = g.subjects(BK.checkId, Literal("table-children-sum"))
    assert (node, RDF.type, BK.Finding) in g
    assert g.value(node, BK.expectedValue) == Literal(f.expected, datatype=XSD.decimal)
    assert g.value(node, BK.actualValue) == Literal(f.actual, datatype=XSD.decimal)
    (target,) = g.objects(node, BK.concerns)
    assert target == iri.under(m.doc, "line", f.lines[0] + 1)
    assert (target, RDF.type, BK.BudgetLine) in g
    assert g.value(target, BK.amount).toPython() == f.actual


def test_a_finding_is_queryable_with_its_budget_line_in_the_store():
    ex, _ = _one_cell_off()
    m = map_extraction(ex)
    with Store() as store:
        store.replace_document(m.file, m.graphs(), m.contrib)
        rows = store.select(
            "SELECT ?check ?expected ?actual ?table ?column ?amount WHERE {"
            " ?f a bk:Finding ; bk:checkId ?check ; bk:expectedValue ?expected ; bk:actualValue ?actual ;"
            " bk:concerns ?l . ?l a bk:BudgetLine ; bk:budgetTable ?table ; bk:budgetColumn ?column ; bk:amount ?amount"
            " } ORDER BY ?check ?amount"
        )
    assert [(r["check"], r["column"], r["amount"]) for r in rows] == [
        ("table-basic-plus-project", "基本支出", D(1161700)),
        ("table-basic-plus-project", "合计", D(1162700)),
        ("table-children-sum", "合计", D(3954700)),
    ]
    assert {r["table"] for r in rows} == {"2025年预算支出总表"}
