"""Dump the store, or one document, in an RDF format (``kg export``).

Five formats, looked up by name in :data:`FORMATS`. N-Quads and TriG keep the named graphs; Turtle,
N-Triples and JSON-LD write their union as one graph, each triple once however many graphs state it.
The serialising is the store's (:meth:`kg.store.Store.dump`), except JSON-LD: the store writes
N-Triples, and rdflib compacts them with the published context (``ontology/context.jsonld``), which
is embedded in the output so that reading it back fetches nothing.

What is exported:

- the whole store: every graph queries see (documents, findings, audit, entities, links, ontology,
  code lists, issuers, laws);
- one document (:func:`document_graphs`): its graph, its findings and audit graphs, and what it says
  about shared things (units, policies, codes) — its contribution, written under the name
  ``id:graph/entities`` where those triples live for queries — so the export is self-describing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import BinaryIO
from urllib.parse import unquote

from kg import iri
from kg.export import ExportError
from kg.export.context import load_context


@dataclass(frozen=True)
class Format:
    """One RDF format ``kg export`` writes."""

    name: str
    label: str
    media_type: str
    extension: str
    union: bool  # True: one graph (triples); False: named graphs kept (quads)


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("ttl", "Turtle", "text/turtle", ".ttl", True),
        Format("nt", "N-Triples", "application/n-triples", ".nt", True),
        Format("nq", "N-Quads", "application/n-quads", ".nq", False),
        Format("trig", "TriG", "application/trig", ".trig", False),
        Format("jsonld", "JSON-LD", "application/ld+json", ".jsonld", True),
    )
}

LIST_DOCUMENTS = "kg query -e 'SELECT ?file WHERE { ?d a bk:BudgetDocument ; bk:sourceFile ?file }'"


@dataclass(frozen=True)
class Exported:
    """What an export wrote: ``statements`` triples (union formats) or quads, from ``graphs`` graphs."""

    fmt: str
    statements: int
    graphs: int
    document: str | None = None  # the file name, for --graph

    def summary(self, size: int) -> str:
        """One line: ``exported 33,392 triples from 15 graphs as ttl (1,699,564 bytes)``.

        >>> Exported("nq", 12, 2, "a.txt").summary(900)
        'exported 12 quads from a.txt (2 graphs) as nq (900 bytes)'
        """
        kind = "triples" if FORMATS[self.fmt].union else "quads"
        what = f"{self.document} ({self.graphs} graphs)" if self.document else f"{self.graphs} graphs"
        return f"exported {self.statements:,} {kind} from {what} as {self.fmt} ({size:,} bytes)"


def file_name(doc_iri: str) -> str:
    """The source file a document IRI names.

    >>> file_name("https://w3id.org/budget-kg/id/doc/a%20b.txt")
    'a b.txt'
    """
    return unquote(doc_iri[len(iri.DOC_PREFIX):])


def resolve_document(store, doc: str) -> str:
    """The IRI of the document ``doc`` names: its IRI, its file name (or a path to the file), or a
    prefix of the file name that only one document has. Raises :class:`ExportError` otherwise."""
    docs = {d: file_name(d) for d in store.documents()}
    if doc in docs:
        return doc
    names = [doc] + ([doc.rsplit("/", 1)[1]] if "/" in doc and not doc.startswith(iri.DOC_PREFIX) else [])
    for name in names:
        exact = [d for d, f in docs.items() if name in (f, d[len(iri.DOC_PREFIX):])]
        if exact:
            return exact[0]
    matches = sorted(d for d, f in docs.items() if doc and f.startswith(doc))
    if len(matches) == 1:
        return matches[0]
    if matches:
        shown = ", ".join(docs[d] for d in matches[:3]) + (" …" if len(matches) > 3 else "")
        raise ExportError(f"--graph {doc!r} matches {len(matches)} documents ({shown}); give more of the file name")
    raise ExportError(f"--graph {doc!r}: no such document among the {len(docs)} in the store; "
                      f"list them with: {LIST_DOCUMENTS}")


def document_graphs(store, doc_iri: str) -> dict[str, str]:
    """The graphs exported for one document, stored name → written name: the document's graph, its
    findings and audit graphs, and its contribution to the shared entities (written as
    ``id:graph/entities``); graphs the store does not hold are left out."""
    from rdflib import URIRef

    from kg.store import contribution_source

    tail = doc_iri[len(iri.DOC_PREFIX):]
    candidates = {
        doc_iri: doc_iri,
        iri.FINDINGS_PREFIX + tail: iri.FINDINGS_PREFIX + tail,
        iri.AUDIT_PREFIX + tail: iri.AUDIT_PREFIX + tail,
        contribution_source(file_name(doc_iri)): str(iri.ENTITIES),
    }
    return {stored: name for stored, name in candidates.items() if store.count(URIRef(stored))}


def export(store, output: BinaryIO, fmt: str, doc: str | None = None) -> Exported:
    """Write the store (or the document ``doc`` names, see :func:`resolve_document`) to ``output``."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    doc_iri = resolve_document(store, doc) if doc is not None else None
    graphs = document_graphs(store, doc_iri) if doc_iri else {g.value: g.value for g in store.graphs()}
    if fmt == "jsonld":
        n = write_jsonld(store, output, graphs)
    else:
        n = store.dump(output, fmt, graphs, union=FORMATS[fmt].union)
    return Exported(fmt, n, len(set(graphs.values())), file_name(doc_iri) if doc_iri else None)


def write_jsonld(store, output: BinaryIO, graphs: dict[str, str]) -> int:
    """The union of ``graphs`` as compact JSON-LD with the published context embedded; returns the
    number of triples."""
    from rdflib import Graph

    nt = io.BytesIO()
    n = store.dump(nt, "nt", graphs, union=True)
    g = Graph()
    g.parse(data=nt.getvalue().decode("utf-8"), format="nt")
    g.serialize(destination=output, format="json-ld", context=load_context()["@context"], auto_compact=True)
    return n
