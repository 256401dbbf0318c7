"""`kg ingest` as real processes (issue 15): per-document limits of size, time and memory; documents stored as
they are ready; `kill -9` leaves no process behind and a rerun gives the clean store; readers work during
an ingest; a second writer is told who holds the store; unreadable paths are reported one by one.

Every process is started here in a session of its own and only that session is killed."""

from __future__ import annotations

import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE
from test_ledger import copies, quads

from kg import iri
from kg.pipeline import ingest
from kg.store import Store

S1 = SAMPLE / "demo-001_示范市数据服务中心_2025.txt"
S2 = SAMPLE / "demo-002_示范市政务服务中心_2024.txt"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
linux = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc and kills process groups")


def kg(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], env=ENV, capture_output=True, text=True,
                          start_new_session=True, timeout=kw.pop("timeout", 300), **kw)


def start(*args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kg.cli", *args], env=ENV, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True, **kw)


def session(sid: int) -> list[int]:
    """The live processes of a session (Linux: /proc/PID/stat, field 6); zombies are not alive."""
    out = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[3]) == sid and fields[0] != "Z":
            out.append(int(d.name))
    return out


def children(pid: int) -> list[int]:
    """The child processes of ``pid``, whichever of its threads started them."""
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def stored(store: Path) -> set[str]:
    led = store / "budget-kg-ledger.sqlite"
    try:
        with sqlite3.connect(f"file:{led}?mode=ro", uri=True) as db:
            return {r[0] for r in db.execute("SELECT file FROM documents WHERE state = 'stored'")}
    except sqlite3.Error:
        return set()


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def slow_document(folder: Path, times: int = 60) -> Path:
    """A long document (the sample's text many times over): seconds to parse, but a disclosure."""
    p = folder / "a_slow.txt"
    p.write_text(S1.read_text("utf-8").replace("示范市", "示范慢市") * times, "utf-8")
    return p


def test_a_document_over_the_size_limit_is_refused_and_the_rest_is_stored(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    big = folder / "a_big.txt"
    big.write_bytes("预算\n".encode("utf-8") * (50_000_000 // 7))  # 50 MB of text
    size = big.stat().st_size
    (folder / S1.name).write_bytes(S1.read_bytes())
    (folder / S2.name).write_bytes(S2.read_bytes())
    r = kg("ingest", "--store", str(tmp_path / "s"), str(folder))
    assert r.returncode == 1
    assert f"error: {big}: {size / (1 << 20):.1f} MiB, over the limit of 32 MiB a document (kg ingest --max-size)" in r.stderr
    assert r.stdout.startswith("ingested 2 documents (2 complete, 0 incomplete), 1 failed:")
    assert stored(tmp_path / "s") == {S1.name, S2.name}


@linux
def test_a_document_past_the_time_limit_is_stopped_and_the_others_are_stored(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    slow = slow_document(folder)
    (folder / S1.name).write_bytes(S1.read_bytes())
    (folder / S2.name).write_bytes(S2.read_bytes())
    r = kg("ingest", "--jobs", "2", "--max-seconds", "3", "--store", str(tmp_path / "s"), str(folder))
    assert r.returncode == 1, r.stderr
    assert (f"error: {slow}: parsing it took longer than the limit of 3 s a document and was stopped "
            "(kg ingest --max-seconds)") in r.stderr
    assert stored(tmp_path / "s") == {S1.name, S2.name}


@linux
def test_a_document_past_the_memory_limit_is_stopped_and_the_others_are_stored(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    bomb = folder / "a_bomb.txt"
    bomb.write_text("1\t2\t3\n" * 3_000_000, "utf-8")  # 18 MB: millions of lines, each an object
    (folder / S2.name).write_bytes(S2.read_bytes())
    r = kg("ingest", "--jobs", "1", "--max-memory", "300", "--store", str(tmp_path / "s"), str(folder))
    assert r.returncode == 1, r.stderr
    assert (f"error: {bomb}: the worker parsing it ran out of its 300 MiB memory limit; it was stopped "
            "(kg ingest --max-memory)") in r.stderr
    assert stored(tmp_path / "s") == {S2.name}


@linux
def test_each_document_is_stored_when_it_is_ready_not_in_path_order(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    slow_document(folder)  # first in path order
    (folder / S1.name).write_bytes(S1.read_bytes())
    (folder / S2.name).write_bytes(S2.read_bytes())
    proc = start("ingest", "--jobs", "2", "--max-seconds", "0", "--store", str(tmp_path / "s"), str(folder))
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and stored(tmp_path / "s") != {S1.name, S2.name} and proc.poll() is None:
            time.sleep(0.05)
        assert stored(tmp_path / "s") == {S1.name, S2.name}
        assert proc.poll() is None  # the slow one is still being parsed: the others did not wait for it
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert stored(tmp_path / "s") == {"a_slow.txt", S1.name, S2.name}
    finally:
        stop(proc)


def test_the_writer_of_a_parallel_ingest_does_not_load_the_parsing_pipeline(tmp_path):
    """With --jobs 2 the workers parse; the writer stores and links, and never imports spaCy (about 70 MiB
    of its memory, and 0.6 s of its start)."""
    code = ("import sys; from kg.pipeline import ingest; from kg.store import Store; s = Store(sys.argv[1]); "
            "r = ingest(sys.argv[2:], s, jobs=2); s.close(); "
            "print(sorted(r.stored), sorted(m for m in sys.modules if m.split('.')[0] in ('spacy', 'thinc')))")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "s"), str(S1), str(S2)], env=ENV,
                         capture_output=True, text=True, start_new_session=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"{sorted([S1.name, S2.name])} []"


@linux
def test_kill_9_of_an_ingest_leaves_no_process_and_a_rerun_gives_the_clean_store(tmp_path):
    folder = tmp_path / "in"
    copies(folder, 10)
    clean = Store(tmp_path / "clean")
    ingest([folder], clean)
    rng = random.Random(15)
    store = tmp_path / "s"
    for round_ in range(3):  # killed at a random moment of parsing and storing, three times
        # --force: every round parses all ten again (a round after a late kill would find them stored and
        # start no worker), so each kill lands while documents are replaced, the harder case
        proc = start("ingest", "--jobs", "2", "--force", "--store", str(store), str(folder))
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and len(children(proc.pid)) < 2 and proc.poll() is None:
                time.sleep(0.02)
            assert len(children(proc.pid)) >= 2, "the ingest started no workers"
            time.sleep(rng.uniform(0.2, 3.0))
            os.kill(proc.pid, signal.SIGKILL)  # the ingest alone: its workers must follow by themselves
            proc.wait()
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and session(proc.pid):
                time.sleep(0.05)
            assert session(proc.pid) == [], f"round {round_}: processes outlived the killed ingest"
        finally:
            stop(proc)
    r = kg("repair", "--store", str(store))
    assert r.returncode == 0, r.stderr
    with Store(store) as s:  # the links are those of the documents stored: never stale
        from kg.link import link_store

        before = {q for q in quads(s) if q[3] == f"<{iri.LINKS}>"}
        link_store(s)  # the whole computation, from scratch
        assert {q for q in quads(s) if q[3] == f"<{iri.LINKS}>"} == before
    r = kg("ingest", "--store", str(store), str(folder))
    assert r.returncode == 0, r.stderr
    with Store(store) as s:
        assert quads(s) == quads(clean)


@linux
def test_queries_run_during_an_ingest_and_a_second_writer_is_told_who_writes(tmp_path):
    store = tmp_path / "s"
    with Store(store) as s:
        ingest([S2], s)
        projects = s.select(f"SELECT (COUNT(?p) AS ?n) WHERE {{ GRAPH <{iri.document(S2.name)}> {{ ?p a bk:Project }} }}")[0]["n"]
    folder = tmp_path / "in"
    folder.mkdir()
    slow_document(folder)
    proc = start("ingest", "--jobs", "1", "--max-seconds", "0", "--store", str(store), str(folder))
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not children(proc.pid) and proc.poll() is None:
            time.sleep(0.05)  # the store is open for writing, its worker parsing the long document
        time.sleep(1)
        assert proc.poll() is None
        query = f"SELECT (COUNT(?p) AS ?n) WHERE {{ GRAPH <{iri.document(S2.name)}> {{ ?p a bk:Project }} }}"
        readers = [start("query", "--store", str(store), "-e", query, "--format", "csv") for _ in range(2)]
        answers = [r.communicate(timeout=120) for r in readers]
        assert proc.poll() is None, "the ingest ended before the readers: the test proves nothing"
        for r, (out, err) in zip(readers, answers):
            assert r.returncode == 0, err
            assert out == f"n\n{projects}\n"  # CSV's CRLF, as text
        trace = kg("trace", "--store", str(store), "示政办发[2023]15号", "--format", "json")
        assert trace.returncode in (0, 1) and "Traceback" not in trace.stderr and "LOCK" not in trace.stderr
        second = kg("ingest", "--store", str(store), str(S1))
        assert second.returncode == 1
        line = second.stderr.strip().splitlines()[-1]
        assert re.fullmatch(
            rf"error: {re.escape(str(store))}: the store is being written by process {proc.pid} \(kg ingest --jobs 1 "
            r".*\): one writer at a time; wait for it to finish \(kg query, trace, viz, export and serve read it meanwhile\)",
            line), line
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    finally:
        stop(proc)


NOBODY = 65534


SETPRIV = "/usr/bin/setpriv"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0 or not Path(SETPRIV).exists(),
                    reason="needs root and setpriv, to run kg ingest as another user who cannot read some files")
def test_unreadable_paths_are_reported_one_by_one_and_the_batch_goes_on():
    top = Path(tempfile.mkdtemp(prefix="kg-unreadable-", dir="/tmp"))
    try:
        os.chmod(top, 0o755)
        folder = top / "in"
        (folder / "locked").mkdir(parents=True)
        (folder / "ok.txt").write_bytes(S2.read_bytes())
        (folder / "locked" / "hidden.txt").write_bytes(S1.read_bytes())
        secret = top / "secret.txt"
        secret.write_bytes(S1.read_bytes())
        (top / "s").mkdir()
        for p in [folder, folder / "ok.txt", top / "s"]:
            os.chown(p, NOBODY, NOBODY)
        os.chmod(folder / "locked", 0o000)
        os.chmod(secret, 0o000)
        as_nobody = [SETPRIV, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", sys.executable]
        probe = subprocess.run([*as_nobody, "-c", "import kg.pipeline"], env=ENV, capture_output=True, text=True,
                               start_new_session=True, timeout=120)
        if probe.returncode != 0:
            pytest.skip(f"user {NOBODY} cannot run this checkout's Python: {probe.stderr[-200:]!r}")
        # parsed in this process (no time or memory limit): a worker would start from the base interpreter,
        # which may live where that user cannot go (a venv's python under /root)
        r = subprocess.run([*as_nobody, "-m", "kg.cli", "ingest", "--jobs", "1", "--max-seconds", "0", "--max-memory", "0",
                            "--store", str(top / "s"), str(folder), str(secret)],
                           env=ENV, capture_output=True, text=True, start_new_session=True, timeout=300, cwd=top)
        assert r.returncode == 1, r.stderr
        errors = [l for l in r.stderr.splitlines() if l.startswith("error:")]
        assert errors == [
            f"error: {folder / 'locked'}: cannot read the folder (Permission denied): its documents are not ingested",
            f"error: {secret}: cannot read the file (Permission denied)",
        ]
        assert r.stdout.startswith("ingested 1 documents (1 complete, 0 incomplete), 2 failed:")
    finally:
        os.chmod(top / "in" / "locked", 0o755)
        import shutil

        shutil.rmtree(top, ignore_errors=True)
