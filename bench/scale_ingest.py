"""One ``kg ingest`` for ``bench/scale.py``, in a process of its own (so that its peak memory is the
ingest's, not the harness's):

    python bench/scale_ingest.py STORE JOBS PATH...

Runs :func:`kg.pipeline.ingest` as ``kg ingest --store STORE --jobs JOBS PATH...`` does and prints JSON
lines on stdout: ``{"progress": …}`` every few seconds (so that a run stopped at a time limit still
says how far it got, and so that ``bench/scale.py`` can draw the cost per document along the run) and
``{"result": …}`` at the end.

Stages are the pipeline's own (``IngestReport.stages``): ``hash`` (the manifest: each file's SHA-256
against the ledger), ``parse`` (the writer waiting for the next parsed document: with one job the whole
read → segment → extract → map, with N jobs only the wait — the workers' own CPU time is read from
``/proc``, ``worker_cpu``), ``store`` (the batched bulk loads), ``link`` (the incremental link stage)
and ``flush``; ``other`` is the rest of the wall time (opening the store, the reference graphs).
Each stage's CPU seconds in the writer (all its threads) too (``IngestReport.cpu``): on a machine
that other work loads, they, not the wall times, say what a stage costs.

Memory: the writer's peak RSS (``ru_maxrss``), and, sampled from ``/proc`` every 0.2 s, each worker's
peak (``VmHWM``), the peak of the whole process tree's RSS at one time (a sum that counts the libraries
every process maps once in each) with each process's share at that moment, and the peak of the sum of
their PSS (``smaps_rollup``: shared pages divided among the processes that map them, so the memory the
tree takes).
"""

from __future__ import annotations

import gc
import json
import os
import resource
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import kg.pipeline as pipeline  # noqa: E402
from kg.store import Store  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
STAGES = ("hash", "parse", "store", "link", "flush")


# ---------------------------------------------------------------- the process tree, from /proc

def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, []).append(int(d))
    return kids


def _pss(pid: int) -> int:
    """Proportional set size in KiB: its own pages, and each page it shares (the libraries every
    process of the tree maps) divided among the processes that map it."""
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


def _status(pid: int) -> tuple[int, int, float]:
    """(VmRSS, VmHWM) in KiB and CPU seconds of one process."""
    rss = hwm = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return rss, hwm, (int(fields[11]) + int(fields[12])) / TICK


class Sampler(threading.Thread):
    """Every ``every`` seconds: the RSS of this process and its descendants, their peaks and CPU time."""

    def __init__(self, every: float = 0.2):
        super().__init__(daemon=True)
        self.every, self.stop = every, threading.Event()
        self.peak_tree = 0  # KiB, the whole tree at one time: the sum of the processes' RSS
        self.peak_pss = 0  # KiB, the same as the sum of their PSS (shared pages counted once)
        self.at_peak: list[int] = []  # KiB, each process's RSS when the tree's was at its peak, the writer first
        self.hwm: dict[int, int] = {}  # pid → VmHWM, KiB
        self.cpu: dict[int, float] = {}  # pid → CPU seconds, last seen
        self.depth: dict[int, int] = {}  # pid → depth under the writer (1: its child)

    def run(self) -> None:
        me = os.getpid()
        while not self.stop.wait(self.every):
            try:
                kids = _children()
            except OSError:
                continue
            tree, frontier = [], [(me, 0)]
            while frontier:
                pid, depth = frontier.pop()
                tree.append((pid, depth))
                frontier += [(k, depth + 1) for k in kids.get(pid, [])]
            total = pss = 0
            each = []
            for pid, depth in tree:
                try:
                    rss, hwm, cpu = _status(pid)
                    pss += _pss(pid)
                except (OSError, IndexError, ValueError):
                    continue
                total += rss
                each.append(rss)
                if pid != me:
                    self.hwm[pid] = max(self.hwm.get(pid, 0), hwm)
                    self.cpu[pid], self.depth[pid] = cpu, depth
            if total > self.peak_tree:
                self.peak_tree, self.at_peak = total, each
            self.peak_pss = max(self.peak_pss, pss)

    def workers(self) -> list[int]:
        """The processes under the writer: kg.parsepool starts its workers itself (``spawn``), so
        they are its children (depth 1), and a worker's own children are counted with it."""
        return [p for p, d in self.depth.items() if d >= 1]


def store_size(path: Path) -> tuple[int, int]:
    """Bytes on disk of the store, and of its write-ahead logs (RocksDB's *.log)."""
    files = [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), sum(p.stat().st_size for p in files if p.suffix == ".log")


LOAD_AT_START = os.getloadavg()[0]


def snapshot(done: int, started: float, sampler: Sampler, stages: dict | None = None, cpu: dict | None = None) -> dict:
    wall = time.perf_counter() - started
    staged = {k: (stages or {}).get(k, 0.0) for k in STAGES}
    staged["other"] = max(0.0, wall - sum(staged.values())) if stages else 0.0
    workers = sampler.workers()
    return {
        "documents_done": done, "seconds": wall, "stages": staged,
        "cpu": {k: (cpu or {}).get(k, 0.0) for k in STAGES},
        "worker_cpu": sum(sampler.cpu.get(p, 0.0) for p in workers),
        "writer_cpu": time.process_time(),  # this process's CPU so far (all its threads): the curve's writer
        "rss_writer_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_worker_mib": max((sampler.hwm[p] for p in workers), default=0) / 1024,
        "rss_tree_mib": sampler.peak_tree / 1024, "pss_tree_mib": sampler.peak_pss / 1024,
        "rss_at_tree_peak_mib": [round(k / 1024) for k in sampler.at_peak], "workers": len(workers),
        "load": [LOAD_AT_START, os.getloadavg()[0]],  # the machine's 1-minute load average, then and now
    }


def main() -> None:
    store_dir, jobs, paths = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
    sampler = Sampler()
    sampler.start()
    done = 0
    last = time.perf_counter()
    started = time.perf_counter()

    def on_file(path, reason):
        nonlocal done, last
        done += 1
        if time.perf_counter() - last >= 5:
            last = time.perf_counter()
            print(json.dumps({"progress": snapshot(done, started, sampler)}), flush=True)

    store = Store(store_dir)
    report = pipeline.ingest(paths, store, jobs=jobs, on_file=on_file)
    quads = len(store)
    store.close()
    del store
    gc.collect()
    result = snapshot(done, started, sampler, report.stages, report.cpu)
    sampler.stop.set()
    size, wal = store_size(store_dir)
    result.update(
        documents=report.documents, unchanged=report.unchanged, failed=report.failed[:5],
        failed_count=len(report.failed), incomplete=len(report.incomplete), projects=report.projects,
        indicators=report.indicators, references=report.references, triples=report.triples, quads=quads,
        store_bytes=size, wal_bytes=wal,
    )
    print(json.dumps({"result": result}, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
