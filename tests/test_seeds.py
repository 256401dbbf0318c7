"""Seeds 001, 002 and 004 (no gold file): exact values read off the documents by hand."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from goldcheck import docnos_anywhere, projects, totals

from kg.pipeline import project_total


def test_001_unit_and_department(extraction):
    ex = extraction("001")
    assert (ex.document.unit_name, ex.document.year, ex.document.kind, ex.document.region) == (
        "大同市政务服务中心", 2025, "单位预算", "大同市")
    # the KPI tables print two codes for the same department: both are kept
    assert (ex.unit.department.code, ex.unit.department.name) == ("082", "大同市行政审批服务管理局")
    assert ex.unit.department_codes == ["082", "032"]
    assert ex.unit.offices == ["办公室", "电子政务科", "运行管理科", "公共服务科", "监督科（内审科）"]
    assert ex.unit.grade == "副处级"


def test_001_projects_add_up_to_the_project_total(extraction):
    ex = extraction("001")
    assert totals(ex) == {"total_yuan": D(8567100), "basic_yuan": D(1721300), "project_yuan": D(6845800)}
    rows = projects(ex)
    assert len(rows) == 12 and project_total(ex) == D(6845800)
    assert rows[0] == {"name": "J残疾人就业保障金", "amount_yuan": D(24000), "table": "本年预算", "subunit": None}
    assert rows[-2] == {"name": "X政务大厅二厅综合改造费", "amount_yuan": D(1072900), "table": "本年预算", "subunit": None}


def test_001_kpi_tables_match_despite_an_ocr_prefix(extraction):
    ex = extraction("001")
    pairs = {p.row.name: p.kpi.project_name for p in ex.projects if p.kpi}
    assert len(pairs) == 10
    assert pairs["Z网络系统、软件平台运维费"] == "2网络系统、软件平台运维费"  # an OCR "2" for "Z"
    # two projects have no KPI table printed (the narrative announces 12)
    assert {p.row.name for p in ex.projects if p.kpi is None} == {"Z政务工作运行经费", "X政务大厅二厅综合改造费"}
    assert sum(len(p.kpi.indicators) for p in ex.projects if p.kpi) == 64
    # KPI figures in yuan that round to the table's 0.01 万元: kept and recorded
    found = {(f.expected, f.actual) for f in ex.findings if f.check_id == "project-kpi-amount"}
    assert found == {(D(24000), D("24016.72")), (D(83300), D(83334)), (D(711300), D(711262))}


def test_001_document_numbers(extraction):
    got = docnos_anywhere(extraction("001"))
    assert ("同政管发〔2011〕21号", "同政管发【2011】第21号", "立项依据") in got
    assert ("同审管投资发〔2020〕64号", "同审管投资发(2020)64号", "立项依据") in got
    assert ("同政服字〔2024〕24号", "同政服字(2024)24号", "立项依据") in got
    assert ("晋财综〔2024〕37号", "晋财综【2024】37号", "其他说明") in got
    assert len(got) == 15


def test_002_ocr_projects_exactly(extraction):
    """The OCR document: its 15 + 1 projects, names un-wrapped, amounts exact."""
    ex = extraction("002")
    assert (ex.document.unit_name, ex.document.year, ex.document.region) == ("晋城市数据局", 2025, "晋城市")
    assert totals(ex) == {"total_yuan": D(70480100), "basic_yuan": D(1727900), "project_yuan": D(68752300)}
    rows = projects(ex)
    assert [r["table"] for r in rows].count("本年预算") == 15 and [r["table"] for r in rows].count("上年结转") == 1
    assert project_total(ex) == D(68752300)
    names = [r["name"] for r in rows]
    assert "晋城市电子政务外网提速扩能试点项目" in names  # printed "…试 点项目" across a line wrap
    assert rows[-1] == {"name": "晋城市新型智慧城市建设二期项目", "amount_yuan": D(7140100), "table": "上年结转", "subunit": None}
    carried = next(p.row for p in ex.projects if p.row and p.row.table == "上年结转")
    assert carried.funding == {"政府性基金预算": D(7140100)}


def test_002_garbled_kpi_tables_invent_no_project(extraction):
    """No project is invented from a garbled KPI table: each of its 19 printed pages (several the same
    table twice) found its project by name and amount together; tests/test_ocr_seed.py has details."""
    ex = extraction("002")
    assert all(p.row is not None for p in ex.projects)
    assert not [f for f in ex.findings if f.check_id == "kpi-unmatched"]
    assert sum(1 for p in ex.projects if p.kpi) == 14


def test_002_embedded_policy_documents_are_documents_not_mentions(extraction):
    ex = extraction("002")
    got = docnos_anywhere(ex)
    assert ("晋财综〔2023〕43号", "晋财综(2023)43号", "其他说明") in got
    # the two documents reproduced after the budget are policy documents of their own (tests/test_embedded_docs.py);
    # what they cite is theirs, not mentioned by the budget document
    assert not [d for d in got if d[2] in ("山西省财政厅文件", "晋城市财政局文件")]
    assert [e.docno for e in ex.embedded] == ["晋市财综〔2021〕58号", "晋财综〔2021〕63号"]


def test_004_department_with_three_subunits(extraction):
    ex = extraction("004")
    assert (ex.document.unit_name, ex.document.year, ex.document.kind, ex.document.region) == (
        "大同市云冈区人民政府办公室", 2023, "部门预算", "大同市云冈区")
    assert ex.unit.is_department and ex.unit.department is None and ex.unit.department_codes == ["003"]
    assert ex.unit.subunits == ["大同市云冈区人民政府办公室", "大同市云冈区公共事务服务中心", "大同市云冈区政府信息网络中心"]
    assert len(ex.unit.offices) == 10 and ex.unit.offices[0] == "政府党务室"


def test_004_projects_sit_under_their_subunits(extraction):
    ex = extraction("004")
    rows = projects(ex)
    assert len(rows) == 28 and project_total(ex) == D(8732700)
    by_unit: dict[str, D] = {}
    for r in rows:
        by_unit[r["subunit"]] = by_unit.get(r["subunit"], D(0)) + r["amount_yuan"]
    assert by_unit == {
        "大同市云冈区人民政府办公室": D(2394100),
        "大同市云冈区公共事务服务中心": D(4540100),
        "大同市云冈区政府信息网络中心": D(1798500),
    }
    # two projects share a name in one sub-unit; the KPI table goes to the one whose amount agrees
    oa = [p for p in ex.projects if p.row and p.row.name == "OA协同办公系统和门户网站运维费"]
    assert [(p.row.amount, p.kpi is not None) for p in oa] == [(D(1370000), True), (D(30000), False)]


def test_004_kpi_table_continued_on_a_second_page_is_one_table(extraction):
    ex = extraction("004")
    (biz,) = [p for p in ex.projects if p.kpi and p.kpi.project_name == "业务费"]
    assert biz.row.amount == D(1110000) and biz.row.subunit == "大同市云冈区人民政府办公室"
    assert len(biz.kpi.indicators) == 29 and biz.kpi.lines == (599, 675)
    assert [i.l3 for i in biz.kpi.indicators if i.l1 == "效益指标"] == ["保障员工正常权益", "保障单位工作正常运行", "提高部门工作效率"]
    cost = [i for i in biz.kpi.indicators if i.l2 == "成本指标" and i.target.amount_yuan]
    assert sum(i.target.amount_yuan for i in cost) == D(1110000)  # 30 + 20 + 7.5 + 7 + 0.5 + 46 万元


def test_004_clerks_are_not_kept_by_default(extraction):
    ex = extraction("004")
    assert all(not p.kpi.personal for p in ex.projects if p.kpi)
    assert docnos_anywhere(ex) == {
        ("云政办发〔2019〕116号", "云政办发[2019]116号", "立项依据"),
        ("国办发〔2014〕57号", "国办发【2014】57号", "立项依据"),
        ("晋秘局秘发〔2022〕30号", "晋秘局秘发【2022】30号", "立项依据"),
    }


def test_offices_and_grade_of_000_and_003(extraction):
    a, b = extraction("000").unit, extraction("003").unit
    assert a.offices == ["综合办公室（党建办）", "热线管理科", "网络工作科", "信息宣传科", "外联协调科", "数据分析科"]
    assert a.grade == "副处级"
    # the names the unit uses for itself: table headers, names in brackets, the short name
    assert a.variants == ["大同市人民政府信息中心", "大同市12345政务服务便民热线中心", "大同市人民政府公报室", "市政府信息化中心"]
    assert b.offices == ["办公室", "财务部", "设备运维安全管理部", "网络服务部", "业务系统应用运维部", "信息网站管理部", "培训部", "综合部"]
    assert b.grade == "正科级"  # not the "县级" of "指导县级财政…"


@pytest.mark.parametrize("key", ["000", "001", "002", "003", "004"])
def test_project_rows_add_up_to_the_project_total_of_the_expenditure_table(key, extraction):
    ex = extraction(key)
    assert project_total(ex) == totals(ex)["project_yuan"]
