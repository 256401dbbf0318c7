"""Match each KPI table to its project row, by amount and name together (never one alone).

The two printings of one project differ: names are reworded or garbled ("Z财政业务及软件维护费"
in the table, "Z财政业务软件服务费" in its KPI table; an OCR "2" for "Z"), two projects can
share a name (two "J日常工作经费"), and the KPI table gives yuan where the table rounds to
0.01 万元. So a pair needs agreeing amounts *and* related names; the best pairs are taken first.

OCR'd tables (seed 002) lose figures and garble names, so each side of a pair may rest on more
than the one printed cell, every piece of evidence weighted by how directly it states the thing:

- amount: the 年度资金总额 (full weight); else a 年度 funding figure (市县(区)财政资金 …: 0.8),
  else a 成本指标 target, or the sum of them, which restates the budget (0.7). Those two must
  agree to the yuan (or to the table's rounding): no 2 % tolerance for them. A figure OCR read
  only in part ("2.3 | 750,000": leading digits lost) is no evidence at all — the KPI parser
  leaves it out (and says so in the table's notes), so a suffix never counts as agreeing;
- name: the printed 项目名称 (its similarity); else the row's name written out in the table's
  own text — 项目概况, 立项依据 …, an indicator, a goal (0.7), for names of six characters or more.

Both must pass the same thresholds as before; an unreadable amount or name is never made up by
the other side's strength.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from decimal import Decimal
from difflib import SequenceMatcher

from kg.extract.indicators import l2_canonical
from kg.model import KpiTable, Project, ProjectRow

ROUNDING = Decimal(50)  # half of 0.01 万元: a KPI figure that rounds to the table's
#: the similarity of a name contained in another, however much longer the other is
CONTAINED = 0.85


@lru_cache(maxsize=4096)  # each name is compared with every other
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
        ratio = max(ratio, CONTAINED)
    return ratio


@lru_cache(maxsize=4096)
def _characters(key: str) -> Counter:
    return Counter(key)


def similar(a: str, b: str, threshold: float) -> float:
    """:func:`name_similarity` of ``a`` and ``b`` when it is at least ``threshold``, else 0.0 — found
    without comparing the names when their lengths, or the characters they share whatever the order,
    keep it below (the link stage compares every project of a unit with every project of its earlier
    years, and most pairs are far apart). Both bounds are upper bounds of ``SequenceMatcher.ratio``
    (2 × matched characters / both lengths), computed as it computes its ratio.

    >>> similar("Z政务服务数据对接经费", "Z政务服务数据对接运维经费", 0.86) == name_similarity("Z政务服务数据对接经费", "Z政务服务数据对接运维经费")
    True
    >>> similar("J日常工作经费", "X办公设备购置费", 0.86)
    0.0
    """
    ka, kb = name_key(a), name_key(b)
    if ka and kb and ka != kb and not (threshold <= CONTAINED and (ka in kb or kb in ka)):
        total = len(ka) + len(kb)
        if 2.0 * min(len(ka), len(kb)) / total < threshold:
            return 0.0
        if 2.0 * sum((_characters(ka) & _characters(kb)).values()) / total < threshold:
            return 0.0
    sim = name_similarity(a, b)
    return sim if sim >= threshold else 0.0


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


FUNDING_WEIGHT = 0.8
COST_WEIGHT = 0.7
TEXT_NAME = 0.7  # the row's name written out in the table's text
COST = "成本指标"


def amount_evidence(kpi: KpiTable) -> list[tuple[str, Decimal, float]]:
    """The figures a KPI table prints for its year's money: (what, yuan, weight)."""
    out: list[tuple[str, Decimal, float]] = []
    if kpi.annual_total is not None:
        out.append(("年度资金总额", kpi.annual_total, 1.0))
    for (side, level), v in kpi.funding.items():
        if side == "年度" and v:
            out.append((f"年度 {level}", v, FUNDING_WEIGHT))
    costs = [i.target.amount_yuan for i in kpi.indicators if i.target.amount_yuan and l2_canonical(i.l2) == COST]
    for c in dict.fromkeys(costs):
        out.append((COST, c, COST_WEIGHT))
    if len(costs) > 1:
        out.append((f"{COST} (sum)", sum(costs, Decimal(0)), COST_WEIGHT))
    return out


def best_amount(kpi: KpiTable, row: ProjectRow) -> tuple[float, str | None]:
    """How well the table's figures agree with the row's amount, and which figure agrees best."""
    best: tuple[float, str | None] = (0.0, None)
    for what, amount, weight in amount_evidence(kpi):
        a = amount_agreement(amount, row.amount)
        if weight < 1 and a < 0.9:
            a = 0.0  # only the total may differ by a percent or two
        if a * weight > best[0]:
            best = (a * weight, what)
    return best


def _text_key(kpi: KpiTable) -> str:
    texts = [*kpi.fields.values(), *kpi.goals.values(), *(i.l3 for i in kpi.indicators)]
    return name_key("".join(texts).replace(" ", ""))


def best_name(kpi: KpiTable, row: ProjectRow) -> tuple[float, str]:
    """How well the table names the row: its 项目名称, or the row's name in its text."""
    n = name_similarity(kpi.project_name, row.name)
    key = name_key(row.name)
    if n < TEXT_NAME and len(key) >= 6 and key in _text_key(kpi):
        return TEXT_NAME, "text"
    return n, "项目名称"


def score(kpi: KpiTable, row: ProjectRow) -> float:
    """0 when the pair is implausible; otherwise higher is better."""
    a, _ = best_amount(kpi, row)
    n, _ = best_name(kpi, row)
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
