"""Blocking records: what the link stage compares a node on, kept beside the links it drew.

A bk:BlockingRecord ``id:link/<kind>/<hash of the node>`` says, for one unit node or one policy
node cited by title, its blocking keys (bk:blockingKey) and the documents it rests on
(prov:wasDerivedFrom)::

    id:link/unit-keys/…  a bk:BlockingRecord ; bk:recordOf id:unit/… ;
        bk:blockingKey "大同市人民政府信息中心" ; prov:wasDerivedFrom id:doc/… .

They are the link stage's index, so that a run over a few changed documents reads only what those
documents touch:

- a new unit or title finds the nodes that share a key with it by one lookup per key (the store
  indexes literals, not what a name reduces to: two spellings of one name are found by their key);
- a removed or replaced document's nodes are found by the records resting on it, although the
  document's own graphs are gone: a unit whose nesting, or a title whose citations in one line,
  kept it from a link may be linked once that document is removed.

A record is rewritten only in what a changed document touches: its keys from the node's current
names, and its prov:wasDerivedFrom for the changed documents only, so a node that a thousand
documents name costs no more to update than one that a single document names.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from kg import iri
from kg.link.common import LINKS, every_pair, kind_of, select, values
from kg.store import Store, Triple
from kg.vocab import BK, PROV

UNIT = "unit-keys"
TITLE = "title-keys"


def record(kind: str, node: str) -> URIRef:
    return iri.link(kind, node)


def record_triples(kind: str, node: str, keys: Iterable[str], docs: Iterable[str]) -> list[Triple]:
    r = record(kind, node)
    out: list[Triple] = [(r, RDF.type, BK.BlockingRecord), (r, BK.recordOf, URIRef(node))]
    out += [(r, BK.blockingKey, Literal(k)) for k in sorted(set(keys))]
    out += [(r, PROV.wasDerivedFrom, URIRef(d)) for d in sorted(set(docs))]
    return out


def lookup(store: Store, kind: str, keys: Iterable[str]) -> dict[str, set[str]]:
    """The nodes whose records hold these keys: node → the keys it holds (one index lookup per key)."""
    keys = set(keys)
    if not keys:
        return {}
    rows = select(store, f"""
SELECT ?r ?x ?k WHERE {{ {values("k", map(Literal, keys))}
  GRAPH {LINKS} {{ ?r bk:blockingKey ?k }} GRAPH {LINKS} {{ ?r bk:recordOf ?x }}
}}""")
    out: dict[str, set[str]] = {}
    for r in rows:
        if kind_of(r["r"]) == kind:
            out.setdefault(r["x"], set()).add(r["k"])
    return out


def rewrite(
    store: Store, kind: str, nodes: dict[str, tuple[bool, set[str], set[str]]], resting: dict[str, set[str]],
) -> tuple[list[Triple], list[Triple]]:
    """(remove, add) bringing the records of ``nodes`` up to date after a change of some documents.

    ``nodes``: node → (whether it still is a node of its kind, its keys now, which of the changed
    documents it rests on now); ``resting``: record → the changed documents it rested on.
    """
    recs = {str(record(kind, n)): n for n in nodes}
    remove: list[Triple] = []
    if recs:  # what the records hold now but their documents (the triples removed must be there)
        asked = every_pair("r", recs, "p", (RDF.type, BK.recordOf, BK.blockingKey))
        rows = select(store, f"SELECT ?r ?p ?o WHERE {{ {asked} GRAPH {LINKS} {{ ?r ?p ?o }} }}")
        for r in rows:
            o = Literal(r["o"]) if r["p"] == str(BK.blockingKey) else URIRef(r["o"])
            remove.append((URIRef(r["r"]), URIRef(r["p"]), o))
    for r in recs:
        remove += [(URIRef(r), PROV.wasDerivedFrom, URIRef(d)) for d in sorted(resting.get(r, ()))]
    add: list[Triple] = []
    for n, (exists, keys, docs) in sorted(nodes.items()):
        if exists:
            add += record_triples(kind, n, keys, docs)
    return remove, add
