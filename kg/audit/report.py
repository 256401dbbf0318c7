"""An audit report for people and programs: a terminal table, JSON, or a self-contained HTML page.

All three group the findings by document, then by check. Money is printed in yuan with thousands
separators and, when a fact compared is printed in a 万元 table, in 万元 too:

>>> money(Decimal("391308"), "万元")
'391,308 元 (39.1308 万元)'
>>> money(Decimal("1721300"), "万元"), money(Decimal("-8"), None), money(None, "万元")
('1,721,300 元 (172.13 万元)', '-8 元', '—')
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from decimal import Decimal
from itertools import groupby

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from kg.audit.run import AuditReport, Finding
from kg.money import fmt_yuan

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def figure(f, value: Decimal | None) -> str:
    """A figure of a finding as its check measures it: a count as a number, money as :func:`money`.

    >>> from types import SimpleNamespace as NS
    >>> figure(NS(check=NS(measure="count"), money_unit=None), Decimal("-49")), figure(NS(check=NS(measure="count")), None)
    ('-49', '—')
    """
    if f.check.measure == "count":
        return "—" if value is None else f"{value:,}"
    return money(value, f.money_unit)


def money(amount: Decimal | None, unit: str | None) -> str:
    """Yuan with separators; also 万元 (at least two decimals, more when the yuan need them) for a 万元 table."""
    if amount is None:
        return "—"
    text = f"{fmt_yuan(amount)} 元"
    if unit == "万元":
        wan = (amount / Decimal(10000)).normalize()
        places = max(2, -wan.as_tuple().exponent)
        text += f" ({wan:,.{places}f} 万元)"
    return text


def grouped(findings: list[Finding]) -> Iterator[tuple[str, Iterator[tuple[str, list[Finding]]]]]:
    """(document IRI, [(check id, findings)]) in document, check and finding order."""
    ordered = sorted(findings, key=lambda f: (f.file, f.doc, f.check.id, f.n))
    for doc, in_doc in groupby(ordered, key=lambda f: f.doc):
        yield doc, ((c, list(fs)) for c, fs in groupby(in_doc, key=lambda f: f.check.id))


# ---------------------------------------------------------------- json


def to_json(findings: list[Finding]) -> str:
    """A JSON list of findings, one object each (money as exact decimal strings in yuan)."""
    ordered = [f for _, checks in grouped(findings) for _, fs in checks for f in fs]
    return json.dumps([f.to_json() for f in ordered], ensure_ascii=False, indent=2)


# ---------------------------------------------------------------- table


def print_table(report: AuditReport, findings: list[Finding], console: Console) -> None:
    """Per document a heading; per check its severity, id and titles, a table of its findings (the
    figures compared and where the facts are printed), then each finding's source snippets."""
    if not findings:
        console.print("no findings")
        return
    for doc, checks in grouped(findings):
        console.print(f"\n[bold underline]{escape(report.titles.get(doc, doc))}[/bold underline]")
        for _, fs in checks:
            c = fs[0].check
            style = SEVERITY_STYLE[c.severity]
            console.print(f"\n[{style}]{c.severity}[/{style}] [bold]{escape(c.id)}[/bold]  {escape(c.title_zh)} | {escape(c.title_en)}")
            table = Table(header_style="bold")
            table.add_column("#", justify="right")
            table.add_column("message", overflow="fold", ratio=3)
            for name in ("expected", "actual", "difference"):
                table.add_column(name, justify="right", overflow="fold", ratio=2)
            for f in fs:
                diff = figure(f, f.difference) if f.difference is not None else "—"
                if f.tolerance:
                    diff += f" (tolerance {figure(f, f.tolerance)})"
                table.add_row(str(f.n), escape(f.message), figure(f, f.expected), figure(f, f.actual), diff)
            console.print(table)
            for f in fs:
                for x in f.facts:
                    console.print(f"  {f.n}  {escape(_fact_line(x, f.file))}")


def _where(x, file: str) -> str:
    """A fact's place, without the file when it is the finding's own document."""
    if x.file and x.file != file:
        return x.where
    if x.page is not None:
        return f"p.{x.page}"
    return f"line {x.line}" if x.line is not None else (x.file or x.iri)


def _fact_line(x, file: str) -> str:
    what = " ".join(p for p in (x.kind, _clip(x.label or "", 30)) if p)
    snippet = f"  “{_clip(' '.join((x.text or '').split()), 80)}”" if x.text else ""
    return f"{_where(x, file)}  {what}{snippet}"


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


# ---------------------------------------------------------------- html

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2rem auto;
max-width:72rem;padding:0 1rem;color:#1f2328;line-height:1.45}
h1{font-size:1.5rem;margin-bottom:.25rem}h2{font-size:1.2rem;border-bottom:2px solid #d0d7de;padding-bottom:.25rem;
margin-top:2.5rem}h3{font-size:1rem;margin:1.25rem 0 .5rem}
.summary{color:#57606a}.en{color:#57606a;font-weight:normal}
.badge{display:inline-block;border-radius:1rem;padding:0 .6rem;font-size:.8rem;font-weight:600;color:#fff;
vertical-align:middle;margin-right:.4rem}
.error .badge,.badge.error{background:#cf222e}.warning .badge,.badge.warning{background:#bf8700}
.info .badge,.badge.info{background:#0969da}
.finding{border:1px solid #d0d7de;border-left-width:6px;border-radius:6px;padding:.75rem 1rem;margin:.75rem 0}
.finding.error{border-left-color:#cf222e}.finding.warning{border-left-color:#bf8700}.finding.info{border-left-color:#0969da}
.message{margin:.25rem 0 .5rem}
table.figures{border-collapse:collapse;margin:.25rem 0 .75rem}
table.figures th,table.figures td{border:1px solid #d0d7de;padding:.2rem .6rem;text-align:right;font-variant-numeric:tabular-nums}
table.figures th{background:#f6f8fa;text-align:left}
.facts{display:grid;grid-template-columns:repeat(auto-fit,minmax(18rem,1fr));gap:.75rem}
.fact{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:.5rem .75rem;min-width:0}
.fact .where{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85rem;color:#0550ae}
.fact .what{font-size:.85rem;color:#57606a}
.fact pre{white-space:pre-wrap;word-break:break-all;tab-size:4;margin:.4rem 0 0;font-size:.9rem;background:#fff;
border:1px solid #d8dee4;border-radius:4px;padding:.4rem .5rem}
.iri{font-size:.75rem;color:#6e7781;word-break:break-all}
.details{font-size:.85rem;color:#57606a;margin:-.25rem 0 .6rem}
dl.checks dt{font-weight:600;margin-top:.5rem}dl.checks dd{margin-left:1.5rem;color:#57606a}
"""


def to_html(report: AuditReport, findings: list[Finding]) -> str:
    """A self-contained page: inline CSS, no script, nothing fetched."""
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>budget-kg audit</title>",
        f"<style>{CSS}</style></head><body>",
        "<h1>预算公开审核 <span class=\"en\">Budget disclosure audit</span></h1>",
        f'<p class="summary">{e(_summary(report, findings))}</p>',
    ]
    if not findings:
        parts.append("<p>No findings. 未发现问题。</p>")
    for doc, checks in grouped(findings):
        parts.append(f'<section class="document"><h2>{e(report.titles.get(doc, doc))}</h2>')
        parts.append(f'<div class="iri">{e(doc)}</div>')
        for _, fs in checks:
            c = fs[0].check
            parts.append(
                f'<h3 class="{e(c.severity)}"><span class="badge">{e(c.severity)}</span>{e(c.title_zh)} '
                f'<span class="en">{e(c.title_en)}</span> <span class="iri">{e(c.id)}</span></h3>'
            )
            parts.extend(_html_finding(f) for f in fs)
        parts.append("</section>")
    parts.append("<h2>Checks 检查项</h2><dl class=\"checks\">")
    for c in report.checks:
        tol = f" Tolerance 容差: {c.tolerance_text}." if c.tolerance_text else ""
        parts.append(
            f'<dt><span class="badge {e(c.severity)}">{e(c.severity)}</span>{e(c.id)}: {e(c.title_zh)} '
            f'<span class="en">{e(c.title_en)}</span></dt><dd>{e(c.question)}{e(tol)} <span class="iri">{e(str(c.path.name))}</span></dd>'
        )
    parts.append("</dl></body></html>")
    return "\n".join(parts) + "\n"


def _html_finding(f: Finding) -> str:
    e = html.escape
    rows = [("expected 预期", f.expected), ("actual 实际", f.actual), ("difference 差额", f.difference)]
    figures = "".join(f"<tr><th>{e(k)}</th><td>{e(figure(f, v))}</td></tr>" for k, v in rows if v is not None)
    if f.expected is not None or f.actual is not None:
        figures += f"<tr><th>tolerance 容差</th><td>{e(figure(f, f.tolerance))}</td></tr>"
    details = " · ".join(f"{k}: {v}" for k, v in f.details.items())
    facts = "".join(
        '<div class="fact">'
        f'<div class="where">{e(x.where or "(no source)")}</div>'
        f'<div class="what">{e(" · ".join(p for p in (x.kind, x.label, x.table, x.column) if p))}'
        f'{e(" · " + money(x.amount, x.money_unit)) if x.amount is not None else ""}</div>'
        f'<pre>{e(x.text or "")}</pre>'
        f'<div class="iri">{e(x.iri)}</div></div>'
        for x in f.facts
    )
    return (
        f'<div class="finding {e(f.severity)}" id="{e(f.node)}">'
        f'<div class="message"><span class="badge">{e(f.severity)}</span>{e(f.message)}</div>'
        + (f'<table class="figures">{figures}</table>' if figures else "")
        + (f'<div class="details">{e(details)}</div>' if details else "")
        + (f'<div class="facts">{facts}</div>' if facts else "")
        + f'<div class="iri">{e(f.node)}</div></div>'
    )


def _summary(report: AuditReport, shown: list[Finding]) -> str:
    hidden = len(report.findings) - len(shown)
    return report.summary() + (f"; {hidden} below the severity shown are left out" if hidden else "")
