"""Project pages (项目经费情况说明) of the Shanghai layout: every page found — titles of every kind, one line
or wrapped over two, never a contents entry or a heading that only announces the pages — and where each ends."""

from __future__ import annotations

import pytest

from kg.read.text import lines_from_text
from kg.segment.project_pages import find_project_pages, part_heading, title_length, title_text


def pages_of(text: str) -> list[tuple[int, int]]:
    """(first, last) line of every page found in a text."""
    return [(b.lines[0].no, b.lines[-1].no) for b in find_project_pages(lines_from_text(text))]


# ---------------------------------------------------------------- finding the pages


SHANGHAI_STYLE = """四、项目经费情况说明
科技创新专项经费情况说明
一、项目概况
支持企业。
二、立项依据
根据沪科规〔2023〕5号。
七、绩效目标
支持企业30家。

上海市普陀区科普活动与科学教育基地运营
经费情况说明
（一）项目概况
运营基地。
（二）立项依据
根据《上海市科学技术普及条例》。

其他相关情况说明
一、政府采购预算情况
"""


def test_the_pages_of_a_document_and_nothing_else():
    # not the heading that announces the pages (line 1), not the narrative after the last one (line 17)
    assert pages_of(SHANGHAI_STYLE) == [(2, 8), (10, 15)]


@pytest.mark.parametrize("title", [
    "项目经费情况说明", "科技创新专项经费情况说明", "智慧园区平台建设项目经费情况说明", "人才发展专项资金情况说明",
    "科普活动经费情况说明", "社区服务中心项目情况说明", "项目情况说明", "（一）科普活动经费情况说明",
])
def test_every_kind_of_title_is_a_page_when_parts_follow(title):
    assert pages_of(f"{title}\n一、项目概况\n甲。\n二、立项依据\n乙。") == [(1, 5)]


@pytest.mark.parametrize("text", [
    "七、项目经费情况说明.....\t33\n一、项目概况\n二、立项依据",  # a contents entry
    "“三公”经费情况说明\n2024年“三公”经费预算数为47.91万元。\n其他说明",  # a narrative heading, prose after
    "三、支出预算情况说明\n一、项目概况\n二、立项依据",  # not a page title at all
    "其他相关情况说明\n一、项目概况\n二、立项依据",
    "科普活动经费情况说明\n一、项目概况\n甲。",  # one part only
    "2024年部门预算编制说明\n一、项目概况\n二、立项依据",
])
def test_what_is_not_a_page(text):
    assert pages_of(text) == []


def test_a_heading_that_only_announces_the_pages_is_not_one_but_is_a_page_when_its_parts_follow():
    announced = "七、项目经费情况说明\n甲项目经费情况说明\n一、项目概况\n甲。\n二、立项依据\n乙。"
    assert pages_of(announced) == [(2, 6)]
    assert pages_of("七、项目经费情况说明\n一、项目概况\n甲。\n二、立项依据\n乙。") == [(1, 5)]


def test_a_title_wrapped_over_two_lines():
    text = "上海市普陀区万里街道社区公共服务中心新建工程项目\n经费情况说明\n一、项目概况\n甲。\n二、立项依据\n乙。"
    lines = lines_from_text(text)
    assert (title_length(lines), title_text(lines), pages_of(text)) == (
        2, "上海市普陀区万里街道社区公共服务中心新建工程项目经费情况说明", [(1, 6)],
    )


@pytest.mark.parametrize("title", ["丙项目经费情况说明", "项目经费情况说明"])
def test_a_prose_line_before_a_title_is_not_half_of_it(title):
    text = f"甲。\n二、立项依据\n乙。\n提升服务水平\n{title}\n一、项目概况\n丙。\n二、立项依据\n丁。"
    assert pages_of("科普活动经费情况说明\n一、项目概况\n" + text) == [(1, 6), (7, 11)]
    assert pages_of(f"甲。\n\n提升服务水平\n{title}\n一、项目概况\n丙。\n二、立项依据\n丁。")[0][0] == (4 if title[0] == "丙" else 3)


@pytest.mark.parametrize("after, end", [
    ("其他相关情况说明\n一、“三公”经费", 5),  # a narrative heading
    ("第三部分 其他\n甲", 5),  # the next part of the document
    ("一、政府采购预算情况\n甲", 5),  # a heading one level above parts numbered （一）
    ("（三）实施周期\n2025年\n（五）绩效目标\n甲", 9),  # parts that skip a number are still parts
    ("（三）其他需要说明的事项\n甲", 7),  # a part named otherwise, numbered next
    ("（九）资金使用范围\n甲", 5),  # a heading that does not continue the numbering
])
def test_a_page_ends_with_the_parts_it_holds(after, end):
    text = "科普活动经费情况说明\n（一）项目概况\n甲。\n（二）立项依据\n乙。\n" + after
    assert pages_of(text) == [(1, end)]


@pytest.mark.parametrize("line, name, rest", [
    ("二、立项依据", "立项依据", ""),
    ("（二）政策依据：沪科规〔2023〕5号", "立项依据", "沪科规〔2023〕5号"),
    ("2. 项目实施周期", "实施周期", ""),
    ("（6）年度预算：200万元", "年度预算安排", "200万元"),
    ("项目名称：智慧园区平台建设项目", "项目名称", "智慧园区平台建设项目"),
    ("实施主体：区科委", "实施主体", "区科委"),
    ("一、项目概述 本项目支持企业", "项目概况", "本项目支持企业"),
])
def test_part_headings_as_printed(line, name, rest):
    head = part_heading(line)
    assert (head.name, head.rest) == (name, rest)
