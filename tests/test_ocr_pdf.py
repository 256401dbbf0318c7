"""Scanned pages read as their text layer is: pages of the shared PDFs and of the sample, turned into
pictures here (tests/scanned.py: 150–200 dpi, grey, turned ±0.4°, sensor noise, JPEG, no text layer),
give exactly the facts their text-layer originals give.

A few pages per layout (a whole document is bench/ocr.py's): the Shanghai 单位预算's cover, its
支出预算总表 continued over two pages and its 三公 table; the Shanghai 部门预算's project page
(立项依据); the Shanxi sample's budget table and two 绩效目标表, ruled and (at 200 dpi) unruled.
Each case is the whole document with those pages scanned, so each page is read in its context,
and compared with the document as published: every budget line (table, row, code, column, exact
yuan), every project and amount, every project → basis edge, every indicator.

Measured on this machine: all of them equal (no tolerance is needed); about 8 s a page.
"""

from __future__ import annotations

import os
import re
from decimal import Decimal as D

import pytest
from conftest import SAMPLE, pdf_path
from pdfgen import Style, render_text_file
from scanned import facts, scan

from kg.errors import ReadError
from kg.pipeline import extract
from kg.read import read
from kg.read.ocr import available

if not available():
    if os.environ.get("CI"):
        raise RuntimeError("the OCR engine is not installed (pip install 'budget-kg[ocr]'), and CI must run these tests")
    pytest.skip("the OCR engine is not installed: pip install 'budget-kg[ocr]'", allow_module_level=True)

DEMO = SAMPLE / "demo-001_示范市数据服务中心_2025.txt"
#: what the 部门预算's project page rests on (立项依据), read off its page
BASES = [
    "上海市普陀区万里社区W060701单元W-07、W-08街坊、真如城市副中心X101、X102、X103、G1街坊控制性详细规划局部调整",
    "普发改投〔2017〕89号", "沪府规〔2016〕168号",
]

#: case → (the document, the pages scanned, dpi)
CASES = {
    "shanghai-unit-budget": ("justice", [1, 11, 12, 20], 150),
    "shanghai-project-page": ("wanli", [33], 150),
    "shanxi-ruled": ("ruled", [4, 10, 11], 150),
    "shanxi-unruled": ("unruled", [3, 10], 200),
}


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scans")
    made = {}

    def get(doc: str):
        if doc not in made:
            if doc in ("ruled", "unruled"):
                path = folder / f"demo-{doc}.pdf"
                render_text_file(DEMO, path, style=Style() if doc == "ruled" else Style(rules="none"))
                made[doc] = path
            else:
                made[doc] = pdf_path(doc)
        return made[doc]

    return get, folder


@pytest.fixture(scope="module")
def read_both(source):
    """case → (the original's extraction, the scan's source, the scan's extraction), made once."""
    get, folder = source
    cache = {}

    def both(case: str):
        if case not in cache:
            doc, pages, dpi = CASES[case]
            original = get(doc)
            scanned = scan(original, folder / f"{case}.pdf", pages, dpi=dpi)
            src = read(scanned)
            cache[case] = extract(read(original)), src, extract(src)
        return cache[case]

    return both


def indicators(ex) -> set:
    return {(p.name, i.l1, i.l2, i.l3, i.target.text) for p in ex.projects if p.kpi for i in p.kpi.indicators}


@pytest.mark.parametrize("case", list(CASES))
def test_scanned_pages_give_the_facts_of_their_text_layer(read_both, case):
    original, src, scanned = read_both(case)
    want, got = facts(original), facts(scanned)
    for kind in want:
        assert got[kind] == want[kind], (kind, sorted(want[kind] - got[kind], key=str)[:5], sorted(got[kind] - want[kind], key=str)[:5])
    assert indicators(scanned) == indicators(original)
    assert src.ocr_pages == CASES[case][1]


def test_what_the_scans_hold(read_both):
    _, _, unit = read_both("shanghai-unit-budget")
    assert (unit.document.unit_name, unit.document.year, unit.document.kind) == ("上海市普陀区司法局", 2026, "单位预算")
    total = {(b.code, b.column): b.amount for b in unit.budget_lines
             if b.table_title == "2026年预算单位支出预算总表" and b.code == "204"}
    assert total == {("204", "合计"): D("79189400.34"), ("204", "基本支出"): D("14348853.34"), ("204", "项目支出"): D("64840547.00")}
    _, _, page = read_both("shanghai-project-page")
    (project,) = page.projects
    assert project.row is None and project.kpi.page and project.name == "万里街道社区公共服务中心新建工程"
    assert sorted(r.key for r in page.references if r.project == 0 and r.section == "立项依据") == BASES
    _, _, shanxi = read_both("shanxi-unruled")
    assert [(p.name, p.row.amount) for p in shanxi.projects] == [
        ("Z政务数据共享平台运维费", 1_285_000), ("J公共数据资源目录编制经费", 860_000), ("Z数据中心机房运维服务费", 648_000)]


def test_ocr_provenance_and_confidence(read_both):
    _, src, ex = read_both("shanghai-unit-budget")
    scanned_pages = set(CASES["shanghai-unit-budget"][1])
    lines = [b for b in ex.budget_lines if b.span.page in scanned_pages]
    assert lines and all(b.span.box is not None and 0 < b.span.confidence <= 1 for b in lines)
    assert all(b.span.confidence is None for b in ex.budget_lines if b.span.page not in scanned_pages)
    straightened = [re.fullmatch(r"page (\d+) read by OCR, straightened by (-?[\d.]+)°", n) for n in src.notes if "OCR" in n]
    # the pictures were turned +0.4° and -0.4° in turn (tests/scanned.py): each page is turned back within 0.1°
    assert [(int(m[1]), abs(float(m[2]) - (-0.4 if int(m[1]) % 2 else 0.4)) <= 0.1) for m in straightened] == [
        (n, True) for n in sorted(scanned_pages)]
    assert src.ocr_seconds > 0


def test_a_document_of_pictures_without_ocr_is_refused_in_one_line(source, tmp_path):
    get, _ = source
    scanned = scan(get("ruled"), tmp_path / "pictures.pdf", [1, 2], dpi=150)  # only pages 1-2 are kept below
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(scanned))
    two = pdfium.PdfDocument.new()
    two.import_pages(doc, [0, 1])
    two.save(str(tmp_path / "two.pdf"))
    with pytest.raises(ReadError) as e:
        read(tmp_path / "two.pdf", ocr="never")
    assert str(e.value) == "two.pdf: no text layer on any of its 2 pages (a scanned PDF: read it with --ocr auto)"


def test_kg_ingest_says_how_many_pages_ocr_read_and_how_long(read_both, source, tmp_path):
    from click.testing import CliRunner

    from kg.cli import main

    read_both("shanghai-project-page")  # makes the scan
    _, folder = source
    scan_file = folder / "shanghai-project-page.pdf"
    r = CliRunner().invoke(main, ["ingest", "--store", str(tmp_path / "a"), "--ocr", "auto", "--jobs", "1", str(scan_file)])
    assert r.exit_code == 0, r.output
    assert re.search(r": 1 projects, 0 indicators, \d+ policy references, \d+ triples in [\d.]+ s; 1 page read by OCR in [\d.]+ s → ",
                     r.stdout), r.stdout
    r = CliRunner().invoke(main, ["ingest", "--store", str(tmp_path / "b"), "--ocr", "never", "--jobs", "1", str(scan_file)])
    assert ": 0 projects," in r.stdout and "read by OCR" not in r.stdout, r.output
