"""The document's own 目录 as the plan: contents read, listed tables located and accounted for, and an
incomplete reading said loudly — in the extraction, in the graph, on the command line (issue 13).

Also what is not a disclosure (a blank template, tables without a figure) and the same file given twice."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from conftest import SAMPLE, SEED_FILES

from kg.cli import main
from kg.errors import ParseError
from kg.pipeline import extract_file
from kg.read.text import lines_from_text
from kg.segment.contents import read_contents
from kg.segment.tables import find_tables

S1 = SAMPLE / "demo-001_示范市数据服务中心_2025.txt"
S2 = SAMPLE / "demo-002_示范市政务服务中心_2024.txt"


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)))


# ---------------------------------------------------------------- the contents


def test_contents_entries_wrapped_numbered_and_ended_by_the_body():
    text = "\n".join([
        "目 录",
        "第二部分 上海市某某局 年度部门决算表",
        "2024",  # the year a wrap pushed onto its own line
        "七、财政拨款 三公 经费支出决算表",
        "“ ”",  # the quotes the wrap left behind
        "5．2024年部门一般公共预算支出功能分类预算表",
        "9.部门“三公”经费和机关运行经费预算表",
        "五、部门预算表",  # a heading over the tables, not a table
        "七、项目经费情况说明",
        "第二部分 上海市某某局2024年度部门决算表",  # the body's heading: a part listed again
        "收入支出决算总表",
    ])
    c = read_contents(lines_from_text(text))
    assert [(e.level, e.ordinal, e.title, e.kind) for e in c.entries] == [
        ("part", "第二部分", "上海市某某局年度部门决算表2024", None),
        ("section", "七", "财政拨款“三公”经费支出决算表", "three_public"),
        ("item", "5", "2024年部门一般公共预算支出功能分类预算表", "general_expenditure"),
        ("item", "9", "部门“三公”经费和机关运行经费预算表", "three_public"),
        ("section", "五", "部门预算表", None),
        ("section", "七", "项目经费情况说明", "project_pages"),
    ]
    assert (c.start, c.end) == (0, 9) and len(c.tables) == 3


def test_contents_end_at_a_page_that_does_not_go_on_numbering():
    # justice: the contents fill page 2; page 3 opens with "上海市普陀区司法局主要职能", not a next entry
    from kg.read import read

    src = read(shared_pdf("shanghai-putuo-justice-2026-unit-budget.pdf"))
    c = read_contents(src.lines)
    assert [e.kind for e in c.tables] == [
        "summary", "income", "expenditure", "fiscal_summary", "general_expenditure", "fund_expenditure",
        "state_capital", "basic_economic", "three_public",
    ]
    assert src.lines[c.end].page == 3 and src.lines[c.end - 1].page == 2


def shared_pdf(name: str):
    from conftest import PDFS

    p = PDFS / name
    if not p.exists():
        pytest.skip(f"{p} is not here; set KG_SHARED to the shared folder")
    return p


def test_contents_continue_over_a_page_break_only_with_the_next_number():
    from kg.model import Line

    def ln(no, page, text):
        return Line(no, text, [text], page=page)

    lines = [ln(1, 2, "目录"), ln(2, 2, "一、收入支出决算总体情况说明"), ln(3, 2, "二、收入决算情况说明"),
             ln(4, 3, "三、支出决算情况说明"), ln(5, 3, "第四部分 名词解释"), ln(6, 4, "一、收入支出决算总体情况说明")]
    c = read_contents(lines)
    assert [e.title for e in c.entries] == ["收入支出决算总体情况说明", "收入决算情况说明", "支出决算情况说明", "名词解释"]
    lines[3] = ln(4, 3, "某某局主要职能")  # a page that does not go on numbering: the body
    assert [e.title for e in read_contents(lines).entries] == ["收入支出决算总体情况说明", "收入决算情况说明"]


def test_a_narrative_that_quotes_a_table_title_is_not_the_table():
    text = "\n".join([
        "三、支出预算情况说明",
        "2025年预算支出总表",  # quoted on a line of its own, then prose: no table
        "本单位2025年支出预算详见上表，主要用于保障机构正常运转和完成日常工作任务，项目支出主要用于信息化建设和运维等方面的支出。",
        "2025年预算收入总表",
        "单位：万元",
        "科目编码\t科目名称\t合计",
        "201\t一般公共服务支出\t1.50",
    ])
    tables = find_tables(lines_from_text(text))
    assert [(t.title, t.kind, len(t.rows)) for t in tables] == [("2025年预算收入总表", "income", 1)]


# ---------------------------------------------------------------- every listed table accounted for


@pytest.mark.parametrize("key", sorted(SEED_FILES))
def test_every_seed_table_of_its_contents_is_accounted_for(extraction, key):
    c = extraction(key).completeness
    assert c.complete and c.has_contents and not c.problems
    assert len(c.listed) == 13 and c.unlisted == []
    assert {t.status for t in c.listed} <= {"read", "empty"}
    assert [t.table_index for t in c.listed] == list(range(1, 14))


def test_seed_002_contents_garbled_by_ocr_are_still_matched_in_order(extraction):
    """OCR made most of seed 002's contents unreadable ("表一 2025 5年到页算业文支.总表"); the numbered
    entries still pair with the tables in the order they are printed."""
    c = extraction("002").completeness
    assert [t.kind for t in c.listed] == [
        "summary", "income", "expenditure", "summary", "general_expenditure", "basic_economic", "fund_income",
        "fund_expenditure", "state_capital", "three_public", "admin_running", "project_current", "project_carryover",
    ]  # the fourth entry reads "…见才政技发款收支总表" (a 收支总表 to the patterns): its kind is as listed
    assert c.listed[3].table_index == 4 and c.complete


def test_the_sample_is_complete_and_counts_its_rows(sample_store):
    rows = sample_store.select(
        "SELECT ?f ?complete ?listed ?read ?empty ?rows ?lines ?checked ?adding WHERE { ?d bk:sourceFile ?f ; "
        "bk:completeness ?c . ?c bk:isComplete ?complete ; bk:tablesListed ?listed ; bk:tablesRead ?read ; "
        "bk:tablesEmpty ?empty ; bk:rowsRead ?rows ; bk:budgetLinesRead ?lines ; bk:parentRowsChecked ?checked ; "
        "bk:parentRowsAddingUp ?adding } ORDER BY ?f"
    )
    assert [tuple(r.values()) for r in rows] == [
        (S1.name, True, 13, 9, 4, 155, 202, 28, 28),
        (S2.name, True, 13, 7, 6, 138, 173, 27, 27),
    ]


def test_each_listed_table_points_at_its_contents_entry_and_the_table_located(sample_store):
    rows = sample_store.select(
        "SELECT ?title ?status ?kind ?line ?located WHERE { ?d bk:sourceFile ?f ; bk:completeness/bk:listsTable ?t . "
        "?t rdfs:label ?title ; bk:readingStatus ?status ; bk:tableKind ?kind ; bk:sourceLine ?line ; "
        f'bk:locatedTable ?located FILTER(?f = "{S1.name}") }} ORDER BY ?line'
    )
    assert (rows[0]["title"], rows[0]["status"], rows[0]["kind"], rows[0]["line"]) == ("2025年预算收支总表", "read", "summary", 12)
    assert rows[0]["located"].endswith("/table/1") and rows[-1]["located"].endswith("/table/13")
    assert [r["status"] for r in rows].count("empty") == 4


# ---------------------------------------------------------------- an incomplete reading is said


def _unread_copy(tmp_path):
    """demo-001 with its 机关运行经费 table's title printed in a form no pattern reads."""
    text = S1.read_text("utf-8").replace(
        "\n2025年财政拨款安排机关运行经费预算表\n", "\n2025年财政拨款安排机关运行经费预算表（本表数据详见下方所列，单位名称如下）\n"
    )
    path = tmp_path / "unread_demo-001.txt"
    path.write_text(text, "utf-8")
    return path


def test_a_table_printed_but_not_read_makes_the_document_incomplete(tmp_path):
    c = extract_file(_unread_copy(tmp_path)).completeness
    assert not c.complete
    assert c.problems == [
        "1 table(s) printed but not read: 2025年财政拨款安排机关运行经费预算表",
        "2 lines of figures (lines 329–330) belong to no table read",  # its rows: 部门合计, the unit
    ]
    [gap] = [t for t in c.listed if t.status != "read" and t.status != "empty"]
    assert (gap.status, gap.kind, gap.table_index) == ("not read", "admin_running", None)
    assert re.fullmatch(r"its title is printed \(line \d+\) but no table that could be read follows it", gap.note)


def test_ingest_warns_about_an_incomplete_document_and_strict_refuses_it(tmp_path):
    path = _unread_copy(tmp_path)
    r = run("ingest", "--store", tmp_path / "s", path, S2)
    assert r.exit_code == 0, r.output
    problems = "1 table(s) printed but not read: 2025年财政拨款安排机关运行经费预算表; " \
        "2 lines of figures (lines 329–330) belong to no table read"
    assert [l for l in r.stderr.splitlines() if l.startswith("warning:")] == [f"warning: {path}: {problems}"]
    assert "ingested 2 documents (1 complete, 1 incomplete)" in r.stdout
    q = run("query", "--store", tmp_path / "s", "-e",
            "SELECT ?f ?p WHERE { ?d bk:sourceFile ?f ; bk:completeness [ bk:isComplete false ; bk:problem ?p ] }",
            "--format", "csv")
    assert sorted(q.stdout.splitlines()[1:]) == [f"{path.name},{p}" for p in problems.split("; ")]
    strict = run("ingest", "--strict", "--store", tmp_path / "t", path, S2)
    assert strict.exit_code == 1
    assert [l for l in strict.stderr.splitlines() if l.startswith("error:")] == [
        f"error: {path}: read incompletely (--strict): {problems}"
    ]
    assert "ingested 1 documents (1 complete, 0 incomplete), 1 failed" in strict.stdout


def test_a_listed_table_not_printed_is_not_found(tmp_path):
    text = S1.read_text("utf-8").replace("\n2025年政府性基金预算支出表（不含上年结转）\n", "\n\n")
    path = tmp_path / "nofund_demo-001.txt"
    path.write_text(text, "utf-8")
    c = extract_file(path).completeness
    assert c.problems == ["1 of 13 listed tables not found: 2025年政府性基金预算支出表（不含上年结转）"]
    [t] = [t for t in c.listed if t.status == "not found"]
    assert (t.kind, t.note, t.span.line) == ("fund_expenditure", "its title is not printed in the body", 19)


def test_contents_without_a_title_and_a_table_nobody_recognised(tmp_path):
    """No "目录" line: the entries with dot leaders and page numbers are the contents all the same. The
    支出总表's title reworded: the listed table is not found, and its rows are figures outside every table."""
    text = S1.read_text("utf-8").replace("目 录\n", "\n", 1).replace("\n2025年预算支出总表\n", "\n本单位支出情况一览\n", 1)
    path = tmp_path / "stray_demo-001.txt"
    path.write_text(text, "utf-8")
    ex = extract_file(path)
    c = ex.completeness
    assert c.has_contents and len(c.listed) == 13 and len(ex.tables) == 12
    assert c.problems == [
        "1 of 13 listed tables not found: 2025年预算支出总表",
        "16 lines of figures (lines 145–160) belong to no table read",
    ]
    assert c.stray_lines == 16


# ---------------------------------------------------------------- what is not a disclosure; the same file twice


def test_the_blank_template_is_refused():
    with pytest.raises(ParseError) as e:
        extract_file(shared_pdf("shanghai-dept-final-accounts-template-2024.pdf"))
    assert e.value.message == (
        "a blank template, not a disclosure: the cover names a placeholder unit ('上海市XX局') "
        "and none of its 9 tables prints a figure"
    )


def test_tables_without_a_figure_are_no_disclosure(tmp_path):
    path = tmp_path / "blank.txt"
    path.write_text("示范市某某中心\n2025年度单位预算公开\n2025年预算支出总表\n单位：万元\n科目编码\t科目名称\t合计\n合计\t\t\n", "utf-8")
    with pytest.raises(ParseError, match=r"not a budget disclosure: its 1 table\(s\) print no figure and it has no projects"):
        extract_file(path)


def test_the_same_content_under_two_names_is_stored_once(tmp_path):
    twin = tmp_path / "copy-of-demo-002.txt"
    twin.write_bytes(S2.read_bytes())
    r = run("ingest", "--store", tmp_path / "s", S1, S2, twin)
    assert r.exit_code == 0, r.output
    assert [l for l in r.stderr.splitlines() if l.startswith("note:")] == [
        f"note: {twin}: the same content as {S2.name}, already stored: recorded as its alias, not stored twice"
    ]
    assert "ingested 2 documents (2 complete, 0 incomplete), 1 duplicate(s) stored once" in r.stdout
    q = run("query", "--store", tmp_path / "s", "-e",
            "SELECT ?f ?alias (COUNT(?p) AS ?n) WHERE { ?d bk:sourceFile ?f ; bk:alsoPublishedAs ?alias . "
            "?p a bk:Project ; prov:wasDerivedFrom ?d } GROUP BY ?f ?alias", "--format", "csv")
    assert q.stdout.splitlines() == ["f,alias,n", f"{S2.name},{twin.name},2"]
    again = run("ingest", "--store", tmp_path / "s", twin)  # later, on its own: still the alias
    assert again.exit_code == 0 and "1 duplicate(s) stored once" in again.stdout


# ---------------------------------------------------------------- the national (中央部门) layout


def test_a_national_layout_with_bare_numbered_titles_is_read_completely():
    """Our own document in the national layout: titles printed bare under a "表N" line ("收支总表",
    "一般公共预算基本支出表"), "部门：X 单位：万元" on one line, the contents numbered "一、收支总表"."""
    from conftest import ROOT

    ex = extract_file(ROOT / "tests" / "fixtures" / "national-dept-budget-2024.txt")
    assert (ex.document.unit_name, ex.document.year, ex.document.kind) == ("示范部", 2024, "部门预算")
    assert [(t.kind, t.title, t.money_unit, t.empty) for t in ex.tables] == [
        ("summary", "收支总表", "万元", False), ("income", "收入总表", "万元", False),
        ("expenditure", "支出总表", "万元", False), ("basic_economic", "一般公共预算基本支出表", "万元", False),
        ("state_capital", "国有资本经营预算支出表", "万元", True),
    ]
    c = ex.completeness
    assert c.complete and [t.status for t in c.listed] == ["read", "read", "read", "read", "empty"]
    lines = {(b.table_kind, b.code or b.row_label, b.column): b.amount for b in ex.budget_lines if b.table_index}
    assert len(lines) == 26
    assert lines[("income", "20101", "一般公共预算")] == 1000000
    assert lines[("expenditure", "201", "项目支出")] == 400000
    assert lines[("basic_economic", "302", "公用经费")] == 100000
    assert lines[("summary", "支出总计", "金额")] == 1000000
    assert (c.parents_checked, c.parents_adding_up) == (2, 2) and not ex.findings
