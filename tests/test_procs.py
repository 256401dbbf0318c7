"""kg.procs.trim_heap: the pages a process freed go back to the system (what a parsing worker does after
each document and the writer after each link stage)."""

from __future__ import annotations

import subprocess
import sys

import pytest

# In a process of its own (so that nothing else of the test run is in its heap): 120 MiB of objects
# the C allocator serves (1,500 bytes each: over Python's small-object limit), all freed but the last,
# which keeps the heap's top where it is, so that free() alone gives nothing back.
CHILD = r"""
import sys
from kg.procs import trim_heap

def anon():
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("RssAnon:")) // 1024

blocks = [bytes(1500) for _ in range(84_000)]
last = blocks[-1]
held = anon()
del blocks
freed = anon()
if sys.argv[1] == "trim":
    trim_heap()
print(held, freed, anon())
"""


def _run(mode: str) -> tuple[int, int, int]:
    out = subprocess.run([sys.executable, "-c", CHILD, mode], capture_output=True, text=True, timeout=120, check=True)
    held, freed, after = map(int, out.stdout.split())
    return held, freed, after


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RssAnon is read from /proc; malloc_trim is glibc's")
def test_trim_heap_gives_the_freed_pages_back():
    held, freed, after = _run("keep")
    assert held - freed < 20, "free() alone gave the pages back: the test would prove nothing"
    assert after >= freed - 5
    held, freed, after = _run("trim")
    assert freed - after > 100, (held, freed, after)  # of the 120 MiB freed
