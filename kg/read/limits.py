"""How much one document may take: its size, its pages, and (in a parsing worker) its time and memory.

A document over a limit is refused with one line naming the limit and the option that sets it; the
rest of its batch goes on. Size is checked before a byte is read (a 50 MB file is refused at once),
pages when the PDF is opened, time and memory by the worker parsing it (:mod:`kg.parsepool`).

>>> check_size(Path("big.txt"), 50 * MIB, Limits())
Traceback (most recent call last):
...
kg.errors.ReadError: big.txt: 50.0 MiB, over the limit of 32 MiB a document (kg ingest --max-size)
>>> check_pages("a.pdf", 1200, Limits())
Traceback (most recent call last):
...
kg.errors.ReadError: a.pdf: 1200 pages, over the limit of 1000 pages a document (kg ingest --max-pages)
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from kg.errors import ReadError

MIB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """Per-document limits (None: none). ``seconds`` and ``memory`` (MiB) hold where a document is
    parsed in a worker process of its own (:mod:`kg.parsepool`)."""

    max_mib: float | None = 32
    max_pages: int | None = 1000
    seconds: float | None = None
    memory: int | None = None

    @property
    def isolated(self) -> bool:
        """Whether a document must be parsed in a worker process (to be stopped by time or memory)."""
        return bool(self.seconds or self.memory)


#: what ``kg ingest`` applies unless told otherwise
DEFAULT = Limits(seconds=300.0, memory=2048)
#: what the library applies (kg.pipeline.ingest without limits): size and pages only
LIBRARY = Limits()


def check_size(path: Path, size: int, limits: Limits | None) -> None:
    """ReadError when ``size`` bytes are over the limit."""
    if limits and limits.max_mib and size > limits.max_mib * MIB:
        raise ReadError(f"{size / MIB:.1f} MiB, over the limit of {limits.max_mib:g} MiB a document "
                        "(kg ingest --max-size)", file=path.name)


def check_pages(name: str, pages: int, limits: Limits | None) -> None:
    """ReadError when a PDF of ``pages`` pages is over the limit."""
    if limits and limits.max_pages and pages > limits.max_pages:
        raise ReadError(f"{pages} pages, over the limit of {limits.max_pages} pages a document (kg ingest --max-pages)",
                        file=name)


def check_file(path: Path, limits: Limits | None) -> None:
    """Before reading a file: it is a regular file (a FIFO would block the reader for ever, a device
    never ends) within the size limit. ReadError otherwise; nothing when it cannot be looked at
    (the reader then says why, with the file's name)."""
    try:
        st = os.stat(path)
    except OSError:
        return
    if not stat.S_ISREG(st.st_mode):
        kind = ("a folder" if stat.S_ISDIR(st.st_mode) else "a named pipe" if stat.S_ISFIFO(st.st_mode)
                else "a socket" if stat.S_ISSOCK(st.st_mode) else "a device")
        raise ReadError(f"not a regular file ({kind})", file=path.name)
    check_size(path, st.st_size, limits)


def encrypted(error: BaseException) -> str | None:
    """What pdfminer's error (as pdfplumber wraps it) says of the PDF's encryption, or None: it needs a
    password, or it is encrypted in a way pdfminer cannot read. A PDF encrypted with an owner password
    only opens without one, and is read as any other."""
    seen = 0
    while error is not None and seen < 5:
        names = {type(error).__name__, *(type(a).__name__ for a in getattr(error, "args", ()))}
        if "PDFPasswordIncorrect" in names:
            return "an encrypted PDF that needs a password to be opened: ingest a copy saved without its password"
        if "PDFEncryptionError" in names:
            return "an encrypted PDF whose encryption pdfminer cannot read: ingest a copy saved without encryption"
        error = error.__cause__ or error.__context__
        seen += 1
    return None


def time_limit(name: str, seconds: float) -> str:
    return f"parsing it took longer than the limit of {seconds:g} s a document and was stopped (kg ingest --max-seconds)"


def memory_limit(cause: str) -> str:
    hint = " (kg ingest --max-memory)" if "memory" in cause else ""
    return f"the worker parsing it {cause}; it was stopped{hint}"
