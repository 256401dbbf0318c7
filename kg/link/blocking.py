"""Blocking keys for titles: the pairs worth comparing, never every pair.

Two titles are compared on their keys (:func:`kg.link.titles.title_key`) by difflib's ratio,
2·M / (|a| + |b|), where M counts the characters of the matching blocks. Those are characters the
two keys share, so M ≤ |A ∩ B|, A and B the keys as multisets of characters (the second 法 of a
title is the token 法#2). A pair scoring t or more therefore shares at least t·(|a| + |b|)/2
tokens, and since M ≤ min(|a|, |b|), at least α(a) = ⌈t·|a| / (2 − t)⌉ whatever the other
title's length.

Prefix filtering (Chaudhuri, Ganti & Kaushik 2006): put every token in one fixed order; if two
multisets share α tokens, the first |A| − α + 1 tokens of A and the first |B| − α + 1 of B share one.
So the blocking keys of a title are its first |a| − α(a) + 1 tokens, and every pair scoring t or
more shares a blocking key: blocking loses no pair the full comparison would link (a test checks
it against every pair of the seeds' titles and of generated near-misses).

The order only decides how large the blocks are, never what they find: characters common in
titles (``COMMON``, most common last) come last, so a title's keys are its rarest characters and a
block holds the few titles that share one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from itertools import combinations

# Characters frequent in policy titles, the most frequent first: they make poor keys and go last.
COMMON = (
    "的关于印发通知办法管理实施意见规定条例法省市人民政府工作方案暂行试行国家财政部门中央"
    "国务院办公厅委员会进一步加强做好推进全面深化改革建设发展服务规划制度细则指导标准体系项目"
    "公共安全信息网络数据政务系统经济社会综合完善开展落实保障支持促进提升健全机制若干措施行动"
    "计划纲要决定批复和与及等年度预算资金专项支出经费绩效评价考核监督检查机关单位事业行政审批"
    "政策法规律令号文件转发有关问题补充修订规范化局厅县区共和"
    "0123456789"
)
_RANK = {c: len(COMMON) - i for i, c in reversed(list(enumerate(COMMON)))}


def tokens(key: str) -> list[str]:
    """A key as a set of tokens: each character, numbered from its second occurrence (法, 法#2)."""
    seen: dict[str, int] = {}
    out = []
    for c in key:
        seen[c] = seen.get(c, 0) + 1
        out.append(c if seen[c] == 1 else f"{c}#{seen[c]}")
    return out


def _order(token: str) -> tuple[int, str]:
    return _RANK.get(token[0], 0), token


def prefix(key: str, threshold: float) -> set[str]:
    """The blocking keys of one title key: its first |a| − α + 1 tokens in the fixed order."""
    toks = sorted(tokens(key), key=_order)
    if not toks:
        return set()
    alpha = max(1, math.ceil(threshold * len(toks) / (2 - threshold) - 1e-9))
    return set(toks[: len(toks) - alpha + 1])


def candidate_pairs(keys: dict[str, Iterable[str]], threshold: float) -> set[tuple[str, str]]:
    """Pairs of nodes (a < b) that share a blocking key of one of their title keys."""
    blocks: dict[str, set[str]] = {}
    for node, ks in keys.items():
        for k in ks:
            for tok in prefix(k, threshold):
                blocks.setdefault(tok, set()).add(node)
    return {(a, b) for members in blocks.values() for a, b in combinations(sorted(members), 2)}
