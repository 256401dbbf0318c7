"""Rule-based pipeline components that find policy references.

Four components mark entities in ``doc.ents`` (never overlapping); a trained NER model that
predicts the same labels can replace them without touching the last one:

=============  ==================  ===========================================================
component      labels              what
=============  ==================  ===========================================================
bk_amount      MONEY               "1898万元", "391,308元", "≤256.3万元" (so no amount is read as a number)
bk_docno       DOCNO, DECREE       发文字号 in any spelling, 国务院令492号, 财政部第102号令
bk_title       TITLE               a balanced 《…》 (nested 〈〉 and 《》 belong to it)
bk_issuer      ISSUER              the organ named right before a title or number
=============  ==================  ===========================================================

``bk_references`` reads only ``doc.ents`` and sets ``doc._.references`` (a list of
``kg.extract.references.FoundRef``), canonicalising numbers with ``kg.policy.docno`` and pairing
titles with numbers (see ``assemble_references``).

A span that strictly contains the entities it overlaps replaces them (a title holding an
amount or a number is one title); any other overlap leaves the earlier entity in place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from spacy.language import Language
from spacy.tokens import Doc

from kg.model import FoundRef
from kg.policy.docno import iter_docnos, parse_docno, to_halfwidth_digits
from kg.policy.titles import iter_titles, normalize_title

__all__ = ["REFERENCE_LABELS", "Ent", "assemble_references", "find_amounts", "find_issuer"]

Ent = tuple[str, int, int]  # (label, start char, end char)
REFERENCE_LABELS = ("DOCNO", "DECREE", "TITLE", "ISSUER")

if not Doc.has_extension("references"):
    Doc.set_extension("references", default=None)

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

# ---------------------------------------------------------------- amounts

_AMOUNT = re.compile(
    r"(?:[≥≤<>=＜＞＝]\s*)?(?<![\d.,])(?:\d{1,3}(?:[,，]\s?\d{3})+|\d+)(?:\.\d+)?\s*(?:亿元|万元|千元|元)"
)


def find_amounts(text: str) -> Iterable[tuple[int, int]]:
    """Spans of money amounts.

    >>> [text[s:e] for text in ["共1,101.04万元，其中≤256.3万元和391,308元"] for s, e in find_amounts(text)]
    ['1,101.04万元', '≤256.3万元', '391,308元']
    """
    for m in _AMOUNT.finditer(to_halfwidth_digits(text)):
        yield m.start(), m.end()


# ---------------------------------------------------------------- issuers

_ORG_SUFFIX = (
    "(?:人民政府办公厅|人民政府办公室|人民政府|办公厅|办公室|委员会|领导小组|政府|中心|银行"
    "|[厅局委部院署会])"
)
_ORG_PART = f"[{_CJK}]{{1,30}}?{_ORG_SUFFIX}"
_ORG_SEQ = re.compile(f"{_ORG_PART}(?:[、 \u3000]{_ORG_PART})*")
_ORGAN_RUN = re.compile(f"[{_CJK}][{_CJK}、 \u3000]*$")
_GAP_AFTER_ISSUER = re.compile(r"(?:文件)?[^\S\t]{0,2}")
# prose that may run into an organ name: cut after the last connector word or stop character
_PROSE = re.compile(
    ".*(?:根据|按照|依据|依照|参照|遵照|详见|执行|转发|印发|落实|贯彻|关于|文件|要求|通知|批复|规定|精神"
    "|[的了是在于及即见据照按将对把被等并或以由号令件之其该请元年月日])"
)
MAX_ISSUER_WINDOW = 60


def find_issuer(text: str, end: int, floor: int = 0) -> tuple[int, int] | None:
    """The organ named right before ``end`` (no earlier than ``floor``), as a span, or None.

    Several organs joined by 、 form one issuer; a trailing "文件" and up to two spaces may
    separate it from what it issued, and are not part of it.

    >>> text = "和山西省财政厅、山西省政务信息管理局《关于印发…的通知》"
    >>> s, e = find_issuer(text, text.index("《")); text[s:e]
    '山西省财政厅、山西省政务信息管理局'
    >>> text = "大同市云冈区人民政府办公室文件 云政办发[2019]116号"
    >>> s, e = find_issuer(text, text.index("云政")); text[s:e]
    '大同市云冈区人民政府办公室'
    >>> find_issuer("按照《网络安全法》", 2) is None
    True
    """
    lo = max(floor, end - MAX_ISSUER_WINDOW)
    m = _ORGAN_RUN.search(text, lo, end)
    if m is None:
        return None
    start, stop = m.start(), end
    while stop > start and text[stop - 1] in " \u3000":
        stop -= 1
    if text.startswith("文件", stop - 2) and stop - 2 > start:
        stop -= 2
        while stop > start and text[stop - 1] in " \u3000":
            stop -= 1
    if not _GAP_AFTER_ISSUER.fullmatch(text, stop, end):
        return None
    prose = _PROSE.match(text, start, stop)
    if prose:
        start = prose.end()
    # the organ sequence may begin only at the start or after a separator; take the longest valid
    candidates = [start] + [i + 1 for i in range(start, stop) if text[i] in "、 \u3000"]
    for s in candidates:
        while s < stop and text[s] in "和与、 \u3000":
            s += 1
        if stop - s >= 2 and _ORG_SEQ.fullmatch(text, s, stop):
            return s, stop
    return None


# ---------------------------------------------------------------- pairing

_OPENERS = "（([【〔"
_CLOSERS = "）)]】〕"
_TITLE_TO_NUMBER_GAP = re.compile(f"[ \u3000\r\n{re.escape(_OPENERS)}]{{0,2}}")
# 普发改投【2017】89号文《…》, 晋财综〔2021〕63号文件《…》: "文" / "文件" may follow the number
_NUMBER_TO_TITLE_GAP = re.compile("[ \u3000\r\n]?(?:文件?[ \u3000\r\n]?)?")


def _number_fields(text: str, label: str) -> dict:
    parsed = parse_docno(text)
    if parsed is None:  # an entity from a model that the rules cannot read: keep it raw
        return {"kind": "decree" if label == "DECREE" else "docno", "docno": None, "raw_docno": text,
                "issuer_code": None, "year": None, "serial": None}
    return {"kind": parsed.kind, "docno": parsed.canonical, "raw_docno": text,
            "issuer_code": parsed.issuer_code, "year": parsed.year, "serial": parsed.serial}


def assemble_references(text: str, ents: Sequence[Ent]) -> list[FoundRef]:
    """Pair entities into references (pure: the spaCy component only adapts ``doc.ents``).

    1. a TITLE followed by a number, the gap at most two of space/（/( : one reference, the
       closing bracket after the number included;
    2. a number followed by a TITLE not yet paired, the gap at most 文 or 文件 and a space on
       either side: one reference;
    3. an ISSUER right before a reference (gap: optional 文件 and ≤ 2 spaces) is its issuer.

    >>> text = "山西省财政厅《关于X的通知》(晋财库〔2020〕16号)"
    >>> ents = [("ISSUER", 0, 6), ("TITLE", 6, 14), ("DOCNO", 15, 27)]
    >>> [(r.raw, r.docno, r.title, r.issuer_text) for r in assemble_references(text, ents)]
    [('山西省财政厅《关于X的通知》(晋财库〔2020〕16号)', '晋财库〔2020〕16号', '关于X的通知', '山西省财政厅')]
    """
    items = sorted((e for e in ents if e[0] in REFERENCE_LABELS), key=lambda e: (e[1], e[2]))
    used: set[int] = set()
    groups: list[tuple[int | None, int | None, int]] = []  # (title index, number index, end)

    def is_number(i: int) -> bool:
        return i < len(items) and items[i][0] in ("DOCNO", "DECREE") and i not in used

    def is_title(i: int) -> bool:
        return i < len(items) and items[i][0] == "TITLE" and i not in used

    for i, (label, _s, e) in enumerate(items):
        if label == "TITLE" and is_number(i + 1):
            gap = text[e : items[i + 1][1]]
            if _TITLE_TO_NUMBER_GAP.fullmatch(gap):
                end = items[i + 1][2]
                if any(c in _OPENERS for c in gap) and text[end : end + 1] in tuple(_CLOSERS):
                    end += 1
                groups.append((i, i + 1, end))
                used.update((i, i + 1))
    for i, (label, _s, e) in enumerate(items):
        if (label in ("DOCNO", "DECREE") and i not in used and is_title(i + 1)
                and _NUMBER_TO_TITLE_GAP.fullmatch(text, e, items[i + 1][1])):
            groups.append((i + 1, i, items[i + 1][2]))
            used.update((i, i + 1))
    for i, (label, _s, e) in enumerate(items):
        if i not in used and label != "ISSUER":
            groups.append((i, None, e) if label == "TITLE" else (None, i, e))

    refs = []
    for title_i, number_i, end in groups:
        first = min(i for i in (title_i, number_i) if i is not None)
        start = items[first][1]
        issuer_text = None
        prev = items[first - 1] if first > 0 else None
        if prev and prev[0] == "ISSUER" and _GAP_AFTER_ISSUER.fullmatch(text[prev[2] : start]):
            start, issuer_text = prev[1], text[prev[1] : prev[2]]
        fields = {"kind": "title", "docno": None, "raw_docno": None,
                  "issuer_code": None, "year": None, "serial": None}
        if number_i is not None:
            label, s, e = items[number_i]
            fields = _number_fields(text[s:e], label)
        title = None
        if title_i is not None:
            title = normalize_title(text[items[title_i][1] : items[title_i][2]])
        refs.append(FoundRef(start=start, end=end, raw=text[start:end], title=title,
                             issuer_text=issuer_text, **fields))
    return sorted(refs, key=lambda r: (r.start, r.end))


# ---------------------------------------------------------------- spaCy adapters


def text_of(doc: Doc) -> str:
    """The doc's text, joined once: ``Doc.text`` joins every token (in Chinese, one a character) each
    time it is read, and every component reads it."""
    text = doc.user_data.get("kg.text")
    if text is None:
        text = doc.user_data["kg.text"] = doc.text
    return text


def make_doc(nlp: Language, text: str) -> Doc:
    """``nlp.make_doc(text)`` that knows its text (:func:`text_of` need not join its tokens): a
    tokenizer's doc gives back the text it was made from, character for character."""
    doc = nlp.make_doc(text)
    doc.user_data["kg.text"] = text
    return doc


def _add_ents(doc: Doc, found: Iterable[tuple[int, int]], label: str) -> None:
    """Add character spans as entities; see the module docstring for overlaps."""
    found = list(found)
    if not found:  # most components find nothing in most texts: the entities stay as they are
        return
    ents = list(doc.ents)
    for start, end in found:
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
        if span is None:
            continue
        clash = [e for e in ents if e.start < span.end and span.start < e.end]
        if any((e.start, e.end) == (span.start, span.end) or e.start < span.start or e.end > span.end
               for e in clash):
            continue
        ents = [e for e in ents if not (e.start < span.end and span.start < e.end)] + [span]
    doc.ents = sorted(ents, key=lambda e: e.start)


@Language.factory("bk_amount", assigns=["doc.ents"])
def make_amount(nlp: Language, name: str):
    def bk_amount(doc: Doc) -> Doc:
        _add_ents(doc, find_amounts(text_of(doc)), "MONEY")
        return doc

    return bk_amount


@Language.factory("bk_docno", assigns=["doc.ents"])
def make_docno(nlp: Language, name: str):
    def bk_docno(doc: Doc) -> Doc:
        found = list(iter_docnos(text_of(doc)))
        _add_ents(doc, ((s, e) for s, e, d in found if d.kind == "docno"), "DOCNO")
        _add_ents(doc, ((s, e) for s, e, d in found if d.kind == "decree"), "DECREE")
        return doc

    return bk_docno


@Language.factory("bk_title", assigns=["doc.ents"])
def make_title(nlp: Language, name: str):
    def bk_title(doc: Doc) -> Doc:
        # 《晋市审管批[2022]310号》: a number in title marks is the number, not a title
        spans = ((s, e) for s, e in iter_titles(text_of(doc)) if parse_docno(text_of(doc)[s + 1 : e - 1]) is None)
        _add_ents(doc, spans, "TITLE")
        return doc

    return bk_title


@Language.factory("bk_issuer", assigns=["doc.ents"], requires=["doc.ents"])
def make_issuer(nlp: Language, name: str):
    def bk_issuer(doc: Doc) -> Doc:
        found, floor = [], 0
        for ent in doc.ents:
            start = ent.start_char
            if ent.label_ in ("DOCNO", "DECREE", "TITLE"):
                span = find_issuer(text_of(doc), start, floor)
                if span is not None:
                    found.append(span)
            floor = ent.end_char
        _add_ents(doc, found, "ISSUER")
        return doc

    return bk_issuer


@Language.factory("bk_references", assigns=["doc._.references"], requires=["doc.ents"])
def make_references(nlp: Language, name: str):
    def bk_references(doc: Doc) -> Doc:
        ents = [(e.label_, e.start_char, e.end_char) for e in doc.ents]
        doc._.references = assemble_references(text_of(doc), ents)
        return doc

    return bk_references
