"""The Oxigraph store: named graph per document, replacement, merged entities, sums that do not double."""

from __future__ import annotations

import os
import shutil
import sys
from decimal import Decimal

import pytest
from conftest import SAMPLE, SEED_FILES, needs_seeds, seed_path
from rdflib import URIRef

from kg import iri, openfiles
from kg.errors import StoreError
from kg.pipeline import ingest
from kg.store import Store, log_bytes

DEMO1 = "demo-001_示范市数据服务中心_2025.txt"
DEMO2 = "demo-002_示范市政务服务中心_2024.txt"


def test_one_named_graph_per_document_plus_reference_graphs(sample_store):
    docs = sample_store.documents()
    assert docs == sorted(str(iri.document(f)) for f in (DEMO1, DEMO2))
    names = {g.value for g in sample_store.graphs()}
    assert {str(iri.ENTITIES), str(iri.ONTOLOGY), str(iri.CODELISTS)} <= names
    assert not any(n.startswith(iri.CONTRIB_PREFIX) for n in names)  # contributions live in the ledger


def test_graph_clause_selects_one_document(sample_store):
    rows = sample_store.select(
        "SELECT ?g (COUNT(?p) AS ?n) WHERE { GRAPH ?g { ?p a bk:Project } } GROUP BY ?g ORDER BY ?g"
    )
    assert [(r["g"], r["n"]) for r in rows] == [(str(iri.document(DEMO1)), 3), (str(iri.document(DEMO2)), 2)]


def test_a_policy_cited_by_two_documents_is_described_once(sample_store):
    """Oxigraph's union graph would repeat a triple stated in two graphs; the entities graph states it once."""
    rows = sample_store.select('SELECT ?p WHERE { ?p bk:docNumber "示政办发〔2023〕15号" }')
    assert len(rows) == 1
    # and it says which documents it was seen in
    docs = sample_store.select('SELECT ?d WHERE { ?p bk:docNumber "示政办发〔2023〕15号" ; prov:wasDerivedFrom ?d } ORDER BY ?d')
    assert [r["d"] for r in docs] == sample_store.documents()
    (total,) = sample_store.select(
        'SELECT (SUM(?a) AS ?sum) WHERE { ?proj bk:justifiedBy ?p ; bk:amount ?a . ?p bk:docNumber "示政办发〔2023〕15号" }'
    )
    assert total["sum"] == Decimal(1285000 + 860000 + 456000)


def test_reingesting_replaces_that_graph_and_nothing_else(tmp_path):
    store = Store(tmp_path / "store")
    ingest([SAMPLE], store)
    other_before = store.count(iri.document(DEMO2))
    first = store.count(iri.document(DEMO1))
    # change a project amount in the first document and ingest it again
    edited = tmp_path / DEMO1
    text = (SAMPLE / DEMO1).read_text("utf-8")
    assert "Z政务数据共享平台运维费\t128.50\t128.50" in text
    edited.write_text(text.replace("Z政务数据共享平台运维费\t128.50\t128.50", "Z政务数据共享平台运维费\t128.60\t128.60"), "utf-8")
    report = ingest([edited], store)
    assert report.documents == 1
    assert store.count(iri.document(DEMO2)) == other_before
    # the edited row no longer adds up to its unit's heading row: the graph says so in one note more
    assert store.count(iri.document(DEMO1)) == first + 1
    (note,) = store.select('SELECT ?n WHERE { ?d skos:editorialNote ?n }')
    assert "2794000.00" in note["n"]
    amounts = store.select('SELECT ?a WHERE { ?p rdfs:label "Z政务数据共享平台运维费" ; bk:amount ?a }')
    assert [r["a"] for r in amounts] == [Decimal("1286000.00")]


def test_the_store_persists_on_disk(tmp_path):
    path = tmp_path / "store"
    store = Store(path)
    ingest([SAMPLE / DEMO2], store)
    n = len(store)
    del store
    again = Store(path)
    assert len(again) == n and again.documents() == [str(iri.document(DEMO2))]


def test_removing_a_document_drops_its_entities(tmp_path):
    store = Store(tmp_path / "store")
    ingest([SAMPLE], store)
    assert store.remove_document(DEMO2)
    assert not store.remove_document(DEMO2)
    rows = store.select('SELECT ?u WHERE { ?u a bk:BudgetUnit ; rdfs:label "示范市政务服务中心" }')
    assert rows == []
    assert store.select('SELECT ?p WHERE { ?p bk:docNumber "示政办发〔2023〕15号" }')  # still cited by the other


@needs_seeds
def test_a_bad_document_does_not_stop_the_batch_nor_lose_what_is_stored(tmp_path):
    store = Store(tmp_path / "store")
    ingest([seed_path("003")], store)
    before = store.count(iri.document(SEED_FILES["003"]))
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "a_empty.txt").write_text("", "utf-8")
    (folder / "b_binary.txt").write_bytes(b"%PDF-1.7\x00\x01\x02binary")
    (folder / "c_prose.txt").write_text("这是一段与预算无关的文字。\n没有表格。\n", "utf-8")
    shutil.copy(seed_path("000"), folder / SEED_FILES["000"])
    failed = []
    report = ingest([folder], store, on_file=lambda p, why: why and failed.append((p.name, why)))
    assert report.documents == 1
    assert [f for f, _ in report.failed] == ["a_empty.txt", "b_binary.txt", "c_prose.txt"]
    assert dict(report.failed)["a_empty.txt"] == "the file is empty"
    assert dict(report.failed)["b_binary.txt"].startswith("binary content")
    assert dict(report.failed)["c_prose.txt"].startswith("not a budget disclosure")
    assert failed == report.failed
    assert store.count(iri.document(SEED_FILES["003"])) == before


def test_a_malformed_query_is_a_query_error(sample_store):
    from kg.errors import QueryError

    with pytest.raises(QueryError, match="malformed SPARQL"):
        sample_store.query("SELECT ?x WHERE { ?x ")


def test_a_closed_store_leaves_no_write_ahead_log(tmp_path):
    """Transactional writes (the link stage's, a replaced document's dropped graphs) go through RocksDB's
    write-ahead log, which Oxigraph's flush does not delete; closing the store does, and keeps what was written."""
    folder = tmp_path / "st"
    store = Store(folder)
    store._update("INSERT DATA { GRAPH <http://example.org/g> { "
                  + " ".join(f"<http://example.org/s{i}> <http://example.org/p> {i} ." for i in range(30_000)) + " } }")
    store.flush()
    assert log_bytes(folder) > 10 * 2**20  # what the close must remove: flushed, still on disk
    store.close()
    assert log_bytes(folder) < 2**20
    with Store(folder, read_only=True) as again:
        assert again.count(URIRef("http://example.org/g")) == 30_000


def test_an_ingest_leaves_no_write_ahead_log(tmp_path):
    folder = tmp_path / "st"
    with Store(folder) as store:
        ingest([SAMPLE / DEMO1, SAMPLE / DEMO2], store)
        ingest([SAMPLE / DEMO1], store, force=True)  # a document replaced: its graphs dropped, in the log
        assert log_bytes(folder) > 2**20  # 7 MB here
    assert log_bytes(folder) < 2**20
    with Store(folder, read_only=True) as again:
        assert again.documents() == sorted(str(iri.document(f)) for f in (DEMO1, DEMO2))


def _max_open_files(folder) -> int:
    """RocksDB's own record of the option, in the OPTIONS file its last open wrote."""
    latest = max(folder.glob("OPTIONS-*"), key=lambda p: int(p.name.split("-")[1]))
    return int(next(line for line in latest.read_text().splitlines() if "max_open_files=" in line).split("=")[1])


@pytest.mark.skipif(sys.platform != "linux", reason="reads the process's open files from /proc")
def test_a_store_keeps_at_most_256_table_files_open_and_the_process_limit_is_restored(tmp_path, monkeypatch):
    import resource

    limit = resource.getrlimit(resource.RLIMIT_NOFILE)
    if limit[0] != resource.RLIM_INFINITY and limit[0] <= 304:
        pytest.skip(f"this process may open {limit[0]} files: Oxigraph's own bound is lower already")
    folder = tmp_path / "s"
    s = Store(folder)
    s.replace({URIRef("http://example.org/g"): [(URIRef("http://example.org/a"), URIRef("http://example.org/p"),
                                                 URIRef("http://example.org/b"))]})
    s.close()
    assert _max_open_files(folder) == 256
    assert resource.getrlimit(resource.RLIMIT_NOFILE) == limit
    r = Store(folder, read_only=True)
    assert r.select("SELECT ?o { GRAPH ?g { ?s ?p ?o } }") == [{"o": "http://example.org/b"}]
    r.close()
    assert resource.getrlimit(resource.RLIMIT_NOFILE) == limit

    bound = len(os.listdir("/proc/self/fd")) + 100  # room for what this process holds (the test suite's files)
    monkeypatch.setenv("KG_TABLE_FILES", str(bound))
    Store(folder).close()
    assert _max_open_files(folder) == bound
    monkeypatch.setenv("KG_TABLE_FILES", "0")  # no bound: Oxigraph's own, from the process's limit
    Store(folder).close()
    assert _max_open_files(folder) == limit[0] - 48
    monkeypatch.delenv("KG_TABLE_FILES")
    held = []  # a process holding nearly as many files as the lowered limit: its limit is left alone
    while len(os.listdir("/proc/self/fd")) <= openfiles.TABLE_FILES + openfiles.OXIGRAPH_MARGIN - openfiles.HEADROOM:
        held.append(open(__file__, "rb"))
    try:
        Store(folder).close()
    finally:
        for f in held:
            f.close()
    assert _max_open_files(folder) == limit[0] - 48
    assert resource.getrlimit(resource.RLIMIT_NOFILE) == limit


def test_a_wrong_bound_on_table_files_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("KG_TABLE_FILES", "many")
    with pytest.raises(StoreError, match=r"^KG_TABLE_FILES='many' in the environment: give 0 \(no bound\) or a "
                                         r"number of table files of at least 48$"):
        Store(tmp_path / "s")
