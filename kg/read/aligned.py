"""Tables printed without rulings: rows and columns read from where the text stands.

A page with no ruling lines and no rectangles can still print tables (WPS 文字 and Word tables with
their borders turned off): only the alignment of the text shows the columns. This module finds such
tables among a page's printed lines and cuts their rows into cells, in the shape a ruled table has:
one cell per column, a blank cell as an empty string, a merged header cell printed once at its
left with the cells it covers empty. It never imports pdfplumber. A chain of small steps:

1. :func:`kg.read.layout.bands` and :func:`kg.read.layout.segments` — words → printed lines → the
   text of each cell on a line.
2. :func:`find_tables` — the runs of lines that form a table: at least ``min_amount_rows`` lines
   print an amount (1,234.00 / 12.50), the lines between and after them stand in the same
   columns, and the multi-cell lines right above them are the header. A note ("注：…"), a "单位："
   line, a change of type size or a wide vertical gap ends a table.
3. :func:`group_rows` — lines closer than a wrapped line's gap are one row (a cell wrapped over
   several lines, the other cells centred beside it).
4. :mod:`kg.read.grid` — the columns from the data rows, the cell edges, each text's cell, a merged
   heading at its span's first column.

:func:`read_tables` chains them for one page, and carries a table over a page break: the lines
opening a page that stand in the columns of the table ending the page before continue it, in its
grid (with any column first printed there), so a column left blank on the continued page keeps
its place and a header repeated there is recognised; a header ending a page whose table's body
the next page prints is read in that body's grid (``PageTables.orphans``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.read.grid import Grid, data_columns, header_columns, make_grid, place_data, place_header, widen
from kg.read.layout import DEFAULT, AlignSettings, Band, Seg, recut

#: lines that are never part of a table: notes, the money unit, the unit's name
STOP = re.compile(r"^(?:注|说明|单位|编制部门|编制单位|部门名称|单位名称|预算单位)\s*[:：]")
#: a note saying the table above prints no figure
EMPTY_NOTE = re.compile(r"^(?:注|说明)\s*[:：].*(?:本表无数据|空表)")


@dataclass(frozen=True)
class Found:
    """Where a table is among a page's lines: its header from ``start`` to ``data``, its body to
    ``end`` (exclusive); ``figures``: whether its body prints any (an empty table's columns come
    from its header alone)."""

    start: int
    data: int
    end: int
    figures: bool = True


# ---------------------------------------------------------------- where the tables are


def _same_size(a: Band, b: Band) -> bool:
    return abs(a.size - b.size) <= 0.1 * max(a.size, b.size)


def _aligned(seg: Seg, lefts: list[float], rights: list[float], tol: float) -> bool:
    if seg.amount:
        return any(abs(seg.x1 - r) <= tol for r in rights)
    return any(abs(seg.x0 - x) <= tol for x in lefts) or any(abs(seg.x1 - r) <= tol for r in rights)


def _joins(above: Band, line: Band, settings: AlignSettings) -> tuple[bool, bool]:
    """Whether ``line`` may follow ``above`` in one table (same type size, no wide gap, no note
    or "单位：" line), and whether it is the wrapped rest of ``above``'s row."""
    gap = line.top - above.bottom
    ok = _same_size(above, line) and gap <= settings.row_gap * line.size and not STOP.match(line.text)
    return ok, gap < settings.wrap_gap * line.size


def _extend(lines: list[Band], j: int, lefts: list[float], rights: list[float], settings: AlignSettings) -> int:
    """The end of a table's run of lines from ``j`` (> 0) on: each line joins the one above and
    prints several cells, an amount, only text standing in a column seen so far, or the wrapped
    rest of the row above."""
    while j < len(lines):
        ok, wrapped = _joins(lines[j - 1], lines[j], settings)
        ln = lines[j]
        aligned = all(_aligned(s, lefts, rights, settings.tolerance) for s in ln.segs)
        if not ok or not (len(ln.segs) > 1 or ln.amount or wrapped or aligned):
            break
        lefts += [s.x0 for s in ln.segs if not s.amount]
        rights += [s.x1 for s in ln.segs if s.amount]
        j += 1
    return j


def _header_start(lines: list[Band], first: int, floor: int, lefts: list[float], rights: list[float],
                  settings: AlignSettings) -> int:
    """Upwards from a table's first figure: multi-cell lines and lines standing in its columns, the
    wrapped lines of their rows, up to ``max_header_lines`` lines and not above ``floor``."""
    start = first
    while start > floor and first - start < settings.max_header_lines:
        above, below = lines[start - 1], lines[start]
        ok, wrapped = _joins(above, below, settings)
        aligned = all(_aligned(s, lefts, rights, settings.tolerance) for s in above.segs)
        if not ok or above.amount or not (len(above.segs) > 1 or aligned or wrapped):
            break
        start -= 1
    return start


def _label_rows(lines: list[Band], j: int, settings: AlignSettings) -> int:
    """The end of the one-cell rows from ``j`` on that stand at one left edge (a table's labels,
    its 合计 row, with no figure)."""
    k = j
    while (k < len(lines) and len(lines[k].segs) == 1 and not lines[k].amount
           and (k == j or _joins(lines[k - 1], lines[k], settings)[0])
           and abs(lines[k].segs[0].x0 - lines[j].segs[0].x0) <= settings.tolerance):
        k += 1
    return k


def _figureless_table(lines: list[Band], i: int, settings: AlignSettings) -> Found | None:
    """A table without figures right after line ``i`` (a "单位：" line): multi-cell header lines,
    then one-cell rows standing at one left edge (its labels, a 合计 row); it ends where a line
    does not follow, at a note saying the table is empty ("注：本表无数据") for one."""
    j = i + 1
    while (j < len(lines) and len(lines[j].segs) > 1 and not lines[j].amount
           and (j == i + 1 or _joins(lines[j - 1], lines[j], settings)[0])):
        j += 1
    if j == i + 1:
        return None
    left = min(s.x0 for ln in lines[i + 1:j] for s in ln.segs)
    k = j
    if j < len(lines) and _joins(lines[j - 1], lines[j], settings)[0] and lines[j].segs[0].x0 <= left + settings.tolerance:
        k = _label_rows(lines, j, settings)  # rows at the table's left edge
    if k < len(lines) and (len(lines[k].segs) > 1 or lines[k].amount) and _joins(lines[k - 1], lines[k], settings)[0]:
        return None  # the table goes on: more header lines, or its figures
    if k == j and not any(EMPTY_NOTE.match(ln.text) for ln in lines[k:k + 2]):
        return None
    return Found(i + 1, j, k, figures=False)


def find_tables(lines: list[Band], settings: AlignSettings = DEFAULT, floor: int = 0) -> list[Found]:
    """Where each table is among the lines from ``floor`` on.

    A table prints at least ``min_amount_rows`` lines holding an amount: downwards from the first
    one, see :func:`_extend`; upwards, :func:`_header_start`. A table without figures is found by
    its header under a "单位：" line (:func:`_figureless_table`).
    """
    out: list[Found] = []
    i = floor
    while i < len(lines):
        if STOP.match(lines[i].text) and not EMPTY_NOTE.match(lines[i].text) and (empty := _figureless_table(lines, i, settings)):
            out.append(empty)
            i = empty.end
            continue
        if not lines[i].amount or STOP.match(lines[i].text):
            i += 1
            continue
        first = i
        lefts = [s.x0 for s in lines[i].segs if not s.amount]
        rights = [s.x1 for s in lines[i].segs if s.amount]
        j = _extend(lines, i + 1, lefts, rights, settings)
        if sum(1 for ln in lines[first:j] if ln.amount) < settings.min_amount_rows:
            i = j
            continue
        start = _header_start(lines, first, out[-1].end if out else floor, lefts, rights, settings)
        out.append(Found(start, first, j))
        i = j
    return out


def group_rows(lines: list[Band], settings: AlignSettings = DEFAULT) -> list[list[Band]]:
    """Lines → rows: a line closer to the row above than ``wrap_gap`` type sizes (or overlapping
    it) continues that row — a cell wrapped over several lines — unless both print an amount."""
    rows: list[list[Band]] = []
    for ln in lines:
        if rows:
            row = rows[-1]
            bottom = max(x.bottom for x in row)
            if ln.top - bottom < settings.wrap_gap * ln.size and not (ln.amount and any(x.amount for x in row)):
                row.append(ln)
                continue
        rows.append([ln])
    return rows


# ---------------------------------------------------------------- a page


@dataclass
class TableRow:
    """One row of an unruled table: per column the printed lines of its text, and where it is."""

    cells: list[list[str]]
    top: float
    bottom: float
    x0: float
    x1: float
    table: int


@dataclass
class Carry:
    """What the end of a page leaves for the next: the grid of a table ending it, with the texts
    of its lines (a header repeated on the next page is recognised by them), or the header lines
    of a table whose body starts on the next page (``header``); and the type size."""

    grid: Grid | None
    texts: frozenset[str]
    size: float
    header: list[Band] = field(default_factory=list)


@dataclass
class PageTables:
    """The unruled tables of a page: their rows, the ``(start, end)`` line range of each, what the
    page leaves for the next, and the rows of the header the previous page ended with when this
    page's first table is its body (``orphans``, placed in this table's grid)."""

    rows: list[TableRow]
    ranges: list[tuple[int, int]]
    carry: Carry | None
    orphans: list[TableRow] = field(default_factory=list)


def _continued(lines: list[Band], lo: int, carry: Carry, settings: AlignSettings) -> Found | None:
    """Where the lines opening a page continue the table above: from the
    first content line on, lines standing in the carried columns (or repeating its header lines)."""
    if lo >= len(lines) or abs(lines[lo].size - carry.size) > 0.1 * carry.size or STOP.match(lines[lo].text):
        return None
    assert carry.grid is not None
    lefts = [c.left for c in carry.grid.columns if c.left is not None]
    rights = [c.right for c in carry.grid.columns if c.right is not None]
    tol = settings.tolerance
    end = lo
    while end < len(lines):
        ln = lines[end]
        ok, wrapped = _joins(lines[end - 1], ln, settings) if end > lo else (True, False)
        if not ok or not (ln.text in carry.texts or wrapped or any(_aligned(s, lefts, rights, tol) for s in ln.segs)):
            break
        if ln.text not in carry.texts:  # the columns this part prints in, for the lines below
            lefts += [s.x0 for s in ln.segs if not s.amount]
            rights += [s.x1 for s in ln.segs if s.amount]
        end += 1
    if end == lo:
        return None
    return Found(lo, next((i for i in range(lo, end) if lines[i].amount), end), end)


def _trailing_header(lines: list[Band], after: int, hi: int, settings: AlignSettings) -> list[Band]:
    """Multi-cell lines without figures that end a page's content right after a "单位：" line
    (or a note): the header of a table whose body the next page prints."""
    k = hi
    while k > after and hi - k < settings.max_header_lines:
        ln = lines[k - 1]
        if len(ln.segs) < 2 or ln.amount or (k < hi and not _joins(ln, lines[k], settings)[0]):
            break
        k -= 1
    if k == hi or k == 0 or not STOP.match(lines[k - 1].text):
        return []
    return lines[k:hi]


def _rows(header: list[list[Band]], body: list[list[Band]], grid: Grid, t: int, settings: AlignSettings) -> list[TableRow]:
    placed = place_header(header, grid, settings) + [place_data(row, grid, settings) for row in body]
    out = []
    for row, cells in zip(header + body, placed):
        top, bottom = min(ln.top for ln in row), max(ln.bottom for ln in row)
        out.append(TableRow(cells, top, bottom, grid.edges[0], grid.edges[-1], t))
    return out


def read_tables(
    lines: list[Band], carry: Carry | None = None, settings: AlignSettings = DEFAULT,
    content: tuple[int, int] | None = None,
) -> PageTables:
    """The unruled tables among a page's lines (see :class:`PageTables`).

    ``content`` is the range of lines between the page's furniture (page numbers). Lines opening
    the content that stand in the columns of a carried grid continue that table, in its grid; a
    headless table opening the content takes a carried header as its own.

    Labels left-aligned, amounts right-aligned, headings centred, "2025年预算数" over two columns:

    >>> from kg.read.layout import bands, segments
    >>> def w(text, x0, x1, row):
    ...     return {"text": text, "x0": x0, "x1": x1, "top": 16 * row, "bottom": 16 * row + 8, "size": 8}
    >>> words = [w("项目", 25.5, 41.5, 0), w("2025年预算数", 106, 154, 0),
    ...          w("合计", 92, 108, 1), w("基本支出", 147, 179, 1),
    ...          w("工资", 3, 19, 2), w("1.50", 113, 130, 2), w("1.50", 173, 190, 2),
    ...          w("办公费", 3, 27, 3), w("2.00", 113, 130, 3),
    ...          w("合计", 3, 19, 4), w("3.50", 113, 130, 4), w("1.50", 173, 190, 4)]
    >>> found = read_tables([Band(segments(b)) for b in bands(words)])
    >>> for row in found.rows:
    ...     print(["".join(cell) for cell in row.cells])
    ['项目', '2025年预算数', '']
    ['', '合计', '基本支出']
    ['工资', '1.50', '1.50']
    ['办公费', '2.00', '']
    ['合计', '3.50', '1.50']
    """
    lo, hi = content if content is not None else (0, len(lines))
    found: list[tuple[Found, Grid | None]] = []
    first = _continued(lines, lo, carry, settings) if carry is not None and carry.grid is not None else None
    if first is not None:
        found.append((first, carry.grid))  # type: ignore[union-attr]
    tables = find_tables(lines, settings, first.end if first else 0)
    if (first is None and carry is not None and carry.header and lo < len(lines) and not (tables and tables[0].start <= lo)
            and len(lines[lo].segs) == 1 and not lines[lo].amount):  # the body of the header the page above ended with
        k = _label_rows(lines, lo, settings)
        if not (k < len(lines) and lines[k].amount and _joins(lines[k - 1], lines[k], settings)[0]):
            tables.insert(0, Found(lo, lo, k, figures=False))
    found += [(f, None) for f in tables]
    out = PageTables([], [], None)
    for t, (f, grid) in enumerate(found):
        start, data, end = f.start, f.data, f.end
        header = group_rows([recut(ln, settings.word_gap) for ln in lines[start:data]], settings)
        body = group_rows([recut(ln, settings.word_gap) for ln in lines[data:end]], settings)
        orphan: list[list[Band]] = []
        if (t == 0 and grid is None and start <= lo and carry is not None and carry.header
                and all(len(ln.segs) < 2 for ln in lines[start:data])
                and abs(carry.size - lines[start].size) <= 0.1 * carry.size):
            orphan = group_rows([recut(ln, settings.word_gap) for ln in carry.header], settings)
        if grid is None:
            columns = data_columns(body, settings) if f.figures else header_columns(orphan + header, body, settings)
            if not columns:
                continue
            grid = make_grid(columns, orphan + header, settings)
        elif carry is not None:  # a continued table: its grid, and any column first printed here
            fresh = [row for row in header + body if not any(ln.text in carry.texts for ln in row)]
            grid = widen(grid, data_columns(fresh, settings), carry.size, settings)
        if orphan:
            out.orphans = _rows(orphan, [], grid, 0, settings)
        out.rows += _rows(header, body, grid, t, settings)
        out.ranges.append((start, end))
        texts = frozenset(ln.text for ln in (carry.header if orphan else []) + lines[start:end])  # type: ignore[union-attr]
        out.carry = Carry(grid, texts, lines[end - 1].size) if end >= hi else None
    if out.carry is None and hi > lo:
        tail = _trailing_header(lines, out.ranges[-1][1] if out.ranges else lo, hi, settings)
        if tail:
            out.carry = Carry(None, frozenset(), tail[-1].size, tail)
    return out
