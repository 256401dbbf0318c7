"""Figures and names OCR printed in pieces over several cells of a KPI table's head.

``read_figures`` joins the pieces of a money figure ("7" | "06,000" → 706,000) and says when a digit printed
on both sides of a cell break was taken once, or when the pieces form no figure (nothing is guessed);
``join_pieces`` joins the pieces of a project name, leaving out OCR specks.
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass
from decimal import Decimal

from kg.money import parse_amount

_CJK = re.compile(r"[\u4e00-\u9fff]")

_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_PLAIN = re.compile(r"^\d+(?:\.\d+)?$")
_DOTTED = re.compile(r"^\d{1,3}(?:[.,]\d{3}){2,}$|^\d{1,3}\.\d{3}(?:,\d{3})+$")  # 5.118.900, 3.340,000


@lru_cache(maxsize=16384)  # asked of every cell of a KPI table's lines
def fragment(cell: str) -> str | None:
    """A cell as a piece of a printed figure ("7, 258", "06,000", "3, (" → "3,"), else None."""
    t = re.sub(r"\s", "", cell).replace("，", ",").rstrip("(（/|\\")
    return t if re.fullmatch(r"\d[\d,.]*", t) else None


def _well_formed(t: str) -> str | None:
    """``t`` as a figure with commas between thousands, or None when it is not one.

    >>> _well_formed("706,000"), _well_formed("5.118.900"), _well_formed("3.340,000"), _well_formed("74.50")
    ('706,000', '5,118,900', '3,340,000', '74.50')
    >>> _well_formed("5,1118,900"), _well_formed("06,000"), _well_formed("2,")
    (None, None, None)
    """
    if len(t) > 1 and t[0] == "0" and t[1] != ".":
        return None  # no figure starts with a zero
    if _GROUPED.match(t) or _PLAIN.match(t):
        return t
    if _DOTTED.match(t):
        return t.replace(".", ",")
    return None


def _overlap(a: str, b: str) -> str | None:
    """``a + b`` without the digit printed on both sides of the cell break ("59" + "98,800",
    "2," + "2,647,000")."""
    a = a.rstrip(",.")
    return a[:-1] + b if a and b and a[-1] == b[0] else None


def _short(t: str) -> bool:
    """A figure too short to be a whole amount when a grouped one follows it ("2.3", "59")."""
    return "," not in t and len(t.replace(".", "")) <= 3 and t != "0"


@dataclass
class Reading:
    """One figure read from the cells after a money label.

    ``how``: "read" (one cell), "joined" (cells that only together form the figure: "7" + "06,000"),
    "reconstructed" (a digit printed on both sides of the break taken once: "59" + "98,800"),
    "unreadable" (pieces that form no figure: "2.3" + "750,000"; ``amount`` is None).
    """

    amount: Decimal | None
    how: str
    raw: str
    cols: list[int]


def read_figures(cells: list[tuple[int, str]]) -> list[Reading]:
    """The figures of the cells after a money label, in order; text cells between them are skipped.

    A figure may be printed over several cells; they are joined when their concatenation (or,
    failing that, with a thousands separator between them) is a well-formed figure. A digit
    printed at the end of one cell and again at the start of the next is taken once, and the
    reading says so. Pieces that form no figure are reported as unreadable: nothing is guessed.

    >>> [(r.amount, r.how) for r in read_figures([(7, "7"), (8, "06,000"), (9, ". 1")])]
    [(Decimal('706000'), 'joined')]
    >>> [(r.amount, r.how) for r in read_figures([(6, "1,"), (7, "555, 400")])]
    [(Decimal('1555400'), 'joined')]
    >>> [(r.amount, r.how) for r in read_figures([(7, "59"), (8, "98, 800")])]
    [(Decimal('598800'), 'reconstructed')]
    >>> [(r.amount, r.how, r.raw) for r in read_figures([(7, "2.3"), (8, "750, 000"), (9, "- 7")])]
    [(None, 'unreadable', '2.3 750, 000')]
    >>> [r.amount for r in read_figures([(4, "0"), (6, "0"), (7, "74.50")])]
    [Decimal('0'), Decimal('0'), Decimal('74.50')]
    """
    out: list[Reading] = []
    i = 0
    while i < len(cells):
        col, cell = cells[i]
        acc = fragment(cell)
        if acc is None:
            i += 1
            continue
        raw, cols, how = [cell.strip()], [col], "read"
        i += 1
        while i < len(cells) and acc is not None:
            nxt = fragment(cells[i][1])
            if nxt is None:
                break
            whole = _well_formed(acc)
            continues = (
                whole is None  # "1,", "5,11": the figure goes on in the next cell
                or (nxt[0] == "0" and nxt != "0" and not nxt.startswith("0."))  # "06,000" starts no figure
                or (_short(acc) and bool(_GROUPED.match(nxt) or (len(nxt) >= 4 and _PLAIN.match(nxt))))
            )
            if not continues:
                break  # a figure of its own follows (the other side, or noise)
            raw.append(cells[i][1].strip())
            cols.append(cells[i][0])
            i += 1
            tries = ((acc + nxt, "joined"), (acc + "," + nxt, "joined"), (_overlap(acc, nxt), "reconstructed"))
            joined = next(((c, k) for c, k in tries if c and _well_formed(c)), None)
            if joined is None:
                acc = None
            else:
                acc = joined[0]
                how = "reconstructed" if "reconstructed" in (how, joined[1]) else "joined"
        value = _well_formed(acc) if acc is not None else None
        amount = parse_amount(value) if value else None
        out.append(Reading(amount, how if amount is not None else "unreadable", " ".join(raw), cols))
    return out


# ---------------------------------------------------------------- names printed in pieces

_EDGE_JUNK = re.compile(r"^[^\u4e00-\u9fff(（A-Za-z0-9“\"]+|[^\u4e00-\u9fff)）A-Za-z0-9”\"]+$")
_LONE_LATIN = re.compile(r"(?<=[\u4e00-\u9fff])[A-Za-z](?=[\u4e00-\u9fff])")
_INNER_MARK = re.compile(r"(?<=[\u4e00-\u9fff])[:：;；|](?=[\u4e00-\u9fff])")
NAME_LABEL_TAILS = ("称", "名称", "目名称")


def _mostly_cjk(text: str) -> bool:
    chars = re.sub(r"\s", "", text)
    cjk = len(_CJK.findall(chars))
    return cjk > 0 and cjk >= 0.5 * len(chars)


def join_pieces(pieces: list[str]) -> str:
    """Cells of one name → the name: OCR noise cells (mostly not Chinese) left out, stray marks at
    the cells' edges dropped, and a character printed at the end of one cell and again at the
    start of the next taken once.

    >>> join_pieces(["坂", "成市云平台", "运维项目", "7"])
    '坂成市云平台运维项目'
    >>> join_pieces(["热线受理中心", "心运营管理", "运营管理及人员外包服务费用"])
    '热线受理中心运营管理及人员外包服务费用'
    >>> join_pieces(["1941", "5相4", "电子i", "政务外网运", "维服务项目"])
    '电子政务外网运维服务项目'
    """
    name = ""
    for p in pieces:
        if not _mostly_cjk(p):
            continue
        p = _EDGE_JUNK.sub("", re.sub(r"\s+", "", p))
        k = min(len(name), len(p))
        while k and not (name.endswith(p[:k]) and _CJK.match(p[0])):
            k -= 1
        name += p[k:]
    return _INNER_MARK.sub("", _LONE_LATIN.sub("", name))
