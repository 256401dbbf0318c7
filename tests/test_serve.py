"""`kg serve`: the real CLI as a subprocess on a free loopback port, over the seed store, spoken to
with the standard library's HTTP client only.

The store is the `seed_store` fixture, held open read-write by this process; the server's query
workers open it read-only. A second server with a 1 s time limit and a 3-row cap checks the limits.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from http.client import HTTPConnection
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from conftest import KgServer

from kg.serve.html import iri_to_uri
from kg.vocab import BK, ID_IRI

ROOT = Path(__file__).resolve().parents[1]
POLICY = ID_IRI + "policy/同办字〔2019〕116号"
PROJECT = ID_IRI + "doc/000_4af2b7ab3d3465e5.txt/project/4"
# a title IRI whose slug keeps an ASCII character percent-encoded ("]" → %5D)
SRX = "{http://www.w3.org/2005/sparql-results#}"
DOCNO_QUERY = f"SELECT ?n WHERE {{ <{POLICY}> bk:docNumber ?n }}"
PROJECTS_QUERY = "SELECT (COUNT(?p) AS ?n) WHERE { ?p a bk:Project }"
CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
# rdflib's JSON-LD parser uses its own deprecated ConjunctiveGraph
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")


@pytest.fixture(scope="module")
def server(seed_store, tmp_path_factory):
    s = KgServer(seed_store.path, tmp_path_factory.mktemp("serve"), "--workers", "2")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def strict(seed_store, tmp_path_factory):
    """A server with a 1 s time limit, a 3-row cap and one worker (a killed worker must come back)."""
    s = KgServer(seed_store.path, tmp_path_factory.mktemp("strict"), "--timeout", "1", "--max-rows", "3",
               "--workers", "1")
    yield s
    s.stop()


def get(url: str, accept: str | None = None, data: bytes | None = None, content_type: str | None = None):
    """(status, headers, body) of one request; error statuses are returned, not raised."""
    req = urllib.request.Request(url, data=data)
    if accept:
        req.add_header("Accept", accept)
    if content_type:
        req.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def query_url(base: str, sparql: str, **params: str) -> str:
    return f"{base}/sparql?" + urllib.parse.urlencode({"query": sparql, **params})


def form(sparql: str, name: str = "query") -> bytes:
    return urllib.parse.urlencode({name: sparql}).encode("ascii")


def id_url(base: str, iri: str) -> str:
    assert iri.startswith(ID_IRI)
    return f"{base}/id/{iri_to_uri(iri[len(ID_IRI):])}"


def one_line(body: bytes) -> str:
    text = body.decode("utf-8")
    assert text.endswith("\n") and text.count("\n") == 1, text
    return text.strip()


# ---------------------------------------------------------------- the SPARQL protocol

def test_get_select_json_is_the_default(server, seed_store):
    status, headers, body = get(query_url(server.url, DOCNO_QUERY))
    assert status == 200
    assert headers["Content-Type"] == "application/sparql-results+json"
    data = json.loads(body)
    assert data["head"]["vars"] == ["n"]
    assert [b["n"]["value"] for b in data["results"]["bindings"]] == ["同办字〔2019〕116号"]
    # the same dataset as `kg query` (the union of the graphs, contributions left out)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    _, _, body = get(query_url(server.url, count))
    assert int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) == seed_store.select(count)[0]["n"]


def test_post_form_and_post_query_body_answer_as_get(server):
    _, _, by_get = get(query_url(server.url, PROJECTS_QUERY))
    status, _, by_form = get(f"{server.url}/sparql", data=form(PROJECTS_QUERY),
                             content_type="application/x-www-form-urlencoded; charset=UTF-8")
    assert status == 200
    status, _, by_body = get(f"{server.url}/sparql", data=PROJECTS_QUERY.encode("utf-8"),
                             content_type="application/sparql-query")
    assert status == 200
    assert by_get == by_form == by_body
    assert json.loads(by_body)["results"]["bindings"][0]["n"]["value"] == "80"


def test_select_as_xml_csv_tsv(server):
    sparql = (f"SELECT ?project ?line WHERE {{ ?project bk:justifiedBy <{POLICY}> ; bk:sourceLine ?line }} "
              "ORDER BY ?line")
    status, headers, body = get(query_url(server.url, sparql), accept="application/sparql-results+xml")
    assert status == 200 and headers["Content-Type"] == "application/sparql-results+xml"
    results = ET.fromstring(body).findall(f"{SRX}results/{SRX}result")
    assert [r.find(f"{SRX}binding[@name='line']/{SRX}literal").text for r in results] == ["353", "357"]

    status, headers, body = get(query_url(server.url, sparql), accept="text/csv")
    assert headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert rows == [["project", "line"], [PROJECT, "353"], [ID_IRI + "doc/000_4af2b7ab3d3465e5.txt/project/8", "357"]]

    status, headers, body = get(query_url(server.url, sparql), accept="text/tab-separated-values")
    assert headers["Content-Type"] == "text/tab-separated-values; charset=utf-8"
    lines = body.decode("utf-8").splitlines()
    assert lines[0] == "?project\t?line"
    assert lines[1] == f"<{PROJECT}>\t353"


def test_accept_q_values_and_the_format_parameter(server):
    _, headers, _ = get(query_url(server.url, DOCNO_QUERY), accept="text/csv;q=0.5, application/sparql-results+xml;q=0.9")
    assert headers["Content-Type"] == "application/sparql-results+xml"
    _, headers, _ = get(query_url(server.url, DOCNO_QUERY), accept="text/*;q=0.8, */*;q=0.1")
    assert headers["Content-Type"] == "text/csv; charset=utf-8"
    status, headers, body = get(query_url(server.url, DOCNO_QUERY, format="tsv"), accept="application/sparql-results+json")
    assert status == 200 and headers["Content-Type"].startswith("text/tab-separated-values")
    assert body.decode("utf-8").splitlines()[1] == '"同办字〔2019〕116号"'


def test_ask(server):
    status, _, body = get(query_url(server.url, f"ASK {{ <{PROJECT}> bk:justifiedBy <{POLICY}> }}"))
    assert status == 200 and json.loads(body) == {"head": {}, "boolean": True}


def test_construct_as_turtle_ntriples_jsonld(server):
    sparql = f"CONSTRUCT {{ ?p bk:justifiedBy <{POLICY}> ; rdfs:label ?l }} WHERE {{ ?p bk:justifiedBy <{POLICY}> ; rdfs:label ?l }}"
    expected = {(URIRef(PROJECT), BK.justifiedBy, URIRef(POLICY)),
                (URIRef(PROJECT), RDFS.label, Literal("Z市12345政务服务便民热线“接诉即办”平台运维经费"))}
    for accept, media, rdf_format in (
        (None, "text/turtle; charset=utf-8", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
    ):
        status, headers, body = get(query_url(server.url, sparql), accept=accept)
        assert status == 200 and headers["Content-Type"] == media
        g = Graph().parse(data=body.decode("utf-8"), format=rdf_format)
        assert len(g) == 4, (accept, len(g))
        assert expected <= set(g)


def test_406_when_nothing_acceptable(server):
    status, headers, body = get(query_url(server.url, DOCNO_QUERY), accept="text/html")
    assert status == 406 and headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "application/sparql-results+json" in one_line(body)
    construct = f"CONSTRUCT WHERE {{ <{POLICY}> ?p ?o }}"
    status, _, body = get(query_url(server.url, construct), accept="application/sparql-results+json")
    assert status == 406 and "text/turtle" in one_line(body)
    status, _, _ = get(query_url(server.url, construct, format="csv"))
    assert status == 406
    status, _, body = get(query_url(server.url, DOCNO_QUERY, format="yaml"))
    assert status == 400 and "unknown format=yaml" in one_line(body)


def test_malformed_query_is_400_with_the_parser_message(server):
    status, headers, body = get(query_url(server.url, "SELECT * WHERE { ?s ?p }"))
    assert status == 400 and headers["Content-Type"] == "text/plain; charset=utf-8"
    assert one_line(body).startswith("malformed SPARQL: error at 1:")
    status, _, body = get(f"{server.url}/sparql", data=b"format=json", content_type="application/x-www-form-urlencoded")
    assert status == 400 and "no query" in one_line(body)
    status, _, body = get(query_url(server.url, DOCNO_QUERY, **{"default-graph-uri": "doc/1"}))
    assert status == 400 and one_line(body) == "default-graph-uri 'doc/1' is not an absolute IRI"


def test_updates_are_refused_every_way(server, seed_store):
    update = f'INSERT DATA {{ <{POLICY}> rdfs:comment "written over HTTP" }}'
    answers = [
        get(f"{server.url}/sparql", data=form(update, "update"), content_type="application/x-www-form-urlencoded"),
        get(f"{server.url}/sparql", data=update.encode("utf-8"), content_type="application/sparql-update"),
        get(f"{server.url}/sparql", data=form(update), content_type="application/x-www-form-urlencoded"),
        get(query_url(server.url, "PREFIX ex: <http://example.org/>\nDELETE WHERE { ?s ex:p ?o }")),
    ]
    for status, _, body in answers:
        assert status == 400
        assert one_line(body).startswith("this endpoint is read-only")
    assert seed_store.select(f"SELECT ?c WHERE {{ <{POLICY}> rdfs:comment ?c }}") == []
    _, _, body = get(query_url(server.url, f'ASK {{ <{POLICY}> rdfs:comment "written over HTTP" }}'))
    assert json.loads(body)["boolean"] is False


def test_service_is_refused_but_not_inside_strings_iris_or_comments(server):
    status, _, body = get(query_url(server.url, "SELECT * WHERE { service <http://example.org/sparql> { ?s ?p ?o } }"))
    assert status == 400 and one_line(body).startswith("SERVICE is not allowed")
    for sparql in (
        'SELECT ?x WHERE { BIND("SERVICE <http://example.org/sparql> { }" AS ?x) }',
        "SELECT ?x WHERE { BIND(<http://example.org/SERVICE> AS ?x) }",
        "SELECT ?x WHERE { BIND('''a\nSERVICE''' AS ?x) } # SERVICE <http://example.org/>",
        "SELECT ?service WHERE { VALUES ?service { 1 } }",
    ):
        status, _, body = get(query_url(server.url, sparql))
        assert status == 200, (sparql, body)
        assert len(json.loads(body)["results"]["bindings"]) == 1


def test_requests_are_logged_one_line_each(server):
    get(query_url(server.url, DOCNO_QUERY, marker="logged"))
    time.sleep(0.2)
    lines = [l for l in server.log().splitlines() if "marker=logged" in l]
    assert len(lines) == 1 and re.search(r'"GET /sparql\?\S+" 200 \d+ \d+ms$', lines[0]), lines


# ---------------------------------------------------------------- limits

def test_a_query_past_the_time_limit_is_stopped_and_the_server_goes_on(strict):
    t0 = time.perf_counter()
    status, headers, body = get(query_url(strict.url, CROSS_PRODUCT))
    elapsed = time.perf_counter() - t0
    assert status == 503 and headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "1 s time limit" in one_line(body)
    assert elapsed < 5, elapsed
    # its (only) worker was killed; the next query waits for the new one and is answered
    status, _, body = get(query_url(strict.url, PROJECTS_QUERY))
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == "80"
    assert "query worker restarted" in strict.log()


def test_row_cap_marks_the_answer_truncated(strict):
    sparql = "SELECT ?n WHERE { ?p a bk:PolicyDocument ; bk:docNumber ?n } ORDER BY ?n"
    status, headers, body = get(query_url(strict.url, sparql))
    assert status == 200 and headers["X-KG-Truncated"] == "3"
    data = json.loads(body)  # still valid JSON
    assert [b["n"]["value"] for b in data["results"]["bindings"]] == ["云政办发〔2019〕116号", "公通字〔2007〕43号", "同办字〔2019〕116号"]
    _, headers, body = get(query_url(strict.url, sparql, format="csv"))
    assert headers["X-KG-Truncated"] == "3" and len(body.decode("utf-8").splitlines()) == 4
    _, headers, body = get(query_url(strict.url, f"CONSTRUCT WHERE {{ <{POLICY}> ?p ?o }}", format="nt"))
    assert headers["X-KG-Truncated"] == "3" and len(body.decode("utf-8").splitlines()) == 3
    _, headers, _ = get(query_url(strict.url, "SELECT ?x WHERE { VALUES ?x { 1 2 3 } }"))
    assert "X-KG-Truncated" not in headers


# ---------------------------------------------------------------- dereferenceable IRIs

def test_policy_page_in_html(server):
    status, headers, body = get(id_url(server.url, POLICY), accept="text/html,application/xhtml+xml,*/*;q=0.8")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    page = body.decode("utf-8")
    assert "<h1>同办字〔2019〕116号</h1>" in page
    assert '<a href="/ontology#PolicyDocument"' in page  # its type, linked to the ontology page
    assert '<a href="/ontology#issuedBy"' in page
    assert f'href="{iri_to_uri("/id/organ/大同市人民政府办公室")}"' in page  # an IRI value, linked to its page
    # incoming: the project that cites it in its 立项依据, with where it is written
    row = re.search(r"<tr><td><a href=\"/id/doc/000_4af2b7ab3d3465e5\.txt/project/4\"[^>]*>Z市12345[^<]*</a></td>"
                    r"<td><a href=\"/ontology#justifiedBy\"[^>]*>bk:justifiedBy</a></td>"
                    r"<td class=\"meta\">000_4af2b7ab3d3465e5\.txt line 353</td></tr>", page)
    assert row, page
    assert 'format=turtle" rel="alternate" type="text/turtle">as Turtle</a>' in page
    assert 'format=rdfxml" rel="alternate" type="application/rdf+xml">as RDF/XML</a>' in page


def test_project_page_shows_provenance(server):
    status, _, body = get(id_url(server.url, PROJECT), accept="text/html")
    page = body.decode("utf-8")
    assert status == 200
    provenance = page[page.index("<h2>Provenance</h2>"):page.index("<h2>Properties</h2>")]
    assert '<a href="/id/doc/000_4af2b7ab3d3465e5.txt"' in provenance and ">000_4af2b7ab3d3465e5.txt</a>" in provenance
    assert "line 353" in provenance and "<blockquote>Z市12345政务服务便民热线" in provenance
    assert '1410000<span class="dt">xsd:decimal</span>' in page  # bk:amount, its datatype shown discreetly


def test_policy_as_rdf(server):
    for accept, fmt in (("text/turtle", "turtle"), ("application/ld+json", "json-ld"), ("application/n-triples", "nt")):
        status, headers, body = get(id_url(server.url, POLICY), accept=accept)
        assert status == 200 and headers["Content-Type"].split(";")[0] == accept
        g = Graph().parse(data=body.decode("utf-8"), format=fmt)
        assert (URIRef(POLICY), BK.docNumber, Literal("同办字〔2019〕116号")) in g
        organ = URIRef(ID_IRI + "organ/大同市人民政府办公室")
        assert (URIRef(POLICY), BK.issuedBy, organ) in g
        assert (organ, RDFS.label, Literal("大同市人民政府办公室")) in g  # labels of the objects
    # format= overrides Accept; the page's own links use it
    _, headers, _ = get(id_url(server.url, POLICY) + "?format=jsonld", accept="text/html")
    assert headers["Content-Type"] == "application/ld+json"
    # curl's */* gets Turtle
    _, headers, _ = get(id_url(server.url, POLICY), accept="*/*")
    assert headers["Content-Type"] == "text/turtle; charset=utf-8"


def test_iri_with_an_encoded_ascii_character(tmp_path_factory):
    """%5D stays %5D (RFC 3987 §3.2); the Chinese around it arrives percent-encoded and is decoded. The
    seeds cite no title with square brackets (seed 002's garbled one is now read as printed elsewhere):
    the sample cites one here, in a store of its own."""
    from conftest import SAMPLE

    from kg.pipeline import ingest
    from kg.store import Store

    folder = tmp_path_factory.mktemp("brackets")
    src = SAMPLE / "demo-001_示范市数据服务中心_2025.txt"
    doc = folder / src.name
    doc.write_text(src.read_text("utf-8").replace("《共享平台运维管理规程》", "《共享平台(运维)管理规程[试行]》"), "utf-8")
    with Store(folder / "store") as store:
        assert not ingest([doc], store).failed
    title = ID_IRI + "policy/title/共享平台(运维)管理规程%5B试行%5D"
    server = KgServer(folder / "store", folder, "--workers", "1")
    try:
        url = id_url(server.url, title)
        assert "%5D" in url and "%E5%85%B1" in url
        status, _, body = get(url, accept="application/n-triples")
        assert status == 200
        g = Graph().parse(data=body.decode("utf-8"), format="nt")
        assert (URIRef(title), RDF.type, BK.PolicyDocument) in g
        # a client that also encodes "(" and ")" reaches the same resource
        status, _, body = get(url.replace("(", "%28").replace(")", "%29"), accept="text/html")
        assert status == 200 and "共享平台(运维)管理规程[试行]" in body.decode("utf-8")
    finally:
        server.stop()


def test_unknown_iri_and_path_are_404(server):
    status, headers, body = get(id_url(server.url, ID_IRI + "policy/同办字〔2099〕1号"), accept="text/html")
    assert status == 404 and headers["Content-Type"] == "text/plain; charset=utf-8"
    assert one_line(body) == f"nothing is known about <{ID_IRI}policy/同办字〔2099〕1号>"
    status, _, _ = get(id_url(server.url, ID_IRI + "policy/同办字〔2099〕1号"), accept="text/turtle")
    assert status == 404
    status, _, body = get(f"{server.url}/nowhere")
    assert status == 404 and one_line(body) == "no page at /nowhere"


def test_ontology(server):
    status, headers, body = get(f"{server.url}/ontology", accept="text/turtle")
    assert status == 200 and headers["Content-Type"] == "text/turtle; charset=utf-8"
    g = Graph().parse(data=body.decode("utf-8"), format="turtle")
    assert (BK.justifiedBy, RDF.type, OWL.ObjectProperty) in g
    status, headers, body = get(f"{server.url}/ontology", accept="text/html")
    page = body.decode("utf-8")
    assert status == 200 and '<section class="term" id="justifiedBy">' in page
    assert "立项依据文件 / justified by" in page


# ---------------------------------------------------------------- static files and the question list

def test_static_files(server):
    status, headers, body = get(f"{server.url}/vendor/codemirror.js")
    assert status == 200 and headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert body == (ROOT / "kg" / "assets" / "vendor" / "codemirror.js").read_bytes()
    status, headers, _ = get(f"{server.url}/vendor/codemirror.css")
    assert status == 200 and headers["Content-Type"] == "text/css; charset=utf-8"
    index = ROOT / "kg" / "serve" / "page" / "index.html"
    status, headers, body = get(f"{server.url}/")
    if index.exists():
        assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8" and body == index.read_bytes()
    else:
        assert status == 404 and "query page is not installed" in one_line(body)


@pytest.mark.parametrize("path", [
    "/vendor/../../store.py", "/vendor/../../../pyproject.toml", "/page/../app.py", "/page/..%2Fapp.py",
    "/vendor/%2e%2e/%2e%2e/cli.py", "/vendor//etc/passwd", "/page/.hidden", "/vendor/",
])
def test_no_directory_traversal(server, path):
    host, port = server.url.removeprefix("http://").rsplit(":", 1)
    conn = HTTPConnection(host, int(port), timeout=10)
    conn.request("GET", path)  # sent as written: no client-side normalisation of ".."
    r = conn.getresponse()
    body = r.read()
    conn.close()
    assert r.status == 404, (path, body)
    assert b"import" not in body and b"root:" not in body


def test_api_queries_lists_the_example_questions(server):
    status, headers, body = get(f"{server.url}/api/queries")
    assert status == 200 and headers["Content-Type"] == "application/json; charset=utf-8"
    items = json.loads(body)
    files = sorted((ROOT / "queries").glob("*.rq"))
    assert len(items) == len(files) == 17
    assert [q["name"] for q in items] == [f.stem for f in files]
    by_name = {q["name"]: q for q in items}
    q = by_name["spending-per-issuer"]
    assert q["title"] == "How much project money is justified by documents of each issuer code (机关代字, e.g. 晋财综)?"
    assert q["parameters"] == "none."
    assert q["sparql"] == (ROOT / "queries" / "spending-per-issuer.rq").read_text("utf-8")
    assert q["description"].splitlines()[1] == (
        "A project is counted once per issuer code however many of that issuer's documents it cites.")
    trace = by_name["trace-policy"]
    assert trace["parameters"].startswith("?policy  the policy's IRI, e.g. <https://w3id.org/budget-kg/id/policy/")
    assert trace["parameters"].endswith("Unbound: every citation of every policy.")
    for q in items:
        assert q["title"] and q["description"] and q["parameters"], q["name"]


# ---------------------------------------------------------------- the command

def test_serve_without_a_store_is_one_line_error(tmp_path):
    missing = tmp_path / "nonexistent"
    r = subprocess.run([sys.executable, "-m", "kg.cli", "serve", "--store", str(missing), "--port", "0"],
                       capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert r.returncode == 1
    assert r.stderr.strip().count("\n") == 0
    assert r.stderr.startswith(f"error: {missing}: no store here")
    assert r.stdout == ""


# ---------------------------------------------------------------- the dataset description

def test_void_names_this_endpoint_and_counts_the_store(server, seed_store):
    from rdflib import Namespace

    void = Namespace("http://rdfs.org/ns/void#")
    status, headers, body = get(f"{server.url}/.well-known/void")
    assert status == 200 and headers["Content-Type"] == "text/turtle; charset=utf-8"
    g = Graph().parse(data=body.decode("utf-8"), format="turtle")
    dataset = URIRef(ID_IRI + "dataset")
    assert set(g.objects(dataset, void.sparqlEndpoint)) == {URIRef(server.url + "/sparql")}
    distinct = seed_store.select("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")
    assert int(g.value(dataset, void.triples)) == distinct[0]["n"]
    assert len(set(g.objects(dataset, void.subset))) == 5
    status, headers, body = get(f"{server.url}/void", accept="application/ld+json")
    assert status == 200 and headers["Content-Type"] == "application/ld+json"
    assert len(Graph().parse(data=body.decode("utf-8"), format="json-ld")) == len(g)
