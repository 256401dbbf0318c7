"""Deterministic IRIs: the same input gives the same IRIs.

Data IRIs live under ``https://w3id.org/budget-kg/id/``. They stay readable: Chinese names are
kept as IRI characters (RFC 3987), and only characters an IRI may not hold are percent-encoded.

>>> str(policy("同办字〔2019〕116号"))
'https://w3id.org/budget-kg/id/policy/同办字〔2019〕116号'
>>> str(document("000_4af2b7ab3d3465e5.txt"))
'https://w3id.org/budget-kg/id/doc/000_4af2b7ab3d3465e5.txt'
>>> slug('a b/c"d')
'a%20b%2Fc%22d'
>>> str(policy_title("优化12345政府服务热线推行“接诉即办”十项工作措施（试行）")) == str(policy_title("优化12345政府服务热线推行“接诉即办”十项工作措施(试行)"))
True
"""

from __future__ import annotations

from rdflib import URIRef

from kg.codelists import normalise
from kg.vocab import ID_IRI

_SAFE_ASCII = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@")
GRAPH_PREFIX = ID_IRI + "graph/"
DOC_PREFIX = ID_IRI + "doc/"
CONTRIB_PREFIX = GRAPH_PREFIX + "contrib/"
FINDINGS_PREFIX = GRAPH_PREFIX + "findings/"
ENTITIES = URIRef(GRAPH_PREFIX + "entities")
ONTOLOGY = URIRef(GRAPH_PREFIX + "ontology")
CODELISTS = URIRef(GRAPH_PREFIX + "codelists")
ISSUERS = URIRef(GRAPH_PREFIX + "issuers")  # the issuer table (ontology/issuers.ttl)
LAWS = URIRef(GRAPH_PREFIX + "laws")  # the law alias table (ontology/laws.ttl)


def _ucschar(ch: str) -> bool:
    o = ord(ch)
    return (
        0xA0 <= o <= 0xD7FF or 0xF900 <= o <= 0xFDCF or 0xFDF0 <= o <= 0xFFEF
        or (0x10000 <= o <= 0xEFFFD and (o & 0xFFFF) < 0xFFFE)
    )


def slug(text: str) -> str:
    """One IRI path segment: unreserved and non-ASCII letters kept, everything else encoded."""
    out = []
    for ch in text:
        if ch in _SAFE_ASCII or (ord(ch) > 127 and _ucschar(ch) and not ch.isspace()):
            out.append(ch)
        else:
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8"))
    return "".join(out)


def key(text: str) -> str:
    """A name reduced to what identifies it: the form code-list labels are compared in
    (NFKC: full-width → half-width; no whitespace)."""
    return normalise(text)


def _id(path: str) -> URIRef:
    return URIRef(ID_IRI + path)


def document(file: str) -> URIRef:
    return _id("doc/" + slug(file))


def contrib_graph(file: str) -> URIRef:
    """The graph holding what one document says about shared things (units, policies, codes)."""
    return URIRef(CONTRIB_PREFIX + slug(file))


def findings_graph(file: str) -> URIRef:
    return URIRef(FINDINGS_PREFIX + slug(file))


def unit(name: str) -> URIRef:
    return _id("unit/" + slug(key(name)))


def department(name: str) -> URIRef:
    return _id("dept/" + slug(key(name)))


def office(unit_name: str, name: str) -> URIRef:
    return _id("unit/" + slug(key(unit_name)) + "/office/" + slug(key(name)))


def organ(name: str) -> URIRef:
    """An issuing organ (发文机关), by its full name."""
    return _id("organ/" + slug(key(name)))


def issuer_code(prefix: str) -> URIRef:
    """An entry of the issuer table (ontology/issuers.ttl)."""
    return _id("issuer-code/" + slug(prefix))


def policy(docno: str) -> URIRef:
    return _id("policy/" + slug(docno))


def policy_title(title: str) -> URIRef:
    return _id("policy/title/" + slug(key(title)))


def functional(code: str) -> URIRef:
    return _id("concept/functional/" + slug(code))


def income(code: str) -> URIRef:
    return _id("concept/income/" + slug(code))


def economic(code: str) -> URIRef:
    return _id("concept/economic/" + slug(code))


def budget_item(name: str) -> URIRef:
    """The item of a budget-table row that prints no classification code, by its name."""
    return _id("concept/item/" + slug(key(name)))


def scheme(name: str) -> URIRef:
    return _id("scheme/" + name)


def under(doc: URIRef, *parts: object) -> URIRef:
    """A node of one document: ``<doc>/project/3``, ``<doc>/project/3/indicator/2`` …"""
    return URIRef(str(doc) + "".join("/" + slug(str(p)) for p in parts))


# ---------------------------------------------------------------- the links graph (kg.link)

LINKS = URIRef(GRAPH_PREFIX + "links")


def link(kind: str, *nodes: object) -> URIRef:
    """A node of the links graph saying how two things were linked: ``id:link/<kind>/<16 hex>``,
    a hash of what it links (in that order), so the same links get the same IRIs.

    >>> str(link("predecessor", "a", "b"))[:41]
    'https://w3id.org/budget-kg/id/link/predec'
    """
    import hashlib

    digest = hashlib.sha256("\n".join(str(n) for n in nodes).encode("utf-8")).hexdigest()[:16]
    return _id(f"link/{slug(kind)}/{digest}")


# ---------------------------------------------------------------- catalogues (kg.map.embedded)


def catalogue(policy_node: URIRef) -> URIRef:
    """The catalogue (a SKOS concept scheme) a policy document issues: ``<policy>/catalogue``; its
    concepts are ``<scheme>/<code>`` (levels 1-3) and ``<scheme>/<department>/<code>`` (level 4).

    >>> str(catalogue(policy("晋财综〔2021〕63号")))
    'https://w3id.org/budget-kg/id/policy/晋财综〔2021〕63号/catalogue'
    """
    return URIRef(str(policy_node) + "/catalogue")


# ---------------------------------------------------------------- audit findings (kg.audit)

#: ``id:graph/audit/<file>``: the findings the audit checks (queries/audit/*.rq) made about one document,
#: kept apart from the extraction's own findings graph (``id:graph/findings/<file>``)
AUDIT_PREFIX = GRAPH_PREFIX + "audit/"


def audit_graph(file: str) -> URIRef:
    """The graph of one document's audit findings.

    >>> str(audit_graph("000_4af2b7ab3d3465e5.txt"))
    'https://w3id.org/budget-kg/id/graph/audit/000_4af2b7ab3d3465e5.txt'
    """
    return URIRef(AUDIT_PREFIX + slug(file))


def audit_graph_of(doc: str) -> URIRef:
    """The audit graph of a document given by its IRI (``id:doc/<file>`` → ``id:graph/audit/<file>``).

    >>> audit_graph_of(document("a b.txt")) == audit_graph("a b.txt")
    True
    """
    if not str(doc).startswith(DOC_PREFIX):
        raise ValueError(f"not a document IRI: {doc}")
    return URIRef(AUDIT_PREFIX + str(doc)[len(DOC_PREFIX):])


def audit_finding(doc: str, check_id: str, n: int) -> URIRef:
    """The n-th finding (1-based) of one audit check about one document: ``<doc>/audit/<check-id>/<n>``.

    >>> str(audit_finding(document("x.txt"), "cross-basic-total", 2))
    'https://w3id.org/budget-kg/id/doc/x.txt/audit/cross-basic-total/2'
    """
    return under(URIRef(str(doc)), "audit", check_id, n)
