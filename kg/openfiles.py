"""How many of a store's table files RocksDB keeps open, so that memory does not grow with the store.

RocksDB keeps each table file it has read in a cache of open files, with the file's index block (and,
for the strings, its Bloom filter) in memory outside any block cache: Oxigraph's options say
``cache_index_and_filter_blocks=false``. That is about 0.55 MiB a file of 64 MB (a count over every quad
of one index: 10 MiB more with 18 more of its files open), about 160 MiB for the 292 files of a
10,000-document store once a process has read them all, ten times that at
10⁵ documents. The cache's size (``max_open_files``) is the one option that bounds it,
and pyoxigraph does not expose it: Oxigraph sets it when a store is opened, from the process's limit on
open files (``RLIMIT_NOFILE``, less 48). So a store is opened with that limit lowered to
:data:`TABLE_FILES` + 48 for the time of the open, and the limit restored at once: the table files
beyond it are opened again when read (their index read back from the page cache).

``KG_TABLE_FILES`` in the environment sets the bound (``0``: no bound, Oxigraph's own choice).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import TypeVar

from kg.errors import StoreError

T = TypeVar("T")

#: table files a store keeps open at most (RocksDB's ``max_open_files``), unless ``KG_TABLE_FILES`` says otherwise
TABLE_FILES = 256
#: the files Oxigraph leaves to the process out of its limit (``max_open_files`` = the limit less this)
OXIGRAPH_MARGIN = 48
#: files left free under the lowered limit for the open itself (its logs, manifest, the first table files) and for
#: other threads meanwhile: a process holding more than the limit less this many keeps its limit
HEADROOM = 64

_LOCK = threading.Lock()  # two opens at once must not take each other's lowered limit for the original


def table_files() -> int:
    """The bound in force: ``KG_TABLE_FILES`` if set, else :data:`TABLE_FILES` (0: none)."""
    value = os.environ.get("KG_TABLE_FILES", "").strip()
    if not value:
        return TABLE_FILES
    if not value.isdigit() or 0 < int(value) < OXIGRAPH_MARGIN:
        raise StoreError(f"KG_TABLE_FILES={value!r} in the environment: give 0 (no bound) or a number of table "
                         f"files of at least {OXIGRAPH_MARGIN}")
    return int(value)


def _held() -> int | None:
    for folder in ("/proc/self/fd", "/dev/fd"):
        try:
            return len(os.listdir(folder))
        except OSError:
            continue
    return None


def bounded(open_store: Callable[[], T]) -> T:
    """``open_store()`` (an Oxigraph store's open) with at most :func:`table_files` table files kept open.
    The limit is left alone where it is lower already, where the process holds many files (the lowered
    limit would fail another thread's open meanwhile) and where the system has no such limit."""
    try:
        import resource
    except ImportError:  # not a POSIX system: Oxigraph chooses
        return open_store()
    files = table_files()
    if not files:
        return open_store()
    with _LOCK:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = files + OXIGRAPH_MARGIN
        held = _held()
        if (soft != resource.RLIM_INFINITY and soft <= want) or held is None or held > want - HEADROOM:
            return open_store()
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
        try:
            return open_store()
        finally:
            resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
