"""Test PDFs whose content we know: a document in our plain-text format rendered in the Shanxi layout.

The input is what ``data/sample/*.txt`` holds: one source line per text line, table cells separated
by TAB characters, every line without a tab a paragraph (title, heading, "单位：万元", prose).

Layout rules (what a test may rely on):

- A table block is a maximal run of lines that contain a tab. Blank lines between two tab lines do not
  end the block and are not drawn: every non-blank tab line becomes exactly one table row, in order.
  A block is ONE reportlab ``Table`` with a ruling line on every cell edge, padded with empty cells to
  the block's widest row. Cell text is kept exactly (only surrounding whitespace is stripped).
- Every other non-blank line is one paragraph in one style; a line longer than the frame wraps (between
  any two characters, as Chinese text does), but stays one paragraph. A blank line is a small gap.
- Pages are A4 portrait (``page_size``). A block wider than :data:`LANDSCAPE_COLUMNS` columns is set on
  landscape pages, together with its caption (up to :data:`CAPTION_LINES` paragraphs right above it);
  the orientation changes with a page break.
- A table longer than a page continues on the next one with its header rows repeated: see
  :func:`guess_header_rows` for which rows those are, and ``header_rows`` to choose otherwise.
- Column widths fill the frame, proportional to each column's widest cell (at least
  :data:`MIN_COLUMN_WIDTH`) when all fit; otherwise see :func:`column_widths`. Only a cell whose text
  is wider than its column is wrapped (a reportlab ``Paragraph``, breaking between any two
  characters); pdfplumber then returns that cell's text with ``"\\n"`` at the line breaks.
- :class:`Style` draws the same records otherwise: rulings as stroked lines, as thin filled
  rectangles or not at all; money in 元 or 万元; codes in one column or in 类 | 款 | 项; merged group
  headings; continued tables with or without their header; the cover's title on one or three lines.
  ``Style()`` is the layout described here, unchanged.
- The font is reportlab's built-in CID font STSong-Light (no font file). pdfplumber reads its text
  back as the same Unicode for every character of the sample documents, full-width punctuation
  （）：“”〔〕【】《》 and ≥ ≤ ％ ① included. Characters outside GB 2312 are not drawn and come back as
  nothing (seen: · ² ³ ½ £ • U+2011 ≪ ≫ and accented Latin letters); U+3000 comes back as a space.

:func:`many_projects_document` makes the document for the multi-page round trip: a sample with many
more projects, every figure that depends on them updated (:func:`extra_projects` lists the new rows).

Command line, for looking at a layout: ``python tests/pdfgen.py SRC.txt OUT.pdf [--rules none …]``.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape, portrait
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

MARGIN = 36.0  # pt, on every side
TEXT_SIZE = 10.0  # pt, paragraphs
CELL_SIZE = 8.0  # pt, table cells
CELL_PADDING = 3.0  # pt, left and right of a cell's text
MIN_COLUMN_WIDTH = 24.0  # pt
BLANK_LINE_GAP = 4.0  # pt
LANDSCAPE_COLUMNS = 8  # a block with more columns than this is set on landscape pages
CAPTION_LINES = 3  # paragraphs right above a table that move to its page orientation with it

TEXT_STYLE = ParagraphStyle("text", fontName=FONT, fontSize=TEXT_SIZE, leading=TEXT_SIZE * 1.3, wordWrap="CJK")
CELL_STYLE = ParagraphStyle("cell", fontName=FONT, fontSize=CELL_SIZE, leading=CELL_SIZE * 1.2, wordWrap="CJK")
CENTRED_CELL_STYLE = ParagraphStyle("centred", parent=CELL_STYLE, alignment=1)
RULE_WIDTH = 0.5  # pt, the thin filled rectangles of Style(rules="rects")

# an amount as budget tables print it: decimals (1.50) or thousands separators (1,234 or 391,308)
AMOUNT = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)$")

HeaderRule = Callable[[list[list[str]]], int]


@dataclass
class TextLine:
    """A source line without a tab: one paragraph."""

    text: str


@dataclass
class BlankLine:
    """A blank (or whitespace-only) source line outside a table: a small gap."""


@dataclass
class TableBlock:
    """A run of tab lines: one row per non-blank line, each a list of stripped cells.

    ``budget``: a budget table, printed under a "单位：" line (see :func:`styled_blocks`).
    """

    rows: list[list[str]]
    budget: bool = field(default=False, repr=False, compare=False)

    @property
    def columns(self) -> int:
        return max(len(r) for r in self.rows)

    def padded(self) -> list[list[str]]:
        """Every row with empty cells added up to the widest row."""
        return [r + [""] * (self.columns - len(r)) for r in self.rows]


Block = TextLine | BlankLine | TableBlock


def split_blocks(lines: Sequence[str]) -> list[Block]:
    """Source lines → paragraphs, gaps and table blocks, in order.

    >>> split_blocks(["标题", "", "a\\tb", "", " c \\t", "注"])
    [TextLine(text='标题'), BlankLine(), TableBlock(rows=[['a', 'b'], ['c', '']]), TextLine(text='注')]
    """
    blocks: list[Block] = []
    held = 0  # blank lines after a table block: dropped if the block goes on, gaps if it ends
    for line in lines:
        if "\t" in line:
            row = [cell.strip() for cell in line.split("\t")]
            if blocks and isinstance(blocks[-1], TableBlock):
                blocks[-1].rows.append(row)
            else:
                blocks.append(TableBlock([row]))
            held = 0
        elif not line.strip():
            if blocks and isinstance(blocks[-1], TableBlock):
                held += 1
            else:
                blocks.append(BlankLine())
        else:
            blocks += [BlankLine() for _ in range(held)]
            blocks.append(TextLine(line.strip()))
            held = 0
    blocks += [BlankLine() for _ in range(held)]
    return blocks


def is_amount(cell: str) -> bool:
    """Whether a cell reads as an amount: with decimals or thousands separators; a bare integer is not one.

    >>> [is_amount(c) for c in ("1.50", "1,234", "391,308", "-0.30", "201", "2025年", "≥99.5%", "")]
    [True, True, True, True, False, False, False, False]
    """
    return bool(AMOUNT.match(cell))


def guess_header_rows(rows: list[list[str]]) -> int:
    """How many leading rows of a table are its header: those above the first row holding an amount.

    Bare integers (subject codes 201, the column numbers 1 2 3 …, page numbers) are not amounts, so
    they do not end the header. A table with no amount at all has no header to repeat (0).

    >>> guess_header_rows([["项目名称", "合计"], ["1", "2"], ["Z运维费", "128.50"]])
    2
    >>> guess_header_rows([["科目编码", "合计"], ["合计", ""]]), guess_header_rows([["合计", "1.00"]])
    (0, 0)
    """
    return next((i for i, row in enumerate(rows) if any(is_amount(c) for c in row)), 0)


# ---------------------------------------------------------------- styles: the same records drawn otherwise

RULES = ("lines", "rects", "none")
MONEY_UNITS = {"元": Decimal(1), "万元": Decimal(10000)}
CODE_LAYOUTS = ("one", "three")
COVERS = ("as-is", "one-line", "three-lines")


@dataclass(frozen=True)
class Style:
    """How a document is drawn; ``Style()`` is the original layout, byte for byte.

    - ``rules``: "lines" (a stroked line on every cell edge), "rects" (no stroked line: every cell
      edge is a thin filled rectangle, as WPS 表格 exports), "none" (no ruling at all: columns show
      only by alignment);
    - ``money_unit``: None (as the source prints it), "元" or "万元": every amount of a budget table
      and its "单位：" line converted; a conversion that is not exact is an error;
    - ``codes``: "one" (2010350 in one cell) or "three" (201 | 03 | 50 under a "类 | 款 | 项" header
      row, the "科目编码" heading over the three);
    - ``merged_headers``: a budget table's group headings drawn as one cell over their columns
      ("2025年预算数" over 合计 | 基本支出 | 项目支出), see :func:`header_spans`;
    - ``repeat_header``: a table continued on the next page repeats its header rows;
    - ``cover``: the cover's title "as-is", on "one-line", or on "three-lines" ("示范市" /
      "数据服务中心 2025 年度" / "单位预算公开").

    A budget table is one printed under a "单位：" line (not the contents, not a 绩效目标表). With
    rules "rects" and "none", its header cells are centred and every table's amounts right-aligned,
    as real documents print them; "lines" keeps every cell left-aligned.

    >>> Style(rules="dashes")
    Traceback (most recent call last):
    ...
    ValueError: Style.rules must be one of ('lines', 'rects', 'none'), not 'dashes'
    """

    rules: str = "lines"
    money_unit: str | None = None
    codes: str = "one"
    merged_headers: bool = False
    repeat_header: bool = True
    cover: str = "as-is"

    def __post_init__(self) -> None:
        for name, allowed in (("rules", RULES), ("money_unit", (None, *MONEY_UNITS)),
                              ("codes", CODE_LAYOUTS), ("cover", COVERS)):
            if getattr(self, name) not in allowed:
                raise ValueError(f"Style.{name} must be one of {allowed}, not {getattr(self, name)!r}")
        for name in ("merged_headers", "repeat_header"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"Style.{name} must be a bool, not {getattr(self, name)!r}")

    @property
    def name(self) -> str:
        """A short name for test ids: the settings that differ from ``Style()``.

        >>> Style().name, Style(rules="none", repeat_header=False).name
        ('default', 'none-norepeat')
        """
        parts = [self.rules if self.rules != "lines" else ""]
        parts += [{"元": "yuan", "万元": "wan"}.get(self.money_unit or "", ""),
                  "codes3" if self.codes == "three" else "", "merged" if self.merged_headers else "",
                  "" if self.repeat_header else "norepeat", "" if self.cover == "as-is" else self.cover]
        return "-".join(p for p in parts if p) or "default"


UNIT_LINE = re.compile(r"^(?P<head>单位\s*[:：]\s*)(?P<unit>万元|元)$")
CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
CODE_HEADING = re.compile(r"^(?:收入)?科目编码$")
COVER_END = re.compile(r"^(?:目\s*录|第[一二三四五六七八九十]+部分)")
COVER_TITLE = re.compile(r"^(?P<region>.+?[省市区县])(?P<unit>.+?)(?P<year>\d{4})\s*年度(?P<kind>.+)$")
LEVELS = ["类", "款", "项"]


def convert_amount(cell: str, source: str, target: str) -> str:
    """An amount printed in ``source`` money as ``target`` prints it: 元 with thousands separators,
    万元 without; both with two decimals.

    >>> convert_amount("128.50", "万元", "元"), convert_amount("1,285,000.00", "元", "万元")
    ('1,285,000.00', '128.50')
    >>> convert_amount("0.01", "元", "万元")
    Traceback (most recent call last):
    ...
    ValueError: 0.01 元 is not a whole number of 0.01 万元
    """
    value = Decimal(cell.replace(",", "")) * MONEY_UNITS[source] / MONEY_UNITS[target]
    if value != value.quantize(CENT):
        raise ValueError(f"{cell} {source} is not a whole number of 0.01 {target}")
    return f"{value:,.2f}" if target == "元" else f"{value:.2f}"


def three_column_codes(rows: list[list[str]]) -> list[list[str]]:
    """A table's codes split into 类 | 款 | 项 cells under a "科目编码" heading over a new
    "类 | 款 | 项" header row. Rows are padded; a table without codes is returned as it is.

    >>> three_column_codes([["科目编码", "科目名称", "合计"], ["合计", "", "1.00"], ["2010350", "事业运行", "1.00"]])
    [['科目编码', '', '', '科目名称', '合计'], ['类', '款', '项', '', ''], ['合计', '', '', '', '1.00'], ['201', '03', '50', '事业运行', '1.00']]
    """
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    heads = guess_header_rows(rows)
    found = [(k, i) for k in range(heads) for i, c in enumerate(rows[k]) if CODE_HEADING.match(c)]
    columns = {i for _, i in found if any(CODE.match(r[i]) for r in rows[heads:])}
    if len(columns) != 1:
        return rows
    col = columns.pop()
    out = []
    for k, row in enumerate(rows):
        code = row[col]
        parts = [code[:3], code[3:5], code[5:7]] if k >= heads and CODE.match(code) else [code, "", ""]
        out.append(row[:col] + parts + row[col + 1:])
        if k < heads and CODE_HEADING.match(code):
            out.append([""] * col + LEVELS + [""] * (width - col - 1))
    return out


def _is_column_numbers(row: list[str]) -> bool:
    filled = [c for c in row if c]
    return len(filled) >= 3 and filled == [str(n) for n in range(1, len(filled) + 1)]


def header_spans(rows: list[list[str]], heads: int) -> list[tuple[int, int, int]]:
    """(row, first, last column) of every header cell drawn merged: a filled cell of the first
    ``heads`` rows spans the empty cells to its right whose columns a lower header row heads (the
    column numbers "1 2 3 …" head nothing), never beyond the cell above it.

    >>> header_spans([["项目", "", "2025年预算数", "", ""], ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]], 2)
    [(0, 0, 1), (0, 2, 4)]
    >>> header_spans([["名称", "合计", "财政拨款", "", "单位资金"], ["", "", "一般", "基金", ""], ["1", "2", "3", "4", "5"]], 3)
    [(0, 2, 3)]
    """
    width = max((len(r) for r in rows[:heads]), default=0)
    grid = [r + [""] * (width - len(r)) for r in rows[:heads]]
    out = []
    ends = [width - 1] * width  # the last column of the cell above each column
    for k, row in enumerate(grid):
        below = {i for r in grid[k + 1:] if not _is_column_numbers(r) for i, c in enumerate(r) if c}
        new_ends = list(ends)
        for i, c in enumerate(row):
            if not c:
                continue
            e = i
            while e + 1 <= ends[i] and not row[e + 1] and e + 1 in below:
                e += 1
            if e > i:
                out.append((k, i, e))
            for j in range(i, e + 1):
                new_ends[j] = e
        ends = new_ends
    return out


def _cover(blocks: list[Block], how: str) -> list[Block]:
    """The cover's title lines (the text before the contents) on one line or on three."""
    if how == "as-is":
        return blocks
    end = next(i for i, b in enumerate(blocks)
               if isinstance(b, TableBlock) or isinstance(b, TextLine) and COVER_END.match(b.text))
    at = [i for i in range(end) if isinstance(blocks[i], TextLine)]
    if not at:
        raise ValueError("the document has no cover lines")
    title = "".join(blocks[i].text for i in at)
    if how == "one-line":
        lines = [title]
    else:
        m = COVER_TITLE.match(title)
        if not m:
            raise ValueError(f"cannot split the cover title {title!r} into region / unit and year / kind")
        lines = [m["region"], f"{m['unit']} {m['year']} 年度", m["kind"]]
    return blocks[: at[0]] + [TextLine(t) for t in lines] + blocks[at[-1] + 1:]


def styled_blocks(blocks: list[Block], style: Style) -> list[Block]:
    """The blocks as ``style`` draws them: the cover, the money unit and the code columns; budget
    tables (printed under a "单位：" line) are marked. ``Style()`` changes nothing but the marks.

    >>> b = styled_blocks(split_blocks(["单位：万元", "项目\\t金额", "合计\\t1.50"]), Style(money_unit="元"))
    >>> b[0].text, b[1].rows, b[1].budget
    ('单位：元', [['项目', '金额'], ['合计', '15,000.00']], True)
    """
    out: list[Block] = []
    unit = None  # the money unit printed since the last table
    for block in _cover(blocks, style.cover):
        if isinstance(block, TextLine) and (m := UNIT_LINE.match(block.text)):
            unit = m["unit"]
            if style.money_unit:
                block = TextLine(m["head"] + style.money_unit)
        elif isinstance(block, TableBlock):
            if unit:
                rows = block.rows
                if style.money_unit:
                    rows = [[convert_amount(c, unit, style.money_unit) if is_amount(c) else c for c in r] for r in rows]
                if style.codes == "three":
                    rows = three_column_codes(rows)
                block = TableBlock(rows, budget=True)
            unit = None
        out.append(block)
    return out


def printed_header_rows(rows: list[list[str]]) -> int:
    """The header rows a budget table prints as headings (centred, merged): those of
    :func:`guess_header_rows` but a trailing row naming one cell only, a data row without figures.

    >>> rows = [["项目", "2025年预算数", ""], ["", "合计", "一般公共预算"], ["因公出国（境）费", "", ""], ["公务接待费", "0.30", "0.30"]]
    >>> guess_header_rows(rows), printed_header_rows(rows)
    (3, 2)
    """
    heads = guess_header_rows(rows)
    while heads and sum(1 for c in rows[heads - 1] if c) < 2:
        heads -= 1
    return heads


def _text_width(text: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, FONT, size)


def column_widths(
    rows: list[list[str]], available: float, skip: frozenset[tuple[int, int]] = frozenset()
) -> list[float]:
    """Widths that add up to ``available``, from each column's widest cell (at least the minimum width).

    When every column fits, the widths are proportional to those. Otherwise the narrow columns keep
    their width and the widest ones share what is left equally (max-min fair), so that only the cells
    of the widest columns wrap. The cells ``skip`` names (row, column) do not count: merged cells.

    >>> [round(w) for w in column_widths([["科目编码", "一般公共服务支出"]], 300)]
    [106, 194]
    >>> [round(w) for w in column_widths([["合计", "长" * 60, "宽" * 30]], 300)]
    [24, 138, 138]
    """
    natural = [
        max(MIN_COLUMN_WIDTH, max(
            (_text_width(r[i], CELL_SIZE) for k, r in enumerate(rows) if (k, i) not in skip), default=0.0
        ) + 2 * CELL_PADDING)
        for i in range(len(rows[0]))
    ]
    total = sum(natural)
    if total <= available:
        return [available * w / total for w in natural]
    widths = [0.0] * len(natural)
    left = available
    order = sorted(range(len(natural)), key=natural.__getitem__)
    for k, i in enumerate(order):
        widths[i] = min(natural[i], left / (len(order) - k))
        left -= widths[i]
    return widths


class RectTable(Table):
    """A reportlab ``Table`` ruled with thin filled rectangles ("re f"), never a stroked line, as
    WPS 表格 exports its borders: one bar across the table at every row edge, and one down each
    column edge for each run of rows that no merged cell crosses. Split tables keep the class."""

    def _drawLines(self) -> None:
        canv = self.canv
        canv.saveState()
        canv.setFillColor(colors.black)
        t = RULE_WIDTH
        xs, ys = self._colpositions, self._rowpositions  # ys from the top row's top down
        for y in ys:
            canv.rect(xs[0] - t / 2, y - t / 2, xs[-1] - xs[0] + t, t, stroke=0, fill=1)
        crossed = {(c, r) for (c0, r0, c1, r1) in filter(None, getattr(self, "_spanRanges", {}).values())
                   for r in range(r0, r1 + 1) for c in range(c0 + 1, c1 + 1)}
        for c, x in enumerate(xs):
            r = 0
            while r < len(ys) - 1:
                if (c, r) in crossed:
                    r += 1
                    continue
                end = r
                while end + 1 < len(ys) - 1 and (c, end + 1) not in crossed:
                    end += 1
                canv.rect(x - t / 2, ys[end + 1] - t / 2, t, ys[r] - ys[end + 1] + t, stroke=0, fill=1)
                r = end + 1
        canv.restoreState()


def _cell(text: str, width: float, centred: bool) -> str | Paragraph:
    """A cell's text, as a Paragraph (wrapped between any two characters) when wider than ``width``."""
    if _text_width(text, CELL_SIZE) > width - 2 * CELL_PADDING:
        return Paragraph(escape(text), CENTRED_CELL_STYLE if centred else CELL_STYLE)
    return text


def _table(block: TableBlock, available: float, header_rows: HeaderRule, style: Style) -> Table:
    rows = block.padded()
    heads = printed_header_rows(rows) if block.budget else 0
    spans = header_spans(rows, heads) if style.merged_headers else []
    covered = frozenset((r, c) for r, a, b in spans for c in range(a, b + 1))
    widths = column_widths(rows, available, skip=covered)
    span_width = {(r, a): sum(widths[a : b + 1]) for r, a, b in spans}
    printed = style.rules != "lines"  # centred headers and right-aligned amounts, as printed
    cells = [
        [
            _cell(c, span_width.get((k, i), w), printed and k < heads or (k, i) in span_width)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        for k, row in enumerate(rows)
    ]
    repeat = header_rows(rows) if style.repeat_header else 0
    commands: list[tuple] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("FONT", (0, 0), (-1, -1), FONT, CELL_SIZE),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    if style.rules != "lines":
        commands = commands[1:]
    if printed:
        commands += [("ALIGN", (i, k), (i, k), "RIGHT") for k, row in enumerate(rows) for i, c in enumerate(row) if is_amount(c)]
        if heads:
            commands.append(("ALIGN", (0, 0), (-1, heads - 1), "CENTER"))
    for r, a, b in spans:
        commands += [("SPAN", (a, r), (b, r)), ("ALIGN", (a, r), (b, r), "CENTER")]
    kind = RectTable if style.rules == "rects" else Table
    table = kind(cells, colWidths=widths, repeatRows=repeat if 0 < repeat < len(rows) else 0)
    table.setStyle(TableStyle(commands))
    return table


def _orientations(blocks: list[Block]) -> list[bool]:
    """For each block, whether it goes on a landscape page: wide tables, their captions, the gaps after them."""
    out = [isinstance(b, TableBlock) and b.columns > LANDSCAPE_COLUMNS for b in blocks]
    for i in range(1, len(blocks)):  # a gap stays with what precedes it
        if isinstance(blocks[i], BlankLine):
            out[i] = out[i - 1]
    for i, block in enumerate(blocks):
        if not (isinstance(block, TableBlock) and block.columns > LANDSCAPE_COLUMNS):
            continue
        captions, j = 0, i - 1
        while j >= 0 and not isinstance(blocks[j], TableBlock) and captions < CAPTION_LINES:
            captions += isinstance(blocks[j], TextLine)
            out[j] = True
            j -= 1
    return out


def _frame_width(size: tuple[float, float]) -> float:
    return size[0] - 2 * MARGIN


def render_lines(
    lines: Sequence[str],
    out: Path,
    *,
    title: str | None = None,
    page_size: tuple[float, float] = A4,
    header_rows: HeaderRule = guess_header_rows,
    style: Style = Style(),
) -> int:
    """Render source lines to the PDF ``out``; return its page count.

    ``title`` is the PDF's metadata title (nothing is drawn for it). ``page_size`` is the size of an
    ordinary page, turned to portrait; wide tables use it turned to landscape. ``header_rows`` tells how
    many leading rows of a table (its padded rows) repeat on each page it continues on (none when
    ``style.repeat_header`` is false). ``style``: see :class:`Style`.
    """
    sizes = {False: portrait(page_size), True: landscape(page_size)}
    blocks = styled_blocks(split_blocks(lines), style)
    wide = _orientations(blocks)
    templates = {
        w: PageTemplate(
            id="landscape" if w else "portrait",
            frames=[Frame(MARGIN, MARGIN, _frame_width(s), s[1] - 2 * MARGIN, 0, 0, 0, 0)],
            pagesize=s,
        )
        for w, s in sizes.items()
    }
    first = wide[0] if wide else False
    story: list[Flowable] = []
    current = first
    for block, w in zip(blocks, wide, strict=True):
        if w != current and sizes[w] != sizes[current]:
            story += [NextPageTemplate(templates[w].id), PageBreak()]
        current = w
        if isinstance(block, TableBlock):
            story.append(_table(block, _frame_width(sizes[w]), header_rows, style))
        elif isinstance(block, TextLine):
            story.append(Paragraph(escape(block.text), TEXT_STYLE))
        else:
            story.append(Spacer(1, BLANK_LINE_GAP))
    doc = BaseDocTemplate(
        str(out), pagesize=sizes[first], title=title or "",
        pageTemplates=[templates[first], templates[not first]],
    )
    doc.build(story)
    return doc.page


def render_text_file(src: Path, out: Path, **kw) -> int:
    """Render a UTF-8 text document to ``out`` (options as :func:`render_lines`); return the page count."""
    return render_lines(src.read_text("utf-8").splitlines(), out, **{"title": src.stem, **kw})


# ---------------------------------------------------------------- a document with a multi-page table

PROJECT_TABLE_TITLE = "项目支出预算表（本年预算）"
EXTRA_PROJECT_NAME = "Z示范运维项目{k:03d}"  # "Z" as the sample's 运维 projects
EXTRA_PROJECT_STEP = Decimal("1.23")  # 万元: project k gets k × 1.23 万元
WAN = Decimal(10000)
CENT = Decimal("0.01")

# in the prose: an increase over last year with its rate, or an amount in 万元 with the share it makes
_PROSE_FIGURE = re.compile(
    r"(?P<inc_head>增加)(?P<inc>\d+\.\d{2})万元，增幅(?P<rate>\d+(?:\.\d+)?)%"
    r"|(?<![\d.])(?P<fig>\d+\.\d{2})万元(?:(?P<share_head>，占[^%。；]*?)(?P<pct>\d+(?:\.\d+)?)%)?"
)


def extra_projects(n: int) -> list[tuple[str, Decimal]]:
    """The projects :func:`many_projects_document` adds: (name, amount in 元), amounts k × 1.23 万元.

    >>> extra_projects(2)
    [('Z示范运维项目001', Decimal('12300.00')), ('Z示范运维项目002', Decimal('24600.00'))]
    """
    return [(EXTRA_PROJECT_NAME.format(k=k), EXTRA_PROJECT_STEP * k * WAN) for k in range(1, n + 1)]


def _wan(amount_yuan: Decimal) -> str:
    return str((amount_yuan / WAN).quantize(CENT))


def _percent(part: Decimal, whole: Decimal, like: str) -> str:
    """``part / whole`` in percent, rounded half up to as many decimals as ``like`` has."""
    places = len(like.partition(".")[2])
    return str((part / whole * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _amount(cells: list[str], i: int) -> Decimal | None:
    """The amount in cell ``i``, if there is such a cell and it holds one."""
    cell = cells[i].strip() if i < len(cells) else ""
    return Decimal(cell.replace(",", "")) if is_amount(cell) else None


def _project_table(lines: list[str]) -> tuple[int, int]:
    """(first, end) line indexes of the 项目支出预算表（本年预算）'s tab lines."""
    title = next(i for i, ln in enumerate(lines) if PROJECT_TABLE_TITLE in ln and "\t" not in ln)
    first = next(i for i in range(title, len(lines)) if "\t" in lines[i])
    end = next((i for i in range(first, len(lines)) if "\t" not in lines[i]), len(lines))
    return first, end


def _affected_figures(lines: list[str], project_total: Decimal) -> tuple[Decimal, set[Decimal]]:
    """The unit total and every figure of the 支出总表 that contains the projects.

    Those are the 合计 of the rows whose 项目支出 (last column) is the whole project total: the
    合计 row, and the function-class chain 201 → 20103 → 2010399 that holds all the projects.
    """
    title = next(i for i, ln in enumerate(lines) if "预算支出总表" in ln and "\t" not in ln)
    rows = []
    for ln in lines[title + 1:]:
        if "\t" in ln:
            rows.append(ln.split("\t"))
        elif rows:
            break
    holding = [r for r in rows if _amount(r, len(r) - 1) == project_total]
    if not any(r[0].strip().isdigit() and _amount(r, 2) == project_total for r in holding):
        raise ValueError("the projects are not all under one subject code of the 支出总表; not supported")
    total = next(_amount(r, 2) for r in holding if r[0].strip() == "合计")
    return total, {_amount(r, 2) for r in holding}


def many_projects_document(base: Path, n: int) -> list[str]:
    """``base``'s lines with :func:`extra_projects` (n) added to its 项目支出预算表（本年预算）.

    The new rows follow the last project row and are laid out like it. The document stays
    consistent: every amount cell of a table equal to a figure that contains the projects (the unit
    total, the 合计 of the function classes that hold the projects, the project total; see
    :func:`_affected_figures`) grows by the added sum S, and so does the unit heading row of the project
    table. In the prose, the unit total and those class totals grow by S where stated in 万元, "项目支出
    X万元" does too, a share "X万元，占…Y%" of the unit total or of the project total is computed anew,
    and an increase over last year of the unit total ("增加D万元，增幅R%") with its rate. Other prose
    amounts (e.g. the amount of the projects with a 绩效目标表) stay. Works for documents with one unit
    heading row whose projects all fall under one subject code, as both samples.
    """
    lines = base.read_text("utf-8").splitlines()
    first, end = _project_table(lines)
    rows = [ln.split("\t") for ln in lines[first:end]]
    heading = next(r for r in rows if _amount(r, 1) is not None)
    project_total = _amount(heading, 1)
    unit_total, figures = _affected_figures(lines, project_total)
    added = extra_projects(n)
    delta = sum((a for _, a in added), Decimal(0)) / WAN
    bumped = {f: f + delta for f in figures | {project_total}}

    def bump_cell(cell: str) -> str:
        value = _amount([cell], 0)
        return str(bumped[value]) if value in bumped else cell

    def bump_prose(m: re.Match[str]) -> str:
        if m["inc"]:
            increase = Decimal(m["inc"])
            last_year = unit_total - increase
            if _percent(increase, last_year, m["rate"]) != m["rate"]:
                return m[0]
            new = increase + delta
            return f"{m['inc_head']}{new}万元，增幅{_percent(new, last_year, m['rate'])}%"
        old = Decimal(m["fig"])
        is_project_total = old == project_total and m.string[: m.start()].endswith("项目支出")
        new = bumped[old] if old in figures - {project_total} or is_project_total else old
        out = f"{new}万元"
        if m["pct"]:
            bases = ((unit_total, unit_total + delta), (project_total, project_total + delta))
            whole = next((b for b in bases if _percent(old, b[0], m["pct"]) == m["pct"]), None)
            pct = _percent(new, whole[1], m["pct"]) if whole else m["pct"]
            out += f"{m['share_head']}{pct}%"
        return out

    template = rows[-1]
    template_amount = template[1]
    new_rows = [
        "\t".join([name] + [_wan(amount) if c == template_amount else "" for c in template[1:]])
        for name, amount in added
    ]
    out = []
    for i, line in enumerate(lines):
        if "\t" in line and (not first <= i < end or line.split("\t") == heading):
            out.append("\t".join(bump_cell(c) for c in line.split("\t")))
        elif "\t" in line:
            out.append(line)  # the project rows: a project may happen to cost as much as a total
        else:
            out.append(_PROSE_FIGURE.sub(bump_prose, line))
        if i == end - 1:
            out += new_rows
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """``python tests/pdfgen.py SRC.txt OUT.pdf [style options]``: render one text document; print the page count."""
    parser = argparse.ArgumentParser(description="Render a budget document in our text format (tab-separated cells) to a PDF.")
    parser.add_argument("src", type=Path, help="UTF-8 text document, table cells separated by tabs")
    parser.add_argument("out", type=Path, help="the PDF to write")
    parser.add_argument("--projects", type=int, metavar="N", help="first add N projects (see many_projects_document)")
    parser.add_argument("--rules", choices=RULES, default="lines", help="how tables are ruled (see Style)")
    parser.add_argument("--money-unit", choices=tuple(MONEY_UNITS), help="convert budget tables to this unit")
    parser.add_argument("--codes", choices=CODE_LAYOUTS, default="one", help="codes in one column or in 类 | 款 | 项")
    parser.add_argument("--merged-headers", action="store_true", help="draw group headings merged over their columns")
    parser.add_argument("--no-repeat-header", action="store_true", help="continued tables do not repeat their header")
    parser.add_argument("--cover", choices=COVERS, default="as-is", help="the cover's title lines")
    args = parser.parse_args(argv)
    style = Style(rules=args.rules, money_unit=args.money_unit, codes=args.codes, merged_headers=args.merged_headers,
                  repeat_header=not args.no_repeat_header, cover=args.cover)
    if args.projects:
        pages = render_lines(many_projects_document(args.src, args.projects), args.out, title=args.src.stem, style=style)
    else:
        pages = render_text_file(args.src, args.out, style=style)
    print(f"{args.out}: {pages} pages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
