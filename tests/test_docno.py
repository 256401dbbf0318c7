"""Canonical document numbers (kg.policy.docno) and titles (kg.policy.titles): pure functions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
    [(start, end, docno)] = iter_docnos("山西省财政厅晋财综〔2024〕37号")
    assert (start, docno.issuer_code) == (6, "晋财综")


def test_adjacent_numbers_are_separate():
    text = "（同政发〔2013〕26号）同政管发〔2013〕第20号"
    assert [d.canonical for _, _, d in iter_docnos(text)] == ["同政发〔2013〕26号", "同政管发〔2013〕20号"]


def test_numbers_never_span_a_tab():
    assert list(iter_docnos("晋市审管批[2021\t]95号")) == []


# ---------------------------------------------------------------- properties

REAL_CODES = ["晋财综", "同办字", "晋人社厅发", "云政办发", "国办发", "晋市审管批", "晋财省直预",
              "同审管投资发", "财办", "晋市僖字", "公通字", "同政服字"]
codes = st.sampled_from(REAL_CODES) | st.text(alphabet="晋同云国沪财政办发综字人社厅审管批省直预行库信函服",
                                               min_size=2, max_size=5)
BRACKETS = [("〔", "〕"), ("【", "】"), ("[", "]"), ("(", ")"), ("（", "）"), ("﹝", "﹞"), ("［", "］")]
gaps = st.sampled_from(["", "", "", " ", "\n", "\u3000", " \n"])
FULL = str.maketrans("0123456789", "０１２３４５６７８９")


@st.composite
def spelled_docnos(draw):
    """(spelling, canonical): one generated number written in a random spelling."""
    code, year, serial = draw(codes), draw(st.integers(1950, 2035)), draw(st.integers(1, 9999))
    opening, closing = draw(st.sampled_from(BRACKETS))
    serial_text = "0" * draw(st.integers(0, 2)) + str(serial)
    year_text = str(year)
    if draw(st.booleans()):
        serial_text, year_text = serial_text.translate(FULL), year_text.translate(FULL)
    di = "第" if draw(st.booleans()) else ""
    g = [draw(gaps) for _ in range(5)]
    if draw(st.integers(0, 4)) == 0:  # year after the code, serial in brackets
        text = f"{code}{g[0]}{year_text}{g[1]}{opening}{di}{serial_text}{g[2]}{closing}{g[3]}号"
    else:
        text = f"{code}{g[0]}{opening}{g[1]}{year_text}{g[2]}{closing}{g[3]}{di}{serial_text}{g[4]}号"
    return text, f"{code}〔{year}〕{serial}号"


@settings(max_examples=300, deadline=None)
@given(spelled_docnos())
def test_every_spelling_maps_to_the_same_canonical_form(case):
    text, canonical = case
    assert canonical_docno(text) == canonical


@settings(max_examples=300, deadline=None)
@given(spelled_docnos(), st.sampled_from(["", "根据", "按照", "。", "（", "文件 ", "和"]),
       st.sampled_from(["", "文件要求", "）", "《关于某事的通知》", "。"]))
def test_a_spelled_number_is_found_in_running_text(case, before, after):
    text, canonical = case
    found = list(iter_docnos(before + text + after))
    assert [(s, e, d.canonical) for s, e, d in found] == [(len(before), len(before) + len(text), canonical)]


@st.composite
def decrees(draw):
    organ = draw(st.sampled_from(["国务院", "省政府", "财政部", "公安部", "山西省人民政府"]))
    serial = draw(st.integers(1, 999))
    di = "第" if draw(st.booleans()) else ""
    text = draw(st.sampled_from([f"{organ}令{di}{serial}号", f"{organ}第{serial}号令"]))
    return text, f"{organ}令第{serial}号"


@settings(max_examples=100, deadline=None)
@given(decrees(), st.sampled_from(["", "按照", "中华人民共和国", "根据中华人民共和国"]))
def test_decrees_in_running_text(case, before):
    text, canonical = case
    [(start, end, docno)] = iter_docnos(before + text + "的规定")
    assert (before + text)[start:end] == text
    assert (docno.canonical, docno.kind, docno.year) == (canonical, "decree", None)


PROSE = st.text(alphabet="项目资金保障单位运行经费支出预算管理市政府批准实施方案，。、；：", max_size=12)


@st.composite
def non_numbers(draw):
    """Dates, times, phone numbers, amounts, ranges and ordinals as written in the documents."""
    y = draw(st.integers(1990, 2035))
    m, d = draw(st.integers(1, 12)), draw(st.integers(1, 31))
    whole = draw(st.integers(0, 10**9))
    return draw(st.sampled_from([
        f"{y}年{m}月{d}日", f"{y}年{m}月", f"{y}-{m:02d}-{d:02d}", f"{y}{m:02d}{d:02d}{whole % 10**6:06d}",
        f"1{draw(st.integers(3, 9))}{whole % 10**9:09d}", f"{whole % 10**7:07d}",
        f"{whole:,}元", f"{whole / 100:,.2f}万元", f"≤{whole % 100000}元", f"{whole % 10000}万元",
        f"({y}-{y + 2})", f"（{y}-{y + 2}年）", f"{whole % 100}年", "第一批", "第三部分",
        f"({y})", f"〔{y}〕", f"{whole % 1000}号",
    ]))


@settings(max_examples=300, deadline=None)
@given(PROSE, st.lists(non_numbers(), min_size=1, max_size=4), PROSE)
def test_dates_phones_and_amounts_are_not_document_numbers(before, pieces, after):
    text = before + "，".join(pieces) + after
    assert list(iter_docnos(text)) == []
    assert list(iter_docnos(text.translate(FULL))) == []


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
