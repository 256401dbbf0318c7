"""The graphs one document gives, and the writer every mapper adds triples with."""

from __future__ import annotations

from dataclasses import dataclass, field

from decimal import Decimal

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kg import iri
from kg.model import Span
from kg.vocab import BK, PROV

Triple = tuple[URIRef, URIRef, Node]


@dataclass
class Mapped:
    doc: URIRef
    file: str
    triples: list[Triple] = field(default_factory=list)  # the document's graph
    contrib: list[Triple] = field(default_factory=list)  # about shared entities
    findings: list[Triple] = field(default_factory=list)

    def graphs(self) -> dict[URIRef, list[Triple]]:
        """The document's own named graphs; ``contrib`` goes to the shared entities graph (kg.store)."""
        return {
            self.doc: self.triples,
            iri.findings_graph(self.file): self.findings,
            iri.audit_graph(self.file): [],  # the audit of the old content no longer holds: kg audit writes it again
        }

    def __len__(self) -> int:
        return len(self.triples) + len(self.contrib) + len(self.findings)


class Out:
    def __init__(self, target: list[Triple]):
        self.t = target

    def add(self, s: URIRef, p: URIRef, o) -> None:
        if o is None or o == "":
            return
        self.t.append((s, p, o if isinstance(o, (URIRef, Literal)) else Literal(o)))

    def prov(self, node: URIRef, doc: URIRef, span: Span | None) -> None:
        self.add(node, PROV.wasDerivedFrom, doc)
        if span is None:
            return
        self.add(node, BK.sourceLine, span.line)
        self.add(node, BK.sourcePage, span.page)
        if span.box is not None:
            self.add(node, BK.sourceBox, " ".join(f"{v:g}" for v in span.box))
        self.add(node, BK.sourceText, span.text)
        if span.confidence is not None:
            self.add(node, BK.ocrConfidence, Literal(Decimal(str(round(span.confidence, 4))), datatype=XSD.decimal))
