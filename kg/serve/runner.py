"""Queries in worker processes, with a time limit and a row cap.

pyoxigraph cannot interrupt a running query, so every query runs in a worker process that holds
the store open read-only (``Store(path, read_only=True)``, which works while another process has it
open read-write), or that forwards it to a SPARQL endpoint (``kg serve --endpoint``,
:class:`kg.remote.RemoteStore`, checked when the worker starts). A query that outlives the time limit has its worker killed and replaced (in the
background, so the client is answered at once); a crashed worker is replaced too. The pool is
thread-safe: each server thread borrows one idle worker for one job.

A worker runs *jobs* by name (:data:`JOBS`): ``"query"`` (SPARQL → bytes in a format, row-capped)
``"describe"`` / ``"describe_rdf"`` (one resource, for :mod:`kg.serve.resource`) and ``"void"`` (the
dataset's VoID + DCAT description, :mod:`kg.export.describe`). Answers are
serialised in the worker, so only bytes and plain data cross the pipe.
"""

from __future__ import annotations

import collections
import multiprocessing
import os
import queue
import signal
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from kg.errors import KgError, QueryError, StoreError
from kg.procs import ended

START_LIMIT = 60.0  # seconds a new worker may take to import and open the store


class QueryTimeout(QueryError):
    """A query ran past the time limit; its worker was stopped."""


class Busy(QueryError):
    """Every worker stayed busy for as long as a request may wait for one."""


class WorkerDied(QueryError):
    """A worker ended while running a job (past its memory limit, crashed, or killed from outside)."""


class TooManySlow(Busy):
    """A long query while as many long queries as allowed run, and as many wait: refused."""


class _NoPlace(Exception):
    """A job turned long with every place for long jobs taken (it is stopped, then waits for one)."""


@dataclass(frozen=True)
class Answer:
    """A query's answer as the worker serialised it."""

    body: bytes
    format: str  # the format name it is in (kg.serve.protocol.CONTENT_TYPES)
    form: str  # "solutions", "boolean" or "triples"
    truncated: bool  # cut at max_rows


# ---------------------------------------------------------------- inside a worker

def run_query(store, sparql: str, formats: dict[str, str | None], max_rows: int | None, dataset=None) -> Answer:
    """Run ``sparql`` and serialise its answer in ``formats[form]`` (form: ``"results"`` for SELECT
    and ASK, ``"graph"`` for CONSTRUCT and DESCRIBE) over ``dataset`` (a :class:`kg.dataset.Dataset`
    from the protocol, or None). A form with no acceptable format gets an Answer with ``format=""`` and
    no body: the caller answers 406."""
    from kg.store import result_form, serialize

    result = store.query(sparql, dataset=dataset)
    form = result_form(result)
    fmt = formats.get("graph" if form == "triples" else "results")
    if not fmt:
        return Answer(b"", "", form, False)
    data, truncated = serialize(result, fmt, max_rows)
    return Answer(data, fmt, form, truncated)


def _describe(store, iris: list[str], incoming: int):
    from kg.serve.resource import describe

    return describe(store, iris, incoming)


def _describe_rdf(store, iris: list[str], fmt: str):
    from kg.serve.resource import describe_rdf

    return describe_rdf(store, iris, fmt)


def _void(store, endpoint: str, fmt: str) -> bytes:
    """The VoID + DCAT description of the store, naming this server's endpoint."""
    import io

    from kg.export.describe import describe_dataset, write_description

    out = io.BytesIO()
    write_description(describe_dataset(store, endpoint=endpoint), out, {"turtle": "ttl", "ntriples": "nt"}.get(fmt, fmt))
    return out.getvalue()


def _service(store, endpoint: str, fmt: str) -> bytes:
    from kg.serve.service import service_description

    return service_description(store, endpoint, fmt)


JOBS = {"query": run_query, "describe": _describe, "describe_rdf": _describe_rdf, "void": _void,
        "service": _service}


def worker_main(conn, store_dir: str, endpoint: str | None = None, parent: int | None = None,
                memory: int | None = None) -> None:
    """A worker's life: die with ``parent``, cap its memory at ``memory`` MiB, open the store read-only
    (or the endpoint), say "ready", then run jobs until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    from kg.procs import cap_memory, die_with_parent

    if parent is not None:
        die_with_parent(parent)
    from kg.reader import open_reader

    try:
        store = open_reader(store_dir, endpoint)
    except KgError as e:
        conn.send(("error", "StoreError", str(e)))
        return
    cap_memory(memory)  # after the open: the limit is the queries'
    conn.send(("ready", os.getpid()))
    while True:
        try:
            name, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            result = JOBS[name](store, *args)
        except MemoryError:  # Python's side of the cap: the worker is replaced after this answer
            conn.send(("error", "memory", ""))
            return
        except KgError as e:
            conn.send(("error", type(e).__name__, e.message))
            continue
        except Exception as e:  # a bug in a job: report it, keep the worker
            conn.send(("error", "internal", f"{type(e).__name__}: {e}"))
            continue
        try:
            conn.send(("ok", result))
        except MemoryError:
            del result
            conn.send(("error", "memory", ""))
            return


# ---------------------------------------------------------------- the pool

class _Worker:
    def __init__(self, ctx, store_dir: Path, endpoint: str | None = None, memory: int | None = None):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=worker_main, args=(child, str(store_dir), endpoint, os.getpid(), memory),
                                   daemon=True, name="kg-serve-worker")
        self.process.start()
        child.close()

    def wait_ready(self, limit: float) -> None:
        if not self.conn.poll(limit):
            self.stop()
            raise StoreError(f"a query worker did not start within {limit:g} s")
        try:
            status, *rest = self.conn.recv()
        except (EOFError, OSError) as e:
            self.stop()
            raise StoreError("a query worker ended while starting") from e
        if status != "ready":
            self.stop()
            raise StoreError(rest[-1])

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class Runner:
    """A pool of query processes over the store at ``store_dir``: ``workers`` for queries that run long,
    and ``reserve`` more kept for short ones.

    ``timeout``: seconds a job may run; ``max_rows``: rows (or triples) kept of an answer;
    ``memory``: MiB of data memory a worker may use (:func:`kg.procs.cap_memory`; None: no cap);
    ``wait``: seconds a request may wait for a free worker (default: max(timeout, 30)); ``endpoint``:
    a SPARQL endpoint's URL the workers forward to instead of opening the store.

    A job still running after ``slow_after`` seconds is *long*: at most ``workers`` long jobs run at
    once, so that ``reserve`` workers are always left to the jobs that take less than ``slow_after``. A
    job that turns long with every place taken is stopped and waits for a place (at most ``workers``
    wait; one more is refused, :class:`TooManySlow`), then runs again. A job that ran long once waits
    for a place before it starts the next time, and one that ran out of memory is not run again (the
    workers' store does not change), so a client sending them again and again never holds the short
    jobs' worker. Requests wait for a worker in the order they came: a short job waits at most
    ``slow_after`` for each ``reserve`` jobs of unknown length ahead of it, however many long ones run."""

    def __init__(self, store_dir: Path, workers: int = 2, timeout: float = 10.0, max_rows: int | None = 10000,
                 wait: float | None = None, context: str = "spawn", endpoint: str | None = None,
                 memory: int | None = None, reserve: int = 1, slow_after: float = 0.5):
        self.store_dir = Path(store_dir)
        self.endpoint = endpoint
        self.max_slow = max(1, workers)
        self.reserve = max(0, reserve)
        self.size = self.max_slow + self.reserve
        self.timeout = timeout
        self.max_rows = max_rows
        self.memory = memory
        self.slow_after = slow_after
        self.wait = wait if wait is not None else max(timeout, 30.0)
        self._ctx = multiprocessing.get_context(context)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._slow = 0  # long jobs running
        self._waiting = 0  # long jobs waiting for a place
        self._freed = threading.Condition(self._lock)
        self._closed = False
        # workers die with the thread that started them (kg.procs): successors come from this one thread
        self._respawn: queue.Queue[bool] = queue.Queue()
        self._keeper: threading.Thread | None = None
        self._spare: _Worker | None = None  # started, ready, out of rotation: takes a stopped worker's place at once
        self._missing = 0  # workers stopped with no spare to take their place, not yet replaced
        self._known: collections.OrderedDict[str, str] = collections.OrderedDict()  # job → "long" | "hungry"

    def _new(self) -> _Worker:
        return _Worker(self._ctx, self.store_dir, self.endpoint, self.memory)

    def start(self) -> None:
        """Start the workers (in parallel) and wait until each has opened the store.
        Raises StoreError when the store cannot be opened."""
        started = [self._new() for _ in range(self.size + 1)]
        try:
            for w in started:
                w.wait_ready(START_LIMIT)
        except StoreError:
            for w in started:
                w.stop()
            raise
        self._spare = started.pop()
        for w in started:
            self._all.add(w)
            self._idle.put(w)
        self._keeper = threading.Thread(target=self._keep, name="kg-serve-respawn", daemon=True)
        self._keeper.start()

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            self._closed = True
            workers, self._all = list(self._all), set()
            if self._spare is not None:
                workers.append(self._spare)
                self._spare = None
        self._respawn.put(False)
        for w in workers:
            w.stop()

    def __enter__(self) -> Runner:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def slow(self) -> int:
        """Slow jobs running now."""
        return self._slow

    # ------------------------------------------------------------ jobs

    def query(self, sparql: str, formats: dict[str, str | None], dataset=None) -> Answer:
        """Run a query in a worker (see :func:`run_query`)."""
        return self.call("query", sparql, formats, self.max_rows, dataset)

    def call(self, job: str, *args):
        """Run one job in an idle worker and return its result; raises QueryTimeout when it runs past
        the time limit, TooManySlow when it is long and as many long jobs as allowed run and wait
        already, Busy when no worker frees up in time, WorkerDied when its worker ends (past its memory
        limit …), or the job's own KgError.

        A job still running after ``slow_after`` takes a place for long jobs; when none is free it is
        stopped and waits for one, then runs again from the start. A job is remembered by its text once
        it ran long (it waits for a place before it starts, the next time) or ended its worker past the
        memory limit (refused at once: the workers' store does not change). So long jobs never hold the
        worker kept for short ones, however often a client sends them."""
        key = _key(job, args)
        known = self._known.get(key)
        if known == "hungry":
            raise WorkerDied(f"the query ran out of the {self.memory} MiB a query worker may use when it last ran, "
                             f"and is not run again{MEMORY_HINT}")
        if known != "long":
            try:
                return self._call(job, args, key, slow=False)
            except _NoPlace:
                pass  # stopped on the short queries' worker: it waits for a place for long ones, below
        self._take_slow()
        try:
            return self._call(job, args, key, slow=True)
        finally:
            self._free_slow()

    def _call(self, job: str, args: tuple, key: str, slow: bool):
        try:
            worker = self._idle.get(timeout=self.wait)
        except queue.Empty:
            raise Busy(f"all {self.size} query workers stayed busy for {self.wait:g} s; try again later") from None
        try:
            worker.conn.send((job, args))
            if not self._finished(worker, key, slow):
                self._replace(worker)
                worker = None
                raise QueryTimeout(
                    f"the query did not finish within the {self.timeout:g} s time limit and was stopped "
                    "(kg serve --timeout)"
                )
            status, *rest = worker.conn.recv()
            if status == "error" and rest[0] == "memory":  # the worker ends after saying so
                self._replace(worker)
                worker = None
                self._remember(key, "hungry")
                raise WorkerDied(f"the query needed more than the {self.memory} MiB a query worker may use "
                                 f"and was stopped{MEMORY_HINT}")
        except (EOFError, OSError, BrokenPipeError):
            if worker is None:
                raise
            worker.process.join(2)
            code = worker.process.exitcode
            cause = ended(code, self.memory)
            self._replace(worker)
            worker = None
            if self.memory and code == -signal.SIGABRT:
                self._remember(key, "hungry")
            raise WorkerDied(f"the query worker running it {cause}; the query was stopped "
                             f"and the worker replaced{MEMORY_HINT if self.memory else ''}") from None
        except _NoPlace:
            self._replace(worker)
            worker = None
            raise
        finally:
            if worker is not None:
                self._idle.put(worker)
        if status == "ok":
            return rest[0]
        kind, message = rest
        if kind == "RemoteError":  # the endpoint behind kg serve --endpoint failed
            from kg.remote.http import RemoteError

            raise RemoteError(message)
        if kind == "StoreError":
            raise StoreError(message)
        if kind == "internal":
            raise RuntimeError(message)
        raise QueryError(message)

    def _finished(self, worker: _Worker, key: str, slow: bool) -> bool:
        """Wait for the worker's answer, within the time limit. A job that turns slow is remembered as
        long and takes one of the places for long jobs (``slow``: it holds one already); with none free
        it raises _NoPlace (the caller stops it, and it waits for a place)."""
        first = min(self.slow_after, self.timeout) if self.slow_after and not slow else self.timeout
        if worker.conn.poll(first):
            return True
        if first >= self.timeout:
            return False
        self._remember(key, "long")
        with self._lock:
            if self._slow >= self.max_slow:
                raise _NoPlace
            self._slow += 1
        try:
            return worker.conn.poll(self.timeout - first)
        finally:
            self._free_slow()

    def _take_slow(self) -> None:
        """Wait for a place for a long job (in the order they came), for at most ``wait`` seconds;
        TooManySlow at once when as many long jobs as there are places wait already."""
        with self._freed:
            if self._waiting >= self.max_slow:
                raise TooManySlow(
                    f"{self.max_slow} long queries (over {self.slow_after:g} s) are running and {self._waiting} "
                    f"waiting already; this one was refused so that short queries keep their workers: try again "
                    f"later (kg serve --workers)"
                )
            self._waiting += 1
            try:
                if not self._freed.wait_for(lambda: self._slow < self.max_slow, timeout=self.wait):
                    raise Busy(f"no place for a long query freed up in {self.wait:g} s; try again later")
                self._slow += 1
            finally:
                self._waiting -= 1

    def _free_slow(self) -> None:
        with self._freed:
            self._slow -= 1
            self._freed.notify()

    def _remember(self, key: str, kind: str) -> None:
        """Keep what a job turned out to be (the last :data:`KNOWN` jobs)."""
        with self._lock:
            self._known[key] = kind
            self._known.move_to_end(key)
            while len(self._known) > KNOWN:
                self._known.popitem(last=False)

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker now; the spare takes its place, and a new spare starts in the background."""
        with self._lock:
            self._all.discard(worker)
            spare, self._spare = self._spare, None
            if spare is not None:
                self._all.add(spare)
            else:
                self._missing += 1  # the pool is one short until a successor is ready
        if spare is not None:
            self._idle.put(spare)
            print("kg serve: query worker restarted (the spare took its place; a new spare is starting)",
                  file=sys.stderr, flush=True)
        worker.stop()
        self._respawn.put(True)

    def _keep(self) -> None:
        """The thread that starts successors (so they die with the server: :func:`kg.procs.die_with_parent`)."""
        while self._respawn.get():
            self._spawn()

    def _spawn(self) -> None:
        t0 = time.perf_counter()
        try:
            w = self._new()
            w.wait_ready(START_LIMIT)
        except (StoreError, OSError) as e:
            print(f"kg serve: cannot restart a query worker: {e}", file=sys.stderr, flush=True)
            return
        with self._lock:
            if self._closed:
                w.stop()
                return
            spare = not self._missing and self._spare is None  # the pool first, then the spare
            if spare:
                self._spare = w
            else:
                self._missing = max(0, self._missing - 1)
                self._all.add(w)
        what = "a spare query worker started" if spare else "query worker restarted"
        print(f"kg serve: {what} in {time.perf_counter() - t0:.2f} s", file=sys.stderr, flush=True)
        if not spare:
            self._idle.put(w)


MEMORY_HINT = " (kg serve --memory)"
#: jobs remembered as long or memory-hungry
KNOWN = 1000


def _key(job: str, args: tuple) -> str:
    """A job's identity: a query's text (whatever format it is asked in), or a job's name and arguments."""
    import hashlib

    what = (job, args[0]) if job == "query" else (job, args)
    return hashlib.sha256(repr(what).encode("utf-8", "surrogatepass")).hexdigest()
