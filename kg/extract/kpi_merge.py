"""One KPI table printed again, or continued on the next page, folded into the first printing.

``merge_continued`` joins tables whose names and figures agree (``_same_table``); ``merge_tables`` takes
each indicator once and, of two printings of a text cell, the one in which more can be read.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from kg.extract.indicators import l2_canonical, norm
from kg.extract.ocr_text import garbled_titles
from kg.model import Indicator, KpiTable
from kg.policy.docno import iter_docnos

_CJK = re.compile(r"[\u4e00-\u9fff]")


def same_indicator(a: Indicator, b: Indicator) -> bool:
    """Two printings of one indicator: the same 二级 and target, names equal or misread apart."""
    if l2_canonical(a.l2) != l2_canonical(b.l2) or norm(a.target.text) != norm(b.target.text):
        return False
    x, y = norm(a.l3), norm(b.l3)
    return x == y or SequenceMatcher(None, x, y).ratio() >= 0.8


def merge_tables(into: KpiTable, other: KpiTable, why: str) -> KpiTable:
    """Fold ``other`` (the same table printed again, or its continuation) into ``into``: each
    indicator once, the fields, figures and name ``into`` could not read taken from ``other``."""
    into.indicators.extend(i for i in other.indicators if not any(same_indicator(i, j) for j in into.indicators))
    for k, v in other.fields.items():
        # the same cell printed twice: keep the reading in which more document numbers can be read,
        # else fewer titles are garbled
        mine = into.fields.get(k)
        if not mine or (_docnos(v), -garbled_titles(v)) > (_docnos(mine), -garbled_titles(mine)):
            into.fields[k] = v
            into.field_spans[k] = other.field_spans[k]
            if k in other.chunked:
                into.chunked.add(k)
            if k in other.scrambled:
                into.scrambled[k] = other.scrambled[k]
            else:
                into.scrambled.pop(k, None)
    for k, v in other.goals.items():
        into.goals.setdefault(k, v)
    for k, v in other.funding.items():
        into.funding.setdefault(k, v)
    for attr in ("annual_total", "period_total"):
        mine, theirs = getattr(into, attr), getattr(other, attr)
        what = "年度资金总额" if attr == "annual_total" else "实施期资金总额"
        if mine is None and theirs is not None:
            setattr(into, attr, theirs)
            into.notes.append(f"{what} {theirs:,} read on lines {other.lines[0]}-{other.lines[1]}")
        elif mine is not None and theirs is not None and mine != theirs:
            into.notes.append(f"{what} reads {theirs:,} on lines {other.lines[0]}-{other.lines[1]}, {mine:,} here")
    into.parts = into.parts or other.parts  # a project page's parts (printed again: the first reading)
    for attr in ("department", "implementing_unit", "attribute", "period"):
        if getattr(into, attr) is None and getattr(other, attr) is not None:
            setattr(into, attr, getattr(other, attr))
    if _cjk_count(into.project_name) < 4 <= _cjk_count(other.project_name):
        into.project_name, into.span = other.project_name, other.span
    into.lines = (min(into.lines[0], other.lines[0]), max(into.lines[1], other.lines[1]))
    into.notes.extend(f"lines {other.lines[0]}-{other.lines[1]}: {n}" for n in other.notes)
    into.notes.append(f"{why} on lines {other.lines[0]}-{other.lines[1]}")
    return into


def _docnos(text: str) -> int:
    return sum(1 for _ in iter_docnos(text))


def _cjk_count(text: str) -> int:
    return len(_CJK.findall(text or ""))


def _same_table(prev: KpiTable, t: KpiTable) -> bool:
    """Is ``t`` ``prev`` printed again, or continued? Names and figures must agree together.

    The old rule (continued pages): the same name, 年度资金总额 and implementing unit. For OCR'd
    pages: names at least 0.8 alike, one of the two totals read on both pages and equal, and no
    total read on both pages that differs.
    """
    if t.project_name and t.annual_total is not None and (t.project_name, t.annual_total, t.implementing_unit) == (
        prev.project_name, prev.annual_total, prev.implementing_unit
    ):
        return True
    from kg.extract.matching import name_similarity  # matching reads KPI tables; this only borrows its measure

    if _cjk_count(prev.project_name) < 4 or _cjk_count(t.project_name) < 4:
        return False
    if name_similarity(prev.project_name, t.project_name) < 0.8:
        return False
    pairs = [(a, b) for a, b in ((prev.annual_total, t.annual_total), (prev.period_total, t.period_total)) if a is not None and b is not None]
    return bool(pairs) and all(a == b for a, b in pairs)


def merge_continued(tables: list[KpiTable]) -> list[KpiTable]:
    """Join a table continued on the next page, or printed twice: the same project and amount
    printed again, with the rest of its indicators (see ``_same_table``)."""
    out: list[KpiTable] = []
    for t in tables:
        prev = out[-1] if out else None
        if prev is not None and _same_table(prev, t):
            same_name = t.project_name == prev.project_name and t.annual_total == prev.annual_total
            merge_tables(prev, t, "continued" if same_name else "printed again")
            continue
        out.append(t)
    return out
