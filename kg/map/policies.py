"""Policy citations → triples: the reference in the document's graph, the policy among shared entities."""

from __future__ import annotations

from rdflib import URIRef

from kg import iri
from kg.extract.citations import role
from kg.map.graphs import Out
from kg.model import PolicyRef
from kg.vocab import BK, DCTERMS, PROV, RDF, RDFS, SKOS


def policy_node(ref: PolicyRef) -> URIRef:
    return iri.policy(ref.docno) if ref.docno else iri.policy_title(ref.title or ref.raw)


def map_citation(out: Out, shared: Out, d: URIRef, node: URIRef, ref: PolicyRef, projects: list[URIRef]) -> None:
    pol = policy_node(ref)
    cited_in = projects[ref.project] if ref.project is not None else d
    r = role(ref)
    out.add(cited_in, BK.justifiedBy if r == "justifiedBy" else BK.mentions, pol)
    out.add(node, RDF.type, BK.PolicyReference)
    out.add(node, BK.refersTo, pol)
    out.add(node, BK.citedIn, cited_in)
    out.add(node, BK.referenceRole, r)
    out.add(node, BK.rawText, ref.raw_docno or ref.raw)
    out.add(node, BK.citedTitle, ref.title)
    out.add(node, BK.section, ref.section)
    out.add(node, BK.issuerName, ref.issuer_text)
    out.prov(node, d, ref.span)
    shared.add(pol, RDF.type, BK.PolicyDocument)
    shared.add(pol, PROV.wasDerivedFrom, d)
    shared.add(pol, RDFS.label, ref.docno or ref.title)
    shared.add(pol, BK.docNumber, ref.docno)
    shared.add(pol, BK.issuerCode, ref.issuer_code)
    shared.add(pol, BK.issueYear, ref.year)
    shared.add(pol, BK.serialNumber, ref.serial)
    shared.add(pol, DCTERMS.title, ref.title)
    if ref.raw_docno and ref.raw_docno != ref.docno:
        shared.add(pol, SKOS.hiddenLabel, ref.raw_docno)
