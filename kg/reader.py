"""What the reading commands (``kg query``, ``kg trace``, ``kg audit``, ``kg viz``, ``kg serve``) need of a
store: :class:`Reader`. Two classes meet it: the embedded :class:`kg.store.Store` and
:class:`kg.remote.RemoteStore` (any SPARQL 1.1 endpoint that presents budget-kg's dataset as
described in :mod:`kg.remote`). Both answer with pyoxigraph's result types, so the code above them
does not know which it reads.

>>> from kg.store import Store
>>> from kg.remote import RemoteStore
>>> isinstance(Store(), Reader), issubclass(RemoteStore, Reader)
(True, True)
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

from rdflib.term import Node


@runtime_checkable
class Reader(Protocol):
    """Read access to budget-kg's dataset: the default graph is the union of the named graphs (unless
    the query or the protocol chooses another dataset: :mod:`kg.dataset`), the
    project prefixes (``kg.vocab.PREFIXES``) are declared, variables are bound by an inlined ``VALUES``
    (:func:`kg.store.bind`)."""

    def query(self, sparql: str, substitutions: dict[str, Node] | None = None, timeout: float | None = None,
              dataset=None):
        """Any query's answer as pyoxigraph gives it: ``QuerySolutions``, ``QueryBoolean`` or ``QueryTriples``;
        ``dataset`` (a :class:`kg.dataset.Dataset`) overrides the query's ``FROM`` / ``FROM NAMED``."""

    def select(self, sparql: str, **subs: Node) -> list[dict[str, object]]:
        """SELECT rows as dicts of Python values (:func:`kg.store.py`)."""

    def result(self, sparql: str, substitutions: dict[str, Node] | None = None, rows=None):
        """SELECT → rows, ASK → bool, CONSTRUCT / DESCRIBE → Turtle text."""

    def documents(self) -> list[str]:
        """The IRIs of the documents, sorted."""

    def file_times(self):
        """``(created, modified)`` of the data as UTC datetimes, or None when not known."""

    def close(self) -> None: ...

    def __enter__(self): ...

    def __exit__(self, *exc) -> None: ...


def open_reader(store: str | Path | None = None, endpoint: str | None = None) -> Reader:
    """The store at ``store``, opened read-only, or the SPARQL endpoint at ``endpoint`` (checked: see
    :class:`kg.remote.RemoteStore`)."""
    if endpoint is not None:
        from kg.remote import RemoteStore

        return RemoteStore(endpoint)
    from kg.store import Store

    return Store(store, read_only=True)
