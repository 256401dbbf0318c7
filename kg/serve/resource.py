"""Dereferenceable IRIs: what ``/id/<path>`` and ``/ontology`` answer.

A data IRI ``https://w3id.org/budget-kg/id/<path>`` is served at ``/id/<path>``. IRIs keep Chinese
characters as they are, while the request path of a URI carries them percent-encoded as UTF-8; the
path is turned back into the IRI by RFC 3987 §3.2 (:func:`uri_to_iri`): only ``%XX`` sequences that
form non-ASCII characters an IRI may hold are decoded, ASCII ones such as ``%20`` or ``%5D`` stay.

An RDF client gets the resource's description (CBD-like: its own triples, the labels of the things
they point to, and the triples of blank nodes it points to); a browser gets an HTML page with its
label, types, every property, its provenance (snippet, line or page, source file) and the links that
point to it. The description is gathered in a query worker (:func:`describe`, :func:`describe_rdf`)
and rendered here in the server (:func:`render`).

``/ontology`` serves ``ontology/budget-kg.ttl``: as Turtle (or N-Triples, JSON-LD) for RDF clients,
as a list of its terms, anchored by local name, for browsers (:func:`ontology_html`).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from kg.iri import slug
from kg.serve.html import ONTOLOGY_IRI, curie, esc, href, link, page, term
from kg.vocab import BK_IRI, ID_IRI

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
#: what names a thing, best first
LABELS = (RDFS + "label", "http://purl.org/dc/terms/title", "http://www.w3.org/2004/02/skos/core#prefLabel",
          BK_IRI + "docNumber")
PROVENANCE = tuple(BK_IRI + p for p in ("sourceText", "sourceLine", "sourcePage", "lastLine", "lastPage",
                                        "sourceBox")) + (PROV_DERIVED,)
INCOMING = 200  # incoming links listed on a page
VALUES = 2000  # property values listed on a page
RDF_TRIPLES = 10000  # triples of an RDF description
_NOT_IN_IRI = re.compile(r'[<>"{}|^`\\\x00-\x20]')
_PCT_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


# ---------------------------------------------------------------- IRI ↔ request path

def uri_to_iri(uri: str) -> str:
    """Convert a URI (or its path) to an IRI, RFC 3987 §3.2: decode the ``%XX`` sequences that form
    UTF-8 non-ASCII characters an IRI keeps literally (as :func:`kg.iri.slug` does); ASCII ones such as
    ``%20``, ``%2F`` or ``%5D`` stay encoded (hex in upper case).

    >>> uri_to_iri("policy/%E5%90%8C%E5%8A%9E%E5%AD%97%E3%80%942019%E3%80%95116%E5%8F%B7")
    'policy/同办字〔2019〕116号'
    >>> uri_to_iri("unit/a%20b%2fc%E4%B8%AD")
    'unit/a%20b%2Fc中'
    >>> uri_to_iri("x/%E3%80%80%FF")  # an ideographic space and a stray byte stay encoded
    'x/%E3%80%80%FF'
    """

    def convert(match: re.Match) -> str:
        raw = bytes.fromhex(match.group().replace("%", ""))
        out, i = [], 0
        while i < len(raw):
            b = raw[i]
            n = 2 if 0xC0 <= b < 0xE0 else 3 if 0xE0 <= b < 0xF0 else 4 if 0xF0 <= b < 0xF8 else 1
            if n > 1:
                try:
                    ch = raw[i:i + n].decode("utf-8")
                except UnicodeDecodeError:
                    ch = ""
                if len(ch) == 1 and slug(ch) == ch:
                    out.append(ch)
                    i += n
                    continue
            out.append(f"%{b:02X}")
            i += 1
        return "".join(out)

    return _PCT_RUN.sub(convert, uri)


def canonical(iri: str) -> str:
    """The IRI as :func:`kg.iri.slug` would have minted it: ``%XX`` of an ASCII character slug keeps
    literally (``%28`` → ``(``) decoded — for clients that encode more than they must.

    >>> canonical("policy/title/a%28b%29%20c")
    'policy/title/a(b)%20c'
    """

    def convert(match: re.Match) -> str:
        ch = chr(int(match.group()[1:], 16))
        return ch if slug(ch) == ch else match.group().upper()

    return re.sub(r"%[0-7][0-9A-Fa-f]", convert, iri)


def candidates(path: str) -> list[str]:
    """The data IRIs a request path under ``/id/`` may name, most literal first."""
    iri = ID_IRI + uri_to_iri(path)
    return list(dict.fromkeys([iri, ID_IRI + canonical(uri_to_iri(path))]))


# ---------------------------------------------------------------- gathering (in a query worker)

@dataclass
class Description:
    """What the store says about one IRI, as plain data (terms as in the SPARQL JSON results format)."""

    iri: str
    properties: list[tuple[str, list[dict]]] = field(default_factory=list)  # predicate → values
    labels: dict[str, str] = field(default_factory=dict)  # IRI → its best label
    documents: dict[str, str] = field(default_factory=dict)  # document IRI → source file
    incoming: list[tuple[str, str, str]] = field(default_factory=list)  # (subject, predicate, where)
    incoming_total: int = 0
    values_cut: bool = False

    def values(self, predicate: str) -> list[dict]:
        return next((vs for p, vs in self.properties if p == predicate), [])


def _rows(store, sparql: str) -> list[dict[str, dict]]:
    from kg.store import serialize

    data, _ = serialize(store.query(sparql), "json")
    return json.loads(data)["results"]["bindings"]


def _values(iris) -> str:
    return " ".join(f"<{i}>" for i in iris)


def _natural(text: str) -> list:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", text)]


def _usable(iri: str) -> bool:
    return not _NOT_IN_IRI.search(iri)


def _exists(store, iri: str) -> bool:
    return bool(_rows(store, f"SELECT ?x WHERE {{ {{ <{iri}> ?p ?x }} UNION {{ ?x ?p <{iri}> }} }} LIMIT 1"))


def describe(store, iris: list[str], incoming: int = INCOMING) -> Description | None:
    """The description of the first of ``iris`` the store has triples about (as subject or object),
    or None."""
    iri = next((i for i in iris if _usable(i) and _exists(store, i)), None)
    if iri is None:
        return None
    d = Description(iri)
    out = _rows(store, f"SELECT DISTINCT ?p ?o WHERE {{ <{iri}> ?p ?o }} LIMIT {VALUES + 1}")
    d.values_cut = len(out) > VALUES
    grouped: dict[str, list[dict]] = {}
    for row in out[:VALUES]:
        grouped.setdefault(row["p"]["value"], []).append(row["o"])
    inc = _rows(store, f"SELECT DISTINCT ?s ?p WHERE {{ ?s ?p <{iri}> FILTER(isIRI(?s)) }} "
                       f"ORDER BY ?p ?s LIMIT {incoming + 1}")
    d.incoming_total = len(inc)
    if len(inc) > incoming:
        d.incoming_total = int(_rows(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p WHERE "
                                            f"{{ ?s ?p <{iri}> FILTER(isIRI(?s)) }} }}")[0]["n"]["value"])
        inc = inc[:incoming]
    subjects = list(dict.fromkeys(r["s"]["value"] for r in inc))
    named = {iri, *grouped, *subjects}
    named |= {v["value"] for vs in grouped.values() for v in vs if v["type"] == "uri"}
    named |= {r["p"]["value"] for r in inc}
    d.labels = _labels(store, named)
    docs = {v["value"] for v in grouped.get(PROV_DERIVED, []) if v["type"] == "uri"}
    where = _where(store, subjects) if subjects else {}
    d.documents = _files(store, docs | {w[2] for w in where.values() if w[2]})
    d.incoming = sorted(
        ((r["s"]["value"], r["p"]["value"], _where_text(where.get(r["s"]["value"]), d.documents)) for r in inc),
        key=lambda x: (curie(x[1]), _natural(d.labels.get(x[0], x[0]))),
    )

    def by_value(v: dict):
        return _natural(d.labels.get(v["value"], v["value"]) if v["type"] == "uri" else v["value"])

    def by_predicate(p: str):
        rank = 0 if p == RDF_TYPE else 1 if p in LABELS else 3 if p in PROVENANCE else 2
        return rank, curie(p)

    d.properties = [(p, sorted(grouped[p], key=by_value)) for p in sorted(grouped, key=by_predicate)]
    return d


def _labels(store, iris: set[str]) -> dict[str, str]:
    """The best label of each IRI: by LABELS order, then untagged or Chinese before English before others."""
    iris = {i for i in iris if _usable(i)}
    if not iris:
        return {}
    # each IRI with each label property in one VALUES: with a VALUES of each, Oxigraph joined the
    # properties first and read every label of the store
    pairs = " ".join(f"(<{x}> <{p}>)" for x in iris for p in LABELS)
    rows = _rows(store, f"SELECT ?x ?lp ?l WHERE {{ VALUES (?x ?lp) {{ {pairs} }} ?x ?lp ?l FILTER(isLiteral(?l)) }}")
    best: dict[str, tuple] = {}
    for r in rows:
        lang = r["l"].get("xml:lang", "")
        rank = (LABELS.index(r["lp"]["value"]), 0 if lang in ("", "zh") or lang.startswith("zh-") else
                1 if lang.startswith("en") else 2, r["l"]["value"])
        x = r["x"]["value"]
        if x not in best or rank < best[x]:
            best[x] = rank
    return {x: rank[2] for x, rank in best.items()}


def _where(store, subjects: list[str]) -> dict[str, tuple[str | None, str | None, str | None]]:
    """Subject → (line, page, document) of its source, when it has one."""
    rows = _rows(store, f"SELECT ?x (SAMPLE(?line) AS ?l) (SAMPLE(?page) AS ?pg) (SAMPLE(?doc) AS ?d) WHERE {{ "
                        f"VALUES ?x {{ {_values(s for s in subjects if _usable(s))} }} "
                        f"OPTIONAL {{ ?x <{BK_IRI}sourceLine> ?line }} OPTIONAL {{ ?x <{BK_IRI}sourcePage> ?page }} "
                        f"OPTIONAL {{ ?x <{PROV_DERIVED}> ?doc }} }} GROUP BY ?x")
    return {r["x"]["value"]: tuple(r[k]["value"] if k in r else None for k in ("l", "pg", "d")) for r in rows}


def _files(store, docs: set[str]) -> dict[str, str]:
    docs = {d for d in docs if _usable(d)}
    if not docs:
        return {}
    rows = _rows(store, f"SELECT ?d ?f WHERE {{ VALUES ?d {{ {_values(docs)} }} ?d <{BK_IRI}sourceFile> ?f }}")
    return {r["d"]["value"]: r["f"]["value"] for r in rows}


def _where_text(where, files: dict[str, str]) -> str:
    if not where:
        return ""
    line, pg, doc = where
    name = files.get(doc, "") if doc else ""
    at = f"line {line}" if line else f"p. {pg}" if pg else ""
    return " ".join(x for x in (name, at) if x)


def describe_rdf(store, iris: list[str], fmt: str) -> tuple[str, bytes] | None:
    """``(iri, bytes)``: the description of the first of ``iris`` the store knows, in ``fmt`` (turtle,
    ntriples, jsonld): its triples, the labels of their objects, the triples of the blank nodes it
    points to — or, for a thing only pointed at, the triples pointing at it. None when there are none."""
    from kg.store import serialize

    labels = ", ".join(f"<{p}>" for p in LABELS)
    for iri in iris:
        if not _usable(iri):
            continue
        if _rows(store, f"SELECT ?p WHERE {{ <{iri}> ?p ?o }} LIMIT 1"):
            sparql = (f"CONSTRUCT {{ <{iri}> ?p ?o . ?o ?lp ?l . ?o ?bp ?bo }} WHERE {{ {{ <{iri}> ?p ?o }} "
                      f"UNION {{ <{iri}> ?p ?o . ?o ?lp ?l FILTER(?lp IN ({labels})) }} "
                      f"UNION {{ <{iri}> ?p ?o . FILTER(isBlank(?o)) ?o ?bp ?bo }} }}")
        elif _rows(store, f"SELECT ?p WHERE {{ ?s ?p <{iri}> }} LIMIT 1"):
            sparql = f"CONSTRUCT WHERE {{ ?s ?p <{iri}> }}"
        else:
            continue
        return iri, serialize(store.query(sparql), fmt, RDF_TRIPLES)[0]
    return None


# ---------------------------------------------------------------- the HTML page (in the server)

#: the RDF forms a resource page links to: (media type, format= name, what the link says)
RDF_FORMS = (("text/turtle", "turtle", "Turtle"), ("application/rdf+xml", "rdfxml", "RDF/XML"),
             ("application/ld+json", "jsonld", "JSON-LD"), ("application/n-triples", "ntriples", "N-Triples"))


def alternate_links(here: str) -> list[tuple[str, str]]:
    """(media type, URL) of each RDF form of the page at ``here`` (a path).

    >>> alternate_links("/id/x")[1]
    ('application/rdf+xml', '/id/x?format=rdfxml')
    """
    return [(media, f"{here}?format={name}") for media, name, _ in RDF_FORMS]


def title_of(d: Description) -> str:
    return d.labels.get(d.iri) or curie(d.iri)


def render(d: Description, base: str = "") -> str:
    """The HTML page of a described resource."""
    here = href(d.iri, base) or ""
    types = " ".join(link(v["value"], d.labels.get(v["value"]) or curie(v["value"]), base)
                     for v in d.values(RDF_TYPE) if v["type"] == "uri")
    parts = [
        f"<h1>{esc(title_of(d))}</h1>",
        f'<div class="iri">{esc(d.iri)}</div>',
        f'<p class="types">{types}</p>' if types else "",
        '<nav class="formats">' + "".join(f'<a href="{esc(here)}?format={name}" rel="alternate" type="{media}">'
                                          f"as {label}</a>" for media, name, label in RDF_FORMS) + "</nav>",
        _provenance(d, base),
        "<h2>Properties</h2>",
        _properties(d, base),
        _incoming(d, base),
    ]
    return page(title_of(d), "\n".join(p for p in parts if p), base, alternate_links(here))


def _provenance(d: Description, base: str) -> str:
    def first(name: str) -> str | None:
        vs = d.values(BK_IRI + name)
        return vs[0]["value"] if vs else None

    docs = [v["value"] for v in d.values(PROV_DERIVED) if v["type"] == "uri"]
    line, last_line, pg, last_page = first("sourceLine"), first("lastLine"), first("sourcePage"), first("lastPage")
    text = first("sourceText")
    if not (docs or line or pg or text):
        return ""
    at = ""
    if line:
        at = f"line {line}" + (f"–{last_line}" if last_line and last_line != line else "")
    elif pg:
        at = f"page {pg}" + (f"–{last_page}" if last_page and last_page != pg else "")
    sources = ", ".join(link(doc, d.documents.get(doc) or curie(doc), base) for doc in docs)
    where = " · ".join(x for x in (sources, esc(at)) if x)
    quote = f"<blockquote>{esc(text)}</blockquote>" if text else ""
    return f'<h2>Provenance</h2>\n<p class="provenance">Source: {where or "—"}</p>\n{quote}'


def _properties(d: Description, base: str) -> str:
    rows = []
    for p, values in d.properties:
        label = d.labels.get(p)
        head = link(p, curie(p), base, title=f"{label} · {p}" if label else p)
        cells = "".join(f'<span class="v">{term(v, d.labels, base)}</span>' for v in values)
        rows.append(f"<tr><th>{head}</th><td>{cells}</td></tr>")
    note = f'<p class="note">only the first {VALUES} values are shown</p>' if d.values_cut else ""
    return (f"<table class=\"properties\">\n{chr(10).join(rows)}\n</table>{note}" if rows
            else '<p class="note">no statements about it; it is only pointed at</p>')


def _incoming(d: Description, base: str) -> str:
    if not d.incoming:
        return ""
    rows = [
        f"<tr><td>{link(s, d.labels.get(s) or curie(s), base)}</td><td>{link(p, curie(p), base)}</td>"
        f'<td class="meta">{esc(where)}</td></tr>'
        for s, p, where in d.incoming
    ]
    shown = len(d.incoming)
    note = (f'<p class="note">showing {shown} of {d.incoming_total} incoming links</p>'
            if d.incoming_total > shown else "")
    return (f"<h2>Incoming links ({d.incoming_total})</h2>\n<table class=\"incoming\">\n"
            f"<tr><th>from</th><th>property</th><th>where</th></tr>\n{chr(10).join(rows)}\n</table>{note}")


# ---------------------------------------------------------------- the ontology

def ontology_file() -> Path:
    from kg.codelists import ontology_dir

    return ontology_dir() / "budget-kg.ttl"


@functools.cache
def _ontology():
    from kg.codelists import read_table

    return read_table(ontology_file(), "the ontology")


def ontology_rdf(fmt: str) -> bytes:
    """The ontology in ``fmt`` (turtle: the file itself; ntriples, jsonld)."""
    if fmt == "turtle":
        return ontology_file().read_bytes()
    return _ontology().serialize(format={"ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}[fmt], encoding="utf-8")


_KINDS = [
    ("Classes", "http://www.w3.org/2002/07/owl#Class"),
    ("Object properties", "http://www.w3.org/2002/07/owl#ObjectProperty"),
    ("Datatype properties", "http://www.w3.org/2002/07/owl#DatatypeProperty"),
    ("Annotation properties", "http://www.w3.org/2002/07/owl#AnnotationProperty"),
]


@functools.cache
def ontology_html(base: str = "") -> str:
    """Every bk: term of the ontology with its labels, comments and axioms, anchored by local name."""
    from rdflib import RDF, BNode, Literal, URIRef
    from rdflib.collection import Collection
    from rdflib.namespace import DCTERMS, OWL, RDFS as R

    g = _ontology()
    onto = URIRef(ONTOLOGY_IRI)

    def node(o) -> str:
        if isinstance(o, Literal):
            return term({"type": "literal", "value": str(o), "xml:lang": o.language or ""}
                        if o.language else {"type": "literal", "value": str(o)})
        if isinstance(o, BNode):
            for op, word in ((OWL.unionOf, "union of"), (OWL.intersectionOf, "intersection of")):
                lst = g.value(o, op)
                if lst is not None:
                    return f"{word} " + ", ".join(node(x) for x in Collection(g, lst))
            return "[" + "; ".join(f"{link(str(p), curie(str(p)), base)} {node(v)}" for p, v in g.predicate_objects(o)) + "]"
        return link(str(o), curie(str(o)), base)

    def texts(s, p) -> str:
        return "".join(f'<p>{esc(o)}<span class="lang">@{esc(o.language)}</span></p>' if getattr(o, "language", None)
                       else f"<p>{esc(o)}</p>" for o in sorted(g.objects(s, p), key=lambda o: (o.language or "") != "zh"))

    terms = sorted({s for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(BK_IRI)}, key=str)
    sections, toc = [], []
    shown: set = set()
    for heading, kind in _KINDS + [("Other terms", None)]:
        group = [t for t in terms if t not in shown and (kind is None or (t, RDF.type, URIRef(kind)) in g)]
        shown |= set(group)
        if not group:
            continue
        toc.append(f"<h3>{esc(heading)}</h3><p>" + " · ".join(
            f'<a href="#{esc(str(t)[len(BK_IRI):])}">{esc(str(t)[len(BK_IRI):])}</a>' for t in group) + "</p>")
        body = []
        for t in group:
            local = str(t)[len(BK_IRI):]
            labels = " / ".join(esc(o) for o in sorted(g.objects(t, R.label), key=lambda o: (o.language or "") != "zh"))
            extra = [
                f"<tr><th>{link(str(p), curie(str(p)), base)}</th><td>{node(o)}</td></tr>"
                for p, o in sorted(g.predicate_objects(t), key=lambda x: (str(x[0]), str(x[1])))
                if p not in (R.label, R.comment, R.isDefinedBy)
            ]
            body.append(
                f'<section class="term" id="{esc(local)}"><h3>bk:{esc(local)} <span class="meta">{labels}</span></h3>'
                f'<div class="iri">{esc(str(t))}</div>{texts(t, R.comment)}'
                f"<table>{''.join(extra)}</table></section>"
            )
        sections.append(f"<h2>{esc(heading)} ({len(group)})</h2>\n" + "\n".join(body))
    title = " / ".join(str(o) for o in g.objects(onto, DCTERMS.title)) or "budget-kg ontology"
    head = (
        f"<h1>{esc(title)}</h1>\n<div class=\"iri\">{esc(ONTOLOGY_IRI)} · prefix bk: {esc(BK_IRI)}</div>\n"
        f"{texts(onto, DCTERMS.description)}\n"
        '<nav class="formats">' + "".join(f'<a href="{esc(base)}/ontology?format={name}" rel="alternate" '
                                          f'type="{media}">as {label}</a>' for media, name, label in RDF_FORMS)
        + "</nav>\n<h2>Terms</h2>\n" + "\n".join(toc)
    )
    return page("ontology", head + "\n" + "\n".join(sections), base, alternate_links(f"{base}/ontology"))
