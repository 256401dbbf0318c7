"""The checks that read one document at a time (``# scope: document``), each run on that document's own
dataset instead of the whole store, so that auditing a document costs what the document holds, however
many the store holds.

A document's dataset is an in-memory Oxigraph store, made for it and dropped after it, holding what a
check of that scope may read: the document's graph and its extraction findings graph, its contribution
to the shared entities (from the ledger: the triples it states about its units, policies and codes, in
``id:graph/entities``), and the reference graphs (ontology, code lists, issuers, laws) as the store holds
them, limited to the predicates the checks name. The default graph is the union, as in the store. A
check of this scope joins nothing another document states, so its rows about a document are the rows
the same check gives over the whole store about that document (``tests/test_audit_scope.py`` holds every
shipped check to that, row for row).
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox

from kg import iri
from kg.audit.rules import Check
from kg.store import Store, named_predicates
from kg.vocab import PREFIXES

#: the graphs of reference data every store holds (kg.pipeline.load_reference_data)
REFERENCE_GRAPHS = (iri.ONTOLOGY, iri.CODELISTS, iri.ISSUERS, iri.LAWS)


class DocumentDatasets:
    """Makes the dataset of each document of ``store`` for ``checks`` (the reference graphs read once)."""

    def __init__(self, store: Store, checks: list[Check]):
        self.store = store
        self.checks = checks
        wanted = frozenset().union(*(named_predicates(c.sparql) for c in checks))
        self.reference = [q for g in REFERENCE_GRAPHS for q in store.graph_quads(str(g)) if str(q.predicate) in wanted]

    def dataset(self, doc: str, file: str) -> ox.Store:
        mem = ox.Store()
        mem.extend(self.reference)
        for g in (doc, str(iri.findings_graph(file))):
            mem.extend(self.store.graph_quads(g))
        stated = self.store.ledger.contribution(file)
        if stated:
            mem.load(("\n".join(stated) + "\n").encode("utf-8"), format=ox.RdfFormat.N_TRIPLES,
                     to_graph=ox.NamedNode(str(iri.ENTITIES)))
        return mem

    def solutions(self, doc: str, file: str) -> Iterator[tuple[Check, ox.QuerySolutions]]:
        """Each check's solutions over the document's dataset."""
        mem = self.dataset(doc, file)
        for check in self.checks:
            yield check, mem.query(check.sparql, prefixes=PREFIXES, use_default_graph_as_union=True)
