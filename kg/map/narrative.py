"""The narrative's facts, the headings and the names the document gives its unit → triples.

Each fact is ``<doc>/fact/<n>`` (n from 1, in reading order), a ``bk:NarrativeFact`` with its topic
(``id:concept/topic/<key>``), role, value and units, the words and years it states, the facts it relates to
(``bk:baseFact``, ``bk:changeFact``, ``bk:numeratorFact``, ``bk:denominatorFact``, ``bk:budgetFact``,
``bk:finalFact``), the functional code of a functional topic, and its provenance; each heading
``<doc>/heading/<n>`` and each unit mention ``<doc>/mention/<n>``.
"""

from __future__ import annotations

import datetime

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from kg import iri
from kg.map.graphs import Out
from kg.model import Extraction
from kg.vocab import BK, ID_IRI, RDF, RDFS, SKOS

__all__ = ["map_narrative", "topic"]


def topic(key: str) -> URIRef:
    """The concept of a narrative topic: ``id:concept/topic/<key>``."""
    return URIRef(ID_IRI + "concept/topic/" + key)


def map_narrative(out: Out, d: URIRef, ex: Extraction) -> None:
    nodes = [iri.under(d, "fact", n) for n in range(1, len(ex.facts) + 1)]
    for node, f in zip(nodes, ex.facts):
        out.add(d, BK.statesFact, node)
        out.add(node, RDF.type, BK.NarrativeFact)
        out.add(node, BK.factRole, f.role)
        if f.topic:
            out.add(node, BK.topic, topic(f.topic))
        out.add(node, BK.topicLabel, f.label)
        out.add(node, BK.narrativeSection, f.section)
        if f.value is not None:
            out.add(node, BK.value, Literal(str(f.value), datatype=XSD.decimal))
        out.add(node, BK.valueUnit, f.unit)
        out.add(node, BK.printedUnit, f.printed_unit)
        if f.half is not None:
            out.add(node, BK.halfUnit, Literal(str(f.half), datatype=XSD.decimal))
        out.add(node, BK.statedWord, f.word)
        out.add(node, BK.statedYear, f.year)
        out.add(node, BK.comparedYear, f.compared_year)
        if isinstance(f.as_of, datetime.date):
            out.add(node, BK.asOfDate, Literal(f.as_of.isoformat(), datatype=XSD.date))
        out.add(node, BK.budgetKind, f.budget_kind)
        if f.code:
            out.add(node, BK.aboutClassification, iri.functional(f.code))
        for prop, name in zip((BK.printedClassName, BK.printedSectionName, BK.printedItemName), f.names):
            out.add(node, prop, name)
        if f.over_topic:
            out.add(node, BK.shareOfTopic, topic(f.over_topic))
        for prop, link in ((BK.baseFact, f.base), (BK.changeFact, f.change), (BK.numeratorFact, f.numerator),
                           (BK.denominatorFact, f.denominator), (BK.budgetFact, f.budget), (BK.finalFact, f.final), (BK.priorFact, f.prior)):
            if link is not None and 0 <= link < len(nodes):
                out.add(node, prop, nodes[link])
        out.add(node, SKOS.editorialNote, f.note)
        out.prov(node, d, f.span)
    for n, h in enumerate(ex.headings, start=1):
        node = iri.under(d, "heading", n)
        out.add(d, BK.hasHeading, node)
        out.add(node, RDF.type, BK.Heading)
        out.add(node, RDFS.label, h.text)
        out.add(node, BK.headingKind, h.kind)
        for y in h.years:
            out.add(node, BK.statedYear, y)
        out.prov(node, d, h.span)
    for n, m in enumerate(ex.unit_mentions, start=1):
        node = iri.under(d, "mention", n)
        out.add(d, BK.hasUnitMention, node)
        out.add(node, RDF.type, BK.UnitMention)
        out.add(node, RDFS.label, m.name)
        out.add(node, BK.mentionPlace, m.where)
        out.prov(node, d, m.span)
