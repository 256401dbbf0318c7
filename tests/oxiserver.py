"""A real Oxigraph server for the tests of `kg push` and `--endpoint`: the `oxigraph` package's own binary
(`oxigraph serve`), started by the test on a free loopback port in a session of its own and killed by its
process group; and the quads of a store, to compare one store with another.

Without the binary the tests skip with a reason, except in CI (CI set), where its absence fails:
`make test` installs it with the `test` extra.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest

OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")


def binary() -> str:
    if OXIGRAPH is None:
        if os.environ.get("CI"):
            pytest.fail("the oxigraph server is not installed (pip install oxigraph) and CI is set")
        pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
    return OXIGRAPH


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Oxigraph:
    """`oxigraph serve --location DIR --bind 127.0.0.1:PORT [--union-default-graph]`, its SPARQL query
    endpoint at ``.query`` and its Graph Store Protocol endpoint at ``.store``."""

    def __init__(self, location: Path, union: bool = True, port: int | None = None):
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.query, self.store = self.base + "/query", self.base + "/store"
        self.log = Path(location).with_suffix(".log")
        args = [binary(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{self.port}"]
        if union:
            args.append("--union-default-graph")
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(args, stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                                         start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"oxigraph serve ended: {self.log.read_text('utf-8', 'replace')}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise AssertionError("oxigraph serve did not listen within 30 s")

    def stop(self) -> None:
        """Kill the server's process group (its own session), nothing else."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()

    def quads(self) -> ox.Dataset:
        """Every quad the server holds (the dataset, by a Graph Store Protocol GET)."""
        req = urllib.request.Request(self.store, headers={"Accept": "application/n-quads"})
        with urllib.request.urlopen(req, timeout=60) as r:
            return ox.Dataset(ox.parse(r.read(), format=ox.RdfFormat.N_QUADS))

    def __enter__(self) -> Oxigraph:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def store_quads(path: Path) -> ox.Dataset:
    """Every quad of the budget-kg store at ``path`` (every graph queries see), as `kg export --format nq` writes them."""
    from kg.store import Store

    buf = io.BytesIO()
    with Store(path, read_only=True) as s:
        s.dump(buf, "nq")
    return ox.Dataset(ox.parse(buf.getvalue(), format=ox.RdfFormat.N_QUADS))


def same_quads(a: ox.Dataset, b: ox.Dataset) -> None:
    """Assert two datasets hold the same quads: those without a blank node exactly, as sets, and the whole
    once blank nodes are canonically relabelled (RDFC-1.0)."""
    def ground(d):
        return {str(q) for q in d if not any(isinstance(t, ox.BlankNode) for t in (q.subject, q.object))}

    only_a, only_b = ground(a) - ground(b), ground(b) - ground(a)
    assert not only_a and not only_b, (sorted(only_a)[:5], sorted(only_b)[:5])
    assert len(a) == len(b)
    for d in (a, b):
        d.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    assert a == b
