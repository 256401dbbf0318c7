"""Find the 项目支出绩效目标表 (KPI tables) among a document's lines.

Each table has exactly one 主管部门(及代码) row; it anchors the table. The lines printed just
before it (the title, "(2025年度)", the 项目名称 row or a bare project name) are its preamble;
the walk back stops at the previous table's footer (负责人 / 填报日期 and its time stamp).
"""

from __future__ import annotations

import re

from kg.model import KpiBlock, Line

_ANCHOR = re.compile(r"^主管\s*部\s*门")
_FOOTER = re.compile(r"负责人|填报日期|经办人|联系电话")
_STAMP = re.compile(r"^\d{8,14}$")
MAX_PREAMBLE = 6


def _is_anchor(line: Line) -> bool:
    return not line.noise and any(_ANCHOR.match(t) for t in line.tokens[:2])


def _is_footer(line: Line) -> bool:
    return any(_FOOTER.search(t) for t in line.tokens) or any(_STAMP.match(t) for t in line.tokens)


def _preamble_start(lines: list[Line], anchor: int, floor: int) -> int:
    i = anchor
    while i > floor and anchor - i < MAX_PREAMBLE:
        prev = lines[i - 1]
        if _is_footer(prev):
            break
        if prev.tokens and len(prev.tokens) > 3:  # an indicator row of the table above
            break
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
