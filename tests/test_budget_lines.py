"""kg.extract.budget_lines: budget tables → BudgetLines in exact yuan (real seeds + synthetic rows)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from functools import lru_cache

import pytest
from conftest import seed_path

from kg.extract.budget_lines import budget_lines, explain, layout
from kg.model import BudgetLine, Line
from kg.read import read
from kg.segment.tables import find_tables


@lru_cache(maxsize=None)
def seed_lines(prefix: str) -> tuple[str, tuple[BudgetLine, ...]]:
    doc = read(seed_path(prefix))
    return doc.name, tuple(budget_lines(find_tables(doc.lines), doc.name))


def row(prefix: str, kind: str, label: str, side: str | None = None, code: str | None = None) -> dict[str, Decimal]:
    """column → yuan of the first row of that table kind with that label (and side / code)."""
    _, bls = seed_lines(prefix)
    found = [b for b in bls if b.table_kind == kind and b.row_label == label
             and (side is None or b.side == side) and (code is None or b.code == code)]
    assert found, f"no {kind} row {label!r} in seed {prefix}"
    first = found[0].row_index
    return {b.column: b.amount for b in found if b.row_index == first}


def lines(*texts: str) -> list[Line]:
    return [Line(no=i, text=t, cells=t.split("\t")) for i, t in enumerate(texts, start=1)]


# ---------------------------------------------------------------- real seeds: exact amounts

EXPENDITURE_TOTALS = {
    "000": (11443000, 3044400, 8398600),
    "001": (8567100, 1721300, 6845800),
    "002": (70480100, 1727900, 68752300),
    "003": (11010400, 2214800, 8795600),
    "004": (15921400, 7188700, 8732700),
}
BASIC_ECONOMIC_TOTALS = {
    "000": (3044400, 2886600, 157900),
    "001": (4386800, 4244400, 142400),
    "002": (1727900, 1500800, 227100),
    "003": (2214800, 2106200, 108600),
    "004": (7188700, 6538900, 649900),
}
THREE_PUBLIC_TOTALS = {"000": 16000, "001": None, "002": 7000, "003": 16000, "004": 37700}
ADMIN_RUNNING_TOTALS = {"000": None, "001": 159800, "002": 227100, "003": None, "004": 483700}
# BudgetLines per table index, counted by hand from the text of seed 003:
# 1 收支总表: 收入 3 (一般公共预算, 本年收入合计, 收入总计) + 支出 6 rows × 2;  2 收入总表: 20 rows × 2;
# 3/5 支出表: 合计, 201, 20106 × 3 + 17 rows × 2;  4 财政拨款收支总表: 3 + 6 rows × 2;
# 6 经济科目表: 合计 × 3 + 21 rows × 2;  10 三公: 3 rows × 2;  7 8 9 11 empty; 12 13 project tables.
SEED_003_COUNTS = {1: 15, 2: 40, 3: 43, 4: 15, 5: 43, 6: 45, 10: 6}


@pytest.mark.parametrize("prefix", sorted(EXPENDITURE_TOTALS))
def test_expenditure_total_row(prefix):
    total, basic, project = EXPENDITURE_TOTALS[prefix]
    assert row(prefix, "expenditure", "合计") == {"合计": total, "基本支出": basic, "项目支出": project}
    assert row(prefix, "general_expenditure", "合计")["基本支出"] == basic


@pytest.mark.parametrize("prefix", sorted(BASIC_ECONOMIC_TOTALS))
def test_basic_economic_total_row(prefix):
    total, staff, public = BASIC_ECONOMIC_TOTALS[prefix]
    assert row(prefix, "basic_economic", "合计") == {"合计": total, "人员经费": staff, "公用经费": public}


@pytest.mark.parametrize("prefix", sorted(THREE_PUBLIC_TOTALS))
def test_three_public_and_admin_running(prefix):
    _, bls = seed_lines(prefix)
    tp = {b.column: b.amount for b in bls if b.table_kind == "three_public" and b.row_label == "合计"}
    assert tp == ({} if THREE_PUBLIC_TOTALS[prefix] is None else
                  {"合计": THREE_PUBLIC_TOTALS[prefix], "一般公共预算": THREE_PUBLIC_TOTALS[prefix]})
    ar = {b.column: b.amount for b in bls if b.table_kind == "admin_running" and b.row_label == "部门合计"}
    assert ar == ({} if ADMIN_RUNNING_TOTALS[prefix] is None else
                  {"合计": ADMIN_RUNNING_TOTALS[prefix], "一般公共预算": ADMIN_RUNNING_TOTALS[prefix]})
    assert all(b.is_total for b in bls if b.row_label in ("合计", "部门合计"))


def test_seed_003_counts_per_table():
    _, bls = seed_lines("003")
    assert dict(Counter(b.table_index for b in bls)) == SEED_003_COUNTS
    assert len(bls) == 207


def test_per_seed_totals():
    assert {p: len(seed_lines(p)[1]) for p in ("000", "001", "002", "003", "004")} == {
        "000": 203, "001": 189, "002": 264, "003": 207, "004": 227,
    }


def test_no_lines_from_project_or_empty_tables():
    for prefix in ("000", "001", "003", "004"):
        _, bls = seed_lines(prefix)
        kinds = {b.table_kind for b in bls}
        assert not kinds & {"project_current", "project_carryover", "unknown", "fund_income", "state_capital"}


def test_seed_003_expenditure_line_in_full():
    name, bls = seed_lines("003")
    b = next(b for b in bls if b.table_kind == "expenditure" and b.code == "2010650" and b.column == "基本支出")
    assert b.amount == Decimal("1521900")
    assert (b.row_label, b.scheme, b.side, b.is_total) == ("事业运行", "functional", None, False)
    assert (b.table_title, b.table_index, b.row_index, b.column_index) == ("2024年预算支出总表", 3, 5, 4)
    assert (b.span.file, b.span.line) == (name, 215)
    assert b.span.text.startswith("2010650")
    # a blank cell is no line
    assert not [x for x in bls if x.table_kind == "expenditure" and x.code == "2010650" and x.column == "项目支出"]


def test_seed_003_summary_sides():
    assert row("003", "summary", "一、一般公共预算", side="收入") == {"金额": 11010400}
    assert row("003", "summary", "一、一般公共服务支出", side="支出") == {"合计": 10317500, "当年预算安排": 10317500}
    assert row("003", "summary", "收入总计") == {"金额": 11010400}
    assert row("003", "fiscal_summary", "支出总计") == {"小计": 11010400, "一般公共预算": 11010400}
    _, bls = seed_lines("003")
    summary = [b for b in bls if b.table_kind == "summary"]
    assert {b.side for b in summary} == {"收入", "支出"}
    assert all(b.code is None for b in summary)  # expenditure items are linked by name, not code
    assert {b.row_label for b in summary if b.is_total} == {"本年收入合计", "本年支出合计", "收入总计", "支出总计"}


def test_seed_003_income_and_basic_economic():
    assert row("003", "income", "合计") == {"合计": 11010400, "一般公共预算": 11010400}
    _, bls = seed_lines("003")
    wage = [b for b in bls if b.table_kind == "basic_economic" and b.row_label == "基本工资"]
    assert [(b.column, b.amount, b.gov_economic_name) for b in wage] == [
        ("合计", 727600, "工资福利支出"), ("人员经费", 727600, "工资福利支出"),
    ]
    retire = next(b for b in bls if b.table_kind == "basic_economic" and b.row_label == "退休费")
    assert retire.gov_economic_name == "离退休费"
    group = next(b for b in bls if b.table_kind == "basic_economic" and b.row_label == "工资福利支出")
    assert group.gov_economic_name is None


def test_economic_codes_when_codelists_is_available():
    codelists = pytest.importorskip("kg.codelists")
    if codelists.economic_code("基本工资") is None:
        pytest.skip("kg.codelists has no economic code list yet")
    _, bls = seed_lines("003")
    wage = next(b for b in bls if b.table_kind == "basic_economic" and b.row_label == "基本工资")
    assert (wage.code, wage.scheme) == ("30101", "economic")


def test_seed_004_duplicate_names_and_gov_names():
    _, bls = seed_lines("004")
    wages = [b for b in bls if b.table_kind == "basic_economic" and b.row_label == "基本工资" and b.column == "合计"]
    assert [(b.gov_economic_name, b.amount) for b in wages] == [("工资奖金津补贴", 1748100), ("工资福利支出", 672400)]
    assert row("004", "expenditure", "事业单位离退休") == {"合计": 140700, "基本支出": 108200, "项目支出": 32500}
    assert row("004", "income", "合计") == {"合计": 15921400, "一般公共预算": 15921400}
    assert row("004", "summary", "一、一般公共预算") == {"金额": 15921400}  # "1,592.14"


# ---------------------------------------------------------------- seed 002 (OCR)


def test_seed_002_ocr_rows():
    # spaces inside numbers, shuffled summary rows
    assert row("002", "summary", "支出总计") == {"合计": 70480100, "当年预算安排": 63340100, "上年结转安排": 7140100}
    assert row("002", "summary", "上年结转", side="收入") == {"金额": 7140100}
    # a name wrapped by OCR, CJK spaces removed
    assert row("002", "summary", "八、社会保障和就业支出") == {"合计": 278900, "当年预算安排": 278900}
    # income table: rows that lost cells are re-aligned (合计 = sum of parts, else last cell last)
    assert row("002", "income", "国有土地使用权出让收入安排的支出", code="21208") == {
        "合计": 30000000, "政府性基金预算": 30000000}
    assert row("002", "income", "其他支出", code="229") == {"上年结转": 7140100}
    # 合计 blank in print: never invented
    assert row("002", "income", "合计") == {"一般公共预算": 33340100, "政府性基金预算": 30000000, "上年结转": 7140100}
    # 政府性基金 income codes; the 合计 label lost by OCR is inferred from the 类 rows
    assert row("002", "fund_income", "国有土地使用权出让收入") == {"金额": 30000000}
    _, bls = seed_lines("002")
    fi = [b for b in bls if b.table_kind == "fund_income"]
    assert [(b.code, b.scheme, b.row_label, b.is_total) for b in fi][:2] == [
        (None, None, "合计", True), ("103", "income", "非税收入", False)]
    be = next(b for b in bls if b.table_kind == "basic_economic" and b.row_label == "基本工资")
    assert be.gov_economic_name == "工资奖金津补贴"
    assert row("002", "fund_expenditure", "合计") == {"合计": 30000000, "项目支出": 30000000}


def test_seed_002_project_tables_left_for_the_project_reader():
    _, bls = seed_lines("002")
    assert not [b for b in bls if b.table_kind.startswith("project")]
    tables = find_tables(read(seed_path("002")).lines)
    current = next(t for t in tables if t.kind == "project_current")
    assert len(current.rows) == 16
    assert "project_current" in explain(current)


# ---------------------------------------------------------------- synthetic


def table_lines(*rows: str, unit: str = "万元", title: str = "2025年预算支出总表"):
    ls = lines(title, f"单位：{unit}", "科目编码\t科目名称\t合计\t基本支出\t项目支出", *rows)
    return budget_lines(find_tables(ls), "x.txt")


def test_blank_is_no_line_but_zero_is():
    bls = table_lines("201\t一般公共服务支出\t0.00\t\t0.00")
    assert [(b.column, b.amount) for b in bls] == [("合计", 0), ("项目支出", 0)]


def test_yuan_and_thousands_separators():
    bls = table_lines("合计\t\t1,234,567\t1,234,567\t", unit="元")
    assert [b.amount for b in bls] == [Decimal(1234567), Decimal(1234567)]
    assert table_lines("合计\t\t3334. 01\t\t3334. 01")[0].amount == Decimal("33340100")


def test_row_missing_cells_is_realigned():
    # OCR dropped the blank 基本支出 cell: 合计 = the part, and the filled last cell stays last
    bls = table_lines("2010504\t信息事务\t3161.22\t3161.22")
    assert [(b.column, b.amount) for b in bls] == [("合计", 31612200), ("项目支出", 31612200)]
    # OCR dropped the trailing blank: the row stays left-aligned
    bls = table_lines("2010501\t行政运行\t118.66\t118.66\t")
    assert [(b.column, b.amount) for b in bls] == [("合计", 1186600), ("基本支出", 1186600)]
    # a filled last cell stays in the last column
    bls = table_lines("2010504\t信息事务\t3161.22")
    assert [(b.column, b.amount) for b in bls] == [("合计", 31612200)]
    bls = table_lines("229\t其他支出\t\t714.01")
    assert [(b.column, b.amount) for b in bls] == [("项目支出", 7140100)]


def test_two_sided_row_split_and_codes():
    ls = lines(
        "2025年预算收支总表", "单位：万元",
        "收入\t\t支出\t\t\t",
        "项目\t2025年\t项目\t2025年合计\t当年预算安排\t上年结转安排",
        "一、一般公共预算\t1.00\t一、一般公共服务支出\t1.00\t1.00\t",
        "\t三、国防支出\t\t",  # a row that lost its first cell
    )
    bls = budget_lines(find_tables(ls), "x.txt")
    assert [(b.side, b.row_label, b.column, b.amount, b.column_index) for b in bls] == [
        ("收入", "一、一般公共预算", "金额", 10000, 2),
        ("支出", "一、一般公共服务支出", "合计", 10000, 4),
        ("支出", "一、一般公共服务支出", "当年预算安排", 10000, 5),
    ]


def test_shanghai_split_codes():
    ls = lines(
        "2024年部门支出预算总表", "编制部门：某街道办事处 单位：元",
        "类\t款\t项\t功能分类科目名称\t合计\t基本支出\t项目支出",
        "201\t05\t07\t专项普查活动\t257,700\t0\t257,700",
    )
    bls = budget_lines(find_tables(ls), "x.txt")
    assert [(b.code, b.scheme, b.row_label, b.column, b.amount) for b in bls] == [
        ("2010507", "functional", "专项普查活动", "合计", 257700),
        ("2010507", "functional", "专项普查活动", "基本支出", 0),
        ("2010507", "functional", "专项普查活动", "项目支出", 257700),
    ]


def test_header_over_two_lines_and_spaced_names():
    ls = lines(
        "2025年预算收入总表",
        "项目\t\t本年收入\t\t\t上年结转",
        "科目编码\t科目名称\t合计\t一般公共预算\t政府性基 金\t",
        "21208\t国有土地使用权出让收入安排的支 出\t3.00\t\t3.00\t",
    )
    [t] = find_tables(ls)
    assert [c.name for c in layout(t).sides[0].amounts] == ["合计", "一般公共预算", "政府性基金预算", "上年结转"]
    bls = budget_lines([t], "x.txt")
    assert {(b.row_label, b.column) for b in bls} == {
        ("国有土地使用权出让收入安排的支出", "合计"), ("国有土地使用权出让收入安排的支出", "政府性基金预算")}


def test_table_without_header_uses_the_default_layout():
    ls = lines("2025年预算支出总表", "单位：万元", "合计\t\t2.00\t1.00\t1.00")
    [t] = find_tables(ls)
    assert t.header == [] and layout(t).source == "default"
    bls = budget_lines([t], "x.txt")
    assert [(b.column, b.amount, b.is_total) for b in bls] == [
        ("合计", 20000, True), ("基本支出", 10000, True), ("项目支出", 10000, True)]
