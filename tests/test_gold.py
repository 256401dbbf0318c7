"""Seeds 000 and 003 against the worked examples in ../shared/gold: every project, every KPI table,
every justification edge and indicator, exactly."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from conftest import GOLD
from goldcheck import docnos_anywhere, gold_kpi, justification_edges, kpi_tables, projects, totals

KEYS = ("000", "003")


def gold(key: str) -> dict:
    p = GOLD / f"{key}.json"
    if not p.exists():
        pytest.skip(f"gold file {p} is not here; set KG_SHARED to the shared folder")
    return json.loads(p.read_text("utf-8"))


@pytest.mark.parametrize("key", KEYS)
def test_unit(key, extraction):
    g, ex = gold(key)["unit"], extraction(key)
    assert ex.document.unit_name == g["name"]
    assert ex.document.year == g["year"]
    assert ex.document.kind == g["kind"]
    assert ex.document.region == g["region"]
    dept = ex.unit.department
    assert {"code": dept.code, "name": dept.name} == g["supervising_department"]


@pytest.mark.parametrize("key", KEYS)
def test_totals(key, extraction):
    g = gold(key)["totals"]
    assert totals(extraction(key)) == {k: Decimal(v) for k, v in g.items()}


@pytest.mark.parametrize("key", KEYS)
def test_projects(key, extraction):
    g = [dict(p, amount_yuan=Decimal(p["amount_yuan"])) for p in gold(key)["projects"]]
    assert projects(extraction(key)) == g


@pytest.mark.parametrize("key", KEYS)
def test_kpi_tables(key, extraction):
    mine = kpi_tables(extraction(key))
    theirs = [gold_kpi(k) for k in gold(key)["kpi_tables"]]
    assert len(mine) == len(theirs)
    for m, t in zip(mine, theirs):
        assert m == t, t["project_name"]


@pytest.mark.parametrize("key", KEYS)
def test_justification_edges(key, extraction):
    g = gold(key)
    expected = set()
    for k in g["kpi_tables"]:
        for d in k["basis_docnos"]:
            expected.add((k["matches_project"], d))
    mine = {(p, pol) for p, pol in justification_edges(extraction(key)) if "号" in pol}
    assert mine == expected


@pytest.mark.parametrize("key", KEYS)
def test_docnos_anywhere(key, extraction):
    expected = {(d["docno"], d["raw"], d["section"]) for d in gold(key)["docnos_anywhere"]}
    assert docnos_anywhere(extraction(key)) == expected


def test_000_rounding_disagreement_is_kept_and_recorded(extraction):
    """Z物业管理费: 39.13万元 in the project table, 391,308元 in its KPI table — both kept, recorded."""
    ex = extraction("000")
    p = next(p for p in ex.projects if p.name == "Z物业管理费")
    assert (p.row.amount, p.kpi.annual_total) == (Decimal("391300"), Decimal("391308"))
    (f,) = [f for f in ex.findings if f.check_id == "project-kpi-amount"]
    assert (f.expected, f.actual, f.severity, f.span.line) == (Decimal("391300"), Decimal("391308"), "info", 449)
