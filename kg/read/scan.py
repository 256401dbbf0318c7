"""A scanned page → words and rulings in PDF points, in the shape the PDF reader reads a text layer in.

The PDF reader (:mod:`kg.read.pdf`) reads words with their boxes and ruling lines; a page that has no
text layer is rendered, and this module turns what the image shows into the same things, so that
the rest of the reader — ruled tables, tables by alignment (:mod:`kg.read.aligned`,
:mod:`kg.read.grid`), lines (:mod:`kg.read.layout`) — and everything after it read the page as they
read any other:

1. :mod:`kg.read.image` straightens the image and finds its rulings and its ink;
   :mod:`kg.read.ocr` recognises its text lines, each character with its place and confidence.
2. :func:`words`: a recognised line is cut into words where its characters stand far apart or a
   vertical ruling runs between them; a word's left and right edges are put on its ink (to the
   pixel: amounts right-aligned in a column share their right edge, as in a text layer), its type
   size is estimated from the line's height and made one size for all the body text of the page.
   Each word keeps its confidence (its least sure character) and, for a figure, the other readings
   its uncertain characters allow (a 3 that may be an 8, a decimal point lost): :func:`readings`.
3. :func:`edges`: the rulings as the line objects pdfplumber's table finder takes.
4. :func:`fill`: the text of a ruled table's cell: the words whose middle lies inside it.

Every length leaves here in PDF points (72 a inch), on the page as printed.
"""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass, field

from kg.read.ocr import Glyph, TextLine

#: a character's type size, as a share of the height of the line the detector boxed it in
SIZE_OF_BOX = 0.72
#: characters further apart than this many type sizes of blank paper are two words (as a text layer's
#: words are: a table's cells are cut at such gaps, a wider one cuts any line)
WORD_GAP = 0.5
#: beside a full-width mark (，。“” …), which prints its ink at one side of its square, this many
WIDE_GAP = 1.2
_MARK_END = re.compile(r"[，。、；：“”《》（）]$")
_MARK_START = re.compile(r"^[，。、；：“”《》（）]")
#: a character read with less confidence than this makes its word uncertain
LOW_CONFIDENCE = 0.90
#: body text sizes within this share of the page's usual size are that size
SAME_SIZE = 0.22

_NARROW = re.compile(r"[\x00-\x7f\u2150-\u218f（）()，,．.：:%％]")
_FIGURE = re.compile(r"^[-−]?[\d,，.]*\d[\d,，.]*%?$")
#: character pairs the recogniser reads for a word these documents print, and that are no word themselves
#: (入 and 人 differ by a stroke's direction): put right, the word keeping its confidence
CONFUSIONS = {"收人": "收入", "支岀": "支出", "岀": "出"}


@dataclass
class Scanned:
    """What a scanned page gave: its words (pdfplumber's keys plus ``conf`` and ``readings``), its
    rulings as line objects, the skew it was straightened by, and the seconds recognition took."""

    words: list[dict]
    vertical: list[dict] = field(default_factory=list)
    horizontal: list[dict] = field(default_factory=list)
    angle: float = 0.0
    seconds: float = 0.0


def _thousands(text: str) -> str:
    """A figure whose groups of three digits are set off by points ("860.000", "1.555.400"): the points
    are commas the scan blurred (these documents print money with two decimals or none).

    >>> _thousands("860.000"), _thousands("1.555.400.50"), _thousands("395.47"), _thousands("1.500万元")
    ('860,000', '1,555,400.50', '395.47', '1.500万元')
    """
    m = re.fullmatch(r"(\d{1,3})((?:\.\d{3})+)(\.\d{2})?", text)
    if not m:
        return text
    return m.group(1) + m.group(2).replace(".", ",") + (m.group(3) or "")


def _advance(ch: str, size: float) -> float:
    """Roughly how wide a character is printed."""
    return (0.55 if _NARROW.match(ch) else 1.0) * size


def _groups(glyphs: tuple[Glyph, ...], size: float, cuts: list[float], gap_of=None) -> list[list[Glyph]]:
    """A line's characters cut into words: where two characters stand far apart — more than
    :data:`WORD_GAP` type sizes of paper without ink between them (``gap_of(x0, x1)``; without it, as
    their estimated widths say) — or a vertical ruling (x in pixels) runs between their middles.
    Spaces the recogniser read are not characters."""
    out: list[list[Glyph]] = []
    prev = None
    for g in glyphs:
        if not g.text.strip():
            continue
        mid = (g.x0 + g.x1) / 2
        if prev is not None:
            pmid = (prev.x0 + prev.x1) / 2
            gap = (mid - _advance(g.text, size) / 2) - (pmid + _advance(prev.text, size) / 2)
            if gap > 0.3 * size and gap_of is not None:
                gap = gap_of(pmid, mid)
            limit = WIDE_GAP if _MARK_END.search(prev.text) or _MARK_START.match(g.text) else WORD_GAP
            if gap > limit * size or any(pmid < c < mid for c in cuts):
                out.append([])
        else:
            out.append([])
        out[-1].append(g)
        prev = g
    return [w for w in out if w]


def readings(glyphs: list[Glyph], conf_below: float = LOW_CONFIDENCE) -> tuple[str, ...]:
    """The other ways a figure may read: each uncertain character replaced by a runner-up that keeps
    it a figure (one at a time), and, with no decimal point read, one put before its last two digits
    (a point the scan lost). Not a figure: none.

    >>> g = lambda t, c=1.0, alts=(): Glyph(t, 0, 1, c, alts)
    >>> readings([g("1"), g("3", 0.6, (("8", 0.3),)), g("5")])
    ('185', '1.35')
    >>> readings([g("合"), g("计")])
    ()
    """
    text = "".join(g.text for g in glyphs)
    if not _FIGURE.match(text):
        return ()
    out: list[str] = []
    for i, g in enumerate(glyphs):
        if g.conf >= conf_below:
            continue
        for alt, _ in g.alts:
            cand = text[:i] + alt + text[i + 1:]
            if alt.strip() and _FIGURE.match(cand) and cand not in out and cand != text:
                out.append(cand)
    digits = re.sub(r"\D", "", text)
    if "." not in text and len(digits) >= 3 and not text.endswith("%"):
        cand = text[:-2] + "." + text[-2:]
        if _FIGURE.match(cand) and not re.search(r"[,，]\d{0,2}\.", cand):
            out.append(cand)
    return tuple(out)


def _body_size(lines: list[TextLine]) -> float:
    heights = [ln.box[3] - ln.box[1] for ln in lines if len(ln.text) >= 2]
    return statistics.median(heights) if heights else 0.0


def words(lines: list[TextLine], scale: float, ink=None, rulings: list[tuple[float, float, float]] = ()) -> list[dict]:
    """Recognised lines (pixels) → words in points, pdfplumber's keys (``text x0 x1 top bottom size``)
    with ``conf`` (the least confidence of its characters) and ``readings`` (see :func:`readings`).
    ``scale``: pixels a point; ``ink``: a :class:`kg.read.image.Ink` to put the edges on;
    ``rulings``: the page's vertical rulings, (x, top, bottom) in pixels: one cuts the lines it runs beside."""
    body = _body_size(lines)
    out = []
    for ln in lines:
        x0, top, x1, bottom = ln.box
        h = bottom - top
        if body and abs(h - body) <= SAME_SIZE * body:
            h = body
        size_px = SIZE_OF_BOX * h
        gap_of = (lambda a, b, t=top, u=bottom: ink.blank(a, t, b, u)) if ink is not None else None
        mid_y = (top + bottom) / 2
        cuts = [x for x, a, b in rulings if a <= mid_y <= b]
        groups = _groups(ln.glyphs, size_px, cuts, gap_of)
        est = [((g[0].x0 + g[0].x1) / 2 - _advance(g[0].text, size_px) / 2,
                (g[-1].x0 + g[-1].x1) / 2 + _advance(g[-1].text, size_px) / 2) for g in groups]
        for k, group in enumerate(groups):
            left, right = est[k]
            lo = max([x0] + [c for c in cuts if c <= left + size_px / 2] + ([(est[k - 1][1] + left) / 2] if k else []))
            hi = min([x1] + [c for c in cuts if c >= right - size_px / 2] + ([(est[k + 1][0] + right) / 2] if k + 1 < len(est) else []))
            span = ink.extent(lo, top, hi, bottom) if ink is not None else None
            if span is not None:
                left, right = span
            upper, lower = top, bottom  # the ink's rows, not the detector's padded box: lines keep their gaps
            rows = ink.rows(left, top, right, bottom) if ink is not None else None
            if rows is not None:
                upper, lower = rows
            text = "".join(g.text for g in group)
            for misread, word in CONFUSIONS.items():
                text = text.replace(misread, word)
            text = _thousands(text)
            if _MARK_START.match(text):
                left -= 0.3 * size_px  # the mark's square begins before its ink: where a text layer puts the word
            out.append({
                "text": text,
                "x0": left / scale, "x1": right / scale,
                "top": upper / scale, "bottom": lower / scale,
                "size": round(size_px / scale, 1),
                "conf": round(min(g.conf for g in group), 4),
                "readings": readings(group),
            })
    return _joined(out, ink, rulings, scale)


def _joined(words_: list[dict], ink, rulings, scale: float) -> list[dict]:
    """Words the detector boxed apart though they are printed as one (it cuts a line at a quotation
    mark): on one line, closer than :data:`WORD_GAP` type sizes of blank paper, no ruling between."""
    out: list[dict] = []
    for w in sorted(words_, key=lambda w: (round(w["top"]), w["x0"])):
        mid = (w["top"] + w["bottom"]) / 2
        near = [o for o in out[-6:] if o["top"] <= mid <= o["bottom"] and o["x1"] <= w["x0"] + 0.5]
        prev = max(near, key=lambda o: o["x1"], default=None)
        mid_px = mid * scale
        if prev is not None and not any(prev["x1"] * scale < x < w["x0"] * scale and a <= mid_px <= b for x, a, b in rulings):
            size = max(prev["size"], w["size"])
            gap = w["x0"] - prev["x1"]
            if ink is not None and gap > 0:
                gap = ink.blank(prev["x1"] * scale - 1, max(prev["top"], w["top"]) * scale, w["x0"] * scale + 1,
                                min(prev["bottom"], w["bottom"]) * scale) / scale
            wide = WIDE_GAP if _MARK_END.search(prev["text"]) or _MARK_START.match(w["text"]) else WORD_GAP
            if gap <= wide * size:
                prev.update(text=prev["text"] + w["text"], x1=w["x1"], top=min(prev["top"], w["top"]),
                            bottom=max(prev["bottom"], w["bottom"]), conf=min(prev["conf"], w["conf"]), readings=())
                continue
        out.append(w)
    return sorted(out, key=lambda w: (w["top"], w["x0"]))


def edges(segments, scale: float) -> tuple[list[dict], list[dict]]:
    """Rulings (pixels) → pdfplumber line objects in points: the vertical ones and the horizontal ones."""
    vertical, horizontal = [], []
    for s in segments:
        x0, y0, x1, y1 = s.x0 / scale, s.y0 / scale, s.x1 / scale, s.y1 / scale
        line = {"object_type": "line", "x0": x0, "x1": x1, "top": y0, "bottom": y1,
                "width": x1 - x0, "height": y1 - y0}
        (horizontal if s.horizontal else vertical).append(line)
    return vertical, horizontal


def fill(words_: list[dict], bbox: tuple[float, float, float, float]) -> tuple[str, list[dict]]:
    """The text of the cell ``bbox`` (x0, top, x1, bottom in points): the words whose middle lies in
    it, line by line (a line break between lines, as pdfplumber gives a wrapped cell), and the words."""
    x0, top, x1, bottom = bbox
    inside = [w for w in words_ if x0 <= (w["x0"] + w["x1"]) / 2 <= x1 and top <= (w["top"] + w["bottom"]) / 2 <= bottom]
    inside.sort(key=lambda w: (w["top"], w["x0"]))
    lines: list[list[dict]] = []
    for w in inside:
        mid = (w["top"] + w["bottom"]) / 2
        if lines and lines[-1][0]["top"] <= mid <= lines[-1][0]["bottom"]:
            lines[-1].append(w)
        else:
            lines.append([w])
    text = "\n".join(" ".join(w["text"] for w in sorted(ln, key=lambda w: w["x0"])) for ln in lines)
    return text, inside


def slant(lines: list[TextLine]) -> float | None:
    """The angle (degrees) the page's long text lines run at, by their detected quadrilaterals: the
    median over lines at least four times as long as high; None without such a line."""
    angles = []
    for ln in lines:
        (x0, y0), (x1, y1) = ln.quad[0], ln.quad[1]
        length = math.hypot(x1 - x0, y1 - y0)
        height = math.hypot(ln.quad[3][0] - x0, ln.quad[3][1] - y0)
        if length >= 4 * max(height, 1.0):
            angles.append(math.degrees(math.atan2(y1 - y0, x1 - x0)))
    return round(statistics.median(angles), 2) if angles else None


def placed(lines: list[TextLine], matrix) -> list[TextLine]:
    """Lines detected on the scan as it was, moved onto the straightened page (``matrix``, 2×3): their
    corners, and their characters' places along them as x in pixels."""
    def move(x: float, y: float) -> tuple[float, float]:
        return (matrix[0][0] * x + matrix[0][1] * y + matrix[0][2], matrix[1][0] * x + matrix[1][1] * y + matrix[1][2])

    out = []
    for ln in lines:
        p0, p1, p2, p3 = ln.quad[:4]

        def at(t: float) -> float:  # the point t of the way along the line's middle, moved
            top = (p0[0] + t * (p1[0] - p0[0]), p0[1] + t * (p1[1] - p0[1]))
            bottom = (p3[0] + t * (p2[0] - p3[0]), p3[1] + t * (p2[1] - p3[1]))
            return move((top[0] + bottom[0]) / 2, (top[1] + bottom[1]) / 2)[0]

        glyphs = tuple(Glyph(g.text, at(g.x0), at(g.x1), g.conf, g.alts) for g in ln.glyphs)
        out.append(TextLine(tuple(move(x, y) for x, y in ln.quad), ln.text, ln.conf, glyphs))
    return out


def scan_image(image, scale: float) -> Scanned:
    """Read a rendered page (an RGB numpy array, ``scale`` pixels a point): its text recognised as
    scanned, the page straightened by the slant of its lines (or of its ink, with few long lines), its
    rulings found, all in points (see the module's docstring)."""
    import time

    from kg.read.image import analyse, rotation
    from kg.read.ocr import recognise

    t0 = time.perf_counter()
    found = recognise(image)
    page = analyse(image, scale * 72.0, slant(found))
    lines = sorted(placed(found, rotation(image, page.angle)), key=lambda ln: (ln.box[1], ln.box[0]))
    cuts = sorted((s.x0, s.y0, s.y1) for s in page.rulings if not s.horizontal)
    vertical, horizontal = edges(page.rulings, scale)
    return Scanned(words(lines, scale, page.ink, cuts), vertical, horizontal, page.angle, time.perf_counter() - t0)
