"""Personal data out of every stored literal: people's names and phone numbers, wherever they are written.

Budget disclosures print a contact at the foot of a KPI table (负责人 / 经办人 / 联系电话, left out by
:mod:`kg.extract.kpi`), but also in prose: "项目联系人：李明，联系电话：0352-5027788，手机：13912345678".
Source snippets (``bk:sourceText``, ``bk:basisText`` …) would carry them into the store word for word.
So every literal a document's graphs hold passes through :func:`redact` (unless ``kg ingest
--keep-personal``):

- phone numbers: mobiles (``1[3-9]`` and nine digits, spaced or hyphenated, with or without +86),
  landlines with an area code (``0352-5027788``, ``(0352)5027788``, ``0352 5027788``, an extension
  ``-801`` or ``转801``), and a 7–8 digit local number after a phone label (电话 / 手机 / 座机 / 传真 /
  联系方式 / Tel) → ``[电话]``;
- a person's name after a label that introduces a person (联系人, 经办人, 负责人, 填报人, 审核人, 制表人 …)
  → ``[姓名]``. What such a label introduces is kept when it names an organ or a post rather than a
  person (负责人：财务科, 联系人：办公室, 负责人：局长): public organs are not personal data.

Text inside 《》 is a title and kept as printed. Literals are also stripped of control characters
(:mod:`kg.read.hygiene` removed them from the source; this catches the file name and what else
reaches a literal). Amounts and other typed literals are not touched.

>>> redact("项目联系人：李明，联系电话：0352-5027788，手机：139 1234 5678。")
('项目联系人：[姓名]，联系电话：[电话]，手机：[电话]。', Counter({'phone': 2, 'name': 1}))
>>> redact("网络部负责人：负责管理、监督")[1]  # what the label introduces is a duty, not a person
Counter()
>>> redact("负责人：财务科；电话：5027788")
('负责人：财务科；电话：[电话]', Counter({'phone': 1}))
>>> redact("依据《关于李明同志联系电话0352-5027788的通知》")[1]
Counter()
>>> redact("2024年预算安排13912345678.00元")[1]  # an amount with decimals is not a phone number
Counter()
>>> redact("a03525027788b 预算")[1]  # digits inside a hash are not a phone number
Counter()
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.read.hygiene import strip_controls

PHONE = "[电话]"
NAME = "[姓名]"

_SEP = r"[-－—–\s\u00a0]?"
_MOBILE = rf"(?:(?:\+|＋)?86{_SEP})?1[3-9]\d{_SEP}\d{{4}}{_SEP}\d{{4}}"
_AREA = r"(?:[(（]0\d{2,3}[)）]|0\d{2,3})"
_LANDLINE = rf"{_AREA}{_SEP}\d{{7,8}}(?:(?:-|转|ext\.?)\d{{1,5}})?"
_PHONE = re.compile(rf"(?<![0-9A-Za-z.．])(?:{_MOBILE}|{_LANDLINE})(?![\d.．]\d|[0-9A-Za-z])")
_LABEL_PHONE = re.compile(
    r"((?:联系)?(?:电话|手机|座机|传真|电话号码|联系方式|Tel|TEL|tel)\s*(?:号码)?\s*[:：]?\s*)([2-9]\d{6,7})(?![\d.．]\d|\d)"
)
_PERSON_LABEL = (
    r"(?:项目|单位|财务|部门|科室)?(?:联系人员|联系人|经办人|负责人|填报人|填表人|审核人|审批人|复核人|制表人|编制人|承办人|咨询人|"
    r"申报人|收款人)"
)
_NAME = re.compile(
    rf"({_PERSON_LABEL}\s*[:：]\s*)([\u4e00-\u9fff·]{{2,4}}?)(?=$|[^\u4e00-\u9fff·]|联系|电话|手机|职务|邮箱|地址|同志|先生|女士)"
)
#: what a label may introduce that is not a person: an organ, an office, a post
_NOT_PERSON = re.compile(
    r"(?:科|处|局|室|部|厅|股|组|所|站|院|校|队|会|中心|单位|部门|办公室|委员会|公司|政府|长|主任|书记|主席|员|人|"
    r"领导|同志|负责)$|^(?:本单位|单位|部门|项目|财务|无|暂无|待定|负责|主持|统筹|组织|协调|管理|分管|牵头|全面|具体|做好|落实|"
    r"监督|审核|审批|编制|填报|由|对|按|为|是|在|将|把|和|及|与)"
)
_TITLE = re.compile(r"《[^《》]*》")
#: what every pattern above needs: a digit (phone numbers) or 人 (the labels of names)
_CANDIDATE = re.compile(r"[\d人]")


def redact(text: str, seen: set | None = None) -> tuple[str, Counter]:
    """``text`` with people's names and phone numbers replaced, and how many of each; ``seen`` gets
    each ``(kind, value)`` replaced."""
    found: Counter = Counter()
    if not text or not _CANDIDATE.search(text):
        return text, found
    parts = []
    at = 0
    for m in _TITLE.finditer(text):
        parts.append(_redact_plain(text[at:m.start()], found, seen))
        parts.append(m.group(0))
        at = m.end()
    parts.append(_redact_plain(text[at:], found, seen))
    return "".join(parts), found


def _redact_plain(text: str, found: Counter, seen: set | None) -> str:
    def note(kind: str, value: str) -> None:
        found[kind] += 1
        if seen is not None:
            seen.add((kind, re.sub(r"\D", "", value) if kind == "phone" else value))

    def phone(m: re.Match) -> str:
        note("phone", m.group(0))
        return PHONE

    def labelled_phone(m: re.Match) -> str:
        note("phone", m.group(2))
        return m.group(1) + PHONE

    def name(m: re.Match) -> str:
        who = m.group(2)
        if _NOT_PERSON.search(who):
            return m.group(0)
        note("name", who)
        return m.group(1) + NAME

    text = _PHONE.sub(phone, text)
    text = _LABEL_PHONE.sub(labelled_phone, text)
    return _NAME.sub(name, text)


def literal(term: Node, found: set, keep_personal: bool = False) -> Node:
    """A term as it may be stored: a string literal without control characters and (unless
    ``keep_personal``) without personal data; any other term unchanged. ``found`` gets each
    ``(kind, value)`` removed: ``("phone", digits)``, ``("name", name)``, ``("control", character)``."""
    if not isinstance(term, Literal) or (term.datatype is not None and not str(term.datatype).endswith("#string")):
        return term
    text = str(term)
    clean, removed = _scrubbed(text, keep_personal)
    found.update(removed)
    if clean == text:
        return term
    return Literal(clean, lang=term.language, datatype=term.datatype)


@lru_cache(maxsize=8192)  # documents repeat their labels and snippets, and a corpus its row labels
def _scrubbed(text: str, keep_personal: bool) -> tuple[str, frozenset]:
    """``text`` without control characters and (unless ``keep_personal``) personal data, and each
    ``(kind, value)`` removed (see :func:`literal`)."""
    found: set = set()
    clean, controls = strip_controls(text)
    found.update(("control", c) for c in controls)
    if not keep_personal:
        clean = redact(clean, found)[0]
    return clean, frozenset(found)


def redact_triples(triples: Iterable[tuple], found: set, keep_personal: bool = False) -> list[tuple]:
    """The triples with their literals as :func:`literal` makes them; counts into ``found``. A
    document repeats its literals (labels, snippets, units): each is read once."""
    seen: dict[int, tuple[Node, Node]] = {}  # by the term's id (the mapper makes a recurring literal once)
    out = []
    for t in triples:
        o = t[2]
        if o.__class__ is not URIRef:  # an IRI is stored as it is
            got = seen.get(id(o))
            if got is None:  # the term is kept with its result, so that its id is not reused
                got = seen[id(o)] = (o, literal(o, found, keep_personal))
            if got[1] is not o:
                t = (t[0], t[1], got[1])
        out.append(t)
    return out


def people(found: set) -> int:
    """How many distinct names and phone numbers were redacted."""
    return sum(1 for kind, _ in found if kind in ("phone", "name"))


def summary(found: set) -> str:
    """What was redacted from one document (distinct values), in words.

    >>> summary({("phone", "03525027788"), ("phone", "13912345678"), ("name", "李明")})
    '2 phone numbers and 1 name of people redacted (kg ingest --keep-personal keeps them)'
    """
    parts = []
    phones = sum(1 for kind, _ in found if kind == "phone")
    names = sum(1 for kind, _ in found if kind == "name")
    if phones:
        parts.append(f"{phones} phone number{'s' if phones > 1 else ''}")
    if names:
        parts.append(f"{names} name{'s' if names > 1 else ''} of people")
    return " and ".join(parts) + " redacted (kg ingest --keep-personal keeps them)" if parts else ""
