"""Benchmark: OCR ingest of scanned PDFs — pages per second and peak memory on one and two processes, and
how close each scan's graph comes to its text-layer twin's.

    python bench/ocr.py [--dpi 150] [--jobs 1,2] [--skip-quality] [PDF ...]   (default: $KG_SHARED/pdfs)

Each PDF is first scanned (tests/scanned.py: every page rendered at ``--dpi`` in grey, turned ±0.4°,
with sensor noise, JPEG-compressed, no text layer); that is not timed. Then, for each ``--jobs N``:
``kg ingest --ocr auto --jobs N`` of the scans into a fresh store, run as a subprocess whose process
tree's resident memory is sampled every 0.1 s (peak = the largest sum over the tree). Printed: pages,
seconds, pages per second, OCR seconds (summed over the workers), peak memory.

Quality (unless ``--skip-quality``): each scan is extracted again (two processes) and compared with
its text-layer original (tests/scanned.py ``facts``): recall of budget lines and of functional budget
lines (amounts exact), of projects and of project → basis edges, and the facts the scan adds.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from scanned import facts, scan  # noqa: E402

SHARED = Path(os.environ.get("KG_SHARED", ROOT.parent / "shared"))


def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(stat[1]), []).append(int(d.name))
            rss[int(d.name)] = int(stat[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, []))
    return total


def ingest(files: list[Path], jobs: int) -> tuple[float, int, str]:
    """Seconds, peak resident bytes of the process tree, and the summary line of one ``kg ingest``."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "kg.cli", "ingest", "--store", str(Path(tmp) / "store"), "--ocr", "auto",
               "--jobs", str(jobs), *map(str, files)]
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
        peak = 0
        while proc.poll() is None:
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.1)
        seconds = time.perf_counter() - t0
        out, err = proc.communicate()
    summary = next((ln for ln in out.splitlines() if ln.startswith("ingested")), out.strip() or err.strip())
    return seconds, peak, summary


def _facts(pair: tuple[str, str]) -> tuple[str, dict, dict]:
    from kg.errors import KgError
    from kg.pipeline import extract_file

    original, scanned = pair
    try:
        want = facts(extract_file(original, ocr="never"))
        got = facts(extract_file(scanned, ocr="auto"))
    except KgError as e:
        return Path(original).name, {"error": str(e)}, {}
    return Path(original).name, want, got


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdfs", nargs="*", type=Path)
    ap.add_argument("--dpi", type=float, default=150.0)
    ap.add_argument("--jobs", default="1,2")
    ap.add_argument("--skip-quality", action="store_true")
    args = ap.parse_args()
    pdfs = args.pdfs or sorted((SHARED / "pdfs").glob("*.pdf"))
    if not pdfs:
        sys.exit(f"bench: no PDFs (looked in {SHARED / 'pdfs'}; set KG_SHARED)")
    with tempfile.TemporaryDirectory() as tmp:
        scans = []
        for p in pdfs:
            out = Path(tmp) / p.name  # the same file name: the graph names the document alike
            scan(p, out, dpi=args.dpi)
            scans.append(out)
        import pdfplumber

        pages = 0
        for s in scans:
            with pdfplumber.open(s) as pdf:
                pages += len(pdf.pages)
        print(f"{len(scans)} scanned PDFs, {pages} pages at {args.dpi:g} dpi (grey, ±0.4°, noise, JPEG)")
        for jobs in (int(j) for j in args.jobs.split(",")):
            seconds, peak, summary = ingest(scans, jobs)
            print(f"kg ingest --ocr auto --jobs {jobs}: {seconds:.1f} s, {pages / seconds:.2f} pages/s, "
                  f"peak memory {peak / 2**20:.0f} MiB (the process tree)\n  {summary}")
        if args.skip_quality:
            return
        totals: dict[str, list[int]] = {}
        with ProcessPoolExecutor(max_workers=2) as pool:
            for name, want, got in pool.map(_facts, [(str(p), str(s)) for p, s in zip(pdfs, scans)]):
                if "error" in want:
                    print(f"  {name}: {want['error']}")
                    continue
                parts = []
                for kind, items in want.items():
                    hit, extra = len(items & got[kind]), len(got[kind] - items)
                    t = totals.setdefault(kind, [0, 0, 0])
                    t[0], t[1], t[2] = t[0] + hit, t[1] + len(items), t[2] + extra
                    parts.append(f"{kind} {hit}/{len(items)}" + (f" (+{extra})" if extra else ""))
                print(f"  {name}: " + ", ".join(parts))
        print("recall over all: " + ", ".join(
            f"{k} {h}/{n} = {h / n:.3f}" + (f" (+{e} not in the original)" if e else "") if n else f"{k} -"
            for k, (h, n, e) in totals.items()))


if __name__ == "__main__":
    main()
