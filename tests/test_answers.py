"""The store's index of per-document answers (kg.queries.INDEXED): the trace read from it is the
trace the queries give, and a store without it (made before it) is asked the queries instead."""

import sqlite3
from pathlib import Path

from rdflib import URIRef

from kg.ledger import FILE_NAME
from kg.link.projects import read_projects
from kg.pipeline import ingest
from kg.store import Store
from kg.trace import trace


class Unindexed:
    """A store seen without its index: every answer comes from SPARQL over the store."""

    def __init__(self, store):
        self._store = store

    def __getattr__(self, name):
        if name == "indexed":
            raise AttributeError(name)
        return getattr(self._store, name)


def cited(store) -> list[str]:
    """The number or title of every policy the store's documents cite."""
    iris = [r["p"] for r in store.select("SELECT DISTINCT ?p WHERE { ?r bk:refersTo ?p } ORDER BY ?p")]
    return [p.rsplit("/policy/", 1)[1].removeprefix("title/") for p in iris]


def test_every_trace_from_the_index_is_the_trace_of_the_queries(seed_store):
    policies = cited(seed_store)
    assert len(policies) == 72  # 82 before seed 002's OCR-garbled titles were read back (issue 18)
    citations = targets = 0
    for p in policies:
        mine = trace(seed_store, p).to_json()
        assert mine == trace(Unindexed(seed_store), p).to_json(), p
        cites = [c for t in mine["policies"] for c in t["citations"]]
        citations += len(cites)
        targets += sum(len(c["indicators"]) for c in cites)
    # the level-1 names come from the code lists, not the documents: the index reads them too
    one = trace(seed_store, "同办字〔2019〕116号").to_json()["policies"][0]["citations"]
    assert {i["level1"] for c in one for i in c["indicators"]} == {"产出指标", "效益指标", "满意度指标"}
    # citations, and the targets of the projects cited (119 and 1,206 before issue 18 read seed 002 better)
    assert (citations, targets) == (120, 1244)


def test_the_index_rows_of_a_document(seed_store):
    rows = seed_store.indexed("trace-policy.rq", ["https://w3id.org/budget-kg/id/policy/同办字〔2019〕116号"])
    assert all(r["policy"].endswith("同办字〔2019〕116号") for r in rows) and len(rows) == 4


def test_a_store_made_before_the_index_is_asked_the_queries(tmp_path, seed_store):
    from conftest import SEEDS

    store = Store(tmp_path / "old")
    ingest([SEEDS / sorted(p.name for p in SEEDS.iterdir())[0]], store)
    expected = {p: trace(store, p).to_json() for p in cited(store)}
    store.close()
    db = sqlite3.connect(tmp_path / "old" / FILE_NAME)  # as a ledger made before the index was
    db.executescript("DROP TABLE answer_sets; DROP TABLE meta;")
    db.close()
    old = Store(tmp_path / "old", read_only=True)
    assert old.indexed("trace-policy.rq", ["https://w3id.org/budget-kg/id/policy/x"]) is None
    assert {p: trace(old, p).to_json() for p in expected} == expected
    old.close()
    again = Store(tmp_path / "old")  # a writable open makes the tables, but the index is still partial
    assert again.indexed("trace-policy.rq", ["https://w3id.org/budget-kg/id/policy/x"]) is None
    again.close()


def test_a_documents_projects_from_the_index_are_the_querys(seed_store):
    """document-projects.rq (the link stage's projects) kept for each document: the same rows as the
    query asked of the store with the document bound."""
    text = (Path(__file__).resolve().parents[1] / "queries" / "document-projects.rq").read_text("utf-8")
    docs = seed_store.documents()
    total = 0
    for doc in docs:
        mine = seed_store.indexed("document-projects.rq", [doc])
        theirs = seed_store.select(text, doc=URIRef(doc))
        key = lambda r: (r["p"], str(r["amount"]))  # noqa: E731
        assert sorted(mine, key=key) == sorted(theirs, key=key), doc
        total += len(mine)
    assert (len(docs), total) == (5, 80)


def test_a_query_indexed_since_is_asked_of_an_older_store(tmp_path):
    """A store made when only the first queries were indexed has no document-projects sets for its
    documents: the index says so (None), for that query only, and the link stage asks the store."""
    from conftest import SEEDS

    store = Store(tmp_path / "s")
    ingest([sorted(SEEDS.iterdir())[0]], store)
    doc = store.documents()[0]
    assert len(store.indexed("document-projects.rq", [doc])) == 10
    projects = read_projects(store, [doc])
    store.close()
    db = sqlite3.connect(tmp_path / "s" / FILE_NAME)  # as a ledger made before document-projects.rq was indexed
    db.execute("DELETE FROM meta WHERE name LIKE 'answers:%'")
    db.commit()
    db.close()
    older = Store(tmp_path / "s")
    assert older.indexed("document-projects.rq", [doc]) is None
    assert older.indexed("trace-policy.rq", ["https://w3id.org/budget-kg/id/policy/x"]) == []
    assert read_projects(older, [doc]) == projects and len(projects) == 10
    older.close()


def test_removing_a_document_removes_its_rows(tmp_path):
    from conftest import SEEDS

    first = sorted(SEEDS.iterdir())[0]
    store = Store(tmp_path / "s")
    ingest([first], store)
    iris = [r["p"] for r in store.select("SELECT DISTINCT ?p WHERE { ?r bk:refersTo ?p }")]
    rows = store.indexed("trace-policy.rq", iris)
    assert {r["policy"] for r in rows} == set(iris) and len(rows) == 57
    assert store.remove_document(first.name)
    assert store.indexed("trace-policy.rq", iris) == []
    store.close()


def test_a_ledger_of_one_row_an_answer_row_is_grouped_at_the_next_writable_open(tmp_path):
    """The index's first layout kept a SQLite row for each answer row (table ``answers``): a writable open
    groups them by query, key and document, in order, and the trace reads the same."""
    import json

    from conftest import SEEDS

    from kg.rowsets import _json_decimal, unpack_rows

    store = Store(tmp_path / "s")
    ingest([SEEDS / sorted(p.name for p in SEEDS.iterdir())[0]], store)
    expected = {p: trace(store, p).to_json() for p in cited(store)}
    sets = store.ledger.db.execute("SELECT query, key, file, rows FROM answer_sets").fetchall()
    store.close()
    db = sqlite3.connect(tmp_path / "s" / FILE_NAME)
    db.executescript("""DROP TABLE answer_sets; CREATE TABLE answers (query TEXT NOT NULL, key TEXT NOT NULL,
        file TEXT NOT NULL, n INTEGER NOT NULL, row TEXT NOT NULL, PRIMARY KEY (query, key, file, n)) WITHOUT ROWID;""")
    old_rows = [(q, k, f, n, json.dumps(r, ensure_ascii=False, default=_json_decimal))
                for q, k, f, packed in sets for n, r in enumerate(unpack_rows([packed]))]
    db.executemany("INSERT INTO answers VALUES (?, ?, ?, ?, ?)", old_rows)
    db.commit()
    db.close()
    assert len(old_rows) > len(sets) > 0
    again = Store(tmp_path / "s")
    tables = {r[0] for r in again.ledger.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "answers" not in tables and again.ledger.db.execute("SELECT COUNT(*) FROM answer_sets").fetchone()[0] == len(sets)
    assert {p: trace(again, p).to_json() for p in expected} == expected
    packed = again.ledger.db.execute("SELECT rows FROM answer_sets").fetchall()
    assert all(json.loads(r[0])["rows"] and r[0].startswith('{"decimal"') for r in packed)  # packed by kg.rowsets
    again.close()


def test_answer_sets_of_the_earlier_layout_are_read_and_packed_again_at_a_writable_open(tmp_path):
    """Before kg.rowsets, a set was JSON {"same", "columns", "rows"} with each Decimal tagged
    {"decimal": "…"} (decoded with a hook for every object): a reader reads both layouts, a writable open
    packs every set again once, and the trace is the same throughout."""
    import json
    from decimal import Decimal

    from conftest import SEEDS

    from kg.rowsets import LAYOUT, _pack_json, unpack_rows

    store = Store(tmp_path / "s")
    ingest([SEEDS / sorted(p.name for p in SEEDS.iterdir())[0]], store)
    expected = {p: trace(store, p).to_json() for p in cited(store)}
    sets = store.ledger.db.execute("SELECT query, key, file, rows FROM answer_sets").fetchall()
    store.close()
    amounts = [r["amount"] for q, k, f, text in sets if q == "trace-policy.rq" for r in unpack_rows([text])]
    assert len(amounts) == 57 and {type(a) for a in amounts} == {Decimal, type(None)} and Decimal("2656000") in amounts
    db = sqlite3.connect(tmp_path / "s" / FILE_NAME)
    db.executemany("UPDATE answer_sets SET rows = ? WHERE query = ? AND key = ? AND file = ?",
                   [(_pack_json(unpack_rows([text])), q, k, f) for q, k, f, text in sets])
    db.execute("DELETE FROM meta WHERE name = 'layout'")
    db.commit()
    assert '{"decimal": "2656000"}' in db.execute("SELECT group_concat(rows) FROM answer_sets").fetchone()[0]
    db.close()
    old = Store(tmp_path / "s", read_only=True)  # a reader leaves the file as it is, and reads it
    assert {p: trace(old, p).to_json() for p in expected} == expected
    old.close()
    again = Store(tmp_path / "s")
    repacked = again.ledger.db.execute("SELECT query, key, file, rows FROM answer_sets").fetchall()
    assert len(repacked) == len(sets) and all(r[3].startswith(LAYOUT) for r in repacked)
    assert {tuple(r[:3]): unpack_rows([r[3]]) for r in repacked} == {tuple(r[:3]): unpack_rows([r[3]]) for r in sets}
    assert {c for r in repacked for c in json.loads(r[3])["decimal"]} == {"amount", "value"}  # untagged
    assert {p: trace(again, p).to_json() for p in expected} == expected
    again.close()
