"""Benchmark: the SPARQL endpoint of `kg serve` over HTTP, against the same questions run in-process.

    python bench/serve.py [--repeat N] [--clients N] [PATH ...]   (default: $KG_SHARED/seeds, else ../shared/seeds)

Builds a store from PATH in a temporary folder, starts `kg serve --port 0` as a real subprocess and prints:
the server's start-up time (until it prints its URL); for each question of queries/*.rq the median time over
HTTP (SPARQL JSON) and in-process (Store.select), so the difference is the endpoint's overhead (HTTP, a
worker process, serialisation); a resource page (HTML) and its Turtle; and the throughput of N clients
asking a light query at once.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.pipeline import ingest  # noqa: E402
from kg.store import Store  # noqa: E402

LIGHT = "ASK { ?p a bk:Project }"
POLICY_PAGE = "id/policy/" + urllib.parse.quote("同办字〔2019〕116号")


def fetch(url: str, accept: str, data: bytes | None = None) -> float:
    req = urllib.request.Request(url, data=data, headers={"Accept": accept})
    t0 = time.perf_counter()
    with urllib.request.urlopen(req, timeout=60) as r:
        r.read()
    return time.perf_counter() - t0


def median_ms(run, repeat: int) -> float:
    return statistics.median(run() for _ in range(repeat)) * 1000


def start(store: Path) -> tuple[subprocess.Popen, str, float]:
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--store", str(store), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT, text=True)
    line = proc.stdout.readline()
    m = re.search(r"http://\S+/", line)
    if not m:
        proc.kill()
        sys.exit(f"kg serve did not start: {line!r}")
    return proc, m.group(0), time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("paths", nargs="*", type=Path)
    args = ap.parse_args()
    shared = Path(os.environ.get("KG_SHARED", ROOT.parent / "shared"))
    paths = args.paths or [shared / "seeds"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "store"
        with Store(folder) as store:
            report = ingest(paths, store)
            print(f"store: {report.summary()}")
            local = {}
            for q in sorted((ROOT / "queries").glob("*.rq")):
                text = q.read_text("utf-8")
                local[q.stem] = (text, median_ms(lambda t=text: _timed(store.select, t), args.repeat))
        proc, base, started = start(folder)
        try:
            print(f"start-up: {started:.2f} s (until the URL is printed)")
            print(f"\n{'question':40} {'HTTP ms':>9} {'in-process ms':>14}")
            for name, (text, in_process) in local.items():
                url = base + "sparql?" + urllib.parse.urlencode({"query": text})
                http = median_ms(lambda u=url: fetch(u, "application/sparql-results+json"), args.repeat)
                print(f"{name:40} {http:9.1f} {in_process:14.1f}")
            page = median_ms(lambda: fetch(base + POLICY_PAGE, "text/html"), args.repeat)
            ttl = median_ms(lambda: fetch(base + POLICY_PAGE, "text/turtle"), args.repeat)
            print(f"\nresource page of 同办字〔2019〕116号: HTML {page:.1f} ms, Turtle {ttl:.1f} ms")
            url = base + "sparql?" + urllib.parse.urlencode({"query": LIGHT})
            n = 200
            t0 = time.perf_counter()
            with ThreadPoolExecutor(args.clients) as pool:
                list(pool.map(lambda _: fetch(url, "application/sparql-results+json"), range(n)))
            wall = time.perf_counter() - t0
            print(f"{args.clients} clients, {n} light queries: {n / wall:.0f} queries/s")
        finally:
            proc.terminate()
            proc.wait(10)


def _timed(fn, *a) -> float:
    t0 = time.perf_counter()
    fn(*a)
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
