"""指标值 → comparator, number and unit, or a qualitative target.

>>> t = parse_target("≥2759平方米"); (t.comparator, t.value, t.unit)
('≥', Decimal('2759'), '平方米')
>>> parse_target("≤256.3万元").amount_yuan
Decimal('2563000.0')
>>> t = parse_target("365次/年"); (t.comparator, t.value, t.unit)
(None, Decimal('365'), '次/年')
>>> parse_target("及时").quantitative
False
>>> parse_target("2025年全年").quantitative  # a date, not a quantity
False
>>> looks_like_value("≥98百分比"), looks_like_value("保障"), looks_like_value("有效减少"), looks_like_value("预算单位满意度")
(True, True, True, False)
>>> looks_like_value("好"), looks_like_value("设备完好")  # a truncated name is not a target
(True, False)
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from kg.model import Target
from kg.money import UNIT_FACTORS

COMPARATORS = {
    "≥": "≥", "≧": "≥", ">=": "≥", "＞=": "≥", "≥=": "≥", "不低于": "≥", "不少于": "≥", "大于等于": "≥",
    "≤": "≤", "≦": "≤", "<=": "≤", "＜=": "≤", "不高于": "≤", "不超过": "≤", "小于等于": "≤", "低于": "<",
    ">": ">", "＞": ">", "大于": ">", "<": "<", "＜": "<", "小于": "<", "=": "=", "＝": "=", "等于": "=",
}
_CMP = re.compile("^(" + "|".join(sorted(map(re.escape, COMPARATORS), key=len, reverse=True)) + r")\s*")
_NUM = re.compile(r"^(\d+(?:,\d{3})*(?:\.\d+)?)\s*")

# measure words and units a target is counted in (a unit is one or two of these, optionally "/X")
UNIT_WORDS = (
    "%", "‰", "百分比", "平方米", "立方米", "立方", "公里", "千米", "公斤", "千克", "小时", "分钟", "万元", "亿元",
    "个", "次", "台", "套", "条", "份", "本", "人", "天", "年", "月", "日", "周", "时", "分", "秒", "吨", "度",
    "部", "家", "项", "件", "层", "辆", "元", "米", "克", "户", "张", "册", "期", "篇", "场", "所", "栋", "间",
    "座", "床", "例", "名", "位", "批", "处", "组", "类", "门", "GB", "TB", "M", "G", "km", "m", "kg", "km²",
)
_UNIT = "(?:" + "|".join(sorted(map(re.escape, UNIT_WORDS), key=len, reverse=True)) + ")"
_UNIT_RE = re.compile(rf"^{_UNIT}{{1,2}}(?:/{_UNIT})?$")

# words a qualitative target is made of (及时, 保障, 良好提升, 当年全年保障 ...)
VALUE_WORDS = (
    "及时", "保障", "提高", "提升", "满意", "良好", "合理", "节约", "节省", "便捷", "促进", "提供", "降低", "缓解",
    "优化", "符合", "确保", "加强", "推动", "实现", "达标", "完成", "有效", "显著", "明显", "稳定", "正常", "足额",
    "安全", "准确", "规范", "改善", "增强", "达到", "合格", "到位", "畅通", "持续", "逐步", "按时", "全覆盖",
    "是", "否", "无", "有", "高", "好", "优", "优秀", "较好", "较高", "大幅", "基本", "全年",
    "减少", "增加", "增长", "下降", "上升", "缩短", "扩大", "加快", "完善", "健全", "巩固", "覆盖", "落实", "改进",
)
# a phrase may end with a word of two characters or more ("良好保障"); a single character counts only alone
_VALUE_END = re.compile("(" + "|".join(map(re.escape, (w for w in VALUE_WORDS if len(w) > 1))) + ")$")
_DATE_WORD = re.compile(r"\d|每|全年")
_MEASURED = re.compile(r"[率度性量数费]")  # a short name of what is measured (满意度), not a target
_DIGIT = re.compile(r"^\d")
_DATE_LIKE = re.compile(r"^(\d{4}年)?(\d{1,2}月)?(\d{1,2}日)?(全年|年底|底前|前|以前|之前|底|内|份)?$|^每(天|日|周|月|季度|季|年|半年)")


_HALF_WIDTH = str.maketrans("０１２３４５６７８９．，％", "0123456789.,%")


def normalise(text: str) -> str:
    return text.strip().translate(_HALF_WIDTH).replace(" ", "")


def parse_target(text: str) -> Target:
    """Parse one 指标值; a target without a number (or with an odd tail) stays qualitative."""
    t = normalise(text)
    comparator = None
    m = _CMP.match(t)
    if m:
        comparator = COMPARATORS[m.group(1)]
        t = t[m.end():]
    m = _NUM.match(t)
    if not m:
        return Target(text=text.strip(), comparator=comparator)
    rest = t[m.end():].strip()
    if rest and not _UNIT_RE.match(rest):
        return Target(text=text.strip(), comparator=comparator)
    value = Decimal(m.group(1).replace(",", ""))
    unit = rest or None
    amount = value * UNIT_FACTORS[unit] if unit in UNIT_FACTORS else None
    return Target(text=text.strip(), comparator=comparator, value=value, unit=unit, amount_yuan=amount)


@lru_cache(maxsize=16384)  # asked of every cell of every indicator grid; most recur
def looks_like_value(token: str, after_indicator: bool = False) -> bool:
    """Could this cell be a 指标值 (rather than an indicator name)?

    Strict on its own; ``after_indicator`` (the cell follows a 三级指标 name) also accepts
    short qualitative phrases such as "当年全年保障".
    """
    t = normalise(token)
    if not t:
        return False
    if _CMP.match(t) or parse_target(t).quantitative:
        return True
    if t.endswith("指标"):
        return False
    if _DATE_LIKE.match(t) and _DATE_WORD.search(t):
        return True
    if t in VALUE_WORDS or (len(t) <= 4 and _VALUE_END.search(t) and not _MEASURED.search(t)):
        return True
    return after_indicator and len(t) <= 6 and bool(_VALUE_END.search(t) or _DIGIT.match(t))
