"""How completely a document was read, judged against its own table of contents.

The contents (:mod:`kg.segment.contents`) are the plan: every table they list is located among
the tables found (:func:`align`, by title and kind, in order) and accounted for
(:class:`~kg.model.ListedTable`): read, printed empty, printed but not read (located with figures
that were not read, or its title printed with no readable table after it: a reading gap), or not
found (its title is nowhere in the body: the document lists a table it does not print). A
document whose listed tables are not all read or empty, whose found tables hold figures that
were not read, whose lines of figures lie outside every table read (a table nobody recognised),
or whose listed project pages or target tables were not found, is *incomplete*:
:attr:`Completeness.problems` says why, in words fit for a warning line. A document without
contents is judged by the tables it prints.

>>> from kg.model import Line, Span
>>> from kg.segment.contents import Entry
>>> e = Entry("1.2024年部门收入预算总表", "1", "item", "2024年部门收入预算总表", Line(9, "", []), kind="income")
>>> t = Table("2024年部门收入预算总表", "income", Line(40, "", []), index=1)
>>> align([e], [t])
{0: 0}
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

from kg.extract.arithmetic import parents_adding_up
from kg.extract.budget_lines import KINDS as READ_KINDS
from kg.model import BudgetLine, Completeness, Line, ListedTable, ProjectRow, Table
from kg.segment.contents import Contents, Entry, number
from kg.segment.lines import text_of
from kg.segment.tables import UNKNOWN, has_figures, title_key

#: a contents entry and a printed title this similar (without year, ordinal, 部门/单位) name one table
SAME_TITLE = 0.75
#: … this similar when their kinds agree too
SAME_KIND_TITLE = 0.3
PROJECT_TABLES = {"project_current": "本年预算", "project_carryover": "上年结转"}


@lru_cache(maxsize=4096)  # every entry against every table; documents print the same titles
def _similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, title_key(a), title_key(b)).ratio()


def _score(e: Entry, t: Table) -> float | None:
    """How well a contents entry names a table found; None when it does not.

    Title and kind decide. An entry numbered as a table (表五) whose number is the table's place
    among those found may pair with it on that evidence alone: OCR can make a listed title
    unreadable, and even give it another kind (seed 002's "表四 …见才政技发款收支总表").
    """
    sim = _similarity(e.title, t.title)
    same_kind = e.kind == t.kind and e.kind != UNKNOWN
    if sim >= SAME_TITLE or (same_kind and sim >= SAME_KIND_TITLE):
        return sim + (1.0 if same_kind else 0.0)
    if e.level == "table" and number(e.ordinal or "") == t.index:
        return 0.5 + 0.1 * sim
    return None


def align(entries: list[Entry], tables: list[Table]) -> dict[int, int]:
    """Entry index → table index (positions in the lists) of the best order-keeping pairing:
    the contents list the tables in the order they are printed."""
    n, m = len(entries), len(tables)
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    step: dict[tuple[int, int], str] = {}
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            options = [(best[i - 1][j], "up"), (best[i][j - 1], "left")]
            s = _score(entries[i - 1], tables[j - 1])
            if s is not None:
                options.append((best[i - 1][j - 1] + s, "pair"))
            best[i][j], step[(i, j)] = max(options, key=lambda o: o[0])
    out: dict[int, int] = {}
    i, j = n, m
    while i > 0 and j > 0:
        move = step[(i, j)]
        if move == "pair":
            out[i - 1] = j - 1
            i, j = i - 1, j - 1
        elif move == "up":
            i -= 1
        else:
            j -= 1
    return _fill_gaps(entries, tables, dict(sorted(out.items())))


#: entries left between two pairs, as many as the tables left there, pair in order when this similar
GAP_TITLE = 0.4


def _fill_gaps(entries: list[Entry], tables: list[Table], pairs: dict[int, int]) -> dict[int, int]:
    """Between two pairs (or before the first, after the last), as many entries left as tables
    left pair in order when their titles are at least :data:`GAP_TITLE` alike: the contents list
    the tables in the order they are printed, and OCR garbles titles more than it reorders them."""
    anchors = [(-1, -1), *sorted(pairs.items()), (len(entries), len(tables))]
    out = dict(pairs)
    for (i0, j0), (i1, j1) in zip(anchors, anchors[1:]):
        es, ts = list(range(i0 + 1, i1)), list(range(j0 + 1, j1))
        if not es or len(es) != len(ts):
            continue
        if all(_similarity(entries[i].title, tables[j].title) >= GAP_TITLE for i, j in zip(es, ts)):
            out.update(zip(es, ts))
    return dict(sorted(out.items()))


def _read_count(t: Table, lines: list[BudgetLine], rows: list[ProjectRow]) -> int:
    if t.kind in PROJECT_TABLES:
        return sum(1 for r in rows if r.table == PROJECT_TABLES[t.kind])
    return sum(1 for b in lines if b.table_index == t.index)


def status_of(t: Table, read: int) -> str:
    """read / empty / not read, for a table located."""
    if read:
        return "read"
    if t.empty or not has_figures(t.rows):
        return "empty"
    return "not read"


def _why_not_read(t: Table) -> str:
    if t.kind == UNKNOWN or (t.kind not in READ_KINDS and t.kind not in PROJECT_TABLES):
        return "a kind of table budget-kg does not read"
    return "its figures could not be placed under its columns"


def _printed_at(title: str, body: list[Line]) -> Line | None:
    """A line of the body that prints this title (a table we did not recognise after it)."""
    key = title_key(title)
    if len(key) < 4:
        return None
    for ln in body:
        if ln.noise or len(text_of(ln)) > 120:
            continue
        if key in title_key(text_of(ln)):
            return ln
    return None


_MONEY = re.compile(r"^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^-?\d+\.\d+$")
#: this many lines of figures outside every table read make a document incomplete
STRAY_LINES = 2


def stray_figure_lines(lines: list[Line], used: set[int]) -> list[Line]:
    """Lines printed in cells with two or more amounts (1,234 / 12.50) that belong to no table, target
    table, project page or reproduced document read (``used``: their line numbers, and the contents'):
    figures of a table whose title nobody recognised."""
    out = []
    for ln in lines:
        if ln.noise or ln.no in used or len(ln.tokens) < 2:
            continue
        if sum(1 for t in ln.tokens if _MONEY.match(t.replace(" ", ""))) >= 2:
            out.append(ln)
    return out


def _where(lines: list[Line]) -> str:
    if lines[0].page is not None:
        a, b = lines[0].page, lines[-1].page
        return f"page {a}" if a == b else f"pages {a}–{b}"
    return f"lines {lines[0].no}–{lines[-1].no}"


def _names(items: list[str], limit: int = 6) -> str:
    return ", ".join(items[:limit]) + (f" and {len(items) - limit} more" if len(items) > limit else "")


def account(
    file: str,
    contents: Contents,
    tables: list[Table],
    lines: list[BudgetLine],
    rows: list[ProjectRow],
    body: list[Line],
    kpi_tables: int = 0,
    project_pages: int = 0,
    projects_declared: int | None = None,
    stray: list[Line] | None = None,
) -> Completeness:
    """The completeness record of one document (see the module docstring); ``stray``: lines of
    figures outside every table read (:func:`stray_figure_lines`)."""
    c = Completeness(has_contents=contents.found, tables_found=len(tables))
    c.stray_lines = len(stray or [])
    c.projects_declared, c.projects_found, c.pages_found = projects_declared, kpi_tables + project_pages, project_pages
    c.budget_lines = len(lines)
    c.rows_read = sum(len(t.rows) for t in tables if _read_count(t, lines, rows))
    c.parents_checked, c.parents_adding_up = parents_adding_up(lines, tables)
    listed = contents.tables
    pairs = align(listed, tables)
    located = set(pairs.values())
    for k, e in enumerate(listed):
        span = e.line.span(file, e.text)
        if k in pairs:
            t = tables[pairs[k]]
            read = _read_count(t, lines, rows)
            status = status_of(t, read)
            note = _why_not_read(t) if status == "not read" else ""
            kind = t.kind if e.kind in (None, UNKNOWN) else e.kind
            c.listed.append(ListedTable(e.title, kind, status, span, t.index, len(t.rows), read, note))
            continue
        printed = _printed_at(e.title, body)
        if printed is not None:  # printed, but we did not read a table there: a reading gap
            note = f"its title is printed ({printed.span(file).where}) but no table that could be read follows it"
            c.listed.append(ListedTable(e.title, e.kind or UNKNOWN, "not read", span, note=note))
        else:
            c.listed.append(ListedTable(e.title, e.kind or UNKNOWN, "not found", span,
                                        note="its title is not printed in the body"))
    unread_unlisted = []
    for j, t in enumerate(tables):
        if j in located:
            continue
        c.unlisted.append(t.title)
        if status_of(t, _read_count(t, lines, rows)) == "not read":
            unread_unlisted.append(t.title)
    n = len(listed)
    missing = [t.title for t in c.listed if t.status == "not found"]
    unread = [t.title for t in c.listed if t.status == "not read"] + unread_unlisted
    if missing:
        c.problems.append(f"{len(missing)} of {n} listed tables not found: {_names(missing)}")
    if unread:
        c.problems.append(f"{len(unread)} table(s) printed but not read: {_names(unread)}")
    if stray and len(stray) >= STRAY_LINES:
        c.problems.append(f"{len(stray)} lines of figures ({_where(stray)}) belong to no table read")
    if any(e.kind == "project_pages" for e in contents.entries):
        c.pages_listed = True
        if not project_pages:
            c.problems.append("the contents list 项目经费情况说明 but no project page was found")
    if any(e.kind == "kpi" for e in contents.entries) and not kpi_tables:
        c.problems.append("the contents list 绩效目标表 but no performance-target table was found")
    return c
