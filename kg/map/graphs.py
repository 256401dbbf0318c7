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


#: the literals of plain values made lately, by (type, value) (a Decimal by its printed form: 1.0 and 1.00 are
#: equal as numbers but not as literals); a document repeats most of its values (line numbers, amounts, labels),
#: and a literal is immutable. Emptied when it holds :data:`_LITERALS_MAX`, so it stays small over a corpus:
#: 65,536 of them held 22 MiB of a parsing worker, and 4,096 parse as fast (about 160 ms a generated document).
_LITERALS: dict[tuple, Literal] = {}
_LITERALS_MAX = 1 << 12
_CACHED = (str, int, bool, Decimal)  # floats are not: 0.0 and -0.0 are equal keys of two literals


def literal(o) -> Literal:
    """``Literal(o)``, made once for a value that recurs."""
    cls = o.__class__
    if cls not in _CACHED:
        return Literal(o)
    key = (cls, str(o)) if cls is Decimal else (cls, o)
    lit = _LITERALS.get(key)
    if lit is None:
        if len(_LITERALS) >= _LITERALS_MAX:
            _LITERALS.clear()
        lit = _LITERALS[key] = Literal(o)
    return lit


_DERIVED, _LINE, _PAGE, _BOX, _TEXT, _OCR = (
    PROV.wasDerivedFrom, BK.sourceLine, BK.sourcePage, BK.sourceBox, BK.sourceText, BK.ocrConfidence,
)


class Out:
    def __init__(self, target: list[Triple]):
        self.t = target

    def add(self, s: URIRef, p: URIRef, o) -> None:
        if o is None:
            return
        cls = o.__class__
        if cls is str:
            if not o:
                return
            o = literal(o)
        elif cls is not URIRef and cls is not Literal:
            if o == "":
                return
            if not isinstance(o, (URIRef, Literal)):
                o = literal(o)
        self.t.append((s, p, o))

    def prov(self, node: URIRef, doc: URIRef, span: Span | None) -> None:
        self.add(node, _DERIVED, doc)
        if span is None:
            return
        self.add(node, _LINE, span.line)
        self.add(node, _PAGE, span.page)
        if span.box is not None:
            self.add(node, _BOX, " ".join(f"{v:g}" for v in span.box))
        self.add(node, _TEXT, span.text)
        if span.confidence is not None:
            self.add(node, _OCR, Literal(Decimal(str(round(span.confidence, 4))), datatype=XSD.decimal))
