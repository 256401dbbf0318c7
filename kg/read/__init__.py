"""read: a path → a :class:`kg.model.SourceDoc` (lines with cells, and where they are)."""

from __future__ import annotations

import os
from pathlib import Path

from kg.errors import ReadError
from kg.model import SourceDoc

TEXT_SUFFIXES = {".txt", ".text", ".md"}
PDF_SUFFIXES = {".pdf"}
SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES


def read(path: str | Path, data: bytes | None = None, limits=None, ocr: str = "auto") -> SourceDoc:
    """Read one document, choosing the reader by the file's extension.

    With ``data``, the file's bytes, the document is read from them instead of from disk (a worker of
    a cluster that cannot see the file): name, path and provenance are ``path``'s, as if read there.
    ``limits`` (:class:`kg.read.limits.Limits`): size and pages a document may have. Control
    characters are removed from every line (:mod:`kg.read.hygiene`), with a warning in ``warnings``.
    ``ocr``: which pages of a PDF are read by OCR: "never", "auto" (those with almost no text layer)
    or "always" (see :func:`kg.read.pdf.needs_ocr`).
    """
    from kg.read.hygiene import clean_lines, warning
    from kg.read.limits import check_file, check_size

    p = Path(path)
    suffix = p.suffix.lower()
    if data is None and not p.exists():
        raise ReadError("no such file", file=p.name)
    if data is None:
        check_file(p, limits)
    else:
        check_size(p, len(data), limits)
    if suffix in TEXT_SUFFIXES:
        from kg.read.text import read_text

        doc = read_text(p, data)
    elif suffix in PDF_SUFFIXES:
        from dataclasses import replace

        from kg.read.pdf import DEFAULT, read_pdf

        settings = replace(DEFAULT, ocr=ocr) if ocr != DEFAULT.ocr else DEFAULT
        doc = read_pdf(p, settings, data=data, limits=limits)
    else:
        raise ReadError(f"unsupported file type {suffix or '(none)'}; expected one of {', '.join(sorted(SUFFIXES))}",
                        file=p.name)
    removed = warning(clean_lines(doc.lines))
    if removed:
        doc.warnings.append(removed)
    return doc


def expand(paths: list[str | Path]) -> list[Path]:
    """Files and folders → the document files they hold, in a stable order."""
    return walk(paths)[0]


def walk(paths: list[str | Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Files and folders → the document files they hold, in a stable order, and the folders (or
    entries) that could not be read, each with the reason. A file named on the command line is kept
    whatever its state: the reader says what is wrong with it."""
    out: list[Path] = []
    problems: list[tuple[Path, str]] = []
    for p in map(Path, paths):
        if not p.is_dir():
            out.append(p)
            continue
        found: list[Path] = []

        def failed(e: OSError) -> None:
            where = Path(e.filename) if e.filename else p
            problems.append((where, f"cannot read the folder ({e.strerror or e}): its documents are not ingested"))

        for root, dirs, names in os.walk(p, onerror=failed):
            dirs.sort()
            for n in names:
                f = Path(root) / n
                if f.suffix.lower() in SUFFIXES and f.is_file():
                    found.append(f)
        out.extend(sorted(found))
    return out, problems
