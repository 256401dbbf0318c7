"""Rule components that read the figures of the 说明 part: what each figure is about and how they relate.

Six components mark entities in ``doc.ents`` (never overlapping; configuration in ``narrative.cfg``), and
``bk_facts`` assembles them, reading only ``doc.ents`` and the punctuation, into ``doc._.facts`` (a list
of :class:`FoundFact`). A trained model predicting the same labels can replace the rule components.

=============  =====================================  ======================================================
component      labels                                 what
=============  =====================================  ======================================================
bk_amount      MONEY                                  "2946.25万元", "1,144.30 万元" (kg.extract.nlp.components)
bk_bare_amount MONEY                                  "0.39 万" printed without 元
bk_percent     PERCENT                                "99.79%"; "增长 13.95" printed without % after a rate word
bk_count       COUNT                                  "12个", "0辆", "2台（套）"
bk_date        ASOF, YEAR                             "截至2024年12月31日"; "2024年度" opening a sentence
bk_topic       TOPIC, FUNC                            a topic of id:scheme/narrative-topic ("收入支出总计"), a
                                                      functional 类 or 类/款/项 chain ("一般公共服务支出（类）…")
bk_cue         BUDGET, FULLBUDGET, FINAL, SHARE,      年初预算为, 全年预算为, 支出决算为, 占, 完成年初预算的,
               COMPLETE, COMPARE, QITA, AMOUNTCUE,    与2023年度相比 / 比上年, 其中, 涉及金额, 增加 / 减少 /
               CHANGE, RELATION                       持平, 决算数小于预算数
=============  =====================================  ======================================================

>>> from kg.extract.nlp.pipeline import load_narrative_pipeline
>>> nlp = load_narrative_pipeline()
>>> doc = nlp("本年收入合计2946.25万元，其中：财政拨款收入2940.05万元，占99.79%；其他收入6.2万元，占0.21%")
>>> [(f.topic, f.role, f.value, f.unit, f.numerator, f.denominator) for f in doc._.facts]
[('income-total', 'amount', Decimal('29462500.00'), '元', None, None), ('fiscal-income', 'amount', Decimal('29400500.00'), '元', None, None), ('fiscal-income', 'share', Decimal('99.79'), '%', 1, 0), ('other-income', 'amount', Decimal('62000.0'), '元', None, None), ('other-income', 'share', Decimal('0.21'), '%', 3, 0)]
>>> doc = nlp("与2023年度相比，收入支出总计减少56.95万元，下降1.87%")
>>> [(f.topic, f.role, f.word, f.value, f.compared_year, f.change) for f in doc._.facts]
[('total', 'change', '减少', Decimal('569500.00'), 2023, None), ('total', 'changeRate', '下降', Decimal('1.87'), 2023, 0)]
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.nlp.components import _add_ents, text_of
from kg.money import parse_amount, to_yuan

__all__ = ["FoundFact", "Context", "assemble_facts", "find_percents", "find_counts", "find_dates", "find_topics", "find_cues"]

if not Doc.has_extension("facts"):
    Doc.set_extension("facts", default=None)
if not Doc.has_extension("fact_context"):
    Doc.set_extension("fact_context", default=None)

# ---------------------------------------------------------------- percentages, counts, dates

_PERCENT = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*[%％]")
_BARE_RATE = re.compile(r"(?:增长|下降|上升|降低|增幅|降幅)\s*(\d+\.\d+)(?=\s*(?:[。；;，,]|$))")


def find_percents(text: str) -> Iterable[tuple[int, int]]:
    """Spans of percentages ("99.79%"), and of a rate printed without % right after 增长/下降.

    >>> [text[s:e] for text in ["占99.79%，增长 13.95。"] for s, e in find_percents(text)]
    ['99.79%', '13.95']
    """
    for m in _PERCENT.finditer(text):
        yield m.start(), m.end()
    for m in _BARE_RATE.finditer(text):
        yield m.start(1), m.end(1)


_BARE_WAN = re.compile(r"(?<![\d.])\d+(?:\.\d+)?\s*万(?=\s*[（(，,；;。])")


def find_bare_amounts(text: str) -> Iterable[tuple[int, int]]:
    """Amounts printed in 万 without 元 ("0.39 万（含外宾接待…）").

    >>> [text[s:e] for text in ["国内公务接待支出 0.39 万（含外宾接待支出 0.00 万元）"] for s, e in find_bare_amounts(text)]
    ['0.39 万']
    """
    for m in _BARE_WAN.finditer(text):
        yield m.start(), m.end()


_COUNT = re.compile(r"(?<![\d.])(\d+)\s*(个|辆|台\s*[（(]套[）)]|台|人次|批次)")


def find_counts(text: str) -> Iterable[tuple[int, int]]:
    """>>> [text[s:e] for text in ["项目12个，车辆0辆，设备2台（套）"] for s, e in find_counts(text)]
    ['12个', '0辆', '2台（套）']
    """
    for m in _COUNT.finditer(text):
        yield m.start(), m.end()


_ASOF = re.compile(r"截[至止]\s*(\d{4})\s*年\s*(?:(\d{1,2})\s*月\s*(\d{1,2})\s*日|(年底|年末|底))")
_YEAR = re.compile(r"(?<!\d)(\d{4})\s*年度?(?!\s*\d{1,2}\s*月)")


def find_dates(text: str) -> Iterable[tuple[int, int, str]]:
    """(start, end, label): ASOF for "截至2024年12月31日" (or 年底), YEAR for a year ("2024年度").

    >>> [(text[s:e], l) for text in ["截至2024年12月31日，2023年度"] for s, e, l in find_dates(text)]
    [('截至2024年12月31日', 'ASOF'), ('2023年度', 'YEAR')]
    """
    taken = []
    for m in _ASOF.finditer(text):
        taken.append((m.start(), m.end()))
        yield m.start(), m.end(), "ASOF"
    for m in _YEAR.finditer(text):
        if not any(s <= m.start() < e for s, e in taken):
            yield m.start(), m.end(), "YEAR"


def as_of_date(text: str) -> datetime.date | None:
    """>>> as_of_date("截至 2024 年 12 月 31 日"), as_of_date("截至2024年底")
    (datetime.date(2024, 12, 31), datetime.date(2024, 12, 31))
    """
    m = _ASOF.search(text)
    if m is None:
        return None
    year = int(m.group(1))
    try:
        if m.group(4):
            return datetime.date(year, 12, 31)
        return datetime.date(year, int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


# ---------------------------------------------------------------- topics

_QUOTES = "“”\"＂‘’'「」"
_GAP = rf"[\s{_QUOTES}]*"


def _label_pattern(label: str) -> str:
    """A wording as a pattern: spaces and quotes may fall between its characters, （ ） match ( ), and
    "{年度}" an optional year."""
    parts = []
    for piece in re.split(r"(\{年度\})", label):
        if piece == "{年度}":
            parts.append(r"(?:\d{4}\s*年度?)?")
            continue
        chars = []
        for ch in piece:
            if ch in _QUOTES or ch.isspace():
                continue
            chars.append({"（": "[（(]", "）": "[）)]", "(": "[（(]", ")": "[）)]"}.get(ch, re.escape(ch)))
        parts.append(_GAP.join(chars))
    return _GAP.join(p for p in parts if p)


@lru_cache(maxsize=4)
def _topic_regex(items: tuple[tuple[str, str], ...]) -> tuple[re.Pattern, tuple[str, ...]]:
    """One alternation of every wording, longest first, each a named group; and the topic key of each group."""
    ordered = sorted(items, key=lambda kv: -len(kv[1]))
    alts = [f"(?P<t{i}>{_label_pattern(label)})" for i, (_, label) in enumerate(ordered)]
    return re.compile("|".join(alts)), tuple(k for k, _ in ordered)


_CHAIN = re.compile(
    r"(?P<c>[\u4e00-\u9fff]{2,20})\s*[（(]\s*(?P<cc>\d{3})?\s*类\s*[）)]"
    r"(?:\s*(?P<k>[\u4e00-\u9fff（）()、]{2,30}?)\s*[（(]\s*(?P<kc>\d{2})?\s*款\s*[）)])?"
    r"(?:\s*(?P<x>[\u4e00-\u9fff（）()、]{2,40}?)\s*[（(]\s*(?P<xc>\d{2})?\s*项\s*[）)])?"
)


def find_topics(text: str, wordings: dict[str, list[str]], classes: Iterable[str]) -> list[tuple[int, int, str, str]]:
    """(start, end, label, key): functional chains "一般公共服务支出（类）财政事务（款）行政运行（项）" (label FUNC,
    key the chain "类|款|项"), functional 类 printed by name (FUNC), and the wordings of the topics (TOPIC, key
    the topic). Wordings that overlap an earlier match are dropped.

    >>> find_topics("一般公共服务支出（类）财政事务（款）行政运行（项）；基本支出", {"basic": ["基本支出"]}, [])
    [(0, 25, 'FUNC', '一般公共服务支出|财政事务|行政运行'), (26, 30, 'TOPIC', 'basic')]
    """
    out: list[tuple[int, int, str, str]] = []
    for m in _CHAIN.finditer(text):
        c = m.group("c")
        start = m.start("c")
        for name in sorted(classes, key=len, reverse=True):  # the 类 name closes the text before 「（类）」
            if c.endswith(name) and c != name:
                start, c = m.start("c") + len(c) - len(name), name
                break
        key = "|".join([c, m.group("k") or "", m.group("x") or ""]).rstrip("|")
        codes = "".join(g for g in (m.group("cc"), m.group("kc") if m.group("k") else None, m.group("xc") if m.group("x") else None) if g)
        if m.group("cc") and len(codes) in (3, 5, 7):
            key += "#" + codes  # the code printed with the names ("公共安全支出（204类）司法（06款）…")
        out.append((start, m.end(), "FUNC", key))
    items = tuple((k, w) for k, ws in wordings.items() for w in ws) + tuple(("@" + c, c) for c in classes)
    rx, keys = _topic_regex(items)
    for m in rx.finditer(text):
        if any(s < m.end() and m.start() < e for s, e, _, _ in out):
            continue
        key = keys[int(m.lastgroup[1:])]
        if key.startswith("@"):
            # a 类 printed by name is a topic only when its figure follows ("一般公共服务支出807.26万元"), not
            # inside prose ("主要用于其他公共安全支出")
            if not re.match(r"\s*\d", text[m.end():]) or text[max(0, m.start() - 2):m.start()].endswith("其他"):
                continue
            out.append((m.start(), m.end(), "FUNC", key[1:]))
        else:
            out.append((m.start(), m.end(), "TOPIC", key))
    return sorted(out)


# ---------------------------------------------------------------- cues

_CUES: tuple[tuple[str, re.Pattern], ...] = (
    ("COMPLETE", re.compile(r"完成(?:年初|全年)?预算(?:数)?的?")),
    ("RELATION", re.compile(
        r"决算数?\s*(?:与|同)\s*(?:年初|全年)?预算数?\s*(?:基本)?持平"
        r"|决算数?\s*(?:大于|小于|等于|超过|低于|高于)\s*(?:年初|全年)?预算数?")),
    ("COMPARE", re.compile(
        r"(?:比|较|与|同)\s*(?:(?:\d{4}\s*年度?)|上一?年度?|上年|去年|上一度)\s*(?:同口径)?\s*(?:预算数?|决算数?|支出决算)?\s*(?:相比)?"
        r"|同比")),
    ("PRIOR", re.compile(r"(?:\d{4}\s*年度?\s*)?(?:当年)?预算执行数\s*(?:为|是)?|上一?年度?(?:预算数|决算数|执行数)\s*(?:为|是)")),
    ("PLANNED", re.compile(r"\d{4}\s*年度?\s*预算安排(?=\s*\d)")),
    ("BUDGET", re.compile(r"年初\s*预算(?:数)?\s*(?:为|是)?")),
    ("FULLBUDGET", re.compile(r"全年\s*预算(?:数)?\s*(?:为|是)?")),
    ("FINAL", re.compile(r"决算(?:数)?\s*(?:为|是)|决算(?=\s*\d)")),
    ("AMOUNTCUE", re.compile(r"共计金额|涉及(?:项目)?(?:预算)?(?:资金|金额)|涉及一般公共预算当年拨款")),
    ("QITA", re.compile(r"其中\s*[:：]?")),
    ("SHARE", re.compile(r"占(?:比)?")),
    ("CHANGE", re.compile(r"增加|减少|增长|下降|上升|降低|增幅|降幅|持平|相同|不变")),
)


def find_cues(text: str) -> list[tuple[int, int, str]]:
    """(start, end, label) of the words that say what a figure is, in the priority of :data:`_CUES` (an
    earlier pattern's match wins an overlap).

    >>> [(text[s:e], l) for text in ["年初预算为2993.92万元，完成年初预算的98.20%"] for s, e, l in find_cues(text)]
    [('年初预算为', 'BUDGET'), ('完成年初预算的', 'COMPLETE')]
    """
    out: list[tuple[int, int, str]] = []
    for label, rx in _CUES:
        for m in rx.finditer(text):
            if m.end() > m.start() and not any(s < m.end() and m.start() < e for s, e, _ in out):
                out.append((m.start(), m.end(), label))
    return sorted(out)


# ---------------------------------------------------------------- assembling

_FLAT = ("持平", "相同", "不变")
_UP = ("增加", "增长", "上升", "增幅")
_DOWN = ("减少", "下降", "降低", "降幅")
_BOUNDARY = re.compile(r"[，,；;：:]")
_NUMBER = re.compile(r"\d[\d,，]*(?:\.\d+)?")


@dataclass
class FoundFact:
    """One fact of a sentence, before it has a place in a document (offsets into the sentence; links are
    indices into the facts of the :class:`Context`)."""

    start: int
    end: int
    topic: str | None
    label: str
    role: str
    value: Decimal | None = None
    unit: str = ""
    printed_unit: str = ""
    half: Decimal | None = None
    word: str | None = None
    names: tuple[str, ...] = ()
    code: str | None = None  # a functional code printed with the names
    year: int | None = None
    compared_year: int | None = None
    as_of: datetime.date | None = None
    budget_kind: str | None = None
    note: str | None = None
    over: str | None = None  # a share's denominator as printed (its topic's label)
    over_topic: str | None = None  # … and its topic
    base: int | None = None
    change: int | None = None
    numerator: int | None = None
    denominator: int | None = None
    budget: int | None = None
    final: int | None = None
    prior: int | None = None  # the compared year's figure a rate is of ("2025年当年预算执行数为…")


@dataclass
class Context:
    """What the sentences read so far said: every fact (indices of links point into ``facts``) and the
    latest fact of each (topic, label) by role, so a later sentence can refer to an earlier figure
    ("占本年支出合计的100.00%")."""

    facts: list[FoundFact] = field(default_factory=list)
    latest: dict[tuple, int] = field(default_factory=dict)  # (role, topic key) → index
    current: FoundFact | None = None  # the topic the last sentence ended on (a numbered item's chain)

    def add(self, f: FoundFact) -> int:
        self.facts.append(f)
        i = len(self.facts) - 1
        self.latest[(f.role, _key(f))] = i
        if f.topic != "functional":
            self.latest[(f.role, (f.topic,))] = i
        return i

    def last(self, role: str, key: tuple) -> int | None:
        return self.latest.get((role, key))

    def figure(self, key: tuple) -> int | None:
        """The latest figure stated for the topic: its amount, else its 决算."""
        a, f = self.latest.get(("amount", key)), self.latest.get(("final", key))
        return max((i for i in (a, f) if i is not None), default=None)


def _key(f: FoundFact) -> tuple:
    return (f.topic, f.label) if f.topic == "functional" else (f.topic,)


def _money(text: str) -> tuple[Decimal, str, str, Decimal] | None:
    """(yuan, 元, printed unit, half a printed place in yuan) of "2,946.25 万元"."""
    m = re.match(r"[≥≤<>=＜＞＝]?\s*([\d,，.\s]*\d)\s*(亿元|万元|千元|元|万)", text)
    if m is None:
        return None
    number = re.sub(r"\s", "", m.group(1))
    amount = parse_amount(number)
    if amount is None:
        return None
    unit = "万元" if m.group(2) == "万" else m.group(2)
    decimals = len(number.split(".", 1)[1]) if "." in number else 0
    half = to_yuan(Decimal(5) * Decimal(10) ** (-decimals - 1), unit)
    return to_yuan(amount, unit), "元", m.group(2), half


def _percent(text: str) -> tuple[Decimal, Decimal, str | None] | None:
    m = _NUMBER.search(text)
    if m is None:
        return None
    number = m.group(0).replace(",", "").replace("，", "")
    try:
        value = Decimal(number)
    except ArithmeticError:
        return None
    decimals = len(number.split(".", 1)[1]) if "." in number else 0
    note = None if re.search(r"[%％]", text) else "a rate printed without %"
    return value, Decimal(5) * Decimal(10) ** (-decimals - 1), note


def _bracketed(text: str):
    """A test: does [s, e) lie inside a bracketed aside ("（含外宾接待支出 0.00 万元）", "下降（增长）")?"""
    spans = [(m.start(), m.end()) for m in re.finditer(r"[（(][^（）()]*[）)]", text)]

    def inside(s: int, e: int) -> bool:
        return any(a < s and e < b for a, b in spans)

    return inside


def _year_of(text: str) -> int | None:
    m = re.search(r"(\d{4})\s*年", text)
    return int(m.group(1)) if m else None


def assemble_facts(text: str, ents: list[tuple[str, int, int, str]], ctx: Context | None = None) -> list[FoundFact]:
    """The facts of one sentence from its entities ``(label, start, end, key)`` (``key``: the topic of a
    TOPIC, the chain of a FUNC, "" otherwise), appended to ``ctx`` (so they can refer to the facts of earlier
    sentences). Pure: the spaCy component only adapts ``doc.ents``.

    Rules: a figure belongs to the topic printed before it in its clause (clauses end at ，；：), or, after a
    cue (年初预算为, 支出决算为, 涉及金额 …), to the current topic. A change (增加 / 减少 / 持平 …) after a comparison
    (与2023年度相比, 比上年) is the change of the topic named in its clause, else of the topic whose figure
    came last — except after a "其中" list of two or more figures, where it is the change of the topic the list
    details ("预算收入总计X万元，其中：本年收入Y万元，上年结转Z万元，比上年减少…"). A rate (增长 1.87%) is the rate of
    that change. A share (占 X%) is of the figure before it, against the topic named after 占 ("占本年支出合计
    的100%") or the sentence's first topic. A completion rate (完成年初预算的 X%) and a comparison (决算数小于
    预算数) relate the topic's 支出决算 to its 年初 (or 全年) 预算.
    """
    ctx = ctx if ctx is not None else Context()
    first = len(ctx.facts)
    inside = _bracketed(text)
    ents = sorted((e for e in ents if e[0] in ("TOPIC", "FUNC") or not inside(e[1], e[2])), key=lambda e: e[1])
    bounds = [m.start() for m in _BOUNDARY.finditer(text)]

    head: FoundFact | None = None  # the sentence's first topic
    group_head: FoundFact | None = None  # the topic a 其中 list details
    since_qita = 0  # figures since the last 其中 without a change between them
    current: FoundFact | None = ctx.current  # the current topic (a template fact: topic, label, names)
    clause_topic = False
    segment_topic = False  # a topic was named since the last ；
    pending: str | None = None  # BUDGET / FULLBUDGET / FINAL / AMOUNTCUE / SHARE / COMPLETE
    share_denominator: FoundFact | None = None
    complete_kind: str | None = None
    compare_year: int | None | str = None  # a year, "prev", or None
    change_target: FoundFact | None = None
    change_word: str | None = None
    change_fact: int | None = None  # index of the last change fact in this sentence
    year: int | None = None  # the year the sentence is about, when it opens with one
    last_figure: int | None = None  # the figure a share (占 X%) is of: the last one stated, if it had a topic
    pos = 0

    def topic_of(label: str, s: int, e: int, key: str) -> FoundFact:
        if label == "FUNC":
            chain, _, printed_code = key.partition("#")
            names = tuple(n for n in chain.split("|"))
            return FoundFact(s, e, "functional", text[s:e], "topic", names=names, code=printed_code or None)
        return FoundFact(s, e, key, text[s:e], "topic")

    def emit(template: FoundFact, s: int, e: int, role: str, **kw) -> int:
        f = replace(template, start=s, end=e, role=role, year=year, **kw)
        return ctx.add(f)

    def crossed(a: int, b: int) -> bool:
        return any(a <= x < b for x in bounds)

    def close_clause() -> None:
        nonlocal clause_topic, pending, change_word, share_denominator, since_qita
        if change_word in _FLAT and change_target is not None:
            emit(change_target, pos, pos, "change", value=Decimal(0), unit="元", word=change_word,
                 compared_year=None if compare_year == "prev" else compare_year,
                 base=ctx.figure(_key(change_target)))
            since_qita = 0
        clause_topic = False
        if pending not in ("SHARE", "COMPLETE"):
            pending = None
        change_word = None

    for label, s, e, key in ents:
        if crossed(pos, s):
            close_clause()
            if pending in ("SHARE", "COMPLETE"):
                pending = None
            if re.search(r"[；;]", text[pos:s]):
                segment_topic = False
        pos = e
        if label in ("TOPIC", "FUNC"):
            t = topic_of(label, s, e, key)
            if pending == "SHARE":
                share_denominator = t
                continue
            current = t
            clause_topic = segment_topic = True
            if head is None:
                head = t
            if compare_year is not None:
                change_target = t
            continue
        if label == "YEAR":
            if head is None and year is None:
                year = _year_of(text[s:e])
            continue
        if label == "ASOF":
            emit(FoundFact(s, e, None, "", "asOf"), s, e, "asOf", as_of=as_of_date(text[s:e]))
            continue
        if label == "QITA":
            group_head, since_qita = current, 0
            continue
        if label in ("BUDGET", "FULLBUDGET", "FINAL", "PRIOR", "PLANNED") or (label == "AMOUNTCUE" and segment_topic):
            pending = label
            continue
        if label == "SHARE":
            pending, share_denominator = "SHARE", None
            continue
        if label == "COMPLETE":
            pending = "COMPLETE"
            w = text[s:e]
            complete_kind = "年初" if "年初" in w else "全年" if "全年" in w else None
            continue
        if label == "COMPARE":
            y = _year_of(text[s:e])
            compare_year = y if y is not None else "prev"
            if since_qita >= 2 and group_head is not None:
                change_target = group_head
            else:
                change_target = current
            continue
        if label == "CHANGE":
            if change_target is None and compare_year is None:
                continue  # 增加 / 减少 in a reason ("减少人员经费开支"), not a stated change
            change_word = text[s:e]
            if change_target is None:
                change_target = current
            continue
        if label == "RELATION" and current is not None:
            w = text[s:e]
            word = next((x for x in ("基本持平", "持平", "大于", "小于", "等于", "超过", "低于", "高于") if x in w), None)
            k = _key(current)
            full = ctx.last("fullBudget", k)  # 预算数: the 全年 one when the text states it, else the 年初 one
            emit(current, s, e, "comparison", word=word, budget=full if full is not None else ctx.last("budget", k),
                 final=ctx.last("final", k))
            continue
        if label == "MONEY":
            money = _money(text[s:e])
            if money is None:
                continue
            if group_head is not None and change_word is None:
                since_qita += 1
            yuan, unit, printed, half = money
            if change_word is not None and change_word not in _FLAT and change_target is not None:
                change_fact = emit(change_target, s, e, "change", value=yuan, unit=unit, printed_unit=printed, half=half,
                                   word=change_word, compared_year=None if compare_year == "prev" else compare_year,
                                   base=ctx.figure(_key(change_target)))
                since_qita = 0
                change_word = None
                continue
            last_figure = None
            if current is None:
                continue
            if pending in ("BUDGET", "FULLBUDGET", "FINAL", "PRIOR", "PLANNED"):
                role = {"BUDGET": "budget", "FULLBUDGET": "fullBudget", "FINAL": "final", "PRIOR": "prior",
                        "PLANNED": "amount"}[pending]
                i = emit(current, s, e, role, value=yuan, unit=unit, printed_unit=printed, half=half)
                last_figure = i if role == "final" else None
                pending = None
                continue
            if pending == "AMOUNTCUE" or clause_topic:
                last_figure = emit(current, s, e, "amount", value=yuan, unit=unit, printed_unit=printed, half=half)
                pending = None if pending == "AMOUNTCUE" else pending
                clause_topic = False  # one figure per topic mention
            continue
        if label == "PERCENT":
            pc = _percent(text[s:e])
            if pc is None:
                continue
            value, half, note = pc
            if change_word is not None and change_word not in _FLAT and change_target is not None:
                k = _key(change_target)
                emit(change_target, s, e, "changeRate", value=value, unit="%", printed_unit="%", half=half,
                     word=change_word, note=note, compared_year=None if compare_year == "prev" else compare_year,
                     change=change_fact, base=ctx.figure(k), prior=ctx.last("prior", k))
                change_word = None
                continue
            if pending == "SHARE" and current is not None:
                numerator = last_figure if last_figure is not None else (
                    ctx.figure(_key(current)) if current is head else None)
                if numerator is None or numerator < first and current is not head:
                    pending = None
                    continue
                if share_denominator is not None:
                    denominator = ctx.figure(_key(share_denominator))
                    over = share_denominator
                elif head is not None and _key(head) != _key(current):
                    denominator = ctx.figure(_key(head))
                    over = head
                else:
                    denominator, over = None, None
                emit(current, s, e, "share", value=value, unit="%", printed_unit="%", half=half, note=note,
                     numerator=numerator, denominator=denominator,
                     names=current.names, over=None if over is None else over.label,
                     over_topic=None if over is None else over.topic)
                pending = None
                continue
            if pending == "COMPLETE" and current is not None:
                k = _key(current)
                budget = ctx.last("fullBudget", k) if complete_kind == "全年" else ctx.last("budget", k)
                if budget is None and complete_kind is None:
                    budget = ctx.last("fullBudget", k)
                emit(current, s, e, "completion", value=value, unit="%", printed_unit="%", half=half, note=note,
                     budget_kind=complete_kind, budget=budget, final=ctx.last("final", k))
                pending = None
            continue
        if label == "COUNT":
            if current is None or not (clause_topic or pending == "AMOUNTCUE"):
                continue
            m = re.match(r"(\d+)\s*(.+)", text[s:e])
            emit(current, s, e, "count", value=Decimal(m.group(1)), unit=re.sub(r"\s", "", m.group(2)),
                 printed_unit=re.sub(r"\s", "", m.group(2)), half=Decimal(0))
            continue
    pos = len(text)
    close_clause()
    ctx.current = current
    return ctx.facts[first:]


# ---------------------------------------------------------------- spaCy adapters


def _mark(doc: Doc, spans: Iterable[tuple[int, int]], label: str) -> None:
    _add_ents(doc, spans, label)


@Language.factory("bk_percent", assigns=["doc.ents"])
def make_percent(nlp: Language, name: str):
    def bk_percent(doc: Doc) -> Doc:
        _mark(doc, find_percents(text_of(doc)), "PERCENT")
        return doc

    return bk_percent


@Language.factory("bk_bare_amount", assigns=["doc.ents"])
def make_bare_amount(nlp: Language, name: str):
    def bk_bare_amount(doc: Doc) -> Doc:
        _mark(doc, find_bare_amounts(text_of(doc)), "MONEY")
        return doc

    return bk_bare_amount


@Language.factory("bk_count", assigns=["doc.ents"])
def make_count(nlp: Language, name: str):
    def bk_count(doc: Doc) -> Doc:
        _mark(doc, find_counts(text_of(doc)), "COUNT")
        return doc

    return bk_count


@Language.factory("bk_date", assigns=["doc.ents"])
def make_date(nlp: Language, name: str):
    def bk_date(doc: Doc) -> Doc:
        found = list(find_dates(text_of(doc)))
        _mark(doc, ((s, e) for s, e, l in found if l == "ASOF"), "ASOF")
        _mark(doc, ((s, e) for s, e, l in found if l == "YEAR"), "YEAR")
        return doc

    return bk_date


@Language.factory("bk_topic", assigns=["doc.ents"])
def make_topic(nlp: Language, name: str):
    from kg import codelists

    wordings = codelists.labels("narrative-topic")
    wordings.pop("functional", None)
    classes = tuple(n for c, n in codelists.functional_codes().items() if len(c) == 3)

    def bk_topic(doc: Doc) -> Doc:
        found = find_topics(text_of(doc), wordings, classes)
        keys = {}
        for s, e, label, key in found:
            keys[(s, e)] = key
        for label in ("FUNC", "TOPIC"):
            _mark(doc, ((s, e) for s, e, l, _ in found if l == label), label)
        doc.user_data["topic_keys"] = keys
        return doc

    return bk_topic


@Language.factory("bk_cue", assigns=["doc.ents"])
def make_cue(nlp: Language, name: str):
    def bk_cue(doc: Doc) -> Doc:
        found = find_cues(text_of(doc))
        for label in sorted({l for _, _, l in found}):
            _mark(doc, ((s, e) for s, e, l in found if l == label), label)
        return doc

    return bk_cue


@Language.factory("bk_facts", assigns=["doc._.facts"], requires=["doc.ents"])
def make_facts(nlp: Language, name: str):
    def bk_facts(doc: Doc) -> Doc:
        keys = doc.user_data.get("topic_keys", {})
        ents = [(e.label_, e.start_char, e.end_char, keys.get((e.start_char, e.end_char), "")) for e in doc.ents]
        doc._.facts = assemble_facts(text_of(doc), ents, doc._.fact_context)
        return doc

    return bk_facts
