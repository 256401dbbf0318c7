"""Match each KPI table to its project row, by amount and name together (never one alone).

The two printings of one project differ: names are reworded or garbled ("Z财政业务及软件维护费"
in the table, "Z财政业务软件服务费" in its KPI table; an OCR "2" for "Z"), two projects can
share a name (two "J日常工作经费"), and the KPI table gives yuan where the table rounds to
0.01 万元. So a pair needs agreeing amounts *and* related names; the best pairs are taken first.
"""

from __future__ import annotations

import re
from decimal import Decimal
from difflib import SequenceMatcher

from kg.model import KpiTable, Project, ProjectRow

ROUNDING = Decimal(50)  # half of 0.01 万元: a KPI figure that rounds to the table's


def name_key(name: str) -> str:
    """A name without its category prefix, brackets, spaces and punctuation.

    >>> name_key("Z大同市政府信息化安全等级维保费 (电子政务外网等系统安全)")
    '大同市政府信息化安全等级维保费电子政务外网等系统安全'
    >>> name_key("2网络系统、软件平台运维费")  # an OCR "2" for "Z"
    '网络系统软件平台运维费'
    """
    n = re.sub(r"^(QT|XM|Z|J|X|2)(?=[\u4e00-\u9fff0-9“\"(（])", "", name.strip())
    return re.sub(r"[\s()（）【】\[\]“”\"'‘’、，,。.·:：;；\-—]", "", n)


def name_similarity(a: str, b: str) -> float:
    ka, kb = name_key(a), name_key(b)
    if not ka or not kb:
        return 0.0
    if ka == kb:
        return 1.0
    ratio = SequenceMatcher(None, ka, kb).ratio()
    if ka in kb or kb in ka:
        ratio = max(ratio, 0.85)
    return ratio


def amount_agreement(kpi: Decimal | None, row: Decimal) -> float:
    if kpi is None:
        return 0.0
    diff = abs(kpi - row)
    if diff == 0:
        return 1.0
    if diff <= ROUNDING:
        return 0.9
    if row and diff / row <= Decimal("0.02"):
        return 0.5
    return 0.0


def score(kpi: KpiTable, row: ProjectRow) -> float:
    """0 when the pair is implausible; otherwise higher is better."""
    a = amount_agreement(kpi.annual_total, row.amount)
    n = name_similarity(kpi.project_name, row.name)
    if kpi.implementing_unit and row.subunit and name_similarity(kpi.implementing_unit, row.subunit) > 0.7:
        n = min(1.0, n + 0.05)
    if a >= 0.9 and n >= 0.3 or a >= 0.5 and n >= 0.6 or a > 0 and n >= 0.9:
        return a + n
    return 0.0


def match(rows: list[ProjectRow], kpis: list[KpiTable]) -> list[Project]:
    """Projects in table order, each with its KPI table when one matches; unmatched KPI tables last."""
    pairs = sorted(
        ((score(k, r), -abs((k.annual_total or 0) - r.amount), ki, ri) for ki, k in enumerate(kpis) for ri, r in enumerate(rows)),
        reverse=True,
    )
    kpi_of: dict[int, tuple[int, float]] = {}
    taken: set[int] = set()
    for s, _d, ki, ri in pairs:
        if s <= 0:
            break
        if ri in kpi_of or ki in taken:
            continue
        kpi_of[ri] = (ki, s)
        taken.add(ki)
    projects = [
        Project(row=r, kpi=kpis[kpi_of[i][0]] if i in kpi_of else None, match_score=kpi_of[i][1] if i in kpi_of else None)
        for i, r in enumerate(rows)
    ]
    projects.extend(Project(row=None, kpi=k) for ki, k in enumerate(kpis) if ki not in taken)
    return projects
