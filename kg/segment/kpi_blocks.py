"""Find the 项目支出绩效目标表 (KPI tables) among a document's lines.

Each table has exactly one 主管部门(及代码) row; it anchors the table. The lines printed just
before it (the title, "(2025年度)", the 项目名称 row or a bare project name) are its preamble;
the walk back stops at the previous table's footer (负责人 / 填报日期 and its time stamp).

OCR misreads labels by a character ("主管管门及代码", "项目名 | 轮"), so the anchor tolerates one
wrong character after 主管, and a 项目名称 row is recognised by what is left of its label. The
项目名称 row belongs to its table however many cells OCR cut it into, and so does a many-celled
row right above the anchor when the previous table's footer stands right above it.
"""

from __future__ import annotations

import re

from kg.model import KpiBlock, Line

_ANCHOR = re.compile(r"^主管\s*部\s*门")
_ANCHOR_MISREAD = re.compile(r"^主\s*管\s*\S\s*门")  # one character misread: 主管管门
_NAME_LABEL = re.compile(r"^(?:项\s*目\s*名|目\s*名\s*称)")  # 项目名称 as OCR leaves it: 项目名, 目名称
_YEAR_LINE = re.compile(r"^[(（]\s*\d{4}\s*年度\s*[)）]$")
_FOOTER = re.compile(r"负责人|填报日期|经办人|联系电话")
_STAMP = re.compile(r"^\d{8,14}$")
MAX_PREAMBLE = 6


def _is_anchor(line: Line) -> bool:
    return not line.noise and any(_ANCHOR.match(t) or _ANCHOR_MISREAD.match(t) for t in line.tokens[:2])


def _is_name_row(line: Line) -> bool:
    return any(_NAME_LABEL.match(t) for t in line.tokens[:2])


def _is_footer(line: Line) -> bool:
    return any(_FOOTER.search(t) for t in line.tokens) or any(_STAMP.match(t) for t in line.tokens)


def _above_is_border(lines: list[Line], i: int, floor: int) -> bool:
    """Is line ``i`` the first line after the previous table's end (its footer, a year line, or the start)?"""
    j = i - 1
    while j >= floor and not lines[j].tokens:
        j -= 1
    return j < floor or _is_footer(lines[j]) or any(_YEAR_LINE.match(t) for t in lines[j].tokens)


def _preamble_start(lines: list[Line], anchor: int, floor: int) -> int:
    i = anchor
    while i > floor and anchor - i < MAX_PREAMBLE:
        prev = lines[i - 1]
        if _is_footer(prev):
            break
        if _is_name_row(prev):  # the table's first row, however many cells OCR cut it into
            i -= 1
            continue
        if prev.tokens and len(prev.tokens) > 3:
            if i == anchor and _above_is_border(lines, i - 1, floor):
                return i - 1  # the 项目名称 row, its label lost
            break  # an indicator row of the table above
        i -= 1
    return i


def find_kpi_blocks(lines: list[Line]) -> list[KpiBlock]:
    """KPI blocks in order; ``lines`` is the part of the document that holds them."""
    anchors = [i for i, l in enumerate(lines) if _is_anchor(l)]
    starts: list[int] = []
    floor = 0
    for a in anchors:
        s = _preamble_start(lines, a, floor)
        starts.append(s)
        floor = a + 1
    ends = starts[1:] + [len(lines)]
    return [KpiBlock(lines=lines[s:e], index=n) for n, (s, e) in enumerate(zip(starts, ends), start=1)]
