"""SVG and PNG figures for papers (matplotlib, the Agg backend; the only matplotlib user).

The drawing follows :func:`kg.visualise.layout.layout`: columns of issuers, policies, projects, (indicators),
units, each headed by its name; nodes coloured by kind and sized by money (area ∝ yuan), each with its label
(cut to two lines) and amount; edges styled by kind; a legend and a title. Coordinates are inches, so the
gaps between columns are as wide as the labels that sit in them and labels do not overlap: issuer and policy
labels stand left of their node, project, indicator and unit labels right of it.

Chinese needs a CJK font: the first of :data:`CJK_FONTS` installed is used (``fc-list :lang=zh``); without
one the figure is drawn anyway, with a warning, and Chinese shows as boxes. Output is deterministic: the
same graph gives the same bytes (fixed ``svg.hashsalt``, no date in the metadata).
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import networkx as nx  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import FancyArrowPatch  # noqa: E402

from kg.visualise.layout import columns, layout  # noqa: E402
from kg.visualise.network import EDGE_LABELS, KINDS  # noqa: E402
from kg.visualise.style import EDGE_STYLE, MONEY_KINDS, NODE_STYLE, amount_text, diameter, width, wrap  # noqa: E402

CJK_FONTS = ("WenQuanYi Zen Hei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Noto Sans CJK JP",
             "WenQuanYi Micro Hei", "Droid Sans Fallback", "AR PL UMing CN")

FONT = 9.0  # points, labels
ROW = 0.50  # inches per row: two label lines and the amount
WRAP_EMS = {"issuer": 11, "policy": 14, "project": 14, "indicator": 16, "unit": 12}
GAP = {"policy": 2.0}  # inches between a column's node (or labels) and the next column's labels: edges run here
GAP_DEFAULT = 1.3
MARGIN = 0.3
PT = 1 / 72  # inch


def cjk_font() -> str | None:
    """The name of an installed CJK font, or None (with a warning)."""
    names = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in names:
            return name
    warnings.warn("no CJK font found (install fonts-wqy-zenhei or fonts-noto-cjk): Chinese labels will show as boxes",
                  stacklevel=3)
    return None


def _label_lines(kind: str, d: dict) -> list[str]:
    lines = wrap(str(d.get("label", "")), WRAP_EMS[kind], lines=2)
    money = amount_text(d.get("amount")) if kind in MONEY_KINDS else None
    return lines + [money] if money else lines


def _label_width(lines: list[str]) -> float:
    """Inches a label of these lines takes."""
    return max((width(line) for line in lines), default=0) * FONT * PT


def figure(g: nx.MultiDiGraph, title: str | None = None) -> Figure:
    """The drawing of ``g`` as a matplotlib Figure (not attached to pyplot)."""
    pos = layout(g)
    col = columns(g)
    kinds_in = {d["kind"] for _, d in g.nodes(data=True)}
    labels = {n: _label_lines(d["kind"], d) for n, d in g.nodes(data=True)}
    need = {k: max((_label_width(labels[n]) for n, d in g.nodes(data=True) if d["kind"] == k), default=0.0)
            for k in NODE_STYLE}
    # columns in inches: issuer and policy labels stand left of their node, the others right
    order = sorted((c, k) for k, c in col.items() if k in kinds_in)
    xs: dict[int, float] = {}
    x = MARGIN + (need["issuer"] + 0.15 if "issuer" in kinds_in else 0.0)
    prev = None
    for c, k in order:
        if prev is not None:
            left_label = need[k] + 0.15 if k in ("issuer", "policy") else 0.0
            right_label = need[prev] + 0.15 if prev not in ("issuer", "policy") else 0.0
            x += right_label + GAP.get(prev, GAP_DEFAULT) + left_label
        xs[c] = x
        prev = k
    last = order[-1][1] if order else "unit"
    width_in = x + (need[last] + 0.15 if last not in ("issuer", "policy") else 0.0) + MARGIN
    rows = max((y for _, y in pos.values()), default=0.0) + 1
    head = 1.15  # title, legend, column headings
    height_in = rows * ROW + head + MARGIN
    width_in = max(width_in, 7.0)

    fig = Figure(figsize=(width_in, height_in))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width_in)
    ax.set_ylim(height_in, 0)  # y downward, in inches
    ax.set_axis_off()

    def at(n: str) -> tuple[float, float]:
        c, r = pos[n]
        return xs[int(c)], head + (r + 0.5) * ROW

    largest = max((d["amount"] for _, d in g.nodes(data=True) if d["kind"] in MONEY_KINDS and d.get("amount")),
                  default=None)
    size = {n: (diameter(d.get("amount"), largest, 5, 20) if d["kind"] in MONEY_KINDS else 6.0)
            for n, d in g.nodes(data=True)}

    for u, v, k, rad in _edges(g):
        colour, style = EDGE_STYLE[k]
        ax.add_patch(FancyArrowPatch(
            at(u), at(v), arrowstyle="-|>", mutation_scale=7, color=colour, linestyle=style, linewidth=0.8,
            shrinkA=size[u] / 2 + 1, shrinkB=size[v] / 2 + 1, zorder=1, connectionstyle=f"arc3,rad={rad}",
        ))
    for kind in KINDS:
        nodes = sorted(n for n, d in g.nodes(data=True) if d["kind"] == kind)
        if not nodes:
            continue
        pts = [at(n) for n in nodes]
        seed = [bool(g.nodes[n].get("seed")) for n in nodes]  # what the filters matched: ringed
        ax.scatter([p[0] for p in pts], [p[1] for p in pts], s=[size[n] ** 2 for n in nodes],
                   c=NODE_STYLE[kind][0], edgecolors=["#222222" if s else "white" for s in seed],
                   linewidths=[1.4 if s else 0.6 for s in seed], zorder=3)
        left = kind in ("issuer", "policy")
        for n, (px, py) in zip(nodes, pts):
            dx = (size[n] / 2 + 3) * PT
            ax.text(px - dx if left else px + dx, py, "\n".join(labels[n]), ha="right" if left else "left",
                    va="center", fontsize=FONT, linespacing=1.15, zorder=2,
                    bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.85})
    for c, k in order:
        ax.text(xs[c], head - 0.12, f"{NODE_STYLE[k][1]} {NODE_STYLE[k][2]}", ha="center", va="bottom",
                fontsize=FONT + 1, color=NODE_STYLE[k][0])
    ax.text(MARGIN, 0.25, title or g.graph.get("title") or "budget-kg", ha="left", va="center",
            fontsize=FONT + 4)
    handles = [Line2D([], [], marker="o", linestyle="none", markersize=7, markerfacecolor=NODE_STYLE[k][0],
                      markeredgecolor="white", label=f"{NODE_STYLE[k][1]} {NODE_STYLE[k][2]}")
               for k in KINDS if k in kinds_in]
    edge_kinds = sorted({k for *_, k in g.edges(keys=True)}, key=list(EDGE_LABELS).index)
    handles += [Line2D([], [], color=EDGE_STYLE[k][0], linestyle=EDGE_STYLE[k][1], linewidth=1.2,
                       label=f"{EDGE_LABELS[k][0]} {EDGE_LABELS[k][1]}") for k in edge_kinds]
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(MARGIN / width_in, 1 - 0.45 / height_in),
               ncol=min(len(handles), max(1, int(width_in / 1.9))), fontsize=FONT - 1, frameon=False,
               handlelength=2.2, columnspacing=1.2)
    ax.text(width_in - MARGIN, 0.25, "node area ∝ yuan", ha="right", va="center", fontsize=FONT - 1, color="#666666")
    return fig


def _edges(g: nx.MultiDiGraph) -> list[tuple[str, str, str, float]]:
    """(u, v, kind, curvature): several edges between two nodes bend apart; a document mention bends."""
    pairs: dict[tuple[str, str], list[str]] = {}
    for u, v, k in g.edges(keys=True):
        pairs.setdefault((min(u, v), max(u, v)), []).append(k)
    out = []
    for u, v, k, d in sorted(g.edges(keys=True, data=True), key=lambda e: (e[2], e[0], e[1])):
        same = sorted(pairs[(min(u, v), max(u, v))], key=list(EDGE_LABELS).index)
        rad = 0.12 * (same.index(k) - (len(same) - 1) / 2) if len(same) > 1 else 0.0
        if d.get("via") == "document":
            rad = 0.25
        out.append((u, v, k, round(rad, 3)))
    return out


def _rc() -> dict:
    font = cjk_font()
    return {
        "font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"],
        "svg.hashsalt": "budget-kg",
        "svg.fonttype": "none",  # labels stay <text>: searchable, selectable, editable in Inkscape
        "path.simplify": True,
    }


def write_figure(g: nx.MultiDiGraph, path: Path, fmt: str) -> None:
    """Write ``g`` as ``fmt`` ("svg" or "png") to ``path``."""
    quiet = logging.getLogger("matplotlib.font_manager")  # "failed to find font weight …" for one-weight CJK fonts
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        with matplotlib.rc_context(_rc()), warnings.catch_warnings():
            warnings.filterwarnings("ignore", r"Glyph \d+ .* missing from font")  # said once by cjk_font()
            _save(figure(g), g, path, fmt)
    finally:
        quiet.setLevel(level)


def _save(fig: Figure, g: nx.MultiDiGraph, path: Path, fmt: str) -> None:
    title = str(g.graph.get("title") or "budget-kg")
    if fmt == "svg":
        fig.savefig(path, format="svg", metadata={"Date": None, "Creator": "budget-kg", "Title": title})
    else:
        w, h = fig.get_size_inches()
        dpi = max(60, min(200, int(9000 / max(w, h))))  # at most 9000 pixels a side
        fig.savefig(path, format="png", dpi=dpi, metadata={"Software": "budget-kg", "Title": title})


def write_svg(g: nx.MultiDiGraph, path: Path) -> None:
    write_figure(g, path, "svg")


def write_png(g: nx.MultiDiGraph, path: Path) -> None:
    write_figure(g, path, "png")


__all__ = ["CJK_FONTS", "cjk_font", "figure", "write_png", "write_svg"]
