"""Parsing on a Dask cluster (`kg ingest --scheduler`): a real scheduler and two workers on loopback, started here.

The documents are given by paths relative to a folder the workers do not run in, so a worker that read the
file instead of the bytes sent to it would fail; the store must be exactly the one a local ingest makes.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, SAMPLE, SEEDS
from daskcluster import LoopbackCluster
from pdfgen import render_text_file
from test_ledger import copies, quads

from kg import iri
from kg.cli import main
from kg.cluster import Cluster, ClusterError
from kg.pipeline import ingest
from kg.store import Store

DIED = re.compile(r"the Dask worker parsing it died \(tcp://127\.0\.0\.1:\d+; 1 worker\(s\) died while parsing it\)")


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> Path:
    """A folder of documents: the sample, copies of it with their unit renamed, one rendered as a PDF, a
    seed when ../shared is here, and two files refused: a damaged PDF and one that is not text."""
    folder = tmp_path_factory.mktemp("docs")
    for f in SAMPLE.glob("*.txt"):
        (folder / f.name).write_bytes(f.read_bytes())
    made = copies(folder, 3)
    render_text_file(made[-1], made[-1].with_suffix(".pdf"))
    made[-1].unlink()
    seed = SEEDS / "000_4af2b7ab3d3465e5.txt"
    if seed.exists():
        (folder / seed.name).write_bytes(seed.read_bytes())
    (folder / "damaged.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog")
    (folder / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    return folder


def names(folder: Path) -> list[Path]:
    """The documents as relative paths, in a stable order (the working directory is ``folder``)."""
    return sorted(Path(f.name) for f in folder.iterdir())


def ledger(store: Store) -> list[tuple]:
    return store.ledger._all("SELECT file, sha256, path, state FROM documents ORDER BY file")


@pytest.fixture(scope="module")
def local(documents, tmp_path_factory):
    """The store a local ingest of the documents makes, and its report."""
    store = Store(tmp_path_factory.mktemp("local") / "store")
    cwd = os.getcwd()
    os.chdir(documents)
    try:
        report = ingest(names(documents), store, jobs=1)
    finally:
        os.chdir(cwd)
    return store, report


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A scheduler that does not retry a document whose worker died (allowed-failures 0) and two workers;
    the last test kills one."""
    env = {"DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "0"}
    with LoopbackCluster(tmp_path_factory.mktemp("cluster"), workers=2, scheduler_env=env) as c:
        yield c


def test_a_cluster_ingest_stores_exactly_what_a_local_ingest_stores(documents, local, cluster, tmp_path, monkeypatch):
    monkeypatch.chdir(documents)
    store = Store(tmp_path / "store")
    with Cluster(cluster.address) as c:
        report = ingest(names(documents), store, parser=c.parsed)
    here, there = local
    assert quads(store) == quads(here)
    assert ledger(store) == ledger(here)  # the same files, hashes and (relative) paths, all stored
    assert report.failed == there.failed and [f for f, _ in report.failed] == ["damaged.pdf", "scan.txt"]
    assert ("scan.txt", "binary content, not text (is it a PDF or an image with the wrong extension?)") in report.failed
    assert (report.documents, report.projects, report.indicators, report.references, report.triples) == (
        there.documents, there.projects, there.indicators, there.references, there.triples)
    assert report.documents >= 5


def test_an_unreachable_scheduler_is_one_line_and_exit_code_1(tmp_path):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "1s"}
    r = subprocess.run(
        [sys.executable, "-m", "kg.cli", "ingest", "--store", str(tmp_path / "store"), "--scheduler",
         f"tcp://127.0.0.1:{port}", str(SAMPLE)], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60,
    )
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr == (f"error: tcp://127.0.0.1:{port}: cannot reach the Dask scheduler "
                        f"(Timed out trying to connect to tcp://127.0.0.1:{port} after 1 s)\n")
    assert not (tmp_path / "store").exists()  # nothing opened, nothing written


@pytest.mark.parametrize("address", ["127.0.0.1:8786", "http://127.0.0.1:8786", "tcp://127.0.0.1"])
def test_a_malformed_scheduler_address_is_refused(address):
    with pytest.raises(ClusterError) as e:
        Cluster(address)
    assert str(e.value) == f"{address}: not a scheduler address; expected PROTOCOL://HOST:PORT, e.g. tcp://127.0.0.1:8786"


@pytest.mark.parametrize("other", [["--jobs", "2"], ["--explain"]])
def test_scheduler_does_not_go_with_jobs_or_explain(other, tmp_path):
    r = CliRunner().invoke(main, ["ingest", "--store", str(tmp_path / "s"), "--scheduler", "tcp://127.0.0.1:1", *other,
                                  str(SAMPLE)])
    assert r.exit_code == 2 and "--scheduler parses on a Dask cluster: it does not go with --jobs or --explain" in r.output
    assert not (tmp_path / "s").exists()


# ---------------------------------------------------------------- last: it kills a worker of the cluster

def graphs(store: Store) -> dict[str, set]:
    """The store's quads (blank nodes aside) by graph."""
    out = defaultdict(set)
    for q in quads(store):
        out[q[3]].add(q)
    return out


def test_a_worker_killed_mid_ingest_fails_only_its_documents(documents, local, cluster, tmp_path, monkeypatch):
    """With the scheduler told not to retry (allowed-failures 0), a worker killed while it parses fails exactly
    the documents the scheduler had given it, one line each; the others are stored as a local ingest stores
    them, and a rerun stores what failed."""
    monkeypatch.chdir(documents)
    files = names(documents)
    held: list[str] = []
    with Cluster(cluster.address) as c:

        def parse_and_kill(todo, keep_personal):
            """Parse on the cluster while a thread kills worker 0 at the first moment it is parsing."""
            with ThreadPoolExecutor(1) as killer:
                kill = killer.submit(cluster.kill_while_parsing, 0)
                yield from c.parsed(todo, keep_personal)
                held.extend(kill.result())

        store = Store(tmp_path / "store")
        report = ingest(files, store, parser=parse_and_kill)
        died = {f for f, reason in report.failed if DIED.fullmatch(reason)}
        assert died and died == {key.split("-", 2)[2] for key in held}
        assert sorted(set(report.failed) - {(f, r) for f, r in report.failed if f in died}) == sorted(local[1].failed)
        ours, theirs = graphs(store), graphs(local[0])
        gone = {f"<{g(f)}>" for f in died for g in (iri.document, iri.findings_graph, iri.contrib_graph)}
        assert {f"<{iri.document(f)}>" for f in died} <= set(theirs) - set(ours) <= gone
        assert all(ours[g] == theirs[g] for g in ours if g not in (f"<{iri.ENTITIES}>", f"<{iri.LINKS}>"))
        assert [f for f, *_ in ledger(store)] == [f for f, *_ in ledger(local[0]) if f not in died]
        again = ingest(files, store, parser=c.parsed)  # on the worker left
    assert again.documents == len(died) and again.unchanged == report.documents
    assert quads(store) == quads(local[0])


def test_with_no_worker_left_the_documents_left_fail_and_none_can_join(documents, cluster, tmp_path, monkeypatch):
    """The last worker killed while it parses: its documents fail as it dies, the others when the cluster has
    had no worker for ``wait`` seconds; what was stored stays. Then a cluster without workers is refused."""
    monkeypatch.chdir(documents)
    alive = [k for k, w in enumerate(cluster.workers) if w.poll() is None]
    for k in alive[:-1]:
        cluster.kill_worker(k)
    held: list[str] = []
    with Cluster(cluster.address, wait=2) as c:

        def parse_and_kill(todo, keep_personal):
            with ThreadPoolExecutor(1) as killer:
                kill = killer.submit(cluster.kill_while_parsing, alive[-1])
                yield from c.parsed(todo, keep_personal)
                held.extend(kill.result())

        store = Store(tmp_path / "store")
        report = ingest(names(documents), store, parser=parse_and_kill)
    reasons = dict(report.failed)
    died = {f for f, r in reasons.items() if DIED.fullmatch(r)}
    left = {f for f, r in reasons.items() if r == "no worker left in the Dask cluster for 2 s"}
    assert died == {key.split("-", 2)[2] for key in held} and left
    assert [f for f, *_ in ledger(store)] == sorted(set(map(str, names(documents))) - set(reasons))
    with pytest.raises(ClusterError, match=r"no worker joined the Dask scheduler within 1 s"):
        with Cluster(cluster.address, wait=1):
            pass
