"""Benchmark: a store pushed to an Oxigraph server (`kg push`), written as N-Quads files and bulk-loaded
(`kg ingest --nquads`, `oxigraph load`), and questions asked through `--endpoint` against the same in-process.

    python bench/remote.py [--copies N] [--repeat N]   (the seeds of $KG_SHARED/seeds, else ../shared/seeds)

The corpus is N copies of the five seeds (each copy a document of its own: another name, another content
hash), ingested into a temporary store. It prints the time to push every graph, to push again (nothing
changed), to write the N-Quads files and to load them with `oxigraph load`, and for a few questions the
median time in-process and through the endpoint (HTTP, the server's own query evaluation, parsing the answer).
The Oxigraph server runs on a free loopback port in its own session and is killed at the end.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg import iri  # noqa: E402
from kg.export.bulk import write_nquads  # noqa: E402
from kg.pipeline import ingest  # noqa: E402
from kg.remote import RemoteStore  # noqa: E402
from kg.remote.push import push  # noqa: E402
from kg.store import Store  # noqa: E402

OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
QUESTIONS = {
    "trace-policy (one policy)": ("trace-policy.rq", {"policy": iri.policy("同办字〔2019〕116号")}),
    "spending-per-policy": ("spending-per-policy.rq", {}),
    "projects-without-basis": ("projects-without-basis.rq", {}),
}


def corpus(seeds: Path, copies: int, into: Path) -> None:
    into.mkdir()
    for n in range(copies):
        for f in sorted(seeds.glob("0*.txt")):
            (into / f"c{n:03d}_{f.name}").write_bytes(f.read_bytes() + b"\n" * (n + 1))


def serve(location: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([OXIGRAPH, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
                             "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    for _ in range(600):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    sys.exit("oxigraph serve did not start")


def timed(f):
    t0 = time.perf_counter()
    out = f()
    return out, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    if OXIGRAPH is None:
        sys.exit("the oxigraph server is not installed: pip install 'budget-kg[remote]'")
    seeds = Path(os.environ.get("KG_SHARED", ROOT.parent / "shared")) / "seeds"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus(seeds, args.copies, tmp / "docs")
        with Store(tmp / "store") as store:
            report, took = timed(lambda: ingest([tmp / "docs"], store, jobs=os.cpu_count() or 1))
            quads = len(store)
            print(f"corpus: {report.documents} documents, {quads:,} quads, {len(store.graphs())} graphs; "
                  f"ingested in {took:.1f} s")
            proc, base = serve(tmp / "oxigraph")
            try:
                sent, took = timed(lambda: push(store, base + "/store"))
                print(f"kg push, every graph: {took:.1f} s ({len(sent.sent)} graphs, {sent.bytes / 2**20:.1f} MiB, "
                      f"{quads / took:,.0f} quads/s)")
                again, took = timed(lambda: push(store, base + "/store"))
                print(f"kg push again, nothing changed: {took:.1f} s ({again.unchanged} graphs hashed, none sent)")
                files, took = timed(lambda: write_nquads(store, tmp / "nq"))
                print(f"kg ingest --nquads, writing the files: {took:.1f} s ({files.bytes / 2**20:.1f} MiB)")
                loaded, took = timed(lambda: subprocess.run(
                    [OXIGRAPH, "load", "--location", str(tmp / "loaded"), "--file", *map(str, sorted((tmp / "nq").iterdir()))],
                    check=True, capture_output=True))
                print(f"oxigraph load of the files: {took:.1f} s ({quads / took:,.0f} quads/s)")
                remote = RemoteStore(base + "/query")
                for label, (name, subs) in QUESTIONS.items():
                    text = (ROOT / "queries" / name).read_text("utf-8")
                    here = statistics.median(timed(lambda: store.select(text, **subs))[1] for _ in range(args.repeat))
                    there = statistics.median(timed(lambda: remote.select(text, **subs))[1] for _ in range(args.repeat))
                    print(f"  {label}: {here * 1000:.0f} ms in-process, {there * 1000:.0f} ms through the endpoint")
            finally:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait()


if __name__ == "__main__":
    main()
