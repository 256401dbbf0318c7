"""Compare an Extraction with a ground-truth record in the format of ../shared/gold/SCHEMA.md."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from kg.extract.citations import BASIS, role


def projects(ex) -> list[dict]:
    return [
        {"name": p.row.name, "amount_yuan": p.row.amount, "table": p.row.table, "subunit": p.row.subunit}
        for p in ex.projects if p.row is not None
    ]


def kpi_tables(ex) -> list[dict]:
    """KPI tables in document order, in the gold's shape."""
    out = []
    kpis = sorted((p for p in ex.projects if p.kpi is not None), key=lambda p: p.kpi.lines[0])  # document order, text or PDF
    for p in kpis:
        i = ex.projects.index(p)
        refs = [r for r in ex.references if r.project == i]
        basis = [r for r in refs if r.section == BASIS]
        out.append({
            "project_name": p.kpi.project_name,
            "matches_project": p.row.name if p.row else None,
            "annual_yuan": p.kpi.annual_total,
            "attribute": p.kpi.attribute,
            "implementing_unit": p.kpi.implementing_unit,
            "basis_text": p.kpi.fields.get(BASIS, ""),
            "basis_docnos": [r.docno for r in basis if r.docno],
            "basis_titles": [r.title for r in basis if r.title],
            "overview_docnos": sorted({r.docno for r in refs if r.docno and r.section != BASIS}),
            "indicators": Counter(
                (i.l1, i.l2, i.l3, i.target.text) for i in p.kpi.indicators if "年度" in i.sides
            ),
        })
    return out


def gold_kpi(g: dict) -> dict:
    return {
        "project_name": g["project_name"], "matches_project": g["matches_project"],
        "annual_yuan": Decimal(str(g["annual_yuan"])), "attribute": g["attribute"],
        "implementing_unit": g["implementing_unit"], "basis_text": g["basis_text"],
        "basis_docnos": g["basis_docnos"], "basis_titles": g["basis_titles"],
        "overview_docnos": sorted(set(g["overview_docnos"])),
        "indicators": Counter((i["l1"], i["l2"], i["l3"], i["value"]) for i in g["indicators"]),
    }


def docnos_anywhere(ex) -> set[tuple[str, str, str]]:
    """(canonical, as written, section): one per number and section, the first in document order."""
    first: dict[tuple[str, str], str] = {}
    for r in sorted((r for r in ex.references if r.docno), key=lambda r: r.span.line or 0):
        first.setdefault((r.docno, r.section), r.raw_docno)
    return {(d, raw, sec) for (d, sec), raw in first.items()}


def totals(ex) -> dict:
    row = {b.column: b.amount for b in ex.budget_lines if b.table_kind == "expenditure" and b.is_total}
    return {"total_yuan": row.get("合计"), "basic_yuan": row.get("基本支出"), "project_yuan": row.get("项目支出")}


def justification_edges(ex) -> set[tuple[str, str]]:
    """(project name, policy key) for every 立项依据 citation."""
    return {
        (ex.projects[r.project].name, r.key) for r in ex.references if r.project is not None and role(r) == "justifiedBy"
    }
