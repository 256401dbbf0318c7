"""Seed 002, the OCR'd document, against labels of our own (tests/fixtures/seed-002-labels.json, read off the
text by hand; what OCR left unreadable is not labelled, and the file says what was left out and why).

Project → basis edges (立项依据: canonical number, else title) and indicators (二级, 三级, target; each once,
the 年度 side's reading) are scored by precision and recall (tests/labels002.py). The floors are the figures measured
(before the OCR work the reading scored P 0.39 / R 0.44 on edges and P 0.49 / R 0.42 on indicators against
the same labels; after its first part, P 0.77 / R 0.62 on indicators); the targets the issue sets are P ≥ 0.95 / R ≥ 0.85 for edges and P ≥ 0.90 / R ≥ 0.75
for indicators.
"""

from __future__ import annotations

import pytest
from labels002 import edges, indicators, labels, score, wanted


@pytest.fixture(scope="module")
def ex(extraction):
    return extraction("002")


def test_labels_are_our_own_reading_of_the_document():
    lab = labels()
    want_edges, want_indicators = wanted(lab)
    assert (len(want_edges), len(want_indicators)) == (16, 109)
    assert lab["file"] == "002_155276bea8e9ea1f.txt" and len(lab["left_out"]) == 9


def test_basis_edges(ex):
    want, _ = wanted(labels())
    got = edges(ex)
    precision, recall = score(got, want)
    assert (precision, recall) == (1.0, 14 / 16)
    assert want - got == {  # what the reading still misses
        ("云平台资源租用", "关于做好深化安全可靠应用重要行业领域替代工作的通知"),  # its chunks' order is lost
        ("大数据应用运行费", "国办发〔2017〕41号"),  # in a row OCR printed its five fields over each other
    }


def test_indicators(ex):
    _, want = wanted(labels())
    precision, recall = score(indicators(ex), want)
    # measured: 83 of 87 read are labelled, 83 of 109 labelled are read (P 0.954, R 0.761); the issue's
    # targets are P ≥ 0.90, R ≥ 0.75. `python tests/labels002.py` lists what is still wrong.
    assert precision >= 0.954 and recall >= 0.761, (precision, recall)


def test_garbled_titles_are_left_out_and_said_so(ex):
    by_name = {p.name: p for p in ex.projects}
    notes = by_name["云平台资源租用"].kpi.notes
    assert ("立项依据: title '关于做好深化安全可靠应用重函' left out: it runs into a cell holding two wrapped lines "
            "whose order is lost") in notes
    notes = by_name["城市云平台运维项目"].kpi.notes
    assert "立项依据: a character of another script removed from '山西省数字政府建设と规划(2020-2022年)'" in notes
    notes = by_name["电子政务外网运维服务项目"].kpi.notes
    assert ("立项依据: title '晋城:市加快数字政府建设实施方容' read as '晋城市加快数字政府建设实施方案', printed so "
            "elsewhere in the document") in notes
