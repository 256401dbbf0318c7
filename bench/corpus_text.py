"""The text of one generated disclosure (see :mod:`corpus`): our format, as ``data/sample/*.txt``.

A :class:`Doc` holds what a 单位预算 says — unit, year, basic spending by economic item, projects
with their KPI tables and citations — and :func:`render` writes it as the sample documents are
written (TAB-separated cells, empty cells kept, the thirteen tables in 万元, the narrative, one
项目支出绩效目标表 per project that has one, 其他说明, 名词解释). Every figure is derived here from
the items and projects, so the tables add up by construction: a functional parent is the sum of
its children, 合计 = 基本支出 + 项目支出, 人员经费 + 公用经费 = 基本支出, the unit row of the project
table = its project rows = the 项目支出 column, a KPI table's 年度资金总额 = its project row.

Money is held as integer hundredths of 万元 (100 yuan), printed "128.50" in tables and
"1,285,000" (yuan) in the KPI tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

# the 30 expenditure categories (类) of the summary tables, in printed order, with the 类 code of those we use
CATEGORIES = (
    "一般公共服务支出", "外交支出", "国防支出", "公共安全支出", "教育支出", "科学技术支出", "文化旅游体育与传媒支出",
    "社会保障和就业支出", "社会保险基金支出", "卫生健康支出", "节能环保支出", "城乡社区支出", "农林水支出", "交通运输支出",
    "资源勘探工业信息等支出", "商业服务业等支出", "金融支出", "援助其他地区支出", "自然资源海洋气象等支出", "住房保障支出",
    "粮油物资储备支出", "国有资本经营预算支出", "灾害防治及应急管理支出", "预备费", "其他支出", "转移性支出", "债务还本支出",
    "债务付息支出", "债务发行费用支出", "抗疫特别国债安排的支出",
)
NUMERALS = "一二三四五六七八九十"
CLASS_NAMES = {"201": "一般公共服务支出", "208": "社会保障和就业支出", "210": "卫生健康支出", "213": "农林水支出", "221": "住房保障支出"}

# functional families: (类, 款, 款 name, 事业运行 code, project code, project code name)
FAMILIES = {
    "office": ("201", "20103", "政府办公厅（室）及相关机构事务", "2010350", "2010399", "其他政府办公厅（室）及相关机构事务支出"),
    "finance": ("201", "20106", "财政事务", "2010650", "2010699", "其他财政事务支出"),
    "agri": ("213", "21301", "农业农村", "2130104", "2130199", "其他农业农村支出"),
}
# basic spending by person: functional code and name of the items that are not 事业运行
PERSON_CODES = {
    "退休费": ("208", "20805", "行政事业单位养老支出", "2080502", "事业单位离退休"),
    "机关事业单位基本养老保险缴费": ("208", "20805", "行政事业单位养老支出", "2080505", "机关事业单位基本养老保险缴费支出"),
    "职业年金缴费": ("208", "20805", "行政事业单位养老支出", "2080506", "机关事业单位职业年金缴费支出"),
    "职工基本医疗保险缴费": ("210", "21011", "行政事业单位医疗", "2101102", "事业单位医疗"),
    "住房公积金": ("221", "22102", "住房改革支出", "2210201", "住房公积金"),
}
# economic items: name → (group, 政府预算支出经济科目名称, 人员经费 or 公用经费)
WAGES = ("基本工资", "津贴补贴", "绩效工资", "机关事业单位基本养老保险缴费", "职业年金缴费", "职工基本医疗保险缴费",
         "其他社会保障缴费", "住房公积金")
GOODS = ("办公费", "印刷费", "水费", "电费", "邮电费", "差旅费", "维修（护）费", "培训费", "公务接待费", "工会经费", "福利费",
         "公务用车运行维护费", "其他商品和服务支出")
LEVEL2 = {  # 一级 → its 二级 in printed order
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
}
ATTRIBUTES = {"经常性": "经常性项目（长期开展）", "一次性": "一次性项目（1年结束）", "延续性": "延续性项目（阶段开展）"}


@dataclass
class Indicator:
    level2: str
    name: str
    target: str  # 年度
    period_target: str | None = None  # 实施期, when it differs


@dataclass
class Project:
    prefix: str  # Z, J, X, QT, XM or ""
    stem: str
    amount: int  # hundredths of 万元
    attribute: str = "经常性"  # a key of ATTRIBUTES
    years: int = 1  # 项目期 of a 延续性 project
    kpi: bool = True
    indicators: list[Indicator] = field(default_factory=list)
    basis: str = ""  # the 立项依据 cell
    overview: str = ""  # the 项目概况 cell
    measures: str = ""  # the 保证项目实施的制度、措施 cell
    province_share: int = 0  # percent of the money from 省级财政资金

    @property
    def name(self) -> str:
        return self.prefix + self.stem

    @property
    def yuan(self) -> int:
        return self.amount * 100


@dataclass
class Doc:
    file: str
    unit: str
    region: str
    department: tuple[str, str]  # (code, name)
    family: str  # a key of FAMILIES
    year: int
    basic: dict[str, int]  # economic item → hundredths of 万元 (WAGES, 退休费, GOODS)
    projects: list[Project]
    staff: int
    retirees: int
    previous_total: int  # last year's total, for the narrative
    other: list[str] = field(default_factory=list)  # lines of （一）政府购买服务指导性目录
    embedded: list[str] = field(default_factory=list)  # policy documents reproduced under （二）其他


def wan(c: int, blank: bool = True) -> str:
    """Hundredths of 万元 as printed in a table: 12850 → "128.50"; 0 → "" (an empty cell)."""
    if c == 0 and blank:
        return ""
    return f"{c // 100}.{c % 100:02d}"


def share(part: int, whole: int) -> str:
    """A percentage with two decimals, rounded half up."""
    return str((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)) if whole else "0.00"


def _functional(doc: Doc) -> dict[str, tuple[str, int, int]]:
    """Functional code → (name, 基本支出, 项目支出), every level, parents summed from their children."""
    cls, kuan, kuan_name, running, pcode, pname = FAMILIES[doc.family]
    b = doc.basic
    leaves: dict[str, tuple[str, int, int]] = {}
    own = sum(b.get(k, 0) for k in ("基本工资", "津贴补贴", "绩效工资", "其他社会保障缴费")) + sum(b.get(k, 0) for k in GOODS)
    leaves[running] = ("事业运行", own, 0)
    project_total = sum(p.amount for p in doc.projects)
    if project_total:
        leaves[pcode] = (pname, 0, project_total)
    parents: dict[str, str] = {cls: CLASS_NAMES[cls], kuan: kuan_name}
    for item, (c, k, kname, code, name) in PERSON_CODES.items():
        if b.get(item):
            leaves[code] = (name, b[item], 0)
            parents[c], parents[k] = CLASS_NAMES[c], kname
    out = dict(leaves)
    for code, name in parents.items():
        kids = [v for c, v in leaves.items() if c.startswith(code)]
        out[code] = (name, sum(v[1] for v in kids), sum(v[2] for v in kids))
    return dict(sorted(out.items()))


def render(doc: Doc) -> str:
    """The whole document as text."""
    f = _functional(doc)
    basic = sum(doc.basic.values())
    projects = sum(p.amount for p in doc.projects)
    total = basic + projects
    by_class = {c: v[1] + v[2] for c, v in f.items() if len(c) == 3}
    y = doc.year
    out = ["", "", doc.unit, f"{y}年度单位预算公开", "", "目 录", ""]
    out += _contents(y)
    out += _part_one(doc)
    out += [f"第二部分 {y}年单位预算报表", ""]
    out += _tables(doc, f, by_class, total, basic, projects)
    out += _narrative(doc, by_class, total, basic, projects)
    out += _kpi_tables(doc)
    out += _closing(doc)
    return "\n".join(out) + "\n"


def _contents(y: int) -> list[str]:
    titles = (
        "预算收支总表", "预算收入总表", "预算支出总表", "财政拨款收支总表", "一般公共预算支出预算表（不含上年结转）",
        "一般公共预算安排基本支出分经济科目表(不含上年结转)", "政府性基金预算收入表（不含上年结转）",
        "政府性基金预算支出表（不含上年结转）", "国有资本经营预算收支预算表（不含上年结转）", "财政拨款安排“三公”经费支出预算表",
        "财政拨款安排机关运行经费预算表", "项目支出预算表（本年预算）", "项目支出预算表（上年结转）",
    )
    nums = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三")
    out = ["第一部分 概况\t1", "一、本单位职责.....\t1", "二、机构设置情况.....\t1", f"第二部分 {y}年单位预算报表\t2"]
    out += [f"表{n}{y}年{t}.....\t{2 + i}" for i, (n, t) in enumerate(zip(nums, titles))]
    out += [f"第三部分 {y}年度单位预算情况说明\t15"]
    heads = ("单位预算收支数据变动情况及原因", "收入预算情况说明", "支出预算情况说明", "财政拨款收支预算总体情况说明",
             "一般公共预算支出情况说明", "一般公共预算基本支出情况说明", "“三公”经费增减变动原因说明", "机关运行经费增减变动原因说明",
             "政府采购情况", "绩效管理情况", "国有资产占有使用情况", "其他说明")
    out += [f"{nums[i]}、{h}.....\t{15 + i // 4}" for i, h in enumerate(heads)]
    out += ["（一）政府购买服务指导性目录.....\t18", "（二）其他.....\t18", "第四部分 名词解释.....\t19", ""]
    return out


def _part_one(doc: Doc) -> list[str]:
    return [
        "第一部分 概况", "", "一、本单位职责", "", f"{doc.unit}承担以下职责：", "",
        "（一）承担本单位职能范围内的业务工作，配合主管部门起草有关技术规范。", "",
        "（二）负责本单位业务系统和设施的运行维护，为有关部门和服务对象提供服务。", "",
        f"（三）完成{doc.department[1]}交办的其他事项。", "", "二、机构设置情况", "",
        f"1. 机构设置情况：{doc.unit}是{doc.department[1]}所属的事业单位。核定事业编制{doc.staff + 1}名，"
        f"现有在职人员{doc.staff}名，退休人员{doc.retirees}名。", "",
        f"2. 纳入本单位{doc.year}年预算编制范围的只有{doc.unit}本级，无下属单位。", "",
    ]


def _head(doc: Doc, title: str, caption: str | None = None) -> list[str]:
    return ([caption, ""] if caption else []) + [title, "", f"单位名称：{doc.unit}", "", "单位：万元", ""]


def cn(i: int) -> str:
    """A Chinese numeral, 1 to 99: 1 → 一, 12 → 十二, 20 → 二十, 23 → 二十三."""
    tens, ones = divmod(i, 10)
    head = "" if tens == 0 else "十" if tens == 1 else NUMERALS[tens - 1] + "十"
    return head + (NUMERALS[ones - 1] if ones else "")


def _summary_rows(by_class: dict[str, int]) -> list[tuple[str, str]]:
    """The 30 category rows of the two summary tables: (label, amount cell)."""
    names = {v: c for c, v in CLASS_NAMES.items()}
    return [(f"{cn(i)}、{cat}", wan(by_class.get(names.get(cat, ""), 0))) for i, cat in enumerate(CATEGORIES, start=1)]


def _tables(doc: Doc, f: dict, by_class: dict[str, int], total: int, basic: int, projects: int) -> list[str]:
    y, t = doc.year, wan(total)
    out = _head(doc, f"{y}年预算收支总表", "预算公开表1")
    out += ["收入\t\t支出\t\t\t", f"项目\t{y}年\t项目\t{y}年合计\t当年预算安排\t上年结转安排"]
    income = ["一、一般公共预算", "二、政府性基金预算", "三、国有资本经营预算", "四、财政专户管理资金", "五、单位资金"]
    for i, (label, v) in enumerate(_summary_rows(by_class)):
        left = [income[i], t if i == 0 else ""] if i < len(income) else ["", ""]
        out.append("\t".join(left + [label, v, v, ""]))
    out += [f"本年收入合计\t{t}\t本年支出合计\t{t}\t{t}\t", "上年结转\t\t年终结转\t\t\t", f"收入总计\t{t}\t支出总计\t{t}\t{t}\t", ""]

    out += _head(doc, f"{y}年预算收入总表")
    out += ["项目\t\t本年收入\t\t\t\t\t\t上年结转", "科目编码\t科目名称\t合计\t一般公共预算\t政府性基金预算\t国有资本经营预算\t财政专户管理资金\t单位资金\t"]
    out.append(f"合计\t\t{t}\t{t}\t\t\t\t\t")
    out += [f"{c}\t{name}\t{wan(b + p)}\t{wan(b + p)}\t\t\t\t\t" for c, (name, b, p) in f.items()]
    out.append("")
    for title in (f"{y}年预算支出总表", f"{y}年一般公共预算支出预算表（不含上年结转）"):
        out += _head(doc, title)
        out += [f"项目\t\t{y}年预算数\t\t", "科目编码\t科目名称\t合计\t基本支出\t项目支出"]
        out.append(f"合计\t\t{t}\t{wan(basic)}\t{wan(projects)}")
        out += [f"{c}\t{name}\t{wan(b + p)}\t{wan(b)}\t{wan(p)}" for c, (name, b, p) in f.items()]
        out.append("")
        if title.startswith(f"{y}年预算支出总表"):
            out += _fiscal_summary(doc, by_class, t)
    out += _economic(doc, basic)
    out += _empty_tables(doc)
    out += _three_public(doc)
    out += _projects_table(doc, projects)
    return out


def _fiscal_summary(doc: Doc, by_class: dict[str, int], t: str) -> list[str]:
    out = _head(doc, f"{doc.year}年财政拨款收支总表")
    out += ["收入\t\t支出\t\t\t\t", "项目\t金额\t项目\t金额\t\t\t", "\t\t\t小计\t一般公共预算\t政府性基金预算\t国有资本经营预算"]
    income = ["一、一般公共预算", "二、政府性基金预算", "三、国有资本经营预算"]
    for i, (label, v) in enumerate(_summary_rows(by_class)):
        left = [income[i], t if i == 0 else ""] if i < len(income) else ["", ""]
        out.append("\t".join(left + [label, v, v, "", ""]))
    out += [f"本年收入合计\t{t}\t本年支出合计\t{t}\t{t}\t\t", "上年财政拨款结转\t\t年终结转\t\t\t\t"]
    out += [f"{x}\t\t\t\t\t\t" for x in income]
    out += [f"收入总计\t{t}\t支出总计\t{t}\t{t}\t\t", ""]
    return out


def _economic(doc: Doc, basic: int) -> list[str]:
    b = doc.basic
    wages = sum(b.get(k, 0) for k in WAGES)
    goods = sum(b.get(k, 0) for k in GOODS)
    retire = b.get("退休费", 0)
    out = _head(doc, f"{doc.year}年一般公共预算安排基本支出分经济科目表(不含上年结转)")
    out += [f"部门预算支出经济科目名称\t政府预算支出经济科目名称\t{doc.year}年预算数", "\t\t合计\t人员经费\t公用经费"]
    out.append(f"合计\t\t{wan(basic)}\t{wan(wages + retire)}\t{wan(goods)}")
    out.append(f"工资福利支出\t\t{wan(wages)}\t{wan(wages)}\t")
    out += [f"{k}\t工资福利支出\t{wan(b[k])}\t{wan(b[k])}\t" for k in WAGES if b.get(k)]
    out.append(f"商品和服务支出\t\t{wan(goods)}\t\t{wan(goods)}")
    for k in GOODS:
        if b.get(k):
            gov = "公务用车运行维护费" if k == "公务用车运行维护费" else "商品和服务支出"
            out.append(f"{k}\t{gov}\t{wan(b[k])}\t\t{wan(b[k])}")
    if retire:
        out += [f"对个人和家庭的补助\t\t{wan(retire)}\t{wan(retire)}\t", f"退休费\t离退休费\t{wan(retire)}\t{wan(retire)}\t"]
    return out + [""]


def _empty_tables(doc: Doc) -> list[str]:
    y = doc.year
    out = _head(doc, f"{y}年政府性基金预算收入表（不含上年结转）")
    out += ["项目\t\t政府性基金收入预算", "收入科目编码\t科目名称\t", "合计\t\t", "", "注：本表无数据", ""]
    out += _head(doc, f"{y}年政府性基金预算支出表（不含上年结转）")
    out += ["科目编码\t科目名称\t合计\t基本支出\t项目支出", "合计\t\t\t\t", "", "注：本表无数据", ""]
    out += _head(doc, f"{y}年国有资本经营预算收支预算表（不含上年结转）")
    out += ["国有资本经营预算收入\t\t国有资本经营预算支出\t\t\t\t\t",
            "项目\t\t收入预算\t科目编码\t科目名称\t合计\t基本支出\t项目支出",
            "收入科目编码\t科目名称\t\t\t\t\t\t", "合计\t\t\t\t\t\t\t", "", "注：本表无数据", ""]
    return out


def _three_public(doc: Doc) -> list[str]:
    y, b = doc.year, doc.basic
    host, car = b.get("公务接待费", 0), b.get("公务用车运行维护费", 0)
    out = _head(doc, f"{y}年财政拨款安排“三公”经费支出预算表", "预算公开表10")
    out += [f"项目\t{y}年预算数\t\t\t", "\t合计\t一般公共预算\t政府性基金预算\t国有资本经营预算", "因公出国（境）费\t\t\t\t"]
    out += [f"公务接待费\t{wan(host)}\t{wan(host)}\t\t", f"公务用车购置及运行费\t{wan(car)}\t{wan(car)}\t\t",
            "①公务用车购置费\t\t\t\t", f"②公务用车运行维护费\t{wan(car)}\t{wan(car)}\t\t",
            f"合计\t{wan(host + car)}\t{wan(host + car)}\t\t", ""]
    goods = sum(b.get(k, 0) for k in GOODS)
    out += _head(doc, f"{y}年财政拨款安排机关运行经费预算表")
    out += [f"单位名称\t{y}预算数\t\t\t", "\t合计\t一般公共预算\t政府性基金预算\t国有资本经营预算",
            f"部门合计\t{wan(goods)}\t{wan(goods)}\t\t", f"{doc.unit}\t{wan(goods)}\t{wan(goods)}\t\t", ""]
    return out


def _projects_table(doc: Doc, projects: int) -> list[str]:
    y = doc.year
    out = _head(doc, f"{y}年项目支出预算表（本年预算）")
    out += [f"项目名称\t合计\t{y}年财政拨款\t\t\t财政专户管理资金\t单位资金",
            "\t\t一般公共预算\t政府性基金预算\t国有资本经营预算\t\t", "1\t2\t3\t4\t5\t6\t7"]
    if doc.projects:
        out.append(f"{doc.unit}\t{wan(projects)}\t{wan(projects)}\t\t\t\t")
        out += [f"{p.name}\t{wan(p.amount)}\t{wan(p.amount)}\t\t\t\t" for p in doc.projects]
        out.append("")
    else:
        out += ["", "注：本表无数据", ""]
    out += _head(doc, f"{y}年项目支出预算表（上年结转）")
    out += [f"项目名称\t合计\t{y}年财政拨款\t\t", "\t\t一般公共预算\t政府性基金预算\t国有资本经营预算", "1\t2\t3\t4\t5",
            "", "注：本表无数据", "", " "]
    return out


def _change(total: int, previous: int) -> str:
    diff = total - previous
    if diff == 0:
        return "与上年持平"
    word, rate = ("增加", "增幅") if diff > 0 else ("减少", "降幅")
    return f"{word}{wan(abs(diff), blank=False)}万元，{rate}{share(abs(diff), previous)}%"


def _narrative(doc: Doc, by_class: dict[str, int], total: int, basic: int, projects: int) -> list[str]:
    y, b, t = doc.year, doc.basic, wan(total, blank=False)
    goods = sum(b.get(k, 0) for k in GOODS)
    people = basic - goods
    host, car = b.get("公务接待费", 0), b.get("公务用车运行维护费", 0)
    change = _change(total, doc.previous_total)
    classes = [(CLASS_NAMES[c], v) for c, v in sorted(by_class.items())]
    services = sum(p.amount for p in doc.projects if "服务" in p.stem or "运维" in p.stem)
    kpis = [p for p in doc.projects if p.kpi]
    kpi_money = sum(p.amount for p in kpis)
    out = [f"第三部分 {y}年度单位预算情况说明", "", "一、单位预算收支数据变动情况及原因", "",
           f"{doc.unit}{y}年度收入预算合计{t}万元，全部为本年收入，无上年结转资金；与{y - 1}年相比{change}。"
           f"{y}年度支出预算合计{t}万元，全部为本年预算安排，增减情况与收入一致。", "",
           "二、收入预算情况说明", "",
           f"本年收入预算{t}万元，均为一般公共预算拨款收入，占收入预算的100.00%；其他各类收入均为0万元。", "",
           "三、支出预算情况说明", "",
           f"本年支出预算{t}万元，其中：基本支出{wan(basic, False)}万元，占{share(basic, total)}%；"
           f"项目支出{wan(projects, False)}万元，占{share(projects, total)}%。", "",
           "四、财政拨款收支预算总体情况说明", "",
           f"{y}年度本单位财政拨款收入和支出预算均为{t}万元，全部来自一般公共预算。按功能分类，财政拨款支出包括："
           + "、".join(f"{n}{wan(v, False)}万元" for n, v in classes) + "。", "",
           "五、一般公共预算支出情况说明", "", "(一) 一般公共预算当年支出规模变化情况", "",
           f"本单位{y}年一般公共预算当年支出{t}万元，较{y - 1}年{change}。", "",
           "(二) 一般公共预算当年支出结构情况", "",
           "按功能分类，一般公共预算当年支出的构成是：" + "；".join(f"{n}{wan(v, False)}万元，占{share(v, total)}%" for n, v in classes) + "。", "",
           "六、一般公共预算基本支出情况说明", "", f"{y}年本单位一般公共预算安排基本支出{wan(basic, False)}万元，分为两部分：", "",
           f"人员经费{wan(people, False)}万元，用于基本工资、津贴补贴、绩效工资、社会保险缴费、住房公积金以及退休费；", "",
           f"公用经费{wan(goods, False)}万元，用于办公、印刷、水电、邮电、差旅、维修（护）、培训、公务接待、工会、福利和公务用车运行维护等开支。", "",
           "七、“三公”经费增减变动原因说明", "",
           f"{y}年本单位财政拨款安排“三公”经费预算{wan(host + car, False)}万元。分项看：因公出国（境）费0万元；"
           f"公务接待费{wan(host, False)}万元；公务用车购置费0万元；公务用车运行维护费{wan(car, False)}万元。", "",
           "八、机关运行经费增减变动原因说明", "",
           f"{y}年本单位机关运行经费财政拨款预算{wan(goods, False)}万元，主要用于保障机构正常运转。", "",
           "九、政府采购情况", "",
           f"{y}年本单位安排政府采购预算{wan(services + b.get('办公费', 0), False)}万元，其中：货物类{wan(b.get('办公费', 0), False)}万元，"
           f"工程类0万元，服务类{wan(services, False)}万元。", "",
           "十、绩效管理情况", "", "1、整体绩效目标", "", f"本单位{y}年编报了单位整体绩效目标，涉及资金{t}万元。", "",
           "2、项目绩效目标", ""]
    if kpis:
        out += [f"{y}年本单位编报绩效目标的项目共{len(kpis)}个，涉及项目预算资金{wan(kpi_money, False)}万元，"
                f"占项目支出总额的{share(kpi_money, projects)}%。", "", "（各项目绩效目标表附后）", ""]
    else:
        out += [f"{y}年本单位未编报项目绩效目标。", ""]
    return out


def _money_rows(p: Project) -> list[str]:
    annual = p.yuan
    period = annual * (p.years if p.attribute == "延续性" else 1)
    prov_a = annual * p.province_share // 100 // 100 * 100
    prov_p = prov_a * (period // annual)

    def row(label_a: str, a: int | str, label_b: str, b: int | str) -> str:
        fa = f"{a:,}" if isinstance(a, int) else a
        fb = f"{b:,}" if isinstance(b, int) else b
        return f"\t\t{label_a}\t\t{fa}\t{label_b}\t\t{fb}"

    return [
        f"项目资金（元）\t\t实施期资金总额：\t\t{period:,}\t年度资金总额：\t\t{annual:,}",
        row("其中：中央财政资金", 0, "其中：中央财政资金", 0),
        row("省级财政资金", prov_p, "省级财政资金", prov_a),
        row("市县（区）财政资金", period - prov_p, "市县（区）财政资金", annual - prov_a),
        row("单位自筹", 0, "单位自筹", 0),
        row("其他资金", "", "其他资金", ""),
    ]


def _indicator_rows(p: Project) -> list[str]:
    out = ["绩效指标\t\t一级指标\t二级指标\t三级指标\t指标值\t二级指标\t三级指标\t指标值"]
    for l1, l2s in LEVEL2.items():
        first1 = True
        for l2 in l2s:
            items = [i for i in p.indicators if i.level2 == l2]
            if not items:
                out.append(f"\t\t{l1 if first1 else ''}\t{l2}\t\t\t{l2}\t\t")
                first1 = False
                continue
            for k, i in enumerate(items):
                a, b = (l1 if first1 else ""), (l2 if k == 0 else "")
                out.append(f"\t\t{a}\t{b}\t{i.name}\t{i.period_target or i.target}\t{b}\t{i.name}\t{i.target}")
                first1 = False
    return out


def _kpi_tables(doc: Doc) -> list[str]:
    out = []
    region = doc.region
    for n, p in enumerate(q for q in doc.projects if q.kpi):
        period = f"{p.years}年" if p.attribute == "延续性" else "1年" if p.attribute == "一次性" else "99年"
        out += [f"{region}市级预算部门（单位）项目支出绩效目标表", "", f"({doc.year}年度)", "",
                f"项目名称\t\t{p.name}\t\t\t\t\t",
                f"主管部门及代码\t\t{doc.department[0]}-{doc.department[1]}[部门]\t\t实施单位\t\t{doc.unit}\t",
                f"项目属性\t\t{ATTRIBUTES[p.attribute]}\t\t项目期\t\t{period}\t"]
        out += _money_rows(p)
        out += [f"项目概况\t\t{p.overview}\t\t\t\t\t", f"立项依据\t\t{p.basis}\t\t\t\t\t",
                f"项目设立必要性\t\t{p.stem.rstrip('费')}是本单位履行职责的必要保障，需持续安排资金。\t\t\t\t\t",
                f"保证项目实施的制度、措施\t\t{p.measures}\t\t\t\t\t",
                "项目实施计划\t\t年初制定实施方案，按季度推进，年底组织验收并据此结算。\t\t\t\t\t",
                "实施期目标\t\t\t\t年度目标\t\t\t",
                f"总体目标\t\t保障{p.stem.rstrip('费')}相关工作按期完成，服务质量稳步提高。\t\t\t\t"
                f"{doc.year}年按计划完成{p.stem.rstrip('费')}相关工作。\t"]
        out += _indicator_rows(p)
        out += [f"负责人：\t\t经办人：\t张示例\t联系电话：\t13800000000\t填报日期：\t{doc.year - 1}1216{n % 24:02d}3015", ""]
    return out


def _closing(doc: Doc) -> list[str]:
    y = doc.year
    out = ["十一、国有资产占有使用情况", "", "1、车辆情况：", "",
           f"截至{y - 1}年12月31日，本单位公务用车编制1辆，实有1辆，为其他公务用车。", "", "2、房屋情况：", "",
           f"截至{y - 1}年12月31日，本单位使用的办公用房建筑面积{300 + 20 * doc.staff}.00平方米。", "",
           "十二、其他说明", "", "（一）政府购买服务指导性目录", ""]
    out += doc.other or ["无", ""]
    out += ["（二）其他", ""]
    out += doc.embedded or ["无", ""]
    out += ["第四部分 名词解释", "", "一、基本支出：单位为维持机构日常运转而安排的支出，由人员经费和公用经费两部分组成。", "",
            "二、项目支出：单位在基本支出以外，为完成特定工作任务或实现事业发展目标而安排的支出。", ""]
    return out
