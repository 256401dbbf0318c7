"""Policy documents reproduced inside a budget disclosure (seed 002), the purchase-of-services
catalogue one of them prints, and the catalogues units say they follow."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from conftest import SAMPLE, SEED_FILES, seed_path

from kg import iri
from kg.extract.embedded_docs import embedded_documents
from kg.map import map_extraction
from kg.read.text import lines_from_text
from kg.segment.embedded_docs import embedded_line_numbers, find_embedded
from kg.vocab import BK, RDF, SKOS

CATALOGUE = "山西省部门政府购买服务指导性目录"  # the catalogue's name, in several titles below
N58, N63 = "晋市财综〔2021〕58号", "晋财综〔2021〕63号"


def docs(extraction):
    ex = extraction("002")
    by_no = {e.docno: e for e in ex.embedded}
    return ex, by_no[N58], by_no[N63]


# ---------------------------------------------------------------- seed 002: the two documents


def test_002_reproduces_two_documents(extraction):
    ex, d58, d63 = docs(extraction)
    assert [e.docno for e in ex.embedded] == [N58, N63]
    assert (d58.raw_docno, d63.raw_docno) == ("晋市财综[2021]58号", N63)
    assert d58.title == "晋城市财政局关于转发" + CATALOGUE + "(第一批)的通知"
    assert d63.title == "山西省财政厅关于印发《" + CATALOGUE + "》(第一批)的通知"
    assert (d58.issuer, d63.issuer) == ("晋城市财政局", "山西省财政厅")
    # the notice that forwards is printed on 15 November, after the document it forwards (3 November)
    assert (d58.date, d63.date) == (datetime.date(2021, 11, 15), datetime.date(2021, 11, 3))
    assert (d58.date_span.line, d63.date_span.line) == (2266, 1101)
    assert d58.recipients == "各县(市、区)财政局,市直有关单位"
    assert d63.recipients.startswith("各市财政局,省委各部委,")
    assert d63.recipients.endswith(",各民主党派山西省委,各有关单位")
    assert d63.recipients.count(",") == 10
    assert (d58.span.line, d58.span.text) == (1045, "晋城市财政局文件 晋市财综[2021]58号")
    assert d63.span.line == 1063
    # the forwarding notice holds the other document, its catalogue and, last, its own imprint
    assert (d58.lines, d63.lines) == ((1045, 2266), (1063, 2260))
    assert (d63.catalogue, d63.catalogue_span.line) == (CATALOGUE + "(第一批)", 1105)
    assert d58.catalogue is None


def test_002_forwards_and_based_on(extraction):
    _, d58, d63 = docs(extraction)
    assert [(c.relation, c.target) for c in d58.cites] == [("forwards", N63)]
    assert d58.cites[0].span.line == 1053
    based = {c.target for c in d63.cites if c.relation == "basedOn"}
    assert based == {"晋政办发〔2021〕12号", "晋财综〔2021〕34号"}
    assert {c.span.line for c in d63.cites if c.relation == "basedOn"} == {1071}
    assert not [c for c in d63.cites if c.relation == "forwards"]
    # its own title and the short name it gives itself (《部门目录》) are not citations
    cited = {c.target for c in d63.cites if c.relation == "cites"}
    assert cited == {"山西省政府购买服务指导性目录", "山西省党政机关公务用车管理办法"}


def test_002_embedded_citations_are_not_the_budget_documents_mentions(extraction):
    ex = extraction("002")
    mine = [r for r in ex.references if r.project is None]
    assert {r.section for r in mine} == {"其他说明"}
    assert {r.docno for r in mine if r.docno} == {"晋财综〔2023〕43号", "晋财综〔2023〕47号"}
    assert not [r for r in ex.references if r.span.line and 1045 <= r.span.line <= 2266]
    # the projects' own citations are untouched (their garbled titles are left out: kg.extract.ocr_text)
    assert sum(1 for r in ex.references if r.project is not None) == 21


# ---------------------------------------------------------------- seed 002: the catalogue


def test_002_catalogue_items_per_level(extraction):
    items = extraction("002").catalogue
    assert len(items) == 1027
    assert Counter(i.level for i in items) == {1: 32, 2: 145, 3: 298, 4: 552}
    assert {i.issued_by for i in items} == {N63}
    # a fourth-level code is unique within its department
    assert len({(i.department, i.code) for i in items if i.level == 4}) == 552


def test_002_catalogue_departments(extraction):
    items = extraction("002").catalogue
    depts = list(dict.fromkeys(i.department for i in items))
    assert len(depts) == 32
    assert depts[:4] == ["宣传部", "政法委员会", "网络安全和信息化委员会办公室", "老干部局"]
    for name in ("人民政府办公厅(室)", "纪律检查委员会监察委员会", "人力资源和社会保障", "林业和草原",
                 "民政", "文物", "监狱管理", "人民代表大会常务委员会办公厅(室)", "人民检察院"):
        assert name in depts, name
    assert not [d for d in depts if "," in d or "'" in d or any(c.isdigit() for c in d)]


def test_002_catalogue_items(extraction):
    items = extraction("002").catalogue
    by = {(i.department, i.code): i for i in items}
    a = by[("政法委员会", "A010101")]
    b = by[("网络安全和信息化委员会办公室", "A010101")]
    assert (a.name, b.name) == ("铁路护路联防服务", "网络安全检查服务")
    assert (a.level, a.broader, a.span.line) == (4, "A0101", 1118)
    top = by[("宣传部", "A")]
    assert (top.name, top.level, top.broader) == ("公共服务", 1, None)
    assert by[("宣传部", "A15")].name == "公共信息与宣传服务"  # printed "…宣 传服务"
    assert by[("宣传部", "A1502")].broader == "A15"
    assert by[("宣传部", "A150201")].name == "党的路线、方针、政策的宣传服务"
    assert by[("水利", "A0702")].name == "科技成果转化与推广服务"  # code printed "A 0 7 0 2"
    odd = by[("信访", "B150201")]  # printed under A1502, and no row is B1502
    assert odd.broader == "A1502" and "printed under A1502" in odd.note
    assert not any(i.name in {"", ",", "-"} for i in items if i.code != "A150102")


def test_002_catalogue_is_a_concept_scheme(extraction):
    ex = extraction("002")
    m = map_extraction(ex)
    g = m.triples
    scheme = next(s for s, p, o in g if p == RDF.type and o == SKOS.ConceptScheme)
    assert str(scheme).endswith("/policy/" + N63 + "/catalogue")
    levels = Counter(int(o) for _, p, o in g if p == BK.catalogueLevel)
    assert levels == {1: 1, 2: 18, 3: 86, 4: 552}
    concepts = {s for s, p, o in g if p == RDF.type and o == SKOS.Concept}
    assert all((c, SKOS.inScheme, scheme) in g for c in concepts)
    top = next(c for c in concepts if str(c) == str(scheme) + "/A")
    assert len([o for s, p, o in g if s == top and p == BK.catalogueDepartment]) == 32
    assert (top, SKOS.topConceptOf, scheme) in g
    leaf = next(c for c in concepts if str(c).endswith("/政法委员会/A010101"))
    assert (leaf, SKOS.broader, next(c for c in concepts if str(c) == str(scheme) + "/A0101")) in g
    labels = {str(o) for s, p, o in g if s == leaf and p == SKOS.prefLabel}
    assert labels == {"铁路护路联防服务"}
    # one prefLabel per concept; a name cut short ("…评估服") yields to the whole name
    pref = Counter(s for s, p, _ in g if p == SKOS.prefLabel and s in concepts)
    assert set(pref.values()) == {1} and len(pref) == len(concepts) - 1  # A150102 prints no name
    a1701 = next(c for c in concepts if str(c) == str(scheme) + "/A1701")
    assert {str(o) for s, p, o in g if s == a1701 and p == SKOS.prefLabel} == {"技术评审鉴定评估服务"}
    assert (next(o for s, p, o in m.contrib if p == BK.issuesCatalogue)) == scheme


# ---------------------------------------------------------------- units that follow a catalogue


@pytest.mark.parametrize(("key", "expected"), [
    ("000", ["晋财综〔2024〕37号"]),
    ("001", ["晋财综〔2024〕37号"]),
    ("002", ["晋财综〔2023〕43号", "晋财综〔2023〕47号"]),
    ("003", []),  # it says it has no catalogue
])
def test_follows_catalogue(key, expected, extraction):
    assert [d for d, _ in extraction(key).follows_catalogues] == expected


def test_follows_catalogue_is_mapped_from_the_unit(extraction):
    m = map_extraction(extraction("000"))
    (link,) = [(s, o) for s, p, o in m.contrib if p == BK.followsCatalogue]
    assert str(link[1]).endswith("/policy/晋财综〔2024〕37号")
    assert "/unit/" in str(link[0]) or "/dept/" in str(link[0])


@pytest.mark.parametrize("key", ["000", "001", "003", "004"])
def test_no_embedded_documents_elsewhere(key):
    from kg.read import read

    assert find_embedded(read(seed_path(key)).lines) == []


@pytest.mark.parametrize("path", sorted(SAMPLE.glob("*.txt")), ids=lambda p: p.name[:8])
def test_no_embedded_documents_in_the_samples(path):
    from kg.read import read

    assert find_embedded(read(path).lines) == []


# ---------------------------------------------------------------- the store


def test_store_answers_forwards_and_based_on(tmp_path):
    from kg.pipeline import ingest
    from kg.store import Store

    store = Store(tmp_path / "store")
    report = ingest([seed_path("002")], store)
    assert report.documents == 1 and not report.failed
    rows = store.select("""
        SELECT ?rel ?fromNo ?toNo ?file WHERE {
          ?from ?rel ?to ; bk:docNumber ?fromNo ; bk:embeddedIn/bk:sourceFile ?file .
          ?to bk:docNumber ?toNo .
          VALUES ?rel { bk:forwards bk:basedOn }
        } ORDER BY ?rel ?toNo""")
    got = {(r["rel"].split("#")[1], r["fromNo"], r["toNo"]) for r in rows}
    assert got == {
        ("forwards", N58, N63),
        ("basedOn", N63, "晋政办发〔2021〕12号"),
        ("basedOn", N63, "晋财综〔2021〕34号"),
    }
    assert {r["file"] for r in rows} == {SEED_FILES["002"]}
    # bk:cites sees every link, forwarding and basis included
    cited = store.select(f"SELECT ?to WHERE {{ ?p bk:docNumber \"{N63}\" ; bk:cites/bk:docNumber ?to }}")
    assert {"晋政办发〔2021〕12号", "晋财综〔2021〕34号"} <= {r["to"] for r in cited}
    dated = store.select(f"SELECT ?d WHERE {{ ?p bk:docNumber \"{N58}\" ; dcterms:issued ?d }}")
    assert [r["d"] for r in dated] == ["2021-11-15"]
    n = store.select("SELECT (COUNT(?c) AS ?n) WHERE { ?c skos:inScheme ?s . ?pol bk:issuesCatalogue ?s }")
    assert n[0]["n"] == 657


# ---------------------------------------------------------------- the segmenter on a text of our own

OWN = """十二、其他说明
（一）其他
无。
某县教育局文件
某教发〔2022〕15号
某县教育局关于转发校园安全
检查办法的通知
各乡镇中心学校，县直各学校：
现将《某市校园安全检查办法》（某市教〔2022〕3号）转发给你们，请认真执行。
附件：某市校园安全检查办法
某县教育局
2022年5月6日
某市教育局文件
某市教〔2022〕3号
某市教育局关于印发校园安全检查办法的通知
各县教育局：
根据《学校安全条例》（某省政发〔2020〕8号）等规定，结合实际，制定本办法（以下简称《检查办法》）。
《检查办法》自印发之日起施行，参照《消防手册》执行。
某市教育局办公室
2022年4月1日印发
校园服务目录
代码\t一级目录\t二级目录\t三级目录\t四级目录
安全\t保卫\t,
A\t公共服务
A01\t\t安全 服务
A0101\t\t\t校园巡查服务
A010101\t\t\t\t夜间巡逻服务
后勤
A\t公共服务
A01\t\t安全服务
A0101\t\t\t校园巡查服务
A010101\t\t\t\t门卫值守服务
某县教育局办公室
2022年5月9日印发
第四部分 名词解释
一、基本支出：略。"""


def test_segmenter_on_our_own_text():
    lines = lines_from_text(OWN)
    spans = find_embedded(lines)
    assert [s.issuer for s in spans] == ["某县教育局", "某市教育局"]
    county, city = spans
    assert [l.no for l in county.title] == [6, 7]
    assert (county.recipients.no, [l.no for l in county.body]) == (8, [9])
    assert (county.signed.no, county.printed.no, county.printer.no) == (12, 34, 33)
    assert (county.first, county.last) == (4, 34)  # the city's document is its attachment
    assert (city.first, city.last) == (13, 32)
    assert [l.no for l in city.body] == [17, 18]
    assert (city.printed.no, city.catalogue.title.no, city.catalogue.last) == (20, 21, 32)
    assert county.catalogue is None
    assert embedded_line_numbers(spans) == set(range(4, 35))

    county_doc, city_doc = embedded_documents("own.txt", spans)
    assert county_doc.title == "某县教育局关于转发校园安全检查办法的通知"
    assert (county_doc.docno, county_doc.date) == ("某教发〔2022〕15号", datetime.date(2022, 5, 6))  # signed
    assert county_doc.recipients == "各乡镇中心学校，县直各学校"
    assert [(c.relation, c.target) for c in county_doc.cites] == [("forwards", "某市教〔2022〕3号")]
    assert city_doc.date == datetime.date(2022, 4, 1)
    assert [(c.relation, c.target) for c in city_doc.cites] == [("basedOn", "某省政发〔2020〕8号"), ("cites", "消防手册")]


def test_catalogue_of_our_own_text():
    from kg.extract.catalogue import catalogue_items

    items = catalogue_items("own.txt", find_embedded(lines_from_text(OWN)))
    assert [(i.department, i.code, i.name) for i in items if i.level == 4] == [
        ("安全保卫", "A010101", "夜间巡逻服务"), ("后勤", "A010101", "门卫值守服务")]
    assert {i.issued_by for i in items} == {"某市教〔2022〕3号"}
    assert items[1].name == "安全服务"


def test_a_files_line_without_a_number_opens_nothing():
    text = "三、其他说明\n请各单位学习上级文件\n上级文件\n按时完成工作。\n第四部分 名词解释"
    assert find_embedded(lines_from_text(text)) == []


def test_a_document_forwarded_by_title_only_is_forwarded():
    text = """某区民政局文件
某区民发〔2023〕4号
某区民政局关于转发《社区服务规范》的通知
各街道：
现将《社区服务规范》转发给你们，请遵照执行。
某区民政局办公室
2023年2月1日印发"""
    (doc,) = embedded_documents("own.txt", find_embedded(lines_from_text(text)))
    assert [(c.relation, c.target) for c in doc.cites] == [("forwards", "社区服务规范")]


# ---------------------------------------------------------------- one policy reproduced by two documents

def _with_own(src, dst):
    """The sample ``src`` with OWN's two notices (and the catalogue) printed before its 第四部分: ``dst``."""
    lines = src.read_text("utf-8").split("\n")
    at = max(i for i, l in enumerate(lines) if l.startswith("第四部分 名词解释"))
    block = OWN.split("\n")[3:34]  # 某县教育局文件 … 2022年5月9日印发
    dst.write_text("\n".join(lines[:at] + block + lines[at:]), "utf-8")
    return at + 1  # the 1-based line the county's notice starts on


@pytest.fixture(scope="module")
def two_copies(tmp_path_factory):
    """A store of the two samples, each reprinting OWN's notices, at different lines."""
    from kg.pipeline import ingest
    from kg.store import Store

    tmp = tmp_path_factory.mktemp("copies")
    docs = tmp / "docs"
    docs.mkdir()
    starts = {}
    for src in sorted(SAMPLE.glob("*.txt")):
        starts[src.name] = _with_own(src, docs / src.name)
    store = Store(tmp / "store")
    report = ingest(sorted(docs.iterdir()), store)
    assert report.documents == 2 and not report.failed
    yield store, starts
    store.close()


def test_each_reproduction_keeps_its_own_document_and_line(two_copies):
    from kg.queries import query_text

    store, starts = two_copies
    a, b = sorted(starts)
    assert (starts[a], starts[b]) == (541, 495)
    rows = store.select(query_text("policy-reproductions.rq"), policy=iri.policy("某教发〔2022〕15号"))
    assert [(r["file"], r["line"], r["page"], r["snippet"]) for r in rows] == [
        (a, 541, None, "某县教育局文件 某教发〔2022〕15号"), (b, 495, None, "某县教育局文件 某教发〔2022〕15号")]
    city = store.select(query_text("policy-reproductions.rq"), policy=iri.policy("某市教〔2022〕3号"))
    assert [(r["file"], r["line"]) for r in city] == [(a, 550), (b, 504)]
    # the shared policy node carries no location of its own: n files and n lines on it would pair with nothing
    assert store.select("SELECT ?p ?l WHERE { ?p a bk:PolicyDocument ; bk:sourceLine ?l }") == []


def test_a_chain_through_two_reproductions_is_one_row_a_link(two_copies):
    from kg.queries import query_text

    store, starts = two_copies
    a, _ = sorted(starts)
    rows = store.select(query_text("policy-citation-chains.rq"), policy=iri.policy("某市教〔2022〕3号"))
    got = [(r["direction"], r["relation"], r["fromDocno"], r["toDocno"] or r["toTitle"], r["file"], r["line"],
            r["copies"]) for r in rows]
    assert got == [
        ("downstream", "forwards", "某教发〔2022〕15号", "某市教〔2022〕3号", a, 541, 2),
        ("upstream", "basedOn", "某市教〔2022〕3号", "某省政发〔2020〕8号", a, 550, 2),
        ("upstream", "cites", "某市教〔2022〕3号", "消防手册", a, 550, 2),
    ]


def test_trace_and_graph_view_list_every_reproduction(two_copies):
    from kg.queries import query_text
    from kg.trace import Reproduction, trace

    store, starts = two_copies
    a, b = sorted(starts)
    (p,) = trace(store, "某市教[2022]3号").policies
    assert p.reproductions == [Reproduction(a, 550), Reproduction(b, 504)]
    assert (p.embedded_in, p.embedded_where) == (a, "line 550")
    assert {(l.relation, l.file, l.line, l.copies) for l in p.links} == {
        ("forwards", a, 541, 2), ("basedOn", a, 550, 2), ("cites", a, 550, 2)}
    view = {r["docno"]: r for r in store.select(query_text("graph/policies.rq")) if r["docno"]}
    county = view["某教发〔2022〕15号"]
    assert (county["file"], county["line"], county["copies"]) == (a, 541, 2)
    assert county["snippet"] == "某县教育局文件 某教发〔2022〕15号"
    assert (view["某省政发〔2020〕8号"]["file"], view["某省政发〔2020〕8号"]["copies"]) == (None, 0)
    from kg.visualise import build_network

    g = build_network(store)
    node = g.nodes[str(iri.policy("某教发〔2022〕15号"))]
    assert (node["reproducedIn"], node["file"], node["line"], node["source"]) == (2, a, 541, f"{a} line 541")
    assert "reproducedIn" not in g.nodes[str(iri.policy("某省政发〔2020〕8号"))]


def test_removing_one_document_removes_its_reproduction_only(tmp_path):
    from kg.pipeline import ingest
    from kg.queries import query_text
    from kg.store import Store

    docs = tmp_path / "docs"
    docs.mkdir()
    for src in sorted(SAMPLE.glob("*.txt")):
        _with_own(src, docs / src.name)
    a, b = sorted(p.name for p in docs.iterdir())
    with Store(tmp_path / "store") as store:
        ingest(sorted(docs.iterdir()), store)
        assert store.remove_document(a)
        rows = store.select(query_text("policy-reproductions.rq"), policy=iri.policy("某教发〔2022〕15号"))
        assert [(r["file"], r["line"]) for r in rows] == [(b, 495)]
        held = store.select("SELECT ?f WHERE { ?p bk:docNumber \"某教发〔2022〕15号\" ; bk:embeddedIn/bk:sourceFile ?f }")
        assert [r["f"] for r in held] == [b]
        chain = store.select(query_text("policy-citation-chains.rq"), policy=iri.policy("某市教〔2022〕3号"))
        assert {(r["relation"], r["file"], r["line"], r["copies"]) for r in chain} == {
            ("forwards", b, 495, 1), ("basedOn", b, 504, 1), ("cites", b, 504, 1)}
