"""``kg push``: a store's named graphs sent to a remote store through the SPARQL 1.1 Graph Store Protocol.

Every graph queries see — each document's graph, findings and audit graphs, and the shared graphs
(entities, links, ontology, code lists, issuers, laws) — goes in one ``PUT <target>?graph=<iri>``
(indirect graph identification) with its canonical N-Triples as the body
(:func:`kg.export.bulk.graph_ntriples`): the remote graph becomes exactly the local one. After each PUT
the graph's content hash is recorded in the store's ledger under the target (:meth:`kg.ledger.Ledger.mark_pushed`),
so that

- a rerun sends only the graphs whose content changed (a push cut short resumes where it stopped);
- a graph that was pushed and is gone from the store (a document removed, an audit graph pruned) is
  ``DELETE``d remotely (a 404 counts as deleted);
- ``force`` sends everything again (after the remote store was emptied, say).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from kg.export.bulk import graph_ntriples
from kg.remote.http import RemoteError, check_url, public, request


@dataclass
class PushReport:
    """What one push did."""

    target: str
    sent: list[str] = field(default_factory=list)  # graph IRIs, in the order sent
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    triples: int = 0  # in the graphs sent
    bytes: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (f"pushed {len(self.sent)} graphs ({self.triples:,} triples, {self.bytes:,} bytes), deleted "
                f"{len(self.deleted)}, {self.unchanged} unchanged in {self.seconds:.1f} s → {self.target}")


def graph_url(target: str, graph: str) -> str:
    """The Graph Store Protocol URL of one graph (indirect identification).

    >>> graph_url("http://127.0.0.1:7878/store", "https://w3id.org/budget-kg/id/doc/a b.txt")
    'http://127.0.0.1:7878/store?graph=https%3A%2F%2Fw3id.org%2Fbudget-kg%2Fid%2Fdoc%2Fa%20b.txt'
    """
    return f"{target}{'&' if '?' in target else '?'}graph={quote(graph, safe='')}"


def push(store, target: str, force: bool = False, timeout: float = 600.0,
         on_graph: Callable[[str, str], None] | None = None) -> PushReport:
    """Send ``store``'s graphs to the Graph Store Protocol endpoint ``target`` (see the module docstring);
    ``on_graph(graph, what)`` is told each graph examined: ``"sent"``, ``"unchanged"`` or ``"deleted"``.
    Raises :class:`kg.remote.RemoteError` at the first graph the target refuses (what was sent before
    stays recorded)."""
    started = time.perf_counter()
    check_url(target)
    key = public(target)  # the ledger never holds a password
    report = PushReport(key)
    recorded = store.ledger.pushed(key)
    local = sorted(g.value for g in store.graphs())
    for graph in local:
        data = graph_ntriples(store, graph)
        digest = hashlib.sha256(data).hexdigest()
        if not force and recorded.get(graph) == digest:
            report.unchanged += 1
            what = "unchanged"
        else:
            _send("PUT", target, graph, data, timeout)
            store.ledger.mark_pushed(key, graph, digest)
            report.sent.append(graph)
            report.triples += data.count(b"\n")
            report.bytes += len(data)
            what = "sent"
        if on_graph:
            on_graph(graph, what)
    for graph in sorted(set(recorded) - set(local)):
        _send("DELETE", target, graph, None, timeout)
        store.ledger.forget_pushed(key, graph)
        report.deleted.append(graph)
        if on_graph:
            on_graph(graph, "deleted")
    report.seconds = time.perf_counter() - started
    return report


def _send(method: str, target: str, graph: str, data: bytes | None, timeout: float) -> None:
    """One PUT (``data``: N-Triples) or DELETE of a graph; a refusal names the graph."""
    headers = {"Content-Type": "application/n-triples"} if data is not None else {}
    try:
        request(method, graph_url(target, graph), data, headers, accept_status=(404,) if method == "DELETE" else (),
                timeout=timeout)
    except RemoteError as e:
        if e.status is None:
            raise
        raise RemoteError(f"{e.message} ({method} of the graph <{graph}>)", e.status) from None


def to_delete(store, target: str) -> int:
    """How many graphs pushed to ``target`` are gone from the store (for a progress bar's total)."""
    local = {g.value for g in store.graphs()}
    return sum(1 for g in store.ledger.pushed(public(target)) if g not in local)
