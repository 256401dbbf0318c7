"""`kg ingest --nquads DIR`: N-Quads files, one per document and one per shared graph, that an engine's own bulk
loader (`oxigraph load`, run here for real) turns into exactly the store's dataset."""

from __future__ import annotations

import re
import shutil
import subprocess

import pyoxigraph as ox
from click.testing import CliRunner
from conftest import SEED_FILES, needs_seeds, seed_path
from oxiserver import binary, same_quads, store_quads

from kg.cli import main
from kg.export.bulk import graph_nquads
from kg.pipeline import load_reference_data
from kg.store import Store

pytestmark = needs_seeds
SHARED = ["graph-codelists.nq", "graph-entities.nq", "graph-issuers.nq", "graph-laws.nq", "graph-links.nq",
          "graph-ontology.nq"]


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)))


def load(files, location):
    """`oxigraph load` of the files into a new store at ``location``; its quads."""
    r = subprocess.run([binary(), "load", "--location", str(location), "--file", *map(str, files)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return ox.Dataset(ox.Store.read_only(str(location)))


def triples(path) -> set:
    return {(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS)}


def summary(result) -> tuple[int, int, int]:
    """(files, written, unchanged) from the second line of the output."""
    m = re.search(r"^(\d+) N-Quads files \((\d+) written, (\d+) unchanged(?:, \d+ removed)?\): [\d,]+ quads, "
                  r"[\d,]+ bytes → \S+$", result.stdout, re.M)
    assert m, result.output
    return int(m[1]), int(m[2]), int(m[3])


def test_the_files_loaded_together_are_the_store(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for key in ("000", "001", "004"):  # 000 and 004: units and policies of the same city, shared entities
        shutil.copy(seed_path(key), docs)
    store, out = tmp_path / "store", tmp_path / "nq"
    r = run("ingest", "--store", store, "--nquads", out, docs)
    assert r.exit_code == 0, r.output
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([SEED_FILES[k] + ".nq" for k in ("000", "001", "004")] + SHARED)
    assert summary(r) == (9, 9, 0)
    same_quads(load(sorted(out.iterdir()), tmp_path / "loaded"), store_quads(store))

    # the entities graph is written whole, once, each triple once: no document's file states any of it
    with Store(store, read_only=True) as s:
        entities = graph_nquads(s, "https://w3id.org/budget-kg/id/graph/entities")
    assert entities and (out / "graph-entities.nq").read_bytes() == entities
    shared = triples(out / "graph-entities.nq")
    assert len(shared) == entities.count(b"\n") > 500
    for key in ("000", "001", "004"):
        assert not shared & triples(out / (SEED_FILES[key] + ".nq"))

    # a rerun rewrites nothing; a new document adds its file, and rewrites only the shared graphs it changes
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    assert summary(run("ingest", "--store", store, "--nquads", out, docs)) == (9, 0, 9)
    shutil.copy(seed_path("003"), docs)
    r = run("ingest", "--store", store, "--nquads", out, docs)
    files, written, unchanged = summary(r)
    changed = {p.name for p in out.iterdir() if before.get(p.name) != p.stat().st_mtime_ns}
    assert files == 10 and written == len(changed) and SEED_FILES["003"] + ".nq" in changed
    assert not changed & {SEED_FILES[k] + ".nq" for k in ("000", "001", "004")}
    same_quads(load(sorted(out.iterdir()), tmp_path / "loaded-again"), store_quads(store))

    # a document removed from the store: its file goes at the next run
    with Store(store) as s:
        s.remove_document(SEED_FILES["001"])
    (docs / SEED_FILES["001"]).unlink()
    r = run("ingest", "--store", store, "--nquads", out, docs)
    assert ", 1 removed)" in r.stdout and not (out / (SEED_FILES["001"] + ".nq")).exists()
    same_quads(load(sorted(out.iterdir()), tmp_path / "loaded-third"), store_quads(store))


def test_a_graph_is_the_same_bytes_however_it_was_stored(tmp_path):
    """Canonical content: reloading the ontology (new blank nodes) gives the same bytes, so nothing is resent."""
    with Store(tmp_path / "s") as s:
        load_reference_data(s)
        first = graph_nquads(s, "https://w3id.org/budget-kg/id/graph/ontology")
        load_reference_data(s)
        assert graph_nquads(s, "https://w3id.org/budget-kg/id/graph/ontology") == first
        assert b"_:c14n0 " in first
