"""An OCR'd KPI grid printed over itself: each column of the grid stacked into one cell.

OCR sometimes reads a grid column by column and prints each column as one cell of one line:
"三级指标 质保工程面积 返修率 质保时间 质保费用" and, beside it, "指标值 4500平方米 <5% 1年 110.49万元". A page
read so is usually printed several times over (both sides of the grid, and again on the next lines,
each time misread a little differently). The names of a column cell and the targets of the cell
beside it are one list each, in the grid's order, so they pair one for one, but only

- when the two lists are as long as each other (a wrapped name joined, ``_name_parts``), and no name
  is printed twice in one list (OCR repeating a word down the cell);
- when the pairs' categories (``kg.extract.kpi_categories.family``) come in the grid's fixed order
  (数量, 质量, 时效, 成本, 效益, 满意度): a pairing off by one breaks it.

Each row is then read over all printings that agree in length: the target most printings show,
the name the table's own text bears out (``kg.extract.ocr_text.better_spelling``). A row's 二级 is the
category its family names; a 效益 row cannot be told apart from another 效益 category's and is left
out, and said so.
"""

from __future__ import annotations

import re
from collections import Counter

from kg.extract.kpi_categories import STANDARD, family
from kg.extract.ocr_grid import header_word, name_parts
from kg.extract.ocr_text import better_spelling, lexicon, satisfaction, simplified
from kg.extract.targets import looks_like_value, parse_target
from kg.model import Indicator, Line

_COMPARATOR = re.compile(r"^[<>≤≥＜＞≪≫]=?$")
_FAMILY_ORDER = {"数量": 0, "质量": 1, "时效": 2, "成本": 3, "效益": 4, "满意度": 5}
_L2_OF = {fam: name for name, fam in STANDARD if fam != "效益"}
_L1_OF = {"数量": "产出指标", "质量": "产出指标", "时效": "产出指标", "成本": "产出指标", "满意度": "满意度指标"}


def _values(tokens: list[str]) -> list[str]:
    """The targets a cell ends with, a lone comparator joined to the figure after it ("<" "5%")."""
    out: list[str] = []
    for tok in reversed(tokens):
        if _COMPARATOR.match(tok) and out:
            out[-1] = tok + out[-1]
        elif looks_like_value(tok, after_indicator=True) and not re.fullmatch(r"[\d.]+", tok):
            out.append(tok)
        else:
            break
    return list(reversed(out))


def _after_header(cell: str, word: str) -> list[str] | None:
    tokens = cell.split()
    idx = [i for i, t in enumerate(tokens) if header_word(t) == word]
    return tokens[idx[-1] + 1:] if idx else None


def printings(lines: list[Line]) -> list[tuple[Line, list[tuple[str, str]]]]:
    """Each stacked name cell whose names pair with the targets of the cell beside it."""
    out = []
    for line in lines:
        cells = [c.strip() for c in line.cells]
        for i, cell in enumerate(cells):
            names = _after_header(cell, "三级指标")
            if not names or len(names) < 2:
                continue
            beside = next((c for c in cells[i + 1:i + 3] if c), "")
            tokens = _after_header(beside, "指标值") or beside.split()
            values = _values(tokens)
            if len(values) < 2:
                continue
            parts = name_parts(" ".join(names), len(values))
            if not parts:
                continue
            keys = [simplified(p) for p in parts]
            if len(set(keys)) < len(keys):
                continue  # a name printed twice down one cell: OCR repeating itself
            fams = [family(p, v) for p, v in zip(parts, values)]
            order = [_FAMILY_ORDER[f] for f in fams if f]
            if order != sorted(order):
                continue  # categories out of the grid's order: the lists do not pair
            out.append((line, list(zip(parts, values))))
    return out


def read_stacked(file: str, lines: list[Line], context: list[str]) -> tuple[list[Indicator], list[str]]:
    """The indicators a grid printed over itself holds (see the module doc), and notes on what was
    left out."""
    found = printings(lines)
    if not found:
        return [], []
    k = Counter(len(rows) for _, rows in found).most_common(1)[0][0]
    group = [(line, rows) for line, rows in found if len(rows) == k]
    if len(group) < 2:
        return [], [f"a grid printed over itself on line {group[0][0].no}: printed once, its pairs are not read"]
    counts = lexicon(context)
    out: list[Indicator] = []
    notes: list[str] = []
    first = group[0][0]
    for j in range(k):
        names = [simplified(rows[j][0]) for _, rows in group]
        values = Counter(simplified(rows[j][1]) for _, rows in group)
        value, n = values.most_common(1)[0]
        name = names[0]
        for other in names[1:]:
            name = better_spelling(name, other, counts)
        name = satisfaction(name)
        if n * 2 <= len(group):
            notes.append(f"{name}: its printings disagree on the target ({', '.join(values)}): left out")
            continue
        fam = family(name, value)
        if fam not in _L2_OF:
            notes.append(f"{name} ({value}): its 二级 category cannot be read in a grid printed over itself: left out")
            continue
        l2 = _L2_OF[fam]
        out.append(Indicator(
            l1=_L1_OF[fam], l2=l2, l3=name, target=parse_target(value),
            span=first.span(file), sides=("年度", "实施期"),
        ))
    lines_ = ", ".join(str(line.no) for line, _ in group)
    notes.append(f"{len(out)} indicators read from a grid printed over itself on lines {lines_}")
    return out, notes

