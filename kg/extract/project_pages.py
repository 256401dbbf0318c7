"""A project description page (项目经费情况说明) → a :class:`~kg.model.KpiTable`.

The page says what a KPI table says, in prose: the project's overview, its legal basis
(立项依据, whose document numbers justify it), who carries it out (实施主体), when (实施周期), the
year's money (年度预算安排, with the parts it lists) and the performance goal. It is read into the
same record as a KPI table, without indicators, so that matching, citations and mapping treat both
alike; ``page`` is True and the title as printed is kept in ``title``.

Every part is a field under its canonical name (:data:`kg.segment.project_pages.PART_NAMES`: a
"政策依据" is the 立项依据), its span the part's first line of text; a part named otherwise ("八、其他
需要说明的事项") is a field under the name as printed.

The project's name is, in this order (the notes say which, unless it is printed):

1. the name printed after "项目名称：";
2. the name the title gives (:func:`name_from_title`): "科技创新专项经费情况说明" → "科技创新专项经费",
   "智慧园区平台建设项目经费情况说明" → "智慧园区平台建设项目", "科普活动经费情况说明" →
   "科普活动经费" — a title that names nothing ("项目经费情况说明") gives no name;
3. the "…建设的XX工程" the overview (项目概况) names.

The year's money and its parts are read by :mod:`kg.extract.page_budget`. The 实施主体 is kept as
printed; when it names a unit (:func:`implementing_unit`) that is the project's implementing unit.

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

from kg.extract.page_budget import read_budget
from kg.extract.projects import UNIT_SUFFIX
from kg.model import Finding, KpiBlock, KpiTable, Line, Project
from kg.money import fmt_yuan
from kg.segment.lines import text_of
from kg.segment.project_pages import NUMBERING, TITLE, heading_number, part_heading, title_length

NAME_IN_OVERVIEW = re.compile(
    r"(?:建设|实施|开展|承担|负责|组织)的([\u4e00-\u9fffA-Za-z0-9（）()“”]{2,40}(?:工程|项目|系统|平台|服务|经费|活动))"
)
_YEAR = re.compile(r"^(?:\d{4}年度?)")
_UNIT_IS = re.compile(r"^(?:项目)?(?:实施主体|实施单位)(?:为|是)(?P<unit>[^，,。；;、]{2,40})")
_UNIT_AS_DOER = re.compile(
    r"(?:由|实施主体为|实施单位为)(?:建设单位|实施单位|项目单位|主管单位)?(?P<unit>[^，,。；;、由为]{2,40}?)"
    r"(?:负责|牵头|作为|具体)?(?:组织)?(?:实施|建设|承担|开展|执行)"
)


def name_from_title(title: str) -> str | None:
    """The project a page title names, or None when it names none.

    The title without "情况说明" (and without "支出"): a 项目 page names "…项目" (its 经费/资金 is the
    page's, not the project's), a 专项 or 经费 page names "…专项经费" / "…经费" / "…专项资金". A
    numbering or a year in front is not part of the name.

    >>> name_from_title("科技创新专项经费情况说明"), name_from_title("智慧园区平台建设项目经费情况说明")
    ('科技创新专项经费', '智慧园区平台建设项目')
    >>> name_from_title("（二）2025年科普活动经费情况说明"), name_from_title("人才发展专项资金情况说明")
    ('科普活动经费', '人才发展专项资金')
    >>> name_from_title("项目经费情况说明") is None, name_from_title("七、专项经费情况说明") is None
    (True, True)
    """
    m = TITLE.match(title.replace(" ", ""))
    if not m:
        return None
    name = _YEAR.sub("", NUMBERING.sub("", m.group("name"))).strip()
    if not name:
        return None
    kind = re.sub(r"(?:情况|支出)$", "", m.group("kind"))
    return name + ("项目" if kind.startswith("项目") else kind)


def implementing_unit(text: str) -> str | None:
    """The unit a 实施主体 names: the whole text when it is a unit's name, else the unit it says the
    实施主体 is ("实施主体为XX，…") or carries the project out ("由XX负责实施", "由建设单位XX建设");
    None when it names none (a name must end as a unit's does: 中心, 局, 委员会, 馆 …).

    >>> implementing_unit("上海市普陀区科学技术委员会。"), implementing_unit("本工程由建设单位万里街道办事处建设、招标代理单位对本工程进行招标。")
    ('上海市普陀区科学技术委员会', '万里街道办事处')
    >>> implementing_unit("由区科委牵头，各街镇配合实施。") is None
    True
    """
    t = text.strip().rstrip("。.；;")
    if t and len(t) <= 40 and not re.search(r"[，,。；;、：:\s]", t) and UNIT_SUFFIX.search(t):
        return t
    if (m := _UNIT_IS.search(t)) and UNIT_SUFFIX.search(m.group("unit")):
        return m.group("unit")
    for m in _UNIT_AS_DOER.finditer(t):
        unit = m.group("unit").strip()
        if UNIT_SUFFIX.search(unit):
            return unit
    return None


def _read_parts(page: KpiTable, body: list[Line], file: str) -> dict[str, list[tuple[Line, str]]]:
    """Fill ``page.fields`` and ``page.field_spans``; return each part's lines with their text."""
    texts: dict[str, list[tuple[Line, str]]] = {}
    current: str | None = None
    style: str | None = None
    last: int | None = None
    for line in body:
        if line.noise or not line.tokens:
            continue
        t = text_of(line)
        head = part_heading(t, style)
        if head is not None:
            style = style or head.style
            last = head.number if head.number is not None else last
            current = head.name
            page.field_spans.setdefault(current, line.span(file))
            if head.rest:
                texts.setdefault(current, []).append((line, head.rest))
            continue
        n = heading_number(t.replace(" ", ""), style)
        if current and n is not None and last is not None and n == last + 1:  # a part named otherwise
            name, rest = re.match(r"^([^:：]*)[:：]?(.*)$", NUMBERING.sub("", t.strip())).groups()
            last, current, rest = n, name.replace(" ", ""), rest.strip()
            page.field_spans.setdefault(current, line.span(file))
            if rest:
                texts.setdefault(current, []).append((line, rest))
            continue
        if current:
            texts.setdefault(current, []).append((line, t))
    for name, lines in texts.items():
        page.fields[name] = "".join(t for _, t in lines).strip()
        first_line, first_text = lines[0]
        if first_text == text_of(first_line):  # not the text after the heading on its line: the span is its line
            page.field_spans[name] = first_line.span(file)
    return texts


def parse_project_page(block: KpiBlock, file: str) -> KpiTable:
    """The record of one page (a block of :func:`kg.segment.project_pages.find_project_pages`)."""
    n = max(1, title_length(block.lines))
    title_lines, body = block.lines[:n], block.lines[n:]
    title = "".join(text_of(l) for l in title_lines)
    page = KpiTable(project_name="", span=title_lines[0].span(file, title), title=title, index=block.index, page=True)
    page.lines = (block.lines[0].no, block.lines[-1].no)
    texts = _read_parts(page, body, file)
    named = page.fields.pop("项目名称", "")
    page.field_spans.pop("项目名称", None)
    if named:
        page.project_name = named.rstrip("。")
    elif (from_title := name_from_title(title)) is not None:
        page.project_name = from_title
        page.notes.append(f"项目名称 is not printed: taken from the title ('{title}')")
    elif (m := NAME_IN_OVERVIEW.search(page.fields.get("项目概况", ""))):
        page.project_name = m.group(1)
        page.notes.append(f"项目名称 is not printed: taken from 项目概况 ('{m.group(0)}')")
    else:
        page.notes.append("项目名称 is not printed and cannot be read from the title or 项目概况: the page is left without a name")
    budget = read_budget(texts.get("年度预算安排", []), file)
    page.annual_total, page.parts = budget.total, budget.parts
    page.notes.extend(budget.notes)
    if page.fields.get("实施主体"):
        page.implementing_unit = implementing_unit(page.fields["实施主体"])
    if page.fields.get("绩效目标"):
        page.goals["年度"] = page.fields["绩效目标"]
    if page.fields.get("实施周期"):
        page.period = page.fields["实施周期"]
    return page


def page_findings(projects: list[Project]) -> list[Finding]:
    """A project page whose 年度预算安排 lists parts that do not add up to the year's money it states
    (check ``project-parts-sum``; the page's notes say it too). ``project`` indexes ``projects``."""
    out = []
    for i, p in enumerate(projects):
        k = p.kpi
        if k is None or not k.parts or k.annual_total is None:
            continue
        listed = sum((part.amount for part in k.parts), Decimal(0))
        if listed == k.annual_total:
            continue
        out.append(Finding(
            check_id="project-parts-sum", severity="warning",
            message=(
                f"{k.title or '项目经费情况说明'} of '{k.project_name}' ({k.span.where}): the {len(k.parts)} parts its "
                f"年度预算安排 lists add up to {fmt_yuan(listed)} 元, not the {fmt_yuan(k.annual_total)} 元 it states"
            ),
            span=k.field_spans.get("年度预算安排", k.span), expected=k.annual_total, actual=listed, project=i,
        ))
    return out
