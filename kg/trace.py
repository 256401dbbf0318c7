"""Trace a policy: which projects it justifies or is mentioned by, with money, targets and sources.

``trace(store, "同办字[2019]116号")`` accepts any spelling of a document number (or decree); text
that is not a number is looked up among the titles the documents cite. The questions themselves
are the SPARQL files ``queries/trace-policy.rq`` and ``queries/project-indicators.rq``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path

from rdflib import URIRef

from kg import iri
from kg.policy.docno import parse_docno
from kg.store import Store

QUERIES = Path(__file__).resolve().parents[1] / "queries"

FIND_BY_TITLE = """
SELECT DISTINCT ?policy ?text WHERE {
  ?policy a bk:PolicyDocument .
  { ?policy dcterms:title ?t } UNION { ?ref bk:refersTo ?policy ; bk:citedTitle ?t }
  FILTER(CONTAINS(?t, ?text))
} ORDER BY ?policy
"""


def query_text(name: str) -> str:
    return (QUERIES / name).read_text("utf-8")


@dataclass
class TracedIndicator:
    level1: str | None
    level2: str | None
    indicator: str
    target: str
    line: int | None
    sides: str = ""  # "年度+实施期", or one side when only it lists the indicator
    period_target: str | None = None
    page: int | None = None  # for a PDF, instead of the line

    @property
    def where(self) -> str:
        return f"page {self.page}" if self.page is not None else f"line {self.line}"


@dataclass
class Citation:
    role: str  # justifiedBy | mentions
    section: str
    raw: str
    unit: str
    year: int
    file: str
    line: int | None  # text; None for a PDF, whose citations have a page
    snippet: str
    project: str | None = None  # IRI
    project_name: str | None = None
    amount: Decimal | None = None
    indicators: list[TracedIndicator] = field(default_factory=list)
    page: int | None = None

    @property
    def where(self) -> str:
        """"000.txt:783" for a text, "x.pdf p.33" for a PDF."""
        return f"{self.file} p.{self.page}" if self.page is not None else f"{self.file}:{self.line}"


@dataclass
class PolicyTrace:
    policy: str  # IRI
    docno: str | None
    titles: list[str]
    citations: list[Citation]

    @property
    def justified_projects(self) -> list[Citation]:
        seen, out = set(), []
        for c in self.citations:
            if c.role == "justifiedBy" and c.project and c.project not in seen:
                seen.add(c.project)
                out.append(c)
        return out

    @property
    def units(self) -> list[str]:
        return sorted({c.unit for c in self.citations})


@dataclass
class TraceResult:
    query: str
    canonical: str | None
    policies: list[PolicyTrace]

    def to_json(self) -> dict:
        def clean(o):
            if isinstance(o, Decimal):
                return format(o, "f")
            if isinstance(o, dict):
                return {k: clean(v) for k, v in o.items()}
            if isinstance(o, list):
                return [clean(v) for v in o]
            return o

        return clean(asdict(self))


def resolve(store: Store, text: str) -> tuple[str | None, list[str]]:
    """(canonical number or None, policy IRIs) for what the user typed."""
    parsed = parse_docno(text.strip())
    if parsed is not None:
        return parsed.canonical, [str(iri.policy(parsed.canonical))]
    found = store.select(FIND_BY_TITLE, text=_lit(text.strip().strip("《》")))
    return None, [r["policy"] for r in found]


def _lit(value: str):
    from rdflib import Literal

    return Literal(value)


def trace(store: Store, text: str, indicators: bool = True) -> TraceResult:
    canonical, policies = resolve(store, text)
    result = TraceResult(query=text, canonical=canonical, policies=[])
    trace_q = query_text("trace-policy.rq")
    ind_q = query_text("project-indicators.rq")
    titles_q = "SELECT DISTINCT ?policy ?t WHERE { ?policy dcterms:title ?t } ORDER BY ?t"  # substituted variables must be projected
    for p in policies:
        rows = store.select(trace_q, policy=URIRef(p))
        if not rows:
            continue
        cites = []
        seen = set()
        for r in rows:
            key = (r["file"], r["line"], r["page"], r["project"], r["raw"], r["role"])
            if key in seen:
                continue
            seen.add(key)
            cites.append(Citation(
                role=r["role"], section=r["section"], raw=r["raw"], unit=r["unit"], year=r["year"], file=r["file"],
                line=r["line"], snippet=r["snippet"], project=r["project"], project_name=r["projectName"],
                amount=r["amount"], page=r["page"],
            ))
        if indicators:
            cache: dict[str, list[TracedIndicator]] = {}
            for c in cites:
                if c.project and c.project not in cache:
                    cache[c.project] = [
                        TracedIndicator(
                            level1=i["level1"], level2=i["level2"], indicator=i["indicator"], target=i["target"],
                            line=i["line"], sides=i["sides"] or "", period_target=i["periodTarget"], page=i["page"],
                        )
                        for i in store.select(ind_q, project=URIRef(c.project))
                    ]
                if c.project:
                    c.indicators = cache[c.project]
        titles = [r["t"] for r in store.select(titles_q, policy=URIRef(p))]
        result.policies.append(PolicyTrace(policy=p, docno=rows[0]["docno"], titles=titles, citations=cites))
    return result
