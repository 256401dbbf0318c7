"""Where a document names its unit and which years its headings print.

- Headings: every part and section heading and every contents entry, with each year it prints — a year
  cut short by a typo ("202 年度") is kept as printed, so that it disagrees with the document's year.
- Unit mentions: the name a document gives its unit where it names itself — a part heading ("第三部分
  上海市普陀区财政局2024年度部门决算情况说明"), a table's 单位名称 line, and the subject of a 说明 sentence
  ("上海市普陀区规划与自然资源局 2024 年度无…", "2025年度大同市政务服务中心预算收入总计…").

>>> from kg.model import Line, Section
>>> h = Line(no=1, text="第三部分上海市普陀区财政局2024年度部门决算情况说明", cells=["第三部分上海市普陀区财政局2024年度部门决算情况说明"])
>>> [(x.text, x.years) for x in headings("f.txt", [Section("上海市普陀区财政局2024年度部门决算情况说明", h, [], part="第三部分")], [])]
[('第三部分上海市普陀区财政局2024年度部门决算情况说明', (2024,))]
>>> [m.name for m in unit_mentions("f.txt", [Section("x", h, [], part="第三部分")], [])]
['上海市普陀区财政局']
"""

from __future__ import annotations

import re

from kg.model import Heading, Line, Section, Table, UnitMention

__all__ = ["headings", "unit_mentions"]

_YEARS = re.compile(r"(?<![\d.])(\d{3,4})\s*年")
_UNIT_END = r"(?:局|中心|办公室|办公厅|工作部|部|办事处|委员会|委|院|所|站|队|馆|会|处|厅|室|街道)"
# a heading: [第X部分] NAME YYYY年
_HEADING_NAME = re.compile(r"^(?:第[一二三四五六七八九十]+部分)\s*(?P<name>[\u4e00-\u9fff（）()]{4,40}?" + _UNIT_END + r")\s*(?:\d{3,4}\s*年)")
# a sentence: [YYYY年(度)，] NAME [YYYY年(度)] <what it states>
_SUBJECT = re.compile(
    r"^(?:\d{4}\s*年度?\s*[，,]?\s*)?(?P<name>[\u4e00-\u9fff（）()]{4,40}?" + _UNIT_END + r")(?:（部门）|\(部门\))?"
    r"\s*(?=\d{4}\s*年|(?:部门|单位)?(?:预算收入|预算支出|本年|财政拨款|一般公共预算|政府采购|纳入|实行|共有|使用的|占有|无))"
)
_PLACEHOLDER = re.compile(r"XX|ＸＸ|××|xx|某某|\*\*")


def _text(line: Line) -> str:
    return re.sub(r"\s+", "", "".join(line.tokens))


def headings(file: str, sections: list[Section], entries) -> list[Heading]:
    """Every part and section heading (in order), then every contents entry, with the years they print."""
    out: list[Heading] = []
    seen: set[int] = set()
    for sec in sections:
        line = sec.heading
        if line.no in seen:
            continue
        seen.add(line.no)
        text = " ".join(line.tokens).strip()
        kind = "part" if re.match(r"^第[一二三四五六七八九十]+部分", text) else "section"
        out.append(Heading(text, kind, line.span(file, text), tuple(int(y) for y in _YEARS.findall(text))))
    for e in entries:
        text = e.text.strip()
        out.append(Heading(text, "contents", e.line.span(file, text), tuple(int(y) for y in _YEARS.findall(text))))
    return out


def unit_mentions(file: str, sections: list[Section], tables: list[Table], narrative: list[Section] = ()) -> list[UnitMention]:
    """The names the document gives its unit in headings, tables' 单位名称 lines and 说明 sentences; a
    placeholder (XX局, 某某) anywhere there is a mention too."""
    out: list[UnitMention] = []
    for sec in sections:
        t = _text(sec.heading)
        m = _HEADING_NAME.match(t)
        if m:
            out.append(UnitMention(m.group("name"), "heading", sec.heading.span(file, t)))
        elif _PLACEHOLDER.search(t):
            out.append(UnitMention(t, "heading", sec.heading.span(file, t)))
    for tb in tables:
        if tb.unit_name:
            out.append(UnitMention(re.sub(r"\s+", "", tb.unit_name), "table", tb.title_line.span(file, tb.unit_name)))
    for sec in narrative:
        for line in sec.lines:
            if line.noise:
                continue
            t = _text(line)
            for sentence in re.split(r"(?<=[。；])", t):
                m = _SUBJECT.match(sentence)
                if m:
                    out.append(UnitMention(m.group("name"), "narrative", line.span(file, sentence[:120])))
                elif _PLACEHOLDER.search(sentence) and re.search(_UNIT_END, sentence):
                    ph = _PLACEHOLDER.search(sentence)
                    out.append(UnitMention(sentence[max(0, ph.start() - 8): ph.end() + 8], "narrative", line.span(file, sentence[:120])))
    return out
