"""Titles of cited documents: finding balanced 《…》 and normalising what is inside.

Titles are kept as written (inner 〈〉, quotes, （试行） stay); only the book-title marks and
whitespace that PDF extraction introduces are removed.

>>> normalize_title("《关于印发〈省直机关政务信息化系统运维项目预算编制规范和预算标准（试行）〉的通知》")
'关于印发〈省直机关政务信息化系统运维项目预算编制规范和预算标准（试行）〉的通知'
>>> [text[s:e] for text in ["按照《网络安全法》和《等级保护条例》"] for s, e in iter_titles(text)]
['《网络安全法》', '《等级保护条例》']
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["MAX_TITLE_CHARS", "iter_titles", "normalize_title"]

MAX_TITLE_CHARS = 300  # a 《 left open longer than this is a stray mark, not a title

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3001-\u303f\uff01-\uffef"
# a line break next to a CJK character is a PDF line wrap: it disappears
_WRAP = re.compile(f"(?<=[{_CJK}])\\s*[\\r\\n]\\s*|\\s*[\\r\\n]\\s*(?=[{_CJK}])")
_SPACES = re.compile(r"\s+")


def normalize_title(text: str) -> str:
    """The title inside ``text``: without the outer 《》 and surrounding whitespace.

    A line break next to a CJK character (a PDF line wrap) is removed; any other run of
    whitespace becomes one space (joint issuers are separated by a space in real titles).

    >>> normalize_title(" 《网络安全法》 ")
    '网络安全法'
    >>> normalize_title("《山西省财政厅关于\\n推进全省部门决算网络版系统建设的通知》")
    '山西省财政厅关于推进全省部门决算网络版系统建设的通知'
    >>> normalize_title("《中共大同市委  大同市人民政府关于进一步加强市政务大厅建设的意见》")
    '中共大同市委 大同市人民政府关于进一步加强市政务大厅建设的意见'
    >>> normalize_title("关于转发《政府购买服务管理办法》的通知")
    '关于转发《政府购买服务管理办法》的通知'
    """
    t = text.strip()
    if t.startswith("《") and t.endswith("》"):
        t = t[1:-1].strip()
    t = _WRAP.sub("", t)
    return _SPACES.sub(" ", t)


def iter_titles(text: str) -> Iterator[tuple[int, int]]:
    """Spans of the outermost balanced 《…》 in ``text``, brackets included.

    Nested 《》 belong to the outer title; a 》 without its 《 and a 《 never closed (before a tab,
    the end of the text or MAX_TITLE_CHARS) are stray marks and yield nothing.

    >>> list(iter_titles("《关于转发《政府购买服务管理办法》的通知》"))
    [(0, 21)]
    >>> list(iter_titles("及关于申请运维经费的请示》张强市长已批示"))
    []
    >>> list(iter_titles("《未闭合《网络安全法》"))
    [(4, 11)]
    """
    i, n = 0, len(text)
    while True:
        j = text.find("《", i)
        if j < 0:
            return
        depth, end = 0, None
        for k in range(j, min(n, j + MAX_TITLE_CHARS)):
            c = text[k]
            if c == "《":
                depth += 1
            elif c == "》":
                depth -= 1
                if depth == 0:
                    end = k + 1
                    break
            elif c == "\t":
                break
        if end is not None and text[j + 1 : end - 1].strip():
            yield j, end
            i = end
        else:
            i = j + 1
