"""The RDF dataset a query runs over, as SPARQL 1.1 says (Query §13.2, Protocol §2.1.4).

Three sources, the first present wins:

1. the protocol's ``default-graph-uri`` / ``named-graph-uri`` parameters (``kg serve``; the Python API's
   ``dataset=``): :func:`from_protocol`;
2. the query's own ``FROM`` / ``FROM NAMED`` clauses: :func:`from_query`;
3. neither: the project's default dataset — the default graph is the union of every named graph, and
   ``GRAPH ?g`` ranges over them all (:mod:`kg.store`).

A :class:`Dataset` given by 1 or 2 is exactly what the spec defines: its default graph is the RDF merge
of the ``default`` graphs (a triple two of them state is there once; none given: an empty default graph),
and ``GRAPH`` sees only the ``named`` graphs (none given: no named graph). A graph the store does not
hold is an empty graph, not an error.

>>> from_query("SELECT * FROM <http://a/g1> FROM NAMED ex:g2 WHERE { ?s ?p ?o }", {"ex": "http://e/"})
Dataset(default=('http://a/g1',), named=('http://e/g2',))
>>> from_query('SELECT ?from WHERE { ?s <http://x/FROM> "FROM <y>" } # FROM <z>') is None
True
>>> from_query("BASE <http://b/> PREFIX : <http://c/> CONSTRUCT { ?s ?p ?o } FROM <g> FROM :h WHERE { ?s ?p ?o }")
Dataset(default=('http://b/g', 'http://c/h'), named=())
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from kg.errors import QueryError

# What the lexer reads, longest alternatives first: strings and comments (skipped), IRIs, prefixed names,
# keywords. A FROM keyword can only begin a dataset clause (SPARQL 1.1 grammar [13]), and the lexer never
# looks inside a string, an IRI or a comment.
_TOKEN = re.compile(
    r'(?P<skip>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\'|#[^\n\r]*|[?$][\w\u00B7\u00C0-\uFFFF]+)'
    r'|<(?P<iri>[^<>"{}|^`\\\x00-\x20]*)>'
    r"|(?P<pname>(?:[A-Za-z\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*)?:(?:[\w\-:%\u00B7\u00C0-\uFFFF]|\.(?=[\w\-:%]))*)"
    r"|(?P<word>[A-Za-z]+)",
    re.S,
)
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*$")


@dataclass(frozen=True)
class Dataset:
    """An RDF dataset: the IRIs of the graphs whose merge is the default graph, and of the named graphs."""

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()

    def describe(self) -> str:
        """One line for messages and logs.

        >>> Dataset(("http://a",), ()).describe()
        'FROM <http://a>'
        """
        parts = [f"FROM <{g}>" for g in self.default] + [f"FROM NAMED <{g}>" for g in self.named]
        return " ".join(parts) or "an empty dataset"


def from_protocol(default_graph_uri: list[str] | tuple[str, ...] = (),
                  named_graph_uri: list[str] | tuple[str, ...] = ()) -> Dataset | None:
    """The dataset of the protocol's ``default-graph-uri`` and ``named-graph-uri`` parameters (each may be
    repeated), or None when there are none; a value that is not an absolute IRI is a :class:`QueryError`.

    >>> from_protocol(["http://a/1", "http://a/2"], [])
    Dataset(default=('http://a/1', 'http://a/2'), named=())
    >>> from_protocol([], []) is None
    True
    >>> from_protocol(["doc/1"], [])
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: default-graph-uri 'doc/1' is not an absolute IRI
    """
    if not default_graph_uri and not named_graph_uri:
        return None
    for name, values in (("default-graph-uri", default_graph_uri), ("named-graph-uri", named_graph_uri)):
        for v in values:
            if not _ABSOLUTE.match(v):
                raise QueryError(f"{name} {v!r} is not an absolute IRI")
    return Dataset(tuple(dict.fromkeys(default_graph_uri)), tuple(dict.fromkeys(named_graph_uri)))


def from_query(sparql: str, prefixes: dict[str, str] | None = None) -> Dataset | None:
    """The dataset the query's ``FROM`` / ``FROM NAMED`` clauses describe, or None when it has none.
    Prefixed names resolve with the query's ``PREFIX`` declarations, then ``prefixes`` (the project's,
    predeclared); relative IRIs against its ``BASE``. Undeclared prefixes are left to the parser to report."""
    declared = dict(prefixes or {})
    base: str | None = None
    default: list[str] = []
    named: list[str] = []
    tokens = [m for m in _TOKEN.finditer(sparql) if not m.group("skip")]
    found = False
    i = 0
    while i < len(tokens):
        word = (tokens[i].group("word") or "").upper()
        if word == "BASE" and i + 1 < len(tokens) and tokens[i + 1].group("iri") is not None:
            base = _resolve(tokens[i + 1].group("iri"), base)
            i += 2
            continue
        if word == "PREFIX" and i + 2 < len(tokens) and tokens[i + 1].group("pname") is not None \
                and tokens[i + 2].group("iri") is not None:
            declared[tokens[i + 1].group("pname").split(":", 1)[0]] = _resolve(tokens[i + 2].group("iri"), base)
            i += 3
            continue
        if word == "FROM":
            found = True
            target = named if i + 1 < len(tokens) and (tokens[i + 1].group("word") or "").upper() == "NAMED" else default
            j = i + (2 if target is named else 1)
            iri = _term(tokens[j], declared, base) if j < len(tokens) else None
            if iri is None:
                return None  # not a dataset clause we can read: the parser will say what is wrong
            target.append(iri)
            i = j + 1
            continue
        i += 1
    if not found:
        return None
    return Dataset(tuple(dict.fromkeys(default)), tuple(dict.fromkeys(named)))


def _resolve(iri: str, base: str | None) -> str:
    return urljoin(base, iri) if base and not _ABSOLUTE.match(iri) else iri


def _term(token: re.Match, declared: dict[str, str], base: str | None) -> str | None:
    if token.group("iri") is not None:
        return _resolve(token.group("iri"), base)
    pname = token.group("pname")
    if pname is None:
        return None
    prefix, _, local = pname.partition(":")
    ns = declared.get(prefix)
    return None if ns is None else ns + re.sub(r"\\(.)", r"\1", local)
