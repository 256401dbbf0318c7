"""Find the budget tables among a document's lines and say what each one is.

The tables part of a document (第二部分 … 预算报表) is a run of tables, each printed as::

    [marker]          预算公开表1 / 部门公开表9              ignored
    title             2025年预算收支总表                      → Table.title, Table.kind
    [unit name]       单位名称：X / 部门名称：X (+ "（部门）")  → Table.unit_name
    [money unit]      单位：万元 (or "单位：万" + "元")         → Table.money_unit
    header lines      column titles over one to three lines   → Table.header
    data rows         tab-separated cells                     → Table.rows
    [注：本表无数据]   the table has no figures                → Table.empty

Shanghai PDFs: a 决算 title is printed bare ("收入决算表", no year), the unit name and the money
unit can share one line in two cells ("编制部门：X | 单位：元", also "单位:万元"), the empty-table
note can follow another note ("注：本表反映…" then "说明：…故本表无数据。"), and a note calling a
table empty is not believed when its rows print figures (the 三公 table of the 万里 budget).

:func:`find_tables` is a chain of small steps: title lines (table-of-contents entries
excluded) → the region up to the next title → preamble (unit name, money unit) → header and
rows (:func:`split_header`). What a table *is* lives in :data:`TABLE_KINDS`; what a header
cell means lives in :data:`COLUMN_NAMES` and :data:`LABEL_COLUMNS`, shared with
:mod:`kg.extract.budget_lines`.

>>> from kg.read.text import lines_from_text
>>> text = "2024年预算支出总表\\n单位：万\\n元\\n科目编码\\t科目名称\\t合计\\n合计\\t\\t1.50\\n\\n201\\t一般公共服务支出\\t1.50"
>>> [t] = find_tables(lines_from_text(text))
>>> t.kind, t.money_unit, len(t.header), len(t.rows)
('expenditure', '万元', 1, 2)
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass

from kg.model import Line, Table
from kg.money import parse_amount
from kg.segment.lines import is_toc, text_of

# ---------------------------------------------------------------- what a table is

#: (kind, pattern) in the order they are tried; the first pattern found in a title wins.
#: More specific names come first (财政拨款收支总表 before 收支总表). Shanghai names
#: ("部门财务收支预算总表", "…支出功能分类预算表") are covered by the optional parts; a 决算 (final
#: accounts) title has the kind of its 预算 counterpart (收入支出决算总表 → summary, 支出决算表 →
#: expenditure, 一般公共预算财政拨款基本支出决算表 → basic_economic …).
TABLE_KINDS: tuple[tuple[str, str], ...] = (
    ("fiscal_summary", r"财政拨款收(?:入)?支(?:出)?(?:预算|决算)?总表"),  # 财政拨款收支总表, …收入支出决算总表
    ("summary", r"收(?:入)?支(?:出)?(?:预算|决算)?总表"),  # 预算收支总表, 部门财务收支预算总表, 收入支出决算总表
    ("income", r"收入(?:预算)?总表|(?:^|年度?|部门|单位)收入决算表"),  # 预算收入总表, 部门收入预算总表, 收入决算表
    ("expenditure", r"支出(?:预算)?总表|(?:^|年度?|部门|单位)支出决算表"),  # 预算支出总表, 支出决算表
    # …分经济科目表, 一般公共预算财政拨款基本支出决算表, 一般公共预算基本支出表 (the national 中央部门 name)
    ("basic_economic", r"基本支出.*经济(?:科目|分类)|基本支出决算表|一般公共预算(?:财政拨款)?基本支出(?:预算)?表"),
    # 一般公共预算支出(预算)表, 一般公共预算财政拨款支出决算表
    ("general_expenditure", r"一般公共预算支出(?:功能分类)?(?:预算)?表|一般公共预算财政拨款支出决算表"),
    ("fund_income", r"政府性基金预算收入表"),
    ("fund_expenditure", r"政府性基金预算支出(?:功能分类)?(?:预算)?表|政府性基金预算财政拨款(?:收入)?支出决算表"),
    ("state_capital", r"国有资本经营预算(?:收支预算|支出功能分类预算|收支|支出(?:预算)?)表|国有资本经营预算财政拨款(?:收入)?支出决算表"),
    ("three_public", r"[“”\"＂]?三公[“”\"＂]?经费"),  # also Shanghai's “三公”经费和机关运行经费预算表
    ("admin_running", r"机关运行经费(?:预算|支出决算)"),  # …预算表, …预算财政拨款情况统计表
    ("project_current", r"项目支出预算表[（(]本年预算[)）]"),
    ("project_carryover", r"项目支出预算表[（(]上年结转[)）]"),
)
UNKNOWN = "unknown"
KINDS = tuple(k for k, _ in TABLE_KINDS) + (UNKNOWN,)
_KIND_RES = tuple((k, re.compile(p)) for k, p in TABLE_KINDS)

# ---------------------------------------------------------------- what a header cell means

#: header text (whitespace removed, parentheses half-width) → normalised column name.
COLUMN_NAMES: tuple[tuple[str, str], ...] = (
    (r"(?:\d{4}年?)?合计|本年(?:收入|支出)合计", "合计"),  # 决算: 本年收入合计 / 本年支出合计
    (r"小计", "小计"),
    (r"基本支出", "基本支出"),
    (r"项目支出", "项目支出"),
    (r"人员经费", "人员经费"),
    (r"公用经费", "公用经费"),
    (r"一般公共预算(?:财政)?(?:资金|拨款)?(?:收入)?", "一般公共预算"),  # 决算: 一般公共预算财政拨款; 拨款收入
    (r"政府性基金(?:预算)?(?:财政)?(?:资金|拨款)?(?:收入)?", "政府性基金预算"),
    (r"国有资本经营预算(?:财政)?(?:资金|拨款)?(?:收入)?", "国有资本经营预算"),
    (r"财政专户管理资金", "财政专户管理资金"),
    (r"单位资金", "单位资金"),
    (r"上年结转", "上年结转"),
    (r"当年预算安排", "当年预算安排"),
    (r"上年结转安排", "上年结转安排"),
    (r"财政拨款收入", "财政拨款收入"),
    (r"事业收入", "事业收入"),
    (r"事业单位经营收入", "事业单位经营收入"),
    (r"其他收入", "其他收入"),
    # 决算 income and expenditure columns
    (r"上级补助收入", "上级补助收入"),
    (r"经营收入", "经营收入"),
    (r"附属单位上缴收入", "附属单位上缴收入"),
    (r"上缴上级支出", "上缴上级支出"),
    (r"经营支出", "经营支出"),
    (r"对附属单位补助支出", "对附属单位补助支出"),
    (r"年初(?:财政拨款)?结转和结余", "年初结转和结余"),
    (r"年末(?:财政拨款)?结转和结余", "年末结转和结余"),
    # the 三公 items and 机关运行经费 when they head columns (Shanghai prints them across)
    (r"因公出国\(境\)费(?:用)?", "因公出国（境）费"),
    (r"公务接待费", "公务接待费"),
    (r"公务用车购置及运行(?:维护)?费", "公务用车购置及运行费"),
    (r"(?:公务用车)?购置费", "公务用车购置费"),
    (r"(?:公务用车)?运行(?:维护)?费", "公务用车运行费"),
    (r"(?:\d{4}年?)?机关运行经费(?:预算数|决算数)?", "机关运行经费"),
    # a side's single amount: "2025年" (summary income side), 金额, 预算数, 政府性基金收入预算 …
    # a 决算 table's 决算数 likewise (the 三公 table's 预算数 | 决算数 pairs: see kg.extract.budget_lines)
    (r"金额|预算数|决算数|\d{4}年|\d{4}年?(?:预算数|决算数)|政府性基金收入预算|国有资本经营收入预算", "金额"),
)
#: header text → role of a label column: the code, the row name, or (basic_economic) the
#: 政府预算支出经济科目名称 printed beside the 部门 name.
LABEL_COLUMNS: tuple[tuple[str, str], ...] = (
    (r"(?:收入|(?:支出)?功能分类|经济分类|部门预算经济分类)?科目编码|(?:支出)?功能分类|经济分类|编码|类|款|项", "code"),
    (r"政府预算支出经济科目名称", "gov_econ"),
    (r"科目名称|(?:部门预算支出|部门预算)?经济(?:分类)?科目名称|功能分类科目名称|项目(?:名称)?|单位名称", "name"),
)
#: header text that groups columns without naming one (收入 | 支出, 本年收入, 2025年财政拨款 …)
GROUP_HEADINGS = (
    r"收入|支出|本年收入|本年支出|(?:国有资本经营预算|政府性基金预算|财政拨款)(?:收入|支出)"
    r"|\d{4}年?财政拨款|(?:一般公共预算|政府性基金预算)(?:基本)?支出|收入预算|支出预算"
    r"|(?:\d{4}年?)?(?:财政拨款)?[“”\"＂]?三公[“”\"＂]?经费(?:预算数|决算数)?"  # over the 三公 columns
)
_COLUMN_RES = tuple((re.compile(rf"^(?:{p})$"), n) for p, n in COLUMN_NAMES)
_LABEL_RES = tuple((re.compile(rf"^(?:{p})$"), r) for p, r in LABEL_COLUMNS)
_GROUP_RE = re.compile(rf"^(?:{GROUP_HEADINGS})$")

#: rows whose label marks a total
TOTAL_LABELS = frozenset({
    "合计", "总计", "本年收入合计", "本年支出合计", "收入总计", "支出总计", "部门合计",
    "人员经费合计", "公用经费合计",  # the foot of the two-sided 基本支出决算表
})


@dataclass(frozen=True)
class HeaderWord:
    """What one header cell says: a ``role`` (amount / code / name / gov_econ / group) and a name."""

    role: str
    name: str


@lru_cache(maxsize=8192)  # asked of every line's text while tables are looked for
def squeeze(text: str) -> str:
    """Header text without whitespace, parentheses made half-width.

    >>> squeeze("政府性基 金预算"), squeeze("因公出国（境）费"), squeeze("科目名称 —")
    ('政府性基金预算', '因公出国(境)费', '科目名称')
    """
    t = re.sub(r"\s+", "", text).replace("（", "(").replace("）", ")")
    return re.sub(r"^[^\w(]+|[^\w)]+$", "", t)  # OCR residue around it: "科目名称 —"


def header_word(cell: str) -> HeaderWord | None:
    """The meaning of a header cell, or None when it is not a known column title.

    >>> header_word("2025年合计"), header_word("政府性基金")
    (HeaderWord(role='amount', name='合计'), HeaderWord(role='amount', name='政府性基金预算'))
    >>> header_word("科目编码").role, header_word("本年收入").role, header_word("福日")
    ('code', 'group', None)
    """
    t = squeeze(cell)
    if not t:
        return None
    for rx, role in _LABEL_RES:
        if rx.match(t):
            return HeaderWord(role, t)
    for rx, name in _COLUMN_RES:
        if rx.match(t):
            return HeaderWord("amount", name)
    if _GROUP_RE.match(t):
        return HeaderWord("group", t)
    return None


# ---------------------------------------------------------------- line shapes

# the title, then at most a little non-CJK OCR residue ("表Ę")
_YEAR_TITLE = re.compile(r"(?P<title>\d{4}\s*年度?\s*\S.*?表(?:\s*[（(][^（()）]{1,12}[)）])?)\s*[^\u4e00-\u9fff\d]{0,3}$")
_NOYEAR_TITLE = re.compile(r"^(?P<title>(?:部门|单位)\S{2,40}表(?:[（(][^（()）]{1,12}[)）])?)$")
#: a title printed bare, without year or 部门 / 单位: Shanghai's 决算 ("收入决算表") and the national
#: templates ("收支总表", "一般公共预算基本支出表"); only a known kind, and only with a table after it
_BARE_TITLE = re.compile(r"^(?!第|[（(])(?P<title>[^\s\d，。；：:]{2,40}表(?:[（(][^（()）]{1,12}[)）])?)$")
#: what may stand before a title: a 表N / 预算公开表N marker, or a number ("1.", "5．", "三、")
_TITLE_PREFIX = re.compile(
    r"^(?:(?:(?:预算公开|部门公开|单位公开|公开|附)?表\s*(?:[一二三四五六七八九十]+|\d{1,2}(?!\d))\s*[、.．:：]?"
    r"|[一二三四五六七八九十]{1,3}\s*[、.．]|\d{1,2}\s*(?:[、．]|\.(?=\s|\d{4}年|\D)))\s*)?"
)
_MARKER = re.compile(r"^(?:预算公开|部门公开|单位公开|公开)表\s*\d+$")
_SECTION = re.compile(r"^第[一二三四五六七八九十]+部分")
_EMPTY_NOTE = re.compile(r"^(?:注|说明)\s*[:：].*(?:本表无数据|空表)")
_NOTE = re.compile(r"^(?:注|说明)\s*[:：]")  # "注：本表反映…" before a "说明：…故本表无数据。"
_MONEY_UNIT = re.compile(r"(?:^|\s)单位\s*[:：]\s*(?P<unit>亿元|万元|元|万)?\s*$")
_UNIT_NAME = re.compile(
    r"^(?:单位名称|部门名称|编制部门|编制单位|预算单位|部门)\s*[:：]\s*(?P<name>.*?)"
    r"\s*(?:单位\s*[:：]\s*(?:亿元|万元|元|万)?)?\s*$"
)
_CONTINUATION = re.compile(r"^[（(][^（()）]{1,10}[)）]$")
_EXCLUDED_TITLES = re.compile(r"绩效")  # 项目支出绩效目标表 are KPI tables, never budget tables
_INT = re.compile(r"^\d{1,2}$")


def is_tabular(line: Line) -> bool:
    """A line with cells (a tab) and something in them."""
    return len(line.cells) > 1 and bool(line.tokens)


def classify(title: str) -> str:
    """The kind of table a title names (see :data:`TABLE_KINDS`).

    >>> classify("2023年机关运行经费预算财政拨款情况统计表"), classify('2025年财政拨款安排"三公"经费支出预算表')
    ('admin_running', 'three_public')
    >>> classify("2024年部门一般公共预算支出功能分类预算表"), classify("2025年某某表")
    ('general_expenditure', 'unknown')
    """
    t = squeeze(title)
    for kind, rx in _KIND_RES:
        if rx.search(t):
            return kind
    return UNKNOWN


def match_title(line: Line) -> tuple[str, str] | None:
    """``(title, kind)`` when the line is a budget-table title, else None.

    A title is one cell (markdown already removed by the reader, a "表一" or "预算公开表1"
    marker allowed before it), starts with the year (Shanghai: with 部门/单位 and a known
    name), ends with 表 or a short parenthesis, and is neither a TOC entry nor a KPI table.
    A title may be printed bare, without year or 部门 ("一般公共预算财政拨款支出决算表", "收支总表"), when
    it names a known kind, and numbered ("1. 2024年…", "5．…", "三、…"): whether a table follows it
    decides (:func:`has_table_after`), not the line alone.

    >>> from kg.model import Line
    >>> match_title(Line(1, "2024年项目支出预算表（上年结转）", ["2024年项目支出预算表（上年结转）"]))
    ('2024年项目支出预算表（上年结转）', 'project_carryover')
    >>> match_title(Line(1, "2025年项目支出绩效目标表", ["2025年项目支出绩效目标表"])) is None
    True
    >>> match_title(Line(1, "收入决算表", ["收入决算表"])), match_title(Line(1, "一、收入决算表", ["一、收入决算表"]))
    (('收入决算表', 'income'), ('收入决算表', 'income'))
    >>> match_title(Line(1, "5．2024年部门一般公共预算支出功能分类预算表", ["5．2024年部门一般公共预算支出功能分类预算表"]))
    ('2024年部门一般公共预算支出功能分类预算表', 'general_expenditure')
    """
    toks = [t for t in line.tokens if not _MARKER.match(t)]  # "预算公开表1 | 2025年…" in two cells
    if line.noise or len(toks) != 1 or is_toc(line):
        return None
    text = toks[0].strip().lstrip("#*").strip()
    if len(text) > 60 or _EXCLUDED_TITLES.search(text):
        return None
    rest = _TITLE_PREFIX.sub("", text, count=1)
    m = _YEAR_TITLE.match(rest)
    if m and re.match(r"^\d{4}\s*年", rest):
        title = m.group("title")
        kind = classify(title)
        if kind == UNKNOWN and not re.search(r"预算|决算|经费", title):
            return None
        return title, kind
    m = _NOYEAR_TITLE.match(rest) or _BARE_TITLE.match(rest)
    if m and classify(m.group("title")) != UNKNOWN:
        return m.group("title"), classify(m.group("title"))
    return None


def money_unit_of(text: str) -> str | None:
    """"万元" / "元" / "亿元" / "万" (a split "单位：万" + "元") / "" (unit on the next line), or None.

    >>> money_unit_of("单位：万元"), money_unit_of("单位: 万"), money_unit_of("单位名称：X")
    ('万元', '万', None)
    """
    m = _MONEY_UNIT.search(text)
    if not m:
        return None
    return m.group("unit") or ""


def is_amount(cell: str) -> bool:
    return parse_amount(cell) is not None


def is_code(cell: str) -> bool:
    """A classification code: 201 / 20103 / 2010350 (or Shanghai's split "201 03 50")."""
    return bool(re.match(r"^\d{3}(?:\s?\d{2}){0,2}$", cell.strip()))


_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|[①-⑳])")


def is_column_numbers(line: Line) -> bool:
    """The "1 2 3 4 5 6 7" line under a project table's header."""
    toks = line.tokens
    if len(toks) < 3 or not all(_INT.match(t) for t in toks):
        return False
    return [int(t) for t in toks] == list(range(1, len(toks) + 1))


def is_clear_data(line: Line) -> bool:
    """A row that cannot be a header: a code, an ordinal label ("一、"), or a total with figures."""
    toks = line.tokens
    if not toks:
        return False
    if any(is_code(t) for t in toks[:2]) and not is_column_numbers(line):
        return True
    if _ORDINAL.match(toks[0]):
        return True
    return squeeze(toks[0]) in TOTAL_LABELS and all(is_amount(t) or not re.search(r"\w", t) for t in toks[1:])


def is_strong_header(line: Line) -> bool:
    """A header line: two or more known column titles and no amounts, or the column numbers."""
    if is_column_numbers(line):
        return True
    toks = line.tokens
    if any(is_amount(t) for t in toks):
        return False
    return sum(1 for t in toks if header_word(t)) >= 2


def is_label_header(line: Line) -> bool:
    """A header line naming only label columns or groups ("科目编码", "类 | 款 | 项"), no figure."""
    toks = line.tokens
    if not toks or is_clear_data(line) or any(is_amount(t) for t in toks):
        return False
    words = [header_word(t) for t in toks]
    return all(w is not None and w.role != "amount" for w in words)


#: how many tabular lines after the title may still be header lines
MAX_HEADER_LINES = 5


def split_header(body: list[Line]) -> tuple[list[Line], list[Line]]:
    """Cut the tabular lines of a table into header lines and data rows.

    The header runs to the last *strong* header line among the first few lines, stopping
    early at a line that is clearly data; OCR garbage above a strong header line ("arrive to
    the off.  4.33  2  025年财政拨款") is header too. Without any strong header line, the
    header is what comes before the first line with a figure or a clear data row.
    """
    tab = [ln for ln in body if is_tabular(ln) and not ln.noise]
    last = -1
    for i, ln in enumerate(tab[:MAX_HEADER_LINES]):
        if is_clear_data(ln):
            break
        if is_strong_header(ln):
            last = i
    if last < 0:
        for i, ln in enumerate(tab):
            if is_clear_data(ln) or any(is_amount(t) for t in ln.tokens):
                last = i - 1
                break
        else:
            last = len(tab) - 1
    if last >= 0:  # label-only lines under the last strong one ("科目编码" below "支出功能分类")
        while last + 1 < min(len(tab), MAX_HEADER_LINES) and is_label_header(tab[last + 1]):
            last += 1
    header = tab[: last + 1]
    return header, tab[last + 1 :]


# ---------------------------------------------------------------- the chain


@dataclass
class _Region:
    """The lines after one title line, up to the next title or section heading."""

    title: str
    kind: str
    title_line: Line
    at: int  # index of the title line in the lines given
    lines: list[Line]


@lru_cache(maxsize=8192)  # asked of every line's text while tables are looked for
def title_key(title: str) -> str:
    """A title reduced to what names the table, to compare a contents entry with a printed title:
    no ordinal or 表N marker, no year, no 部门 / 单位 / 预算单位 prefix, no quotes or spaces.

    >>> title_key("8．2024年部门一般公共预算基本支出部门预算经济分类预算表"), title_key("部门“三公”经费和机关运行经费预算表")
    ('一般公共预算基本支出部门预算经济分类预算表', '三公经费和机关运行经费预算表')
    >>> title_key("表十二2025年项目支出预算表（本年预算）"), title_key("七、财政拨款“三公”经费支出决算表")
    ('项目支出预算表(本年预算)', '财政拨款三公经费支出决算表')
    """
    t = squeeze(title)
    t = re.sub(r"[“”\"＂‘’']", "", t)
    t = re.sub(r"^(?:(?:预算公开|部门公开|单位公开|公开|附)?表(?:[一二三四五六七八九十]+|\d{1,2}(?!\d))[、.．:：]?"
               r"|[一二三四五六七八九十]+[、.．]|\d{1,2}(?:[、．]|\.(?!\d(?!\d{3}年))))", "", t)
    t = re.sub(r"\d{4}年度?", "", t)
    t = re.sub(r"^(?:[区市省县]级)?(?:预算单位|部门|单位)", "", t)
    return t


def _listed_title(line: Line, keys: dict[str, str]) -> tuple[str, str] | None:
    """``(title, kind)`` when a one-cell line prints the title of a table the contents list."""
    toks = [t for t in line.tokens if not _MARKER.match(t)]
    if line.noise or len(toks) != 1 or is_toc(line):
        return None
    text = toks[0].strip().lstrip("#*").strip()
    if len(text) > 60:
        return None
    kind = keys.get(title_key(text))
    return (text, kind) if kind is not None else None


#: a title is a table's only when the table follows it within this many lines
TITLE_REACH = 8


def has_table_after(lines: list[Line], i: int) -> bool:
    """Whether a table follows the title at ``i``: a line in cells, a money unit, a 单位名称 line
    or an empty-table note before the next title or prose paragraph. A narrative sentence that
    quotes a table's title is followed by prose, never by a table."""
    seen = 0
    for ln in lines[i + 1:]:
        if ln.noise or not ln.tokens:
            continue
        seen += 1
        if seen > TITLE_REACH or match_title(ln):
            return False
        text = text_of(ln)
        if is_tabular(ln) or money_unit_of(text) is not None or _UNIT_NAME.match(text) or _EMPTY_NOTE.match(text) \
                or is_preamble_row(ln) or _MARKER.match(text):
            return True
        if len(text) > 60:  # a paragraph of prose
            return False
    return False


def title_positions(lines: list[Line], listed: dict[str, str] | None = None) -> list[tuple[int, str, str]]:
    """``(index, title, kind)`` of every table title among the lines, in order: a line the title
    patterns know (:func:`match_title`) or that prints a title the contents list (``listed``:
    :func:`title_key` → kind), followed by a table (:func:`has_table_after`)."""
    out = []
    for i, ln in enumerate(lines):
        m = match_title(ln) or (_listed_title(ln, listed) if listed else None)
        if m and has_table_after(lines, i):
            out.append((i, m[0], m[1]))
    return out


def regions(lines: list[Line], listed: dict[str, str] | None = None) -> list[_Region]:
    """The lines belonging to each title: up to the next title or 第…部分 heading."""
    starts = title_positions(lines, listed)
    out = []
    for n, (i, title, kind) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        for j in range(i + 1, end):
            ln = lines[j]
            if not ln.noise and ln.tokens and _SECTION.match(ln.tokens[0]) and not is_toc(ln):
                end = j
                break
        out.append(_Region(title, kind, lines[i], i, lines[i + 1 : end]))
    return out


def _next_text(lines: list[Line], i: int) -> tuple[int, str] | None:
    """Index and text of the next non-blank, non-noise line from ``i``."""
    for j in range(i, len(lines)):
        if lines[j].tokens and not lines[j].noise:
            return j, text_of(lines[j])
    return None


def _read_unit(lines: list[Line], i: int, unit: str) -> tuple[str | None, int]:
    """Complete a money unit split over lines ("单位：万" + "元"); returns it and the last line used."""
    if unit in ("万元", "元", "亿元"):
        return unit, i
    nxt = _next_text(lines, i + 1)
    follow = squeeze(nxt[1]) if nxt else ""
    if unit == "万" and follow == "元":
        return "万元", nxt[0]  # type: ignore[index]
    if unit == "" and follow in ("元", "万元", "亿元"):
        return follow, nxt[0]  # type: ignore[index]
    return ("万元" if unit == "万" else None), i


def is_preamble_row(line: Line) -> bool:
    """A line in cells that is still preamble: "编制部门：X | 单位：元" (PDF text cut at a wide gap)."""
    text = text_of(line)
    return bool(_UNIT_NAME.match(text)) or money_unit_of(text) is not None


#: text lines between a title and its header that are neither unit name nor money unit
#: (a title wrapped onto a second line, OCR residue); more than this and the "title" was prose
MAX_STRAY_LINES = 2


def _preamble(lines: list[Line]) -> tuple[str | None, str | None, int]:
    """Unit name and money unit printed before the header; returns the index where the body starts."""
    unit_name = money = None
    stray = 0
    i = 0
    while i < len(lines):
        ln = lines[i]
        if is_tabular(ln) and not ln.noise and not is_preamble_row(ln):
            break
        if ln.tokens and not ln.noise:
            text = text_of(ln)
            m = _UNIT_NAME.match(text)
            if m and unit_name is None:
                unit_name = m.group("name") or None
                u = money_unit_of(text[m.end("name"):])
                if u and money is None:
                    money = u
                nxt = _next_text(lines, i + 1)
                if unit_name and nxt and _CONTINUATION.match(nxt[1].strip()):
                    unit_name += nxt[1].strip()  # "部门名称：大同市云冈区人民政府办公室" + "（部门）"
                    i = nxt[0]
            elif (u := money_unit_of(text)) is not None:
                if money is None:
                    money, i = _read_unit(lines, i, u)
            elif _EMPTY_NOTE.match(text) or _SECTION.match(text) or _MARKER.match(text):
                break
            else:
                stray += 1
                if stray > MAX_STRAY_LINES:
                    break
        i += 1
    return unit_name, money, i


def _body(lines: list[Line]) -> tuple[list[Line], bool, int]:
    """The table's tabular lines (blank and noise lines skipped), whether it is marked empty,
    and the index where the table stopped."""
    out: list[Line] = []
    for i, ln in enumerate(lines):
        if ln.noise or not ln.tokens:
            continue
        if is_tabular(ln):
            out.append(ln)
            continue
        text = text_of(ln)
        if _EMPTY_NOTE.match(text):
            return out, True, i + 1
        if _NOTE.match(text):  # "注：本表反映…" then "说明：…故本表无数据。", maybe a line of instructions between
            for j in range(i + 1, min(len(lines), i + 6)):
                nxt = lines[j]
                if nxt.noise or not nxt.tokens:
                    continue
                if is_tabular(nxt) or match_title(nxt) or _SECTION.match(text_of(nxt)):
                    break
                if _EMPTY_NOTE.match(text_of(nxt)):
                    return out, True, j + 1
        return out, False, i
    return out, False, len(lines)


def has_figures(rows: list[Line]) -> bool:
    """Whether any data row holds a figure; codes are not figures ("201", and the "05" or "7" of
    a code printed in 类 | 款 | 项 cells)."""
    for r in rows:
        after_code = False
        for c in r.cells:
            t = c.strip()
            if is_code(t) or (after_code and re.fullmatch(r"\d{1,2}", t)):
                after_code = True
                continue
            after_code = False
            if is_amount(t):
                return True
    return False


def _trailing_unit(lines: list[Line]) -> str | None:
    """A money unit printed after a table's end (OCR puts the next table's unit before its title)."""
    for i, ln in enumerate(lines):
        if ln.noise or not ln.tokens:
            continue
        u = money_unit_of(text_of(ln))
        if u is not None and not _UNIT_NAME.match(text_of(ln)):
            return _read_unit(lines, i, u)[0]
    return None


def _unit_before(lines: list[Line], index: int, lookback: int = 6) -> str | None:
    """A money unit within a few lines before the first title (stopping at a tabular line)."""
    for j in range(index - 1, max(-1, index - 1 - lookback), -1):
        ln = lines[j]
        if is_tabular(ln):
            return None
        u = money_unit_of(text_of(ln)) if ln.tokens else None
        if u is not None:
            return _read_unit(lines, j, u)[0]
    return None


DEFAULT_MONEY_UNIT = "万元"


def find_tables(lines: list[Line], listed: dict[str, str] | None = None) -> list[Table]:
    """Every budget table among the lines, in order, ``index`` 1-based.

    ``lines`` is normally the slice from the "第二部分" heading to the "第三部分" heading, but a
    whole document works too: table-of-contents entries never start a table, a 第…部分
    heading or a non-tabular line ends one, and KPI tables (绩效目标表) are not budget tables.
    The money unit, when a table prints none, is one printed just before its title (OCR
    order), else the previous table's, else 万元. ``listed`` (:func:`title_key` of a title the
    document's contents list → its kind) finds titles the patterns do not know.
    """
    regs = regions(lines, listed)
    tables: list[Table] = []
    pending = _unit_before(lines, regs[0].at) if regs else None
    previous = None
    for n, reg in enumerate(regs, start=1):
        unit_name, money, start = _preamble(reg.lines)
        body, empty, stop = _body(reg.lines[start:])
        header, rows = split_header(body)
        empty = empty and not has_figures(rows)  # a note saying "空表" over printed figures is wrong
        money = money or pending or previous or DEFAULT_MONEY_UNIT
        pending = _trailing_unit(reg.lines[start + stop :])
        previous = money
        tables.append(
            Table(
                title=reg.title,
                kind=reg.kind,
                title_line=reg.title_line,
                unit_name=unit_name,
                money_unit=money,
                header=header,
                rows=rows,
                empty=empty,
                index=n,
            )
        )
    return tables


def describe(tables: list[Table]) -> str:
    """A debug view: one line per table with what the segmenter saw."""
    out = []
    for t in tables:
        out.append(
            f"{t.index:>2} {t.kind:<20} line {t.title_line.no:>5}  {t.title}  [{t.money_unit}]"
            f"{' empty' if t.empty else ''}  header {len(t.header)}  rows {len(t.rows)}"
            f"{'  ' + t.unit_name if t.unit_name else ''}"
        )
    return "\n".join(out)
