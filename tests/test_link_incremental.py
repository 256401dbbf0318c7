"""The link stage run on the changed documents only (``link_store(store, changed)``) gives exactly the
graph the whole computation (``link_store(store)``) gives, whatever the order, batches, removals and
re-ingests; and the cases an update must look back for: a name spelt another way, a nesting or a
shared line that kept two nodes apart until the document stating it was removed.
"""

from __future__ import annotations

import random
import re
from decimal import Decimal as D

import pytest
from conftest import SAMPLE, seed_path
from rdflib import Literal, URIRef
from rdflib.namespace import ORG, RDF, RDFS, SKOS

from kg import iri
from kg.link import link_store
from kg.map import map_extraction
from kg.pipeline import extract_file, load_reference_data
from kg.store import Store
from kg.vocab import BK, DCTERMS, PROV

DEMO2 = "demo-002_示范市政务服务中心_2024.txt"


def _year(text: str, year: int) -> str:
    text = re.sub(r"2024(?=年|预算)", "@", text)
    text = re.sub(r"2023(?=年)", str(year - 1), text)
    return text.replace("@", str(year))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, extraction):
    """Eleven documents, file → Mapped: the five seeds, the two samples, demo-002 for 2022, 2023 and
    2025 (its cover renaming the unit 示范市政务服务管理中心, one project renamed), and seed 000 for
    2024 with 政府信息公开条例 misspelt 政府信息公幵条例."""
    folder = tmp_path_factory.mktemp("corpus")
    demo = (SAMPLE / DEMO2).read_text("utf-8")
    texts = {DEMO2.replace("2024", str(y)): _year(demo, y) for y in (2022, 2023, 2025)}
    name25 = DEMO2.replace("2024", "2025")
    texts[name25] = texts[name25].replace("Z政务服务数据对接经费", "Z政务服务数据对接运维经费").replace(
        "\n示范市政务服务中心\n2025年度", "\n示范市政务服务管理中心\n2025年度", 1)
    s0 = seed_path("000").read_text("utf-8").replace("2025", "2024")
    texts["000x_2024.txt"] = s0.replace("政府信息公开条例", "政府信息公幵条例")
    out = {}
    for name, text in texts.items():
        (folder / name).write_text(text, "utf-8")
    for path in [*(folder / n for n in texts), SAMPLE / DEMO2, *SAMPLE.glob("demo-001_*.txt")]:
        out[path.name] = map_extraction(extract_file(path))
    for key in ("000", "001", "002", "003", "004"):
        m = map_extraction(extraction(key))
        out[m.file] = m
    return out


def _links(store: Store) -> set[tuple]:
    rows = store.select(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{iri.LINKS}> {{ ?s ?p ?o }} }}")
    return {(r["s"], r["p"], str(r["o"])) for r in rows}


def _put(store: Store, mapped: list) -> None:
    for m in mapped:
        store.replace_document(m.file, m.graphs(), m.contrib)
    link_store(store, {str(m.doc) for m in mapped})


def _same_as_whole(store: Store) -> set[tuple]:
    """The links graph the updates made, checked equal to the whole computation's (which, being equal,
    leaves the store as it was)."""
    updated = _links(store)
    link_store(store)
    assert _links(store) == updated
    return updated


def _store() -> Store:
    store = Store()
    load_reference_data(store)
    return store


def test_the_corpus_links(corpus):
    store = _store()
    for m in corpus.values():
        store.replace_document(m.file, m.graphs(), m.contrib)
    report = link_store(store)
    assert report.same_units == [(str(iri.unit("示范市政务服务中心")), str(iri.unit("示范市政务服务管理中心")))]
    # seed 000's ten projects (2025) ← its 2024 copy; demo-002's two a year, 2023 ← 2022 … 2025 ← 2024
    assert sorted(round(s, 3) for *_, s in report.predecessors) == [0.909] + [1.0] * 15
    assert sorted((v.variant_title, v.original_title, round(v.similarity, 3)) for v in report.variants) == [
        ("中华人民共和国政府信息公幵条例", "中华人民共和国政府信息公开条例", 0.875),
        ("中华人民共和国政府信息条例", "中华人民共和国政府信息公幵条例", 0.857),
        ("中华人民共和国政府信息条例", "中华人民共和国政府信息公开条例", 0.857),
    ]
    kinds = store.select(
        f"SELECT ?t (COUNT(?n) AS ?n) WHERE {{ GRAPH <{iri.LINKS}> {{ ?n a ?t }} }} GROUP BY ?t ORDER BY ?t")
    assert [(r["t"].rsplit("#", 1)[1], r["n"]) for r in kinds] == [
        ("Statement", 18), ("BlockingRecord", 54), ("TitleVariant", 3)]  # seed 002's garbled titles are left out
    assert report.triples == len(_links(store)) == 583


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_updates_in_any_order_batches_removals_and_reingests_give_the_whole_computation(corpus, seed):
    rng = random.Random(seed)
    names = sorted(corpus)
    rng.shuffle(names)
    store = _store()
    i = 0
    while i < len(names):  # batches of one to three documents
        k = rng.randint(1, 3)
        _put(store, [corpus[n] for n in names[i:i + k]])
        _same_as_whole(store)
        i += k
    whole = _links(store)
    assert len(whole) == 583
    removed = rng.sample(names, 3)
    for n in removed:
        assert store.remove_document(corpus[n].file)
        _same_as_whole(store)
    for n in [*rng.sample(sorted(set(names) - set(removed)), 2), *removed]:  # two replaced, then the three back
        _put(store, [corpus[n]])
        _same_as_whole(store)
    assert _links(store) == whole


def test_one_by_one_in_two_orders_gives_one_graph(corpus):
    one, two = _store(), _store()
    for n in sorted(corpus):
        _put(one, [corpus[n]])
    for n in sorted(corpus, reverse=True):
        _put(two, [corpus[n]])
    assert _links(one) == _links(two) == _same_as_whole(one)


# ---------------------------------------------------------------- what an update must look back for


def _doc(store: Store, file: str, shared: list[tuple], own: list[tuple] = ()) -> str:
    """A document whose contribution to the entities is ``shared`` (each node derived from it)."""
    d = iri.document(file)
    contrib = list(shared) + [(s, PROV.wasDerivedFrom, d) for s in {t[0] for t in shared}]
    graph = [(d, RDF.type, BK.BudgetDocument), *own]
    store.replace_document(file, {d: graph}, contrib)
    link_store(store, {str(d)})
    return str(d)


def _same(store: Store) -> set[tuple]:
    return {(r["a"], r["b"]) for r in store.select("SELECT ?a ?b WHERE { ?a owl:sameAs ?b }")}


def _unit(name: str, *alt: str, dept: bool = False) -> list[tuple]:
    u = iri.department(name) if dept else iri.unit(name)
    out = [(u, RDF.type, BK.BudgetUnit), (u, RDFS.label, Literal(name))]
    return out + [(u, SKOS.altLabel, Literal(a)) for a in alt] + ([(u, RDF.type, BK.Department)] if dept else [])


def test_a_name_spelt_another_way_is_found_by_its_key():
    """The store finds a literal, not what it reduces to: 示范市１２３４５热线 (full-width digits, a
    space) is found by its key, whichever document comes first."""
    for order in ([0, 1], [1, 0]):
        store = _store()
        docs = [("a.txt", _unit("示范市热线服务中心", "示范市１２３４５ 热线")), ("b.txt", _unit("示范市12345热线"))]
        for i in order:
            _doc(store, *docs[i])
        a, b = str(iri.unit("示范市12345热线")), str(iri.unit("示范市热线服务中心"))
        assert _same(store) == {(a, b), (b, a)}
        _same_as_whole(store)


def test_removing_the_document_that_nested_two_units_links_them():
    """p.txt lists 示范市热线中心 as a sub-unit of 示范市政务中心, which bears its name as a
    nameplate: one is nested in the other, not the same unit. Without p.txt they are one unit."""
    store = _store()
    parent, child = iri.unit("示范市政务中心"), iri.unit("示范市热线中心")
    _doc(store, "p.txt", _unit("示范市政务中心", "示范市热线中心") + _unit("示范市热线中心") + [(child, ORG.subOrganizationOf, parent)])
    _doc(store, "p-2025.txt", _unit("示范市政务中心", "示范市热线中心"))
    _doc(store, "c.txt", _unit("示范市热线中心"))
    assert _same(store) == set()
    assert store.remove_document("p.txt")
    assert _same(store) == {(str(child), str(parent)), (str(parent), str(child))}
    _same_as_whole(store)


def test_the_document_citing_two_titles_in_one_line_keeps_them_apart_while_it_is_there():
    t1, t2 = "示范市政务数据共享管理办法", "示范市政务数据共享管埋办法"
    p1, p2 = iri.policy_title(t1), iri.policy_title(t2)

    def cite(file: str, *cites: tuple[URIRef, int]) -> None:
        d = iri.document(file)
        refs = []
        for n, (p, line) in enumerate(cites, start=1):
            r = iri.under(d, "ref", n)
            refs += [(r, BK.refersTo, p), (r, PROV.wasDerivedFrom, d), (r, BK.sourceLine, Literal(line))]
        title = {p1: t1, p2: t2}
        shared = [t for p, _ in cites for t in (
            (p, RDF.type, BK.PolicyDocument), (p, DCTERMS.title, Literal(title[p])))]
        _doc(store, file, shared, refs)

    store = _store()
    cite("x.txt", (p1, 7), (p2, 7))
    cite("y.txt", (p1, 3), (p1, 4))
    cite("z.txt", (p2, 5))
    assert store.select("SELECT ?v WHERE { ?v bk:probableVariantOf ?o }") == []
    assert store.remove_document("x.txt")
    assert store.select("SELECT ?v ?o WHERE { ?v bk:probableVariantOf ?o }") == [{"v": str(p2), "o": str(p1)}]
    _same_as_whole(store)
    cite("x.txt", (p1, 7), (p2, 7))  # back: a linked pair is found in one line of the changed document
    assert store.select("SELECT ?v WHERE { ?v bk:probableVariantOf ?o }") == []
    _same_as_whole(store)


def test_a_year_arriving_in_between_takes_the_later_years_predecessors(corpus):
    """demo-002 2025 names the unit 示范市政务服务管理中心 on its cover (its tables keep the old name):
    the 2023 edition joins its group, and its projects are 2025's predecessors until 2024 arrives."""
    store = _store()

    def pairs() -> list[tuple]:
        rows = store.select(
            "SELECT ?y ?z ?s WHERE { ?p bk:predecessor ?q ; bk:fiscalYear ?y . ?q bk:fiscalYear ?z ."
            " ?l rdf:subject ?p ; rdf:object ?q ; bk:nameSimilarity ?s } ORDER BY ?y ?s")
        return [(r["y"], r["z"], r["s"]) for r in rows]

    _put(store, [corpus[DEMO2.replace("2024", "2025")]])
    _put(store, [corpus[DEMO2.replace("2024", "2023")]])
    assert pairs() == [(2025, 2023, D("0.909")), (2025, 2023, D(1))]
    _put(store, [corpus[DEMO2]])
    assert pairs() == [(2024, 2023, D(1)), (2024, 2023, D(1)), (2025, 2024, D("0.909")), (2025, 2024, D(1))]
    _same_as_whole(store)
    assert store.remove_document(DEMO2)
    assert pairs() == [(2025, 2023, D("0.909")), (2025, 2023, D(1))]
    _same_as_whole(store)


def test_a_document_joining_two_units_links_their_projects():
    """c.txt, with no project, names 示范市乙中心 also 示范市甲中心: the two are one unit, and the
    project 乙 runs in 2025 has 甲's of 2024 as its predecessor; until c.txt is removed."""
    store = _store()

    def budget(file: str, unit: str, year: int) -> None:
        d, u = iri.document(file), iri.unit(unit)
        p = iri.under(d, "project", 1)
        own = [(d, BK.documentKind, Literal("单位预算")), (p, RDF.type, BK.Project), (p, RDFS.label, Literal("Z政务网络运维费")),
               (p, BK.fiscalYear, Literal(year)), (p, BK.implementedBy, u), (p, PROV.wasDerivedFrom, d)]
        _doc(store, file, _unit(unit), own)

    budget("a.txt", "示范市甲中心", 2024)
    budget("b.txt", "示范市乙中心", 2025)
    assert store.select("SELECT ?p WHERE { ?p bk:predecessor ?q }") == []
    _doc(store, "c.txt", _unit("示范市乙中心", "示范市甲中心"))
    rows = store.select("SELECT ?p ?q WHERE { ?p bk:predecessor ?q }")
    project = {f: str(iri.under(iri.document(f), "project", 1)) for f in ("a.txt", "b.txt")}
    assert rows == [{"p": project["b.txt"], "q": project["a.txt"]}]
    _same_as_whole(store)
    assert store.remove_document("c.txt")
    assert store.select("SELECT ?p WHERE { ?p bk:predecessor ?q }") == []
    _same_as_whole(store)


def test_a_nesting_changed_further_up_bars_or_frees_a_pair():
    """示范市热线中心 ⊂ 示范市甲中心 (a.txt), 示范市丙中心 ⊂ 示范市乙中心 (c.txt), and 示范市乙中心 also
    bears the name 示范市热线中心: one unit, until b.txt puts 示范市甲中心 under 示范市丙中心 — then the
    hotline is nested in 示范市乙中心, not the same unit. Neither end of the pair is in b.txt."""
    store = _store()
    hot, a, b, c = (iri.unit(n) for n in ("示范市热线中心", "示范市甲中心", "示范市丙中心", "示范市乙中心"))
    _doc(store, "a.txt", _unit("示范市热线中心") + _unit("示范市甲中心") + [(hot, ORG.subOrganizationOf, a)])
    _doc(store, "c.txt", _unit("示范市乙中心", "示范市热线中心") + _unit("示范市丙中心") + [(b, ORG.subOrganizationOf, c)])
    assert _same(store) == {(str(c), str(hot)), (str(hot), str(c))}
    _doc(store, "b.txt", _unit("示范市甲中心") + _unit("示范市丙中心") + [(a, ORG.subOrganizationOf, b)])
    assert _same(store) == set()
    _same_as_whole(store)
    assert store.remove_document("b.txt")
    assert _same(store) == {(str(c), str(hot)), (str(hot), str(c))}
    _same_as_whole(store)


def test_an_ingest_links_in_chunks_and_gives_the_graph_of_one_link_stage(tmp_path, monkeypatch):
    """kg ingest runs the link stage every LINK_DOCUMENTS stored documents (so that its memory is a chunk's,
    not a whole run's): the links are those of one stage at the end, and every document is marked linked."""
    import kg.pipeline as pipeline
    from conftest import SEEDS

    whole = Store(tmp_path / "whole")
    assert pipeline.ingest([SEEDS, SAMPLE], whole, jobs=1).documents == 7
    calls = []
    monkeypatch.setattr(pipeline, "BATCH_DOCUMENTS", 1)
    monkeypatch.setattr(pipeline, "LINK_DOCUMENTS", 2)
    monkeypatch.setattr(pipeline, "link_store", lambda store, changed: calls.append(len(changed)) or link_store(store, changed))
    chunked = Store(tmp_path / "chunked")
    assert pipeline.ingest([SEEDS, SAMPLE], chunked, jobs=1).documents == 7
    assert calls == [2, 2, 2, 1]
    assert _links(chunked) == _links(whole) and len(_links(whole)) > 100
    assert chunked.ledger.unlinked() == [] and whole.ledger.unlinked() == []
