"""Cut a document into cover, table of contents, parts and numbered sections.

Headings are recognised by their numbering, whatever markup the converter added:
``第三部分 …`` (a part), ``十二、其他说明`` (a section), ``（一）政府购买服务指导性目录`` (a
sub-section). An embedded document ("晋城市财政局文件" followed by its own number and title)
opens a part of its own, ``附件``.
"""

from __future__ import annotations

import re

from kg.model import Line, Section
from kg.segment.lines import LEADERS, is_toc, text_of

CN_NUM = "一二三四五六七八九十"
PART = re.compile(rf"^第([{CN_NUM}]+)部分\s*(.*)$")
SECTION = re.compile(rf"^([{CN_NUM}]{{1,3}})\s*[、，,.．]\s*(.+)$")
SUBSECTION = re.compile(rf"^[（(]\s*([{CN_NUM}]{{1,3}})\s*[）)]\s*(.+)$")
EMBEDDED = re.compile(r"^[\u4e00-\u9fff（）()]{2,30}文件$")
TOC_TITLE = re.compile(r"^目\s*录$")


def heading(line: Line) -> tuple[str, str, str] | None:
    """(level, ordinal, title) when the line is a heading: level 'part', 'section' or 'sub'."""
    toks = line.tokens
    if line.noise or not toks or not line.cells[0].strip():
        return None
    # one cell, or a part number set apart from its title ("第一部分 | 概况")
    if len(toks) != 1 and not (len(toks) == 2 and PART.match(toks[0])):
        return None
    t = text_of(line)
    if len(t) > 40 or t.endswith(("。", "；", ";")):
        return None
    for level, rx in (("part", PART), ("section", SECTION), ("sub", SUBSECTION)):
        m = rx.match(t)
        if m:
            title = m.group(2).strip().rstrip(":：")
            if level != "part" and (len(title) > 30 or "，" in title):
                return None
            return level, m.group(1), title
    return None


def find_toc(lines: list[Line]) -> tuple[int, int]:
    """Index range [start, end) of the table of contents, (0, 0) when there is none.

    The contents end where the body begins: at the heading that repeats the first entry
    ("第一部分 概况" printed again without its page number); for a list printed with dot
    leaders, at its first line without them; else at a part heading that is not an entry.
    """
    start = next((i for i, l in enumerate(lines[:200]) if TOC_TITLE.match(text_of(l))), None)
    if start is None:
        return 0, 0
    first = next((h for l in lines[start + 1:start + 6] if l.tokens and not l.noise and (h := heading(l))), None)
    stop = min(len(lines), start + 200)
    if first:
        for i in range(start + 2, stop):
            h = heading(lines[i])
            if h and h[:2] == first[:2] and not is_toc(lines[i]):
                return start, i
    end = start + 1
    entries = leaders = 0
    for i in range(start + 1, stop):
        line = lines[i]
        h = heading(line)
        if h and h[0] == "part" and not is_toc(line) and not _printed_again(lines, i):
            return start, i
        if line.tokens and not line.noise:
            entries += 1
            dotted = bool(LEADERS.search(line.text))
            leaders += dotted
            # a contents list printed with dot leaders ends at its first line without them
            if not dotted and leaders >= 3 and leaders == entries - 1:
                return start, i
        end = i + 1
    return start, end


def _printed_again(lines: list[Line], i: int) -> bool:
    """A contents entry without page numbers: the same part (第X部分) is headed again further on."""
    ordinal = heading(lines[i])[1]
    return any((h := heading(l)) is not None and h[0] == "part" and h[1] == ordinal for l in lines[i + 1:])


def sections(lines: list[Line], start: int = 0) -> list[Section]:
    """Numbered sections (level 'section') with their lines, each tagged with its part.

    Lines before the first section of a part belong to a section named after the part.
    """
    out: list[Section] = []
    part = ""
    current: Section | None = None
    for line in lines[start:]:
        h = heading(line)
        t = text_of(line)
        if h and h[0] == "part":
            part = f"第{h[1]}部分"
            current = Section(title=h[2], heading=line, part=part)
            out.append(current)
            continue
        if EMBEDDED.match(t) and part:
            part = "附件"
            current = Section(title=t, heading=line, part=part)
            out.append(current)
            continue
        if h and h[0] == "section" and part != "附件":
            current = Section(title=h[2], heading=line, part=part)
            out.append(current)
            continue
        if current is not None:
            current.lines.append(line)
    return out
