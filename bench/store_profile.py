"""Where the writer's CPU goes when documents are added to a store that holds many already (issue 14).

    python bench/store_profile.py --base STORE (--work DIR | --in-place) [--skip N] [--count K] [--profile]
                                  [--batch-documents D] [--batch-quads Q] FOLDER

Copies the store ``STORE`` (made by ``bench/scale.py --keep`` or ``kg ingest``) to ``DIR/store`` (or, with
``--in-place``, works on ``STORE`` itself), parses
documents ``N`` … ``N+K-1`` of ``FOLDER`` (sorted by name; the ones the base store does not hold) in this
process, then stores them as ``kg.pipeline.ingest`` does — batches of ``BATCH_DOCUMENTS`` documents,
each followed by a flush, then the link stage and a last flush — and prints the CPU seconds
(``time.process_time``: every thread of the process, Oxigraph's loader and compactions included) of
each part, per document:

- worker side (in ``kg ingest`` these run in the parsing processes): read + extract, map, redact
  + encode to N-Quads, the trace index's answers (``document_answers``);
- writer side: the ledger (``begin``, ``swap``, ``put_answers``, ``finish``, ``stored``, ``aliases``),
  Oxigraph's update (the old graphs dropped, the entity triples no document states deleted), the rest
  of ``Store.store_documents`` (Python building the load's bytes), the link stage, each the CPU of
  the calling thread (``time.thread_time``); and Oxigraph's load and flushes with the compactions
  RocksDB runs in threads of its own: the whole process's CPU (``time.process_time``) from the first
  load until it stays idle for ``--settle`` seconds after the last flush, less the parts above.

RocksDB compacts in the background, after a load returns: timed with ``process_time`` alone, that
work lands on whatever part runs next (the ledger, the link stage, the next document's parse in
``kg ingest --jobs 1``). Hence the thread clock for the parts, and the settling at the end.

``--profile`` also prints the 25 costliest functions of the writer side (cProfile, cumulative).
The same corpus and base give comparable figures before and after a change; the machine being shared,
run it twice and take the lower.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import resource
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg import iri  # noqa: E402
from kg.link import link_store  # noqa: E402
from kg.map import map_extraction  # noqa: E402
from kg.pipeline import BATCH_DOCUMENTS, BATCH_QUADS, extract, load_reference_data, private, reference_files  # noqa: E402
from kg.queries import indexed_queries  # noqa: E402
from kg.read import read  # noqa: E402
from kg.store import Store, document_answers, encode  # noqa: E402

CPU: dict[str, float] = defaultdict(float)


class timed:
    """Add the CPU seconds of the calling thread in the block to ``CPU[part]``."""

    def __init__(self, part: str):
        self.part = part

    def __enter__(self):
        self.t = time.thread_time()

    def __exit__(self, *exc):
        CPU[self.part] += time.thread_time() - self.t


def settle(quiet: float) -> None:
    """Wait until the process (RocksDB's compaction threads) has used no CPU for ``quiet`` seconds."""
    while True:
        before = time.process_time()
        time.sleep(quiet)
        if time.process_time() - before < 0.01 * quiet:
            return


def wrap(obj, name: str, part: str) -> None:
    """Time ``obj.name`` (a method of a Python object) as ``part``."""
    fn = getattr(obj, name)

    def timed_call(*a, **k):
        with timed(part):
            return fn(*a, **k)

    setattr(obj, name, timed_call)


class OxProxy:
    """Oxigraph's store, its writing calls timed (a native object: its methods cannot be replaced)."""

    def __init__(self, s):
        self._s = s

    def __getattr__(self, name):
        attr = getattr(self._s, name)
        part = {"bulk_load": "oxigraph load (its calling thread)", "flush": "oxigraph flush (its calling thread)",
                "update": "oxigraph update", "contains_named_graph": "oxigraph lookups"}.get(name)
        if part is None or not callable(attr):
            return attr

        def call(*a, **k):
            with timed(part):
                return attr(*a, **k)

        return call


def parse(paths: list[Path]):
    queries, refs = indexed_queries(), reference_files()
    out = []
    for p in paths:
        with timed("w: read + extract"):
            ex = extract(read(p))
        with timed("w: map"):
            m = map_extraction(ex)
        with timed("w: redact + encode"):
            graphs, contrib, _ = private(m, False)
            enc = encode(m.file, graphs, contrib, ex.source.sha256, str(p))
        with timed("w: trace index answers"):
            enc.answers = document_answers(enc, queries, refs)
        out.append(enc)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", type=Path, required=True, help="the store to add documents to (copied, not changed)")
    ap.add_argument("--work", type=Path, help="where the copy goes (emptied first)")
    ap.add_argument("--in-place", action="store_true",
                    help="add the documents to STORE itself, not to a copy (a store of 10,000 documents takes "
                         "minutes to copy; repeated runs on one store then differ by the documents added before)")
    ap.add_argument("--skip", type=int, default=0, help="documents of FOLDER to skip (the base holds them)")
    ap.add_argument("--count", type=int, default=64, help="documents to add")
    ap.add_argument("--profile", action="store_true", help="print the writer's costliest functions")
    ap.add_argument("--settle", type=float, default=5.0, help="seconds without CPU that end the compactions")
    ap.add_argument("--batch-documents", type=int, default=BATCH_DOCUMENTS, help="documents a load holds at most")
    ap.add_argument("--batch-quads", type=int, default=BATCH_QUADS, help="quads that make a load full")
    ap.add_argument("folder", type=Path)
    args = ap.parse_args()

    paths = sorted(p for p in args.folder.iterdir() if p.suffix == ".txt")[args.skip:args.skip + args.count]
    if args.in_place:
        copy = args.base
    elif args.work is None:
        ap.error("give --work (where the copy goes) or --in-place")
    else:
        copy = args.work / "store"
        if copy.exists():
            shutil.rmtree(copy)
        args.work.mkdir(parents=True, exist_ok=True)
        shutil.copytree(args.base, copy)

    encoded = parse(paths)
    quads = sum(len(e) for e in encoded)
    store = Store(copy)
    load_reference_data(store)
    settle(args.settle)  # the compactions the open (or the base's last load) left
    store._s = OxProxy(store._s)
    led = store.ledger
    for name in ("begin", "swap", "put_answers", "finish", "stored", "aliases"):
        wrap(led, name, f"ledger {name}")
    prof = cProfile.Profile() if args.profile else None
    if prof:
        prof.enable()
    started = time.process_time()
    batch: list = []
    for e in encoded + [None]:
        if e is not None:
            batch.append(e)
        with timed("ingest: the batch's size (as kg.pipeline.ingest)"):
            full = len(batch) >= args.batch_documents or sum(len(x) for x in batch) >= args.batch_quads
        if batch and (full or e is None):
            with timed("store_documents (all)"):
                store.store_documents(batch)
            store.flush()
            batch = []
    with timed("link"):
        link_store(store, {str(iri.document(e.file)) for e in encoded})
    store.flush()
    if prof:
        prof.disable()
    settle(args.settle)
    writer = time.process_time() - started
    store.close()

    n = len(encoded)
    inner = sum(v for k, v in CPU.items() if k.startswith(("ledger", "oxigraph")))
    CPU["store_documents: the rest (Python)"] = CPU.pop("store_documents (all)") - inner
    mine = sum(v for k, v in CPU.items() if not k.startswith("w:"))
    CPU["oxigraph: its other threads (loader, compactions)"] = writer - mine
    print(f"{n} documents, {quads:,} quads ({quads / n:,.0f} a document) added to {'' if args.in_place else 'a copy of '}{args.base} in loads of "
          f"at most {args.batch_documents} documents or {args.batch_quads:,} quads")
    print(f"{'part':52}{'CPU s':>10}{'ms / document':>16}")
    for k in sorted(CPU, key=lambda k: (not k.startswith("w:"), k)):
        print(f"{k:52}{CPU[k]:>10.2f}{CPU[k] / n * 1000:>16.1f}")
    print(f"{'writer, all':52}{writer:>10.2f}{writer / n * 1000:>16.1f}")
    print(f"peak resident memory of this process (parsing included): "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")
    if prof:
        s = io.StringIO()
        pstats.Stats(prof, stream=s).sort_stats("cumulative").print_stats(25)
        print(s.getvalue())


if __name__ == "__main__":
    main()
