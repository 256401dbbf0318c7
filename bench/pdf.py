"""Benchmark: pages per second of ``kg ingest`` on PDFs, against pdfplumber alone, in one run.

    python bench/pdf.py [--repeat N] [--jobs 1,2] [PDF ...]     (default: $KG_SHARED/pdfs, else ../shared/pdfs)

For each round, over the same pages:

- **pdfplumber**: ``page.extract_text()`` and ``page.extract_tables()`` on every page — what any
  tool built on pdfplumber pays at least;
- **kg ingest, N jobs**: the whole ingest (read → segment → extract → map → store into a fresh
  Oxigraph store on disk), through :func:`kg.pipeline.ingest` as ``kg ingest --jobs N`` runs it.

The rounds interleave the runs so that a busy machine slows all of them alike. Printed: the
median seconds and pages per second of each, and the rate of ingest with one job as a share of
pdfplumber's (the goal: at least 0.8×). A document ingest refuses as no disclosure (the blank
template) is read all the same, so its pages count.
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
sys.path.insert(0, str(ROOT))

import pdfplumber  # noqa: E402

from kg.pipeline import ingest  # noqa: E402
from kg.store import Store  # noqa: E402


def plumber(files: list[Path]) -> float:
    t0 = time.perf_counter()
    for f in files:
        with pdfplumber.open(f) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.extract_tables()
                page.close()
    return time.perf_counter() - t0


REFUSED: set[str] = set()


def ours(files: list[Path], jobs: int) -> float:
    """Seconds of one ingest; a document refused as no disclosure (the blank template) is read all the
    same and counts, and is named once."""
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "store") as store:
        t0 = time.perf_counter()
        report = ingest(files, store, jobs=jobs)
        seconds = time.perf_counter() - t0
    for name, reason in report.failed:
        if "not a disclosure" not in reason:
            sys.exit(f"bench: ingest failed on {name}: {reason}")
        if name not in REFUSED:
            REFUSED.add(name)
            print(f"note: {name} is read and refused ({reason})")
    return seconds


def main() -> None:
    shared = Path(os.environ.get("KG_SHARED", ROOT.parent / "shared"))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", type=Path, default=[shared / "pdfs"])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--jobs", default="1,2", help="comma-separated job counts to measure (default 1,2)")
    args = ap.parse_args()
    files = sorted(f for p in args.paths for f in ([p] if p.is_file() else p.glob("*.pdf")))
    if not files:
        sys.exit(f"bench: no PDFs under {' '.join(map(str, args.paths))}")
    pages = 0
    for f in files:
        with pdfplumber.open(f) as pdf:
            pages += len(pdf.pages)
    jobs = [int(j) for j in args.jobs.split(",")]
    print(f"{len(files)} PDFs, {pages} pages, {sum(f.stat().st_size for f in files) / 2**20:.1f} MiB, "
          f"{os.cpu_count()} cores, {args.repeat} rounds")
    times: dict[str, list[float]] = {"pdfplumber": [], **{f"kg ingest --jobs {j}": [] for j in jobs}}
    ours(files[:1], 1)  # warm up: imports, the spaCy pipeline, the page cache
    for r in range(args.repeat):
        times["pdfplumber"].append(plumber(files))
        for j in jobs:
            times[f"kg ingest --jobs {j}"].append(ours(files, j))
        print(f"round {r + 1}: " + "  ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items()))
    base = statistics.median(times["pdfplumber"])
    print(f"\n{'':<22}{'median s':>10}{'pages/s':>10}{'× pdfplumber':>14}")
    for name, ts in times.items():
        m = statistics.median(ts)
        print(f"{name:<22}{m:>10.2f}{pages / m:>10.1f}{m / base:>14.2f}")
    if 1 in jobs:
        rate = base / statistics.median(times["kg ingest --jobs 1"])
        verdict = "within" if rate >= 0.8 else "BELOW"
        print(f"\nkg ingest (1 job) reads {rate:.2f}× pdfplumber's pages per second ({verdict} the 0.8× goal)")


if __name__ == "__main__":
    main()
