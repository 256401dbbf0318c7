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

import json
from collections.abc import Callable, Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kg import iri
from kg.errors import QueryError, StoreError
from kg.vocab import BK, PREFIXES

Triple = tuple[URIRef, URIRef, Node]

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}

# RDF formats Store.dump writes (kg export): name → pyoxigraph format
DUMP_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
}
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
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
        self.read_only = read_only
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

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError("the store is open read-only (kg.open(..., writable=True) to change it)",
                             file=str(self.path))

    def replace(self, graphs: dict[URIRef, list[Triple]], entities: Iterable[Triple] = ()) -> None:
        """Replace whole named graphs, and add ``entities`` to the entities graph, atomically."""
        self._writable()
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

    def update_graph(self, graph: URIRef, remove: Iterable[Triple] = (), add: Iterable[Triple] = ()) -> None:
        """Remove some triples from one graph and add others, in one transaction (the links graph is
        kept up to date this way, a document at a time)."""
        self._writable()
        g = f"GRAPH <{graph}> {{\n"
        parts = []
        gone, came = list(remove), list(add)
        if gone:
            parts.append("DELETE DATA { " + g + "\n".join(f"{nt(s)} {nt(p)} {nt(o)} ." for s, p, o in gone) + "\n} }")
        if came:
            parts.append("INSERT DATA { " + g + "\n".join(f"{nt(s)} {nt(p)} {nt(o)} ." for s, p, o in came) + "\n} }")
        if parts:
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
        self.rebuild_derived({str(doc)})
        return True

    def document_with_content(self, sha256: str) -> str | None:
        """The file name under which a document with this content (its SHA-256) is stored, if any
        (one index lookup, whatever the size of the store)."""
        for q in self._s.quads_for_pattern(None, to_ox(BK.sha256), ox.Literal(sha256), None):
            if q.graph_name == q.subject:  # stated in the document's own graph
                for f in self._s.quads_for_pattern(q.subject, to_ox(BK.sourceFile), None, q.graph_name):
                    return f.object.value
        return None

    def add_alias(self, file: str, alias: str) -> None:
        """Record that the stored document ``file`` was also given as ``alias`` (the same content
        under another file name), in the document's own graph."""
        self._writable()
        doc = iri.document(file)
        self._s.update(f"INSERT DATA {{ GRAPH <{doc}> {{ <{doc}> {nt(BK.alsoPublishedAs)} {nt(Literal(alias))} }} }}")

    def rebuild_derived(self, changed: set[str] | None = None) -> None:
        """Bring the derived graphs (the links graph, once kg.link is imported) up to date after the
        documents ``changed`` (IRIs) changed; from all the others when None."""
        for rebuild in DERIVED:
            rebuild(self, changed)

    def rebuild_entities(self) -> None:
        """Recompute the entities graph as the union of the contribution graphs."""
        self._writable()
        self._s.update(
            f"DROP SILENT GRAPH <{iri.ENTITIES}> ;\n"
            f"INSERT {{ GRAPH <{iri.ENTITIES}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
            f'FILTER(STRSTARTS(STR(?g), "{iri.CONTRIB_PREFIX}")) }}'
        )

    def load_reference(self, graph: URIRef, path: Path) -> int:
        """Replace a reference graph (ontology, code lists) with a Turtle file's content."""
        self._writable()
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

    def result(self, sparql: str, substitutions: dict[str, Node] | None = None, rows=None):
        """Any query's answer as Python values: SELECT → ``rows(list of dicts, columns)`` (a plain
        list of dicts when ``rows`` is None), ASK → bool, CONSTRUCT / DESCRIBE → Turtle text."""
        res = self.query(sparql, substitutions=substitutions)
        if isinstance(res, ox.QueryBoolean):
            return bool(res)
        if isinstance(res, ox.QueryTriples):
            return res.serialize(format=ox.RdfFormat.TURTLE).decode("utf-8")
        names = [v.value for v in res.variables]
        dicts = [{n: py(sol[n]) for n in names} for sol in res]
        return rows(dicts, names) if rows else dicts

    def count(self, graph: URIRef) -> int:
        """Triples in one graph."""
        return sum(1 for _ in self._s.quads_for_pattern(None, None, None, ox.NamedNode(str(graph))))

    def dump(self, output, fmt: str, graphs: dict[str, str] | None = None, union: bool = False) -> int:
        """Write graphs to ``output`` (a binary stream) in ``fmt`` (a key of ``DUMP_FORMATS``), Turtle
        and TriG with the project prefixes; return how many triples (``union``) or quads were written.

        ``graphs`` maps a stored graph to the name it is written under (default: every graph queries
        see, under its own name). ``union``: one graph, each triple once however many graphs state it
        (ttl, nt, jsonld); otherwise quads graph by graph, in the order of the written names (nq, trig).
        """
        chosen = graphs if graphs is not None else {g.value: g.value for g in self.graphs()}
        written = 0

        def counted(items):
            nonlocal written
            for item in items:
                written += 1
                yield item

        def quads():
            for stored, name in sorted(chosen.items(), key=lambda kv: (kv[1], kv[0])):
                target = ox.NamedNode(name)
                for q in self._s.quads_for_pattern(None, None, None, ox.NamedNode(stored)):
                    yield q if name == stored else ox.Quad(q.subject, q.predicate, q.object, target)

        if union:
            items = self._s.query(
                "CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }",
                named_graphs=[ox.NamedNode(g) for g in chosen],
            ) if chosen else iter(())
        else:
            items = quads()
        prefixes = PREFIXES if fmt in ("ttl", "trig") else None
        try:
            ox.serialize(counted(items), output, DUMP_FORMATS[fmt], prefixes=prefixes)
        except (TypeError, ValueError) as e:
            raise StoreError(f"cannot write {fmt} ({e})", file=str(self.path or "memory")) from e
        return written

    def file_times(self):
        """``(created, modified)`` of the store on disk as UTC datetimes, or None in memory: created
        is RocksDB's IDENTITY file (written once, when the store is made), modified the newest data
        file (tables, write-ahead logs, manifest); opening a store for writing counts as a write."""
        from datetime import datetime, timezone

        if self.path is None or not (self.path / "IDENTITY").exists():
            return None

        def when(p: Path) -> datetime:
            return datetime.fromtimestamp(p.stat().st_mtime, tz=timezone.utc).replace(microsecond=0)

        data = [p for p in self.path.iterdir() if p.suffix in (".sst", ".log") or p.name.startswith("MANIFEST")]
        created = when(self.path / "IDENTITY")
        return created, max([created, *map(when, data)])

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


# ---------------------------------------------------------------- answers as bytes (the endpoint, kg.serve)

def result_form(result) -> str:
    """What a query answered: ``"boolean"`` (ASK), ``"triples"`` (CONSTRUCT, DESCRIBE) or ``"solutions"`` (SELECT)."""
    if isinstance(result, ox.QueryBoolean):
        return "boolean"
    return "triples" if isinstance(result, ox.QueryTriples) else "solutions"


def serialize(result, fmt: str, max_rows: int | None = None) -> tuple[bytes, bool]:
    """A :meth:`Store.query` answer as bytes in ``fmt`` (a key of RESULT_FORMATS for SELECT and ASK,
    of GRAPH_FORMATS for CONSTRUCT and DESCRIBE), keeping at most ``max_rows`` solutions or triples;
    returns ``(bytes, truncated)``. Triples are deduplicated (the union default graph repeats a triple
    stated in several graphs); Turtle uses the project prefixes.

    >>> s = Store()
    >>> serialize(s.query("SELECT ?x WHERE { VALUES ?x { 1 2 3 } }"), "csv", max_rows=2)
    (b'x\\r\\n1\\r\\n2\\r\\n', True)
    >>> serialize(s.query("ASK { ?s ?p ?o }"), "json")
    (b'{"head":{},"boolean":false}', False)
    """
    try:
        if isinstance(result, ox.QueryBoolean):
            return result.serialize(format=RESULT_FORMATS[fmt]), False
        if isinstance(result, ox.QueryTriples):
            triples = dict.fromkeys(_first(result, max_rows))
            truncated = max_rows is not None and len(triples) > max_rows
            kept = list(triples)[:max_rows] if truncated else list(triples)
            prefixes = PREFIXES if fmt == "turtle" else None
            return ox.serialize(kept, format=GRAPH_FORMATS[fmt], prefixes=prefixes), truncated
        if max_rows is None:
            return result.serialize(format=RESULT_FORMATS[fmt]), False
        names = [v.value for v in result.variables]
        rows = list(_first(result, max_rows))
        truncated = len(rows) > max_rows
        # the first rows go back through pyoxigraph's own writers by way of the JSON results format
        bindings = [{n: _json_term(t) for n, t in zip(names, row) if t is not None} for row in rows[:max_rows]]
        data = json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}}).encode("utf-8")
        kept = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
        return kept.serialize(format=RESULT_FORMATS[fmt]), truncated
    except (OSError, SyntaxError, ValueError, RuntimeError) as e:
        raise QueryError(f"query failed: {e}") from e


def _first(result, max_rows: int | None):
    """The solutions or triples of an answer, stopping one past ``max_rows`` (enough to know it was cut)."""
    for n, item in enumerate(result):
        if max_rows is not None and n > max_rows:
            return
        yield item


def _json_term(term) -> dict:
    """One term in the SPARQL 1.1 Query Results JSON format."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {
            "subject": _json_term(term.subject), "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        }}
    raise TypeError(f"not an RDF term: {term!r}")


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
