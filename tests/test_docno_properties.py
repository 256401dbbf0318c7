"""Properties of kg.policy.docno: every spelling of a number has one canonical form, a number is
found in running text exactly where it is printed, and nothing else ever reads as a number.

The examples are derandomised (and no example database is used), so every run and CI draw
the same cases.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.policy.docno import DocNo, canonical_docno, iter_docnos, parse_docno


def fixed(n: int) -> settings:
    return settings(max_examples=n, derandomize=True, database=None, deadline=None)


FULL = str.maketrans("0123456789", "０１２３４５６７８９")
BRACKETS = [("〔", "〕"), ("【", "】"), ("[", "]"), ("(", ")"), ("（", "）"), ("﹝", "﹞"), ("［", "］")]
# between the parts of a number: spaces, full-width spaces, line breaks; never a tab (tabs
# separate table cells, so a number never spans one)
GAPS = st.sampled_from(["", "", "", " ", "  ", "\u3000", "\n", " \n", "\r\n"])

# ---------------------------------------------------------------- generated numbers

REAL_CODES = ["晋财综", "同办字", "晋人社厅发", "云政办发", "国办发", "晋市审管批", "晋财省直预",
              "同审管投资发", "财办", "晋市僖字", "公通字", "同政服字", "沪府规", "普发改投",
              "晋秘局秘发", "晋政信函", "沪商规", "晋财库", "晋市财综", "国发"]
# Characters that occur in real 机关代字. Left out: the prose and stop characters docno.py
# treats as boundaries (的 于 及 号 令 件 年 月 日 和 与 …), and 第, which a number may carry.
CODE_CHARS = "晋财综同办字政发市审管批云国公通沪普改投人社厅库行预信函秘局省直服资商规府京津冀"
# Organ words never occur in a code: a "code" holding one after an organ name could be split
# either way (山西省财政厅|办公厅字 or 山西省财政厅办公厅|字), so the generator leaves them out.
ORGAN_WORDS = ("政府", "办公厅", "办公室", "委员会", "中心")

codes = st.sampled_from(REAL_CODES) | st.text(alphabet=CODE_CHARS, min_size=2, max_size=6).filter(
    lambda c: not any(w in c for w in ORGAN_WORDS)
)


@st.composite
def spelled_docnos(draw):
    """(spelling, DocNo): a number of GB/T 9704 form written in one of the spellings found in
    the documents: any bracket pair, optional 第, leading zeros, gaps, full-width digits, and the
    year written after the code with the serial in brackets (晋市僖字2018[10]号)."""
    code, year, serial = draw(codes), draw(st.integers(1990, 2035)), draw(st.integers(1, 9999))
    opening, closing = draw(st.sampled_from(BRACKETS))
    serial_text = "0" * draw(st.integers(0, 2)) + str(serial)
    year_text = str(year)
    if draw(st.booleans()):
        serial_text = serial_text.translate(FULL)
    if draw(st.booleans()):
        year_text = year_text.translate(FULL)
    di = draw(st.sampled_from(["", "第", "第 "]))
    g = [draw(GAPS) for _ in range(5)]
    if draw(st.integers(0, 3)) == 0:  # year after the code, serial in brackets
        text = f"{code}{g[0]}{year_text}{g[1]}{opening}{g[2]}{di}{serial_text}{g[3]}{closing}{g[4]}号"
    else:
        text = f"{code}{g[0]}{opening}{g[1]}{year_text}{g[2]}{closing}{g[3]}{di}{serial_text}{g[4]}号"
    return text, DocNo(f"{code}〔{year}〕{serial}号", code, year, serial, "docno")


DECREE_ORGANS = ["国务院", "财政部", "省政府", "公安部", "山西省人民政府", "住房和城乡建设部",
                 "中国人民银行", "国家发展和改革委员会", "海关总署"]


@st.composite
def spelled_decrees(draw):
    """(spelling, DocNo): 国务院令第492号 / 国务院令492号 / 财政部第102号令, gaps, full-width digits."""
    organ, serial = draw(st.sampled_from(DECREE_ORGANS)), draw(st.integers(1, 999))
    serial_text = str(serial).translate(FULL) if draw(st.booleans()) else str(serial)
    g = [draw(GAPS) for _ in range(4)]
    if draw(st.booleans()):
        di = draw(st.sampled_from(["", "第"]))
        text = f"{organ}{g[0]}令{g[1]}{di}{g[2]}{serial_text}{g[3]}号"
    else:
        text = f"{organ}{g[0]}第{g[1]}{serial_text}{g[2]}号{g[3]}令"
    return text, DocNo(f"{organ}令第{serial}号", organ, None, serial, "decree")


@fixed(300)
@given(spelled_docnos())
def test_every_spelling_has_the_canonical_form(case):
    text, expected = case
    assert canonical_docno(text) == expected.canonical
    assert parse_docno(text) == expected
    assert parse_docno(f"（{text}）") == expected


@fixed(150)
@given(spelled_decrees())
def test_every_spelling_of_a_decree_has_the_canonical_form(case):
    text, expected = case
    assert canonical_docno(text) == expected.canonical
    assert parse_docno(text) == expected


# ---------------------------------------------------------------- in running text

# Prose without 令 (令 before 第3号 makes a decree) and without code characters at its end
# (what stands right before a code must end the code: a connector, a stop character, a mark).
PROSE = st.text(alphabet="项目资金保障单位运行经费支出预算管理实施方案建设维护服务", max_size=10)
BEFORE = st.sampled_from(["根据", "按照", "依据", "文件", "的通知", "和", "。", "，", "、", "（", " "])
AFTER = st.sampled_from(["", "文件", "的通知", "和", "要求", "规定", "。", "，", "）", "执行"])
# full organ names (six characters or more: a shorter one, 市财政局晋市财综, cannot be told from
# a code of eight characters)
ORGANS = st.sampled_from(["山西省财政厅", "大同市人民政府办公室", "山西省人力资源和社会保障厅",
                          "晋城市财政局", "上海市普陀区发展和改革委员会", "山西省国家密码管理局",
                          "国家税务总局山西省税务局", "中共大同市委办公室"])
TITLES = st.sampled_from(["《关于下达资金的通知》", "《网络安全法》", "《关于印发〈规范〉的通知》"])


@st.composite
def in_prose(draw, numbers):
    """(text, start, end, DocNo): a number inside prose, with connectors, an organ, a title."""
    number, expected = draw(numbers)
    connector = draw(BEFORE)
    if connector == "和" and expected.kind == "decree":
        # organ names hold 和 (住房和城乡建设部), so "单位和国务院令" reads like one organ: only
        # after an organ (财政部和国务院) or a mark does 和 begin the organ of a decree
        before = draw(st.sampled_from(["", "，", "财政部", "山西省人民政府", "国家发展和改革委员会"])) + "和"
    else:
        before = draw(PROSE) + connector
        if expected.kind == "decree" and draw(st.booleans()):
            before += "中华人民共和国"
    if expected.kind == "docno" and draw(st.booleans()):
        before += draw(ORGANS) + draw(st.sampled_from(["", " ", "文件 "]))
    title = draw(TITLES)
    where = draw(st.sampled_from(["none", "before", "after"]))
    if where == "before":
        before += title
    after = draw(AFTER) + (title if where == "after" else "") + draw(PROSE)
    return before + number + after, len(before), len(before) + len(number), expected


@fixed(300)
@given(in_prose(spelled_docnos()))
def test_a_number_in_prose_is_found_where_it_is_printed(case):
    text, start, end, expected = case
    assert [(s, e, d) for s, e, d in iter_docnos(text)] == [(start, end, expected)]


@fixed(150)
@given(in_prose(spelled_decrees()))
def test_a_decree_in_prose_is_found_where_it_is_printed(case):
    text, start, end, expected = case
    assert [(s, e, d) for s, e, d in iter_docnos(text)] == [(start, end, expected)]


# ---------------------------------------------------------------- never a number

@st.composite
def not_numbers(draw):
    """Dates, year ranges, phone numbers, amounts, addresses, ordinals, percentages, codes."""
    y = draw(st.integers(1990, 2035))
    m, d = draw(st.integers(1, 12)), draw(st.integers(1, 31))
    n = draw(st.integers(0, 10**9))
    small = draw(st.integers(1, 999))
    return draw(st.sampled_from([
        f"{y}年{m}月{d}日", f"{y}-{m:02d}-{d:02d}", f"{y}.{m:02d}.{d:02d}", f"{y}年度", f"{y}年{m}月",
        f"{y}-{y + 2}", f"({y}-{y + 2}年)", f"（{y}-{y + 2}）", f"{y}—{y + 2}年", f"{y}年至{y + 2}年",
        f"0{draw(st.integers(10, 999))}-{n % 10**7:07d}", f"1{draw(st.integers(3, 9))}{n % 10**9:09d}",
        f"(0{draw(st.integers(10, 999))}){n % 10**7:07d}", f"{y}{m:02d}{d:02d}{n % 10**6:06d}",
        f"{n / 100:,.2f}万元", f"{n:,}元", f"¥{n / 100:.1f}", f"{n % 10**8}", f"≤{small}万元",
        f"恒安街{small}号", f"{small}号楼", "第一批", f"第{small}号", f"{small}号文件", f"第{small}批",
        f"{n % 1000 / 10:.1f}%", f"{n % 10**7:07d}", f"A{n % 10**6:06d}", f"{small}号院",
        # a year in brackets is a number's middle: "〔2024〕 37号" after a code is a number, so
        # these carry a mark that ends them
        f"({y})，", f"〔{y}〕。",
    ]))


NOISE_PROSE = st.text(alphabet="项目资金保障单位运行经费支出预算管理市政府批准实施方案晋财综同办字，。、；：",
                      max_size=10)
SEPARATORS = st.sampled_from(["，", "。", "、", "；", " ", "\n"])


@fixed(250)
@given(NOISE_PROSE, st.lists(st.tuples(not_numbers(), SEPARATORS), min_size=1, max_size=4), NOISE_PROSE)
def test_dates_phones_amounts_and_ordinals_are_never_numbers(before, pieces, after):
    for piece, _ in pieces:
        assert parse_docno(piece) is None, piece
    text = before + "".join(p + sep for p, sep in pieces) + after
    for variant in (text, text.translate(FULL)):
        assert list(iter_docnos(variant)) == []
        assert parse_docno(variant) is None
