"""Text and OCR output → lines with cells.

The seeds are text exports of PDFs: table cells are separated by tabs, headings may carry
markdown ``#`` or ``**``, OCR output adds HTML fragments (``<u>``, ``<b>``, ``<sup>``). Other
converters write tables as HTML ``<table>``, Markdown pipes or columns of spaces: each row becomes a
line of cells all the same (:mod:`kg.read.markup`).
We keep every line with its 1-based number so provenance points at the source, and mark
watermark lines (``仅供内部审核`` printed over every page) as noise instead of dropping them.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

from kg.errors import ReadError
from kg.model import Line, SourceDoc
from kg.read.markup import TABLE_CLOSE, TABLE_OPEN, html_rows, pipe_cells, spaced_cells

ENCODINGS = ("utf-8-sig", "gb18030")
_TAG = re.compile(r"</?(?:u|b|i|em|strong|sup|sub|del|span|font|br|p|div)\b[^>]*>", re.I)
_HEADING = re.compile(r"^\s*#{1,6}\s*")
_BOLD = re.compile(r"\*\*")
# known watermarks; others are found by repetition (see _watermarks)
WATERMARKS = ("仅供内部审核", "内部资料", "仅供参考", "征求意见稿")
# short lines that legitimately repeat: table furniture, KPI headers
_STRUCTURAL = re.compile(r"单位|年度|目标|注|表|合计|部分|名称|指标|资金|目录|说明|项目|^[\d\s\-—.]+$")


@lru_cache(maxsize=16384)  # every cell of every line; most are empty or recur
def clean_cell(text: str) -> str:
    """Remove markup that OCR and PDF-to-text converters leave in a cell.

    >>> clean_cell("<u>-</u> ,机构")
    '- ,机构'
    >>> clean_cell("## 2025年预算收支总表")
    '2025年预算收支总表'
    """
    text = _TAG.sub("", text)
    text = _HEADING.sub("", text)
    text = _BOLD.sub("", text)
    return text.replace("\u3000", " ").replace("\xa0", " ").rstrip("\r\n")


_CJK = "\u3400-\u9fff\u3000-\u303f\uff00-\uffef"  # ideographs, CJK punctuation, full-width forms
_WRAP_GAP = re.compile(f"(?<=[{_CJK}])\\s+(?=[{_CJK}])")


def clean_name(text: str) -> str:
    """A name as printed, without the line-wrap spaces PDF/OCR put between two Chinese characters.

    >>> clean_name("晋城市电子政务外网提速扩能试 点项目")
    '晋城市电子政务外网提速扩能试点项目'
    >>> clean_name(" Z大同市政府信息化安全等级维保费 (电子政务外网等系统安全) ")
    'Z大同市政府信息化安全等级维保费 (电子政务外网等系统安全)'
    >>> clean_name(" 维修 (护) 费 "), clean_name("国有土地使用权出让收入安排的支 出")
    ('维修 (护) 费', '国有土地使用权出让收入安排的支出')
    """
    return _WRAP_GAP.sub("", text.strip())


def decode(data: bytes, name: str) -> str:
    """A text file's bytes → its text: UTF-8, UTF-16, UTF-32 or GB18030 (:func:`kg.read.hygiene.decode`)."""
    from kg.read.hygiene import decode as decode_text

    return decode_text(data, name)


def _watermarks(texts: list[str]) -> set[str]:
    """Short tab-free lines repeated over the document that carry no structure."""
    counts = Counter(t.strip() for t in texts if t.strip() and "\t" not in t)
    return {
        t for t, n in counts.items()
        if (t in WATERMARKS) or (n >= 4 and len(t) <= 10 and not _STRUCTURAL.search(t))
    }


def cells_of(raw: str) -> list[str]:
    """A text line's cells: split at tabs, else at a Markdown table's pipes, else at runs of spaces
    between the fields of a space-aligned table row (see :mod:`kg.read.markup`); else one cell."""
    if "\t" in raw:
        return raw.split("\t")
    for split in (pipe_cells, spaced_cells):
        cells = split(raw)
        if cells is not None:
            return cells
    return [raw]


def lines_from_text(text: str, page: int | None = None, start: int = 1) -> list[Line]:
    """Lines with cells. An HTML ``<table>`` (converters write them, over one line or many) gives one
    line per row, numbered by the line its row starts on."""
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    marks = _watermarks(raw)
    out: list[Line] = []
    i = 0
    while i < len(raw):
        r = raw[i]
        if TABLE_OPEN.search(r):
            j = i
            while j < len(raw) - 1 and not TABLE_CLOSE.search(raw[j]):
                j += 1
            before = TABLE_OPEN.split(r, maxsplit=1)[0]
            if before.strip():
                out.append(Line(no=i + start, text=clean_cell(before), cells=[clean_cell(before)], page=page))
            for k, cells in html_rows("\n".join(raw[i:j + 1])):
                cells = [clean_cell(c) for c in cells]
                out.append(Line(no=i + k + start, text="\t".join(cells), cells=cells, page=page))
            i = j + 1
            continue
        cells = [clean_cell(c) for c in cells_of(r)]
        joined = "\t".join(cells)
        noise = joined.strip() in marks
        out.append(Line(no=i + start, text=joined, cells=cells, page=page, noise=noise))
        i += 1
    return out


def read_text(path: str | Path, data: bytes | None = None) -> SourceDoc:
    """A text file (or its bytes, ``data``, read under its path) → lines with cells."""
    p = Path(path)
    if data is None:
        try:
            data = p.read_bytes()
        except OSError as e:
            raise ReadError(f"cannot read the file ({e.strerror or e})", file=p.name) from e
    text = decode(data, p.name)
    return SourceDoc(
        name=p.name,
        path=str(p),
        lines=lines_from_text(text),
        sha256=hashlib.sha256(data).hexdigest(),
    )
