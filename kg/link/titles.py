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
from kg.link.common import ENTITIES, LAWS, LINKS, ONTOLOGY, every_pair, kind_of, pairs_of, relink, rests, score, select, values
from kg.link.records import TITLE, lookup, record_triples, rewrite
from kg.store import Store, Triple
from kg.vocab import BK, RDFS

THRESHOLD = 0.85
MIN_CHARS = 4
FULL_PREFIX = "中华人民共和国"

# policy nodes with a title and no number, as the documents (entities) and the law table describe them
CLASSES = f"SELECT ?class WHERE {{ GRAPH {ONTOLOGY} {{ ?class rdfs:subClassOf+ bk:PolicyDocument }} }}"
TITLED = f"""
SELECT DISTINCT ?p ?title WHERE {{ %s
  {{ GRAPH {ENTITIES} {{ ?p a ?class ; dcterms:title ?title }} }}
  UNION {{ GRAPH {LAWS} {{ ?p a ?class ; dcterms:title ?title }} }}
  FILTER NOT EXISTS {{ GRAPH {ENTITIES} {{ ?p bk:docNumber ?number }} }}
}}"""
CITED = "SELECT ?p WHERE { %s FILTER EXISTS { GRAPH ?doc { ?r bk:refersTo ?p } } }"
DESCRIBED = f"""
SELECT DISTINCT ?p ?doc WHERE {{ %s
  GRAPH {ENTITIES} {{ ?p prov:wasDerivedFrom ?doc }} GRAPH {ENTITIES} {{ ?p dcterms:title ?title }}
}}"""
CITING = "SELECT DISTINCT ?p ?doc WHERE { %s GRAPH ?doc { ?r bk:refersTo ?p } }"
# the references citing them, each in its document's own graph (one pattern a GRAPH block: with
# several, Oxigraph 0.5 may start from the one that binds nothing)
PLACES = """
SELECT ?p ?r ?doc ?line ?page ?text WHERE { %s
  GRAPH ?doc { ?r bk:refersTo ?p }
  OPTIONAL { GRAPH ?doc { ?r bk:sourceLine ?line } }
  OPTIONAL { GRAPH ?doc { ?r bk:sourcePage ?page } }
  OPTIONAL { GRAPH ?doc { ?r bk:sourceText ?text } }
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
    """What the links of some title nodes rest on: their titles, how often they are cited and where."""

    titles: dict[str, list[str]] = field(default_factory=dict)  # node → its titles (cited nodes only)
    cited: dict[str, int] = field(default_factory=dict)  # node → bk:PolicyReference nodes citing it
    places: dict[str, set[tuple]] = field(default_factory=dict)  # node → (doc, line) or (doc, page, text)

    def keys(self, p: str) -> set[str]:
        return {k for t in self.titles.get(p, ()) for k in prefix(title_key(t), THRESHOLD)}

    def read_places(self, store: Store, binding: str = "") -> None:
        """Where the nodes (of an inlined VALUES ``binding``: ?p, or (?p ?doc)) are cited."""
        refs: dict[str, set[str]] = {}
        for r in select(store, PLACES % binding):
            refs.setdefault(r["p"], set()).add(r["r"])
            place = (r["doc"], r["line"]) if r["line"] is not None else (r["doc"], r["page"], r["text"])
            self.places.setdefault(r["p"], set()).add(place)
        if not binding:
            self.cited = {p: len(rs) for p, rs in refs.items()}


def read_titled(store: Store, nodes: set[str] | None = None) -> dict[str, list[str]]:
    """Policy nodes (all, or these) with a title and no number: node → titles."""
    classes = {str(BK.PolicyDocument)} | {r["class"] for r in select(store, CLASSES)}
    titles: dict[str, set[str]] = {}
    bound = values("class", classes) if nodes is None else every_pair("p", nodes, "class", classes)
    for r in select(store, TITLED % bound):
        titles.setdefault(r["p"], set()).add(r["title"])
    return {p: sorted(ts) for p, ts in titles.items()}


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
    if re.sub(r"\d", "", ta) == re.sub(r"\d", "", tb) and ta != tb:
        return "they differ only in their figures (a plan's years, an edition): two documents"
    if same_line():
        return "cited in the same line of one document: two documents"
    if sim < THRESHOLD:
        return f"below {THRESHOLD}"
    return None


def variant(a: str, b: str, ta: str, tb: str, sim: float, cited: dict[str, int]) -> tuple[Variant, str, list[Triple]]:
    """The variant, its bk:TitleVariant node and their triples but the documents the node rests on
    (every document citing either title)."""
    (v, tv), (o, to) = sorted([(a, ta), (b, tb)], key=lambda x: (cited.get(x[0], 0), len(title_key(x[1])), x[0]))
    node = iri.link("title-variant", v, o)
    vv, oo = URIRef(v), URIRef(o)
    return Variant(v, o, sim, tv, to), str(node), [
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


@dataclass
class Judged:
    variants: list[Variant] = field(default_factory=list)
    links: dict[str, tuple[list[Triple], tuple[str, str]]] = field(default_factory=dict)  # node → (triples, (v, o))
    rejected: list[tuple[float, str, str, str]] = field(default_factory=list)


def judge(
    titles: dict[str, list[str]], pairs: set[tuple[str, str]], near: float,
    cited: Callable[[set[str]], dict[str, int]], same_line: Callable[[list[tuple[str, str]]], set[tuple[str, str]]],
) -> Judged:
    """The variants among ``pairs``: counts (``cited``) and shared lines (``same_line``) are asked for
    the pairs that pass every other rule only."""
    scored = []
    for a, b in sorted(pairs):
        ta, tb, sim = best(titles[a], titles[b])
        if sim >= near:
            scored.append((a, b, ta, tb, sim))
    worth = [(a, b) for a, b, ta, tb, sim in scored if why_not(ta, tb, sim, lambda: False) is None]
    counts = cited({x for pair in worth for x in pair}) if worth else {}
    shared = same_line(worth) if worth else set()
    out = Judged()
    for a, b, ta, tb, sim in scored:
        why = why_not(ta, tb, sim, lambda: (a, b) in shared)
        if why:
            out.rejected.append((sim, ta, tb, why))
            continue
        found, node, core = variant(a, b, ta, tb, sim, counts)
        out.variants.append(found)
        out.links[node] = (core, (found.variant, found.original))
    out.rejected.sort(key=lambda r: (-r[0], r[1], r[2]))
    return out


def link_titles(store: Store, near: float = 0.7) -> TitleLinks:
    """The title variants in the store and the blocking records of its title nodes; ``rejected``
    lists the pairs scoring ``near`` or more that are not variants."""
    facts = Titles()
    facts.read_places(store)
    facts.titles = {p: ts for p, ts in read_titled(store).items() if p in facts.cited}
    keys = {p: [title_key(t) for t in ts] for p, ts in facts.titles.items()}
    judged = judge(
        facts.titles, candidate_pairs(keys, min(near, THRESHOLD)), near, lambda _: facts.cited,
        lambda pairs: {(a, b) for a, b in pairs if facts.places.get(a, set()) & facts.places.get(b, set())},
    )
    out = TitleLinks(variants=judged.variants, rejected=judged.rejected)
    for node, (core, (v, o)) in judged.links.items():
        out.triples += core + rests(node, {p[0] for p in facts.places.get(v, set()) | facts.places.get(o, set())})
    docs: dict[str, set[str]] = {}
    for r in select(store, DESCRIBED % ""):
        docs.setdefault(r["p"], set()).add(r["doc"])
    for p in sorted(facts.titles):
        touched = docs.get(p, set()) | {place[0] for place in facts.places.get(p, ())}
        out.triples += record_triples(TITLE, p, facts.keys(p), touched)
    return out


def _cited(store: Store, nodes: set[str]) -> dict[str, int]:
    rows = select(store, f"""
SELECT ?p (COUNT(?r) AS ?n) WHERE {{ {values("p", nodes)} GRAPH ?doc {{ ?r bk:refersTo ?p }} }}
GROUP BY ?p""")
    return {r["p"]: int(r["n"]) for r in rows}


def _same_line(
    store: Store, pairs: list[tuple[str, str]], cited: dict[str, int], linked: set[frozenset[str]], changed: set[str],
) -> set[tuple[str, str]]:
    """The pairs cited in one line of one document. A pair that was ``linked`` shared no line before:
    only the ``changed`` documents are read. Any other: every citation of its rarer title, and the
    other's in those documents only (a popular law's thousand citations are never read)."""
    rarer = {pair: min(pair, key=lambda x: (cited.get(x, 0), x)) for pair in pairs if frozenset(pair) not in linked}
    facts = Titles()
    if rarer:
        facts.read_places(store, values("p", set(rarer.values())))
    wanted = {
        (other, place[0]) for pair, rare in rarer.items() for other in pair if other != rare
        for place in facts.places.get(rare, ())
    } | {(x, d) for pair in pairs if frozenset(pair) in linked for x in pair for d in changed}
    if wanted:
        facts.read_places(store, pairs_of("p", "doc", wanted))
    return {(a, b) for a, b in pairs if facts.places.get(a, set()) & facts.places.get(b, set())}


def relink_titles(
    store: Store, changed: set[str], resting: dict[str, tuple[str | None, set[str]]],
) -> tuple[list[Triple], list[Triple], list[Variant]]:
    """(remove, add, the variants computed again) after ``changed`` documents changed: the titles
    they describe or cite now or did before, each compared with the nodes sharing a key."""
    former = {x for n, (x, _) in resting.items() if kind_of(n) == TITLE}
    now: dict[str, set[str]] = {}  # title node → the changed documents describing or citing it
    citing: dict[str, set[str]] = {}  # … citing it
    if changed:
        for r in select(store, DESCRIBED % values("doc", changed)):
            now.setdefault(r["p"], set()).add(r["doc"])
        for r in select(store, CITING % values("doc", changed)):
            now.setdefault(r["p"], set()).add(r["doc"])
            citing.setdefault(r["p"], set()).add(r["doc"])
    stale = former | set(now)
    titled = read_titled(store, stale) if stale else {}
    cited_now = {r["p"] for r in select(store, CITED % values("p", titled))} if titled else set()
    titles = {p: ts for p, ts in titled.items() if p in cited_now}
    keys_of = {p: {k for t in ts for k in prefix(title_key(t), THRESHOLD)} for p, ts in titles.items()}
    found = lookup(store, TITLE, set().union(*keys_of.values())) if titles else {}
    others = {x for x in found if x not in stale}  # their records are current: cited title nodes
    if others:
        titles.update(read_titled(store, others))
    keys = {p: [title_key(t) for t in ts] for p, ts in titles.items()}
    pairs = {(a, b) for a, b in candidate_pairs(keys, THRESHOLD) if a in stale or b in stale}
    counts: dict[str, int] = {}

    def cited(nodes: set[str]) -> dict[str, int]:
        counts.update(_cited(store, nodes))
        return counts

    old: dict[str, frozenset[str]] = {}  # the variant links of the titles computed again → their two titles
    if stale:
        rows = select(store, f"""
SELECT ?n ?v ?o WHERE {{ {values("t", stale)}
  GRAPH {LINKS} {{ {{ ?n bk:variant ?t }} UNION {{ ?n bk:variantOf ?t }} }}
  GRAPH {LINKS} {{ ?n bk:variant ?v }} GRAPH {LINKS} {{ ?n bk:variantOf ?o }}
}}""")
        old = {r["n"]: frozenset((r["v"], r["o"])) for r in rows}
    linked = set(old.values())
    judged = judge(titles, pairs, THRESHOLD, cited, lambda ps: _same_line(store, ps, counts, linked, changed))

    def docs_of(nodes: set[str]) -> dict[str, set[str]]:
        rows = select(store, CITING % values("p", nodes))
        out: dict[str, set[str]] = {}
        for r in rows:
            out.setdefault(r["p"], set()).add(r["doc"])
        return out

    gone = {n for n, (x, _) in resting.items() if x is None and kind_of(n) == "title-variant"}
    remove, add = relink(store, judged.links, set(old) | gone, resting, docs_of, citing)
    recs = {n: docs for n, (x, docs) in resting.items() if x is not None and kind_of(n) == TITLE}
    records = {p: (p in titles, keys_of.get(p, set()), now.get(p, set())) for p in stale}
    gone, came = rewrite(store, TITLE, records, recs)
    return remove + gone, add + came, judged.variants


def _full(title: str) -> bool:
    return _PUNCT.sub("", iri.key(title)).startswith(FULL_PREFIX)
