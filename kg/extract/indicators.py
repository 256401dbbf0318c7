"""Recover the 三级 indicators of a KPI table from its rows, whatever the column layout.

Cell positions in the text are unreliable (cells shift left or right, labels are printed one
row early, the 年度 side is cut off, or the whole grid is folded into four staggered column
sets), so we read each row as a sequence of typed tokens instead:

    L1 (产出指标 …)  L2 (数量指标 …)  L3 (the indicator)  VAL (the target)

and cut it into *items* ``[L1] [L2] L3 VAL``. Then, by layout:

- one column set: items in order, the 二级 category carried down;
- two sets (实施期 | 年度): each row's first item is the 实施期 side, its last the 年度 side;
  the sides are merged indicator by indicator (a truncated name takes the fuller spelling,
  a missing value the other side's) and what only one side lists is kept, marked;
- three or more (a folded grid): the union of all sets, duplicates removed.

The 一级 category is derived from the 二级 one through the standard hierarchy whenever the
二级 is known, which repairs labels printed on the wrong row.
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher

from kg.extract.kpi_categories import Slot, assign, family
from kg.extract.ocr_text import better_spelling, lexicon, satisfaction, simplified
from kg.extract.targets import looks_like_value, parse_target
from kg.model import Indicator, Line, Span, Target
from kg.read.text import clean_name

L1_LABELS = ("产出指标", "效益指标", "满意度指标")
L2_PARENT = {
    "数量指标": "产出指标", "质量指标": "产出指标", "时效指标": "产出指标", "成本指标": "产出指标",
    "经济效益指标": "效益指标", "社会效益指标": "效益指标", "生态效益指标": "效益指标", "可持续影响指标": "效益指标",
    "服务对象满意度指标": "满意度指标", "服务对象满意度": "满意度指标",
}
# short forms printed without 指标
L2_SHORT = {"数量": "数量指标", "质量": "质量指标", "时效": "时效指标", "成本": "成本指标",
            "经济效益": "经济效益指标", "社会效益": "社会效益指标", "生态效益": "生态效益指标",
            "可持续影响": "可持续影响指标"}
AMBIGUOUS = "满意度指标"  # printed both as 一级 and as 二级
HEADER_TOKENS = {"一级指标", "二级指标", "三级指标", "指标值", "绩效指标", "总体目标", "实施期目标", "年度目标", "指标"}
MONEY_UNITS = ("元", "万元", "亿元")
PERIOD, ANNUAL = "实施期", "年度"
_CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")


@lru_cache(maxsize=16384)  # every cell of every grid, many times
def norm(token: str) -> str:
    return re.sub(r"\s+", "", token).replace("（", "(").replace("）", ")")


def l2_canonical(label: str | None) -> str | None:
    """The standard 二级 category a printed label stands for (truncations completed).

    >>> l2_canonical("服务对象满意"), l2_canonical("服务对象满意度指"), l2_canonical("经济效益")
    ('服务对象满意度指标', '服务对象满意度指标', '经济效益指标')
    >>> l2_canonical("满意度指标")
    '服务对象满意度指标'
    """
    if not label:
        return None
    t = norm(label)
    if t == AMBIGUOUS:
        return "服务对象满意度指标"
    if t in L2_PARENT:
        return "服务对象满意度指标" if t == "服务对象满意度" else t
    if t in L2_SHORT:
        return L2_SHORT[t]
    if len(t) >= 4:
        for full in L2_PARENT:
            if full.startswith(t):
                return "服务对象满意度指标" if full == "服务对象满意度" else full
    return None


def l1_of(l2: str | None) -> str | None:
    c = l2_canonical(l2)
    return L2_PARENT.get(c) if c else None


def category(token: str) -> str | None:
    """'L1', 'L2' or 'AMB' (满意度指标) when the token is a category label."""
    t = norm(token)
    if t == AMBIGUOUS:
        return "AMB"
    if t in L1_LABELS:
        return "L1"
    if l2_canonical(t):
        return "L2"
    return None


def is_exact_l2(label: str | None) -> bool:
    return bool(label) and (norm(label) in L2_PARENT or norm(label) == AMBIGUOUS or norm(label) in L2_SHORT)


@dataclass
class Item:
    """One ``[L1] [L2] L3 VAL`` run of a row."""

    line: Line
    cell: int  # index of its first cell
    l1: str | None = None
    l2: str | None = None
    amb: bool = False  # its only category is the ambiguous 满意度指标
    l3: str | None = None
    val: str | None = None
    mirrored: bool = False
    l3_cell: int = -1  # index of the name's cell

    @property
    def heading(self) -> bool:
        return self.l3 is None and self.val is None

    def add_category(self, kind: str, token: str) -> bool:
        """Add a category label; False when it belongs to a new item."""
        if kind == "L1":
            if self.l1 or self.l2:
                return False
            self.l1 = token
        elif kind == "AMB":
            if self.l1 or self.l2:
                return False
            self.l2, self.amb = token, True
        else:
            if self.l2 and not self.amb:
                return False
            if self.amb:  # 满意度指标 then a 二级 label: it was the 一级
                self.l1, self.amb = self.l2, False
            self.l2 = token
        return True


def _cells(line: Line) -> list[tuple[int, str]]:
    return [(i, c.strip()) for i, c in enumerate(line.cells) if c.strip()]


def parse_row(line: Line) -> list[Item]:
    """Cut one row into items (see module doc)."""
    toks = [(i, t) for i, t in _cells(line) if norm(t) not in HEADER_TOKENS]
    items: list[Item] = []
    cur: Item | None = None

    def close():
        nonlocal cur
        if cur is not None and (cur.l1 or cur.l2 or cur.l3 or cur.val):
            items.append(cur)
        cur = None

    for k, (ci, tok) in enumerate(toks):
        nxt = toks[k + 1][1] if k + 1 < len(toks) else None
        kind = category(tok)
        if cur is None:
            cur = Item(line=line, cell=ci)
        # a category label directly followed by a value is the indicator itself ("服务对象满意度 ≥95%")
        if kind and kind != "L1" and nxt is not None and looks_like_value(nxt):
            kind = None
        if kind:
            if cur.l3 is not None or cur.val is not None or not cur.add_category(kind, tok):
                close()
                cur = Item(line=line, cell=ci)
                cur.add_category(kind, tok)
            continue
        if cur.val is not None:
            close()
            cur = Item(line=line, cell=ci)
        if cur.l3 is None:
            if looks_like_value(tok) and cur.heading and (cur.l1 or cur.l2) is None:
                cur.val = tok  # a value whose name is missing
            else:
                cur.l3, cur.l3_cell = tok, ci
        elif looks_like_value(tok, after_indicator=True):
            cur.val = tok
        else:  # a name without a value, then the next name
            close()
            cur = Item(line=line, cell=ci, l3=tok, l3_cell=ci)
    close()
    return items


@dataclass
class Side:
    """Carries the current categories down one column set."""

    l1: str | None = None
    l2: str | None = None
    out: list[Item] = field(default_factory=list)
    slots: list[tuple[int, Item]] = field(default_factory=list)  # (row index, item) as taken

    def take(self, item: Item, slot: int = -1) -> None:
        self.slots.append((slot, item))
        if item.l2 and not (item.amb and item.l3 is None and self.l2):
            self.l2 = item.l2
            self.l1 = l1_of(item.l2) or item.l1 or (item.l2 if item.amb else self.l1)
        elif item.l1:
            self.l1 = item.l1
        if item.l3 is not None:
            self.out.append(replace(item, l1=l1_of(self.l2) or self.l1, l2=self.l2))


def _same_name(a: str | None, b: str | None, fuzzy: bool = False) -> bool:
    """One indicator's name on both sides; ``fuzzy`` (OCR'd grids) also takes names a misread
    character or two apart ("驻杨运维人员" / "驻场运维人员")."""
    if not a or not b:
        return False
    a, b = norm(a), norm(b)
    if a == b or (min(len(a), len(b)) >= 4 and (a.startswith(b) or b.startswith(a))):
        return True
    return fuzzy and min(len(a), len(b)) >= 4 and SequenceMatcher(None, a, b).ratio() >= 0.8


def _fuller(a: str, b: str) -> str:
    """Of two spellings of one name, the one not cut off."""
    return a if len(norm(a)) >= len(norm(b)) else b


def _target(val: str | None) -> Target:
    return parse_target(val) if val else Target(text="")


def _span(file: str, item: Item) -> Span:
    return item.line.span(file)


def _reads(val: str | None) -> bool:
    """A target that parses: a number with a known unit, or words without digits."""
    if not val:
        return False
    t = parse_target(val)
    return t.quantitative or not re.search(r"\d", val)


def _indicator(
    file: str, it: Item, sides: tuple[str, ...], other: Item | None = None, primary_annual: bool = True,
    fuzzy: bool = False, counts: dict[str, int] | None = None,
) -> Indicator:
    # partners in an OCR'd grid are one indicator even when their names were misread apart: the
    # spelling the table's own text bears out (kg.extract.ocr_text.better_spelling), else the fuller
    if other and other.l3 and counts and fuzzy:
        l3 = better_spelling(simplified(clean_name(it.l3)), simplified(clean_name(other.l3)), counts)
    else:
        l3 = _fuller(it.l3, other.l3) if other and other.l3 and (fuzzy or _same_name(it.l3, other.l3)) else it.l3
    l2 = it.l2 if (is_exact_l2(it.l2) or not other) else (other.l2 if is_exact_l2(other.l2) else it.l2)
    val = it.val if it.val else (other.val if other else None)
    period_target = None
    if fuzzy and other and other.val and it.val and not _reads(it.val if primary_annual else other.val) and _reads(
        other.val if primary_annual else it.val
    ):
        # OCR garbled one side's target ("≤393,71万元", "≥3000孫"): the side that reads is taken
        val = other.val if primary_annual else it.val
    elif other and other.val and it.val and norm(other.val) != norm(it.val):
        period_target = _target(other.val) if primary_annual else _target(it.val)
        if not primary_annual:
            val = other.val  # 年度 value from the annual side when it has one
    if fuzzy:
        l3 = satisfaction(simplified(clean_name(l3)))  # OCR's line-wrap spaces inside the name, its traditional forms
        val = simplified(val) if val else val
    return Indicator(
        l1=l1_of(l2) or it.l1, l2=l2, l3=l3, target=_target(val), span=_span(file, it),
        period_target=period_target, sides=sides,
    )


def _split_at(it: Item, right_start: int) -> list[Item]:
    """An item whose labels stand on the 实施期 side and whose name on the 年度 side (OCR left the
    cells between empty) → the heading and the indicator, one on each side."""
    if not (it.l1 or it.l2) or it.l3 is None or not it.cell < right_start <= it.l3_cell:
        return [it]
    return [replace(it, l3=None, val=None), replace(it, cell=it.l3_cell, l1=None, l2=None, amb=False)]


def _assign(rows: list[list[Item]], right_start: int | None, fuzzy: bool = False) -> tuple[Side, Side]:
    left, right = Side(), Side()
    for n, items in enumerate(rows):
        if not items:
            continue
        if len(items) == 1 and fuzzy and right_start is not None:
            items = _split_at(items[0], right_start)
        if len(items) == 1:
            it = items[0]
            mid = right_start if right_start is not None else max(1, len(it.line.cells) // 2)
            (right if it.cell >= mid else left).take(it, n)
            continue
        if fuzzy and right_start is not None:  # OCR'd: a run from a label on the left to a name on the right is two
            items = [part for it in items for part in _split_at(it, right_start)]
        first, last = items[0], items[-1]
        middle = items[1:-1]
        for it in middle:  # rare: a stray run between the two sides
            (right if right_start is not None and it.cell >= right_start else left).take(it, n)
        # one side cut off after its category label: the indicator is the other side's
        if last.heading and not first.heading and last.l2 and norm(last.l2) == norm(first.l2 or "") :
            last = replace(first, line=last.line, cell=last.cell, mirrored=True, l1=None)
        elif first.heading and not last.heading and first.l2 and norm(first.l2) == norm(last.l2 or ""):
            first = replace(last, line=first.line, cell=first.cell, mirrored=True, l1=None)
        left.take(first, n)
        right.take(last, n)
    return left, right


# how an indicator's name ends (率, 数量, 时间, 费用 …); a name ending otherwise was cut by a line wrap
_WHOLE_NAME = re.compile(r"(?:[率数量度间性费用额人次期值比积项件个本条份果效训]|成本|[)）])$")


def _joined_value(a: str | None, b: str | None) -> str | None:
    """The target of a name wrapped over two lines: the first line's, or a comparator the first line
    kept and the figure the second did ("<" | "10%")."""
    if a and b and re.fullmatch(r"[<>≤≥＜＞]=?", a.strip()) and looks_like_value(b):
        return a.strip() + b.strip()
    return a or b


def _same_figure(a: str, b: str) -> bool:
    """One target printed twice, its comparator lost once ("≥95%" | "95%")."""
    ta, tb = parse_target(a), parse_target(b)
    return ta.quantitative and tb.quantitative and (ta.value, ta.unit) == (tb.value, tb.unit)


def _unwrapped(slots: list[tuple[int, Item]], elsewhere: set[str] = frozenset()) -> list[tuple[int, Item]]:
    """An OCR'd column's rows with names wrapped over two lines joined: a name that does not end as
    one ("各类软件系统正", "大数据应用平台运维服务") and, on the next line without a label, a name that
    does ("常运行率", "成本"), when the second line shows no target of its own: none (and its name is
    short, and no row of the other side is named so: ``elsewhere``), the first line's printed again,
    or the figure after the first line's lone comparator ("<" | "10%"). Two word targets mean two
    rows whose names OCR ran into each other: each word target is the verb its name starts with
    ("确保政务…安全提高硬件…利用率" | 确保, 提高), and the name is cut where the second starts."""
    out: list[tuple[int, Item]] = []
    for n, it in slots:
        prev = out[-1] if out else None
        if (
            prev is None or prev[0] != n - 1 or not prev[1].l3 or not it.l3 or it.l1 or it.l2
            or _WHOLE_NAME.search(simplified(norm(prev[1].l3))) or not _WHOLE_NAME.search(simplified(norm(it.l3)))
        ):
            out.append((n, it))
            continue
        a, b = prev[1], it
        name = norm(a.l3) + norm(b.l3)
        words = [norm(v) for v in (a.val, b.val) if v and not re.search(r"\d", v)]
        if len(words) == 2 and name.startswith(words[0]) and words[1] in name[1:]:
            cut = name.index(words[1], 1)
            out[-1] = (prev[0], replace(a, l3=name[:cut]))
            out.append((n, replace(b, l3=name[cut:])))
        elif (
            (b.val is None and len(norm(b.l3)) <= 6 and not any(o.startswith(norm(b.l3)) for o in elsewhere))
            or (a.val and b.val and (_same_figure(a.val, b.val) or re.fullmatch(r"[<>≤≥＜＞]=?", a.val.strip())))
        ):
            out[-1] = (prev[0], replace(a, l3=name, val=_joined_value(a.val, b.val)))
        else:
            out.append((n, it))
    return out


def _recategorised(side: Side, other: Side) -> list[Item]:
    """An OCR'd column's rows, names wrapped over two lines joined (``_unwrapped``), under the 二级
    labels they span (``kg.extract.kpi_categories``); the labels carried down when the column gives
    nothing to partition by."""
    by_slot: dict[int, Item] = {}
    for n, it in side.slots:
        if n in by_slot:  # two runs of one side on a line: read as carried down
            return side.out
        by_slot[n] = it
    if not by_slot:
        return side.out
    last = None
    for n in sorted(by_slot):  # a label printed again below itself is the rest of a wrapped name ("成本")
        it = by_slot[n]
        label = l2_canonical(it.l2) if it.l2 else None
        if label and label == last and it.l3 is None and it.l1 is None:
            by_slot[n] = replace(it, l2=None, amb=False, l3=it.l2, l3_cell=it.cell)
        elif label:
            last = label
    elsewhere = {simplified(norm(it.l3)) for _, it in other.slots if it.l3}
    by_slot = dict(_unwrapped(sorted(by_slot.items(), key=lambda x: x[0]), elsewhere))
    carried = Side()
    for n in sorted(by_slot):
        carried.take(by_slot[n], n)
    first, last = min(by_slot), max(by_slot)
    slots = []
    for n in range(first, last + 1):
        it = by_slot.get(n)
        if it is None:
            slots.append(Slot())
            continue
        canonical = l2_canonical(it.l2) if it.l2 else None
        slots.append(Slot(label=canonical, printed=it.l2, row=it if it.l3 is not None else None,
                          kind=family(it.l3, it.val) if it.l3 is not None else None))
    got = assign(slots)
    if got is None:
        return carried.out
    return [replace(s.row, l1=l1_of(l2), l2=l2) for s, l2 in zip(slots, got) if s.row is not None]


def _merge(file: str, period: list[Item], annual: list[Item], fuzzy: bool = False,
           counts: dict[str, int] | None = None) -> list[Indicator]:
    """Merge the 实施期 and 年度 sides into one list, in the primary side's order."""
    def missing(items):
        return sum(1 for i in items if not i.val and not i.mirrored)

    annual_degraded = bool(annual) and missing(annual) > max(1, len(annual) // 4) and missing(period) < missing(annual)
    primary, secondary = (period, annual) if annual_degraded or not annual else (annual, period)
    primary_annual = primary is annual
    used: set[int] = set()
    partner: dict[int, int] = {}
    # the same row first, then the same 二级 and name, then the name alone
    by_line = {id(s.line): j for j, s in enumerate(secondary)}
    for i, p in enumerate(primary):
        j = by_line.get(id(p.line))
        if j is not None and j not in used and (
            _same_name(p.l3, secondary[j].l3, fuzzy)
            or fuzzy and SequenceMatcher(None, norm(p.l3 or ""), norm(secondary[j].l3 or "")).ratio() >= 0.6
        ):
            partner[i] = j
            used.add(j)
    for same_l2 in (True, False):
        for i, p in enumerate(primary):
            if i in partner:
                continue
            for j, s in enumerate(secondary):
                if j not in used and _same_name(p.l3, s.l3, fuzzy) and (not same_l2 or norm(p.l2 or "") == norm(s.l2 or "")):
                    partner[i] = j
                    used.add(j)
                    break
    own = ANNUAL if primary_annual else PERIOD
    other = PERIOD if primary_annual else ANNUAL
    out: list[Indicator] = []
    position_of_secondary = {j: i for i, j in partner.items()}
    pending = [j for j in range(len(secondary)) if j not in used]
    for i, p in enumerate(primary):
        s = secondary[partner[i]] if i in partner else None
        sides = (ANNUAL, PERIOD) if s is not None else (own,)
        out.append(_indicator(file, p, sides, s, primary_annual, fuzzy, counts))
        # a secondary-only indicator goes after the indicator its predecessor was merged into
        for j in list(pending):
            prev = j - 1
            if prev in position_of_secondary and position_of_secondary[prev] == i:
                out.append(_indicator(file, secondary[j], (other,), fuzzy=fuzzy))
                position_of_secondary[j] = i
                pending.remove(j)
    for j in pending:
        out.append(_indicator(file, secondary[j], (other,), fuzzy=fuzzy))
    return out


def _union(file: str, rows: list[list[Item]], fuzzy: bool = False) -> list[Indicator]:
    """A folded grid: every set's indicators, duplicates removed."""
    sides: dict[int, Side] = {}
    for items in rows:
        for pos, it in enumerate(items):
            side = sides.setdefault(pos, Side())
            if it.l2 is None and it.l3 is not None and side.l2 is None:  # inherit from the set to the left
                for p in range(pos - 1, -1, -1):
                    if p in sides and sides[p].l2:
                        side.l2, side.l1 = sides[p].l2, sides[p].l1
                        break
            side.take(it)
    merged: list[Item] = [it for pos in sorted(sides) for it in sides[pos].out]
    # keep the first of identical (二级, name, value); drop a value-less copy of a valued one
    order: list[Item] = []
    seen: set[tuple] = set()
    for it in sorted(merged, key=lambda x: (x.line.no, x.cell)):
        key = (l2_canonical(it.l2), norm(it.l3), norm(it.val or ""))
        if key in seen:
            continue
        if fuzzy and any(  # an OCR'd copy of one already taken: its name misread
            norm(o.val or "") == norm(it.val or "") and _same_name(o.l3, it.l3, True) for o in order
        ):
            continue
        seen.add(key)
        order.append(it)
    valued = {(l2_canonical(i.l2), norm(i.l3)) for i in order if i.val}
    order = [i for i in order if i.val or (l2_canonical(i.l2), norm(i.l3)) not in valued]
    # a money target printed under another category when the same target stands under 成本指标
    cost = {(norm(i.l3), norm(i.val or "")) for i in order if l2_canonical(i.l2) == "成本指标"}
    order = [
        i for i in order
        if l2_canonical(i.l2) == "成本指标" or not i.val or _target(i.val).unit not in MONEY_UNITS
        or (norm(i.l3), norm(i.val)) not in cost
    ]
    return [_indicator(file, it, (ANNUAL, PERIOD), fuzzy=fuzzy) for it in order]


def header_right_start(lines: list[Line]) -> tuple[int | None, int]:
    """Cell index where the 年度 side starts (the second 二级指标), and how many sets the header shows."""
    for line in lines:
        cols = [i for i, c in enumerate(line.cells) if norm(c) == "二级指标"]
        if len(cols) >= 2:
            return cols[1], len(cols)
        if cols:
            return None, 1
    return None, 0


def _ocr_items(items: list[Item]) -> list[Item]:
    """The items of an OCR'd row, without what OCR made of the grid's labels and specks:

    - a name of one character, or one ending in 指标 (a category label OCR garbled: "p ic 出指标");
    - a name without a target in a row whose both sides have their indicator ("門XX打面包店");
    and a cell of one or two characters right after a name without a target is that target,
    however misread ("缓解…的问题" | "级解").
    """
    out: list[Item] = []
    for it in items:
        prev = out[-1] if out else None
        if (
            prev is not None and prev.l3 and prev.val is None and it.l1 is None and it.l2 is None
            and it.l3 and it.val is None and len(norm(it.l3)) <= 2 and it.l3_cell == prev.l3_cell + 1
        ):
            out[-1] = replace(prev, val=it.l3)
            continue
        if it.l3 is not None and (
            (len(_CJK_CHAR.findall(it.l3)) < 2 and len(norm(it.l3)) < 3) or norm(it.l3).endswith("指标")
        ):
            if it.l1 or it.l2:
                out.append(replace(it, l3=None, val=None))  # keep its category
            continue
        out.append(it)
    if sum(1 for it in out if it.l3 and it.val) >= 2:  # both sides have theirs: the rest is specks
        out = [it for it in out if not ((it.l3 and it.val is None) or (it.l3 is None and it.val and not (it.l1 or it.l2)))]
    return out


def recover_indicators(file: str, lines: list[Line], fuzzy: bool = False,
                       context: list[str] = ()) -> tuple[list[Indicator], str]:
    """The indicators of one KPI table's indicator rows, and the layout that was read.

    ``fuzzy``: the grid is OCR output (see ``kg.extract.ocr_grid.clean_ocr_grid``): two printings of an indicator
    may differ by a misread character and are still one indicator; of their spellings, the one
    ``context`` (the whole table's text) bears out is taken. An OCR'd row without a target is
    not an indicator; rows printed above their 二级 label (it stands in the middle of the rows it
    spans) take it."""
    rows = [parse_row(line) for line in lines if not line.noise]
    if fuzzy:
        rows = [_ocr_items(r) for r in rows]
    rows = [r for r in rows if r]
    right_start, header_sets = header_right_start(lines)
    widths = [len(r) for r in rows]
    folded = sum(1 for w in widths if w >= 3) >= 2
    if folded:
        return _union(file, rows, fuzzy), "folded"
    if max(widths, default=0) <= 1 and header_sets <= 1:
        side = Side()
        for r in rows:
            for it in r:
                side.take(it)
        return [_indicator(file, it, (ANNUAL, PERIOD), fuzzy=fuzzy) for it in side.out], "single"
    left, right = _assign(rows, right_start, fuzzy)
    if fuzzy:
        left.out, right.out = _recategorised(left, right), _recategorised(right, left)
    found = _merge(file, left.out, right.out, fuzzy, lexicon(list(context)) if fuzzy else None)
    return (_settled(found) if fuzzy else found), "two-sided"


def _settled(found: list[Indicator]) -> list[Indicator]:
    """An OCR'd grid's indicators: those with a target, the leading ones without a 二级 taking the
    first 二级 printed below them."""
    out = [i for i in found if i.target.text.strip()]
    first = next((i for i in out if i.l2), None)
    for i in out:
        if i.l2:
            break
        if first is not None:
            i.l2, i.l1 = first.l2, first.l1
    return out
