"""A synthetic province of budget disclosures for the scale benchmark (``bench/scale.py``).

    from corpus import generate            # with bench/ on sys.path
    for truth in generate(100, folder, seed=0):   # writes folder/gen-00000_….txt, one at a time
        ...                                   # truth: the projects, amounts and citations it wrote

Documents are 单位预算 in our text format (the format and wording of ``data/sample/*.txt``, rendered
by :mod:`corpus_text`; no text of the real documents). Units recur over several years with mostly
the same projects, so the link stage finds predecessors; projects cite policy numbers drawn from one
shared pool with a Zipf law, so a few policies are cited by hundreds of projects and most by one or
two; one document in :data:`CHAIN_EVERY` reproduces a forwarding notice and the notice it forwards
(which rests on two more policies), so citation chains exist. Everything is deterministic from
``seed``; nothing is held in memory but the unit being written.

Measured on the real documents (``$KG_SHARED/seeds``: five Shanxi 单位/部门预算 in text, 2023–2025;
``$KG_SHARED/pdfs``: five Shanghai disclosures, of which only one lists a project, and the blank
template), read with ``kg.pipeline.extract_file``:

- projects per document: 10, 12, 14, 16, 28 (seeds; mean 16); Shanghai 0, 0, 0, 0, 1 (决算 and
  budgets that print no project table) → :data:`PROJECTS`, resampled with ±2 jitter;
- share of projects with a 绩效目标表: 10/10, 10/12, 14/16, 5/14, 7/28 (46 of 80) → :data:`KPI_SHARE`,
  one figure drawn per unit;
- indicators per KPI table (47 tables): median 6, mean 8.3, max 30; four tables give 0 (seed 002's
  OCR loses them, Shanghai's project page has none) and are left out → :data:`INDICATORS`;
- 立项依据 citations per project with a table: 0 ×14, 1 ×14, 2 ×10, 3 ×6, 5, 8, 8 (mean 1.55)
  → :data:`BASIS`; of the 73 citations, 37 carry a document number, 36 only a title (laws, titled
  documents, contracts) → :data:`DOCNO_SHARE`; share of projects citing a document number: 22 of 47
  (0.47); of all projects: 21 of 81;
- mentions outside 立项依据 per document: 35, 10, 12, 1, 0 (项目概况, 保证项目实施的制度、措施, 其他说明)
  → one 项目概况 number in :data:`OVERVIEW_SHARE` of the tables, one rule title in 保证措施 in
  :data:`MEASURES_SHARE`, and the 政府购买服务目录 notice in 其他说明 of every document;
- units citing the same policy: of the 61 policies the seeds cite in 立项依据, 60 are cited by one
  unit, one (网络安全法) by two. Five units cannot show a tail: the Zipf exponent :data:`ZIPF` = 1.0
  and the pool size :data:`pool_size` are our choice, not a measurement;
- years per unit: every real document is a different unit (years 2023–2026), so this cannot be
  measured; :data:`YEARS` (1–5 years, mean 3.4) is our choice. From one year to the next 90% of
  recurring (经常性) projects continue, 5% of them renamed slightly (运维费 → 运维服务费), amounts ±15%.
"""

from __future__ import annotations

import math
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_text import GOODS, WAGES, Doc, Indicator, Project, render  # noqa: E402

PROJECTS = (10, 12, 14, 16, 28)
KPI_SHARE = (1.0, 10 / 12, 14 / 16, 5 / 14, 7 / 28)
INDICATORS = (3, 3, 5, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 7, 7, 7, 7, 7, 8, 10, 10,
              10, 12, 12, 13, 14, 14, 16, 16, 24, 29, 30)
BASIS = (0,) * 14 + (1,) * 14 + (2,) * 10 + (3,) * 6 + (5, 8, 8)
DOCNO_SHARE = 37 / 73
OVERVIEW_SHARE = 0.2
MEASURES_SHARE = 0.25
ZIPF = 1.0
YEARS = (1, 2, 3, 3, 4, 4, 5, 5)
CHAIN_EVERY = 40  # documents; the first is the 6th


def pool_size(n: int) -> int:
    """Policies with a number in the pool for a corpus of ``n`` documents."""
    return 50 + 2 * n


CITIES = ("示范市示", "样本市样", "范例市例", "模拟市拟", "参照市参", "标准市标", "典型市典", "试点市试", "样板市板", "规范市规",
          "演示市演", "虚构市虚", "假设市假", "测试市测", "仿真市仿", "案例市案", "原型市原", "蓝本市蓝", "预演市预", "沙盘市沙")
DISTRICTS = ("", "城关区", "新城区", "北湖区", "南山区", "东岸区", "西河区", "高新区", "临江县", "青石县", "白沙县")
DOMAINS = (  # unit, supervising department, functional family
    ("数据服务中心", "人民政府办公室", "office"), ("政务服务中心", "政务服务管理局", "office"),
    ("电子政务中心", "人民政府办公室", "office"), ("机关事务服务中心", "机关事务管理局", "office"),
    ("档案馆", "人民政府办公室", "office"), ("信访接待中心", "信访局", "office"), ("接待服务中心", "人民政府办公室", "office"),
    ("财政信息中心", "财政局", "finance"), ("预算评审中心", "财政局", "finance"), ("国库支付中心", "财政局", "finance"),
    ("非税收入管理中心", "财政局", "finance"), ("政府采购中心", "财政局", "finance"),
    ("农业技术推广中心", "农业农村局", "agri"), ("动物疫病预防控制中心", "农业农村局", "agri"),
    ("农产品质量安全检测站", "农业农村局", "agri"), ("种子管理站", "农业农村局", "agri"), ("农业综合执法队", "农业农村局", "agri"),
    ("土壤肥料工作站", "农业农村局", "agri"), ("植物保护站", "农业农村局", "agri"), ("农村经济经营管理站", "农业农村局", "agri"),
)
DEPT_CODES = {"人民政府办公室": "001", "政务服务管理局": "023", "机关事务管理局": "005", "信访局": "008", "财政局": "011",
              "农业农村局": "031"}
TOPICS = ("政务数据共享平台", "数据中心机房", "办公楼物业", "档案数字化", "网络安全等级保护", "电子政务外网", "业务系统", "视频会议系统",
          "政务服务大厅", "热线服务", "信息化设备", "机关食堂", "安全生产检查", "农业技术培训", "动物防疫", "农田水利设施", "文化惠民演出",
          "图书资料", "人才招聘", "就业技能培训", "统计调查", "政策宣传", "法律顾问", "内部审计", "党建工作", "信访接待", "应急演练",
          "消防设施", "机要保密", "财政票据", "预算绩效评价", "国库集中支付系统", "非税收入管理系统", "资产清查", "土壤检测",
          "种子质量检测", "农产品质量安全监测", "病虫害防治", "河道巡查", "政府采购平台", "公务用车", "办公设备", "门户网站",
          "数据安全监测", "电子证照", "专家评审", "会计核算", "票据电子化", "农机推广", "村级财务监管")
ACTIVITIES = ("运维费", "运行维护经费", "专项经费", "工作经费", "建设经费", "维修费", "购置费", "租赁费", "保障经费", "补助经费",
              "服务费", "管理费")
PREFIXES = ("Z", "Z", "Z", "Z", "J", "J", "X", "QT", "XM", "")
POLICY_VERBS = ("加强", "规范", "推进", "做好", "完善", "深化")
POLICY_ASPECTS = ("管理", "工作", "保障")
POLICY_KINDS = ("通知", "意见", "实施办法", "管理办法")
TITLED = ("政务信息系统运维管理办法", "政府购买服务管理办法", "预算项目库管理办法", "信息化项目建设管理办法", "农业技术推广管理办法",
          "公共数据管理办法", "机关运行保障标准", "项目支出绩效评价办法")
LAWS = ("中华人民共和国网络安全法", "中华人民共和国数据安全法", "中华人民共和国预算法", "中华人民共和国政府采购法",
        "中华人民共和国个人信息保护法", "中华人民共和国会计法", "中华人民共和国政府信息公开条例")
INDICATOR_NAMES = {
    "数量指标": [(f"{a}{b}", u) for a in ("服务", "巡检", "培训", "检测", "维护", "宣传", "采购", "处理")
                 for b, u in (("次数", "次"), ("天数", "天"), ("人次", "人次"), ("单位数", "个"), ("项目数", "项"))],
    "质量指标": [(n, "%") for n in ("服务质量达标率", "设备完好率", "验收合格率", "数据准确率", "故障修复率", "检测准确率")],
    "时效指标": [("故障响应时间", "≤2小时"), ("任务完成时间", "12月底前"), ("问题处置", "及时"), ("资金支付", "按时")],
    "经济效益指标": [("运行成本节约", "有效节约"), ("采购费用", "降低")],
    "社会效益指标": [("服务保障能力", "有效提升"), ("群众办事便利度", "提高"), ("工作规范化水平", "提升"), ("社会影响", "良好")],
    "生态效益指标": [("节能降耗", "有效")],
    "可持续影响指标": [("长效运行机制", "建立健全"), ("持续发挥作用", "持续")],
    "服务对象满意度指标": [("服务对象满意度", "≥95%"), ("使用单位满意度", "≥90%"), ("群众满意度", "≥90%")],
}
# where the indicators beyond one cost and one satisfaction indicator go
SPREAD = ("数量指标",) * 8 + ("质量指标",) * 3 + ("时效指标",) * 3 + ("社会效益指标",) * 3 + ("经济效益指标", "可持续影响指标", "生态效益指标")


# ---------------------------------------------------------------- the policy pool

PROVINCE = (("范政发", "示范省人民政府"), ("范政办发", "示范省人民政府办公厅"), ("范财预", "示范省财政厅"), ("范财综", "示范省财政厅"),
            ("范发改投", "示范省发展和改革委员会"), ("范农发", "示范省农业农村厅"), ("范数政办", "示范省数字政府建设办公室"))
CITY_CODES = (("政发", "人民政府"), ("政办发", "人民政府办公室"), ("财预", "财政局"), ("财综", "财政局"), ("农发", "农业农村局"))
CODES = PROVINCE + tuple((c[-1] + code, c[:-1] + organ) for c in CITIES for code, organ in CITY_CODES)


@dataclass(frozen=True)
class Policy:
    rank: int
    code: str
    year: int
    serial: int
    organ: str
    title: str

    @property
    def docno(self) -> str:
        """The canonical number (GB/T 9704), as kg.policy.docno writes it."""
        return f"{self.code}〔{self.year}〕{self.serial}号"

    def spelled(self, rng: random.Random) -> str:
        """The number as a document prints it: 〔〕 mostly, or 【】 [] （）, now and then with 第."""
        y, s = self.year, self.serial
        return rng.choice((f"〔{y}〕{s}号",) * 5 + (f"【{y}】{s}号", f"[{y}]{s}号", f"（{y}）{s}号", f"【{y}】第{s}号"))

    def printed(self, rng: random.Random) -> tuple[str, str | None]:
        """How a 立项依据 cites it, and the title printed with it (or None)."""
        no = self.code + self.spelled(rng)
        form = rng.random()
        if form < 0.3:
            return f"{self.organ}《{self.title}》（{no}）", self.title
        if form < 0.6:
            return f"《{self.title}》（{no}）", self.title
        return no, None


def policy(rank: int, seed: int) -> Policy:
    """The pool's policy of this rank: every (code, year, serial) once; the first ranks are the province's."""
    c = len(CODES)
    code, organ = CODES[rank % c]
    rng = random.Random(seed * 1_000_003 + rank)
    title = f"关于{rng.choice(POLICY_VERBS)}{rng.choice(TOPICS)}{rng.choice(POLICY_ASPECTS)}的{rng.choice(POLICY_KINDS)}"
    return Policy(rank, code, 2010 + (rank // c) % 10, rank // (c * 10) + 1, organ, title)


class Zipf:
    """Ranks 0…size-1 drawn with probability ∝ 1 / (rank + 1) ** s."""

    def __init__(self, size: int, s: float = ZIPF):
        total, self.cum = 0.0, []
        for k in range(size):
            total += 1.0 / (k + 1) ** s
            self.cum.append(total)

    def draw(self, rng: random.Random) -> int:
        import bisect

        return min(bisect.bisect_left(self.cum, rng.random() * self.cum[-1]), len(self.cum) - 1)


# ---------------------------------------------------------------- what the generator wrote

@dataclass
class Truth:
    """What one generated document says, for checking what the pipeline reads back."""

    file: str
    unit: str
    year: int
    projects: list[tuple[str, int]]  # (name, yuan), in table order
    indicators: dict[str, int]  # project name → indicators of its KPI table
    citations: list[tuple[str | None, str, str | None, str | None]]  # (project or None, section, docno, title)
    basis_ranks: list[list[int]] = field(default_factory=list)  # pool ranks each KPI project's 立项依据 cites
    chain: tuple[str, ...] = ()  # (forwarder, forwarded, based-on …) numbers, when it reproduces them


@dataclass
class _Planned:
    """A project of a unit, as it lives across years."""

    topic: str
    activity: str
    prefix: str
    amount: int
    attribute: str
    years: int
    kpi: bool
    indicators: list[tuple[str, str, str]]  # (二级, name, target); the cost target is the budget
    basis: list[tuple[str, object]]  # ("docno", rank) | ("law", title) | ("titled", title) | ("contract", title)
    overview_rank: int | None
    measures: bool
    province_share: int
    age: int = 0

    @property
    def stem(self) -> str:
        return self.topic + self.activity


@dataclass
class _Unit:
    name: str
    city: str
    code: str  # the city's one-character issuer code
    department: tuple[str, str]
    family: str
    staff: int
    retirees: int
    kpi_share: float
    size: int  # projects a year, about


def _units(seed: int) -> Iterator[_Unit]:
    rng = random.Random(seed)
    combos = [(c, d, m) for c in range(len(CITIES)) for d in range(len(DISTRICTS)) for m in range(len(DOMAINS))]
    rng.shuffle(combos)
    for c, d, m in combos:
        city, code = CITIES[c][:-1], CITIES[c][-1]
        region = city + DISTRICTS[d]
        unit, dept, family = DOMAINS[m]
        staff = rng.randint(8, 60)
        yield _Unit(
            name=region + unit, city=city, code=code, department=(DEPT_CODES[dept], region + dept), family=family,
            staff=staff, retirees=rng.randint(0, staff // 3), kpi_share=rng.choice(KPI_SHARE),
            size=max(1, rng.choice(PROJECTS) + rng.randint(-2, 2)),
        )
    raise ValueError(f"the generator has names for {len(combos)} units only")


def _indicators(rng: random.Random, n: int) -> list[tuple[str, str, str]]:
    counts = {"成本指标": 1, "服务对象满意度指标": 1}
    for _ in range(max(0, n - 2)):
        l2 = rng.choice(SPREAD)
        if counts.get(l2, 0) >= len(INDICATOR_NAMES[l2]):
            l2 = "数量指标"
        counts[l2] = counts.get(l2, 0) + 1
    out = []
    for l2, k in counts.items():
        if l2 == "成本指标":
            out.append((l2, "", "cost"))
            continue
        for name, unit in rng.sample(INDICATOR_NAMES[l2], k):
            if l2 == "数量指标":
                target = f"≥{rng.randint(2, 400)}{unit}"
            elif l2 == "质量指标":
                target = f"≥{rng.choice((90, 95, 98, 100))}%"
            else:
                target = unit
            out.append((l2, name, target))
    return out


def _new_project(rng: random.Random, unit: _Unit, taken: set[str], pool: Zipf, titled: Zipf) -> _Planned:
    while True:
        topic, activity = rng.choice(TOPICS), rng.choice(ACTIVITIES)
        if topic + activity not in taken:
            break
    attribute = rng.choices(("经常性", "一次性", "延续性"), (6, 2, 2))[0]
    kpi = rng.random() < unit.kpi_share
    basis: list[tuple[str, object]] = []
    for _ in range(rng.choice(BASIS) if kpi else 0):
        if rng.random() < DOCNO_SHARE:
            item = ("docno", pool.draw(rng))
        else:
            kind = rng.choices(("law", "titled", "contract"), (4, 4, 2))[0]
            title = (rng.choice(LAWS) if kind == "law" else
                     ("示范省" if rng.random() < 0.5 else unit.city) + TITLED[titled.draw(rng)] if kind == "titled" else
                     f"{topic}服务合同")
            item = (kind, title)
        if item not in basis:
            basis.append(item)
    wan = math.exp(rng.gauss(math.log(40), 1.2))  # 万元: median 40, most between 4 and 400
    return _Planned(
        topic=topic, activity=activity, prefix=rng.choice(PREFIXES), amount=max(50, min(300000, round(wan * 100))),
        attribute=attribute, years=rng.choice((2, 3)), kpi=kpi,
        indicators=_indicators(rng, rng.choice(INDICATORS)) if kpi else [],
        basis=basis, overview_rank=pool.draw(rng) if kpi and rng.random() < OVERVIEW_SHARE else None,
        measures=kpi and rng.random() < MEASURES_SHARE, province_share=rng.choice((0, 0, 0, 20, 30)),
    )


def _next_year(rng: random.Random, projects: list[_Planned]) -> list[_Planned]:
    kept = []
    for p in projects:
        p.age += 1
        if p.attribute == "一次性" or (p.attribute == "延续性" and p.age >= p.years) or rng.random() > 0.9:
            continue
        p.amount = max(50, round(p.amount * rng.uniform(0.85, 1.15)))
        if rng.random() < 0.05 and p.activity.endswith("费") and "服务" not in p.activity:
            p.activity = p.activity[:-1] + "服务费"  # a slight rename: 运维费 → 运维服务费
        kept.append(p)
    return kept


def _basic(rng: random.Random, unit: _Unit) -> dict[str, int]:
    """Basic spending by economic item, hundredths of 万元 (a year's pay per head, about)."""
    s = unit.staff
    per_head = {"基本工资": 340, "津贴补贴": 90, "绩效工资": 250, "机关事业单位基本养老保险缴费": 110, "职业年金缴费": 10,
                "职工基本医疗保险缴费": 55, "其他社会保障缴费": 7, "住房公积金": 82}
    out = {k: round(s * v * rng.uniform(0.9, 1.1)) for k, v in per_head.items()}
    out.update({k: rng.randint(5, 40) * max(1, s // 10) for k in GOODS})
    if unit.retirees:
        out["退休费"] = round(unit.retirees * 280 * rng.uniform(0.9, 1.1))
    assert set(out) <= set(WAGES) | set(GOODS) | {"退休费"}
    return out


def _cite(p: _Planned, rng: random.Random, seed: int) -> tuple[str, list[tuple[str | None, str | None]], list[int]]:
    """The 立项依据 text, the (docno, title) of each citation in it, and the pool ranks it cites."""
    parts, refs, ranks = [], [], []
    for kind, what in p.basis:
        if kind == "docno":
            pol = policy(what, seed)
            text, title = pol.printed(rng)
            parts.append(text)
            refs.append((pol.docno, title))
            ranks.append(what)
        else:
            short = kind == "law" and rng.random() < 0.2
            title = what.removeprefix("中华人民共和国") if short else what
            parts.append(f"《{title}》")
            refs.append((None, title))
    if not parts:
        return f"根据本单位职责和年度工作计划，保障{p.topic}相关工作正常开展。", refs, ranks
    joined = parts[0] if len(parts) == 1 else "、".join(parts[:-1]) + "和" + parts[-1]
    return f"依据{joined}，开展{p.topic}相关工作。", refs, ranks


def _document(i: int, unit: _Unit, year: int, planned: list[_Planned], previous: int, rng: random.Random,
              seed: int) -> tuple[Doc, Truth]:
    file = f"gen-{i:05d}_{unit.name}_{year}.txt"
    projects, citations, ranks, indicators = [], [], [], {}
    for p in planned:
        q = Project(prefix=p.prefix, stem=p.stem, amount=p.amount, attribute=p.attribute, years=p.years, kpi=p.kpi,
                    province_share=p.province_share)
        if p.kpi:
            period = p.years if p.attribute == "延续性" else 1
            for l2, name, target in p.indicators:
                if target == "cost":
                    cost = f"≤{q.yuan}元"
                    q.indicators.append(Indicator(l2, p.topic + "成本", cost, f"≤{q.yuan * period}元" if period > 1 else None))
                else:
                    q.indicators.append(Indicator(l2, name, target))
            q.basis, refs, r = _cite(p, rng, seed)
            citations += [(q.name, "立项依据", d, t) for d, t in refs]
            ranks.append(r)
            indicators[q.name] = len(q.indicators)
            q.overview = f"{p.topic}是本单位的日常重点工作，需要专业力量持续保障。"
            if p.overview_rank is not None:
                pol = policy(p.overview_rank, seed)
                q.overview += f"相关工作按照{pol.code}{pol.spelled(rng)}的要求开展。"
                citations.append((q.name, "项目概况", pol.docno, None))
            q.measures = "建立工作台账，按月检查工作进度和质量。"
            if p.measures:
                q.measures = f"执行本单位《{p.topic}管理制度》，按月检查工作进度和质量。"
                citations.append((q.name, "保证项目实施的制度、措施", None, f"{p.topic}管理制度"))
        projects.append(q)
    doc = Doc(file=file, unit=unit.name, region=unit.city, department=unit.department, family=unit.family, year=year,
              basic=_basic(rng, unit), projects=projects, staff=unit.staff, retirees=unit.retirees,
              previous_total=previous)
    cat = f"关于公布{unit.city}政府购买服务指导性目录的通知"
    doc.other = [f"本单位的政府购买服务事项按照{unit.city}财政局《{cat}》（{unit.code}财综【2020】8号）确定。", ""]
    citations.append((None, "其他说明", f"{unit.code}财综〔2020〕8号", cat))
    chain: tuple[str, ...] = ()
    if i % CHAIN_EVERY == 5:
        doc.embedded, chain = _chain(unit, seed)
    truth = Truth(file, unit.name, year, [(q.name, q.yuan) for q in projects], indicators, citations, ranks, chain)
    return doc, truth


def _chain(unit: _Unit, seed: int) -> tuple[list[str], tuple[str, ...]]:
    """A city notice forwarding the pool's first policy, reproduced with it; that one rests on two more."""
    top, a, b = policy(0, seed), policy(3, seed), policy(7, seed)
    notice = f"{unit.code}财综〔2020〕9号"
    lines = [
        f"{unit.city}财政局文件", "", notice, "", f"{unit.city}财政局关于转发《{top.title}》的通知", "", "各市直预算单位：", "",
        f"现将《{top.title}》（{top.docno}）转发给你们，请结合实际认真贯彻执行。", "", f"{unit.city}财政局办公室", "",
        "2020年3月2日印发", "",
        f"{top.organ}文件", "", top.docno, "", f"{top.organ}{top.title}", "", "各市人民政府，省直各部门：", "",
        f"根据《{a.title}》（{a.docno}）和《{b.title}》（{b.docno}），现就有关事项通知如下。", "",
        f"{top.organ}办公室", "", f"{top.year}年5月6日印发", "",
    ]
    return lines, (notice, top.docno, a.docno, b.docno)


def generate(n: int, folder: str | Path, seed: int = 0) -> Iterator[Truth]:
    """Write ``n`` documents into ``folder`` (unit by unit, each unit's years in order) and yield what each says."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    pool, titled = Zipf(pool_size(n)), Zipf(len(TITLED))
    rng = random.Random(seed + 1)
    i = 0
    for unit in _units(seed):
        span = rng.choice(YEARS)
        last = rng.choice((2025, 2026))
        planned: list[_Planned] = []
        previous = 0
        for year in range(last - span + 1, last + 1):
            if i >= n:
                return
            planned = _next_year(rng, planned) if planned else planned
            taken = {p.stem for p in planned}
            while len(planned) < max(1, unit.size + rng.randint(-1, 1)):
                p = _new_project(rng, unit, taken, pool, titled)
                taken.add(p.stem)
                planned.append(p)
            basic_guess = previous or round(sum(p.amount for p in planned) * rng.uniform(1.2, 1.6))
            doc, truth = _document(i, unit, year, planned, basic_guess, rng, seed)
            (folder / doc.file).write_text(render(doc), encoding="utf-8")
            previous = sum(doc.basic.values()) + sum(p.amount for p in doc.projects)
            i += 1
            yield truth
