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
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal

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


def _header_grid(header: list[Line]) -> list[list[str]]:
    """Header lines as rows of cells, the column-number line ("1 2 3 …") left out."""
    return [ln.cells for ln in header if not is_column_numbers(ln)]


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


def _columns(grid: list[list[str]]) -> list[Column]:
    width = max((max((i for i, c in enumerate(r) if c.strip()), default=-1) + 1 for r in grid), default=0)
    cols: list[Column] = []
    seen_amount = False
    for p in range(width):
        w, raw = _word_at([r[p] if p < len(r) else "" for r in grid])
        if w is not None:
            cols.append(Column(p, w.name if w.role == "amount" else squeeze(raw), w.role))
            seen_amount = seen_amount or w.role == "amount"
        elif not seen_amount:
            cols.append(Column(p, squeeze(raw), "name"))
        else:
            cols.append(Column(p, squeeze(raw) or f"第{p + 1}列", "amount"))
    return cols


def _sides(cols: list[Column], two_sided: bool) -> tuple[Side, ...]:
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
        name = SIDE_NAMES[n] if len(cuts) > 2 and n < 2 else None
        sides.append(Side(name, a, labels, amounts))
    return tuple(sides)


def layout(table: Table) -> Layout:
    """The columns of a table, from its header, else the kind's default header."""
    two = table.kind in TWO_SIDED
    cols = _columns(_header_grid(table.header))
    if any(c.role == "amount" for c in cols):
        return Layout(len(cols), _sides(cols, two), "header")
    default = DEFAULT_HEADERS.get(table.kind)
    if default is None:
        return Layout(len(cols), _sides(cols, False), "header")
    cols = _columns([list(default)])
    return Layout(len(cols), _sides(cols, two), "default")


# ---------------------------------------------------------------- cells


def _is_blank(cell: str) -> bool:
    """No figure and no word: "", "·", "—", ":"."""
    return not re.search(r"\w", cell)


def _is_text(cell: str) -> bool:
    """A word that is not a figure (a label, or OCR residue with letters)."""
    return parse_amount(cell) is None and bool(_WORD.search(cell))


def _is_label_figure(cell: str, code_column: bool) -> bool:
    """A figure sitting where a label should be (digits in a code column are a code: "201", "05")."""
    if parse_amount(cell) is None:
        return False
    return not (code_column and re.fullmatch(r"\d{2,7}", cell.strip()))


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


def _labels(cells: list[str], side: Side, aligned: bool) -> tuple[str | None, str, str | None]:
    """Code, name and 政府预算支出经济科目名称 from a side's label cells."""
    roles = [c.role for c in side.labels]
    code_parts: list[str] = []
    texts: list[str] = []
    gov = None
    for i, cell in enumerate(cells):
        c = cell.strip()
        if _is_blank(c):
            continue
        if is_code(c) and not texts:
            code_parts.append(re.sub(r"\s", "", c))
        elif code_parts and re.fullmatch(r"\d{2}", c) and not texts:  # Shanghai "201 | 05 | 07"
            code_parts.append(c)
        elif aligned and i < len(roles) and roles[i] == "gov_econ":
            gov = clean_name(c)
        else:
            texts.append(clean_name(c))
    if gov is None and "gov_econ" in roles and len(texts) == 2:
        gov = texts.pop()
    return ("".join(code_parts) or None), " ".join(texts), gov


def _read_side(cells: list[str], side: Side) -> SideReading:
    n = len(side.labels)
    code_col = any(c.role == "code" for c in side.labels)
    labels, vals = cells[:n], cells[n:]
    how = []
    texts = [i for i, c in enumerate(cells) if _is_text(c)]
    if texts and texts[-1] >= n:
        labels, vals = cells[: texts[-1] + 1], cells[texts[-1] + 1 :]
        how.append(f"label runs into column {n + 1}")
    else:
        roles = [c.role for c in side.labels]
        figs = [i for i, c in enumerate(labels) if _is_label_figure(c, code_col and roles[i] == "code")]
        if figs:
            labels, vals = cells[: figs[0]], cells[figs[0] :]
            how.append("figures start in a label column")
    placed, how_placed = place(vals, side.amounts)
    how.append(how_placed)
    code, name, gov = _labels(labels, side, aligned=len(labels) == n)
    return SideReading(side, code, name, gov, list(zip(side.amounts, placed)), "; ".join(how))


def read_row(row: Line, row_index: int, lay: Layout) -> RowReading:
    reading = RowReading(row, row_index)
    for side, cells in _split_sides(list(row.cells), lay):
        reading.sides.append(_read_side(cells, side))
    return reading


def read_table(table: Table) -> tuple[Layout, list[RowReading]]:
    """The layout of a table and the reading of each of its data rows."""
    lay = layout(table)
    readings = [read_row(r, i, lay) for i, r in enumerate(table.rows, start=1)]
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
                    out.append(
                        BudgetLine(
                            table_title=table.title,
                            table_kind=table.kind,
                            table_index=table.index,
                            row_label=sr.name,
                            column=col.name,
                            amount=to_yuan(amount, table.money_unit),
                            span=reading.row.span(file),
                            code=code,
                            scheme=scheme,
                            side=sr.side.name,
                            is_total=squeeze(sr.name) in TOTAL_LABELS,
                            gov_economic_name=sr.gov_name,
                            row_index=reading.row_index,
                            column_index=col.pos + 1,
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
