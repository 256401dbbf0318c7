"""What the link modules share: reading the store by indexed patterns, writing a link node, and
reading back the link nodes a run replaces.

Every query names its graph: unit names come from ``GRAPH id:graph/entities``, projects and
citations from ``GRAPH ?doc`` with the documents bound by an inlined ``VALUES``, links and blocking
records from ``GRAPH id:graph/links``; so no query reads the links graph by accident, whether the
store's default graph is the union of its graphs or not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal

from rdflib import Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from kg import iri
from kg.store import Store, Triple, nt, py
from kg.vocab import BK, ID_IRI, PROV, RDFS

ENTITIES = f"<{iri.ENTITIES}>"
LINKS = f"<{iri.LINKS}>"
LAWS = f"<{iri.LAWS}>"
ONTOLOGY = f"<{iri.ONTOLOGY}>"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def select(store: Store, sparql: str) -> list[dict[str, object]]:
    """SELECT rows as plain Python values (IRIs as str)."""
    res = store.query(sparql)
    names = [v.value for v in res.variables]
    return [{n: py(sol[n]) for n in names} for sol in res]


def values(var: str, items: Iterable[str | Node]) -> str:
    """An inlined ``VALUES ?var { … }`` of IRIs (str or URIRef) or literals (rdflib Literal)."""
    terms = sorted({nt(x) if isinstance(x, Literal) else f"<{x}>" for x in items})
    return f"VALUES ?{var} {{ {' '.join(terms)} }}"


def pairs_of(a: str, b: str, rows: Iterable[tuple[str, str]]) -> str:
    """An inlined ``VALUES (?a ?b) { … }`` of IRI pairs."""
    terms = sorted({f"(<{x}> <{y}>)" for x, y in rows})
    return f"VALUES (?{a} ?{b}) {{ {' '.join(terms)} }}"


def every_pair(a: str, xs: Iterable[str], b: str, ys: Iterable[str]) -> str:
    """An inlined ``VALUES (?a ?b) { … }`` of every x with every y: a few nodes asked for a few
    properties (or classes). With a VALUES of each, Oxigraph joined the smaller first and read every
    triple of the graph having one of its values (5 s for 200 title variants' properties at 10,000
    documents); each pair is one lookup (55 ms)."""
    ys = list(ys)
    return pairs_of(a, b, [(x, y) for x in xs for y in ys])


def kind_of(node: str) -> str:
    """The kind of a links-graph node by its IRI (``id:link/<kind>/…``): same-unit, predecessor, …"""
    return node[len(ID_IRI + "link/"):].split("/", 1)[0] if node.startswith(ID_IRI + "link/") else ""


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


def rests(node: str | URIRef, docs: Iterable[str]) -> list[Triple]:
    """``node prov:wasDerivedFrom doc`` for each document."""
    return [(URIRef(node), PROV.wasDerivedFrom, URIRef(d)) for d in sorted(set(docs))]


def resting_on(store: Store, docs: Iterable[str]) -> dict[str, tuple[str | None, set[str]]]:
    """The links-graph nodes that rest on these documents (prov:wasDerivedFrom, one index lookup per
    document): node → (the node a blocking record records, None for a link node; which of ``docs``)."""
    docs = set(docs)
    if not docs:
        return {}
    rows = select(store, f"""
SELECT ?n ?x ?d WHERE {{ {values("d", docs)}
  GRAPH {LINKS} {{ ?n prov:wasDerivedFrom ?d }} OPTIONAL {{ GRAPH {LINKS} {{ ?n bk:recordOf ?x }} }}
}}""")
    out: dict[str, tuple[str | None, set[str]]] = {}
    for r in rows:
        out.setdefault(r["n"], (r["x"], set()))[1].add(r["d"])
    return out


def _term(is_iri: bool, lexical: str, datatype: str | None, lang: str | None) -> Node:
    if is_iri:
        return URIRef(lexical)
    if lang:
        return Literal(lexical, lang=lang)
    if datatype in (None, XSD_STRING):
        return Literal(lexical)
    return Literal(lexical, datatype=URIRef(datatype))


def node_triples(store: Store, nodes: Iterable[str], predicates: Iterable[URIRef] | None = None) -> dict[str, list[Triple]]:
    """The triples of these link nodes in the links graph (or those of ``predicates``), each node's
    with the link it states (``s p o`` of an rdf:Statement, ``v bk:probableVariantOf o`` of a
    bk:TitleVariant)."""
    nodes = set(nodes)
    if not nodes:
        return {}
    bound = every_pair("n", nodes, "p", predicates) if predicates is not None else values("n", nodes)
    rows = select(store, f"""
SELECT ?n ?p (isIRI(?o) AS ?iri) (STR(?o) AS ?lex) (DATATYPE(?o) AS ?dt) (LANG(?o) AS ?lang) WHERE {{
  {bound} GRAPH {LINKS} {{ ?n ?p ?o }}
}}""")
    out: dict[str, list[Triple]] = {}
    parts: dict[str, dict[str, Node]] = {}
    for r in rows:
        n, p, o = URIRef(r["n"]), URIRef(r["p"]), _term(r["iri"], r["lex"], r["dt"], r["lang"])
        out.setdefault(r["n"], []).append((n, p, o))
        parts.setdefault(r["n"], {})[str(p)] = o
    for n, got in parts.items():
        if str(RDF.subject) in got and str(RDF.predicate) in got and str(RDF.object) in got:
            out[n].append((got[str(RDF.subject)], got[str(RDF.predicate)], got[str(RDF.object)]))
        if str(BK.variant) in got and str(BK.variantOf) in got:
            out[n].append((got[str(BK.variant)], BK.probableVariantOf, got[str(BK.variantOf)]))
    return out


def link_triples(store: Store, nodes: Iterable[str]) -> list[Triple]:
    """Every triple of these link nodes and the links they state: what removing them removes."""
    return [t for ts in node_triples(store, nodes).values() for t in ts]


def key(t: Triple) -> tuple[str, str, str]:
    """A triple as N-Triples strings: what sets of triples are compared by."""
    return nt(t[0]), nt(t[1]), nt(t[2])


def by_key(triples: Iterable[Triple]) -> dict[tuple[str, str, str], Triple]:
    return {key(t): t for t in triples}


CORE = (RDF.type, RDF.subject, RDF.predicate, RDF.object, BK.nameSimilarity, RDFS.comment, BK.variant, BK.variantOf)


def relink(
    store: Store, new: dict[str, tuple[list[Triple], tuple[str, ...]]], old: set[str],
    resting: dict[str, tuple[str | None, set[str]]], docs_of: Callable[[set[str]], dict[str, set[str]]],
    changed_docs_of: dict[str, set[str]],
) -> tuple[list[Triple], list[Triple]]:
    """(remove, add) replacing the link nodes ``old`` by ``new``: node → (its triples but the
    documents it rests on, the nodes whose documents those are).

    A link that stays keeps its node and the documents it rested on: only its other triples that
    changed, and its prov:wasDerivedFrom for the changed documents (``resting``: what it rested on
    among them; ``changed_docs_of``: node → the changed documents it rests on now), are written. So
    a link resting on every document that cites a popular law costs one document's worth, not the
    law's; only a link that is new reads all its documents (``docs_of``: nodes → their documents).
    """
    remove = link_triples(store, old - set(new))
    add: list[Triple] = []
    created = set(new) - old
    ends = {e for n in created for e in new[n][1]}
    docs = docs_of(ends) if ends else {}
    for n in sorted(created):
        core, nodes = new[n]
        add += core + rests(n, set().union(*(docs.get(e, set()) for e in nodes)))
    kept = set(new) & old
    before = node_triples(store, kept, CORE)
    for n in sorted(kept):
        core, nodes = new[n]
        was, now = by_key(before.get(n, [])), by_key(core)
        remove += [t for k, t in was.items() if k not in now]
        add += [t for k, t in now.items() if k not in was]
        remove += rests(n, resting.get(n, (None, set()))[1])
        add += rests(n, set().union(*(changed_docs_of.get(e, set()) for e in nodes)))
    return remove, add
