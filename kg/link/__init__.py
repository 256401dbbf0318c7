"""The link stage: what is the same across documents (read → segment → extract → map → store → link).

After every change of the documents in a store (``kg.pipeline.ingest``, ``Store.remove_document``)
the derived graph ``id:graph/links`` is recomputed from everything else in the store, so the same
documents give the same links whatever order they were ingested in. Queries see it like any other
graph. It holds:

- units (:mod:`kg.link.units`): owl:sameAs, both ways, between unit nodes of different documents
  that share a full name;
- projects (:mod:`kg.link.projects`): ``?p bk:predecessor ?q``, the same unit's project of an
  earlier year with the same or a very similar name;
- titles (:mod:`kg.link.titles`): ``?v bk:probableVariantOf ?o`` and a bk:TitleVariant node, for
  policies cited by title whose titles are close but not equal.

Every link says how it was found: a node with bk:nameSimilarity, the names compared
(rdfs:comment) and the documents it rests on (prov:wasDerivedFrom) — an rdf:Statement for
owl:sameAs and bk:predecessor, the bk:TitleVariant node for a title variant.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from kg import iri
from kg.link.projects import link_projects
from kg.link.titles import Variant, link_titles
from kg.link.units import link_units
from kg.store import Store, derived_graph, nt

__all__ = ["LinkReport", "link_store"]


@dataclass
class LinkReport:
    """What one run of the link stage found."""

    same_units: list[tuple[str, str]] = field(default_factory=list)  # unit pairs linked by owl:sameAs
    predecessors: list[tuple[str, str, float]] = field(default_factory=list)  # (project, predecessor, similarity)
    variants: list[Variant] = field(default_factory=list)
    triples: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"{len(self.same_units)} same-unit pairs, {len(self.predecessors)} predecessors, "
            f"{len(self.variants)} probable title variants ({self.triples} triples in {self.seconds:.2f} s)"
        )


@derived_graph
def link_store(store: Store, changed: set[str] | None = None) -> LinkReport:
    """Recompute the links graph from the rest of the store (replacing it in one transaction)."""
    started = time.perf_counter()
    units = link_units(store)
    projects = link_projects(store, units.canonical)
    titles = link_titles(store)
    triples = sorted(set(units.triples + projects.triples + titles.triples), key=lambda t: tuple(map(nt, t)))
    store.replace({iri.LINKS: triples})
    return LinkReport(
        same_units=units.pairs, predecessors=projects.pairs, variants=titles.variants,
        triples=len(triples), seconds=time.perf_counter() - started,
    )
