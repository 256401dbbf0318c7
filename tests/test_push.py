"""`kg push`: a store's graphs sent to a real Oxigraph server through the Graph Store Protocol, resumably.

The server is the `oxigraph` package's own (`oxigraph serve`), started here on a free loopback port and
killed by its process group at the end (tests/oxiserver.py)."""

from __future__ import annotations

import re
import shutil

import pytest
from click.testing import CliRunner
from conftest import SEED_FILES, seed_path
from oxiserver import Oxigraph, same_quads, store_quads

from kg import iri
from kg.cli import main
from kg.remote import RemoteError
from kg.remote.push import push
from kg.store import Store

CHANGED = SEED_FILES["003"]  # ingested again with another content
REMOVED = SEED_FILES["001"]  # removed from the store


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)))


def pushed(result) -> tuple[int, int, int]:
    """(sent, deleted, unchanged) from the one-line summary."""
    m = re.fullmatch(r"pushed (\d+) graphs \([\d,]+ triples, [\d,]+ bytes\), deleted (\d+), (\d+) unchanged "
                     r"in [\d.]+ s → http://127\.0\.0\.1:\d+/store\n", result.stdout)
    assert m, result.output
    return int(m[1]), int(m[2]), int(m[3])


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Three seeds in a folder of their own (one is changed by a test), ingested and audited."""
    tmp = tmp_path_factory.mktemp("push")
    docs = tmp / "docs"
    docs.mkdir()
    for key in ("000", "001", "003"):
        shutil.copy(seed_path(key), docs)
    store = tmp / "store"
    assert run("ingest", "--store", store, docs).exit_code == 0
    run("audit", "--store", store)  # audit graphs are pushed too (exit code 1: seed 001 has an error finding)
    with Store(store, read_only=True) as s:
        graphs = sorted(g.value for g in s.graphs())
    assert str(iri.audit_graph(REMOVED)) in graphs and str(iri.findings_graph(REMOVED)) in graphs
    return tmp, docs, store


@pytest.fixture(scope="module")
def server(corpus):
    with Oxigraph(corpus[0] / "oxigraph") as ox:
        yield ox


def test_push_sends_every_graph_then_only_what_changed(corpus, server):
    _, docs, store = corpus
    with Store(store, read_only=True) as s:
        graphs = {g.value for g in s.graphs()}
    assert {str(iri.ENTITIES), str(iri.LINKS), str(iri.ONTOLOGY), str(iri.CODELISTS), str(iri.ISSUERS),
            str(iri.LAWS), str(iri.document(CHANGED)), str(iri.audit_graph(CHANGED))} <= graphs

    first = run("push", "--store", store, "--to", server.store)
    assert first.exit_code == 0, first.output
    assert pushed(first) == (len(graphs), 0, 0)
    same_quads(server.quads(), store_quads(store))

    again = run("push", "--store", store, "--to", server.store)
    assert pushed(again) == (0, 0, len(graphs))

    # a document changed and ingested again: only its own graph differs (its content hash), so only it goes
    path = docs / CHANGED
    path.write_bytes(path.read_bytes() + b"\n")
    assert run("ingest", "--store", store, docs).exit_code == 0
    with Store(store) as s:
        assert s.ledger.pushed(server.store) != {}
        sent = []
        report = push(s, server.store, on_graph=lambda g, what: what == "sent" and sent.append(g))
    # its graph is sent; its audit graph, which ingesting it again dropped (see the README), is deleted
    assert sent == report.sent == [str(iri.document(CHANGED))]
    assert report.deleted == [str(iri.audit_graph(CHANGED))]
    graphs.discard(str(iri.audit_graph(CHANGED)))
    same_quads(server.quads(), store_quads(store))

    # a document removed from the store: its graphs are deleted remotely
    with Store(store) as s:
        assert s.remove_document(REMOVED)
    with Store(store, read_only=True) as s:
        left = {g.value for g in s.graphs()}
    gone = {str(iri.document(REMOVED)), str(iri.findings_graph(REMOVED)), str(iri.audit_graph(REMOVED))}
    assert graphs - left == gone and left < graphs
    with Store(store) as s:
        report = push(s, server.store)
        assert set(s.ledger.pushed(server.store)) == left
    assert sorted(report.deleted) == sorted(gone)
    # what only seed 001 said of shared things is gone from the entities graph, and its blocking records
    # (the link stage's index) from the links graph
    assert sorted(report.sent) == sorted([str(iri.ENTITIES), str(iri.LINKS)])
    same_quads(server.quads(), store_quads(store))

    # --force sends everything again
    assert pushed(run("push", "--store", store, "--to", server.store, "--force")) == (len(left), 0, 0)


def test_an_interrupted_push_resumes(corpus, tmp_path):
    """A push that stops half way (the server gone after three graphs) sends, the next time, only the rest."""
    _, _, store = corpus
    with Oxigraph(tmp_path / "other") as other, Store(store) as s:
        n = len(s.graphs())

        def stop_after_three(graph, what):
            if len(s.ledger.pushed(other.store)) == 3:
                other.stop()

        with pytest.raises(RemoteError, match=r"^cannot reach http://127\.0\.0\.1:\d+/store \("):
            push(s, other.store, on_graph=stop_after_three)
        assert len(s.ledger.pushed(other.store)) == 3
        port = other.port
    with Oxigraph(tmp_path / "other", port=port) as again:  # the same data and URL
        r = run("push", "--store", store, "--to", again.store)
        assert pushed(r) == (n - 3, 0, 3)
        same_quads(again.quads(), store_quads(store))


def test_errors_are_one_line_with_exit_code_1(corpus, server, tmp_path):
    _, _, store = corpus
    with Oxigraph(tmp_path / "gone") as gone:
        url = gone.store
    r = run("push", "--store", store, "--to", url)
    assert r.exit_code == 1
    assert re.fullmatch(r"error: cannot reach http://127\.0\.0\.1:\d+/store \(Connection refused\)", r.stderr.strip())

    r = run("push", "--store", store, "--to", server.base + "/nowhere", "--force")
    assert r.exit_code == 1
    line = r.stderr.strip()
    assert re.fullmatch(rf"error: {server.base}/nowhere answered 404 Not Found: PUT /nowhere is not supported by "
                        r"this server \(PUT of the graph <https://w3id\.org/budget-kg/id/\S+>\)", line), line

    r = run("push", "--store", store, "--to", "ftp://127.0.0.1/store")
    assert r.exit_code == 1 and r.stderr.strip() == "error: 'ftp://127.0.0.1/store' is not an http:// or https:// URL"

    r = run("push", "--store", tmp_path / "none", "--to", server.store)
    assert r.exit_code == 1 and "no store here" in r.stderr


def test_credentials_never_reach_the_ledger(corpus, server):
    from kg.remote.http import public

    assert public("http://me:secret@127.0.0.1:1/store") == "http://127.0.0.1:1/store"
    _, _, store = corpus
    with Store(store, read_only=True) as s:
        targets = {r[0] for r in s.ledger.db.execute("SELECT DISTINCT target FROM pushed")}
    assert targets and all("@" not in t for t in targets)
