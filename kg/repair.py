"""``kg repair``: a store brought back to what a clean ingest of its documents gives, after a crash.

An ingest killed half-way (``kill -9``, a power cut) leaves at most: a document whose graphs were being
written (found by the ledger at the next writable open and removed: :meth:`kg.store.Store._recover`),
documents stored but not yet seen by the link stage (the ledger's ``linked`` mark), and so a links graph
that does not know them. Opening the store for writing (with the link stage loaded, as every
command that writes does) mends all of it; :func:`repair` does so without an ingest, and says what it
fixed: the documents removed, the documents linked, and the triples of the entities graph
that were missing or left over against the ledger's contributions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from kg import iri
from kg.link import link_store
from kg.store import Store


@dataclass
class RepairReport:
    removed: list[str] = field(default_factory=list)  # documents cut short, removed: ingest them again
    linked: list[str] = field(default_factory=list)  # documents the link stage had not seen
    entities_missing: int = 0
    entities_extra: int = 0

    @property
    def fixed(self) -> bool:
        return bool(self.removed or self.linked or self.entities_missing or self.entities_extra)

    def lines(self) -> list[str]:
        if not self.fixed:
            return ["nothing to repair: every document is whole and linked, the entities graph matches the ledger"]
        out = [f"removed {f}: its ingest was cut short (ingest it again)" for f in self.removed]
        if self.linked:
            out.append(f"linked {len(self.linked)} document(s) the link stage had not seen: {', '.join(self.linked)}")
        if self.entities_missing or self.entities_extra:
            out.append(f"entities graph rebuilt from the ledger: {self.entities_missing} triple(s) added, "
                       f"{self.entities_extra} removed")
        return out


def repair(store: Store) -> RepairReport:
    """Finish what a crash left (the store must be open writable: the open removes documents cut short)."""
    report = RepairReport(removed=[f for f, _ in store.recovered])
    store.recovered = []
    g = ox.NamedNode(str(iri.ENTITIES))
    before = {str(q.triple) for q in store._s.quads_for_pattern(None, None, None, g)}
    store.rebuild_entities()
    after = {str(q.triple) for q in store._s.quads_for_pattern(None, None, None, g)}
    report.entities_missing, report.entities_extra = len(after - before), len(before - after)
    unlinked = store.ledger.unlinked()
    report.linked = sorted(store.relinked)  # linked by the open already
    store.relinked = []
    if unlinked:
        link_store(store, {str(iri.document(f)) for f in unlinked})
        store.ledger.mark_linked(unlinked)
        report.linked = sorted({*report.linked, *unlinked})
    store.flush()
    return report
