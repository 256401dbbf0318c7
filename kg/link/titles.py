"""Probable title variants: two policy nodes cited by title only (no document number) whose titles
are close but not equal — an OCR error or a typo, 《中华人民共和国政府信息条例》 for
《中华人民共和国政府信息公开条例》 (seed 000). They are linked, never merged: a bk:TitleVariant node
(bk:variant, bk:variantOf, bk:nameSimilarity) and ``?variant bk:probableVariantOf ?original``.

- Only nodes some document cites count (the law table's entries that no document cites do not).
- Similarity: :func:`title_similarity`, difflib's ratio over the characters of the two titles
  (2 × matching characters / total length) after :func:`title_key`: kg.iri.key, without brackets,
  book-title marks, spaces and punctuation, and without a leading 中华人民共和国 (it tells no law
  from another: with it 《中华人民共和国数据安全法》 and 《中华人民共和国网络安全法》 score 0.833,
  without it 0.600). A pair needs ``THRESHOLD`` = 0.85 and four characters a side: a one-character
  slip passes in a title of seven characters or more, and 财务管理制度 / 资产管理制度 (0.833) do not.
  On the five seeds the one pair above it is the one above (0.857); the nearest pairs below are
  0.792 and 0.791 (OCR'd blends of two titles in seed 002), 0.786 (晋城市数字政府建设行动方案 /
  晋城市加快数字政府建设实施方案: two documents) and 0.600 (信息系统安全等保条例 / 网络安全等级保护
  条例: a loose citation, not a misspelling).
- Two titles cited in the same line of one document are two documents, however close (seed 002
  names 《山西省部门政府购买服务指导性目录》 and 《山西省政府购买服务指导性目录》 in one sentence:
  0.933).
- A title that extends the other at either end is another document (…法 / …法实施条例, …（试行）)
  or a short title, not a misspelling; a short title and its full form (网络安全法 /
  中华人民共和国网络安全法) are one law, which the law alias table makes one node. Pairs that share
  a node are never compared.
- Direction: the variant is the title cited fewer times (counting bk:PolicyReference nodes); on a
  tie, the shorter title; then the smaller IRI.

Blocking: the prefix keys of :mod:`kg.link.blocking`, which every pair scoring ``THRESHOLD`` or more
shares. Every title node has a blocking record (:mod:`kg.link.records`) holding them and the
documents that describe or cite it; after a change only the titles the changed documents describe,
or described before, are compared again, each with the nodes that share one of its keys.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from kg import iri
from kg.link.blocking import candidate_pairs, prefix
from kg.link.common import ENTITIES, LAWS, LINKS, ONTOLOGY, kind_of, link_triples, pairs_of, score, select, values
from kg.link.records import TITLE, lookup, record_triples, rewrite
from kg.store import Store, Triple
from kg.vocab import BK, PROV, RDFS

THRESHOLD = 0.85
MIN_CHARS = 4
FULL_PREFIX = "中华人民共和国"

# policy nodes with a title and no number, as the documents (entities) and the law table describe them
CLASSES = f"SELECT ?class WHERE {{ GRAPH {ONTOLOGY} {{ ?class rdfs:subClassOf+ bk:PolicyDocument }} }}"
TITLED = f"""
SELECT DISTINCT ?p ?title WHERE {{ %s %s
  {{ GRAPH {ENTITIES} {{ ?p a ?class }} }} UNION {{ GRAPH {LAWS} {{ ?p a ?class }} }}
  {{ GRAPH {ENTITIES} {{ ?p dcterms:title ?title }} }} UNION {{ GRAPH {LAWS} {{ ?p dcterms:title ?title }} }}
  FILTER NOT EXISTS {{ GRAPH {ENTITIES} {{ ?p bk:docNumber ?number }} }}
}}"""
CITED = "SELECT ?p WHERE { %s FILTER EXISTS { GRAPH ?doc { ?r bk:refersTo ?p } } }"
DESCRIBED = f"SELECT ?p ?doc WHERE {{ %s GRAPH {ENTITIES} {{ ?p prov:wasDerivedFrom ?doc ; dcterms:title ?title }} }}"
# the references citing them, each in its document's own graph
PLACES = """
SELECT ?p ?r ?doc ?line ?page ?text WHERE { %s
  GRAPH ?doc {
    ?r bk:refersTo ?p ; prov:wasDerivedFrom ?doc .
    OPTIONAL { ?r bk:sourceLine ?line }
    OPTIONAL { ?r bk:sourcePage ?page }
    OPTIONAL { ?r bk:sourceText ?text }
  }
}"""

_PUNCT = re.compile(r"[\s《》〈〉<>()（）\[\]【】“”\"'‘’、，,。.·:：;；\-—_]")


def title_key(title: str) -> str:
    """What two titles are compared on: kg.iri.key, without punctuation, brackets and spaces, and
    without a leading 中华人民共和国 (a law is cited with it or without it: it tells no law from another).

    >>> title_key("《中华人民共和国政府信息公开条例》")
    '政府信息公开条例'
    """
    return _PUNCT.sub("", iri.key(title)).removeprefix(FULL_PREFIX)


def title_similarity(a: str, b: str) -> float:
    """difflib's ratio over the characters of two titles (see the module's doc).

    >>> round(title_similarity("中华人民共和国政府信息条例", "中华人民共和国政府信息公开条例"), 3)
    0.857
    """
    ka, kb = title_key(a), title_key(b)
    if not ka or not kb:
        return 0.0
    return SequenceMatcher(None, ka, kb, autojunk=False).ratio()


@dataclass
class Variant:
    variant: str
    original: str
    similarity: float
    variant_title: str
    original_title: str


@dataclass
class TitleLinks:
    triples: list[Triple] = field(default_factory=list)
    variants: list[Variant] = field(default_factory=list)
    rejected: list[tuple[float, str, str, str]] = field(default_factory=list)  # (score, title, title, why)


@dataclass
class Titles:
    """What the links of some title nodes rest on: their titles, and the citations of those that
    may be linked (``cited`` and ``places`` are read only for nodes in a pair worth judging)."""

    titles: dict[str, list[str]] = field(default_factory=dict)  # node → its titles (cited nodes only)
    cited: dict[str, int] = field(default_factory=dict)  # node → bk:PolicyReference nodes citing it
    places: dict[str, set[tuple]] = field(default_factory=dict)  # node → (doc, line) or (doc, page, text)

    def keys(self, p: str) -> set[str]:
        return {k for t in self.titles.get(p, ()) for k in prefix(title_key(t), THRESHOLD)}

    def read_citations(self, store: Store, nodes: set[str] | None = None) -> None:
        refs: dict[str, set[str]] = {}
        for r in select(store, PLACES % (values("p", nodes) if nodes is not None else "")):
            refs.setdefault(r["p"], set()).add(r["r"])
            place = (r["doc"], r["line"]) if r["line"] is not None else (r["doc"], r["page"], r["text"])
            self.places.setdefault(r["p"], set()).add(place)
        for p in refs:
            self.cited[p] = len(refs[p])


def read_titled(store: Store, nodes: set[str] | None = None) -> dict[str, list[str]]:
    """Policy nodes (all, or these) with a title and no number: node → titles."""
    classes = {str(BK.PolicyDocument)} | {r["class"] for r in select(store, CLASSES)}
    titles: dict[str, set[str]] = {}
    for r in select(store, TITLED % (values("class", classes), values("p", nodes) if nodes is not None else "")):
        titles.setdefault(r["p"], set()).add(r["title"])
    return {p: sorted(ts) for p, ts in titles.items()}


def read_titles(store: Store, nodes: set[str]) -> Titles:
    """These nodes, those of them that are title nodes some document cites."""
    titled = read_titled(store, nodes)
    cited = {r["p"] for r in select(store, CITED % values("p", titled))} if titled else set()
    return Titles(titles={p: ts for p, ts in titled.items() if p in cited})


def best(ta: list[str], tb: list[str]) -> tuple[str, str, float]:
    """The closest pair of two nodes' titles."""
    return max(((x, y, title_similarity(x, y)) for x in ta for y in tb), key=lambda t: (t[2], t[0], t[1]))


def why_not(ta: str, tb: str, sim: float, same_line: Callable[[], bool]) -> str | None:
    """Why two titles scoring ``sim`` are not a probable variant (None: they are)."""
    ka, kb = title_key(ta), title_key(tb)
    if min(len(ka), len(kb)) < MIN_CHARS:
        return "too short"
    if ka == kb and _full(ta) != _full(tb):
        return "a short title and its full form: one law (the law table's business)"
    if ka != kb and (ka.startswith(kb) or kb.startswith(ka) or ka.endswith(kb) or kb.endswith(ka)):
        return "one title extends the other: another document (…实施条例, …（试行）) or a short title"
    if same_line():
        return "cited in the same line of one document: two documents"
    if sim < THRESHOLD:
        return f"below {THRESHOLD}"
    return None


def variant_triples(a: str, b: str, ta: str, tb: str, sim: float, facts: Titles) -> tuple[Variant, list[Triple]]:
    cited = facts.cited
    (v, tv), (o, to) = sorted([(a, ta), (b, tb)], key=lambda x: (cited.get(x[0], 0), len(title_key(x[1])), x[0]))
    node = iri.link("title-variant", v, o)
    vv, oo = URIRef(v), URIRef(o)
    triples: list[Triple] = [
        (vv, BK.probableVariantOf, oo),
        (node, RDF.type, BK.TitleVariant),
        (node, BK.variant, vv),
        (node, BK.variantOf, oo),
        (node, BK.nameSimilarity, score(sim)),
        (node, RDFS.comment, Literal(
            f"《{tv}》 (cited {cited.get(v, 0)} times) is probably a misspelling of 《{to}》 (cited {cited.get(o, 0)} "
            f"times): title similarity {sim:.3f} (difflib ratio over characters; threshold {THRESHOLD})"
        )),
    ]
    docs = sorted({p[0] for p in facts.places.get(v, set()) | facts.places.get(o, set())})
    triples += [(node, PROV.wasDerivedFrom, URIRef(d)) for d in docs]
    return Variant(v, o, sim, tv, to), triples


def judge(store: Store | None, facts: Titles, pairs: set[tuple[str, str]], near: float) -> TitleLinks:
    """The variants among ``pairs``; with ``store``, the citations of the nodes of the pairs that pass
    every rule but the one on citations are read first (the others' never are)."""
    scored = []
    for a, b in sorted(pairs):
        ta, tb, sim = best(facts.titles[a], facts.titles[b])
        if sim >= near:
            scored.append((a, b, ta, tb, sim))
    if store is not None:
        worth = {x for a, b, ta, tb, sim in scored for x in (a, b) if why_not(ta, tb, sim, lambda: False) is None}
        if worth:
            facts.read_citations(store, worth)
    out = TitleLinks()
    for a, b, ta, tb, sim in scored:
        why = why_not(ta, tb, sim, lambda: bool(facts.places.get(a, set()) & facts.places.get(b, set())))
        if why:
            out.rejected.append((sim, ta, tb, why))
            continue
        variant, triples = variant_triples(a, b, ta, tb, sim, facts)
        out.variants.append(variant)
        out.triples += triples
    out.rejected.sort(key=lambda r: (-r[0], r[1], r[2]))
    return out


def link_titles(store: Store, near: float = 0.7) -> TitleLinks:
    """The title variants in the store and the blocking records of its title nodes; ``rejected``
    lists the pairs scoring ``near`` or more that are not variants."""
    titled = read_titled(store)
    facts = Titles()
    facts.read_citations(store)
    facts.titles = {p: ts for p, ts in titled.items() if p in facts.cited}
    keys = {p: [title_key(t) for t in ts] for p, ts in facts.titles.items()}
    out = judge(None, facts, candidate_pairs(keys, min(near, THRESHOLD)), near)
    docs: dict[str, set[str]] = {}
    for r in select(store, DESCRIBED % ""):
        docs.setdefault(r["p"], set()).add(r["doc"])
    for p in sorted(facts.titles):
        touched = docs.get(p, set()) | {place[0] for place in facts.places.get(p, ())}
        out.triples += record_triples(TITLE, p, facts.keys(p), touched)
    return out


def relink_titles(
    store: Store, changed: set[str], resting: dict[str, tuple[str | None, set[str]]],
) -> tuple[list[Triple], TitleLinks]:
    """(triples to remove, links to add) for the title variants after ``changed`` documents changed:
    the titles they describe or cite now or did before, each compared with the nodes sharing a key."""
    former = {x for n, (x, _) in resting.items() if kind_of(n) == TITLE}
    now: dict[str, set[str]] = {}  # title node → the changed documents describing or citing it
    if changed:
        for r in select(store, DESCRIBED % values("doc", changed)):
            now.setdefault(r["p"], set()).add(r["doc"])
        for r in select(store, f"SELECT ?p ?doc WHERE {{ {values('doc', changed)} GRAPH ?doc {{ ?r bk:refersTo ?p }} }}"):
            now.setdefault(r["p"], set()).add(r["doc"])
    stale = former | set(now)
    facts = read_titles(store, stale) if stale else Titles()
    found = lookup(store, TITLE, set().union(*(facts.keys(p) for p in facts.titles))) if facts.titles else {}
    others = {x for x in found if x not in stale}  # their records are current: cited title nodes
    if others:
        facts.titles.update(read_titled(store, others))
    keys = {p: [title_key(t) for t in ts] for p, ts in facts.titles.items()}
    out = judge(store, facts, {(a, b) for a, b in candidate_pairs(keys, THRESHOLD) if a in stale or b in stale}, THRESHOLD)

    drop = {n for n, (x, _) in resting.items() if x is None and kind_of(n) == "title-variant"}
    if stale:
        rows = select(store, f"""
SELECT ?n WHERE {{ {values("t", stale)} GRAPH {LINKS} {{ {{ ?n bk:variant ?t }} UNION {{ ?n bk:variantOf ?t }} }} }}""")
        drop |= {r["n"] for r in rows}
    recs = {n: docs for n, (x, docs) in resting.items() if x is not None and kind_of(n) == TITLE}
    gone, came = rewrite(store, TITLE, {p: (p in facts.titles, facts.keys(p), now.get(p, set())) for p in stale}, recs)
    out.triples += came
    return link_triples(store, drop) + gone, out


def _full(title: str) -> bool:
    return _PUNCT.sub("", iri.key(title)).startswith(FULL_PREFIX)
