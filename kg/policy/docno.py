"""Document numbers (发文字号) and decrees: every spelling → one canonical form.

The canonical form follows GB/T 9704-2012: issuer code (机关代字) + year in 〔〕 + serial
without leading zeros + 号, no 第, no spaces. Decrees have no year and keep their 第:
organ + 令第N号.

>>> canonical_docno("晋财综【2024】37号")
'晋财综〔2024〕37号'
>>> canonical_docno("同政管发【2011】第21号")
'同政管发〔2011〕21号'
>>> canonical_docno("晋市僖字2018[10]号")
'晋市僖字〔2018〕10号'
>>> canonical_docno("国务院令492号")
'国务院令第492号'
>>> canonical_docno("财政部第102号令")
'财政部令第102号'
>>> canonical_docno("2024年4月15日") is None
True

``iter_docnos`` finds every number in running text, with its character offsets:

>>> [(s, e, d.canonical) for s, e, d in iter_docnos("根据晋财综(2023)43号和国务院令492号")]
[(2, 14, '晋财综〔2023〕43号'), (15, 23, '国务院令第492号')]

Pure functions only: no spaCy here (the pipeline in kg.extract.nlp calls these).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["DocNo", "canonical_docno", "iter_docnos", "parse_docno", "rejoin_docnos", "to_halfwidth_digits"]


@dataclass(frozen=True)
class DocNo:
    """One parsed document number.

    ``issuer_code`` is the 机关代字 (晋财综, 同办字 …) or, for a decree, the organ (国务院, 财政部);
    ``year`` is None for decrees.
    """

    canonical: str
    issuer_code: str
    year: int | None
    serial: int
    kind: str  # "docno" | "decree"


# Full-width digits → ASCII, one character for one, so offsets stay valid.
_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_OPEN = "[〔【\\[(（﹝［〖{｛]"
_CLOSE = "[〕】\\])）﹞］〗}｝]"
_WS = "[^\\S\\t]*"  # spaces, full-width spaces and line breaks; never a tab (tabs separate cells)
_YEAR = f"(?:19|20){_WS}\\d{_WS}\\d"  # OCR may break a year inside its brackets

# The part after the code: it is distinctive, so we search for it and then walk back over the
# characters of the code (searching for "CJK run + tail" would backtrack quadratically).
_TAIL = re.compile(
    # A: 晋财综〔2024〕37号 and every bracket / 第 / space variant
    f"{_WS}{_OPEN}{_WS}(?P<a_year>{_YEAR}){_WS}{_CLOSE}{_WS}(?:第{_WS})?(?P<a_serial>\\d{{1,6}}){_WS}号"
    # B: 晋市僖字2018[10]号 (year after the code, serial in brackets)
    f"|{_WS}(?P<b_year>(?:19|20)\\d\\d){_WS}{_OPEN}{_WS}(?:第{_WS})?(?P<b_serial>\\d{{1,6}}){_WS}{_CLOSE}{_WS}号"
    # C: 国务院令492号 / 国务院令第492号
    f"|{_WS}令{_WS}(?:第{_WS})?(?P<c_serial>\\d{{1,6}}){_WS}号"
    # D: 财政部第102号令
    f"|{_WS}第{_WS}(?P<d_serial>\\d{{1,6}}){_WS}号{_WS}令"
)
_IS_CJK = re.compile(f"[{_CJK}]")
MAX_RUN = 40  # CJK characters looked at before a tail: codes and organ names are far shorter

# Prose that may precede a number inside the same run of CJK characters. Everything up to the
# last connector word, or the last character that never occurs in a 机关代字, is not the code.
_CONNECTOR_WORDS = re.compile(
    ".*(?:根据|按照|依据|依照|参照|遵照|详见|执行|转发|印发|落实|贯彻|关于|文件|要求|通知|批复|规定|精神"
    "|中华人民共和国)"
)
_STOP_CHARS = "的了是在于及即见据照按将对把被等并或以由号令件之其该请元年月日"
_CODE_STOP = re.compile(f".*[{_STOP_CHARS}和与]")  # no 机关代字 contains 和 or 与 …
_ORGAN_STOP = re.compile(f".*[{_STOP_CHARS}]")  # … but organ names do (住房和城乡建设部)
# … except right after an organ's last character: 财政部和国务院 are two organs
_ORGAN_AND = re.compile("(?:.*[厅局委室府部院署行会])?[和与]")
# "山西省财政厅晋财综〔…〕": a full organ name (six or more characters) written before the code.
# Where it may end: after each organ word, the longest alternative first (委员会, not 委).
_ORGAN_END = re.compile("委员会|办公室|办公厅|人民政府|政府|中心|[厅局委部院]")
MIN_ORGAN, MAX_CODE = 6, 6
_REGION = re.compile("中共|中国|国家|国务院|[^和与]{1,6}?[省市区县州]")
# words of organ names that no code contains: a code holding one is still part of the organ
_ORGAN_WORDS = re.compile("委员会|办公室|办公厅|政府|中心|领导小组")
_DECREE_ORGAN_END = re.compile("(?:[院部府委局厅会署办席]|银行)$")

_BRACKETS = "()（）[]【】〔〕﹝﹞［］〖〗{}｛｝"


def to_halfwidth_digits(text: str) -> str:
    """Replace full-width digits by ASCII ones; the length never changes.

    >>> to_halfwidth_digits("２０２４年")
    '2024年'
    """
    return text.translate(_DIGITS)


def _strip_prose(run: str, *, decree: bool) -> int:
    """Offset in ``run`` where the code (or, for a decree, the organ) starts.

    >>> run = "根据晋市僖字"; run[_strip_prose(run, decree=False):]
    '晋市僖字'
    >>> run = "山西省财政厅晋财综"; run[_strip_prose(run, decree=False):]
    '晋财综'
    >>> run = "按照中华人民共和国财政部"; run[_strip_prose(run, decree=True):]
    '财政部'
    >>> run = "根据住房和城乡建设部"; run[_strip_prose(run, decree=True):]
    '住房和城乡建设部'
    """
    start = 0
    for pattern in (_CONNECTOR_WORDS, _ORGAN_STOP):
        m = pattern.match(run, start)
        if m:
            start = m.end()
    if decree:
        m = _ORGAN_AND.match(run, start)
        if m and m.end() < len(run) - 1:
            start = m.end()
        return start
    m = _CODE_STOP.match(run, start)
    cut = m.end() if m else start
    # an organ name may hold 和 (山西省人力资源和社会保障厅晋人社厅发) when it is a full name,
    # beginning with a region; prose (单位和晋财综…) may not
    for i in range(start, cut):
        if (i == start or run[i - 1] in "和与") and run[i] not in "和与" and _REGION.match(run, i):
            end = _organ_end(run, i)
            if end >= cut:
                return end
    return _organ_end(run, cut)


def _organ_end(run: str, start: int) -> int:
    """Where the code starts in ``run[start:]`` when a full organ name is written before it.

    The organ ends after the first organ word that leaves a code of two to six characters
    holding no organ word (山西省国家密码管理局|晋秘局秘发, 大同市人民政府办公室|同办字); when
    none does, after the last one that leaves two characters or more.

    >>> run = "山西省人力资源和社会保障厅晋人社厅发"; run[_organ_end(run, 0):]
    '晋人社厅发'
    >>> run = "国家税务总局山西省税务局晋税发"; run[_organ_end(run, 0):]
    '晋税发'
    >>> run = "晋人社厅发"; run[_organ_end(run, 0):]
    '晋人社厅发'
    """
    ends = [m.end() for m in _ORGAN_END.finditer(run, start)
            if m.end() - start >= MIN_ORGAN and len(run) - m.end() >= 2]
    for end in ends:
        if len(run) - end <= MAX_CODE and not _ORGAN_WORDS.search(run, end):
            return end
    return ends[-1] if ends else start


def _digits(text: str) -> int:
    return int(re.sub(r"\s", "", text))


def _run_start(text: str, end: int) -> int:
    """Start of the run of CJK characters that ends at ``end`` (at most MAX_RUN long)."""
    start = end
    while start > end - MAX_RUN and start > 0 and _IS_CJK.match(text, start - 1):
        start -= 1
    return start


def _scan(text: str) -> Iterator[tuple[int, int, int, DocNo]]:
    """(run start, number start, end, DocNo) for every number in ``text`` (digits half-width)."""
    for m in _TAIL.finditer(text):
        form = (m.lastgroup or "?")[0]
        run_start = _run_start(text, m.start())
        run = text[run_start : m.start()]
        decree = form in "cd"
        offset = _strip_prose(run, decree=decree)
        name = run[offset:]
        serial = _digits(m.group(f"{form}_serial"))
        if len(name) < 2:
            continue
        if decree:
            if not _DECREE_ORGAN_END.search(name):
                continue
            docno = DocNo(f"{name}令第{serial}号", name, None, serial, "decree")
        else:
            year = _digits(m.group(f"{form}_year"))
            docno = DocNo(f"{name}〔{year}〕{serial}号", name, year, serial, "docno")
        yield run_start, run_start + offset, m.end(), docno


def iter_docnos(text: str) -> Iterator[tuple[int, int, DocNo]]:
    """Every document number or decree in ``text``: (start, end, DocNo), left to right.

    Leading prose (根据, 按照, 文件, a full organ name …) is left out of the span.

    >>> [text[s:e] for text in ["大同市云冈区人民政府办公室文件 云政办发[2019]116号"] for s, e, _ in iter_docnos(text)]
    ['云政办发[2019]116号']
    >>> list(iter_docnos("恒安街199号，2023年12月31日，(2023-2025)，1,101.04万元"))
    []
    """
    for _run, start, end, docno in _scan(to_halfwidth_digits(text)):
        yield start, end, docno


def parse_docno(text: str) -> DocNo | None:
    """Parse one document number written in any spelling; None when ``text`` is not one.

    Surrounding whitespace and brackets are ignored ("（晋财综[2021]63号）").

    >>> parse_docno("晋财综〔2021〕34 号")
    DocNo(canonical='晋财综〔2021〕34号', issuer_code='晋财综', year=2021, serial=34, kind='docno')
    >>> parse_docno("省政府令237号")
    DocNo(canonical='省政府令第237号', issuer_code='省政府', year=None, serial=237, kind='decree')
    >>> parse_docno("晋财综（２０２４）第037号").canonical
    '晋财综〔2024〕37号'
    >>> parse_docno("1898万元") is None, parse_docno("第一批") is None
    (True, True)
    """
    body = to_halfwidth_digits(text).strip().strip(_BRACKETS).strip()
    found = list(_scan(body))
    if len(found) != 1 or found[0][0] != 0 or found[0][2] != len(body):
        return None
    return found[0][3]


def canonical_docno(text: str) -> str | None:
    """The canonical form of one document number, or None.

    >>> canonical_docno("晋财综﹝2024﹞37号"), canonical_docno("晋财综\\n[2024]\\n37号")
    ('晋财综〔2024〕37号', '晋财综〔2024〕37号')
    """
    docno = parse_docno(text)
    return None if docno is None else docno.canonical


# ---------------------------------------------------------------- numbers broken over cells

# a piece that ends inside a number: the code, then what came of the year and serial before the
# break ("晋市审管批[202", "晋市政发【20:", "晋政信函【2021", "晋市僖字2018[10]"); stray marks may follow
_BROKEN_HEAD = re.compile(
    f"[{_CJK}]{{2}}{_WS}(?:{_OPEN}{_WS}(?P<digits>\\d{{0,4}})(?:{_WS}{_CLOSE}{_WS}(?:第{_WS})?\\d{{0,6}})?"
    f"|(?:19|20)\\d\\d{_WS}(?:{_OPEN}{_WS}\\d{{0,6}}{_WS}{_CLOSE}?)?)[:：;；,，.。]*$"
)
# the rest of a number whose year was cut ("2]310号", "21】20号"): to tell a join that would need a
# year of other than four digits
_YEAR_TAIL = re.compile(f"^(?P<digits>\\d{{1,4}}){_WS}{_CLOSE}{_WS}(?:第{_WS})?\\d{{1,6}}{_WS}号")
_TRAILING_MARKS = re.compile("[:：;；,，.。]+$")


def _spanning(head: str, tail: str) -> tuple[int, int, DocNo] | None:
    """The number that ``head + tail`` holds across the junction, if any."""
    joined = head + tail
    return next(((s, e, d) for s, e, d in iter_docnos(joined) if s < len(head) < e and d.kind == "docno"), None)


def rejoin_docnos(cells: list[str], window: int = 2) -> tuple[list[str], list[str]]:
    """The cells of one text cell of a table, with each document number the converter broke over
    two cells put back together, and notes on what was joined or could not be.

    OCR prints a wrapped cell as several cells, each holding lines separated by spaces. A piece
    that ends inside a number ("晋市审管批[202", "晋市僖字2018[10]") is joined with the first piece
    of the same or the next ``window`` cells that completes it ("2]310号", "号《关于…") — only when
    the joined text reads as one number: a year of four digits, a serial, 号. No digit is added
    or dropped; stray marks between the pieces (":") are.

    >>> cells, notes = rejoin_docnos(["根据《晋市审管批[202 的批复", "2]310号》晋城市行政审", "批服务管理局"])
    >>> cells, notes
    (['根据《晋市审管批[2022]310号》晋城市行政审 的批复', '', '批服务管理局'], ['joined the number broken as 晋市审管批[202 | 2]310号'])
    >>> rejoin_docnos(["根据晋市僖字2018[10] 政审批局", "号《关于大数据政务云"])[0]
    ['根据晋市僖字2018[10]号《关于大数据政务云 政审批局', '']
    >>> rejoin_docnos(["根据《晋市审管批[202 的批复", "22]310号》"])[1]
    ['a number broken as 晋市审管批[202 | 22]310号 is left as printed: its year would not have four digits']
    >>> rejoin_docnos(["晋财综〔2024〕37号"])
    (['晋财综〔2024〕37号'], [])
    """
    pieces = [[p for p in re.split(r"\s+", c.strip()) if p] for c in cells]
    notes: list[str] = []
    changed: set[int] = set()
    for ci, cell in enumerate(pieces):
        for pi, piece in enumerate(cell):
            m = _BROKEN_HEAD.search(piece)
            if not m:
                continue
            head = _TRAILING_MARKS.sub("", piece)
            code = head[_run_start(head, m.start() + 2):]
            done = False
            for cj in range(ci, min(len(pieces), ci + window + 1)):
                for pj in range(pi + 1 if cj == ci else 0, len(pieces[cj])):
                    tail = pieces[cj][pj]
                    hit = _spanning(head, tail)
                    if hit is None:
                        t = _YEAR_TAIL.match(tail)
                        if t and m.group("digits") is not None and not _spanning(head, tail):
                            year = m.group("digits") + t.group("digits")
                            if len(year) != 4:
                                notes.append(f"a number broken as {code} | {t.group(0)} is left as printed: its year would not have four digits")
                                done = True
                                break
                        continue
                    notes.append(f"joined the number broken as {code} | {(head + tail)[len(head):hit[1]]}")
                    cell[pi] = head + tail
                    del pieces[cj][pj]
                    changed |= {ci, cj}
                    done = True
                    break
                if done:
                    break
    out = [" ".join(p) if i in changed else c for i, (c, p) in enumerate(zip(cells, pieces))]
    return out, notes
