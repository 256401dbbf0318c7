"""The document's own table of contents (目录): what it says it holds, in order.

The contents are the plan a reading is checked against: every table they list must be found,
read or printed empty (see :mod:`kg.extract.completeness`). They are read as a run of *entries*
after the "目录" line:

- an entry is a short line naming a part, section or table: an ordinal (第二部分, 五、, （一）, 1.,
  5．, 表十二) or none, a title, and maybe dot leaders and a page number;
- a fragment a wrap pushed onto a line of its own ("表", "情况说明", "2024", "“ ”") continues the
  entry above it;
- the contents end at the first line that is no entry (prose, a table row with figures), at a
  line that repeats the first entry (the body's first heading), or at a page break unless the
  next page goes on with the numbering (the next ordinal of a level already listed, or entries
  printed with leaders or page numbers).

Each entry says what it lists (:attr:`Entry.kind`): a budget table of a known kind (the kinds of
:data:`kg.segment.tables.TABLE_KINDS`), an ``unknown`` table (a title ending in 表 that names no
known kind), ``kpi`` tables (项目支出绩效目标表), ``project_pages`` (项目经费情况说明), or None
(a part or narrative section).

>>> from kg.read.text import lines_from_text
>>> text = "目 录\\n第一部分 概况.....\\t1\\n表一2025年预算收支总表.....\\t2\\n七、财政拨款 三公 经费支出决算表\\n“ ”\\n第一部分 概况"
>>> c = read_contents(lines_from_text(text))
>>> [(e.ordinal, e.title, e.kind, e.page_no) for e in c.entries]
[('第一部分', '概况', None, 1), ('表一', '2025年预算收支总表', 'summary', 2), ('七', '财政拨款“三公”经费支出决算表', 'three_public', None)]
>>> c.start, c.end
(0, 5)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.model import Line
from kg.segment.lines import LEADERS, text_of
from kg.segment.tables import UNKNOWN, classify

TOC_TITLE = re.compile(r"^目\s*录$")
CN = "一二三四五六七八九十百"
#: (level, pattern of the ordinal) tried in order; the title follows the match
ORDINALS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("part", re.compile(rf"^第\s*(?P<n>[{CN}\d]+)\s*部\s*分")),
    ("table", re.compile(rf"^(?:附表|表)\s*(?P<n>[{CN}]+|\d{{1,2}}(?!\d))(?!格)\s*[、.．:：]?")),
    ("section", re.compile(rf"^(?P<n>[{CN}]{{1,3}})\s*[、，,.．]")),
    ("sub", re.compile(rf"^[（(]\s*(?P<n>[{CN}]{{1,3}}|\d{{1,2}})\s*[)）]")),
    ("item", re.compile(r"^(?P<n>\d{1,2})\s*(?:[、．]|\.(?=\s|\d{4}年|\D))")),  # "1. ", "5．2024年", not "1.5"
    ("annex", re.compile(r"^附件\s*(?P<n>\d{0,2})\s*[:：]?")),
)
_PAGE_NO = re.compile(r"\s*(?:第\s*)?(?P<p>\d{1,3})\s*(?:页)?$")
_FIGURE = re.compile(r"\d[\d,]*\.\d+|\d{1,3}(?:,\d{3})+")
_FRAGMENT = re.compile(r"^[\u4e00-\u9fff]{1,6}$|^\d{4}$|^[“”\"'‘’\s]+$")
#: an entry is at most this long (without leaders and page number)
MAX_ENTRY = 70
MAX_ENTRIES = 150


@dataclass
class Entry:
    """One line of the contents (with any fragments that continue it)."""

    text: str  # as printed, without leaders and page number, fragments joined
    ordinal: str | None  # "第二部分", "五", "表十二", "1" …
    level: str  # part / table / section / sub / item / annex / plain
    title: str  # the text without its ordinal
    line: Line
    page_no: int | None = None  # the page number printed beside it
    kind: str | None = None  # what it lists: a table kind, "kpi", "project_pages", or None
    part: str | None = None  # the part (第X部分) it is listed under

    @property
    def is_table(self) -> bool:
        return self.kind is not None and self.kind not in ("kpi", "project_pages")


@dataclass
class Contents:
    """The contents found: the index range of their lines and their entries."""

    start: int = 0  # index of the "目录" line
    end: int = 0  # index after the last line read as contents
    entries: list[Entry] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.entries)

    @property
    def tables(self) -> list[Entry]:
        return [e for e in self.entries if e.is_table]


def _ordinal(text: str) -> tuple[str, str | None, str]:
    """(level, ordinal, rest) of an entry's text."""
    for level, rx in ORDINALS:
        m = rx.match(text)
        if m:
            n = m.group("n")
            ordinal = {"part": f"第{n}部分", "table": f"表{n}", "annex": f"附件{n}"}.get(level, n)
            return level, ordinal, text[m.end():].strip()
    return "plain", None, text


def _strip(line: Line) -> tuple[str, int | None, bool]:
    """An entry's text without dot leaders and page number; the page number; whether either was printed."""
    toks = line.tokens
    page = None
    if len(toks) >= 2 and re.fullmatch(r"\d{1,3}", toks[-1]):
        page, toks = int(toks[-1]), toks[:-1]
    text = " ".join(toks)
    parts = LEADERS.split(text)
    dotted = len(parts) > 1
    if dotted:
        text, tail = parts[0], parts[-1].strip()
        if page is None and tail and (m := _PAGE_NO.fullmatch(tail)):
            page = int(m.group("p"))
    elif page is None and (m := re.fullmatch(r"(.*\D)\s+(\d{1,3})", text)):
        text, page = m.group(1), int(m.group(2))
    text = re.sub(r"[.…·•\-—\s]+$", "", text).strip()
    return text, page, dotted or page is not None


def squeeze_spaces(text: str) -> str:
    """Spaces between Chinese characters removed (the reader's wraps and letter-spacing); kept
    between Latin words."""
    return re.sub(r"(?<=[^A-Za-z0-9])\s+|\s+(?=[^A-Za-z0-9])", "", text.strip())


#: the words of a heading over the tables ("五、部门预算表", "第二部分 2025年单位预算报表")
_GENERIC = re.compile(r"\d{4}年度?|[区市省县]级|部门|单位|预算|决算|公开|报表|表|[（()）]")


def _what(level: str, title: str) -> str | None:
    """What an entry lists (see the module docstring). An entry numbered as a table ("表五 …")
    is a table even when OCR made its name unreadable (``unknown``)."""
    t = re.sub(r"[“”\"＂‘’']", "", title)
    if level == "part":
        return None
    if "绩效目标表" in t:
        return "kpi"
    if re.search(r"(?:项目|专项)?(?:经费|资金)情况说明$|项目情况说明$", t) and not re.search(r"[收支]", t[-12:]):
        return "project_pages"
    numbered = level == "table"
    if not numbered and (not re.search(r"表(?:[（(][^（()）]{1,14}[)）])?$", t) or "说明" in t or "解释" in t):
        return None
    kind = classify(t)
    if kind == UNKNOWN and not numbered and (not re.search(r"预算|决算|经费|收支|支出|收入", t) or not _GENERIC.sub("", t)):
        return None
    return kind


def _entry(line: Line) -> tuple[Entry, bool] | None:
    """The line as an entry (and whether it printed leaders or a page number), or None when it is
    no entry: too long, a sentence, or figures."""
    if line.noise or not line.tokens:
        return None
    raw, page, marked = _strip(line)
    level, ordinal, rest = _ordinal(raw)  # on the printed text: "1. 2024年…" is item 1, not 1.2024
    title = squeeze_spaces(rest)
    if not title and level == "plain":
        return None
    if len(title) > MAX_ENTRY or re.search(r"[。；;]", title) or _FIGURE.search(title):
        return None
    text = squeeze_spaces(raw)
    return Entry(text=text, ordinal=ordinal, level=level, title=title, line=line, page_no=page), marked


def _quotes_back(text: str) -> str:
    """"财政拨款三公经费…" + a fragment of bare quotes: the quotes go back around 三公."""
    return re.sub(r"(?<![“\"])三公(?![”\"])", "“三公”", text)


def _continues(entry: Entry, last: dict[str, int], marked_before: bool, marked: bool) -> bool:
    """Whether an entry on a new page goes on with the contents of the page before."""
    if marked and marked_before:
        return True
    n = number(entry.ordinal or "")
    return n is not None and entry.level in last and n == last[entry.level] + 1


_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九", start=0)}


def number(ordinal: str) -> int | None:
    """The number of an ordinal: "十二" → 12, "表五" → 5, "第三部分" → 3, "7" → 7."""
    core = re.sub(r"^(?:第|表|附表|附件)|部分$", "", ordinal)
    if core.isdigit():
        return int(core)
    if not core or any(c not in _CN_DIGITS and c not in "十百" for c in core):
        return None
    if "百" in core:
        return None
    if "十" in core:
        tens, _, ones = core.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return _CN_DIGITS.get(core)


#: contents printed without a "目录" title: this many entries with leaders or page numbers in a row
UNTITLED_RUN = 5


def _untitled(lines: list[Line]) -> int | None:
    """Where contents printed without a title begin (the index of their first entry): a run of
    :data:`UNTITLED_RUN` entries, each with dot leaders or a page number."""
    run: list[int] = []
    for i, line in enumerate(lines):
        if line.noise or not line.tokens:
            continue
        got = _entry(line)
        if got is not None and got[1]:
            run.append(i)
            if len(run) == UNTITLED_RUN:
                return run[0]
        else:
            run = []
    return None


def read_contents(lines: list[Line], search: int = 300) -> Contents:
    """The contents of a document (an empty :class:`Contents` when it prints none).

    The "目录" line is looked for among the first ``search`` lines; without one, a run of entries
    printed with dot leaders or page numbers is the contents (:func:`_untitled`).
    """
    start = next((i for i, l in enumerate(lines[:search]) if not l.noise and TOC_TITLE.match(text_of(l).strip("#* "))), None)
    first = start + 1 if start is not None else None
    if start is None:
        start = first = _untitled(lines[:search])
    if start is None or first is None:
        return Contents()
    entries: list[Entry] = []
    last_number: dict[str, int] = {}
    marked_any = False
    end = first
    first_key = None
    part = None
    for i in range(first, min(len(lines), first + 4 * MAX_ENTRIES)):
        line = lines[i]
        if line.noise or not line.tokens:
            continue
        got = _entry(line)
        if got is None:
            break
        entry, marked = got
        prev = entries[-1] if entries else None
        if prev is not None and entry.level == "plain" and not marked and _FRAGMENT.match(entry.text) \
                and line.page == prev.line.page:
            if entry.text.strip("“”\"'‘’ "):  # bare quotes are the wrap's leftovers: put back below
                prev.text += entry.text
                prev.title += entry.text
            end = i + 1
            continue
        key = re.sub(r"\s", "", entry.text)
        if first_key is not None and key == first_key and not marked:
            break  # the body's first heading: the contents are over
        if entry.level == "part" and any(e.level == "part" and e.ordinal == entry.ordinal for e in entries):
            break  # a part listed again is the body's heading (its title may read otherwise under OCR)
        if prev is not None and line.page is not None and prev.line.page is not None and line.page != prev.line.page:
            if not _continues(entry, last_number, marked_any, marked):
                break
        if len(entries) >= MAX_ENTRIES:
            break
        if first_key is None:
            first_key = key
        if entry.level == "part":
            part = entry.ordinal
        entry.part = part
        n = number(entry.ordinal or "")
        if n is not None:
            last_number[entry.level] = n
        marked_any = marked_any or marked
        entries.append(entry)
        end = i + 1
    for e in entries:
        e.title = _quotes_back(e.title)
        e.kind = _what(e.level, e.title)
    return Contents(start=start, end=end, entries=entries)
