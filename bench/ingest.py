"""Benchmark: documents per second and peak memory of ingesting the seeds into a fresh store on disk.

    python bench/ingest.py [--repeat N] [PATH ...]      (default: $KG_SHARED/seeds, else ../shared/seeds)

Prints one line per run and a summary: parsing (read → extract → map) and storing measured apart,
then the peak Python heap (tracemalloc, in a run of its own: tracing slows Python down) and the
peak resident memory of the process (ru_maxrss).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg import iri  # noqa: E402
from kg.map import map_extraction  # noqa: E402
from kg.pipeline import extract_file, load_reference_data  # noqa: E402
from kg.read import expand  # noqa: E402
from kg.store import Store  # noqa: E402


def one_run(files: list[Path]) -> tuple[float, float, int]:
    parse = store_t = 0.0
    triples = 0
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "store") as store:
        load_reference_data(store)
        for f in files:
            t0 = time.perf_counter()
            mapped = map_extraction(extract_file(f))
            t1 = time.perf_counter()
            store.replace_document(mapped.graphs(), iri.contrib_graph(mapped.file))
            t2 = time.perf_counter()
            parse += t1 - t0
            store_t += t2 - t1
            triples += len(mapped)
        t3 = time.perf_counter()
        store.rebuild_entities()
        store.flush()
        store_t += time.perf_counter() - t3
    return parse, store_t, triples


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    shared = Path(os.environ.get("KG_SHARED", ROOT.parent / "shared"))
    files = expand(args.paths or [shared / "seeds"])
    if not files:
        sys.exit(f"no documents found (looked in {args.paths or shared / 'seeds'})")
    size = sum(f.stat().st_size for f in files)
    t0 = time.perf_counter()
    import spacy  # noqa: F401  (start-up cost, reported apart)
    from kg.extract.nlp.pipeline import load_pipeline

    load_pipeline()
    startup = time.perf_counter() - t0
    one_run(files)  # warm-up: caches, code lists
    runs = []
    for n in range(args.repeat):
        parse, store_t, triples = one_run(files)
        total = parse + store_t
        runs.append(total)
        print(f"run {n + 1}: {len(files)} documents ({size / 1024:.0f} KiB) in {total:.2f} s "
              f"(parse {parse:.2f} s, store {store_t:.2f} s) = {len(files) / total:.1f} documents/s, {triples} triples")
    tracemalloc.start()  # a separate run: tracing allocations slows Python several times over
    one_run(files)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    best, med = min(runs), statistics.median(runs)
    print(f"median {len(files) / med:.1f} documents/s (best {len(files) / best:.1f}); "
          f"start-up (spaCy + pipeline) {startup:.2f} s; peak Python heap {peak / 2**20:.0f} MiB; peak RSS {rss:.0f} MiB")


if __name__ == "__main__":
    main()
