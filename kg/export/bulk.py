"""The store as N-Quads files for an engine's own bulk loader (``kg ingest --nquads DIR``), and each graph's
content in one canonical form (also what ``kg push`` sends and hashes).

One file per document — its graph, its findings graph and its audit graph: ``<file>.nq`` (the name as in
its IRI, ``000_4af2b7ab3d3465e5.txt.nq``) — and one per shared graph, ``graph-<name>.nq``
(``graph-entities.nq``, ``graph-links.nq``, ``graph-ontology.nq``, ``graph-codelists.nq``,
``graph-issuers.nq``, ``graph-laws.nq``). The entities graph is written whole from the store, where it is
the set union of every document's contribution with each triple once; a document's file holds none of
it. So the files loaded together, in any order and by any loader, give exactly the store's quads.

A graph's content is canonical (:func:`graph_ntriples`): its triples as sorted N-Triples lines, blank
nodes relabelled by RDFC-1.0 (only the ontology has any), so the same graph always gives the same bytes.
A file is rewritten only when its bytes change, atomically; ``.nq`` files of documents no longer in the
store are removed (the folder is budget-kg's).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg import iri
from kg.export import ExportError, write_output

SUFFIX = ".nq"


def graph_ntriples(store, graph: str) -> bytes:
    """The triples of one named graph as sorted N-Triples lines, blank nodes canonically labelled."""
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    data = store.query(query).serialize(format=ox.RdfFormat.N_TRIPLES)  # written by Oxigraph, no Python terms
    if b"_:" in data:  # perhaps a blank node (or only a literal holding "_:")
        triples = list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
        if any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples):
            d = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
            d.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
            data = ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in d), format=ox.RdfFormat.N_TRIPLES)
    return b"".join(line + b"\n" for line in sorted(data.splitlines()) if line)


def graph_nquads(store, graph: str) -> bytes:
    """One graph's canonical lines (:func:`graph_ntriples`) as N-Quads in that graph."""
    name = f" <{graph}> .".encode("utf-8")
    return b"".join(line[:-2] + name + b"\n" for line in graph_ntriples(store, graph).splitlines())


def file_for(graph: str) -> str:
    """The file a graph is written to.

    >>> file_for("https://w3id.org/budget-kg/id/doc/000_4af2b7ab3d3465e5.txt")
    '000_4af2b7ab3d3465e5.txt.nq'
    >>> file_for("https://w3id.org/budget-kg/id/graph/audit/000_4af2b7ab3d3465e5.txt")
    '000_4af2b7ab3d3465e5.txt.nq'
    >>> file_for("https://w3id.org/budget-kg/id/graph/entities")
    'graph-entities.nq'
    """
    for prefix in (iri.DOC_PREFIX, iri.FINDINGS_PREFIX, iri.AUDIT_PREFIX):
        if graph.startswith(prefix):
            return graph[len(prefix):] + SUFFIX  # the file's name as a slug: no "/"
    if graph.startswith(iri.GRAPH_PREFIX) and "/" not in graph[len(iri.GRAPH_PREFIX):]:
        return "graph-" + graph[len(iri.GRAPH_PREFIX):] + SUFFIX
    return "graph-other" + SUFFIX


@dataclass
class FilesReport:
    """What :func:`write_nquads` did."""

    folder: Path
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    quads: int = 0
    bytes: int = 0

    def summary(self) -> str:
        files = len(self.written) + self.unchanged
        gone = f", {len(self.removed)} removed" if self.removed else ""
        return (f"{files} N-Quads files ({len(self.written)} written, {self.unchanged} unchanged{gone}): "
                f"{self.quads:,} quads, {self.bytes:,} bytes → {self.folder}")


def write_nquads(store, folder: str | Path, on_file: Callable[[str], None] | None = None) -> FilesReport:
    """Write every graph of ``store`` into ``folder`` as N-Quads files (see the module docstring)."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ExportError(f"cannot make the folder ({e.strerror})", file=str(folder)) from e
    files: dict[str, list[str]] = {}
    for g in sorted(g.value for g in store.graphs()):
        files.setdefault(file_for(g), []).append(g)
    report = FilesReport(folder)
    for name, graphs in sorted(files.items()):
        data = b"".join(graph_nquads(store, g) for g in graphs)
        target = folder / name
        report.quads += data.count(b"\n")
        report.bytes += len(data)
        if target.is_file() and target.read_bytes() == data:
            report.unchanged += 1
        else:
            write_output(lambda f: f.write(data), target, None)
            report.written.append(name)
        if on_file:
            on_file(name)
    for old in sorted(folder.glob("*" + SUFFIX)):
        if old.name not in files:
            old.unlink()
            report.removed.append(old.name)
    return report
