"""Embedded policy documents, their catalogue, and the catalogues a unit follows → triples.

- An embedded document is the policy node of its number (among the shared entities): its title,
  issuer as printed (bk:issuerName), date (dcterms:issued), recipients, bk:embeddedIn the budget
  document, and what it cites: bk:forwards / bk:basedOn (each also bk:cites, so a query on bk:cites
  sees every link) or bk:cites, to the cited policy nodes.
- Where it is printed is a node of the document's own graph, one per reproduction
  (``<doc>/reproduction/<n>``, a bk:Reproduction: bk:reproduces the policy, with its source line or
  page and text). A policy reproduced by many documents is one node with many reproductions, each
  location paired with its document; on the shared policy node they would be n files and n lines
  that nothing pairs.
- The catalogue it prints is a skos:ConceptScheme ``<policy>/catalogue`` (bk:issuesCatalogue), in
  the document's own graph: levels 1-3 are ``<scheme>/<code>``, level 4 ``<scheme>/<department>/<code>``
  (a fourth-level code is unique only within its department). A level 1-3 concept lists every
  department it is printed under (bk:catalogueDepartment); its prefLabel is the name most rows
  print (a name cut short counts for the whole name), the other names are hidden labels.
- The unit follows a catalogue: bk:followsCatalogue to the policy that issues it.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from rdflib import URIRef

from kg import iri
from kg.map.graphs import Out
from kg.map.policies import describe_policy, policy_node
from kg.model import CatalogueItem, EmbeddedDocument, Extraction, PolicyRef
from kg.policy.docno import parse_docno
from kg.vocab import BK, DCTERMS, RDF, SKOS

RELATIONS = {"forwards": BK.forwards, "basedOn": BK.basedOn}


def _own_ref(e: EmbeddedDocument) -> PolicyRef:
    """The embedded document described as a citation of itself, for :func:`describe_policy`."""
    parsed = parse_docno(e.docno) if e.docno else None
    return PolicyRef(
        raw=e.span.text, docno=e.docno, title=e.title, section="收录文件", span=e.span,
        issuer_code=parsed.issuer_code if parsed else None, year=parsed.year if parsed else None,
        serial=parsed.serial if parsed else None, issuer_text=e.issuer, raw_docno=e.raw_docno,
    )


def _node(e: EmbeddedDocument) -> URIRef:
    return iri.policy(e.docno) if e.docno else iri.policy_title(e.title or e.span.text)


def map_embedded(ex: Extraction, d: URIRef, out: Out, shared: Out) -> None:
    nodes = {e.docno: _node(e) for e in ex.embedded if e.docno}
    titles = {_node(e): e.title for e in ex.embedded}  # what the documents call themselves
    for n, e in enumerate(ex.embedded, 1):
        node = _node(e)
        describe_policy(shared, d, node, _own_ref(e))
        shared.add(node, BK.issuerName, e.issuer)
        shared.add(node, DCTERMS.issued, e.date)
        shared.add(node, BK.recipients, e.recipients)
        shared.add(node, BK.embeddedIn, d)
        copy = iri.under(d, "reproduction", n)
        out.add(copy, RDF.type, BK.Reproduction)
        out.add(copy, BK.reproduces, node)
        out.prov(copy, d, e.span)
        for c in e.cites:
            target = policy_node(c.ref)
            shared.add(node, BK.cites, target)
            if c.relation in RELATIONS:
                shared.add(node, RELATIONS[c.relation], target)
            if target not in titles:
                describe_policy(shared, d, target, c.ref)
            elif c.ref.title and c.ref.title != titles[target]:  # quoted under another title
                shared.add(target, SKOS.altLabel, c.ref.title)
        if e.catalogue_span is not None:  # it prints a catalogue
            scheme = iri.catalogue(node)
            shared.add(node, BK.issuesCatalogue, scheme)
            out.add(scheme, RDF.type, SKOS.ConceptScheme)
            out.add(scheme, SKOS.prefLabel, e.catalogue)
            out.prov(scheme, d, e.catalogue_span)
    by_scheme: dict[URIRef, list[CatalogueItem]] = defaultdict(list)
    for item in ex.catalogue:
        policy = nodes.get(item.issued_by) if item.issued_by else None
        if policy is not None:
            by_scheme[iri.catalogue(policy)].append(item)
    for scheme, items in by_scheme.items():
        _catalogue(out, d, scheme, items)
    unit = iri.department(ex.unit.name) if ex.unit.is_department else iri.unit(ex.unit.name)
    for docno, _span in ex.follows_catalogues:
        pol = iri.policy(docno)
        shared.add(unit, BK.followsCatalogue, pol)
        shared.add(pol, RDF.type, BK.PolicyDocument)
        shared.add(pol, BK.docNumber, docno)


def concept(scheme: URIRef, item: CatalogueItem) -> URIRef:
    """``<scheme>/<code>``, or ``<scheme>/<department>/<code>`` for a fourth-level item."""
    if item.level == 4:
        return iri.under(scheme, iri.key(item.department or "-"), item.code)
    return iri.under(scheme, item.code)


def preferred_name(names: list[str]) -> str | None:
    """The name most rows print; a name another one continues (cut short: "…评估服") counts for it.

    >>> preferred_name(["技术评估服", "技术评估服", "技术评估服务", "與情服务"])
    '技术评估服务'
    """
    counts = Counter(n for n in names if n)
    score = {n: sum(k for m, k in counts.items() if n.startswith(m)) for n in counts}
    return max(score, key=lambda n: (score[n], len(n)), default=None)


def _catalogue(out: Out, d: URIRef, scheme: URIRef, items: list[CatalogueItem]) -> None:
    groups: dict[URIRef, list[CatalogueItem]] = defaultdict(list)
    for item in items:
        groups[concept(scheme, item)].append(item)
    for node, rows in groups.items():
        first = rows[0]
        name = preferred_name([r.name for r in rows])
        out.add(node, RDF.type, SKOS.Concept)
        out.add(node, SKOS.inScheme, scheme)
        out.add(node, SKOS.notation, first.code)
        out.add(node, SKOS.prefLabel, name)
        for other in sorted({r.name for r in rows if r.name and r.name != name}):
            out.add(node, SKOS.hiddenLabel, other)
        out.add(node, BK.catalogueLevel, first.level)
        if first.level == 1:
            out.add(node, SKOS.topConceptOf, scheme)
            out.add(scheme, SKOS.hasTopConcept, node)
        elif first.broader:
            out.add(node, SKOS.broader, iri.under(scheme, first.broader))
        for dept in dict.fromkeys(r.department for r in rows):
            out.add(node, BK.catalogueDepartment, dept)
        for note in dict.fromkeys(r.note for r in rows):
            out.add(node, SKOS.editorialNote, note)
        out.prov(node, d, first.span)
