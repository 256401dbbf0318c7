"""Read-only checks on a SPARQL text before it reaches a query worker.

The endpoint answers queries only: an update (``INSERT``, ``DELETE``, ``LOAD`` …) is refused with
a clear message rather than the parser's "expected CONSTRUCT", and so is ``SERVICE``, which would
make the server fetch arbitrary URLs. Keywords are looked for in the query's *code*: comments,
string literals and IRIs are blanked out first, so a ``SERVICE`` written inside a string or an IRI
is data, not a keyword.

>>> query_form('PREFIX ex: <http://e/> SELECT * WHERE { ?s ?p "INSERT" }')
'SELECT'
>>> check('SELECT * WHERE { ?s ?p "SERVICE <x>" }  # SERVICE in a comment')
'SELECT'
>>> check('SELECT * WHERE { SERVICE <http://e/sparql> { ?s ?p ?o } }')
Traceback (most recent call last):
...
kg.serve.guard.Refused: SERVICE is not allowed: this endpoint only queries its own store
"""

from __future__ import annotations

import re

from kg.errors import QueryError

READ_ONLY = "this endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR …) is not accepted"
QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
UPDATE_OPERATIONS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)

# What the lexer must skip before looking at words, longest alternatives first: long strings,
# short strings (with their escapes), IRI references (SPARQL's IRIREF: no spaces, no <>"{}|^`\),
# comments. "<" followed by a space is the less-than operator, which the IRI rule does not match.
_NOT_CODE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|#[^\n\r]*",
    re.S,
)
# a "word" of SPARQL code: keywords, variables (?x $x) and prefixed names (ex:service) stay whole
_WORD = re.compile(r"[\w?$:.\-]+")


class Refused(QueryError):
    """The endpoint does not run this request (an update, or a SERVICE call)."""


def code(sparql: str) -> str:
    """The SPARQL text with comments, string literals and IRIs replaced by a space.

    >>> code('ASK { <http://e/SERVICE> ?p "a # b" } # SERVICE')
    'ASK {   ?p   }  '
    """
    return _NOT_CODE.sub(" ", sparql)


def _words(sparql: str) -> list[str]:
    return [w.strip(".").upper() for w in _WORD.findall(code(sparql))]


def query_form(sparql: str) -> str | None:
    """The first query-form or update keyword after the prologue (``SELECT``, ``CONSTRUCT``,
    ``INSERT`` …), or None when there is none (the parser will say what is wrong).

    >>> query_form("BASE <http://e/> PREFIX a: <http://a/> DESCRIBE a:x")
    'DESCRIBE'
    >>> query_form("prefix ex: <http://e/>\\ninsert data { ex:a ex:b ex:c }")
    'INSERT'
    """
    for word in _words(sparql):
        if word in QUERY_FORMS or word in UPDATE_OPERATIONS:
            return word
    return None


def check(sparql: str) -> str | None:
    """Refuse an update or a SERVICE call; otherwise return the query form (see :func:`query_form`).

    >>> check("DELETE WHERE { ?s ?p ?o }")
    Traceback (most recent call last):
    ...
    kg.serve.guard.Refused: this endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR …) is not accepted
    >>> check("SELECT ?service WHERE { ?service ex:service ?x }")
    'SELECT'
    """
    form = query_form(sparql)
    if form in UPDATE_OPERATIONS:
        raise Refused(READ_ONLY)
    if "SERVICE" in _words(sparql):
        raise Refused("SERVICE is not allowed: this endpoint only queries its own store")
    return form
