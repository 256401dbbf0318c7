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

START_LIMIT = 60.0  # seconds a new worker may take to import and open the store


class QueryTimeout(QueryError):
    """A query ran past the time limit; its worker was stopped."""


class Busy(QueryError):
    """Every worker stayed busy for as long as a request may wait for one."""


class WorkerDied(QueryError):
    """A worker ended while running a job (crashed, or killed from outside)."""


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


def worker_main(conn, store_dir: str, endpoint: str | None = None) -> None:
    """A worker's life: open the store read-only (or the endpoint), say "ready", then run jobs until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    from kg.reader import open_reader

    try:
        store = open_reader(store_dir, endpoint)
    except KgError as e:
        conn.send(("error", "StoreError", str(e)))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            name, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("ok", JOBS[name](store, *args)))
        except KgError as e:
            conn.send(("error", type(e).__name__, e.message))
        except Exception as e:  # a bug in a job: report it, keep the worker
            conn.send(("error", "internal", f"{type(e).__name__}: {e}"))


# ---------------------------------------------------------------- the pool

class _Worker:
    def __init__(self, ctx, store_dir: Path, endpoint: str | None = None):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=worker_main, args=(child, str(store_dir), endpoint), daemon=True,
                                   name="kg-serve-worker")
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
    """A pool of ``workers`` query processes over the store at ``store_dir``.

    ``timeout``: seconds a job may run; ``max_rows``: rows (or triples) kept of an answer;
    ``wait``: seconds a request may wait for a free worker (default: max(timeout, 30)); ``endpoint``:
    a SPARQL endpoint's URL the workers forward to instead of opening the store."""

    def __init__(self, store_dir: Path, workers: int = 2, timeout: float = 10.0, max_rows: int | None = 10000,
                 wait: float | None = None, context: str = "spawn", endpoint: str | None = None):
        self.store_dir = Path(store_dir)
        self.endpoint = endpoint
        self.size = max(1, workers)
        self.timeout = timeout
        self.max_rows = max_rows
        self.wait = wait if wait is not None else max(timeout, 30.0)
        self._ctx = multiprocessing.get_context(context)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False

    def start(self) -> None:
        """Start the workers (in parallel) and wait until each has opened the store.
        Raises StoreError when the store cannot be opened."""
        started = [_Worker(self._ctx, self.store_dir, self.endpoint) for _ in range(self.size)]
        try:
            for w in started:
                w.wait_ready(START_LIMIT)
        except StoreError:
            for w in started:
                w.stop()
            raise
        for w in started:
            self._all.add(w)
            self._idle.put(w)

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            self._closed = True
            workers, self._all = list(self._all), set()
        for w in workers:
            w.stop()

    def __enter__(self) -> Runner:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------ jobs

    def query(self, sparql: str, formats: dict[str, str | None], dataset=None) -> Answer:
        """Run a query in a worker (see :func:`run_query`)."""
        return self.call("query", sparql, formats, self.max_rows, dataset)

    def call(self, job: str, *args):
        """Run one job in an idle worker and return its result; raises QueryTimeout when it runs past
        the time limit, Busy when no worker frees up in time, or the job's own KgError."""
        try:
            worker = self._idle.get(timeout=self.wait)
        except queue.Empty:
            raise Busy(f"all {self.size} query workers stayed busy for {self.wait:g} s; try again later") from None
        try:
            worker.conn.send((job, args))
            if not worker.conn.poll(self.timeout):
                self._replace(worker)
                worker = None
                raise QueryTimeout(
                    f"the query did not finish within the {self.timeout:g} s time limit and was stopped "
                    "(kg serve --timeout)"
                )
            status, *rest = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            if worker is not None:
                self._replace(worker)
                worker = None
            raise WorkerDied("the query worker ended unexpectedly (out of memory?); it was replaced") from None
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

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker now; start its successor in the background."""
        with self._lock:
            self._all.discard(worker)
        worker.stop()
        threading.Thread(target=self._spawn, name="kg-serve-respawn", daemon=True).start()

    def _spawn(self) -> None:
        t0 = time.perf_counter()
        try:
            w = _Worker(self._ctx, self.store_dir, self.endpoint)
            w.wait_ready(START_LIMIT)
        except (StoreError, OSError) as e:
            print(f"kg serve: cannot restart a query worker: {e}", file=sys.stderr, flush=True)
            return
        with self._lock:
            if self._closed:
                w.stop()
                return
            self._all.add(w)
        print(f"kg serve: query worker restarted in {time.perf_counter() - t0:.2f} s", file=sys.stderr, flush=True)
        self._idle.put(w)
