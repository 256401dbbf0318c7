"""Words → printed lines → segments: the pieces the PDF reader builds lines and unruled tables of.

pdfplumber gives words with their boxes (``text``, ``x0``, ``x1``, ``top``, ``bottom``, ``size``).
:func:`bands` groups them into printed lines, :func:`segments` cuts a line where the gap between two
words is wide: each segment is the text of one cell on that line. :class:`AlignSettings` says what
the reading of tables printed without rulings (:mod:`kg.read.aligned`) looks for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: an amount as tables print it: thousands separators or decimals (a bare integer is a code or a count)
AMOUNT = re.compile(r"^[-−]?(?:\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?|\d+\.\d+)$")


@dataclass(frozen=True)
class AlignSettings:
    """What the reading of unruled tables looks for; lengths in points or in type sizes."""

    #: inside a table, a gap between two words wider than this many type sizes starts a new cell
    #: (outside, the page's wider ``cell_gap`` cuts lines: an amount right-aligned in its cell sits
    #: closer than that to a label left-aligned in the next one)
    word_gap: float = 0.5
    #: texts whose left (or right) edges are this close (points) are aligned
    tolerance: float = 1.5
    #: lines closer than this many type sizes (bottom to top) are one row: a wrapped cell
    wrap_gap: float = 0.4
    #: a table ends at a vertical gap wider than this many type sizes
    row_gap: float = 2.5
    #: a table prints at least this many lines holding an amount
    min_amount_rows: int = 2
    #: at most this many multi-cell lines above the first figure are the header
    max_header_lines: int = 8
    #: the assumed space between a cell's edge and its text, in type sizes
    padding: float = 0.375


DEFAULT = AlignSettings()


@dataclass
class Seg:
    """The text of one cell on one printed line: words closer than a wide gap."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    words: list[dict] = field(default_factory=list, repr=False)

    @property
    def mid(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def amount(self) -> bool:
        return bool(AMOUNT.match(self.text))


@dataclass
class Band:
    """One printed line: its segments left to right."""

    segs: list[Seg]

    @property
    def top(self) -> float:
        return min(s.top for s in self.segs)

    @property
    def bottom(self) -> float:
        return max(s.bottom for s in self.segs)

    @property
    def size(self) -> float:
        return max(s.size for s in self.segs)

    @property
    def amount(self) -> bool:
        return any(s.amount for s in self.segs)

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.segs)


def _overlaps(a: dict, b: dict) -> bool:
    return a["x0"] < b["x1"] - 1 and b["x0"] < a["x1"] - 1


def word_size(word: dict) -> float:
    return float(word.get("size") or (word["bottom"] - word["top"]) or 10)


def bands(words: list[dict]) -> list[list[dict]]:
    """Words → printed lines, top to bottom, each left to right.

    A word joins one of the last few lines when its middle lies inside the line's vertical band and
    it overlaps no word of it, so numbers set in another font on a shifted baseline stay on their line.

    >>> w = lambda t, x, top: {"text": t, "x0": x, "x1": x + 10, "top": top, "bottom": top + 8, "size": 8}
    >>> [[x["text"] for x in b] for b in bands([w("b", 30, 0.5), w("a", 0, 0), w("c", 0, 20)])]
    [['a', 'b'], ['c']]
    """
    out: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        mid = (w["top"] + w["bottom"]) / 2
        for band in reversed(out[-3:]):
            top = min(x["top"] for x in band)
            bottom = max(x["bottom"] for x in band)
            if top <= mid <= bottom and all(not _overlaps(w, x) for x in band):
                band.append(w)
                break
        else:
            out.append([w])
    for band in out:
        band.sort(key=lambda w: w["x0"])
    return out


def segments(band: list[dict], cell_gap: float = 1.5) -> list[Seg]:
    """A printed line → its segments, cut where the gap between two words is wider than
    ``cell_gap`` type sizes; within a segment, words more than a fifth of a size apart join with a space.

    >>> w = lambda t, x0, x1: {"text": t, "x0": x0, "x1": x1, "top": 0, "bottom": 8, "size": 8}
    >>> [s.text for s in segments([w("2025", 0, 16), w("年度", 18, 34), w("1.50", 80, 96)])]
    ['2025 年度', '1.50']
    """
    out: list[Seg] = []
    prev = None
    for w in band:
        size = word_size(w)
        if prev is not None and w["x0"] - prev["x1"] <= cell_gap * size:
            s = out[-1]
            s.text += (" " if w["x0"] - prev["x1"] > 0.2 * size else "") + w["text"]
            s.x1 = max(s.x1, w["x1"])
            s.top, s.bottom, s.size = min(s.top, w["top"]), max(s.bottom, w["bottom"]), max(s.size, size)
            s.words.append(w)
        else:
            out.append(Seg(w["text"], w["x0"], w["x1"], w["top"], w["bottom"], size, [w]))
        prev = w
    return out


def recut(line: Band, gap: float) -> Band:
    """A line cut again, at every gap between two words wider than ``gap`` type sizes."""
    return Band([s for seg in line.segs for s in segments(seg.words, gap)])


