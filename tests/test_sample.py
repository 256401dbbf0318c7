"""The bundled sample corpus (data/sample) against its ground truth (data/sample/expected.json)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from conftest import SAMPLE
from goldcheck import docnos_anywhere, gold_kpi, kpi_tables, projects, totals

from kg.pipeline import extract_file

EXPECTED = json.loads((SAMPLE / "expected.json").read_text("utf-8"))


@pytest.fixture(scope="module", params=sorted(EXPECTED))
def case(request):
    return EXPECTED[request.param], extract_file(SAMPLE / request.param)


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
