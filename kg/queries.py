"""The SPARQL files of ``queries/`` as the code reads them, and which of them the store keeps per
document.

``INDEXED`` names the queries whose answer over the store is the union of each document's own answer
(no row joins facts that only another document states), with the variable a caller binds. When a
document is stored, its part of each is computed from its own graphs (:func:`kg.store.document_answers`)
and kept in the ledger under that variable's IRI, so that ``kg trace`` of a policy cited by a thousand
projects reads a thousand rows from an index instead of joining them across the store.
"""

from __future__ import annotations

from functools import cache

from kg.resources import queries_dir, read_text

#: query file → the variable its callers bind (the key of its indexed rows)
INDEXED = {"trace-policy.rq": "policy", "project-indicators.rq": "project", "document-projects.rq": "doc"}
#: the queries indexed from the start (ledger meta ``answers``); one added since is complete only in a
#: store made after it (meta ``answers:<query>``): the documents of an older store do not have it
FIRST_INDEXED = ("trace-policy.rq", "project-indicators.rq")


def query_text(name: str) -> str:
    return read_text(queries_dir() / name, f"the question {name}")


@cache
def indexed_queries() -> dict[str, tuple[str, str]]:
    """name → (SPARQL text, key variable) of the :data:`INDEXED` queries."""
    return {name: (query_text(name), key) for name, key in INDEXED.items()}
