"""Table arithmetic: every budget table's sums are checked, and a row that fails is a ``Finding``.

A failing sum is either a disagreement printed in the document or a cell the extraction put in
the wrong row or column, so the checks also catch extraction mistakes. Three rules, one small
function each, each with a stable check id:

- ``table-children-sum`` (:func:`children_sum`): a classification parent equals the sum of its
  children listed in the same table, per column. Functional 类 (3 digits) → 款 (5) → 项 (7),
  economic 类 (3) → 款 (5), income codes alike; a child is the nearest listed descendant (a
  table that skips the 款 level sums the 项 rows). In the 三公 table the ①② sub-items sum to
  the row above them (公务用车购置及运行费 = ①购置费 + ②运行维护费).
- ``table-basic-plus-project`` (:func:`column_split`): per row, 合计 (小计) = the sum of the
  columns the header splits it into: 基本支出 + 项目支出, 人员经费 + 公用经费 (basic economic
  table), 当年预算安排 + 上年结转安排 (收支总表), 一般公共预算 + 政府性基金预算 + 国有资本经营预算
  (财政拨款收支总表, 三公, 机关运行经费), the budget types of the 收入总表 (where 合计 may
  also leave 上年结转 out).
- ``table-total-row`` (:func:`total_rows`): a total row (合计, 本年收入合计, 部门合计 …) equals the
  sum of the top-level rows per column: the rows whose code has no ancestor listed (类 rows),
  or in tables without codes the rows "一、… 二、…" (收支总表) or all rows but ①② sub-items;
  a 总计 row equals the 本年…合计 row plus the rows beside the numbered ones (上年结转, 年终结转).

What is compared: only printed figures. A blank cell is no figure: a blank parent or total is
never compared (OCR loses cells), blank children count as zero. A parent code printed on two
rows, a coded table with uncoded rows (their level is unknown) and a side with two kinds of
total column (合计 over 小计) are left alone rather than guessed at.

Tolerance: each printed figure is rounded to its last place (0.01 万元 = 100 元 in a 万元 table,
1 元 in a 元 table), so it is off by at most half that unit; a sum of ``n`` printed figures
compared with one printed figure can therefore differ by up to ``(n + 1)`` half-units from
rounding alone, and no more. That bound is the tolerance (:func:`tolerance`): a difference up to
it, even non-zero, is not a finding. A whole unit per figure would tolerate twice what rounding
can explain; less would flag honest rounding (seed 000 prints 288.66 + 15.79 = 304.44 万元).

>>> from kg.model import Line, Span
>>> t = Table("2025年预算支出总表", "expenditure", Line(1, "", []), money_unit="万元", index=3)
>>> def bl(row, code, column, yuan):
...     return BudgetLine(t.title, t.kind, 3, "合计" if code is None else code, column, Decimal(yuan),
...                       Span("x.txt", row), code=code, scheme="functional", is_total=code is None, row_index=row)
>>> lines = [bl(1, None, "合计", 30000), bl(2, "201", "合计", 30000), bl(3, "20103", "合计", 18000),
...          bl(4, "20105", "合计", 11800)]  # 201 = 3.00 万元, its children 1.80 + 1.18 万元
>>> [(f.check_id, f.expected, f.actual, f.lines) for f in arithmetic_findings(lines, [t])]
[('table-children-sum', Decimal('29800'), Decimal('30000'), (1,))]
>>> lines[3].amount = Decimal(11900)  # 0.01 万元 off: rounding of three printed figures explains it
>>> arithmetic_findings(lines, [t])
[]
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from kg.extract.budget_lines import OPTIONAL_PARTS, TOTAL_COLUMNS
from kg.model import BudgetLine, Finding, Table
from kg.money import fmt_yuan

CHILDREN_SUM = "table-children-sum"
COLUMN_SPLIT = "table-basic-plus-project"
TOTAL_ROW = "table-total-row"
CHECK_IDS = (CHILDREN_SUM, COLUMN_SPLIT, TOTAL_ROW)
SEVERITY = "warning"

#: the last printed place of a figure, in yuan, by the table's money unit (None: 元, as kg.money)
PRINTED_UNIT = {"万元": Decimal(100), "元": Decimal(1)}
#: columns a 合计 (小计) is split into, when the header prints them beside it
PART_COLUMNS = frozenset({
    "基本支出", "项目支出", "人员经费", "公用经费", "当年预算安排", "上年结转安排",
    "一般公共预算", "政府性基金预算", "国有资本经营预算", "财政专户管理资金", "单位资金", "上年结转",
    "财政拨款收入", "事业收入", "事业单位经营收入", "其他收入",
})

_NUMBERED = re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.．]")  # "一、一般公共预算"
_SUBITEM = re.compile(r"^\s*(?:[①-⑳]|[(（]\d{1,2}[)）]|\d{1,2}\s*[.．、](?!\d))")  # "①公务用车购置费", "1. 一般公共预算资金"


def tolerance(money_unit: str | None, summed: int) -> Decimal:
    """The largest difference rounding explains: half a printed unit for each of the ``summed``
    figures and for the printed figure they are compared with.

    >>> tolerance("万元", 1), tolerance("万元", 2), tolerance("元", 3), tolerance(None, 0)
    (Decimal('100'), Decimal('150'), Decimal('2'), Decimal('0.5'))
    """
    return PRINTED_UNIT.get(money_unit or "元", Decimal(1)) * (summed + 1) / 2


# ---------------------------------------------------------------- rows of a table side


@dataclass
class Row:
    """One data row of one side of a table, as its budget lines give it."""

    index: int  # BudgetLine.row_index: 1-based among the table's data rows
    label: str
    code: str | None
    total: bool
    cells: dict[str, int] = field(default_factory=dict)  # column → index into the lines


@dataclass
class Block:
    """One side of one table (the whole table when it has one side), its rows in order."""

    table: Table
    side: str | None
    rows: list[Row]


def blocks(lines: list[BudgetLine], tables: list[Table]) -> list[Block]:
    """The lines grouped by table, side and row. Lines of no table in ``tables`` (figures the
    narrative states, 政府采购) are left out."""
    by_index = {t.index: t for t in tables}
    grouped: dict[tuple[int, str | None], dict[int, Row]] = {}
    for i, ln in enumerate(lines):
        if ln.table_index not in by_index:
            continue
        rows = grouped.setdefault((ln.table_index, ln.side), {})
        row = rows.setdefault(ln.row_index, Row(ln.row_index, ln.row_label, ln.code, ln.is_total))
        row.cells.setdefault(ln.column, i)
    return [
        Block(by_index[t], side, [rows[k] for k in sorted(rows)])
        for (t, side), rows in sorted(grouped.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))
    ]


# ---------------------------------------------------------------- comparing


def _name(row: Row) -> str:
    return f"'{row.label}'" + (f" ({row.code})" if row.code else "")


def _compare(
    check: str, block: Block, row: Row, column: str, summed: list[int], lines: list[BudgetLine],
    what: str, concerned: tuple[int, ...] | None = None, alternatives: tuple[list[int], ...] = (),
) -> Finding | None:
    """A finding when the printed figure of ``row`` in ``column`` differs from the sum of the
    ``summed`` lines by more than :func:`tolerance` (and from every alternative sum too)."""
    i = row.cells[column]
    actual = lines[i].amount
    expected = sum((lines[j].amount for j in summed), Decimal(0))
    tol = tolerance(block.table.money_unit, len(summed))
    if abs(actual - expected) <= tol:
        return None
    for alt in alternatives:
        if abs(actual - sum((lines[j].amount for j in alt), Decimal(0))) <= tolerance(block.table.money_unit, len(alt)):
            return None
    side = f" ({block.side}方)" if block.side else ""
    return Finding(
        check_id=check, severity=SEVERITY,
        message=(
            f"{block.table.title}: row {_name(row)}{side}, column {column}: printed {fmt_yuan(actual)} 元, "
            f"{what} {fmt_yuan(expected)} 元 (difference {fmt_yuan(actual - expected)} 元, "
            f"tolerance {fmt_yuan(tol)} 元)"
        ),
        span=lines[i].span, expected=expected, actual=actual, lines=concerned or (i,),
    )


def _rows_named(rows: list[Row]) -> str:
    names = [r.code or r.label for r in rows]
    return " + ".join(names) if len(names) <= 4 else f"the {len(names)} rows"


# ---------------------------------------------------------------- rule 1: children sum to their parent


def _ancestors(code: str) -> list[str]:
    """Its possible ancestors, nearest first: "2010350" → ["20103", "201"]."""
    return [code[:k] for k in (5, 3) if k < len(code)]


def _sub_item_parents(table: Table) -> dict[int, int]:
    """Row index of a ①② sub-item → row index of the row above it that it belongs to
    (read from the table's rows, so blank rows count)."""
    out: dict[int, int] = {}
    last = None
    for k, ln in enumerate(table.rows, start=1):
        first = ln.tokens[0] if ln.tokens else ""
        if _SUBITEM.match(first):
            if last is not None:
                out[k] = last
        elif first:
            last = k
    return out


def _nearest(code: str, listed) -> str | None:
    """The nearest ancestor of a code among the ``listed`` codes."""
    return next((a for a in _ancestors(code) if a in listed), None)


def _families(block: Block) -> Iterator[tuple[Row, list[Row], str]]:
    """(parent, its children listed in the table, what they are) for one side of a table."""
    coded = [r for r in block.rows if r.code and not r.total]
    count = Counter(r.code for r in coded)
    nearest = [_nearest(r.code or "", count) for r in coded]  # each row's parent code, found once
    for parent in coded:
        if count[parent.code] > 1:
            continue  # printed twice: which one the children belong to is unknown
        kids = [r for r, up in zip(coded, nearest) if up == parent.code]
        if kids:
            yield parent, kids, "sum of the rows under it"
    if block.side is None:
        by_index = {r.index: r for r in block.rows}
        groups: dict[int, list[Row]] = {}
        for k, p in _sub_item_parents(block.table).items():
            if k in by_index:
                groups.setdefault(p, []).append(by_index[k])
        for p, kids in groups.items():
            if p in by_index:
                yield by_index[p], kids, "sum of its sub-items"


def _each_column(check: str, block: Block, plans, lines: list[BudgetLine]) -> list[Finding]:
    """For each (row, the rows that should add up to it, what they are): compare per column."""
    out = []
    for row, parts, what in plans:
        for column in row.cells:
            summed = [p.cells[column] for p in parts if column in p.cells]
            f = _compare(check, block, row, column, summed, lines, f"{what} ({_rows_named(parts)})")
            if f:
                out.append(f)
    return out


def children_sum(block: Block, lines: list[BudgetLine]) -> list[Finding]:
    """``table-children-sum``: a parent row equals the sum of its children, per column.

    Only parents whose children the table lists are compared; a blank child is zero.
    """
    return _each_column(CHILDREN_SUM, block, _families(block), lines)


# ---------------------------------------------------------------- rule 2: 合计 = the columns it splits into


def column_split(block: Block, lines: list[BudgetLine]) -> list[Finding]:
    """``table-basic-plus-project``: per row, 合计 (小计) = the sum of the part columns beside it
    (基本支出 + 项目支出, 人员经费 + 公用经费 …). Rows with no part figure are not compared;
    a side that prints both 合计 and 小计 (nested groups) is left alone."""
    totals = {c for r in block.rows for c in r.cells if c in TOTAL_COLUMNS}
    if len(totals) != 1:
        return []
    (total,) = totals
    out = []
    for row in block.rows:
        parts = [c for c in row.cells if c in PART_COLUMNS]
        if total not in row.cells or not parts:
            continue
        summed = [row.cells[c] for c in parts]
        alt = [row.cells[c] for c in parts if c not in OPTIONAL_PARTS]
        f = _compare(
            COLUMN_SPLIT, block, row, total, summed, lines, f"sum of {' + '.join(parts)}",
            concerned=(row.cells[total], *summed), alternatives=((alt,) if len(alt) < len(summed) else ()),
        )
        if f:
            out.append(f)
    return out


# ---------------------------------------------------------------- rule 3: total rows


def _levels(block: Block) -> tuple[str, list[Row], list[Row]] | None:
    """How the side is laid out, the rows a 合计 row sums and the rows a 总计 row adds to it.

    ``coded``: the rows whose code has no ancestor listed (None when some row has no code:
    its level is unknown). ``numbered`` (收支总表): the rows "一、…" once each (the 财政拨款收支总表
    repeats 一、一般公共预算 … under 上年结转), then the others (上年结转, 年终结转) but sub-items
    ("1. 一般公共预算资金" under "一、财政拨款收入").
    ``plain`` (三公, 机关运行经费): every row but ①② sub-items.
    """
    body = [r for r in block.rows if not r.total]
    if any(r.code for r in body):
        if not all(r.code for r in body):
            return None
        codes = {r.code for r in body}
        return "coded", [r for r in body if _nearest(r.code or "", codes) is None], []
    numbered = [r for r in body if _NUMBERED.match(r.label)]
    if not numbered:
        return "plain", [r for r in body if not _SUBITEM.match(r.label)], []
    seen: set[str] = set()
    top = []
    for r in numbered:
        key = _NUMBERED.sub("", r.label)
        if key not in seen:
            seen.add(key)
            top.append(r)
    return "numbered", top, [r for r in body if not _NUMBERED.match(r.label) and not _SUBITEM.match(r.label)]


def _total_plans(block: Block) -> list[tuple[Row, list[Row], str]]:
    """(total row, the rows it sums, what they are) for one side of a table."""
    totals = [r for r in block.rows if r.total]
    levels = _levels(block) if totals else None
    if levels is None:
        return []
    layout, top, extra = levels
    if layout == "coded":
        return [(t, top, "sum of the top-level rows") for t in totals]
    if layout == "plain":  # several total rows without codes or numbering: which sums which is unknown
        return [(totals[0], top, "sum of the rows it totals")] if len(totals) == 1 else []
    subtotals = [t for t in totals if "总计" not in t.label]
    plans = [(t, top, "sum of the numbered rows") for t in subtotals]
    for g in (t for t in totals if "总计" in t.label):
        if len(subtotals) == 1:
            plans.append((g, [subtotals[0], *extra], "本年合计 plus the rows beside it"))
        elif not subtotals:
            plans.append((g, top + extra, "sum of the rows it totals"))
    return plans


def total_rows(block: Block, lines: list[BudgetLine]) -> list[Finding]:
    """``table-total-row``: a total row equals the sum of the top-level rows, per column
    (a 总计 row: the 本年…合计 row plus 上年结转 / 年终结转)."""
    return _each_column(TOTAL_ROW, block, _total_plans(block), lines)


# ---------------------------------------------------------------- all rules

CHECKS: tuple[Callable[[Block, list[BudgetLine]], list[Finding]], ...] = (children_sum, column_split, total_rows)


def arithmetic_findings(lines: list[BudgetLine], tables: list[Table]) -> list[Finding]:
    """Every rule over every table; ``Finding.lines`` index ``lines`` (pass the whole
    ``Extraction.budget_lines`` so the findings point at its nodes)."""
    return [f for b in blocks(lines, tables) for check in CHECKS for f in check(b, lines)]


def parents_adding_up(lines: list[BudgetLine], tables: list[Table]) -> tuple[int, int]:
    """(parents checked, parents equal to the sum of their children in every column) over every
    table: how much of what was read the arithmetic confirms (:mod:`kg.extract.completeness`)."""
    checked = adding = 0
    for b in blocks(lines, tables):
        for row, kids, _ in _families(b):
            checked += 1
            adding += not _each_column(CHILDREN_SUM, b, [(row, kids, "")], lines)
    return checked, adding
