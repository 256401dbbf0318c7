"""Exact money: amounts as printed → ``Decimal`` yuan. Never floats.

>>> parse_amount("1,101.04")
Decimal('1101.04')
>>> parse_amount("3334. 01")
Decimal('3334.01')
>>> parse_amount("7, 258, 000")
Decimal('7258000')
>>> to_yuan(Decimal("39.13"), "万元")
Decimal('391300.00')
>>> parse_amount("") is None, parse_amount("合计") is None
(True, True)
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# digits with thousands separators and OCR spaces inside ("3334. 01", "7, 258, 000")
_AMOUNT = re.compile(r"^[-−]?\d{1,3}(?:\s*[,，]\s*\d{3})+(?:\s*\.\s*\d+)?$|^[-−]?\d+(?:\s*\.\s*\d+)?$")

UNIT_FACTORS = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}


def parse_amount(text: str | None) -> Decimal | None:
    """The number a money cell holds, or None when the cell is not a number."""
    if text is None:
        return None
    t = text.strip().replace("−", "-")
    if not t or not _AMOUNT.match(t):
        return None
    t = re.sub(r"[\s,，]", "", t)
    try:
        return Decimal(t)
    except InvalidOperation:  # pragma: no cover - the pattern guarantees a number
        return None


def to_yuan(amount: Decimal, unit: str | None) -> Decimal:
    """Scale an amount printed in ``unit`` (元, 万元, 亿元; None means 元) to yuan."""
    return amount * UNIT_FACTORS.get(unit or "元", Decimal(1))


def fmt_yuan(amount: Decimal | None) -> str:
    """Yuan with thousands separators, without a trailing ``.00``.

    >>> fmt_yuan(Decimal("1530000.00"))
    '1,530,000'
    >>> fmt_yuan(Decimal("24016.72"))
    '24,016.72'
    """
    if amount is None:
        return ""
    q = amount.normalize() if amount == amount.to_integral() else amount
    if q == q.to_integral():
        return f"{int(q):,}"
    return f"{q:,.2f}"
