"""The document (unit, year, kind, region) and its unit (names, department, sub-units, offices)."""

from __future__ import annotations

import re
from collections import Counter

from kg.errors import ParseError
from kg.extract.cover import read_cover
from kg.extract.projects import strip_unit_suffix
from kg.extract.regions import region_of
from kg.model import Department, DocumentInfo, KpiTable, Line, Project, Section, SourceDoc, Table, UnitInfo
from kg.segment.tables import has_figures

DEPT_SUFFIX = re.compile(r"\s*[（(]\s*部门\s*[）)]\s*$")
OFFICE = re.compile(r"[\u4e00-\u9fff（）()]{2,16}?(?:科|室|部|办|处|股|组|队|所|站)(?:（[^）]{1,8}）)?$")
GRADE = re.compile(r"([正副](?:厅|处|科|局|部|县|乡)级)")


def _text(line: Line) -> str:
    return " ".join(line.tokens).strip()


def document_info(source: SourceDoc, toc_start: int, tables: list[Table]) -> tuple[DocumentInfo, str]:
    """The document's facts and the unit name as printed (with any "（部门）").

    The cover says it (:mod:`kg.extract.cover`); a cover that names no unit (a region's collection
    title alone) leaves the name to the tables' 编制单位 / 单位名称 lines, and a document without a
    cover takes name and year from its tables. A template's placeholder name ("上海市XX局") is
    refused: a blank template is not a disclosure.
    """
    cover = read_cover(source.lines, toc_start)
    table_unit = _table_unit(tables)
    if cover is None:
        year = next((int(m.group(1)) for t in tables if (m := re.match(r"(\d{4})年", t.title))), None)
        if not table_unit or not year:
            raise ParseError("no cover with a unit name and a 'YYYY年度单位/部门预算' title, and no budget tables to fall back on", file=source.name)
        kind = "部门预算" if "部门" in table_unit else "单位预算"
        line = tables[0].title_line
        printed = table_unit
    else:
        if cover.placeholder:
            filled = sum(1 for t in tables if has_figures(t.rows))
            figures = f"and none of its {len(tables)} tables prints a figure" if not filled else \
                f"({filled} of its {len(tables)} tables print figures, but the unit they belong to is not named)"
            raise ParseError(
                f"a blank template, not a disclosure: the cover names a placeholder unit ('{cover.name}') {figures}",
                file=source.name,
            )
        printed = cover.name or table_unit
        if not printed:
            raise ParseError("the cover names no unit, and no table names one either", file=source.name)
        year, kind, line = cover.year, cover.kind, cover.line
    name = DEPT_SUFFIX.sub("", printed).strip() or printed
    info = DocumentInfo(
        file=source.name, unit_name=name, year=year, kind=kind, region=region_of(name),
        title=_text(line), span=line.span(source.name),
    )
    return info, printed


def _table_unit(tables: list[Table]) -> str | None:
    """The unit the tables' 编制单位 / 单位名称 lines name most often."""
    names = Counter(t.unit_name for t in tables if t.unit_name)
    return names.most_common(1)[0][0] if names else None


def unit_info(
    doc: DocumentInfo, printed: str, tables: list[Table], kpis: list[KpiTable], sections: list[Section], subunits: list[str],
) -> UnitInfo:
    name = doc.unit_name
    unit = UnitInfo(name=name, span=doc.span, is_department=doc.kind.startswith("部门") or printed != name)
    variants: list[str] = []
    for t in tables:
        if t.unit_name:
            v = DEPT_SUFFIX.sub("", t.unit_name).strip()
            if v and v != name and v not in variants:
                variants.append(v)
    org = next((s for s in sections if "机构设置" in s.title), None)
    org_text = "".join(_text(l) for l in org.lines) if org else ""
    m = re.search(re.escape(name) + r"[（(]([^）)]{2,80})[）)]", org_text)
    if m:  # the names in brackets after its own: the other nameplates it bears (加挂牌子), one body
        for v in re.split(r"[、，,]", m.group(1)):
            v = re.sub(r"^(?:加挂|挂)|牌子$", "", v.strip()).strip("“”\"")
            if _PLATE.match(v) and v != name and v not in variants:
                variants.append(v)
    m = re.search(r"以下简称[“\"]?([\u4e00-\u9fff]{2,20}?)[”\"]?[，,。；;（(]", org_text)
    if m and m.group(1) not in variants:
        variants.append(m.group(1))
    unit.variants = variants
    overview = "".join(_text(l) for sec in sections if sec.part == "第一部分" for l in [sec.heading, *sec.lines])
    g = GRADE.search(org_text) or GRADE.search(overview)
    unit.grade = g.group(1) if g else None
    unit.offices = [_strip_owner(o, name) for o in offices(org)] if org else []
    # the supervising department: what the KPI tables print in 主管部门及代码
    depts = [k.department for k in kpis if k.department]
    if depts:
        names = Counter(d.name for d in depts)
        dname = DEPT_SUFFIX.sub("", names.most_common(1)[0][0]).strip()
        codes = []
        for d in depts:
            if DEPT_SUFFIX.sub("", d.name).strip() == dname and d.code and d.code not in codes:
                codes.append(d.code)
        first = next(d for d in depts if DEPT_SUFFIX.sub("", d.name).strip() == dname)
        if dname == name:  # a department's own document: the code is its own
            unit.is_department = True
            unit.department_codes = codes
        else:
            unit.department = Department(code=codes[0] if codes else None, name=dname, span=first.span)
            unit.department_codes = codes
    unit.subunits = [s for s in subunits if s]
    for s in listed_units(sections, name):
        if s not in unit.subunits:
            unit.subunits.append(s)
    unit.own_level = own_level(sections, name)
    return unit


# a nameplate in brackets after a unit's name: a full unit name, not a grade or a note ("副处级", "参公管理")
_PLATE = re.compile(r"^[\u4e00-\u9fff0-9]{2,8}?(?:省|自治区|市|自治州|地区|盟|区|县|旗)[\u4e00-\u9fff0-9]{2,30}"
                    r"(?:局|厅|办|委|院|所|中心|队|站|处|室|馆|会|校|办事处|部)$")


def subunit_aliases(unit: UnitInfo, projects: list[Project]) -> dict[str, list[tuple[str, list[Project]]]]:
    """Other names a department document gives one of its sub-units, with the projects that show it.

    Seed 004 lists projects under "大同市云冈区政府信息网络中心" in its project table while their
    绩效目标表 name the 实施单位 "大同市云冈区政府信息中心". A name N is another name of the
    sub-unit S when

    - a project listed under S in the project table has a KPI table whose 实施单位 is N (≠ S);
    - that KPI table's 主管部门 is the document's own department (the same supervising department);
    - N is no unit the document lists itself (the department, another sub-unit): that would be a
      project charged to another unit, not another name;
    - every KPI table naming N belongs to a project listed under S (never under another sub-unit).

    Names that are merely similar are never merged: only this evidence makes them one.
    """
    if not unit.subunits:
        return {}
    dept = unit.name if unit.is_department else (unit.department.name if unit.department else None)
    known = {_k(n) for n in [unit.name, *unit.variants, *unit.subunits]}
    under: dict[str, dict[str, list[Project]]] = {}  # N → S → projects
    for p in projects:
        k = p.kpi
        if p.row is None or not p.row.subunit or k is None or not k.implementing_unit:
            continue
        n = DEPT_SUFFIX.sub("", k.implementing_unit).strip()
        if _k(n) in known or k.department is None or dept is None:
            continue
        if _k(DEPT_SUFFIX.sub("", k.department.name)) != _k(dept):
            continue
        under.setdefault(n, {}).setdefault(p.row.subunit, []).append(p)
    out: dict[str, list[tuple[str, list[Project]]]] = {}
    for n, by_sub in under.items():
        if len(by_sub) == 1:
            ((s, ps),) = by_sub.items()
            out.setdefault(s, []).append((n, ps))
    return out


def _k(name: str) -> str:
    return re.sub(r"\s+", "", name)


_LISTED = re.compile(r"^\d{1,2}\s*[、.．]?\s*([\u4e00-\u9fff（）()]{4,40}?)(?:[（(][^）)]{1,12}[）)])?[。；;]?$")
_UNIT_WORD = re.compile(r"(?:局|厅|办|委|院|所|中心|队|站|处|室|馆|会|校|办事处)$")


def listed_units(sections: list[Section], unit: str) -> list[str]:
    """The units a department document says it consists of (Shanghai: 部门决算单位构成 / 机构设置).

    Each is a numbered line or table row: "1 | 上海市普陀区财政局（本级） | …" or
    "2. 上海市普陀区万里街道社区事务受理服务中心。"; the department itself (本级 / 本部) is not a sub-unit.
    """
    out: list[str] = []
    for sec in sections:
        if not re.search(r"单位构成|机构设置", sec.title):
            continue
        for line in sec.lines:
            toks = line.tokens
            text = "".join(toks[:2]) if len(toks) >= 2 and toks[0].isdigit() else _text(line)
            m = _LISTED.match(text.replace(" ", ""))
            if not m:
                continue
            name = m.group(1)
            if name == unit or not _UNIT_WORD.search(name) or name in out:
                continue
            out.append(name)
    return out


_OWN_LEVEL = re.compile(r"^(?:\d{1,2}\s*[、.．]?\s*)?(?P<name>[\u4e00-\u9fff（）()]{4,40}?)\s*[（(](?P<level>本级|本部|机关本级)[）)]")


def own_level(sections: list[Section], unit: str) -> str | None:
    """The department's own level as its 单位构成 / 机构设置 lists it ("中共上海市普陀区委社会工作部（本级）",
    "…万里街道办事处（本部）"): the unit that is the department's own budget, beside its sub-units."""
    for sec in sections:
        if not re.search(r"单位构成|机构设置", sec.title):
            continue
        for line in sec.lines:
            toks = line.tokens
            text = "".join(toks[1:2] if len(toks) >= 2 and toks[0].isdigit() else toks).replace(" ", "")
            m = _OWN_LEVEL.match(text)
            if m and m.group("name") == unit:
                return f"{unit}（{m.group('level')}）"
    return None


def offices(section: Section) -> list[str]:
    """Internal offices named in 机构设置情况: numbered sub-headings or a list after "为：/设…："."""
    found: list[str] = []
    for line in section.lines:
        t = _text(line)
        m = re.match(r"^\d+\s*[、.．]\s*([\u4e00-\u9fff（）()]{2,16})$", t)
        if m and OFFICE.match(m.group(1)):
            found.append(m.group(1))
    if found:
        return found
    text = "".join(_text(l) for l in section.lines)
    for m in re.finditer(r"(?:科室名称为|分别为|设下列内设机构[^：:]*|内设[^：:，。]{0,12}|内设机构[^：:。]{0,12}?包括)[：:]\s*([^。；;]+)", text):
        parts = re.split(r"[、，,]", m.group(1))
        for p in parts:
            p = re.sub(r"^[（(][一二三四五六七八九十\d]+[）)]", "", p.strip()).strip("。；; ")
            if OFFICE.fullmatch(p) and p not in found:
                found.append(p)
        if found:
            return found
    m = re.search(r"([\u4e00-\u9fff、（）()]{4,200}?)[、，,]?\s*[一二三四五六七八九十\d]+个内设股?室构成", text)
    if m:
        for p in m.group(1).split("、"):
            p = p.strip()
            if OFFICE.fullmatch(p) and p not in found:
                found.append(p)
    return found


def _strip_owner(office: str, unit: str) -> str:
    """"云冈区人民政府办公室政府党务室" → "政府党务室": the list ran on from the unit's own name."""
    for k in range(len(unit) - 2):
        tail = unit[k:]
        if office.startswith(tail) and len(office) > len(tail) + 1:
            return office[len(tail):]
    return office


def subunit_names(rows) -> list[str]:
    out: list[str] = []
    for r in rows:
        if r.subunit and r.subunit not in out:
            out.append(r.subunit)
    return out


def same_unit(a: str, b: str) -> bool:
    return strip_unit_suffix(a) == strip_unit_suffix(b)
