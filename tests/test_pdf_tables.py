"""Budget tables of the three real Shanghai PDFs: found, classified, their money unit, and every
amount read exactly (kg.segment.tables + kg.extract.budget_lines on what kg.read.pdf gives).

The expected figures were read off the PDFs by eye. Shanghai prints the 部门预算 in 元 and the
部门决算 in 万元; amounts are checked in yuan.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from conftest import PDF_FILES as FILES

from kg.extract.budget_lines import budget_lines, explain, split_joined
from kg.model import BudgetLine, Line, Table
from kg.segment.tables import find_tables

Y = Decimal


@pytest.fixture(scope="module")
def doc(pdf_extraction):
    """doc("wanli") → (tables, budget lines of the tables) of that PDF, from the session's extraction."""

    def get(key: str) -> tuple[list[Table], list[BudgetLine]]:
        ex = pdf_extraction(key)
        return ex.tables, [b for b in ex.budget_lines if b.table_index]

    return get


def table(doc, key: str, kind: str) -> tuple[Table, list[BudgetLine]]:
    tables, lines = doc(key)
    [t] = [t for t in tables if t.kind == kind]
    return t, [b for b in lines if b.table_index == t.index]


def cells(lines: list[BudgetLine], *, code: str | None = None, label: str | None = None,
          side: str | None = None) -> dict[str, Decimal]:
    """column → yuan of the one row with that code (or label) on that side."""
    found = [b for b in lines if (code is None or b.code == code) and (label is None or b.row_label == label)
             and (side is None or b.side == side)]
    rows = {b.row_index for b in found}
    assert len(rows) == 1, (code, label, side, rows)
    return {b.column: b.amount for b in found}


# ---------------------------------------------------------------- every table: kind, title, unit, empty

TABLES = {
    "wanli": [
        ("summary", "2024年部门财务收支预算总表", "元", False),
        ("income", "2024年部门收入预算总表", "元", False),
        ("expenditure", "2024年部门支出预算总表", "元", False),
        ("fiscal_summary", "2024年部门财政拨款收支预算总表", "元", False),
        ("general_expenditure", "2024年部门一般公共预算支出功能分类预算表", "元", False),
        ("fund_expenditure", "2024年部门政府性基金预算支出功能分类预算表", "元", True),
        ("state_capital", "2024年部门国有资本经营预算支出功能分类预算表", "元", True),
        ("basic_economic", "2024年部门一般公共预算基本支出部门预算经济分类预算表", "元", False),
        ("three_public", "部门“三公”经费和机关运行经费预算表", "万元", False),
    ],
    "finance": [
        ("summary", "收入支出决算总表", "万元", False),
        ("income", "收入决算表", "万元", False),
        ("expenditure", "支出决算表", "万元", False),
        ("fiscal_summary", "财政拨款收入支出决算总表", "万元", False),
        ("general_expenditure", "一般公共预算财政拨款支出决算表", "万元", False),
        ("basic_economic", "一般公共预算财政拨款基本支出决算表", "万元", False),
        ("three_public", "财政拨款“三公”经费支出决算表", "万元", False),
        ("fund_expenditure", "政府性基金预算财政拨款收入支出决算表", "万元", True),
        ("state_capital", "国有资本经营预算财政拨款收入支出决算表", "万元", True),
    ],
}
TABLES["planning"] = TABLES["finance"]

#: per table in order: (page of the title, data rows, budget lines)
SHAPES = {
    "wanli": [(10, 10, 13), (11, 67, 335), (16, 67, 201), (21, 10, 22), (22, 67, 201), (27, 1, 0), (28, 1, 0),
              (29, 32, 96), (31, 1, 7)],
    "finance": [(6, 30, 12), (8, 20, 45), (10, 20, 44), (12, 32, 19), (15, 20, 44), (16, 39, 29), (18, 1, 2),
                (19, 1, 0), (20, 1, 0)],
    "planning": [(7, 28, 12), (8, 25, 50), (10, 25, 75), (12, 30, 17), (14, 25, 75), (16, 39, 67), (17, 1, 12),
                 (18, 0, 0), (19, 0, 0)],
}


@pytest.mark.parametrize("key", list(FILES))
def test_every_table_is_found_classified_with_its_unit(doc, key):
    tables, _ = doc(key)
    assert [(t.kind, t.title, t.money_unit, t.empty) for t in tables] == TABLES[key]
    assert [t.index for t in tables] == list(range(1, 10))


@pytest.mark.parametrize("key", list(FILES))
def test_rows_and_budget_lines_per_table(doc, key):
    tables, lines = doc(key)
    per_table = Counter(b.table_index for b in lines)
    assert [(t.title_line.page, len(t.rows), per_table[t.index]) for t in tables] == SHAPES[key]
    assert all(explain(t) for t in tables)  # every table can be shown


def test_unit_name_shares_the_line_with_the_money_unit(doc):
    tables, _ = doc("wanli")
    assert {t.unit_name for t in tables} == {"上海市普陀区人民政府万里街道办事处"}


def test_a_table_over_five_pages_is_one_table_without_its_repeated_headers(doc):
    t, lines = table(doc, "wanli", "general_expenditure")
    assert {r.page for r in t.rows} == {22, 23, 24, 25, 26}
    assert not any(r.noise for r in t.rows)
    assert {b.span.page for b in lines} == {22, 23, 24, 25, 26}
    assert cells(lines, label="合计") == {"合计": Y(156211123), "基本支出": Y(99706020), "项目支出": Y(56505103)}


def test_column_names_are_distinct_on_every_side(doc):
    for key in FILES:
        tables, lines = doc(key)
        for t in tables:
            named = defaultdict(set)
            for b in lines:
                if b.table_index == t.index:
                    named[(b.side, b.column)].add(b.column_index)
            assert all(len(pos) == 1 for pos in named.values()), (key, t.title, named)


# ---------------------------------------------------------------- wanli (部门预算, 元)


def test_wanli_expenditure_total_and_a_code_in_three_cells(doc):
    _, lines = table(doc, "wanli", "expenditure")
    assert cells(lines, label="合计") == {"合计": Y(156211123), "基本支出": Y(99706020), "项目支出": Y(56505103)}
    assert cells(lines, code="2120101") == {"合计": Y(16603248), "基本支出": Y(16353248), "项目支出": Y(250000)}
    assert cells(lines, code="201") == {"合计": Y(2932700), "基本支出": Y(0), "项目支出": Y(2932700)}  # a printed 0
    [b] = [b for b in lines if b.code == "2120101" and b.column == "合计"]
    assert (b.row_label, b.scheme, b.span.page) == ("行政运行", "functional", 19)


def test_wanli_income_total_row_alone_on_its_page(doc):
    # page 15 holds only the 合计 row; the reader gives "156,211,123 156,211,123" in one cell
    _, lines = table(doc, "wanli", "income")
    total = cells(lines, label="合计")
    assert total == {"合计": Y(156211123), "财政拨款收入": Y(156211123), "事业收入": Y(0),
                     "事业单位经营收入": Y(0), "其他收入": Y(0)}
    assert all(b.is_total for b in lines if b.row_label == "合计")


def test_wanli_economic_codes_padded(doc):
    _, lines = table(doc, "wanli", "basic_economic")
    assert cells(lines, code="30102") == {"合计": Y(16623810), "人员经费": Y(16623810), "公用经费": Y(0)}
    assert cells(lines, code="30107")["合计"] == Y(11447100)  # printed "301 | 7"
    assert cells(lines, code="30217")["公用经费"] == Y(13500)
    assert cells(lines, label="合计") == {"合计": Y(99706020), "人员经费": Y(88537451), "公用经费": Y(11168569)}
    assert {b.scheme for b in lines if b.code} == {"economic"}


def test_wanli_summaries(doc):
    _, lines = table(doc, "wanli", "summary")
    assert cells(lines, label="收入总计", side="收入") == {"金额": Y(156211123)}
    assert cells(lines, label="八、城乡社区支出", side="支出") == {"金额": Y(119385303)}
    assert not [b for b in lines if b.row_label == "二、事业收入"]  # blank: no line, no invented zero
    _, lines = table(doc, "wanli", "fiscal_summary")
    assert cells(lines, label="支出总计", side="支出") == {"合计": Y(156211123), "一般公共预算": Y(156211123)}
    assert cells(lines, label="一、一般公共预算资金", side="收入") == {"金额": Y(156211123)}


def test_wanli_three_public_and_admin_running(doc):
    _, lines = table(doc, "wanli", "three_public")
    assert {b.column: b.amount for b in lines} == {
        "合计": Y(479100), "因公出国（境）费": Y(0), "公务接待费": Y(13500), "公务用车购置及运行费": Y(465600),
        "公务用车购置费": Y(250000), "公务用车运行费": Y(215600), "机关运行经费": Y(4431800),
    }


# ---------------------------------------------------------------- finance (部门决算, 万元)


def test_finance_general_expenditure(doc):
    _, lines = table(doc, "finance", "general_expenditure")
    assert cells(lines, code="2010601") == {"合计": Y(15118900), "基本支出": Y(15035200), "项目支出": Y(83700)}
    assert cells(lines, code="2010602") == {"合计": Y(100000), "项目支出": Y(100000)}  # 基本支出 blank
    assert cells(lines, label="合计") == {"合计": Y(29400500), "基本支出": Y(23369100), "项目支出": Y(6031400)}
    [b] = [b for b in lines if b.code == "2010601" and b.column == "合计"]
    assert b.row_label == "行政运行" and b.span.page == 15


def test_finance_income_total_printed_on_the_header_line(doc):
    # "类 | 款 | 项 | 合计 | 2,946.25 | …": the 合计 row shares the header's last line
    _, lines = table(doc, "finance", "income")
    assert cells(lines, label="合计") == {"合计": Y(29462500), "财政拨款收入": Y(29400500), "其他收入": Y(62000)}
    assert cells(lines, code="2010601") == {"合计": Y(15119000), "财政拨款收入": Y(15118900), "其他收入": Y(100)}
    _, lines = table(doc, "finance", "expenditure")
    assert cells(lines, label="合计") == {"合计": Y(29400500), "基本支出": Y(23369100), "项目支出": Y(6031400)}


def test_finance_two_sided_economic_table(doc):
    t, lines = table(doc, "finance", "basic_economic")
    assert {b.side for b in lines} == {"人员经费", "公用经费"}
    assert cells(lines, code="30102") == {"金额": Y(12385800)}
    assert [b.side for b in lines if b.code == "30102"] == ["人员经费"]
    assert cells(lines, code="30226", side="公用经费") == {"金额": Y(20100)}
    assert cells(lines, code="31002", side="公用经费") == {"金额": Y(135800)}
    assert cells(lines, code="30309", side="人员经费") == {"金额": Y(3100)}  # continued on page 17
    foot = [(b.side, b.row_label, b.amount, b.is_total) for b in lines if b.row_label.endswith("经费合计")]
    assert foot == [("人员经费", "人员经费合计", Y(21522600), True), ("公用经费", "公用经费合计", Y(1846500), True)]
    assert not [b for b in lines if b.code == "30103"]  # 奖金: blank


def test_finance_three_public_blank_cells_give_no_lines(doc):
    _, lines = table(doc, "finance", "three_public")
    assert {b.column: b.amount for b in lines} == {"合计/预算数": Y(9500), "公务接待费/预算数": Y(9500)}


def test_finance_summaries(doc):
    _, lines = table(doc, "finance", "summary")
    assert cells(lines, label="本年收入合计", side="收入") == {"金额": Y(29462500)}
    assert cells(lines, label="年末结转和结余", side="支出") == {"金额": Y(553400)}
    assert cells(lines, label="总计", side="收入") == {"金额": Y(29953900)}
    _, lines = table(doc, "finance", "fiscal_summary")
    assert cells(lines, label="总计", side="支出") == {"合计": Y(29616800), "一般公共预算": Y(29616800)}
    assert cells(lines, label="年初财政拨款结转和结余", side="收入") == {"金额": Y(216300)}


# ---------------------------------------------------------------- planning (部门决算, 万元, codes in one cell)


def test_planning_expenditure_and_economic(doc):
    _, lines = table(doc, "planning", "expenditure")
    assert cells(lines, code="2200150") == {"合计": Y(44166700), "基本支出": Y(23395800), "项目支出": Y(20770900)}
    assert cells(lines, code="2080501")["项目支出"] == Y(0)  # "0.00" is a zero line
    _, lines = table(doc, "planning", "basic_economic")
    assert cells(lines, code="30102", side="人员经费") == {"金额": Y(9878600)}
    assert cells(lines, code="30217", side="公用经费") == {"金额": Y(3900)}
    foot = {b.row_label: b.amount for b in lines if b.is_total}
    assert foot == {"人员经费合计": Y(48840900), "公用经费合计": Y(4806600)}


def test_planning_three_public_budget_and_actual(doc):
    _, lines = table(doc, "planning", "three_public")
    got = {b.column: b.amount for b in lines}
    assert len(got) == 12
    assert got["合计/预算数"] == Y(28500) and got["合计/决算数"] == Y(3900)
    assert got["公务接待费/预算数"] == Y(28500) and got["公务接待费/决算数"] == Y(3900)
    for item in ("因公出国（境）费", "公务用车购置及运行费", "公务用车购置费", "公务用车运行费"):
        assert got[f"{item}/预算数"] == got[f"{item}/决算数"] == Y(0)


# ---------------------------------------------------------------- arithmetic of the tables as read


@pytest.mark.parametrize("key", list(FILES))
def test_functional_parents_are_the_sum_of_their_children(doc, key):
    _, lines = doc(key)
    by_column: dict[tuple, dict[str, Decimal]] = defaultdict(dict)
    for b in lines:
        if b.scheme == "functional":
            by_column[(b.table_index, b.side, b.column)][b.code] = b.amount
    checked = 0
    for codes in by_column.values():
        for code, amount in codes.items():
            children = [c for c in codes if len(c) == len(code) + 2 and c.startswith(code)]
            if children:
                assert sum(codes[c] for c in children) == amount, code
                checked += 1
    assert checked > 40


@pytest.mark.parametrize("key", list(FILES))
def test_economic_parents_add_up_within_rounding(doc, key):
    _, lines = doc(key)
    by_column: dict[tuple, dict[str, Decimal]] = defaultdict(dict)
    for b in lines:
        if b.scheme == "economic":
            by_column[(b.table_index, b.side, b.column)][b.code] = b.amount
    unit = Y(1) if key == "wanli" else Y(100)  # the last printed place: 1 元, 0.01 万元
    for codes in by_column.values():
        for code, amount in codes.items():
            children = [c for c in codes if len(c) == 5 and c.startswith(code) and len(code) == 3]
            if children:
                assert abs(sum(codes[c] for c in children) - amount) <= unit * (len(children) + 1) / 2, code


# ---------------------------------------------------------------- the same shapes, synthetic


def rows(*cells_: list[str], page: int = 1) -> list[Line]:
    return [Line(no=i, text="\t".join(c), cells=list(c), page=page) for i, c in enumerate(cells_, start=1)]


def test_blank_class_cell_is_taken_from_the_row_above():
    src = rows(
        ["2024年部门支出预算总表"],
        ["编制部门：某单位", "单位：元"],
        ["类", "款", "项", "功能分类科目名称", "合计", "基本支出", "项目支出"],
        ["201", "", "", "一般公共服务支出", "30", "10", "20"],
        ["", "05", "", "统计信息事务", "30", "10", "20"],
        ["", "", "07", "专项普查活动", "30", "10", "20"],
        ["301", "2", "", "津贴补贴", "5", "5", "0"],
    )
    [t] = find_tables(src)
    assert (t.unit_name, t.money_unit, len(t.header), len(t.rows)) == ("某单位", "元", 1, 4)
    codes = [b.code for b in budget_lines([t], "x.pdf") if b.column == "合计"]
    assert codes == ["201", "20105", "2010507", "30102"]


def test_unit_with_half_width_colon_and_bare_final_title():
    src = rows(["收入决算表"], ["单位:万元"], ["项目", "", "本年收入合计", "财政拨款收入"],
               ["功能分类科目编码", "科目名称", "", ""], ["合计", "", "1.50", "1.50"])
    [t] = find_tables(src)
    assert (t.kind, t.money_unit, len(t.header), len(t.rows)) == ("income", "万元", 2, 1)
    assert {b.column: b.amount for b in budget_lines([t], "x.pdf")} == {"合计": Y(15000), "财政拨款收入": Y(15000)}


def test_empty_note_after_another_note_and_a_wrong_empty_note():
    empty = rows(["政府性基金预算财政拨款收入支出决算表"], ["单位：万元"],
                 ["项目", "", "年初结转和结余", "年末结转和结余"], ["合计", "", "", ""],
                 ["注：本表反映收支情况。"], ["说明：本年度没有收支，故本表无数据。"])
    assert [t.empty for t in find_tables(empty)] == [True]
    filled = rows(["部门“三公”经费和机关运行经费预算表"], ["单位：万元"],
                  ["合计", "公务接待费", "机关运行经费"], ["1.35", "1.35", "443.18"], ["注:本表为空表。"])
    [t] = find_tables(filled)
    assert not t.empty
    assert {b.column: b.amount for b in budget_lines([t], "x.pdf")} == {
        "合计": Y(13500), "公务接待费": Y(13500), "机关运行经费": Y(4431800)}


def test_two_figures_in_one_cell_are_split_only_when_well_formed():
    assert split_joined(["合计", "156,211,123 156,211,123", "0"]) == ["合计", "156,211,123", "156,211,123", "0"]
    assert split_joined(["1.50 2.30", "3334. 01", "7, 258, 000"]) == ["1.50", "2.30", "3334. 01", "7, 258, 000"]
