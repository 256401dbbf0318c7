"""Helpers for tests/test_audit_rules.py: read an audit rule (queries/audit/<id>.rq), run it the way
the audit runner does, and build stores of edited copies of the sample documents.

:func:`run_rule_like_the_runner` stands in for the real runner (``kg.audit``, written at the same
time as these rules): it runs the rule's SPARQL with :meth:`kg.store.Store.select` and keeps a row
when ``?expected`` or ``?actual`` is unbound, or when ``|actual - expected| > tolerance`` (an
unbound ``?tolerance`` is 0). Swap it for ``kg.audit`` once that exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "queries" / "audit"
SEVERITIES = ("error", "warning", "info")
HEADER_KEYS = ("id", "title", "severity", "tolerance")
_HEADER = re.compile(r"^#\s*(id|title|severity|tolerance):\s*(.*?)\s*$")


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    severity: str
    tolerance: str
    question: str
    sparql: str
    path: Path


def load_rule(path: Path) -> Rule:
    """The header fields (``# id: …``, ``# title: …``, ``# severity: …``, ``# tolerance: …``), the
    ``# Question:`` comment with its indented continuation lines, and the whole file as the SPARQL."""
    text = path.read_text("utf-8")
    fields: dict[str, str] = {}
    question: list[str] = []
    in_question = False
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        body = line[1:]
        if in_question and body.startswith("  ") and body.strip():
            question.append(body.strip())
            continue
        in_question = False
        m = _HEADER.match(line)
        if m:
            fields[m.group(1)] = m.group(2)
        elif body.strip().startswith("Question:"):
            in_question = True
            question.append(body.strip()[len("Question:"):].strip())
    missing = [k for k in HEADER_KEYS if k not in fields]
    if missing:
        raise ValueError(f"{path.name}: header lacks {', '.join(missing)}")
    return Rule(
        id=fields["id"], title=fields["title"], severity=fields["severity"], tolerance=fields["tolerance"],
        question=" ".join(q for q in question if q), sparql=text, path=path,
    )


def all_rules() -> dict[str, Rule]:
    return {r.id: r for r in (load_rule(p) for p in sorted(RULES.glob("*.rq")))}


def comparisons(store, rule: Rule) -> list[dict]:
    """Every row the rule returns (what it compared, agreeing or not)."""
    return store.select(rule.sparql)


def is_finding(row: dict) -> bool:
    """The runner's rule: a presence check (no figures) or a difference beyond the tolerance."""
    e, a = row.get("expected"), row.get("actual")
    if e is None or a is None:
        return True
    return abs(Decimal(a) - Decimal(e)) > Decimal(row.get("tolerance") or 0)


def run_rule_like_the_runner(store, rule: Rule) -> list[dict]:
    """The rows the audit runner would keep as findings."""
    return [r for r in comparisons(store, rule) if is_finding(r)]


def doc_iri(file: str) -> str:
    from kg import iri

    return str(iri.document(file))


# ---------------------------------------------------------------- edited copies of a sample document


@dataclass(frozen=True)
class Edit:
    """One cell changed in a copy of a sample document: the first ``old`` after ``after`` becomes ``new``.

    ``after`` (a string found once in the file, e.g. a table's title line) says which table the cell
    is in, since the 支出总表 and the 一般公共预算支出表 print the same rows; empty: ``old`` is unique.
    """

    name: str  # the copy's file name starts with it
    sample: str  # the sample file it copies
    old: str
    new: str
    after: str = ""

    @property
    def file(self) -> str:
        return f"{self.name}_{self.sample}"

    def apply(self, text: str) -> str:
        if self.after:
            if text.count(self.after) != 1:
                raise ValueError(f"{self.name}: {self.after!r} occurs {text.count(self.after)} times, not once")
            start = text.index(self.after) + len(self.after)
        else:
            if text.count(self.old) != 1:
                raise ValueError(f"{self.name}: {self.old!r} occurs {text.count(self.old)} times, not once")
            start = 0
        at = text.find(self.old, start)
        if at < 0:
            raise ValueError(f"{self.name}: {self.old!r} not found after {self.after!r}")
        return text[:at] + self.new + text[at + len(self.old):]


def write_edited(edit: Edit, sample_dir: Path, out_dir: Path) -> Path:
    """A copy of the sample with ``edit`` applied, named ``edit.file``."""
    path = out_dir / edit.file
    path.write_text(edit.apply((sample_dir / edit.sample).read_text("utf-8")), "utf-8")
    return path


def build_store(paths: list[Path], store_dir: Path):
    """A store on disk holding these documents, ingested in this process (jobs=1)."""
    from kg.pipeline import ingest
    from kg.store import Store

    store = Store(store_dir)
    report = ingest(paths, store, jobs=1)
    if report.failed:
        raise RuntimeError(f"ingest failed: {report.failed}")
    return store


def store_of_extractions(extractions, store_dir: Path):
    """A store holding documents already extracted (the session's cached PDF extractions), written
    the way ``kg.pipeline.ingest`` writes them: reference data, each document's graphs, entities, links."""
    from kg.link import link_store
    from kg.map import map_extraction
    from kg.pipeline import load_reference_data
    from kg.store import Store

    store = Store(store_dir)
    load_reference_data(store)
    for ex in extractions:
        mapped = map_extraction(ex)
        store.replace_document(mapped.file, mapped.graphs(), mapped.contrib)
    link_store(store)
    return store


def run_all(store, rules: dict[str, Rule]) -> dict[str, list[dict]]:
    """rule id → every row it returns on the store (run once, asserted on by many tests)."""
    return {rid: comparisons(store, rule) for rid, rule in rules.items()}
