"""An OCR'd KPI grid → rows the indicator grammar (kg.extract.indicators) can read.

OCR prints specks and text from elsewhere on the page into cells, misreads the grid's labels by a
character, prints rows over each other and merges several rows into one line; ``clean_ocr_grid``
undoes what can be undone and says what it left out.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from kg.extract.indicators import AMBIGUOUS, HEADER_TOKENS, L1_LABELS, L2_PARENT, category, norm
from kg.extract.targets import looks_like_value, parse_target
from kg.model import Line

_CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")
_SPACE = re.compile(r"\s")
_TWO_LATIN = re.compile(r"[A-Za-z]{2}")
# forms OCR prints for characters of the grid's labels (traditional or look-alike), one for one
_LABEL_VARIANTS = str.maketrans("級數質時滿標產經濟務費", "级数质时满标产经济务费")
GRID_HEADER = ("一级指标", "二级指标", "三级指标", "指标值")
TABLE_NOISE = 5  # noise cells a whole KPI table must show to have its grid read as OCR output
# how indicator names end (率, 数量, 时间 …): a name piece ending otherwise was cut by a line wrap
_NAME_END = re.compile(r"[率数量度间性费用额人次期值比积项件台个本条份级果平效核训]\)?$|[)）]$")


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of ``a`` and ``b``, or ``limit + 1`` once it exceeds ``limit``.

    >>> edit_distance("主管管门", "主管部门", 1), edit_distance("项目设立业少要性", "项目设立必要性", 2)
    (1, 2)
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


@lru_cache(maxsize=16384)  # every cell of every KPI table is asked; most recur
def noise_cell(text: str) -> bool:
    """A cell OCR made of specks or of text from elsewhere on the page: no target, and hardly
    Chinese ("—3X1810v", "and any tracking", "14.70°", "XX.fiZ.fil 种系").

    >>> noise_cell("LEI,"), noise_cell("293 fr"), noise_cell("≥8人"), noise_cell("驻场人数"), noise_cell("100")
    (True, True, False, False, False)
    """
    t = text.strip()
    if not t:
        return False
    chars = _SPACE.sub("", t)
    cjk = len(_CJK_CHAR.findall(chars))
    if looks_like_value(t):  # but a comparator before Latin specks is no target (">> 200 API (NO.")
        return cjk == 0 and bool(_TWO_LATIN.search(chars)) and not parse_target(t).quantitative
    return cjk == 0 or cjk < 0.4 * len(chars)


def misread_category(text: str) -> str | None:
    """A category label as OCR prints it ("耐效指标", "满激度指标", "數量指标") → its spelling:
    one character wrong, missing or extra (two for labels of seven characters or more).

    >>> misread_category("耐效指标"), misread_category("服务对单满意度"), misread_category("驻场人数")
    ('时效指标', '服务对象满意度', None)
    """
    k = norm(text).translate(_LABEL_VARIANTS)
    if category(k):
        return k
    if len(k) < 4:
        return None
    for label in (*L1_LABELS, *L2_PARENT, AMBIGUOUS):
        budget = 2 if len(label) >= 7 else 1
        if edit_distance(k, label, budget) <= budget:
            return label
    return None


def header_word(text: str) -> str | None:
    """A header word of the grid as OCR prints it ("三級指标", "三级相标") → its spelling."""
    k = norm(text).translate(_LABEL_VARIANTS)
    if k in HEADER_TOKENS:
        return k
    return next((h for h in GRID_HEADER if len(k) == len(h) and edit_distance(k, h, 1) <= 1), None)


def _header_word(text: str) -> bool:
    return header_word(text) is not None


def _label_word(word: str) -> bool:
    return _header_word(word) or misread_category(word) is not None


def _smeared(cells: list[str], neighbours: list[list[str]] = ()) -> bool:
    """A row OCR printed over other rows: a cell holding two labels or more among its words, or
    a cell of three words or more that repeats the start of the same column's cell on the line
    before or after (OCR printing the rows below into it)."""
    if any(sum(1 for w in c.split() if _label_word(w)) >= 2 for c in cells):
        return True
    for i, c in enumerate(cells):
        if len(c.split()) < 3 or _label_word(c.split()[0]):
            continue
        for other in neighbours:
            o = other[i].strip() if i < len(other) else ""
            if o and o != c and len(c) >= 8 and o[:8] == c[:8]:
                return True
    return False


def _bare_number(text: str) -> bool:
    t = parse_target(text)
    return t.quantitative and t.unit is None and t.comparator is None


def name_parts(text: str, k: int) -> list[str] | None:
    """The ``k`` names of a cell that holds the names of ``k`` merged rows, or None."""
    parts: list[str] = []
    for w in text.split():
        if parts and (re.fullmatch(r"[(（][^)）]*[)）]", w) or len(_CJK_CHAR.findall(w)) <= 2):
            parts[-1] += w  # a unit remark "(万)" or a wrapped line's last characters
        else:
            parts.append(w)
    while len(parts) > k:
        cut = next((i for i in range(len(parts) - 1) if not _NAME_END.search(parts[i])), None)
        if cut is None:
            return None
        parts[cut:cut + 2] = [parts[cut] + parts[cut + 1]]
    return parts if len(parts) == k and not any(looks_like_value(p) for p in parts) else None


def _split_merged_rows(line: Line, cells: list[str]) -> list[Line]:
    """A line that holds two rows or more, their names and their targets each in one cell
    ("故障处理及时性 尾歇控制数 (万)" | "及时 ≤70.6万元") → one line per row."""
    filled = [i for i, c in enumerate(cells) if c]
    splits: dict[int, list[str]] = {}
    k = 0
    for a, b in zip(filled, filled[1:]):
        values = cells[b].split()
        if len(values) < 2 or not all(looks_like_value(v, after_indicator=True) for v in values):
            continue
        names = name_parts(cells[a], len(values))
        if names and (k in (0, len(values))):
            k = len(values)
            splits[a], splits[b] = names, values
    if not splits:
        return [replace(line, cells=cells)]
    out = []
    for m in range(k):
        row = [splits[i][m] if i in splits else (c if m == 0 else "") for i, c in enumerate(cells)]
        out.append(replace(line, cells=row))
    return out


def clean_ocr_grid(lines: list[Line], ocr: bool | None = None) -> tuple[list[Line], list[str], bool]:
    """OCR'd indicator rows → rows the grammar can read, notes on what was left out, and whether
    the grid is read as OCR output: ``ocr``, or when None, whether a cell of it is noise
    (``noise_cell``); otherwise the lines are returned untouched. Rules, each for what OCR does
    to a grid:

    - noise cells are emptied;
    - a header word printed in front of a cell's content ("指标值 ≥3000条") is dropped, and a
      misread header word or category label is read as the one it stands for ("三級指标",
      "耐效指标" → 时效指标, see ``misread_category``);
    - a row printed over other rows (``_smeared``: a cell holding two labels) cannot be read: it
      is left out, and said so;
    - the left column's broken 绩效指标 label ("缋", "效指"), and a bare number (no unit, no
      comparator) that follows no indicator name — the page margin's figures — are emptied;
    - a line holding several rows, names and targets each in one cell, becomes one line per row.
    """
    if ocr is None:
        ocr = any(noise_cell(c) for line in lines if not line.noise for c in line.cells)
    if not ocr:
        return lines, [], False
    header_end = None  # the header's last column: bare numbers right of it are the page margin's
    for line in lines:
        cols = [i for i, c in enumerate(line.cells) if c.strip() and _header_word(c)]
        if len(cols) >= 2:
            header_end = max(cols)
            break
    out: list[Line] = []
    smeared: list[int] = []
    dropped = 0
    live = [line for line in lines if not line.noise]
    for n, line in enumerate(live):
        cells = []
        for i, c in enumerate(line.cells):
            t = c.strip()
            words = t.split()
            if len(words) > 1 and _header_word(words[0]):
                t = " ".join(words[1:])
            if t and (
                noise_cell(t)
                or (i == 0 and (_bare_number(t) or (
                    len(norm(t)) <= 4 and not looks_like_value(t) and not misread_category(t) and not _header_word(t)
                )))
            ):
                dropped += 1
                t = ""
            elif t:
                t = header_word(t) or misread_category(t) or t
            cells.append(t)
        if _smeared(cells, [live[m].cells for m in (n - 1, n + 1) if 0 <= m < len(live)]):
            smeared.append(line.no)
            continue
        for i, t in enumerate(cells):
            if t and _bare_number(t):
                before = next((c for c in reversed(cells[:i]) if c), None)
                if (
                    before is None or category(before) or looks_like_value(before) or before in HEADER_TOKENS
                    or (header_end is not None and i > header_end)
                ):
                    dropped += 1
                    cells[i] = ""
        out.extend(_split_merged_rows(line, cells))
    notes = [f"{dropped} cells of OCR noise left out of the indicator grid"] if dropped else []
    if smeared:
        notes.append(
            f"indicator rows on lines {', '.join(map(str, smeared))} cannot be read (OCR printed them over each other): left out"
        )
    return out, notes, True
