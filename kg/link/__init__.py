"""The link stage: what is the same across documents (read → segment → extract → map → store → link).

After every change of the documents in a store (``kg.pipeline.ingest``, ``Store.remove_document``)
the derived graph ``id:graph/links`` is brought up to date, so the same documents give the same
links whatever order they were ingested in. Queries see it like any other graph. It holds:

- units (:mod:`kg.link.units`): owl:sameAs, both ways, between unit nodes of different documents
  that share a full name;
- projects (:mod:`kg.link.projects`): ``?p bk:predecessor ?q``, the same unit's project of an
  earlier year with the same or a very similar name;
- titles (:mod:`kg.link.titles`): ``?v bk:probableVariantOf ?o`` and a bk:TitleVariant node, for
  policies cited by title whose titles are close but not equal;
- the blocking records the stage finds its candidates by (:mod:`kg.link.records`).

Every link says how it was found: a node with bk:nameSimilarity, the names compared
(rdfs:comment) and the documents it rests on (prov:wasDerivedFrom) — an rdf:Statement for
owl:sameAs and bk:predecessor, the bk:TitleVariant node for a title variant.

``link_store(store)`` computes the whole graph from the rest of the store: the reference.
``link_store(store, changed)`` updates it after the documents ``changed`` were added, replaced or
removed, and gives exactly the graph the whole computation gives: it removes the links that rest on
those documents and those of the blocks they touch, and computes those blocks again; its cost
follows the changed documents and the size of their blocks, not the size of the store.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from kg import iri
from kg.link.common import by_key, resting_on
from kg.link.projects import link_projects, relink_projects
from kg.link.titles import Variant, link_titles, relink_titles
from kg.link.units import link_units, relink_units
from kg.store import Store, derived_graph, nt

__all__ = ["LinkReport", "link_store"]


@dataclass
class LinkReport:
    """What one run of the link stage found (an update: in the blocks it computed again)."""

    same_units: list[tuple[str, str]] = field(default_factory=list)  # unit pairs linked by owl:sameAs
    predecessors: list[tuple[str, str, float]] = field(default_factory=list)  # (project, predecessor, similarity)
    variants: list[Variant] = field(default_factory=list)
    triples: int = 0  # the whole computation: triples in the links graph; an update: triples added
    removed: int = 0  # an update: triples removed
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"{len(self.same_units)} same-unit pairs, {len(self.predecessors)} predecessors, "
            f"{len(self.variants)} probable title variants ({self.triples} triples in {self.seconds:.2f} s)"
        )


@derived_graph
def link_store(store: Store, changed: Iterable[str] | None = None) -> LinkReport:
    """Compute the links graph from the rest of the store (``changed`` None), or update it after the
    documents ``changed`` (IRIs) were added, replaced or removed; in one transaction either way."""
    started = time.perf_counter()
    if changed is None:
        units = link_units(store)
        projects = link_projects(store, units.canonical)
        titles = link_titles(store)
        triples = sorted(set(units.triples + projects.triples + titles.triples), key=lambda t: tuple(map(nt, t)))
        store.replace({iri.LINKS: triples})
        return LinkReport(
            same_units=units.pairs, predecessors=projects.pairs, variants=titles.variants,
            triples=len(triples), seconds=time.perf_counter() - started,
        )
    docs = {str(d) for d in changed}
    resting = resting_on(store, docs)
    units = relink_units(store, docs, resting)
    gone_p, projects = relink_projects(store, docs, resting, units)
    gone_t, came_t, variants = relink_titles(store, docs, resting)
    remove = by_key(units.remove + gone_p + gone_t)
    add = by_key(units.add + projects.triples + came_t)
    removed = [t for k, t in sorted(remove.items()) if k not in add]
    added = [t for k, t in sorted(add.items()) if k not in remove]
    store.update_graph(iri.LINKS, remove=removed, add=added)
    return LinkReport(
        same_units=units.links.pairs, predecessors=projects.pairs, variants=variants,
        triples=len(added), removed=len(removed), seconds=time.perf_counter() - started,
    )
