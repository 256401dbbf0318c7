"""Budget tables → :class:`~kg.model.BudgetLine`s: one per amount cell, in exact yuan.

Reading a table is a chain of small steps:

1. :func:`layout` — the header lines → columns (position, normalised name, role) cut into
   *sides*: one side, or 收入 | 支出 in the two-sided tables (summary, fiscal_summary,
   state_capital). A column's name is the lowest header cell that names a known column
   ("项目 | 2025年预算数" above "科目编码 | 科目名称 | 合计 | 基本支出 | 项目支出").
   Without a usable header the kind's :data:`DEFAULT_HEADERS` stand in.
2. :func:`read_row` — a data row → per side: its labels (code, name, 政府预算经济科目名称)
   and its amount cells placed under the side's amount columns.
3. :func:`budget_lines` — every placed, non-blank amount → a ``BudgetLine``.

Clean text puts every cell under its header. OCR text (seed 002) loses empty cells, so a row
can be shorter than the header: the missing blanks are re-inserted where (a) 合计 = the sum
of the other amount columns holds, then (b) 合计 gets a figure, then (c) the row's last cell
stays in the last column if it is filled, else the cells stay left-aligned. Cells are never
reordered and no amount is ever made up; a cell that is not a number yields no line.
:func:`explain` shows every decision.

A blank cell is no line (not zero); an explicit "0.00" is a zero line.

Column names (``BudgetLine.column``). A column is named by the lowest header cell above it
that names a known column, normalised through :data:`kg.segment.tables.COLUMN_NAMES`
(本年收入合计 / 本年支出合计 → 合计; 预算数, 决算数, "2025年预算数" → 金额, a side's single amount;
一般公共预算财政拨款 → 一般公共预算; 公务用车运行维护费 / 运行费 → 公务用车运行费 …). PDF headers
print a merged cell once, at its left, and leave the cells it covers blank; a heading is taken
to span to the next filled cell of its line, within the span of the heading above it
(:func:`_owners`). Two rules use those spans:

- a 小计 (or 合计) under a heading that groups only some of the amount columns is that group's
  figure and takes its name: 小计 under 公务用车购置及运行费 → "公务用车购置及运行费", 小计 under
  本年支出 → "本年支出" (a 合计 only under a heading that names a known column; a heading over
  every amount column, "支出预算" over 合计 | 基本支出 | 项目支出, changes nothing);
- amount columns of one side that would share a name are named "<item>/<measure>": the item is
  the nearest heading above that names one (a 小计 heading stands for its group), the measure the
  printed 预算数 / 决算数. The 三公 决算 table thus gives "合计/预算数", "合计/决算数",
  "因公出国（境）费/决算数", "公务用车购置及运行费/预算数" (its 小计), "公务用车购置费/决算数",
  "公务用车运行费/预算数", "公务接待费/决算数"; the 三公 预算 table of a budget, one figure per item,
  gives the plain item names ("公务接待费", "机关运行经费").

Names that are already distinct stay as they were, so the Shanxi tables read as before.
The 决算 基本支出 table prints two sides (301 / 303 left, 302 / 310 right): its sides are named
人员经费 and 公用经费 (:data:`SPLIT_SIDES`), and its foot "人员经费合计 … 公用经费合计" gives one
total line per side (``is_total``).

Codes printed in 类 | 款 | 项 cells are joined ("201 | 06 | 01" → "2010601"), a 款 printed
without its leading zero is padded ("301 | 2" → "30102"), a blank 类 cell is taken from the
row above, and a 合计 row printed on the header's "类 | 款 | 项" line keeps 合计 as its label.
Two figures the PDF reader put in one cell ("156,211,123 156,211,123") are split
(:func:`split_joined`).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache

from kg.model import BudgetLine, Line, Table
from kg.money import parse_amount, to_yuan
from kg.read.text import clean_name
from kg.segment.tables import TOTAL_LABELS, HeaderWord, header_word, is_code, is_column_numbers, squeeze

#: the tables read here; project tables are read by kg.extract.projects from ``Table.rows``
KINDS = (
    "summary", "income", "expenditure", "fiscal_summary", "general_expenditure", "basic_economic",
    "fund_income", "fund_expenditure", "state_capital", "three_public", "admin_running",
)
#: tables with an income side and an expenditure side
TWO_SIDED = ("summary", "fiscal_summary", "state_capital")
SIDE_NAMES = ("收入", "支出")
#: kinds that are two-sided only in some layouts (a label column printed after an amount column),
#: with the names of their sides: the 决算 基本支出 table puts 人员经费 (301, 303) on the left and
#: 公用经费 (302, 310 …) on the right, each side ending in its 人员经费合计 / 公用经费合计
SPLIT_SIDES: dict[str, tuple[str, str]] = {"basic_economic": ("人员经费", "公用经费")}
#: the usual Shanxi layouts, used only when a table's header names no amount column
DEFAULT_HEADERS: dict[str, tuple[str, ...]] = {
    "summary": ("项目", "金额", "项目", "合计", "当年预算安排", "上年结转安排"),
    "income": ("科目编码", "科目名称", "合计", "一般公共预算", "政府性基金", "国有资本经营预算",
               "财政专户管理资金", "单位资金", "上年结转"),
    "expenditure": ("科目编码", "科目名称", "合计", "基本支出", "项目支出"),
    "fiscal_summary": ("项目", "金额", "项目", "小计", "一般公共预算", "政府性基金预算", "国有资本经营预算"),
    "general_expenditure": ("科目编码", "科目名称", "合计", "基本支出", "项目支出"),
    "basic_economic": ("部门预算支出经济科目名称", "政府预算支出经济科目名称", "合计", "人员经费", "公用经费"),
    "fund_income": ("收入科目编码", "科目名称", "金额"),
    "fund_expenditure": ("科目编码", "科目名称", "合计", "基本支出", "项目支出"),
    "state_capital": ("收入科目编码", "科目名称", "金额", "科目编码", "科目名称", "合计", "基本支出", "项目支出"),
    "three_public": ("项目", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"),
    "admin_running": ("单位名称", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"),
}
TOTAL_COLUMNS = ("合计", "小计")
#: a column 合计 may leave out when it sums the others (the income table's 上年结转 sits beside 本年收入)
OPTIONAL_PARTS = ("上年结转",)
#: placements tried when a row lacks cells; beyond this the row is read left-aligned
MAX_PLACEMENTS = 512

_WORD_CHAR = re.compile(r"\w")
_WORD = re.compile(r"[A-Za-z\u3400-\u9fff]")


# ---------------------------------------------------------------- layout


@dataclass(frozen=True)
class Column:
    """One column of a table: 0-based grid position, normalised name and role."""

    pos: int
    name: str
    role: str  # "code" | "name" | "gov_econ" | "amount"


@dataclass(frozen=True)
class Side:
    """The columns of one side of a table (the whole table when it has one side)."""

    name: str | None  # "收入" / "支出" in two-sided tables
    start: int  # first grid position
    labels: tuple[Column, ...]
    amounts: tuple[Column, ...]


@dataclass(frozen=True)
class Layout:
    width: int
    sides: tuple[Side, ...]
    source: str  # "header" | "default"


#: the level headings over a code printed in three cells
LEVEL_WORDS = ("类", "款", "项")


def leading_levels(cells: list[str]) -> list[str] | None:
    """The "类 | 款 | 项" cells that open a row, alone as a header row, or None.

    Shanghai's 决算 tables print the 合计 row on the header's last line ("类 | 款 | 项 | 合计 |
    2,946.25 | …"): the row is data, its first cells still name the code columns.

    >>> leading_levels(["类", "款", "项", "合计", "2,946.25"]), leading_levels(["201", "06", "行政运行"])
    (['类', '款', '项', '', ''], None)
    """
    k = 0
    while k < len(cells) and cells[k].strip() in LEVEL_WORDS:
        k += 1
    if k < 2:
        return None
    return [c if i < k else "" for i, c in enumerate(cells)]


def _header_grid(header: list[Line], first_row: Line | None = None) -> list[list[str]]:
    """Header lines as rows of cells, the column-number line ("1 2 3 …") left out; the
    "类 | 款 | 项" cells of a first data row that shares the header's last line are added.

    A 合计 opening a header line below a label column's title labels the (empty) total row
    printed on it ("功能分类科目编码" over "合计 | | | 合计 | 基本支出 | 项目支出"), not the first
    column: it is left out.
    """
    grid = [ln.cells for ln in header if not is_column_numbers(ln)]
    for k, r in enumerate(grid):
        if k and len(r) > 1 and squeeze(r[0]) in TOTAL_LABELS:
            words = [header_word(u[0]) for u in grid[:k] if u]
            if any(w is not None and w.role in ("code", "name") for w in words):
                grid[k] = ["", *r[1:]]
    levels = leading_levels(first_row.cells) if first_row is not None else None
    if levels:
        grid.append(levels)
    return grid


def _owners(grid: list[list[str]], width: int) -> list[list[int | None]]:
    """``owners[r][p]``: the position of the cell of header row ``r`` that spans position ``p``.

    A merged cell is printed once, at its left; it spans to the next filled cell of its row,
    never beyond the span of the cell above it. None: nothing of row ``r`` spans ``p`` (the
    cell above reaches down through it).

    >>> grid = [["合计", "", "因公出国（境）费", ""], ["预算数", "决算数", "预算数", "决算数"]]
    >>> _owners(grid, 4)
    [[0, 0, 2, 2], [0, 1, 2, 3]]
    """
    start, end = [0] * width, [width] * width  # the span of p's owner in the row above
    out = []
    for row in grid:
        cells = [(row[p] if p < len(row) else "").strip() for p in range(width)]
        owners: list[int | None] = [None] * width
        new_start, new_end = list(start), list(end)
        for p in range(width):
            q = p
            while q > start[p] and not cells[q]:
                q -= 1
            if not cells[q]:
                continue
            e = q + 1
            while e < end[p] and not cells[e]:
                e += 1
            owners[p] = q
            new_start[p], new_end[p] = q, e
        out.append(owners)
        start, end = new_start, new_end
    return out


def _word_at(cells: list[str]) -> tuple[HeaderWord | None, str]:
    """What the header cells stacked at one position name (top to bottom given).

    The lowest cell naming a column wins; else two or more stacked cells read together
    ("国有资本经" over "营收入预算"); else the lowest non-empty cell, unnamed.
    """
    for c in reversed(cells):
        w = header_word(c)
        if w and w.role != "group":
            return w, c
    filled = [c.strip() for c in cells if c.strip()]
    for a, b in itertools.combinations(range(len(filled) + 1), 2):
        if b - a >= 2:
            w = header_word("".join(filled[a:b]))
            if w and w.role != "group":
                return w, "".join(filled[a:b])
    return None, (filled[-1] if filled else "")


#: names that say "the amount" without saying of what: never the item a column belongs to
GENERIC_NAMES = frozenset({"金额", "合计", "小计"})
_MEASURE = re.compile(r"^(?:\d{4}年度?)?(预算数|决算数)$")


def _heading_above(grid: list[list[str]], owners: list[list[int | None]], p: int, row: int) -> str | None:
    """The nearest header cell above ``row`` that spans position ``p``."""
    for r in range(row - 1, -1, -1):
        q = owners[r][p]
        if q is not None:
            return grid[r][q]
    return None


def _item_name(cell: str) -> str | None:
    """What a heading over sub-columns names: a known column ("公务用车购置及运行费") or a
    group ("本年支出"), not a generic word (金额, 合计) nor a side (收入 / 支出)."""
    w = header_word(cell)
    if w is None or w.role not in ("amount", "group"):
        return None
    name = w.name if w.role == "amount" else squeeze(cell)
    if name in GENERIC_NAMES or name in SIDE_NAMES or name == "项目":
        return None
    return name


def _named_row(stack: list[str], raw: str) -> int:
    """The row of the header cell that named a column (the lowest one holding ``raw``)."""
    for r in range(len(stack) - 1, -1, -1):
        if stack[r].strip() == raw.strip() or squeeze(stack[r]) == squeeze(raw):
            return r
    return len(stack) - 1


def _columns(grid: list[list[str]]) -> list[Column]:
    width = max((max((i for i, c in enumerate(r) if c.strip()), default=-1) + 1 for r in grid), default=0)
    owners = _owners(grid, width)
    cols: list[Column] = []
    seen_amount = False
    for p in range(width):
        stack = [r[p] if p < len(r) else "" for r in grid]
        w, raw = _word_at(stack)
        if w is not None:
            cols.append(Column(p, w.name if w.role == "amount" else squeeze(raw), w.role))
            seen_amount = seen_amount or w.role == "amount"
        elif not seen_amount:
            cols.append(Column(p, squeeze(raw), "name"))
        else:
            cols.append(Column(p, squeeze(raw) or f"第{p + 1}列", "amount"))
    return _group_totals(cols, grid, owners)


def _group_totals(cols: list[Column], grid: list[list[str]], owners: list[list[int | None]]) -> list[Column]:
    """A 合计 / 小计 column under a heading that groups only some of the amount columns is that
    group's figure: 小计 under 公务用车购置及运行费 → "公务用车购置及运行费", under 本年支出 → "本年支出".
    A heading over all of them ("支出预算" over 合计 | 基本支出 | 项目支出) leaves 合计 alone, and so
    does a mere group heading over a 合计 (Shanxi's "本年收入" over 合计 … beside 上年结转)."""
    amounts = {c.pos for c in cols if c.role == "amount"}
    out = []
    for c in cols:
        if c.role == "amount" and c.name in ("合计", "小计"):
            stack = [r[c.pos] if c.pos < len(r) else "" for r in grid]
            _, raw = _word_at(stack)
            for r in range(_named_row(stack, raw) - 1, -1, -1):
                q = owners[r][c.pos]
                if q is None:
                    continue
                span = {p for p in range(len(owners[r])) if owners[r][p] == q}
                item = _item_name(grid[r][q])
                w = header_word(grid[r][q])
                if c.name == "合计" and (w is None or w.role != "amount"):
                    item = None
                if item and span < amounts:
                    c = Column(c.pos, item, c.role)
                break
        out.append(c)
    return out


def _distinct(cols: tuple[Column, ...], grid: list[list[str]]) -> tuple[Column, ...]:
    """Amount columns of one side that share a name, printed under different headings, get the
    heading's name in front: "预算数" under "因公出国（境）费" → "因公出国（境）费/预算数" (see
    the module docstring)."""
    owners = _owners(grid, max((len(r) for r in grid), default=0))
    count: dict[str, int] = {}
    for c in cols:
        if c.role == "amount":
            count[c.name] = count.get(c.name, 0) + 1
    if all(n == 1 for n in count.values()):
        return cols
    out = []
    for c in cols:
        if c.role != "amount" or count[c.name] == 1:
            out.append(c)
            continue
        stack = [r[c.pos] if c.pos < len(r) else "" for r in grid]
        _, raw = _word_at(stack)
        row = _named_row(stack, raw)
        m = _MEASURE.match(squeeze(raw))
        leaf = m.group(1) if m else c.name
        item = None
        for r in range(row - 1, -1, -1):  # the nearest heading that names an item; 小计 is its group's
            q = owners[r][c.pos]
            if q is None:
                continue
            w = header_word(grid[r][q])
            if w is not None and w.role == "amount" and w.name == "小计":
                continue
            item = (w.name if w is not None and w.role == "amount" else None) or _item_name(grid[r][q])
            if item:
                break
        out.append(Column(c.pos, f"{item}/{leaf}", c.role) if item else c)
    return tuple(out)


def _label_after_amount(cols: list[Column]) -> bool:
    return any(a.role == "amount" and b.role != "amount" for a, b in itertools.pairwise(cols))


def _sides(cols: list[Column], two_sided: bool, names: tuple[str, str] = SIDE_NAMES) -> tuple[Side, ...]:
    """Cut the columns into sides: a label column after an amount column starts the next side."""
    cuts = [0]
    if two_sided:
        for a, b in zip(cols, cols[1:]):
            if a.role == "amount" and b.role != "amount":
                cuts.append(b.pos)
                break
    cuts.append(len(cols))
    sides = []
    for n, (a, b) in enumerate(zip(cuts, cuts[1:])):
        part = cols[a:b]
        first_amount = next((i for i, c in enumerate(part) if c.role == "amount"), len(part))
        labels = tuple(part[:first_amount])
        amounts = tuple(Column(c.pos, c.name, "amount") for c in part[first_amount:])
        name = names[n] if len(cuts) > 2 and n < 2 else None
        sides.append(Side(name, a, labels, amounts))
    return tuple(sides)


def layout(table: Table) -> Layout:
    """The columns of a table, from its header, else the kind's default header."""
    two = table.kind in TWO_SIDED
    grid = _header_grid(table.header, table.rows[0] if table.rows else None)
    cols = _columns(grid)
    if any(c.role == "amount" for c in cols):
        if table.kind in SPLIT_SIDES and _label_after_amount(cols):
            sides = _sides(cols, True, SPLIT_SIDES[table.kind])
        else:
            sides = _sides(cols, two)
        sides = tuple(replace(s, amounts=_distinct(s.amounts, grid)) for s in sides)
        return Layout(len(cols), sides, "header")
    default = DEFAULT_HEADERS.get(table.kind)
    if default is None:
        return Layout(len(cols), _sides(cols, False), "header")
    cols = _columns([list(default)])
    return Layout(len(cols), _sides(cols, two), "default")


# ---------------------------------------------------------------- cells


@lru_cache(maxsize=16384)  # asked of every cell of every row
def _is_blank(cell: str) -> bool:
    """No figure and no word: "", "·", "—", ":"."""
    return not _WORD_CHAR.search(cell)


@lru_cache(maxsize=16384)  # asked of every cell of every row
def _is_text(cell: str) -> bool:
    """A word that is not a figure (a label, or OCR residue with letters)."""
    return parse_amount(cell) is None and bool(_WORD.search(cell))


def _is_label_figure(cell: str, code_column: bool, first_code: bool = True) -> bool:
    """A figure sitting where a label should be (digits in a code column are a code: "201", "05",
    and in a 款 / 项 column also "2", printed without its leading zero)."""
    if parse_amount(cell) is None:
        return False
    return not (code_column and re.fullmatch(r"\d{2,7}" if first_code else r"\d{1,7}", cell.strip()))


_TWO_AMOUNTS = re.compile(r"^(?:-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+\.\d+)(?:\s+(?:-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+\.\d+))+$")


def split_joined(cells: list[str]) -> list[str]:
    """Cells holding two or more figures side by side (two ruled cells the PDF reader read as
    one) → one cell per figure. Only well-formed figures (thousands separators or decimals)
    are split; "3334. 01" and "7, 258, 000" are one figure each.

    >>> split_joined(["合计", "156,211,123 156,211,123", "0"])
    ['合计', '156,211,123', '156,211,123', '0']
    >>> split_joined(["7, 258, 000", "12 34"])
    ['7, 258, 000', '12 34']
    """
    out: list[str] = []
    for c in cells:
        if _TWO_AMOUNTS.match(c.strip()):
            out.extend(c.split())
        else:
            out.append(c)
    return out


# ---------------------------------------------------------------- placing a row's figures


def _quantum(values: list[Decimal]) -> Decimal:
    exp = min((v.as_tuple().exponent for v in values), default=0)
    return Decimal(1).scaleb(min(int(exp), 0))


def arithmetic(cells: list[str], cols: tuple[Column, ...]) -> int | None:
    """Whether 合计 (小计) equals the sum of the other amount columns: 1 holds, 0 fails,
    None cannot be checked (no total column, total blank, or nothing beside it).

    Rounding in the printed figures is tolerated (one unit of the last decimal per part).

    >>> cols = (Column(2, "合计", "amount"), Column(3, "基本支出", "amount"), Column(4, "项目支出", "amount"))
    >>> arithmetic(["1101.04", "221.48", "879.56"], cols), arithmetic(["118.00", "118.00", ""], cols)
    (1, 1)
    >>> arithmetic(["", "118.00", ""], cols) is None, arithmetic(["9.00", "1.00", ""], cols)
    (True, 0)
    """
    if len(cols) < 2 or cols[0].name not in TOTAL_COLUMNS:
        return None
    total = parse_amount(cells[0])
    parts = [(c.name, parse_amount(x)) for c, x in zip(cols[1:], cells[1:])]
    present = [(n, v) for n, v in parts if v is not None]
    if total is None or not present:
        return None
    tol = _quantum([total] + [v for _, v in present]) * len(present)
    sums = {sum((v for _, v in present), Decimal(0)),
            sum((v for n, v in present if n not in OPTIONAL_PARTS), Decimal(0))}
    return int(any(abs(total - s) <= tol for s in sums))


def place(values: list[str], cols: tuple[Column, ...]) -> tuple[list[str], str]:
    """Put a side's amount cells under its amount columns; returns the cells and how.

    Equal counts: as printed. Too many: surplus blank cells dropped (end first). Too few: the
    missing blanks are inserted where 合计 = sum of the parts holds, else where 合计 gets a
    figure, else keeping a filled last cell in the last column, else after the cells
    (left-aligned). Order is kept.

    Seed 002's 预算收入总表 prints 7 amount columns but rows with 5 cells:

    >>> names = ["合计", "一般公共预算", "政府性基金预算", "国有资本经营预算", "财政专户管理资金", "单位资金", "上年结转"]
    >>> cols = tuple(Column(i + 2, n, "amount") for i, n in enumerate(names))
    >>> place(["3000.00", "", "3000.00", "", ""], cols)
    (['3000.00', '', '3000.00', '', '', '', ''], 'missing cells: 2 blank(s) inserted (合计 = sum of parts)')
    >>> place(["", "", "", "", "714.01"], cols)
    (['', '', '', '', '', '', '714.01'], 'missing cells: 2 blank(s) inserted (last cell kept in the last column)')
    """
    k = len(cols)
    vals = list(values)
    if len(vals) == k:
        return vals, "as printed"
    if len(vals) > k:
        while len(vals) > k and _is_blank(vals[-1]):
            vals.pop()
        how = "as printed; trailing blank cells ignored"
        while len(vals) > k and _is_blank(vals[0]):
            vals.pop(0)
            how = "surplus blank cells dropped at the start"
        if len(vals) > k:
            windows = [vals[i : i + k] for i in range(len(vals) - k + 1)]
            best = max(range(len(windows)), key=lambda i: (arithmetic(windows[i], cols) or 0, -i))
            dropped = [v for i, v in enumerate(vals) if not best <= i < best + k and not _is_blank(v)]
            return windows[best], f"surplus cells; kept {best + 1}..{best + k}, dropped {dropped}"
        return vals, how
    missing = k - len(vals)
    if not vals or all(_is_blank(v) for v in vals):
        return vals + [""] * missing, "missing cells: nothing to place"
    last_filled = not _is_blank(vals[-1])
    options = []
    for n, blanks in enumerate(itertools.combinations(range(k), missing)):
        if n >= MAX_PLACEMENTS:
            break
        it = iter(vals)
        cand = ["" if i in blanks else next(it) for i in range(k)]
        edge = (not _is_blank(cand[-1])) if last_filled else (cand[: len(vals)] == vals)
        arith = arithmetic(cand, cols)
        total = cols[0].name in TOTAL_COLUMNS and not _is_blank(cand[0])
        options.append(((arith if arith is not None else 0.5), total, edge, sum(blanks), cand))
    arith, total, edge, _, cand = max(options, key=lambda o: o[:4])
    why = ("合计 = sum of parts" if arith == 1 else
           "合计 filled" if total else
           "last cell kept in the last column" if edge and last_filled else
           "left-aligned" if edge else "best guess")
    return cand, f"missing cells: {missing} blank(s) inserted ({why})"


# ---------------------------------------------------------------- reading a row


@dataclass
class SideReading:
    """One side of one data row as read."""

    side: Side
    code: str | None
    name: str
    gov_name: str | None
    values: list[tuple[Column, str]]  # amount column → placed cell
    how: str


@dataclass
class RowReading:
    row: Line
    row_index: int  # 1-based among the table's data rows
    sides: list[SideReading] = field(default_factory=list)


def _split_sides(cells: list[str], lay: Layout) -> list[tuple[Side, list[str]]]:
    """The row's cells for each side: the second side starts at its first label cell nearest
    to where the header puts it (cells shift when OCR drops one)."""
    if len(lay.sides) == 1:
        return [(lay.sides[0], cells)]
    s1, s2 = lay.sides[0], lay.sides[1]
    code_col = any(c.role == "code" for c in s2.labels)

    def labelish(c: str) -> bool:
        return _is_text(c) or (code_col and is_code(c))

    first = max(1, len(s1.labels))  # the first side keeps its label cells
    starts = [i for i in range(first, len(cells)) if labelish(cells[i]) and not labelish(cells[i - 1])]
    near = [i for i in starts if abs(i - s2.start) <= 2]
    cut = min(near, key=lambda i: (abs(i - s2.start), i)) if near else s2.start
    return [(s1, cells[:cut]), (s2, cells[cut:])]


def _inherited_code(cells: list[str], roles: list[str], prev: str | None) -> str | None:
    """A code whose 类 cell is left blank ("" | "05" | "07" under a "201" row): the 类 (and
    款) of the previous coded row in front of the printed 款 / 项."""
    pos = [i for i, r in enumerate(roles) if r == "code" and i < len(cells)]
    if len(pos) < 2 or not prev or len(prev) < 3 or cells[pos[0]].strip():
        return None
    parts = [cells[i].strip() for i in pos[1:3]]
    if not all(re.fullmatch(r"\d{0,2}", x) for x in parts) or not any(parts):
        return None
    kuan = parts[0].zfill(2) if parts[0] else (prev[3:5] if len(prev) >= 5 else "")
    xiang = parts[1].zfill(2) if len(parts) > 1 and parts[1] else ""
    if not kuan:
        return None
    return prev[:3] + kuan + xiang


def _labels(
    cells: list[str], side: Side, aligned: bool, prev_code: str | None = None
) -> tuple[str | None, str, str | None]:
    """Code, name and 政府预算支出经济科目名称 from a side's label cells.

    A code printed in 类 | 款 | 项 cells is joined ("201 | 06 | 01" → "2010601"), a 款 or 项
    printed without its leading zero padded ("301 | 2" → "30102"), a blank 类 taken from the
    previous coded row (``prev_code``); "类 | 款 | 项" header words in a data row are no label.
    """
    roles = [c.role for c in side.labels]
    code_parts: list[str] = []
    texts: list[str] = []
    gov = None
    inherited = _inherited_code(cells, roles, prev_code) if aligned else None
    for i, cell in enumerate(cells):
        c = cell.strip()
        if _is_blank(c) or c in LEVEL_WORDS:
            continue
        in_code = aligned and i < len(roles) and roles[i] == "code"
        if inherited and in_code:
            continue
        if is_code(c) and not texts:
            code_parts.append(re.sub(r"\s", "", c))
        elif code_parts and re.fullmatch(r"\d{2}", c) and not texts:  # Shanghai "201 | 05 | 07"
            code_parts.append(c)
        elif code_parts and in_code and re.fullmatch(r"\d", c) and not texts:  # "301 | 2 | 津贴补贴"
            code_parts.append(c.zfill(2))
        elif aligned and i < len(roles) and roles[i] == "gov_econ":
            gov = clean_name(c)
        else:
            texts.append(clean_name(c))
    if gov is None and "gov_econ" in roles and len(texts) == 2:
        gov = texts.pop()
    return (inherited or "".join(code_parts) or None), " ".join(texts), gov


def _read_side(cells: list[str], side: Side, prev_code: str | None = None) -> SideReading:
    n = len(side.labels)
    code_col = any(c.role == "code" for c in side.labels)
    first_code = next((i for i, c in enumerate(side.labels) if c.role == "code"), None)
    labels, vals = cells[:n], cells[n:]
    how = []
    texts = [i for i, c in enumerate(cells) if _is_text(c)]
    if texts and texts[-1] >= n:
        labels, vals = cells[: texts[-1] + 1], cells[texts[-1] + 1 :]
        how.append(f"label runs into column {n + 1}")
    else:
        roles = [c.role for c in side.labels]
        figs = [i for i, c in enumerate(labels)
                if _is_label_figure(c, code_col and roles[i] == "code", i == first_code)]
        if figs:
            labels, vals = cells[: figs[0]], cells[figs[0] :]
            how.append("figures start in a label column")
    placed, how_placed = place(vals, side.amounts)
    how.append(how_placed)
    code, name, gov = _labels(labels, side, aligned=len(labels) == n, prev_code=prev_code)
    return SideReading(side, code, name, gov, list(zip(side.amounts, placed)), "; ".join(how))


def read_row(row: Line, row_index: int, lay: Layout, prev_codes: dict[int, str] | None = None) -> RowReading:
    """One data row; ``prev_codes`` (side number → last code read on that side) lets a row with
    a blank 类 cell inherit it, and is updated."""
    reading = RowReading(row, row_index)
    prev_codes = {} if prev_codes is None else prev_codes
    for n, (side, cells) in enumerate(_split_sides(split_joined(list(row.cells)), lay)):
        sr = _read_side(cells, side, prev_codes.get(n))
        if sr.code:
            prev_codes[n] = sr.code
        reading.sides.append(sr)
    return reading


def read_table(table: Table) -> tuple[Layout, list[RowReading]]:
    """The layout of a table and the reading of each of its data rows."""
    lay = layout(table)
    prev: dict[int, str] = {}
    readings = [read_row(r, i, lay, prev) for i, r in enumerate(table.rows, start=1)]
    _infer_total_label(readings)
    return lay, readings


def _infer_total_label(readings: list[RowReading]) -> None:
    """An unlabelled first row whose every figure equals the sum of the 类 (3-digit) rows is
    the 合计 row whose label OCR lost."""
    if not readings:
        return
    for n, first in enumerate(readings[0].sides):
        if first.name or first.code or not any(parse_amount(v) is not None for _, v in first.values):
            continue
        top = [r.sides[n] for r in readings[1:] if len(r.sides) > n and r.sides[n].code and len(r.sides[n].code) == 3]
        if not top:
            continue
        ok = True
        for col, v in first.values:
            a = parse_amount(v)
            if a is None:
                continue
            parts = [parse_amount(dict((c.pos, x) for c, x in s.values).get(col.pos, "")) for s in top]
            if sum((p for p in parts if p is not None), Decimal(0)) != a:
                ok = False
        if ok:
            first.name = "合计"
            first.how += "; label 合计 inferred (figures = sum of 类 rows)"


# ---------------------------------------------------------------- budget lines


def scheme_of(code: str | None) -> str | None:
    """Which classification a printed code belongs to.

    >>> scheme_of("2010350"), scheme_of("1030148"), scheme_of("30101"), scheme_of(None)
    ('functional', 'income', 'economic', None)
    """
    if not code or len(code) not in (3, 5, 7):
        return None
    if code[0] == "2":
        return "functional"
    if code[0] == "1":
        return "income"
    if code[0] in "35" and len(code) in (3, 5):
        return "economic"
    return None


def _economic_code(name: str) -> str | None:
    """The 部门预算支出经济分类 code of a name, via kg.codelists when it is available."""
    try:
        from kg.codelists import economic_code  # type: ignore[attr-defined]
    except ImportError:
        return None
    return economic_code(name)


def budget_lines(tables: list[Table], file: str) -> list[BudgetLine]:
    """One ``BudgetLine`` per non-blank amount cell of every budget table (not project tables).

    Amounts are exact yuan (``to_yuan(parse_amount(cell), table.money_unit)``); ``row_index``
    is 1-based among the table's data rows, ``column_index`` the 1-based grid position of the
    column in the header.
    """
    out: list[BudgetLine] = []
    for table in tables:
        if table.kind not in KINDS:
            continue
        _, readings = read_table(table)
        for reading in readings:
            for sr in reading.sides:
                code, scheme = sr.code, scheme_of(sr.code)
                if code is None and table.kind == "basic_economic" and sr.name:
                    code = _economic_code(sr.name)
                    scheme = "economic" if code else None
                for col, cell in sr.values:
                    amount = parse_amount(cell)
                    if amount is None:
                        continue
                    conf, alts = (reading.row.ocr or {}).get(cell, (None, ()))
                    others = tuple(to_yuan(a, table.money_unit) for a in map(parse_amount, alts) if a is not None)
                    span = reading.row.span(file)
                    if conf is not None:
                        span = replace(span, confidence=conf)
                    out.append(
                        BudgetLine(
                            table_title=table.title,
                            table_kind=table.kind,
                            table_index=table.index,
                            row_label=sr.name,
                            column=col.name,
                            amount=to_yuan(amount, table.money_unit),
                            span=span,
                            code=code,
                            scheme=scheme,
                            side=sr.side.name,
                            is_total=squeeze(sr.name) in TOTAL_LABELS,
                            gov_economic_name=sr.gov_name,
                            row_index=reading.row_index,
                            column_index=col.pos + 1,
                            readings=others,
                        )
                    )
    return out


def explain(table: Table) -> str:
    """A debug view of how a table was read: its columns, then each row's labels, placed
    figures and the placement decision."""
    lay, readings = read_table(table)
    out = [f"{table.index} {table.kind} {table.title} [{table.money_unit}] columns from {lay.source}:"]
    for s in lay.sides:
        out.append(f"  side {s.name or '-'}: labels {[c.name for c in s.labels]} amounts {[c.name for c in s.amounts]}")
    for r in readings:
        for sr in r.sides:
            figs = ", ".join(f"{c.name}={v}" for c, v in sr.values if parse_amount(v) is not None)
            gov = f" / {sr.gov_name}" if sr.gov_name else ""
            where = f"line {r.row.no} row {r.row_index} {sr.side.name or ''} {sr.code or ''}"
            out.append(f"  {where} {sr.name!r}{gov}: {figs}  ({sr.how})")
    return "\n".join(out)
