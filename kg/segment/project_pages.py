"""Find the project description pages (项目经费情况说明) of the Shanghai layout.

Instead of a KPI table per project, a Shanghai department budget prints a page per major
project under the title "项目经费情况说明" (or "…项目情况说明"), with numbered parts
一、项目概况 二、立项依据 三、实施主体 四、实施方案 五、实施周期 六、年度预算安排 七、绩效目标.
A page runs from its title to the next such title, the next part (第X部分) or the end.
"""

from __future__ import annotations

import re

from kg.model import KpiBlock, Line
from kg.segment.lines import is_toc, text_of

TITLE = re.compile(r"^(?P<name>[^，。；]{0,40}?)项目(?:经费|资金)?(?:情况|支出)?说明$")
_PART = re.compile(r"^第[一二三四五六七八九十]+部分")


def is_page_title(line: Line) -> bool:
    t = text_of(line).replace(" ", "")
    return not line.noise and len(line.tokens) == 1 and bool(TITLE.match(t)) and not is_toc(line) and "编制" not in t


def find_project_pages(lines: list[Line]) -> list[KpiBlock]:
    """One block per project page, its title line first."""
    starts = [i for i, l in enumerate(lines) if is_page_title(l)]
    out = []
    for n, s in enumerate(starts, start=1):
        end = starts[n] if n < len(starts) else len(lines)
        stop = next((i for i in range(s + 1, end) if _PART.match(text_of(lines[i]))), end)
        out.append(KpiBlock(lines=lines[s:stop], index=n))
    return out
