"""Policy documents a budget disclosure reproduces in full (收录的文件), as line spans.

An embedded document opens with its header block: the organ's name + 文件 ("某市财政局文件", as a
markdown heading or not) and, right after it, its number (发文字号). Then come its title (a line
ending in 通知 / 意见 / 决定 / 办法 …, possibly wrapped over three lines), its recipients (主送机关:
the line ending with a colon), the body, the attachment note (附件: …), the signature date (落款)
and the imprint (版记: 信息公开选项 …, "某某办公室 / 2021年11月3日印发"). A document may reproduce
another one as its attachment: its imprint then comes after the attachment, and the other document
lies inside it. A purchase-of-services catalogue (a table 代码 | 一级目录 | … | 四级目录) printed
after a document is that document's appendix.

Only a "…文件" line followed by a document number opens a document, so budget text alone never
does. Everything stops at the next part of the budget document (第四部分 名词解释 …).

>>> from kg.read.text import lines_from_text
>>> text = '''三、其他说明
... 某省农业厅文件
... 某农发〔2020〕7号
... 某省农业厅关于开展春耕检查的通知
... 各市农业局:
... 根据《种子管理条例》(某政发〔2019〕3号)，现就检查工作通知如下。
... 某省农业厅办公室
... 2020年3月2日印发
... 第四部分 名词解释'''
>>> (doc,) = find_embedded(lines_from_text(text))
>>> doc.issuer, doc.number.text, [l.text for l in doc.title], doc.recipients.text
('某省农业厅', '某农发〔2020〕7号', ['某省农业厅关于开展春耕检查的通知'], '各市农业局:')
>>> [l.no for l in doc.body], doc.printed.text, doc.printer.text, (doc.first, doc.last)
([6], '2020年3月2日印发', '某省农业厅办公室', (2, 8))
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.model import Line
from kg.policy.docno import iter_docnos
from kg.segment.lines import text_of
from kg.segment.sections import heading

__all__ = ["DATE", "PRINTED", "CatalogueSpan", "EmbeddedSpan", "compact", "find_embedded"]

_CJK = "\u4e00-\u9fff"
HEADER = re.compile(rf"^(?P<organ>[{_CJK}（）()、]{{2,30}}?)文件$")
# the title ends with the kind of document, maybe followed by closing marks and (试行)
TITLE_END = re.compile(
    r"(?:通知|意见|决定|办法|批复|规定|方案|函|通报|公告|报告|请示|细则|规则|纪要|命令|规划|计划|答复|复函)"
    r"[》」)）]*(?:[(（](?:试行|暂行|草案|征求意见稿)[)）])?$"
)
MAX_TITLE_LINES = 3
DATE = re.compile(r"(?P<y>(?:19|20)\d\d)年(?P<m>\d{1,2})月(?P<d>\d{1,2})日")
PRINTED = re.compile(rf"^(?P<organ>[{_CJK}（）()]*?){DATE.pattern}印发$")
SIGNED = re.compile(rf"^{DATE.pattern}$")
# the imprint (版记) and the attachment note end the text a document says itself
IMPRINT = re.compile(r"^(?:信息公开选项|公开方式|抄送|主题词|附件)")
PAGE_NO = re.compile(r"^[-—–\s]*\d{1,3}[-—–\s]*$")
# the catalogue table: its header row, its item rows (A, A15, A1502, A150201; OCR may space the code)
CATALOGUE_HEAD = re.compile(r"^代\s*码$")
CODE = re.compile(r"^[A-Z](?:\d{2}){0,3}$")
ORGAN_LINE = re.compile(rf"^[{_CJK}（）()]{{2,30}}$")


def compact(line: Line) -> str:
    """The line's text without any whitespace (spaced-out headings, cells)."""
    return re.sub(r"\s+", "", text_of(line))


def code_of(line: Line) -> str | None:
    """The catalogue code in the line's first cell ("A 0 7 0 2" → "A0702"), or None."""
    if not line.cells:
        return None
    code = re.sub(r"\s+", "", line.cells[0])
    return code if CODE.match(code) else None


def is_catalogue_header(line: Line) -> bool:
    toks = line.tokens
    return len(toks) >= 3 and bool(CATALOGUE_HEAD.match(toks[0])) and any("级目录" in t for t in toks[1:])


@dataclass
class CatalogueSpan:
    """A catalogue table printed after a document: its title line and its rows (blank lines left out)."""

    title: Line | None
    lines: list[Line] = field(default_factory=list)

    @property
    def first(self) -> int:
        return (self.title or self.lines[0]).no

    @property
    def last(self) -> int:
        return self.lines[-1].no


@dataclass
class EmbeddedSpan:
    """Where the parts of one embedded document are. ``first``/``last`` are line numbers (Line.no),
    inclusive, and cover what the document reproduces as its attachments."""

    header: Line
    number: Line | None
    title: list[Line] = field(default_factory=list)
    recipients: Line | None = None
    body: list[Line] = field(default_factory=list)  # its own text: after the recipients, before 附件 / 版记
    signed: Line | None = None  # the 落款 date
    printed: Line | None = None  # "2021年11月3日印发"
    printer: Line | None = None  # the organ that printed it ("某某办公室"), the line before
    catalogue: CatalogueSpan | None = None
    first: int = 0
    last: int = 0

    @property
    def issuer(self) -> str:
        """The organ as printed in the header ("晋城市财政局文件" → "晋城市财政局")."""
        return HEADER.match(compact(self.header)).group("organ")


def _next(lines: list[Line], i: int, stop: int, within: int | None = None) -> int | None:
    """Index of the next line after ``i`` with text (not noise, not a page number), or None."""
    j, seen = i + 1, 0
    while j < stop:
        line = lines[j]
        if line.tokens and not line.noise and not PAGE_NO.match(text_of(line)):
            return j
        j += 1
        seen += 1
        if within is not None and seen > within:
            return None
    return None


def _is_number(line: Line) -> bool:
    """A line that starts with a document number (签发人 may follow it)."""
    text = text_of(line)
    found = next(iter_docnos(text), None)
    return found is not None and found[2].kind == "docno" and found[0] <= 1


def _headers(lines: list[Line]) -> list[tuple[int, int]]:
    """(header index, number index) of every header block."""
    out = []
    for i, line in enumerate(lines):
        if line.noise or len(line.tokens) != 1 or not HEADER.match(compact(line)):
            continue
        j = _next(lines, i, len(lines), within=3)
        if j is not None and _is_number(lines[j]):
            out.append((i, j))
    return out


def _region_end(lines: list[Line], start: int) -> int:
    """The next part of the budget document (第四部分 …) after ``start``, or the end."""
    for i in range(start + 1, len(lines)):
        h = heading(lines[i])
        if h and h[0] == "part":
            return i
    return len(lines)


def _is_department_row(lines: list[Line], i: int, stop: int) -> bool:
    """A row naming the department the next items are listed under ("政法委员 | 会")."""
    line = lines[i]
    toks = line.tokens
    if not toks or code_of(line) or is_catalogue_header(line) or len(toks) > 4:
        return False
    if not re.match(rf"^[{_CJK}]{{2}}", toks[0]) or any(len(t) > 12 or re.search(r"[:：。；;]", t) for t in toks):
        return False
    j = _next(lines, i, stop)
    return j is not None and code_of(lines[j]) is not None


def _catalogues(lines: list[Line], start: int, stop: int) -> list[tuple[int, CatalogueSpan]]:
    """(index of its first line, catalogue) for every catalogue table in lines[start:stop]."""
    out = []
    i = start
    while i < stop:
        if not is_catalogue_header(lines[i]):
            i += 1
            continue
        title_i = None
        k = i
        for _ in range(3):
            k = next((j for j in range(k - 1, start - 1, -1) if lines[j].tokens and not PAGE_NO.match(text_of(lines[j]))), None)
            if k is None:
                break
            if "目录" in text_of(lines[k]) and len(lines[k].tokens) == 1:
                title_i = k
                break
        rows: list[Line] = []
        j = last = i
        while j < stop:
            line = lines[j]
            if line.tokens and not line.noise and not PAGE_NO.match(text_of(line)):
                if not (is_catalogue_header(line) or code_of(line) or _is_department_row(lines, j, stop)):
                    break
                rows.append(line)
                last = j
            j += 1
        title = lines[title_i] if title_i is not None else None
        out.append((title_i if title_i is not None else i, CatalogueSpan(title, rows)))
        i = last + 1
    return out


def _block(lines: list[Line], i: int, n: int, stop: int) -> EmbeddedSpan:
    """The header block: header, number, title, recipients; the body starts after them."""
    doc = EmbeddedSpan(header=lines[i], number=lines[n], first=lines[i].no)
    j = _next(lines, n, stop, within=3)
    title: list[Line] = []
    k = j
    while k is not None and len(title) < MAX_TITLE_LINES:
        t = compact(lines[k])
        if t.endswith((":", "：")) or _is_number(lines[k]) or HEADER.match(t):
            break
        title.append(lines[k])
        if TITLE_END.search("".join(compact(l) for l in title)):
            doc.title = title
            j = _next(lines, k, stop, within=3)
            break
        k = _next(lines, k, stop, within=2)
    if j is not None:
        t = compact(lines[j])
        if t.endswith((":", "：")) and "。" not in t and len(t) <= 400:
            doc.recipients = lines[j]
    return doc


def find_embedded(lines: list[Line]) -> list[EmbeddedSpan]:
    """Every embedded document in ``lines``, in order; nested ones (an attachment) after their host."""
    groups: dict[int, list[tuple[int, int]]] = {}  # the documents printed before the same next part
    for head in _headers(lines):
        groups.setdefault(_region_end(lines, head[0]), []).append(head)
    return [doc for end, heads in groups.items() for doc in _documents(lines, heads, end)]


def _documents(lines: list[Line], heads: list[tuple[int, int]], end: int) -> list[EmbeddedSpan]:
    """The documents whose headers are ``heads``, all before ``end`` (the next part of the budget)."""
    docs = [_block(lines, i, n, end) for i, n in heads]
    index = {id(l): k for k, l in enumerate(lines)}
    starts = [i for i, _ in heads]
    cats = _catalogues(lines, starts[0], end)

    def owner(i: int) -> EmbeddedSpan:
        """The innermost document opened before line index i."""
        return docs[max(k for k, s in enumerate(starts) if s <= i)]

    for ci, cat in cats:
        doc = owner(ci)
        if doc.catalogue is None:
            doc.catalogue = cat
    # the body: up to the attachment note, the imprint, the next document or a catalogue
    for k, doc in enumerate(docs):
        last_head = doc.recipients or (doc.title[-1] if doc.title else doc.number)
        j = index[id(last_head)] + 1
        stop = min([end] + [s for s in starts if s > starts[k]] + [ci for ci, _ in cats if ci > starts[k]])
        while j < stop:
            line = lines[j]
            t = compact(line)
            if line.tokens and not line.noise and (IMPRINT.match(t) or PRINTED.match(t)):
                break
            if (line.tokens and not line.noise and ORGAN_LINE.match(t)
                    and (nxt := _next(lines, j, stop, within=2)) is not None and PRINTED.match(compact(lines[nxt]))):
                break
            if line.tokens and not line.noise and not PAGE_NO.match(text_of(line)):
                doc.body.append(line)
            j += 1
        # the signature date (落款) stands on its own line, after the body or the attachment note
        doc.signed = next((lines[q] for q in range(index[id(last_head)] + 1, stop)
                           if lines[q].tokens and not lines[q].noise and SIGNED.match(compact(lines[q]))), None)
    # imprint lines: the organ that printed it names the document's issuer ("山西省财政厅办公室")
    for j in range(starts[0], end):
        t = compact(lines[j])
        m = PRINTED.match(t) if lines[j].tokens and not lines[j].noise else None
        if not m:
            continue
        organ, printer = m.group("organ"), None
        if not organ:
            p = next((q for q in range(j - 1, max(starts[0], j - 4), -1) if lines[q].tokens), None)
            if p is not None and ORGAN_LINE.match(compact(lines[p])):
                printer, organ = lines[p], compact(lines[p])
        before = [d for s, d in zip(starts, docs) if s < j and d.printed is None]
        if not before:
            continue
        doc = next((d for d in reversed(before) if organ and organ.startswith(d.issuer)), before[-1])
        doc.printed, doc.printer = lines[j], printer
    # extents
    for k, doc in enumerate(docs):
        marks = [doc.body[-1].no if doc.body else doc.first]
        if doc.printed is not None:
            marks.append(doc.printed.no)
        if doc.catalogue is not None:
            marks.append(doc.catalogue.last)
        if doc.printed is None and doc.catalogue is None:
            stop = starts[k + 1] if k + 1 < len(starts) else end
            last = next((q for q in range(stop - 1, starts[k], -1) if lines[q].tokens and not PAGE_NO.match(text_of(lines[q]))), starts[k])
            marks.append(lines[last].no)
        marks.extend(l.no for l in (doc.recipients, *doc.title) if l is not None)
        doc.last = max(marks)
    return docs


def embedded_line_numbers(docs: list[EmbeddedSpan]) -> set[int]:
    """The numbers of every line the embedded documents take (their attachments and catalogues too)."""
    return {no for d in docs for no in range(d.first, d.last + 1)}
