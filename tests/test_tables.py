"""kg.segment.tables: finding and classifying the budget tables (real seeds + small synthetic cases)."""

from __future__ import annotations

import re
from functools import lru_cache

import pytest
from conftest import seed_path

from kg.model import Line, SourceDoc
from kg.read import read
from kg.segment.lines import is_toc
from kg.segment.tables import classify, find_tables, match_title

SHANXI_KINDS = [
    "summary", "income", "expenditure", "fiscal_summary", "general_expenditure", "basic_economic",
    "fund_income", "fund_expenditure", "state_capital", "three_public", "admin_running",
    "project_current", "project_carryover",
]
# 1-based indexes of the tables marked "注：本表无数据"
EMPTY = {
    "000": {7, 8, 9, 11, 13},
    "001": {7, 8, 9, 10, 13},
    "002": {9},
    "003": {7, 8, 9, 11, 13},
    "004": {7, 8, 9, 13},
}


@lru_cache(maxsize=None)
def seed(prefix: str) -> SourceDoc:
    return read(seed_path(prefix))


def tables_part(doc: SourceDoc) -> list[Line]:
    """What the caller passes: from the 第二部分 heading to the 第三部分 heading (TOC entries skipped)."""
    def heading(ln: Line, part: str) -> bool:
        return bool(ln.tokens) and ln.tokens[0].startswith(part) and not is_toc(ln)

    start = next(i for i, ln in enumerate(doc.lines) if heading(ln, "第二部分"))
    end = next(i for i, ln in enumerate(doc.lines) if i > start and heading(ln, "第三部分"))
    return doc.lines[start:end]


@lru_cache(maxsize=None)
def seed_tables(prefix: str):
    return find_tables(tables_part(seed(prefix)))


def lines(*texts: str, start: int = 1) -> list[Line]:
    """Lines built by hand: "\\t" separates cells."""
    return [Line(no=i, text=t, cells=t.split("\t")) for i, t in enumerate(texts, start=start)]


# ---------------------------------------------------------------- real seeds


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_thirteen_tables_in_order(prefix):
    tables = seed_tables(prefix)
    assert [t.kind for t in tables] == SHANXI_KINDS
    assert [t.index for t in tables] == list(range(1, 14))
    assert all(t.money_unit == "万元" for t in tables)


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_empty_flags(prefix):
    assert {t.index for t in seed_tables(prefix) if t.empty} == EMPTY[prefix]


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_whole_document_gives_the_same_tables(prefix):
    """TOC entries, the narrative and the KPI tables around the tables part are ignored."""
    whole = find_tables(seed(prefix).lines)
    part = seed_tables(prefix)
    assert [(t.kind, t.title_line.no, len(t.rows), t.empty) for t in whole] == [
        (t.kind, t.title_line.no, len(t.rows), t.empty) for t in part
    ]


def test_seed_003_titles_rows_and_header():
    tables = seed_tables("003")
    t = tables[2]
    assert t.title == "2024年预算支出总表"  # markdown "## " removed
    assert t.title_line.no == 203
    assert t.unit_name == "大同市财政信息中心"
    assert [ln.tokens for ln in t.header] == [
        ["项目", "2024年预算数"],
        ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
    ]
    assert t.rows[0].tokens == ["合计", "1101.04", "221.48", "879.56"]
    assert len(t.rows) == 20
    # the summary table runs across the blank line of its page break
    assert len(tables[0].rows) == 33
    assert tables[0].rows[-1].tokens[0] == "收入总计"
    assert tables[9].title == "2024年财政拨款安排“三公”经费支出预算表"
    # the 项目支出预算表 column-number line "1 2 3 …" is header, not data
    assert len(tables[11].header) == 3 and len(tables[11].rows) == 15
    assert tables[11].rows[1].tokens[0] == "QT专项人员事务经费"
    assert tables[12].rows == [] and tables[12].empty


def test_seed_000_split_unit_and_markers():
    tables = seed_tables("000")
    assert tables[0].money_unit == "万元"  # "单位：万" + "元"
    assert tables[0].unit_name == "大同市人民政府信息中心"  # as printed in that table
    assert tables[1].unit_name == "大同市人民政府信息化中心"
    assert all(not t.title.startswith(("预算公开表", "部门公开表")) for t in tables)
    assert [len(t.rows) for t in tables] == [33, 19, 19, 36, 19, 23, 1, 1, 1, 6, 1, 11, 0]


def test_seed_004_unit_name_continues_on_next_line_and_empty_table_keeps_codes():
    tables = seed_tables("004")
    assert tables[10].unit_name == "大同市云冈区人民政府办公室（部门）"  # "（部门）" on its own line
    assert tables[0].unit_name == "大同市云冈区人民政府办公室（部门）"
    state = tables[8]
    assert state.empty and len(state.rows) == 17
    assert state.rows[1].tokens[:2] == ["201", "一般公共服务支出"]
    assert len(tables[11].rows) == 32  # 项目支出预算表 across a blank line


def test_seed_002_ocr_tables_found():
    tables = seed_tables("002")
    assert tables[0].title == "2025年预算收支总表"
    assert tables[3].unit_name is None  # OCR lost the 单位名称 line
    assert [len(t.rows) for t in tables] == [33, 25, 25, 37, 19, 27, 4, 4, 1, 6, 2, 16, 3]
    current, carry = tables[11], tables[12]
    assert current.rows[0].tokens[:2] == ["晋城市数据局", "6161. 22"]
    assert current.rows[-1].tokens[0] == "热线受理中心运营管理及人员外 包服务费用"
    assert [r.tokens[0] for r in carry.rows] == ["晋城市数据局", "晋城市数据局", "晋城市新型智慧城市建设二期项目"]
    # OCR garbage above the header ("arrive to the off.  4.33  2 …") stays out of the rows
    assert current.rows[0].no == 333


# ---------------------------------------------------------------- synthetic


def test_split_unit_line():
    [t] = find_tables(lines(
        "2025年预算支出总表", "", "单位名称：某单位", "单位：万", "元",
        "科目编码\t科目名称\t合计\t基本支出\t项目支出",
        "合计\t\t1.00\t1.00\t",
    ))
    assert t.money_unit == "万元"
    assert t.unit_name == "某单位"
    assert len(t.rows) == 1


def test_table_continues_across_blank_and_noise_lines():
    ls = lines(
        "2025年预算支出总表", "单位：元",
        "科目编码\t科目名称\t合计\t基本支出\t项目支出",
        "合计\t\t3.00\t3.00\t",
        "", "仅供内部审核", "",
        "201\t一般公共服务支出\t3.00\t3.00\t",
        "说明文字，不是表格。",
        "2010301\t行政运行\t3.00\t3.00\t",
    )
    ls[5].noise = True
    [t] = find_tables(ls)
    assert t.money_unit == "元"
    assert [r.no for r in t.rows] == [4, 8]  # stops at the prose line


def test_empty_note():
    tables = find_tables(lines(
        "2025年政府性基金预算支出表（不含上年结转）", "单位：万元",
        "科目编码\t科目名称\t合计\t基本支出\t项目支出",
        "合计\t\t\t\t",
        "",
        "注：本表无数据",
        "2025年财政拨款安排“三公”经费支出预算表",
        "项目\t2025年预算数\t\t\t",
        "\t合计\t一般公共预算\t政府性基金预算\t国有资本经营预算",
        "公务接待费\t0.70\t0.70\t\t",
    ))
    assert [(t.kind, t.empty, len(t.header), len(t.rows)) for t in tables] == [
        ("fund_expenditure", True, 1, 1),
        ("three_public", False, 2, 1),
    ]
    assert tables[1].money_unit == "万元"  # inherited from the previous table


def test_toc_line_does_not_start_a_table():
    tables = find_tables(lines(
        "目 录",
        "表三2025年预算支出总表.....\t6",
        "2025年预算支出总表\t6",
        "第二部分 2025年单位预算报表\t2",
        "2025年预算支出总表",
        "科目编码\t科目名称\t合计\t基本支出\t项目支出",
        "合计\t\t1.00\t1.00\t",
    ))
    assert [t.title_line.no for t in tables] == [5]


def test_kpi_table_is_never_a_budget_table():
    assert match_title(lines("2025年项目支出绩效目标表")[0]) is None
    assert find_tables(lines("大同市市级预算部门（单位）项目支出绩效目标表", "项目名称\tZ物业管理费")) == []


def test_money_unit_printed_before_the_title_ocr():
    tables = find_tables(lines(
        "2025年财政拨款收支总表",
        "收入\t\t支出\t\t\t\t",
        "项目\t金额\t项目\t小计\t一般公共预算\t政府性基金预算\t国有资本经营预算",
        "收入总计\t1.00\t支出总计\t1.00\t1.00\t\t",
        "",
        "单位:元",
        "",
        "2025年一般公共预算支出预算表(不含上年结转)",
        "科目编码\t科目名称\t合计\t基本支出\t项目支出",
        "合计\t\t1.00\t1.00\t",
    ))
    assert [t.money_unit for t in tables] == ["万元", "元"]


def test_section_heading_ends_the_last_table():
    [t] = find_tables(lines(
        "2025年项目支出预算表（上年结转）",
        "项目名称\t合计\t2025年财政拨款\t\t",
        "\t\t一般公共预算\t政府性基金预算\t国有资本经营预算",
        "1\t2\t3\t4\t5",
        "第三部分 2025年度单位预算情况说明",
        "一、单位预算收支数据变动情况及原因\t",
    ))
    assert t.kind == "project_carryover"
    assert len(t.header) == 3 and t.rows == []


def test_shanghai_unit_name_and_unit_on_one_line():
    [t] = find_tables(lines(
        "2024年部门支出预算总表",
        "编制部门：上海市普陀区人民政府万里街道办事处 单位：元",
        "类\t款\t项\t功能分类科目名称\t合计\t基本支出\t项目支出",
        "201\t05\t07\t专项普查活动\t257,700\t0\t257,700",
    ))
    assert (t.kind, t.unit_name, t.money_unit) == ("expenditure", "上海市普陀区人民政府万里街道办事处", "元")
    assert len(t.header) == 1 and len(t.rows) == 1


@pytest.mark.parametrize(
    "title, kind",
    [
        ("2025年预算收支总表", "summary"),
        ("2024年部门财务收支预算总表", "summary"),
        ("2025年预算收入总表", "income"),
        ("2024年部门收入预算总表", "income"),
        ("2025年预算支出总表", "expenditure"),
        ("2025年财政拨款收支总表", "fiscal_summary"),
        ("2024年部门财政拨款收支预算总表", "fiscal_summary"),
        ("2025年一般公共预算支出预算表（不含上年结转）", "general_expenditure"),
        ("2024年部门一般公共预算支出功能分类预算表", "general_expenditure"),
        ("2026年一般公共预算安排基本支出分经济科目表（不含上年结转）", "basic_economic"),
        ("2024年部门一般公共预算基本支出部门预算经济分类预算表", "basic_economic"),
        ("2025年政府性基金预算收入表（不含上年结转）", "fund_income"),
        ("2025年政府性基金预算支出表（不含上年结转）", "fund_expenditure"),
        ("2024年部门政府性基金预算支出功能分类预算表", "fund_expenditure"),
        ("2025年国有资本经营预算收支预算表（不含上年结转）", "state_capital"),
        ("2025年财政拨款安排“三公”经费支出预算表", "three_public"),
        ('2025年财政拨款安排"三公"经费支出预算表', "three_public"),
        ("2023年一般公共预算三公经费支出预算表", "three_public"),
        ("2025年财政拨款安排机关运行经费预算表", "admin_running"),
        ("2023年机关运行经费预算财政拨款情况统计表", "admin_running"),
        ("2025年项目支出预算表（本年预算）", "project_current"),
        ("2025年项目支出预算表(上年结转)", "project_carryover"),
        ("2025年政府采购预算表", "unknown"),
    ],
)
def test_classify(title, kind):
    assert classify(title) == kind


@pytest.mark.parametrize(
    "text, title",
    [
        ("## 2025年预算收支总表", "2025年预算收支总表"),
        ("表一2025年预算收支总表", "2025年预算收支总表"),
        ("预算公开表1\t2025年预算收支总表", "2025年预算收支总表"),
        ("2025年度大同市政务服务中心预算收入总计856.71万元，其中：本年收入", None),
        ("2025年预算收支总表 2", None),
    ],
)
def test_title_lines(text, title):
    from kg.read.text import lines_from_text

    m = match_title(lines_from_text(text)[0])
    assert (m[0] if m else None) == title
    if m:
        assert re.match(r"^\d{4}年", m[0])
