"""Cut a document into cover, table of contents, parts and numbered sections.

Headings are recognised by their numbering, whatever markup the converter added:
``第三部分 …`` (a part), ``十二、其他说明`` (a section), ``（一）政府购买服务指导性目录`` (a
sub-section). An embedded document ("晋城市财政局文件" followed by its own number and title)
opens a part of its own, ``附件``.
"""

from __future__ import annotations

import re

from kg.model import Line, Section
from kg.segment.lines import is_toc, text_of

CN_NUM = "一二三四五六七八九十"
PART = re.compile(rf"^第([{CN_NUM}]+)部分\s*(.*)$")
SECTION = re.compile(rf"^([{CN_NUM}]{{1,3}})\s*[、，,.．]\s*(.+)$")
SUBSECTION = re.compile(rf"^[（(]\s*([{CN_NUM}]{{1,3}})\s*[）)]\s*(.+)$")
EMBEDDED = re.compile(r"^[\u4e00-\u9fff（）()]{2,30}文件$")


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


def listed_heading_keys(titles: list[str]) -> list[str]:
    """What the body's headings end with, from the titles of the contents' part and section entries:
    "二、部门机构设置" is headed "上海市…办事处（部门）机构设置" in the body, "四、单位预算编制说明" is
    "2026年单位预算编制说明". Titles of tables (…表) are left out: tables are found as tables."""
    keys = []
    for title in titles:
        k = re.sub(r"^(?:部门|单位|预算单位)", "", re.sub(r"\s+", "", title))
        if len(k) >= 4 and not k.endswith("表") and k not in keys:
            keys.append(k)
    return keys


def _listed_heading(line: Line, keys: list[str]) -> str | None:
    """The line as a heading the contents list (see :func:`listed_heading_keys`), or None."""
    toks = line.tokens
    if not keys or line.noise or len(toks) != 1:
        return None
    t = re.sub(r"\s+", "", toks[0]).strip("#*")
    if len(t) > 40 or re.search(r"[。，,；;：:]", t) or heading(line):
        return None
    return t if any(t.endswith(k) for k in keys) else None


def sections(lines: list[Line], start: int = 0, listed: list[str] | None = None) -> list[Section]:
    """Numbered sections (level 'section') with their lines, each tagged with its part.

    Lines before the first section of a part belong to a section named after the part. ``listed``
    (:func:`listed_heading_keys`) also makes a section of an unnumbered heading the contents list
    ("上海市普陀区司法局主要职能" for "一、单位主要职能").
    """
    keys = listed or []
    out: list[Section] = []
    part = ""
    current: Section | None = None
    for line in lines[start:]:
        h = heading(line) if not is_toc(line) else None  # a contents entry is no heading of the body
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
        if part != "附件" and (title := _listed_heading(line, keys)):
            current = Section(title=title, heading=line, part=part)
            out.append(current)
            continue
        if current is not None:
            current.lines.append(line)
    return out
