"""Tables as document converters and OCR tools write them in text: HTML ``<table>``, Markdown pipes,
or columns set apart by runs of spaces — each row → cells, in the shape a ruled PDF table gives
(a merged cell once, at its left, the cells it covers empty).

>>> rows = html_rows('<table><tr><td rowspan="2">201</td><td colspan="2">一般公共服务支出</td></tr>'
...                  '<tr><td>1.50</td><td>1.50</td></tr></table>')
>>> [(line, cells) for line, cells in rows]
[(0, ['201', '一般公共服务支出', '']), (0, ['', '1.50', '1.50'])]
>>> pipe_cells("| 201 | 一般公共服务支出 | 1.50 |"), pipe_cells("|---|:---:|---|")
(['201', '一般公共服务支出', '1.50'], [])
>>> spaced_cells("201      一般公共服务支出       1.50      1.50"), spaced_cells("本单位 2025 年收入预算")
(['201', '一般公共服务支出', '1.50', '1.50'], None)
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_RULE = re.compile(r"^\s*\|?(?:\s*:?-{3,}:?\s*\|)+\s*(?::?-{3,}:?\s*)?\|?\s*$")
#: two or more spaces (or an ideographic space) between fields of a space-aligned table
_GAP = re.compile(r" {2,}|\u3000+")
_FIGURE = re.compile(r"^-?[\d,]*\d(?:\.\d+)?%?$")
TABLE_OPEN = re.compile(r"<table\b", re.I)
TABLE_CLOSE = re.compile(r"</table\s*>", re.I)


def pipe_cells(line: str) -> list[str] | None:
    """The cells of a Markdown table row ("| a | b |"); [] for its rule line ("|---|---|"); None when
    the line is no pipe row."""
    if not _PIPE_ROW.match(line):
        return None
    if _PIPE_RULE.match(line):
        return []
    body = line.strip()[1:-1]
    return [c.strip() for c in re.split(r"(?<!\\)\|", body)]


def spaced_cells(line: str) -> list[str] | None:
    """The fields of a line whose columns are set apart by runs of spaces (pdftotext -layout, OCR
    tools): three or more fields, one of them a figure; else None (prose keeps its spaces)."""
    parts = [p.strip() for p in _GAP.split(line.strip())]
    if len(parts) < 3 or not any(_FIGURE.match(p.replace(" ", "")) for p in parts):
        return None
    return parts


class _Table(HTMLParser):
    """Rows of one HTML table with the 0-based line (of the text given) where each row starts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[tuple[int, list[tuple[str, int, int]]]] = []  # line, [(text, colspan, rowspan)]
        self._cell: list[str] | None = None
        self._span = (1, 1)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr":
            self.rows.append((self.getpos()[0] - 1, []))
        elif tag in ("td", "th"):
            if not self.rows:
                self.rows.append((self.getpos()[0] - 1, []))
            self._cell = []
            self._span = (_int(a.get("colspan")), _int(a.get("rowspan")))
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1][1].append(("".join(self._cell).strip(), *self._span))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _int(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 100))
    except ValueError:
        return 1


def html_rows(text: str) -> list[tuple[int, list[str]]]:
    """The rows of the HTML tables in ``text``: (0-based line where the row starts, cells). A cell
    spanning columns or rows is printed once, at its top left; the places it covers are empty."""
    parser = _Table()
    parser.feed(text)
    parser.close()
    out: list[tuple[int, list[str]]] = []
    below: dict[int, int] = {}  # column → rows a rowspan still covers
    for line, cells in parser.rows:
        row: list[str] = []
        col = 0
        for text_, colspan, rowspan in cells:
            while below.get(col, 0) > 0:
                row.append("")
                below[col] -= 1
                col += 1
            row.append(text_)
            row.extend([""] * (colspan - 1))
            for c in range(col, col + colspan):
                if rowspan > 1:
                    below[c] = rowspan - 1
            col += colspan
        while any(v > 0 for c, v in below.items() if c >= col):
            if below.get(col, 0) > 0:
                below[col] -= 1
            row.append("")
            col += 1
        out.append((line, row))
    return out
