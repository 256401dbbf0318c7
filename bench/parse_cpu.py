"""CPU a document of :func:`kg.pipeline.parse_file` (what an ingest's worker runs), in this one process.

    python bench/parse_cpu.py [--n 100] [--seed 0] [--runs 3] [--stages] [--profile FILE] [--top 40]

Over the ``--n`` documents ``bench/corpus.py`` generates with ``--seed`` (the corpus of
``bench/scale.py``; written once into a temporary folder and reused, as ``bench/parse_same.py`` does),
after one warm-up document (the imports, spaCy's pipeline, the reference data are built once per
process): ``time.process_time()`` around each ``parse_file``, ``--runs`` times over all of them;
printed, the median of the runs' CPU a document and documents/s/core. ``--stages`` also times each
stage of ``parse_file`` (read, extract, map, redact, encode, answers) on its own, and ``--profile``
runs cProfile over one pass and prints the functions with the most time of their own (tottime) and
with the most time under them (cumtime), saving the statistics in FILE (``pstats``).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from parse_same import corpus  # noqa: E402

from kg.map import map_extraction  # noqa: E402
from kg.pipeline import extract, parse_file, private, reference_files  # noqa: E402
from kg.queries import indexed_queries  # noqa: E402
from kg.read import read  # noqa: E402
from kg.store import document_answers, encode  # noqa: E402


def one_pass(files: list[Path]) -> float:
    """CPU seconds of ``parse_file`` over ``files``, summed."""
    total = 0.0
    for f in files:
        t = time.process_time()
        p = parse_file(f)
        total += time.process_time() - t
        if p.encoded is None:
            sys.exit(f"bench: {f.name} did not parse: {p.reason}")
    return total


def stages(files: list[Path]) -> dict[str, float]:
    """CPU seconds of each stage of ``parse_file`` over ``files`` (the same calls, timed one by one)."""
    cpu = dict.fromkeys(("read", "extract", "map", "redact", "encode", "answers"), 0.0)
    for f in files:
        t = time.process_time()
        source = read(f)
        t, cpu["read"] = time.process_time(), cpu["read"] + time.process_time() - t
        ex = extract(source)
        t, cpu["extract"] = time.process_time(), cpu["extract"] + time.process_time() - t
        m = map_extraction(ex)
        t, cpu["map"] = time.process_time(), cpu["map"] + time.process_time() - t
        graphs, contrib, _ = private(m, False)
        t, cpu["redact"] = time.process_time(), cpu["redact"] + time.process_time() - t
        enc = encode(m.file, graphs, contrib, ex.source.sha256, str(f))
        t, cpu["encode"] = time.process_time(), cpu["encode"] + time.process_time() - t
        enc.answers = document_answers(enc, indexed_queries(), reference_files())
        cpu["answers"] += time.process_time() - t
    return cpu


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--stages", action="store_true", help="also the CPU of each stage")
    ap.add_argument("--profile", type=Path, help="cProfile one pass and save the statistics here")
    ap.add_argument("--top", type=int, default=40, help="functions printed by --profile, per ordering")
    args = ap.parse_args()
    files = corpus(args.n, args.seed, None)
    parse_file(files[0])  # warm-up: imports, spaCy, reference data
    runs = [one_pass(files) for _ in range(args.runs)]
    per = [1000 * r / len(files) for r in runs]
    med = statistics.median(per)
    print(f"{len(files)} documents, {args.runs} runs: " + ", ".join(f"{x:.1f}" for x in per)
          + f" ms of CPU a document; median {med:.1f} ms = {1000 / med:.2f} documents/s/core")
    if args.stages:
        cpu = stages(files)
        total = sum(cpu.values())
        for name, s in cpu.items():
            print(f"  {name:8} {1000 * s / len(files):7.1f} ms a document  {100 * s / total:5.1f} %")
    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        one_pass(files)
        prof.disable()
        prof.dump_stats(args.profile)
        for key in ("tottime", "cumtime"):
            print(f"\n== by {key} ==")
            pstats.Stats(prof, stream=sys.stdout).sort_stats(key).print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
