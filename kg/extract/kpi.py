"""One 项目支出绩效目标表 (KPI table) → :class:`kg.model.KpiTable`.

The table is read by its labels, not by cell positions: a label cell (项目名称, 主管部门及代码,
实施期资金总额 …) owns the value cells that follow it on its line, whether the label and value
share a cell ("实施单位 大同市人民政府信息化中心") or not. Values that landed on the wrong row
(a shifted 项目名称 row that shows the department code) are recognised by their shape.

OCR output (seed 002) needs more, each rule for something OCR does, none keyed on a document:
labels misread by a character, cut over cells or printed in traditional forms
(``_misread_label``, ``_tokens``); names and figures printed in pieces (``join_pieces``,
``read_figures``); a document number broken over cells (``kg.policy.docno.rejoin_docnos``); a
noisy indicator grid (``kg.extract.ocr_grid.clean_ocr_grid``); a page printed twice
(``merge_continued``). What cannot be read is left out and ``KpiTable.notes`` says what and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from kg.extract.indicators import HEADER_TOKENS, category, norm, recover_indicators
from kg.extract.kpi_categories import word_target_reads
from kg.extract.kpi_merge import same_indicator
from kg.extract.kpi_pieces import NAME_LABEL_TAILS, Reading, fragment, join_pieces, read_figures  # noqa: F401
from kg.extract.ocr_grid import TABLE_NOISE, clean_ocr_grid, edit_distance, noise_cell
from kg.extract.ocr_text import chunked, unwrap
from kg.extract.stacked_grid import read_stacked
from kg.model import Department, KpiBlock, KpiTable, Line
from kg.money import parse_amount
from kg.policy.docno import rejoin_docnos

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
_CJK = re.compile(r"[\u4e00-\u9fff]")


# Characters OCR prints for those of the labels: traditional or look-alike forms (one for one,
# so offsets in a cell stay valid).
_VARIANTS = str.maketrans(
    "資財級額項總據況標數門單實実計劃屬縣県區設籌經辦聯係話電報負責證業",
    "资财级额项总据况标数门单实实计划属县县区设筹经办联系话电报负责证业",
)
# what a label's key leaves out: spaces, punctuation and brackets OCR adds or drops around it
_KEY_DROP = re.compile(r"[\s:：;；,，.。、·_'\"“”‘’\[\]【】〔〕<>《》!！?？*~～\-—]")


def _key(text: str) -> str:
    t = text.translate(_VARIANTS).replace("（", "(").replace("）", ")")
    return _KEY_DROP.sub("", t)


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
_SPELLING_KEYS = sorted({(_key(s), label) for label, ss in LABELS.items() for s in ss}, key=lambda x: -len(x[0]))
_LONGEST = max(len(k) for k, _ in _SPELLING_KEYS)
_MONEY_STARTS = {_key(s)[0] for label in MONEY_LABELS for s in LABELS[label]} | {"其", "資", "財", "級"}


@lru_cache(maxsize=8192)
def _misread_label(token: str) -> tuple[str, float] | None:
    """A cell that is a label as OCR misreads it, alone in its cell: (label, cost).

    Rules (labels of four characters or more; shorter ones must be exact):
    - the cell is the label with one character wrong, missing or extra ("主管管门及代码",
      "立项依依据", "目名称"); two for labels of seven characters or more ("项目设立业少要性");
    - the cell is the label cut at the end of its cell, at least three characters and 60 % of
      it ("项目名", "项目属"), with at most one character wrong when it has four or more
      ("年度资金点"). A cut label costs half a misread character more.
    Traditional or look-alike forms (資, 財, 級 …) count as the characters they stand for.
    """
    k = _key(token)
    if k.startswith("其中"):
        k = k[2:]
    if not 3 <= len(k) <= _LONGEST + 2:
        return None
    best: tuple[str, float] | None = None
    chars = set(k)
    for spelling, label in _SPELLING_KEYS:
        n = len(spelling)
        if n < 4 or len(k) > n + 2 or len(chars & set(spelling)) < min(len(k), n) - 2:
            continue
        budget = 2 if n >= 7 else 1
        d = edit_distance(k, spelling, budget)
        cost: float | None = d if d <= budget else None
        if len(k) < n and len(k) >= max(3, 0.6 * n):
            d = edit_distance(k, spelling[: len(k)], 1 if len(k) >= 4 else 0)
            if d <= (1 if len(k) >= 4 else 0) and (cost is None or d + 0.5 < cost):
                cost = d + 0.5
        if cost is not None and (best is None or cost < best[1]):
            best = (label, cost)
    return best


@lru_cache(maxsize=8192)
def _label_of(token: str) -> tuple[str, str, float] | None:
    """(label, the value written in the same cell, cost) — cost 0 for a label as spelled."""
    t = token.translate(_VARIANTS)  # one character for one: offsets are those of ``token``
    for label, rx in _LABEL_RES:
        m = rx.match(t)
        if m:
            return label, token[m.end():].strip(), 0.0
    k = _key(token)
    k = k[2:] if k.startswith("其中") else k
    if len(k) >= 5:
        for spelling, label in _MONEY_KEYS:
            if spelling.startswith(k):
                return label, "", 0.5
    got = _misread_label(token)
    return (got[0], "", got[1]) if got else None


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

    OCR misreads (see ``_misread_label``):

    >>> split_label("主管管门及代码"), split_label("年度資金总額:"), split_label("项目名")
    (('主管部门', ''), ('年度资金总额', ''), ('项目名称', ''))
    """
    got = _label_of(token)
    return (got[0], got[1]) if got else (None, token.strip())


def _joinable(tok: str) -> bool:
    """Could this cell be the first piece of a label split over cells? (not a number, not one mark)"""
    return len(tok) >= 2 and bool(_CJK.search(tok)) and parse_amount(tok) is None


def _split_inner(col: int, tok: str) -> list[tuple[int, str]]:
    """A cell that holds a figure and then a money label ("3,937,100 年度资金总额;") → two cells."""
    cuts = [0]
    for m in re.finditer(r"\s+", tok):
        if tok[m.end():m.end() + 1] not in _MONEY_STARTS:
            continue
        got = _label_of(tok[m.end():])
        head = tok[cuts[-1]:m.start()]
        if got and got[2] <= 0.5 and got[0] in MONEY_LABELS and (not _CJK.search(head) or _label_of(head)):
            cuts.append(m.end())
    if len(cuts) == 1:
        return [(col, tok)]
    return [(col, tok[a:b].strip()) for a, b in zip(cuts, cuts[1:] + [len(tok)]) if tok[a:b].strip()]


@dataclass
class _Cell:
    label: str | None
    values: list[str] = field(default_factory=list)
    line: Line | None = None
    cols: list[int] = field(default_factory=list)  # the cell index of each value
    col: int = -1  # the cell index of the label


def _tokens(line: Line) -> list[tuple[int, str]]:
    """The line's cells (index, text), with a label the converter split over two or three cells
    ("项目名" + "称", "保证" + "项目实施的" + "制度、措施") joined, and a figure written in the
    cell of the next label split off it."""
    return list(_cell_tokens(tuple(line.cells)))


@lru_cache(maxsize=8192)
def _cell_tokens(cells: tuple[str, ...]) -> tuple[tuple[int, str], ...]:
    """:func:`_tokens` of a line's cells: read once per table (its lines are cut, then read) and for
    lines every table prints alike."""
    toks = [(i, c.strip()) for i, c in enumerate(cells) if c.strip()]
    out: list[tuple[int, str]] = []
    i = 0
    while i < len(toks):
        col, tok = toks[i]
        own = _label_of(tok)
        joined = None
        if _joinable(tok) and (own is None or (own[2] > 0 and not own[1])):
            nxt = _label_of(toks[i + 1][1]) if i + 1 < len(toks) else None
            for span in (2, 3):
                parts = [t for _, t in toks[i:i + span]]
                if len(parts) < span or (nxt is not None and nxt[2] == 0) or any(fragment(t) for t in parts):
                    break  # the next cell is a label of its own, or a figure: this one is a value
                got = _label_of("".join(parts))
                # a cut label absorbs the next cell's one character even misread ("项目名" + "轮")
                better = own is None or got is not None and (
                    got[2] < own[2]
                    or (own[2] == 0.5 and span == 2 and len(parts[1]) == 1 and got[2] <= 1 and toks[i + 1][0] == col + 1)
                )
                if got and not got[1] and better and (joined is None or got[2] < joined[2]):
                    joined = span, "".join(parts), got[2]
        if joined:
            out.append((col, joined[1]))
            i += joined[0]
            continue
        out.extend(_split_inner(col, tok))
        i += 1
    return tuple(out)


def _runs(line: Line) -> list[_Cell]:
    """The (label, values) runs of one line."""
    runs: list[_Cell] = []
    for col, tok in _tokens(line):
        label, rest = split_label(tok)
        if label:
            runs.append(_Cell(label, [rest] if rest else [], line, [col] if rest else [], col))
        elif runs:
            runs[-1].values.append(rest)
            runs[-1].cols.append(col)
        else:
            runs.append(_Cell(None, [rest], line, [col]))
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


def _bare_name(tokens: list[str]) -> str | None:
    """A name printed above the table (or on a 项目名称 row whose label OCR lost)."""
    cand = [t for t in tokens if not _YEAR_LINE.match(t) and not _STAMP.match(t)]
    if len(cand) > 1 and cand[0] in NAME_LABEL_TAILS:
        cand = cand[1:]  # what is left of the label
    if len(cand) <= 1:
        return cand[-1] if cand else None
    return join_pieces(cand) or cand[-1]


def _amount_note(what: str, r: Reading) -> str | None:
    if r.how == "unreadable":
        return f"{what} cannot be read ('{r.raw}'): left out"
    if r.how == "reconstructed":
        return f"{what} read as {r.amount:,} from '{r.raw}' (a digit printed on both sides of a cell break taken once)"
    return None


def read_head(table: KpiTable, lines: list[Line], file: str) -> None:
    """项目名称, 主管部门及代码, 实施单位, 项目属性, 项目期, the money block and the text cells."""
    names: list[tuple[str, Line]] = []
    units: list[str] = []
    money_seen: dict[str, int] = {}
    stray_period: str | None = None
    current_text: str | None = None
    texts: dict[str, list[str]] = {}
    labelled = False
    annual_col: int | None = None  # the last cell of the 年度资金总额 figure: further right is the page margin
    for line in lines:
        runs = _runs(line)
        if not any(r.label for r in runs):
            text = " ".join(line.tokens)
            if "绩效目标" in text:
                table.title = text
            elif current_text and len(line.tokens) == 1:
                texts[current_text].append(text)  # a text cell continued on the next line
            elif not labelled:  # a bare name printed above the table
                bare = _bare_name(line.tokens)
                if bare:
                    names.append((bare, line))
            continue
        labelled = True
        in_line: dict[str, int] = {}
        figures_after: dict[str, list[int]] = {}  # per money label: how many figures each printing owns
        for r in runs:
            in_line[r.label or ""] = in_line.get(r.label or "", 0) + 1
            if r.label in MONEY_LABELS:
                figures_after.setdefault(r.label, []).append(len(read_figures([(c, v) for c, v in zip(r.cols, r.values) if v])))
        seen_in_line: dict[str, int] = {}
        for r in runs:
            label = r.label
            cells = [(c, v) for c, v in zip(r.cols, r.values) if v]
            values = [v for _, v in cells]
            if label == "项目名称":
                plain = []
                for v in values:
                    d = _department(v)
                    if d:  # the row shifted: the department code stands where the name should
                        table.department = table.department or d
                    else:
                        plain.append(v)
                if len(plain) > 1:  # a name OCR printed over several cells
                    joined = join_pieces(plain)
                    if joined:
                        table.notes.append(f"项目名称 read from {len(plain)} cells: {' | '.join(plain)}")
                        plain = [joined]
                for v in reversed(plain):
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
                unit = values[0]
                if len(values) > 1 and len(_CJK.findall(unit)) < 4 and _ORGAN.search(values[1]):
                    unit = join_pieces(values[:2])  # "晋城" + "市数据局"
                table.implementing_unit = unit
            elif label == "项目属性" and values:
                table.attribute = values[0]
            elif label == "项目期" and values and not _STAMP.match(values[0]):
                table.period = values[0]
            elif label in MONEY_LABELS:
                stray_period = next((v.strip() for v in values if _PERIOD_VALUE.match(v.strip())), stray_period)
                readings = read_figures(cells)
                # a label printed twice on its line owns one figure per side — unless the figures of
                # both sides follow its first printing and none its second (cells shuffled); printed
                # once, it owns the figures of both sides; otherwise the n-th printing is its side
                n = money_seen.get(label, 0)
                counts = figures_after[label]
                if in_line[label] > 1 and not (counts[0] >= 2 and not any(counts[1:])):
                    seen_in_line[label] = seen_in_line.get(label, 0) + 1
                    n = seen_in_line[label] - 1
                    readings = readings[:1]
                else:
                    readings = readings[:2]
                money_seen[label] = max(money_seen.get(label, 0), n + max(1, len(readings)))
                for k, reading in enumerate(readings):
                    side = PERIOD if n + k == 0 else ANNUAL
                    if label == "年度资金总额":
                        side = ANNUAL
                        annual_col = max(reading.cols)
                    elif label == "实施期资金总额":
                        side = PERIOD
                    elif side == ANNUAL and annual_col is not None and min(reading.cols) > max(annual_col, r.col + 2):
                        continue  # right of the figures' column, away from its label: the page margin's noise
                    what = label if label.endswith("总额") else f"{side} {LEVELS[label]}"
                    note = _amount_note(what, reading)
                    if note:
                        table.notes.append(note)
                    if reading.amount is None:
                        continue
                    if label == "实施期资金总额":
                        table.period_total = table.period_total if table.period_total is not None else reading.amount
                    elif label == "年度资金总额":
                        table.annual_total = table.annual_total if table.annual_total is not None else reading.amount
                    else:
                        table.funding.setdefault((side, LEVELS[label]), reading.amount)
            elif label in TEXT_FIELDS:
                current_text = label
                # an empty cell between two printed ones is text OCR lost: kept as "" (see ocr_text.unwrap)
                texts[label] = [g for k, (c, v) in enumerate(cells)
                                for g in (([""] if k and c - cells[k - 1][0] > 1 else []) + [v])]
                table.field_spans[label] = line.span(file, "".join(values).strip())
    for label, cells in texts.items():
        table.fields[label] = _field_text(table, label, cells)
    table.period = table.period or stray_period
    for name, line in names:
        if name and not _department(name):
            table.project_name = name
            table.span = line.span(file)
            break
    if not table.implementing_unit and units:
        table.implementing_unit = units[0]
    _check_split(table)


def _field_text(table: KpiTable, label: str, cells: list[str]) -> str:
    """A text cell's text: wrapped lines OCR printed as column chunks put back in reading order
    (:func:`kg.extract.ocr_text.unwrap`); a document number OCR broke over two cells put back together."""
    if sum(1 for c in cells if c.strip()) > 1:
        table.chunked.add(label)
        text = unwrap(cells)
        if text is not None:
            table.notes.append(f"{label}: read as two wrapped lines printed in column chunks")
            cells = [text]
        elif any(len(c) > 1 for c in chunked(cells)):
            table.scrambled[label] = list(cells)  # wrapped lines in an order that cannot be told
    cells, notes = rejoin_docnos(cells)
    table.notes.extend(f"{label}: {n}" for n in notes)
    return "".join(cells).strip()


def _check_split(table: KpiTable) -> None:
    """Say so when a side's funding split does not add up to its total (some figure is misread)."""
    for side, total in ((PERIOD, table.period_total), (ANNUAL, table.annual_total)):
        parts = {k: v for k, v in table.funding.items() if k[0] == side}
        if total is None or not parts:
            continue
        s = sum(parts.values(), Decimal(0))
        if s != total:
            table.notes.append(f"{side} funding split adds up to {s:,}, not to its total {total:,}")


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
    noisy = sum(1 for line in lines for c in line.cells if noise_cell(c)) >= TABLE_NOISE
    grid, grid_notes, ocr = clean_ocr_grid(grid, True if noisy else None)
    table.notes.extend(grid_notes)
    table.indicators, layout = recover_indicators(file, grid, fuzzy=ocr, context=[l.text for l in lines])
    if ocr:
        _settle_cost_targets(table)
        _drop_unread(table)
    if ocr or noisy:
        stacked, notes = read_stacked(file, lines, [l.text for l in lines])
        table.indicators.extend(i for i in stacked if not any(same_indicator(i, j) for j in table.indicators))
        table.notes.extend(notes)
    if not table.indicators:
        table.notes.append("no indicator can be read from the table")
    elif layout != "two-sided":
        table.notes.append(f"indicator grid read as {layout} layout")
    if keep_personal:
        table.personal = read_footer(footer)
    return table


def _drop_unread(table: KpiTable) -> None:
    """An OCR'd grid's indicators that cannot be read are left out, and said so: a target of words
    that is no target (``word_target_reads``), or a row no 二级 label stands over."""
    kept = []
    for ind in table.indicators:
        if not ind.l2:
            table.notes.append(f"{ind.l3}: no 二级 label can be read for it: left out")
        elif not word_target_reads(ind.l3, ind.target.text):
            table.notes.append(f"{ind.l3}: target '{ind.target.text}' does not read as one: left out")
        else:
            kept.append(ind)
    table.indicators = kept


def _settle_cost_targets(table: KpiTable) -> None:
    """A 成本指标 whose two printings differ (≤70.5万元 | ≤70.6万元): the one equal to the table's own
    funding total (年度, else 实施期) is the reading its arithmetic bears out, and is taken."""
    totals = {t for t in (table.annual_total, table.period_total) if t is not None}
    for ind in table.indicators:
        other = ind.period_target
        if other is None or ind.target.amount_yuan in totals or other.amount_yuan not in totals:
            continue
        table.notes.append(f"{ind.l3}: target read {ind.target.text} and {other.text} on the two sides; "
                           f"{other.text} equals the table's funding total and is taken")
        ind.target, ind.period_target = other, ind.target
