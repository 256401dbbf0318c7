"""One node per real unit: unit nodes of different documents that share a full name are linked
with owl:sameAs (both ways), never merged — every document keeps its own deterministic IRIs.

Within one document the names it uses for a unit are already on one node (kg.map): the cover's
name is the rdfs:label; the spellings of its tables, the nameplates it bears (加挂牌子, in brackets
after its name) and its abbreviation (以下简称) are skos:altLabel; a sub-unit listed under one name
whose KPI tables use another carries that one as skos:altLabel too
(:func:`kg.extract.document.subunit_aliases`).

Across documents two unit nodes are the same unit when a name of one (label or altLabel) and a
name of the other have the same key (:func:`kg.iri.key`). Only full names count — names that
start with their region (大同市…): an abbreviation such as 市政府信息化中心 could be any city's. A
department (bk:Department) is never the same node as a unit, even under one name: the document
of 大同市云冈区人民政府办公室 has both, the department and its own 本级 unit under it; nor is a
unit the same as one it is nested in (org:subOrganizationOf+). The relation is closed over (a
sameAs b, b sameAs c → every pair is written), each pair with the names that made it.

Blocking: the key of a full name. Every unit node has a blocking record (:mod:`kg.link.records`)
holding the keys of its full names; after a change only the groups of the units the changed
documents describe (and of the units they are nested in) are computed again, found key by key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

from rdflib.namespace import OWL

from kg import iri
from kg.extract.regions import region_of
from kg.link.common import ENTITIES, LINKS, kind_of, relink, rests, select, statement, values
from kg.link.records import UNIT, lookup, record_triples, rewrite
from kg.store import Store, Triple

NAMES = """
SELECT ?u ?name ?how ?dept WHERE { %(values)s
  GRAPH %(g)s { ?u a bk:BudgetUnit }
  OPTIONAL { GRAPH %(g)s {
    { ?u rdfs:label ?name BIND("rdfs:label" AS ?how) } UNION { ?u skos:altLabel ?name BIND("skos:altLabel" AS ?how) }
  } }
  BIND(EXISTS { GRAPH %(g)s { ?u a bk:Department } } AS ?dept)
}"""
# (one pattern a GRAPH block: with several, Oxigraph 0.5 may start from the one that binds nothing)
DOCS = "SELECT ?u ?doc WHERE { %s GRAPH %s { ?u prov:wasDerivedFrom ?doc } GRAPH %s { ?u a bk:BudgetUnit } }"
NESTED = "SELECT ?a ?b WHERE { %s GRAPH %s { ?a org:subOrganizationOf+ ?b } GRAPH %s { ?a a bk:BudgetUnit } }"
SAME = "SELECT ?a ?b WHERE { %s GRAPH %s { ?a owl:sameAs ?b } }"


def full_name(name: str) -> bool:
    """A name that says whose unit it is: it starts with its region."""
    return region_of(name) is not None


@dataclass
class Units:
    """What the links of some unit nodes rest on (every BudgetUnit node read is a key of ``names``)."""

    names: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # node → (name, rdfs:label | skos:altLabel)
    dept: dict[str, bool] = field(default_factory=dict)
    docs: dict[str, set[str]] = field(default_factory=dict)
    nested: set[frozenset[str]] = field(default_factory=set)

    def keys(self, u: str) -> set[str]:
        return {iri.key(n) for n, _ in self.names.get(u, ()) if full_name(n)}


@dataclass
class UnitLinks:
    triples: list[Triple] = field(default_factory=list)
    canonical: dict[str, str] = field(default_factory=dict)  # unit IRI → the smallest IRI of its sameAs group
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (a, b), a < b, linked by owl:sameAs
    groups: dict[str, list[str]] = field(default_factory=dict)  # smallest IRI → the group's members
    links: dict[str, tuple[list[Triple], tuple[str, str]]] = field(default_factory=dict)  # node → (triples but
    # the documents it rests on, the two units whose documents those are)


def read_names(store: Store, into: Units, nodes: set[str] | None = None) -> None:
    for r in select(store, NAMES % {"values": values("u", nodes) if nodes is not None else "", "g": ENTITIES}):
        into.names.setdefault(r["u"], [])
        if r["name"] is not None:
            into.names[r["u"]].append((r["name"], r["how"]))
        into.dept[r["u"]] = bool(r["dept"])


def read_docs(store: Store, nodes: set[str] | None = None) -> dict[str, set[str]]:
    docs: dict[str, set[str]] = {}
    for r in select(store, DOCS % (values("u", nodes) if nodes is not None else "", ENTITIES, ENTITIES)):
        docs.setdefault(r["u"], set()).add(r["doc"])
    return docs


def read_nested(store: Store, nodes: set[str] | None = None) -> list[tuple[str, str]]:
    """(a, b) with a nested in b (org:subOrganizationOf+), a among ``nodes`` (every unit when None)."""
    rows = select(store, NESTED % (values("a", nodes) if nodes is not None else "", ENTITIES, ENTITIES))
    return [(r["a"], r["b"]) for r in rows]


def same_as(store: Store, nodes: set[str]) -> dict[str, set[str]]:
    """The owl:sameAs partners the links graph gives these nodes now."""
    out: dict[str, set[str]] = {}
    if nodes:
        for r in select(store, SAME % (values("a", nodes), LINKS)):
            out.setdefault(r["a"], set()).add(r["b"])
    return out


def link(units: Units) -> UnitLinks:
    """The owl:sameAs links among the nodes of ``units`` (which must hold whole groups)."""
    by_key: dict[tuple[bool, str], list[tuple[str, str, str]]] = {}  # (department?, key) → (node, name, how)
    for u in sorted(units.names):
        for name, how in sorted(set(units.names[u])):
            if full_name(name):
                by_key.setdefault((units.dept[u], iri.key(name)), []).append((u, name, how))

    # the names two nodes share: the evidence of each direct link
    evidence: dict[tuple[str, str], list[str]] = {}
    for entries in by_key.values():
        for (a, na, ha), (b, nb, hb) in combinations(entries, 2):
            if a == b or frozenset((a, b)) in units.nested:
                continue
            (a, na, ha), (b, nb, hb) = sorted([(a, na, ha), (b, nb, hb)])
            evidence.setdefault((a, b), []).append(f"{ha} “{na}” of <{a}> = {hb} “{nb}” of <{b}>")

    parent = {u: u for u in units.names}

    def find(u: str) -> str:
        while parent[u] != u:
            parent[u] = parent[parent[u]]
            u = parent[u]
        return u

    for a, b in sorted(evidence):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = {}
    for u in sorted(units.names):
        groups.setdefault(find(u), []).append(u)

    out = UnitLinks()
    for members in groups.values():
        first = min(members)
        out.groups[first] = members
        for u in members:
            out.canonical[u] = first
        for a, b in combinations(sorted(members), 2):
            how = evidence.get((a, b))
            text = (
                "the same unit: " + "; ".join(sorted(how)) if how
                else f"the same unit through the other names of its group ({'、'.join(f'<{m}>' for m in members)})"
            )
            text += " (names compared by kg.iri.key; only full names, starting with their region, count)"
            for s, o in ((a, b), (b, a)):
                node, core = statement("same-unit", s, OWL.sameAs, o, 1.0, text, [])
                out.links[str(node)] = (core, (a, b))
            out.pairs.append((a, b))
    return out


def link_units(store: Store) -> UnitLinks:
    """Every unit's links and blocking record, from the whole store."""
    units = Units()
    read_names(store, units)
    units.docs = read_docs(store)
    units.nested = {frozenset(p) for p in read_nested(store)}
    out = link(units)
    for node, (core, (a, b)) in out.links.items():
        out.triples += core + rests(node, units.docs.get(a, set()) | units.docs.get(b, set()))
    for u in sorted(units.names):
        out.triples += record_triples(UNIT, u, units.keys(u), units.docs.get(u, ()))
    return out


@dataclass
class UnitChange:
    """What a change of some documents does to the unit links: the triples to remove and add, and
    the groups computed again (``links.canonical`` / ``links.groups`` for their nodes only)."""

    remove: list[Triple]
    add: list[Triple]
    links: UnitLinks
    moved: set[str]  # nodes whose group is not what it was


def relink_units(store: Store, changed: set[str], resting: dict[str, tuple[str | None, set[str]]]) -> UnitChange:
    """The unit links after ``changed`` documents were added, replaced or removed.

    Recomputed: the groups of the units those documents describe now or described before (their
    blocking records rest on them), and of the units these are nested in (a changed nesting may
    free or bar a pair further up); each group found by its keys and by the links it had.
    """
    former = {x for n, (x, _) in resting.items() if kind_of(n) == UNIT}
    now: dict[str, set[str]] = {}
    if changed:
        rows = select(store, f"""
SELECT ?u ?d WHERE {{ {values("d", changed)}
  GRAPH {ENTITIES} {{ ?u prov:wasDerivedFrom ?d }} GRAPH {ENTITIES} {{ ?u a bk:BudgetUnit }}
}}""")
        for r in rows:
            now.setdefault(r["u"], set()).add(r["d"])
    stale = former | set(now)  # nodes whose records may be out of date
    seeds = stale | {b for _, b in read_nested(store, stale)} if stale else set()

    units = Units()
    if seeds:
        read_names(store, units, seeds)
    known, asked_keys, asked_old, old = set(seeds), set(), set(), {}
    while True:
        keys = set().union(*(units.keys(u) for u in known)) - asked_keys
        fresh = known - asked_old
        if not keys and not fresh:
            break
        asked_keys |= keys
        asked_old |= fresh
        found = {x for x in lookup(store, UNIT, keys) if x not in stale}  # the others' records are current
        old.update(same_as(store, fresh))
        new = (found | set().union(*(old.get(u, set()) for u in fresh))) - known
        if new:
            read_names(store, units, new)
            known |= new
    units.nested = {frozenset((a, b)) for a, b in read_nested(store, known) if b in known} if known else set()
    links = link(units)

    drop = {str(iri.link("same-unit", a, b)) for a, bs in old.items() for b in bs}
    drop |= {n for n, (x, _) in resting.items() if x is None and kind_of(n) == "same-unit"}
    remove, add = relink(store, links.links, drop, resting, lambda ends: read_docs(store, ends), now)
    recs = {n: docs for n, (x, docs) in resting.items() if x is not None and kind_of(n) == UNIT}
    gone, came = rewrite(store, UNIT, {u: (u in units.names, units.keys(u), now.get(u, set())) for u in stale}, recs)
    moved = {u for u in known if old.get(u, set()) | {u} != set(links.groups.get(links.canonical.get(u, u), [u]))}
    return UnitChange(remove + gone, add + came, links, moved)
