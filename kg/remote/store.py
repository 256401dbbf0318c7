"""A read-only store over any SPARQL 1.1 endpoint: :class:`RemoteStore`, a :class:`kg.reader.Reader`.

It asks the endpoint as the embedded store asks Oxigraph (see :mod:`kg.remote` for the conventions):
the project prefixes are declared in the query text (on the query's first line, so that the line
numbers of an error are the user's), variables are bound by the same inlined ``VALUES``
(:func:`kg.store.bind`), and the answer is parsed back into pyoxigraph's types, so that everything
above (trace, audit, viz, the server's serialisers) works unchanged.

>>> prologue().startswith("PREFIX bk: <https://w3id.org/budget-kg/ontology#> PREFIX id: ")
True
"""

from __future__ import annotations

from urllib.parse import urlencode

import pyoxigraph as ox
from rdflib.term import Node

from kg import iri
from kg.dataset import Dataset, from_query
from kg.errors import QueryError
from kg.remote.http import TIMEOUT, RemoteError, check_url, public, request
from kg.store import answer, bind, solutions
from kg.vocab import PREFIXES

ONTOLOGY = "https://w3id.org/budget-kg/ontology"
#: what we accept, best first: the endpoint picks the results format for SELECT / ASK and the graph
#: format for CONSTRUCT / DESCRIBE
ACCEPT = ("application/sparql-results+json, application/sparql-results+xml;q=0.9, "
          "application/n-triples;q=0.8, text/turtle;q=0.7")
RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
}
GRAPH_TYPES = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
}

# Is the budget-kg ontology in its named graph, and does the default graph see it?
PROBE = f"""SELECT ?named ?union WHERE {{
  BIND(EXISTS {{ GRAPH <{iri.ONTOLOGY}> {{ <{ONTOLOGY}> a owl:Ontology }} }} AS ?named)
  BIND(EXISTS {{ <{ONTOLOGY}> a owl:Ontology }} AS ?union)
}}"""


def prologue() -> str:
    """The project prefixes as SPARQL declarations, on one line."""
    return " ".join(f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items())


class RemoteStore:
    """budget-kg's dataset at a SPARQL 1.1 query endpoint ``url``, read-only.

    ``check``: ask the endpoint at once whether it presents the dataset as our queries need it (the
    budget-kg graphs are there, and the default graph is their union); a :class:`RemoteError` of one
    line says what is wrong. ``timeout``: seconds a query may take."""

    read_only = True
    path = None

    def __init__(self, url: str, timeout: float = TIMEOUT, check: bool = True):
        self.url = check_url(url)
        self.timeout = timeout
        if check:
            self.check()

    def __repr__(self) -> str:
        return f"<RemoteStore {public(self.url)}>"

    def check(self) -> None:
        """Raise a RemoteError unless the endpoint holds budget-kg's graphs and its default graph is their union."""
        row = self.select(PROBE)[0]
        named, union = row["named"], row["union"]
        where = public(self.url)
        if named and union:
            return
        if union:
            raise RemoteError(
                f"{where}: the budget-kg data there are not in named graphs (the ontology is in the default graph, "
                f"not in <{iri.ONTOLOGY}>); load N-Quads that keep each graph's name (`kg ingest --nquads`, `kg push`)")
        if named:
            raise RemoteError(
                f"{where}: the endpoint's default graph is not the union of its named graphs, which budget-kg's "
                "queries read (Oxigraph: `oxigraph serve --union-default-graph`, or add ?union-default-graph to the "
                "URL; Fuseki: tdb2:unionDefaultGraph true; see the README)")
        raise RemoteError(
            f"{where}: no budget-kg data there (no graph <{iri.ONTOLOGY}> holding the ontology); "
            "`kg push --to URL` a store to it, or load the files of `kg ingest --nquads`")

    # ------------------------------------------------------------ the Reader interface

    def query(self, sparql: str, substitutions: dict[str, Node] | None = None, timeout: float | None = None,
              dataset: Dataset | None = None):
        """Run SPARQL at the endpoint; the answer as pyoxigraph types (``QuerySolutions``,
        ``QueryBoolean``, ``QueryTriples``). A dataset — ``dataset``, else the query's ``FROM`` /
        ``FROM NAMED`` — is sent as the protocol's ``default-graph-uri`` / ``named-graph-uri`` too, which
        override what the query says: an endpoint whose default graph is the union of its graphs may
        ignore ``FROM`` (Oxigraph's ``--union-default-graph`` does), never those parameters."""
        text = bind(sparql, substitutions) if substitutions else sparql
        chosen = dataset or from_query(text, PREFIXES)
        fields = [("query", prologue() + " " + text)]
        if chosen is not None:
            fields += [("default-graph-uri", g) for g in chosen.default]
            fields += [("named-graph-uri", g) for g in chosen.named]
        body = urlencode(fields).encode("utf-8")
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT}
        try:
            answer = request("POST", self.url, body, headers, timeout=timeout or self.timeout)
        except RemoteError as e:
            if e.status == 400:
                raise QueryError(f"the endpoint refused the query: {e.message}") from None
            raise
        try:
            if answer.content_type in RESULT_TYPES:
                return ox.parse_query_results(answer.body, RESULT_TYPES[answer.content_type])
            if answer.content_type in GRAPH_TYPES:
                return _triples(answer.body, GRAPH_TYPES[answer.content_type])
        except (SyntaxError, ValueError) as e:
            raise RemoteError(f"{public(self.url)} answered something unreadable as {answer.content_type} ({e})") from None
        raise RemoteError(f"{public(self.url)} answered {answer.content_type or 'no content type'}, "
                          "not SPARQL results or RDF: is it a SPARQL query endpoint?")

    def select(self, sparql: str, **subs: Node) -> list[dict[str, object]]:
        return solutions(self.query(sparql, substitutions=subs))

    def result(self, sparql: str, substitutions: dict[str, Node] | None = None, rows=None):
        return answer(self.query(sparql, substitutions=substitutions), rows)

    def documents(self) -> list[str]:
        """IRIs of the documents: the graphs named by a document that hold its type triple (as every
        stored document's graph does)."""
        rows = self.select("SELECT ?g WHERE { GRAPH ?g { ?g a bk:BudgetDocument } }")
        return sorted(r["g"] for r in rows if str(r["g"]).startswith(iri.DOC_PREFIX))

    def file_times(self):
        return None  # an endpoint does not say when its data were written

    def close(self) -> None:
        pass

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _triples(data: bytes, fmt: ox.RdfFormat) -> ox.QueryTriples:
    """A CONSTRUCT / DESCRIBE answer as pyoxigraph's own ``QueryTriples`` (what the embedded store
    answers), by way of a store in memory."""
    scratch = ox.Store()
    scratch.load(data, format=fmt)
    return scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")
