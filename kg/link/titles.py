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
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import combinations

from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from kg import iri
from kg.link.common import score, select
from kg.store import Store, Triple
from kg.vocab import BK, PROV, RDFS

THRESHOLD = 0.85
MIN_CHARS = 4
FULL_PREFIX = "中华人民共和国"

TITLED = """
SELECT ?p ?title (COUNT(DISTINCT ?r) AS ?cited) WHERE {
  ?p a ?class ; dcterms:title ?title .
  ?class rdfs:subClassOf* bk:PolicyDocument .
  FILTER NOT EXISTS { ?p bk:docNumber ?number }
  ?r bk:refersTo ?p .
}
GROUP BY ?p ?title"""

PLACES = """
SELECT DISTINCT ?p ?doc ?line ?page ?text WHERE {
  ?r bk:refersTo ?p ; prov:wasDerivedFrom ?doc .
  ?p dcterms:title ?title .
  FILTER NOT EXISTS { ?p bk:docNumber ?number }
  OPTIONAL { ?r bk:sourceLine ?line }
  OPTIONAL { ?r bk:sourcePage ?page }
  OPTIONAL { ?r bk:sourceText ?text }
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


def link_titles(store: Store, near: float = 0.7) -> TitleLinks:
    """The title variants in the store; ``rejected`` lists the pairs scoring ``near`` or more that are not."""
    titles: dict[str, list[str]] = {}
    cited: dict[str, int] = {}
    for r in select(store, TITLED):
        titles.setdefault(r["p"], []).append(r["title"])
        cited[r["p"]] = max(cited.get(r["p"], 0), int(r["cited"]))
    places: dict[str, set[tuple]] = {}
    for r in select(store, PLACES):
        where = (r["doc"], r["line"]) if r["line"] is not None else (r["doc"], r["page"], r["text"])
        places.setdefault(r["p"], set()).add(where)

    out = TitleLinks()
    for a, b in combinations(sorted(titles), 2):
        ta, tb, sim = max(
            ((x, y, title_similarity(x, y)) for x in sorted(titles[a]) for y in sorted(titles[b])),
            key=lambda t: (t[2], t[0], t[1]),
        )
        if sim < near:
            continue
        ka, kb = title_key(ta), title_key(tb)
        why = None
        if min(len(ka), len(kb)) < MIN_CHARS:
            why = "too short"
        elif ka == kb and _full(ta) != _full(tb):
            why = "a short title and its full form: one law (the law table's business)"
        elif ka != kb and (ka.startswith(kb) or kb.startswith(ka) or ka.endswith(kb) or kb.endswith(ka)):
            why = "one title extends the other: another document (…实施条例, …（试行）) or a short title"
        elif places.get(a, set()) & places.get(b, set()):
            why = "cited in the same line of one document: two documents"
        elif sim < THRESHOLD:
            why = f"below {THRESHOLD}"
        if why:
            out.rejected.append((sim, ta, tb, why))
            continue
        (v, tv), (o, to) = sorted([(a, ta), (b, tb)], key=lambda x: (cited.get(x[0], 0), len(title_key(x[1])), x[0]))
        out.variants.append(Variant(v, o, sim, tv, to))
        node = iri.link("title-variant", v, o)
        vv, oo = URIRef(v), URIRef(o)
        out.triples += [
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
        docs = sorted({p[0] for p in places.get(v, set()) | places.get(o, set())})
        out.triples += [(node, PROV.wasDerivedFrom, URIRef(d)) for d in docs]
    out.rejected.sort(key=lambda r: (-r[0], r[1], r[2]))
    return out


def _full(title: str) -> bool:
    return _PUNCT.sub("", iri.key(title)).startswith(FULL_PREFIX)
