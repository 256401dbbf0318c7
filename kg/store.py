"""The embedded Oxigraph store: one named graph per document, queried as one dataset.

Graphs:

- ``<doc IRI>``: one source document; ingesting it again replaces it, in one transaction,
  together with its findings graph and its contribution graph;
- ``id:graph/contrib/<file>``: what that document says about shared things (units, policies,
  codes). Contributions are hidden from queries and merged into
- ``id:graph/entities``: the set union of all contributions, so a unit or a policy that many
  documents describe is described once;
- ``id:graph/ontology``, ``id:graph/codelists``: reference data from ``ontology/``;
- ``id:graph/links``: what is the same across documents (a unit's several names, a project's
  predecessor, a probable title variant), derived from the other graphs by :mod:`kg.link` and
  recomputed after every change (``rebuild_derived``).

Queries see the default graph as the union of every graph but the contributions
(Oxigraph's union graph keeps duplicates, which would double SPARQL sums), and ``GRAPH ?g``
ranges over the same graphs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kg import iri
from kg.errors import QueryError, StoreError
from kg.vocab import PREFIXES

Triple = tuple[URIRef, URIRef, Node]

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


# Functions that recompute a graph derived from the others, run after every change of the documents.
# kg.link registers the links graph here (kg.link imports this module, never the reverse).
DERIVED: list[Callable[[Store], object]] = []


def derived_graph(rebuild: Callable[[Store], object]) -> Callable[[Store], object]:
    """Register ``rebuild(store)`` to run after documents are removed (``Store.rebuild_derived``)."""
    if rebuild not in DERIVED:
        DERIVED.append(rebuild)
    return rebuild


def to_ox(term: Node) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def nt(term: Node) -> str:
    """A term in N-Triples / SPARQL syntax."""
    return str(to_ox(term))


class Store:
    """A budget-kg store on disk (``path``), or in memory when ``path`` is None."""

    def __init__(self, path: str | Path | None = None, read_only: bool = False):
        self.path = Path(path) if path is not None else None
        try:
            if self.path is None:
                self._s = ox.Store()
            elif read_only:
                self._s = ox.Store.read_only(str(self.path))
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self._s = ox.Store(str(self.path))
        except OSError as e:
            raise StoreError(f"cannot open the store ({e})", file=str(path)) from e

    def close(self) -> None:
        """Release the store (and its lock on the directory) now, not when the object is collected."""
        self._s = None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ writing

    def replace(self, graphs: dict[URIRef, list[Triple]], entities: Iterable[Triple] = ()) -> None:
        """Replace whole named graphs, and add ``entities`` to the entities graph, atomically."""
        parts = [f"DROP SILENT GRAPH <{g}>" for g in graphs]
        body = []
        for g, triples in graphs.items():
            if triples:
                body.append(f"GRAPH <{g}> {{\n" + "\n".join(f"{nt(s)} {nt(p)} {nt(o)} ." for s, p, o in triples) + "\n}")
        ent = list(entities)
        if ent:
            body.append(f"GRAPH <{iri.ENTITIES}> {{\n" + "\n".join(f"{nt(s)} {nt(p)} {nt(o)} ." for s, p, o in ent) + "\n}")
        if body:
            parts.append("INSERT DATA {\n" + "\n".join(body) + "\n}")
        try:
            self._s.update(" ;\n".join(parts))
        except (OSError, SyntaxError, ValueError) as e:
            raise StoreError(f"cannot write graphs ({e})", file=str(self.path or "memory")) from e

    def replace_document(self, graphs: dict[URIRef, list[Triple]], contrib_graph: URIRef) -> None:
        """Replace a document's graphs; its contribution also goes straight into the entities graph."""
        self.replace(graphs, graphs.get(contrib_graph, []))

    def remove_document(self, file: str) -> bool:
        doc = iri.document(file)
        if not self._s.contains_named_graph(ox.NamedNode(str(doc))):
            return False
        self.replace({doc: [], iri.contrib_graph(file): [], iri.findings_graph(file): [], iri.audit_graph(file): []})
        self.rebuild_entities()
        self.rebuild_derived()
        return True

    def rebuild_derived(self) -> None:
        """Recompute the derived graphs (the links graph, once kg.link is imported) from the others."""
        for rebuild in DERIVED:
            rebuild(self)

    def rebuild_entities(self) -> None:
        """Recompute the entities graph as the union of the contribution graphs."""
        self._s.update(
            f"DROP SILENT GRAPH <{iri.ENTITIES}> ;\n"
            f"INSERT {{ GRAPH <{iri.ENTITIES}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
            f'FILTER(STRSTARTS(STR(?g), "{iri.CONTRIB_PREFIX}")) }}'
        )

    def load_reference(self, graph: URIRef, path: Path) -> int:
        """Replace a reference graph (ontology, code lists) with a Turtle file's content."""
        g = ox.NamedNode(str(graph))
        self._s.update(f"DROP SILENT GRAPH <{graph}>")
        self._s.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=g)
        return sum(1 for _ in self._s.quads_for_pattern(None, None, None, g))

    def flush(self) -> None:
        self._s.flush()

    # ------------------------------------------------------------------ reading

    def graphs(self) -> list[ox.NamedNode]:
        """The graphs queries see (every named graph but the contributions)."""
        return [g for g in self._s.named_graphs() if not g.value.startswith(iri.CONTRIB_PREFIX)]

    def documents(self) -> list[str]:
        """IRIs of the documents in the store."""
        return sorted(g.value for g in self._s.named_graphs() if g.value.startswith(iri.DOC_PREFIX))

    def query(
        self, sparql: str, substitutions: dict[str, Node] | None = None, timeout: float | None = None,
        exclude: Iterable[URIRef] = (),
    ):
        """Run SPARQL over the dataset; the query may use the project prefixes without declaring them.
        ``exclude``: graphs left out of the dataset (the link stage reads everything but its own graph)."""
        left_out = {str(g) for g in exclude}
        graphs = [g for g in self.graphs() if g.value not in left_out]
        subs = {ox.Variable(k): to_ox(v) for k, v in (substitutions or {}).items()}
        try:
            return self._s.query(
                sparql, prefixes=PREFIXES, default_graph=graphs or None, named_graphs=graphs,
                substitutions=subs or None,
            )
        except SyntaxError as e:
            raise QueryError(f"malformed SPARQL: {e}") from e
        except (OSError, ValueError, RuntimeError) as e:
            raise QueryError(f"query failed: {e}") from e

    def select(self, sparql: str, **subs: Node) -> list[dict[str, object]]:
        """SELECT rows as dicts of Python values (str, int, Decimal; IRIs as str)."""
        res = self.query(sparql, substitutions=subs)
        names = [v.value for v in res.variables]
        return [{n: py(sol[n]) for n in names} for sol in res]

    def count(self, graph: URIRef) -> int:
        """Triples in one graph."""
        return sum(1 for _ in self._s.quads_for_pattern(None, None, None, ox.NamedNode(str(graph))))

    def __len__(self) -> int:
        return len(self._s)


def py(term) -> object:
    """A pyoxigraph term → a plain Python value."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.Literal):
        dt = term.datatype.value if term.datatype else ""
        if dt.endswith("#integer") or dt.endswith("#int"):
            return int(term.value)
        if dt.endswith("#decimal"):
            from decimal import Decimal

            return Decimal(term.value)
        if dt.endswith("#boolean"):
            return term.value == "true"
        return term.value
    return str(term)
