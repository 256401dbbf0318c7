"""The store at scale (issue 14): the ledger keeps the entities graph a document at a time, is the manifest
a rerun skips by, and finds an ingest a crash cut short; stores of the old layout are migrated."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import ROOT, SAMPLE

from kg import iri
from kg.map import map_extraction
from kg.pipeline import extract_file, ingest
from kg.store import Store

S1 = SAMPLE / "demo-001_示范市数据服务中心_2025.txt"
S2 = SAMPLE / "demo-002_示范市政务服务中心_2024.txt"


def entities(store: Store) -> set[tuple[str, str, str]]:
    g = ox.NamedNode(str(iri.ENTITIES))
    return {(str(q.subject), str(q.predicate), str(q.object)) for q in store._s.quads_for_pattern(None, None, None, g)}


def quads(store: Store) -> set[tuple[str, str, str, str]]:
    """Every quad but those with a blank node (the ontology's lists get new blank nodes at each load)."""
    return {
        (str(q.subject), str(q.predicate), str(q.object), str(q.graph_name))
        for q in store._s.quads_for_pattern(None, None, None, None)
        if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)
    }


def copies(folder: Path, n: int) -> list[Path]:
    """``n`` documents of their own: the sample with its unit renamed (another unit's budget)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for k in range(n):
        src = (S1, S2)[k % 2]
        text = src.read_text("utf-8").replace("示范市", f"示范{k:03d}市")
        out.append(folder / f"c{k:03d}_{src.name}")
        out[-1].write_text(text, "utf-8")
    return out


def test_the_entities_graph_is_the_union_of_the_contributions_a_document_at_a_time(tmp_path):
    both = Store(tmp_path / "both")
    ingest([S1, S2], both)
    assert len(entities(both)) == len(set(both.ledger.all_triples()))
    both.remove_document(S1.name)
    alone = Store(tmp_path / "alone")
    ingest([S2], alone)
    assert entities(both) == entities(alone)  # what only demo-001 said is gone, what both said stays
    assert both.ledger.files() == [S2.name]


def test_a_rerun_skips_what_is_stored_and_unchanged_and_replaces_what_changed(tmp_path):
    docs = copies(tmp_path / "in", 3)
    store = Store(tmp_path / "s")
    first = ingest(docs, store)
    assert (first.documents, first.unchanged) == (3, 0)
    before = quads(store)
    again = ingest(docs, store)
    assert (again.documents, again.unchanged, again.stages.get("parse", 0) < first.stages["parse"]) == (0, 3, True)
    docs[1].write_text(docs[1].read_text("utf-8").replace("示范001市", "示范101市"), "utf-8")
    changed = ingest(docs, store)
    assert (changed.documents, changed.unchanged) == (1, 2)
    assert quads(store) != before and len(store.ledger.files()) == 3
    forced = ingest(docs, store, force=True)
    assert (forced.documents, forced.unchanged) == (3, 0)


def test_a_document_read_by_an_earlier_version_is_read_again_though_unchanged(tmp_path):
    from kg.map import GRAPH_VERSION

    docs = copies(tmp_path / "in", 3)
    store = Store(tmp_path / "s")
    assert ingest(docs, store).documents == 3
    before = quads(store)
    # an earlier budget-kg stored the second one: what it holds may be another reading of the same bytes
    store.ledger.db.execute("UPDATE documents SET version = ? WHERE file = ?", (GRAPH_VERSION - 1, docs[1].name))
    again = ingest(docs, store)
    assert (again.documents, again.unchanged, again.reread) == (1, 2, 1)
    assert "1 read again (stored by an earlier version)" in again.summary()
    assert quads(store) == before and store.stored_content(docs[1].name, GRAPH_VERSION) is not None
    assert (ingest(docs, store).unchanged, store.ledger.interrupted()) == (3, [])
    store.close()
    # a ledger made before versions were recorded: every document counts as version 0, so all are read again
    import sqlite3

    with sqlite3.connect(tmp_path / "s" / "budget-kg-ledger.sqlite") as db:
        db.execute("ALTER TABLE documents DROP COLUMN version")
    old = Store(tmp_path / "s")
    report = ingest(docs, old)
    assert (report.documents, report.unchanged, report.reread) == (3, 0, 3)
    assert quads(old) == before
    old.close()


def test_an_ingest_cut_short_is_found_at_the_next_open(tmp_path):
    store = Store(tmp_path / "s")
    ingest([S1], store)
    # S2's graphs were being written when the process died: its ledger mark says so, no graph is there
    store.ledger.begin(S2.name, "0" * 64, str(S2))
    store.close()
    reopened = Store(tmp_path / "s")
    assert reopened.recovered == [(S2.name, str(S2))] and reopened.ledger.interrupted() == []
    assert reopened.documents() == [str(iri.document(S1.name))]
    notes = []
    report = ingest([S2], reopened, on_note=lambda p, level, msg: notes.append((level, msg)))
    assert report.documents == 1 and notes == [
        ("warning", "an earlier ingest of it was cut short: removed from the store, ingest it again")
    ]
    assert ingest([S2], reopened, on_note=lambda p, level, msg: notes.append((level, msg))).unchanged == 1
    assert len(notes) == 1  # said once
    clean = Store(tmp_path / "clean")
    ingest([S1, S2], clean)
    assert quads(reopened) == quads(clean)


def test_a_document_written_whole_before_the_crash_is_kept(tmp_path):
    store = Store(tmp_path / "s")
    ingest([S1, S2], store)
    store.ledger.begin(S2.name, store.ledger.stored(S2.name), str(S2))  # the mark of "stored" never came
    store.close()
    reopened = Store(tmp_path / "s")
    assert reopened.recovered == [] and reopened.ledger.stored(S2.name) is not None


def test_a_store_of_the_old_layout_is_migrated(tmp_path):
    """Before the ledger, each document's contribution was a hidden graph id:graph/contrib/<file>."""
    path = tmp_path / "old"
    raw = ox.Store(str(path))
    m = map_extraction(extract_file(S1))
    for g, triples in {**m.graphs(), iri.contrib_graph(m.file): m.contrib, iri.ENTITIES: m.contrib}.items():
        for s, p, o in triples:
            from kg.store import to_ox

            raw.add(ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.NamedNode(str(g))))
    raw.flush()
    del raw
    store = Store(path)
    assert not any(g.value.startswith(iri.CONTRIB_PREFIX) for g in store._s.named_graphs())
    assert store.ledger.files() == [S1.name] and len(store.ledger.contribution(S1.name)) == len(set(m.contrib))
    fresh = Store(tmp_path / "new")
    fresh.replace_document(m.file, m.graphs(), m.contrib)
    assert entities(store) == entities(fresh)


@pytest.mark.skipif(sys.platform != "linux", reason="kills a process group with SIGKILL")
def test_kill_9_during_an_ingest_then_a_rerun_gives_the_clean_store(tmp_path):
    copies(tmp_path / "in", 24)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "kg.cli", "ingest", "--jobs", "1", "--store", str(tmp_path / "s"), str(tmp_path / "in")]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    led = tmp_path / "s" / "budget-kg-ledger.sqlite"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:  # kill it once some documents are stored
        if led.exists() and _stored_rows(led) >= 3:
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    store = Store(tmp_path / "s")
    report = ingest([tmp_path / "in"], store)
    assert report.documents + report.unchanged == 24 and not report.failed
    clean = Store(tmp_path / "clean")
    ingest([tmp_path / "in"], clean)
    a, b = quads(store), quads(clean)
    links = f"<{iri.LINKS}>"  # as a quad prints its graph
    assert {q for q in a if q[3] != links} == {q for q in b if q[3] != links}
    assert {q for q in a if q[3] == links} == {q for q in b if q[3] == links}  # the links too, whatever the order


def _stored_rows(path: Path) -> int:
    import sqlite3

    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            return db.execute("SELECT COUNT(*) FROM documents WHERE state = 'stored'").fetchone()[0]
    except sqlite3.Error:
        return 0
