"""The cover: whose budget the document is, for which year, and of which kind.

Covers vary more than anything else in these documents, so the cover is read as one piece of
text, not line by line:

- the title may sit on one line ("2025年度单位预算公开") or be split over several
  ("中共上海市普陀区委" / "社会工作部 2024 年度" / "部门决算"; "年度部门决算" with "2024" on a line
  of its own);
- the unit may be named before the title (wrapped over up to three lines), or by a labelled line
  under a region's collection title ("上海市普陀区2026年区级单位预算" / "预算单位：上海市普陀区司法局",
  "预算主管部门：…"). A labelled name always wins over a region: a 单位预算's unit is that unit,
  never its district;
- a blank template names a placeholder ("上海市 XX 局"): :attr:`Cover.placeholder` says so.

>>> from kg.read.text import lines_from_text
>>> c = read_cover(lines_from_text("中共上海市普陀区委\\n社会工作部 2024 年度\\n部门决算"))
>>> c.name, c.year, c.kind
('中共上海市普陀区委社会工作部', 2024, '部门决算')
>>> c = read_cover(lines_from_text("上海市普陀区2026年区级单位预算\\n预算单位：上海市普陀区司法局"))
>>> c.name, c.year, c.kind, c.label
('上海市普陀区司法局', 2026, '单位预算', '预算单位')
>>> c = read_cover(lines_from_text("上海市普陀区财政局\\n年度部门决算\\n2024"))
>>> c.name, c.year, c.kind
('上海市普陀区财政局', 2024, '部门决算')
>>> read_cover(lines_from_text("上海市 XX 局\\n2024 年度部门决算")).placeholder
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.regions import region_of
from kg.model import Line

#: the title: year, level, 单位/部门, 预算/决算 (spaces already removed)
TITLE = re.compile(r"(?P<year>\d{4})年度?(?:[区市省县]级)?(?P<who>单位|部门)(?P<what>预算|决算)")
#: the title without its year ("年度部门决算"), the year printed elsewhere on the cover
BARE_TITLE = re.compile(r"(?<!\d)年度?(?:[区市省县]级)?(?P<who>单位|部门)(?P<what>预算|决算)")
YEAR = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})(?!\d)")
#: a labelled unit line; the label says whether the unit is a department
LABELLED = re.compile(
    r"^(?P<label>预算主管部门|决算主管部门|主管部门|预算单位|决算单位|单位名称|部门名称|编制部门|编制单位|部门|单位)"
    r"\s*[:：]\s*(?P<name>\S.*?)\s*$"
)
DEPARTMENT_LABELS = ("预算主管部门", "决算主管部门", "主管部门", "部门名称", "编制部门", "部门")
#: placeholders of a blank template: XX, ＸＸ, ××, ○○, *** in a name
PLACEHOLDER = re.compile(r"[XxＸｘ×]{2,}|○{2,}|\*{2,}|＊{2,}")
_NAME_PART = re.compile(r"^[\u4e00-\u9fffA-Za-zＡ-Ｚ×○*＊（）()·]{2,40}$")
_MONEY_UNIT = re.compile(r"^(?:亿元|万元|元|万)$")
#: at most this many content lines make the cover
COVER_LINES = 12


@dataclass(frozen=True)
class Cover:
    """What the cover says: the unit as printed (with any "（部门）"), year, kind, the title's line."""

    name: str | None
    year: int
    kind: str  # 单位预算 / 部门预算 / 单位决算 / 部门决算
    line: Line
    label: str | None = None  # "预算单位", "预算主管部门" … when a labelled line named the unit
    placeholder: bool = False  # the name is a template's placeholder ("上海市XX局")

    @property
    def labelled_department(self) -> bool:
        return self.label in DEPARTMENT_LABELS


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text).strip("#*").strip()


def _text(line: Line) -> str:
    return squeeze("".join(line.tokens))


def cover_lines(lines: list[Line], toc_start: int = 0) -> list[Line]:
    """The content lines before the table of contents (or the first few of the document);
    for a PDF, those of the first page that has any."""
    stop = toc_start if toc_start else min(len(lines), 60)
    content = [l for l in lines[:stop] if l.tokens and not l.noise and _text(l)]
    if content and content[0].page is not None:
        content = [l for l in content if l.page == content[0].page]
    return content[:COVER_LINES]


def _labelled(texts: list[str]) -> tuple[str, str] | None:
    for t in texts:
        m = LABELLED.match(t)
        if m and not _MONEY_UNIT.match(m.group("name")) and len(m.group("name")) >= 2:
            return m.group("label"), m.group("name")
    return None


def _title(texts: list[str]) -> tuple[int, int, int, str, str] | None:
    """(first line, line of the match's start, offset in that line, year-or-0, kind) of the title,
    searched over windows of up to three consecutive lines joined."""
    for width in (1, 2, 3):
        for i in range(len(texts) - width + 1):
            joined = "".join(texts[i:i + width])
            m = TITLE.search(joined)
            year = int(m.group("year")) if m else 0
            if not m:
                m = BARE_TITLE.search(joined)
                if not m:
                    continue
            start = m.start()
            k, off = i, start
            while k < i + width and off >= len(texts[k]):
                off -= len(texts[k])
                k += 1
            return i, k, off, year, m.group("who") + m.group("what")
    return None


def _region_only(name: str) -> bool:
    return region_of(name) == name


def read_cover(lines: list[Line], toc_start: int = 0) -> Cover | None:
    """The cover's unit, year and kind, or None when no title is found among the cover lines."""
    content = cover_lines(lines, toc_start)
    texts = [_text(l) for l in content]
    found = _title(texts)
    if found is None:
        return None
    first, at, offset, year, kind = found
    if not year:  # "年度部门决算" with the year on a line of its own
        years = [int(m.group("year")) for t in texts if (m := YEAR.search(t))]
        if not years:
            return None
        year = years[0]
    labelled = _labelled(texts)
    name: str | None
    if labelled:
        label, name = labelled
    else:
        label = None
        parts = [texts[at][:offset]] if offset else []
        for t in reversed(texts[:at]):  # the name, maybe wrapped over lines, right above the title
            if not _NAME_PART.match(t) or TITLE.search(t) or len(parts) == 3:
                break
            parts.insert(0, t)
        name = "".join(parts) or None
        if name and _region_only(name):
            name = None  # a region's collection title, with no unit line under it
    placeholder = bool(name and PLACEHOLDER.search(name))
    return Cover(name=name, year=year, kind=kind, line=content[at], label=label, placeholder=placeholder)
