"""Which 二级 category each row of an OCR'd KPI grid stands under.

A 二级 label cell spans the rows of its category and is printed in the middle of them: on the row
itself when it spans one (or three) rows, on a line of its own between two rows when it spans two,
and on a line of its own when its category has no indicator. Carrying the last label down gives the
rows above a label the previous category. We read a column of the grid as slots (one per printed
line) and partition its rows, in order, among its labels in order, so that

- each label stands near the middle of the rows it takes (``|label slot - block centre|``);
- each row stands under a category it can be of: a target in money is a 成本指标, a name about a
  time or a target in months a 时效指标, a rate a 质量指标, a count a 数量指标, a name ending in
  满意度 a 满意度 indicator, a target of words a 效益 one (``family``);
- a label printed on a row's own line takes that row.

Labels the grid prints in a fixed order (产出指标: 数量, 质量, 时效, 成本; 效益指标: 经济, 社会, 生态,
可持续影响; 满意度指标: 服务对象满意度), and one OCR lost is put back where the order puts it; as
its place is not known, it takes a row only at a small cost, so only rows of its own family go
there. A 效益 label is never put back: its rows cannot be told from another 效益 label's. The cheapest partition is found by dynamic
programming over (label, rows taken so far).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.targets import parse_target

# the standard 二级 categories in the order a grid prints them, each with its family
STANDARD = (
    ("数量指标", "数量"), ("质量指标", "质量"), ("时效指标", "时效"), ("成本指标", "成本"),
    ("经济效益指标", "效益"), ("社会效益指标", "效益"), ("生态效益指标", "效益"), ("可持续影响指标", "效益"),
    ("服务对象满意度指标", "满意度"),
)
FAMILY = dict(STANDARD)
ORDER = {name: k for k, (name, _) in enumerate(STANDARD)}

MONEY_UNITS = ("元", "万元", "亿元")
COUNT_UNITS = ("个", "台", "人", "次", "条", "件", "家", "套", "名", "项", "场", "期", "篇", "份", "核", "块",
               "本", "册", "户", "处", "所", "座", "批", "部", "辆", "张", "万人", "人次", "G", "GB", "TB", "M")
_TIME_NAME = re.compile(r"时间|及时|时限|期限|时效|进度|周期")
_TIME_VALUE = re.compile(r"^(?:[≤≥<>]?\s*\d{1,2}\s*(?:月|月份)(?:底|末)?前?|[≤≥<>]?\s*\d{1,2}\s*月\s*\d{1,2}\s*日前?|"
                         r"每(?:年|季度|季|月|周|天|日)|全年|及时|年底前|年内|当年|按时|按期)$")
_RATE_NAME = re.compile(r"率(?:\s*[(（]%[)）])?$")
_COUNT_NAME = re.compile(r"(?:数|数量|个数|次数|人数|条数|件数|台数)(?:\s*[(（][^)）]*[)）])?$")
_COST_NAME = re.compile(r"(?:成本|费用|经费|资金|金额|控制数\s*[(（]万[)）])$")
QUALITY_WORDS = ("合格", "达标", "良好", "优良", "优秀", "优", "良", "规范", "合规", "符合要求", "符合标准", "无差错", "准确")
_SATISFACTION = re.compile(r"[\u4e00-\u9fff]?意度(?:\s*[(（]%[)）])?$")

MISMATCH = 4.0  # a row under a category of another family
UNKNOWN = 0.25  # a row whose family cannot be told, under any category
ON_LINE = 1.5  # a label printed on a row's line that does not take that row
RESTORED = 0.5  # each row a label OCR lost takes (its slot is not known)


def family(name: str | None, value: str | None) -> str | None:
    """The family of category an indicator can stand under, from its name and target, or None.

    >>> family("尾款支付数", "≤393.71万元"), family("开展安全演练时间", "2次"), family("返修率", "<5%")
    ('成本', '时效', '质量')
    >>> family("驻场人数", "≥8人"), family("专网使用客户满意度", "≥90%"), family("保障日常工作正常开展", "保障")
    ('数量', '满意度', '效益')
    >>> family("质保时间", "1年"), family("电子政务外网运维服务费用", None), family("课程安排", None)
    ('时效', '成本', None)
    >>> family("促进人大机关运转效率", "促进"), family("验收合格率", "合格")
    ('效益', '质量')
    """
    n = re.sub(r"\s", "", name or "")
    v = re.sub(r"\s", "", value or "")
    t = parse_target(v) if v else None
    if _SATISFACTION.search(n):
        return "满意度"
    if (t and t.unit and t.unit.split("/")[0] in MONEY_UNITS) or _COST_NAME.search(n):
        return "成本"
    if _TIME_NAME.search(n) or (v and _TIME_VALUE.match(v)):
        return "时效"
    if v and not re.search(r"\d", v):  # a target of words: a verb of the name (提高, 保障), or a grade
        return "质量" if v in QUALITY_WORDS else ("效益" if len(n) >= 4 else None)
    if _RATE_NAME.search(n) or (t and t.unit == "%"):
        return "质量"
    if _COUNT_NAME.search(n) or (t and t.unit and (t.unit in COUNT_UNITS or t.unit.split("/")[0] in COUNT_UNITS)):
        return "数量"
    if t and t.unit == "平方米":
        return "数量"
    return None


def word_target_reads(name: str, value: str) -> bool:
    """Does a target of words read as one? It is the verb its name starts with or holds ("提高热线服务
    水平" | 提高), a time (及时, 全年, 每季度), or a grade (合格, 达标); what else OCR prints there
    ("台選" for 合理) is not taken.

    >>> word_target_reads("提高热线服务水平", "提高"), word_target_reads("课程安排合理", "台選")
    (True, False)
    >>> word_target_reads("热线提供时间", "及时"), word_target_reads("一般故障处理", "4小时内")
    (True, True)
    """
    n, v = re.sub(r"\s", "", name), re.sub(r"\s", "", value)
    if not v or re.search(r"\d", v):
        return True  # not a target of words
    return v in n or bool(_TIME_VALUE.match(v)) or v in QUALITY_WORDS


@dataclass
class Slot:
    """One printed line of a grid column: its 二级 label (canonical, or None) and its row (or None)."""

    label: str | None = None  # the standard name (``STANDARD``)
    printed: str | None = None  # the label as printed, given back for the rows it takes
    row: object | None = None  # the caller's row
    kind: str | None = None  # the row's family (``family``)


def _labels(slots: list[Slot]) -> list[tuple[str, float | None]]:
    """The column's labels in order with their slot, and the standard ones OCR lost put back
    (slot None) where the order puts them: never a 效益 one (their rows look alike)."""
    printed = [(s.label, float(k)) for k, s in enumerate(slots) if s.label in ORDER]
    if any(ORDER[a[0]] >= ORDER[b[0]] for a, b in zip(printed, printed[1:])):
        return printed
    out: list[tuple[str, float | None]] = []
    done = -1
    for label, at in [*printed, (None, None)]:
        upto = ORDER[label] if label else len(STANDARD)
        out.extend((name, None) for name, fam in STANDARD[done + 1:upto] if fam != "效益")
        if label:
            out.append((label, at))
            done = upto
    return out


def assign(slots: list[Slot]) -> list[str | None] | None:
    """The 二级 label (as printed; the standard name for one OCR lost) of each slot's row (None for
    slots without a row), or None when the column's printed labels are not in the standard order
    (nothing to partition by)."""
    labels = _labels(slots)
    if not any(at is not None for _, at in labels) or any(ORDER[a[0]] >= ORDER[b[0]] for a, b in zip(labels, labels[1:])):
        return None
    rows = [k for k, s in enumerate(slots) if s.row is not None]
    n, m = len(rows), len(labels)
    if not n:
        return [None] * len(slots)

    def row_cost(i: int, k: int) -> float:
        kind = slots[rows[i]].kind
        label, at = labels[k]
        cost = 0.0 if at is not None else RESTORED
        if kind is None:
            return cost + UNKNOWN
        return cost + (MISMATCH if kind != FAMILY[label] else 0.0)

    def block_cost(k: int, j: int, i: int) -> float:
        """label k takes rows[j:i]"""
        label, at = labels[k]
        cost = sum(row_cost(r, k) for r in range(j, i))
        if at is None:
            return cost
        if i > j:
            cost += abs(at - (rows[j] + rows[i - 1]) / 2)
        if any(rows[r] == at for r in range(n)) and not any(rows[r] == at for r in range(j, i)):
            cost += ON_LINE
        return cost

    inf = float("inf")
    best = [[inf] * (n + 1) for _ in range(m + 1)]
    back = [[0] * (n + 1) for _ in range(m + 1)]
    best[0][0] = 0.0
    for k in range(1, m + 1):
        for i in range(n + 1):
            for j in range(i + 1):
                if best[k - 1][j] == inf:
                    continue
                c = best[k - 1][j] + block_cost(k - 1, j, i)
                if c < best[k][i]:
                    best[k][i], back[k][i] = c, j
    printed = {float(k): s.printed or s.label for k, s in enumerate(slots)}
    out: list[str | None] = [None] * len(slots)
    i = n
    for k in range(m, 0, -1):
        j = back[k][i]
        label, at = labels[k - 1]
        for r in range(j, i):
            out[rows[r]] = label if at is None else printed[at]
        i = j
    return out
