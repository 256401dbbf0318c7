"""Fuzzing the readers and the text and table parsers (issue 15): documents made of the pieces real
disclosures are made of, shuffled, cut and salted with control characters and stray bytes, must give a
document or one of the project's own errors — never another exception. Bounded: a fixed number of
examples each, no deadline (the machine is shared)."""

from __future__ import annotations

import re

from conftest import SAMPLE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import KgError
from kg.extract.redact import redact
from kg.pipeline import extract
from kg.read.hygiene import decode
from kg.read.text import lines_from_text
from kg.segment.tables import find_tables
from kg.model import SourceDoc

SAMPLE_LINES = (SAMPLE / "demo-001_示范市数据服务中心_2025.txt").read_text("utf-8").split("\n")
PIECES = st.sampled_from(SAMPLE_LINES) | st.sampled_from([
    "", "\t", "第二部分 预算表", "2025年预算收支总表", "单位：万元", "项目\t合计\t基本支出\t项目支出", "合计\t1,234.50\t\t",
    "201\t06\t01\t行政运行\t12.30", "立项依据\t依据晋财综〔2024〕37号", "绩效目标表", "一级指标\t二级指标\t三级指标\t指标值",
    "<table><tr><td>合计</td><td>1</td></tr>", "| a | b |", "   1,000.00    2,000.00", "\x00", "\x07\x1b", "\ufeff",
    "项目联系人：李明，电话：0352-5027788", "《》", "〔", "【2024】", "-", "—", "9" * 40,
])
SETTINGS = settings(max_examples=120, deadline=None, database=None, suppress_health_check=list(HealthCheck))


@SETTINGS
@given(st.lists(PIECES, min_size=1, max_size=120), st.lists(st.text(max_size=8), max_size=10))
def test_the_text_pipeline_gives_a_document_or_its_own_error(pieces, noise):
    text = "\n".join(pieces[: len(pieces) // 2] + noise + pieces[len(pieces) // 2:])
    source = SourceDoc(name="fuzz.txt", path="fuzz.txt", lines=lines_from_text(text))
    try:
        ex = extract(source)
    except KgError:
        return
    assert all(line.amount == line.amount for line in ex.budget_lines)  # Decimal, never NaN


@SETTINGS
@given(st.lists(PIECES, min_size=1, max_size=80))
def test_the_table_finder_takes_any_lines(pieces):
    lines = lines_from_text("\n".join(pieces))
    for table in find_tables(lines, {}):
        assert table.title_line in lines


@SETTINGS
@given(st.binary(max_size=400) | st.text(max_size=200).map(lambda t: t.encode("utf-16")))
def test_decoding_any_bytes_gives_text_or_a_read_error(data):
    try:
        text = decode(data, "x.txt")
    except KgError as e:
        assert e.file == "x.txt" and "\n" not in e.message
        return
    assert isinstance(text, str)


PHONE = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}-\d{7,8})(?!\d)")


@SETTINGS
@given(st.lists(st.sampled_from(["联系人：", "电话：", "手机", "王", "小明", "，", "13912345678", "0352-5027788", "《",
                                 "》", " ", "办公室", "12.50"]), max_size=30))
def test_redaction_leaves_no_phone_number_outside_titles(parts):
    text = "".join(parts)
    out, _ = redact(text)
    outside = re.sub(r"《[^《》]*》", "", out)
    assert not PHONE.search(outside), (text, out)
