"""Benchmark: documents per second of `kg ingest` parsing on a Dask cluster of two local workers
(`--scheduler`) against two local processes (`--jobs 2`), on the same documents.

    python bench/cluster.py [--copies N] [--repeat N] [PATH ...]

The documents are PATHs (files or folders), or else N copies of the sample in data/sample with the unit
renamed (each its own document), written to a temporary folder. The cluster is a `dask scheduler` and two
`dask worker --nthreads 1` processes on 127.0.0.1, started here (tests/daskcluster.py) in this session, so
that the kernel shares the CPU between them as between the `--jobs` processes. Each round ingests
the documents into a fresh store once each way, interleaved, so that load on the machine hits both alike;
a warm-up round first (the workers' imports and the spaCy pipeline).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from daskcluster import LoopbackCluster  # noqa: E402

from kg.cluster import Cluster  # noqa: E402
from kg.pipeline import ingest  # noqa: E402
from kg.read import expand  # noqa: E402
from kg.store import Store  # noqa: E402


def copies(folder: Path, n: int) -> list[Path]:
    """``n`` documents of their own: the sample's two, alternately, with the unit renamed."""
    samples = sorted((ROOT / "data" / "sample").glob("*.txt"))
    out = []
    for k in range(n):
        src = samples[k % len(samples)]
        out.append(folder / f"c{k:04d}_{src.name}")
        out[-1].write_text(src.read_text("utf-8").replace("示范市", f"示范{k:04d}市"), "utf-8")
    return out


def one(files: list[Path], **how) -> tuple[float, int]:
    """Seconds of one ingest into a fresh store, and the documents it stored."""
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "store") as store:
        t0 = time.perf_counter()
        report = ingest(files, store, **how)
        return time.perf_counter() - t0, report.documents


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--copies", type=int, default=60)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        tmp = Path(tmp)
        if args.paths:
            files = expand(args.paths)
        else:
            (tmp / "docs").mkdir()
            files = copies(tmp / "docs", args.copies)
        size = sum(f.stat().st_size for f in files)
        print(f"{len(files)} documents ({size / 2**20:.1f} MiB), {os.cpu_count()} cores, {args.repeat} rounds")
        t0 = time.perf_counter()
        with LoopbackCluster(tmp / "cluster", workers=2, new_session=False) as c:
            started = time.perf_counter() - t0
            t0 = time.perf_counter()
            with Cluster(c.address) as cluster:
                connected = time.perf_counter() - t0
                ways = {"--jobs 2": {"jobs": 2}, "--scheduler (2 workers)": {"parser": cluster.parsed}}
                for how in ways.values():  # warm up
                    one(files[:8], **how)
                times: dict[str, list[float]] = {name: [] for name in ways}
                for r in range(args.repeat):
                    for name, how in ways.items():
                        seconds, stored = one(files, **how)
                        times[name].append(seconds)
                    print(f"round {r + 1}: " + "  ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items())
                          + f" ({stored} stored)")
        print(f"cluster start-up {started:.1f} s, connect {connected:.2f} s (not counted)")
        print(f"\n{'':<26}{'median s':>10}{'documents/s':>13}")
        for name, ts in times.items():
            m = statistics.median(ts)
            print(f"{name:<26}{m:>10.2f}{len(files) / m:>13.1f}")


if __name__ == "__main__":
    main()
