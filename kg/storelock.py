"""Who holds a store's write lock, for a message that names it instead of RocksDB's own words.

One process at a time may open a store for writing (``kg ingest``, ``kg audit``, ``kg push``, a
``kg.open(..., writable=True)``); the reading commands open it read-only and never wait for it. When a
writer meets another, RocksDB says "While lock file: …/LOCK: Resource temporarily unavailable";
:func:`lock_message` says which process holds it (Linux: from ``/proc/locks``).

>>> lock_message(Path("/nonexistent"), OSError("IO error: some other failure")) is None
True
"""

from __future__ import annotations

import os
from pathlib import Path


def holder(lock: Path) -> tuple[int, str] | None:
    """The pid and command line of the process holding a POSIX lock on ``lock``, when Linux says."""
    try:
        inode = os.stat(lock).st_ino
        entries = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return None
    for entry in entries:
        fields = entry.split()
        if "->" in fields:  # a process waiting for the lock, not holding it
            continue
        try:
            pid, where = int(fields[4]), fields[5]
        except (IndexError, ValueError):
            continue
        if where.rsplit(":", 1)[-1] == str(inode):
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace").strip()
            except OSError:
                cmd = ""
            return pid, cmd
    return None


def lock_message(store: Path, error: BaseException) -> str | None:
    """One line for an open that failed because another writer holds the store; None for other errors."""
    text = str(error)
    if "LOCK" not in text and "lock" not in text:
        return None
    if "current process" in text:
        return ("the store is already open for writing in this process: close it first (Store.close, or a with block)")
    found = holder(store / "LOCK")
    who = f"process {found[0]}" + (f" ({_short(found[1])})" if found and found[1] else "") if found else "another process"
    return (f"the store is being written by {who}: one writer at a time; wait for it to finish "
            "(kg query, trace, viz, export and serve read it meanwhile)")


def _short(cmd: str, n: int = 120) -> str:
    """A command line without its interpreter, its program by name: ``kg ingest --store s a.txt``."""
    parts = cmd.split()
    if parts and Path(parts[0]).name.startswith("python"):
        parts = parts[1:]
        if parts[:1] == ["-m"] and len(parts) > 1:
            parts = ["kg" if parts[1] == "kg.cli" else parts[1], *parts[2:]]
    if parts:
        parts[0] = Path(parts[0]).name
    cmd = " ".join(parts)
    return cmd if len(cmd) <= n else cmd[: n - 1] + "…"
