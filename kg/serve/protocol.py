"""The SPARQL 1.1 Protocol side of the endpoint: reading a query request, choosing a format.

A query arrives as ``GET /sparql?query=…``, as a form ``POST`` (``query=…``) or as a ``POST`` whose
body is the query (``application/sparql-query``). An update in any of its forms is refused (the
endpoint is read-only). ``default-graph-uri`` / ``named-graph-uri`` (each repeatable) choose the RDF
dataset and override the query's ``FROM`` / ``FROM NAMED``; without either, the query's own clauses
apply, and without those the project's default dataset (:mod:`kg.dataset`). A ``GET`` without a
query asks for the Service Description (:mod:`kg.serve.service`).

The answer's format is negotiated on ``Accept`` (with q-values), or forced by ``format=``:

>>> negotiate("text/csv;q=0.5, application/sparql-results+xml", RESULT_OFFERS)
('application/sparql-results+xml', 'xml')
>>> negotiate(None, GRAPH_OFFERS)
('text/turtle', 'turtle')
>>> negotiate("text/html", GRAPH_OFFERS) is None
True
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs

from kg.dataset import Dataset, from_protocol
from kg.errors import KgError, QueryError
from kg.serve.guard import READ_ONLY, Refused, check

MAX_BODY = 1 << 20  # bytes of a POSTed query

# (media type, format name), in the server's order of preference: the first is the default
RESULT_OFFERS = [
    ("application/sparql-results+json", "json"),
    ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"),
    ("text/tab-separated-values", "tsv"),
    ("application/json", "json"),
]
GRAPH_OFFERS = [
    ("text/turtle", "turtle"),
    ("application/rdf+xml", "rdfxml"),
    ("application/n-triples", "ntriples"),
    ("application/ld+json", "jsonld"),
]
HTML_OFFERS = [("text/html", "html"), ("application/xhtml+xml", "html")]

#: format name → the Content-Type it is sent with
CONTENT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
    "html": "text/html; charset=utf-8",
}
#: what ``format=`` accepts: a name, a common alias or one of the media types
FORMAT_NAMES = {
    "json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv", "tsv": "tsv",
    "turtle": "turtle", "ttl": "turtle", "ntriples": "ntriples", "n-triples": "ntriples", "nt": "ntriples",
    "jsonld": "jsonld", "json-ld": "jsonld", "rdfxml": "rdfxml", "rdf": "rdfxml", "rdf+xml": "rdfxml", "html": "html",
} | {media: name for media, name in RESULT_OFFERS + GRAPH_OFFERS + HTML_OFFERS}
#: ``format=xml`` (or ``json``) of a CONSTRUCT or DESCRIBE means its graph in that syntax: clients such as
#: SPARQLWrapper send ``format=`` with the name of the family, whatever the query form
GRAPH_ALIASES = {"xml": "rdfxml", "json": "jsonld"}


class HttpError(KgError):
    """A request the endpoint answers with an error status and a one-line message."""

    status = "400 Bad Request"

    def __init__(self, message: str, status: str | None = None, headers: list[tuple[str, str]] | None = None):
        super().__init__(message)
        if status:
            self.status = status
        self.headers = headers or []


def not_acceptable(accept: str | None, offers: list[tuple[str, str]], what: str) -> HttpError:
    types = ", ".join(dict.fromkeys(m for m, _ in offers))
    return HttpError(f"none of the accepted types ({accept}) is available for {what}; available: {types}",
                     "406 Not Acceptable")


@dataclass(frozen=True)
class QueryRequest:
    """A query as the protocol delivered it."""

    sparql: str
    form: str | None  # SELECT, ASK, CONSTRUCT, DESCRIBE, or None when the lexer cannot tell
    format: str | None  # the ``format=`` parameter, if any
    accept: str | None
    dataset: Dataset | None = None  # default-graph-uri / named-graph-uri, when given


# ---------------------------------------------------------------- content negotiation

def _accepted(accept: str) -> list[tuple[str, float]]:
    """``Accept`` → [(media range, q)]; entries with a malformed q are ignored."""
    ranges = []
    for part in accept.split(","):
        media, *params = [p.strip() for p in part.split(";")]
        if "/" not in media:
            continue
        q = 1.0
        try:
            for p in params:
                name, _, value = p.partition("=")
                if name.strip().lower() == "q":
                    q = float(value)
        except ValueError:
            continue
        ranges.append((media.lower(), max(0.0, min(q, 1.0))))
    return ranges


def quality(media_type: str, ranges: list[tuple[str, float]]) -> float:
    """The q the client gives ``media_type``: that of the most specific range matching it.

    >>> quality("text/csv", _accepted("text/*;q=0.3, */*;q=0.1"))
    0.3
    """
    kind = media_type.split("/")[0] + "/*"
    for pattern in (media_type, kind, "*/*"):
        qs = [q for r, q in ranges if r == pattern]
        if qs:
            return max(qs)
    return 0.0


def negotiate(accept: str | None, offers: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The offer (media type, format name) the client prefers; ties go to the earlier offer.
    None when nothing offered is acceptable. No (or an empty) ``Accept`` takes the first offer."""
    if not accept or not accept.strip():
        return offers[0]
    ranges = _accepted(accept)
    if not ranges:
        return offers[0]
    best, best_q = None, 0.0
    for offer in offers:
        q = quality(offer[0], ranges)
        if q > best_q:
            best, best_q = offer, q
    return best


def choose(accept: str | None, format_param: str | None, offers: list[tuple[str, str]], what: str) -> str:
    """The format name to answer in: ``format=`` when given (400 if unknown, 406 if it does not fit
    ``what``), else the negotiated one (406 when the client accepts nothing offered)."""
    if format_param:
        name = FORMAT_NAMES.get(format_param.strip().lower())
        if name is None:
            known = ", ".join(sorted({k for k in FORMAT_NAMES if "/" not in k}))
            raise HttpError(f"unknown format={format_param}; use one of {known}")
        offered = {n for _, n in offers}
        if name not in offered and GRAPH_ALIASES.get(name) in offered:
            name = GRAPH_ALIASES[name]
        if name not in offered:
            fits = ", ".join(dict.fromkeys(n for _, n in offers))
            raise HttpError(f"format={format_param} does not apply to {what}; use {fits}", "406 Not Acceptable")
        return name
    chosen = negotiate(accept, offers)
    if chosen is None:
        raise not_acceptable(accept, offers, what)
    return chosen[1]


# ---------------------------------------------------------------- reading a request

def params(query_string: str) -> dict[str, list[str]]:
    """Form or query-string parameters (UTF-8); a malformed encoding is a 400."""
    try:
        return parse_qs(query_string, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError as e:
        raise HttpError("parameters are not valid UTF-8") from e


def body(environ) -> bytes:
    """The request body, at most MAX_BODY bytes (413 beyond)."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError as e:
        raise HttpError("bad Content-Length") from e
    if length > MAX_BODY:
        raise HttpError(f"the request body is larger than {MAX_BODY} bytes", "413 Content Too Large")
    return environ["wsgi.input"].read(length) if length > 0 else b""


def _one(values: dict[str, list[str]], name: str) -> str | None:
    got = values.get(name, [])
    if len(got) > 1:
        raise HttpError(f"give one {name} parameter, not {len(got)}")
    return got[0] if got else None


def query_request(environ) -> QueryRequest | None:
    """Read a SPARQL 1.1 Protocol query request (GET, form POST or direct POST) from a WSGI environ;
    None for a GET without a query (the Service Description is asked for). Raises :class:`HttpError`
    or :class:`kg.serve.guard.Refused` (both 400 unless said otherwise)."""
    method = environ["REQUEST_METHOD"]
    values = params(environ.get("QUERY_STRING", ""))
    if method == "POST":
        media = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        data = body(environ)
        if media == "application/sparql-update":
            raise Refused(READ_ONLY)
        if media == "application/x-www-form-urlencoded":
            try:
                form = params(data.decode("ascii"))
            except UnicodeDecodeError as e:
                raise HttpError("a form body must be URL-encoded ASCII") from e
            for name, got in form.items():
                values.setdefault(name, []).extend(got)
        elif media == "application/sparql-query":
            try:
                values.setdefault("query", []).append(data.decode("utf-8"))
            except UnicodeDecodeError as e:
                raise HttpError("the query is not valid UTF-8") from e
        else:
            raise HttpError(
                f"cannot read a {media or 'body without Content-Type'}: POST a query as "
                "application/x-www-form-urlencoded (query=…) or application/sparql-query",
                "415 Unsupported Media Type",
            )
    elif method not in ("GET", "HEAD"):
        raise HttpError(f"{method} is not allowed here; use GET or POST", "405 Method Not Allowed",
                        [("Allow", "GET, HEAD, POST, OPTIONS")])
    if "update" in values or "using-graph-uri" in values or "using-named-graph-uri" in values:
        raise Refused(READ_ONLY)
    sparql = _one(values, "query")
    if sparql is None:
        if method in ("GET", "HEAD"):
            return None
        raise HttpError("no query: send GET /sparql?query=…, or POST query=… (the query page is at /)")
    if not sparql.strip():
        raise HttpError("the query is empty")
    try:
        dataset = from_protocol(values.get("default-graph-uri", []), values.get("named-graph-uri", []))
    except QueryError as e:
        raise HttpError(e.message) from e
    return QueryRequest(sparql, check(sparql), _one(values, "format"), environ.get("HTTP_ACCEPT"), dataset)
