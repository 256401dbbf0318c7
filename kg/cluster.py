"""Parsing on a Dask cluster (``kg ingest --scheduler tcp://HOST:PORT``): the only module that uses ``distributed``.

The documents are read here and their bytes sent to the workers, which need not see this file system; a
worker parses one with :func:`kg.pipeline.parse_file` from the bytes, under the file's own path (so its
graphs, provenance and ledger entry are those of a local ingest), and sends back the
:class:`~kg.pipeline.Parsed` document, encoded for the store. This process stays the one writer:
:meth:`Cluster.parsed` yields the documents in the order of the files, whichever worker finished first,
with at most :data:`kg.pipeline.AHEAD` documents per worker thread in flight, so memory stays flat.

A worker that dies loses nothing: the scheduler gives its documents to another worker, and a document
that kills every worker it is given (``distributed.scheduler.allowed-failures`` + 1 of them) fails alone,
with a reason. The workers need budget-kg installed, in the same version as here.
"""

from __future__ import annotations

import contextlib
import logging
import time
import uuid
from collections import deque
from collections.abc import Iterator
from concurrent.futures import CancelledError
from pathlib import Path

from distributed import Client
from distributed.comm.addressing import parse_address, parse_host_port
from distributed.comm.registry import get_backend
from distributed.scheduler import KilledWorker

from kg.errors import KgError
from kg.pipeline import AHEAD, Parsed, parse_file

#: seconds to wait for a first worker, and for one to come back when none is left mid-ingest
WAIT_FOR_WORKERS = 60.0
#: seconds between looks at the cluster while a document's result is awaited
POLL = 5.0
#: seconds a count of the workers' threads is trusted
RECOUNT = 2.0


class ClusterError(KgError):
    """The Dask scheduler cannot be reached, or no worker is connected to it."""


def check_address(address: str) -> str:
    """A scheduler address as ``distributed`` takes it, or a :class:`ClusterError` saying what is wrong.

    >>> check_address("tcp://127.0.0.1:8786")
    'tcp://127.0.0.1:8786'
    >>> check_address("127.0.0.1:8786")
    Traceback (most recent call last):
    kg.cluster.ClusterError: 127.0.0.1:8786: not a scheduler address; expected PROTOCOL://HOST:PORT, e.g. tcp://127.0.0.1:8786
    """
    try:
        scheme, location = parse_address(address, strict=True)
        get_backend(scheme)
        parse_host_port(location)
    except ValueError as e:
        raise ClusterError(
            "not a scheduler address; expected PROTOCOL://HOST:PORT, e.g. tcp://127.0.0.1:8786", file=address
        ) from e
    return address


def _quiet_logs() -> contextlib.ExitStack:
    """Keep distributed's own log (reconnection attempts, with tracebacks) off the terminal until closed:
    what it means for a document is said once, on that document's line."""
    stack = contextlib.ExitStack()
    log = logging.getLogger("distributed")
    stack.callback(log.setLevel, log.level)
    log.setLevel(logging.CRITICAL)
    return stack


def parse_bytes(path: str, data: bytes, keep_personal: bool, ocr: str = "auto") -> Parsed:
    """On a worker: parse one document from its bytes, under its path on the machine that sent it."""
    return parse_file(Path(path), keep_personal, data, ocr=ocr)


class Cluster:
    """A connection to a Dask scheduler whose workers parse documents (a context manager).

    ``timeout`` bounds the connection (seconds; default: dask's ``distributed.comm.timeouts.connect``);
    entering waits up to ``wait`` seconds for a first worker.
    """

    def __init__(self, address: str, timeout: float | None = None, wait: float = WAIT_FOR_WORKERS):
        self.address = check_address(address)
        self.timeout, self.wait = timeout, wait
        self.client: Client | None = None
        self._quiet = contextlib.ExitStack()
        self._seen = time.monotonic()  # when a worker was last seen
        self._counted = (0, float("-inf"))  # worker threads, and when they were counted

    def __enter__(self) -> Cluster:
        self._quiet = _quiet_logs()
        timeout = {} if self.timeout is None else {"timeout": self.timeout}
        try:
            self.client = Client(self.address, set_as_default=False, **timeout)
        except OSError as e:
            self.close()
            raise ClusterError(f"cannot reach the Dask scheduler ({e})", file=self.address) from e
        try:
            self.client.wait_for_workers(1, timeout=self.wait)
        except TimeoutError as e:
            self.close()
            raise ClusterError(f"no worker joined the Dask scheduler within {self.wait:g} s", file=self.address) from e
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None
        self._quiet.close()

    def parsed(self, files: list[Path], keep_personal: bool = False, ocr: str = "auto") -> Iterator[Parsed]:
        """Parse ``files`` on the workers and yield them in their order, at most ``AHEAD`` per worker
        thread in flight. A file that cannot be read here is parsed here (to fail as it fails locally);
        a document the cluster loses fails with a reason; the others go on."""
        pending: deque[tuple[Path, object]] = deque()
        todo = iter(files)
        while True:
            ahead = AHEAD * max(1, self._threads())  # workers may come and go
            while len(pending) < ahead:
                f = next(todo, None)
                if f is None:
                    break
                pending.append((f, self._submit(f, keep_personal, ocr)))
            if not pending:
                return
            f, job = pending.popleft()
            yield job if isinstance(job, Parsed) else self._result(f, job)

    def _submit(self, f: Path, keep_personal: bool, ocr: str = "auto"):
        """The future of a file's document; or, when the file cannot be read here, its failure."""
        try:
            data = f.read_bytes()
        except OSError:
            return parse_file(f, keep_personal, ocr=ocr)  # the reader's own message, as in a local ingest
        # the key names the file, for the dashboard and the logs; tasks are grouped by its first word
        key = f"parse_bytes-{uuid.uuid4().hex}-{f.name}"
        return self.client.submit(parse_bytes, str(f), data, keep_personal, ocr, key=key)

    def _result(self, f: Path, future) -> Parsed:
        """The future's document; a worker dying under it too often, or no worker left, is its reason."""
        while True:
            try:
                return future.result(timeout=POLL if future.done() or not self._lost() else 0)
            except TimeoutError:
                if self._lost():
                    future.cancel()
                    return Parsed(f, reason=f"no worker left in the Dask cluster for {self.wait:g} s")
            except KilledWorker as e:
                return Parsed(f, reason=(
                    f"the Dask worker parsing it died ({e.last_worker.address}; "
                    f"{e.allowed_failures + 1} worker(s) died while parsing it)"
                ))
            except CancelledError as e:  # e.g. the scheduler is gone (reason: scheduler-connection-lost)
                return Parsed(f, reason=f"the Dask cluster dropped it ({getattr(e, 'reason', None) or 'cancelled'})")
            except Exception as e:  # parse_file returns its failures: this is the cluster's trouble
                return Parsed(f, reason=f"the Dask cluster could not parse it ({type(e).__name__}: {e})")

    def _lost(self) -> bool:
        """Whether the scheduler has had no worker (or been out of reach) for ``wait`` seconds."""
        now = time.monotonic()
        if self._threads():
            self._seen = now
        return now - self._seen >= self.wait

    def _threads(self) -> int:
        """The worker threads the scheduler has (asked at most every ``RECOUNT`` seconds; 0 when it cannot
        be asked)."""
        now = time.monotonic()
        if now - self._counted[1] >= RECOUNT:
            try:
                self._counted = sum(self.client.nthreads().values()), now
            except Exception:  # the scheduler is gone: the client's own timeouts will cancel the futures
                self._counted = 0, now
        return self._counted[0]
