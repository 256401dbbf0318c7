"""The PDF reader (kg/read/pdf.py) on the real Shanghai PDFs, on PDFs we render, and on bad files."""

from __future__ import annotations

import pytest
from conftest import SAMPLE

from kg.errors import ReadError
from kg.read import read


def _line(source, page: int, cells: list[str]):
    return next(l for l in source.lines if l.page == page and l.cells == cells)


# ---------------------------------------------------------------- real PDFs

def test_pages_and_lines_are_counted(pdf_source):
    counts = {k: (pdf_source(k).pages, len(pdf_source(k).lines)) for k in ("wanli", "finance", "planning")}
    assert {k: p for k, (p, _) in counts.items()} == {"wanli": 33, "finance": 25, "planning": 30}
    for key in counts:
        src = pdf_source(key)
        assert [l.no for l in src.lines] == list(range(1, len(src.lines) + 1))
        assert all(1 <= l.page <= src.pages for l in src.lines)
        assert all(l.box and l.box[0] < l.box[2] and l.box[1] < l.box[3] for l in src.lines)


def test_ruled_table_rows_keep_their_cells_with_codes_in_three_columns(pdf_source):
    src = pdf_source("wanli")
    row = _line(src, 11, ["201", "05", "07", "专项普查活动", "257,700", "257,700", "0", "0", "0"])
    assert not row.noise
    assert row.text == "\t".join(row.cells)


def test_header_rows_repeated_on_a_continued_page_are_noise(pdf_source):
    src = pdf_source("wanli")
    # the 一般公共预算支出功能分类预算表 runs over pages 22-26; pages 23-26 repeat its three header rows
    repeated = [l for l in src.lines if l.noise]
    assert [l.page for l in repeated] == [23, 23, 23, 24, 24, 24, 25, 25, 25, 26, 26, 26]
    assert {l.cells[0] for l in repeated} == {"项目", "功能分类科目编码", "类"}
    first_on_26 = next(l for l in src.lines if l.page == 26 and not l.noise)
    assert first_on_26.cells == ["221", "02", "", "住房改革支出", "6,705,199", "6,705,199", "0"]
    # the first page of the table keeps its header
    assert [l.noise for l in src.lines if l.page == 22 and l.cells[:1] == ["类"]] == [False]


def test_wrapped_paragraph_lines_are_joined_so_figures_stay_whole(pdf_source):
    src = pdf_source("wanli")
    (line,) = [l for l in src.lines if "政府采购服务预算" in l.text and l.page == 32]
    assert "政府采购服务预算752.59万元" in line.text  # "752.59万元" was printed on the next line


def test_numbers_on_a_shifted_baseline_stay_on_their_line(pdf_source):
    # the finance PDF sets figures in Times New Roman 4.8 pt below the FangSong text beside them
    src = pdf_source("finance")
    assert any("年度收入支出总计2995.39万元" in l.text for l in src.lines if l.page == 21)
    assert any(l.text == "财政拨款“三公”经费支出决算表" for l in src.lines if l.page == 18)


def test_line_breaks_inside_a_cell_are_wraps(pdf_source):
    src = pdf_source("finance")
    row = next(l for l in src.lines if l.page == 16 and "301" in l.cells[:1] and "08" in l.cells[1:2])
    assert row.cells[:4] == ["301", "08", "机关事业单位基本养老保险缴费", "160.75"]


# ---------------------------------------------------------------- rendered PDFs

def _draw(path, pages: list[list[tuple[float, float, str]]]) -> None:
    """A PDF with text drawn at (x, y) points on each page, in STSong-Light."""
    pytest.importorskip("reportlab")
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen.canvas import Canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = Canvas(str(path), pagesize=A4)
    for page in pages:
        c.setFont("STSong-Light", 12)
        for x, y, text in page:
            c.drawString(x, y, text)
        c.showPage()
    c.save()


def test_a_page_repeated_word_for_word_is_counted_once(tmp_path):
    page = [(72, 760, "二、机构设置情况"), (72, 740, "本单位内设综合科、数据科。")]
    path = tmp_path / "twice.pdf"
    _draw(path, [page, page, [(72, 760, "三、其他说明")]])
    src = read(path)
    assert [(l.page, l.noise) for l in src.lines] == [(1, False), (1, False), (2, True), (2, True), (3, False)]
    assert src.notes == ["page 2 repeats an earlier page and is not counted again"]


def test_page_numbers_at_the_foot_are_noise(tmp_path):
    path = tmp_path / "numbered.pdf"
    _draw(path, [[(72, 760, f"第{n}页的正文：本单位职责。"), (290, 30, f"- {n} -")] for n in (1, 2)])
    src = read(path)
    assert [(l.page, l.text, l.noise) for l in src.lines] == [
        (1, "第1页的正文：本单位职责。", False), (1, "- 1 -", True),
        (2, "第2页的正文：本单位职责。", False), (2, "- 2 -", True),
    ]


# ---------------------------------------------------------------- bad input: one clear line each

def test_a_file_that_is_not_a_pdf(tmp_path):
    bad = tmp_path / "notes.pdf"
    bad.write_text("单位：万元\n这不是 PDF", "utf-8")
    with pytest.raises(ReadError) as e:
        read(bad)
    assert str(e.value) == "notes.pdf: not a PDF (the file does not start with %PDF)"


def test_a_truncated_pdf(tmp_path):
    from pdfgen import render_text_file

    whole = tmp_path / "whole.pdf"
    render_text_file(SAMPLE / "demo-002_示范市政务服务中心_2024.txt", whole)
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(whole.read_bytes()[:2000])
    with pytest.raises(ReadError) as e:
        read(cut)
    assert str(e.value).startswith("cut.pdf: ")
    assert "damaged PDF" in str(e.value) or "no text layer" in str(e.value)
    assert "\n" not in str(e.value)


def test_a_scanned_pdf_without_text(tmp_path):
    pytest.importorskip("reportlab")
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "scan.pdf"
    c = Canvas(str(path))
    for _ in range(3):
        c.rect(50, 50, 400, 600, fill=1)  # a page that is only a picture
        c.showPage()
    c.save()
    with pytest.raises(ReadError) as e:
        read(path)
    assert str(e.value) == (
        "scan.pdf: no text layer on any of its 3 pages, and no picture on them to read by OCR"
    )
