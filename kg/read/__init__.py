"""read: a path → a :class:`kg.model.SourceDoc` (lines with cells, and where they are)."""

from __future__ import annotations

from pathlib import Path

from kg.errors import ReadError
from kg.model import SourceDoc

TEXT_SUFFIXES = {".txt", ".text", ".md"}
PDF_SUFFIXES = {".pdf"}
SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES


def read(path: str | Path, data: bytes | None = None, ocr: str = "auto") -> SourceDoc:
    """Read one document, choosing the reader by the file's extension.

    With ``data``, the file's bytes, the document is read from them instead of from disk (a worker of
    a cluster that cannot see the file): name, path and provenance are ``path``'s, as if read there.
    ``ocr``: which pages of a PDF are read by OCR: "never", "auto" (those with almost no text layer)
    or "always" (see :func:`kg.read.pdf.needs_ocr`).
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if data is None and not p.exists():
        raise ReadError("no such file", file=p.name)
    if suffix in TEXT_SUFFIXES:
        from kg.read.text import read_text

        return read_text(p, data)
    if suffix in PDF_SUFFIXES:
        from dataclasses import replace

        from kg.read.pdf import DEFAULT, read_pdf

        return read_pdf(p, replace(DEFAULT, ocr=ocr) if ocr != DEFAULT.ocr else DEFAULT, data=data)
    raise ReadError(f"unsupported file type {suffix or '(none)'}; expected one of {', '.join(sorted(SUFFIXES))}", file=p.name)


def expand(paths: list[str | Path]) -> list[Path]:
    """Files and folders → the document files they hold, in a stable order."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES))
        else:
            out.append(p)
    return out
