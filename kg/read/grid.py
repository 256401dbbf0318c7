"""The columns of a table printed without rulings, its cell edges, and each text's cell.

:func:`data_columns` finds the columns from the data rows only: amounts are right-aligned (they
share a right edge), labels left-aligned (they share a left edge); left- and right-aligned clusters
that never share a row are one column (a target column printing both "≥42个" and "1,285,000").
:func:`make_grid` adds the columns only a heading names (nothing printed below it) and places the
cell edges: just right of a right-aligned column, just left of a left-aligned one, and between a
label column and an amount column where a centred heading says (a heading is in the middle of its
cell). :func:`place_header` and :func:`place_data` put each text in its column: the one it is
aligned in, else the one its centre falls in; a header text centred over several columns is a
merged cell, printed once at its span's first column.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.read.layout import DEFAULT, AlignSettings, Band, Seg, word_size

@dataclass
class Column:
    """One column: the left edge its labels share, the right edge its amounts share, where its text lies."""

    left: float | None
    right: float | None
    x0: float
    x1: float

    @property
    def key(self) -> float:
        """Where it stands: its left edge, else its right edge, else its text's middle."""
        if self.left is not None:
            return self.left
        return self.right if self.right is not None else (self.x0 + self.x1) / 2


def _clusters(values: list[float], tol: float) -> list[list[float]]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return out


def _anchor(seg: Seg, columns: list[Column], tol: float) -> int | None:
    """The column a text is aligned in: its right edge on an amount column's, or (not an
    amount) its left edge on a label column's."""
    for i, c in enumerate(columns):
        if c.right is not None and abs(seg.x1 - c.right) <= tol:
            return i
    if seg.amount:
        return None
    for i, c in enumerate(columns):
        if c.left is not None and abs(seg.x0 - c.left) <= tol:
            return i
    return None


def data_columns(rows: list[list[Band]], settings: AlignSettings = DEFAULT) -> list[Column]:
    """The columns the data rows print in, left to right (see the module's docstring)."""
    tol = settings.tolerance
    segs = [(r, s) for r, row in enumerate(rows) for ln in row for s in ln.segs]
    rights = [sum(c) / len(c) for c in _clusters([s.x1 for _, s in segs if s.amount], tol)]
    cols = [Column(None, r, r, r) for r in rights]
    lefts = [s.x0 for _, s in segs if _anchor(s, cols, tol) is None and not s.amount]
    cols += [Column(x, None, x, x) for x in (sum(c) / len(c) for c in _clusters(lefts, tol))]
    cols.sort(key=lambda c: c.key)
    members: list[set[int]] = [set() for _ in cols]
    for r, s in segs:
        i = _anchor(s, cols, tol)
        if i is None:
            continue
        members[i].add(r)
        c = cols[i]
        c.x0, c.x1 = min(c.x0, s.x0), max(c.x1, s.x1)
    # a label cluster right before an amount cluster it never shares a row with: one column
    k = 0
    while k + 1 < len(cols):
        a, b = cols[k], cols[k + 1]
        if a.right is None and b.left is None and not members[k] & members[k + 1]:
            cols[k] = Column(a.left, b.right, min(a.x0, b.x0), max(a.x1, b.x1))
            members[k] |= members.pop(k + 1)
            cols.pop(k + 1)
        k += 1
    return cols


def header_columns(header: list[list[Band]], body: list[list[Band]], settings: AlignSettings = DEFAULT) -> list[Column]:
    """The columns of a table without figures: one per heading of its lowest header line, and one
    per heading above it printed beyond them; a column is left-aligned where another heading or a
    row (a 合计 row, the labels) starts at its left edge, and the rows' labels stand in the first.

    >>> from kg.read.layout import Seg
    >>> line = lambda *segs: [Band([Seg(t, x, x + 8 * len(t), 0, 8, 8) for t, x in segs])]
    >>> cols = header_columns([line(("项目", 3), ("2024年预算数", 60)), line(("合计", 60), ("一般", 120))], [line(("合计", 3))])
    >>> [(c.left, c.x0, c.x1) for c in cols]
    [(3, 3, 19), (60, 60, 124), (None, 120, 136)]
    """
    if not header:
        return []
    tol = settings.tolerance
    cols = [Column(None, None, s.x0, s.x1) for s in header[-1][-1].segs]
    for row in reversed(header):
        for ln in row:
            for s in ln.segs:
                if s.x1 < cols[0].x0:
                    cols.insert(0, Column(None, None, s.x0, s.x1))
                elif s.x0 > cols[-1].x1:
                    cols.append(Column(None, None, s.x0, s.x1))
    segs = [s for rows in (header, body) for row in rows for ln in row for s in ln.segs]
    for i, c in enumerate(cols):
        same = [s for s in segs if abs(s.x0 - c.x0) <= tol]
        if len(same) > 1:
            cols[i] = Column(c.x0, None, c.x0, max(s.x1 for s in same))
    labels = [s.x0 for row in body for ln in row for s in ln.segs]
    if labels and cols[0].left is None and min(labels) < cols[0].x0:
        cols[0] = Column(min(labels), None, min(labels), cols[0].x1)
    return cols


@dataclass
class Grid:
    """A table's columns and the edges of its cells (``len(columns) + 1`` x positions)."""

    columns: list[Column]
    edges: list[float]

    def cell_of(self, x: float) -> int:
        """The column whose cell holds ``x`` (the first or last one beyond the edges)."""
        for i in range(len(self.columns)):
            if x < self.edges[i + 1]:
                return i
        return len(self.columns) - 1


def _is_column_numbers(line: Band) -> bool:
    texts = [s.text for s in line.segs]
    return len(texts) >= 3 and texts == [str(n) for n in range(1, len(texts) + 1)]


def _between(a: Column, b: Column, pad: float) -> float:
    """The edge between two neighbouring columns as their alignment places it: right after a
    right-aligned column, right before a left-aligned one, else midway between their texts."""
    room = max(0.0, b.x0 - a.x1) / 2
    if a.right is not None:
        return a.right + min(pad, room)
    if b.left is not None:
        return b.left - min(pad, room)
    return a.x1 + room


def _edges(cols: list[Column], pad: float) -> list[float]:
    """Cell edges from the columns alone (see :func:`_between`)."""
    return [cols[0].x0 - pad] + [_between(a, b, pad) for a, b in zip(cols, cols[1:])] + [cols[-1].x1 + pad]


def _distance(seg: Seg, col: Column) -> float:
    return max(col.x0 - seg.mid, seg.mid - col.x1, 0.0)


def _beyond(cols: list[Column], lines: list[Band], pad: float) -> list[Column]:
    """The data columns and a column for each centred heading printed beyond the data's edges."""
    cols = list(cols)
    for ln in lines:
        for s in ln.segs:
            edges = _edges(cols, pad)
            if s.mid > edges[-1]:
                cols.append(Column(None, None, s.x0, s.x1))
            elif s.mid < edges[0]:
                cols.insert(0, Column(None, None, s.x0, s.x1))
    return cols


def _refined(cols: list[Column], lines: list[Band], pad: float, tol: float) -> list[float]:
    """Cell edges. Alignment gives an edge beside a right-aligned column (and the table's right
    edge), beside a left-aligned one (and its left edge); any other edge a centred heading gives,
    being in the middle of its cell, from the cell's other edge once that one is known."""
    edges = _edges(cols, pad)
    leaf: dict[int, Seg] = {}
    for ln in lines:  # the lowest heading first
        for s in ln.segs:
            if _anchor(s, cols, tol) is None:
                leaf.setdefault(min(range(len(cols)), key=lambda i: _distance(s, cols[i])), s)
    n = len(cols)
    known = ([cols[0].left is not None]
             + [cols[k - 1].right is not None or cols[k].left is not None for k in range(1, n)]
             + [cols[-1].right is not None])
    changed = True
    while changed:
        changed = False
        for k in range(n + 1):  # edge k lies between column k - 1 and column k
            if known[k]:
                continue
            if k < n and k in leaf and known[k + 1]:
                e = 2 * leaf[k].mid - edges[k + 1]
            elif k > 0 and k - 1 in leaf and known[k - 1]:
                e = 2 * leaf[k - 1].mid - edges[k - 1]
            else:
                continue
            lo = cols[k - 1].x1 if k > 0 else float("-inf")
            hi = cols[k].x0 if k < n else float("inf")
            if lo <= hi:
                edges[k] = min(max(e, lo), hi)
            known[k] = changed = True
    return edges


def _crowded(cols: list[Column], edges: list[float], lines: list[Band], tol: float) -> list[Column]:
    """Columns only a heading names inside the table: a centred heading in a cell that another
    heading of its line, nearer the cell's text, already names (a column of labels left blank in
    every data row, its heading beside the one over the labels)."""
    grid = Grid(cols, edges)
    out = []
    for ln in lines:
        claims: dict[int, list[Seg]] = {}
        for s in ln.segs:
            if _anchor(s, cols, tol) is None:
                claims.setdefault(grid.cell_of(s.mid), []).append(s)
        for i, segs in claims.items():
            keep = min(segs, key=lambda s: _distance(s, cols[i]))
            out += [Column(None, None, s.x0, s.x1) for s in segs if s is not keep]
    return out


def make_grid(columns: list[Column], header: list[list[Band]], settings: AlignSettings = DEFAULT) -> Grid:
    """The table's grid: the data columns, the columns only a heading names, and the cell edges
    (see the module's docstring)."""
    size = max((ln.size for row in header for ln in row), default=10.0)
    pad, tol = settings.padding * size, settings.tolerance
    lines = [ln for row in reversed(header) for ln in row]  # the lowest heading first
    cols = _beyond(columns, lines, pad)
    edges = _refined(cols, lines, pad, tol)
    for _ in range(len(lines)):
        crowded = _crowded(cols, edges, lines, tol)
        if not crowded:
            break
        cols = sorted(cols + crowded, key=lambda c: c.key)
        edges = _refined(cols, lines, pad, tol)
    return Grid(cols, edges)


# ---------------------------------------------------------------- cells


def _home(seg: Seg, grid: Grid, tol: float) -> tuple[int, bool]:
    """The column a text belongs to, and whether it is aligned there (else it is centred)."""
    i = _anchor(seg, grid.columns, tol)
    if i is not None:
        return i, True
    return grid.cell_of(seg.mid), False


def _span(grid: Grid, home: int, mid: float, free: set[int], bounds: tuple[int, int], tol: float) -> tuple[int, int]:
    """The span of free columns around ``home`` (within ``bounds``) that a heading centred at
    ``mid`` covers.

    Spans whose centres are within ``tol`` of the best are candidates; spans that share a centre
    (``home`` alone, or one more column on each side) are told apart by where they end: a merged
    heading ends at a natural break (the end of ``bounds``: the heading above's span, or the next
    heading's) or before a column that is not free. The widest such span wins; without one, the
    narrowest candidate (a heading over its own column).
    """
    lo, hi = bounds
    starts = [home]
    while starts[-1] - 1 >= lo and starts[-1] - 1 in free:
        starts.append(starts[-1] - 1)
    ends = [home]
    while ends[-1] + 1 <= hi and ends[-1] + 1 in free:
        ends.append(ends[-1] + 1)
    options = [(abs((grid.edges[a] + grid.edges[b + 1]) / 2 - mid), a, b) for a in starts for b in ends]
    best = min(o[0] for o in options)
    near = [o for o in options if o[0] <= best + tol]
    natural = [o for o in near if o[2] == ends[-1]]
    if natural:
        _, a, b = max(natural, key=lambda o: (o[2] - o[1], -o[0]))
    else:
        _, a, b = min(near, key=lambda o: (o[2] - o[1], o[0]))
    return a, b


def _merged(grid: Grid, seg: Seg, free: set[int], bounds: tuple[int, int]) -> bool:
    """Whether a heading stands exactly (within half a point) in the middle of several free columns."""
    home = grid.cell_of(seg.mid)
    a, b = _span(grid, home, seg.mid, free, bounds, 0.5)
    return b > a and abs((grid.edges[a] + grid.edges[b + 1]) / 2 - seg.mid) <= 0.5


def place_header(header: list[list[Band]], grid: Grid, settings: AlignSettings = DEFAULT) -> list[list[list[str]]]:
    """Header rows → per row, per column, the printed lines of its text. A centred text over free
    columns (headed by a lower header row, within the span of the heading above) is a merged cell:
    it goes to its span's first column. A row is read right to left, so that a heading's span ends
    where the next one's begins."""
    tol = settings.tolerance
    n = len(grid.columns)
    homes = [[(s, *_home(s, grid, tol)) for ln in row for s in ln.segs] for row in header]
    out = []
    parent = [(0, n - 1)] * n
    for r, row in enumerate(homes):
        below = {i for k in range(r + 1, len(header)) if not any(_is_column_numbers(ln) for ln in header[k])
                 for _, i, _ in homes[k]}
        taken = {i for _, i, _ in row}
        cells: list[list[tuple[float, float, str]]] = [[] for _ in range(n)]
        spans = list(parent)
        next_start = n
        for s, i, aligned in sorted(row, key=lambda h: (-h[1], h[0].top)):
            first = last = i
            if aligned and _merged(grid, s, free=(below - taken) | {grid.cell_of(s.mid)}, bounds=parent[grid.cell_of(s.mid)]):
                aligned, i = False, grid.cell_of(s.mid)  # centred over several columns, its left edge on one by chance
            if not aligned:
                lo, hi = parent[i]
                free = (below - taken) | {i}
                first, last = _span(grid, i, s.mid, free, (lo, min(hi, next_start - 1)), max(tol, 0.5 * s.size))
            for c in range(first, last + 1):
                spans[c] = (first, last)
            cells[first].append((s.top, s.x0, s.text))
            next_start = min(next_start, first)
        parent = spans
        out.append([[t for *_, t in sorted(c)] for c in cells])
    return out


def place_data(row: list[Band], grid: Grid, settings: AlignSettings = DEFAULT) -> list[list[str]]:
    """A data row → per column, the printed lines of its text: each text in the column it is aligned
    in, else in the cell its centre falls in; a text run over several cells is cut between words."""
    tol = settings.tolerance
    cells: list[list[str]] = [[] for _ in grid.columns]
    for ln in row:
        for s in ln.segs:
            i, aligned = _home(s, grid, tol)
            if aligned or len(s.words) == 1 or grid.cell_of(s.x0 + tol) == grid.cell_of(s.x1 - tol):
                cells[i].append(s.text)
                continue
            last, prev = None, None  # a run of words over several cells: each word to its cell
            for w in s.words:
                j = grid.cell_of((w["x0"] + w["x1"]) / 2)
                if j == last and prev is not None:
                    space = " " if w["x0"] - prev["x1"] > 0.2 * word_size(w) else ""
                    cells[j][-1] += space + w["text"]
                else:
                    cells[j].append(w["text"])
                last, prev = j, w
    return cells


# ---------------------------------------------------------------- a grid carried over a page break


def fits(columns: list[Column], grid: Grid, tol: float) -> bool:
    """Whether every data column of a headless table stands in a column of ``grid``."""
    for c in columns:
        if not any((c.left is not None and g.left is not None and abs(c.left - g.left) <= tol)
                   or (c.right is not None and g.right is not None and abs(c.right - g.right) <= tol)
                   for g in grid.columns):
            return False
    return True


def widen(grid: Grid, columns: list[Column], size: float, settings: AlignSettings) -> Grid:
    """A carried grid with the alignments a continued page shows and the part above did not.

    A label left-aligned right before a column known only by its amounts is that column's (a target
    column printing "≥42个" under "1,285,000"), an amount right after a column known only by its
    labels likewise; any other is a new column, carved out of the cell it stands in when that
    cell's text stays clear of it.
    """
    pad = settings.padding * size
    cols, edges = list(grid.columns), list(grid.edges)
    for c in columns:
        if fits([c], Grid(cols, edges), settings.tolerance):
            continue
        k = sum(1 for col in cols if col.key < c.key)  # where it stands among the columns
        before, after = (cols[k - 1] if k else None), (cols[k] if k < len(cols) else None)
        if c.left is not None and after is not None and after.left is None and (before is None or before.x1 < c.left - pad):
            cols[k] = Column(c.left, after.right, min(after.x0, c.x0), max(after.x1, c.x1))
            edges[k] = _between(before, cols[k], pad) if before is not None else min(edges[0], c.left - pad)
        elif c.right is not None and before is not None and before.right is None and (after is None or after.x0 > c.right + pad):
            cols[k - 1] = Column(before.left, c.right, min(before.x0, c.x0), max(before.x1, c.x1))
            edges[k] = _between(cols[k - 1], after, pad) if after is not None else max(edges[-1], c.right + pad)
        else:
            left = _between(before, c, pad) if before is not None else c.x0 - pad
            right = _between(c, after, pad) if after is not None else c.x1 + pad
            lo = edges[k - 1] if k else float("-inf")
            hi = edges[k + 1] if k + 1 < len(edges) else float("inf")
            if (before is None or before.x1 <= left) and (after is None or right <= after.x0) and lo < left < right < hi:
                cols.insert(k, c)
                edges[k:k + 1] = [left, right]
    return Grid(cols, edges)
