"""Figures the 说明 part states in prose: 政府采购, 机关运行经费, and the projects with published targets.

Each figure becomes a :class:`~kg.model.BudgetLine` whose "table" is the narrative section
(``table_kind`` "procurement", "admin_running" or "performance"), so it has the same
provenance as a table cell. The wording differs by family and kind of document:

- Shanxi budgets: "政府采购预算总额170.18万元。其中:政府采购货物预算122.80万元、…";
- Shanghai budgets: "政府采购预算1662.44万元，其中：政府采购货物预算93.98万元、…",
  "机关运行经费预算为443.18万元", "编报绩效目标的项目50个，涉及项目预算资金5634.81万元" (also "项目共19个");
- final accounts: "政府采购金额（以合同签订为准）为251.25万元，其中：货物采购金额4.79万元、…",
  "机关运行经费支出184.65万元", "编报绩效目标的2024年度项目4个，涉及预算金额598.42万元".

>>> from kg.model import Line, Section
>>> line = Line(no=7, text="", cells=["2025年某中心政府采购预算总额170.18万元。其中:政府采购货物预算122.80万元、政府采购工程预算0万元、政府采购服务预算47.38万元。"])
>>> [(b.row_label, b.column, b.amount) for b in narrative_lines("f.txt", [Section("政府采购情况", line, [line])])]
[('政府采购预算总额', '合计', Decimal('1701800.00')), ('政府采购货物预算', '货物', Decimal('1228000.00')), ('政府采购工程预算', '工程', Decimal('0')), ('政府采购服务预算', '服务', Decimal('473800.00'))]
>>> line = Line(no=9, text="", cells=["编报绩效目标的2024年度项目4个，涉及预算金额598.42万元；机关运行经费支出184.65万元"])
>>> [(b.table_kind, b.row_label, b.column, b.amount) for b in narrative_lines("f.txt", [Section("其他", line, [line])])]
[('admin_running', '机关运行经费', '合计', Decimal('1846500.00')), ('performance', '编报绩效目标的项目', '合计', Decimal('5984200.00'))]
>>> projects_with_targets("f.txt", [Section("其他", line, [line])])[0]
4
"""

from __future__ import annotations

import re
from decimal import Decimal

from kg.model import BudgetLine, Line, Section, Span
from kg.money import parse_amount, to_yuan

_AMOUNT = r"\s*(?:[为:：]\s*)?([\d,，.\s]*\d)\s*(万元|元)"
#: (table kind, row label, column, pattern) — the label is the pattern's group 1 when it has two groups
FIGURES: tuple[tuple[str, str | None, str, re.Pattern], ...] = (
    ("procurement", None, "", re.compile(
        r"(政府采购(?:预算)?总额|政府采购(?:支出)?金额(?:[（(][^）)]{0,12}[）)])?|政府采购预算(?=\s*[为:：]?\s*\d)"
        r"|政府采购货物预算|政府采购工程预算|政府采购服务预算|货物采购金额|工程采购金额|服务采购金额"
        r"|(?<=[其中:：，,、])货物类|(?<=[:：，,、])工程类|(?<=[:：，,、])服务类)" + _AMOUNT
    )),
    ("admin_running", "机关运行经费", "合计", re.compile(
        r"机关运行经费(?:财政拨款)?(?:支出|预算)(?:预算|决算)?(?:数)?" + _AMOUNT
    )),
    ("performance", "编报绩效目标的项目", "合计", re.compile(
        r"编报绩效目标的\s*(?:\d{4}\s*年度?\s*)?项目\s*(?:共\s*)?(\d+)\s*个\s*[，,]\s*涉及(?:项目)?预算(?:资金|金额)" + _AMOUNT
    )),
)
COLUMNS = {
    "政府采购预算总额": "合计", "政府采购总额": "合计", "政府采购预算": "合计", "政府采购金额": "合计",
    "政府采购支出金额": "合计", "政府采购货物预算": "货物", "政府采购工程预算": "工程", "政府采购服务预算": "服务",
    "货物采购金额": "货物", "工程采购金额": "工程", "服务采购金额": "服务",
    "货物类": "货物", "工程类": "工程", "服务类": "服务",
}
#: parts whose figures are not the unit's own statements (tables, glossary, embedded documents)
SKIP_PARTS = ("第二部分", "第四部分", "附件")


def _label(raw: str) -> str:
    return re.sub(r"[（(][^）)]*[）)]", "", raw)


def _line(sec: Section, kind: str, label: str, column: str, amount: Decimal, line: Line, file: str, snippet: str, n: int) -> BudgetLine:
    return BudgetLine(
        table_title=sec.title, table_kind=kind, table_index=0, row_label=label, column=column, amount=amount,
        span=line.span(file, snippet), is_total=column == "合计", row_index=n,
    )


def narrative_lines(file: str, sections: list[Section], skip: set[int] = frozenset()) -> list[BudgetLine]:
    """Every money figure of :data:`FIGURES` stated in the narrative sections, in order."""
    out: list[BudgetLine] = []
    for sec in sections:
        if sec.part in SKIP_PARTS:
            continue
        for line in sec.lines:
            if line.no in skip or line.noise:
                continue
            text = "".join(line.tokens)
            for kind, fixed, column, rx in FIGURES:
                for m in rx.finditer(text):
                    *head, number, unit = m.groups()
                    amount = parse_amount(number.replace(" ", ""))
                    if amount is None:
                        continue
                    yuan = to_yuan(amount, unit)
                    label = _label(m.group(1)) if kind == "procurement" else fixed
                    col = COLUMNS.get(label, "合计") if kind == "procurement" else column
                    out.append(_line(sec, kind, label, col, yuan, line, file, m.group(0), len(out) + 1))
    return out


def projects_with_targets(file: str, sections: list[Section]) -> tuple[int, Span] | None:
    """The number of projects the narrative says have published performance targets, and where."""
    rx = FIGURES[-1][3]
    for sec in sections:
        if sec.part in SKIP_PARTS:
            continue
        for line in sec.lines:
            m = rx.search("".join(line.tokens))
            if m and not line.noise:
                return int(m.group(1)), line.span(file, m.group(0))
    return None
