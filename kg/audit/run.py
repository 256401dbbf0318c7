"""Run the audit checks over a store and keep their findings in the graph.

Every check (:mod:`kg.audit.rules`) is one SELECT; each row it returns is judged here: it is a
finding when ``?expected`` or ``?actual`` is unbound (a presence or completeness check) or when
``|?actual − ?expected| > ?tolerance`` (0 when unbound). Findings are written to one graph per
document, ``id:graph/audit/<file>`` (:func:`kg.iri.audit_graph`), as nodes
``<doc>/audit/<check-id>/<n>``, numbered from 1 in the order of their facts so that the same store
and rules give the same IRIs. A run replaces, in one transaction, what the checks it ran said
before about the documents it audited; with every check (``checks=None``) it replaces the whole
audit graph of each document, so findings of a rule since deleted disappear, and the audit graph of
a document no longer in the store goes too.

The audit graphs are ordinary named graphs, part of the dataset every query sees, so findings
join the facts they concern: ``?f a bk:Finding ; bk:concerns ?p . ?p bk:justifiedBy ?pol``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from kg import iri
from kg.audit.per_document import DocumentDatasets
from kg.audit.rules import RESULT_VARIABLES, SEVERITIES, Check, RuleError, load_checks
from kg.reader import Reader
from kg.store import Store, nt
from kg.vocab import BK, PROV

Triple = tuple[URIRef, URIRef, Node]


@dataclass
class Fact:
    """One node a finding concerns, with where it is printed."""

    iri: str
    file: str | None = None
    line: int | None = None
    page: int | None = None
    last_line: int | None = None
    last_page: int | None = None
    text: str | None = None
    label: str | None = None
    kind: str | None = None  # the local name of its bk: class: BudgetLine, Project, TargetTable …
    table: str | None = None  # bk:budgetTable of a budget line
    column: str | None = None  # bk:budgetColumn of a budget line
    amount: Decimal | None = None
    money_unit: str | None = None  # the unit its table prints money in (万元, 元)

    @property
    def where(self) -> str:
        """"file:line", "file p.12" or the file alone."""
        f = self.file or ""
        if self.page is not None:
            return f"{f} p.{self.page}".strip()
        if self.line is not None:
            return f"{f}:{self.line}" if f else f"line {self.line}"
        return f

    def to_json(self) -> dict:
        return {
            "iri": self.iri, "kind": self.kind, "label": self.label, "file": self.file, "line": self.line,
            "page": self.page, "text": self.text, "table": self.table, "column": self.column,
            "amount": _s(self.amount), "money_unit": self.money_unit,
        }


@dataclass
class Finding:
    """One row of a check that is a finding, as stored under ``node``."""

    check: Check
    doc: str  # the bk:BudgetDocument IRI
    file: str
    n: int
    node: str
    expected: Decimal | None
    actual: Decimal | None
    tolerance: Decimal
    message: str
    facts: list[Fact] = field(default_factory=list)
    details: dict[str, str] = field(default_factory=dict)  # the check's other projected variables (reports only)

    @property
    def difference(self) -> Decimal | None:
        if self.expected is None or self.actual is None:
            return None
        return self.actual - self.expected

    @property
    def severity(self) -> str:
        return self.check.severity

    @property
    def money_unit(self) -> str | None:
        """万元 when any fact compared is printed in 万元 (the report then shows both units)."""
        units = {f.money_unit for f in self.facts if f.money_unit}
        return "万元" if "万元" in units else next(iter(units), None)

    def to_json(self) -> dict:
        c = self.check
        return {
            "document": self.doc, "file": self.file, "finding": self.node, "check": c.id,
            "title_zh": c.title_zh, "title_en": c.title_en, "severity": c.severity, "message": self.message,
            "expected": _s(self.expected), "actual": _s(self.actual), "difference": _s(self.difference),
            "tolerance": _s(self.tolerance), "tolerance_text": c.tolerance_text, "measure": c.measure,
            "money_unit": self.money_unit if c.measure == "money" else None,
            "facts": [f.to_json() for f in self.facts], "details": self.details,
        }


@dataclass
class AuditReport:
    """What one audit run found and stored."""

    checks: list[Check]
    documents: list[str]  # IRIs of the documents audited
    findings: list[Finding] = field(default_factory=list)
    graphs: list[str] = field(default_factory=list)  # audit graphs written (or dropped when empty)
    titles: dict[str, str] = field(default_factory=dict)  # document IRI → "file · unit year kind"

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def errors(self) -> int:
        return self.count("error")

    def at_least(self, severity: str) -> list[Finding]:
        """The findings of ``severity`` or more severe."""
        keep = set(SEVERITIES[: SEVERITIES.index(severity) + 1])
        return [f for f in self.findings if f.severity in keep]

    def summary(self) -> str:
        def n(count: int, word: str) -> str:
            return f"{count} {word}{'' if count == 1 else 's'}"

        parts = ", ".join(n(self.count(s), s) for s in SEVERITIES)
        return (
            f"{n(len(self.findings), 'finding')} ({parts}) from {n(len(self.checks), 'check')} "
            f"over {n(len(self.documents), 'document')}"
        )


def audit(
    store: Store | Reader, checks: list[Check] | None = None, documents: Iterable[str] | None = None,
    write: bool = True, complete: bool | None = None,
) -> AuditReport:
    """Run ``checks`` (default: every rule of ``queries/audit``) over ``documents`` (file names or
    document IRIs; default: all) and, unless ``write`` is false, replace their findings in the store.

    ``complete``: the checks are the whole rule set (default: when ``checks`` is None), so each
    audited document's audit graph is replaced entirely (findings of rules since removed go) and,
    when every document is audited, the audit graphs of documents gone from the store are dropped.
    Otherwise only the findings of the checks run are replaced and the others' stay."""
    full = checks is None if complete is None else complete
    if checks is None:
        checks = load_checks()
    in_store = store.documents()
    if documents is None:
        scope = list(in_store)
    else:
        given = {d if d.startswith(iri.DOC_PREFIX) else str(iri.document(d)): d for d in documents}
        scope = sorted(given)
        unknown = [given[d] for d in scope if d not in in_store]
        if unknown:
            raise RuleError(f"not a document in the store: {', '.join(unknown)}")
    wanted = set(scope)
    files = _files(store)
    rows: dict[tuple[str, str], list[Finding]] = {}
    # a check of scope "document" runs on each audited document's own dataset (its cost is the
    # document's, however large the store); over an endpoint, every check runs over the whole dataset
    local = [c for c in checks if c.scope == "document"] if isinstance(store, Store) else []
    # auditing some documents: each check is asked for their rows only (over a store of 10,000 documents,
    # unit-name-consistent 1.5 ms a document instead of seconds for every document of the store)
    only = None if documents is None else scope
    answers = ((c, _ask(store, c, only)) for c in checks if c not in local)  # one at a time, as judged
    if local:
        datasets = DocumentDatasets(store, local)
        per_doc = (_checked(datasets.solutions(d, files[d]), local) for d in scope)  # one document's dataset at a time
        answers = itertools.chain(answers, itertools.chain.from_iterable(per_doc))
    for check, result in answers:
        for f in _judge(result, check, files):
            if f.doc in wanted:
                rows.setdefault((f.doc, check.id), []).append(f)
    findings = []
    for (doc, _), found in sorted(rows.items()):
        found.sort(key=_order)
        kept = []
        for f in found:
            if kept and _order(kept[-1]) == _order(f):
                continue  # the same row twice (a join that repeats it)
            f.n = len(kept) + 1
            f.node = str(iri.audit_finding(doc, f.check.id, f.n))
            kept.append(f)
        findings.extend(kept)
    _describe_facts(store, findings)
    report = AuditReport(checks=list(checks), documents=scope, findings=findings, titles=_titles(store, files, only))
    if write:
        report.graphs = _write(store, report, prune=full and documents is None, whole=full)
    return report


def _natural(text: str) -> tuple:
    """"…/project/10" after "…/project/9": digit runs compare as numbers."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", text) if part)


def _order(f: Finding) -> tuple:
    return (
        tuple(_natural(x.iri) for x in f.facts),
        f.expected if f.expected is not None else Decimal("-Infinity"),
        f.actual if f.actual is not None else Decimal("-Infinity"),
        f.message,
    )


def _files(store: Reader) -> dict[str, str]:
    """Document IRI → its bk:sourceFile."""
    rows = store.select("SELECT DISTINCT ?doc ?file WHERE { ?doc a bk:BudgetDocument ; bk:sourceFile ?file }")
    return {r["doc"]: r["file"] for r in rows}


def _titles(store: Reader, files: dict[str, str], only: list[str] | None = None) -> dict[str, str]:
    """Document IRI → "file · unit year kind", for report headings (of the documents ``only``, when given)."""
    rows = store.select(restricted(
        "SELECT ?doc (SAMPLE(?u) AS ?unit) (SAMPLE(?y) AS ?year) (SAMPLE(?k) AS ?kind) WHERE { ?doc a bk:BudgetDocument "
        "OPTIONAL { ?doc bk:publishedBy/rdfs:label ?u FILTER(LANG(?u) = \"\") } OPTIONAL { ?doc bk:fiscalYear ?y } "
        "OPTIONAL { ?doc bk:documentKind ?k } } GROUP BY ?doc", only))
    out = {}
    for r in rows:
        about = " ".join(str(r[k]) for k in ("unit", "year", "kind") if r.get(k) is not None)
        out[r["doc"]] = f"{files.get(r['doc'], r['doc'])} · {about}" if about else files.get(r["doc"], r["doc"])
    return out


def restricted(sparql: str, docs: list[str] | None) -> str:
    """The query keeping only its rows whose ``?doc`` is one of ``docs`` (None: the query as it is).

    A trailing ``VALUES``, which SPARQL joins with the query's result (after its grouping, before its
    order), so the rows are exactly the whole answer's rows about those documents, whatever the query;
    Oxigraph starts its plan from it. A row whose ``?doc`` is unbound (a faulty rule, refused over the
    whole store) would take each of the values. A query that makes ``?doc`` in its SELECT clause
    (``(… AS ?doc)``), which the VALUES would bind first, is left as it is.

    >>> restricted("SELECT ?doc WHERE { ?doc ?p ?o } # end", ["http://x/d"])
    'SELECT ?doc WHERE { ?doc ?p ?o } # end\\nVALUES ?doc { <http://x/d> }'
    >>> restricted("SELECT (SAMPLE(?d) AS ?doc) WHERE { ?d ?p ?o }", ["http://x/d"])
    'SELECT (SAMPLE(?d) AS ?doc) WHERE { ?d ?p ?o }'
    """
    if docs is None or re.search(r"\bAS\s+[?$]doc\s*\)", sparql, re.IGNORECASE):
        return sparql
    return sparql.rstrip() + "\nVALUES ?doc { " + " ".join(f"<{d}>" for d in docs) + " }"


def _ask(store: Reader, check: Check, only: list[str] | None = None):
    """One check's solutions over the whole store (about the documents ``only``, when given)."""
    try:
        return store.query(restricted(check.sparql, only))
    except Exception as e:  # a query that parsed but fails on the data: name the rule
        raise RuleError(str(e), file=str(check.path)) from e


def _checked(solutions, checks: list[Check]):
    """``(check, solutions)`` pairs as they come, a failing query named by its rule."""
    it = iter(solutions)
    for check in checks:
        try:
            yield next(it)
        except StopIteration:
            return
        except Exception as e:
            raise RuleError(str(e), file=str(check.path)) from e


def _judge(result, check: Check, files: dict[str, str]) -> list[Finding]:
    """The rows of one check that are findings (numbered later)."""
    names = [v.value for v in result.variables]
    facts = [n for n in names if n.startswith("fact")]
    details = [n for n in names if n not in RESULT_VARIABLES and not n.startswith("fact")]
    out = []
    for sol in result:
        doc = sol["doc"]
        if not isinstance(doc, ox.NamedNode):
            raise RuleError(f"a row's ?doc is {'unbound' if doc is None else doc}, not a document IRI", file=str(check.path))
        if doc.value not in files:
            raise RuleError(f"?doc <{doc.value}> is not a bk:BudgetDocument of the store", file=str(check.path))
        expected = _number(sol, "expected", check) if "expected" in names else None
        actual = _number(sol, "actual", check) if "actual" in names else None
        tolerance = (_number(sol, "tolerance", check) if "tolerance" in names else None) or Decimal(0)
        if expected is not None and actual is not None and abs(actual - expected) <= tolerance:
            continue
        message = sol["message"].value if "message" in names and sol["message"] is not None else check.title_zh
        seen: list[str] = []
        for n in facts:
            term = sol[n]
            if isinstance(term, ox.NamedNode) and term.value not in seen:
                seen.append(term.value)
        out.append(Finding(
            check=check, doc=doc.value, file=files[doc.value], n=0, node="", expected=expected, actual=actual,
            tolerance=tolerance, message=" ".join(message.split()), facts=[Fact(x) for x in seen],
            details={n: sol[n].value for n in details if sol[n] is not None and hasattr(sol[n], "value")},
        ))
    return out


def _number(sol, name: str, check: Check) -> Decimal | None:
    term = sol[name]
    if term is None:
        return None
    if not isinstance(term, ox.Literal):
        raise RuleError(f"?{name} is {term}, not a number", file=str(check.path))
    try:
        return Decimal(term.value)
    except InvalidOperation as e:
        raise RuleError(f"?{name} is '{term.value}', not a number", file=str(check.path)) from e


_FACTS = """
SELECT ?fact (SAMPLE(?file_) AS ?file) (MIN(?line_) AS ?line) (MIN(?page_) AS ?page)
       (MAX(?lastLine_) AS ?lastLine) (MAX(?lastPage_) AS ?lastPage) (SAMPLE(?text_) AS ?text)
       (MIN(?label_) AS ?label) (MIN(?kind_) AS ?kind) (SAMPLE(?table_) AS ?table)
       (SAMPLE(?column_) AS ?column) (SAMPLE(?amount_) AS ?amount)
WHERE {
  VALUES ?fact { %s }
  OPTIONAL { ?fact prov:wasDerivedFrom/bk:sourceFile ?file_ }
  OPTIONAL { ?fact bk:sourceFile ?file_ }
  OPTIONAL { ?fact bk:sourceLine ?line_ }
  OPTIONAL { ?fact bk:sourcePage ?page_ }
  OPTIONAL { ?fact bk:lastLine ?lastLine_ }
  OPTIONAL { ?fact bk:lastPage ?lastPage_ }
  OPTIONAL { ?fact bk:sourceText ?text_ }
  OPTIONAL { ?fact rdfs:label ?label_ FILTER(LANG(?label_) = "") }
  OPTIONAL { ?fact a ?type . FILTER(STRSTARTS(STR(?type), STR(bk:))) BIND(STRAFTER(STR(?type), "#") AS ?kind_) }
  OPTIONAL { ?fact bk:budgetTable ?table_ }
  OPTIONAL { ?fact bk:budgetColumn ?column_ }
  OPTIONAL { ?fact bk:amount ?amount_ }
}
GROUP BY ?fact
"""

# the money unit a fact's table prints: a budget line's own table, or a project's project tables. Each a
# join from the facts (inside the OPTIONAL above, Oxigraph read every table of the store for each fact:
# 37 ms a fact at 1,000 documents, most of a whole audit's time)
_UNITS = (
    "SELECT ?fact ?unit WHERE { VALUES ?fact { %s } ?fact qb:dataSet/bk:moneyUnit ?unit }",
    'SELECT ?fact ?unit WHERE { VALUES ?fact { %s } ?fact a bk:Project ; prov:wasDerivedFrom ?d . ?d bk:hasTable ?t . '
    '?t bk:tableKind ?k ; bk:moneyUnit ?unit FILTER(STRSTARTS(?k, "project")) }',
)


def _describe_facts(store: Reader, findings: list[Finding]) -> None:
    """Fill in each fact's file, line or page, snippet, label and money unit (one query per 400 facts)."""
    wanted = sorted({x.iri for f in findings for x in f.facts})
    info: dict[str, dict] = {}
    units: dict[str, str] = {}
    for i in range(0, len(wanted), 400):
        values = " ".join(f"<{x}>" for x in wanted[i:i + 400])
        for r in store.select(_FACTS % values):
            info[r["fact"]] = r
        for query in _UNITS:
            for r in store.select(query % values):
                units[r["fact"]] = max(units.get(r["fact"], ""), r["unit"])  # as MAX over both
    for f in findings:
        for x in f.facts:
            r = info.get(x.iri, {})
            x.file, x.line, x.page, x.text = r.get("file"), r.get("line"), r.get("page"), r.get("text")
            x.last_line, x.last_page = r.get("lastLine"), r.get("lastPage")
            x.label, x.kind, x.table, x.column = r.get("label"), r.get("kind"), r.get("table"), r.get("column")
            x.amount, x.money_unit = r.get("amount"), units.get(x.iri)


# ---------------------------------------------------------------- writing


def finding_triples(f: Finding) -> list[Triple]:
    """The triples of one finding: what was compared, the facts it concerns, and where the first is printed."""
    node, doc = URIRef(f.node), URIRef(f.doc)
    t: list[Triple] = [
        (node, RDF.type, BK.Finding),
        (node, BK.checkId, Literal(f.check.id)),
        (node, BK.severity, Literal(f.check.severity)),
        (node, BK.message, Literal(f.message)),
        (node, RDFS.label, Literal(f.check.title_zh)),
        (node, RDFS.label, Literal(f.check.title_en, lang="en")),
        (node, BK.tolerance, _dec(f.tolerance)),
        (node, PROV.wasDerivedFrom, doc),
    ]
    if f.expected is not None:
        t.append((node, BK.expectedValue, _dec(f.expected)))
    if f.actual is not None:
        t.append((node, BK.actualValue, _dec(f.actual)))
    if f.difference is not None:
        t.append((node, BK.difference, _dec(f.difference)))
    t += [(node, BK.concerns, URIRef(x.iri)) for x in f.facts]
    source = next((x for x in f.facts if x.line is not None or x.page is not None or x.text), None)
    if source is not None:
        if source.line is not None:
            t.append((node, BK.sourceLine, Literal(source.line)))
        if source.page is not None:
            t.append((node, BK.sourcePage, Literal(source.page)))
        if source.text:
            t.append((node, BK.sourceText, Literal(source.text)))
    return t


def _write(store: Store, report: AuditReport, prune: bool, whole: bool) -> list[str]:
    """Replace the audited documents' audit graphs in one transaction.

    ``whole``: each graph becomes exactly this run's findings; otherwise the findings of checks
    this run did not run are kept. ``prune``: also drop audit graphs of documents gone from the store."""
    graphs: dict[URIRef, list[Triple]] = {iri.audit_graph_of(d): [] for d in report.documents}
    if not whole:
        ran = {c.id for c in report.checks}
        for g in graphs:
            graphs[g] = [t for t in _graph_triples(store, g) if _check_of(str(t[0])) not in ran]
    for f in report.findings:
        graphs[iri.audit_graph_of(f.doc)].extend(finding_triples(f))
    if prune:
        for g in store.graphs():
            if g.value.startswith(iri.AUDIT_PREFIX) and URIRef(g.value) not in graphs:
                graphs[URIRef(g.value)] = []
    store.replace(graphs)
    store.flush()
    return sorted(str(g) for g in graphs)


def _check_of(node: str) -> str | None:
    """``<doc>/audit/<check-id>/<n>`` → check-id."""
    head, sep, _ = node.rpartition("/")
    if not sep or "/audit/" not in head:
        return None
    return head.rpartition("/")[2]


def _graph_triples(store: Store, graph: URIRef) -> list[Triple]:
    res = store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH {nt(graph)} {{ ?s ?p ?o }} }}")
    return [(_rdflib(sol["s"]), _rdflib(sol["p"]), _rdflib(sol["o"])) for sol in res]


def _rdflib(term) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unexpected term in an audit graph: {term!r}")


def _dec(d: Decimal) -> Literal:
    return Literal(str(d), datatype=XSD.decimal)


def _s(d: Decimal | None) -> str | None:
    """Money for JSON: an exact decimal string (never a float), without a trailing .00 of whole yuan."""
    if d is None:
        return None
    if d == d.to_integral():
        return str(d.quantize(Decimal(1)))
    return str(d.normalize())
