"""The administrative region a unit's name starts with (大同市云冈区, 上海市普陀区, 山西省)."""

from __future__ import annotations

import re

REGION = re.compile(
    r"^((?:[\u4e00-\u9fff]{2,7}?(?:省|自治区))?"
    r"(?:[\u4e00-\u9fff]{2,5}?(?:市|自治州|地区|盟))?"
    r"(?:[\u4e00-\u9fff]{1,5}?(?:区|县|旗))?)"
)
MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")


def region_of(name: str) -> str | None:
    """The administrative region a unit's name starts with.

    >>> region_of("大同市云冈区人民政府办公室"), region_of("大同市财政信息中心"), region_of("晋城市数据局")
    ('大同市云冈区', '大同市', '晋城市')
    >>> region_of("上海市普陀区财政局"), region_of("山西省财政厅"), region_of("中共上海市普陀区委社会工作部")
    ('上海市普陀区', '山西省', '上海市普陀区')
    """
    party = re.match(r"^(?:中共|中国共产党)(?=[\u4e00-\u9fff]{2,}?(?:省|自治区|市|自治州|地区|盟|区|县|旗))", name)
    if party:  # 中共上海市普陀区委社会工作部: the party committee of a region is of that region
        return region_of(name[party.end():])
    for m in MUNICIPALITIES:
        if name.startswith(m):
            rest = name[len(m):]
            d = re.match(r"^([\u4e00-\u9fff]{1,4}?(?:区|县))", rest)
            return m + (d.group(1) if d and not rest.startswith(("人民", "政府")) else "")
    m = REGION.match(name)
    region = m.group(1) if m else ""
    # the district part must not swallow an organ's words ("大同市人民政府…", "大同市政务服务中心")
    city = re.match(r"^.*?(?:省|自治区|市|自治州|地区|盟)", region)
    if city and re.search(r"人民|政府|政务|财政|信息|数据", region[city.end():]):
        region = city.group(0)
    return region or None
