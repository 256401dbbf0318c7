"""kg.parsepool keeps its workers parsing while the caller is busy with what it was given (storing a
batch, linking), and closing its iterator early leaves no thread or worker behind.

The workers are real spawned processes; the parse function below stands in for kg.pipeline.parse_file
(it marks each document done with a file, so the test sees the workers' progress without timing them).
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from pathlib import Path

from kg import parsepool
from kg.read.limits import LIBRARY


def mark_done(path: Path, keep_personal: bool, limits=None) -> str:
    """A parse that leaves ``<path>.done`` behind and returns the file's name."""
    Path(f"{path}.done").write_text("", "utf-8")
    return path.name


def _failure(path, reason):
    return f"failed {path.name}: {reason}"


def _wait_done(files: list[Path], seconds: float) -> int:
    deadline = time.monotonic() + seconds
    while True:
        done = sum(Path(f"{f}.done").exists() for f in files)
        if done == len(files) or time.monotonic() > deadline:
            return done
        time.sleep(0.05)


def test_workers_parse_ahead_while_the_caller_holds_a_result(tmp_path):
    files = [tmp_path / f"doc{i:02d}.txt" for i in range(12)]
    assert 2 * parsepool.AHEAD >= len(files) - 1  # room for every other result while the caller holds one
    got = []
    done_while_held = None
    for item in parsepool.parsed(files, 2, False, LIBRARY, mark_done, _failure):
        if item is None:
            continue
        got.append(item)
        if len(got) == 1:  # the caller is busy with its first result: the workers go on without it
            done_while_held = _wait_done(files, 60)
    # taking the results one at a time, each worker would have parsed at most two more documents
    assert done_while_held == 12
    assert sorted(got) == [f.name for f in files]


def test_closing_early_stops_the_thread_and_the_workers(tmp_path):
    files = [tmp_path / f"doc{i:02d}.txt" for i in range(40)]
    results = parsepool.parsed(files, 2, False, LIBRARY, mark_done, _failure)
    first = next(r for r in results if r is not None)
    assert first.startswith("doc")
    results.close()
    assert not [t for t in threading.enumerate() if t.name == "kg-ingest-parse"]
    assert not [p for p in multiprocessing.active_children() if p.name == "kg-ingest-worker"]
    # the one taken, those the queue held, one waiting for room in it, one being parsed by each worker
    assert _wait_done(files, 0) <= 1 + 2 * parsepool.AHEAD + 1 + 2 < 40
