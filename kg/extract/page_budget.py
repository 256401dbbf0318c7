"""The 年度预算安排 of a project page → the year's amount and the parts it is made of.

A page states the year's money in one of three ways, and this reads all of them:

- a total: "2025年预算安排300万元", "年度预算为1,200,000元" (:data:`TOTAL`; a figure for the year is
  preferred to a total over the whole project, "项目总预算");
- the parts it is made of, listed after 其中 ("其中：设备购置费120万元，软件开发费80万元") or one
  per numbered line ("（一）设备购置费120万元"): each is kept with its name and exact amount. A split
  by source (一般公共预算, 单位自筹 …) is not a list of parts and is left out (a note says so);
- quarterly plans (第一季度用款计划158.05万元 …), which add up to the year's money.

With no stated total the year's money is the sum of the parts, else of the plans, and a note says
which. When both a total and parts are printed the parts must add up to the total; a note says so
when they do not (:func:`parts_disagree` gives the two figures).

>>> from kg.read.text import lines_from_text
>>> ls = lines_from_text("2025年预算安排300万元，其中：设备购置费120万元，软件开发费80万元，运维服务费90万元。")
>>> b = read_budget([(l, l.text) for l in ls], "f.txt")
>>> b.total, [(p.name, p.amount) for p in b.parts]
(Decimal('3000000'), [('设备购置费', Decimal('1200000')), ('软件开发费', Decimal('800000')), ('运维服务费', Decimal('900000'))])
>>> b.notes
['the parts listed in 年度预算安排 add up to 2,900,000 元, not the 3,000,000 元 it states']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from kg.model import BudgetPart, Line
from kg.money import fmt_yuan, parse_amount, to_yuan
from kg.segment.project_pages import numbering

_MONEY = r"(?P<num>\d[\d,，]*(?:\.\d+)?)\s*(?P<unit>万元|元)"
_JOIN = r"(?:为|是|共|共计|合计|总计|计|约)?\s*[:：]?\s*"
#: the year's money, most specific first
TOTAL = (
    re.compile(r"(?:\d{4}年度?|年度|本年度?|当年)(?:预算安排|安排预算|安排资金|预算资金|预算金额|预算总额|预算数|预算|安排)" + _JOIN + _MONEY),
    re.compile(r"(?:预算安排|安排预算|安排资金|预算资金|预算金额|预算总额|预算数)" + _JOIN + _MONEY),
    re.compile(r"(?:总预算|项目预算|合计|总计|共计)" + _JOIN + _MONEY),
)
PLAN = re.compile(r"用款计划\s*(?:为)?\s*" + _MONEY)
#: a part: its name, then its amount ("设备购置费120万元", "设备购置费：120万元", "设备购置费为120万元")
PART = re.compile(r"^(?P<name>[^，,；;、。：:]{2,30}?)" + _JOIN + _MONEY)
_LEAD = re.compile(r"^(?:主要用于|用于|包括|含|安排)")
_NOT_PART = re.compile(r"季度|月份|\d+月|用款计划|^(?:合计|总计|共计|小计|年度预算|预算安排|总预算|预算)")
#: names of a split by source, not of parts
SOURCE = re.compile(r"一般公共预算|政府性基金|国有资本经营|财政拨款|财政资金|专户|单位自筹|自筹|单位资金|上年结转|其他资金")
_SUCH_AS = re.compile(r"其中\s*[:：，,]?")
_CHUNK = re.compile(r"[；;、]|[，,](?!\d{3}(?!\d))")  # a comma between parts, not inside "1,200,000"


@dataclass
class PageBudget:
    """What a 年度预算安排 says: the year's money, its parts, and how the figure was arrived at."""

    total: Decimal | None = None
    parts: list[BudgetPart] = field(default_factory=list)
    stated: Decimal | None = None  # the total as printed, when it is printed
    notes: list[str] = field(default_factory=list)


def _yuan(m: re.Match) -> Decimal | None:
    value = parse_amount(m.group("num").replace("，", ","))
    return to_yuan(value, m.group("unit")) if value is not None else None


def _part(chunk: str, line: Line, file: str) -> tuple[BudgetPart | None, bool]:
    """A part read from one chunk of text, and whether the chunk names a source instead."""
    m = PART.match(chunk.strip())
    if not m:
        return None, False
    name = _LEAD.sub("", m.group("name").strip()).strip()
    amount = _yuan(m)
    if amount is None or len(name) < 2 or _NOT_PART.search(name):
        return None, False
    if SOURCE.search(name):
        return None, True
    return BudgetPart(name=name, amount=amount, span=line.span(file, m.group(0).strip())), False


def _parts(texts: list[tuple[Line, str]], file: str) -> tuple[list[BudgetPart], bool, list[str]]:
    """The parts listed, whether a split by source was seen, and the text left for the total."""
    parts: list[BudgetPart] = []
    by_source = False
    rest: list[str] = []
    for line, text in texts:
        t = text.strip()
        chunks: list[str] = []
        num = numbering(t)
        m = _SUCH_AS.search(t)
        if num is not None:  # one part per numbered line
            chunks = [num[2]]
        elif m is not None:  # the parts 其中 lists, up to the end of its sentence
            listed, _, after = t[m.end():].partition("。")
            chunks = _CHUNK.split(listed)
            rest.extend((t[: m.start()], after))
        else:
            rest.append(t)
        found = False
        for chunk in chunks:
            part, source = _part(chunk, line, file)
            by_source |= source
            if part is not None:
                parts.append(part)
                found = True
        if num is not None and not found:
            rest.append(t)
    return parts, by_source, rest


def _stated(rest: list[str]) -> Decimal | None:
    text = "".join(rest)
    for pattern in TOTAL:
        if (m := pattern.search(text)) is not None:
            return _yuan(m)
    return None


def read_budget(texts: list[tuple[Line, str]], file: str) -> PageBudget:
    """Read the 年度预算安排 part: its lines, each with the text that belongs to the part."""
    parts, by_source, rest = _parts(texts, file)
    out = PageBudget(parts=parts, stated=_stated(rest))
    if by_source:
        out.notes.append("年度预算安排 splits the money by source: the split is not read as the project's parts")
    listed = sum((p.amount for p in parts), Decimal(0))
    if out.stated is not None:
        out.total = out.stated
        if parts and listed != out.stated:
            out.notes.append(f"the parts listed in 年度预算安排 add up to {fmt_yuan(listed)} 元, not the {fmt_yuan(out.stated)} 元 it states")
    elif parts:
        out.total = listed
        out.notes.append(f"年度资金总额 is the sum of the {len(parts)} parts listed in 年度预算安排")
    else:
        plans = [a for m in PLAN.finditer("".join(t for _, t in texts)) if (a := _yuan(m)) is not None]
        if plans:
            out.total = sum(plans, Decimal(0))
            out.notes.append(f"年度资金总额 is the sum of {len(plans)} 用款计划 figures in 年度预算安排")
        else:
            out.notes.append("年度预算安排 states no amount that can be read")
    return out


def parts_disagree(budget: PageBudget) -> tuple[Decimal, Decimal] | None:
    """(stated total, sum of the parts) when a page prints both and they differ, else None."""
    if budget.stated is None or not budget.parts:
        return None
    listed = sum((p.amount for p in budget.parts), Decimal(0))
    return None if listed == budget.stated else (budget.stated, listed)
