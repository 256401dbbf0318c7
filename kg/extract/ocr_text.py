"""Text cells of OCR output: wrapped lines put back in reading order, and titles that can be read.

OCR converters print a table cell whose text wraps over two lines as several cells, each holding a
column's chunk of both lines, the chunks separated by a space:

    根据晋市僖字2018[10] 政审批局批复的关于晋 | 号《关于大数据政务云 城市新型智慧城市建设 | 平台所需资金的请示》 | …

Read cell by cell, the lines interleave and citations break ("…2018[10] 政审批局…号《关于…").
:func:`unwrap` reads the first line's chunks left to right, then the second's. It does so only when
the row has that shape: the cells holding two chunks come first (the second line is the shorter
one), at least two of them; a space after punctuation or after an item number ("1. ", "；") is a
space of the text, not a wrap; a second chunk of one character is a stain, not text.

Titles OCR garbled: :func:`readable_title` keeps a title that reads as one (no characters of another
script, brackets balanced, no stray space between Chinese characters, ending as titles end: …办法,
…方案, …通知 …), puts right one whose garbling another citation of the same document settles (the
same title printed cleanly elsewhere, similar enough), and leaves out the rest, saying why.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

#: a space after these is a space of the text, not a line wrap
_TEXT_SPACE = re.compile(r"(?:[;；,，。、:：]|(?:^|[^\d.])(?:\d{1,2}|[IVXivx]{1,3}|[一二三四五六七八九十]{1,3})[.．、])$")
_CLOSING = re.compile(r"^[》)）\]】〕」』]")
#: characters of scripts these documents never print (kana, Cyrillic, Greek …): a recogniser's stain
FOREIGN = re.compile(r"[\u3040-\u30ff\u0400-\u04ff\u0370-\u03ff\uac00-\ud7af]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
#: how a policy title ends
TITLE_ENDS = (
    "办法", "方案", "规划", "通知", "意见", "计划", "条例", "规定", "细则", "函", "批复", "纲要", "标准", "决定",
    "报告", "请示", "法", "规范", "指引", "指南", "目录", "制度", "要点", "措施", "决议", "公告", "通告", "令",
    "合同", "协议", "纪要", "清单", "体系", "导则", "守则", "章程", "规程", "(试行)", "（试行）", "(暂行)", "（暂行）",
)
#: a garbled title is put right by another printed cleanly when they are at least this similar
SIMILAR = 0.8


def _chunks(cell: str) -> list[str]:
    """A cell's chunks: its text split at the spaces that are wraps."""
    parts = [p for p in cell.strip().split(" ") if p]
    out: list[str] = []
    for p in parts:
        if out and _TEXT_SPACE.search(out[-1]) and not _CLOSING.match(p):
            out[-1] += " " + p
        else:
            out.append(p)
    if len(out) >= 2 and len(out[-1]) == 1 and _CJK.match(out[-1]):
        out.pop()  # a one-character second line: a stain
    return out


def chunked(cells: list[str]) -> list[list[str]]:
    """Each non-empty cell's chunks (see :func:`unwrap`)."""
    return [_chunks(c) for c in cells if c.strip()]


#: put where cells left empty inside a wrapped text stood: text lost there
GAP = "…"


def unwrap(cells: list[str]) -> str | None:
    """The text of a cell OCR printed as column chunks of two wrapped lines, in reading order; None
    when the cells do not have that shape (see the module's docstring). A cell of one chunk is the
    first line's (the second line's chunk was lost or never printed) — except a first cell of one
    chunk before cells of two: the first line's start was lost, and the cells of one chunk are the
    second line's. Empty cells between printed ones are text lost: :data:`GAP` stands there.

    >>> unwrap(["根据晋市僖字2018[10] 政审批局批复的关于晋", "号《关于大数据政务云 城市新型智慧城市建设",
    ...         "平台所需资金的请示》, 》等文件", "晋市审管批[2021", "]95号《晋城"])
    '根据晋市僖字2018[10]号《关于大数据政务云平台所需资金的请示》,晋市审管批[2021]95号《晋城政审批局批复的关于晋城市新型智慧城市建设》等文件'
    >>> unwrap(["标准(试行)》《晋城", ":规划(2020—2022年)] :市加快数字政府建设实", "施方容》。"])
    ':规划(2020—2022年)]标准(试行)》《晋城:市加快数字政府建设实施方容》。'
    >>> unwrap(["《山西省数字政府建设规划》", "《晋城市加快数字政府建设实施方案》"]) is None
    True
    """
    while cells and not cells[-1].strip():
        cells = cells[:-1]
    while cells and not cells[0].strip():
        cells = cells[1:]
    parts = [_chunks(c) if c.strip() else [] for c in cells]
    printed = [p for p in parts if p]
    if not printed or max(len(p) for p in printed) != 2:
        return None
    lead = len(printed) > 1 and len(printed[0]) == 1 and len(printed[1]) == 2
    if len(printed[1 if lead else 0]) != 2:
        return None
    first: list[str] = []
    second: list[str] = []
    for k, p in enumerate(parts):
        if not p:
            if first and first[-1] != GAP:
                first.append(GAP)
            continue
        if len(p) == 2:
            first.append(p[0])
            second.append(p[1])
        elif lead:
            second.append(p[0])
        else:
            first.append(p[0])
    return repair("".join(first) + "".join(second))


def repair(text: str) -> str:
    """Marks OCR misread in a way the text itself shows: a title closed by "))" right before the next
    title opens ("…(2023-2025年))《…") is closed by "）》".

    >>> repair("《山西省数字政府建设规划(2023-2025年))《山西省数字政府建设行动计划》")
    '《山西省数字政府建设规划(2023-2025年)》《山西省数字政府建设行动计划》'
    """
    return re.sub(r"\)\)(?=《)", ")》", text)


def _balanced(title: str) -> bool:
    pairs = {"(": ")", "（": "）", "[": "]", "【": "】", "〔": "〕"}
    stack = []
    for ch in title:
        if ch in pairs:
            stack.append(pairs[ch])
        elif ch in pairs.values():
            if not stack or stack.pop() != ch:
                return False
    return not stack


def garbled(title: str) -> str | None:
    """Why a title does not read as one, or None when it does.

    >>> garbled("晋城市加快数字政府建设实施方案"), garbled("山西省数字政府建设と规划(2020-2022年)")
    (None, 'characters of another script')
    >>> garbled("关于做好红帽公司 要行业领域替代工作的通知"), garbled("关于做好深化安全可靠应用重函")
    ('a space inside it', None)
    >>> garbled("山西省数字政府建设 务热线运行管理办法(规划(2020-2022年))施方案")
    'a space inside it'
    """
    if FOREIGN.search(title):
        return "characters of another script"
    if GAP in title:
        return "text lost inside it"
    if re.search(r"[\u4e00-\u9fff)）]\s+[\u4e00-\u9fff(（]", title):
        return "a space inside it"
    if not _balanced(title):
        return "brackets that do not close"
    if re.search(r"[\u4e00-\u9fff][·•.．][\u4e00-\u9fff]", title):
        return "a stray mark inside it"
    core = re.sub(r"\s*[(（][^()（）]*[)）]\s*$", "", title.rstrip("。."))  # (2021-2023年), (试行)
    if not (core or title).endswith(TITLE_ENDS):
        return "it does not end as a title ends"
    return None


#: a title that reads is taken for a misprint of another the document prints when at least this similar
TWIN = 0.85


def _twin(title: str, clean: list[str], counts: dict[str, int]) -> str | None:
    """The one title of ``clean`` a readable title is a misprint of, if any: a near twin (never two
    editions differing only in their figures) whose characters the document's text bears out better."""
    digits = re.sub(r"\d", "", title)
    near = [c for c in clean if c != title and re.sub(r"\d", "", c) != digits
            and SequenceMatcher(None, title, c).ratio() >= TWIN]
    if not near:
        return None
    ranked = sorted(near, key=lambda c: -_support(c, counts))
    best = _support(ranked[0], counts)
    if best <= _support(title, counts) or (len(ranked) > 1 and _support(ranked[1], counts) == best):
        return None
    return ranked[0]


def readable_title(title: str, clean: list[str], counts: dict[str, int] | None = None) -> tuple[str | None, str | None]:
    """A cited title as it can be read: itself when it reads as a title; with characters of another
    script removed when that makes it read; else the title of ``clean`` (titles the same document
    prints readably) it is most similar to, when at least :data:`SIMILAR`; else None. The second
    value is a note on what was done, or why it was left out.

    >>> readable_title("山西省数字政府建设と规划(2020-2022年)", [])
    ('山西省数字政府建设规划(2020-2022年)', "a character of another script removed from '山西省数字政府建设と规划(2020-2022年)'")
    >>> readable_title("晋城:市加快数字政府建设实施方容", ["晋城市加快数字政府建设实施方案"])[0]
    '晋城市加快数字政府建设实施方案'
    >>> readable_title("关于做好红帽公司 要行业领域替代工作的通知", [])
    (None, "title '关于做好红帽公司 要行业领域替代工作的通知' left out: a space inside it")
    """
    why = garbled(title)
    if why is None:
        # a title that reads, yet is a near twin of one the document prints elsewhere (never two
        # editions differing in their figures): the same title, a character misread ("财务予支出理制度")
        twin = _twin(title, clean, counts) if counts is not None else None
        if twin is not None:
            return twin, f"title '{title}' read as '{twin}', printed so elsewhere in the document"
        return title, None
    stripped = FOREIGN.sub("", title)
    if stripped != title and garbled(stripped) is None:
        return stripped, f"a character of another script removed from '{title}'"
    squeezed = re.sub(r"[\s:：·.…]", "", stripped)
    best = max(clean, key=lambda c: SequenceMatcher(None, squeezed, c).ratio(), default=None)
    if best is not None and best != title and SequenceMatcher(None, squeezed, best).ratio() >= SIMILAR:
        return best, f"title '{title}' read as '{best}', printed so elsewhere in the document"
    return None, f"title '{title}' left out: {why}"


_TITLE = re.compile(r"《([^《》]+)》")


def garbled_titles(text: str) -> int:
    """How many of the 《titles》 in a text do not read as titles (:func:`garbled`)."""
    return sum(1 for m in _TITLE.finditer(text) if garbled(m.group(1)))


def crosses_chunks(title: str, cells: list[str]) -> bool:
    """Whether a title, in cells whose wrapped lines' order is lost, takes text from a cell holding
    chunks of two lines (its characters there may belong to the other line)."""
    joined, bounds = "", []
    for c in cells:
        if c.strip():
            bounds.append((len(joined), len(joined) + len(c), len(_chunks(c)) > 1))
            joined += c
    at = joined.find(title)
    if at < 0:
        return True  # not printed as one run of these cells: put together from their chunks
    end = at + len(title)
    return any(a < end and at < b and multi for a, b, multi in bounds)


# ---------------------------------------------------------------- two printings of one name


def lexicon(texts: list[str]) -> dict[str, int]:
    """How often each pair of adjacent Chinese characters is printed in these texts."""
    counts: dict[str, int] = {}
    for t in texts:
        for a, b in zip(t, t[1:]):
            if _CJK.match(a) and _CJK.match(b):
                counts[a + b] = counts.get(a + b, 0) + 1
    return counts


def _support(text: str, counts: dict[str, int]) -> int:
    """How many of a spelling's character pairs the text around it prints at least twice."""
    return sum(1 for a, b in zip(text, text[1:]) if counts.get(a + b, 0) >= 2)


def better_spelling(a: str, b: str, counts: dict[str, int]) -> str:
    """Of two printings of one name (the two sides of a KPI grid), the one the document's own text
    bears out: where they differ character for character, each place takes the character whose pairs
    with its neighbours the document prints more often (尾歇 | 尾款 → 尾款: the overview prints 尾款);
    otherwise the spelling with more such pairs, the fuller one on a tie.

    >>> c = lexicon(["支付尾款", "尾款支付数", "满意度指标", "满意度"])
    >>> better_spelling("尾歇控制数", "尾款控制教", c), better_spelling("使用人员满澈度", "使用人员满意度", c)
    ('尾款控制数', '使用人员满意度')
    """
    if a == b or not b:
        return a
    if not a:
        return b
    out = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(a[i1:i2])
        elif op == "replace" and i2 - i1 == j2 - j1:
            for k in range(i2 - i1):
                x, y = a[i1 + k], b[j1 + k]
                left = out[-1][-1:] if out and out[-1] else ""
                right = a[i1 + k + 1: i1 + k + 2]
                sx = counts.get(left + x, 0) + counts.get(x + right, 0)
                sy = counts.get(left + y, 0) + counts.get(y + right, 0)
                out.append(y if sy > sx else x)
        elif op in ("delete", "insert"):
            extra = a[i1:i2] if op == "delete" else b[j1:j2]
            if i1 == 0 and j1 == 0 and "级" in extra:
                continue  # a grid label run into the name ("二级信係…")
            done = "".join(out)
            if (i2 == len(a) and j2 == len(b) and NAME_END.search(done) and len(extra) >= 5
                    and all(_CJK.match(ch) for ch in extra)):
                continue  # the next row's name run into this one ("文件归档率" | "文件归档率课程安排合理")
            out.append(extra)  # what one printing cut off, the other keeps
        else:
            x, y = a[i1:i2], b[j1:j2]
            sx, sy = _support(x, counts), _support(y, counts)
            out.append(x if (sx, len(x)) >= (sy, len(y)) else y)
    return "".join(out)


#: how indicator names end (率, 数量, 时间, 档案 …): a name ending so is whole
NAME_END = re.compile(r"(?:[率数量度间性费用额人次期值比积项件台个本条份级果平效核训案]|[)）])$")

#: traditional forms of characters, which simplified-Chinese documents print only when OCR misreads
TRADITIONAL = str.maketrans(
    "數緩熱課選項滿質時級標產經濟務費額資點際運營總計劃設財圖報價應門關開對發與員專術網護檢驗統據庫環節實現為處業國區縣鎮鄉雲電腦號構證認習傳聯臺條萬億們製衛農醫療險優",
    "数缓热课选项满质时级标产经济务费额资点际运营总计划设财图报价应门关开对发与员专术网护检验统据库环节实现为处业国区县镇乡云电脑号构证认习传联台条万亿们制卫农医疗险优",
)


def simplified(text: str) -> str:
    """Traditional forms OCR printed put back to the simplified ones these documents use.

    >>> simplified("安全演练數"), simplified("緩解")
    ('安全演练数', '缓解')
    """
    return text.translate(TRADITIONAL)


# the one word every 满意度 indicator's name ends in, as OCR misreads it by one character ("福意度", "满澈度")
_SATISFACTION = re.compile(r"(?:[\u4e00-\u9fff](?<!满)意度|满[\u4e00-\u9fff](?<!意)度)(?=\s*(?:[(（]%[)）])?\s*$)")


def satisfaction(name: str) -> str:
    """An indicator name ending in 满意度 with one of its three characters misread, put right.

    >>> satisfaction("专网使用客户福意度"), satisfaction("使用人员满澈度"), satisfaction("市直部门满意度(%)")
    ('专网使用客户满意度', '使用人员满意度', '市直部门满意度(%)')
    >>> satisfaction("服务对象滴意度 (%)"), satisfaction("系统运行速度")
    ('服务对象满意度 (%)', '系统运行速度')
    """
    return _SATISFACTION.sub("满意度", name)
