"""The purchase-of-services catalogue (政府购买服务指导性目录) a document prints, and the catalogues a
unit says it follows.

The table has the columns 代码 | 一级目录 | 二级目录 | 三级目录 | 四级目录, its header printed again on
every page, and is grouped by department: a row naming the department (OCR cuts the name over
cells: "政法委员 | 会") is followed by its items, each level printed again under each department.
A code's length gives its level (A 1, A15 2, A1502 3, A150201 4); a fourth-level code is unique
only within its department.

>>> from kg.read.text import lines_from_text
>>> from kg.segment.embedded_docs import CatalogueSpan
>>> rows = lines_from_text("代码\\t一级目录\\t二级目录\\t三级目录\\t四级目录\\n农业\\t农村\\t,\\n"
...     "A\\t公共服务\\nA06\\t\\t农业公共 服务\\nA0601\\t\\t\\t技术推广服务\\nA060101\\t\\t\\t\\t良种示范 推广服务")
>>> items = parse_catalogue("x.txt", CatalogueSpan(None, rows), "某财〔2020〕1号")
>>> [(i.code, i.name, i.level, i.broader, i.department) for i in items]  # doctest: +NORMALIZE_WHITESPACE
[('A', '公共服务', 1, None, '农业农村'), ('A06', '农业公共服务', 2, 'A', '农业农村'),
 ('A0601', '技术推广服务', 3, 'A06', '农业农村'), ('A060101', '良种示范推广服务', 4, 'A0601', '农业农村')]
"""

from __future__ import annotations

import re

from kg.extract.references import find_references
from kg.model import CatalogueItem, Section, Span
from kg.policy.docno import canonical_docno
from kg.segment.embedded_docs import (
    CatalogueSpan,
    EmbeddedSpan,
    code_of,
    is_catalogue_header,
)

_CJK = re.compile(r"[\u4e00-\u9fff]")
# whitespace inside a name is a line wrap, except between two ASCII letters or digits
_WRAP = re.compile(r"(?<![A-Za-z0-9])\s+|\s+(?![A-Za-z0-9])")
FOLLOW = re.compile(r"按照|执行|依照|遵照|遵循")
_SENTENCE_END = re.compile(r"[。；;!！?？]")


def unwrap(text: str) -> str:
    """A name or title without the spaces PDF/OCR put where the line wrapped.

    >>> unwrap("公共信息与宣 传服务"), unwrap("关于印发 《某目录》 (第一批)的通知"), unwrap("Windows 10 系 统")
    ('公共信息与宣传服务', '关于印发《某目录》(第一批)的通知', 'Windows 10系统')
    """
    return _WRAP.sub("", text.strip())


def level_of(code: str) -> int:
    """A → 1, A15 → 2, A1502 → 3, A150201 → 4."""
    return (len(code) + 1) // 2


def department_name(cells: list[str]) -> str:
    """A department row's cells joined; cells without a Chinese character (",", "3") are OCR debris,
    and a cell that starts with what came before prints the whole name again.

    >>> department_name(["网络安全", "和信息化委", "员会办公室", ""]), department_name(["人民政府", "办公厅(室)", ","])
    ('网络安全和信息化委员会办公室', '人民政府办公厅(室)')
    >>> department_name(["人力资源", "人力资源和社会保障"]), department_name(["民政", "· 'y'"])
    ('人力资源和社会保障', '民政')
    """
    name = ""
    for c in cells:
        c = re.sub(r"\s+", "", c)
        if not _CJK.search(c):
            continue
        name = c if name and c.startswith(name) else name + c
    return name


def parse_catalogue(file: str, cat: CatalogueSpan, issued_by: str | None) -> list[CatalogueItem]:
    """The items of one catalogue table, in printed order, header rows skipped."""
    out: list[CatalogueItem] = []
    department: str | None = None
    above: dict[int, str] = {}  # level → the code of the last row of that level under this department
    printed_under: list[str | None] = []  # the row of the level above each item is printed under
    for line in cat.lines:
        if is_catalogue_header(line):
            continue
        code = code_of(line)
        if code is None:
            department = department_name(line.cells) or department
            above = {}
            continue
        level = level_of(code)
        cells = line.cells[1:]
        # the name stands in the level's column; OCR leaves debris (",", "-") in others
        named = [c for c in ([cells[level - 1]] if len(cells) >= level else []) + cells if _CJK.search(c)]
        name = unwrap(named[0]) if named else ""
        out.append(CatalogueItem(
            code=code, name=name, level=level, broader=code[:-2] if level > 1 else None, department=department,
            span=line.span(file), issued_by=issued_by, note=None if name else "no name printed",
        ))
        printed_under.append(above.get(level - 1))
        above[level] = code
        for deeper in [k for k in above if k > level]:
            del above[deeper]
    # a code whose parent (its code less two digits) is in no row hangs under the row printed above it
    codes = {i.code for i in out}
    for item, parent in zip(out, printed_under):
        if item.broader is None or parent == item.broader:
            continue
        if item.broader not in codes and parent is not None:
            item.broader = parent
            why = f"code {item.code} is printed under {parent}, and no row has the code {item.code[:-2]}"
        else:
            why = f"code {item.code} is printed under {parent or 'no row of the level above'}"
        item.note = "; ".join(x for x in (item.note, why) if x)
    return out


def catalogue_items(file: str, docs: list[EmbeddedSpan]) -> list[CatalogueItem]:
    """Every item of every catalogue the embedded documents print."""
    out: list[CatalogueItem] = []
    for d in docs:
        if d.catalogue is not None:
            out.extend(parse_catalogue(file, d.catalogue, canonical_docno(d.number.text) if d.number else None))
    return out


def followed_catalogues(file: str, sections: list[Section], skip: set[int]) -> list[tuple[str, Span]]:
    """The catalogue documents the unit says it follows, from its 其他说明 / 政府购买服务指导性目录 section:
    a number with a title naming a 目录, in a sentence saying 按照 / 执行 ("我单位完全按照《…目录的通知》
    …号要求执行"). Canonical numbers, once each, in order.

    >>> from kg.read.text import lines_from_text
    >>> lines = lines_from_text("本单位按照《某省财政厅关于印发某省购买服务目录的通知》(某财综〔2022〕5号)执行。")
    >>> followed_catalogues("x.txt", [Section("其他说明", lines[0], lines)], set())[0][0]
    '某财综〔2022〕5号'
    """
    out: dict[str, Span] = {}
    for sec in sections:
        if sec.part == "附件" or not ("其他说明" in sec.title or "目录" in sec.title):
            continue
        for line in [sec.heading, *sec.lines]:
            if line.no in skip or line.noise or not line.tokens:
                continue
            text = "".join(line.tokens)
            for sentence in _SENTENCE_END.split(text):
                if not FOLLOW.search(sentence):
                    continue
                for r in find_references(sentence):
                    if r.docno and r.title and "目录" in r.title:
                        out.setdefault(r.docno, line.span(file, text))
    return list(out.items())
