"""tests/pdfgen.py, the generator of test PDFs, checked with pdfplumber itself (not with our reader)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pytest
from conftest import SAMPLE
from pdfgen import (
    Style,
    TableBlock,
    TextLine,
    extra_projects,
    guess_header_rows,
    main,
    many_projects_document,
    render_lines,
    split_blocks,
    styled_blocks,
)

DEMO = next(SAMPLE.glob("demo-001_*.txt"))
N_PROJECTS = 60


@dataclass
class Rendered:
    """A document, the page count render_lines returned, and what pdfplumber reads from the PDF."""

    lines: list[str]
    returned_pages: int
    pages: int
    tables: list[tuple[int, list[list[str | None]]]]  # (page number, rows), in reading order
    page_lines: list[str]  # extract_text lines of all pages


def render(lines: list[str], pdf_path: Path, **kw) -> Rendered:
    returned = render_lines(lines, pdf_path, **kw)
    with pdfplumber.open(pdf_path) as pdf:
        tables = [
            (page.page_number, table.extract())
            for page in pdf.pages
            for table in sorted(page.find_tables(), key=lambda t: t.bbox[1])
        ]
        page_lines = [ln for page in pdf.pages for ln in page.extract_text().split("\n")]
        return Rendered(lines, returned, len(pdf.pages), tables, page_lines)


def cell(text: str | None) -> str:
    """A cell as written in the source: a wrapped cell comes back with "\\n" where it broke."""
    return (text or "").replace("\n", "")


def source_rows(r: Rendered) -> tuple[list[list[str]], int]:
    """The PDF's table rows with each continued table's repeated header rows taken off (after checking
    they equal the header), and how many continued tables there were."""
    blocks = [b for b in split_blocks(r.lines) if isinstance(b, TableBlock)]
    rows: list[list[str]] = []
    block, done, continued = 0, 0, 0  # the source block being read, and how many of its rows were
    for page, table in r.tables:
        got = [[cell(c) for c in row] for row in table]
        expected = blocks[block].padded()
        if done:
            header = guess_header_rows(expected)
            assert got[:header] == expected[:header], f"page {page}: a continued table without its header"
            got = got[header:]
            continued += 1
        assert len(got) <= len(expected) - done, f"page {page}: a table runs into the next block"
        rows += got
        done += len(got)
        if done == len(expected):
            block, done = block + 1, 0
    assert block == len(blocks), "some table blocks are missing from the PDF"
    return rows, continued


def filled(cells: list[str]) -> list[str]:
    return [c.strip() for c in cells if c.strip()]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Rendered:
    return render(DEMO.read_text("utf-8").splitlines(), tmp_path_factory.mktemp("pdf") / "demo.pdf")


@pytest.fixture(scope="module")
def many(tmp_path_factory) -> Rendered:
    return render(many_projects_document(DEMO, N_PROJECTS), tmp_path_factory.mktemp("pdf") / "many.pdf")


def test_page_count_is_returned(demo, many):
    assert demo.returned_pages == demo.pages > 1
    assert many.returned_pages == many.pages


def test_every_tab_line_comes_back_as_one_table_row_in_order(demo):
    rows, _ = source_rows(demo)
    assert [filled(r) for r in rows] == [filled(ln.split("\t")) for ln in demo.lines if "\t" in ln]


def test_empty_cells_stay_in_place(demo):
    rows, _ = source_rows(demo)
    expected = [row for b in split_blocks(demo.lines) if isinstance(b, TableBlock) for row in b.padded()]
    assert rows == expected
    assert all(c is not None for _, table in demo.tables for row in table for c in row)


def test_long_tables_continue_with_their_header_repeated(demo):
    _, continued = source_rows(demo)
    assert continued >= 1  # the 36-row 收支总表 does not fit on one page


def test_paragraphs_come_back_in_order(demo):
    paragraphs = [b.text for b in split_blocks(demo.lines) if isinstance(b, TextLine)]
    text = "".join(demo.page_lines)  # a wrapped paragraph breaks between two characters
    at = 0
    for p in paragraphs:
        found = text.find(p, at)
        assert found >= 0, p
        at = found + len(p)
    for short in ("2025年预算收支总表", "单位：万元", "第二部分 2025年单位预算报表", "（二）其他"):
        assert short in demo.page_lines


def test_full_width_punctuation_and_comparison_signs_come_back(tmp_path):
    lines = ["（一）单位：“三公”经费〔2023〕【2024】《办法》≥42个≤2小时％", "指标\t≥99.5%\t≤1285000元\t（室）"]
    r = render(lines, tmp_path / "signs.pdf")
    assert lines[0] in r.page_lines
    assert r.tables == [(1, [["指标", "≥99.5%", "≤1285000元", "（室）"]])]


def test_blank_lines_inside_a_table_and_header_override(tmp_path):
    lines = ["一张长表", "项目\t金额", ""] + [f"第{k}行\t{k}.00" for k in range(1, 121)]
    r = render(lines, tmp_path / "long.pdf")
    assert r.pages >= 2 and len({page for page, _ in r.tables}) == r.pages
    assert all(table[0] == ["项目", "金额"] for _, table in r.tables)
    assert sum(len(t) for _, t in r.tables) == 121 + r.pages - 1
    plain = render(lines, tmp_path / "plain.pdf", header_rows=lambda rows: 0)
    on_first_page = len(plain.tables[0][1])  # the header and rows 1 … on_first_page - 1
    assert plain.tables[1][1][0] == [f"第{on_first_page}行", f"{on_first_page}.00"]
    assert sum(len(t) for _, t in plain.tables) == 121


def test_many_projects_table_spans_pages_with_its_header(demo, many):
    assert many.pages > demo.pages
    rows, _ = source_rows(many)
    assert [filled(r) for r in rows] == [filled(ln.split("\t")) for ln in many.lines if "\t" in ln]
    pages = [page for page, table in many.tables if any(row[0].startswith("Z示范运维项目") for row in table)]
    assert len(pages) >= 2
    header = [
        ["项目名称", "合计", "2025年财政拨款", "", "", "财政专户管理资金", "单位资金"],
        ["", "", "一般公共预算", "政府性基金预算", "国有资本经营预算", "", ""],
    ]
    first_on_page: dict[int, list[list[str | None]]] = {}
    for page, table in many.tables:
        first_on_page.setdefault(page, table)
    for page in pages[1:]:
        assert first_on_page[page][:2] == header
    projects = [
        (row[0], Decimal(row[1]) * 10000) for row in rows if row[0].startswith("Z示范运维项目")
    ]
    assert projects == extra_projects(N_PROJECTS)


def _table_after(lines: list[str], title: str) -> list[list[str]]:
    start = next(i for i, ln in enumerate(lines) if title in ln and "\t" not in ln)
    rows = []
    for ln in lines[start + 1:]:
        if "\t" in ln:
            rows.append(ln.split("\t"))
        elif rows:
            return rows
    return rows


def _d(text: str) -> Decimal:
    return Decimal(text) if text.strip() else Decimal(0)


def test_many_projects_document_adds_up():
    lines = many_projects_document(DEMO, N_PROJECTS)
    added = sum((a for _, a in extra_projects(N_PROJECTS)), Decimal(0)) / 10000
    table = _table_after(lines, "项目支出预算表（本年预算）")
    heading, projects = table[3], table[4:]  # below two header rows and the column numbers
    assert heading[0] == "示范市数据服务中心" and _d(heading[1]) == sum(_d(r[1]) for r in projects)
    assert _d(heading[1]) == Decimal("279.30") + added
    expenditure = _table_after(lines, "2025年预算支出总表")
    for row in expenditure[2:]:
        assert _d(row[2]) == _d(row[3]) + _d(row[4]), row
    total = expenditure[2]
    assert total[0] == "合计" and total[4] == heading[1] and _d(total[2]) == Decimal("440.71") + added
    for row in _table_after(lines, "2025年预算收支总表") + _table_after(lines, "2025年财政拨款收支总表"):
        if row[0] in ("本年收入合计", "收入总计"):
            assert {row[1], row[3], row[4]} == {total[2]}
    assert any(f"项目支出{heading[1]}万元" in ln for ln in lines)
    assert len(lines) == len(DEMO.read_text("utf-8").splitlines()) + N_PROJECTS


def test_command_line(tmp_path, capsys):
    out = tmp_path / "cli.pdf"
    assert main([str(DEMO), str(out)]) == 0
    with pdfplumber.open(out) as pdf:
        assert capsys.readouterr().out.strip() == f"{out}: {len(pdf.pages)} pages"
    assert main([str(DEMO), str(out), "--rules", "none", "--money-unit", "元", "--cover", "three-lines"]) == 0
    with pdfplumber.open(out) as pdf:
        assert not pdf.pages[2].lines and "单位：元" in pdf.pages[2].extract_text()


# ---------------------------------------------------------------- styles


def test_a_style_is_validated():
    for bad in ({"rules": "dashes"}, {"money_unit": "千元"}, {"codes": "two"}, {"cover": "two-lines"},
                {"merged_headers": "yes"}, {"repeat_header": 1}):
        with pytest.raises(ValueError, match=f"Style.{next(iter(bad))} must be"):
            Style(**bad)
    assert Style().name == "default"


def test_money_unit_and_codes_change_only_budget_tables():
    lines = DEMO.read_text("utf-8").splitlines()
    plain = styled_blocks(split_blocks(lines), Style())
    styled = styled_blocks(split_blocks(lines), Style(money_unit="元", codes="three"))
    units = [b.text for b in styled if isinstance(b, TextLine) and b.text.startswith("单位：")]
    assert units and set(units) == {"单位：元"}
    before, after = _after_title(plain, "2025年预算支出总表"), _after_title(styled, "2025年预算支出总表")
    assert after.rows[:3] == [
        ["项目", "", "", "", "2025年预算数", "", ""],
        ["科目编码", "", "", "科目名称", "合计", "基本支出", "项目支出"],
        ["类", "款", "项", "", "", "", ""],
    ]
    assert after.rows[3] == ["合计", "", "", "", "4,407,100.00", "1,614,100.00", "2,793,000.00"]
    assert after.rows[6] == ["201", "03", "50", "事业运行", "1,161,700.00", "1,161,700.00", ""]
    assert len(after.rows) == len(before.rows) + 1 and after.budget
    kpi = [b for b in styled if isinstance(b, TableBlock) and b.rows[0][0] == "项目名称" and not b.budget]
    assert kpi and any("1,285,000" in row for row in kpi[0].rows)  # a 绩效目标表 keeps its yuan
    toc = next(b for b in styled if isinstance(b, TableBlock))
    assert not toc.budget and toc.rows == next(b for b in plain if isinstance(b, TableBlock)).rows


def _after_title(blocks, title: str) -> TableBlock:
    at = next(i for i, b in enumerate(blocks) if isinstance(b, TextLine) and b.text == title)
    return next(b for b in blocks[at:] if isinstance(b, TableBlock))


def test_covers_on_one_and_three_lines():
    lines = DEMO.read_text("utf-8").splitlines()

    def cover(how):
        blocks = styled_blocks(split_blocks(lines), Style(cover=how))
        return [b.text for b in blocks[: next(i for i, b in enumerate(blocks) if isinstance(b, TextLine) and b.text == "目 录")]
                if isinstance(b, TextLine)]

    assert cover("as-is") == ["示范市数据服务中心", "2025年度单位预算公开"]
    assert cover("one-line") == ["示范市数据服务中心2025年度单位预算公开"]
    assert cover("three-lines") == ["示范市", "数据服务中心 2025 年度", "单位预算公开"]


def _drawing(pdf_path: Path) -> tuple[list[tuple[int, int, int]], list[list[list[str | None]]]]:
    """(lines, rects, curves) per page, and the tables pdfplumber's "lines" strategy finds."""
    with pdfplumber.open(pdf_path) as pdf:
        return ([(len(p.lines), len(p.rects), len(p.curves)) for p in pdf.pages],
                [t.extract() for p in pdf.pages for t in sorted(p.find_tables(), key=lambda t: t.bbox[1])])


def test_rects_draw_the_same_tables_without_a_line(demo, tmp_path):
    render_lines(demo.lines, tmp_path / "rects.pdf", style=Style(rules="rects"))
    drawn, tables = _drawing(tmp_path / "rects.pdf")
    assert all(lines == 0 and curves == 0 for lines, _, curves in drawn)
    assert sum(rects for _, rects, _ in drawn) > 100
    assert tables == [t for _, t in demo.tables]


def test_no_rules_draw_nothing(demo, tmp_path):
    render_lines(demo.lines, tmp_path / "none.pdf", style=Style(rules="none"))
    drawn, tables = _drawing(tmp_path / "none.pdf")
    assert set(drawn) == {(0, 0, 0)} and tables == []


def test_merged_headers_and_a_header_not_repeated(tmp_path):
    lines = ["单位：万元", "项目\t\t2025年预算数\t\t", "科目编码\t科目名称\t合计\t基本支出\t项目支出"]
    lines += [f"2010{k:03d}\t第{k}项\t{k}.00\t{k}.00\t" for k in range(1, 81)]
    r = render(lines, tmp_path / "merged.pdf", style=Style(merged_headers=True, repeat_header=False))
    first, second = r.tables[0][1], r.tables[1][1]
    assert first[0] == ["项目", None, "2025年预算数", None, None]  # merged: one cell over the columns
    assert first[1] == ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]
    assert second[0][0] == f"2010{len(first) - 1:03d}"  # the continued page starts with data
    repeated = render(lines, tmp_path / "repeated.pdf", style=Style(merged_headers=True))
    assert repeated.tables[1][1][:2] == first[:2]
