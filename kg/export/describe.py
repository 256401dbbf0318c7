"""A VoID + DCAT description of the dataset (``kg export --void``; the server's description).

The dataset ``id:dataset`` is every graph queries see. Its counts come from SPARQL over the union
default graph, where a triple stated in several graphs (the same unit in two documents' findings,
say) would be repeated, so triples are counted DISTINCT:

- ``void:triples`` (distinct triples), ``void:distinctSubjects``, ``void:distinctObjects``,
  ``void:properties``, ``void:classes``;
- ``void:entities``: IRIs under ``void:uriSpace`` (``https://w3id.org/budget-kg/id/``) that are the
  subject of a triple — the VoID meaning; ontology terms and blank nodes are not entities;
- ``void:classPartition`` per class: ``void:entities`` (instances under the URI space) and
  ``void:distinctSubjects`` (all instances, blank nodes and ontology terms included);
- ``void:propertyPartition`` per property: ``void:triples``, distinct subjects and objects;
- ``void:subset`` per source document: its named graph's triples and entities, the file
  (``dcterms:identifier``), the document (``dcterms:source``), the publishing unit
  (``dcterms:publisher``) and the fiscal year (``dcterms:temporal``, 1 January – 31 December);
- ``dcat:distribution`` per dump format of ``kg export``, and, given an endpoint, the SPARQL
  endpoint (``void:sparqlEndpoint``, and a ``dcat:DataService``).

License: none is claimed unless one is given (``license=``, ``kg export --void --license IRI``);
without one the description says so in ``dcterms:rights``, since the data are extracted from
documents the budget units published.

Partitions, subsets and distributions have IRIs under ``id:dataset/``, so the same store gives the
same description (but for the times).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID, XSD

from kg import iri
from kg.export import ExportError
from kg.export.context import CONTEXT_IRI
from kg.export.formats import FORMATS, file_name
from kg.vocab import ID_IRI, PREFIXES, curie

DATASET = URIRef(ID_IRI + "dataset")
URI_SPACE = ID_IRI
ONTOLOGY = URIRef("https://w3id.org/budget-kg/ontology")
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
CHINESE = URIRef("http://id.loc.gov/vocabulary/iso639-1/zh")
# W3C format IRIs for void:feature
W3C_FORMATS = {"ttl": "Turtle", "nt": "N-Triples", "nq": "N-Quads", "trig": "TriG", "jsonld": "JSON-LD"}

NO_LICENSE = {
    "zh": "未声明许可。数据取自各预算单位公开发布的预算公开文件；再利用前请核对原文件的使用条件。",
    "en": "No license is stated. The data are extracted from budget disclosures published by the units "
          "named in them; check the terms of the source documents before reuse.",
}

_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")

Q_TOTALS = """SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects)
  (COUNT(DISTINCT ?p) AS ?properties)
WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"""

Q_ENTITIES = """SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "$space")) }"""

Q_CLASSES = """SELECT ?class (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?e) AS ?entities) WHERE {
  ?s a ?class FILTER(isIRI(?class))
  BIND(IF(isIRI(?s) && STRSTARTS(STR(?s), "$space"), ?s, ?none) AS ?e)
} GROUP BY ?class ORDER BY ?class"""

Q_PROPERTIES = """SELECT ?p (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects)
WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } } GROUP BY ?p ORDER BY ?p"""

Q_DOCUMENT_GRAPHS = """SELECT ?doc (COUNT(*) AS ?triples) (COUNT(DISTINCT ?e) AS ?entities) WHERE {
  GRAPH ?doc { ?s ?p ?o } FILTER(STRSTARTS(STR(?doc), "$docs"))
  BIND(IF(isIRI(?s) && STRSTARTS(STR(?s), "$space"), ?s, ?none) AS ?e)
} GROUP BY ?doc ORDER BY ?doc"""

Q_DOCUMENTS = """SELECT ?doc (MIN(?f) AS ?file) (MIN(?y) AS ?year) (MIN(?k) AS ?kind) (MIN(STR(?u)) AS ?unit)
  (MIN(?l) AS ?unitLabel)
WHERE {
  ?doc a bk:BudgetDocument .
  OPTIONAL { ?doc bk:sourceFile ?f } OPTIONAL { ?doc bk:fiscalYear ?y } OPTIONAL { ?doc bk:documentKind ?k }
  OPTIONAL { ?doc bk:publishedBy ?u OPTIONAL { ?u rdfs:label ?l FILTER(LANG(?l) = "") } }
} GROUP BY ?doc"""


def _q(sparql: str) -> str:
    """A query with the URI space and the document prefix filled in (constants without quotes)."""
    return sparql.replace("$space", URI_SPACE).replace("$docs", iri.DOC_PREFIX)


def _check_iri(value: str | None, what: str) -> URIRef | None:
    if value is None:
        return None
    if not _IRI.match(value):
        raise ExportError(f"{what} {value!r} is not an absolute IRI (e.g. https://creativecommons.org/licenses/by/4.0/)")
    return URIRef(value)


def _curie(term: str) -> str:
    """``bk:Project`` for a term of a project namespace, else the IRI itself, as one IRI segment."""
    return iri.slug(curie(term))


def _node(*parts: str) -> URIRef:
    return URIRef(str(DATASET) + "".join("/" + p for p in parts))


def _int(n: object) -> Literal:
    return Literal(int(n or 0), datatype=XSD.integer)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def describe_dataset(store, endpoint: str | None = None, license: str | None = None) -> Graph:
    """The VoID + DCAT description of everything ``store`` lets queries see (see the module doc).
    ``endpoint``: the SPARQL endpoint's URL; ``license``: the IRI of the data's license."""
    endpoint_iri = _check_iri(endpoint, "endpoint")
    license_iri = _check_iri(license, "license")
    g = Graph()
    for prefix, ns in [*PREFIXES.items(), ("void", str(VOID)), ("dcat", str(DCAT))]:
        g.bind(prefix, ns, override=True)
    d = DATASET

    totals = store.select(Q_TOTALS)[0]
    classes = store.select(_q(Q_CLASSES))
    properties = store.select(Q_PROPERTIES)
    graphs = {r["doc"]: r for r in store.select(_q(Q_DOCUMENT_GRAPHS))}
    documents = {r["doc"]: r for r in store.select(Q_DOCUMENTS)}
    times = store.file_times() or (_now(), _now())

    g.add((d, RDF.type, VOID.Dataset))
    g.add((d, RDF.type, DCAT.Dataset))
    g.add((d, DCTERMS.title, Literal("预算公开知识图谱", lang="zh")))
    g.add((d, DCTERMS.title, Literal("budget-kg: Chinese budget disclosures as a knowledge graph", lang="en")))
    g.add((d, DCTERMS.description, Literal(
        f"{len(graphs)} 份预算公开文件（单位预算、部门预算、决算）中的预算单位、项目及其资金、绩效指标和作为立项依据的政策文件，"
        "每个事实都可追溯到源文件的页码或行号；每份文件一个命名图。", lang="zh")))
    g.add((d, DCTERMS.description, Literal(
        f"Budget units, projects and their funding, performance indicators and the policy documents cited as "
        f"their legal basis, from {len(graphs)} Chinese budget disclosures (unit and department budgets and final "
        "accounts); every fact leads back to the page or line of its source. One named graph per document.",
        lang="en")))
    g.add((d, DCTERMS.created, Literal(times[0].isoformat(), datatype=XSD.dateTime)))
    g.add((d, DCTERMS.modified, Literal(times[1].isoformat(), datatype=XSD.dateTime)))
    if license_iri is not None:
        g.add((d, DCTERMS.license, license_iri))
    else:
        for lang, text in NO_LICENSE.items():
            g.add((d, DCTERMS.rights, Literal(text, lang=lang)))
    g.add((d, DCTERMS.language, CHINESE))
    for word, lang in [("预算公开", "zh"), ("项目支出", "zh"), ("政策依据", "zh"), ("绩效目标", "zh"),
                       ("budget disclosure", "en"), ("public finance", "en"), ("China", "en")]:
        g.add((d, DCAT.keyword, Literal(word, lang=lang)))
    g.add((d, VOID.uriSpace, Literal(URI_SPACE)))
    for term in sorted(_vocabularies(r["p"] for r in properties) | _vocabularies(r["class"] for r in classes)):
        g.add((d, VOID.vocabulary, URIRef(term)))
    for name in FORMATS:
        g.add((d, VOID.feature, URIRef(f"http://www.w3.org/ns/formats/{W3C_FORMATS[name]}")))
    if endpoint_iri is not None:
        g.add((d, VOID.sparqlEndpoint, endpoint_iri))

    g.add((d, VOID.triples, _int(totals["triples"])))
    g.add((d, VOID.entities, _int(store.select(_q(Q_ENTITIES))[0]["n"])))
    g.add((d, VOID.distinctSubjects, _int(totals["subjects"])))
    g.add((d, VOID.distinctObjects, _int(totals["objects"])))
    g.add((d, VOID.properties, _int(totals["properties"])))
    g.add((d, VOID.classes, _int(len(classes))))

    for r in classes:
        part = _node("class", _curie(r["class"]))
        g.add((d, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(r["class"])))
        g.add((part, VOID.entities, _int(r["entities"])))
        g.add((part, VOID.distinctSubjects, _int(r["subjects"])))
    for r in properties:
        part = _node("property", _curie(r["p"]))
        g.add((d, VOID.propertyPartition, part))
        g.add((part, VOID.property, URIRef(r["p"])))
        g.add((part, VOID.triples, _int(r["triples"])))
        g.add((part, VOID.distinctSubjects, _int(r["subjects"])))
        g.add((part, VOID.distinctObjects, _int(r["objects"])))

    for doc, r in graphs.items():
        _subset(g, doc, r, documents.get(doc, {}))
    _distributions(g, endpoint_iri)
    return g


def _vocabularies(terms) -> set[str]:
    """The vocabularies (namespace IRIs without a trailing '#') the terms come from; bk: is the ontology."""
    out = set()
    for term in terms:
        for prefix, ns in PREFIXES.items():
            if prefix != "id" and term.startswith(ns):
                out.add(str(ONTOLOGY) if prefix == "bk" else ns.rstrip("#"))
    return out


def _subset(g: Graph, doc: str, counts: dict, meta: dict) -> None:
    """One source document's named graph as a void:subset."""
    file = meta.get("file") or file_name(doc)
    s = _node("doc", doc[len(iri.DOC_PREFIX):])
    g.add((DATASET, VOID.subset, s))
    g.add((s, RDF.type, VOID.Dataset))
    g.add((s, DCTERMS.identifier, Literal(file)))
    g.add((s, DCTERMS.source, URIRef(doc)))
    title = " ".join(str(x) for x in (meta.get("unitLabel"), meta.get("year"), meta.get("kind")) if x)
    g.add((s, DCTERMS.title, Literal(title or file, lang="zh")))
    g.add((s, VOID.triples, _int(counts["triples"])))
    g.add((s, VOID.entities, _int(counts["entities"])))
    if meta.get("unit"):
        g.add((s, DCTERMS.publisher, URIRef(meta["unit"])))
    if meta.get("year"):
        year = int(meta["year"])
        period = URIRef(str(s) + "/period")
        g.add((s, DCTERMS.temporal, period))
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        g.add((period, DCAT.startDate, Literal(f"{year:04d}-01-01", datatype=XSD.date)))
        g.add((period, DCAT.endDate, Literal(f"{year:04d}-12-31", datatype=XSD.date)))


def _distributions(g: Graph, endpoint: URIRef | None) -> None:
    """A dcat:Distribution per dump format (made by ``kg export --format NAME``), and the endpoint."""
    for f in FORMATS.values():
        dist = _node("distribution", f.name)
        g.add((DATASET, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(f.label, lang="en")))
        g.add((dist, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{f.media_type}")))
        shape = ("the union of the graphs, each triple once" if f.union else "the named graphs kept")
        g.add((dist, DCTERMS.description, Literal(f"kg export --format {f.name}: {shape}", lang="en")))
        if f.name == "jsonld":
            g.add((dist, DCTERMS.conformsTo, URIRef(CONTEXT_IRI)))
    if endpoint is None:
        return
    service, dist = _node("service", "sparql"), _node("distribution", "sparql")
    g.add((DATASET, DCAT.distribution, dist))
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCTERMS.title, Literal("SPARQL endpoint", lang="en")))
    g.add((dist, DCAT.accessURL, endpoint))
    g.add((dist, DCAT.accessService, service))
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCAT.endpointURL, endpoint))
    g.add((service, DCAT.endpointDescription, endpoint))  # GET without a query: its SPARQL Service Description
    g.add((service, DCTERMS.conformsTo, SPARQL_PROTOCOL))
    g.add((service, DCAT.servesDataset, DATASET))


RDFLIB_FORMATS = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld", "rdfxml": "xml"}


def write_description(g: Graph, output, fmt: str = "ttl") -> int:
    """Serialise a description to ``output`` (binary); N-Quads and TriG put it in the default graph.
    Returns the number of triples."""
    if fmt in ("nq", "trig"):
        ds = Dataset()
        for prefix, ns in g.namespaces():
            ds.bind(prefix, ns, override=True)
        for t in g:
            ds.add(t)
        ds.serialize(destination=output, format=RDFLIB_FORMATS[fmt])
    elif fmt == "jsonld":
        g.serialize(destination=output, format="json-ld", auto_compact=True)
    else:
        g.serialize(destination=output, format=RDFLIB_FORMATS[fmt], encoding="utf-8")
    return len(g)


def class_entities(g: Graph, cls: URIRef) -> int | None:
    """``void:entities`` of a class partition in a description (for tests and the server).

    >>> class_entities(Graph(), URIRef("https://w3id.org/budget-kg/ontology#Project")) is None
    True
    """
    for part in g.objects(DATASET, VOID.classPartition):
        if (part, VOID["class"], cls) in g:
            return int(g.value(part, VOID.entities))
    return None
