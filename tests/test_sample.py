"""The bundled sample corpus (data/sample) against its ground truth (data/sample/expected.json)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from conftest import SAMPLE
from goldcheck import docnos_anywhere, gold_kpi, kpi_tables, projects, totals

from kg.pipeline import extract_file

EXPECTED = json.loads((SAMPLE / "expected.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The sample documents rendered to PDF (ruled tables, STSong-Light) by tests/pdfgen.py."""
    from pdfgen import render_text_file

    folder = tmp_path_factory.mktemp("sample-pdf")
    out = {}
    for name in EXPECTED:
        out[name] = folder / (name.removesuffix(".txt") + ".pdf")
        render_text_file(SAMPLE / name, out[name])
    return out


@pytest.fixture(scope="module", params=[(n, fmt) for n in sorted(EXPECTED) for fmt in ("text", "pdf")], ids=str)
def case(request, rendered):
    """Each sample document as text and as PDF: both must give the ground truth exactly."""
    name, fmt = request.param
    return EXPECTED[name], extract_file(SAMPLE / name if fmt == "text" else rendered[name])


def test_unit(case):
    g, ex = case
    u = g["unit"]
    assert (ex.document.unit_name, ex.document.year, ex.document.kind, ex.document.region) == (
        u["name"], u["year"], u["kind"], u["region"])
    assert {"code": ex.unit.department.code, "name": ex.unit.department.name} == u["supervising_department"]


def test_totals(case):
    g, ex = case
    assert totals(ex) == {k: Decimal(v) for k, v in g["totals"].items()}


def test_projects(case):
    g, ex = case
    assert projects(ex) == [dict(p, amount_yuan=Decimal(p["amount_yuan"])) for p in g["projects"]]


def test_kpi_tables(case):
    g, ex = case
    mine, theirs = kpi_tables(ex), [gold_kpi(k) for k in g["kpi_tables"]]
    assert len(mine) == len(theirs)
    for m, t in zip(mine, theirs):
        assert m == t, t["project_name"]


def test_document_numbers(case):
    g, ex = case
    assert docnos_anywhere(ex) == {(d["docno"], d["raw"], d["section"]) for d in g["docnos_anywhere"]}
