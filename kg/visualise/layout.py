"""Where each node goes: a layered layout in columns, deterministic, a pure function of the graph.

Columns, left to right: issuers, policies, projects, (indicators), units. Policies are grouped by their
issuer's level (中央, 省级, 市级, 区县级, then unresolved) and issuer code, and ordered inside a group by the
barycentre of their projects; projects are ordered by the barycentre of their policies (so edges cross
little), units by that of their projects, issuers by that of their policies. Every column but the policies
is then placed as close to those barycentres as one row between nodes allows (:func:`pack`), so a unit sits
beside its projects. With indicators, each project gets a block of rows, one per indicator, in the column to
its right.

``layout(g)`` → ``{node: (x, y)}``: x is the column (0, 1, 2 …), y the row, growing downward (screen
convention), one unit per row. Writers scale both.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import networkx as nx

Pos = dict[str, tuple[float, float]]

NO_LEVEL = 9  # issuer level rank of a policy whose issuer is unresolved: after 区县级 (4)


def columns(g: nx.Graph) -> dict[str, int]:
    """Column of each kind; indicators get a column between projects and units only when present."""
    has_ind = any(d["kind"] == "indicator" for _, d in g.nodes(data=True))
    return {"issuer": 0, "policy": 1, "project": 2, "indicator": 3, "unit": 4 if has_ind else 3}


def pack(targets: Sequence[float], gaps: Sequence[float]) -> list[float]:
    """Positions as close to ``targets`` (in least squares) as the order and the gaps allow.

    ``gaps[i]`` is the least distance between position i-1 and i (``gaps[0]`` is ignored); positions keep
    the order of ``targets``' list. Pool-adjacent-violators on ``targets[i] - offset[i]``.

    >>> pack([0, 0, 0], [1, 1, 1])
    [-1.0, 0.0, 1.0]
    >>> pack([0, 5, 5.5], [1, 1, 1])
    [0.0, 4.75, 5.75]
    """
    offsets, total = [], 0.0
    for i, gap in enumerate(gaps):
        total += gap if i else 0.0
        offsets.append(total)
    blocks: list[list[float]] = []  # [sum, count]
    for t, c in zip(targets, offsets):
        blocks.append([t - c, 1.0])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            s, n = blocks.pop()
            blocks[-1][0] += s
            blocks[-1][1] += n
    z = [b[0] / b[1] for b in blocks for _ in range(int(b[1]))]
    return [zi + c for zi, c in zip(z, offsets)]


def _neighbours(g: nx.MultiDiGraph, n: str, kind: str) -> list[str]:
    return sorted({m for m in (*g.successors(n), *g.predecessors(n)) if m != n and g.nodes[m]["kind"] == kind})


def _bary(g: nx.MultiDiGraph, n: str, kind: str, rows: dict[str, float]) -> float | None:
    ys = [rows[m] for m in _neighbours(g, n, kind) if m in rows]
    return sum(ys) / len(ys) if ys else None


def _label(g: nx.MultiDiGraph, n: str) -> str:
    return str(g.nodes[n].get("label", n))


def _group(g: nx.MultiDiGraph, p: str) -> tuple:
    d = g.nodes[p]
    return (d.get("levelRank") or NO_LEVEL, d.get("issuerCode") or "\uffff")


def _order(g: nx.MultiDiGraph, nodes: list[str], key: Callable[[str], float | None],
           fallback: Callable[[str], float | None] = lambda n: None) -> list[str]:
    """``nodes`` by ``key`` (then ``fallback``; nodes with neither go last), ties by label and IRI."""
    def k(n: str) -> tuple:
        v = key(n)
        if v is None:
            v = fallback(n)
        return (math.inf if v is None else v, _label(g, n), n)
    return sorted(nodes, key=k)


def _rows(order: list[str]) -> dict[str, float]:
    return {n: float(i) for i, n in enumerate(order)}


def layout(g: nx.MultiDiGraph, sweeps: int = 2) -> Pos:
    """``{node: (column, row)}`` for every node of ``g``; see the module docstring."""
    by_kind: dict[str, list[str]] = {}
    for n, d in sorted(g.nodes(data=True), key=lambda x: x[0]):
        by_kind.setdefault(d["kind"], []).append(n)
    policies = sorted(by_kind.get("policy", []), key=lambda p: (_group(g, p), _label(g, p), p))
    projects = by_kind.get("project", [])
    units = by_kind.get("unit", [])

    def unit_of(p: str) -> str | None:
        us = _neighbours(g, p, "unit")
        return us[0] if us else None

    def place_projects(prow: dict[str, float]) -> list[str]:
        bary = {p: _bary(g, p, "policy", prow) for p in projects}
        by_unit: dict[str, list[float]] = {}
        for p, b in bary.items():
            if b is not None and unit_of(p):
                by_unit.setdefault(unit_of(p), []).append(b)
        # a project without a policy goes beside the other projects of its unit
        return _order(g, projects, bary.get,
                      lambda p: (sum(by_unit[u]) / len(by_unit[u])) if (u := unit_of(p)) in by_unit else None)

    order_proj = place_projects(_rows(policies))
    for _ in range(sweeps):
        jrow = _rows(order_proj)
        index = {p: i for i, p in enumerate(policies)}
        policies = sorted(policies, key=lambda p: (_group(g, p), _b(_bary(g, p, "project", jrow)), index[p]))
        order_proj = place_projects(_rows(policies))

    pos: Pos = {}
    col = columns(g)
    prow = {p: float(i) for i, p in enumerate(policies)}
    if not policies:  # nothing to anchor on: projects in their order, one per row
        targets = {p: float(i) for i, p in enumerate(order_proj)}
    else:
        bary = {p: _bary(g, p, "policy", prow) for p in order_proj}
        known = [b for b in bary.values() if b is not None]
        last = max(known, default=len(policies) - 1.0)
        targets = {}
        for p in order_proj:  # projects with no policy follow on from their neighbours in the order
            last = bary[p] if bary[p] is not None else last + 1.0
            targets[p] = last
    indicators = {p: _indicators(g, p) for p in order_proj}
    heights = [max(1, len(indicators[p])) for p in order_proj]
    gaps = [0.0] + [(a + b) / 2 for a, b in zip(heights, heights[1:])]
    ys = pack([targets[p] for p in order_proj], gaps)
    for p, y in zip(order_proj, ys):
        pos[p] = (col["project"], y)
        inds = indicators[p]
        for i, ind in enumerate(inds):
            pos[ind] = (col["indicator"], y + i - (len(inds) - 1) / 2)
    for p, y in prow.items():
        pos[p] = (col["policy"], y)
    _beside(g, pos, units, col["unit"], ("project", "policy"))
    _beside(g, pos, by_kind.get("issuer", []), col["issuer"], ("policy",))
    for n in g.nodes:  # anything else (none today): a column of its own at the right
        if n not in pos:
            pos[n] = (max(col.values()) + 1, float(len([m for m in pos if pos[m][0] > max(col.values())])))
    return _centre(pos)


def _b(v: float | None) -> float:
    return math.inf if v is None else v


def _indicators(g: nx.MultiDiGraph, project: str) -> list[str]:
    inds = [v for v in g.successors(project) if g.nodes[v]["kind"] == "indicator"]
    return sorted(inds, key=lambda i: (g.nodes[i].get("sequence") or 0, i))


def _beside(g: nx.MultiDiGraph, pos: Pos, nodes: list[str], x: float, kinds: tuple[str, ...]) -> None:
    """Place ``nodes`` in column ``x`` as near as they may to their neighbours of ``kinds`` (the first kind
    that gives a barycentre); nodes with none follow the last one."""
    rows = {n: y for n, (_, y) in pos.items()}

    def bary(n: str) -> float | None:
        for kind in kinds:
            b = _bary(g, n, kind, rows)
            if b is not None:
                return b
        return None

    order = _order(g, nodes, bary)
    last = max(rows.values(), default=0.0)
    targets = []
    for n in order:
        b = bary(n)
        last = b if b is not None else last + 1.0
        targets.append(last)
    for n, y in zip(order, pack(targets, [1.0] * len(order))):
        pos[n] = (x, y)


def _centre(pos: Pos) -> Pos:
    """Shift rows so the topmost node is at row 0."""
    if not pos:
        return {}
    top = min(y for _, y in pos.values())
    return {n: (float(x), round(y - top, 6)) for n, (x, y) in sorted(pos.items())}
