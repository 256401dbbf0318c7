"""The policy-reference finder: the spaCy pipeline (kg.extract.nlp) and its API (kg.extract.references).

Expected values come from the gold files and the real seed documents in KG_SHARED
(default ``<repo>/../shared``); those tests are skipped when the folder is absent.
"""

from __future__ import annotations

import json
import os
import time
from importlib.resources import files
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract.nlp.pipeline import DEFAULT_CONFIG, load_pipeline
from kg.extract.references import FoundRef, find_references

SHARED = Path(os.environ.get("KG_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))
needs_shared = pytest.mark.skipif(
    not (SHARED / "gold").is_dir(), reason=f"shared gold files not found in {SHARED} (set KG_SHARED)"
)


def gold(name: str) -> dict:
    return json.loads((SHARED / "gold" / f"{name}.json").read_text(encoding="utf-8"))


def docnos(text: str) -> list[str | None]:
    return [r.docno for r in find_references(text) if r.docno]


def one(text: str) -> FoundRef:
    [ref] = find_references(text)
    return ref


# ---------------------------------------------------------------- gold: 立项依据 of seeds 000 and 003

def basis_cases():
    if not (SHARED / "gold").is_dir():
        return [pytest.param(None, marks=needs_shared, id="no-shared")]
    return [
        pytest.param(table, id=f"{name}-kpi{i + 1}")
        for name in ("000", "003")
        for i, table in enumerate(gold(name)["kpi_tables"])
    ]


@pytest.mark.parametrize("table", basis_cases())
def test_basis_matches_gold(table):
    refs = find_references(table["basis_text"])
    assert [r.docno for r in refs if r.docno] == table["basis_docnos"]
    assert [r.title for r in refs if r.title] == table["basis_titles"]


def anywhere_cases():
    if not (SHARED / "gold").is_dir():
        return [pytest.param(None, None, marks=needs_shared, id="no-shared")]
    return [
        pytest.param(name, entry, id=f"{name}-{entry['raw']}")
        for name in ("000", "003")
        for entry in gold(name)["docnos_anywhere"]
    ]


@pytest.mark.parametrize("name, entry", anywhere_cases())
def test_docnos_anywhere_are_found_in_the_seed_as_written(name, entry):
    seed = SHARED / "seeds" / gold(name)["file"]
    cells = [c for line in seed.read_text(encoding="utf-8").splitlines() for c in line.split("\t")]
    found = {(r.raw_docno, r.docno) for c in cells if entry["raw"] in c for r in find_references(c)}
    assert (entry["raw"], entry["docno"]) in found


# ---------------------------------------------------------------- hard cases from the other seeds

HARD = [
    ("晋人社厅发【2023】24号《就业见习管理办法》、晋人社厅发【2019】69号《山西省公益性岗位开发管理暂行办法》",
     [("晋人社厅发〔2023〕24号", "就业见习管理办法"), ("晋人社厅发〔2019〕69号", "山西省公益性岗位开发管理暂行办法")]),
    ("同政服字(2024)24号市长批复文件。", [("同政服字〔2024〕24号", None)]),
    (("(1)《中共大同市委 大同市人民政府关于进一步加强市政务大厅建设的意见》（同发〔2011〕20号） "
      "(2)《大同市人民政府关于加强全市政务服务中心规范化建设的意见》（同政发〔2013〕26号）同政管发〔2013〕第20号"),
     [("同发〔2011〕20号", "中共大同市委 大同市人民政府关于进一步加强市政务大厅建设的意见"),
      ("同政发〔2013〕26号", "大同市人民政府关于加强全市政务服务中心规范化建设的意见"),
      ("同政管发〔2013〕20号", None)]),
    ("《关于解决新建政务大厅物业费的请示》(同政管发【2011】第21号)市长已批示",
     [("同政管发〔2011〕21号", "关于解决新建政务大厅物业费的请示")]),
    (("(1)《山西省政府办公厅关于加快推进“互联网+政务服务”省市平台对接工作的通知》（晋政办发〔2018〕36号）"
      "(2)《关于分期改造升级大同市互联网+政务服务“一张网”平台的请示》（同政服字【2024】8号）"),
     [("晋政办发〔2018〕36号", "山西省政府办公厅关于加快推进“互联网+政务服务”省市平台对接工作的通知"),
      ("同政服字〔2024〕8号", "关于分期改造升级大同市互联网+政务服务“一张网”平台的请示")]),
    ("《关于申请增加网络扩容及网络设备改造费用的请示》(同审管字〔2021〕26号) 市长已批示",
     [("同审管字〔2021〕26号", "关于申请增加网络扩容及网络设备改造费用的请示")]),
    ("(关于大同市政务服务智慧大厅硬件系统升级项目可行性研究报告的批复)(同审管投资发(2020)64号)",
     [("同审管投资发〔2020〕64号", None)]),
    ("根据《国务院办公厅关于加强政府网站建设的意见》（国办发【2014】57号）和市政府通知要求。",
     [("国办发〔2014〕57号", "国务院办公厅关于加强政府网站建设的意见")]),
    ("根据山西省国家密码管理局秘电要求（晋秘局秘发【2022】30号）立此项目。", [("晋秘局秘发〔2022〕30号", None)]),
    ("大同市云冈区人民政府办公室文件 云政办发[2019]116号", [("云政办发〔2019〕116号", None)]),
    ("根据晋市僖字2018[10]号《关于大数据政务云平台所需资金的请示》",
     [("晋市僖字〔2018〕10号", "关于大数据政务云平台所需资金的请示")]),
    ("（晋财综(2023)43号）", [("晋财综〔2023〕43号", None)]),
    ("《山西人民政府办公厅关于印发山西省政府购买服务实施办法的通知》(晋政办发〔2021〕12 号)",
     [("晋政办发〔2021〕12号", "山西人民政府办公厅关于印发山西省政府购买服务实施办法的通知")]),
    ("晋市财综[2021]58号", [("晋市财综〔2021〕58号", None)]),
    ("（晋财综[2021]63号）", [("晋财综〔2021〕63号", None)]),
    ("按照中华人民共和国财政部第102号令《政府购买服务管理办法》", [("财政部令第102号", "政府购买服务管理办法")]),
]


@pytest.mark.parametrize("text, expected", HARD, ids=[t[:16] for t, _ in HARD])
def test_hard_cases(text, expected):
    assert [(r.docno, r.title) for r in find_references(text)] == expected


def test_number_written_before_the_code_keeps_its_raw_spelling():
    ref = one("根据晋市僖字2018[10]号《关于大数据政务云平台所需资金的请示》")
    assert (ref.raw_docno, ref.issuer_code, ref.year, ref.serial) == ("晋市僖字2018[10]号", "晋市僖字", 2018, 10)
    assert ref.raw == "晋市僖字2018[10]号《关于大数据政务云平台所需资金的请示》"


def test_decree_raw_excludes_the_country_name():
    ref = one("按照中华人民共和国财政部第102号令《政府购买服务管理办法》")
    assert (ref.kind, ref.raw_docno, ref.issuer_code, ref.year, ref.serial) == (
        "decree", "财政部第102号令", "财政部", None, 102)


def test_title_then_number_in_brackets_is_one_reference_with_its_closing_bracket():
    text = "山西省财政厅《山西省财政厅关于深入推进市县国库集中支付电子化管理改革的通知》(晋财库〔2020〕16号)、"
    ref = one(text)
    assert ref.raw == text[:-1]
    assert (ref.kind, ref.issuer_text, ref.raw_docno) == ("docno", "山西省财政厅", "晋财库〔2020〕16号")


def test_number_then_title_unless_the_title_is_already_paired():
    refs = find_references("《甲办法》晋财综〔2024〕37号《乙办法》")
    assert [(r.docno, r.title) for r in refs] == [("晋财综〔2024〕37号", "甲办法"), (None, "乙办法")]


def test_a_comma_separates_a_title_from_a_number():
    refs = find_references("《甲办法》、晋财综〔2024〕37号")
    assert [(r.kind, r.docno, r.title) for r in refs] == [("title", None, "甲办法"), ("docno", "晋财综〔2024〕37号", None)]


# ---------------------------------------------------------------- a number and its title, either order

NUMBER_AND_TITLE = [
    ("晋财库[2017]41号《关于推进决算系统建设的通知》", "晋财库〔2017〕41号", "关于推进决算系统建设的通知"),
    ("普发改投【2017】89号文《关于新建工程可行性研究报告的批复》", "普发改投〔2017〕89号",
     "关于新建工程可行性研究报告的批复"),
    ("晋财综〔2021〕63号文件《关于转发某办法的通知》", "晋财综〔2021〕63号", "关于转发某办法的通知"),
    ("晋财综〔2021〕63号 文件 《关于转发某办法的通知》", "晋财综〔2021〕63号", "关于转发某办法的通知"),
    ("国务院令第492号文件《政府公报管理办法》", "国务院令第492号", "政府公报管理办法"),
    ("《关于国库集中支付改革的通知》（晋财库〔2020〕16号）", "晋财库〔2020〕16号", "关于国库集中支付改革的通知"),
    ("《关于下达专项资金的通知》晋财综【2024】37号", "晋财综〔2024〕37号", "关于下达专项资金的通知"),
]


@pytest.mark.parametrize("text, docno, title", NUMBER_AND_TITLE, ids=[t[:14] for t, _, _ in NUMBER_AND_TITLE])
def test_a_number_and_its_title_are_one_reference(text, docno, title):
    ref = one("根据" + text + "进行建设。")
    assert (ref.docno, ref.title, ref.raw) == (docno, title, text)


def test_a_title_quoted_inside_an_unmarked_title_stays_on_its_own():
    """沪府规…168号文关于同意《某规划》的批复: the number's own title is written without 《》; the
    plan it quotes is a title of its own, and the number keeps no title."""
    text = "根据沪府规【2016】168号文关于同意《某规划》的批复和普发改投【2017】89号文《关于某工程的批复》进行建设。"
    refs = find_references(text)
    assert [(r.raw, r.docno, r.title) for r in refs] == [
        ("沪府规【2016】168号", "沪府规〔2016〕168号", None),
        ("《某规划》", None, "某规划"),
        ("普发改投【2017】89号文《关于某工程的批复》", "普发改投〔2017〕89号", "关于某工程的批复"),
    ]


def test_wen_after_a_number_does_not_take_a_title_already_paired():
    refs = find_references("《甲办法》晋财综〔2024〕37号文《乙办法》")
    assert [(r.docno, r.title) for r in refs] == [("晋财综〔2024〕37号", "甲办法"), (None, "乙办法")]


def test_wanli_project_page_cites_two_numbers(pdf_extraction):
    """The 立项依据 of the 万里 project (page 33 of the PDF) cites two numbers; the second is
    written before its title with 文 between, and is one reference with it."""
    refs = [r for r in pdf_extraction("wanli").references if r.span.page == 33]
    assert {r.section for r in refs} == {"立项依据"}
    assert [r.docno for r in refs if r.docno] == ["沪府规〔2016〕168号", "普发改投〔2017〕89号"]
    numbered = {r.docno: r for r in refs if r.docno}
    assert numbered["沪府规〔2016〕168号"].title is None
    assert numbered["普发改投〔2017〕89号"].title == "关于万里街道社区公共服务中心新建工程可行性研究报告的批复"
    # the only other reference is the plan quoted in the unmarked title of 沪府规〔2016〕168号
    [plan] = [r for r in refs if not r.docno]
    assert plan.title.startswith("上海市普陀区万里社区") and plan.title.endswith("控制性详细规划局部调整")


ISSUERS = [
    ("山西省财政厅《关于X的通知》", "山西省财政厅"),
    ("市委办公室、市政府办公室《优化措施（试行）》", "市委办公室、市政府办公室"),
    ("市委、市政府办公室《优化措施（试行）》", "市委、市政府办公室"),
    ("。山西省财政厅、山西省行政审批服务管理局《关于印发〈规范〉的通知》", "山西省财政厅、山西省行政审批服务管理局"),
    ("）和山西省财政厅、山西省政务信息管理局《关于印发〈规范〉的通知》", "山西省财政厅、山西省政务信息管理局"),
    ("大同市云冈区人民政府办公室文件 云政办发[2019]116号", "大同市云冈区人民政府办公室"),
    ("山西省财政厅预算管理一体化建设领导小组办公室文件《关于做好推广实施工作的通知》",
     "山西省财政厅预算管理一体化建设领导小组办公室"),
    ("按照市财政局《关于X的通知》", "市财政局"),
    ("中共大同市委 大同市人民政府《关于X的意见》", "中共大同市委 大同市人民政府"),
    ("山西省人力资源和社会保障厅《关于X的通知》", "山西省人力资源和社会保障厅"),
    ("按照《网络安全法》", None),
    ("单位《管理制度》", None),
    ("根据山西省国家密码管理局秘电要求（晋秘局秘发【2022】30号）", None),
]


@pytest.mark.parametrize("text, issuer", ISSUERS, ids=[t[:12] for t, _ in ISSUERS])
def test_issuer_named_before(text, issuer):
    assert one(text).issuer_text == issuer


NOT_REFERENCES = [
    "2024年4月15日", "2023年12月31日", "20231120163030", "联系电话13835231886", "4010658",
    "1,101.04万元", "391,308元", "1898万元", "《山西省电子政务外网建设三年行动方案》(2023-2025)",
    "（2020-2022年）", "2025年12月", "第一批", "第三部分", "项目期99年", "恒安街199号",
]


@pytest.mark.parametrize("text", NOT_REFERENCES)
def test_no_document_number(text):
    assert docnos(text) == []


def test_a_number_inside_a_title_belongs_to_the_title():
    refs = find_references("《关于转发晋财综〔2021〕63号文件的通知》")
    assert [(r.kind, r.docno, r.title) for r in refs] == [("title", None, "关于转发晋财综〔2021〕63号文件的通知")]


def test_raw_is_the_text_between_start_and_end_and_refs_are_sorted():
    text = "市委、市政府办公室《优化措施（试行）》同办字【2019】116号文件及关于申请经费的请示》，国务院令492号"
    refs = find_references(text)
    assert all(r.raw == text[r.start : r.end] for r in refs)
    assert [r.start for r in refs] == sorted(r.start for r in refs)
    assert [r.raw_docno for r in refs] == ["同办字【2019】116号", "国务院令492号"]


PROSE = st.text(alphabet="项目资金保障单位运行经费支出预算管理市政府批准实施方案，。、；：", max_size=12)
NOISE = st.one_of(
    st.builds(lambda y, m, d: f"{y}年{m}月{d}日", st.integers(1990, 2035), st.integers(1, 12), st.integers(1, 31)),
    st.integers(10**13, 10**14 - 1).map(str),
    st.integers(13 * 10**9, 19 * 10**9).map(lambda n: f"1{n}"),
    st.integers(0, 10**9).map(lambda n: f"{n:,}元"),
    st.integers(0, 10**7).map(lambda n: f"{n / 100:,.2f}万元"),
    st.integers(1990, 2030).map(lambda y: f"({y}-{y + 2})"),
    st.integers(1990, 2030).map(lambda y: f"（{y}-{y + 2}年）"),
)


@settings(max_examples=200, deadline=None)
@given(PROSE, st.lists(NOISE, min_size=1, max_size=4), PROSE)
def test_random_dates_phones_and_amounts_yield_no_number(before, pieces, after):
    assert docnos(before + "，".join(pieces) + after) == []


# ---------------------------------------------------------------- the pipeline as configuration

def test_pipeline_is_configured_and_cached():
    nlp = load_pipeline()
    assert nlp is load_pipeline()
    assert nlp.lang == "zh"
    assert nlp.pipe_names == ["bk_amount", "bk_docno", "bk_title", "bk_issuer", "bk_references"]
    assert nlp.config["nlp"]["tokenizer"]["segmenter"] == "char"
    assert nlp.get_pipe_meta("bk_references").requires == ["doc.ents"]
    assert files("kg.extract.nlp").joinpath("config.cfg").is_file()
    assert DEFAULT_CONFIG.name == "config.cfg"


def test_components_mark_entities():
    doc = load_pipeline()("山西省财政厅《关于X的通知》(晋财库〔2020〕16号)，≤256.3万元，国务院令492号")
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("山西省财政厅", "ISSUER"), ("《关于X的通知》", "TITLE"), ("晋财库〔2020〕16号", "DOCNO"),
        ("≤256.3万元", "MONEY"), ("国务院令492号", "DECREE"),
    ]
    assert [r.docno for r in doc._.references] == ["晋财库〔2020〕16号", "国务院令第492号"]


def test_the_reference_component_reads_only_entities(tmp_path):
    """Another entity source (here an EntityRuler) in place of the rule components works unchanged."""
    config = DEFAULT_CONFIG.read_text(encoding="utf-8")
    config = config.replace('pipeline = ["bk_amount","bk_docno","bk_title","bk_issuer","bk_references"]',
                            'pipeline = ["bk_references"]')
    path = tmp_path / "config.cfg"
    path.write_text(config, encoding="utf-8")
    nlp = load_pipeline(path)
    assert nlp is not load_pipeline()
    ruler = nlp.add_pipe("entity_ruler", before="bk_references")
    ruler.add_patterns([{"label": "DOCNO", "pattern": [{"TEXT": c} for c in "同办字[2019]116号"]}])
    [ref] = nlp("见同办字[2019]116号")._.references
    assert (ref.docno, ref.raw_docno, ref.start) == ("同办字〔2019〕116号", "同办字[2019]116号", 1)


def test_long_prose_is_scanned_in_linear_time():
    """Regression: searching "CJK run + bracket" backtracked quadratically (4 s for 8,000 characters)."""
    text = "项目资金保障单位运行经费支出预算管理市政府批准实施方案" * 1500  # 39,000 characters
    find_references("预热")
    start = time.perf_counter()
    assert find_references(text + "。晋财综〔2024〕37号")[0].docno == "晋财综〔2024〕37号"
    assert time.perf_counter() - start < 2.0


@needs_shared
def test_basis_of_seed_000_is_fast():
    texts = [t["basis_text"] for t in gold("000")["kpi_tables"]]
    find_references(texts[0])  # the pipeline is built once
    start = time.perf_counter()
    for text in texts:
        find_references(text)
    assert time.perf_counter() - start < 1.0
