"""``kg export``: the store as linked data.

- :mod:`kg.export.formats`: the whole store or one document in Turtle, N-Triples, N-Quads, TriG or
  JSON-LD (compacted with the published context, :mod:`kg.export.context`);
- :mod:`kg.export.describe`: a VoID + DCAT description of the dataset, with counts.

:func:`write_output` writes either to a stream or, atomically, to a file (a temporary file in the
same folder renamed over the target, so a reader never sees half a dump).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TypeVar

from kg.errors import KgError

T = TypeVar("T")


class ExportError(KgError):
    """The export cannot be made: an unknown document, format or license, an unwritable file."""


class CountingWriter:
    """A binary stream that counts the bytes written through it."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.bytes = 0

    def write(self, data: bytes) -> int:
        self.stream.write(data)
        self.bytes += len(data)
        return len(data)

    def flush(self) -> None:
        self.stream.flush()


def _file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_output(produce: Callable[[BinaryIO], T], output: Path | None, stdout: BinaryIO) -> tuple[T, int]:
    """Run ``produce(stream)`` on ``stdout``, or on a temporary file renamed to ``output`` when it
    succeeds; return its result and the number of bytes written. An unwritable ``output`` raises
    :class:`ExportError` and leaves nothing behind."""
    if output is None:
        w = CountingWriter(stdout)
        result = produce(w)
        w.flush()
        return result, w.bytes
    target = Path(output)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as e:
        raise ExportError(f"cannot write here ({e.strerror})", file=str(output)) from e
    try:
        with os.fdopen(fd, "wb") as f:
            w = CountingWriter(f)
            result = produce(w)
        os.chmod(tmp, _file_mode())
        os.replace(tmp, target)
    except BaseException as e:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise ExportError(f"cannot write here ({e.strerror or e})", file=str(output)) from e
        raise
    return result, w.bytes
