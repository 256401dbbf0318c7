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
of 大同市云冈区人民政府办公室 has both, the department and its own 本级 unit under it. The relation
is closed over (a sameAs b, b sameAs c → every pair is written), each pair with the names that
made it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

from rdflib.namespace import OWL

from kg import iri
from kg.extract.regions import region_of
from kg.link.common import select, statement
from kg.store import Store, Triple

NAMES = """
SELECT ?u ?name ?how ?dept WHERE {
  ?u a bk:BudgetUnit .
  { ?u rdfs:label ?name BIND("rdfs:label" AS ?how) } UNION { ?u skos:altLabel ?name BIND("skos:altLabel" AS ?how) }
  BIND(EXISTS { ?u a bk:Department } AS ?dept)
}"""
DOCS = "SELECT ?u ?doc WHERE { ?u a bk:BudgetUnit ; prov:wasDerivedFrom ?doc }"
NESTED = "SELECT ?a ?b WHERE { ?a a bk:BudgetUnit ; org:subOrganizationOf+ ?b }"


@dataclass
class UnitLinks:
    triples: list[Triple] = field(default_factory=list)
    canonical: dict[str, str] = field(default_factory=dict)  # unit IRI → the smallest IRI of its sameAs group
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (a, b), a < b, linked by owl:sameAs


def full_name(name: str) -> bool:
    """A name that says whose unit it is: it starts with its region."""
    return region_of(name) is not None


def link_units(store: Store) -> UnitLinks:
    names: dict[str, list[tuple[str, str]]] = {}
    kind: dict[str, bool] = {}
    for r in select(store, NAMES):
        names.setdefault(r["u"], []).append((r["name"], r["how"]))
        kind[r["u"]] = bool(r["dept"])
    docs: dict[str, list[str]] = {}
    for r in select(store, DOCS):
        docs.setdefault(r["u"], []).append(r["doc"])
    nested = {frozenset((r["a"], r["b"])) for r in select(store, NESTED)}

    by_key: dict[tuple[bool, str], list[tuple[str, str, str]]] = {}  # (department?, key) → (node, name, how)
    for u in sorted(names):
        for name, how in sorted(set(names[u])):
            if full_name(name):
                by_key.setdefault((kind[u], iri.key(name)), []).append((u, name, how))

    # the names two nodes share: the evidence of each direct link
    evidence: dict[tuple[str, str], list[str]] = {}
    for entries in by_key.values():
        for (a, na, ha), (b, nb, hb) in combinations(entries, 2):
            if a == b or frozenset((a, b)) in nested:
                continue
            (a, na, ha), (b, nb, hb) = sorted([(a, na, ha), (b, nb, hb)])
            evidence.setdefault((a, b), []).append(f"{ha} “{na}” of <{a}> = {hb} “{nb}” of <{b}>")

    parent = {u: u for u in names}

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
    for u in sorted(names):
        groups.setdefault(find(u), []).append(u)

    out = UnitLinks()
    for members in groups.values():
        first = min(members)
        for u in members:
            out.canonical[u] = first
        for a, b in combinations(sorted(members), 2):
            how = evidence.get((a, b))
            text = (
                "the same unit: " + "; ".join(how) if how
                else f"the same unit through the other names of its group ({'、'.join(f'<{m}>' for m in members)})"
            )
            text += " (names compared by kg.iri.key; only full names, starting with their region, count)"
            for s, o in ((a, b), (b, a)):
                _, triples = statement("same-unit", s, OWL.sameAs, o, 1.0, text, docs.get(a, []) + docs.get(b, []))
                out.triples += triples
            out.pairs.append((a, b))
    return out
