"""The audit: checks written as SPARQL files (``queries/audit/*.rq``), run over a store, their findings
kept in the graph (``id:graph/audit/<file>``) and reported (``kg audit``).

- :mod:`kg.audit.rules`: a rule file's header and query → a :class:`Check`; malformed files are refused;
- :mod:`kg.audit.per_document`: the dataset of one document, on which the checks of scope "document" run;
- :mod:`kg.audit.run`: run the checks, judge each row against its tolerance, write the findings;
- :mod:`kg.audit.report`: the findings as a terminal table, JSON or a self-contained HTML page.
"""

from kg.audit.rules import RULES, SEVERITIES, Check, RuleError, RuleErrors, load_checks
from kg.audit.run import AuditReport, Fact, Finding, audit

__all__ = [
    "RULES", "SEVERITIES", "Check", "RuleError", "RuleErrors", "load_checks", "AuditReport", "Fact", "Finding", "audit",
]
