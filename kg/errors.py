"""One exception root for the library; only the CLI turns these into messages and exit codes.

Every error carries the file it concerns, so a batch can report one clear line per bad document:

>>> str(ReadError("empty file", file="x.txt"))
'x.txt: empty file'
"""

from __future__ import annotations


class KgError(Exception):
    """Root of every error budget-kg raises on purpose."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line

    def __str__(self) -> str:
        where = self.file or ""
        if where and self.line:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}" if where else self.message


class ReadError(KgError):
    """The file cannot be read as a document (missing, binary, empty, unsupported type)."""


class ParseError(KgError):
    """The file was read but is not a budget-disclosure document we can extract."""


class StoreError(KgError):
    """The store cannot be opened or written."""


class QueryError(KgError):
    """A SPARQL query is malformed or fails."""
