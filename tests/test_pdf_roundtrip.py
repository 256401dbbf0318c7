"""Known records → PDF → ingest → the same records, exactly, with pages as provenance.

The sample documents themselves round-trip in tests/test_sample.py (text and PDF against the same
ground truth). Here: a document whose project table runs over two pages, and what the graph
says about where each fact is printed.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import SAMPLE
from pdfgen import extra_projects, many_projects_document, render_lines
from rdflib import Graph

from kg.map import map_extraction
from kg.pipeline import extract_file, project_total
from kg.vocab import BK

BASE = SAMPLE / "demo-001_示范市数据服务中心_2025.txt"
N = 60


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """The sample with 60 more projects, as text and as a PDF rendered from the same lines."""
    folder = tmp_path_factory.mktemp("many")
    lines = many_projects_document(BASE, N)
    text, pdf = folder / "many.txt", folder / "many.pdf"
    text.write_text("\n".join(lines) + "\n", "utf-8")
    render_lines(lines, pdf)
    return extract_file(text), extract_file(pdf)


def test_every_project_comes_back_from_a_table_over_two_pages(both):
    _, pdf = both
    rows = [(p.row.name, p.row.amount) for p in pdf.projects if p.row]
    assert rows[3:] == extra_projects(N)
    assert [name for name, _ in rows[:3]] == ["Z政务数据共享平台运维费", "J公共数据资源目录编制经费", "Z数据中心机房运维服务费"]
    pages = sorted({p.row.span.page for p in pdf.projects if p.row})
    assert len(pages) == 2 and pages[1] == pages[0] + 1
    assert project_total(pdf) == Decimal("2793000") + sum(a for _, a in extra_projects(N))


def test_the_pdf_gives_what_the_text_gives(both):
    text, pdf = both

    def facts(ex):
        return (
            [(b.table_kind, b.code, b.row_label, b.column, b.amount) for b in ex.budget_lines],
            [(p.name, p.row.amount if p.row else None, p.kpi.annual_total if p.kpi else None) for p in ex.projects],
            [(i.l1, i.l2, i.l3, i.target.text) for p in ex.projects if p.kpi for i in p.kpi.indicators],
            [(r.key, r.section, r.project) for r in ex.references],
            [(f.check_id, f.expected, f.actual) for f in ex.findings],
        )

    assert facts(pdf) == facts(text)
    assert len(pdf.projects) == 3 + N and not pdf.findings


def test_every_fact_in_the_graph_has_its_page_and_box(both):
    _, pdf = both
    g = Graph()
    for t in map_extraction(pdf).triples:
        g.add(t)
    sourced = set(g.subjects(BK.sourceText, None))
    assert len(sourced) > 300
    assert not list(g.subjects(BK.sourceLine, None))  # a PDF has pages, not lines
    pages = {s: int(o) for s, o in g.subject_objects(BK.sourcePage)}
    assert sourced <= set(pages)
    assert set(pages.values()) <= set(range(1, pdf.source.pages + 1))
    lines = {s for s in sourced if "/line/" in str(s)}  # the budget lines
    assert lines and all(g.value(s, BK.sourceBox) is not None for s in lines)
    x0, top, x1, bottom = map(float, str(g.value(next(iter(lines)), BK.sourceBox)).split())
    assert 0 <= x0 < x1 and 0 <= top < bottom
