"""GEXF (Gephi) and GraphML (Cytoscape, yEd) files, laid out.

Both formats hold strings, numbers and booleans only, and each attribute is declared with its type, so that
Gephi can size, rank and filter by it: money is a number (``amount``, a double: yuan, exact for every amount of at
most 15 significant digits, i.e. below 10 trillion yuan with fen), years, lines and pages integers; attributes that
are None are left out. An edge's ``kind`` and ``source`` are written
as ``relation`` and ``where``: Gephi keeps Source, Target and Kind for itself. Each node carries ``x`` and ``y`` (pixels,
y growing downward) from :func:`kg.visualise.layout.layout`; a GEXF node also carries ``viz:position``
(y growing upward, as Gephi has it), ``viz:color`` and ``viz:size``, so the file opens laid out.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import networkx as nx

from kg.visualise.layout import layout
from kg.visualise.style import EDGE_STYLE, NODE_STYLE, MONEY_KINDS, diameter

COLUMN_PX, ROW_PX = 400.0, 50.0
EDGE_RENAMED = {"kind": "relation", "source": "where"}


def _plain(value):
    if isinstance(value, Decimal):
        number = float(value)
        if Decimal(repr(number)) != value:  # more digits than a double holds: keep them as text
            raise ValueError(f"amount {value} has more significant digits than a double holds")
        return number
    if isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def plain(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy with attributes the file formats hold, nodes and edges in a fixed order, edge ids e0, e1 …,
    and each node's ``x`` / ``y``."""
    pos = layout(g)
    out = nx.MultiDiGraph()
    out.graph.update({k: _plain(v) for k, v in g.graph.items() if v is not None})
    for n in sorted(g.nodes):
        attrs = {k: _plain(v) for k, v in g.nodes[n].items() if v is not None}
        x, y = pos[n]
        attrs.update(x=round(x * COLUMN_PX, 3), y=round(y * ROW_PX, 3))
        out.add_node(n, **attrs)
    edges = sorted(g.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2]))
    for i, (u, v, k, d) in enumerate(edges):
        attrs = {EDGE_RENAMED.get(a, a): _plain(b) for a, b in d.items() if b is not None}
        out.add_edge(u, v, key=f"e{i}", **attrs)
    return out


def _rgb(colour: str) -> dict[str, int]:
    return {"r": int(colour[1:3], 16), "g": int(colour[3:5], 16), "b": int(colour[5:7], 16)}


def write_gexf(g: nx.MultiDiGraph, path: Path) -> None:
    p = plain(g)
    largest = max((d["amount"] for _, d in g.nodes(data=True) if d["kind"] in MONEY_KINDS and d.get("amount")), default=None)
    for n, d in p.nodes(data=True):
        d["viz"] = {
            "position": {"x": d["x"], "y": -d["y"], "z": 0.0},
            "color": {**_rgb(NODE_STYLE[d["kind"]][0]), "a": 1.0},
            "size": diameter(g.nodes[n].get("amount") if d["kind"] in MONEY_KINDS else None, largest, 6, 30),
        }
    for *_, d in p.edges(data=True):
        d["viz"] = {"color": {**_rgb(EDGE_STYLE[d["relation"]][0]), "a": 1.0}}
    nx.write_gexf(p, path, encoding="utf-8", prettyprint=True, version="1.2draft")


def write_graphml(g: nx.MultiDiGraph, path: Path) -> None:
    nx.write_graphml(plain(g), path, encoding="utf-8", prettyprint=True)
