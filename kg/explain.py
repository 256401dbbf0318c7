"""A debug view of one extraction: every fact with the page (or line), table and row it came from.

For whoever has to fix a new layout: ``kg ingest --explain FILE`` prints this instead of storing.
One fact per line, grep-friendly, in the order of the graph: document, tables and their
amounts, projects with their KPI tables and indicators, policy references, findings, and what
the reader or the extractors set aside.

>>> import kg
>>> from kg.pipeline import extract_file
>>> ex = extract_file(kg.SAMPLE / "demo-001_示范市数据服务中心_2025.txt")
>>> text = explain(ex)
>>> print(text[0])
document  示范市数据服务中心 2025 单位预算  (line 4)
>>> print(next(l for l in text if l.startswith("  amount  t3") and "20103 " in l))
  amount  t3 row 3  20103 政府办公厅（室）及相关机构事务 | 合计 = 3,954,700 元  (line 147)
"""

from __future__ import annotations

from kg.model import Extraction, Span
from kg.money import fmt_yuan


def at(span: Span | None) -> str:
    """Where a fact is: "page 12 @ 56,300" (PDF, with the top-left corner of its box) or "line 433"."""
    if span is None:
        return "?"
    box = f" @ {span.box[0]:.0f},{span.box[1]:.0f}" if span.page is not None and span.box else ""
    return span.where + box


def _clip(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def explain(ex: Extraction) -> list[str]:
    doc, src = ex.document, ex.source
    pages = f", {src.pages} pages" if src.pages else ""
    out = [f"document  {doc.unit_name} {doc.year} {doc.kind}  ({at(doc.span)})"]
    out.append(f"  source  {src.name}: {len(src.lines)} lines{pages}, region {doc.region or '?'}")
    unit = ex.unit
    if unit.department:
        out.append(f"  department  {unit.department.code or ''} {unit.department.name}  ({at(unit.department.span)})")
    for v in unit.variants:
        out.append(f"  variant  {v}")
    by_table: dict[int, list] = {}
    for b in ex.budget_lines:
        by_table.setdefault(b.table_index, []).append(b)
    for t in ex.tables:
        state = "empty" if t.empty else f"{len(t.rows)} rows"
        out.append(f"table t{t.index}  {t.kind}  {t.title}  [{t.money_unit or '?'}]  {state}  ({at(t.title_line.span(src.name))})")
        for b in by_table.get(t.index, []):
            code = f"{b.code} " if b.code else ""
            side = f"{b.side}: " if b.side else ""
            out.append(
                f"  amount  t{t.index} row {b.row_index}  {side}{code}{b.row_label} | {b.column} = {fmt_yuan(b.amount)} 元  ({at(b.span)})"
            )
    for b in by_table.get(0, []):
        out.append(f"  stated  {b.table_kind}  {b.row_label} | {b.column} = {fmt_yuan(b.amount)} 元  in 「{b.table_title}」 ({at(b.span)})")
    if ex.stated_targets:
        out.append(f"  stated  projects with targets = {ex.stated_targets[0]}  ({at(ex.stated_targets[1])})")
    for n, p in enumerate(ex.projects, start=1):
        amount = p.row.amount if p.row else (p.kpi.annual_total if p.kpi else None)
        money = f"{fmt_yuan(amount)} 元" if amount is not None else "amount unread"
        out.append(f"project {n}  {p.name}  {money}")
        if p.row:
            out.append(f"  row  {p.row.table} {p.row.subunit or ''}  ({at(p.row.span)})")
        if p.kpi:
            k = p.kpi
            score = f"  match {p.match_score:.2f}" if p.match_score is not None else ""
            out.append(f"  {k.title or '绩效目标表'}  '{k.project_name}'{score}  ({at(k.span)})")
            for label, text in k.fields.items():
                out.append(f"    field  {label}: {_clip(text)}  ({at(k.field_spans.get(label))})")
            for part in k.parts:
                out.append(f"    part  {part.name} = {fmt_yuan(part.amount)} 元  ({at(part.span)})")
            for i in k.indicators:
                period = f" (实施期 {i.period_target.text})" if i.period_target else ""
                out.append(f"    indicator  {i.l1 or ''}/{i.l2 or ''}/{i.l3} = {i.target.text}{period}  ({at(i.span)})")
            for note in k.notes:
                out.append(f"    note  {note}")
    for r in ex.references:
        whose = f"project {r.project + 1}" if r.project is not None else "document"
        canonical = r.docno or (f"《{r.title}》" if r.title else r.raw)
        out.append(f"reference  {canonical}  ← '{_clip(r.raw, 40)}'  {r.section}, {whose}  ({at(r.span)})")
    for f in ex.findings:
        out.append(f"finding  {f.severity} {f.check_id}: {f.message}  ({at(f.span)})")
    for note in ex.notes:
        out.append(f"note  {note}")
    out.extend(_completeness(ex))
    return out


def _completeness(ex: Extraction) -> list[str]:
    """The reading against the document's own contents: each listed table and what became of it."""
    c = ex.completeness
    if c is None:
        return []
    state = "complete" if c.complete else "INCOMPLETE"
    contents = f"{len(c.listed)} tables listed" if c.has_contents else "no contents"
    out = [
        f"completeness  {state}: {contents}, {c.tables_found} found, {c.rows_read} rows and {c.budget_lines} amounts read, "
        f"{c.parents_adding_up} of {c.parents_checked} parent rows add up"
    ]
    for t in c.listed:
        where = f" → t{t.table_index}" if t.table_index is not None else ""
        note = f"  ({t.note})" if t.note else ""
        out.append(f"  listed  {t.status}  {t.kind}  {t.title}{where}{note}  ({at(t.span)})")
    for title in c.unlisted:
        out.append(f"  unlisted  {title}")
    for p in c.problems:
        out.append(f"  problem  {p}")
    return out
