"""The three real Shanghai PDFs as whole documents: unit, kind, figures stated in prose, project pages,
policy basis, and the graph they make (pages as provenance)."""

from __future__ import annotations

from decimal import Decimal as Y

import pytest
from rdflib import Graph

from kg.extract.citations import role
from kg.map import map_extraction
from kg.vocab import BK, SKOS


@pytest.mark.parametrize("key, unit, kind, region", [
    ("wanli", "上海市普陀区人民政府万里街道办事处", "部门预算", "上海市普陀区"),
    ("finance", "上海市普陀区财政局", "部门决算", "上海市普陀区"),
    ("planning", "上海市普陀区规划和自然资源局", "部门决算", "上海市普陀区"),
])
def test_cover(pdf_extraction, key, unit, kind, region):
    doc = pdf_extraction(key).document
    assert (doc.unit_name, doc.year, doc.kind, doc.region, doc.span.page) == (unit, 2024, kind, region, 1)


def test_sub_units_listed_in_the_final_accounts(pdf_extraction):
    assert pdf_extraction("finance").unit.subunits == ["上海市普陀区财政局财政所", "上海市普陀区国库收付中心"]
    assert pdf_extraction("planning").unit.subunits == [
        "上海市普陀区规划和自然资源局执法大队", "上海市普陀区土地发展中心",
        "上海市普陀区自然资源确权登记事务中心", "上海市普陀区规划和自然资源管理事务中心",
    ]


STATED = {
    "wanli": [
        ("admin_running", "机关运行经费", "合计", Y("4431800")),
        ("procurement", "政府采购预算", "合计", Y("16624400")),
        ("procurement", "政府采购货物预算", "货物", Y("939800")),
        ("procurement", "政府采购工程预算", "工程", Y("8158700")),
        ("procurement", "政府采购服务预算", "服务", Y("7525900")),
        ("performance", "编报绩效目标的项目", "合计", Y("56348100")),
    ],
    "finance": [
        ("performance", "编报绩效目标的项目", "合计", Y("5984200")),
        ("admin_running", "机关运行经费", "合计", Y("1846500")),
        ("procurement", "政府采购金额", "合计", Y("2512500")),
        ("procurement", "货物采购金额", "货物", Y("47900")),
        ("procurement", "工程采购金额", "工程", Y("0")),
        ("procurement", "服务采购金额", "服务", Y("2464700")),
    ],
    "planning": [
        ("performance", "编报绩效目标的项目", "合计", Y("44154800")),
        ("admin_running", "机关运行经费", "合计", Y("1428000")),
        ("procurement", "政府采购金额", "合计", Y("23192100")),
        ("procurement", "货物采购金额", "货物", Y("1224300")),
        ("procurement", "工程采购金额", "工程", Y("13877200")),
        ("procurement", "服务采购金额", "服务", Y("8090700")),
    ],
}


@pytest.mark.parametrize("key", list(STATED))
def test_figures_stated_in_the_narrative(pdf_extraction, key):
    ex = pdf_extraction(key)
    stated = [b for b in ex.budget_lines if b.table_index == 0]
    assert [(b.table_kind, b.row_label, b.column, b.amount) for b in stated] == STATED[key]
    assert all(b.span.page in (23, 24, 27, 32) for b in stated)


def test_number_of_projects_with_targets(pdf_extraction):
    assert {k: pdf_extraction(k).stated_targets[0] for k in STATED} == {"wanli": 50, "finance": 4, "planning": 39}


def test_the_project_page_becomes_a_project_with_its_legal_basis(pdf_extraction):
    ex = pdf_extraction("wanli")
    [p] = ex.projects
    assert p.row is None and p.name == "万里街道社区公共服务中心新建工程"
    assert p.kpi.annual_total == Y("6322000")  # 4 × 158.05 万元 of quarterly plans
    assert p.kpi.span.page == 33 and p.kpi.title == "项目经费情况说明"
    assert p.kpi.notes == [
        "项目名称 is not printed: taken from 项目概况 ('建设的万里街道社区公共服务中心新建工程')",
        "年度资金总额 is the sum of 4 用款计划 figures in 年度预算安排",
    ]
    assert list(p.kpi.fields) == ["项目概况", "立项依据", "实施主体", "实施方案", "实施周期", "年度预算安排", "绩效目标"]
    assert p.kpi.implementing_unit == "万里街道办事处" and p.kpi.parts == []  # 建设单位 named in its 实施主体
    assert p.kpi.period == "第一季度审价、审计第二季度审价、审计第三季度支付尾款第四季度支付尾款。"
    basis = sorted(r.docno for r in ex.references if role(r) == "justifiedBy" and r.docno)
    assert basis == ["普发改投〔2017〕89号", "沪府规〔2016〕168号"]
    assert {r.raw_docno for r in ex.references if r.docno} == {"沪府规【2016】168号", "普发改投【2017】89号"}


def test_final_accounts_have_no_projects_and_no_findings(pdf_extraction):
    for key in ("finance", "planning"):
        ex = pdf_extraction(key)
        assert ex.projects == [] and ex.findings == []


def test_the_graph_of_a_pdf_points_at_pages(pdf_extraction):
    ex = pdf_extraction("wanli")
    g = Graph()
    for t in map_extraction(ex).triples:
        g.add(t)
    doc = next(g.subjects(BK.sourceFile, None))
    assert int(g.value(doc, BK.pageCount)) == 33 and int(g.value(doc, BK.projectsWithTargets)) == 50
    assert not list(g.subjects(BK.sourceLine, None))
    table = next(g.subjects(BK.lastPage, None))
    assert int(g.value(table, BK.sourcePage)) == 33 and int(g.value(table, BK.lastPage)) == 33
    assert len(list(g.objects(table, SKOS.editorialNote))) == 2
    project = next(g.subjects(BK.hasTargetTable, table))
    assert g.value(project, BK.implementedBy) == g.value(doc, BK.publishedBy)  # 万里街道办事处 is the department
    assert str(g.value(project, BK.implementingUnitName)) == "万里街道办事处"
