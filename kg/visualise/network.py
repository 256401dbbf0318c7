"""The store → a networkx graph of policies, projects, units, issuers and (optionally) indicators.

Every node is an IRI (str) with ``kind`` ∈ :data:`KINDS`, a ``label``, where it comes from (``source``:
"002_….txt line 123" or "x.pdf p. 33", ``snippet``: the source text, clipped) and, for the kinds that carry
money, ``amount`` in yuan as a ``Decimal``: a project's budget; for a policy, the sum of the distinct projects it
justifies; for a unit, the sum of the projects it implements. Edges (kind, direction):

- ``justifies``       policy → project   (bk:justifiedBy, the project's 立项依据)
- ``mentions``        policy → project   (bk:mentions: 项目概况 …), or policy → unit when the unit's own
  document mentions it in its narrative (``via="document"``)
- ``implementedBy``   project → unit     (bk:implementedBy); ``listedUnder`` when a department's table lists
  the project under another unit
- ``issuedBy``        policy → issuer    (bk:issuedBy, only where resolved)
- ``cites`` / ``forwards`` / ``basedOn``  policy → policy (bk:cites and its sub-properties, the most specific one)
- ``hasIndicator``    project → indicator (only with ``indicators=True``)

One edge per pair and kind (its key is the kind); ``citations`` counts the citations behind it and ``source`` is
the first of them. The questions are the SPARQL files in ``queries/graph/``.

Example (a store built by ``kg ingest``)::

    from kg.store import Store
    from kg.visualise.network import build_network

    with Store("kg-store") as store:
        g = build_network(store, policy="同办字[2019]116号", depth=1)
    [(n, d["kind"], d["label"]) for n, d in g.nodes(data=True)]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

import networkx as nx
from kg.errors import KgError
from kg.reader import Reader
from kg.trace import resolve


KINDS = ("policy", "project", "unit", "issuer", "indicator")

# edge kind → (short Chinese label, English)
EDGE_LABELS = {
    "justifies": ("立项依据", "justifies"),
    "mentions": ("提及", "mentioned by"),
    "implementedBy": ("实施单位", "implemented by"),
    "listedUnder": ("所列单位", "listed under"),
    "issuedBy": ("发文机关", "issued by"),
    "cites": ("引用", "cites"),
    "forwards": ("转发", "forwards"),
    "basedOn": ("依据", "based on"),
    "hasIndicator": ("绩效指标", "has indicator"),
}

SNIPPET = 160  # characters of source text kept on a node or an edge


class GraphError(KgError):
    """A graph cannot be drawn: nothing matches a filter, the graph is empty, or the output is not supported."""


# ---------------------------------------------------------------- helpers


def query(name: str) -> str:
    """The text of ``queries/graph/<name>.rq``."""
    from kg.resources import queries_dir, read_text

    return read_text(queries_dir() / "graph" / f"{name}.rq", f"the graph query {name}")


def where(file: str | None, line: int | None = None, page: int | None = None) -> str | None:
    """"x.pdf p. 33" for a PDF page, "000.txt line 783" for a text line, the file alone without either.

    >>> where("000.txt", line=783), where("x.pdf", page=33), where(None)
    ('000.txt line 783', 'x.pdf p. 33', None)
    """
    if not file:
        return None
    if page is not None:
        return f"{file} p. {page}"
    if line is not None:
        return f"{file} line {line}"
    return file


def clip(text: str | None, n: int = SNIPPET) -> str | None:
    """``text`` on one line, at most ``n`` characters (an ellipsis marks a cut).

    >>> clip("a\\tb\\n c", 10), clip("一二三四五六", 4)
    ('a b c', '一二三…')
    """
    if text is None:
        return None
    flat = " ".join(text.split())
    return flat if len(flat) <= n else flat[: n - 1] + "…"


def _set(attrs: dict, **values) -> dict:
    """``attrs`` with the values that are not None."""
    attrs.update({k: v for k, v in values.items() if v is not None})
    return attrs


# ---------------------------------------------------------------- the whole graph


def full_network(store: Reader, *, indicators: bool = False) -> nx.MultiDiGraph:
    """Every policy, project, unit and issuer of the store (and indicator, if asked), with every edge."""
    g = nx.MultiDiGraph()
    _add_units(g, store.select(query("units")))
    _add_projects(g, store.select(query("projects")))
    _add_policies(g, store.select(query("policies")))
    _add_project_citations(g, store.select(query("project-citations")))
    _add_document_mentions(g, store.select(query("document-mentions")))
    _add_policy_citations(g, store.select(query("policy-citations")))
    _add_issuers(g, store.select(query("issuers")))
    if indicators:
        _add_indicators(g, store.select(query("indicators")))
    _sum_money(g)
    return g


def _add_units(g: nx.MultiDiGraph, rows: list[dict]) -> None:
    for r in rows:
        files = sorted((r["files"] or "").split())
        g.add_node(r["unit"], **_set(
            {"kind": "unit", "label": r["name"] or r["unit"].rsplit("/", 1)[-1]},
            source=files[0] if files else None, documents=" ".join(files) or None, departmentCode=r["code"],
            grade=r["grade"], region=r["region"], department=bool(r["department"]), parent=r["parentName"],
        ))


def _add_projects(g: nx.MultiDiGraph, rows: list[dict]) -> None:
    for r in rows:
        p = r["project"]
        g.add_node(p, **_set(
            {"kind": "project", "label": r["name"] or p},
            amount=r["amount"], year=r["year"], source=where(r["file"], r["line"], r["page"]), file=r["file"],
            line=r["line"], page=r["page"], snippet=clip(r["snippet"]),
        ))
        if r["unit"]:
            _unit(g, r["unit"])
            g.add_edge(p, r["unit"], key="implementedBy", **_edge("implementedBy"))
        if r["listedUnder"] and r["listedUnder"] != r["unit"]:
            _unit(g, r["listedUnder"])
            g.add_edge(p, r["listedUnder"], key="listedUnder", **_edge("listedUnder"))


def _unit(g: nx.MultiDiGraph, unit: str) -> None:
    if unit not in g:  # a unit units.rq did not describe (cannot happen with the current queries)
        g.add_node(unit, kind="unit", label=unit.rsplit("/", 1)[-1])


def _add_policies(g: nx.MultiDiGraph, rows: list[dict]) -> None:
    for r in rows:
        kinds = sorted(set((r["kinds"] or "").split()))
        g.add_node(r["policy"], **_set(
            {"kind": "policy", "label": r["docno"] or r["label"] or r["title"] or r["policy"]},
            docNumber=r["docno"], title=r["title"], issuerCode=r["code"], year=r["year"], level=r["level"],
            levelRank=int(r["levelRank"]) if r["levelRank"] else None, region=r["region"],
            policyKind=" ".join(kinds) or None, source=where(r["file"], r["line"], r["page"]), file=r["file"],
            line=r["line"], page=r["page"], snippet=clip(r["snippet"]), embedded=True if r["file"] else None,
            reproducedIn=int(r["copies"]) or None,  # how many budget documents print its full text (source: the first)
        ))


def _edge(kind: str, **attrs) -> dict:
    zh, en = EDGE_LABELS[kind]
    return _set({"kind": kind, "label": zh, "labelEn": en}, **attrs)


def _cited(g: nx.MultiDiGraph, u: str, v: str, kind: str, rows: list[dict], **extra) -> None:
    """One edge for the citations ``rows`` (ordered; the first gives the source), with their count."""
    first = rows[0]
    g.add_edge(u, v, key=kind, **_edge(
        kind, source=where(first["file"], first["line"], first["page"]), file=first["file"], line=first["line"],
        page=first["page"], snippet=clip(first["snippet"]), section=first.get("section"), raw=first.get("raw"),
        citations=sum(1 for r in rows if r["file"]), **extra,
    ))


def _grouped(rows: Iterable[dict], *keys: str) -> dict[tuple, list[dict]]:
    out: dict[tuple, list[dict]] = defaultdict(list)
    for r in rows:
        out[tuple(r[k] for k in keys)].append(r)
    return out


def _add_project_citations(g: nx.MultiDiGraph, rows: list[dict]) -> None:
    for (policy, project, role), rs in _grouped(rows, "policy", "project", "role").items():
        if policy in g and project in g:
            _cited(g, policy, project, "justifies" if role == "justifiedBy" else "mentions", rs)


def _add_document_mentions(g: nx.MultiDiGraph, rows: list[dict]) -> None:
    for (policy, unit), rs in _grouped(rows, "policy", "unit").items():
        if policy in g:
            _unit(g, unit)
            _cited(g, policy, unit, "mentions", rs, via="document", year=rs[0]["year"], label="文中提及",
                   labelEn="mentioned in the document of")


def _add_policy_citations(g: nx.MultiDiGraph, rows: list[dict]) -> None:
    for r in rows:
        if r["from"] in g and r["to"] in g:
            _cited(g, r["from"], r["to"], r["relation"], [r])


def _add_issuers(g: nx.MultiDiGraph, rows: list[dict]) -> None:
    for r in rows:
        if r["policy"] not in g:
            continue
        organ = r["organ"]
        if organ not in g:
            g.add_node(organ, **_set(
                {"kind": "issuer", "label": r["name"] or organ.rsplit("/", 1)[-1]},
                region=r["region"], level=r["level"], levelRank=int(r["levelRank"]) if r["levelRank"] else None,
            ))
        g.add_edge(r["policy"], organ, key="issuedBy", **_edge("issuedBy"))


def _add_indicators(g: nx.MultiDiGraph, rows: list[dict]) -> None:
    for r in rows:
        project, ind = r["project"], r["indicator"]
        if project not in g:
            continue
        name = r["name"] or ind.rsplit("/", 1)[-1]
        g.add_node(ind, **_set(
            {"kind": "indicator", "label": f"{name} {r['target']}" if r["target"] else name},
            name=name, target=r["target"], level1=r["level1"], level2=r["level2"], sequence=r["seq"],
            year=g.nodes[project].get("year"), source=where(r["file"], r["line"], r["page"]), file=r["file"],
            line=r["line"], page=r["page"], snippet=clip(r["snippet"]),
        ))
        g.add_edge(project, ind, key="hasIndicator", **_edge("hasIndicator"))


def _money(g: nx.MultiDiGraph, projects: Iterable[str]) -> Decimal | None:
    amounts = [g.nodes[p]["amount"] for p in set(projects) if g.nodes[p].get("amount") is not None]
    return sum(amounts, Decimal(0)) if amounts else None


def _sum_money(g: nx.MultiDiGraph) -> None:
    """A policy's amount: its distinct justified projects; a unit's: its projects; with their counts.
    A policy with no source of its own takes its first citation's."""
    for n, d in g.nodes(data=True):
        if d["kind"] == "policy":
            out = sorted(g.out_edges(n, keys=True, data=True), key=lambda e: (e[3].get("file") or "~", e[3].get("page") or 0, e[3].get("line") or 0))
            justified = [v for _, v, k, _ in out if k == "justifies"]
            _set(d, amount=_money(g, justified), projects=len(set(justified)) or None)
            if "source" not in d:
                first = next((e for _, _, _, e in out if e.get("source")), None)
                if first:
                    _set(d, source=first["source"], file=first.get("file"), line=first.get("line"),
                         page=first.get("page"), snippet=first.get("snippet"))
        elif d["kind"] == "unit":
            projects = [u for u, _, k in g.in_edges(n, keys=True) if k == "implementedBy"]
            _set(d, amount=_money(g, projects), projects=len(projects) or None)


# ---------------------------------------------------------------- filters


def build_network(
    store: Reader, *, policy: str | None = None, unit: str | None = None, issuer: str | None = None,
    year: int | None = None, depth: int = 2, indicators: bool = False,
) -> nx.MultiDiGraph:
    """The graph of the store, or the neighbourhood of what the filters match.

    ``policy``: a document number in any spelling, or a fragment of a title (as ``kg trace`` reads it);
    ``unit``: a fragment of a unit's name, or its IRI; ``issuer``: an issuer-code prefix (晋财, 同办字) or a
    fragment of an organ's name (山西省财政厅). The nodes they match are the seeds (all of them when several
    filters are given), and the graph is every node within ``depth`` hops of a seed, whatever the edges'
    direction. ``year`` keeps only the projects (and document mentions) of that fiscal year; alone, it seeds
    the graph with them. Without a filter: the whole graph. With ``indicators``, each project of the graph
    brings its indicators (they do not count as hops).

    Raises :class:`GraphError` when a filter matches nothing.
    """
    if depth < 0:
        raise GraphError(f"depth must be 0 or more, not {depth}")
    g = full_network(store, indicators=False)
    if year is not None:
        _keep_year(g, year)
    seeds: set[str] = set()
    named: list[str] = []
    if policy is not None:
        matched = match_policy(store, g, policy)
        named = sorted(g.nodes[p]["label"] for p in matched)
        seeds |= matched
    if unit is not None:
        seeds |= match_unit(g, unit)
    if issuer is not None:
        seeds |= match_issuer(g, issuer)
    if year is not None and not seeds and policy is None and unit is None and issuer is None:
        seeds = {n for n, d in g.nodes(data=True) if d["kind"] == "project"}
        if not seeds:
            raise GraphError(f"no project of fiscal year {year} in the store")
    if seeds:
        keep = neighbourhood(g, seeds, depth)
        g = g.subgraph(keep).copy()
        for n in seeds:
            g.nodes[n]["seed"] = True
    if indicators:
        _attach_indicators(store, g)
    hops = depth if seeds else None
    g.graph.update(_set({"title": title(named, unit, issuer, year, hops)},
                        policy=policy, unit=unit, issuer=issuer, year=year, depth=hops, indicators=indicators or None))
    return g


def title(policies: list[str] | None = None, unit: str | None = None, issuer: str | None = None,
          year: int | None = None, depth: int | None = None) -> str:
    """A one-line title naming what the graph shows.

    >>> title(["同办字〔2019〕116号"], depth=2)
    '同办字〔2019〕116号 · depth 2'
    >>> title(unit="财政信息中心", year=2024, depth=1)
    '单位 unit 财政信息中心 · 2024年度 · depth 1'
    >>> title()
    'budget-kg: policies, projects, units and issuers'
    """
    parts = []
    if policies:
        parts.append("、".join(policies[:2]) + ("…" if len(policies) > 2 else ""))
    if unit:
        parts.append(f"单位 unit {unit}")
    if issuer:
        parts.append(f"发文机关 issuer {issuer}")
    if year is not None:
        parts.append(f"{year}年度")
    if not parts:
        return "budget-kg: policies, projects, units and issuers"
    if depth is not None:
        parts.append(f"depth {depth}")
    return " · ".join(parts)


def _keep_year(g: nx.MultiDiGraph, year: int) -> None:
    """Drop the projects of other years, and the document mentions of other years; recompute the sums."""
    g.remove_nodes_from([n for n, d in g.nodes(data=True) if d["kind"] == "project" and d.get("year") != year])
    g.remove_edges_from([(u, v, k) for u, v, k, d in g.edges(keys=True, data=True)
                         if d.get("via") == "document" and d.get("year") != year])
    for _, d in g.nodes(data=True):
        if d["kind"] in ("policy", "unit"):
            d.pop("amount", None)
            d.pop("projects", None)
    _sum_money(g)


def neighbourhood(g: nx.MultiDiGraph, seeds: Iterable[str], depth: int) -> set[str]:
    """Nodes within ``depth`` hops of a seed, edges taken in both directions."""
    seen = set(seeds)
    frontier = set(seen)
    for _ in range(depth):
        nxt = set()
        for n in frontier:
            nxt.update(g.successors(n))
            nxt.update(g.predecessors(n))
        frontier = nxt - seen
        seen |= frontier
        if not frontier:
            break
    return seen


def _of_kind(g: nx.MultiDiGraph, kind: str) -> list[tuple[str, dict]]:
    return [(n, d) for n, d in g.nodes(data=True) if d["kind"] == kind]


def match_policy(store: Reader, g: nx.MultiDiGraph, text: str) -> set[str]:
    """The policy nodes ``text`` names (any spelling of a number, a law's title, a fragment of a title)."""
    canonical, iris = resolve(store, text)
    found = {p for p in iris if p in g and g.nodes[p]["kind"] == "policy"}
    if not found:
        raise GraphError(f"no policy {canonical or text} in the store" if canonical
                         else f"no policy in the store has a number or title matching {text!r}")
    return found


def match_unit(g: nx.MultiDiGraph, text: str) -> set[str]:
    """Units whose IRI is ``text`` or whose name contains it."""
    t = text.strip()
    found = {n for n, d in _of_kind(g, "unit") if n == t or t in d["label"]}
    if not found:
        raise GraphError(f"no unit in the store has a name containing {text!r}")
    return found


def match_issuer(g: nx.MultiDiGraph, text: str) -> set[str]:
    """Policies whose issuer code starts with ``text``, and organs whose name contains it (with their policies)."""
    t = text.strip()
    organs = {n for n, d in _of_kind(g, "issuer") if n == t or t in d["label"]}
    found = {n for n, d in _of_kind(g, "policy") if (d.get("issuerCode") or "").startswith(t)}
    found |= {p for o in organs for p in g.predecessors(o)}
    if not found and not organs:
        raise GraphError(f"no policy in the store has an issuer code starting with {text!r} or an issuer named so")
    return found | organs


def _attach_indicators(store: Reader, g: nx.MultiDiGraph) -> None:
    projects = {n for n, d in g.nodes(data=True) if d["kind"] == "project"}
    if not projects:
        return
    rows = [r for r in store.select(query("indicators")) if r["project"] in projects]
    _add_indicators(g, rows)


def counts(g: nx.MultiDiGraph) -> tuple[dict[str, int], dict[str, int]]:
    """(nodes by kind, edges by kind), kinds in drawing order, only those present."""
    nodes: dict[str, int] = defaultdict(int)
    edges: dict[str, int] = defaultdict(int)
    for _, d in g.nodes(data=True):
        nodes[d["kind"]] += 1
    for *_, d in g.edges(data=True):
        edges[d["kind"]] += 1
    return ({k: nodes[k] for k in KINDS if k in nodes}, {k: edges[k] for k in EDGE_LABELS if k in edges})


def summary(g: nx.MultiDiGraph) -> str:
    """"8 nodes (1 policy, 3 projects …), 9 edges (3 justifies …)"."""
    nodes, edges = counts(g)
    plural = {"policy": "policies"}
    n = ", ".join(f"{c} {k if c == 1 else plural.get(k, k + 's')}" for k, c in nodes.items())
    e = ", ".join(f"{c} {k}" for k, c in edges.items())
    return f"{g.number_of_nodes()} nodes ({n}), {g.number_of_edges()} edges ({e})"


__all__ = ["EDGE_LABELS", "GraphError", "KINDS", "build_network", "counts", "full_network", "neighbourhood",
           "summary", "title", "where", "clip"]
