"""The rows of an indexed answer as the ledger keeps them: one document's rows under one key, as JSON
``{"decimal": [columns], "same": {column: value}, "columns": [the others], "rows": [[...], ...]}``:
``same`` holds the columns whose value every row shares (a project's IRI and name, on each of its
indicators), written once; ``decimal`` the columns whose values are Decimals, written as strings. A reader decodes every set it reads in one JSON call with no hook, and
makes each row with one C call (``operator.itemgetter``), keeping only the columns it asks for. A set of
the earlier layout (no ``decimal``; Decimals as ``{"decimal": "…"}``, still written for a column that
mixes Decimals with other values) is read too.

>>> rows = [{"p": "x", "v": Decimal("1.5"), "n": 1}, {"p": "x", "v": None, "n": 2}]
>>> pack_rows(rows)
'{"decimal": ["v"], "same": {"p": "x"}, "columns": ["v", "n"], "rows": [["1.5", 1], [null, 2]]}'
>>> unpack_rows([pack_rows(rows)]) == rows, unpack_columns([pack_rows(rows)] * 2, ("n", "p"))
(True, [(1, 'x'), (2, 'x'), (1, 'x'), (2, 'x')])
>>> mixed = [{"a": Decimal("1.0")}, {"a": "x"}]  # a Decimal beside a string: each tagged, as before
>>> pack_rows(mixed), unpack_rows([pack_rows(mixed)]) == mixed
('{"same": {}, "columns": ["a"], "rows": [[{"decimal": "1.0"}], ["x"]]}', True)
"""

from __future__ import annotations

import json
from decimal import Decimal
from operator import itemgetter

LAYOUT = '{"decimal"'  # how a set of this layout starts


def pack_rows(rows: list[dict]) -> str:
    """One document's rows under one key (every row with the same columns)."""
    names = list(rows[0])
    kinds = {c: {type(r[c]) for r in rows if r[c] is not None} for c in names}
    if any(Decimal in k and len(k) > 1 for k in kinds.values()):  # a Decimal beside a string: tag each one
        return _pack_json(rows)
    decimal = [c for c in names if kinds[c] == {Decimal}]
    if decimal:
        rows = [{**r, **{c: None if r[c] is None else str(r[c]) for c in decimal}} for r in rows]
    first = rows[0]
    same = {c: v for c, v in first.items() if all(_same(r[c], v) for r in rows[1:])} if len(rows) > 1 else {}
    columns = [c for c in names if c not in same]
    packed = {"decimal": decimal, "same": same, "columns": columns, "rows": [[r[c] for c in columns] for r in rows]}
    return json.dumps(packed, ensure_ascii=False)


def unpack_columns(sets: list[str], columns: tuple[str, ...] | list[str]) -> list[tuple]:
    """The rows of ``sets``, in order, as tuples of ``columns`` (None for a column a set lacks)."""
    out: list[tuple] = []
    plans: dict = {}
    for s in _decoded(sets):
        out.extend(_tuples(s, columns, plans))
    return out


def unpack_rows(sets: list[str]) -> list[dict[str, object]]:
    """The rows of ``sets``, in order, each a dict with every column."""
    out: list[dict[str, object]] = []
    plans: dict = {}
    for s in _decoded(sets):
        names = [*s["same"], *s["columns"]]
        out.extend(dict(zip(names, row)) for row in _tuples(s, names, plans))
    return out


def _tuples(s: dict, columns, plans: dict) -> list[tuple]:
    """The rows of one decoded set as tuples of ``columns``: each made by one ``itemgetter`` call over
    the row (and the values every row shares, appended). ``plans`` keeps the getter of each layout
    (the sets of one answer have a few)."""
    rows, present, same = s["rows"], s["columns"], s["same"]
    for c in s["decimal"]:
        if c in same:
            same[c] = None if same[c] is None else Decimal(same[c])
        elif c in columns:
            i = present.index(c)
            for r in rows:
                if r[i] is not None:
                    r[i] = Decimal(r[i])
    layout = (tuple(present), tuple(columns))
    plan = plans.get(layout)
    if plan is None:
        at = {c: i for i, c in enumerate(present)}
        shared = [c for c in columns if c not in at]
        where = [at[c] if c in at else len(present) + shared.index(c) for c in columns]
        get = itemgetter(*where) if len(where) > 1 else (lambda r, i=where[0]: (r[i],))
        plan = plans[layout] = (get, shared)
    get, shared = plan
    if not shared:
        return list(map(get, rows))
    tail = [same.get(c) for c in shared]
    return [get(r + tail) for r in rows]


def _decoded(sets: list[str]) -> list[dict]:
    """Every set decoded in one call, those of the earlier layout made like the others."""
    decoded = json.loads("[" + ",".join(sets) + "]")
    if all(s.startswith(LAYOUT) for s in sets):
        return decoded
    return [d if "decimal" in d else _upgraded(d) for d in decoded]


def _upgraded(d: dict) -> dict:
    """A set of the earlier layout as this one (its tagged Decimals as Decimals, not listed)."""
    fix = _untag
    same = {c: fix(v) for c, v in d["same"].items()}
    return {"decimal": [], "same": same, "columns": d["columns"], "rows": [[fix(v) for v in r] for r in d["rows"]]}


def _untag(v: object) -> object:
    return Decimal(v["decimal"]) if isinstance(v, dict) else v


# ---------------------------------------------------------------- the earlier layout

def _pack_json(rows: list[dict]) -> str:
    """JSON ``{"same": {column: value}, "columns": [...], "rows": [[...], ...]}``, Decimals as
    ``{"decimal": "…"}``: the index's layout before the columns (read, and written for a column that
    mixes Decimals with other values)."""
    first = rows[0]
    same = {c: v for c, v in first.items() if all(_same(r[c], v) for r in rows[1:])} if len(rows) > 1 else {}
    columns = [c for c in first if c not in same]
    packed = {"same": same, "columns": columns, "rows": [[r[c] for c in columns] for r in rows]}
    return json.dumps(packed, ensure_ascii=False, default=_json_decimal)


def _same(a: object, b: object) -> bool:
    """The same value, written the same way (Decimal 1.0 is not 1; 1 is not True)."""
    return type(a) is type(b) and a == b and (not isinstance(a, Decimal) or str(a) == str(b))


def json_row(text: str) -> dict[str, object]:
    """One row as the index's first layout kept it (a SQLite row each: one JSON object, Decimals tagged)."""
    return json.loads(text, object_hook=_decimal_hook)


def _json_decimal(value):
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    raise TypeError(f"not JSON: {value!r}")


def _decimal_hook(d: dict) -> object:
    return Decimal(d["decimal"]) if len(d) == 1 and "decimal" in d else d
