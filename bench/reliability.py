"""Benchmark: what bad input and crashes cost `kg ingest`, measured on this machine.

    python bench/reliability.py [--kills 5] [--copies 20]

1. bad input: the generated corpus of tests/badcorpus.py (encodings, control characters, personal data,
   empty tables, truncated / encrypted / image-only PDFs, a 38 MiB file …) through `kg ingest`: files tried,
   stored, refused, crashes (a traceback or an "unexpected error"), and the seconds it took;
2. a 50 MB document in a batch with the two sample documents: seconds until the batch is done, against the
   two alone;
3. crashes: an ingest of ``--copies`` documents killed (`kill -9` of the ingest alone) at ``--kills`` random
   moments; after each, the processes left behind, the write-ahead log on disk and the time the next open
   takes; at the end a rerun, compared quad for quad with a clean ingest (documents lost).

Every process runs in a session of its own, killed by its group at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from badcorpus import make  # noqa: E402
from test_ingest_limits import session  # noqa: E402  (a session's live processes, from /proc)
from test_ledger import copies, quads  # noqa: E402

from kg.pipeline import ingest  # noqa: E402
from kg.store import Store, log_bytes  # noqa: E402

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
SAMPLE = ROOT / "data" / "sample"


def kg(*args: str) -> tuple[subprocess.CompletedProcess, float]:
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "kg.cli", *args], env=ENV, capture_output=True, text=True, timeout=1800,
                       start_new_session=True)
    return r, time.perf_counter() - t0


def bad_input(tmp: Path) -> None:
    expect = make(tmp / "corpus")
    r, seconds = kg("ingest", "--store", str(tmp / "bad"), str(tmp / "corpus"))
    lines = r.stderr.splitlines()
    crashes = sum(1 for line in lines if "Traceback" in line or "unexpected error" in line)
    refused = sum(1 for line in lines if line.startswith("error:"))
    print(f"bad input: {len(expect)} files tried, {len(expect) - refused} stored, {refused} refused with one line "
          f"each, {crashes} crashes, {seconds:.1f} s ({r.stdout.strip()})")


def big_document(tmp: Path) -> None:
    batch = tmp / "batch"
    batch.mkdir()
    for f in SAMPLE.glob("*.txt"):
        (batch / f.name).write_bytes(f.read_bytes())
    _, alone = kg("ingest", "--store", str(tmp / "alone"), str(batch))
    (batch / "a_big.txt").write_bytes("预算\n".encode("utf-8") * (50_000_000 // 7))
    r, seconds = kg("ingest", "--store", str(tmp / "big"), str(batch))
    print(f"a 50 MB document with the two samples: {seconds:.1f} s (the two alone: {alone:.1f} s); "
          f"{r.stdout.strip()}")


def crashes(tmp: Path, kills: int, n: int) -> None:
    folder = tmp / "in"
    copies(folder, n)
    clean = Store(tmp / "clean")
    ingest([folder], clean)
    store = tmp / "crash"
    rng = random.Random(15)
    left, opens, wal = [], [], []
    for _ in range(kills):
        proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "ingest", "--store", str(store), str(folder)], env=ENV,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(rng.uniform(1.0, 8.0))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        time.sleep(2.0)
        left.append(len(session(proc.pid)))
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        wal.append(log_bytes(store) / (1 << 20) if store.exists() else 0.0)
        t0 = time.perf_counter()
        if store.exists():
            Store(store).close()
        opens.append(time.perf_counter() - t0)
    r, _ = kg("ingest", "--store", str(store), str(folder))
    with Store(store) as s:
        a, b = quads(s), quads(clean)
    lost = len({q[3] for q in b} - {q[3] for q in a})
    print(f"crashes: {kills} kill -9 of an ingest of {n} documents: processes left behind {sum(left)}; write-ahead "
          f"log at most {max(wal):.1f} MiB; next open at most {max(opens):.2f} s; after a rerun "
          f"{'the same quads as a clean ingest' if a == b else f'{len(a ^ b)} quads differ'}, {lost} graphs lost")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kills", type=int, default=5)
    ap.add_argument("--copies", type=int, default=20)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bad_input(Path(tmp))
        big_document(Path(tmp))
        crashes(Path(tmp), args.kills, args.copies)


if __name__ == "__main__":
    main()
