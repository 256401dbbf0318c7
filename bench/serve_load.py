"""Benchmark: `kg serve` under load and under attack, on loopback only.

    python bench/serve_load.py [--requests 2000] [--clients 16] [--memory 1024] [PATH ...]
                                                           (default: $KG_SHARED/seeds, else data/sample)

Builds a store from PATH in a temporary folder and starts `kg serve --port 0` (its defaults: two workers for
long queries, one kept for short ones) in a session of its own. Then:

1. load: N requests from C clients at once, a mix of the questions of queries/*.rq and a light ASK; prints
   the throughput, the latency's p50 / p95 / p99 / max and the answers that were not 200, by status;
2. attack: two memory-hungry queries (a cross product sorted) and two long ones (a cross product counted)
   sent again and again by four clients for ``--attack`` seconds, while a fifth client asks a short query
   once every 100 ms — once with the same hostile texts each time (the server remembers them), once with a
   new text each time (a comment numbered: each must be run to be known); prints the short query's latency (p50 / p95 / max), what the hostile ones got, and
   the largest resident memory a query worker reached (sampled every 20 ms from /proc).

Every request loop is bounded in count and time, and the server is killed by its process group at the end.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.pipeline import ingest  # noqa: E402
from kg.store import Store  # noqa: E402

LIGHT = "ASK { ?p a bk:Project }"
SHORT = "SELECT (COUNT(*) AS ?n) WHERE { ?p a bk:Project }"
HUNGRY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"
LONG = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def ask(base: str, sparql: str, timeout: float = 120) -> tuple[int, float]:
    url = base + "sparql?" + urllib.parse.urlencode({"query": sparql})
    req = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        e.read()
        status = e.code
    except (urllib.error.URLError, OSError):
        status = 0
    return status, time.perf_counter() - t0


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def start(store: Path, memory: int) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--store", str(store), "--port", "0",
                             "--memory", str(memory)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT,
                            text=True, start_new_session=True)
    line = proc.stdout.readline()
    m = re.search(r"http://\S+/", line)
    if not m:
        os.killpg(proc.pid, signal.SIGKILL)
        sys.exit(f"kg serve did not start: {line!r}")
    return proc, m.group(0)


def workers(pid: int) -> list[int]:
    kids = []
    for task in Path(f"/proc/{pid}/task").glob("*"):  # workers restarted by another thread are its children
        try:
            kids += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return [k for k in kids if _cmd(k).find("spawn_main") >= 0]


def _cmd(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace")
    except OSError:
        return ""


def rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def load(base: str, requests: int, clients: int) -> None:
    mix = [q.read_text("utf-8") for q in sorted((ROOT / "queries").glob("*.rq"))] + [LIGHT] * 5
    t0 = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(lambda i: ask(base, mix[i % len(mix)]), range(requests)))
    wall = time.perf_counter() - t0
    times = [t * 1000 for s, t in results if s == 200]
    bad = collections.Counter(s for s, _ in results if s != 200)
    print(f"load: {requests} requests, {clients} clients, {len(mix)} questions: {requests / wall:.0f} requests/s; "
          f"latency p50 {pct(times, 50):.0f} ms, p95 {pct(times, 95):.0f} ms, p99 {pct(times, 99):.0f} ms, "
          f"max {max(times):.0f} ms; not 200: {dict(bad) or 'none'}")


def attack(base: str, server: int, seconds: float, vary: bool) -> None:
    stop = time.monotonic() + seconds
    hostile: collections.Counter = collections.Counter()
    peak = [0.0]

    def hammer(sparql: str, name: str) -> None:
        n = 0
        while time.monotonic() < stop and n < 1000:
            status, _ = ask(base, f"{sparql} # {n}" if vary else sparql)
            hostile[(name, status)] += 1
            n += 1

    def sample() -> None:
        while time.monotonic() < stop:
            peak[0] = max([peak[0], *(rss_mib(w) for w in workers(server))])
            time.sleep(0.02)

    threads = [threading.Thread(target=hammer, args=(q, n)) for q, n in
               ((HUNGRY, "hungry"), (HUNGRY, "hungry"), (LONG, "long"), (LONG, "long"))]
    threads.append(threading.Thread(target=sample))
    for t in threads:
        t.start()
    time.sleep(1.0)
    short: list[float] = []
    codes: collections.Counter = collections.Counter()
    while time.monotonic() < stop - 0.5 and len(short) < 10_000:
        status, t = ask(base, SHORT)
        codes[status] += 1
        short.append(t * 1000)
        time.sleep(0.1)
    for t in threads:
        t.join()
    how = "each hostile query a new text" if vary else "the same hostile texts again and again"
    print(f"attack ({seconds:g} s, {how}): short query asked {len(short)} times: p50 {pct(short, 50):.0f} ms, "
          f"p95 {pct(short, 95):.0f} ms, max {max(short):.0f} ms; statuses {dict(codes)}")
    print(f"  hostile answers: {dict(sorted(hostile.items()))}")
    print(f"  largest resident memory of a query worker: {peak[0]:.0f} MiB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--memory", type=int, default=1024)
    ap.add_argument("--attack", type=float, default=20.0)
    ap.add_argument("paths", nargs="*", type=Path)
    args = ap.parse_args()
    shared = Path(os.environ.get("KG_SHARED", ROOT.parent / "shared"))
    paths = args.paths or ([shared / "seeds"] if (shared / "seeds").is_dir() else [ROOT / "data" / "sample"])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "store"
        with Store(folder) as store:
            print(f"store: {ingest(paths, store).summary()}")
        proc, base = start(folder, args.memory)
        try:
            load(base, args.requests, args.clients)
            attack(base, proc.pid, args.attack, vary=False)
            attack(base, proc.pid, args.attack, vary=True)
        finally:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


if __name__ == "__main__":
    main()
