"""The store's ledger: which documents it holds, by content hash, and what each one says about the
shared entities — a SQLite file beside the Oxigraph data (``<store>/budget-kg-ledger.sqlite``).

Oxigraph's union of named graphs repeats a triple that several graphs state, so the facts
documents share (units, policies, codes) are kept once, in ``id:graph/entities``. The ledger is what
keeps that graph right a document at a time: it holds each document's contribution (its triples
about shared things, in N-Triples form), so that replacing or removing one document adds to and
deletes from the entities graph exactly the triples no other document states
(:meth:`Ledger.swap`), without reading the store. It is also the manifest of the ingest: file, content
hash, path and state (``writing`` until the document's graphs are stored), so that a rerun skips
what is stored and unchanged, and a document whose ingest was cut short is found and cleaned.

>>> led = Ledger(None)
>>> led.begin("a.txt", "h1", "/in/a.txt")
>>> led.swap("a.txt", {"<u> <p> \\"x\\" ."})
(set(), {'<u> <p> "x" .'})
>>> led.finish("a.txt"); led.begin("b.txt", "h2", None)
>>> led.swap("b.txt", {"<u> <p> \\"x\\" .", "<v> <p> \\"y\\" ."})
(set(), {'<v> <p> "y" .'})
>>> led.finish("b.txt"); led.stored("a.txt"), led.by_content("h2"), led.remove("a.txt")
('h1', 'b.txt', set())

It also records what ``kg push`` sent to each remote store, graph by graph with its content hash:

>>> led.mark_pushed("http://h/store", "http://g", "h3"); led.pushed("http://h/store")
{'http://g': 'h3'}
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from kg.queries import FIRST_INDEXED, INDEXED
from kg.rowsets import LAYOUT, json_row, pack_rows, unpack_rows

FILE_NAME = "budget-kg-ledger.sqlite"
SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
  file TEXT PRIMARY KEY,      -- the document's own file name (bk:sourceFile)
  sha256 TEXT NOT NULL,       -- its content
  path TEXT,                  -- where it was read from, last time
  state TEXT NOT NULL,        -- 'writing' while its graphs are being replaced, then 'stored'
  changed TEXT NOT NULL,      -- when (UTC, ISO 8601)
  linked INTEGER NOT NULL DEFAULT 0,  -- 1 once the link stage has seen this content
  version INTEGER NOT NULL DEFAULT 0  -- the kg.map.GRAPH_VERSION it was read with (0: before versions)
);
CREATE INDEX IF NOT EXISTS documents_sha ON documents (sha256);
CREATE TABLE IF NOT EXISTS contributions (
  file TEXT NOT NULL,
  triple TEXT NOT NULL,       -- one N-Triples statement about a shared entity
  PRIMARY KEY (file, triple)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS contributions_triple ON contributions (triple);
CREATE TABLE IF NOT EXISTS aliases (
  alias TEXT PRIMARY KEY,     -- another file name the same content was given under
  file TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS answer_sets (
  query TEXT NOT NULL,        -- an indexed query (kg.store.document_answers)
  key TEXT NOT NULL,          -- the IRI of its key variable (a policy, a project)
  file TEXT NOT NULL,         -- the document whose graphs give the rows
  rows TEXT NOT NULL,         -- its rows under that key, in the order of its answer (kg.rowsets)
  PRIMARY KEY (query, key, file)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS answer_sets_file ON answer_sets (file);
CREATE TABLE IF NOT EXISTS meta (
  name TEXT PRIMARY KEY,      -- 'answers': 'complete' when every stored document has its answers;
                              -- 'answers:<query>': the same for a query indexed since (kg.queries.FIRST_INDEXED);
                              -- 'layout': 'columns' once every answer set is packed by column (kg.rowsets)
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pushed (
  target TEXT NOT NULL,       -- a remote store's Graph Store Protocol URL (kg push), without credentials
  graph TEXT NOT NULL,        -- a named graph sent there
  sha256 TEXT NOT NULL,       -- of the graph's content as sent (kg.export.bulk.graph_ntriples)
  pushed TEXT NOT NULL,       -- when (UTC, ISO 8601)
  PRIMARY KEY (target, graph)
) WITHOUT ROWID;
"""


def now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


class Ledger:
    """The ledger of one store (in memory when ``folder`` is None)."""

    def __init__(self, folder: Path | None, read_only: bool = False):
        if folder is None:
            self.db = sqlite3.connect(":memory:", isolation_level=None)
        elif read_only:
            path = folder / FILE_NAME
            uri = f"file:{path}?mode=ro" if path.exists() else "file::memory:"
            self.db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        else:
            self.db = sqlite3.connect(folder / FILE_NAME, isolation_level=None)
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")
        if folder is not None and read_only:  # a reader (kg trace, kg serve) reads through a memory map: the
            # trace's rows are a few MB (30 → 18 ms at 1,000 documents); the writer does not, so that its
            # resident memory is its own, not the pages of a ledger that grows with the store. As much of the
            # file as SQLite maps (its limit, 2 GiB by default): the ledger of 10,000 documents is 2.8 GB, and
            # the pages past a 1 GiB map went through read() (the trace's 1,207 sets there: 23 → 17 ms)
            self.db.execute("PRAGMA mmap_size = 1099511627776")
        if not read_only or folder is None:
            self.db.executescript(SCHEMA)
            columns = {r[1] for r in self.db.execute("PRAGMA table_info(documents)")}
            if "linked" not in columns:  # a ledger made before the link stage was incremental
                self.db.execute("ALTER TABLE documents ADD COLUMN linked INTEGER NOT NULL DEFAULT 0")
            if "version" not in columns:  # a ledger made before graph versions: its documents count as version 0
                self.db.execute("ALTER TABLE documents ADD COLUMN version INTEGER NOT NULL DEFAULT 0")
            self._group_answers()
            self._repack_answers()
            if self._one("SELECT 1 FROM meta WHERE name = 'answers'") is None and self._one("SELECT 1 FROM documents") is None:
                # a new store: every document it will hold gets its answers (a store made before the
                # index was kept has documents without them: queries answer for it)
                self.db.executemany("INSERT INTO meta (name, value) VALUES (?, 'complete')",
                                    [("answers",)] + [(f"answers:{q}",) for q in INDEXED if q not in FIRST_INDEXED])
        self.read_only = read_only

    def close(self) -> None:
        self.db.close()

    # ------------------------------------------------------------------ the manifest

    def stored(self, file: str, version: int | None = None) -> str | None:
        """The content hash of ``file`` when it is stored (not while it is being written), and, when
        ``version`` is given, stored by that graph version."""
        row = self._one("SELECT sha256, version FROM documents WHERE file = ? AND state = 'stored'", file)
        return row[0] if row and (version is None or row[1] == version) else None

    def by_content(self, sha256: str) -> str | None:
        """The stored file with this content, if any."""
        row = self._one("SELECT file FROM documents WHERE sha256 = ? AND state = 'stored' ORDER BY file", sha256)
        return row[0] if row else None

    def files(self) -> list[str]:
        return [r[0] for r in self._all("SELECT file FROM documents WHERE state = 'stored' ORDER BY file")]

    def interrupted(self) -> list[tuple[str, str | None]]:
        """(file, path) of documents whose ingest stopped while their graphs were being written."""
        return [(r[0], r[1]) for r in self._all("SELECT file, path FROM documents WHERE state = 'writing' ORDER BY file")]

    def begin(self, file: str, sha256: str, path: str | None, version: int = 0) -> None:
        """Mark ``file`` as being written (committed at once, so a crash leaves the mark), read with
        graph ``version``."""
        self.db.execute(
            "INSERT INTO documents (file, sha256, path, state, changed, version) VALUES (?, ?, ?, 'writing', ?, ?) "
            "ON CONFLICT (file) DO UPDATE SET sha256 = excluded.sha256, path = excluded.path, "
            "state = 'writing', changed = excluded.changed, linked = 0, version = excluded.version",
            (file, sha256, path, now(), version),
        )

    def finish(self, file: str) -> None:
        self.db.execute("UPDATE documents SET state = 'stored', changed = ? WHERE file = ?", (now(), file))

    def unlinked(self) -> list[str]:
        """Stored documents the link stage has not seen yet (an ingest cut short before its end)."""
        return [r[0] for r in self._all("SELECT file FROM documents WHERE state = 'stored' AND linked = 0 ORDER BY file")]

    def mark_linked(self, files) -> None:
        with self._transaction():
            self.db.executemany("UPDATE documents SET linked = 1 WHERE file = ?", ((f,) for f in files))

    def add_alias(self, alias: str, file: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO aliases (alias, file) VALUES (?, ?)", (alias, file))

    def aliases(self, file: str) -> list[str]:
        return [r[0] for r in self._all("SELECT alias FROM aliases WHERE file = ? ORDER BY alias", file)]

    # ------------------------------------------------------------------ contributions

    def contribution(self, file: str) -> set[str]:
        return {r[0] for r in self._all("SELECT triple FROM contributions WHERE file = ?", file)}

    def _elsewhere(self, triples: set[str], file: str) -> set[str]:
        """Those of ``triples`` that another document states too: for each, one index lookup that
        stops at the first other document (a triple every document states, such as a code list's
        concept, has as many rows as documents, and reading them all made storing grow with the store)."""
        if not triples:
            return set()
        return {r[0] for r in self._all(
            "SELECT t.value FROM json_each(?) AS t WHERE EXISTS "
            "(SELECT 1 FROM contributions AS c WHERE c.triple = t.value AND c.file != ?)",
            json.dumps(sorted(triples)), file,
        )}

    def swap(self, file: str, new: set[str]) -> tuple[set[str], set[str]]:
        """Make ``new`` the contribution of ``file``; return (triples to delete from the entities
        graph: no document states them any more, triples to add: no other document stated them)."""
        old = self.contribution(file)
        gone, came = old - new, new - old
        unsupported = gone - self._elsewhere(gone, file)
        fresh = came - self._elsewhere(came, file)
        with self._transaction():
            self.db.executemany("DELETE FROM contributions WHERE file = ? AND triple = ?", ((file, t) for t in gone))
            self.db.executemany("INSERT INTO contributions (file, triple) VALUES (?, ?)", ((file, t) for t in came))
        return unsupported, fresh

    # ------------------------------------------------------------------ indexed answers

    def put_answers(self, file: str, sets: list[tuple[str, str, str]]) -> None:
        """Make ``sets`` (query, key, its rows as one JSON array) the indexed answers of ``file``."""
        with self._transaction():
            self.db.execute("DELETE FROM answer_sets WHERE file = ?", (file,))
            self.db.executemany("INSERT INTO answer_sets (query, key, file, rows) VALUES (?, ?, ?, ?)",
                                ((q, k, file, r) for q, k, r in sets))

    def _group_answers(self) -> None:
        """A ledger made when the index kept one row of SQLite per answer row (table ``answers``):
        its rows, grouped by query, key and document in their order, become ``answer_sets``."""
        if self._one("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'answers'") is None:
            return
        sets: dict[tuple[str, str, str], list[dict]] = {}
        for q, k, f, row in self.db.execute("SELECT query, key, file, row FROM answers ORDER BY query, key, file, n"):
            sets.setdefault((q, k, f), []).append(json_row(row))
        with self._transaction():
            self.db.executemany("INSERT OR REPLACE INTO answer_sets (query, key, file, rows) VALUES (?, ?, ?, ?)",
                                ((q, k, f, pack_rows(rows)) for (q, k, f), rows in sets.items()))
            self.db.execute("DROP TABLE answers")

    def _repack_answers(self) -> None:
        """A ledger whose answer sets are JSON of rows (the layout before :mod:`kg.rowsets` packed
        them by column): each is packed again, a few thousand at a time, once (meta ``layout``; an
        open cut short goes on from where it was at the next)."""
        if self._one("SELECT 1 FROM meta WHERE name = 'layout' AND value = 'columns'") is not None:
            return
        last = ("", "", "")
        while batch := self._all("SELECT query, key, file, rows FROM answer_sets WHERE (query, key, file) > (?, ?, ?) "
                                 "ORDER BY query, key, file LIMIT 2000", *last):
            with self._transaction():
                self.db.executemany("UPDATE answer_sets SET rows = ? WHERE query = ? AND key = ? AND file = ?",
                                    ((pack_rows(unpack_rows([r])), q, k, f) for q, k, f, r in batch
                                     if not r.startswith(LAYOUT)))
            last = batch[-1][:3]
        self.db.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('layout', 'columns')")

    def answers_complete(self, query: str | None = None) -> bool:
        """Every stored document has its indexed answers (of ``query``, when given: one indexed
        since the index began is complete only in a store made after it)."""
        names = ["answers"] + ([f"answers:{query}"] if query is not None and query not in FIRST_INDEXED else [])
        try:
            return all(self._one("SELECT value FROM meta WHERE name = ?", n) == ("complete",) for n in names)
        except sqlite3.OperationalError:  # a ledger older than the index, opened read-only
            return False

    def answers(self, query: str, keys: list[str]) -> list[str] | None:
        """The rows of ``query`` under ``keys``, by key and document: a JSON array for each (one
        SQLite row for all of a document's rows under a key: the trace of a policy cited by a
        thousand projects reads a thousand, not twelve thousand). None when this ledger has no such
        table (one made before it, opened read-only)."""
        out: list[str] = []
        try:
            for i in range(0, len(keys), 500):  # SQLite's limit on bound parameters
                chunk = keys[i:i + 500]
                out.extend(r[0] for r in self._all(
                    f"SELECT rows FROM answer_sets WHERE query = ? AND key IN ({','.join('?' * len(chunk))}) "
                    "ORDER BY key, file", query, *chunk))
        except sqlite3.OperationalError:
            return None
        return out

    def remove(self, file: str) -> set[str]:
        """Forget ``file``; return the triples of its contribution no other document states."""
        unsupported, _ = self.swap(file, set())
        with self._transaction():
            self.db.execute("DELETE FROM answer_sets WHERE file = ?", (file,))
            self.db.execute("DELETE FROM documents WHERE file = ?", (file,))
            self.db.execute("DELETE FROM aliases WHERE file = ? OR alias = ?", (file, file))
        return unsupported

    def all_triples(self):
        """Every contributed triple once (the entities graph, rebuilt from scratch)."""
        yield from (r[0] for r in self.db.execute("SELECT DISTINCT triple FROM contributions"))

    # ------------------------------------------------------------------ graphs sent to remote stores

    def pushed(self, target: str) -> dict[str, str]:
        """Graph IRI → the content hash last sent to ``target`` (``kg push``)."""
        return dict(self._all("SELECT graph, sha256 FROM pushed WHERE target = ?", target))

    def mark_pushed(self, target: str, graph: str, sha256: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO pushed (target, graph, sha256, pushed) VALUES (?, ?, ?, ?)",
                        (target, graph, sha256, now()))

    def forget_pushed(self, target: str, graph: str) -> None:
        self.db.execute("DELETE FROM pushed WHERE target = ? AND graph = ?", (target, graph))

    # ------------------------------------------------------------------ plumbing

    def _one(self, sql: str, *args):
        return self.db.execute(sql, args).fetchone()

    def _all(self, sql: str, *args):
        return self.db.execute(sql, args).fetchall()

    def _transaction(self):
        db = self.db

        class _Tx:
            def __enter__(self):
                db.execute("BEGIN")

            def __exit__(self, exc_type, *exc):
                db.execute("ROLLBACK" if exc_type else "COMMIT")

        return _Tx()
