"""Tables read whatever their drawing: the sample documents drawn the ways real PDFs draw them
(tests/pdfgen.py ``Style``: ruled by lines, by filled rectangles only, or not at all; 元 or 万元; codes in
one column or in 类 | 款 | 项; merged group headings; continued tables with or without their header; the
cover on one line or three) give exactly the facts their text gives.

Each style is rendered and extracted once per module; every value of every setting appears at least once.
"""

from __future__ import annotations

import pytest
from conftest import SAMPLE
from pdfgen import Style, render_text_file

from kg.pipeline import extract_file
from kg.read import read

DOCS = sorted(SAMPLE.glob("demo-*.txt"))
STYLES = [
    Style(rules="rects", money_unit="元", codes="three", merged_headers=True),
    Style(rules="none", money_unit="万元", repeat_header=False, cover="one-line"),
    Style(rules="none", money_unit="元", codes="three", merged_headers=True, cover="three-lines"),
    Style(codes="three", merged_headers=True, repeat_header=False),
]


def test_every_value_of_every_setting_is_drawn():
    for name in ("rules", "money_unit", "codes", "merged_headers", "repeat_header", "cover"):
        values = {getattr(s, name) for s in STYLES}
        allowed = {"rules": {"lines", "rects", "none"}, "money_unit": {None, "元", "万元"},
                   "codes": {"one", "three"}, "cover": {"as-is", "one-line", "three-lines"}}.get(name, {True, False})
        assert values == allowed, name


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """(doc, style name) → the PDF, each rendered once; the styles, and the original ruled layout."""
    folder = tmp_path_factory.mktemp("styles")
    out = {}
    for src in DOCS:
        for style in STYLES + [Style()]:
            pdf = folder / f"{src.stem[:8]}-{style.name}.pdf"
            render_text_file(src, pdf, style=style)
            out[src.stem[:8], style.name] = pdf
    return out


@pytest.fixture(scope="module")
def texts():
    return {src.stem[:8]: extract_file(src) for src in DOCS}


@pytest.fixture(scope="module")
def extractions(rendered):
    return {(doc, style.name): extract_file(rendered[doc, style.name]) for doc in (d.stem[:8] for d in DOCS) for style in STYLES}


def budget_lines(ex):
    return [(b.table_kind, b.code, b.row_label, b.column, b.amount) for b in ex.budget_lines]


CASES = [(d.stem[:8], s.name) for d in DOCS for s in STYLES]


@pytest.mark.parametrize("doc, style", CASES)
def test_the_same_document_and_budget_lines(doc, style, texts, extractions):
    text, pdf = texts[doc], extractions[doc, style]
    assert (pdf.document.unit_name, pdf.document.year, pdf.document.kind) == (
        text.document.unit_name, text.document.year, text.document.kind)
    assert budget_lines(pdf) == budget_lines(text)
    assert len(budget_lines(pdf)) > 150


@pytest.mark.parametrize("doc, style", CASES)
def test_the_same_projects_and_no_extra_finding(doc, style, texts, extractions):
    text, pdf = texts[doc], extractions[doc, style]
    assert [(p.name, p.row.amount if p.row else None) for p in pdf.projects] == [
        (p.name, p.row.amount if p.row else None) for p in text.projects]
    assert all(p.row and p.kpi for p in pdf.projects)
    assert [(f.check_id, f.expected, f.actual) for f in pdf.findings] == [
        (f.check_id, f.expected, f.actual) for f in text.findings] == []


@pytest.mark.parametrize("doc, style", CASES)
def test_the_same_kpi_tables_and_references(doc, style, texts, extractions):
    text, pdf = texts[doc], extractions[doc, style]

    def kpi(ex):
        return [(k.project_name, k.annual_total, k.period_total, sorted(k.funding.items()), sorted(k.fields.items()),
                 [(i.l1, i.l2, i.l3, i.target.text) for i in k.indicators]) for k in (p.kpi for p in ex.projects)]

    assert kpi(pdf) == kpi(text)
    assert [(r.key, r.section, r.project) for r in pdf.references] == [(r.key, r.section, r.project) for r in text.references]


def _table_part(source):
    """The cells of every table row between 第二部分 and 第三部分 (the budget tables), noise left out."""
    lines = [ln for ln in source.lines if not ln.noise]
    start = next(i for i, ln in enumerate(lines) if ln.cells[0].startswith("第二部分") and len(ln.cells) == 1)
    end = next(i for i, ln in enumerate(lines) if ln.cells[0].startswith("第三部分") and len(ln.cells) == 1)
    return [ln.cells for ln in lines[start:end] if len(ln.cells) > 1]


@pytest.mark.parametrize("ruled, unruled", [(Style(), STYLES[1]), (STYLES[0], STYLES[2])], ids=["plain", "merged-codes3"])
def test_an_unruled_table_reads_in_the_shape_of_a_ruled_one(ruled, unruled, rendered, extractions):
    """Row for row and cell for cell: blank cells in place, a merged heading once at its left, a table
    without figures too, a header repeated on a continued page or not (noise either way). Both sides
    print the same money unit and codes; the rulings, the cover and the repeated headers differ."""
    for doc in (d.stem[:8] for d in DOCS):
        key = (doc, ruled.name)
        expected = _table_part(extractions[key].source if key in extractions else read(rendered[key]))
        assert len(expected) > 100
        assert _table_part(extractions[doc, unruled.name].source) == expected
