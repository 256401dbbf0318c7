"""SPARQL 1.1 dataset semantics: FROM / FROM NAMED in a query and default-graph-uri / named-graph-uri in the
protocol choose the RDF dataset exactly as the W3C specs say, in the store, `kg query`, the Python API and
`kg serve`; without them the project's default dataset (the union of the named graphs) applies. The Service
Description at GET /sparql, RDF/XML wherever RDF is served, and the alternate links of resource pages."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest
from click.testing import CliRunner
from conftest import KgServer
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, RDF, VOID

import kg
from kg.cli import main
from kg.dataset import Dataset
from kg.store import Store

DOC1 = "https://w3id.org/budget-kg/id/doc/demo-001_示范市数据服务中心_2025.txt"
DOC2 = "https://w3id.org/budget-kg/id/doc/demo-002_示范市政务服务中心_2024.txt"
PROJECTS = "SELECT (COUNT(*) AS ?n) {from} WHERE {{ ?p a bk:Project }}"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")


def count(store, sparql: str, dataset: Dataset | None = None) -> int:
    return int(next(iter(store.query(sparql, dataset=dataset)))["n"].value)


def test_from_selects_the_default_graph(sample_store):
    assert count(sample_store, PROJECTS.format(**{"from": ""})) == 5  # the union: both documents
    assert count(sample_store, PROJECTS.format(**{"from": f"FROM <{DOC1}>"})) == 3
    assert count(sample_store, PROJECTS.format(**{"from": f"FROM <{DOC2}>"})) == 2
    assert count(sample_store, PROJECTS.format(**{"from": f"FROM <{DOC1}> FROM <{DOC2}>"})) == 5
    assert count(sample_store, "SELECT (COUNT(*) AS ?n) FROM <urn:nonexistent> WHERE { ?s ?p ?o }") == 0
    in_doc1 = sample_store.count(URIRef(DOC1))  # the quads of its named graph, counted by the store itself
    assert in_doc1 > 4000
    assert count(sample_store, f"SELECT (COUNT(*) AS ?n) FROM <{DOC1}> WHERE {{ ?s ?p ?o }}") == in_doc1
    # FROM alone: no named graph
    assert list(sample_store.query(f"SELECT ?g FROM <{DOC1}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}")) == []


def test_from_named_alone_gives_an_empty_default_graph(sample_store):
    assert count(sample_store, f"SELECT (COUNT(*) AS ?n) FROM NAMED <{DOC1}> WHERE {{ ?s ?p ?o }}") == 0
    rows = sample_store.select(f"SELECT ?g (COUNT(*) AS ?n) FROM NAMED <{DOC1}> "
                               "WHERE { GRAPH ?g { ?p a bk:Project } } GROUP BY ?g")
    assert rows == [{"g": DOC1, "n": 3}]
    # prefixed names and BASE resolve as the parser does
    rows = sample_store.select("BASE <https://w3id.org/budget-kg/id/doc/> PREFIX g: <https://w3id.org/budget-kg/id/graph/> "
                               "SELECT ?g FROM NAMED <demo-001_示范市数据服务中心_2025.txt> FROM NAMED g:ontology "
                               "WHERE { GRAPH ?g { } } ORDER BY ?g")
    assert [r["g"] for r in rows] == [DOC1, "https://w3id.org/budget-kg/id/graph/ontology"]


def test_the_protocol_dataset_overrides_the_query(sample_store):
    q = PROJECTS.format(**{"from": f"FROM <{DOC1}>"})
    assert count(sample_store, q, Dataset((DOC2,), ())) == 2
    assert count(sample_store, q, Dataset((), (DOC2,))) == 0  # named-graph-uri alone: an empty default graph
    assert count(sample_store, PROJECTS.format(**{"from": ""}), Dataset((DOC1, DOC2), ())) == 5


def test_several_from_graphs_are_merged(tmp_path):
    """The default graph is the RDF merge of the FROM graphs: a triple two of them state is there once (Oxigraph
    alone would count it twice); GRAPH still sees the FROM NAMED graphs."""
    a, b = URIRef("urn:g:a"), URIRef("urn:g:b")
    s, p = URIRef("urn:s"), URIRef("urn:p")
    with Store(tmp_path / "store") as store:
        store.replace({a: [(s, p, Literal(1)), (s, p, Literal(2))], b: [(s, p, Literal(1)), (s, p, Literal(3))]})
        assert count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == 4  # the project's union: a bag
        assert count(store, "SELECT (COUNT(*) AS ?n) FROM <urn:g:a> FROM <urn:g:b> WHERE { ?s ?p ?o }") == 3
        assert count(store, "SELECT (COUNT(*) AS ?n) FROM <urn:g:a> FROM <urn:g:b> FROM NAMED <urn:g:b> "
                            "WHERE { GRAPH ?g { ?s ?p ?o } }") == 2
        assert count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", Dataset(("urn:g:a", "urn:g:b"), ())) == 3
        triples = list(store.query("CONSTRUCT { ?s ?p ?o } FROM <urn:g:a> FROM <urn:g:b> WHERE { ?s ?p ?o }"))
        assert len(triples) == 3


def test_kg_query_and_the_api_honour_from(tmp_path):
    store = tmp_path / "store"
    assert CliRunner().invoke(main, ["ingest", "--store", str(store), str(kg.SAMPLE)]).exit_code == 0
    r = CliRunner().invoke(main, ["query", "--store", str(store), "--format", "csv",
                                  "-e", PROJECTS.format(**{"from": f"FROM <{DOC2}>"})])
    assert r.exit_code == 0, r.output
    assert r.output.splitlines() == ["n", "2"]
    with kg.open(store) as g:
        assert g.query(PROJECTS.format(**{"from": f"FROM <{DOC1}>"}))[0]["n"] == 3
        assert g.query(PROJECTS.format(**{"from": ""}), dataset=Dataset((DOC2,), ()))[0]["n"] == 2


# ---------------------------------------------------------------- over HTTP


@pytest.fixture(scope="module")
def server(sample_store, tmp_path_factory):
    s = KgServer(sample_store.path, tmp_path_factory.mktemp("serve-dataset"), "--workers", "1")
    yield s
    s.stop()


def get(url: str, accept: str | None = None):
    req = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def sparql_url(base: str, *pairs: tuple[str, str]) -> str:
    return f"{base}/sparql?" + urllib.parse.urlencode(list(pairs))


def n_of(body: bytes) -> int:
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def test_endpoint_dataset(server):
    q = PROJECTS.format(**{"from": ""})
    status, _, body = get(sparql_url(server.url, ("query", q)))
    assert status == 200 and n_of(body) == 5
    assert n_of(get(sparql_url(server.url, ("query", PROJECTS.format(**{"from": f"FROM <{DOC1}>"}))))[2]) == 3
    assert n_of(get(sparql_url(server.url, ("query", q), ("default-graph-uri", DOC2)))[2]) == 2
    assert n_of(get(sparql_url(server.url, ("query", q), ("default-graph-uri", DOC1),
                               ("default-graph-uri", DOC2)))[2]) == 5
    # the protocol's dataset wins over the query's
    assert n_of(get(sparql_url(server.url, ("query", PROJECTS.format(**{"from": f"FROM <{DOC1}>"})),
                               ("default-graph-uri", DOC2)))[2]) == 2
    status, _, body = get(sparql_url(server.url, ("query", "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?p a bk:Project } } "
                                                           "GROUP BY ?g"), ("named-graph-uri", DOC2)))
    rows = json.loads(body)["results"]["bindings"]
    assert [(r["g"]["value"], r["n"]["value"]) for r in rows] == [(DOC2, "2")]


def test_service_description(server, sample_store):
    status, headers, body = get(f"{server.url}/sparql", accept="text/turtle")
    assert status == 200 and headers["Content-Type"] == "text/turtle; charset=utf-8"
    g = Graph().parse(data=body, format="turtle")
    endpoint = URIRef(f"{server.url}/sparql")
    service = g.value(predicate=SD.endpoint, object=endpoint)
    assert (service, RDF.type, SD.Service) in g
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in g
    assert (service, SD.feature, SD.UnionDefaultGraph) in g
    assert URIRef("http://www.w3.org/ns/formats/RDF_XML") in set(g.objects(service, SD.resultFormat))
    dataset = g.value(service, SD.defaultDataset)
    names = {str(g.value(n, SD.name)): int(g.value(g.value(n, SD.graph), VOID.triples))
             for n in g.objects(dataset, SD.namedGraph)}
    assert set(names) == {x.value for x in sample_store.graphs()}
    assert names[DOC1] == sample_store.count(URIRef(DOC1))
    # the same description in RDF/XML; the VoID links to it
    status, headers, xml = get(f"{server.url}/sparql", accept="application/rdf+xml")
    assert status == 200 and headers["Content-Type"] == "application/rdf+xml"
    assert isomorphic(Graph().parse(data=xml, format="xml"), g)
    void = Graph().parse(data=get(f"{server.url}/void", accept="text/turtle")[2], format="turtle")
    assert (None, DCAT.endpointDescription, endpoint) in void


def test_rdf_xml_for_construct_describe_and_resources(server):
    construct = f"CONSTRUCT {{ ?p rdfs:label ?l }} WHERE {{ GRAPH <{DOC2}> {{ ?p a bk:Project ; rdfs:label ?l }} }}"
    status, headers, xml = get(sparql_url(server.url, ("query", construct)), accept="application/rdf+xml")
    assert status == 200 and headers["Content-Type"] == "application/rdf+xml"
    ttl = get(sparql_url(server.url, ("query", construct)), accept="text/turtle")[2]
    got = Graph().parse(data=xml, format="xml")
    assert len(got) == 2 and isomorphic(got, Graph().parse(data=ttl, format="turtle"))
    # format=xml (as SPARQLWrapper sends it) means RDF/XML for a CONSTRUCT
    status, headers, _ = get(sparql_url(server.url, ("query", construct), ("format", "xml")))
    assert status == 200 and headers["Content-Type"] == "application/rdf+xml"
    status, headers, xml = get(sparql_url(server.url, ("query", f"DESCRIBE <{DOC2}>")), accept="application/rdf+xml")
    assert status == 200 and (URIRef(DOC2), None, None) in Graph().parse(data=xml, format="xml")
    page = f"{server.url}/id/doc/{urllib.parse.quote('demo-002_示范市政务服务中心_2024.txt')}"
    status, headers, xml = get(page, accept="application/rdf+xml")
    assert status == 200 and headers["Content-Type"] == "application/rdf+xml"
    assert Graph().parse(data=xml, format="xml").value(URIRef(DOC2), URIRef("https://w3id.org/budget-kg/ontology#sourceFile")) \
        == Literal("demo-002_示范市政务服务中心_2024.txt")
    status, headers, xml = get(f"{server.url}/ontology", accept="application/rdf+xml")
    assert status == 200 and len(Graph().parse(data=xml, format="xml")) > 500


def test_resource_pages_link_their_rdf_forms(server):
    path = f"/id/doc/{urllib.parse.quote('demo-002_示范市政务服务中心_2024.txt')}"
    status, headers, body = get(server.url + path, accept="text/html")
    assert status == 200
    html = body.decode("utf-8")
    for media, name in (("text/turtle", "turtle"), ("application/rdf+xml", "rdfxml"),
                        ("application/ld+json", "jsonld"), ("application/n-triples", "ntriples")):
        assert f'<link rel="alternate" type="{media}" href="{path}?format={name}">' in html
        assert f'<{path}?format={name}>; rel="alternate"; type="{media}"' in headers["Link"]
        status, h, _ = get(f"{server.url}{path}?format={name}")
        assert status == 200 and h["Content-Type"].split(";")[0] == media
    status, headers, body = get(f"{server.url}/ontology", accept="text/html")
    assert '<link rel="alternate" type="application/rdf+xml" href="/ontology?format=rdfxml">' in body.decode("utf-8")
