"""budget-kg beyond one machine: other engines hold the graphs, any SPARQL 1.1 endpoint answers the questions.

- :mod:`kg.remote.push`: ``kg push`` — every named graph of a store sent to a remote store through the SPARQL
  1.1 Graph Store Protocol (one ``PUT ?graph=<iri>`` per graph, N-Triples), what was sent recorded with
  its content hash in the store's ledger, so a rerun sends only what changed and deletes what is gone;
- :mod:`kg.remote.store`: :class:`RemoteStore`, the read-only store over an endpoint behind
  ``--endpoint URL`` of ``kg query``, ``kg trace``, ``kg audit``, ``kg viz`` and ``kg serve``;
- :mod:`kg.remote.http`: the only module that speaks HTTP to them.

The dataset conventions an endpoint must meet, because budget-kg's queries are written for them
(they are the embedded store's, :mod:`kg.store`):

1. every graph keeps its name: one named graph per document (and its findings and audit graphs), and the
   shared graphs ``id:graph/entities``, ``links``, ``ontology``, ``codelists``, ``issuers``, ``laws``;
2. the default graph is the union of the named graphs — a query without ``GRAPH`` spans the corpus and
   ``GRAPH ?g`` still selects one document. Oxigraph's ``--union-default-graph`` (a triple stated in two
   graphs matches twice, as in the embedded store), Virtuoso and GraphDB by default, Fuseki with
   ``tdb2:unionDefaultGraph``. Checked when a :class:`RemoteStore` is opened, by one probe query;
3. nothing else is assumed: the prefixes are declared in each query's text, variables are bound by an
   inlined ``VALUES``, answers are read in the standard result formats.

Rewriting each query with ``FROM`` clauses instead was rejected: one per document makes a query text
that grows with the corpus (thousands of graphs), which endpoints limit or plan badly.
"""

from kg.remote.http import RemoteError
from kg.remote.store import RemoteStore

__all__ = ["RemoteError", "RemoteStore"]
