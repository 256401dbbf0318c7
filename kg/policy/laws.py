"""Laws and regulations cited by title: the alias table of ``ontology/laws.ttl``.

One node per real law: a short title and the full title are the same law.

>>> canonical_law("网络安全法"), canonical_law("《中华人民共和国网络安全法》")
('中华人民共和国网络安全法', '中华人民共和国网络安全法')
>>> canonical_law("等级保护条例")
'网络安全等级保护条例'
>>> canonical_law("中华人民共和国政府信息条例") is None  # a misspelling is not an alias
True

A title not in the table is still a law or regulation when it reads as one:

>>> is_law("中华人民共和国网络安全法"), is_law("信息系统安全等保条例"), is_law("政府购买服务管理办法")
(True, True, False)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rdflib import URIRef
from rdflib.namespace import RDF, SKOS

from kg.codelists import normalise, ontology_dir, read_table
from kg.vocab import BK

__all__ = ["LAWS_FILE", "Law", "canonical_law", "law", "is_law"]

LAWS_FILE = "laws.ttl"
_LAW_TITLE = re.compile("(?:(?<![办方做])法|条例)$")


@dataclass(frozen=True)
class Law:
    iri: URIRef
    title: str  # the full title
    aliases: tuple[str, ...]
    issuer: URIRef | None


@lru_cache(maxsize=1)
def _laws() -> dict[str, Law]:
    g = read_table(ontology_dir() / LAWS_FILE, "law table")
    out: dict[str, Law] = {}
    for s in g.subjects(RDF.type, BK.Law):
        title = str(next(g.objects(s, SKOS.prefLabel)))
        aliases = tuple(sorted(str(a) for a in g.objects(s, SKOS.altLabel)))
        entry = Law(s, title, aliases, next(iter(g.objects(s, BK.issuedBy)), None))
        for name in (title, *aliases):
            out[normalise(name)] = entry
    return out


def law(title: str | None) -> Law | None:
    """The table's law whose full or short title ``title`` is (《》 and whitespace ignored)."""
    if not title:
        return None
    return _laws().get(normalise(title.strip().removeprefix("《").removesuffix("》")))


def canonical_law(title: str | None) -> str | None:
    """The full title of the law ``title`` names, or None when the table does not list it."""
    found = law(title)
    return None if found is None else found.title


def is_law(title: str | None) -> bool:
    """A law or regulation: listed in the table, or a title ending in …法 (not 办法) or …条例."""
    return law(title) is not None or bool(title and _LAW_TITLE.search(title.strip()))
