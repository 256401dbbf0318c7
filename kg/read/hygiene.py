"""What a document's text may hold before any stage sees it: its encoding found, control characters out.

- :func:`decode`: bytes → text. A byte-order mark says UTF-8, UTF-16 or UTF-32 (little or big
  endian); without one, NUL bytes laid out as UTF-16 or UTF-32 lays out ASCII (every second or every
  fourth byte) say which; otherwise UTF-8, then GB18030. Bytes with many NULs that fit none of
  these are binary (an image or a PDF named ``.txt``) and refused.
- :func:`clean_lines`: the control characters (C0 but tab, C1, DEL; a form feed, which text exports
  put at page breaks, silently) are removed from every line and cell, in text and PDF alike, and
  counted: the document gets one warning naming them. None reaches a stage, so none is stored.

>>> decode("预算".encode("utf-16"), "a.txt")
'预算'
>>> decode("\\ufeff预算 2025".encode("utf-16-be")[2:], "a.txt")  # no BOM: the NULs of "2025" say big-endian
'预算 2025'
>>> strip_controls("a\\x00b\\x01c\\td\\x0c")
('abc\\td', Counter({'NUL': 1, 'U+0001': 1}))
"""

from __future__ import annotations

import codecs
import re
from collections import Counter

from kg.errors import ReadError
from kg.model import Line

ENCODINGS = ("utf-8-sig", "gb18030")
BOMS = (  # UTF-32 first: its little-endian mark begins with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
#: more NUL bytes than this share of a file that is not UTF-16/32: binary, not text
BINARY_NULS = 0.01
_CONTROL = re.compile("[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f]")
_NAMES = {"\x00": "NUL", "\x7f": "DEL", "\x1b": "ESC"}


def decode(data: bytes, name: str) -> str:
    """A text file's bytes → its text (see the module docstring); ReadError when it is none."""
    if not data.strip():
        raise ReadError("the file is empty", file=name)
    for bom, codec, label in BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(codec)
            except UnicodeDecodeError as e:
                raise ReadError(f"not valid {label} text although it starts with a {label} byte-order mark ({e.reason} "
                                f"at byte {e.start + len(bom)})", file=name) from e
            if not text.strip():
                raise ReadError("the file is empty", file=name)
            return text
    nuls = data.count(0)
    if nuls:
        wide = _wide(data)
        if wide:
            try:
                text = data.decode(wide)
            except UnicodeDecodeError:
                text = ""
            if _textual(text):
                return text
        if nuls > BINARY_NULS * len(data):
            raise ReadError("binary content, not text (is it a PDF or an image with the wrong extension?)", file=name)
    for enc in ENCODINGS:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ReadError("not valid UTF-8, UTF-16, UTF-32 or GB18030 text", file=name)


def _wide(data: bytes) -> str | None:
    """UTF-16 or UTF-32 without a byte-order mark, told by where its NULs fall (ASCII characters —
    digits, line breaks, tabs — have one byte of two, or three of four, zero)."""
    n = len(data)
    if n >= 8 and n % 4 == 0:
        quads = n // 4
        for codec, zeros in (("utf-32-le", (2, 3)), ("utf-32-be", (0, 1))):
            if all(sum(1 for i in range(k, n, 4) if data[i] == 0) >= 0.9 * quads for k in zeros):
                return codec
    if n >= 4 and n % 2 == 0:
        half = n // 2
        odd = data[1::2].count(0)
        even = data[0::2].count(0)
        if odd >= 0.2 * half and even <= 0.02 * half:
            return "utf-16-le"
        if even >= 0.2 * half and odd <= 0.02 * half:
            return "utf-16-be"
    return None


def _textual(text: str) -> bool:
    """Mostly printable characters: text, not binary decoded by chance."""
    if not text.strip():
        return False
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\t\n\r")
    return printable >= 0.95 * len(text)


def strip_controls(text: str) -> tuple[str, Counter]:
    """``text`` without control characters, and what was removed (form feeds are not counted)."""
    found: Counter = Counter()

    def drop(m: re.Match) -> str:
        ch = m.group(0)
        if ch != "\x0c":
            found[_NAMES.get(ch, f"U+{ord(ch):04X}")] += 1
        return ""

    return _CONTROL.sub(drop, text), found


def clean_lines(lines: list[Line]) -> Counter:
    """Remove control characters from every line and cell, in place; what was removed."""
    found: Counter = Counter()
    for line in lines:
        if _CONTROL.search(line.text) or any(_CONTROL.search(c) for c in line.cells):
            text, seen = strip_controls(line.text)
            line.text = text
            line.cells = [strip_controls(c)[0] for c in line.cells]
            found.update(seen)
    return found


def warning(found: Counter) -> str | None:
    """One warning line for the control characters removed, or None.

    >>> warning(Counter({"NUL": 3, "U+0001": 1}))
    '4 control characters removed from the text (NUL ×3, U+0001 ×1): they are not stored'
    """
    total = sum(found.values())
    if not total:
        return None
    kinds = ", ".join(f"{k} ×{n}" for k, n in found.most_common())
    return f"{total} control character{'s' if total > 1 else ''} removed from the text ({kinds}): they are not stored"
