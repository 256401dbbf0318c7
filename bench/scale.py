"""Scale benchmark (issue 14): ingest and query a generated province of disclosures, and say where the time goes.

    python bench/scale.py [--sizes 100,1000,10000] [--jobs 1,2] [--pdf N] [--timeout S] [--query-timeout S]
                          [--repeat N] [--budget S] [--rdflib-max QUADS] [--seed N] [--workdir DIR] [--keep]
                          [--every [--every-limit S] [--every-repeat N] [--rq PATH]...] [--ask STORE QUESTIONS]
    make bench-scale            # = python bench/scale.py --sizes 100,1000 --jobs 1,2 --pdf 10 (SCALE_ARGS=… to change)

Not part of ``make bench``: at 1,000 documents a run takes about half an hour on a 2-core machine.
For each size, in one run, a corpus of that many documents is generated (``bench/corpus.py``: units ×
years × projects × KPI tables × citations, written to a temporary folder one document at a time) and:

1. ingested into a fresh store with ``kg.pipeline.ingest`` at each ``--jobs``, each in a process of its
   own (``bench/scale_ingest.py``): documents/s, seconds per stage (hash, parse, store, link, flush,
   other) and store + link against parse, the cores kept busy (CPU over wall-clock seconds), peak RSS
   of the writer and of each worker, the store's size on disk and how much of it is write-ahead log
   (RocksDB's *.log), quads;
2. asked five questions, p50/p95 over ``--repeat`` runs, on our store and on rdflib's in-memory
   Dataset loaded from the same data as N-Quads (``bench/scale_query.py``): ``kg trace`` of the most
   cited policy and its ``trace-policy.rq`` alone, ``spending-per-issuer.rq``,
   ``policy-citation-chains.rq`` of a policy with a chain, ``project-indicators.rq`` of one project;
3. ingested again unchanged into the last store: seconds and how much the store grew.

An ingest still running after ``--timeout`` seconds (default 40 min) is stopped, and what it did so far
is printed (how many documents, the stages' times), and with ``--keep`` its store is kept and asked the
questions (of what it stored); so is one of our questions after ``--query-timeout``
seconds (each runs in a process of its own), and rdflib's questions after ``--timeout``. A question runs
``--repeat`` times after a warm-up, fewer once its runs pass ``--budget`` seconds ("cold": the warm-up
alone passed it and is the figure). Whatever could not be measured is listed under "not measured".
Leave out sizes the machine cannot do with ``--sizes``. ``--ask STORE QUESTIONS`` only asks the
questions (with ``--every``, of ``queries/``; ``--rq`` to choose some) of a store an earlier ``--keep`` run
left, with the ``questions-N.json`` it wrote beside it: to measure a change to the queries without a new ingest. ``--pdf N`` renders the first N documents of the first size to PDF (``tests/pdfgen.py``) and
ingests them at each ``--jobs``, for the PDF rate. The harness itself holds no corpus: it keeps
counters, and the ingests and queries run in processes of their own.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from corpus import generate, policy  # noqa: E402

MIB = 2**20
#: the questions of bench/scale_query.py (its KEYS), cheapest first
QUESTIONS = ("indicators", "issuer", "chains", "trace-policy", "trace", "trace-1k")


def disk(path: Path) -> tuple[int, int]:
    files = [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), sum(p.stat().st_size for p in files if p.suffix == ".log")


# ---------------------------------------------------------------- the corpus

def make_corpus(n: int, folder: Path, seed: int) -> dict:
    """Generate ``n`` documents into ``folder``; return what a run needs to know of them, and counts."""
    t0 = time.perf_counter()
    c = Counter()
    projects_citing: Counter = Counter()  # pool rank → projects whose 立项依据 cites it
    units_citing: defaultdict = defaultdict(set)
    years: Counter = Counter()
    chain, project = None, None
    for t in generate(n, folder, seed):
        years[t.unit] += 1
        c["documents"] += 1
        c["projects"] += len(t.projects)
        c["kpi"] += len(t.indicators)
        c["indicators"] += sum(t.indicators.values())
        c["basis"] += sum(1 for x in t.citations if x[1] == "立项依据")
        c["basis_docno"] += sum(1 for x in t.citations if x[1] == "立项依据" and x[2])
        c["mentions"] += sum(1 for x in t.citations if x[1] != "立项依据")
        for ranks in t.basis_ranks:
            for r in set(ranks):
                projects_citing[r] += 1
                units_citing[r].add(t.unit)
        if t.chain and chain is None:
            chain = t.chain[1]
        if project is None and any(k >= 6 for k in t.indicators.values()):  # a typical table (median: 6)
            project = [t.file, next(name for name, k in t.indicators.items() if k >= 6)]
    top, top_n = projects_citing.most_common(1)[0] if projects_citing else (None, 0)
    # the done-means' "a policy cited by 10³ projects": at 10⁴ documents the most cited has several thousand
    near, near_n = min(projects_citing.items(), key=lambda rk: (abs(rk[1] - 1000), rk[0])) if projects_citing else (None, 0)
    return {
        "counts": dict(c), "seconds": time.perf_counter() - t0, "bytes": disk(folder)[0],
        "units": len(years), "years_per_unit": dict(sorted(Counter(years.values()).items())),
        "policies": len(projects_citing), "top": [(policy(r, seed).docno, k, len(units_citing[r]))
                                                  for r, k in projects_citing.most_common(5)],
        "cited_100": sum(1 for k in projects_citing.values() if k >= 100),
        "cited_once": sum(1 for k in projects_citing.values() if k == 1),
        "max_units": max((len(u) for u in units_citing.values()), default=0),
        "questions": {"policy": policy(top, seed).docno if top is not None else None, "policy_projects": top_n,
                      "chain": chain, "project": project,
                      **({"policy_1k": policy(near, seed).docno, "policy_1k_projects": near_n} if near != top else {})},
    }


# ---------------------------------------------------------------- processes

def run_lines(cmd: list[str], timeout: float, log: Path, on_obj=None) -> tuple[list[dict], str | None]:
    """Run a helper that prints JSON lines; return what it printed and, when it did not finish, why.
    ``on_obj(obj)`` sees each line as it comes."""
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    objs: list[dict] = []
    with log.open("w") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, text=True, cwd=ROOT, env=env,
                                start_new_session=True)

        def read():
            for line in proc.stdout:
                try:
                    objs.append(json.loads(line))
                except json.JSONDecodeError:
                    continue
                if on_obj:
                    on_obj(objs[-1])

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            reader.join(5)
            return objs, f"stopped at the time limit ({timeout:.0f} s)"
        reader.join(30)
    if proc.returncode != 0:
        tail = log.read_text(errors="replace").strip().splitlines()[-2:]
        return objs, f"exit code {proc.returncode}: {' | '.join(tail)}"
    return objs, None


def ingest(store: Path, jobs: int, paths: list[Path], timeout: float, log: Path):
    """(result, last progress, why it did not finish) of one instrumented ingest."""
    cmd = [sys.executable, str(HERE / "scale_ingest.py"), str(store), str(jobs), *map(str, paths)]
    shown = [time.perf_counter()]

    def show(obj: dict) -> None:  # a line a minute, so that a long run says how it goes
        p = obj.get("progress")
        if p and time.perf_counter() - shown[0] >= 60:
            shown[0] = time.perf_counter()
            print(f"  jobs {jobs} … {p['documents_done']:,} documents in {p['seconds']:.0f} s", flush=True)

    objs, why = run_lines(cmd, timeout, log, show)
    final = next((o["result"] for o in objs if "result" in o), None)
    progress = next((o["progress"] for o in reversed(objs) if "progress" in o), None)
    curve = [o["progress"] for o in objs if "progress" in o] + ([final] if final else [])
    return final, progress, why or (None if final else "it printed no result"), curve


def print_curve(curve: list[dict], parts: int = 10) -> None:
    """Cost per document along one ingest, in ``parts`` slices of the documents done: is it flat?
    CPU milliseconds a document of the writer (store, link, flush: with jobs > 1 it does not parse)
    and of the workers, and documents/s, in each slice."""
    pts = [p for p in curve if p.get("writer_cpu") is not None]
    if len(pts) < 3:
        return
    total = pts[-1]["documents_done"]
    marks = [total * k / parts for k in range(1, parts + 1)]
    print("    along the run (each slice of the documents: writer + workers' CPU ms a document, documents/s):")
    prev, cells = pts[0], []  # from the first sample on: documents and CPU counted from the same moment
    for m in marks:
        p = next((x for x in pts if x["documents_done"] >= m), pts[-1])
        n = p["documents_done"] - prev["documents_done"]
        if n <= 0:
            continue
        w = (p["writer_cpu"] - prev["writer_cpu"]) / n * 1000
        k = (p["worker_cpu"] - prev["worker_cpu"]) / n * 1000
        rate = n / max(p["seconds"] - prev["seconds"], 1e-9)
        cells.append(f"≤{p['documents_done']:,}: {w:.0f}+{k:.0f} ms, {rate:.1f}/s")
        prev = p
    for i in range(0, len(cells), 5):
        print("      " + " · ".join(cells[i:i + 5]))


def ask(store: Path, qfile: Path, args, work: Path, n: int) -> dict:
    """Each of our questions in a process of its own (stopped after --query-timeout), then all of rdflib's in one."""
    base = [sys.executable, str(HERE / "scale_query.py"), str(store), str(qfile), "--repeat", str(args.repeat),
            "--budget", str(args.budget), "--rdflib-max", str(args.rdflib_max), "--every-limit", str(args.every_limit),
            "--every-repeat", str(args.every_repeat), *(x for r in args.rq for x in ("--rq", r))]
    out: dict = {"ours": {}, "rdflib": {}, "labels": {}, "notes": [], "query_timeout": args.query_timeout}
    asked = [k for k in QUESTIONS if k != "trace-1k" or json.loads(qfile.read_text("utf-8")).get("policy_1k")]
    for key in asked + (["every"] if args.every else []):
        objs, why = run_lines(base + ["--engine", "ours", "--only", key], args.query_timeout, work / f"query-{n}-{key}.log")
        _collect(objs, out, "ours")
        if why and key not in out["ours"]:
            out["ours"][key] = {"error": f"not answered: {why}"}
    every = [*asked, "every"] if args.every else asked
    objs, why = run_lines(base + ["--engine", "rdflib", *(x for k in every for x in ("--only", k))], args.timeout,
                          work / f"query-{n}-rdflib.log")
    _collect(objs, out, "rdflib")
    if why:
        out["notes"].append(f"rdflib run {why}; questions it had not answered by then are not measured")
    return out


def _collect(objs: list[dict], out: dict, engine: str) -> None:
    for o in objs:
        if "note" in o and o["note"] not in out["notes"]:
            out["notes"].append(o["note"])
        elif "result" in o:
            out[engine][o["key"]] = o["result"]
            out["labels"][o["key"]] = o["label"]
        elif "skipped" in o:
            out[engine][o["key"]] = {"error": o["skipped"]}
        elif "export" in o or "load" in o:
            out.update(o)


# ---------------------------------------------------------------- printing

def stages(r: dict) -> str:
    s = r["stages"]
    parse = f"parse {s['parse']:.1f}" + (f" (workers' CPU {r['worker_cpu']:.1f})" if r.get("workers") else "")
    return (f"hash {s['hash']:.1f}, {parse}, store {s['store']:.1f}, link {s['link']:.1f}, "
            f"flush {s['flush']:.1f}, other {s['other']:.1f}")


def overhead(r: dict) -> str:
    """Store + link (+ flush) against parse, in CPU seconds (the workers' own with jobs > 1): the
    writer's share of the work, whatever else the machine runs."""
    c = r.get("cpu") or {}
    parse = r["worker_cpu"] if r.get("workers") else c.get("parse", 0)
    writer = c.get("store", 0) + c.get("link", 0) + c.get("flush", 0)
    n = max(r.get("documents", 0), 1)
    every = parse + sum(c.values()) - (0 if r.get("workers") else c.get("parse", 0))
    busy = (r.get("writer_cpu", 0) + r.get("worker_cpu", 0)) / r["seconds"] if r.get("seconds") else 0
    return (f"CPU s: parse {parse:.1f}, store {c.get('store', 0):.1f}, link {c.get('link', 0):.1f}, "
            f"flush {c.get('flush', 0):.1f}: store + link + flush = {writer / parse:.0%} of parse; "
            f"per document {every / n * 1000:.0f} ms (parse {parse / n * 1000:.0f}, store {c.get('store', 0) / n * 1000:.0f}, "
            f"link {c.get('link', 0) / n * 1000:.0f}); cores busy {busy:.2f} "
            f"(the processes' CPU seconds over the run's)") if parse else "?"


def load(r: dict) -> str:
    """The machine's 1-minute load average when the run started and ended (other work slows it down)."""
    return f"{r['load'][0]:.1f} → {r['load'][1]:.1f}" if r.get("load") else "?"


def memory(r: dict) -> str:
    """Peaks: the writer's and a worker's RSS; the whole tree's at one time, as the sum of its processes' RSS
    (the libraries each maps counted in each), then as the sum of their PSS (shared pages counted once: the
    memory the tree takes), and each process's RSS at the RSS peak, the writer first."""
    workers = f", each worker ≤ {r['rss_worker_mib']:.0f}" if r.get("workers") else ""
    tree = f"whole tree at once ≤ {r['rss_tree_mib']:.0f} MiB RSS"
    if r.get("pss_tree_mib"):
        tree += f", {r['pss_tree_mib']:.0f} MiB PSS; at the RSS peak {' + '.join(map(str, r['rss_at_tree_peak_mib']))}"
    return f"writer {r['rss_writer_mib']:.0f}{workers}, {tree}"


def print_ingest(jobs: int, n: int, final: dict | None, progress: dict | None, why: str | None, missing: list[str]):
    if final:
        rate = final["documents"] / final["seconds"]
        print(f"  jobs {jobs}: {final['documents']:,} documents in {final['seconds']:.0f} s = {rate:.2f} documents/s "
              f"({final['incomplete']} incomplete, {final['failed_count']} failed; machine load {load(final)})")
        print(f"    stages (s): {stages(final)}")
        print(f"    {overhead(final)}")
        print(f"    peak RSS: {memory(final)}")
        print(f"    store: {final['store_bytes'] / MIB:,.0f} MiB on disk, of which write-ahead log {final['wal_bytes'] / MIB:,.0f} MiB; "
              f"{final['quads']:,} quads ({final['triples']:,} triples mapped)")
        return
    print(f"  jobs {jobs}: NOT FINISHED — {why}")
    missing.append(f"ingest of {n:,} documents at jobs {jobs}: {why}")
    if progress:
        done, secs = progress["documents_done"], progress["seconds"]
        print(f"    got through {done:,} of {n:,} documents in {secs:.0f} s ({done / secs:.2f} documents/s so far; "
              f"machine load {load(progress)})")
        print(f"    peak RSS so far: {memory(progress)}")


def print_queries(res: dict, q: dict, missing: list[str], n: int):
    if q.get("policy"):
        print(f"  questions: the most cited policy {q['policy']} ({q['policy_projects']:,} projects); "
              f"chain through {q['chain'] or '—'}; indicators of {q['project'][1] if q['project'] else '—'}"
              + (f"; the policy cited by the nearest to 1,000 projects {q['policy_1k']} ({q['policy_1k_projects']:,})"
                 if q.get("policy_1k") else ""))
    if "load" in res:
        e, lo = res["export"], res["load"]
        print(f"  rdflib: export {e['quads']:,} quads as N-Quads in {e['seconds']:.0f} s ({e['bytes'] / MIB:,.0f} MiB); "
              f"Dataset load {lo['seconds']:.0f} s, +{lo['rss_growth_mib']:,.0f} MiB RSS")
    print(f"  {'question':52}{'ours p50 / p95 ms (CPU)':>30}{'rdflib p50 ms (CPU)':>24}{'rdflib ÷ ours':>14}  rows [runs]")
    for key in [*(k for k in QUESTIONS if k in res["ours"] or k in res["rdflib"]),
                *sorted(k for k in res["ours"] if k.startswith("rq:"))]:
        o, r = res["ours"].get(key), res["rdflib"].get(key)
        name = res["labels"].get(key, key)
        for engine, x in (("ours", o), ("rdflib", r)):
            if x and "error" in x:
                missing.append(f"{n:,} documents, {name} on {engine}: {x['error']}")
        late = bool(o and "time limit" in o.get("error", ""))
        r_late = r.get("late") if r else None
        o = None if not o or "error" in o else o
        r = None if not r or "error" in r else r
        ours = (f"{o['p50']:,.1f} / {o['p95']:,.1f} ({o.get('cpu50', o['p50']):,.1f})" if o else
                f"> {res['query_timeout'] * 1000:,.0f}" if late else "—")
        theirs = f"{r['p50']:,.1f} ({r.get('cpu50', r['p50']):,.1f})" if r else f"> {r_late:,.0f}" if r_late else "—"
        # the speed-up on CPU time (what each costs, whatever else runs); "> x": rdflib was stopped
        mine = o.get("cpu50", o["p50"]) if o else None
        ratio = (f"{r.get('cpu50', r['p50']) / mine:,.1f}×" if o and r and mine else
                 f"> {r_late / mine:,.0f}×" if mine and r_late else "—")
        rows = (f"{o['rows']}" if o else "") + (f" (rdflib {r['rows']})" if r and (not o or r["rows"] != o["rows"]) else "")
        runs = f" [{o['runs'] if o else 0}{'' if not o or o['warm'] else ' cold'}" + (f"; {r['runs']}" if r else "") + "]"
        print(f"  {name:52}{ours:>30}{theirs:>24}{ratio:>14}  {rows}{runs}")
    for note in res.get("notes", []):
        missing.append(f"{n:,} documents: {note}")


# ---------------------------------------------------------------- the run

def pdf_rate(folder: Path, count: int, jobs: list[int], work: Path, timeout: float, missing: list[str]) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        from pdfgen import render_lines
    except ImportError as e:  # reportlab is a test dependency
        missing.append(f"PDF rate: cannot render ({e})")
        return
    out = work / "pdf"
    out.mkdir()
    pages = 0
    for src in sorted(folder.glob("*.txt"))[:count]:
        pages += render_lines(src.read_text("utf-8").splitlines(), out / (src.stem + ".pdf"), title=src.stem)
    print(f"\n== PDF: the first {count} generated documents rendered by tests/pdfgen.py: {pages} pages ==")
    for j in jobs:
        store = work / f"pdf-store-{j}"
        final, progress, why, _ = ingest(store, j, [out], timeout, work / f"pdf-{j}.log")
        if final:
            print(f"  jobs {j}: {final['seconds']:.1f} s = {pages / final['seconds']:.1f} pages/s, "
                  f"{final['documents'] / final['seconds']:.2f} documents/s ({final['incomplete']} incomplete, "
                  f"{final['failed_count']} failed); stages (s): {stages(final)}")
        else:
            print(f"  jobs {j}: NOT FINISHED — {why}")
            missing.append(f"PDF ingest at jobs {j}: {why}")
        shutil.rmtree(store, ignore_errors=True)


def one_size(n: int, args, work: Path, missing: list[str]) -> None:
    folder = work / f"corpus-{n}"
    c = make_corpus(n, folder, args.seed)
    k = c["counts"]
    print(f"\n== {n:,} documents: {c['units']:,} units (years per unit {c['years_per_unit']}), {k['projects']:,} projects, "
          f"{k['kpi']:,} KPI tables, {k['indicators']:,} indicators, {k['basis']:,} 立项依据 citations "
          f"({k['basis_docno']:,} numbered), {k['mentions']:,} mentions; generated in {c['seconds']:.0f} s, "
          f"{c['bytes'] / MIB:,.0f} MiB ==")
    top = "; ".join(f"{d} {p} projects / {u} units" for d, p, u in c["top"])
    print(f"  policies cited in 立项依据: {c['policies']:,}; most cited: {top}; cited by ≥100 projects: {c['cited_100']}; "
          f"by one: {c['cited_once']:,}; most units citing one policy: {c['max_units']:,}")
    if args.pdf and not args.pdf_done:
        pdf_rate(folder, args.pdf, args.jobs, work, args.timeout, missing)
        args.pdf_done = True
        print(f"\n== {n:,} documents (continued) ==")
    last = partial = None
    for j in args.jobs:
        store = work / f"store-{n}-{j}"
        final, progress, why, curve = ingest(store, j, [folder], args.timeout, work / f"ingest-{n}-{j}.log")
        print_ingest(j, n, final, progress, why, missing)
        print_curve(curve)
        if final:
            if last:
                shutil.rmtree(last[0], ignore_errors=True)
            last = (store, j)
        elif args.keep and progress and last is None:  # stopped: with --keep, its questions are asked of what it stored
            if partial:
                shutil.rmtree(partial[0], ignore_errors=True)
            partial = (store, j, progress["documents_done"])
        else:
            shutil.rmtree(store, ignore_errors=True)
    if last is None and partial is None:
        missing.append(f"{n:,} documents: queries and re-ingest (no ingest finished)")
        return
    qfile = work / f"questions-{n}.json"
    qfile.write_text(json.dumps(c["questions"], ensure_ascii=False), "utf-8")
    if last is None:
        store, j, done = partial
        print(f"  the questions below are asked of the {done:,} documents the stopped ingest stored (--keep)")
        print_queries(ask(store, qfile, args, work, n), c["questions"], missing, n)
        missing.append(f"{n:,} documents: re-ingest (no ingest finished)")
        return
    store, j = last
    print_queries(ask(store, qfile, args, work, n), c["questions"], missing, n)
    before = disk(store)
    final, progress, why, _ = ingest(store, j, [folder], args.timeout, work / f"reingest-{n}-{j}.log")
    if final:
        after = disk(store)
        print(f"  re-ingest unchanged (jobs {j}): {final['seconds']:.0f} s = {final['documents'] / final['seconds']:.2f} documents/s "
              f"(machine load {load(final)}); "
              f"store {before[0] / MIB:,.0f} → {after[0] / MIB:,.0f} MiB ({(after[0] - before[0]) / MIB:+,.0f} MiB; "
              f"write-ahead log {before[1] / MIB:,.0f} → {after[1] / MIB:,.0f} MiB), {final['quads']:,} quads")
        print(f"    stages (s): {stages(final)}")
    else:
        print(f"  re-ingest: NOT FINISHED — {why}")
        missing.append(f"re-ingest of {n:,} documents: {why}")
    if not args.keep:
        shutil.rmtree(store, ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100,1000,10000", help="corpus sizes, comma-separated; leave out what the machine cannot do")
    ap.add_argument("--jobs", default="1,2", help="ingest processes to measure, comma-separated")
    ap.add_argument("--pdf", type=int, default=0, help="render this many documents to PDF and ingest them too")
    ap.add_argument("--timeout", type=float, default=2400, help="stop an ingest (or rdflib's questions) after this many seconds")
    ap.add_argument("--repeat", type=int, default=20, help="runs of each question")
    ap.add_argument("--budget", type=float, default=120, help="seconds a question may take over its runs")
    ap.add_argument("--query-timeout", type=float, default=600, help="stop one of our questions after this many seconds")
    ap.add_argument("--rdflib-max", type=int, default=6_000_000, help="skip rdflib above this many quads")
    ap.add_argument("--every", action="store_true", help="also ask every query of queries/ unbound, on both engines")
    ap.add_argument("--every-limit", type=float, default=120, help="stop one of queries/ on rdflib after this many seconds")
    ap.add_argument("--every-repeat", type=int, default=3, help="runs of each query of queries/")
    ap.add_argument("--rq", action="append", default=[], help="with --every: only the queries of queries/ whose path starts with this")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workdir", type=Path, default=None, help="where corpora and stores go (default: a temporary folder)")
    ap.add_argument("--keep", action="store_true", help="keep corpora and stores")
    ap.add_argument("--ask", type=Path, nargs=2, metavar=("STORE", "QUESTIONS"),
                    help="only ask the questions of a store kept by --keep (its questions-N.json beside it)")
    args = ap.parse_args()
    args.sizes = [int(s) for s in args.sizes.split(",") if s]
    args.jobs = [int(j) for j in args.jobs.split(",") if j]
    args.pdf_done = False
    work = Path(tempfile.mkdtemp(prefix="kg-scale-", dir=args.workdir))
    print("bench/scale.py: " + ("" if args.ask else f"sizes {args.sizes}, jobs {args.jobs}, ") +
          f"{os.cpu_count()} cores, seed {args.seed}, time limit {args.timeout:.0f} s an ingest; work in {work}")
    missing: list[str] = []
    if args.ask:
        store, qfile = args.ask
        q = json.loads(qfile.read_text("utf-8"))
        n = int(qfile.stem.rpartition("-")[2]) if qfile.stem.rpartition("-")[2].isdigit() else 0
        print(f"\n== the kept store {store} ({n:,} documents) ==")
        try:
            print_queries(ask(store, qfile, args, work, n), q, missing, n)
        finally:
            print("\nnot measured:" if missing else "\nnot measured: nothing")
            for m in missing:
                print(f"  - {m}")
            shutil.rmtree(work, ignore_errors=True)
        return
    try:
        for n in args.sizes:
            one_size(n, args, work, missing)
    finally:
        print("\nnot measured:" if missing else "\nnot measured: nothing")
        for m in missing:
            print(f"  - {m}")
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept: {work}")


if __name__ == "__main__":
    main()
