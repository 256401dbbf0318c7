"""Mapping to RDF: deterministic IRIs, provenance on every extracted node, privacy by default."""

from __future__ import annotations

from rdflib import Graph
from rdflib.compare import isomorphic

from conftest import SAMPLE, needs_seeds, seed_path

from kg.map import map_extraction
from kg.pipeline import extract_file
from kg.vocab import BK, PROV, RDF

DEMO1 = SAMPLE / "demo-001_示范市数据服务中心_2025.txt"
EXTRACTED = {BK.BudgetDocument, BK.Project, BK.TargetTable, BK.Indicator, BK.Funding, BK.PolicyReference,
             BK.BudgetTable, BK.BudgetLine, BK.Finding}


def graph(triples) -> Graph:
    g = Graph()
    for t in triples:
        g.add(t)
    return g


def test_the_same_input_gives_the_same_iris_and_triples():
    a = map_extraction(extract_file(DEMO1))
    b = map_extraction(extract_file(DEMO1))
    for ga, gb in zip(a.graphs().values(), b.graphs().values()):
        assert set(ga) == set(gb)  # no blank nodes: equal, not just isomorphic
    assert isomorphic(graph(a.triples), graph(b.triples))


def test_every_extracted_node_has_provenance():
    m = map_extraction(extract_file(DEMO1))
    g = graph(m.triples + m.findings)
    nodes = {s for s, _, o in g.triples((None, RDF.type, None)) if o in EXTRACTED}
    assert len(nodes) > 100
    for n in nodes:
        assert (n, PROV.wasDerivedFrom, None) in g or n == m.doc, n
        assert (n, BK.sourceLine, None) in g, n
        assert (n, BK.sourceText, None) in g, n


def test_clerks_names_and_phones_are_not_stored_unless_asked():
    text = DEMO1.read_text("utf-8")
    assert "张示例" in text and "13800000000" in text
    plain = map_extraction(extract_file(DEMO1))
    dump = " ".join(str(o) for _, _, o in plain.triples + plain.contrib)
    assert "张示例" not in dump and "13800000000" not in dump
    kept = map_extraction(extract_file(DEMO1, keep_personal=True))
    assert {str(o) for _, p, o in kept.triples if p == BK.clerk} == {"张示例"}
    assert {str(o) for _, p, o in kept.triples if p == BK.contactPhone} == {"13800000000"}


@needs_seeds
def test_seed_004_footer_names_and_phones_stay_out():
    m = map_extraction(extract_file(seed_path("004")))
    dump = " ".join(str(o) for _, _, o in m.triples + m.contrib)
    for personal in ("曲伟琳", "13835231886", "盛春光", "4010658", "王晓光", "18536793333"):
        assert personal not in dump


def test_entities_go_to_the_contribution_not_the_document_graph():
    m = map_extraction(extract_file(DEMO1))
    doc_subjects = {s for s, _, _ in m.triples}
    assert not any("/policy/" in str(s) or "/unit/" in str(s) for s in doc_subjects)
    assert any(p == BK.docNumber for _, p, _ in m.contrib)
