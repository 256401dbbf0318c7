"""Project pages (项目经费情况说明) of the Shanghai layout: every page found, every field read, the project
matched to its table row, its parts and its legal basis in the graph.

The document is ours: tests/fixtures/shanghai-project-pages.txt, a small 单位预算 with a project table
and three pages after a narrative heading "四、项目经费情况说明" that only announces them:

- "科技创新专项经费情况说明" (line 27): no 项目名称, the name is the title's; its basis cites
  沪科规[2023]5号 and 《上海市普陀区科技创新专项资金管理办法》; row "科技创新专项经费" 3,000,000 元;
- "智慧园区平台建设项目经费情况说明" (line 41): 项目名称 printed, 200万元 in two numbered parts that
  add up; row "Z智慧园区平台建设项目" (prefix Z) 2,000,000 元;
- a title wrapped over lines 60-61, parts numbered "（一）", 50万元 whose parts (其中 …) add up to 53万元,
  no row: a project of its own. After it "其他相关情况说明" (line 74), which is not the page's.

The same text rendered to PDF by tests/pdfgen.py gives the same records, with pages for lines.
"""

from __future__ import annotations

import json
from decimal import Decimal as Y
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

from kg import iri
from kg.cli import main
from kg.extract.citations import role
from kg.extract.page_budget import parts_disagree, read_budget
from kg.extract.project_pages import implementing_unit, name_from_title, page_findings, parse_project_page
from kg.map import map_extraction
from kg.pipeline import extract_file
from kg.read.text import lines_from_text
from kg.segment.project_pages import find_project_pages, part_heading
from kg.vocab import BK, DCTERMS, PROV, RDF, RDFS, SKOS

FIXTURE = Path(__file__).parent / "fixtures" / "shanghai-project-pages.txt"
UNIT = "上海市普陀区示范科技服务中心"
KEJI, ZHIHUI, KEPU = "科技创新专项经费", "智慧园区平台建设项目", "上海市普陀区科普活动与科学教育基地运营经费"


@pytest.fixture(scope="module")
def text():
    return extract_file(FIXTURE)


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    from pdfgen import render_text_file

    out = tmp_path_factory.mktemp("pages") / "shanghai-project-pages.pdf"
    assert render_text_file(FIXTURE, out) == 2
    return extract_file(out)


def pages_of(text: str) -> list[tuple[int, int]]:
    """(first, last) line of every page found in a text."""
    return [(b.lines[0].no, b.lines[-1].no) for b in find_project_pages(lines_from_text(text))]


# ---------------------------------------------------------------- finding the pages


def test_the_three_pages_of_the_document_and_nothing_else():
    lines = lines_from_text(FIXTURE.read_text("utf-8"))
    blocks = find_project_pages(lines)
    assert [(b.index, b.lines[0].no, b.lines[-1].no) for b in blocks] == [(1, 27, 39), (2, 41, 58), (3, 60, 72)]
    # not the contents entry (line 8), not the heading that announces the pages (line 26),
    # not the narrative after the last page (lines 74-76)
    assert lines[25].text == "四、项目经费情况说明" and lines[73].text == "其他相关情况说明"


@pytest.mark.parametrize("title", [
    "项目经费情况说明", "科技创新专项经费情况说明", "智慧园区平台建设项目经费情况说明", "人才发展专项资金情况说明",
    "科普活动经费情况说明", "社区服务中心项目情况说明", "项目情况说明", "（一）科普活动经费情况说明",
])
def test_every_kind_of_title_is_a_page_when_parts_follow(title):
    assert pages_of(f"{title}\n一、项目概况\n甲。\n二、立项依据\n乙。") == [(1, 5)]


@pytest.mark.parametrize("text", [
    "七、项目经费情况说明.....\t33\n一、项目概况\n二、立项依据",  # a contents entry
    "“三公”经费情况说明\n2024年“三公”经费预算数为47.91万元。\n其他说明",  # a narrative heading, prose after
    "三、支出预算情况说明\n一、项目概况\n二、立项依据",  # not a page title at all
    "其他相关情况说明\n一、项目概况\n二、立项依据",
    "科普活动经费情况说明\n一、项目概况\n甲。",  # one part only
    "2024年部门预算编制说明\n一、项目概况\n二、立项依据",
])
def test_what_is_not_a_page(text):
    assert pages_of(text) == []


def test_a_heading_that_only_announces_the_pages_is_not_one_but_is_a_page_when_its_parts_follow():
    announced = "七、项目经费情况说明\n甲项目经费情况说明\n一、项目概况\n甲。\n二、立项依据\n乙。"
    assert pages_of(announced) == [(2, 6)]
    assert pages_of("七、项目经费情况说明\n一、项目概况\n甲。\n二、立项依据\n乙。") == [(1, 5)]


def test_a_title_wrapped_over_two_lines():
    text = "上海市普陀区万里街道社区公共服务中心新建工程项目\n经费情况说明\n一、项目概况\n甲。\n二、立项依据\n乙。"
    [block] = find_project_pages(lines_from_text(text))
    page = parse_project_page(block, "f.txt")
    assert page.title == "上海市普陀区万里街道社区公共服务中心新建工程项目经费情况说明"
    assert page.project_name == "上海市普陀区万里街道社区公共服务中心新建工程项目"
    assert (page.span.line, page.lines) == (1, (1, 6))


@pytest.mark.parametrize("title", ["丙项目经费情况说明", "项目经费情况说明"])
def test_a_prose_line_before_a_title_is_not_half_of_it(title):
    text = f"甲。\n二、立项依据\n乙。\n提升服务水平\n{title}\n一、项目概况\n丙。\n二、立项依据\n丁。"
    assert pages_of("科普活动经费情况说明\n一、项目概况\n" + text) == [(1, 6), (7, 11)]
    assert pages_of(f"甲。\n\n提升服务水平\n{title}\n一、项目概况\n丙。\n二、立项依据\n丁。")[0][0] == (4 if title[0] == "丙" else 3)


@pytest.mark.parametrize("after, end", [
    ("其他相关情况说明\n一、“三公”经费", 5),  # a narrative heading
    ("第三部分 其他\n甲", 5),  # the next part of the document
    ("一、政府采购预算情况\n甲", 5),  # a heading one level above parts numbered （一）
    ("（三）实施周期\n2025年\n（五）绩效目标\n甲", 9),  # parts that skip a number are still parts
    ("（三）其他需要说明的事项\n甲", 7),  # a part named otherwise, numbered next
    ("（九）资金使用范围\n甲", 5),  # a heading that does not continue the numbering
])
def test_a_page_ends_with_the_parts_it_holds(after, end):
    text = "科普活动经费情况说明\n（一）项目概况\n甲。\n（二）立项依据\n乙。\n" + after
    assert pages_of(text) == [(1, end)]


@pytest.mark.parametrize("line, name, rest", [
    ("二、立项依据", "立项依据", ""),
    ("（二）政策依据：沪科规〔2023〕5号", "立项依据", "沪科规〔2023〕5号"),
    ("2. 项目实施周期", "实施周期", ""),
    ("（6）年度预算：200万元", "年度预算安排", "200万元"),
    ("项目名称：智慧园区平台建设项目", "项目名称", "智慧园区平台建设项目"),
    ("实施主体：区科委", "实施主体", "区科委"),
    ("一、项目概述 本项目支持企业", "项目概况", "本项目支持企业"),
])
def test_part_headings_as_printed(line, name, rest):
    head = part_heading(line)
    assert (head.name, head.rest) == (name, rest)


# ---------------------------------------------------------------- reading a page


def test_a_page_numbered_1_with_its_name_printed_and_unnumbered_parts():
    text = (
        "专项经费情况说明\n项目名称：人才公寓租赁补贴\n1.项目概况\n为引进人才提供租赁补贴。\n2.政策依据\n"
        "根据沪人社规〔2022〕1号。\n3.实施单位\n由上海市普陀区人才服务中心负责实施。\n4.年度预算\n"
        "年度预算为1,200,000元。\n5.绩效目标\n补贴100人。"
    )
    [block] = find_project_pages(lines_from_text(text))
    page = parse_project_page(block, "f.txt")
    assert (page.project_name, page.annual_total, page.implementing_unit) == ("人才公寓租赁补贴", Y("1200000"), "上海市普陀区人才服务中心")
    assert page.fields == {
        "项目概况": "为引进人才提供租赁补贴。", "立项依据": "根据沪人社规〔2022〕1号。",
        "实施主体": "由上海市普陀区人才服务中心负责实施。", "年度预算安排": "年度预算为1,200,000元。", "绩效目标": "补贴100人。",
    }
    assert {k: s.line for k, s in page.field_spans.items()} == {"项目概况": 4, "立项依据": 6, "实施主体": 8, "年度预算安排": 10, "绩效目标": 12}
    assert page.notes == [] and page.page and page.goals == {"年度": "补贴100人。"}

    other = "科普活动经费情况说明\n一、项目概况\n甲。\n二、立项依据\n乙。\n三、其他需要说明的事项：无\n四、绩效目标\n丙。"
    [block] = find_project_pages(lines_from_text(other))
    page = parse_project_page(block, "f.txt")
    assert page.fields == {"项目概况": "甲。", "立项依据": "乙。", "其他需要说明的事项": "无", "绩效目标": "丙。"}
    assert page.field_spans["其他需要说明的事项"].line == 6

    unnumbered = "科普活动经费情况说明\n项目概况：组织科普活动。\n立项依据：根据沪科规〔2023〕5号。\n年度预算安排：2025年安排20万元。"
    [block] = find_project_pages(lines_from_text(unnumbered))
    page = parse_project_page(block, "f.txt")
    assert page.fields["立项依据"] == "根据沪科规〔2023〕5号。" and page.field_spans["立项依据"].line == 3
    assert (page.project_name, page.annual_total) == ("科普活动经费", Y("200000"))


@pytest.mark.parametrize("title, name", [
    ("科技创新专项经费情况说明", "科技创新专项经费"),
    ("智慧园区平台建设项目经费情况说明", "智慧园区平台建设项目"),
    ("智慧园区平台建设项目情况说明", "智慧园区平台建设项目"),
    ("人才发展专项资金情况说明", "人才发展专项资金"),
    ("科普活动经费情况说明", "科普活动经费"),
    ("2025年度科普活动经费情况说明", "科普活动经费"),
    ("（二）科普活动经费情况说明", "科普活动经费"),
    ("项目经费情况说明", None), ("专项经费情况说明", None), ("七、项目经费情况说明", None),
])
def test_the_name_a_title_gives(title, name):
    assert name_from_title(title) == name


@pytest.mark.parametrize("body, unit", [
    ("上海市普陀区示范科技服务中心", UNIT),
    ("由上海市普陀区示范科技服务中心负责实施。", UNIT),
    ("实施主体为上海科技馆，具体由其教育部组织。", "上海科技馆"),
    ("本工程由建设单位万里街道办事处建设、招标代理单位对本工程进行招标。", "万里街道办事处"),
    ("区内各科技企业。", None),
    ("由区科委牵头，各街镇配合实施。", None),
])
def test_the_unit_an_implementing_body_names(body, unit):
    assert implementing_unit(body) == unit


def budget(text: str):
    return read_budget([(l, l.text) for l in lines_from_text(text)], "f.txt")


@pytest.mark.parametrize("text, total, parts, notes", [
    ("2025年预算安排300万元，其中：设备购置费120万元，软件开发费80万元，运维服务费100万元。", Y("3000000"),
     [("设备购置费", Y("1200000")), ("软件开发费", Y("800000")), ("运维服务费", Y("1000000"))], []),
    ("（一）设备购置费：120万元；\n（二）软件开发费为80.5万元。", Y("2005000"),
     [("设备购置费", Y("1200000")), ("软件开发费", Y("805000"))], ["年度资金总额 is the sum of the 2 parts listed in 年度预算安排"]),
    ("项目总预算500万元，2025年预算安排200万元。", Y("2000000"), [], []),
    ("年度预算为1,200,000元，其中：一般公共预算1,000,000元，单位自筹200,000元。", Y("1200000"), [],
     ["年度预算安排 splits the money by source: the split is not read as the project's parts"]),
    ("第一季度用款计划1.50万元，第二季度用款计划2.00万元。", Y("35000.00"), [],
     ["年度资金总额 is the sum of 2 用款计划 figures in 年度预算安排"]),
    ("按进度拨付。", None, [], ["年度预算安排 states no amount that can be read"]),
])
def test_the_years_money_and_its_parts(text, total, parts, notes):
    b = budget(text)
    assert (b.total, [(p.name, p.amount) for p in b.parts], b.notes) == (total, parts, notes)
    assert parts_disagree(b) is None


def test_parts_that_do_not_add_up_are_kept_and_said_so():
    b = budget("2025年预算安排50万元。\n其中：活动组织费20万元，场地租赁费25万元，宣传印刷费8万元。")
    assert (b.total, b.stated, parts_disagree(b)) == (Y("500000"), Y("500000"), (Y("500000"), Y("530000")))
    assert [(p.name, p.amount, p.span.line, p.span.text) for p in b.parts] == [
        ("活动组织费", Y("200000"), 2, "活动组织费20万元"), ("场地租赁费", Y("250000"), 2, "场地租赁费25万元"),
        ("宣传印刷费", Y("80000"), 2, "宣传印刷费8万元"),
    ]
    assert b.notes == ["the parts listed in 年度预算安排 add up to 530,000 元, not the 500,000 元 it states"]


# ---------------------------------------------------------------- the document: records


def records(ex):
    """What the pages give, in document order, without positions."""
    return [
        (p.name, p.row.amount if p.row else None, p.kpi.project_name, p.kpi.title, p.kpi.annual_total,
         [(x.name, x.amount) for x in p.kpi.parts], p.kpi.implementing_unit, p.kpi.period, p.kpi.fields, p.kpi.notes)
        for p in ex.projects
    ]


EXPECTED = [
    (KEJI, Y("3000000"), KEJI, "科技创新专项经费情况说明", Y("3000000"), [], UNIT, "2025年1月至2025年12月。", {
        "项目概况": "支持区内科技型中小企业开展研发活动和成果转化。",
        "立项依据": "根据上海市科学技术委员会沪科规[2023]5号文件和《上海市普陀区科技创新专项资金管理办法》。",
        "实施主体": UNIT, "实施周期": "2025年1月至2025年12月。", "年度预算安排": "2025年预算安排300万元。",
        "绩效目标": "支持企业不少于30家。",
    }, ["项目名称 is not printed: taken from the title ('科技创新专项经费情况说明')"]),
    ("Z" + ZHIHUI, Y("2000000"), ZHIHUI, "智慧园区平台建设项目经费情况说明", Y("2000000"),
     [("设备购置费", Y("1200000")), ("软件开发费", Y("800000"))], UNIT, "2025年3月至2025年11月。", {
        "项目概况": "建设园区企业服务、能耗监测和安全管理一体化平台。", "立项依据": "根据沪府办发〔2021〕22号文件。",
        "实施主体": "由上海市普陀区示范科技服务中心负责实施。", "实施方案": "分设备采购、软件开发两个阶段实施。",
        "实施周期": "2025年3月至2025年11月。",
        "年度预算安排": "2025年预算安排200万元，具体如下：（一）设备购置费120万元；（二）软件开发费80万元。",
        "绩效目标": "平台上线运行，服务园区企业200家。",
    }, []),
    (KEPU, None, KEPU, KEPU + "情况说明", Y("500000"),
     [("活动组织费", Y("200000")), ("场地租赁费", Y("250000")), ("宣传印刷费", Y("80000"))], "上海科技馆", None, {
        "项目概况": "运营科学教育基地，组织面向青少年的科普活动。", "立项依据": "根据《上海市科学技术普及条例》。",
        "实施主体": "上海科技馆",
        "年度预算安排": "2025年预算安排50万元。其中：活动组织费20万元，场地租赁费25万元，宣传印刷费8万元。",
        "绩效目标": "服务青少年5000人次。",
    }, [
        f"项目名称 is not printed: taken from the title ('{KEPU}情况说明')",
        "the parts listed in 年度预算安排 add up to 530,000 元, not the 500,000 元 it states",
    ]),
]


def test_every_page_is_a_project_matched_to_its_row(text):
    assert records(text) == EXPECTED
    assert [p.row.span.line if p.row else None for p in text.projects] == [19, 20, None]
    assert [p.match_score for p in text.projects] == [2.0, 2.0, None]
    # every page matched its row or stands alone, and the table adds up (the parts that do not are
    # test_parts_that_do_not_add_up_are_a_finding's, once the pipeline calls page_findings)
    assert [f for f in text.findings if f.check_id != "project-parts-sum"] == []


def test_where_each_fact_is_printed(text):
    keji, zhihui, kepu = (p.kpi for p in text.projects)
    assert [(k.span.line, k.lines) for k in (keji, zhihui, kepu)] == [(27, (27, 39)), (41, (41, 58)), (60, (60, 72))]
    assert kepu.span.text == KEPU + "情况说明"  # the wrapped title, joined
    assert {k: s.line for k, s in zhihui.field_spans.items()} == {
        "项目概况": 44, "立项依据": 46, "实施主体": 48, "实施方案": 50, "实施周期": 52, "年度预算安排": 54, "绩效目标": 58,
    }
    assert [(x.span.line, x.span.text) for x in zhihui.parts] == [(55, "设备购置费120万元"), (56, "软件开发费80万元")]
    assert {x.span.line for x in kepu.parts} == {70}


def test_the_legal_basis_justifies_and_the_narrative_only_mentions(text):
    got = [(r.key, r.raw_docno, r.project, r.section, role(r), r.span.line) for r in text.references]
    assert got == [
        ("沪科规〔2023〕5号", "沪科规[2023]5号", 0, "立项依据", "justifiedBy", 31),
        ("上海市普陀区科技创新专项资金管理办法", None, 0, "立项依据", "justifiedBy", 31),
        ("沪府办发〔2021〕22号", "沪府办发〔2021〕22号", 1, "立项依据", "justifiedBy", 46),
        ("上海市科学技术普及条例", None, 2, "立项依据", "justifiedBy", 65),
        ("沪财预〔2024〕10号", "沪财预〔2024〕10号", None, "2025年“三公”经费预算情况说明", "mentions", 24),
    ]


def test_parts_that_do_not_add_up_are_a_finding(text):
    [f] = page_findings(text.projects)
    assert (f.check_id, f.severity, f.project, f.expected, f.actual, f.span.line) == (
        "project-parts-sum", "warning", 2, Y("500000"), Y("530000"), 69,
    )
    assert f.message == (
        f"{KEPU}情况说明 of '{KEPU}' (line 60): the 3 parts its 年度预算安排 lists add up to 530,000 元, "
        "not the 500,000 元 it states"
    )


def test_the_pdf_gives_the_same_records_with_pages(text, pdf):
    assert records(pdf) == EXPECTED
    assert [r for r in ((r.key, r.project, r.section, role(r)) for r in pdf.references)] == [
        (r.key, r.project, r.section, role(r)) for r in text.references
    ]
    assert [(p.kpi.span.page, p.kpi.span.line) for p in pdf.projects] == [(1, None), (1, None), (1, None)]
    assert [(x.span.page, x.span.text) for p in pdf.projects for x in p.kpi.parts] == [
        (1, "设备购置费120万元"), (1, "软件开发费80万元"),
        (2, "活动组织费20万元"), (2, "场地租赁费25万元"), (2, "宣传印刷费8万元"),
    ]
    assert [r.span.page for r in pdf.references] == [1, 1, 1, 2, 1]
    assert [(f.check_id, f.expected, f.actual, f.span.page) for f in page_findings(pdf.projects)] == [
        ("project-parts-sum", Y("500000"), Y("530000"), 2),
    ]


# ---------------------------------------------------------------- the graph


@pytest.fixture(scope="module")
def graph(text):
    m = map_extraction(text)
    g = Graph()
    for t in m.triples:
        g.add(t)
    return g, m.doc


def test_the_graph_of_the_pages(graph):
    g, d = graph
    p1, p2, p3 = (iri.under(d, "project", n) for n in (1, 2, 3))
    unit = iri.unit(UNIT)
    assert [str(g.value(p, RDFS.label)) for p in (p1, p2, p3)] == [KEJI, "Z" + ZHIHUI, KEPU]
    assert [g.value(p, BK.amount).toPython() for p in (p1, p2, p3)] == [Y("3000000"), Y("2000000"), Y("500000")]
    assert [g.value(p, BK.implementedBy) for p in (p1, p2, p3)] == [unit, unit, unit]  # 上海科技馆 is not a unit of the document
    assert [str(g.value(p, BK.implementingUnitName)) for p in (p1, p2, p3)] == [UNIT, UNIT, "上海科技馆"]
    assert str(g.value(p2, BK.implementingBody)) == "由上海市普陀区示范科技服务中心负责实施。"
    assert str(g.value(p2, BK.implementationPlan)) == "分设备采购、软件开发两个阶段实施。"
    assert str(g.value(p1, BK.projectPeriod)) == "2025年1月至2025年12月。"
    assert set(g.objects(p1, BK.justifiedBy)) == {
        iri.policy("沪科规〔2023〕5号"), iri.policy_title("上海市普陀区科技创新专项资金管理办法"),
    }
    assert set(g.objects(p2, BK.justifiedBy)) == {iri.policy("沪府办发〔2021〕22号")}
    assert set(g.objects(p3, BK.justifiedBy)) == {iri.policy_title("上海市科学技术普及条例")}
    assert list(g.subjects(BK.mentions, iri.policy("沪财预〔2024〕10号"))) == [d]  # the narrative: the document's
    t3 = g.value(p3, BK.hasTargetTable)
    assert (str(g.value(t3, DCTERMS.title)), int(g.value(t3, BK.sourceLine)), int(g.value(t3, BK.lastLine))) == (
        KEPU + "情况说明", 60, 72,
    )
    assert sorted(map(str, g.objects(t3, SKOS.editorialNote))) == sorted(EXPECTED[2][-1])


def test_the_parts_in_the_graph(graph):
    g, d = graph

    def items(n: int) -> list[tuple]:
        p = iri.under(d, "project", n)
        out = []
        for item in g.objects(p, BK.hasBudgetItem):
            assert (item, RDF.type, BK.BudgetItem) in g and (item, PROV.wasDerivedFrom, d) in g
            out.append((int(g.value(item, BK.sequence)), str(g.value(item, RDFS.label)), g.value(item, BK.amount).toPython(),
                        int(g.value(item, BK.sourceLine)), str(g.value(item, BK.sourceText))))
        return sorted(out)

    assert items(1) == []
    assert items(2) == [(1, "设备购置费", Y("1200000"), 55, "设备购置费120万元"), (2, "软件开发费", Y("800000"), 56, "软件开发费80万元")]
    assert items(3) == [
        (1, "活动组织费", Y("200000"), 70, "活动组织费20万元"), (2, "场地租赁费", Y("250000"), 70, "场地租赁费25万元"),
        (3, "宣传印刷费", Y("80000"), 70, "宣传印刷费8万元"),
    ]
    item = URIRef(str(iri.under(d, "project", 2)) + "/item/1")
    assert g.value(item, BK.amount) == Literal(Y("1200000"))


def test_explain_shows_the_parts(tmp_path):
    r = CliRunner().invoke(main, ["ingest", "--explain", str(FIXTURE)])
    assert r.exit_code == 0, r.output
    assert "    part  设备购置费 = 1,200,000 元  (line 55)\n    part  软件开发费 = 800,000 元  (line 56)\n" in r.stdout


def test_trace_finds_the_project_a_page_justifies(tmp_path):
    store = tmp_path / "s"
    r = CliRunner().invoke(main, ["ingest", "--jobs", "1", "--store", str(store), str(FIXTURE)])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(main, ["trace", "--store", str(store), "沪科规[2023]5号", "--format", "json"])
    assert r.exit_code == 0, r.output
    [cite] = json.loads(r.stdout)["policies"][0]["citations"]
    assert (cite["line"], cite["amount"]) == (31, "3000000")
