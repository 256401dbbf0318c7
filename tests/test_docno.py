"""Canonical document numbers (kg.policy.docno) and titles (kg.policy.titles): pure functions."""

from __future__ import annotations

import pytest

from kg.policy.docno import DocNo, canonical_docno, iter_docnos, parse_docno
from kg.policy.titles import iter_titles, normalize_title

# ---------------------------------------------------------------- spellings seen in real documents

SPELLINGS = [
    ("晋财综【2024】37号", "晋财综〔2024〕37号"),
    ("晋财综[2024]37号", "晋财综〔2024〕37号"),
    ("晋财综(2024)37号", "晋财综〔2024〕37号"),
    ("晋财综（2024）37号", "晋财综〔2024〕37号"),
    ("晋财综﹝2024﹞37号", "晋财综〔2024〕37号"),
    ("晋财综〔2024〕第37号", "晋财综〔2024〕37号"),
    ("晋财综〔2024〕037号", "晋财综〔2024〕37号"),
    ("晋财综（２０２４）３７号", "晋财综〔2024〕37号"),
    ("晋财综〔2021〕34 号", "晋财综〔2021〕34号"),
    ("晋财综\n〔2024〕\n37号", "晋财综〔2024〕37号"),
    ("晋财综 〔 2024 〕 第 37 号", "晋财综〔2024〕37号"),
    ("晋市僖字2018[10]号", "晋市僖字〔2018〕10号"),
    ("同政管发【2011】第21号", "同政管发〔2011〕21号"),
    ("同办字【2019】116号", "同办字〔2019〕116号"),
    ("同审管投资发(2020)64号", "同审管投资发〔2020〕64号"),
    ("晋财省直【2019】60号", "晋财省直〔2019〕60号"),
    ("（晋财综[2021]63号）", "晋财综〔2021〕63号"),
]

DECREES = [
    ("国务院令492号", "国务院令第492号", "国务院"),
    ("国务院令第492号", "国务院令第492号", "国务院"),
    ("省政府令237号", "省政府令第237号", "省政府"),
    ("财政部第102号令", "财政部令第102号", "财政部"),
    ("财政部令第102号", "财政部令第102号", "财政部"),
    ("中华人民共和国财政部第102号令", "财政部令第102号", "财政部"),
    ("住房和城乡建设部令第5号", "住房和城乡建设部令第5号", "住房和城乡建设部"),
]

NOT_NUMBERS = [
    "2024年4月15日", "2023年12月31日", "20231120163030", "13835231886", "4010658",
    "1,101.04万元", "391,308元", "1898万元", "(2023-2025)", "（2020-2022年）", "2025年12月",
    "第一批", "第三部分", "99年", "恒安街199号", "〔2024〕37号", "命令第3号", "",
]


@pytest.mark.parametrize("raw, canonical", SPELLINGS)
def test_spelling_variants_share_one_canonical_form(raw, canonical):
    assert canonical_docno(raw) == canonical


def test_parse_docno_fields():
    assert parse_docno("晋人社厅发【2023】24号") == DocNo("晋人社厅发〔2023〕24号", "晋人社厅发", 2023, 24, "docno")


@pytest.mark.parametrize("raw, canonical, organ", DECREES)
def test_decrees(raw, canonical, organ):
    docno = parse_docno(raw)
    assert docno == DocNo(canonical, organ, None, docno.serial, "decree")


@pytest.mark.parametrize("text", NOT_NUMBERS)
def test_not_a_document_number(text):
    assert parse_docno(text) is None


def test_leading_connectors_are_not_part_of_the_code():
    text = "根据晋市僖字2018[10]号《关于大数据政务云平台所需资金的请示》"
    [(start, end, docno)] = iter_docnos(text)
    assert text[start:end] == "晋市僖字2018[10]号"
    assert docno.issuer_code == "晋市僖字"


def test_a_full_organ_name_before_the_code_is_not_swallowed():
    [(start, _end, docno)] = iter_docnos("山西省财政厅晋财综〔2024〕37号")
    assert (start, docno.issuer_code) == (6, "晋财综")


@pytest.mark.parametrize("organ, code", [
    ("山西省人力资源和社会保障厅", "晋人社厅发"),  # the organ holds 和
    ("山西省国家密码管理局", "晋秘局秘发"),  # the code holds 局
    ("大同市人民政府办公室", "同办字"),
    ("国家税务总局山西省税务局", "晋税发"),
])
def test_an_organ_name_before_the_code_ends_where_the_code_starts(organ, code):
    [(start, _end, docno)] = iter_docnos(f"根据{organ}{code}〔2023〕24号")
    assert (start, docno.issuer_code) == (2 + len(organ), code)


def test_prose_and_organs_joined_by_and_are_not_part_of_a_decree():
    assert [d.canonical for _, _, d in iter_docnos("财政部和国务院令第1号")] == ["国务院令第1号"]
    assert [d.canonical for _, _, d in iter_docnos("项目和晋财综〔2024〕1号")] == ["晋财综〔2024〕1号"]


def test_adjacent_numbers_are_separate():
    text = "（同政发〔2013〕26号）同政管发〔2013〕第20号"
    assert [d.canonical for _, _, d in iter_docnos(text)] == ["同政发〔2013〕26号", "同政管发〔2013〕20号"]


def test_numbers_never_span_a_tab():
    assert list(iter_docnos("晋市审管批[2021\t]95号")) == []


# ---------------------------------------------------------------- titles

def test_normalize_title_keeps_inner_marks():
    assert normalize_title("《关于印发〈省直部门信息化建设项目支出预算方案编制规范和预算编制标准〉的通知》") == (
        "关于印发〈省直部门信息化建设项目支出预算方案编制规范和预算编制标准〉的通知"
    )


def test_normalize_title_removes_line_wraps():
    assert normalize_title(" 《山西省财政厅关于\n 做好2017年度部门决算工作的通知》\n") == "山西省财政厅关于做好2017年度部门决算工作的通知"


def test_titles_balanced_and_nested():
    text = "《A》《关于转发《B》的通知》C》《D"
    assert [text[s:e] for s, e in iter_titles(text)] == ["《A》", "《关于转发《B》的通知》"]


def test_unbalanced_closing_mark_is_not_a_title():
    text = "文件及关于申请12345政务服务热线接诉即办为民服务平台项目运维经费的请示》张强市长已批示。"
    assert list(iter_titles(text)) == []


def test_a_title_never_spans_a_tab():
    assert list(iter_titles("《网络安全\t法》")) == []
