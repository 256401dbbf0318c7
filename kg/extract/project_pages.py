"""A project description page (项目经费情况说明) → a :class:`~kg.model.KpiTable`.

The page says what a KPI table says, in prose: the project's overview, its legal basis
(立项依据, whose document numbers justify it), who carries it out, when, the year's money and
the performance goal. It is read into the same record as a KPI table, without indicators, so
that matching, citations and mapping treat both alike.

The project's name is taken from a "项目名称：" line, else from the page title ("XX项目经费情况
说明"), else from the overview's "…建设的XX工程" — and the notes say which. The year's money is
the amount 年度预算安排 states, or the sum of its quarterly plans (用款计划), and the notes say so.

>>> from kg.read.text import lines_from_text
>>> text = "项目经费情况说明\\n一、项目概况\\n由某街道建设的社区服务中心新建工程，位于某路。\\n二、立项依据\\n根据沪府规【2016】168号文。\\n六、年度预算安排\\n第一季度用款计划1.50万元，第二季度用款计划2.00万元。"
>>> from kg.segment.project_pages import find_project_pages
>>> page = parse_project_page(find_project_pages(lines_from_text(text))[0], "f.txt")
>>> page.project_name, page.annual_total, page.fields["立项依据"]
('社区服务中心新建工程', Decimal('35000.00'), '根据沪府规【2016】168号文。')
>>> page.notes
["项目名称 is not printed: taken from 项目概况 ('建设的社区服务中心新建工程')", '年度资金总额 is the sum of 2 用款计划 figures in 年度预算安排']
"""

from __future__ import annotations

import re
from decimal import Decimal

from kg.model import KpiBlock, KpiTable
from kg.money import parse_amount, to_yuan
from kg.segment.lines import text_of
from kg.segment.project_pages import TITLE

FIELD = re.compile(r"^[一二三四五六七八九十]+\s*[、.．]\s*(项目概况|项目名称|立项依据|实施主体|实施方案|实施周期|年度预算安排|绩效目标|项目内容|资金来源)\s*[:：]?\s*(.*)$")
NAME = re.compile(r"^项目名称\s*[:：]\s*(\S.+)$")
NAME_IN_OVERVIEW = re.compile(
    r"(?:建设|实施|开展|承担|负责|组织)的([\u4e00-\u9fffA-Za-z0-9（）()“”]{2,40}(?:工程|项目|系统|平台|服务|经费|活动))"
)
_MONEY = r"([\d,，]+(?:\.\d+)?)\s*(万元|元)"
TOTAL = re.compile(r"(?:年度预算|预算安排|安排资金|安排预算|总预算|预算金额|预算资金)(?:为|共|合计)?\s*" + _MONEY)
PLAN = re.compile(r"用款计划\s*(?:为)?\s*" + _MONEY)


def _amount(text: str) -> tuple[Decimal | None, str | None]:
    m = TOTAL.search(text)
    if m:
        value = parse_amount(m.group(1))
        return (to_yuan(value, m.group(2)) if value is not None else None), None
    plans = [to_yuan(v, u) for n, u in PLAN.findall(text) if (v := parse_amount(n)) is not None]
    if plans:
        return sum(plans, Decimal(0)), f"年度资金总额 is the sum of {len(plans)} 用款计划 figures in 年度预算安排"
    return None, None


def parse_project_page(block: KpiBlock, file: str) -> KpiTable:
    title_line, *body = block.lines
    page = KpiTable(project_name="", span=title_line.span(file), title=text_of(title_line), index=block.index)
    page.lines = (block.lines[0].no, block.lines[-1].no)
    current = None
    for line in body:
        if line.noise or not line.tokens:
            continue
        t = text_of(line)
        m = FIELD.match(t)
        if m:
            current = m.group(1)
            page.field_spans[current] = line.span(file)
            if m.group(2):
                page.fields[current] = m.group(2)
            continue
        if (n := NAME.match(t)) and not page.project_name:
            page.project_name = n.group(1).strip()
            continue
        if current:
            page.fields[current] = page.fields.get(current, "") + t
            if len(page.fields[current]) == len(t):  # the field's first line of text: the span points at it
                page.field_spans[current] = line.span(file)
    page.fields = {k: v.strip() for k, v in page.fields.items()}
    if "项目名称" in page.fields and not page.project_name:
        page.project_name = page.fields.pop("项目名称")
    if not page.project_name:
        named = TITLE.match(page.title.replace(" ", ""))
        if named and named.group("name"):
            page.project_name = named.group("name") + "项目"
        elif (m := NAME_IN_OVERVIEW.search(page.fields.get("项目概况", ""))):
            page.project_name = m.group(1)
            page.notes.append(f"项目名称 is not printed: taken from 项目概况 ('{m.group(0)}')")
        else:
            page.notes.append("项目名称 is not printed and cannot be read from 项目概况: the page is left without a name")
    amount, note = _amount(page.fields.get("年度预算安排", ""))
    page.annual_total = amount
    if note:
        page.notes.append(note)
    elif amount is None:
        page.notes.append("年度预算安排 states no amount that can be read")
    if page.fields.get("绩效目标"):
        page.goals["年度"] = page.fields["绩效目标"]
    if page.fields.get("实施周期"):
        page.period = page.fields["实施周期"]
    return page
