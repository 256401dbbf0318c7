"""Who issued a document: the issuer table of ``ontology/issuers.ttl``, and organs named in the text.

A document number's code (机关代字) is resolved by the longest prefix the table lists. An entry
names the organ(s), or only the region and level (晋 → 山西省): then the organ stays unknown.
A code no entry starts with stays unresolved — nothing is guessed.

>>> r = resolve_code("晋财综"); r.prefix, [o.name for o in r.organs], r.region, r.level_name
('晋财', ['山西省财政厅'], '山西省', 'province')
>>> r = resolve_code("晋市审管批"); r.prefix, r.organs, r.region, r.level_name
('晋市', (), '晋城市', 'city')
>>> [o.name for o in resolve_code("同办字").organs]
['中共大同市委办公室', '大同市人民政府办公室']
>>> resolve_code("市办发") is None
True

Documents often name the issuer beside a title; a name counts only when it is a full name —
a known organ, or a name that starts with a known region ("市委办公室" alone could be any city's):

>>> [(o.name, o.region, o.level_name) for o in organs_named("山西省财政厅、山西省行政审批服务管理局")]
[('山西省财政厅', '山西省', 'province'), ('山西省行政审批服务管理局', '山西省', 'province')]
>>> organs_named("市委办公室、市政府办公室")
[]
>>> [o.name for o in organs_named(title_issuer("中共大同市委 大同市人民政府关于进一步加强市政务大厅建设的意见"))]
['中共大同市委', '大同市人民政府']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rdflib import URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg import iri
from kg.codelists import normalise, ontology_dir, read_table
from kg.vocab import BK

__all__ = ["ISSUERS_FILE", "Organ", "Resolution", "resolve_code", "organs_named", "title_issuer", "organ_by_name", "organ_by_iri"]

ISSUERS_FILE = "issuers.ttl"
LEVEL_NAMES = {"national": "中央", "province": "省级", "city": "市级", "district": "区县级"}
# what a full organ name ends with
_ORGAN_END = re.compile("(?:厅|局|委|委员会|办公室|办公厅|人民政府|政府|中心|部|院|署|小组)$")
_SEPARATORS = re.compile(r"[、，,\s]+|(?<=[厅局委室府部院])和")


@dataclass(frozen=True)
class Organ:
    iri: URIRef
    name: str
    region: str | None
    level: URIRef | None
    known: bool  # listed in the issuer table (else named in a document)

    @property
    def level_name(self) -> str | None:
        return None if self.level is None else str(self.level).rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Resolution:
    """What the table says about one code: the prefix that matched, its organs, region and level."""

    code: str
    prefix: str
    organs: tuple[Organ, ...]
    region: str | None
    level: URIRef | None

    @property
    def level_name(self) -> str | None:
        return None if self.level is None else str(self.level).rsplit("/", 1)[-1]


@dataclass
class _Table:
    prefixes: dict[str, tuple[tuple[Organ, ...], str | None, URIRef | None]]
    organs_by_label: dict[str, Organ]  # normalised label / altLabel / hiddenLabel → organ
    regions: list[tuple[str, str | None, URIRef | None]]  # (name, region, level), longest name first


@lru_cache(maxsize=1)
def _table() -> _Table:
    g = read_table(ontology_dir() / ISSUERS_FILE, "issuer table")

    def one(s, p):
        return next(iter(g.objects(s, p)), None)

    organs: dict[URIRef, Organ] = {}
    by_label: dict[str, Organ] = {}
    for s in g.subjects(RDF.type, URIRef("http://www.w3.org/ns/org#Organization")):
        region, level = one(s, BK.region), one(s, BK.adminLevel)
        o = Organ(s, str(one(s, RDFS.label)), None if region is None else str(region), level, True)
        organs[s] = o
        for p in (RDFS.label, SKOS.altLabel, SKOS.hiddenLabel):
            for label in g.objects(s, p):
                by_label[normalise(str(label))] = o
    prefixes = {}
    for s in g.subjects(RDF.type, BK.IssuerCodePrefix):
        listed = tuple(sorted((organs[o] for o in g.objects(s, BK.organ)), key=lambda o: o.name))
        region, level = one(s, BK.region), one(s, BK.adminLevel)
        if listed and region is None:
            region, level = listed[0].region, listed[0].level
        prefixes[str(one(s, BK.codePrefix))] = (listed, None if region is None else str(region), level)
    regions = {(r, r, lvl) for _, r, lvl in prefixes.values() if r}
    regions |= {(o.name, o.region, o.level) for o in organs.values()}
    regions |= {(label, o.region, o.level) for label, o in by_label.items()}
    return _Table(prefixes, by_label, sorted(regions, key=lambda t: (-len(t[0]), t[0])))


def resolve_code(code: str) -> Resolution | None:
    """The table entry with the longest prefix of ``code``, or None when no entry starts it."""
    t = _table()
    for n in range(len(code), 0, -1):
        hit = t.prefixes.get(code[:n])
        if hit is not None:
            return Resolution(code, code[:n], *hit)
    return None


def organ_by_iri(node: URIRef) -> Organ | None:
    """The table's organ of that IRI."""
    return next((o for o in _table().organs_by_label.values() if o.iri == node), None)


def organ_by_name(name: str) -> Organ | None:
    """The organ ``name`` designates: a table organ (under any of its labels), or a full name
    that starts with a known region or organ (then a new organ of that region and level)."""
    t = _table()
    key = normalise(name)
    if key in t.organs_by_label:
        return t.organs_by_label[key]
    if len(key) < 4 or not _ORGAN_END.search(key):
        return None
    bare = key.removeprefix("中共")
    for prefix, region, level in t.regions:
        if bare.startswith(prefix) and len(bare) > len(prefix):
            return Organ(iri.organ(key), key, region, level, False)
    return None


def organs_named(text: str | None) -> list[Organ]:
    """The organs a printed issuer names ("A、B", "A B"), when every part is a full name; else []."""
    if not text:
        return []
    parts = [p for p in _SEPARATORS.split(text.strip().removesuffix("文件").strip()) if p]
    found = [organ_by_name(p) for p in parts]
    return [] if not found or None in found else found  # type: ignore[return-value]


def title_issuer(title: str | None) -> str | None:
    """The issuer a title starts with ("山西省财政厅关于…" → "山西省财政厅"), or None."""
    if not title or "关于" not in title:
        return None
    head = title.split("关于", 1)[0].strip()
    return head or None
