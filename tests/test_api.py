"""The Python API (kg.open …) on the store of the five seeds, opened read-only beside the test's own handle."""

from __future__ import annotations

import sys
from decimal import Decimal

import pandas as pd
import pytest
from rdflib import Graph

import kg
from kg.errors import KgError, QueryError, StoreError
from kg.vocab import BK

HOTLINE = "同办字〔2019〕116号"


@pytest.fixture(scope="module")
def g(seed_store):
    graph = kg.open(seed_store.path)  # read-only: the session's writable handle stays open
    yield graph
    graph.close()


def test_open_is_lazy_and_typed():
    assert kg.open is kg.api.open and kg.KnowledgeGraph is kg.api.KnowledgeGraph
    with pytest.raises(AttributeError):
        kg.no_such_thing  # noqa: B018


def test_trace_any_spelling_gives_projects_money_and_lines(g):
    t = g.trace("同办字[2019]116号")
    assert t.docno == HOTLINE
    assert t.issuers == ["中共大同市委办公室", "大同市人民政府办公室"]
    got = sorted((c.amount, c.where, len(c.indicators)) for c in t.justified_projects)
    assert got == [
        (Decimal("1410000"), "000_4af2b7ab3d3465e5.txt:686", 14),
        (Decimal("1530000"), "000_4af2b7ab3d3465e5.txt:772", 24),
    ]
    assert sorted(c.line for c in t.citations if c.role == "mentions") == [685, 771]


def test_trace_of_an_uncited_policy_is_an_error(g):
    with pytest.raises(KgError, match="no policy '同办字〔2099〕1号' is cited"):
        g.trace("同办字〔2099〕1号")


def test_query_rows_ask_and_construct(g):
    rows = g.query("SELECT (COUNT(DISTINCT ?p) AS ?n) (SUM(?a) AS ?yuan) WHERE { SELECT DISTINCT ?p ?a "
                   "WHERE { ?p a bk:Project ; bk:amount ?a } }")
    assert rows.columns == ["n", "yuan"]
    assert rows[0]["n"] == 80 and isinstance(rows[0]["yuan"], Decimal)
    assert g.query("ASK { ?p bk:justifiedBy ?x }") is True
    graph = g.query("CONSTRUCT { ?p bk:justifiedBy ?x } WHERE { ?p bk:justifiedBy ?x } LIMIT 1")
    assert isinstance(graph, Graph) and len(graph) == 1
    assert next(iter(graph))[1] == BK.justifiedBy


def test_query_binds_python_values(g):
    policy = str(kg.api.URIRef("https://w3id.org/budget-kg/id/policy/" + HOTLINE))
    rows = g.query("SELECT ?policy ?amount WHERE { ?p bk:justifiedBy ?policy ; bk:amount ?amount } ORDER BY ?amount",
                   policy=policy)
    assert [r["amount"] for r in rows] == [Decimal("1410000"), Decimal("1530000")]
    year = g.query("SELECT ?y (COUNT(?p) AS ?n) WHERE { ?p a bk:Project ; bk:fiscalYear ?y } GROUP BY ?y", y=2025)
    assert year[0]["y"] == 2025 and year[0]["n"] > 0
    with pytest.raises(KgError, match="cannot bind"):
        g.query("SELECT ?x WHERE { ?x ?p ?o }", x=1.5)


def test_dataframe_keeps_decimals(g):
    rows = g.query("SELECT ?name ?amount WHERE { ?p bk:justifiedBy ?pol ; rdfs:label ?name ; bk:amount ?amount . "
                   "?pol bk:docNumber ?d FILTER(?d = \"" + HOTLINE + "\") } ORDER BY ?amount")
    df = rows.to_dataframe()
    assert list(df.columns) == ["name", "amount"] and len(df) == 2
    assert df["amount"].tolist() == [Decimal("1410000"), Decimal("1530000")]
    # a numeric column, exact: sums are Decimal, never float
    assert pd.api.types.is_numeric_dtype(df["amount"]) and str(df["amount"].dtype) == "decimal128(38, 0)[pyarrow]"
    assert df["amount"].sum() == Decimal("2940000") and isinstance(df["amount"].sum(), Decimal)
    assert pd.api.types.is_string_dtype(df["name"])


def test_dataframe_keeps_cents_and_types_integers(g):
    rows = kg.Rows([{"yuan": Decimal("12.5"), "n": 3}, {"yuan": Decimal("0.05"), "n": None}, {"yuan": None, "n": 7}],
                   ["yuan", "n"])
    df = rows.to_dataframe()
    assert str(df["yuan"].dtype) == "decimal128(38, 2)[pyarrow]" and df["yuan"].sum() == Decimal("12.55")
    assert str(df["n"].dtype) == "Int64" and df["n"].sum() == 10


def test_binding_a_variable_the_select_does_not_project_is_a_query_error(g):
    with pytest.raises(QueryError) as e:
        g.query("SELECT ?name WHERE { ?p bk:justifiedBy ?policy ; rdfs:label ?name }",
                policy="https://w3id.org/budget-kg/id/policy/" + HOTLINE)
    assert str(e.value) == "cannot bind ?policy: the SELECT does not project it (its columns: ?name)"


def test_dataframe_without_pandas_says_how_to_install(g, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas → ImportError
    with pytest.raises(KgError, match=r"pandas is not installed: pip install 'budget-kg\[notebook\]'"):
        g.query("SELECT ?p WHERE { ?p a bk:Project } LIMIT 1").to_dataframe()


def test_rows_render_as_an_escaped_html_table(g):
    rows = kg.Rows([{"a": "<b>", "n": Decimal("1530000")}], ["a", "n"])
    html = rows._repr_html_()
    assert "<td>&lt;b&gt;</td><td>1,530,000</td>" in html and html.endswith("<p>1 rows</p>")


def test_documents_lists_the_sources(g):
    assert [d[:3] for d in g.documents()] == ["000", "001", "002", "003", "004"]
    assert repr(g).endswith(": 5 documents>")


def test_to_networkx_policy_neighbourhood(g):
    net = g.to_networkx(policy=HOTLINE, depth=2)
    projects = {d["label"]: d["amount"] for _, d in net.nodes(data=True) if d["kind"] == "project"}
    assert sorted(projects.values()) == [Decimal("1410000"), Decimal("1530000")]
    assert any(d["kind"] == "unit" for _, d in net.nodes(data=True))


def test_open_a_missing_store_is_one_line(tmp_path):
    with pytest.raises(StoreError) as e:
        kg.open(tmp_path / "nothing")
    assert str(e.value).count("\n") == 0 and "nothing" in str(e.value) and "kg ingest" in str(e.value)


def test_read_only_handle_refuses_writes(g):
    with pytest.raises(StoreError, match="open read-only"):
        g.ingest(kg.SAMPLE)
