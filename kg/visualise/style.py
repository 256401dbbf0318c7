"""What every writer draws alike: colours by kind (Okabe-Ito, safe for colour-blind readers), edge styles,
legend texts, node sizes by money, and labels cut to a width.

>>> diameter(Decimal(100), Decimal(400), small=10, large=30)
20.0
>>> wrap("中华人民共和国网络安全法", 8)
['中华人民共和', '国网络安全法']
>>> wrap("中华人民共和国政府信息公开条例", 14)
['中华人民共和国政', '府信息公开条例']
>>> wrap("国务院办公厅关于印发政府网站发展指引的通知", 6, lines=2)
['国务院办公厅', '关于印发政…']
"""

from __future__ import annotations

import math
import unicodedata
from decimal import Decimal

from kg.money import fmt_yuan

# kind → (colour, Chinese name, English name)
NODE_STYLE = {
    "issuer": ("#CC79A7", "发文机关", "issuer"),
    "policy": ("#0072B2", "政策文件", "policy"),
    "project": ("#E69F00", "项目", "project"),
    "indicator": ("#56B4E9", "绩效指标", "indicator"),
    "unit": ("#009E73", "预算单位", "unit"),
}

# edge kind → (colour, line style: solid | dashed | dotted | dashdot)
EDGE_STYLE = {
    "justifies": ("#333333", "solid"),
    "mentions": ("#888888", "dashed"),
    "implementedBy": ("#5FB89A", "solid"),
    "listedUnder": ("#5FB89A", "dotted"),
    "issuedBy": ("#CC79A7", "dotted"),
    "cites": ("#0072B2", "dashdot"),
    "forwards": ("#0072B2", "dashdot"),
    "basedOn": ("#0072B2", "dashdot"),
    "hasIndicator": ("#9CCFEA", "solid"),
}

MONEY_KINDS = ("policy", "project", "unit")


def amount_text(amount: Decimal | None) -> str | None:
    """Yuan with thousands separators and 元: '2,940,000 元'."""
    return None if amount is None else f"{fmt_yuan(amount)} 元"


def diameter(amount: Decimal | None, largest: Decimal | None, small: float, large: float) -> float:
    """A node's diameter: ``small`` without money, growing with the square root of the amount to ``large``
    for the largest (the area then grows with the money). Floats here only size a drawing."""
    if amount is None or not largest or amount <= 0:
        return float(small)
    return round(small + (large - small) * math.sqrt(float(amount / largest)), 3)


def width(text: str) -> float:
    """Width in ems: a CJK (wide) character is 1, anything else about 0.55."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in text)


def wrap(text: str, ems: float, lines: int = 2) -> list[str]:
    """``text`` in at most ``lines`` lines of at most ``ems`` wide, balanced (no one-character last line);
    what does not fit ends in an ellipsis."""
    flat = " ".join(text.split())
    total = width(flat)
    n = max(1, min(lines, math.ceil(total / ems)))
    target = min(ems, total / n + 0.5)  # balanced: each line about as wide as the others
    out, cur, w = [], "", 0.0
    for ch in flat:
        cw = width(ch)
        if cur and w + cw > (target if len(out) < n - 1 else ems):
            out.append(cur)
            cur, w = "", 0.0
        cur += ch
        w += cw
    if cur:
        out.append(cur)
    if len(out) > lines:
        out = out[: lines - 1] + [out[lines - 1][:-1] + "…"]
    return [line.strip() for line in out]
