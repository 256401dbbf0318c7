"""Find the project description pages (项目经费情况说明) of the Shanghai layout.

Instead of a KPI table per project, a Shanghai budget prints a page per major project under a
title such as "项目经费情况说明", "科技创新专项经费情况说明", "XX项目经费情况说明",
"XX专项资金情况说明" or "XX经费情况说明" (:data:`TITLE`), one line or wrapped over two, with
parts 一、项目概况 二、立项依据 三、实施主体 四、实施方案 五、实施周期 六、年度预算安排
七、绩效目标 — numbered "一、", "（一）", "1." or "（1）", or not at all ("立项依据：…"), some of
them missing or named otherwise (:data:`PART_NAMES`).

What makes a line a page's title is what follows it: at least two distinct parts before the next
title (:data:`MIN_PARTS`). So a table-of-contents entry, a narrative heading such as
"七、项目经费情况说明" that only announces the pages after it, or "“三公”经费情况说明" followed by
prose, is not a page. A page runs from its title to the first of: the next title-like line, the
next part of the document (第X部分), or the end of the parts it holds — a heading that is not one
of its parts (":func:`ends_page`"), such as "其他相关情况说明" or a numbered heading that does not
continue its parts' numbering.

>>> from kg.read.text import lines_from_text
>>> text = "七、项目经费情况说明\\n科技创新专项经费情况说明\\n一、项目概况\\n支持企业创新。\\n二、立项依据\\n根据沪科规〔2023〕5号。\\n其他相关情况说明\\n一、“三公”经费"
>>> [(b.index, [l.no for l in b.lines]) for b in find_project_pages(lines_from_text(text))]
[(1, [2, 3, 4, 5, 6])]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.model import KpiBlock, Line
from kg.segment.contents import number
from kg.segment.lines import is_toc, text_of

#: a page title: what is described (the name, possibly empty) and the kind of page it is
TITLE = re.compile(
    r"^(?P<name>[^，。；：:]{0,40}?)(?P<kind>(?:项目|专项)(?:经费|资金)?(?:情况|支出)?|(?:经费|资金)情况)说明$"
)
_DOC_PART = re.compile(r"^第[一二三四五六七八九十]+部分")
_CN = "一二三四五六七八九十"
#: part numbering styles: "一、" "（一）" "1." "（1）"
NUMBERING = re.compile(
    rf"^(?:(?P<cn>[{_CN}]+)\s*[、.．]|[（(](?P<pcn>[{_CN}]+)[）)]|(?P<num>\d{{1,2}})\s*[、.．](?!\d)|[（(](?P<pnum>\d{{1,2}})[）)])\s*"
)
#: the parts of a page: canonical name → the names it is printed under
PART_NAMES: dict[str, tuple[str, ...]] = {
    "项目名称": ("项目名称",),
    "项目概况": ("项目概况", "项目概述", "项目简介", "项目基本情况", "基本情况", "概况"),
    "立项依据": ("立项依据", "项目立项依据", "项目依据", "政策依据"),
    "实施主体": ("实施主体", "项目实施主体", "实施单位", "项目实施单位"),
    "实施方案": ("实施方案", "项目实施方案"),
    "实施周期": ("实施周期", "项目实施周期", "项目周期", "实施期限", "实施时间"),
    "年度预算安排": ("年度预算安排", "年度预算", "预算安排", "年度资金安排", "资金安排", "项目预算", "经费预算"),
    "绩效目标": ("绩效目标", "项目绩效目标", "年度绩效目标"),
    "项目内容": ("项目内容", "建设内容", "主要内容"),
    "资金来源": ("资金来源", "经费来源"),
}
_CANONICAL = {printed: name for name, names in PART_NAMES.items() for printed in names}
_PART = re.compile(
    "^(?P<name>" + "|".join(sorted(map(re.escape, _CANONICAL), key=len, reverse=True)) + r")(?:情况)?"
    r"(?:\s*[:：]\s*(?P<after_colon>.*)|\s+(?P<after_space>.+)|)$"
)
MIN_PARTS = 2  # distinct parts a page holds at the least
_SENTENCE = re.compile(r"[，。；,;]")
_STOP_HEADING = re.compile(r"^(?:其他相关情况说明|其他说明|其他情况说明|名词解释|附件|附表)")
_MONEY = re.compile(r"\d\s*(?:万元|元)")


def cn_number(text: str) -> int:
    """一 … 九十九 as an integer (0 when it is none).

    >>> cn_number("七"), cn_number("十"), cn_number("十二"), cn_number("二十一")
    (7, 10, 12, 21)
    """
    return number(text) or 0


def numbering(text: str) -> tuple[str, int, str] | None:
    """(style, number, the rest) of a numbered line, else None.

    >>> numbering("（三）实施主体"), numbering("2. 立项依据"), numbering("2024年预算") is None
    (('pcn', 3, '实施主体'), ('num', 2, '立项依据'), True)
    """
    m = NUMBERING.match(text)
    if not m:
        return None
    style = next(k for k, v in m.groupdict().items() if v)
    value = m.group(style)
    return style, (int(value) if style in ("num", "pnum") else cn_number(value)), text[m.end():]


@dataclass(frozen=True)
class PartHeading:
    """A line that opens a part of a page: its canonical name, the name as printed, its numbering
    (style and number, or None) and the text printed after the name on the same line."""

    name: str
    printed: str
    style: str | None
    number: int | None
    rest: str


def part_heading(text: str, style: str | None = None) -> PartHeading | None:
    """The part a line opens, if it opens one.

    A numbered line opens a part when it names one ("二、立项依据", "（二）政策依据：…"); once the
    page's parts are numbered (``style``), only lines numbered the same way do. An unnumbered line
    opens a part only when the page's parts are not numbered, and then only with a colon or alone
    ("立项依据：根据…", "项目概况").

    >>> part_heading("六、年度预算安排")
    PartHeading(name='年度预算安排', printed='年度预算安排', style='cn', number=6, rest='')
    >>> part_heading("（二）政策依据：沪科规〔2023〕5号").rest, part_heading("项目名称：甲").name
    ('沪科规〔2023〕5号', '项目名称')
    >>> part_heading("（一）年度预算200万元", style="cn") is None, part_heading("实施周期为一年") is None
    (True, True)
    """
    t = text.strip()
    num = numbering(t)
    if num is not None and style is not None and num[0] != style:
        return None
    if num is None and style is not None:
        return None
    body = num[2] if num else t
    m = _PART.match(body)
    if not m:
        return None
    rest = m.group("after_colon") if m.group("after_colon") is not None else (m.group("after_space") or "")
    if num is None and m.group("after_space"):
        return None
    return PartHeading(
        name=_CANONICAL[m.group("name")], printed=m.group("name"),
        style=num[0] if num else None, number=num[1] if num else None, rest=rest.strip(),
    )


def _plain(line: Line) -> str:
    return text_of(line).replace(" ", "")


def _title_like(line: Line) -> bool:
    t = _plain(line)
    return (
        not line.noise and len(line.tokens) == 1 and bool(TITLE.match(t))
        and not is_toc(line) and "编制" not in t
    )


def _wraps(first: Line, second: Line) -> bool:
    """``first`` is the first half of a title whose second half is ``second``: adjacent lines (one
    page), ``first`` short, without sentence punctuation, opening no part, ``second`` no title that
    names a project of its own ("丙项目经费情况说明"), and together a title."""
    if first.noise or second.noise or len(first.tokens) != 1 or len(second.tokens) != 1:
        return False
    if first.page != second.page or (first.page is None and second.no != first.no + 1):
        return False
    a = _plain(first)
    if not a or len(a) > 30 or _SENTENCE.search(a) or _title_like(first) or is_toc(first) or is_toc(second):
        return False
    if part_heading(a) or _DOC_PART.match(a):
        return False
    alone = TITLE.match(_plain(second))
    if alone and NUMBERING.sub("", alone.group("name")):  # the second line is a title of its own
        return False
    return bool(TITLE.match(a + _plain(second)))


PARAGRAPH_GAP = 0.4  # a gap above a PDF line of more than this times its height sets it apart


def _opens_paragraph(lines: list[Line], i: int) -> bool:
    """``lines[i]`` follows nothing, a blank line, a page break, or (PDF) a gap wider than the gap
    between the lines of one passage (:data:`PARAGRAPH_GAP`)."""
    if i == 0:
        return True
    before, line = lines[i - 1], lines[i]
    if not before.tokens or before.page != line.page:
        return True
    if before.box is None or line.box is None:
        return False
    return line.box[1] - before.box[3] > PARAGRAPH_GAP * (line.box[3] - line.box[1])


def title_length(lines: list[Line], i: int = 0) -> int:
    """How many lines the title starting at ``lines[i]`` takes: 2 (wrapped), 1, or 0 (no title).

    >>> from kg.read.text import lines_from_text
    >>> ls = lines_from_text("上海市普陀区社区公共服务中心新建工程项目\\n经费情况说明\\n一、项目概况")
    >>> title_length(ls, 0), title_length(ls, 1), title_length(ls, 2)
    (2, 1, 0)
    """
    if i + 1 < len(lines) and _wraps(lines[i], lines[i + 1]):
        # "…" + "项目经费情况说明": the first line could be the last of the page before ("提升服务水平"),
        # so it is half of the title only when it opens a paragraph of its own
        if not _title_like(lines[i + 1]) or _opens_paragraph(lines, i):
            return 2
    return 1 if i < len(lines) and _title_like(lines[i]) else 0


def title_text(lines: list[Line]) -> str:
    """The title as one string (a wrapped title joined), spaces inside it removed."""
    return "".join(_plain(l) for l in lines[: title_length(lines)])


_RANK = {"cn": 0, "pcn": 1, "num": 2, "pnum": 3}  # 一、 above （一） above 1. above （1）


def _heading_like(rest: str, text: str) -> bool:
    """Short, without money or a sentence: a heading, not a line of content."""
    return not _MONEY.search(text) and not _SENTENCE.search(rest) and len(rest) <= 25


def heading_number(text: str, style: str | None) -> int | None:
    """The number of a numbered heading in the parts' ``style`` (short, without money or a sentence)."""
    num = numbering(text)
    if num is None or num[0] != style or not _heading_like(num[2], text):
        return None
    return num[1]


def ends_page(text: str, style: str | None, last: int | None) -> bool:
    """A line after a page's parts that is no longer the page: a heading that is not one of its parts.

    ``style`` and ``last`` are the numbering style of the page's parts and the number of the last one.
    A numbered heading (short, no money, no sentence) ends the page when it is numbered as the parts
    are but does not continue their numbering (one that does is a part the page names otherwise), or
    when it is numbered one level above them ("一、" after parts "（一）"). An unnumbered line ends it
    when it is a narrative heading ("其他相关情况说明", "名词解释", "附件", 第X部分) or a short line
    ending in 说明.

    >>> ends_page("其他相关情况说明", "cn", 7), ends_page("一、2024年“三公”经费预算情况说明", "cn", 7)
    (True, True)
    >>> ends_page("八、其他需要说明的事项", "cn", 7), ends_page("（一）设备购置费120万元", "cn", 7)
    (False, False)
    >>> ends_page("一、政府采购预算情况", "pcn", 4), ends_page("（一）资金使用范围", "cn", 6)
    (True, False)
    """
    t = text.replace(" ", "")
    if _DOC_PART.match(t) or _STOP_HEADING.match(t):
        return True
    num = numbering(t)
    if num is not None:
        if style is None or not _heading_like(num[2], t):
            return False
        if num[0] != style:
            return _RANK[num[0]] < _RANK[style]
        return last is None or num[1] != last + 1
    return 4 <= len(t) <= 20 and not _SENTENCE.search(t) and t.endswith("说明")


def _candidates(lines: list[Line]) -> list[tuple[int, int]]:
    """(index, number of lines) of every title-like line (see :func:`title_length`)."""
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(lines):
        n = title_length(lines, i)
        if n:
            out.append((i, n))
        i += n or 1
    return out


def _page_end(lines: list[Line], start: int, limit: int) -> tuple[int, set[str]]:
    """Where the page whose body starts at ``start`` ends (at most ``limit``), and the parts it holds."""
    parts: set[str] = set()
    style: str | None = None
    last: int | None = None
    end = start
    for i in range(start, limit):
        line = lines[i]
        if line.noise or not line.tokens:
            continue
        t = text_of(line)
        if _DOC_PART.match(t.replace(" ", "")):
            break
        head = part_heading(t, style)
        if head is not None:
            if style is None:
                style = head.style  # the first numbered part decides how the page numbers its parts
            parts.add(head.name)
            last = head.number if head.number is not None else last
            end = i + 1
            continue
        if parts and ends_page(t, style, last):
            break
        n = heading_number(t.replace(" ", ""), style)
        if n is not None and last is not None and n == last + 1:
            last = n  # a part the page names otherwise ("八、其他需要说明的事项")
        end = i + 1
    return end, parts


def find_project_pages(lines: list[Line]) -> list[KpiBlock]:
    """One block per project page, its title line(s) first (see :func:`title_length`)."""
    found = _candidates(lines)
    out: list[KpiBlock] = []
    for k, (start, length) in enumerate(found):
        limit = found[k + 1][0] if k + 1 < len(found) else len(lines)
        end, parts = _page_end(lines, start + length, limit)
        if len(parts) >= MIN_PARTS:
            out.append(KpiBlock(lines=lines[start:end], index=len(out) + 1))
    return out
