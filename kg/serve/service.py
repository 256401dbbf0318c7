"""The SPARQL 1.1 Service Description of the endpoint: what ``GET /sparql`` without a query answers.

In the W3C Service Description vocabulary (``sd:``): the service (``sd:Service``) at its
``sd:endpoint``, the language it speaks (``sd:SPARQL11Query``; no update), the result formats it writes
(``sd:resultFormat``, the W3C format IRIs), the feature ``sd:UnionDefaultGraph`` (without ``FROM``,
``FROM NAMED`` or the protocol's ``default-graph-uri`` / ``named-graph-uri``, the default graph is the
union of the named graphs), simple entailment, and the default dataset (``sd:defaultDataset``) with every
named graph (``sd:namedGraph``: its ``sd:name`` and its ``void:triples``). The dataset node is the one the
VoID description at ``/void`` describes (``id:dataset``), which links back with ``dcat:endpointDescription``.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, VOID, XSD

from kg.export.describe import DATASET

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
ENTAILMENT_SIMPLE = URIRef("http://www.w3.org/ns/entailment/Simple")
RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                  "Turtle", "RDF_XML", "N-Triples", "JSON-LD")
#: rdflib's name of each RDF format the endpoint offers
RDFLIB = {"turtle": "turtle", "rdfxml": "xml", "ntriples": "nt", "jsonld": "json-ld"}

GRAPHS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


def describe_service(store, endpoint: str) -> Graph:
    """The Service Description of an endpoint at ``endpoint`` over ``store`` (a :class:`kg.reader.Reader`)."""
    g = Graph()
    g.bind("sd", SD)
    g.bind("void", VOID)
    g.bind("formats", FORMATS)
    here = URIRef(endpoint)
    service = URIRef(endpoint + "#service")
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, here))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for name in RESULT_FORMATS:
        g.add((service, SD.resultFormat, FORMATS[name]))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    g.add((service, SD.defaultEntailmentRegime, ENTAILMENT_SIMPLE))
    g.add((service, RDFS.label, Literal("budget-kg SPARQL endpoint (read-only)", lang="en")))
    g.add((service, RDFS.seeAlso, URIRef(endpoint.rsplit("/", 1)[0] + "/void")))
    g.add((service, SD.defaultDataset, DATASET))
    g.add((DATASET, RDF.type, SD.Dataset))
    default = BNode("defaultGraph")
    g.add((DATASET, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, RDFS.comment, Literal("the union of the named graphs", lang="en")))
    for row in store.select(GRAPHS):
        named, graph = BNode(), BNode()
        g.add((DATASET, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(row["g"])))
        g.add((named, SD.graph, graph))
        g.add((graph, RDF.type, SD.Graph))
        g.add((graph, VOID.triples, Literal(int(row["n"]), datatype=XSD.integer)))
    return g


def service_description(store, endpoint: str, fmt: str) -> bytes:
    """The description in ``fmt`` (turtle, rdfxml, ntriples, jsonld) as bytes."""
    return describe_service(store, endpoint).serialize(format=RDFLIB[fmt], encoding="utf-8")
