"""Every figure of the 说明 part, with what it is about and how it relates to the others.

The 说明 sections (not the 概况 of part one, the tables of part two, the glossary or appended documents) are
cut into paragraphs (a PDF line wrapped mid-sentence is joined to the next), the paragraphs into sentences at
。, and each sentence is read by the narrative pipeline (``kg/extract/nlp/narrative.cfg``,
:mod:`kg.extract.nlp.facts`), which says for each figure its topic, its role (the year's amount, a change
against a year and its rate, a share, a 年初 / 全年 预算 and the 决算, a completion rate, a count, a 决算-vs-预算
comparison word, an as-at date) and which other figures it relates to. Each fact keeps the line (or page) it
is printed on and its sentence as snippet.

A functional topic ("一般公共服务支出（类）财政事务（款）行政运行（项）", or a 类 printed by name) gets its code:
name by name from the national list (:func:`kg.codelists.functional_code`) or the names the document's
tables print; a level whose name matches neither is placed by the figure — the one line of the document's
一般公共预算 table under the known part of the code whose 合计 equals it — and the names stay as printed, so
that a name that disagrees with its code is a finding of the audit.

>>> from kg.model import Line, Section
>>> lines = [Line(no=1, text="", cells=["本年收入合计2946.25万元，其中：财政拨款收入2940.05万元，占99.79%；"]),
...          Line(no=2, text="", cells=["其他收入6.2万元，占0.21%；"])]
>>> facts = narrative_facts("f.txt", [Section("收入决算情况说明", lines[0], lines, part="第三部分")])
>>> [(f.topic, f.role, f.value, f.span.line) for f in facts]  # doctest: +NORMALIZE_WHITESPACE
[('income-total', 'amount', Decimal('29462500.00'), 1), ('fiscal-income', 'amount', Decimal('29400500.00'), 1),
 ('fiscal-income', 'share', Decimal('99.79'), 1), ('other-income', 'amount', Decimal('62000.0'), 2),
 ('other-income', 'share', Decimal('0.21'), 2)]
"""

from __future__ import annotations

import re
from bisect import bisect_right
from decimal import Decimal
from typing import TYPE_CHECKING

from kg import codelists
from kg.model import BudgetLine, Line, NarrativeFact, Section

if TYPE_CHECKING:  # the pipeline is spaCy's: imported when a document is read, not by the writer of a store
    from kg.extract.nlp.facts import FoundFact

__all__ = ["narrative_facts", "narrative_sections", "resolve_functional"]

#: parts whose text is not the 说明: the overview, the tables, the glossary, appended documents
SKIP_PARTS = ("第一部分", "第二部分", "第四部分", "附件")
_ITEM = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]+\s*[）)]|\d+\s*[、.．](?!\d))")
_END = "。；;！？!?："
_SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]?")


def narrative_sections(sections: list[Section]) -> list[Section]:
    """The sections of the 说明 part (all sections when the document heads no parts)."""
    return [s for s in sections if s.part not in SKIP_PARTS]


def _paragraphs(lines: list[Line]) -> list[tuple[str, list[tuple[int, Line]]]]:
    """(text, [(offset, line)]) per paragraph: a line continues the paragraph unless the previous one ended
    a sentence or this one opens a numbered item."""
    out: list[tuple[str, list[tuple[int, Line]]]] = []
    text, where = "", []
    for line in lines:
        t = "".join(line.tokens)
        if not t:
            continue
        if text and (text[-1] in _END or _ITEM.match(t)):
            out.append((text, where))
            text, where = "", []
        where.append((len(text), line))
        text += t
    if text:
        out.append((text, where))
    return out


def narrative_facts(
    file: str, sections: list[Section], skip: set[int] = frozenset(), budget_lines: list[BudgetLine] = (),
) -> list[NarrativeFact]:
    """Every fact of the 说明 sections, in order; links are indices into the returned list."""
    from kg.extract.nlp.components import make_doc
    from kg.extract.nlp.facts import Context
    from kg.extract.nlp.pipeline import load_narrative_pipeline

    nlp = load_narrative_pipeline()
    ctx = Context()
    placed: list[tuple[Line, str, str]] = []  # per fact: its line, sentence and section
    for sec in narrative_sections(sections):
        ctx.current = None
        lines = [l for l in sec.lines if not l.noise and l.no not in skip]
        for text, where in _paragraphs(lines):
            offsets = [o for o, _ in where]
            for m in _SENTENCE.finditer(text):
                sentence = m.group(0)
                if not re.search(r"\d|决算", sentence):
                    # a sentence without a figure still sets the topic a numbered item's figures are about
                    if not _ITEM.match(sentence) and "（类）" not in sentence and "(类)" not in sentence:
                        continue
                doc = make_doc(nlp, sentence)
                doc._.fact_context = ctx
                for _, proc in nlp.pipeline:
                    doc = proc(doc)
                for f in doc._.facts:
                    at = m.start() + f.start
                    line = where[max(0, bisect_right(offsets, at) - 1)][1]
                    placed.append((line, sentence.strip(), sec.title))
    out = [_fact(f, file, *p) for f, p in zip(ctx.facts, placed)]
    resolve_functional(out, budget_lines, {id(o): f.code for o, f in zip(out, ctx.facts) if f.code})
    return out


def _fact(f: FoundFact, file: str, line: Line, sentence: str, section: str) -> NarrativeFact:
    snippet = sentence if len(sentence) <= 160 else sentence[max(0, f.start - 80): f.end + 40]
    return NarrativeFact(
        topic=f.topic, label=f.label, role=f.role, span=line.span(file, snippet), section=section, value=f.value,
        unit=f.unit, printed_unit=f.printed_unit, half=f.half, word=f.word, names=f.names, year=f.year,
        compared_year=f.compared_year, as_of=f.as_of, budget_kind=f.budget_kind, note=f.note, over=f.over, over_topic=f.over_topic,
        base=f.base, change=f.change, numerator=f.numerator, denominator=f.denominator, budget=f.budget, final=f.final,
        prior=f.prior,
    )


# ---------------------------------------------------------------- functional codes


def _squeeze(s: str) -> str:
    return codelists.normalise(s)


def resolve_functional(facts: list[NarrativeFact], budget_lines: list[BudgetLine], printed_codes: dict | None = None) -> None:
    """Give each functional fact its code (see the module docstring); a chain resolved once is resolved for
    every fact printed with it."""
    printed_codes = printed_codes or {}
    printed: dict[str, dict[str, str]] = {}  # parent code ("" for the 类) → normalised name → code, as the tables print
    general: dict[str, Decimal] = {}  # code → 合计 of the 一般公共预算 table (else of the expenditure table)
    for b in budget_lines:
        if b.scheme != "functional" or not b.code:
            continue
        name = re.sub(r"^[一二三四五六七八九十]+、", "", b.row_label)
        printed.setdefault(b.code[:-2] if len(b.code) > 3 else "", {}).setdefault(_squeeze(name), b.code)
        if b.column in ("合计", "金额") and b.table_kind in ("general_expenditure", "expenditure"):
            if b.table_kind == "general_expenditure" or b.code not in general:
                general[b.code] = b.amount
    figure: dict[str, Decimal] = {}  # chain → the figure that places it: its 决算, else its amount
    for f in facts:
        if f.topic == "functional" and f.value is not None and f.role in ("final", "amount"):
            if f.role == "final" or f.label not in figure:
                figure[f.label] = f.value
    done: dict[str, tuple[str | None, str | None]] = {}
    for f in facts:
        if f.topic != "functional" or not f.names:
            continue
        if f.label not in done:
            done[f.label] = _resolve(f.names, figure.get(f.label), printed, general)
        f.code, note = done[f.label]
        if note:
            f.note = note
        if printed_codes.get(id(f)):  # the code the document prints beside the names wins
            f.code = printed_codes[id(f)]


def _child(parent: str | None, name: str, printed: dict[str, dict[str, str]]) -> str | None:
    return codelists.functional_code(name, parent) or printed.get(parent or "", {}).get(_squeeze(name))


def _resolve(names: tuple[str, ...], value: Decimal | None, printed, general) -> tuple[str | None, str | None]:
    code: str | None = None
    for depth, name in enumerate(names):
        if not name:
            break
        found = _child(code, name, printed)
        if found is None:
            if code is None or value is None:
                return code, None
            width = 3 + 2 * (len(names) - 1)
            hits = [c for c, a in general.items() if len(c) == width and c.startswith(code) and abs(a - value) <= 100]
            if len(hits) == 1:
                return hits[0], f"code {hits[0]} placed by its figure: the name '{name}' is no {('类', '款', '项')[depth]} under {code}"
            return code, None
        code = found
    return code, None
