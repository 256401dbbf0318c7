"""Audit checks as data: one SPARQL SELECT file per check in ``queries/audit/``, opened by a header.

The header is the comment block at the top of the file (the contract between the rule files and
this runner)::

    # id: cross-basic-total
    # title: 基本支出：支出表与经济分类表一致 | Basic expenditure: the expenditure table agrees with …
    # severity: error
    # tolerance: 0.01 万元 per printed figure
    # Question: which documents print a 基本支出 in the expenditure table that …
    #   (more comment lines continue the question)
    SELECT ?doc ?expected ?actual ?tolerance ?message ?fact ?fact2 WHERE { … }

``id`` (lower-case letters, digits and hyphens: it becomes part of IRIs), ``title`` (Chinese | English),
``severity`` (error, warning or info) and ``Question`` are required; ``measure`` says what ``?expected`` and
``?actual`` are, ``money`` (yuan, the default) or ``count`` (reports print them as numbers, not 元); ``tolerance`` is free text for
reports (the number a row is judged by is its ``?tolerance``); ``scope: document`` says that the check's rows
about a document come from that document's own graphs, its contribution to the shared entities and the
reference graphs alone (the predicates the query names), so it is run on each document's dataset
(:mod:`kg.audit.per_document`) instead of the whole store (``scope: store``, the default). Keys are case-insensitive; any other
comment line of the header is kept as part of the question, and so is a ``Tolerance:`` line after the
question (a paragraph explaining the tolerance: the first ``tolerance`` line is the one reports show).

The query must be a SELECT projecting ``?doc`` and may project ``?expected``, ``?actual``,
``?tolerance``, ``?message`` and any number of variables named ``fact…``; any other variable it
projects (``?table``, ``?column`` …) is carried along as a detail of the finding, for reports only.

>>> c = parse_check('''# id: demo
... # title: 示例 | Example
... # severity: warning
... # Question: does the example work?
... #   It does.
... SELECT ?doc ?fact WHERE { ?fact prov:wasDerivedFrom ?doc }''', "demo.rq")
>>> c.id, c.title_zh, c.title_en, c.severity, c.question, c.fact_variables
('demo', '示例', 'Example', 'warning', 'does the example work? It does.', ('fact',))
>>> parse_check("# id: x\\nSELECT ?doc WHERE {}", "x.rq")
Traceback (most recent call last):
...
kg.audit.rules.RuleError: x.rq:1: the header has no title (expected '# title: 中文 | English')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.errors import QueryError
from kg.resources import queries_dir
from kg.vocab import PREFIXES

RULES = queries_dir() / "audit"  # queries/audit of the repository, shipped in the package (kg.resources)
SEVERITIES = ("error", "warning", "info")  # most severe first
RESULT_VARIABLES = ("doc", "expected", "actual", "tolerance", "message")

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_KEY = re.compile(r"^#\s*([A-Za-z]+)\s*:\s*(.*)$")
_KEYS = ("id", "title", "severity", "tolerance", "question", "measure", "scope")
MEASURES = ("money", "count")  # what ?expected and ?actual are: yuan (the default) or a count
#: what a check reads: the whole store (the default), or one document's own dataset (kg.audit.per_document)
SCOPES = ("store", "document")


class RuleError(QueryError):
    """A rule file that cannot be used; ``str()`` is one line naming the file (and the line)."""


class RuleErrors(QueryError):
    """Every malformed rule file of a directory: one :class:`RuleError` per file."""

    def __init__(self, errors: list[RuleError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


@dataclass(frozen=True)
class Check:
    """One audit check: its header and its SPARQL (the whole file)."""

    id: str
    title_zh: str
    title_en: str
    severity: str
    tolerance_text: str
    question: str
    sparql: str
    path: Path
    fact_variables: tuple[str, ...] = field(default=(), compare=False)  # projected fact… variables, in order
    detail_variables: tuple[str, ...] = field(default=(), compare=False)  # other projected variables, in order
    measure: str = "money"  # what ?expected and ?actual are: "money" (yuan) or "count"
    scope: str = "store"  # "document": its rows about a document come from that document's graphs alone

    @property
    def title(self) -> str:
        return f"{self.title_zh} | {self.title_en}"


def load_checks(directory: str | Path = RULES) -> list[Check]:
    """Every ``*.rq`` file of ``directory`` as a :class:`Check`, sorted by id.

    Raises :class:`RuleErrors` naming every malformed file (missing header, bad severity, SPARQL
    that does not parse or is not a SELECT, a variable outside the contract) and every id used twice.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise RuleError("no such directory of audit rules", file=str(directory))
    checks, errors = [], []
    for path in sorted(directory.glob("*.rq")):
        try:
            checks.append(load_check(path))
        except RuleError as e:
            errors.append(e)
    first: dict[str, Check] = {}
    for c in checks:
        if c.id in first:
            errors.append(RuleError(f"duplicate id '{c.id}' (also in {first[c.id].path})", file=str(c.path), line=1))
        else:
            first[c.id] = c
    if errors:
        raise RuleErrors(errors)
    return sorted(first.values(), key=lambda c: c.id)


def load_check(path: str | Path) -> Check:
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise RuleError(f"cannot read the rule file ({e})", file=str(path)) from e
    return parse_check(text, path)


def parse_check(text: str, path: str | Path) -> Check:
    """A rule file's text → a :class:`Check`; :class:`RuleError` says what is wrong, and where."""
    path = Path(path)
    where = str(path)
    header: dict[str, str] = {}
    lines_of: dict[str, int] = {}
    extra: list[str] = []
    last = None
    for no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if not line.startswith("#"):
            break
        m = _KEY.match(line)
        key = m.group(1).lower() if m else None
        if key == "tolerance" and key in header and "question" in header:
            key = None  # a paragraph explaining the tolerance: part of the question
        if key in _KEYS:
            if key in header:
                raise RuleError(f"the header gives '{key}' twice", file=where, line=no)
            header[key], lines_of[key], last = m.group(2).strip(), no, key
        elif last == "question":  # a continuation of the question
            header["question"] = (header["question"] + " " + line.lstrip("#").strip()).strip()
        else:
            extra.append(line.lstrip("#").strip())
    if extra and "question" in header:
        header["question"] = " ".join([header["question"], *extra]).strip()

    def need(key: str, shape: str) -> str:
        value = header.get(key, "")
        if not value:
            missing = "an empty" if key in header else "no"
            raise RuleError(f"the header has {missing} {key} (expected '# {shape}')", file=where,
                            line=lines_of.get(key, 1))
        return value

    check_id = need("id", "id: lower-case-words")
    if not _ID.match(check_id):
        raise RuleError(f"bad id '{check_id}': use lower-case letters, digits and hyphens", file=where, line=lines_of["id"])
    title = need("title", "title: 中文 | English")
    zh, bar, en = title.partition("|")
    if not bar or not zh.strip() or not en.strip():
        raise RuleError(f"bad title '{title}': expected '中文 | English'", file=where, line=lines_of["title"])
    severity = need("severity", "severity: error|warning|info").split()[0].lower()
    if severity not in SEVERITIES:
        raise RuleError(f"bad severity '{header['severity']}': expected one of {', '.join(SEVERITIES)}",
                        file=where, line=lines_of["severity"])
    question = need("question", "Question: what the check asks")
    measure = header.get("measure", "money").split()[0].lower() if header.get("measure") else "money"
    if measure not in MEASURES:
        raise RuleError(f"bad measure '{header['measure']}': expected one of {', '.join(MEASURES)}",
                        file=where, line=lines_of["measure"])
    scope = header.get("scope", "store").split()[0].lower() if header.get("scope") else "store"
    if scope not in SCOPES:
        raise RuleError(f"bad scope '{header['scope']}': expected one of {', '.join(SCOPES)}",
                        file=where, line=lines_of["scope"])
    facts, details = _validate_sparql(text, where)
    return Check(
        id=check_id, title_zh=zh.strip(), title_en=en.strip(), severity=severity,
        tolerance_text=header.get("tolerance", ""), question=question, sparql=text, path=path,
        fact_variables=facts, detail_variables=details, measure=measure, scope=scope,
    )


def _validate_sparql(text: str, where: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Parse the query (against an empty store: nothing is evaluated) and check what it projects."""
    try:
        result = ox.Store().query(text, prefixes=PREFIXES)
    except SyntaxError as e:
        msg = str(e).splitlines()[0]
        m = re.match(r"error at (\d+):(\d+): (.*)", msg)
        line = int(m.group(1)) if m else None
        detail = m.group(3) if m else msg
        raise RuleError(f"the SPARQL does not parse: {_clip(detail, 100)}", file=where, line=line) from e
    except (OSError, ValueError, RuntimeError) as e:
        raise RuleError(f"the SPARQL cannot run: {_clip(str(e).splitlines()[0], 100)}", file=where) from e
    if not isinstance(result, ox.QuerySolutions):
        raise RuleError("the query must be a SELECT", file=where)
    names = [v.value for v in result.variables]
    if "doc" not in names:
        raise RuleError("the SELECT does not project ?doc", file=where)
    facts = tuple(n for n in names if n.startswith("fact"))
    details = tuple(n for n in names if n not in RESULT_VARIABLES and not n.startswith("fact"))
    return facts, details


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
