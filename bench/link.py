"""Benchmark: the link stage on a province's documents — the time to link k new documents into stores
of N documents, and the whole computation, for N = 50, 200, 1000.

    python bench/link.py [--sizes 50 200 1000] [-k 10] [--union] [--jobs 2] [--check]

The documents are generated in a temporary directory (nothing is kept) from the samples of data/sample
and the seeds 000, 003 and 004 of $KG_SHARED/seeds (else ../shared/seeds), as a province publishes
them: each template's unit in 23 cities (the city renamed, but not in the titles it cites: a
province's documents cite the same policies), each for ten years, 2016–2025 (the years renamed). From
one year to the next a project may be renamed slightly (…二期), a cited title misspelt (one document
in twenty), and a fifth of the units renamed on their cover from 2021 on (their tables keep the old
name: one unit under two names, owl:sameAs). A store of N documents holds the ten years of N/10
units, so a unit's block is the same size at every N; the k documents added are the 2026 editions of
k of them (and 2027's when there are fewer than k units), linked one at a time and then as one batch,
and removed one at a time (each a run of ``link_store(store, {document})``).

``--union`` runs the link queries with the store's default graph as the union of its graphs (what
Store.query is moving to) instead of the explicit list of graphs it passes today, whose cost grows
with the number of graphs. ``--check`` compares every update with the whole computation.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg import iri  # noqa: E402
from kg import store as kg_store  # noqa: E402
from kg.link import link_store  # noqa: E402
from kg.pipeline import load_reference_data, parse_file  # noqa: E402
from kg.store import Store  # noqa: E402
from kg.vocab import PREFIXES  # noqa: E402

CITIES = (
    "太原市 阳泉市 长治市 晋城市 朔州市 晋中市 运城市 忻州市 临汾市 吕梁市 大同市 石家庄市 唐山市 秦皇岛市 "
    "邯郸市 邢台市 保定市 张家口市 承德市 沧州市 廊坊市 衡水市 示范市"
).split()
YEARS = range(2016, 2026)
SLIPS = "幵埋己末汩戍"  # characters OCR and typists put for others


def templates(shared: Path) -> list[tuple[Path, str, int]]:
    """(file, the city its unit is of, its year)."""
    return [
        (ROOT / "data/sample/demo-002_示范市政务服务中心_2024.txt", "示范市", 2024),
        (ROOT / "data/sample/demo-001_示范市数据服务中心_2025.txt", "示范市", 2025),
        (shared / "seeds/000_4af2b7ab3d3465e5.txt", "大同市", 2025),
        (shared / "seeds/003_fd85d143325c44d6.txt", "大同市", 2024),
        (shared / "seeds/004_cd62cd4bc4d9599a.txt", "大同市", 2023),
    ]


def _edition(text: str, city: str, home: str, year0: int, year: int, unit: int, renamed: bool) -> str:
    """One unit's document for ``year``."""
    # the city renamed, but not in the titles it cites (a province's documents cite the same policies)
    text = re.sub(rf"《[^》]*》|{home}", lambda m: city if m.group(0) == home else m.group(0), text)
    text = re.sub(rf"{year0}(?=年|预算)", "@", text)
    text = re.sub(rf"{year0 - 1}(?=年)", str(year - 1), text)
    text = text.replace("@", str(year))
    h = hash((unit, year)) & 0xFFFF
    projects = re.findall(r"\n(Z[\u4e00-\u9fff]{4,14}费)\t", text)
    if projects and year >= 2018:  # a project renamed slightly from 2018 on
        name = projects[unit % len(projects)]
        text = text.replace(name, name[:-1] + "二期" + name[-1])
    titles = re.findall(r"《([\u4e00-\u9fff]{6,30})》", text)
    if titles and h % 20 == 0:  # a title misspelt
        t = titles[h % len(titles)]
        i = 2 + h % (len(t) - 3)
        text = text.replace(f"《{t}》", f"《{t[:i]}{SLIPS[h % len(SLIPS)]}{t[i + 1:]}》", 1)
    if renamed and year >= 2021:  # the cover names the unit anew; the tables keep its old name
        m = re.search(rf"{city}[\u4e00-\u9fff]{{2,12}}(?:中心|办公室)", text)
        if m:
            text = text.replace(m.group(0), m.group(0)[:-2] + "管理" + m.group(0)[-2:], 1)
    return text


def generate(folder: Path, shared: Path, units: int, years) -> dict[tuple[int, int], Path]:
    """(unit, year) → file, for the first ``units`` units."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = [(p.read_text("utf-8"), home, y0) for p, home, y0 in templates(shared)]
    out = {}
    for u in range(units):
        city, (text, home, y0) = CITIES[u // len(texts) % len(CITIES)], texts[u % len(texts)]
        for year in years:
            path = folder / f"u{u:03d}_{year}.txt"
            path.write_text(_edition(text, city, home, y0, year, u, renamed=u % 5 == 3), "utf-8")
            out[(u, year)] = path
    return out


def parse_all(paths: list[Path], jobs: int) -> dict[Path, object]:
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        parsed = dict(zip(paths, pool.map(parse_file, paths, chunksize=8)))
    bad = [(p.name, r.reason) for p, r in parsed.items() if r.mapped is None]
    if bad:
        raise SystemExit(f"generated documents that do not parse: {bad[:3]}")
    return {p: r.mapped for p, r in parsed.items()}


def union_queries() -> None:
    """Store.query with the default graph as the union of all graphs (the store's coming dataset)."""

    def query(self, sparql, substitutions=None, timeout=None, exclude=()):
        return self._s.query(sparql, prefixes=PREFIXES, use_default_graph_as_union=True)

    Store.query = query


def links(store: Store) -> set:
    rows = store.select(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{iri.LINKS}> {{ ?s ?p ?o }} }}")
    return {(r["s"], r["p"], str(r["o"])) for r in rows}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[50, 200, 1000])
    ap.add_argument("-k", type=int, default=10)
    ap.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    ap.add_argument("--union", action="store_true")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    shared = Path(os.environ.get("KG_SHARED", ROOT.parent / "shared"))
    if args.union:
        union_queries()
    units = max(args.sizes) // len(YEARS)
    timed: list[float] = []  # the link runs of Store.remove_document

    def timing(store, changed=None):
        t = time.perf_counter()
        out = link_store(store, changed)
        timed.append(time.perf_counter() - t)
        return out

    kg_store.DERIVED[:] = [timing]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = generate(folder / "docs", shared, units, YEARS)
        added = generate(folder / "new", shared, units, [2026, 2027])
        t = time.perf_counter()
        mapped = parse_all(sorted(files.values()) + sorted(added.values()), args.jobs)
        print(f"{len(mapped)} documents generated and parsed in {time.perf_counter() - t:.0f} s "
              f"({'union default graph' if args.union else 'Store.query as it is: explicit graph lists'})")
        store = Store(folder / "store")
        load_reference_data(store)
        print(f"{'N':>5} {'full':>8} {'links':>7} | k={args.k}: {'one by one':>10} {'batch':>8} {'removal':>8}"
              "  (ms per document)")
        have = 0
        for n in sorted(args.sizes):
            for u in range(have // len(YEARS), n // len(YEARS)):
                for y in YEARS:
                    m = mapped[files[(u, y)]]
                    store.replace_document(m.graphs(), iri.contrib_graph(m.file))
            have = n
            store.rebuild_entities()
            t = time.perf_counter()
            report = link_store(store)
            full = time.perf_counter() - t
            # the new documents: the 2026 editions of units spread over the store (then 2027's)
            units_in = n // len(YEARS)
            step = units_in // min(args.k, units_in)
            new = [mapped[added[(i % units_in * step, 2026 + i // units_in)]] for i in range(args.k)]
            one = []
            for m in new:
                store.replace_document(m.graphs(), iri.contrib_graph(m.file))
                store.rebuild_entities()
                t = time.perf_counter()
                link_store(store, {str(m.doc)})
                one.append(time.perf_counter() - t)
                if args.check:
                    assert links(store) == (link_store(store), links(store))[1]
            timed.clear()
            for m in new:
                store.remove_document(m.file)
            removal = list(timed)
            for m in new:
                store.replace_document(m.graphs(), iri.contrib_graph(m.file))
            store.rebuild_entities()
            t = time.perf_counter()
            link_store(store, {str(m.doc) for m in new})
            batch = (time.perf_counter() - t) / len(new)
            if args.check:
                assert links(store) == (link_store(store), links(store))[1]
            for m in new:
                store.remove_document(m.file)
            print(f"{n:>5} {full:>7.2f}s {report.triples:>7} | {statistics.median(one) * 1000:>17.0f} "
                  f"{batch * 1000:>8.0f} {statistics.median(removal) * 1000:>8.0f}")


if __name__ == "__main__":
    main()
