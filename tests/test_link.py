"""The link stage (kg.link): one node per unit, a project's predecessor across years, probable title variants.

The five seeds share no unit across years, so predecessors are tested on copies of the sample
document demo-002 (2024) edited here into other years.
"""

from __future__ import annotations

import re
import time
from decimal import Decimal as D
from pathlib import Path

import pytest
from conftest import SAMPLE, SEED_FILES
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from kg import iri
from kg.link import link_store
from kg.link.titles import THRESHOLD, link_titles, title_similarity
from kg.map import map_extraction
from kg.pipeline import ingest, load_reference_data
from kg.store import Store
from kg.vocab import BK, DCTERMS, PROV

QUERIES = Path(__file__).resolve().parents[1] / "queries"
DEMO2 = "demo-002_示范市政务服务中心_2024.txt"
RENAMED = ("Z政务服务数据对接经费", "Z政务服务数据对接运维经费")  # one project renamed slightly
DROPPED = "Z办事大厅综合服务外包费"  # one project removed …
ADDED = "Z政务服务好差评系统建设费"  # … and one added in its place (same money: the tables still add up)


def _year(text: str, year: int) -> str:
    """demo-002 moved from 2024 to ``year`` (2023 → year - 1 for the comparisons in its narrative)."""
    text = re.sub(r"2024(?=年|预算)", "@", text)
    text = re.sub(r"2023(?=年)", str(year - 1), text)
    return text.replace("@", str(year))


def _next_year(text: str, unit: str | None = None) -> str:
    """The 2025 edition: one project renamed (and its money raised from 45.60 to 50.00 万元),
    one dropped, one added; with ``unit`` the cover names the unit so (its tables keep the old name)."""
    text = _year(text, 2025)
    text = text.replace(f"{RENAMED[0]}\t45.60\t45.60", f"{RENAMED[0]}\t50.00\t50.00")
    text = text.replace("456,000", "500,000").replace("≤456000元", "≤500000元")
    text = text.replace(RENAMED[0], RENAMED[1]).replace(DROPPED, ADDED)
    if unit:
        text = text.replace("\n示范市政务服务中心\n2025年度", f"\n{unit}\n2025年度", 1)
    return text


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    """demo-002 as published for 2023 (a copy), 2024 (the sample) and 2025 (edited)."""
    text = (SAMPLE / DEMO2).read_text("utf-8")
    folder = tmp_path_factory.mktemp("editions")
    out = {2024: SAMPLE / DEMO2}
    out[2023] = folder / DEMO2.replace("2024", "2023")
    out[2023].write_text(_year(text, 2023), "utf-8")
    out[2025] = folder / DEMO2.replace("2024", "2025")
    out[2025].write_text(_next_year(text), "utf-8")
    return out


PAIRS = """
SELECT ?name ?year ?prevName ?prevYear ?sim WHERE {
  ?p bk:predecessor ?q ; rdfs:label ?name ; bk:fiscalYear ?year .
  ?q rdfs:label ?prevName ; bk:fiscalYear ?prevYear .
  ?link rdf:subject ?p ; rdf:predicate bk:predecessor ; rdf:object ?q ; bk:nameSimilarity ?sim .
}"""


@pytest.fixture(scope="module")
def two_years(editions, tmp_path_factory):
    """A store of the 2024 and 2025 editions (not to be changed)."""
    store = Store(tmp_path_factory.mktemp("two-years") / "store")
    ingest([editions[2024], editions[2025]], store)
    return store


def _pairs(store: Store) -> set[tuple]:
    return {(r["name"], r["year"], r["prevName"], r["prevYear"], r["sim"]) for r in store.select(PAIRS)}


def _links(store: Store) -> set[tuple]:
    rows = store.select(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{iri.LINKS}> {{ ?s ?p ?o }} }}")
    return {(r["s"], r["p"], str(r["o"])) for r in rows}


# ---------------------------------------------------------------- projects across years


def test_a_project_renamed_slightly_has_its_predecessor_removed_and_added_ones_have_none(two_years):
    store = two_years
    assert _pairs(store) == {(RENAMED[1], 2025, RENAMED[0], 2024, D("0.909"))}
    linked = {r["l"] for r in store.select("SELECT ?l WHERE { { ?p bk:predecessor ?q } UNION { ?q bk:predecessor ?p } ?p rdfs:label ?l }")}
    assert DROPPED not in linked and ADDED not in linked
    (how,) = store.select("SELECT ?c ?d WHERE { ?l rdf:predicate bk:predecessor ; rdfs:comment ?c }")
    assert RENAMED[0] in how["c"] and RENAMED[1] in how["c"]


def test_the_query_gives_each_project_its_predecessor_and_the_change(two_years):
    store = two_years
    rows = store.select((QUERIES / "unit-projects-across-years.rq").read_text("utf-8"), unit=iri.unit("示范市政务服务中心"))
    got = [(r["year"], r["projectName"], r["amount"], r["predecessorName"], r["predecessorAmount"], r["change"]) for r in rows]
    assert got == [
        (2024, DROPPED, D(980000), None, None, None),
        (2024, RENAMED[0], D(456000), None, None, None),
        (2025, ADDED, D(980000), None, None, None),
        (2025, RENAMED[1], D(500000), RENAMED[0], D(456000), D(44000)),
    ]
    assert [r["similarity"] for r in rows if r["predecessorName"]] == [D("0.909")]


def test_the_predecessor_is_taken_from_the_latest_earlier_year(tmp_path, editions):
    store = Store(tmp_path / "store")
    ingest([editions[2023], editions[2024], editions[2025]], store)
    assert _pairs(store) == {
        (RENAMED[0], 2024, RENAMED[0], 2023, D("1.000")),
        (DROPPED, 2024, DROPPED, 2023, D("1.000")),
        (RENAMED[1], 2025, RENAMED[0], 2024, D("0.909")),
    }
    # without 2024 the 2025 project goes back to 2023; nothing links to the removed document any more
    assert store.remove_document(editions[2024].name)
    assert _pairs(store) == {(RENAMED[1], 2025, RENAMED[0], 2023, D("0.909"))}
    assert not any("2024.txt" in part for t in _links(store) for part in t)


def test_removing_a_document_drops_its_links(tmp_path, editions):
    store = Store(tmp_path / "store")
    ingest([editions[2024], editions[2025]], store)
    assert store.count(iri.LINKS) > 0
    assert store.remove_document(editions[2025].name)
    assert store.select("SELECT ?p WHERE { ?p bk:predecessor ?q }") == []
    # what is left is the blocking records of the 2024 edition's nodes (kg.link.records), as if alone
    kinds = store.select(f"SELECT DISTINCT ?t WHERE {{ GRAPH <{iri.LINKS}> {{ ?n a ?t }} }}")
    assert kinds == [{"t": str(BK.BlockingRecord)}]
    alone = Store(tmp_path / "alone")
    ingest([editions[2024]], alone)
    assert _links(store) == _links(alone)


def test_the_links_do_not_depend_on_the_order_documents_came_in(tmp_path, editions):
    one, two = Store(tmp_path / "one"), Store(tmp_path / "two")
    ingest([editions[2023], editions[2024], editions[2025]], one)
    ingest([editions[2025]], two)
    ingest([editions[2023]], two)
    ingest([editions[2024]], two)
    assert _links(one) == _links(two) and len(_links(one)) > 0


def test_a_renamed_unit_is_the_same_unit_and_its_projects_keep_their_predecessors(tmp_path):
    """The 2025 cover calls the unit 示范市政务服务管理中心 while its tables keep 示范市政务服务中心."""
    path = tmp_path / DEMO2.replace("2024", "2025")
    path.write_text(_next_year((SAMPLE / DEMO2).read_text("utf-8"), unit="示范市政务服务管理中心"), "utf-8")
    store = Store(tmp_path / "store")
    ingest([SAMPLE / DEMO2, path], store)
    old, new = str(iri.unit("示范市政务服务中心")), str(iri.unit("示范市政务服务管理中心"))
    same = {(r["a"], r["b"]) for r in store.select("SELECT ?a ?b WHERE { ?a owl:sameAs ?b }")}
    assert same == {(old, new), (new, old)}
    (how,) = store.select(f"SELECT ?c WHERE {{ ?l rdf:subject <{old}> ; rdf:predicate owl:sameAs ; rdfs:comment ?c }}")
    assert "skos:altLabel “示范市政务服务中心”" in how["c"]
    assert _pairs(store) == {(RENAMED[1], 2025, RENAMED[0], 2024, D("0.909"))}
    rows = store.select((QUERIES / "unit-projects-across-years.rq").read_text("utf-8"), unit=URIRef(new))
    assert [(r["year"], r["unitName"]) for r in rows] == [(2024, "示范市政务服务中心")] * 2 + [(2025, "示范市政务服务管理中心")] * 2


# ---------------------------------------------------------------- units in the seeds


def _unit_rows(store: Store, names: tuple[str, ...]) -> list[dict]:
    values = " ".join(f'"{n}"' for n in names)
    return store.select(
        f"SELECT DISTINCT ?u WHERE {{ VALUES ?n {{ {values} }} ?u a bk:BudgetUnit . {{ ?u rdfs:label ?n }} UNION {{ ?u skos:altLabel ?n }} }}"
    )


def test_seed_004_one_subunit_under_its_two_names(seed_store):
    listed, other = "大同市云冈区政府信息网络中心", "大同市云冈区政府信息中心"
    node = str(iri.unit(listed))
    assert [r["u"] for r in _unit_rows(seed_store, (listed, other))] == [node]
    labels = seed_store.select(f"SELECT ?l WHERE {{ <{node}> rdfs:label ?l }}")
    alt = seed_store.select(f"SELECT ?l WHERE {{ <{node}> skos:altLabel ?l }}")
    assert [r["l"] for r in labels] == [listed] and [r["l"] for r in alt] == [other]
    projects = seed_store.select(f"SELECT ?p ?n WHERE {{ ?p bk:implementedBy <{node}> OPTIONAL {{ ?p bk:implementingUnitName ?n }} }}")
    assert len(projects) == 10
    assert sorted(r["n"] for r in projects if r["n"]) == [other, other, listed]
    # the other sub-unit and the department's own office keep their one name
    for name in ("大同市云冈区公共事务服务中心", "大同市云冈区人民政府办公室"):
        assert seed_store.select(f"SELECT ?l WHERE {{ <{iri.unit(name)}> skos:altLabel ?l }}") == []


def test_seed_000_unit_names(seed_store):
    node = iri.unit("大同市人民政府信息化中心")
    alt = {r["l"] for r in seed_store.select(f"SELECT ?l WHERE {{ <{node}> skos:altLabel ?l }}")}
    # the tables' spelling, the two nameplates it bears (加挂牌子) and its abbreviation
    assert alt == {"大同市人民政府信息中心", "大同市12345政务服务便民热线中心", "大同市人民政府公报室", "市政府信息化中心"}


def test_the_seeds_share_no_unit_and_no_project_across_years(seed_store):
    assert seed_store.select("SELECT ?a WHERE { ?a owl:sameAs ?b }") == []
    assert seed_store.select("SELECT ?a WHERE { ?a bk:predecessor ?b }") == []


def test_the_link_stage_on_the_seeds_is_fast_and_repeatable(seed_store):
    before = _links(seed_store)
    started = time.perf_counter()
    report = link_store(seed_store)
    assert time.perf_counter() - started < 1.0
    assert _links(seed_store) == before and report.triples == len(before)


def test_the_seed_links_do_not_depend_on_the_order(seed_store, extraction, tmp_path):
    store = Store(tmp_path / "store")
    load_reference_data(store)
    for key in sorted(SEED_FILES, reverse=True):
        m = map_extraction(extraction(key))
        store.replace_document(m.file, m.graphs(), m.contrib)
    link_store(store)
    assert _links(store) == _links(seed_store)


# ---------------------------------------------------------------- probable title variants


def test_seed_000_title_variant(seed_store):
    rows = seed_store.select(
        "SELECT ?v ?o ?s ?direct WHERE { ?n a bk:TitleVariant ; bk:variant ?v ; bk:variantOf ?o ; bk:nameSimilarity ?s ."
        " BIND(EXISTS { ?v bk:probableVariantOf ?o } AS ?direct) }"
    )
    assert rows == [{
        "v": str(iri.policy_title("中华人民共和国政府信息条例")),
        "o": str(iri.policy_title("中华人民共和国政府信息公开条例")),
        "s": D("0.857"), "direct": True,
    }]
    # never merged: both nodes stay, each with its own title
    for t in ("中华人民共和国政府信息条例", "中华人民共和国政府信息公开条例"):
        assert seed_store.select(f'SELECT ?p WHERE {{ ?p dcterms:title "{t}" }}')


def test_near_misses_in_the_seeds_are_not_variants(seed_store):
    found = link_titles(seed_store)
    assert [(v.variant_title, round(v.similarity, 3)) for v in found.variants] == [("中华人民共和国政府信息条例", 0.857)]
    assert all(score < THRESHOLD or "same line" in why or "only in their figures" in why
               for score, _, _, why in found.rejected)
    # seed 002's two plans of one name for 2020-2022 and 2023-2025 are two documents
    assert [(a, b) for score, a, b, why in found.rejected if "only in their figures" in why] != []
    assert round(title_similarity("信息系统安全等保条例", "网络安全等级保护条例"), 3) == 0.6


def _policy_store(tmp_path, policies: dict[str, list[int]]) -> Store:
    """A store with one document citing titled policies: title → the lines citing it."""
    store = Store(tmp_path / "titles")
    doc = iri.document("x.txt")
    graph, entities = [(doc, RDF.type, BK.BudgetDocument)], []
    n = 0
    for title, lines in policies.items():
        p = iri.policy_title(title)
        entities += [(p, RDF.type, BK.PolicyDocument), (p, DCTERMS.title, Literal(title))]
        for line in lines:
            n += 1
            ref = iri.under(doc, "ref", n)
            graph += [(ref, BK.refersTo, p), (ref, PROV.wasDerivedFrom, doc), (ref, BK.sourceLine, Literal(line))]
    store.replace({doc: graph}, entities)
    return store


def test_a_variant_is_the_title_cited_fewer_times(tmp_path):
    store = _policy_store(tmp_path, {"示范市政务数据共享管理办法": [3, 8, 9], "示范市政务数据共享管埋办法": [12]})
    report = link_store(store)
    ((v, o, s),) = [(x.variant_title, x.original_title, round(x.similarity, 3)) for x in report.variants]
    assert (v, o, s) == ("示范市政务数据共享管埋办法", "示范市政务数据共享管理办法", 0.923)
    assert store.select("SELECT ?v WHERE { ?v bk:probableVariantOf ?o }") == [{"v": str(iri.policy_title(v))}]


def test_titles_cited_in_one_line_are_two_documents(tmp_path):
    store = _policy_store(tmp_path, {"山西省部门政府购买服务指导性目录": [5, 7], "山西省政府购买服务指导性目录": [7]})
    assert link_store(store).variants == []
    assert [why for *_, why in link_titles(store).rejected] == ["cited in the same line of one document: two documents"]


def test_a_short_title_its_full_form_and_a_title_extending_another_are_not_variants(tmp_path):
    titles = {"网络安全法": [1], "中华人民共和国网络安全法": [2], "中华人民共和国政府采购法": [3], "政府采购法实施条例": [4]}
    store = _policy_store(tmp_path, titles)
    assert link_store(store).variants == []
    assert {why.split(":")[0] for *_, why in link_titles(store).rejected} == {
        "a short title and its full form", "one title extends the other"}
    assert round(title_similarity("中华人民共和国数据安全法", "中华人民共和国网络安全法"), 3) == 0.6
