"""The clients researchers use, each against a live `kg serve` on loopback over the sample store: SPARQLWrapper
(SELECT in JSON and XML, ASK, CONSTRUCT in its default RDF/XML, a default graph), rdflib's SPARQLStore (a Graph
over the endpoint answers as the local store does), curl sending the requests of the SPARQL 1.1 Protocol's own
examples (§2.1: GET, URL-encoded POST, direct POST, with the dataset given by the protocol, by the query or by
both), and YASGUI (@zazuko/yasgui from npm) in headless Chromium."""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.parse
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import ROOT, KgServer
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore

import kg
from kg.vocab import BK, PREFIXES

DOC1 = "https://w3id.org/budget-kg/id/doc/demo-001_示范市数据服务中心_2025.txt"
DOC2 = "https://w3id.org/budget-kg/id/doc/demo-002_示范市政务服务中心_2024.txt"
PROLOGUE = "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items()) + "\n"  # clients declare their prefixes
PROJECTS = PROLOGUE + "SELECT ?p ?name ?yuan WHERE { ?p a bk:Project ; rdfs:label ?name ; bk:amount ?yuan } ORDER BY ?p"
CONSTRUCT = PROLOGUE + "CONSTRUCT { ?p rdfs:label ?name ; bk:amount ?yuan } WHERE { ?p a bk:Project ; rdfs:label ?name ; bk:amount ?yuan }"
YASGUI = ROOT / "node_modules" / "@zazuko" / "yasgui" / "build"


@pytest.fixture(scope="module")
def server(sample_store, tmp_path_factory):
    s = KgServer(sample_store.path, tmp_path_factory.mktemp("clients"), "--workers", "2")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def local(sample_store):
    with kg.open(sample_store.path) as g:
        yield g


# ---------------------------------------------------------------- SPARQLWrapper

def wrapper(server, query: str):
    from SPARQLWrapper import SPARQLWrapper

    sw = SPARQLWrapper(f"{server.url}/sparql")
    sw.setQuery(query)
    return sw


def test_sparqlwrapper_select_json_and_xml(server, local):
    from SPARQLWrapper import JSON, XML

    expected = [(r["p"], r["name"], r["yuan"]) for r in local.query(PROJECTS)]
    assert len(expected) == 5
    sw = wrapper(server, PROJECTS)
    sw.setReturnFormat(JSON)
    got = sw.query().convert()["results"]["bindings"]
    assert [(b["p"]["value"], b["name"]["value"], Decimal(b["yuan"]["value"])) for b in got] == expected
    sw = wrapper(server, PROJECTS)
    sw.setReturnFormat(XML)
    doc = sw.query().convert()  # an xml.dom.minidom Document
    rows = []
    for result in doc.getElementsByTagName("result"):
        cells = {b.getAttribute("name"): b.firstChild.firstChild.data for b in result.getElementsByTagName("binding")}
        rows.append((cells["p"], cells["name"], Decimal(cells["yuan"])))
    assert rows == expected


def test_sparqlwrapper_ask_and_construct_with_its_defaults(server, local):
    from SPARQLWrapper import JSON

    sw = wrapper(server, PROLOGUE + "ASK { ?p bk:justifiedBy ?policy }")
    doc = sw.query().convert()  # the default: XML
    assert doc.getElementsByTagName("boolean")[0].firstChild.data == "true"
    sw = wrapper(server, PROLOGUE + "ASK { ?p bk:justifiedBy <urn:nothing> }")
    sw.setReturnFormat(JSON)
    assert sw.query().convert() == {"head": {}, "boolean": False}
    sw = wrapper(server, CONSTRUCT)  # the default for CONSTRUCT: RDF/XML, parsed into an rdflib Graph
    result = sw.query()
    assert result.response.headers["Content-Type"] == "application/rdf+xml"
    g = result.convert()
    assert isinstance(g, Graph) and len(g) == 10
    assert isomorphic(g, local.query(CONSTRUCT))


def test_sparqlwrapper_default_graph(server):
    from SPARQLWrapper import JSON

    sw = wrapper(server, PROLOGUE + "SELECT (COUNT(*) AS ?n) WHERE { ?p a bk:Project }")
    sw.addDefaultGraph(DOC2)
    sw.setReturnFormat(JSON)
    assert sw.query().convert()["results"]["bindings"][0]["n"]["value"] == "2"


# ---------------------------------------------------------------- rdflib SPARQLStore

@pytest.fixture(scope="module")
def remote(server):
    store = SPARQLStore(f"{server.url}/sparql", returnFormat="xml")
    yield Graph(store=store)  # as rdflib's documentation has it: no default-graph-uri is sent
    store.close()


def test_sparqlstore_graph_answers_as_the_local_store(remote, local):
    rows = [(str(r.p), str(r.name), r.yuan.toPython()) for r in remote.query(PROJECTS)]
    assert rows == [(r["p"], r["name"], r["yuan"]) for r in local.query(PROJECTS)]
    assert remote.query(PROLOGUE + "ASK { ?p bk:justifiedBy ?x }").askAnswer is True
    assert isomorphic(Graph() + remote.query(CONSTRUCT).graph, local.query(CONSTRUCT))
    doc = URIRef(DOC2)
    assert list(remote.objects(doc, BK.sourceFile)) == [Literal("demo-002_示范市政务服务中心_2024.txt")]
    assert set(remote.predicate_objects(doc)) == set(local.query(f"CONSTRUCT {{ <{DOC2}> ?p ?o }} WHERE {{ <{DOC2}> ?p ?o }}")
                                                     .predicate_objects(doc))


def test_sparqlstore_graph_is_read_only(remote):
    with pytest.raises(TypeError):
        remote.add((URIRef(DOC2), BK.sourceFile, Literal("x")))


# ---------------------------------------------------------------- curl, the protocol's examples

def curl(*args: str) -> tuple[int, str, bytes]:
    """(status, Content-Type, body) of one curl request."""
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    out = subprocess.run(["curl", "-sS", "-o", "-", "-w", "\n%{http_code} %{content_type}", *args],
                         capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
    assert out.returncode == 0, out.stderr
    body, _, tail = out.stdout.rpartition(b"\n")
    status, _, ctype = tail.decode().partition(" ")
    return int(status), ctype, body


def count(body: bytes) -> int:
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


COUNT = PROLOGUE + "SELECT (COUNT(*) AS ?n) WHERE { ?p a bk:Project }"


def test_curl_protocol_examples(server):
    url = f"{server.url}/sparql"
    q = urllib.parse.quote
    # 2.1.6.1 SELECT with service-supplied RDF dataset (GET)
    assert count(curl(f"{url}?query={q(COUNT)}")[2]) == 5
    # 2.1.6.2 SELECT with simple RDF dataset: default-graph-uri
    assert count(curl(f"{url}?query={q(COUNT)}&default-graph-uri={q(DOC1)}")[2]) == 3
    # 2.1.6.3 SELECT with complex RDF dataset: two default graphs, named graphs
    status, _, body = curl(f"{url}?query={q(PROLOGUE + 'SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?p a bk:Project } } GROUP BY ?g ORDER BY ?g')}"
                           f"&default-graph-uri={q(DOC1)}&default-graph-uri={q(DOC2)}&named-graph-uri={q(DOC2)}")
    assert status == 200
    assert [(b["g"]["value"], b["n"]["value"]) for b in json.loads(body)["results"]["bindings"]] == [(DOC2, "2")]
    # 2.1.6.4 SELECT with query-only RDF dataset: FROM / FROM NAMED
    assert count(curl(f"{url}?query={q(COUNT.replace('WHERE', f'FROM <{DOC2}> WHERE'))}")[2]) == 2
    # 2.1.6.5 SELECT with ambiguous RDF dataset: the protocol's wins
    assert count(curl(f"{url}?query={q(COUNT.replace('WHERE', f'FROM <{DOC2}> WHERE'))}&default-graph-uri={q(DOC1)}")[2]) == 3
    # 2.1.6.6 CONSTRUCT with service-supplied RDF dataset, Accept: application/rdf+xml
    status, ctype, body = curl("-H", "Accept: application/rdf+xml", f"{url}?query={q(CONSTRUCT)}")
    assert (status, ctype) == (200, "application/rdf+xml") and len(Graph().parse(data=body, format="xml")) == 10
    # 2.1.6.7 ASK with simple RDF dataset, Accept: application/sparql-results+xml
    status, ctype, body = curl("-H", "Accept: application/sparql-results+xml",
                               f"{url}?query={q(PROLOGUE + 'ASK { ?p bk:justifiedBy ?x }')}&default-graph-uri={q(DOC2)}")
    assert (status, ctype) == (200, "application/sparql-results+xml") and b"<boolean>true</boolean>" in body
    # 2.1.6.8 DESCRIBE with simple RDF dataset
    status, ctype, body = curl("-H", "Accept: application/rdf+xml", f"{url}?query={q(f'DESCRIBE <{DOC2}>')}"
                               f"&default-graph-uri={q(DOC2)}")
    assert status == 200 and (URIRef(DOC2), BK.sourceFile, None) in Graph().parse(data=body, format="xml")
    # 2.1.6.9 SELECT with malformed query: 400
    status, ctype, body = curl(f"{url}?query={q('SELECT ?x WHERE { ?s ?p }')}")
    assert status == 400 and body.decode().startswith("malformed SPARQL")
    # 2.1.6.10 SELECT with query via URL-encoded POST
    status, _, body = curl("--data-urlencode", f"query={COUNT}", "--data-urlencode", f"default-graph-uri={DOC2}", url)
    assert status == 200 and count(body) == 2
    # 2.1.6.11 SELECT with query via POST directly, the dataset in the URL
    status, _, body = curl("-H", "Content-Type: application/sparql-query", "--data-binary", COUNT,
                           f"{url}?default-graph-uri={q(DOC1)}")
    assert status == 200 and count(body) == 3
    # a GET without a query: the Service Description
    status, ctype, body = curl("-H", "Accept: text/turtle", url)
    assert status == 200 and ctype.startswith("text/turtle") and b"sd:Service" in body


# ---------------------------------------------------------------- YASGUI in headless Chromium

def test_yasgui_queries_the_endpoint(server, browser):
    if not (YASGUI / "yasgui.min.js").is_file():
        pytest.skip("YASGUI is not installed (make vendor: npm ci installs the development packages)")
    page_html = """<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="stylesheet" href="yasgui.min.css">
<script src="yasgui.min.js"></script></head><body><div id="yasgui"></div><script>
window.yasgui = new Yasgui(document.getElementById("yasgui"), {
  requestConfig: { endpoint: "/sparql", method: "POST" }, copyEndpointOnNewTab: false, persistenceId: null,
  yasqe: { persistenceId: null }, yasr: { persistenceId: null } });
</script></body></html>"""
    base = server.url + "/yasgui-test/"
    context = browser.new_context()
    page = context.new_page()
    foreign, errors = [], []

    def serve_yasgui(route):
        name = route.request.url[len(base):].split("?")[0] or "index.html"
        if name == "index.html":
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=page_html)
        elif (YASGUI / name).is_file():
            kind = "text/css" if name.endswith(".css") else "text/javascript"
            route.fulfill(status=200, content_type=kind, body=(YASGUI / name).read_bytes())
        else:
            route.fulfill(status=404, body="")

    def only_loopback(route):
        if not route.request.url.startswith(server.url) and not route.request.url.startswith("data:"):
            foreign.append(route.request.url)
            route.abort()
        else:
            route.fallback()

    page.route("**/*", only_loopback)
    page.route(base + "**", serve_yasgui)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(base + "index.html")
        page.wait_for_function("() => window.yasgui && window.yasgui.getTab()")
        page.evaluate("q => { const tab = yasgui.getTab(); tab.setQuery(q); tab.query(); }", PROJECTS)
        page.wait_for_function("() => { const r = yasgui.getTab().getYasr().results; "
                               "return r && r.getBindings && r.getBindings().length > 0; }", timeout=20_000)
        rows = page.evaluate("() => yasgui.getTab().getYasr().results.getBindings()"
                             ".map(b => [b.p.value, b.name.value, b.yuan.value])")
        with kg.open(server_store(server)) as g:
            expected = [(r["p"], r["name"], r["yuan"]) for r in g.query(PROJECTS)]
        assert [(p, n, Decimal(y)) for p, n, y in rows] == expected and len(expected) == 5
        page.wait_for_selector(".yasr table")
        assert "Z政务数据共享平台运维费" in page.inner_text(".yasr")
        # a CONSTRUCT through YASGUI: it asks for RDF and shows the triples
        page.evaluate("q => { const tab = yasgui.getTab(); tab.setQuery(q); tab.query(); }", CONSTRUCT)
        page.wait_for_function("() => { const r = yasgui.getTab().getYasr().results; "
                               "return r && r.getBindings && r.getBindings().length === 10; }", timeout=20_000)
    finally:
        context.close()
    assert not errors, errors
    assert not foreign, f"YASGUI asked other hosts: {foreign}"


def server_store(server) -> Path:
    return Path(server.proc.args[server.proc.args.index("--store") + 1])
