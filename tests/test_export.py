"""kg export on the seeds: five RDF formats read back into the same graphs, one document with what
describes it, compact JSON-LD read offline, the VoID + DCAT description and its counts, the errors."""

from __future__ import annotations

import io
import json
import re
import socket
import urllib.request

import pytest
from click.testing import CliRunner
from conftest import SEED_FILES
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID, XSD

from kg import iri
from kg.store import contribution_source
from kg.cli import main
from kg.export import ExportError
from kg.export.context import CONTEXT_IRI, build_context, context_path, context_text, load_context
from kg.export.describe import DATASET, ONTOLOGY, class_entities, describe_dataset, write_description
from kg.export.formats import FORMATS, document_graphs, export, resolve_document, write_jsonld
from kg.vocab import BK, PREFIXES

# rdflib's own readers and writers of datasets still use what rdflib 7 deprecates
pytestmark = pytest.mark.filterwarnings(r"ignore:.*(ConjunctiveGraph|default_context|Dataset\.contexts).*:DeprecationWarning")

RDFLIB = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld"}
DOC0 = SEED_FILES["000"]
DOC1 = SEED_FILES["001"]
PROJECT = URIRef(f"{iri.document(DOC0)}/project/1")  # Z物业管理费: 391,300 元 in the project table
FUNDING = URIRef(f"{iri.document(DOC1)}/project/1/funding/a-市县(区)财政资金")  # 24,016.72 元
MONEY = [(PROJECT, "391300"), (FUNDING, "24016.72")]


def dump(store, fmt: str, doc: str | None = None) -> tuple[bytes, int]:
    buf = io.BytesIO()
    n = export(store, buf, fmt, doc).statements
    return buf.getvalue(), n


def parse(data: bytes, fmt: str) -> Graph | Dataset:
    if FORMATS[fmt].union:
        return Graph().parse(data=data.decode("utf-8"), format=RDFLIB[fmt])
    ds = Dataset()
    ds.parse(data=data.decode("utf-8"), format=RDFLIB[fmt])
    return ds


def same_graph(a: Graph, b: Graph) -> bool:
    """rdflib's isomorphism, quicker: triples without blank nodes compared as sets, the rest (the
    ontology's owl:unionOf lists) by ``isomorphic``."""
    def split(g):
        ground, rest = set(), Graph()
        for t in g:
            (rest.add(t) if any(isinstance(x, BNode) for x in t) else ground.add(t))
        return ground, rest

    (ga, ra), (gb, rb) = split(a), split(b)
    return ga == gb and isomorphic(ra, rb)


@pytest.fixture(scope="module")
def graph_names(seed_store) -> list[str]:
    return sorted(g.value for g in seed_store.graphs())


@pytest.fixture(scope="module")
def reference(seed_store, graph_names) -> dict[str, Graph]:
    """Each graph queries see, read from the store by SPARQL one graph at a time, and ``"union"``:
    all of them in one graph (read in one go, so a blank node shared by two graphs stays one)."""
    texts = {}
    for name in graph_names:
        buf = io.BytesIO()
        seed_store.dump(buf, "nt", {name: name}, union=True)
        texts[name] = buf.getvalue().decode("utf-8")
    graphs = {name: Graph().parse(data=text, format="nt") for name, text in texts.items()}
    graphs["union"] = Graph().parse(data="".join(texts.values()), format="nt")
    return graphs


@pytest.fixture(scope="module")
def dumps(seed_store) -> dict[str, tuple[bytes, int]]:
    """The whole store in the fast formats; JSON-LD (compacted by rdflib) for one document."""
    out = {fmt: dump(seed_store, fmt) for fmt in ("ttl", "nt", "nq", "trig")}
    out["jsonld"] = dump(seed_store, "jsonld", DOC0)
    return out


@pytest.fixture(scope="module")
def parsed(dumps) -> dict[str, Graph | Dataset]:
    """Each dump read back by rdflib."""
    return {fmt: parse(data, fmt) for fmt, (data, _) in dumps.items()}


# ---------------------------------------------------------------- formats


@pytest.mark.parametrize("fmt", ["ttl", "nt"])
def test_triple_formats_are_the_union_of_the_graphs_each_triple_once(fmt, dumps, parsed, reference, seed_store):
    n, g = dumps[fmt][1], parsed[fmt]
    distinct = seed_store.select("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")[0]["n"]
    assert n == len(g) == len(reference["union"]) == distinct
    assert n < sum(seed_store.count(URIRef(name)) for name in reference if name != "union")  # some stated twice
    assert same_graph(g, reference["union"])


@pytest.mark.parametrize("fmt", ["nq", "trig"])
def test_quad_formats_keep_every_named_graph_queries_see(fmt, dumps, parsed, reference, graph_names, seed_store):
    n, ds = dumps[fmt][1], parsed[fmt]
    names = sorted(str(g.identifier) for g in ds.graphs() if len(g))
    assert names == graph_names
    assert not any(name.startswith(iri.CONTRIB_PREFIX) for name in names)
    assert {str(iri.ENTITIES), str(iri.ONTOLOGY), str(iri.CODELISTS), str(iri.LINKS)} <= set(names)
    assert n == sum(seed_store.count(URIRef(name)) for name in names)
    for name in names:
        assert same_graph(ds.graph(URIRef(name)), reference[name]), name


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_money_keeps_its_exact_lexical_form_in_every_format(fmt, dumps, parsed):
    data, g = dumps[fmt][0], parsed[fmt]
    for node, lexical in MONEY:
        if fmt == "jsonld" and node == FUNDING:  # the JSON-LD dump is of seed 000 only
            continue
        values = [o for _s, _p, o, *_ in g.triples((node, BK.amount, None))] if FORMATS[fmt].union else \
            [o for _s, _p, o, _g in g.quads((node, BK.amount, None, None))]
        assert values and {str(v) for v in values} == {lexical}, (fmt, node, values)
        assert all(v.datatype == XSD.decimal for v in values)
    text = data.decode("utf-8")
    if fmt == "jsonld":
        assert '"amount": "391300"' in text
    else:
        assert '"24016.72"^^' in text or "24016.72 " in text
        assert '"391300"^^' in text


@pytest.mark.parametrize("fmt", ["ttl", "trig"])
def test_turtle_and_trig_declare_the_project_prefixes(fmt, dumps):
    head = dumps[fmt][0][:3000].decode("utf-8", errors="ignore")
    for prefix, ns in PREFIXES.items():
        assert f"@prefix {prefix}: <{ns}> ." in head, prefix


# ---------------------------------------------------------------- one document


def test_one_document_comes_with_its_findings_and_the_entities_it_describes(seed_store):
    doc = str(iri.document(DOC0))
    graphs = document_graphs(seed_store, doc)
    assert graphs[doc] == doc
    assert graphs[str(iri.findings_graph(DOC0))] == str(iri.findings_graph(DOC0))
    assert graphs[contribution_source(DOC0)] == str(iri.ENTITIES)  # written where queries see it
    expected = sum(seed_store.count(URIRef(g)) for g in graphs)
    assert expected == seed_store.count(URIRef(doc)) + seed_store.count(iri.findings_graph(DOC0)) \
        + seed_store.count(iri.audit_graph(DOC0)) + len(seed_store.ledger.contribution(DOC0))

    data, n = dump(seed_store, "nq", DOC0)
    ds = parse(data, "nq")
    assert n == expected == len(ds)
    assert sorted(str(g.identifier) for g in ds.graphs() if len(g)) == sorted(set(graphs.values()))
    assert (PROJECT, BK.amount, Literal("391300", datatype=XSD.decimal), URIRef(doc)) in ds
    assert (PROJECT, RDF.type, BK.Project, URIRef(doc)) in ds
    # the unit that implements the project is described too, as in the entities graph
    unit = ds.value(PROJECT, BK.implementedBy)
    assert (unit, RDF.type, BK.BudgetUnit, iri.ENTITIES) in ds

    data, n = dump(seed_store, "ttl", DOC0)
    g = parse(data, "ttl")
    assert n == len(g) == len({(s, p, o) for s, p, o, _ in ds.quads()})
    assert g.value(PROJECT, BK.amount) == Literal("391300", datatype=XSD.decimal)


@pytest.mark.parametrize("given", [DOC0, str(iri.document(DOC0)), "000", "000_4af2", f"../shared/seeds/{DOC0}"])
def test_a_document_is_named_by_file_iri_or_unique_prefix(given, seed_store):
    assert resolve_document(seed_store, given) == str(iri.document(DOC0))


def test_an_ambiguous_or_unknown_document_is_refused(seed_store):
    with pytest.raises(ExportError, match=r"matches 5 documents .*give more of the file name"):
        resolve_document(seed_store, "00")
    with pytest.raises(ExportError, match=r"no such document among the 5 in the store; list them with: kg query"):
        resolve_document(seed_store, "999_nothing.txt")


# ---------------------------------------------------------------- JSON-LD


def test_jsonld_is_compact_with_the_published_context_embedded(dumps):
    doc = json.loads(dumps["jsonld"][0])
    assert doc["@context"] == load_context()["@context"]
    nodes = {n["@id"]: n for n in doc["@graph"]}
    project = nodes[str(PROJECT)]
    assert project["@type"] == "Project"
    assert project["amount"] == "391300" and project["label"] == "Z物业管理费"
    assert project["fiscalYear"] == "2025" and isinstance(project["sourceLine"], str)
    assert project["implementedBy"].startswith(iri.ID_IRI + "unit/")
    assert any("justifiedBy" in n for n in nodes.values())
    keys = {k for n in doc["@graph"] for k in n}
    assert not any(k.startswith(("http:", "https:", "bk:")) for k in keys), sorted(keys)


@pytest.fixture
def offline(monkeypatch):
    """No network: a socket that connects, or a URL opened, fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args[:2]}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", refuse)


def test_jsonld_reads_back_offline_into_the_same_graph(dumps, seed_store, offline):
    g = parse(dumps["jsonld"][0], "jsonld")
    ttl, n = dump(seed_store, "ttl", DOC0)
    assert len(g) == n == dumps["jsonld"][1]
    assert same_graph(g, parse(ttl, "ttl"))
    # the guard works: a document that only names the published context would be fetched
    with pytest.raises(Exception):
        Graph().parse(data=json.dumps({"@context": CONTEXT_IRI, "@id": "https://example.org/x", "label": "x"}),
                      format="json-ld")


def test_jsonld_keeps_the_ontology_lists(seed_store, reference):
    """The ontology's blank nodes and owl:unionOf lists (the rest of the store is as in the document)."""
    buf = io.BytesIO()
    name = str(iri.ONTOLOGY)
    n = write_jsonld(seed_store, buf, {name: name})
    g = parse(buf.getvalue(), "jsonld")
    assert n == len(g) == len(reference[name])
    assert isomorphic(g, reference[name])


def test_the_published_context_is_the_one_the_ontology_implies():
    assert context_path().read_text("utf-8") == context_text(build_context())
    ctx = load_context()["@context"]
    for prefix in ("bk", "id", "org", "prov", "skos", "dcterms", "rdfs", "xsd", "qb"):
        assert ctx[prefix] == PREFIXES[prefix]
    defined = {v if isinstance(v, str) else v["@id"] for v in ctx.values()}
    missing = [t for t in BK.__annotations__ if f"bk:{t}" not in defined]
    assert not missing
    assert ctx["amount"] == {"@id": "bk:amount", "@type": "xsd:decimal"}
    for term in ("fiscalYear", "sourceLine", "sourcePage"):
        assert ctx[term] == {"@id": f"bk:{term}", "@type": "xsd:integer"}
    for term in ("justifiedBy", "mentions", "implementedBy", "publishedBy", "hasIndicator", "fundedBy",
                 "fundingSource", "issuedBy", "cites", "level1", "level2", "classification", "concerns"):
        assert ctx[term] == {"@id": f"bk:{term}", "@type": "@id"}, term
    assert ctx["wasDerivedFrom"] == {"@id": "prov:wasDerivedFrom", "@type": "@id"}
    assert ctx["docNumber"] == "bk:docNumber" and ctx["Project"] == "bk:Project"


# ---------------------------------------------------------------- VoID + DCAT


@pytest.fixture(scope="module")
def void(seed_store) -> Graph:
    return describe_dataset(seed_store)


def test_void_counts_the_distinct_triples_and_entities(void, reference):
    union = reference["union"]
    assert void.value(DATASET, VOID.triples) == Literal(len(union), datatype=XSD.integer)
    subjects = set(union.subjects())
    assert int(void.value(DATASET, VOID.distinctSubjects)) == len(subjects)
    assert int(void.value(DATASET, VOID.entities)) == len(
        {s for s in subjects if isinstance(s, URIRef) and str(s).startswith(iri.ID_IRI)})
    assert class_entities(void, BK.Project) == 80
    assert class_entities(void, BK.PolicyDocument) == len(set(union.subjects(RDF.type, BK.PolicyDocument)))
    assert class_entities(void, BK.BudgetDocument) == 5
    # the property partitions add up to the whole
    parts = list(void.objects(DATASET, VOID.propertyPartition))
    assert sum(int(void.value(p, VOID.triples)) for p in parts) == len(union)
    amount = next(p for p in parts if void.value(p, VOID.property) == BK.amount)
    assert int(void.value(amount, VOID.triples)) == len(list(union.triples((None, BK.amount, None))))


def test_void_has_one_subset_per_document(void, seed_store):
    subsets = list(void.objects(DATASET, VOID.subset))
    assert sorted(str(void.value(s, DCTERMS.identifier)) for s in subsets) == sorted(SEED_FILES.values())
    for s in subsets:
        doc = void.value(s, DCTERMS.source)
        assert int(void.value(s, VOID.triples)) == seed_store.count(doc)
        assert void.value(s, DCTERMS.publisher) is not None
        period = void.value(s, DCTERMS.temporal)
        assert re.fullmatch(r"20\d\d-01-01", str(void.value(period, DCAT.startDate)))
    first = next(s for s in subsets if str(void.value(s, DCTERMS.identifier)) == DOC0)
    assert str(void.value(first, DCTERMS.title)) == "大同市人民政府信息化中心 2025 单位预算"


def test_void_shape(void):
    d = DATASET
    assert {VOID.Dataset, DCAT.Dataset} <= set(void.objects(d, RDF.type))
    for prop in (DCTERMS.title, DCTERMS.description):
        assert {v.language for v in void.objects(d, prop)} == {"zh", "en"}
    for prop in (DCTERMS.created, DCTERMS.modified):
        assert void.value(d, prop).datatype == XSD.dateTime
    assert str(void.value(d, VOID.uriSpace)) == "https://w3id.org/budget-kg/id/"
    assert ONTOLOGY in set(void.objects(d, VOID.vocabulary))
    for part in void.objects(d, VOID.classPartition):
        assert void.value(part, VOID["class"]) is not None and void.value(part, VOID.entities) is not None
    for part in void.objects(d, VOID.propertyPartition):
        assert void.value(part, VOID.property) is not None and void.value(part, VOID.triples) is not None
    dists = list(void.objects(d, DCAT.distribution))
    assert len(dists) == len(FORMATS)
    assert all(void.value(x, DCAT.mediaType) for x in dists)
    # no endpoint and no license unless given; the lack of a license is said
    assert void.value(d, VOID.sparqlEndpoint) is None and void.value(d, DCTERMS.license) is None
    assert {v.language for v in void.objects(d, DCTERMS.rights)} == {"zh", "en"}


def test_void_names_the_endpoint_and_license_when_given(seed_store):
    g = describe_dataset(seed_store, endpoint="http://localhost:8000/sparql",
                         license="https://creativecommons.org/licenses/by/4.0/")
    assert g.value(DATASET, VOID.sparqlEndpoint) == URIRef("http://localhost:8000/sparql")
    assert g.value(DATASET, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert g.value(DATASET, DCTERMS.rights) is None
    services = list(g.subjects(RDF.type, DCAT.DataService))
    assert len(services) == 1 and g.value(services[0], DCAT.endpointURL) == URIRef("http://localhost:8000/sparql")
    with pytest.raises(ExportError, match="not an absolute IRI"):
        describe_dataset(seed_store, license="CC BY 4.0")


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_void_reads_back_in_every_format(fmt, void):
    buf = io.BytesIO()
    n = write_description(void, buf, fmt)
    back = parse(buf.getvalue(), fmt)
    assert n == len(void) == len(back)
    if FORMATS[fmt].union:
        assert isomorphic(back, void)


# ---------------------------------------------------------------- the command


def run(*args):
    return CliRunner().invoke(main, ["export", *map(str, args)])


def one_error(r, code: int = 1) -> str:
    assert r.exit_code == code, (r.exit_code, r.output)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 or code == 2, lines
    return r.stderr


def test_cli_writes_a_file_and_a_summary(seed_store, dumps, tmp_path):
    out = tmp_path / "kg.nq"
    r = run("--store", seed_store.path, "--format", "nq", "-o", out)
    assert r.exit_code == 0, r.output
    assert r.stdout == ""
    data, n = dumps["nq"]
    assert out.read_bytes() == data
    assert r.stderr == f"exported {n:,} quads from {len(seed_store.graphs())} graphs as nq ({len(data):,} bytes) → {out}\n"
    assert [p.name for p in tmp_path.iterdir()] == ["kg.nq"]  # no temporary file left


def test_cli_writes_one_document_to_stdout(seed_store):
    r = run("--store", seed_store.path, "--graph", "000", "--format", "nt")
    assert r.exit_code == 0, r.output
    g = Graph().parse(data=r.stdout_bytes.decode("utf-8"), format="nt")
    assert g.value(PROJECT, BK.amount) == Literal("391300", datatype=XSD.decimal)
    assert re.fullmatch(rf"exported {len(g):,} triples from {DOC0} \(\d graphs\) as nt \({len(r.stdout_bytes):,} bytes\)\n",
                        r.stderr)


def test_cli_void(seed_store):
    r = run("--store", seed_store.path, "--void")
    assert r.exit_code == 0, r.output
    g = Graph().parse(data=r.stdout, format="turtle")
    assert g.value(DATASET, VOID.sparqlEndpoint) is None
    assert re.fullmatch(r"described the dataset in [\d,]+ triples as ttl \([\d,]+ bytes\)\n", r.stderr)
    r = run("--store", seed_store.path, "--void", "--format", "jsonld", "--endpoint", "http://example.org/sparql",
            "--license", "https://creativecommons.org/licenses/by/4.0/")
    g = Graph().parse(data=r.stdout, format="json-ld")
    assert g.value(DATASET, VOID.sparqlEndpoint) == URIRef("http://example.org/sparql")


def test_cli_missing_store(tmp_path):
    err = one_error(run("--store", tmp_path / "none"))
    assert err.startswith("error: ") and "no store here" in err


def test_cli_unknown_document(seed_store, tmp_path):
    out = tmp_path / "keep.ttl"
    out.write_text("old")
    err = one_error(run("--store", seed_store.path, "--graph", "nothing.txt", "-o", out))
    assert "no such document" in err and "kg query" in err
    assert out.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["keep.ttl"]


@pytest.mark.parametrize("where", ["missing-dir/x.ttl", "."])
def test_cli_unwritable_output(where, seed_store, tmp_path):
    err = one_error(run("--store", seed_store.path, "--graph", "000", "-o", tmp_path / where))
    assert err.startswith("error: ") and "cannot write here" in err
    assert [p.name for p in tmp_path.iterdir()] == []


def test_cli_unknown_format_and_misused_options(seed_store):
    assert "'xml' is not one of" in one_error(run("--store", seed_store.path, "--format", "xml"), code=2)
    assert "--void describes the whole store" in one_error(run("--store", seed_store.path, "--void", "--graph", "000"), 2)
    assert "go with --void" in one_error(run("--store", seed_store.path, "--license", "https://x.org/l"), code=2)
    err = one_error(run("--store", seed_store.path, "--void", "--license", "CC BY"))
    assert "not an absolute IRI" in err
