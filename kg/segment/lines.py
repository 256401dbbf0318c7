"""Shapes of single lines that every segmenter needs: their text, and table-of-contents entries."""

from __future__ import annotations

import re

from kg.model import Line

LEADERS = re.compile(r"\.{3,}|…{2,}|·{3,}|(?:•\s*){3,}|-{4,}")
_PAGE_NO = re.compile(r"^\d{1,3}$")
_PAGE_WORD = re.compile(r"(?:表|明|况|释|录)\s+\d{1,3}$")


def text_of(line: Line) -> str:
    """The line's non-empty cells joined by one space."""
    return " ".join(line.tokens)


def is_toc(line: Line) -> bool:
    """A table-of-contents entry: dot leaders, or a trailing page-number cell or word.

    >>> is_toc(Line(1, "表一2025年预算收支总表.....\\t2", ["表一2025年预算收支总表.....", "2"]))
    True
    >>> is_toc(Line(1, "第一部分 概况\\t1", ["第一部分 概况", "1"])), is_toc(Line(1, "第一部分 概况", ["第一部分 概况"]))
    (True, False)
    """
    toks = line.tokens
    if not toks:
        return False
    if LEADERS.search(line.text):
        return True
    if len(toks) >= 2 and _PAGE_NO.match(toks[-1]):
        return True
    return bool(_PAGE_WORD.search(toks[-1]))
