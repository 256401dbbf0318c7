"""Parsing documents in worker processes, each document within its time and memory limits.

``kg ingest`` parses in ``jobs`` processes while it writes the store. Each worker:

- dies with the ingest (:func:`kg.procs.die_with_parent`): after a ``kill -9`` of ``kg ingest`` no
  worker, fork server or resource tracker is left (workers are started directly, ``spawn``, and talk
  through a pipe each; the resource tracker ``spawn`` starts, about 13 MiB, ends once every process
  holding its pipe has);
- parses one document at a time, under a cap on its data memory (:attr:`Limits.memory`); a document
  still parsing after :attr:`Limits.seconds` has its worker killed and replaced, and fails with one line;
  a worker that dies (past its memory limit, killed) fails the document it held, and is replaced.

Results come back as they are ready, not in the order of the files, so a big document never holds
the others back; when nothing is ready for :data:`TICK` seconds, ``None`` comes back instead, so the
caller can store what it holds meanwhile. A thread of the caller's process deals with the workers and
holds a few results each (:data:`AHEAD`) until the caller takes them, so the workers go on parsing while
the caller stores a batch or links.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from multiprocessing.connection import wait
from pathlib import Path

from kg.errors import KgError
from kg.procs import cap_memory, die_with_parent, ended, trim_heap
from kg.read.limits import Limits, memory_limit, time_limit

#: seconds without a result after which the caller is handed ``None`` (to store what it has)
TICK = 0.5
#: seconds a new worker may take to start (import the pipeline)
START_LIMIT = 120.0
#: results a worker may have waiting for the caller (about 2 MB each for a generated document): enough
#: to keep the workers parsing while the writer stores a batch or links (300 documents, two workers on two
#: cores: 1.80 → 1.96 cores busy, 6.11 → 6.90 documents/s, the writer 35–55 MiB more, 79 MiB more at its peak
#: over 10,000 documents; README, At scale)
AHEAD = 8


def worker_main(conn, parent: int, keep_personal: bool, limits: Limits, parse_file: Callable) -> None:
    """A worker's life: die with ``parent``, cap memory, import the pipeline, say "ready", then parse
    each path it is sent with ``parse_file`` (:func:`kg.pipeline.parse_file`, sent by name: the
    pipeline is imported here, not by this module) until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the ingest's to handle
    die_with_parent(parent)
    from kg.extract.nlp.pipeline import load_pipeline

    load_pipeline()  # built before the first document, so that its time is not the document's
    cap_memory(limits.memory)
    conn.send("ready")
    while True:
        try:
            path = conn.recv()
        except (EOFError, OSError):
            return
        parsed = parse_file(Path(path), keep_personal, limits=limits)
        conn.send(parsed)
        del parsed
        trim_heap()


class _Worker:
    def __init__(self, ctx, keep_personal: bool, limits: Limits, parse_file: Callable):
        self.conn, child = ctx.Pipe()
        self.parse_file = parse_file
        self.process = ctx.Process(target=worker_main, args=(child, os.getpid(), keep_personal, limits, parse_file),
                                   daemon=True, name="kg-ingest-worker")
        self.process.start()
        child.close()
        self.ready = False
        self.started = time.monotonic()
        self.path: Path | None = None  # the document it parses
        self.since = 0.0

    def give(self, path: Path) -> None:
        self.path, self.since = path, time.monotonic()
        self.conn.send(str(path))

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


def parsed(files: list[Path], jobs: int, keep_personal: bool, limits: Limits, parse_file: Callable,
           failure: Callable[..., object], ahead: int | None = None) -> Iterator:
    """Parse ``files`` in ``jobs`` worker processes with ``parse_file`` (a module-level function: the
    workers get it by name): yields each document's result when it is ready, ``failure(path,
    reason=…)`` for one whose worker died or ran past the time limit, or None after :data:`TICK`
    seconds without one.

    The workers are kept busy while the caller stores what it was given: a thread of this process
    hands them documents and holds up to ``ahead`` (default :data:`AHEAD`) results a worker until the
    caller takes them, and watches the time limits meanwhile. Closing the iterator stops the thread and
    the workers."""
    results: queue.Queue = queue.Queue(maxsize=max(1, (AHEAD if ahead is None else ahead) * jobs))
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                results.put(item, timeout=TICK)
                return True
            except queue.Full:
                continue
        return False

    def run() -> None:
        made = _results(files, jobs, keep_personal, limits, parse_file, failure)
        try:
            for item in made:
                if stop.is_set() or (item is not None and not put(item)):
                    return
            put(_END)
        except BaseException as e:  # handed to the caller, raised there
            put(_Raised(e))
        finally:
            made.close()  # the workers stop with it

    thread = threading.Thread(target=run, name="kg-ingest-parse", daemon=True)
    thread.start()
    try:
        while True:
            try:
                item = results.get(timeout=TICK)
            except queue.Empty:
                yield None
                continue
            if item is _END:
                return
            if isinstance(item, _Raised):
                raise item.error
            yield item
    finally:
        stop.set()
        thread.join()


#: the parsing thread's last item: every document has its result
_END = object()


class _Raised:
    """What the parsing thread raised, for the caller to raise."""

    def __init__(self, error: BaseException):
        self.error = error


def _results(files: list[Path], jobs: int, keep_personal: bool, limits: Limits, parse_file: Callable,
             failure: Callable[..., object]) -> Iterator:
    """The workers' results as they come (see :func:`parsed`), None after :data:`TICK` seconds without
    one. Runs in one thread until the end: the workers die with the thread that started them."""
    todo = deque(files)
    ctx = multiprocessing.get_context("spawn")
    workers = [_Worker(ctx, keep_personal, limits, parse_file) for _ in range(max(1, min(jobs, len(files))))]
    left = len(files)
    try:
        while left:
            for w in workers:
                if w.ready and w.path is None and todo:
                    w.give(todo.popleft())
            deadline = _next_deadline(workers, limits)
            ready = wait([w.conn for w in workers] + [w.process.sentinel for w in workers],
                         timeout=max(0.0, min(TICK, deadline - time.monotonic())))
            now = time.monotonic()
            got = False
            for i, w in enumerate(list(workers)):
                if w.conn in ready:
                    try:
                        message = w.conn.recv()
                    except (EOFError, OSError):
                        message = None
                    if message == "ready":
                        w.ready = True
                        continue
                    if message is not None:
                        w.path = None
                        left -= 1
                        got = True
                        if todo:  # its next document now, before its result waits for room in the queue
                            w.give(todo.popleft())
                        yield message
                        continue
                if w.process.sentinel in ready or (w.conn in ready and not w.process.is_alive()):
                    w.process.join(1)
                    cause = ended(w.process.exitcode, limits.memory)
                    failed = w.path
                    workers[i] = _replace(w, ctx, keep_personal, limits)
                    if failed is None:
                        if not w.ready:
                            raise KgError(f"a parsing worker {cause} while starting")
                        continue
                    left -= 1
                    got = True
                    yield failure(failed, reason=memory_limit(cause))
                elif w.path is not None and limits.seconds and now - w.since > limits.seconds:
                    failed = w.path
                    workers[i] = _replace(w, ctx, keep_personal, limits)
                    left -= 1
                    got = True
                    yield failure(failed, reason=time_limit(failed.name, limits.seconds))
                elif not w.ready and now - w.started > START_LIMIT:
                    raise KgError(f"a parsing worker did not start within {START_LIMIT:g} s")
            if not got and not ready:
                yield None
    finally:
        for w in workers:
            w.stop()


def _replace(w: _Worker, ctx, keep_personal: bool, limits: Limits) -> _Worker:
    w.stop()
    return _Worker(ctx, keep_personal, limits, w.parse_file)


def _next_deadline(workers: list[_Worker], limits: Limits) -> float:
    if not limits.seconds:
        return time.monotonic() + TICK
    busy = [w.since + limits.seconds for w in workers if w.path is not None]
    return min(busy, default=time.monotonic() + TICK) + 0.01
