"""Figures read by OCR: the table's arithmetic chooses between readings; an uncertain figure is flagged.

The recogniser says, for each figure of a scanned page, how sure it is and which other readings its
uncertain characters allow (:func:`kg.read.scan.readings`: a 3 that may be an 8, a 1 that may be a
7, a decimal point the scan lost). Two steps, after the budget lines are read:

- :func:`choose_readings`: in a table whose arithmetic fails (:mod:`kg.extract.arithmetic`), each
  other reading of each of its figures is tried; the one reading that leaves the table with the
  fewest failing sums — fewer than now, and no other reading doing as well — is taken, the printed
  reading kept in a note on the line. Repeated while it helps. Arithmetic that cannot tell two
  readings apart chooses neither: the figure stays as read, and flagged.
- :func:`uncertain_figures`: every figure read with less than :data:`LOW_CONFIDENCE`, and not
  confirmed by a reading its arithmetic chose, is an ``ocr-uncertain-figure`` finding concerning its
  budget line: flagged, not trusted. Figures breaking their table's arithmetic are findings already.
"""

from __future__ import annotations

from kg.extract.arithmetic import arithmetic_findings
from kg.model import BudgetLine, Finding, Table
from kg.money import fmt_yuan

UNCERTAIN = "ocr-uncertain-figure"
#: a figure OCR read with less confidence than this (its least sure character) is flagged
LOW_CONFIDENCE = 0.90
#: rounds of choosing (each takes at most one reading per table)
ROUNDS = 8


def _failing(lines: list[BudgetLine], table: Table) -> int:
    return len(arithmetic_findings(lines, [table]))


def choose_readings(lines: list[BudgetLine], tables: list[Table]) -> list[int]:
    """Take the readings the tables' arithmetic agrees with (see the module's docstring); the indexes
    of the lines changed."""
    by_index = {t.index: t for t in tables}
    uncertain = {ln.table_index for ln in lines if ln.readings and ln.table_index in by_index}
    changed: list[int] = []
    for t_index in sorted(uncertain):
        table = by_index[t_index]
        now = _failing(lines, table)
        for _ in range(ROUNDS):
            if now == 0:
                break
            tried: list[tuple[int, int, object]] = []
            for i, ln in enumerate(lines):
                if ln.table_index != t_index or not ln.readings or i in changed:
                    continue
                printed = ln.amount
                for alt in ln.readings:
                    ln.amount = alt
                    tried.append((_failing(lines, table), i, alt))
                ln.amount = printed
            if not tried:
                break
            best = min(n for n, _, _ in tried)
            winners = [(i, alt) for n, i, alt in tried if n == best]
            if best >= now or len(winners) != 1:
                break  # no reading helps, or the arithmetic cannot tell two apart
            (i, alt), = winners
            ln = lines[i]
            ln.note = (f"OCR read {fmt_yuan(ln.amount)} 元; {fmt_yuan(alt)} 元, another reading of the same print, "
                       f"is the one its table's sums agree with")
            ln.amount = alt
            changed.append(i)
            now = best
    return changed


def uncertain_figures(lines: list[BudgetLine], chosen: list[int] = ()) -> list[Finding]:
    """An ``ocr-uncertain-figure`` finding for each figure read with low confidence (not one whose
    reading the arithmetic chose)."""
    out = []
    for i, ln in enumerate(lines):
        conf = ln.span.confidence
        if conf is None or conf >= LOW_CONFIDENCE or i in chosen:
            continue
        others = ", ".join(fmt_yuan(a) for a in ln.readings)
        out.append(Finding(
            check_id=UNCERTAIN, severity="warning",
            message=(f"{ln.table_title}: row '{ln.row_label}', column {ln.column}: {fmt_yuan(ln.amount)} 元 read by OCR "
                     f"with confidence {conf:.2f}" + (f" (it may also read {others} 元)" if others else "")
                     + ": not to be trusted without a look at the page"),
            span=ln.span, actual=ln.amount, lines=(i,),
        ))
    return out
