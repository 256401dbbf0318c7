"""Code lists: a label as printed → its SKOS concept, read from ``ontology/codelists.ttl``.

The lists are data, not code: to teach the lookup a new spelling, add a ``skos:altLabel`` (a spelling the
documents use) or ``skos:hiddenLabel`` (an OCR or truncated form) to the TTL file. Labels match after
:func:`normalise`: NFKC (full-width brackets, colons and digits become half-width) with all whitespace removed.

>>> concept("indicator-category", "服务对象满意度")
rdflib.term.URIRef('https://w3id.org/budget-kg/id/concept/indicator/beneficiary-satisfaction')
>>> concept("funding-level", "市县（区）财政资金")
rdflib.term.URIRef('https://w3id.org/budget-kg/id/concept/funding-level/municipal')
>>> economic_code("维修 (护) 费"), economic_code("因公出国（境）费"), economic_code("不存在")
('30213', '30212', None)
>>> label(parent(concept("indicator-category", "社会效益")))
'效益指标'
>>> label(concept("budget-type", "政府性基金"), lang="en")
'Government fund budget'
>>> parent(concept("indicator-category", "产出指标")) is None
True

The directory holding the TTL files is the package's ``kg._ontology`` (``ontology/`` of the repository, see
:mod:`kg.resources`), or ``$KG_ONTOLOGY_DIR`` when set.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from kg.errors import KgError
from kg.vocab import ID_IRI

__all__ = [
    "CODELISTS_FILE", "FUNCTIONAL_FILE", "ontology_dir", "read_table", "normalise", "schemes", "concept", "economic_code",
    "parent", "label", "labels", "functional_name", "functional_code", "functional_codes",
]

CODELISTS_FILE = "codelists.ttl"
FUNCTIONAL_FILE = "functional.ttl"  # the national functional classification (id:scheme/functional)
SCHEME_BASE = ID_IRI + "scheme/"
_LOOKUP_LABELS = (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)
_SPACE = re.compile(r"\s+")


def ontology_dir() -> Path:
    """The directory of the ontology files: ``$KG_ONTOLOGY_DIR``, else the package's (:mod:`kg.resources`)."""
    from kg.resources import ontology_dir as installed

    return installed()


def normalise(text: str) -> str:
    """The form labels are compared in: NFKC, then every whitespace character removed.

    >>> normalise("维修 (护) 费") == normalise("维修（护）费")
    True
    >>> normalise("市县（区）财政资金 ")
    '市县(区)财政资金'
    """
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


@dataclass(frozen=True)
class _Index:
    by_label: dict[str, dict[str, URIRef]]  # scheme name → normalised label → concept
    pref: dict[URIRef, dict[str, str]]  # concept → language → skos:prefLabel
    broader: dict[URIRef, URIRef]
    notation: dict[URIRef, str]


def read_table(file: Path, what: str) -> Graph:
    """One of the Turtle tables of ``ontology/`` (code lists, issuers, laws), or a one-line KgError
    naming the file: missing, or not valid Turtle (with the parser's reason)."""
    if not file.is_file():
        raise KgError(f"{what} not found (set KG_ONTOLOGY_DIR to the ontology directory)", file=str(file))
    try:
        return Graph().parse(file, format="turtle")
    except Exception as e:  # rdflib raises several parser exception types
        reason = " ".join(str(e).split())[:200]
        raise KgError(f"{what} is not valid Turtle: {reason}", file=str(file)) from e


@lru_cache(maxsize=4)
def _load(path: str) -> _Index:
    """Read one code-list file into lookup tables (once per path)."""
    g = read_table(Path(path), "code lists")

    by_label: dict[str, dict[str, URIRef]] = {}
    for s in g.subjects(RDF.type, SKOS.ConceptScheme):
        if isinstance(s, URIRef) and str(s).startswith(SCHEME_BASE):
            by_label[str(s)[len(SCHEME_BASE):]] = {}

    pref: dict[URIRef, dict[str, str]] = {}
    broader: dict[URIRef, URIRef] = {}
    notation: dict[URIRef, str] = {}
    for c in g.subjects(RDF.type, SKOS.Concept):
        if not isinstance(c, URIRef):
            continue
        pref[c] = {lit.language or "zh": str(lit) for lit in g.objects(c, SKOS.prefLabel) if isinstance(lit, Literal)}
        if (b := g.value(c, SKOS.broader)) is not None:
            broader[c] = URIRef(b)
        if (n := g.value(c, SKOS.notation)) is not None:
            notation[c] = str(n)
        for scheme in g.objects(c, SKOS.inScheme):
            table = by_label.get(str(scheme)[len(SCHEME_BASE):])
            if table is None:
                continue
            for prop in _LOOKUP_LABELS:
                for lit in g.objects(c, prop):
                    key = normalise(str(lit))
                    if table.setdefault(key, c) != c:
                        raise KgError(f"label {str(lit)!r} names both {table[key]} and {c}", file=path)
    return _Index(by_label, pref, broader, notation)


def _index() -> _Index:
    return _load(str(ontology_dir() / CODELISTS_FILE))


def schemes() -> list[str]:
    """The names of the code lists, e.g. "economic" for ``id:scheme/economic``.

    >>> schemes()
    ['admin-level', 'budget-item', 'budget-phase', 'budget-type', 'economic', 'functional', 'funding-level', 'income', 'indicator-category', 'narrative-topic']
    """
    return sorted(_index().by_label)


def concept(scheme: str, label: str) -> URIRef | None:
    """The concept of ``scheme`` whose preferred, alternative or hidden label matches ``label``, or None.

    ``scheme`` is a name from :func:`schemes` ("indicator-category", "budget-type", "funding-level", "economic").

    >>> concept("economic", "基本工资")
    rdflib.term.URIRef('https://w3id.org/budget-kg/id/concept/economic/30101')
    >>> concept("indicator-category", "效益") is None
    True
    >>> concept("economics", "基本工资")
    Traceback (most recent call last):
    ...
    ValueError: unknown code list 'economics'; known: admin-level, budget-item, budget-phase, budget-type, economic, functional, funding-level, income, indicator-category, narrative-topic
    """
    index = _index()
    table = index.by_label.get(scheme)
    if table is None:
        raise ValueError(f"unknown code list {scheme!r}; known: {', '.join(sorted(index.by_label))}")
    return table.get(normalise(label))


def economic_code(label: str) -> str | None:
    """The 部门预算支出经济分类 code of a name as printed, or None.

    >>> economic_code("工资福利支出"), economic_code("机关事业单位基本养老保险缴费")
    ('301', '30108')
    """
    c = concept("economic", label)
    return None if c is None else _index().notation.get(c)


def known(c: URIRef) -> bool:
    """Whether the code lists define the concept.

    >>> known(URIRef("https://w3id.org/budget-kg/id/concept/economic/30213")), known(URIRef("urn:x"))
    (True, False)
    """
    return c in _index().pref


def parent(c: URIRef) -> URIRef | None:
    """The broader concept (``skos:broader``), or None for a top concept or an unknown one.

    >>> parent(URIRef("https://w3id.org/budget-kg/id/concept/economic/30213"))
    rdflib.term.URIRef('https://w3id.org/budget-kg/id/concept/economic/302')
    """
    return _index().broader.get(c)


def label(c: URIRef, lang: str = "zh") -> str:
    """The ``skos:prefLabel`` of a concept in ``lang``; KeyError when the code lists have none.

    >>> label(URIRef("https://w3id.org/budget-kg/id/concept/funding-level/municipal"))
    '市县(区)财政资金'
    >>> label(URIRef("https://w3id.org/budget-kg/id/concept/nothing"))
    Traceback (most recent call last):
    ...
    KeyError: 'no prefLabel@zh for <https://w3id.org/budget-kg/id/concept/nothing>'
    """
    try:
        return _index().pref[c][lang]
    except KeyError:
        raise KeyError(f"no prefLabel@{lang} for <{c}>") from None


def labels(scheme: str) -> dict[str, list[str]]:
    """Concept key (the last segment of its IRI) → every label of it (preferred, alternative, hidden; Chinese),
    for the concepts of ``scheme``.

    >>> labels("narrative-topic")["income-total"]
    ['本年收入合计', '本年收入', '本年收入预算']
    """
    return _scheme_labels(str(ontology_dir() / CODELISTS_FILE), scheme)


@lru_cache(maxsize=8)
def _scheme_labels(path: str, scheme: str) -> dict[str, list[str]]:
    g = read_table(Path(path), "code lists")
    s = URIRef(SCHEME_BASE + scheme)
    out: dict[str, list[str]] = {}
    for c in sorted(g.subjects(SKOS.inScheme, s)):
        key = str(c).rstrip("/").rsplit("/", 1)[-1]
        out[key] = [str(lit) for prop in _LOOKUP_LABELS for lit in sorted(g.objects(c, prop))
                    if isinstance(lit, Literal) and not lit.language]
    return out


@dataclass(frozen=True)
class _Functional:
    names: dict[str, str]  # code → national name
    children: dict[str | None, dict[str, str]]  # parent code (None for the 类) → normalised name → code


@lru_cache(maxsize=4)
def _load_functional(path: str) -> _Functional:
    g = read_table(Path(path), "the functional classification")
    names: dict[str, str] = {}
    children: dict[str | None, dict[str, str]] = {}
    for c in g.subjects(RDF.type, SKOS.Concept):
        code = g.value(c, SKOS.notation)
        name = g.value(c, SKOS.prefLabel)
        if code is None or name is None:
            continue
        code, name = str(code), str(name)
        names[code] = name
        children.setdefault(code[:-2] if len(code) > 3 else None, {})[normalise(name)] = code
    return _Functional(names, children)


def _functional() -> _Functional:
    return _load_functional(str(ontology_dir() / FUNCTIONAL_FILE))


def functional_name(code: str) -> str | None:
    """The national name of a functional classification code, or None when the list lacks it.

    >>> functional_name("2010350"), functional_name("221"), functional_name("2999999")
    ('事业运行', '住房保障支出', None)
    """
    return _functional().names.get(code)


def functional_code(name: str, parent: str | None = None) -> str | None:
    """The code of the 类 named ``name`` (``parent`` None), or of the 款 or 项 so named under ``parent``.

    >>> functional_code("一般公共服务支出"), functional_code("财政事务", "201"), functional_code("行政运行", "20106")
    ('201', '20106', '2010601')
    >>> functional_code("一般公共预算服务支出") is None
    True
    """
    return _functional().children.get(parent, {}).get(normalise(name))


def functional_codes() -> dict[str, str]:
    """Every code of the national list → its name."""
    return dict(_functional().names)
