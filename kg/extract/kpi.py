"""One 项目支出绩效目标表 (KPI table) → :class:`kg.model.KpiTable`.

The table is read by its labels, not by cell positions: a label cell (项目名称, 主管部门及代码,
实施期资金总额 …) owns the value cells that follow it on its line, whether the label and value
share a cell ("实施单位 大同市人民政府信息化中心") or not. Values that landed on the wrong row
(a shifted 项目名称 row that shows the department code) are recognised by their shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.extract.indicators import HEADER_TOKENS, category, norm, recover_indicators
from kg.model import Department, KpiBlock, KpiTable, Line
from kg.money import parse_amount

# label → the spellings documents print (matched after removing spaces and colons)
LABELS: dict[str, tuple[str, ...]] = {
    "项目名称": ("项目名称",),
    "主管部门": ("主管部门及代码", "主管部门"),
    "实施单位": ("实施单位",),
    "项目属性": ("项目属性",),
    "项目期": ("项目期", "项目日期"),
    "项目资金": ("项目资金(元)", "项目资金"),
    "实施期资金总额": ("实施期资金总额",),
    "年度资金总额": ("年度资金总额",),
    "中央": ("其中:中央财政资金", "中央财政资金"),
    "省级": ("省级财政资金",),
    "市县": ("市县(区)财政资金", "市、县(区)财政资金", "市县财政资金"),
    "自筹": ("单位自筹",),
    "其他": ("其他资金",),
    "项目概况": ("项目概况",),
    "立项依据": ("立项依据",),
    "项目设立必要性": ("项目设立必要性",),
    "保证项目实施的制度、措施": ("保证项目实施的制度、措施",),
    "项目实施计划": ("项目实施计划",),
    "实施期目标": ("实施期目标",),
    "年度目标": ("年度目标",),
    "总体目标": ("总体目标",),
    "负责人": ("负责人",),
    "经办人": ("经办人",),
    "联系电话": ("联系电话",),
    "填报日期": ("填报日期",),
}
TEXT_FIELDS = ("项目概况", "立项依据", "项目设立必要性", "保证项目实施的制度、措施", "项目实施计划")
MONEY_LABELS = ("实施期资金总额", "年度资金总额", "中央", "省级", "市县", "自筹", "其他")
LEVELS = {"中央": "中央财政资金", "省级": "省级财政资金", "市县": "市县(区)财政资金", "自筹": "单位自筹", "其他": "其他资金"}
FOOTER = ("负责人", "经办人", "联系电话", "填报日期")
PERIOD, ANNUAL = "实施期", "年度"

_DEPT = re.compile(r"^(\d{2,4})\s*[-－—–~～]\s*(.+?)\s*(?:[\[【(（]部门[\]】)）])?$")
_YEAR_LINE = re.compile(r"^[(（]\s*\d{4}\s*年度\s*[)）]$")
_STAMP = re.compile(r"^\d{8,14}$")
_PERIOD_VALUE = re.compile(r"^\d{1,2}年$")


def _key(text: str) -> str:
    return re.sub(r"[\s:：]", "", text).replace("（", "(").replace("）", ")")


def _spelling_re(spelling: str) -> str:
    """A label spelling that tolerates spaces inside and either bracket width."""
    parts = []
    for ch in spelling:
        parts.append({"(": "[(（]", ")": "[)）]", ":": "[:：]"}.get(ch, re.escape(ch)))
    return r"\s*".join(parts)


_LABEL_RES = [
    (label, re.compile(r"^\s*(?:其中\s*[:：]?\s*)?" + _spelling_re(s) + r"\s*[:：]?\s*"))
    for label, ss in LABELS.items()
    for s in sorted(ss, key=len, reverse=True)
]
_LABEL_RES.sort(key=lambda x: -len(x[1].pattern))
_MONEY_KEYS = [(_key(s), label) for label in MONEY_LABELS for s in LABELS[label]]


def split_label(token: str) -> tuple[str | None, str]:
    """A cell → (label, the value written in the same cell).

    >>> split_label("实施单位 大同市人民政府信息化中心")
    ('实施单位', '大同市人民政府信息化中心')
    >>> split_label("其中：中央财政资金 0")
    ('中央', '0')
    >>> split_label("实施期资金总额：391,308")
    ('实施期资金总额', '391,308')
    >>> split_label("市县(区)财政资 金")  # a label spaced by the PDF
    ('市县', '')
    >>> split_label("市县（区）财政资")  # and one cut at the end of its cell
    ('市县', '')
    >>> split_label("大同市人民政府信息化中心")
    (None, '大同市人民政府信息化中心')
    """
    for label, rx in _LABEL_RES:
        m = rx.match(token)
        if m:
            return label, token[m.end():].strip()
    k = _key(token)
    k = k[2:] if k.startswith("其中") else k
    if len(k) >= 5:
        for spelling, label in _MONEY_KEYS:
            if spelling.startswith(k):
                return label, ""
    return None, token.strip()


@dataclass
class _Cell:
    label: str | None
    values: list[str] = field(default_factory=list)
    line: Line | None = None


def _tokens(line: Line) -> list[str]:
    """The line's cells, with a label the converter split over two cells ("项目名" + "称") joined."""
    toks = line.tokens
    out: list[str] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        if i + 1 < len(toks) and split_label(tok)[0] is None and len(tok) >= 2:
            label, rest = split_label(tok + toks[i + 1])
            if label and not rest:
                out.append(tok + toks[i + 1])
                i += 2
                continue
        out.append(tok)
        i += 1
    return out


def _runs(line: Line) -> list[_Cell]:
    """The (label, values) runs of one line."""
    runs: list[_Cell] = []
    for tok in _tokens(line):
        label, rest = split_label(tok)
        if label:
            runs.append(_Cell(label, [rest] if rest else [], line))
        elif runs:
            runs[-1].values.append(rest)
        else:
            runs.append(_Cell(None, [rest], line))
    return runs


def _department(text: str) -> Department | None:
    m = _DEPT.match(text.strip())
    return Department(code=m.group(1), name=m.group(2).strip()) if m else None


_ORGAN = re.compile(r"(局|厅|委|委员会|办|办公室|部|院|中心|政府|部门|[\]】)）]部门[\]】)）]?)$")


def _join_split_department(values: list[str]) -> list[str]:
    """"102-晋城" + "市数据局": a department name the PDF cut over two cells, joined again."""
    out: list[str] = []
    for v in values:
        prev = out[-1] if out else None
        if prev and _department(prev) and not _ORGAN.search(prev) and re.fullmatch(r"[\u4e00-\u9fff]{1,10}", v) and _ORGAN.search(v):
            out[-1] = prev + v
        else:
            out.append(v)
    return out


def _is_indicator_start(line: Line) -> bool:
    toks = [norm(t) for t in line.tokens]
    return any(t in ("一级指标", "二级指标", "三级指标", "绩效指标") for t in toks) or any(
        category(t) for t in toks
    )


def _labels(line: Line) -> set[str]:
    return {r.label for r in _runs(line) if r.label}


GOAL_LABELS = {"实施期目标", "年度目标", "总体目标"}


def cut(lines: list[Line]) -> tuple[list[Line], list[Line], list[Line], list[Line]]:
    """A KPI table's lines → (head, goals, grid, footer).

    The head holds the labelled cells (项目名称 … 项目实施计划), the goals the 总体目标 texts, the
    grid the indicator rows (from the first row that shows an indicator label or category), the
    footer the 负责人 / 经办人 / 联系电话 / 填报日期 row and what follows it.
    """
    head: list[Line] = []
    goals: list[Line] = []
    grid: list[Line] = []
    footer: list[Line] = []
    part = head
    for line in lines:
        if not line.tokens:
            continue
        labels = _labels(line)
        if part is not footer and labels & set(FOOTER):
            part = footer
        elif part is head and labels & GOAL_LABELS:
            part = grid if _is_indicator_start(line) and "总体目标" in labels and not labels & {"实施期目标", "年度目标"} else goals
        elif part is goals and not labels and _is_indicator_start(line):
            part = grid
        elif part is head and not labels and _is_indicator_start(line) and any(_labels(l) & set(TEXT_FIELDS) for l in head):
            part = grid
        part.append(line)
    return head, goals, grid, footer


def read_head(table: KpiTable, lines: list[Line], file: str) -> None:
    """项目名称, 主管部门及代码, 实施单位, 项目属性, 项目期, the money block and the text cells."""
    names: list[tuple[str, Line]] = []
    units: list[str] = []
    money_seen: dict[str, int] = {}
    stray_period: str | None = None
    current_text: str | None = None
    labelled = False
    for line in lines:
        runs = _runs(line)
        if not any(r.label for r in runs):
            text = " ".join(line.tokens)
            if "绩效目标" in text:
                table.title = text
            elif current_text and len(line.tokens) == 1:
                table.fields[current_text] += text  # a text cell continued on the next line
            elif not labelled:  # a bare name printed above the table
                cand = [t for t in line.tokens if not _YEAR_LINE.match(t) and not _STAMP.match(t)]
                if cand:
                    names.append((cand[-1], line))
            continue
        labelled = True
        for r in runs:
            label, values = r.label, [v for v in r.values if v]
            if label == "项目名称":
                for v in values:
                    d = _department(v)
                    if d:  # the row shifted: the department code stands where the name should
                        table.department = table.department or d
                    else:
                        names.insert(0, (v, line))
            elif label == "主管部门":
                for v in _join_split_department(values):
                    d = _department(v)
                    if d and not table.department:
                        table.department = d
                        d.span = line.span(file)
                    elif not d:
                        units.append(v)  # the implementing unit, printed without its label
            elif label == "实施单位" and values:
                table.implementing_unit = values[0]
            elif label == "项目属性" and values:
                table.attribute = values[0]
            elif label == "项目期" and values and not _STAMP.match(values[0]):
                table.period = values[0]
            elif label in MONEY_LABELS:
                stray_period = next((v.strip() for v in values if _PERIOD_VALUE.match(v.strip())), stray_period)
                for amount in (a for a in map(parse_amount, values) if a is not None):
                    n = money_seen.get(label, 0)  # the first figure of a label is the 实施期 side
                    money_seen[label] = n + 1
                    if label == "实施期资金总额":
                        table.period_total = amount
                    elif label == "年度资金总额":
                        table.annual_total = amount
                    else:
                        table.funding[(PERIOD if n == 0 else ANNUAL, LEVELS[label])] = amount
            elif label in TEXT_FIELDS:
                current_text = label
                table.fields[label] = "".join(values).strip()
                table.field_spans[label] = line.span(file, table.fields[label])
    table.period = table.period or stray_period
    for name, line in names:
        if name and not _department(name):
            table.project_name = name
            table.span = line.span(file)
            break
    if not table.implementing_unit and units:
        table.implementing_unit = units[0]


def read_goals(lines: list[Line]) -> dict[str, str]:
    """The 总体目标 of the 实施期 and 年度 sides (the same text when only one is printed)."""
    texts = [
        v for line in lines for r in _runs(line) if r.label in (None, "总体目标")
        for v in r.values if v and norm(v) not in HEADER_TOKENS
    ]
    return {PERIOD: texts[0], ANNUAL: texts[1] if len(texts) > 1 else texts[0]} if texts else {}


def read_footer(lines: list[Line]) -> dict[str, str]:
    """负责人 / 经办人 / 联系电话 as printed (personal data: dropped unless asked for)."""
    found: dict[str, str] = {}
    for line in lines:
        for r in _runs(line):
            if r.label in ("负责人", "经办人", "联系电话") and r.values:
                v = r.values[0].strip()
                if v and (r.label == "联系电话" or not _STAMP.match(v)):
                    found.setdefault(r.label, v)
    return found


def parse_kpi(block: KpiBlock, file: str, keep_personal: bool = False) -> KpiTable:
    """Parse one KPI table block."""
    lines = [l for l in block.preamble + block.lines if not l.noise]
    head, goals, grid, footer = cut(lines)
    table = KpiTable(project_name="", span=lines[0].span(file), index=block.index)
    table.lines = (lines[0].no, lines[-1].no)
    read_head(table, head, file)
    table.goals = read_goals(goals + grid[:1])
    table.indicators, layout = recover_indicators(file, grid)
    if layout != "two-sided":
        table.notes.append(f"indicator grid read as {layout} layout")
    if keep_personal:
        table.personal = read_footer(footer)
    return table


def merge_continued(tables: list[KpiTable]) -> list[KpiTable]:
    """Join a table continued on the next page: the same project, amount and unit printed again
    with the rest of its indicators."""
    out: list[KpiTable] = []
    for t in tables:
        prev = out[-1] if out else None
        if (
            prev is not None
            and t.project_name and t.annual_total is not None
            and t.project_name == prev.project_name
            and t.annual_total == prev.annual_total
            and t.implementing_unit == prev.implementing_unit
        ):
            known = {(i.l2, i.l3, i.target.text) for i in prev.indicators}
            prev.indicators.extend(i for i in t.indicators if (i.l2, i.l3, i.target.text) not in known)
            prev.lines = (prev.lines[0], t.lines[1])
            for k, v in t.fields.items():
                if not prev.fields.get(k):
                    prev.fields[k] = v
                    prev.field_spans[k] = t.field_spans[k]
            prev.notes.append(f"continued on lines {t.lines[0]}-{t.lines[1]}")
            continue
        out.append(t)
    return out
