"""Figures the 说明 part states without a table: 政府采购 (goods / works / services).

>>> from kg.model import Line, Section
>>> line = Line(no=7, text="", cells=["2025年某中心政府采购预算总额170.18万元。其中:政府采购货物预算122.80万元、政府采购工程预算0万元、政府采购服务预算47.38万元。"])
>>> [(b.row_label, b.amount) for b in procurement_lines("f.txt", [Section("政府采购情况", line, [line])])]
[('政府采购预算总额', Decimal('1701800.00')), ('政府采购货物预算', Decimal('1228000.00')), ('政府采购工程预算', Decimal('0')), ('政府采购服务预算', Decimal('473800.00'))]
"""

from __future__ import annotations

import re

from kg.model import BudgetLine, Section
from kg.money import parse_amount, to_yuan

PROCUREMENT = re.compile(r"(政府采购(?:预算)?总额|政府采购货物预算|政府采购工程预算|政府采购服务预算)\s*[为:：]?\s*([\d,，.\s]+)\s*(万元|元)")
COLUMNS = {"政府采购预算总额": "合计", "政府采购总额": "合计", "政府采购货物预算": "货物", "政府采购工程预算": "工程", "政府采购服务预算": "服务"}


def procurement_lines(file: str, sections: list[Section]) -> list[BudgetLine]:
    out: list[BudgetLine] = []
    for sec in sections:
        if "政府采购" not in sec.title:
            continue
        for line in sec.lines:
            text = "".join(line.tokens)
            for m in PROCUREMENT.finditer(text):
                amount = parse_amount(m.group(2).strip())
                if amount is None:
                    continue
                label = m.group(1)
                out.append(BudgetLine(
                    table_title=sec.title, table_kind="procurement", table_index=0, row_label=label,
                    column=COLUMNS.get(label, "合计"), amount=to_yuan(amount, m.group(3)),
                    span=line.span(file, m.group(0)), is_total=COLUMNS.get(label) == "合计",
                    row_index=len(out) + 1,
                ))
    return out
