"""What the link modules share: reading the store without the links graph, and writing a link node."""

from __future__ import annotations

from decimal import Decimal

from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from kg import iri
from kg.store import Store, Triple, py
from kg.vocab import BK, PROV, RDFS


def select(store: Store, sparql: str) -> list[dict[str, object]]:
    """SELECT rows (plain Python values) over every graph but the links graph itself."""
    res = store.query(sparql)
    names = [v.value for v in res.variables]
    return [{n: py(sol[n]) for n in names} for sol in res]


def score(value: float) -> Literal:
    """A similarity as an exact xsd:decimal with three places (the same float gives the same literal)."""
    return Literal(Decimal(f"{value:.3f}"))


def statement(
    kind: str, subject: str, predicate: URIRef, obj: str, similarity: float, how: str, docs: list[str],
) -> tuple[URIRef, list[Triple]]:
    """The link ``subject predicate obj`` and a node saying how it was found (RDF reification:
    rdf:subject / rdf:predicate / rdf:object, with bk:nameSimilarity, the names compared in
    rdfs:comment, and the documents it rests on as prov:wasDerivedFrom)."""
    s, o = URIRef(subject), URIRef(obj)
    node = iri.link(kind, subject, obj)
    out: list[Triple] = [
        (s, predicate, o),
        (node, RDF.type, RDF.Statement),
        (node, RDF.subject, s),
        (node, RDF.predicate, predicate),
        (node, RDF.object, o),
        (node, BK.nameSimilarity, score(similarity)),
        (node, RDFS.comment, Literal(how)),
    ]
    out += [(node, PROV.wasDerivedFrom, URIRef(d)) for d in sorted(set(docs))]
    return node, out
