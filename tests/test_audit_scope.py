"""Checks of scope "document" (kg.audit.per_document): run on each document's own dataset, they give
the rows the same check gives over the whole store, row for row, for every shipped rule of that scope;
`kg audit --document FILE` audits one document and leaves the others' findings."""

from __future__ import annotations

import dataclasses
import json

import pytest
from click.testing import CliRunner
from conftest import SAMPLE

from kg import iri
from kg.audit import audit, load_checks
from kg.audit.per_document import DocumentDatasets
from kg.audit.rules import RuleError, parse_check
from kg.cli import main
from kg.pipeline import ingest
from kg.store import Store

DEMO1, DEMO2 = "demo-001_示范市数据服务中心_2025.txt", "demo-002_示范市政务服务中心_2024.txt"


def _row(sol, names) -> tuple:
    return tuple(None if sol[n] is None else str(sol[n]) for n in names)


def _by_document(store: Store, checks) -> dict[tuple[str, str], list[tuple]]:
    """(check, document) → its rows, over each document's own dataset."""
    files = {r["doc"]: r["file"] for r in store.select("SELECT ?doc ?file WHERE { ?doc a bk:BudgetDocument ; bk:sourceFile ?file }")}
    datasets = DocumentDatasets(store, checks)
    out: dict[tuple[str, str], list[tuple]] = {}
    for doc, file in sorted(files.items()):
        for check, res in datasets.solutions(doc, file):
            names = [v.value for v in res.variables]
            out[(check.id, doc)] = sorted(_row(s, names) for s in res)
    return out


def _over_the_store(store: Store, checks) -> dict[tuple[str, str], list[tuple]]:
    docs = store.documents()
    out: dict[tuple[str, str], list[tuple]] = {(c.id, d): [] for c in checks for d in docs}
    for check in checks:
        res = store.query(check.sparql)
        names = [v.value for v in res.variables]
        for s in res:
            out[(check.id, s["doc"].value)].append(_row(s, names))
    return {k: sorted(v) for k, v in out.items()}


def test_which_shipped_checks_read_one_document():
    scopes = {c.id: c.scope for c in load_checks()}
    assert len(scopes) == 31
    # unit-name-consistent compares the names a document gives its unit with every name the store knows
    # for that unit (other years' documents add theirs): it reads more than one document
    assert sorted(k for k, v in scopes.items() if v == "store") == ["unit-name-consistent"]


@pytest.mark.parametrize("which", ["seed_store", "sample_store"])
def test_each_document_scoped_check_gives_the_rows_of_the_whole_store(which, request):
    store = request.getfixturevalue(which)
    checks = [c for c in load_checks() if c.scope == "document"]
    mine, theirs = _by_document(store, checks), _over_the_store(store, checks)
    assert mine == theirs
    rows = sum(len(v) for v in theirs.values())
    assert rows == {"seed_store": 1824, "sample_store": 581}[which]  # rows compared, findings or not


def test_the_audit_is_the_same_whichever_way_the_checks_run(sample_store):
    checks = load_checks()
    scoped = audit(sample_store, checks=checks, write=False)
    whole = audit(sample_store, checks=[dataclasses.replace(c, scope="store") for c in checks], write=False)
    # the same findings, messages included: a rule that lists parts with GROUP_CONCAT orders them first
    assert [f.to_json() for f in scoped.findings] == [f.to_json() for f in whole.findings]
    assert len(scoped.findings) == 1


@pytest.mark.parametrize("which", ["seed_store", "sample_store"])
def test_auditing_some_documents_gives_their_part_of_the_whole_audit(which, request):
    """Auditing some documents asks each check of the store for their rows only (a trailing VALUES on
    ?doc): every check, as scope store here, gives each document exactly its findings of the whole audit."""
    store = request.getfixturevalue(which)
    checks = [dataclasses.replace(c, scope="store") for c in load_checks()]
    whole = audit(store, checks=checks, write=False)
    docs = store.documents()
    for doc in docs:
        one = audit(store, checks=checks, documents=[doc], write=False)
        assert [f.to_json() for f in one.findings] == [f.to_json() for f in whole.findings if f.doc == doc]
        assert one.titles == {doc: whole.titles[doc]}
    two = audit(store, checks=checks, documents=docs[:2], write=False)
    assert [f.to_json() for f in two.findings] == [f.to_json() for f in whole.findings if f.doc in docs[:2]]
    assert (len(docs), len(whole.findings)) == {"seed_store": (5, 44), "sample_store": (2, 1)}[which]


def test_a_bad_scope_is_refused_with_its_line():
    text = "# id: x\n# title: 甲 | X\n# severity: info\n# scope: page\n# Question: q?\nSELECT ?doc WHERE { ?doc a bk:BudgetDocument }"
    with pytest.raises(RuleError, match=r"^x.rq:4: bad scope 'page': expected one of store, document$"):
        parse_check(text, "x.rq")
    assert parse_check(text.replace("# scope: page\n", ""), "x.rq").scope == "store"


def test_kg_audit_one_document(tmp_path):
    store_dir = tmp_path / "store"
    store = Store(store_dir)
    assert ingest([SAMPLE], store).documents == 2
    store.close()
    run = CliRunner().invoke
    both = run(main, ["audit", "--store", str(store_dir), "--format", "json"])
    assert both.exit_code in (0, 1), both.output
    every = json.loads(both.stdout)
    assert {f["file"] for f in every} == {DEMO1}  # the other sample document has no finding
    mine = run(main, ["audit", "--store", str(store_dir), "--format", "json", "--document", DEMO1])
    assert json.loads(mine.stdout) == every
    assert mine.stderr.strip().endswith("from 31 checks over 1 document")
    other = run(main, ["audit", "--store", str(store_dir), "--format", "json", "--document", DEMO2])
    assert other.exit_code == 0 and json.loads(other.stdout) == []
    with Store(store_dir, read_only=True) as s:  # auditing DEMO2 left DEMO1's findings stored
        kept = s.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?f a bk:Finding } }", g=iri.audit_graph(DEMO1))[0]["n"]
    assert kept == len(every) > 0
    wrong = run(main, ["audit", "--store", str(store_dir), "--document", "nope.txt"])
    assert wrong.exit_code == 1 and wrong.stderr.strip() == "error: not a document in the store: nope.txt"


def test_kg_ingest_audit_audits_what_it_stored(tmp_path):
    store_dir = tmp_path / "store"
    run = CliRunner().invoke
    first = run(main, ["ingest", "--store", str(store_dir), "--audit", str(SAMPLE)])
    assert first.exit_code == 0, first.output
    assert first.stdout.splitlines()[-1] == (
        "audited: 1 finding (0 errors, 0 warnings, 1 info) from 31 checks over 2 documents "
        "(kg audit --document FILE shows them)")
    with Store(store_dir, read_only=True) as s:
        found = s.select("SELECT ?check WHERE { ?f a bk:Finding ; bk:checkId ?check }")
    assert [r["check"] for r in found] == ["cost-target-vs-budget"]
    again = run(main, ["ingest", "--store", str(store_dir), "--audit", str(SAMPLE)])  # nothing stored: nothing audited
    assert again.exit_code == 0 and "audited" not in again.stdout and "2 unchanged" in again.stdout
