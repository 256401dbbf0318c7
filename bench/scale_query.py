"""Query latencies for ``bench/scale.py``, in a process of its own: our store against rdflib (wall
clock, and the CPU time of the asking thread, the fair comparison on a loaded machine).

    python bench/scale_query.py STORE QUESTIONS.json [--engine ours|rdflib] [--only KEY]... [--repeat N]
                                [--budget SECONDS] [--rdflib-max QUADS] [--only every [--rq PATH]...]

QUESTIONS.json names what to ask: ``{"policy": "范政发〔2010〕1号", "chain": "范政发〔2010〕1号",
"project": ["gen-00000_….txt", "Z…费"]}``. Five questions, each run ``--repeat`` times after one
warm-up run (fewer when a question's runs pass ``--budget`` seconds), p50 and p95 in ms:

- ``kg trace POLICY`` in-process (:func:`kg.trace.trace`: trace-policy.rq, the indicators of every
  project found, the chain, the policy's titles and issuer), and trace-policy.rq alone (on rdflib the
  whole trace fails: rdflib cannot GROUP_CONCAT a variable an OPTIONAL leaves unbound, RDFLib/rdflib#882);
- ``queries/spending-per-issuer.rq``;
- ``queries/policy-citation-chains.rq`` with ``?policy`` bound to CHAIN;
- ``queries/project-indicators.rq`` with ``?project`` bound to that project.

Then the same on rdflib: the store exported as N-Quads (:func:`kg.export.formats.export`, what
``kg export --format nq`` writes), loaded into an in-memory ``rdflib.Dataset(default_union=True)`` (our
store's default graph is the union of its graphs too), parameters bound as ``initBindings`` where we
bind ``substitutions``, the trace run by the same :func:`kg.trace.trace` over an adapter. Skipped above
``--rdflib-max`` quads (rdflib holds ~2 KiB a quad in memory: +920 MiB for 481k quads), saying so. Prints one JSON line per
question as it is answered (``bench/scale.py`` runs each of ours in a process of its own, so that a
question that runs past its time limit can be stopped without losing the others).
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import signal
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rdflib import Literal, URIRef  # noqa: E402

from kg import iri  # noqa: E402
from kg.export.formats import export  # noqa: E402
from kg.store import Store, bind  # noqa: E402
from kg.trace import trace  # noqa: E402
from kg.vocab import PREFIXES  # noqa: E402

QUERIES = ROOT / "queries"  # the source tree's: this benchmark runs from a checkout
FIND_PROJECT = """SELECT ?p ?name ?file WHERE {
  ?p a bk:Project ; rdfs:label ?name ; prov:wasDerivedFrom ?d . ?d bk:sourceFile ?file }"""


class RdflibStore:
    """What :func:`kg.trace.trace` needs of a store (``select``), over an rdflib Dataset."""

    def __init__(self, ds):
        self.ds = ds

    def select(self, sparql: str, **subs) -> list[dict[str, object]]:
        lists = {k: v for k, v in subs.items() if isinstance(v, (list, tuple))}
        if lists:  # several values: the inlined VALUES our store gets (initBindings takes one)
            sparql = bind(sparql, lists)
            subs = {k: v for k, v in subs.items() if k not in lists}
        res = self.ds.query(sparql, initNs=PREFIXES, initBindings=subs)
        names = [str(v) for v in res.vars]
        return [{n: _py(row[i]) for i, n in enumerate(names)} for row in res]


def _py(term) -> object:
    """An rdflib term as :func:`kg.store.py` gives an Oxigraph one."""
    if term is None:
        return None
    if isinstance(term, Literal):
        dt = str(term.datatype or "")
        if dt.endswith(("#integer", "#int")):
            return int(term)
        if dt.endswith("#decimal"):
            return Decimal(str(term))
        if dt.endswith("#boolean"):
            return str(term) == "true"
        return str(term)
    return str(term)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    s = sorted(values)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


def measure(run, repeat: int, budget: float, limit: float = 0) -> dict:
    """Run once to warm up, then up to ``repeat`` times within ``budget`` seconds; ms. A first run
    longer than ``limit`` seconds (0: none; Python code only: the alarm waits for a call into
    Oxigraph to return) is stopped and reported as such."""
    t0, c0 = time.perf_counter(), time.thread_time()
    if limit:
        signal.signal(signal.SIGALRM, _late)
        signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        rows = run()
    except Late:
        return {"error": f"stopped at the time limit ({limit:.0f} s)", "late": limit * 1000}
    except Exception as e:  # an engine that cannot answer: say so, measure the rest
        return {"error": f"{type(e).__name__}: {e}"[:300]}
    finally:
        if limit:
            signal.setitimer(signal.ITIMER_REAL, 0)
    first, first_cpu = time.perf_counter() - t0, time.thread_time() - c0
    times, cpu = [], []
    spent = first
    while len(times) < repeat and spent < budget:
        t0, c0 = time.perf_counter(), time.thread_time()
        rows = run()
        times.append(time.perf_counter() - t0)
        cpu.append(time.thread_time() - c0)
        spent += times[-1]
    warm = bool(times)
    times, cpu = (times, cpu) if times else ([first], [first_cpu])  # the warm-up alone passed the budget
    # CPU time of this thread (both engines answer in the calling thread): what a question costs,
    # whatever else the machine runs; the wall-clock p50/p95 are what a user waited
    return {"p50": percentile(times, 50) * 1000, "p95": percentile(times, 95) * 1000, "cpu50": percentile(cpu, 50) * 1000,
            "runs": len(times), "warm": warm, "rows": rows}


#: the questions, cheapest first (a run stopped at its time limit loses only the ones after it)
KEYS = ("indicators", "issuer", "chains", "trace-policy", "trace", "trace-1k")
#: every query of queries/, unbound (the whole store's answer), asked with ``--only every``
EVERY = tuple(sorted(str(p.relative_to(QUERIES)) for p in QUERIES.rglob("*.rq")))


class Late(Exception):
    pass


def _late(signum, frame):
    raise Late()


def questions(store, q: dict) -> dict[str, tuple[str, object]]:
    """key → (label, a function that asks it of ``store`` — ours or the adapter — and returns its rows' count)."""
    names = ("trace-policy", "spending-per-issuer", "policy-citation-chains", "project-indicators")
    text = {n: (QUERIES / f"{n}.rq").read_text("utf-8") for n in names}
    out = {}
    if q.get("project_iri"):
        project = URIRef(q["project_iri"])
        out["indicators"] = (f"project-indicators.rq ({q['project'][1]})",
                             lambda: len(store.select(text["project-indicators"], project=project)))
    out["issuer"] = ("spending-per-issuer.rq", lambda: len(store.select(text["spending-per-issuer"])))
    if q.get("chain"):
        chain = URIRef(iri.policy(q["chain"]))
        out["chains"] = (f"policy-citation-chains.rq ({q['chain']})",
                         lambda: len(store.select(text["policy-citation-chains"], policy=chain)))
    if q.get("policy"):
        top = URIRef(iri.policy(q["policy"]))
        out["trace-policy"] = (f"trace-policy.rq ({q['policy']})", lambda: len(store.select(text["trace-policy"], policy=top)))
        out["trace"] = (f"kg trace {q['policy']}", lambda: sum(len(p.citations) for p in trace(store, q["policy"]).policies))
    if q.get("policy_1k"):  # the policy cited by the nearest to 1,000 projects, when that is not the most cited
        out["trace-1k"] = (f"kg trace {q['policy_1k']}",
                           lambda: sum(len(p.citations) for p in trace(store, q["policy_1k"]).policies))
    return out


def emit(**obj) -> None:
    print(json.dumps(obj, ensure_ascii=False), flush=True)


def ask(store, q: dict, keys: list[str], args) -> None:
    asked = questions(store, q)
    if "every" in keys:
        chosen = [name for name in EVERY if not args.rq or any(name.startswith(r) for r in args.rq)]
        keys = [k for k in keys if k != "every"] + [f"rq:{name}" for name in chosen]
        for name in chosen:
            text = (QUERIES / name).read_text("utf-8")
            asked[f"rq:{name}"] = (name, lambda text=text: len(store.select(text)))
    for key in keys:
        if key not in asked:
            emit(key=key, skipped="nothing to ask it of (see the notes)")
            continue
        label, run = asked[key]
        every = key.startswith("rq:")
        emit(key=key, label=label, result=measure(run, args.every_repeat if every else args.repeat, args.budget,
                                                  args.every_limit if every else 0))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("store", type=Path)
    ap.add_argument("questions", type=Path)
    ap.add_argument("--engine", choices=("ours", "rdflib"), default="ours")
    ap.add_argument("--only", action="append", choices=KEYS + ("every",),
                    help="ask only this question (repeatable); 'every': each query of queries/ unbound")
    ap.add_argument("--rq", action="append", default=[],
                    help="with --only every: only the queries of queries/ whose path starts with this (repeatable)")
    ap.add_argument("--every-repeat", type=int, default=3, help="runs of each query of queries/")
    ap.add_argument("--every-limit", type=float, default=120, help="stop one of queries/ on rdflib after this many seconds")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--budget", type=float, default=120.0)
    ap.add_argument("--rdflib-max", type=int, default=6_000_000)
    args = ap.parse_args()
    keys = args.only or list(KEYS)
    q = json.loads(args.questions.read_text("utf-8"))
    store = Store(args.store, read_only=True)
    if q.get("project"):  # its IRI, looked up once (not timed)
        file, name = q["project"]
        found = store.select(FIND_PROJECT, name=Literal(name), file=Literal(file))
        q["project_iri"] = found[0]["p"] if found else None
        if not found:
            emit(note=f"project {name} of {file} not found in the store: project-indicators not asked")
    if args.engine == "ours":
        ask(store, q, keys, args)
        return
    quads = len(store)
    if quads > args.rdflib_max:
        emit(note=f"rdflib not measured: {quads:,} quads in the store, above --rdflib-max {args.rdflib_max:,} "
                  f"(rdflib's in-memory Dataset takes about 2 KiB a quad)")
        return
    from rdflib import Dataset

    with tempfile.TemporaryDirectory() as tmp:
        nq = Path(tmp) / "store.nq"
        t0 = time.perf_counter()
        with nq.open("wb") as f:
            exported = export(store, f, "nq")
        emit(export={"seconds": time.perf_counter() - t0, "quads": exported.statements, "bytes": nq.stat().st_size})
        store.close()
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t0 = time.perf_counter()
        ds = Dataset(default_union=True)
        ds.parse(nq, format="nquads")
        emit(load={"seconds": time.perf_counter() - t0,
                   "rss_growth_mib": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024})
    ask(RdflibStore(ds), q, keys, args)


if __name__ == "__main__":
    main()
