"""Dataclasses shared by every stage: read → segment → extract → map.

A stage takes one of these and returns the next; nothing here does I/O.
Money is always ``Decimal`` yuan.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal


# ---------------------------------------------------------------- read

@dataclass(frozen=True)
class Span:
    """Where a fact comes from: file, 1-based line (text) or page (PDF), and the snippet."""

    file: str
    line: int | None = None
    page: int | None = None
    text: str = ""
    box: tuple[float, float, float, float] | None = None  # x0, top, x1, bottom on the PDF page (points)
    confidence: float | None = None  # OCR's confidence in the text, when the page was read by OCR

    @property
    def where(self) -> str:
        """"page 5" for a PDF, "line 433" for text."""
        return f"page {self.page}" if self.page is not None else f"line {self.line}"


@dataclass
class Line:
    """One line of the source as read: its number, text and tab-separated cells.

    ``cells`` keeps empty cells (their positions carry column information);
    ``noise`` marks lines that are not content (watermarks, page furniture).
    """

    no: int
    text: str
    cells: list[str]
    page: int | None = None
    noise: bool = False
    box: tuple[float, float, float, float] | None = None  # where on the PDF page (x0, top, x1, bottom)
    #: a line of a page read by OCR: per cell text, the recogniser's confidence and the other readings
    #: of a figure whose characters it was unsure of (kg.read.scan.readings)
    ocr: dict[str, tuple[float, tuple[str, ...]]] | None = None

    @property
    def confidence(self) -> float | None:
        """OCR's least confidence in the line's cells (None: not read by OCR)."""
        return min((c for c, _ in self.ocr.values()), default=None) if self.ocr else None

    @property
    def tokens(self) -> list[str]:
        """The non-empty cells, stripped (a new list each time).

        Every stage asks for them, many times a line: they are kept with the ``cells`` list they were
        made from, and made again when ``cells`` is another list (no stage changes a line's cells in place).
        """
        cells = self.cells
        kept = self.__dict__.get("_tokens")
        if kept is None or kept[0] is not cells:
            kept = self.__dict__["_tokens"] = (cells, tuple(c.strip() for c in cells if c.strip()))
        return list(kept[1])

    def span(self, file: str, text: str | None = None) -> Span:
        """Where this line is: its page (PDF, with its box) or its line number (text)."""
        text = (self.text if text is None else text).strip()
        if self.page is not None:
            return Span(file=file, line=None, page=self.page, text=text, box=self.box, confidence=self.confidence)
        return Span(file=file, line=self.no, text=text)


@dataclass
class SourceDoc:
    """A document as read from disk: its file name and its lines."""

    name: str  # the file's own name, e.g. "000_4af2b7ab3d3465e5.txt"
    path: str
    lines: list[Line]
    sha256: str = ""
    pages: int | None = None
    notes: list[str] = field(default_factory=list)  # what the reader set aside (repeated pages, ...)
    warnings: list[str] = field(default_factory=list)  # what the reader changed or doubts (control characters removed)
    ocr_pages: list[int] = field(default_factory=list)  # pages read by OCR (1-based)
    ocr_seconds: float = 0.0  # time spent rendering and recognising them


# ---------------------------------------------------------------- segment

@dataclass
class Table:
    """A budget table: its title, the unit of money, header lines and data rows."""

    title: str
    kind: str  # see kg.segment.tables.TABLE_KINDS
    title_line: Line
    unit_name: str | None = None  # 单位名称 / 部门名称 as printed
    money_unit: str | None = None  # "万元" or "元"
    header: list[Line] = field(default_factory=list)
    rows: list[Line] = field(default_factory=list)
    empty: bool = False  # "注：本表无数据"
    index: int = 0  # order in the document, 1-based


@dataclass
class KpiBlock:
    """The lines of one 项目支出绩效目标表 (performance-target table)."""

    lines: list[Line]
    preamble: list[Line] = field(default_factory=list)  # title / (年度) / name lines before 项目名称
    index: int = 0


@dataclass
class Section:
    """A numbered part of the narrative (e.g. "十二、其他说明"), with its lines."""

    title: str  # without the ordinal, e.g. "其他说明"
    heading: Line
    lines: list[Line] = field(default_factory=list)
    part: str = ""  # e.g. "第三部分"


@dataclass
class Segments:
    """A document cut into what the extractors need."""

    source: SourceDoc
    cover: list[Line]
    sections: list[Section]
    tables: list[Table]
    kpi_blocks: list[KpiBlock]


# ---------------------------------------------------------------- extract

@dataclass(frozen=True)
class FoundRef:
    """One reference found in a text.

    ``start``/``end`` cover the whole reference (issuer, title and number, with the brackets
    around a number that follows a title); ``raw`` is ``text[start:end]``. A title paired with
    a number has the kind of the number ("docno" or "decree").
    """

    start: int
    end: int
    raw: str
    kind: str  # "docno" | "decree" | "title"
    docno: str | None  # canonical (kg.policy.docno)
    raw_docno: str | None  # the number exactly as written
    title: str | None  # normalised, without 《》
    issuer_code: str | None
    year: int | None
    serial: int | None
    issuer_text: str | None  # the organ named right before ("山西省财政厅")



@dataclass
class Department:
    code: str | None
    name: str
    span: Span | None = None


@dataclass
class UnitInfo:
    """The unit (or department) whose budget the document is."""

    name: str
    span: Span
    variants: list[str] = field(default_factory=list)  # other spellings it uses for itself
    department: Department | None = None  # supervising department (主管部门)
    department_codes: list[str] = field(default_factory=list)  # every code printed for it
    subunits: list[str] = field(default_factory=list)  # sub-units of a department document
    own_level: str | None = None  # the department's own level as listed: "X（本级）" / "X（本部）"
    offices: list[str] = field(default_factory=list)  # internal offices (内设机构)
    grade: str | None = None  # e.g. "副处级"
    is_department: bool = False


@dataclass
class DocumentInfo:
    file: str
    unit_name: str
    year: int
    kind: str  # 单位预算 / 部门预算 / 单位决算 / 部门决算
    region: str | None
    title: str
    span: Span


@dataclass
class BudgetLine:
    """One amount of one row of one budget table."""

    table_title: str
    table_kind: str
    table_index: int
    row_label: str  # the row name as printed
    column: str  # 合计 / 基本支出 / 项目支出 / 人员经费 / ...
    amount: Decimal  # yuan
    span: Span
    code: str | None = None  # functional (2010350) or economic (30101) code
    scheme: str | None = None  # "functional" | "economic" | None
    side: str | None = None  # "收入" / "支出" in two-sided tables
    is_total: bool = False
    gov_economic_name: str | None = None  # 政府预算支出经济科目名称 beside the 部门 name
    row_index: int = 0
    column_index: int = 0
    readings: tuple[Decimal, ...] = ()  # other readings OCR allows of the printed figure (yuan)
    note: str | None = None  # how the figure was arrived at (an OCR reading chosen by its table's arithmetic)


@dataclass
class ProjectRow:
    """One row of 项目支出预算表（本年预算）or（上年结转）."""

    name: str
    amount: Decimal  # yuan
    table: str  # "本年预算" | "上年结转"
    span: Span
    subunit: str | None = None  # the unit heading it sits under (department documents)
    prefix: str | None = None  # Z / J / X / QT / XM as printed
    funding: dict[str, Decimal] = field(default_factory=dict)  # budget type → yuan
    seq: int = 0  # 1-based order over both tables


@dataclass
class Target:
    """A parsed 指标值: comparator, number and unit, or a qualitative word."""

    text: str
    comparator: str | None = None  # ≥ ≤ > < =
    value: Decimal | None = None
    unit: str | None = None
    amount_yuan: Decimal | None = None  # when the unit is money

    @property
    def quantitative(self) -> bool:
        return self.value is not None


@dataclass
class Indicator:
    """One 三级 indicator with its target, as recovered from a KPI table."""

    l1: str | None  # 一级 category (canonical when the 二级 is known)
    l2: str | None  # 二级 category as written
    l3: str  # the indicator
    target: Target  # the 年度 target (or the only one)
    span: Span
    period_target: Target | None = None  # the 实施期 target when it differs
    sides: tuple[str, ...] = ("年度", "实施期")  # which sides list it


@dataclass
class BudgetPart:
    """One part of a project's year money as its page lists it ("其中：设备购置费120万元")."""

    name: str  # as printed, e.g. "设备购置费"
    amount: Decimal  # yuan
    span: Span  # the line it is printed on; its text is the part as printed ("设备购置费120万元")


@dataclass
class KpiTable:
    """One 项目支出绩效目标表, merged across continued pages, or one project page (项目经费情况说明)."""

    project_name: str
    span: Span  # the 项目名称 line
    title: str = ""
    department: Department | None = None  # 主管部门及代码
    implementing_unit: str | None = None
    attribute: str | None = None  # 项目属性
    period: str | None = None  # 项目期
    period_total: Decimal | None = None  # 实施期资金总额
    annual_total: Decimal | None = None  # 年度资金总额
    funding: dict[tuple[str, str], Decimal] = field(default_factory=dict)  # (side, level) → yuan
    fields: dict[str, str] = field(default_factory=dict)  # 项目概况, 立项依据, ... → text
    field_spans: dict[str, Span] = field(default_factory=dict)
    goals: dict[str, str] = field(default_factory=dict)  # "实施期" / "年度" → 总体目标
    indicators: list[Indicator] = field(default_factory=list)
    personal: dict[str, str] = field(default_factory=dict)  # 经办人 / 联系电话 / 负责人 (kept only on request)
    lines: tuple[int, int] = (0, 0)  # first and last source line
    index: int = 0
    notes: list[str] = field(default_factory=list)  # what could not be read
    page: bool = False  # a project page (项目经费情况说明), not a 绩效目标表
    parts: list[BudgetPart] = field(default_factory=list)  # the year's money by item, as a page lists it
    chunked: set[str] = field(default_factory=set)  # fields whose text OCR printed over several cells
    scrambled: dict[str, list[str]] = field(default_factory=dict)  # … as chunks of lines whose order is lost


@dataclass
class PolicyRef:
    """One citation of a policy document found in the text."""

    raw: str  # as written ("同办字【2019】116号", "《网络安全法》")
    docno: str | None  # canonical 发文字号 (GB/T 9704) or decree ("国务院令第492号")
    title: str | None  # title without 《》
    section: str  # 立项依据 / 项目概况 / 其他说明 / ...
    span: Span
    issuer_code: str | None = None
    year: int | None = None
    serial: int | None = None
    issuer_text: str | None = None  # the organ named beside it in the text ("山西省财政厅")
    raw_docno: str | None = None  # the number as written, when there is one
    project: int | None = None  # index into Extraction.projects; None = the document itself
    approval: str | None = None  # the approval written after a request ("市长已批示")

    @property
    def key(self) -> str:
        """What identifies the policy: its canonical number, else its title."""
        return self.docno or (self.title or self.raw)


@dataclass
class Project:
    """A project: its table row merged with its KPI table (either may be missing)."""

    row: ProjectRow | None
    kpi: KpiTable | None
    match_score: float | None = None

    @property
    def name(self) -> str:
        return self.row.name if self.row else self.kpi.project_name  # type: ignore[union-attr]


@dataclass
class Finding:
    """A disagreement the extraction noticed inside the document."""

    check_id: str
    severity: str  # error / warning / info
    message: str
    span: Span
    expected: Decimal | None = None
    actual: Decimal | None = None
    project: int | None = None
    lines: tuple[int, ...] = ()  # indices into Extraction.budget_lines of the amounts concerned


@dataclass
class NarrativeFact:
    """One figure (or word) the 说明 part states, with what it is about and how it relates to the others.

    ``role`` says what the figure is: "amount" (the year's figure of the topic), "change" (the increase or
    decrease against a year, signed by ``word``), "changeRate" (that change in %), "share" (占 X%),
    "budget" / "fullBudget" / "final" (年初预算, 全年预算, 支出决算), "completion" (完成…预算的 X%),
    "count" (N 个, 辆, 台（套）), "comparison" (a word comparing the 决算 with the 预算: 大于, 小于, 等于, 持平)
    or "asOf" (截至 a date). ``value`` is yuan for money, percentage points for a percentage, the number for a
    count; ``half`` is half the last printed place of it (the rounding a printed figure carries), in the
    same unit. The links (``base``, ``change``, ``numerator``, ``denominator``, ``budget``, ``final``) are
    indices into the document's list of facts.
    """

    topic: str | None  # key of a concept of id:scheme/narrative-topic ("total", "basic", "functional" …)
    label: str  # the topic as printed ("一般公共服务支出（类）", "收入支出总计")
    role: str
    span: Span
    section: str = ""
    value: Decimal | None = None
    unit: str = ""  # 元, %, 个, 辆 …: the unit of ``value``
    printed_unit: str = ""  # as printed: 万元, 元, %, 个 …
    half: Decimal | None = None
    word: str | None = None  # 增加 / 减少 / 持平 / 大于 / 小于 / 等于 / 基本持平 …
    code: str | None = None  # the functional code of a functional topic, when resolved
    names: tuple[str, ...] = ()  # a functional topic's names as printed: (类, 款, 项)
    year: int | None = None  # the year the statement is about ("2024年度收入支出总计")
    compared_year: int | None = None  # the year it is compared with ("与2023年度相比")
    as_of: datetime.date | None = None  # 截至 YYYY年M月D日
    budget_kind: str | None = None  # "年初" / "全年" for a completion rate
    note: str | None = None  # how it was read (e.g. a percentage printed without %)
    over: str | None = None  # a share's denominator as printed ("本年支出合计")
    over_topic: str | None = None  # … and its topic
    base: int | None = None
    change: int | None = None
    numerator: int | None = None
    denominator: int | None = None
    budget: int | None = None
    final: int | None = None
    prior: int | None = None  # the compared year's figure ("2025年当年预算执行数为…")


@dataclass
class Heading:
    """A heading as printed (a part, a section, a contents entry), with the years it states."""

    text: str
    kind: str  # "part" | "section" | "contents"
    span: Span
    years: tuple[int, ...] = ()  # every year it prints (a truncated one, "202 年度", as printed)


@dataclass
class UnitMention:
    """A name the document gives its unit where it names itself: a heading, a table's 单位名称, the subject
    of a 说明 sentence."""

    name: str
    where: str  # "heading" | "table" | "narrative"
    span: Span


@dataclass
class ListedTable:
    """One table the document's contents (目录) list, and what became of it.

    ``status``: "read" (its figures are budget lines or project rows), "empty" (printed without
    figures: 注：本表无数据, 本部门无…, or a header alone), "not read" (printed, but its figures were
    not read: a reading gap), "not found" (its title is nowhere in the body).
    """

    title: str  # as listed
    kind: str  # table kind (kg.segment.tables.TABLE_KINDS), "unknown" when it names none
    status: str
    span: Span  # the contents entry
    table_index: int | None = None  # Table.index of the table located
    rows: int = 0  # data rows of the table located
    lines: int = 0  # budget lines (or project rows) read from it
    note: str = ""  # why it was not read / where its title is printed


@dataclass
class Completeness:
    """How completely a document was read, judged against its own contents.

    ``problems`` says what is missing; a document with none is complete.
    """

    has_contents: bool  # the document prints a 目录
    listed: list[ListedTable] = field(default_factory=list)
    unlisted: list[str] = field(default_factory=list)  # titles of tables found that the contents do not list
    tables_found: int = 0
    rows_read: int = 0
    budget_lines: int = 0
    parents_checked: int = 0  # classification parents whose children the table lists
    parents_adding_up: int = 0  # … of which equal the sum of their children in every column
    projects_declared: int | None = None  # "编报绩效目标的项目N个" in the narrative
    projects_found: int = 0
    pages_listed: bool = False  # the contents list 项目经费情况说明 pages
    pages_found: int = 0
    stray_lines: int = 0  # lines of figures outside every table read
    problems: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.problems

    def count(self, status: str) -> int:
        return sum(1 for t in self.listed if t.status == status)


@dataclass
class Extraction:
    """Everything extracted from one document, ready to map to RDF."""

    source: SourceDoc
    document: DocumentInfo
    unit: UnitInfo
    tables: list[Table] = field(default_factory=list)
    budget_lines: list[BudgetLine] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    references: list[PolicyRef] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    stated_targets: tuple[int, Span] | None = None  # "编报绩效目标的项目N个": N and where it is said
    embedded: list[EmbeddedDocument] = field(default_factory=list)  # policy documents it reproduces
    catalogue: list[CatalogueItem] = field(default_factory=list)  # purchase-of-services catalogue items it prints
    follows_catalogues: list[tuple[str, Span]] = field(default_factory=list)  # catalogue documents the unit follows
    completeness: Completeness | None = None  # how completely it was read, against its own contents
    facts: list[NarrativeFact] = field(default_factory=list)  # every figure of the 说明 part, related
    headings: list[Heading] = field(default_factory=list)  # parts, sections and contents entries, with their years
    unit_mentions: list[UnitMention] = field(default_factory=list)  # where the document names its unit


# ---------------------------------------------------------------- embedded documents, catalogue


@dataclass(frozen=True)
class PolicyCite:
    """One document citing another: ``relation`` is "forwards" (现将《…》转发), "basedOn" (根据《…》
    in its opening paragraph) or "cites" (anything else); ``target`` the canonical number, else the title."""

    relation: str
    target: str
    span: Span
    ref: PolicyRef | None = None  # the reference as found (number, title, issuer code …)


@dataclass
class EmbeddedDocument:
    """A policy document a budget disclosure reproduces in full (its header block, body and imprint)."""

    docno: str | None  # canonical 发文字号
    title: str | None
    issuer: str  # the organ as printed in the header ("晋城市财政局" of "晋城市财政局文件")
    date: datetime.date | None  # the signature (落款) date, else the date it was printed (印发)
    recipients: str | None  # 主送机关 as printed, without the colon
    span: Span  # the header line, with the header and the number as text
    lines: tuple[int, int]  # first and last line, its attachments included
    cites: list[PolicyCite] = field(default_factory=list)
    raw_docno: str | None = None  # the number as printed
    date_span: Span | None = None
    catalogue: str | None = None  # the title of the catalogue it prints as its appendix
    catalogue_span: Span | None = None


@dataclass
class CatalogueItem:
    """One row of a purchase-of-services catalogue (政府购买服务指导性目录)."""

    code: str  # A, A15, A1502, A150201 (as printed, spaces removed)
    name: str  # line-wrap spaces removed; "" when the row prints none
    level: int  # 1-4, from the code's length
    broader: str | None  # the code of the row above it in the table (levels 2-4)
    department: str | None  # the department row it is listed under, its cells joined
    span: Span
    issued_by: str | None = None  # the canonical number of the document whose appendix it is
    note: str | None = None  # what is odd about the row (a code that disagrees with the row above)
