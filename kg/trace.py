"""Trace a policy: which projects it justifies or is mentioned by, with money, targets and sources.

``trace(store, "同办字[2019]116号")`` accepts any spelling of a document number (or decree); text
that is not a number is looked up among the titles the documents cite. The questions themselves
are the SPARQL files ``queries/trace-policy.rq`` and ``queries/project-indicators.rq``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal

from rdflib import URIRef

from kg import iri
from kg.policy.docno import parse_docno
from kg.policy.laws import law
from kg.queries import query_text
from kg.reader import Reader


FIND_BY_TITLE = """
SELECT DISTINCT ?policy ?text WHERE {
  ?policy a bk:PolicyDocument .
  { ?policy dcterms:title ?t } UNION { ?policy skos:altLabel ?t } UNION { ?ref bk:refersTo ?policy ; bk:citedTitle ?t }
  FILTER(CONTAINS(?t, ?text))
} ORDER BY ?policy
"""

# what the graph knows of the policy itself: issuer, kind, other titles (where its full text is printed:
# queries/policy-reproductions.rq)
ABOUT = """
SELECT ?policy
  (GROUP_CONCAT(DISTINCT ?organ; separator="、") AS ?issuers) (SAMPLE(?rg) AS ?region) (SAMPLE(?lvl) AS ?level)
  (GROUP_CONCAT(DISTINCT ?ev; separator=" | ") AS ?evidence)
  (GROUP_CONCAT(DISTINCT ?kind; separator=" ") AS ?kinds) (GROUP_CONCAT(DISTINCT ?alt; separator="|") AS ?alts)
  (SAMPLE(?dt) AS ?issued)
WHERE {
  ?policy a bk:PolicyDocument .
  OPTIONAL { ?policy bk:issuedBy/rdfs:label ?organ }
  OPTIONAL { ?policy bk:issuerRegion ?rg }
  OPTIONAL { ?policy bk:issuerLevel/skos:prefLabel ?lvl FILTER(LANG(?lvl) = "") }
  OPTIONAL { ?policy bk:issuerEvidence ?ev }
  OPTIONAL { ?policy a ?k . VALUES ?k { bk:Law bk:Contract bk:Request } BIND(STRAFTER(STR(?k), "#") AS ?kind) }
  OPTIONAL { ?policy skos:altLabel ?alt }
  OPTIONAL { ?policy dcterms:issued ?dt }
} GROUP BY ?policy
"""


@dataclass(slots=True)
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
class Link:
    """One link of a citation chain through the traced policy (queries/policy-citation-chains.rq)."""

    direction: str  # "upstream": what the policy rests on; "downstream": what forwards or cites it
    relation: str  # forwards | basedOn | cites
    source: str  # IRI of the citing document
    source_label: str
    target: str
    target_label: str
    file: str | None = None  # the first budget document (by file name) that reproduces the citing document
    line: int | None = None
    page: int | None = None
    copies: int = 0  # how many budget documents reproduce the citing document


@dataclass
class Reproduction:
    """One budget document that prints the policy's full text (queries/policy-reproductions.rq)."""

    file: str
    line: int | None  # text
    page: int | None = None  # PDF

    @property
    def where(self) -> str | None:
        return _where(self.line, self.page)


@dataclass
class PolicyTrace:
    policy: str  # IRI
    docno: str | None
    titles: list[str]
    citations: list[Citation]
    kinds: list[str] = field(default_factory=list)  # Law, Contract, Request
    also_cited_as: list[str] = field(default_factory=list)  # other titles of the same law
    issuers: list[str] = field(default_factory=list)  # organ names; empty when unresolved
    region: str | None = None
    level: str | None = None
    evidence: str | None = None
    embedded_in: str | None = None  # the first budget document (by file name) that reproduces it
    embedded_where: str | None = None  # where in it: "line 12" or "page 3"
    reproductions: list[Reproduction] = field(default_factory=list)  # every budget document that reproduces it
    issued: str | None = None
    links: list[Link] = field(default_factory=list)

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


def resolve(store: Reader, text: str) -> tuple[str | None, list[str]]:
    """(canonical number or None, policy IRIs) for what the user typed."""
    parsed = parse_docno(text.strip())
    if parsed is not None:
        return parsed.canonical, [str(iri.policy(parsed.canonical))]
    named = law(text)  # a law under any of its titles is that law, not every title containing the words
    if named is not None:
        return None, [str(named.iri)]
    found = store.select(FIND_BY_TITLE, text=_lit(text.strip().strip("《》")))
    return None, [r["policy"] for r in found]


def _docno(store: Reader, policy: str) -> str | None:
    rows = store.select("SELECT ?policy ?d WHERE { ?policy bk:docNumber ?d }", policy=URIRef(policy))
    return rows[0]["d"] if rows else None


def _where(line: int | None, page: int | None) -> str | None:
    return f"page {page}" if page is not None else f"line {line}" if line is not None else None


def _lit(value: str):
    from rdflib import Literal

    return Literal(value)


def _ask(store: Reader, name: str, sparql: str, key: str, values: list[str], columns: tuple[str, ...] | None = None):
    """The rows of ``name`` with ``key`` bound to each of ``values`` (dicts, or tuples of ``columns``):
    from the store's index of per-document answers where it keeps one (:data:`kg.queries.INDEXED`),
    else by the query."""
    indexed = getattr(store, "indexed", None)
    rows = indexed(name, values, columns) if indexed else None
    if rows is not None:
        return rows
    rows = store.select(sparql, **{key: [URIRef(v) for v in values]})
    return rows if columns is None else [tuple(r.get(c) for c in columns) for r in rows]


#: whether a policy cites or is cited by any document: the chain query finds nothing otherwise, and a policy with
#: no chain is the common case (Oxigraph evaluates the chain's OPTIONAL over every reproduction of the store:
#: 30 ms at 10,000 documents, whatever the answer)
CITES_ANY = "SELECT ?policy ?x WHERE { { ?policy bk:cites ?x } UNION { ?x bk:cites ?policy } } LIMIT 1"

#: the columns of project-indicators.rq a traced indicator keeps, in the order of TracedIndicator's fields
_INDICATOR = ("project", "level1", "level2", "indicator", "target", "line", "sides", "periodTarget", "page")


_ORDER = ("year", "unit", "projectName", "page", "line", "file", "section", "role", "raw", "snippet", "project")


def _citation_order(r: dict) -> tuple:
    """trace-policy.rq's ORDER BY, then every other column: the same order from the index and the query
    (an unbound value first)."""
    return tuple([(v is not None, v) for v in map(r.__getitem__, _ORDER)])


def trace(store: Reader, text: str, indicators: bool = True) -> TraceResult:
    canonical, policies = resolve(store, text)
    result = TraceResult(query=text, canonical=canonical, policies=[])
    trace_q = query_text("trace-policy.rq")
    ind_q = query_text("project-indicators.rq")
    titles_q = "SELECT DISTINCT ?policy ?t WHERE { ?policy dcterms:title ?t } ORDER BY ?t"  # substituted variables must be projected
    chain_q = query_text("policy-citation-chains.rq")
    copies_q = query_text("policy-reproductions.rq")
    for p in policies:
        rows = _ask(store, "trace-policy.rq", trace_q, "policy", [p])
        links = [
            Link(direction=r["direction"], relation=r["relation"], source=r["from"],
                 source_label=r["fromDocno"] or r["fromTitle"] or r["from"], target=r["to"],
                 target_label=r["toDocno"] or r["toTitle"] or r["to"], file=r["file"], line=r["line"], page=r["page"],
                 copies=int(r["copies"] or 0))
            for r in (store.select(chain_q, policy=URIRef(p)) if store.select(CITES_ANY, policy=URIRef(p)) else [])
        ]
        copies = [Reproduction(file=r["file"], line=r["line"], page=r["page"])
                  for r in store.select(copies_q, policy=URIRef(p))]
        if not rows and not links and not copies:
            continue
        about = store.select(ABOUT, policy=URIRef(p))
        cites = []
        seen = set()
        for r in sorted(rows, key=_citation_order):
            key = (r["file"], r["line"], r["page"], r["project"], r["raw"], r["role"])
            if key in seen:
                continue
            seen.add(key)
            cites.append(Citation(
                role=r["role"], section=r["section"], raw=r["raw"], unit=r["unit"], year=r["year"], file=r["file"],
                line=r["line"], snippet=r["snippet"], project=r["project"], project_name=r["projectName"],
                amount=r["amount"], page=r["page"],
            ))
        if indicators:  # every cited project's indicators in one query
            projects = sorted({c.project for c in cites if c.project})
            found: dict[str, list[TracedIndicator]] = {p: [] for p in projects}
            targets = _ask(store, "project-indicators.rq", ind_q, "project", projects, _INDICATOR) if projects else []
            for project, level1, level2, name, target, line, sides, period, page in targets:
                found[project].append(TracedIndicator(level1, level2, name, target, line, sides or "", period, page))
            for c in cites:
                if c.project:
                    c.indicators = found[c.project]
        titles = [r["t"] for r in store.select(titles_q, policy=URIRef(p))]
        a = about[0] if about else {}
        docno = rows[0]["docno"] if rows else _docno(store, p)
        result.policies.append(PolicyTrace(
            policy=p, docno=docno, titles=titles, citations=cites, links=links,
            kinds=(a.get("kinds") or "").split(), also_cited_as=sorted(set(filter(None, (a.get("alts") or "").split("|")))),
            issuers=list(filter(None, (a.get("issuers") or "").split("、"))), region=a.get("region"),
            level=a.get("level"), evidence=a.get("evidence") or None, reproductions=copies,
            embedded_in=copies[0].file if copies else None, embedded_where=copies[0].where if copies else None,
            issued=str(a["issued"]) if a.get("issued") else None,
        ))
    return result
