"""One instrumented ``kg ingest`` for ``bench/scale.py``, in a process of its own (so that its peak
memory is the ingest's, not the harness's):

    python bench/scale_ingest.py STORE JOBS PATH...

Runs :func:`kg.pipeline.ingest` as ``kg ingest --store STORE --jobs JOBS PATH...`` does and prints JSON
lines on stdout: ``{"progress": …}`` every few seconds (so a run stopped at a time limit still says how
far it got and where its time went) and ``{"result": …}`` at the end.

Stages are timed from outside, by wrapping functions the pipeline calls (no library change):

- ``parse``: the writer waiting for the next parsed document (``kg.pipeline._parsed``). With one job
  that is the whole read → segment → extract → map; with N jobs it is only the wait, and the workers'
  own CPU time is read from ``/proc`` (``worker_cpu``);
- ``store``: writing documents (``Store.replace_document``, ``document_with_content``, ``add_alias``),
  the reference graphs (``load_reference_data``) and ``Store.flush``;
- ``entities``: ``Store.rebuild_entities`` (one SPARQL update over every contribution graph);
- ``link``: ``kg.link.link_store``, split into its units, projects and titles steps and the rest
  (sorting and writing the links graph);
- ``other``: the rest of the wall time (listing files, bookkeeping).

Memory: the writer's peak RSS (``ru_maxrss``), and, sampled from ``/proc`` every 0.2 s, each worker's
peak (``VmHWM``) and the peak of the whole process tree's RSS at one time.
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

import kg.link  # noqa: E402
import kg.pipeline as pipeline  # noqa: E402
from kg.store import Store  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
STAGES = ("parse", "store", "entities", "link_units", "link_projects", "link_titles", "link_rest")
times = dict.fromkeys(STAGES, 0.0)
# the stage running now and since when (perf_counter); a progress line is printed as each one after the
# documents starts, so that a run stopped at its time limit says which stage it was stopped in
current = {"stage": "documents", "since": time.perf_counter()}
on_stage = None


def enter(stage: str) -> None:
    current.update(stage=stage, since=time.perf_counter())
    if on_stage:
        on_stage()


def timed(stage: str, fn):
    def wrapper(*a, **kw):
        if stage != "store":
            enter(stage)
        t0 = time.perf_counter()
        try:
            return fn(*a, **kw)
        finally:
            times[stage] += time.perf_counter() - t0
    return wrapper


def instrument() -> None:
    parsed = pipeline._parsed

    def timed_parsed(*a, **kw):
        it = parsed(*a, **kw)
        while True:
            t0 = time.perf_counter()
            try:
                item = next(it)
            except StopIteration:
                times["parse"] += time.perf_counter() - t0
                return
            times["parse"] += time.perf_counter() - t0
            yield item

    pipeline._parsed = timed_parsed
    for name in ("replace_document", "document_with_content", "add_alias", "flush"):
        setattr(Store, name, timed("store", getattr(Store, name)))
    Store.rebuild_entities = timed("entities", Store.rebuild_entities)
    pipeline.load_reference_data = timed("store", pipeline.load_reference_data)
    kg.link.link_units = timed("link_units", kg.link.link_units)
    kg.link.link_projects = timed("link_projects", kg.link.link_projects)
    kg.link.link_titles = timed("link_titles", kg.link.link_titles)
    link = kg.link.link_store

    def timed_link(store):
        enter("link")
        t0 = time.perf_counter()
        before = times["link_units"] + times["link_projects"] + times["link_titles"]
        try:
            return link(store)
        finally:
            inner = times["link_units"] + times["link_projects"] + times["link_titles"] - before
            times["link_rest"] += time.perf_counter() - t0 - inner

    pipeline.link_store = timed_link


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
        self.peak_tree = 0  # KiB, the whole tree at one time
        self.hwm: dict[int, int] = {}  # pid → VmHWM, KiB
        self.cpu: dict[int, float] = {}  # pid → CPU seconds, last seen
        self.depth: dict[int, int] = {}  # 1: a child of the writer (forkserver, resource tracker), 2: a worker

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
            total = 0
            for pid, depth in tree:
                try:
                    rss, hwm, cpu = _status(pid)
                except (OSError, IndexError, ValueError):
                    continue
                total += rss
                if pid != me:
                    self.hwm[pid] = max(self.hwm.get(pid, 0), hwm)
                    self.cpu[pid], self.depth[pid] = cpu, depth
            self.peak_tree = max(self.peak_tree, total)

    def workers(self) -> list[int]:
        return [p for p, d in self.depth.items() if d >= 2]


def store_size(path: Path) -> tuple[int, int]:
    """Bytes on disk of the store, and of its write-ahead logs (RocksDB's *.log)."""
    files = [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), sum(p.stat().st_size for p in files if p.suffix == ".log")


LOAD_AT_START = os.getloadavg()[0]


def snapshot(done: int, started: float, sampler: Sampler) -> dict:
    wall = time.perf_counter() - started
    staged = dict(times)
    running = time.perf_counter() - current["since"] if current["stage"] != "documents" else 0.0
    staged["other"] = max(0.0, wall - sum(times.values()) - running)  # not the stage running now
    workers = sampler.workers()
    return {
        "documents_done": done, "seconds": wall, "stages": staged,
        "worker_cpu": sum(sampler.cpu.get(p, 0.0) for p in workers),
        "rss_writer_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_worker_mib": max((sampler.hwm[p] for p in workers), default=0) / 1024,
        "rss_tree_mib": sampler.peak_tree / 1024, "workers": len(workers),
        "load": [LOAD_AT_START, os.getloadavg()[0]],  # the machine's 1-minute load average, then and now
        "stage_now": current["stage"], "stage_for": running,
    }


def main() -> None:
    store_dir, jobs, paths = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
    instrument()
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

    global on_stage
    on_stage = lambda: print(json.dumps({"progress": snapshot(done, started, sampler)}), flush=True)  # noqa: E731
    store = Store(store_dir)
    report = pipeline.ingest(paths, store, jobs=jobs, on_file=on_file)
    result = snapshot(done, started, sampler)
    quads = len(store)
    store.close()
    del store
    gc.collect()
    sampler.stop.set()
    size, wal = store_size(store_dir)
    result.update(
        documents=report.documents, failed=report.failed[:5], failed_count=len(report.failed),
        incomplete=len(report.incomplete), projects=report.projects, indicators=report.indicators,
        references=report.references, triples=report.triples, quads=quads, store_bytes=size, wal_bytes=wal,
    )
    print(json.dumps({"result": result}, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
