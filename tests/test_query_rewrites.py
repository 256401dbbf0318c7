"""Exact answers of the audit rules rewritten for speed (issue 14: the rows Oxigraph finds by index lookups
must be the rows the plain form found): each on a copy of the sample with one phrase changed, row for row.

- empty-table-with-narrative-figures: the 说明 gives the 政府性基金 expenditure 5.00 万元, its table prints none;
- unit-name-consistent: the head of the 说明 names the unit 示范市数据管理中心, the cover 示范市数据服务中心.
"""

from __future__ import annotations

import pytest

from audit_cases import ROOT, Edit, all_rules, build_store, doc_iri, write_edited

SAMPLE = ROOT / "data" / "sample"
S1 = "demo-001_示范市数据服务中心_2025.txt"
EMPTY = Edit("empty-table", S1, "政府性基金预算拨款和国有资本经营预算拨款均为0万元，上年结转0万元",
             "政府性基金预算拨款支出5.00万元，上年结转0万元")
NAME = Edit("unit-name", S1, "示范市数据服务中心2025年度收入预算合计", "示范市数据管理中心2025年度收入预算合计")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    base = tmp_path_factory.mktemp("rewrites")
    (base / "docs").mkdir()
    return build_store([write_edited(e, SAMPLE, base / "docs") for e in (EMPTY, NAME)], base / "store")


def _rows(store, rid: str) -> list[dict]:
    return store.select(all_rules()[rid].sparql)


def test_empty_table_with_narrative_figures_row_for_row(store):
    doc = doc_iri(EMPTY.file)
    assert _rows(store, "empty-table-with-narrative-figures") == [{
        "doc": doc, "expected": None, "actual": None, "tolerance": None,
        "message": "说明: 政府性基金预算拨款支出 50000 元; '2025年政府性基金预算支出表（不含上年结转）' prints no figure",
        "fact": f"{doc}/fact/14", "fact2": f"{doc}/table/8",
    }]


def test_unit_name_consistent_row_for_row(store):
    doc = doc_iri(NAME.file)
    assert _rows(store, "unit-name-consistent") == [{
        "doc": doc, "expected": None, "actual": None, "tolerance": None,
        "message": "narrative names the unit '示范市数据管理中心'; the cover: '示范市数据服务中心'",
        "fact": f"{doc}/mention/14", "name": "示范市数据管理中心", "place": "narrative",
    }]
