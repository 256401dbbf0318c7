"""One self-contained interactive page: Cytoscape.js inlined, the graph as JSON, nothing fetched.

Nodes are coloured by kind and sized by money (diameter ∝ √yuan), laid out in the columns of
:func:`kg.visualise.layout.layout` (the reader may still drag them); edges carry their short labels (shown when
zoomed in). A search box highlights the nodes whose label, number, title or IRI holds the text and zooms to
them (Enter shows the first); hovering or clicking a node or an edge shows its details: label, kind, amount
with thousands separators and 元, source file and line or page, and the source snippet. A legend explains
colours and line styles.

The JSON sits in ``<script type="application/json">`` with ``<``, ``>``, ``&`` and the line separators escaped,
so no text of a document can close the script element.
"""

from __future__ import annotations

import html
import json
from decimal import Decimal
from pathlib import Path

import networkx as nx

from kg.visualise.layout import layout
from kg.visualise.network import EDGE_LABELS, KINDS, summary
from kg.visualise.style import EDGE_STYLE, MONEY_KINDS, NODE_STYLE, amount_text, diameter, wrap

COLUMN_PX, ROW_PX = 420.0, 64.0
WRAP_EMS = {"issuer": 11, "policy": 14, "project": 14, "indicator": 16, "unit": 12}
DETAIL_KEYS = ("docNumber", "title", "issuerCode", "level", "region", "year", "policyKind", "projects", "target",
               "level1", "level2", "grade", "departmentCode", "parent", "section", "raw", "citations", "reproducedIn")


def vendor_js() -> str:
    """Cytoscape.js as shipped in kg/assets/vendor (built from npm by `make vendor` or the wheel's build);
    :class:`kg.resources.MissingResource` (one line) when it is not built."""
    from kg.resources import vendor_text

    return vendor_text("cytoscape.min.js")


def script_json(data: object) -> str:
    """JSON safe inside a ``<script>`` element.

    >>> script_json({"t": "</script><!--&"})
    '{"t": "\\\\u003c/script\\\\u003e\\\\u003c!--\\\\u0026"}'
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def _value(v: object) -> object:
    if isinstance(v, Decimal):
        return format(v, "f")
    return v


def elements(g: nx.MultiDiGraph) -> dict:
    """The graph as Cytoscape elements (``where`` is the source location: ``source`` names an edge's end)."""
    pos = layout(g)
    largest = max((d["amount"] for _, d in g.nodes(data=True) if d["kind"] in MONEY_KINDS and d.get("amount")),
                  default=None)
    nodes = []
    for n in sorted(g.nodes):
        d = g.nodes[n]
        kind = d["kind"]
        x, y = pos[n]
        data = {k: _value(v) for k, v in d.items() if v is not None and k != "source"}
        data.update(
            id=n, kindZh=NODE_STYLE[kind][1], kindEn=NODE_STYLE[kind][2], colour=NODE_STYLE[kind][0],
            short="\n".join(wrap(str(d.get("label", n)), WRAP_EMS[kind])),
            size=diameter(d.get("amount") if kind in MONEY_KINDS else None, largest, 12, 56),
            side="left" if kind in ("issuer", "policy") else "right",
        )
        if d.get("source"):
            data["where"] = d["source"]
        if kind in MONEY_KINDS and d.get("amount") is not None:
            data["amountText"] = amount_text(d["amount"])
        nodes.append({"data": data, "position": {"x": round(x * COLUMN_PX, 2), "y": round(y * ROW_PX, 2)}})
    edges = []
    for i, (u, v, k, d) in enumerate(sorted(g.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2]))):
        data = {a: _value(b) for a, b in d.items() if b is not None and a != "source"}
        colour, style = EDGE_STYLE[k]
        data.update(id=f"e{i}", source=u, target=v, colour=colour, lineStyle=style.replace("dashdot", "dashed"))
        if d.get("source"):
            data["where"] = d["source"]
        edges.append({"data": data})
    return {"nodes": nodes, "edges": edges}


def _legend(g: nx.MultiDiGraph) -> str:
    e = html.escape
    kinds = {d["kind"] for _, d in g.nodes(data=True)}
    edge_kinds = {k for *_, k in g.edges(keys=True)}
    rows = [f'<li><span class="dot" style="background:{NODE_STYLE[k][0]}"></span>{e(NODE_STYLE[k][1])} '
            f'<span class="en">{e(NODE_STYLE[k][2])}</span></li>' for k in KINDS if k in kinds]
    css = {"solid": "solid", "dashed": "dashed", "dotted": "dotted", "dashdot": "dashed"}
    rows += [f'<li><span class="line" style="border-top:2px {css[EDGE_STYLE[k][1]]} {EDGE_STYLE[k][0]}"></span>'
             f'{e(EDGE_LABELS[k][0])} <span class="en">{e(EDGE_LABELS[k][1])}</span></li>'
             for k in EDGE_LABELS if k in edge_kinds]
    rows.append('<li class="en">node size ∝ √yuan · drag to move · scroll to zoom</li>')
    return '<ul id="legend">' + "".join(rows) + "</ul>"


CSS = """
html, body { margin: 0; height: 100%; font-family: "WenQuanYi Zen Hei", "Noto Sans CJK SC", "PingFang SC",
  "Microsoft YaHei", sans-serif; color: #222; }
header { position: absolute; top: 0; left: 0; right: 0; height: 48px; display: flex; align-items: center; gap: 16px;
  padding: 0 16px; background: #fafafa; border-bottom: 1px solid #ddd; z-index: 2; }
h1 { font-size: 17px; font-weight: normal; margin: 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
#search { width: 300px; font-size: 14px; padding: 5px 8px; }
#hits { font-size: 13px; color: #666; white-space: nowrap; }
#summary { font-size: 12px; color: #888; margin-left: auto; white-space: nowrap; }
#cy { position: absolute; top: 49px; left: 0; right: 0; bottom: 0; }
#details { position: absolute; top: 60px; right: 12px; width: 340px; max-height: calc(100% - 90px); overflow: auto;
  background: rgba(255,255,255,0.96); border: 1px solid #ccc; border-radius: 4px; padding: 10px 12px;
  font-size: 13px; z-index: 2; box-shadow: 0 1px 4px rgba(0,0,0,0.15); }
#details:empty { display: none; }
#details .kind { font-size: 12px; color: #fff; border-radius: 3px; padding: 1px 6px; }
#details h2 { font-size: 15px; margin: 6px 0; word-break: break-all; }
#details .amount { font-size: 15px; font-weight: bold; }
#details .snippet { background: #f4f4f4; border-left: 3px solid #bbb; padding: 4px 6px; margin: 6px 0; }
#details dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 8px; margin: 6px 0 0; }
#details dt { color: #777; } #details dd { margin: 0; word-break: break-all; }
#legend { position: absolute; left: 12px; bottom: 12px; list-style: none; margin: 0; padding: 8px 10px;
  background: rgba(255,255,255,0.94); border: 1px solid #ddd; border-radius: 4px; font-size: 12px; z-index: 2; }
#legend li { margin: 2px 0; display: flex; align-items: center; gap: 6px; }
#legend .dot { display: inline-block; width: 11px; height: 11px; border-radius: 50%; }
#legend .line { display: inline-block; width: 26px; height: 0; }
.en { color: #777; }
"""

APP = r"""
(function () {
  var data = JSON.parse(document.getElementById('graph-data').textContent);
  var cy = window.cy = cytoscape({
    container: document.getElementById('cy'),
    elements: data.nodes.concat(data.edges),
    layout: { name: 'preset', fit: true, padding: 40 },
    wheelSensitivity: 0.3, maxZoom: 3, minZoom: 0.05,
    style: [
      { selector: 'node', style: {
          'background-color': 'data(colour)', 'width': 'data(size)', 'height': 'data(size)',
          'label': 'data(short)', 'font-size': 11, 'text-wrap': 'wrap', 'text-valign': 'center',
          'text-halign': 'right', 'text-margin-x': 5, 'border-width': 1, 'border-color': '#fff',
          'text-background-color': '#fff', 'text-background-opacity': 0.8, 'text-background-padding': 1 } },
      { selector: 'node[side = "left"]', style: { 'text-halign': 'left', 'text-margin-x': -5 } },
      { selector: 'node[?seed]', style: { 'border-width': 3, 'border-color': '#222' } },
      { selector: 'edge', style: {
          'width': 1.3, 'line-color': 'data(colour)', 'line-style': 'data(lineStyle)', 'curve-style': 'bezier',
          'target-arrow-shape': 'triangle', 'target-arrow-color': 'data(colour)', 'arrow-scale': 0.8,
          'label': 'data(label)', 'font-size': 9, 'color': '#555', 'text-rotation': 'autorotate',
          'min-zoomed-font-size': 9, 'text-background-color': '#fff', 'text-background-opacity': 0.8 } },
      { selector: '.faded', style: { 'opacity': 0.15 } },
      { selector: 'node.match', style: { 'border-width': 4, 'border-color': '#D55E00', 'opacity': 1 } },
      { selector: ':selected', style: { 'border-width': 4, 'border-color': '#000', 'line-color': '#000',
          'target-arrow-color': '#000' } }
    ]
  });
  var details = document.getElementById('details');
  var pinned = null;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function show(ele) {
    var d = ele.data();
    details.textContent = '';
    if (ele.isNode()) {
      var badge = el('span', 'kind', d.kindZh + ' ' + d.kindEn);
      badge.style.background = d.colour;
      details.appendChild(badge);
      details.appendChild(el('h2', null, d.label));
      if (d.amountText) details.appendChild(el('div', 'amount', d.amountText));
    } else {
      var s = cy.getElementById(d.source).data('label'), t = cy.getElementById(d.target).data('label');
      details.appendChild(el('div', null, d.label + ' · ' + d.labelEn));
      details.appendChild(el('h2', null, s + ' → ' + t));
    }
    if (d.where) details.appendChild(el('div', 'where', '出处 source: ' + d.where));
    if (d.snippet) details.appendChild(el('div', 'snippet', d.snippet));
    var dl = el('dl');
    KEYS.forEach(function (k) {
      if (d[k] !== undefined && d[k] !== null && d[k] !== '') { dl.appendChild(el('dt', null, k)); dl.appendChild(el('dd', null, d[k])); }
    });
    if (ele.isNode()) { dl.appendChild(el('dt', null, 'IRI')); dl.appendChild(el('dd', null, d.id)); }
    details.appendChild(dl);
  }
  cy.on('mouseover', 'node, edge', function (e) { if (!pinned) show(e.target); });
  cy.on('mouseout', 'node, edge', function () { if (!pinned) details.textContent = ''; });
  cy.on('tap', 'node, edge', function (e) { pinned = e.target; show(e.target); });
  cy.on('tap', function (e) { if (e.target === cy) { pinned = null; details.textContent = ''; } });

  var box = document.getElementById('search'), hits = document.getElementById('hits');
  function find(q) {
    q = q.trim().toLowerCase();
    cy.elements().removeClass('match faded');
    if (!q) { hits.textContent = ''; cy.animate({ fit: { eles: cy.elements(), padding: 40 } }, { duration: 300 }); return cy.collection(); }
    var found = cy.nodes().filter(function (n) {
      var d = n.data();
      return [d.label, d.docNumber, d.title, d.id, d.name].some(function (v) { return v && String(v).toLowerCase().indexOf(q) >= 0; });
    });
    hits.textContent = found.length + ' 个匹配 matches';
    if (found.length) {
      cy.elements().not(found.closedNeighborhood()).addClass('faded');
      found.addClass('match');
      cy.animate({ fit: { eles: found.closedNeighborhood(), padding: 60 } }, { duration: 300 });
    }
    return found;
  }
  window.kgSearch = find;
  box.addEventListener('input', function () { find(box.value); });
  box.addEventListener('keydown', function (e) {
    if (e.key === 'Enter') { var f = find(box.value); if (f.length) { pinned = f[0]; cy.elements().unselect(); f[0].select(); show(f[0]); } }
  });
  window.kgReady = true;
})();
"""


def to_html(g: nx.MultiDiGraph, title: str | None = None) -> str:
    """The page for ``g``."""
    e = html.escape
    title = title or str(g.graph.get("title") or "budget-kg")
    js = vendor_js().replace("</script", "<\\/script")
    app = APP.replace("KEYS.forEach", json.dumps(list(DETAIL_KEYS)) + ".forEach")
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="zh"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<header><h1>{e(title)}</h1>",
        '<input id="search" type="search" placeholder="搜索 search: 文号 number, 标题 title, 项目 project, 单位 unit" autocomplete="off">',
        f'<span id="hits"></span><span id="summary">{e(summary(g))}</span></header>',
        '<div id="cy"></div>',
        '<aside id="details"></aside>',
        _legend(g),
        f'<script type="application/json" id="graph-data">{script_json(elements(g))}</script>',
        f"<script>{js}</script>",
        f"<script>{app}</script>",
        "</body></html>",
        "",
    ])


def write_html(g: nx.MultiDiGraph, path: Path) -> None:
    Path(path).write_text(to_html(g), encoding="utf-8")
