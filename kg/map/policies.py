"""Policy citations → triples: the reference in the document's graph; the policy, who issued it and
what kind of basis it is among the shared entities (the document's contribution graph).

One node per real document: a number's canonical form (kg.policy.docno) names it, else a law's full
title (the alias table, kg.policy.laws), else the title as cited. Its issuer comes from the organs
the text names beside the citation when they are full names, else from the issuer table by longest
code prefix (kg.policy.issuers); either way ``bk:issuerEvidence`` says which. A code the table does
not know leaves the policy without ``bk:issuedBy``.
"""

from __future__ import annotations

from rdflib import URIRef

from kg import iri
from kg.extract.citations import BASIS, role
from kg.map.graphs import Out
from kg.model import Extraction, PolicyRef
from kg.policy.basis import basis_kind, prose_kind
from kg.policy.issuers import Organ, organ_by_iri, organs_named, resolve_code, title_issuer
from kg.policy.laws import law, is_law
from kg.vocab import BK, DCTERMS, ORG, PROV, RDF, RDFS, SKOS

_KIND_CLASS = {"contract": BK.Contract, "request": BK.Request}


def policy_node(ref: PolicyRef) -> URIRef:
    if ref.docno:
        return iri.policy(ref.docno)
    found = law(ref.title)
    return found.iri if found else iri.policy_title(ref.title or ref.raw)


def map_citation(out: Out, shared: Out, d: URIRef, node: URIRef, ref: PolicyRef, projects: list[URIRef]) -> None:
    pol = policy_node(ref)
    cited_in = projects[ref.project] if ref.project is not None else d
    r = role(ref)
    out.add(cited_in, BK.justifiedBy if r == "justifiedBy" else BK.mentions, pol)
    if r == "justifiedBy":
        out.add(cited_in, BK.hasBasis, pol)
    out.add(node, RDF.type, BK.PolicyReference)
    out.add(node, BK.refersTo, pol)
    out.add(node, BK.citedIn, cited_in)
    out.add(node, BK.referenceRole, r)
    out.add(node, BK.rawText, ref.raw_docno or ref.raw)
    out.add(node, BK.citedTitle, ref.title)
    out.add(node, BK.section, ref.section)
    out.add(node, BK.issuerName, ref.issuer_text)
    out.add(node, BK.approvalNote, ref.approval)
    out.prov(node, d, ref.span)
    describe_policy(shared, d, pol, ref)


def describe_policy(shared: Out, d: URIRef, pol: URIRef, ref: PolicyRef) -> None:
    """What one citation tells about the policy itself: number, title, kind, issuer."""
    found = None if ref.docno else law(ref.title)
    title = found.title if found else ref.title
    shared.add(pol, RDF.type, BK.PolicyDocument)
    shared.add(pol, PROV.wasDerivedFrom, d)
    shared.add(pol, RDFS.label, ref.docno or title)
    shared.add(pol, BK.docNumber, ref.docno)
    shared.add(pol, BK.issuerCode, ref.issuer_code)
    shared.add(pol, BK.issueYear, ref.year)
    shared.add(pol, BK.serialNumber, ref.serial)
    shared.add(pol, DCTERMS.title, title)
    if found is not None and ref.title != found.title:
        shared.add(pol, SKOS.altLabel, ref.title)  # the short title it was cited under
    if ref.raw_docno and ref.raw_docno != ref.docno:
        shared.add(pol, SKOS.hiddenLabel, ref.raw_docno)
    if not ref.docno and is_law(title):
        shared.add(pol, RDF.type, BK.Law)
    kind = basis_kind(title)
    if kind:
        shared.add(pol, RDF.type, _KIND_CLASS[kind])
    shared.add(pol, BK.approvalNote, ref.approval)
    _issuer(shared, d, pol, ref, found.issuer if found else None)


def _issuer(shared: Out, d: URIRef, pol: URIRef, ref: PolicyRef, law_issuer: URIRef | None) -> None:
    printed = ref.issuer_text or title_issuer(ref.title)
    named = organs_named(printed)
    table = resolve_code(ref.issuer_code) if ref.issuer_code else None
    organs: list[Organ] = named or list(table.organs if table else ())
    if not organs and law_issuer is not None:
        organs = [o for o in [organ_by_iri(law_issuer)] if o]
    for o in organs:
        shared.add(pol, BK.issuedBy, o.iri)
        if not o.known:  # named by this document: an organ of its own, with where it was read
            shared.add(o.iri, RDF.type, ORG.Organization)
            shared.add(o.iri, RDFS.label, o.name)
            shared.add(o.iri, BK.region, o.region)
            shared.add(o.iri, BK.adminLevel, o.level)
            shared.add(o.iri, PROV.wasDerivedFrom, d)
    if named:
        shared.add(pol, BK.issuerEvidence, f"named in {ref.span.file} {ref.span.where}: {printed}")
    if table is not None:
        names = "、".join(o.name for o in table.organs) or table.region
        shared.add(pol, BK.issuerEvidence, f"issuer table: {table.prefix} → {names}")
    elif organs and law_issuer is not None:
        shared.add(pol, BK.issuerEvidence, "law table: " + organs[0].name)
    region, level = (organs[0].region, organs[0].level) if organs else (table.region, table.level) if table else (None, None)
    shared.add(pol, BK.issuerRegion, region)
    shared.add(pol, BK.issuerLevel, level)


def map_bases(out: Out, d: URIRef, ex: Extraction, projects: list[URIRef]) -> None:
    """A project whose 立项依据 cites no document rests on prose: a bk:ProseBasis node holds the text
    (also a bk:Contract or bk:Request when the prose names one without quoting its title)."""
    justified = {r.project for r in ex.references if role(r) == "justifiedBy"}
    for i, p in enumerate(ex.projects):
        text = (p.kpi.fields.get(BASIS) or "").strip() if p.kpi else ""
        if not text or i in justified:
            continue
        node = iri.under(projects[i], "basis")
        out.add(projects[i], BK.hasBasis, node)
        out.add(node, RDF.type, BK.ProseBasis)
        kind = prose_kind(text)  # prose that names a contract or a request rests on it
        if kind:
            out.add(node, RDF.type, _KIND_CLASS[kind])
        out.add(node, RDFS.label, text)
        out.prov(node, d, p.kpi.field_spans.get(BASIS) or p.kpi.span)
