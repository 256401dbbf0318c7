"""Worker processes that cannot outlive their parent nor take the machine: what ``kg ingest``'s parsing
workers and ``kg serve``'s query workers call first thing.

- :func:`die_with_parent`: the kernel kills the worker when the process that started it ends, however
  it ends (``kill -9`` included: Linux's parent-death signal, ``prctl(PR_SET_PDEATHSIG, SIGKILL)``);
  a worker whose parent is gone before the call exits at once. The signal follows the *thread* that
  started the worker, so workers are started from threads that live as long as their pool.
- :func:`cap_memory`: a limit on the worker's data memory (``RLIMIT_DATA``: heap and private
  mappings, not the store's files mapped read-only). An allocation past it fails: Python raises
  MemoryError, Rust (pyoxigraph) aborts the process (SIGABRT); either way the worker, not the machine,
  pays for it, and :func:`ended` names the cause.
- :func:`trim_heap`: give the pages the C heap holds free back to the system, after a document (a
  worker) or a link stage (the writer) freed its objects.
"""

from __future__ import annotations

import functools
import os
import signal
import sys

PR_SET_PDEATHSIG = 1
MIB = 1 << 20


def die_with_parent(parent: int) -> None:
    """Be killed when the process ``parent`` (this one's parent, by pid) ends; exit now if it has."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no libc to call: the pipe's end still stops the worker
            pass
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(0)


def cap_memory(mib: int | None) -> None:
    """Limit this process's data memory to ``mib`` MiB (None or 0: no limit)."""
    if not mib:
        return
    import resource

    limit = int(mib) * MIB
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
    # a Rust allocation failure prints one line; without this it prints a whole backtrace too
    os.environ["RUST_BACKTRACE"] = "0"


def trim_heap() -> None:
    """Return the free pages at the top and in the middle of the C heap to the system (glibc's
    ``malloc_trim``); elsewhere nothing. Freed objects leave their pages to the process otherwise: a
    parsing worker held 11 MiB more between documents, the writer 63 MiB more after a link stage at
    10,000 documents."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim():
    try:
        import ctypes

        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


def ended(exitcode: int | None, memory: int | None) -> str:
    """Why a worker ended, in words, from its exit code (negative: the signal that ended it).

    >>> ended(-6, 1024)
    'ran out of its 1024 MiB memory limit'
    >>> ended(-9, 1024)
    'was killed (SIGKILL: by the system, short of memory, or from outside)'
    >>> ended(3, None)
    'ended with exit code 3'
    """
    if exitcode is None:
        return "stopped answering"
    if exitcode == -signal.SIGABRT and memory:
        return f"ran out of its {memory} MiB memory limit"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        if exitcode == -signal.SIGKILL:
            return f"was killed ({name}: by the system, short of memory, or from outside)"
        return f"was ended by {name}"
    return f"ended with exit code {exitcode}"
