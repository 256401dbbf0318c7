"""项目支出预算表（本年预算）/（上年结转）rows → :class:`kg.model.ProjectRow`.

A project table lists, under a unit heading row (the unit, or in a department document each
sub-unit) whose amount is the sum of the rows below it, one row per project. Heading rows are
recognised by name (a unit's name) and checked by arithmetic.
"""

from __future__ import annotations

import re
from decimal import Decimal

from kg.model import ProjectRow, Table
from kg.money import parse_amount, to_yuan
from kg.read.text import clean_name

PREFIX = re.compile(r"^(QT|XM|Z|J|X)(?=[\u4e00-\u9fff0-9“\"(（《])")
UNIT_SUFFIX = re.compile(
    r"(中心|办公室|办公厅|局|委员会|委|厅|院|所|站|队|处|馆|校|学校|医院|政府|部门|公司|集团|协会|学会|研究院|研究所|办)"
    r"(（部门）|\(部门\)|（本级）|\(本级\)|本级)?$"
)
BUDGET_TYPES = ("一般公共预算", "政府性基金预算", "国有资本经营预算", "财政专户管理资金", "单位资金")
TABLE_NAMES = {"project_current": "本年预算", "project_carryover": "上年结转"}


def prefix_of(name: str) -> str | None:
    """The category prefix letters kept as a code (their meaning is not stated).

    >>> prefix_of("XM差额补助经费"), prefix_of("Z12345政府服务热线运维费"), prefix_of("OA协同办公系统")
    ('XM', 'Z', None)
    """
    m = PREFIX.match(name)
    return m.group(1) if m else None


def strip_unit_suffix(name: str) -> str:
    return re.sub(r"(（部门）|\(部门\)|（本级）|\(本级\))$", "", name)


def looks_like_unit(name: str, known: set[str]) -> bool:
    n = strip_unit_suffix(name)
    return n in known or bool(UNIT_SUFFIX.search(name)) and not prefix_of(name)


def _columns(table: Table) -> dict[int, str]:
    """Cell index → budget type, from the header lines."""
    merged: dict[int, str] = {}
    for line in table.header:
        for i, c in enumerate(line.cells):
            if c.strip():
                merged[i] = merged.get(i, "") + re.sub(r"\s+", "", c)
    out: dict[int, str] = {}
    for i, text in merged.items():
        for t in BUDGET_TYPES:
            if t in text or t.replace("预算", "") in text:
                out[i] = t
                break
    return out


def _is_number_row(cells: list[str]) -> bool:
    toks = [c.strip() for c in cells if c.strip()]
    return bool(toks) and all(t.isdigit() and int(t) <= 20 for t in toks)


def project_rows(tables: list[Table], file: str, unit_names: set[str], department_doc: bool = False) -> tuple[list[ProjectRow], list[str]]:
    """Every project row of the document's project tables, and notes on what did not add up."""
    rows: list[ProjectRow] = []
    notes: list[str] = []
    known = {strip_unit_suffix(n) for n in unit_names if n}
    for table in tables:
        kind = TABLE_NAMES.get(table.kind)
        if not kind or table.empty:
            continue
        cols = _columns(table)
        parsed = []
        for line in table.rows:
            if _is_number_row(line.cells) or not line.tokens:
                continue
            name = clean_name(line.cells[0]) if line.cells[0].strip() else clean_name(line.tokens[0])
            amount = parse_amount(line.cells[1]) if len(line.cells) > 1 else None
            if amount is None:
                nums = [parse_amount(t) for t in line.tokens[1:]]
                nums = [n for n in nums if n is not None]
                amount = nums[0] if nums else None
            if not name or amount is None:
                notes.append(f"line {line.no}: project row without a name or an amount")
                continue
            funding = {}
            for i, t in cols.items():
                if i < len(line.cells):
                    v = parse_amount(line.cells[i])
                    if v is not None:
                        funding[t] = to_yuan(v, table.money_unit)
            parsed.append((name, to_yuan(amount, table.money_unit), funding, line))
        headings = _headings(parsed, known)
        top_is_total = bool(headings) and headings[0] == 0
        nested = len({strip_unit_suffix(parsed[i][0]) for i in headings[1:]}) >= 2 or (
            department_doc and len(headings) >= 2
        )
        current: str | None = None
        for i, (name, amount, funding, line) in enumerate(parsed):
            if i in headings:
                if not (i == 0 and top_is_total and nested):
                    current = strip_unit_suffix(name) if nested else None
                continue
            rows.append(ProjectRow(
                name=name, amount=amount, table=kind, span=line.span(file, "\t".join(line.tokens)),
                subunit=current, prefix=prefix_of(name), funding=funding,
            ))
        notes.extend(_check_headings(parsed, headings, kind))
    for n, r in enumerate(rows, start=1):
        r.seq = n
    return rows, notes


def _headings(parsed: list, known: set[str]) -> list[int]:
    """Indices of unit heading (subtotal) rows."""
    out = []
    for i, (name, amount, _f, _l) in enumerate(parsed):
        if not looks_like_unit(name, known):
            continue
        below = Decimal(0)
        for name2, amount2, _f2, _l2 in parsed[i + 1:]:
            if looks_like_unit(name2, known) and below >= amount:
                break
            if not looks_like_unit(name2, known):
                below += amount2
        if below == 0 or abs(below - amount) <= Decimal(100) * max(1, len(parsed)) or strip_unit_suffix(name) in known:
            out.append(i)
    return out


def _check_headings(parsed: list, headings: list[int], kind: str) -> list[str]:
    notes = []
    for n, i in enumerate(headings):
        end = headings[n + 1] if n + 1 < len(headings) else len(parsed)
        items = [p[1] for j, p in enumerate(parsed[i + 1:end], start=i + 1) if j not in headings]
        if not items:
            continue
        total = sum(items, Decimal(0))
        if n == 0 and len(headings) > 1 and i == 0:
            total = sum((p[1] for j, p in enumerate(parsed) if j not in headings), Decimal(0))
        if total != parsed[i][1]:
            notes.append(f"{kind}: heading '{parsed[i][0]}' says {parsed[i][1]} but its rows add up to {total}")
    return notes
