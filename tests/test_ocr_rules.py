"""The rules that read OCR'd KPI tables, each on a small hand-written input.

Rows are written as the OCR family prints them: cells separated by tabs, lines inside a cell
separated by spaces, labels misread or cut over cells, figures printed in pieces.
"""

from __future__ import annotations

from decimal import Decimal as D

from kg.extract.indicators import recover_indicators
from kg.extract.ocr_grid import clean_ocr_grid, misread_category, noise_cell
from kg.extract.kpi import parse_kpi, split_label
from kg.extract.kpi_merge import merge_continued
from kg.extract.kpi_pieces import join_pieces, read_figures
from kg.extract.matching import best_amount, best_name, score
from kg.extract.references import find_references
from kg.model import Indicator, KpiBlock, KpiTable, Line, Project, ProjectRow, Span, Target
from kg.pipeline import settle
from kg.policy.docno import rejoin_docnos
from kg.segment.kpi_blocks import find_kpi_blocks

SPAN = Span(file="t.txt", line=1)


def lines(*rows: str, start: int = 100) -> list[Line]:
    return [Line(no=start + i, text=r, cells=r.split("\t")) for i, r in enumerate(rows)]


def table(rows: list[str], start: int = 100) -> KpiTable:
    return parse_kpi(KpiBlock(lines=lines(*rows, start=start), index=1), "t.txt")


# ---------------------------------------------------------------- labels

def test_labels_misread_by_a_character_or_cut_are_still_labels():
    assert split_label("主管管门及代码") == ("主管部门", "")  # one character wrong
    assert split_label("立项依依据") == ("立项依据", "")  # one extra
    assert split_label("年度資金总額:") == ("年度资金总额", "")  # traditional forms
    assert split_label("项目名") == ("项目名称", "")  # cut at the end of its cell
    assert split_label("年度资金点") == ("年度资金总额", "")  # cut, and one character wrong
    assert split_label("项目实施完成后,确保运维") == (None, "项目实施完成后,确保运维")  # a value stays a value


def test_a_label_cut_over_cells_is_joined_and_a_remnant_absorbed():
    t = table([
        "\t项目名\t称\t\t晋城市大数据应用运行费",
        "\t主管部门。\t及代码\t102-晋城市数据局\t\t实施单位\t晋城\t市数据局",
        "\t项目属\t性\t延续性项目",
        "保证\t项目实施的\t制度、措施\t按合同执行",
    ])
    assert t.project_name == "晋城市大数据应用运行费"
    assert (t.department.code, t.implementing_unit, t.attribute) == ("102", "晋城市数据局", "延续性项目")
    assert t.fields["保证项目实施的制度、措施"] == "按合同执行"


# ---------------------------------------------------------------- names

def test_a_name_in_pieces_is_joined_without_noise_or_repeated_characters():
    assert join_pieces(["热线受理中心", "心运营管理", "运营管理及人员外包服务费用"]) == "热线受理中心运营管理及人员外包服务费用"
    assert join_pieces(["1941", "5相4", "电子i", "政务外网运", "维服务项目"]) == "电子政务外网运维服务项目"
    t = table(["\t项目名\t\t\t坂\t成市云平台\t运维项目\t\t7", "\t主管部门\t102-晋城市数据局"])
    assert t.project_name == "坂成市云平台运维项目"  # a one-character cell apart from the label is the name's
    assert t.notes[0] == "项目名称 read from 4 cells: 坂 | 成市云平台 | 运维项目 | 7"


def test_the_name_row_belongs_to_the_next_table_however_many_cells_it_has():
    src = lines(
        "负责人:\t\t经办人:\t\t填报日期:\t20250227",
        "",
        "\t称\t大数据应用平台\t集成建设项目\t尾款\t1.4",  # its label lost but for 称
        "\t主管管门\t\t102-晋城\t市数据局",  # the anchor, misread
        "\t项目属性\t延续性项目",
    )
    (block,) = find_kpi_blocks(src)
    assert [l.no for l in block.lines] == [102, 103, 104]
    assert table([l.text for l in block.lines]).project_name == "大数据应用平台集成建设项目尾款"


# ---------------------------------------------------------------- figures

def test_figures_printed_in_pieces():
    def read(*cells):
        return [(r.amount, r.how) for r in read_figures(list(enumerate(cells, start=4)))]

    assert read("7", "06,000", ". 1") == [(D(706000), "joined")]  # "06,000" starts no figure
    assert read("1,", "555, 400") == [(D(1555400), "joined")]
    assert read("2", "647,000") == [(D(2647000), "joined")]  # the separator is not a digit
    assert read("3.", "340,000") == [(D(3340000), "joined")]  # a dot between thousands
    assert read("5, 11", "18,900") == [(D(5118900), "reconstructed")]  # a 1 printed on both sides
    assert read("0", "74.50") == [(D(0), "read"), (D("74.50"), "read")]  # two figures
    # leading digits lost or garbled: no figure, and no suffix either
    assert read("2.3", "750, 000") == [(None, "unreadable")]
    assert read("4, 8", "386, 400") == [(None, "unreadable")]


def test_money_rows_of_an_ocr_table():
    t = table([
        "\t项目名称\t示范项目运维费",
        "\t主管部门\t102-晋城市数据局",
        "\t\t\t实施期資金总额:\t7, 258, 000\t年度资金总\t. 额:\t7\t06,000\t. 1",
        "\t\t\t其中: 中央财政资金\t0\t其中: 中央\t財政资金\t\t0\t74.50",
        "\t项目资\t\t市县(区)财政资\t7, 258, 000\t市基\t县(区)财政资金\t7\t06,000\t146",
        "\t\t\t其他资金\t<u></u>\t其他\t资金\t\t\t100",  # 100: the page margin's
        "\t\t\t3,937,100 年度资金总额;",
    ])
    assert (t.period_total, t.annual_total) == (D(7258000), D(706000))
    assert t.funding[("年度", "中央财政资金")] == D(0)
    assert t.funding[("年度", "市县(区)财政资金")] == D(706000)
    assert ("年度", "其他资金") not in t.funding and ("实施期", "其他资金") not in t.funding


def test_a_figure_that_cannot_be_read_is_left_out_and_noted():
    t = table(["\t项目名称\t示范项目", "\t主管部门\t102-晋城市数据局", "\t实施期资金总额:\t8,250,000\t年度资金总额:\t2.3\t750, 000"])
    assert t.annual_total is None and t.period_total == D(8250000)
    assert "年度资金总额 cannot be read ('2.3 750, 000'): left out" in t.notes


# ---------------------------------------------------------------- document numbers

def test_a_number_broken_over_cells_is_joined_only_into_a_real_year():
    cells, notes = rejoin_docnos(["根据《晋市审管批[202 的批复", "2]310号》晋城市行政审"])
    assert cells == ["根据《晋市审管批[2022]310号》晋城市行政审 的批复", ""]
    assert notes == ["joined the number broken as 晋市审管批[202 | 2]310号"]
    assert rejoin_docnos(["(晋市政发【20:", ")、《晋城市推 21】20号)"])[0] == ["(晋市政发【2021】20号)", ")、《晋城市推"]
    assert rejoin_docnos(["根据晋市僖字2018[10] 政审批局", "号《关于X的请示》"])[0][0] == "根据晋市僖字2018[10]号《关于X的请示》 政审批局"
    # five digits of year: left as printed, never a digit dropped
    cells, notes = rejoin_docnos(["根据《晋市审管批[202 的批复", "22]310号》"])
    assert cells == ["根据《晋市审管批[202 的批复", "22]310号》"]
    assert notes == ["a number broken as 晋市审管批[202 | 22]310号 is left as printed: its year would not have four digits"]


def test_the_basis_field_is_read_with_its_number_joined():
    t = table([
        "\t项目名称\t示范项目", "\t主管部门\t102-晋城市数据局",
        "\t立项依\t据\t根据《晋市审管批[202 的批复\t2]310号》晋城市行政审\t批服务管理局",
    ])
    # the cells are column chunks of two wrapped lines: the first line's chunks, then the second's
    assert t.fields["立项依据"] == "根据《晋市审管批[2022]310号》晋城市行政审批服务管理局的批复"
    assert [r.docno for r in find_references(t.fields["立项依据"])] == ["晋市审管批〔2022〕310号"]


def test_a_number_in_title_marks_is_a_number():
    (ref,) = find_references("根据《晋市审管批[2022]310号》晋城市行政审批服务管理局的批复")
    assert (ref.kind, ref.docno, ref.title) == ("docno", "晋市审管批〔2022〕310号", None)


# ---------------------------------------------------------------- indicator grids

HEADER = "\t一级指标\t二级指标\t三级指标\t指标值\t\t二级指标\t三级指标\t指标值\t"


def test_noise_and_misread_labels():
    assert [noise_cell(c) for c in ("—3X1810v", "and any tracking", ">> 200 API (NO.", "≥8人", "驻场人数")] == [
        True, True, True, False, False]
    assert [misread_category(c) for c in ("耐效指标", "满激度指标", "數量指标", "驻场人数")] == [
        "时效指标", "满意度指标", "数量指标", None]


def test_an_ocr_grid_reads_as_the_two_sided_table_it_was():
    grid = lines(
        HEADER,
        "\t\t\t驻场人数\t≥8人\t\t—3X1810v\t驻场人数\t≫8人\tLEI,",  # specks in the 二级 column and the margin
        "\t\t数量指标\t服务器运维数量\t293 fr\t\tand any tracking\t服务器运维数量\t293台\t7-7-1",
        "缋\t产出指标\t耐效指标\t护网行动开展时间\t10月\t\t时效指标\t护网行动开展时\t10月\t450",
        "\t\t成本指标\t故障处理及时性 尾款控制数 (万)\t及时 ≤70.6万元\t\t成本指标\t故障处理及时性 尾款控制数\t及时 ≤70.6万元\t75",
        "\t效益指标\t社会效益\t缓解专网故障率高的问题\t级解\t\t社会效益\t缓解专网故障率高的问题\t緩解\t",
        "\t\t二级指标 数量指标 质量指标\t三级指标 建设项目数 完工验收合格率\t指标值 2个 100%",  # printed over
    )
    cleaned, notes, ocr = clean_ocr_grid(grid)
    assert ocr and notes[-1] == "indicator rows on lines 106 cannot be read (OCR printed them over each other): left out"
    inds, layout = recover_indicators("t.txt", cleaned, fuzzy=True)
    assert layout == "two-sided"
    assert [(i.l2, i.l3, i.target.text) for i in inds] == [
        ("数量指标", "驻场人数", "≥8人"),  # printed above its 二级 label, which stands in the middle of its rows
        ("数量指标", "服务器运维数量", "293台"),  # the side whose target reads
        ("时效指标", "护网行动开展时间", "10月"),
        # two rows in one line, split; the 成本指标 label OCR put on that line spans only the second: a
        # 及时 target of a 及时性 is a 时效指标's (kg.extract.kpi_categories)
        ("时效指标", "故障处理及时性", "及时"),
        ("成本指标", "尾款控制数(万)", "≤70.6万元"),
        ("社会效益", "缓解专网故障率高的问题", "缓解"),  # a two-character cell after a name: its target (緩: 缓)
    ]


def test_a_clean_grid_is_left_as_it_is():
    grid = lines(HEADER, "\t产出指标\t数量指标\t巡检次数\t≥12次\t数量指标\t巡检次数\t≥12次\t")
    assert clean_ocr_grid(grid) == (grid, [], False)


# ---------------------------------------------------------------- duplicated pages

def _kpi(name, annual, period=None, lines_=(1, 10), indicators=(), **kw) -> KpiTable:
    t = KpiTable(project_name=name, span=SPAN, annual_total=annual, period_total=period, lines=lines_, **kw)
    t.indicators = [
        Indicator(l1="产出指标", l2=l2, l3=l3, target=Target(text=v), span=SPAN) for l2, l3, v in indicators
    ]
    return t


def test_a_page_printed_twice_is_one_table_with_each_indicator_once():
    a = _kpi("晋城市智慧人大建设项目", D(1290100), D(3937100), (744, 770), [("数量指标", "驻杨运维人员", "1人")])
    b = _kpi("晋功就市智慧人大建设项目", D(1290100), D(3937100), (771, 793),
             [("数量指标", "驻场运维人员", "1人"), ("时效指标", "付款时间", "10月前")])
    (merged,) = merge_continued([a, b])
    assert [i.l3 for i in merged.indicators] == ["驻杨运维人员", "付款时间"] and merged.lines == (744, 793)
    assert merged.notes == ["printed again on lines 771-793"]
    # names alike but figures that differ: two projects
    c = _kpi("晋城市智慧人大建设项目", D(2647000), None, (794, 825))
    assert len(merge_continued([a, c])) == 2


# ---------------------------------------------------------------- matching

ROW = ProjectRow(name="大数据应用平台运维", amount=D(2750000), table="本年预算", span=SPAN)


def test_evidence_other_than_the_printed_total_and_name():
    k = _kpi("数据应用3区公运业", None, indicators=[("成本指标", "大数据应用平台运维服务", "≤275万元")])
    k.indicators[0].target = Target(text="≤275万元", comparator="≤", value=D(275), unit="万元", amount_yuan=D(2750000))
    assert best_amount(k, ROW) == (0.7, "成本指标")
    assert best_name(k, ROW) == (0.7, "text")  # the row's name written in an indicator
    assert score(k, ROW) > 0


def test_never_name_alone_nor_amount_alone():
    unreadable_amount = _kpi("大数据应用平台运维", None)
    assert score(unreadable_amount, ROW) == 0
    unreadable_name = _kpi("区公运", D(2750000))
    assert score(unreadable_name, ROW) == 0
    # a suffix of the row's amount (leading digits lost) is no agreement
    assert score(_kpi("大数据应用平台运维", D(750000)), ROW) == 0


def test_left_out_tables_say_precisely_why():
    kept, found = settle([Project(row=None, kpi=_kpi("大数据应用平台运维", None, lines_=(498, 534)))], [ROW])
    assert kept == []
    (f,) = found
    assert f.check_id == "kpi-unmatched"
    assert f.message == (
        "绩效目标表 at lines 498-534 is left out: its figures (no figure of its 年度 money can be read) agree "
        "with no project named like '大数据应用平台运维' (closest name: '大数据应用平台运维', 2,750,000 元)"
    )


def test_a_left_over_table_that_agrees_with_a_taken_row_is_its_second_printing():
    first = _kpi("应用系统通配改造", D(3000000), lines_=(936, 955))
    again = _kpi("花适配改造", D(3000000), lines_=(903, 935), indicators=[("数量指标", "迁移网站数量", "≥60家")])
    row = ProjectRow(name="应用系统适配改造", amount=D(3000000), table="本年预算", span=SPAN)
    kept, found = settle([Project(row=row, kpi=first), Project(row=None, kpi=again)], [row])
    assert [p.kpi for p in kept] == [first] and found == []
    assert first.lines == (903, 955) and [i.l3 for i in first.indicators] == ["迁移网站数量"]


def test_tables_kept_on_their_own_are_no_twins():
    a = _kpi("另一个示范项目经费", D(1000), lines_=(1, 9))
    b = _kpi("另一个示范项目经费", D(1000), lines_=(10, 19))
    kept, found = settle([Project(row=None, kpi=a), Project(row=None, kpi=b)], [ROW])
    assert [p.kpi for p in kept] == [a, b] and found == []


def test_a_label_printed_between_the_rows_it_spans_takes_them():
    # 时效指标 stands on a line of its own between its two rows; 经济效益 (no indicator) on its own line;
    # 质量指标 is lost to OCR: put back in its place, it takes the rate
    grid = lines(
        HEADER,
        "\t\t数量指标\t驻场人数\t≥8人\t\t数量指标\t驻场人数\t≥8人\t",
        "\t产出指标\t\t故障发生率\t≤10%\t\t\t故障发生率\t≤10%\t",
        "\t\t\t护网行动开展时间\t10月\t\t\t护网行动开展时间\t10月\t",
        "\t\t时效指标\t\t\t\t时效指标\t\t\t",
        "\t\t\t故障处理及时性\t及时\t\t\t故障处理及时性\t及时\t",
        "\t\t成本指标\t尾款控制数\t≤70.6万元\t\t成本指标\t尾款控制数\t≤70.6万元\t",
        "\t\t经济效益\t\t\t\t经济效益\t\t\t",
        "\t效益指标\t社会效益\t保障城市云平台正常运行\t保障\t\t社会效益\t保障城市云平台正常运行\t保障\t",
        "\t\t\t促进人大机关运转效率\t促进\t\t\t促进人大机关运转效率\t促进\t",
        "\t\t生态效益\t\t\t\t生态效益\t\t\t",
    )
    inds, layout = recover_indicators("t.txt", grid, fuzzy=True)
    assert [(i.l2, i.l3) for i in inds] == [
        ("数量指标", "驻场人数"), ("质量指标", "故障发生率"), ("时效指标", "护网行动开展时间"), ("时效指标", "故障处理及时性"),
        ("成本指标", "尾款控制数"), ("社会效益", "保障城市云平台正常运行"), ("社会效益", "促进人大机关运转效率"),
    ]
    carried, _ = recover_indicators("t.txt", grid)  # a clean grid's labels are carried down, as printed
    assert [i.l2 for i in carried][1:4] == ["数量指标", "数量指标", "时效指标"]


def test_a_grid_printed_over_itself_is_read_where_its_printings_agree():
    from kg.extract.stacked_grid import read_stacked

    grid = lines(
        # the same columns stacked in cells, printed three times, misread a little differently each time
        "\t二级指标 數量指标 则量指标 则效指标 成本指标\t三级指标 质依工程面积 返修率 质保股间 质保费用\t指标值 4500平方米 <6% 1年 110.49万元",
        "\t二级指标 数量排标\t三级指标 质保工程面积 蒸修率 质保时间 质保费用\t指标值 4500平方米 <5% 1年 110.49万元",
        "\t二级指标\t三级指标 质保工程面积 返修率 质保时间 质保费用\t指标值 4500平方米 <5% 1年 110.49万元",
        # five names and four targets; a cell repeating a name down itself; pairs breaking the categories' order
        "\t二级指标\t三级指标 质保工程面积 返修率 质保时间 质保费用 提升智慧城市管理能力\t指标值 4500平方米 <5% 1年 110.49万元",
        "\t\t三级指标 CPU 内存 国产中间件 国产中间件\t指标值 ≥2500核 ≥5800G ≥60套 ≥72套",
        "\t\t三级指标 付款时间 网络设备\t指标值 272台 ≤6月",
    )
    inds, notes = read_stacked("t.txt", grid, ["质保工程面积 返修率 质保时间 质保费用", "返修率"])
    assert [(i.l1, i.l2, i.l3, i.target.text) for i in inds] == [
        ("产出指标", "数量指标", "质保工程面积", "4500平方米"),  # the spelling the table's text bears out
        ("产出指标", "质量指标", "返修率", "<5%"),  # the target most printings show
        ("产出指标", "时效指标", "质保时间", "1年"),
        ("产出指标", "成本指标", "质保费用", "110.49万元"),
    ]
    assert notes == ["4 indicators read from a grid printed over itself on lines 100, 101, 102"]
    # two printings that disagree on a target: that row is left out, and said so
    inds, notes = read_stacked("t.txt", grid[:2], ["质保工程面积 返修率 质保时间 质保费用"])
    assert [i.l3 for i in inds] == ["质保工程面积", "质保时间", "质保费用"]
    assert notes[0] == "返修率: its printings disagree on the target (<6%, <5%): left out"


def test_an_ocr_target_of_words_must_read_as_one():
    from kg.extract.kpi_categories import word_target_reads

    assert [word_target_reads(n, v) for n, v in [
        ("推动我市数字经济发展", "推动"), ("提供信息及时性", "及时"), ("网络线路租赁时间", "全年"),
        ("验收结果", "合格"), ("课程安排合理", "台選"), ("相关人员满意度", "≥98%"),
    ]] == [True, True, True, True, False, True]
