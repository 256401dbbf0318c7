"""The budget tables are an RDF Data Cube valid under the W3C integrity constraints IC-1 … IC-21, run as the SPARQL
queries the Recommendation gives (tests/data-cube/) on a copy of the store normalized by the spec's own algorithm.
The store holds the abbreviated form: the components every line of a table shares are stated once, on the table
(``qb:componentAttachment qb:DataSet``), and normalizing copies exactly those onto each line. The checks can fail:
an observation without a dimension, or two with the same dimensions, is caught."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.vocab import BK, ID_IRI

CUBE = Path(__file__).parent / "data-cube"
ICS = sorted(p for p in CUBE.glob("ic-*.rq") if not p.stem.endswith("-p"))
QB = "http://purl.org/linked-data/cube#"


def asks(graph_query, path: Path) -> list[bool]:
    """The answers of one IC (each instantiation of a template)."""
    text = path.read_text("utf-8")
    if "$p" not in text:
        return [bool(graph_query(text))]
    template = (CUBE / f"{path.stem}-p.rq").read_text("utf-8")
    return [bool(graph_query(text.replace("$p", row["p"].value))) for row in graph_query(template)]


def violated(graph_query) -> list[str]:
    return [p.stem for p in ICS if any(asks(graph_query, p))]


def normalized_copy(store) -> ox.Store:
    """The store's union graph in the default graph of a store in memory, normalized (spec §10.1)."""
    data = io.BytesIO()
    store.dump(data, "nt", union=True)
    copy = ox.Store()
    copy.load(data.getvalue(), format=ox.RdfFormat.N_TRIPLES)
    for phase in ("normalize-phase-1.ru", "normalize-phase-2.ru"):
        copy.update((CUBE / phase).read_text("utf-8"))
    return copy


#: the components attached to the data set (the table), not stated on each line
ON_THE_TABLE = ("reportingUnit", "budgetYear", "budgetPhase", "currency", "unitMultiplier", "moneyUnit")


@pytest.fixture(scope="module")
def sample_copy(sample_store):
    return normalized_copy(sample_store)


def test_the_spec_queries_are_all_here():
    assert [p.stem for p in ICS] == [f"ic-{n:02d}" for n in range(1, 19)] + ["ic-19a", "ic-19b", "ic-20", "ic-21"]


def test_the_structure_attaches_the_shared_components_to_the_table(sample_store):
    rows = sample_store.select(
        "SELECT ?p WHERE { <https://w3id.org/budget-kg/id/structure/budget-table> qb:component ?c . "
        "?c qb:componentProperty ?p ; qb:componentAttachment qb:DataSet } ORDER BY ?p")
    assert [r["p"] for r in rows] == sorted(str(BK[n]) for n in ON_THE_TABLE)


def test_the_sample_is_stored_abbreviated(sample_store):
    """No line states a component of its table; every table states those of its lines (the money unit when
    printed); so as stored, the lines lack exactly the required dimensions and attributes of IC-11 and IC-13."""
    on_lines = sample_store.select(
        "SELECT (COUNT(*) AS ?n) WHERE { VALUES ?p { " + " ".join(f"bk:{n}" for n in ON_THE_TABLE) + " } "
        "?o a bk:BudgetLine ; ?p ?v }")
    assert on_lines == [{"n": 0}]
    tables = sample_store.select(
        "SELECT ?t (COUNT(DISTINCT ?p) AS ?n) WHERE { ?t a bk:BudgetTable . "
        "OPTIONAL { VALUES ?p { bk:reportingUnit bk:budgetYear bk:budgetPhase bk:currency bk:unitMultiplier } ?t ?p ?v } "
        "} GROUP BY ?t HAVING (?n != 5)")
    assert tables == []
    assert violated(sample_store.query) == ["ic-11", "ic-13"]


def test_normalizing_adds_exactly_the_table_components_to_each_line(sample_store, sample_copy):
    """Each line of a table gets its table's values of the six components, and nothing else is added to a line."""
    def per_line(graph_query) -> dict[tuple[str, str], int]:
        rows = graph_query(
            "SELECT ?p (COUNT(*) AS ?n) WHERE { ?o a <https://w3id.org/budget-kg/ontology#BudgetLine> ; ?p ?v } "
            "GROUP BY ?p")
        return {r["p"].value: int(r["n"].value) for r in rows}

    before, after = per_line(sample_store.query), per_line(sample_copy.query)
    lines = sample_store.select("SELECT (COUNT(*) AS ?n) WHERE { ?o a bk:BudgetLine }")[0]["n"]
    printed = sample_store.select(
        "SELECT (COUNT(*) AS ?n) WHERE { ?o a bk:BudgetLine ; qb:dataSet/bk:moneyUnit ?u }")[0]["n"]
    added = {p: after[p] - before.get(p, 0) for p in after if after[p] != before.get(p, 0)}
    assert added == {**{str(BK[n]): lines for n in ON_THE_TABLE if n != "moneyUnit"}, str(BK.moneyUnit): printed}
    assert (lines, printed) == (375, 366)  # 9 are figures of the narrative: no printed unit (as before)


def test_the_normalized_sample_passes_every_constraint(sample_copy):
    assert violated(sample_copy.query) == []


def test_the_normalized_seed_store_passes_every_constraint(seed_store):
    assert violated(normalized_copy(seed_store).query) == []


def test_a_cube_is_there_to_check(sample_store):
    """Each table a qb:DataSet with the structure; each line an observation carrying every component."""
    rows = sample_store.select(
        "SELECT (COUNT(DISTINCT ?t) AS ?tables) (COUNT(DISTINCT ?o) AS ?lines) WHERE { "
        "?t a qb:DataSet ; qb:structure <https://w3id.org/budget-kg/id/structure/budget-table> . "
        "?o a qb:Observation ; qb:dataSet ?t }")
    assert rows == [{"tables": 17, "lines": 375}]  # tables printed empty have no observation
    line = sample_store.select(  # the components the lines of a table share are read from the table
        "SELECT ?unit ?year ?phase ?code ?column ?row ?col ?amount ?currency ?mult ?printed WHERE { "
        "?o a bk:BudgetLine ; qb:dataSet ?t ; bk:classificationItem ?c ; bk:budgetColumn ?column ; bk:amount ?amount ; "
        "bk:rowNumber ?row ; bk:columnNumber ?col . "
        "?t bk:reportingUnit/rdfs:label ?unit ; bk:budgetYear ?year ; bk:budgetPhase/skos:prefLabel ?phase ; "
        "bk:currency ?currency ; bk:unitMultiplier ?mult ; bk:moneyUnit ?printed . "
        "?o bk:classification ?c . "
        "?c skos:notation ?code FILTER(?code = \"20103\" && ?column = \"合计\") "
        "?t bk:tableKind \"expenditure\" ; prov:wasDerivedFrom/bk:sourceFile \"demo-001_示范市数据服务中心_2025.txt\" "
        "FILTER(LANG(?phase) = \"\") }")
    assert line == [{"unit": "示范市数据服务中心", "year": 2025, "phase": "预算", "code": "20103",
                     "column": "合计", "row": 3, "col": 3, "amount": Decimal("3954700"),
                     "currency": "http://data.openbudgets.eu/resource/codelist/currency/CNY", "mult": 0,
                     "printed": "万元"}]


def test_rows_without_a_code_have_their_item(sample_store):
    rows = sample_store.select(
        "SELECT DISTINCT ?item ?label WHERE { ?o a bk:BudgetLine ; bk:isTotal true ; bk:classificationItem ?item . "
        "FILTER NOT EXISTS { ?o bk:classification ?code } "
        "?item skos:inScheme <https://w3id.org/budget-kg/id/scheme/budget-item> ; skos:prefLabel ?label ; a skos:Concept . "
        "<https://w3id.org/budget-kg/id/collection/classification> skos:member ?item } ORDER BY ?label")
    assert {r["label"] for r in rows} >= {"合计"}
    assert rows[0]["item"].startswith(ID_IRI + "concept/item/")


def test_the_checks_catch_a_missing_dimension_and_a_duplicate(sample_copy):
    broken = ox.Store()
    broken.extend(sample_copy.quads_for_pattern(None, None, None, None))
    line = next(broken.quads_for_pattern(None, ox.NamedNode(str(BK.rowNumber)), None, None))
    broken.remove(line)
    assert violated(broken.query) == ["ic-11"]
    broken.add(line)
    twin = ox.NamedNode(line.subject.value + "-twin")
    for q in list(broken.quads_for_pattern(line.subject, None, None, None)):
        broken.add(ox.Quad(twin, q.predicate, q.object, q.graph_name))
    assert violated(broken.query) == ["ic-12"]
    broken.remove(ox.Quad(twin, ox.NamedNode(QB + "dataSet"),
                          next(broken.quads_for_pattern(twin, ox.NamedNode(QB + "dataSet"), None, None)).object,
                          ox.DefaultGraph()))
    assert "ic-12" not in violated(broken.query)
