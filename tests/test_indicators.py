"""The indicator-grid grammar on hand-written rows, one test per layout the real documents showed.

Rows are written as the text converters print them: cells separated by tabs, empty cells kept.
"""

from __future__ import annotations

from decimal import Decimal

from kg.extract.indicators import l2_canonical, parse_row, recover_indicators
from kg.model import Line

HEADER = "绩效指标\t一级指标\t二级指标\t三级指标\t指标值\t二级指标\t三级指标\t指标值"


def lines(*rows: str, start: int = 100) -> list[Line]:
    return [Line(no=start + i, text=r, cells=r.split("\t")) for i, r in enumerate(rows)]


def read(*rows: str):
    inds, layout = recover_indicators("t.txt", lines(*rows))
    return [(i.l1, i.l2, i.l3, i.target.text, i.sides) for i in inds], layout


BOTH = ("年度", "实施期")


def test_two_sided_table_lists_each_indicator_once():
    got, layout = read(
        HEADER,
        "\t产出指标\t数量指标\t巡检次数\t≥12次\t数量指标\t巡检次数\t≥12次",
        "\t\t成本指标\t运维费用\t≤50000元\t成本指标\t运维费用\t≤50000元",
        "\t效益指标\t经济效益指标\t\t\t经济效益指标\t\t",  # an empty heading is not an indicator
        "\t满意度指标\t服务对象满意度指标\t用户满意度\t≥90%\t服务对象满意度指标\t用户满意度\t≥90%",
    )
    assert layout == "two-sided"
    assert got == [
        ("产出指标", "数量指标", "巡检次数", "≥12次", BOTH),
        ("产出指标", "成本指标", "运维费用", "≤50000元", BOTH),
        ("满意度指标", "服务对象满意度指标", "用户满意度", "≥90%", BOTH),
    ]


def test_first_level_labels_printed_one_row_early():
    """效益指标 stands on the 成本指标 row and 满意度指标 on the 可持续影响指标 row: 一级 follows from 二级."""
    got, _ = read(
        HEADER,
        "\t产出指标\t时效指标\t响应时间\t≤2小时\t时效指标\t响应时间\t≤2小时",
        "\t效益指标\t成本指标\t服务费\t<80000元\t成本指标\t服务费\t<80000元",
        "满意度指标\t可持续影响指标\t服务年限\t≥3年\t可持续影响指标\t服务年限\t≥3年\t",
    )
    assert [(l1, l2) for l1, l2, *_ in got] == [("产出指标", "时效指标"), ("产出指标", "成本指标"), ("效益指标", "可持续影响指标")]


def test_truncated_annual_names_take_the_fuller_spelling():
    got, _ = read(HEADER, "\t产出指标\t质量指标\t设备完好率（%）\t≥95%\t质量指标\t设备完好\t≥95%")
    assert got == [("产出指标", "质量指标", "设备完好率（%）", "≥95%", BOTH)]


def test_annual_side_cut_off_after_its_category_keeps_the_indicator():
    got, _ = read(HEADER, "\t\t\t成本指标\t场地租金\t\t≤120000元\t成本指标")
    assert got == [("产出指标", "成本指标", "场地租金", "≤120000元", BOTH)]


def test_annual_side_without_values_defers_to_the_period_side():
    got, _ = read(
        HEADER,
        "\t产出指标\t数量指标\t终端数量\t300台\t数量指标\t终端数量\t300台",
        "\t\t\t备份次数\t52次\t\t质量指标\t备份次数",
        "\t\t质量指标\t恢复成功率\t≥99%\t质量指标\t\t恢复成功率",
        "\t\t\t漏洞修复率\t100%\t\t时效指标\t漏洞修复率",
    )
    assert [(l2, l3, v) for _, l2, l3, v, _ in got] == [
        ("数量指标", "终端数量", "300台"), ("数量指标", "备份次数", "52次"),
        ("质量指标", "恢复成功率", "≥99%"), ("质量指标", "漏洞修复率", "100%"),
    ]


def test_sides_in_another_order_follow_the_annual_side_and_mark_what_differs():
    got, _ = read(
        HEADER,
        "\t产出指标\t数量指标\t甲项\t1个\t数量指标\t乙项\t2个",
        "\t\t\t乙项\t2个\t\t甲项\t1个",
        "\t\t\t丙项\t3个\t\t\t",
    )
    # the annual order; an indicator only the 实施期 side lists follows the one it follows there (乙项)
    assert got == [
        ("产出指标", "数量指标", "乙项", "2个", BOTH),
        ("产出指标", "数量指标", "丙项", "3个", ("实施期",)),
        ("产出指标", "数量指标", "甲项", "1个", BOTH),
    ]


def test_a_differing_period_target_is_kept_beside_the_annual_one():
    inds, _ = recover_indicators("t.txt", lines(HEADER, "\t产出指标\t成本指标\t建设费用\t≤900万元\t成本指标\t建设费用\t≤300万元"))
    (i,) = inds
    assert (i.target.text, i.target.amount_yuan, i.period_target.text) == ("≤300万元", Decimal("3000000"), "≤900万元")


def test_a_grid_folded_into_four_column_sets_is_read_as_their_union():
    got, layout = read(
        "总体目标\t\t一级指标\t\t\t\t二级指标\t\t三级指标",
        "绩效指标\t产出指标\t数量指标\t宣传册\t≥500份\t数量指标\t宣传册\t≥500份\t数量指标\t展板\t≥20块\t数量指标\t展板\t≥20块",
        "\t\t\t\t质量指标\t发放及时率\t\t≥95%\t质量指标\t\t发放及时率\t≥95%\t\t时效指标\t发放及时率\t≥95%",
        "\t\t\t\t时效指标\t印制费\t\t≤8000元\t时效指标\t\t印制费\t≤8000元\t\t成本指标\t印制费\t≤8000元",
        "\t满意度指标\t服务对象满意度指标\t群众满意度\t≥90%\t服务对象满意度指标\t群众满意度\t≥90%\t服务对象满意度指标\t群众满意度\t≥90%",
    )
    assert layout == "folded"
    assert sorted(got) == sorted([
        ("产出指标", "数量指标", "宣传册", "≥500份", BOTH),
        ("产出指标", "数量指标", "展板", "≥20块", BOTH),
        ("产出指标", "质量指标", "发放及时率", "≥95%", BOTH),
        ("产出指标", "时效指标", "发放及时率", "≥95%", BOTH),
        # a money target under 时效指标 that also stands under 成本指标 is a misplaced copy
        ("产出指标", "成本指标", "印制费", "≤8000元", BOTH),
        ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", BOTH),
    ])


def test_single_column_set_with_a_category_name_used_as_indicator():
    """"服务对象满意度 ≥95%": a category label followed by a value is the indicator itself."""
    got, layout = read(
        "绩效指标\t\t一级指标\t二级指标\t三级指标\t指标值",
        "\t\t产出指标\t数量指标\t测评系统数\t3个",
        "\t\t\t\t在线时长\t365天",
        "\t\t\t满意度指标\t服务对象满意度\t≥95%",
    )
    assert layout == "single"
    assert got == [
        ("产出指标", "数量指标", "测评系统数", "3个", BOTH),
        ("产出指标", "数量指标", "在线时长", "365天", BOTH),
        ("满意度指标", "满意度指标", "服务对象满意度", "≥95%", BOTH),
    ]


def test_row_items():
    (item,) = parse_row(Line(no=1, text="", cells=["", "满意度指标", "服务对象满意", "使用人员满意度", "≥96%"]))
    assert (item.l1, item.l2, item.l3, item.val) == ("满意度指标", "服务对象满意", "使用人员满意度", "≥96%")
    a, b = parse_row(Line(no=1, text="", cells=["", "", "资金使用人", "满意", "服务对象满意度指", "资金使用人", "满意"]))
    assert (a.l3, a.val, b.l2, b.l3, b.val) == ("资金使用人", "满意", "服务对象满意度指", "资金使用人", "满意")


def test_second_level_spellings():
    assert [l2_canonical(x) for x in ("服务对象满意", "服务对象满意度指", "经济效益", "满意度指标", "社会效益指标", "指标")] == [
        "服务对象满意度指标", "服务对象满意度指标", "经济效益指标", "服务对象满意度指标", "社会效益指标", None]
