"""A project's predecessor: the same unit's project of an earlier year with the same or a very
similar name (``?p bk:predecessor ?q``), so a researcher can follow a project's money year on year.

- The unit is the project's bk:implementedBy, one unit whatever document or name it comes under
  (owl:sameAs groups of :mod:`kg.link.units`); budgets (预算) are compared with budgets and final
  accounts (决算) with final accounts.
- Names are compared without their category prefix (Z, J, X, QT, XM — and an OCR "2" for "Z"),
  brackets, spaces and punctuation, by :func:`kg.extract.matching.name_similarity`. A pair needs at
  least ``THRESHOLD`` = 0.86: above the 0.85 that name_similarity gives any name contained in
  another (业务费 ⊂ 业务费—维修(护)费 are two projects of seed 004), and above the 0.833 of
  管辖区域电费 / 管辖区域水费 (two projects of seed 004 one character apart). So a short name (six
  characters or fewer) must recur exactly; a longer one may change a character or two
  (Z政务服务数据对接经费 → Z政务服务数据对接运维经费: 0.909).
- The predecessor is taken from the latest earlier year that has such a project; a project has
  one predecessor at most and, within one pair of years, a project is the predecessor of one project
  at most: the best pairs are taken first (higher similarity, then the same prefix too, then the
  closer amount), so two projects of one name (seed 000's two J日常工作经费) find two predecessors.

Blocking: a block is one unit's (its sameAs group's) budgets, or its final accounts; a project is
compared only with its block's projects of earlier years. A year's predecessors depend on that year
and the earlier ones only, so a document of year Y changes the links of its block's years Y and
later, and those are all that is computed again (every year when the unit's group changed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import URIRef

from kg import iri
from kg.extract.matching import similar
from kg.link.common import ENTITIES, LINKS, kind_of, link_triples, select, statement, values
from kg.link.units import UnitChange, same_as
from kg.queries import query_text
from kg.store import Store, Triple, bind
from kg.vocab import BK, PROV

THRESHOLD = 0.86

#: the projects of documents, one row per project (and amount); indexed by document (kg.queries.INDEXED)
PROJECTS = "document-projects.rq"


@dataclass(frozen=True)
class _Project:
    iri: str
    name: str
    year: int
    amount: Decimal | None
    doc: str
    unit: str
    kind: str  # 预算 | 决算


@dataclass
class ProjectLinks:
    triples: list[Triple] = field(default_factory=list)
    pairs: list[tuple[str, str, float]] = field(default_factory=list)  # (project, predecessor, similarity)


def read_projects(
    store: Store, docs: Iterable[str] | None = None, keep: Callable[[dict], bool] | None = None,
) -> list[_Project]:
    """The projects of the documents ``docs`` (default: every document), one each (a project has one
    label, year and amount; a second row would be a repeat), those for which ``keep(row)`` is true
    when given. Read from the store's index of each document's projects where it keeps one, else
    asked of the store."""
    rows = None if docs is None else store.indexed(PROJECTS, docs)
    if rows is None:
        text = query_text(PROJECTS)
        rows = select(store, text if docs is None else bind(text, {"doc": [URIRef(d) for d in docs]}))
    seen: set[str] = set()
    out = []
    for r in sorted(rows, key=lambda r: (r["p"], r["doc"], str(r["amount"]))):
        if r["p"] not in seen and (keep is None or keep(r)):
            seen.add(r["p"])
            out.append(_Project(r["p"], r["name"], int(r["year"]), r["amount"], r["doc"], r["unit"], r["kind"][-2:]))
    return out


def block_links(projects: list[_Project], since: int | None = None) -> ProjectLinks:
    """The predecessors of one block's projects of years ``since`` and later (every year when None)."""
    by_year: dict[int, list[_Project]] = {}
    for p in projects:
        by_year.setdefault(p.year, []).append(p)
    out = ProjectLinks()
    years = sorted(by_year)
    for i, year in enumerate(years):
        if since is not None and year < since:
            continue
        pending = sorted(by_year[year], key=lambda p: p.iri)
        for earlier in reversed(years[:i]):
            if not pending:
                break
            linked = set()
            for p, q, sim in _assign(pending, by_year[earlier]):
                how = (
                    f"“{p.name}” ({p.year}) ← “{q.name}” ({q.year}): name similarity {sim:.3f} "
                    f"(kg.extract.matching.name_similarity, category prefix stripped; threshold {THRESHOLD})"
                )
                _, triples = statement("predecessor", p.iri, BK.predecessor, q.iri, sim, how, [p.doc, q.doc])
                out.triples += triples
                out.pairs.append((p.iri, q.iri, sim))
                linked.add(p.iri)
            pending = [p for p in pending if p.iri not in linked]
    return out


def _assign(projects: list[_Project], earlier: list[_Project]) -> list[tuple[_Project, _Project, float]]:
    """The best one-to-one pairs between a year's projects and an earlier year's."""
    candidates = []
    for p in projects:
        for q in earlier:
            sim = similar(p.name, q.name, THRESHOLD)
            if sim < THRESHOLD:
                continue
            gap = abs(p.amount - q.amount) if p.amount is not None and q.amount is not None else Decimal("Infinity")
            candidates.append((-sim, p.name != q.name, gap, p.iri, q.iri, p, q, sim))
    candidates.sort(key=lambda c: c[:5])
    taken_p: set[str] = set()
    taken_q: set[str] = set()
    pairs = []
    for *_, p, q, sim in candidates:
        if p.iri in taken_p or q.iri in taken_q:
            continue
        taken_p.add(p.iri)
        taken_q.add(q.iri)
        pairs.append((p, q, sim))
    return pairs


def _blocks(projects: list[_Project], canonical: dict[str, str]) -> dict[tuple[str, str], list[_Project]]:
    out: dict[tuple[str, str], list[_Project]] = {}
    for p in projects:
        out.setdefault((canonical.get(p.unit, p.unit), p.kind), []).append(p)
    return out


def link_projects(store: Store, canonical: dict[str, str]) -> ProjectLinks:
    """Every project's predecessor, from the whole store."""
    out = ProjectLinks()
    for _, block in sorted(_blocks(read_projects(store), canonical).items()):
        found = block_links(block)
        out.triples += found.triples
        out.pairs += found.pairs
    return out


def relink_projects(
    store: Store, changed: set[str], resting: dict[str, tuple[str | None, set[str]]], units: UnitChange,
) -> tuple[list[Triple], ProjectLinks]:
    """(triples to remove, links to add) for the predecessors after ``changed`` documents changed.

    Computed again: the blocks of the changed documents' projects from their year on; the blocks of
    the projects that lost a link resting on a changed document (from the successor's year, or the
    year after the predecessor's when the successor is gone); every year of a unit whose group changed.
    """
    gone = {n for n, (x, _) in resting.items() if x is None and kind_of(n) == "predecessor"}
    remove = link_triples(store, gone)
    canonical = dict(units.links.canonical)

    def resolve(nodes: set[str]) -> None:
        todo = {u for u in nodes if u not in canonical}
        for u, partners in same_as(store, todo).items():
            canonical[u] = min(partners | {u})
        for u in todo:
            canonical.setdefault(u, u)

    since: dict[str, int | None] = {}  # canonical unit → the first year computed again (None: every year)

    def touch(unit: str, year: int | None) -> None:
        c = canonical[unit]
        if c not in since or (since[c] is not None and (year is None or year < since[c])):
            since[c] = year

    touched = read_projects(store, changed) if changed else []
    ends = {str(t[0]): str(t[2]) for t in remove if t[1] == BK.predecessor}  # successor → predecessor
    docs = {str(o) for s, p, o in remove if str(s) in gone and p == PROV.wasDerivedFrom}
    wanted = set(ends) | set(ends.values())
    ended = read_projects(store, docs, lambda r: r["p"] in wanted) if ends else []
    now = {p.iri: p for p in ended}
    resolve({p.unit for p in touched} | {p.unit for p in now.values()} | units.moved)
    for p in touched:
        touch(p.unit, p.year)
    for p, q in ends.items():
        if p in now:
            touch(now[p].unit, now[p].year)
        elif q in now:
            touch(now[q].unit, now[q].year + 1)
    for u in units.moved:  # a unit joined or left a group: its block is not what it was
        touch(u, None)

    # each block: its members' projects, read in the documents each member is derived from
    members = {c: set(units.links.groups.get(c) or ()) or {c} for c in since}
    for c, partners in same_as(store, {c for c in since if c not in units.links.groups}).items():
        members[c] |= partners
    everyone = set().union(*members.values()) if members else set()
    derived = f"SELECT ?u ?doc WHERE {{ {values('u', everyone)} GRAPH {ENTITIES} {{ ?u prov:wasDerivedFrom ?doc }} }}"
    pairs = select(store, derived) if everyone else []
    where = {(r["u"], r["doc"]) for r in pairs}
    projects = read_projects(store, {d for _, d in where}, lambda r: (r["unit"], r["doc"]) in where) if pairs else []
    resolve({p.unit for p in projects})
    out = ProjectLinks()
    successors: set[str] = set()
    for (c, _), block in sorted(_blocks(projects, canonical).items()):
        if c in since:
            found = block_links(block, since[c])
            out.triples += found.triples
            out.pairs += found.pairs
            successors |= {p.iri for p in block if since[c] is None or p.year >= since[c]}
    if successors:
        before = f"SELECT ?p ?q WHERE {{ {values('p', successors)} GRAPH {LINKS} {{ ?p bk:predecessor ?q }} }}"
        old = select(store, before)
        remove += link_triples(store, {str(iri.link("predecessor", r["p"], r["q"])) for r in old} - gone)
    return remove, out
