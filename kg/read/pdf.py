"""PDF → lines with cells, through pdfplumber (the only module that uses it).

A page becomes a run of :class:`~kg.model.Line` in reading order, the same shape the text
reader gives, so every later stage works on PDFs unchanged:

1. A page that draws lines or rectangles: ``find_tables`` finds its ruled tables
   (:attr:`PdfSettings.table`; a table drawn with filled rectangles only has their edges); each
   table row becomes one line whose cells are the table's cells (merged cells are empty strings,
   positions kept). A page that draws nothing is not searched (that is pdfplumber's cost).
2. The words outside the tables are grouped into lines by their vertical band (a word joins a
   line when its middle lies inside the line's band, so numbers set in another font on a
   shifted baseline stay on their line), and a line is cut into cells where the gap between two
   words is wide (:attr:`PdfSettings.cell_gap`).
3. On a page without ruled tables, tables printed without rulings are read by the alignment of
   their text (:mod:`kg.read.aligned`): their rows come out in the shape a ruled table gives, a
   blank cell as an empty string, a merged heading once at its left. A table that continues on
   the next page without its header keeps the columns of the part above.
4. Page furniture is marked as noise, not dropped: page numbers, a running header repeated on
   many pages, header rows and titles repeated at the top of a page where a table continues,
   and pages that repeat an earlier page word for word.

Each line keeps its page (1-based) and, for table rows, the row's box on the page.
"""

from __future__ import annotations

import hashlib
import io
import re
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from kg.errors import ReadError
from kg.model import Line, SourceDoc
from kg.read.aligned import Carry, TableRow, read_tables
from kg.read.layout import AlignSettings, Band, bands, segments
from kg.read.limits import check_pages, encrypted
from kg.read.ocr import OcrUnavailable
from kg.read.text import clean_cell, clean_name

_NUMBER = re.compile(r"^[-−]?[\d,，]*\d(?:\.\d+)?%?$")
_PAGE_NO = re.compile(r"^(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(?:\s*[，,/共]\s*共?\s*\d+\s*页)?|\d{1,4}(?:\s*/\s*\d{1,4})?)$")
_CONTINUED = re.compile(r"[（(]?续(?:表)?[)）]?$")


@dataclass(frozen=True)
class PdfSettings:
    """What the reader's heuristics look for; the defaults suit budget disclosures."""

    #: pdfplumber table settings for ruled tables
    table: dict = field(default_factory=lambda: {"vertical_strategy": "lines", "horizontal_strategy": "lines"})
    #: a gap between two words wider than this many font sizes starts a new cell
    cell_gap: float = 1.5
    #: words within this many points horizontally belong to one word (pdfplumber's x_tolerance)
    x_tolerance: float = 1.5
    #: the bottom and top fractions of a page where page numbers and running headers live
    margin: float = 0.08
    #: a short line at the top of this many pages or more is a running header
    running_header_pages: int = 3
    #: how tables printed without rulings are read
    align: AlignSettings = field(default_factory=AlignSettings)
    #: OCR: "never", "auto" (a page with almost no text layer: fewer than ``ocr_min_chars`` characters,
    #: and a picture on it) or "always" (every page, its text layer ignored)
    ocr: str = "auto"
    ocr_min_chars: int = 20
    #: the resolution a scanned page is rendered at: its picture's own, within these bounds
    ocr_dpi: tuple[float, float] = (150.0, 300.0)
    #: texts whose edges are this close (points) are aligned, on a page read by OCR
    ocr_tolerance: float = 2.5


DEFAULT = PdfSettings()


@dataclass
class _Item:
    """A line of a page before numbering: its cells, where it is and what it is."""

    cells: list[str]
    top: float
    bottom: float
    x0: float = 0.0
    x1: float = 0.0
    table: int | None = None  # index of the table on the page, for rows
    row: int = 0
    ocr: dict | None = None  # per cell text: OCR's confidence and other readings (a page read by OCR)
    noise: bool = False
    size: float = 10.0  # font size of a text line
    last_top: float | None = None  # top of the last printed line joined into this one

    @property
    def key(self) -> str:
        return "".join(c.strip() for c in self.cells)


def cell_text(value: str | None) -> str:
    """A table cell as pdfplumber gives it → one line of text.

    A line break inside a cell is a wrap: it becomes a space only between two Latin letters
    (a wrap between words); anywhere else — Chinese, brackets, digits of one number — the
    two parts join directly.

    >>> cell_text("机关事业单位基本养老保险缴\\n费"), cell_text(None), cell_text("示财预【\\n2024】第3号")
    ('机关事业单位基本养老保险缴费', '', '示财预【2024】第3号')
    >>> cell_text("1,2\\n34.50"), cell_text("data\\ncentre")
    ('1,234.50', 'data centre')
    """
    if not value:
        return ""
    parts = [p.strip() for p in value.split("\n") if p.strip()]
    text = parts[0] if parts else ""
    for part in parts[1:]:
        text = _unwrap(text, part)
    return clean_name(clean_cell(text))


def _unwrap(before: str, after: str) -> str:
    """Two pieces of text a line wrap separated: a space between two Latin letters, else nothing."""
    latin = before[-1:].isascii() and before[-1:].isalpha() and after[:1].isascii() and after[:1].isalpha()
    return before + (" " if latin else "") + after


# ---------------------------------------------------------------- one page

def _in_box(word: dict, box: tuple[float, float, float, float]) -> bool:
    x = (word["x0"] + word["x1"]) / 2
    y = (word["top"] + word["bottom"]) / 2
    return box[0] - 1 <= x <= box[2] + 1 and box[1] - 1 <= y <= box[3] + 1


def _ocr_of(cells: list[str], words_of: list[list[dict]]) -> dict | None:
    """Per cell text, OCR's confidence (its least sure word's) and, for a cell of one word, the
    other readings of that word; None when no word was recognised (a text layer)."""
    out = {}
    for text, ws in zip(cells, words_of):
        ws = [w for w in ws if "conf" in w]
        if not ws or not text:
            continue
        conf = min(w["conf"] for w in ws)
        alts = tuple(ws[0].get("readings", ())) if len(ws) == 1 else ()
        was = out.get(text)
        out[text] = (min(conf, was[0]) if was else conf, alts or (was[1] if was else ()))
    return out or None


def _text_line(band: Band) -> _Item:
    """A printed line outside any table → an item, one cell per segment."""
    cells = [clean_name(clean_cell(s.text)) for s in band.segs]
    return _Item(
        cells=cells,
        top=band.top, bottom=band.bottom, x0=band.segs[0].x0, x1=band.segs[-1].x1,
        size=max(float(w.get("size") or 10) for s in band.segs for w in s.words),
        ocr=_ocr_of(cells, [s.words for s in band.segs]),
    )


_STARTS_BLOCK = re.compile(
    r"^(?:(?:单位|编制部门|编制单位|部门名称|单位名称|预算单位)\s*[:：]|第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]+\s*[)）]|\d{1,2}\s*[、.．]|注\s*[:：]|[①-⑳])"
)


def _join_wrapped(items: list[_Item]) -> list[_Item]:
    """Join the lines of a paragraph that the page width wrapped.

    A one-cell text line that runs to the right edge of the page's body (its widest line or
    table) continues on the next one-cell text line when that line is the next printed line,
    is not indented, and does not open a heading, a list item or a "单位：" line.
    Numbers cut off by a wrap ("政府采购服务预算" / "752.59万元") come back together.
    """
    text = [it for it in items if it.table is None and len(it.cells) == 1]
    if not text:
        return items
    right = max(it.x1 for it in items)  # tables span the body's width; a lone title does not
    left = min(it.x0 for it in text)
    out: list[_Item] = []
    for it in items:
        prev = out[-1] if out else None
        if (
            prev is not None and prev.table is None and it.table is None and len(prev.cells) == 1
            and len(it.cells) == 1 and not prev.noise and not it.noise
            and prev.x1 >= right - 3.0 * prev.size  # the line above runs (nearly) to the right edge
            and 0.8 * prev.size <= it.top - (prev.last_top or prev.top) <= 2.2 * prev.size  # the next line of the page
            and it.x0 <= left + 0.5 * prev.size  # not indented as a new paragraph
            and not _STARTS_BLOCK.match(it.cells[0])
        ):
            prev.cells = [_unwrap(prev.cells[0], it.cells[0])]
            prev.last_top, prev.bottom, prev.x1 = it.top, it.bottom, max(prev.x1, it.x1)
            continue
        out.append(it)
    return out


def _table_rows(tables) -> tuple[list[_Item], list[tuple]]:
    """Ruled tables with at least two columns → one item per row (a lone row on a page is kept: it
    is often a table's 合计 row run over from the page before)."""
    items: list[_Item] = []
    boxes = []
    for t_index, table in enumerate(tables):
        rows = table.extract()
        if not rows or max(len(r) for r in rows) < 2:
            continue  # a box drawn around text, not a table
        boxes.append(table.bbox)
        for r_index, (cells, row) in enumerate(zip(rows, table.rows)):
            x0, top, x1, bottom = row.bbox
            items.append(_Item(
                cells=[cell_text(c) for c in cells], top=top, bottom=bottom, x0=x0, x1=x1,
                table=t_index, row=r_index,
            ))
    return items, boxes


def _scanned_table_rows(page, scanned) -> tuple[list[_Item], list[tuple]]:
    """The ruled tables of a page read by OCR: pdfplumber's table finder over the rulings found in
    its image, each cell filled with the words recognised inside it (:func:`kg.read.scan.fill`)."""
    from kg.read.scan import fill

    if len(scanned.vertical) < 2 or len(scanned.horizontal) < 2:
        return [], []
    tables = page.find_tables({
        "vertical_strategy": "explicit", "horizontal_strategy": "explicit",
        "explicit_vertical_lines": scanned.vertical, "explicit_horizontal_lines": scanned.horizontal,
    })
    items: list[_Item] = []
    boxes = []
    for t_index, table in enumerate(tables):
        if not table.rows or max(len(r.cells) for r in table.rows) < 2:
            continue
        boxes.append(table.bbox)
        for r_index, row in enumerate(table.rows):
            filled = [fill(scanned.words, c) if c else ("", []) for c in row.cells]
            cells = [cell_text(text) for text, _ in filled]
            x0, top, x1, bottom = row.bbox
            items.append(_Item(
                cells=cells, top=top, bottom=bottom, x0=x0, x1=x1, table=t_index, row=r_index,
                ocr=_ocr_of(cells, [ws for _, ws in filled]),
            ))
    return items, boxes


def _table_items(rows: list[TableRow], table_base: int = 0, words: list[dict] = ()) -> list[_Item]:
    """Rows of unruled tables → items, numbered per table."""
    items, row_no = [], {}
    by_text: dict[str, list[dict]] = {}
    for w in words:
        by_text.setdefault(w["text"], []).append(w)
    for r in rows:
        row_no[r.table] = row_no.get(r.table, -1) + 1
        cells = [cell_text("\n".join(parts)) for parts in r.cells]
        ocr = None
        if by_text:  # a page read by OCR: the words of each cell, found by their text on the row
            near = [[w for part in parts for t in part.split(" ") for w in by_text.get(t, [])
                     if r.top - 1 <= (w["top"] + w["bottom"]) / 2 <= r.bottom + 1] for parts in r.cells]
            ocr = _ocr_of(cells, near)
        items.append(_Item(
            cells=cells, top=r.top, bottom=r.bottom,
            x0=r.x0, x1=r.x1, table=table_base + r.table, row=row_no[r.table], ocr=ocr,
        ))
    return items


def _aligned_rows(lines: list[Band], carry: Carry | None, settings: PdfSettings, height: float,
                  words: list[dict] = (), align: AlignSettings | None = None):
    """Tables by alignment among a page's lines: their rows as items, the indexes of the lines they
    use, and the page's :class:`~kg.read.aligned.PageTables`."""
    hi = len(lines)
    while hi and lines[hi - 1].top > height * (1 - settings.margin) and _PAGE_NO.match(lines[hi - 1].text):
        hi -= 1
    found = read_tables(lines, carry, align or settings.align, content=(0, hi))
    used = {i for a, b in found.ranges for i in range(a, b)}
    return _table_items(found.rows, words=words), used, found


def _adopt_header(page: list[_Item], orphans: list[TableRow]) -> None:
    """The header lines a page ended with, read as text, become the rows of the table whose body
    the next page prints (placed in that body's columns)."""
    base = max((it.table for it in page if it.table is not None), default=-1) + 1
    rows = _table_items(orphans, base)
    spans = [(r.top - 0.5, r.bottom + 0.5) for r in rows]
    gone = [i for i, it in enumerate(page)
            if it.table is None and not it.noise and any(a <= it.top <= b for a, b in spans)]
    if gone:
        page[gone[0]:gone[-1] + 1] = rows


def read_page(page, settings: PdfSettings = DEFAULT, carry: Carry | None = None, scanned=None):
    """One pdfplumber page → its items in reading order (tables in place, top to bottom), what the
    page leaves for the next, and the rows of the header the previous page ended with when this
    page prints that table's body (see :mod:`kg.read.aligned`).

    ``scanned``: what OCR read on the page's image (:class:`kg.read.scan.Scanned`), read instead of
    its text layer: the same steps over the words and rulings recognised."""
    align = settings.align
    if scanned is not None:
        rows, boxes = _scanned_table_rows(page, scanned)
        words = scanned.words
        align = replace(settings.align, tolerance=settings.ocr_tolerance)
    else:
        ruled = bool(page.lines or page.rects or page.curves)
        rows, boxes = _table_rows(page.find_tables(settings.table)) if ruled else ([], [])
        words = page.extract_words(x_tolerance=settings.x_tolerance, extra_attrs=["size"])
    free = [w for w in words if not any(_in_box(w, b) for b in boxes)]
    lines = [Band(segments(b, settings.cell_gap)) for b in bands(free)]
    height = float(page.height)
    used: set[int] = set()
    orphans = []
    if rows:
        carry = None
    else:
        rows, used, found = _aligned_rows(lines, carry, settings, height, words if scanned is not None else (), align)
        carry, orphans = found.carry, found.orphans
    text = [_text_line(ln) for i, ln in enumerate(lines) if i not in used]
    # a table sorts at its top edge as one block; text lines sort by their top
    table_top = {}
    for r in rows:
        table_top.setdefault(r.table, r.top)
    keyed = [((table_top[r.table], 1, r.row), r) for r in rows] + [((t.top, 0, 0), t) for t in text]
    items = [it for _, it in sorted(keyed, key=lambda kv: kv[0])]
    for it in items:
        if it.table is None and it.top > height * (1 - settings.margin) and _PAGE_NO.match(it.key):
            it.noise = True
    return _join_wrapped([it for it in items if it.key or it.table is not None]), carry, orphans


# ---------------------------------------------------------------- across pages

def _header_rows(items: list[_Item], table: int) -> list[str]:
    """The leading rows of a table up to its first row holding a number."""
    out = []
    for it in items:
        if it.table != table:
            continue
        if any(_NUMBER.match(c.strip()) for c in it.cells if c.strip()):
            break
        out.append(it.key)
    return out


def _continuations(pages: list[list[_Item]]) -> None:
    """Where a page begins by continuing the previous page's last table, mark what repeats.

    The title lines (with or without 续/续表) and header rows printed again at the top of the
    continued page are noise; the data rows join the table above them in the line stream.
    """
    for prev, page in zip(pages, pages[1:]):
        content = [it for it in page if not it.noise]
        last_tables = [it.table for it in prev if it.table is not None and not it.noise]
        if not content or not last_tables:
            continue
        if prev and prev[-1].table is None and not prev[-1].noise and not _PAGE_NO.match(prev[-1].key):
            continue  # the previous page ended in text, not in a table
        last = last_tables[-1]
        first_row = next((i for i, it in enumerate(prev) if it.table == last), 0)
        before = {it.key for it in prev[max(0, first_row - 4):first_row] if it.table is None}
        headers = _header_rows(prev, last)
        i = 0
        while i < len(content) and content[i].table is None:
            key = _CONTINUED.sub("", content[i].key)
            if key in before or not key or content[i].key in ("续表", "（续）", "(续)"):
                content[i].noise = True
                i += 1
                continue
            break
        if i < len(content) and content[i].table is not None:
            t = content[i].table
            j = 0
            for it in content[i:]:
                if it.table != t or j >= len(headers) or it.key != headers[j]:
                    break
                it.noise = True
                j += 1


def _running_headers(pages: list[list[_Item]], settings: PdfSettings, heights: list[float]) -> None:
    """A short text line at the very top of many pages is page furniture."""
    tops = Counter()
    for page, h in zip(pages, heights):
        seen = {it.key for it in page if it.table is None and it.top < h * settings.margin and len(it.key) <= 30}
        tops.update(seen)
    furniture = {k for k, n in tops.items() if n >= settings.running_header_pages}
    for page, h in zip(pages, heights):
        for it in page:
            if it.table is None and it.top < h * settings.margin and it.key in furniture:
                it.noise = True


def _repeated_pages(pages: list[list[_Item]]) -> list[int]:
    """Pages that repeat an earlier page word for word: all their lines are noise."""
    seen: dict[str, int] = {}
    repeated = []
    for n, page in enumerate(pages, start=1):
        key = "\n".join(it.key for it in page if not it.noise)
        if not key:
            continue
        if key in seen:
            repeated.append(n)
            for it in page:
                it.noise = True
        else:
            seen[key] = n
    return repeated


# ---------------------------------------------------------------- pages read by OCR


def needs_ocr(page, settings: PdfSettings) -> bool:
    """Whether a page is read by OCR: always, never, or (auto) when its text layer holds almost no
    text and it shows a picture."""
    if settings.ocr == "always":
        return True
    if settings.ocr == "never":
        return False
    return len(page.chars) < settings.ocr_min_chars and bool(page.images)


def _dpi(page, settings: PdfSettings) -> float:
    """The resolution of the page's largest picture (its pixels over its printed width), within bounds."""
    lo, hi = settings.ocr_dpi
    best = None
    for im in page.images:
        w = float(im.get("width") or 0)
        src = im.get("srcsize") or (0, 0)
        if w > 0 and src[0]:
            dpi = float(src[0]) / (w / 72.0)
            area = w * float(im.get("height") or 0)
            if best is None or area > best[0]:
                best = (area, dpi)
    return min(hi, max(lo, best[1])) if best else 200.0


def scan_page(page, settings: PdfSettings = DEFAULT):
    """Render a page (pdfplumber renders through pypdfium2) and read it by OCR (:mod:`kg.read.scan`)."""
    import numpy as np

    from kg.read.scan import scan_image

    dpi = _dpi(page, settings)
    image = np.asarray(page.to_image(resolution=dpi, antialias=True).original.convert("RGB"))
    return scan_image(image, dpi / 72.0)


# ---------------------------------------------------------------- the document

def read_pdf(path: str | Path, settings: PdfSettings = DEFAULT, data: bytes | None = None, limits=None) -> SourceDoc:
    """Read a PDF (or its bytes, ``data``, under its path) into lines; a file pdfplumber cannot open is a
    :class:`ReadError`, and so is one over ``limits`` (:mod:`kg.read.limits`: pages). The bytes read are
    the bytes parsed and hashed. Pages without a text layer are read by OCR (``settings.ocr``, see
    :func:`needs_ocr`); the document says which and how long it took."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    p = Path(path)
    if data is None:
        try:
            data = p.read_bytes()
        except OSError as e:
            raise ReadError(f"cannot read the file ({e.strerror or e})", file=p.name) from e
    if not data.startswith(b"%PDF"):
        raise ReadError("not a PDF (the file does not start with %PDF)", file=p.name)
    pages: list[list[_Item]] = []
    heights: list[float] = []
    carry = None
    ocr_pages: list[int] = []
    ocr_seconds = 0.0
    notes: list[str] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            check_pages(p.name, len(pdf.pages), limits)
            for n, page in enumerate(pdf.pages, start=1):
                scanned = None
                if needs_ocr(page, settings):
                    t0 = time.perf_counter()
                    try:
                        scanned = scan_page(page, settings)
                    except OcrUnavailable as e:
                        if settings.ocr == "always":
                            raise OcrUnavailable(e.message, file=p.name) from e
                        notes.append(f"page {n} has no text layer and was not read: {e.message}")
                    else:
                        ocr_pages.append(n)
                        if scanned.angle:
                            notes.append(f"page {n} read by OCR, straightened by {scanned.angle:g}°")
                    ocr_seconds += time.perf_counter() - t0
                items, carry, orphans = read_page(page, settings, carry, scanned)
                if orphans and pages:
                    _adopt_header(pages[-1], orphans)
                pages.append(items)
                heights.append(float(page.height))
                page.close()
    except (PDFSyntaxError, ValueError, TypeError, KeyError) as e:
        raise ReadError(f"a damaged PDF pdfplumber cannot read ({type(e).__name__}: {e})", file=p.name) from e
    except Exception as e:  # pdfminer raises many private types for broken files
        if encrypted(e):
            raise ReadError(encrypted(e), file=p.name) from e
        if type(e).__module__.startswith(("pdfminer", "pdfplumber")):
            raise ReadError(f"a damaged PDF pdfplumber cannot read ({type(e).__name__})", file=p.name) from e
        raise
    if not any(it.key for page in pages for it in page):
        if notes and settings.ocr == "auto":  # scanned pages, and no OCR engine to read them
            raise OcrUnavailable(
                f"no text layer on any of its {len(pages)} pages, and the OCR engine is not installed "
                "(pip install 'budget-kg[ocr]')", file=p.name)
        if settings.ocr == "never":
            why = " (a scanned PDF: read it with --ocr auto)"
        elif ocr_pages:
            why = ", and OCR found no text on their pictures either"
        else:
            why = ", and no picture on them to read by OCR"
        raise ReadError(f"no text layer on any of its {len(pages)} pages{why}", file=p.name)
    _running_headers(pages, settings, heights)
    _continuations(pages)
    repeated = _repeated_pages(pages)
    lines: list[Line] = []
    for n, page in enumerate(pages, start=1):
        for it in page:
            lines.append(Line(
                no=len(lines) + 1, text="\t".join(it.cells), cells=it.cells, page=n, noise=it.noise,
                box=(round(it.x0, 1), round(it.top, 1), round(it.x1, 1), round(it.bottom, 1)), ocr=it.ocr,
            ))
    return SourceDoc(
        name=p.name, path=str(p), lines=lines, sha256=hashlib.sha256(data).hexdigest(), pages=len(pages),
        notes=notes + [f"page {n} repeats an earlier page and is not counted again" for n in repeated],
        ocr_pages=ocr_pages, ocr_seconds=ocr_seconds,
    )
