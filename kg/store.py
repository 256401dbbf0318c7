"""The embedded Oxigraph store: one named graph per document, queried as one dataset.

Graphs:

- ``<doc IRI>``: one source document, with ``id:graph/findings/<file>`` and
  ``id:graph/audit/<file>``; ingesting it again replaces them;
- ``id:graph/entities``: what documents say about shared things (units, policies, codes), each
  triple once however many documents state it. Each document's contribution is kept in the
  store's ledger (:mod:`kg.ledger`, a SQLite file beside the data), which is what lets a document
  be replaced or removed while the entities graph stays the set union of the contributions — a
  document at a time, without reading the store;
- ``id:graph/ontology``, ``id:graph/codelists``, ``id:graph/issuers``, ``id:graph/laws``: reference
  data from ``ontology/``;
- ``id:graph/links``: what is the same across documents, derived by :mod:`kg.link`.

Queries see the default graph as the union of all named graphs (Oxigraph's union default graph:
each triple pattern is one index lookup whatever the number of graphs), and ``GRAPH ?g`` ranges
over the same graphs — unless the query's ``FROM`` / ``FROM NAMED`` or the protocol's
``default-graph-uri`` / ``named-graph-uri`` choose another dataset, which is then exactly the one
SPARQL 1.1 defines (:mod:`kg.dataset`). Variables are bound by an inlined ``VALUES`` (:func:`bind`), which
Oxigraph's optimiser joins first.

Writing documents is two Oxigraph steps — drop their old graphs (and the entity triples no other
document states), then add the new quads with the bulk loader, a batch at a time
(:meth:`Store.store_documents`) — between a ledger mark ``writing`` and ``stored`` of each: a document
is never seen half written, and one whose ingest was cut short between the two is found at the next
writable open and removed (:attr:`Store.recovered`). Closing a store opened for writing leaves no
write-ahead log behind (:func:`drop_logs`). A store keeps at most 256 of its table files open, so that
the memory of their indexes does not grow with the store (:mod:`kg.openfiles`).
"""

from __future__ import annotations

import functools
import itertools
import json
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kg import iri
from kg.dataset import Dataset, from_query
from kg.errors import QueryError, StoreError
from kg.ledger import Ledger
from kg.openfiles import bounded
from kg.queries import indexed_queries
from kg.resources import ontology_dir
from kg.rowsets import pack_rows, unpack_columns, unpack_rows
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
    "rdfxml": ox.RdfFormat.RDF_XML,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
}


# Functions that bring a graph derived from the others up to date, run after a change of the documents.
# kg.link registers the links graph here (kg.link imports this module, never the reverse).
DERIVED: list[Callable[..., object]] = []
RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
#: a pseudo graph name for Store.dump and Store.count: a document's contribution, from the ledger
CONTRIBUTION = "contribution:"


def contribution_source(file: str) -> str:
    """What :meth:`Store.dump` reads a document's contribution to the entities graph from."""
    return CONTRIBUTION + file


def derived_graph(rebuild: Callable[..., object]) -> Callable[..., object]:
    """Register ``rebuild(store, changed)`` to run after documents are removed (``Store.rebuild_derived``;
    ``changed``: the IRIs of the documents removed, None for everything)."""
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


@dataclass
class Encoded:
    """One document ready to store (made by :func:`encode`, in a worker process): the names of its
    graphs, their quads as N-Quads, and its contribution to the entities graph as N-Triples lines."""

    file: str
    graphs: list[str]
    nquads: bytes
    statements: list[str]
    sha256: str = ""
    path: str | None = None
    version: int = 0  # the graph version it was read with (kg.map.GRAPH_VERSION)
    #: its part of each indexed answer (:func:`document_answers`): (query, key IRI, its rows: :func:`pack_rows`)
    answers: list[tuple[str, str, str]] = field(default_factory=list)
    #: how many quads ``nquads`` holds (counted once: the writer asks after every document of a batch)
    quads: int = -1

    def __len__(self) -> int:
        if self.quads < 0:
            self.quads = self.nquads.count(b"\n") + bool(self.nquads)
        return self.quads + len(self.statements)


def encode(
    file: str, graphs: dict[URIRef, list[Triple]], contribution: Iterable[Triple] = (),
    sha256: str = "", path: str | None = None,
) -> Encoded:
    """A document's graphs and contribution in the form :meth:`Store.store_documents` writes."""
    cache: dict[Node, str] = {}

    def term(t: Node) -> str:
        out = cache.get(t)
        if out is None:
            out = cache[t] = nt(t)
        return out

    lines = []
    for g, triples in graphs.items():
        gs = term(g)
        lines.extend(f"{term(s)} {term(p)} {term(o)} {gs} ." for s, p, o in triples)
    statements = sorted({f"{term(s)} {term(p)} {term(o)} ." for s, p, o in contribution})
    return Encoded(file, [str(g) for g in graphs], "\n".join(lines).encode("utf-8"), statements, sha256, path,
                   quads=len(lines))


def reference_files() -> dict[str, tuple[Path, ...]]:
    """Graph IRI → Turtle files of the reference data: the ontology, the code lists (the national
    functional classification with them), the issuer table and the law table."""
    d = ontology_dir()  # the folder of ontology/*.ttl
    graphs = {iri.ONTOLOGY: ("budget-kg.ttl",), iri.CODELISTS: ("codelists.ttl", "functional.ttl"),
              iri.ISSUERS: ("issuers.ttl",), iri.LAWS: ("laws.ttl",)}
    return {str(g): tuple(d / name for name in names) for g, names in graphs.items()}


def document_answers(
    enc: Encoded, queries: dict[str, tuple[str, str]], reference: dict[str, tuple[Path, ...]] | None = None,
) -> list[tuple[str, str, str]]:
    """One document's part of each answer in ``queries`` (name → (SPARQL, key variable)), asked of
    the document's own graphs and contribution, with the ``reference`` graphs (graph IRI → Turtle
    files: the ontology and code lists every store holds), in an in-memory store (a few milliseconds,
    in the worker). A query qualifies when its answer over the store is the union of these parts: no
    row joins facts that only another document states (``trace-policy.rq``, ``project-indicators.rq``).
    The ledger keeps the parts by the key's IRI, so that the trace reads the rows of one policy
    without a join over the store (:meth:`Store.indexed`)."""
    wanted = frozenset().union(*(named_predicates(q) for q, _ in queries.values()))
    entities = f" <{iri.ENTITIES}> ."
    lines = itertools.chain(enc.nquads.decode("utf-8").split("\n"), (t[:-2] + entities for t in enc.statements))
    read = "\n".join(x for x in lines if x.partition(" ")[2].partition(" ")[0] in wanted)  # its predicate
    # a fresh store for each document: an in-memory Oxigraph keeps every string it has seen, so one
    # kept for all of them would grow with the corpus
    mem = ox.Store()
    refs = tuple(sorted((g, tuple(map(str, paths))) for g, paths in (reference or {}).items()))
    mem.load(_reference_nquads(refs, wanted) + read.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    out = []
    for name, (sparql, key) in queries.items():
        res = mem.query(sparql, prefixes=PREFIXES, use_default_graph_as_union=True)
        names = [v.value for v in res.variables]
        by_key: dict[str, list[dict]] = {}  # in the order of the answer
        for sol in res:
            row = dict(zip(names, map(py, sol)))
            if row.get(key):
                by_key.setdefault(row[key], []).append(row)
        out.extend((name, k, pack_rows(rows)) for k, rows in by_key.items())
    return out



@functools.cache
def named_predicates(sparql: str) -> frozenset[str]:
    """The predicates ``sparql`` names (prefixed names and full IRIs), as N-Triples IRIs (``a`` is
    rdf:type): the only triples a query with no variable predicate can read (an indexed query, or an
    audit check of scope "document", must have none).

    >>> sorted(named_predicates("SELECT * { ?s a bk:X ; <http://e/p> ?o ; skos:notation ?n }"))
    ['<http://e/p>', '<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>', '<http://www.w3.org/2004/02/skos/core#notation>', '<https://w3id.org/budget-kg/ontology#X>']
    """
    names = {f"<{PREFIXES[p]}{local}>" for p, local in re.findall(r"\b([a-z]+):([A-Za-z_][\w-]*)", sparql) if p in PREFIXES}
    names |= set(re.findall(r"<https?://[^>\s]+>", sparql))
    return frozenset(names | {f"<{PREFIXES['rdf']}type>"})


@functools.lru_cache(maxsize=4)
def _reference_nquads(reference: tuple[tuple[str, tuple[str, ...]], ...], wanted: frozenset[str]) -> bytes:
    """The quads of the reference graphs ((graph IRI, Turtle files), …) whose predicate is
    ``wanted``, as N-Quads: read once in a process."""
    mem = ox.Store()
    for g, paths in reference:
        for path in paths:
            mem.load(path=path, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(g))
    lines = [f"{q.subject} {q.predicate} {q.object} {q.graph_name} ." for q in mem if str(q.predicate) in wanted]
    return ("\n".join(lines) + "\n").encode("utf-8")



class Quads:
    """Quads for a bulk add, built from rdflib terms with the IRIs converted once each."""

    def __init__(self) -> None:
        self.items: list[ox.Quad] = []
        self._iris: dict[str, ox.NamedNode] = {}

    def term(self, t: Node):
        if isinstance(t, URIRef):
            n = self._iris.get(t)
            if n is None:
                n = self._iris[t] = ox.NamedNode(str(t))
            return n
        return to_ox(t)

    def add_all(self, graph: URIRef, triples: Iterable[Triple]) -> None:
        g = self.term(graph)
        term = self.term
        self.items.extend(ox.Quad(term(s), term(p), term(o), g) for s, p, o in triples)


#: a read-only open that meets the writer's compaction half-way is tried again, this many times
READ_ONLY_TRIES = 8


def _open_read_only(path: Path) -> ox.Store:
    """Open a store read-only while a writer may be compacting it: RocksDB lists the table files of
    its manifest, and one that compaction deleted in between fails the open ("No such file"); the
    next try reads the new manifest."""
    for attempt in range(READ_ONLY_TRIES):
        try:
            return bounded(lambda: ox.Store.read_only(str(path)))
        except (OSError, RuntimeError) as e:
            if "No such file" not in str(e) or attempt == READ_ONLY_TRIES - 1:
                raise OSError(str(e)) from e
            time.sleep(0.02 * (attempt + 1))
    raise AssertionError("unreachable")


#: write-ahead log (bytes, all files) that a closed store may keep: a few bytes are an open's own
LOG_LEFT = 1 << 20


def drop_logs(path: Path) -> bool:
    """Delete RocksDB's write-ahead logs of the closed store ``path`` that hold only what is flushed
    already, by opening it writable once more (True when there were such logs and they are gone).

    Oxigraph's ``flush`` writes every memory table to disk, but RocksDB keeps the log of the
    transactional writes (the link stage's updates, the graphs a replaced document drops) until the next
    writable open, which finds it flushed and deletes it: an ingest of 10,000 documents left 57 MiB of log, a
    store opened again later 107 MB (0.3 s to open and close). A log of a few bytes is the open's own. When
    the store is still open (another handle in this process, another process), nothing is done: the next
    writable open deletes them."""
    if log_bytes(path) < LOG_LEFT:
        return False
    try:
        bounded(lambda: ox.Store(str(path)))
    except OSError:
        return False
    return log_bytes(path) < LOG_LEFT


def log_bytes(path: Path) -> int:
    """Bytes of the write-ahead logs (RocksDB's ``*.log``) in the store folder ``path``."""
    total = 0
    for f in path.glob("*.log"):
        try:
            total += f.stat().st_size
        except FileNotFoundError:  # deleted by RocksDB meanwhile
            pass
    return total


class Store:
    """A budget-kg store on disk (``path``), or in memory when ``path`` is None."""

    def __init__(self, path: str | Path | None = None, read_only: bool = False):
        self.path = Path(path) if path is not None else None
        self.read_only = read_only
        self.recovered: list[tuple[str, str | None]] = []  # (file, path) of ingests found cut short, removed
        self.relinked: list[str] = []  # documents an ingest cut short had stored but not linked, linked at the open
        try:
            if self.path is None:
                self._s = ox.Store()
            elif read_only:
                self._s = _open_read_only(self.path)
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self._s = bounded(lambda: ox.Store(str(self.path)))
            self.ledger = Ledger(self.path, read_only=read_only)
        except OSError as e:
            from kg.storelock import lock_message

            raise StoreError(lock_message(self.path, e) or f"cannot open the store ({e})", file=str(path)) from e
        except sqlite3.Error as e:
            raise StoreError(f"cannot open the store's ledger ({e})", file=str(path)) from e
        if not read_only:
            self._migrate()
            self._recover()

    def close(self) -> None:
        """Release the store (and its lock on the directory) now, not when the object is collected;
        a writable store leaves no write-ahead log behind (:func:`drop_logs`)."""
        if getattr(self, "ledger", None) is not None:
            self.ledger.close()
            self.ledger = None
        wrote = getattr(self, "_s", None) is not None and self.path is not None and not self.read_only
        self._s = None
        if wrote:
            drop_logs(self.path)

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ writing

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError("the store is open read-only (kg.open(..., writable=True) to change it)",
                             file=str(self.path))

    def _update(self, sparql: str) -> None:
        try:
            self._s.update(sparql)
        except (OSError, SyntaxError, ValueError) as e:
            raise StoreError(f"cannot write graphs ({e})", file=str(self.path or "memory")) from e

    def _extend(self, quads: list[ox.Quad]) -> None:
        try:
            self._s.extend(quads)
        except (OSError, ValueError) as e:
            raise StoreError(f"cannot write graphs ({e})", file=str(self.path or "memory")) from e

    def replace(self, graphs: dict[URIRef, list[Triple]], entities: Iterable[Triple] = ()) -> None:
        """Replace whole named graphs, and add ``entities`` to the entities graph, atomically (one
        SPARQL update: for small graphs — the audit, the links, reference data)."""
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
        self._update(" ;\n".join(parts))

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

    def replace_document(
        self, file: str, graphs: dict[URIRef, list[Triple]], contribution: Iterable[Triple] = (),
        sha256: str = "", path: str | None = None,
    ) -> None:
        """Store one document: replace its ``graphs`` (its own, findings, audit) and make
        ``contribution`` its part of the entities graph (see the module docstring), with its part of
        the indexed answers (:func:`document_answers`; ``kg ingest`` computes them in its workers)."""
        enc = encode(file, graphs, contribution, sha256, path)
        enc.answers = document_answers(enc, indexed_queries(), reference_files())
        self.store_documents([enc])

    def store_documents(self, batch: list[Encoded]) -> None:
        """Store documents encoded by :func:`encode` (in worker processes): each replaces what the
        store held under its file name. The batch is written in one bulk load, between the ledger
        marks ``writing`` and ``stored`` of each document (see the module docstring)."""
        self._writable()
        if not batch:
            return
        drops: list[str] = []
        gone_all: set[str] = set()
        fresh_all: list[str] = []
        data: list[bytes] = []
        entities = f" <{iri.ENTITIES}> ."
        for e in batch:
            doc = iri.document(e.file)
            known = self.ledger.stored(e.file) is not None or self._s.contains_named_graph(ox.NamedNode(str(doc)))
            self.ledger.begin(e.file, e.sha256, e.path, e.version)
            gone, fresh = self.ledger.swap(e.file, set(e.statements))
            self.ledger.put_answers(e.file, e.answers)
            if known:
                drops.extend(f"DROP SILENT GRAPH <{g}>" for g in e.graphs)
            gone_all |= gone
            fresh_all.extend(t[:-2] + entities for t in sorted(fresh))
            data.append(e.nquads)
            aliases = self.ledger.aliases(e.file)
            if aliases:
                data.append("\n".join(f"<{doc}> {nt(BK.alsoPublishedAs)} {nt(Literal(a))} <{doc}> ." for a in aliases).encode())
        gone_all -= {t[:-len(entities)] + " ." for t in fresh_all}
        if gone_all:
            drops.append(f"DELETE DATA {{ GRAPH <{iri.ENTITIES}> {{\n" + "\n".join(sorted(gone_all)) + "\n} }")
        if drops:
            self._update(" ;\n".join(drops))
        data.append("\n".join(fresh_all).encode("utf-8"))
        try:
            # lenient: every term was written by pyoxigraph itself (:func:`encode`, :func:`nt`), its IRIs
            # checked when it was made, in the worker; checking them again here cost the writer 14 ms of
            # CPU a document (bench/store_profile.py): more than half of what the load's own thread does
            self._s.bulk_load(b"\n".join(d for d in data if d), format=ox.RdfFormat.N_QUADS, lenient=True)
        except (OSError, SyntaxError, ValueError) as err:
            raise StoreError(f"cannot write graphs ({err})", file=str(self.path or "memory")) from err
        for e in batch:
            self.ledger.finish(e.file)

    def document_with_content(self, sha256: str) -> str | None:
        """The file name under which a document with this content (its SHA-256) is stored, if any."""
        return self.ledger.by_content(sha256)

    def stored_content(self, file: str, version: int | None = None) -> str | None:
        """The content hash of the stored document ``file``, if it is stored (by graph ``version``,
        when given)."""
        return self.ledger.stored(file, version)

    def add_alias(self, file: str, alias: str) -> None:
        """Record that the stored document ``file`` was also given as ``alias`` (the same content
        under another file name): in the ledger, and in the document's own graph."""
        self._writable()
        self.ledger.add_alias(alias, file)
        doc = iri.document(file)
        self._update(f"INSERT DATA {{ GRAPH <{doc}> {{ <{doc}> {nt(BK.alsoPublishedAs)} {nt(Literal(alias))} }} }}")

    def remove_document(self, file: str) -> bool:
        doc = iri.document(file)
        if not self._s.contains_named_graph(ox.NamedNode(str(doc))) and self.ledger.stored(file) is None:
            return False
        self._drop_document(file)
        self.rebuild_derived({str(doc)})
        return True

    def _drop_document(self, file: str) -> None:
        gone = self.ledger.remove(file)
        parts = [f"DROP SILENT GRAPH <{g}>" for g in (iri.document(file), iri.findings_graph(file), iri.audit_graph(file))]
        if gone:
            parts.append(f"DELETE DATA {{ GRAPH <{iri.ENTITIES}> {{\n" + "\n".join(sorted(gone)) + "\n} }")
        self._update(" ;\n".join(parts))

    def rebuild_derived(self, changed: set[str] | None = None) -> None:
        """Bring the derived graphs (the links graph, once kg.link is imported) up to date with a
        change of the ``changed`` documents (IRIs; None: recompute from everything)."""
        for rebuild in DERIVED:
            rebuild(self, changed)

    def rebuild_entities(self) -> None:
        """Recompute the entities graph from the ledger's contributions (after an interrupted ingest;
        a normal ingest keeps it up to date a document at a time)."""
        self._writable()
        self._update(f"DROP SILENT GRAPH <{iri.ENTITIES}>")
        batch: list[str] = []
        for t in self.ledger.all_triples():
            batch.append(t)
            if len(batch) >= 50_000:
                self._load_entities(batch)
                batch = []
        self._load_entities(batch)

    def _load_entities(self, statements: list[str]) -> None:
        if statements:
            data = "\n".join(statements).encode("utf-8")
            self._s.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(iri.ENTITIES)))

    def _recover(self) -> None:
        """Documents whose ingest was cut short: finished when their graph holds their content, else
        removed (with the entities graph rebuilt), and listed in :attr:`recovered`; documents stored
        but not linked (the ingest died before its link stage) are linked, when the link stage is
        loaded (:data:`DERIVED`), and listed in :attr:`relinked`."""
        unlinked = self.ledger.unlinked()  # stored by an ingest that died before its link stage
        if unlinked and DERIVED:
            self.rebuild_derived({str(iri.document(f)) for f in unlinked})
            self.ledger.mark_linked(unlinked)
            self.relinked = unlinked
        cut = self.ledger.interrupted()
        if not cut:
            return
        removed = []
        for file, path in cut:
            sha = self._doc_value(iri.document(file), BK.sha256)
            if sha is not None and sha == self._ledger_sha(file) and self._graph_complete(file):
                self.ledger.finish(file)
                continue
            self._drop_document(file)
            removed.append((file, path))
        if removed:
            self.rebuild_entities()
            self.rebuild_derived({str(iri.document(f)) for f, _ in removed})
        self.recovered = removed

    def _ledger_sha(self, file: str) -> str | None:
        row = self.ledger.db.execute("SELECT sha256 FROM documents WHERE file = ?", (file,)).fetchone()
        return row[0] if row else None

    def _graph_complete(self, file: str) -> bool:
        """The document's graph was written whole (the bulk add is one transaction: its type triple
        is there only if everything is)."""
        doc = ox.NamedNode(str(iri.document(file)))
        return any(True for _ in self._s.quads_for_pattern(doc, to_ox(RDF_TYPE), to_ox(BK.BudgetDocument), doc))

    def _doc_value(self, doc: URIRef, prop: URIRef) -> str | None:
        g = ox.NamedNode(str(doc))
        for q in self._s.quads_for_pattern(g, to_ox(prop), None, g):
            return q.object.value
        return None

    def _migrate(self) -> None:
        """A store written before the ledger kept each document's contribution in a hidden graph
        ``id:graph/contrib/<file>``: move them into the ledger (and the manifest of its documents),
        then drop those graphs, once."""
        contrib = [g for g in self._s.named_graphs() if g.value.startswith(iri.CONTRIB_PREFIX)]
        if not contrib:
            return
        for g in contrib:
            doc = URIRef(iri.DOC_PREFIX + g.value[len(iri.CONTRIB_PREFIX):])
            file = self._doc_value(doc, BK.sourceFile)
            if file is not None:
                self.ledger.begin(file, self._doc_value(doc, BK.sha256) or "", None)
                self.ledger.swap(file, {f"{q.subject} {q.predicate} {q.object} ." for q in self._s.quads_for_pattern(None, None, None, g)})
                self.ledger.finish(file)
            self._s.remove_graph(g)
        self.rebuild_entities()

    def load_reference(self, graph: URIRef, path: Path, *more: Path) -> int:
        """Replace a reference graph (ontology, code lists) with the content of one or more Turtle files."""
        self._writable()
        if not Path(path).is_file():
            from kg.resources import MissingResource

            raise MissingResource("reference data not installed (set KG_ONTOLOGY_DIR or reinstall budget-kg)",
                                  file=str(path))
        g = ox.NamedNode(str(graph))
        self._s.update(f"DROP SILENT GRAPH <{graph}>")
        for p in (path, *more):
            self._s.load(path=str(p), format=ox.RdfFormat.TURTLE, to_graph=g)
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

    def query(self, sparql: str, substitutions: dict[str, Node] | None = None, timeout: float | None = None,
              dataset: Dataset | None = None):
        """Run SPARQL over the dataset (:mod:`kg.dataset`): ``dataset`` when given (the protocol's
        ``default-graph-uri`` / ``named-graph-uri``), else the query's ``FROM`` / ``FROM NAMED``, else the
        project's: the default graph is the union of all named graphs. The query may use the project
        prefixes without declaring them; ``substitutions`` bind variables (inlined as ``VALUES``, :func:`bind`)."""
        text = bind(sparql, substitutions) if substitutions else sparql
        chosen = dataset or from_query(text, PREFIXES)
        try:
            if chosen is None:
                return self._s.query(text, prefixes=PREFIXES, use_default_graph_as_union=True)
            if len(chosen.default) > 1:  # the RDF merge: a triple several of them state is there once
                return self._merged(chosen).query(text, prefixes=PREFIXES, default_graph=ox.DefaultGraph(),
                                                  named_graphs=[ox.NamedNode(g) for g in chosen.named])
            return self._s.query(text, prefixes=PREFIXES, default_graph=[ox.NamedNode(g) for g in chosen.default],
                                 named_graphs=[ox.NamedNode(g) for g in chosen.named])
        except SyntaxError as e:
            raise QueryError(f"malformed SPARQL: {e}") from e
        except (OSError, ValueError, RuntimeError) as e:
            raise QueryError(f"query failed: {e}") from e

    def _merged(self, chosen: Dataset) -> ox.Store:
        """A store in memory holding the merge of ``chosen.default`` as its default graph and the graphs
        of ``chosen.named`` under their names (Oxigraph repeats a triple several FROM graphs state)."""
        scratch = ox.Store()
        for g in chosen.default:
            scratch.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                           for q in self._s.quads_for_pattern(None, None, None, ox.NamedNode(g)))
        for g in chosen.named:
            scratch.extend(self._s.quads_for_pattern(None, None, None, ox.NamedNode(g)))
        return scratch

    def select(self, sparql: str, **subs: Node) -> list[dict[str, object]]:
        """SELECT rows as dicts of Python values (str, int, Decimal; IRIs as str)."""
        return solutions(self.query(sparql, substitutions=subs))

    def indexed(self, query: str, keys: Iterable[str], columns: tuple[str, ...] | None = None) -> list | None:
        """The rows of the indexed answer ``query`` (see :func:`document_answers`) whose key is one of
        ``keys``, by key, document and row: dicts, or tuples of ``columns`` when given (only those
        decoded); None when the index does not cover every document (a store made before it: ask the
        query instead)."""
        if not self.ledger.answers_complete(query):
            return None
        sets = self.ledger.answers(query, sorted(set(keys)))
        if sets is None:
            return None
        return unpack_rows(sets) if columns is None else unpack_columns(sets, columns)

    def result(self, sparql: str, substitutions: dict[str, Node] | None = None, rows=None):
        """Any query's answer as Python values: SELECT → ``rows(list of dicts, columns)`` (a plain
        list of dicts when ``rows`` is None), ASK → bool, CONSTRUCT / DESCRIBE → Turtle text."""
        return answer(self.query(sparql, substitutions=substitutions), rows)

    def graph_quads(self, graph: str) -> Iterator[ox.Quad]:
        """The quads of one named graph (one index range: its cost is the graph's size)."""
        return self._s.quads_for_pattern(None, None, None, ox.NamedNode(graph))

    def count(self, graph: URIRef) -> int:
        """Triples in one graph (or in a document's contribution, :func:`contribution_source`)."""
        if str(graph).startswith(CONTRIBUTION):
            return len(self.ledger.contribution(str(graph)[len(CONTRIBUTION):]))
        return sum(1 for _ in self._s.quads_for_pattern(None, None, None, ox.NamedNode(str(graph))))

    def _quads_of(self, stored: str, target: ox.NamedNode):
        """The quads of a stored graph, or of a document's contribution, in the graph ``target``."""
        if stored.startswith(CONTRIBUTION):
            data = "\n".join(sorted(self.ledger.contribution(stored[len(CONTRIBUTION):]))).encode("utf-8")
            for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
                yield ox.Quad(t.subject, t.predicate, t.object, target)
            return
        for q in self._s.quads_for_pattern(None, None, None, ox.NamedNode(stored)):
            yield q if q.graph_name == target else ox.Quad(q.subject, q.predicate, q.object, target)

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
                yield from self._quads_of(stored, ox.NamedNode(name))

        if union and any(g.startswith(CONTRIBUTION) for g in chosen):  # one document: small, dedupe here
            items = iter(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads()))
        elif union:
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


_TOKENS = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r"|<[^<>\"{}|^`\\\s]*>|#[^\n]*|\{|\b(?:WHERE|CONSTRUCT|SELECT|ASK|DESCRIBE)\b",
    re.IGNORECASE,
)


def _group_start(sparql: str) -> int | None:
    """Where the query's WHERE group opens (the index of its "{"), strings, IRIs and comments aside."""
    form = None
    seen_where = False
    for m in _TOKENS.finditer(sparql):
        tok = m.group(0)
        word = tok.upper()
        if word in ("CONSTRUCT", "SELECT", "ASK", "DESCRIBE") and form is None:
            form = word
        elif word == "WHERE":
            seen_where = True
        elif tok == "{":
            if form == "CONSTRUCT" and not seen_where:
                continue  # the template of CONSTRUCT { … } WHERE { … }
            return m.start()
    return None


def bind(sparql: str, values: dict[str, Node]) -> str:
    """The query with ``values`` bound by an inlined ``VALUES`` at the head of its WHERE group, which
    Oxigraph joins first (its ``substitutions`` were 10–16× slower on the same store); a list of
    terms binds the variable to each of them.

    >>> from rdflib import URIRef
    >>> bind("SELECT ?x WHERE { ?x <p> ?policy }", {"policy": URIRef("http://x/y")})
    'SELECT ?x WHERE { VALUES ?policy { <http://x/y> } ?x <p> ?policy }'
    >>> bind('CONSTRUCT { ?a <p> "{" } WHERE { ?a ?b ?c } # {', {"a": URIRef("http://a")})
    'CONSTRUCT { ?a <p> "{" } WHERE { VALUES ?a { <http://a> } ?a ?b ?c } # {'
    """
    at = _group_start(sparql)
    if at is None or not values:
        return sparql

    def terms(v) -> str:
        return " ".join(nt(t) for t in v) if isinstance(v, (list, tuple, set, frozenset)) else nt(v)

    head = " ".join(f"VALUES ?{name.lstrip('?$')} {{ {terms(v)} }}" for name, v in values.items())
    return sparql[:at + 1] + " " + head + sparql[at + 1:]


def solutions(res) -> list[dict[str, object]]:
    """SELECT solutions (pyoxigraph's, from the store or an endpoint) as dicts of Python values."""
    names = [v.value for v in res.variables]
    return [dict(zip(names, map(py, sol))) for sol in res]


def answer(res, rows=None):
    """Any query's answer as Python values: SELECT → ``rows(list of dicts, columns)`` (a plain list of
    dicts when ``rows`` is None), ASK → bool, CONSTRUCT / DESCRIBE → Turtle text."""
    if isinstance(res, ox.QueryBoolean):
        return bool(res)
    if isinstance(res, ox.QueryTriples):
        return res.serialize(format=ox.RdfFormat.TURTLE).decode("utf-8")
    dicts = solutions(res)
    return rows(dicts, [v.value for v in res.variables]) if rows else dicts


_XSD = "http://www.w3.org/2001/XMLSchema#"
#: literal datatypes read as Python values other than str
_CONVERT = {_XSD + "integer": int, _XSD + "int": int, _XSD + "decimal": Decimal, _XSD + "boolean": "true".__eq__}


def py(term) -> object:
    """A pyoxigraph term → a plain Python value (called for every cell of every answer: kept lean)."""
    kind = type(term)
    if kind is ox.NamedNode:
        return term.value
    if kind is ox.Literal:
        convert = _CONVERT.get(term.datatype.value)
        return convert(term.value) if convert else term.value
    return None if term is None else str(term)


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
