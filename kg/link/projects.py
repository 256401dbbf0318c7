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
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from kg.extract.matching import name_similarity
from kg.link.common import select, statement
from kg.store import Store, Triple
from kg.vocab import BK

THRESHOLD = 0.86

PROJECTS = """
SELECT ?p ?name ?year ?amount ?unit ?doc ?kind WHERE {
  ?p a bk:Project ; rdfs:label ?name ; bk:fiscalYear ?year ; bk:implementedBy ?unit ; prov:wasDerivedFrom ?doc .
  ?doc a bk:BudgetDocument ; bk:documentKind ?kind .
  OPTIONAL { ?p bk:amount ?amount }
}"""


@dataclass(frozen=True)
class _Project:
    iri: str
    name: str
    year: int
    amount: Decimal | None
    doc: str


@dataclass
class ProjectLinks:
    triples: list[Triple] = field(default_factory=list)
    pairs: list[tuple[str, str, float]] = field(default_factory=list)  # (project, predecessor, similarity)


def link_projects(store: Store, canonical: dict[str, str]) -> ProjectLinks:
    groups: dict[tuple[str, str], dict[int, list[_Project]]] = {}  # (unit, 预算|决算) → year → projects
    seen: set[str] = set()
    for r in sorted(select(store, PROJECTS), key=lambda r: (r["p"], r["doc"], str(r["amount"]))):
        if r["p"] in seen:  # a project has one label, year and amount; a second row would be a repeat
            continue
        seen.add(r["p"])
        unit = canonical.get(r["unit"], r["unit"])
        p = _Project(r["p"], r["name"], int(r["year"]), r["amount"], r["doc"])
        groups.setdefault((unit, r["kind"][-2:]), {}).setdefault(p.year, []).append(p)

    out = ProjectLinks()
    for _, by_year in sorted(groups.items()):
        years = sorted(by_year)
        for i, year in enumerate(years):
            pending = sorted(by_year[year], key=lambda p: p.iri)
            for earlier in reversed(years[:i]):
                if not pending:
                    break
                for p, q, sim in _assign(pending, by_year[earlier]):
                    how = (
                        f"“{p.name}” ({p.year}) ← “{q.name}” ({q.year}): name similarity {sim:.3f} "
                        f"(kg.extract.matching.name_similarity, category prefix stripped; threshold {THRESHOLD})"
                    )
                    _, triples = statement("predecessor", p.iri, BK.predecessor, q.iri, sim, how, [p.doc, q.doc])
                    out.triples += triples
                    out.pairs.append((p.iri, q.iri, sim))
                linked = {p for p, _, _ in out.pairs}
                pending = [p for p in pending if p.iri not in linked]
    return out


def _assign(projects: list[_Project], earlier: list[_Project]) -> list[tuple[_Project, _Project, float]]:
    """The best one-to-one pairs between a year's projects and an earlier year's."""
    candidates = []
    for p in projects:
        for q in earlier:
            sim = name_similarity(p.name, q.name)
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
