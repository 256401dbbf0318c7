"""The WSGI application of ``kg serve``, and the one function that runs it under waitress.

Routes (every error is a one-line ``text/plain`` message; every request is logged to stderr in one line):

=========================  ==============================================================================
``GET /``                  the query page (``kg/serve/page/index.html``)
``GET /page/<file>``       the query page's files; ``GET /vendor/<file>``: ``kg/assets/vendor`` (JS, CSS)
``GET|POST /sparql``       SPARQL 1.1 Protocol, read-only (:mod:`kg.serve.protocol`, :mod:`kg.serve.guard`);
                           queries run in worker processes with a time limit and a row cap
                           (:mod:`kg.serve.runner`): past the limit 503, cut answers carry ``X-KG-Truncated``;
                           ``GET`` without a query: the Service Description (:mod:`kg.serve.service`)
``GET /id/<path>``         the data IRI ``https://w3id.org/budget-kg/id/<path>``: HTML, Turtle, RDF/XML,
                           N-Triples or JSON-LD by ``Accept`` or ``format=`` (:mod:`kg.serve.resource`); 404
                           when unknown
``GET /ontology``          ``ontology/budget-kg.ttl`` as Turtle (N-Triples, JSON-LD), or its terms as HTML
``GET /api/queries``       the example questions of ``queries/*.rq`` as JSON
=========================  ==============================================================================

Status codes: 400 malformed query, update, SERVICE, bad parameter; 403 a Host header that does not
name this server (:mod:`kg.serve.security`); 404 unknown path or IRI; 405 other methods; 406 no
acceptable format; 413 body over 1 MiB; 415 unreadable POST body; 502 the endpoint behind
``kg serve --endpoint`` failed; 503 time limit exceeded, memory limit exceeded (the worker ended), too
many slow queries at once, or every worker busy; 500 anything else (details in the server log).
"""

from __future__ import annotations

import json
import re
import socket
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import urlsplit

from kg.errors import KgError, QueryError, StoreError
from kg.remote.http import RemoteError
from kg.resources import missing_vendor, page_dir, queries_dir, vendor_dir
from kg.serve import protocol, resource
from kg.serve.guard import Refused
from kg.serve.protocol import CONTENT_TYPES, GRAPH_OFFERS, HTML_OFFERS, RESULT_OFFERS, HttpError
from kg.serve import security
from kg.serve.runner import Busy, QueryTimeout, Runner, WorkerDied

PAGE = page_dir()
VENDOR = vendor_dir()
QUERIES = queries_dir()
#: what /id/… and /ontology offer, Turtle first (the answer to ``*/*``); browsers ask for text/html
RESOURCE_OFFERS = GRAPH_OFFERS[:1] + HTML_OFFERS + GRAPH_OFFERS[1:]
STATIC_TYPES = {
    ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8", ".json": "application/json", ".map": "application/json",
    ".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon", ".woff2": "font/woff2",
    ".txt": "text/plain; charset=utf-8",
}
#: with an allowed origin's Access-Control-Allow-Origin (kg.serve.security.cors, added to every answer)
CORS = [("Access-Control-Expose-Headers", "X-KG-Truncated")]

Response = tuple[str, list[tuple[str, str]], bytes]


def text(status: str, message: str, headers: Iterable[tuple[str, str]] = ()) -> Response:
    """A one-line text/plain answer."""
    line = " ".join(str(message).split())
    return status, [("Content-Type", "text/plain; charset=utf-8"), *headers], (line + "\n").encode("utf-8")


def not_found(message: str) -> Response:
    return text("404 Not Found", message)


class App:
    """The WSGI application: routes requests, runs queries through a :class:`Runner`."""

    def __init__(self, runner: Runner, log: Callable[[str], None] | None = None,
                 hosts: tuple[str, ...] = security.LOOPBACK, origins: tuple[str, ...] = ()):
        self.runner = runner
        self.hosts = tuple(h.lower().strip("[]") for h in hosts)
        self.origins = tuple(origins)
        self.log = log or (lambda line: print(line, file=sys.stderr, flush=True))
        self._queries: bytes | None = None
        self._void: dict[tuple[str, str], bytes] = {}

    def close(self) -> None:
        self.runner.close()

    # ------------------------------------------------------------ WSGI

    def __call__(self, environ, start_response):
        t0 = time.perf_counter()
        try:
            if security.allowed_host(environ.get("HTTP_HOST"), self.hosts):
                status, headers, body = self.route(environ)
            else:  # DNS rebinding: a page of another site sending us requests under its own name
                status, headers, body = text("403 Forbidden", f"this server does not answer for the host "
                                             f"{environ.get('HTTP_HOST') or '(none)'!r} (kg serve --allow-host)")
        except Exception:  # the server must answer and keep going; the log gets the traceback
            self.log(traceback.format_exc().rstrip())
            status, headers, body = text("500 Internal Server Error", "internal error (see the server log)")
        headers = [*headers, *security.cors(environ.get("HTTP_ORIGIN"), self.origins), *security.HEADERS,
                   ("Content-Length", str(len(body))), ("X-Content-Type-Options", "nosniff")]
        start_response(status, headers)
        method = environ.get("REQUEST_METHOD", "")
        uri = environ.get("REQUEST_URI") or environ.get("PATH_INFO", "")
        if len(uri) > 200:
            uri = uri[:199] + "…"
        ms = (time.perf_counter() - t0) * 1000
        self.log(f'{environ.get("REMOTE_ADDR", "-")} "{method} {uri}" {status.split()[0]} {len(body)} {ms:.0f}ms')
        return [] if method == "HEAD" else [body]

    def route(self, environ) -> Response:
        path = environ.get("PATH_INFO", "") or "/"
        method = environ.get("REQUEST_METHOD", "GET")
        if method == "OPTIONS":
            return "204 No Content", [*CORS, ("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS"),
                                      ("Access-Control-Allow-Headers", "Accept, Content-Type"),
                                      ("Allow", "GET, HEAD, POST, OPTIONS")], b""
        try:
            if path == "/sparql":
                return self.sparql(environ)
            if method not in ("GET", "HEAD"):
                raise HttpError(f"{method} is not allowed here", "405 Method Not Allowed", [("Allow", "GET, HEAD")])
            if path == "/":
                return static(PAGE, "index.html", "the query page is not installed (kg/serve/page/index.html)")
            if path.startswith("/page/"):
                return static(PAGE, path[len("/page/"):])
            if path.startswith("/vendor/"):
                return static(VENDOR, path[len("/vendor/"):], cache=True)
            if path.startswith("/id/"):
                return self.resource(environ)
            if path == "/ontology":
                return self.ontology(environ)
            if path in ("/void", "/.well-known/void"):
                return self.void(environ)
            if path == "/api/queries":
                return "200 OK", [("Content-Type", "application/json; charset=utf-8"), *CORS], self.queries()
            return not_found(f"no page at {path}")
        except HttpError as e:
            return text(e.status, e.message, e.headers)
        except Refused as e:
            return text("400 Bad Request", e.message, CORS)
        except QueryTimeout as e:
            return text("503 Service Unavailable", e.message, CORS)
        except WorkerDied as e:
            return text("503 Service Unavailable", e.message, CORS)
        except Busy as e:
            return text("503 Service Unavailable", e.message, [*CORS, ("Retry-After", "5")])
        except QueryError as e:
            return text("400 Bad Request", e.message, CORS)
        except RemoteError as e:
            return text("502 Bad Gateway", e.message, CORS)
        except StoreError as e:
            return text("500 Internal Server Error", str(e))

    # ------------------------------------------------------------ /sparql

    def sparql(self, environ) -> Response:
        req = protocol.query_request(environ)
        if req is None:
            return self.service(environ)
        formats: dict[str, str | None] = {}
        for key, offers, forms, what in (
            ("results", RESULT_OFFERS, ("SELECT", "ASK"), "a SELECT or ASK query"),
            ("graph", GRAPH_OFFERS, ("CONSTRUCT", "DESCRIBE"), "a CONSTRUCT or DESCRIBE query"),
        ):
            try:
                formats[key] = protocol.choose(req.accept, req.format, offers, what)
            except HttpError:
                if req.form in forms:  # known before running: refuse now
                    raise
                formats[key] = None
        answer = self.runner.query(req.sparql, formats, req.dataset)
        if not answer.format:  # the lexer could not tell the form, and it has no acceptable format
            offers, what = ((GRAPH_OFFERS, "a CONSTRUCT or DESCRIBE query") if answer.form == "triples"
                            else (RESULT_OFFERS, "a SELECT or ASK query"))
            raise protocol.not_acceptable(req.accept, offers, what)
        headers = [("Content-Type", CONTENT_TYPES[answer.format]), ("Vary", "Accept"), *CORS]
        if answer.truncated:
            headers.append(("X-KG-Truncated", str(self.runner.max_rows)))
        return "200 OK", headers, answer.body

    def service(self, environ) -> Response:
        """The Service Description (computed once per format and URL: the workers' store is read-only)."""
        query = protocol.params(environ.get("QUERY_STRING", ""))
        fmt = protocol.choose(environ.get("HTTP_ACCEPT"), (query.get("format") or [None])[0], GRAPH_OFFERS,
                              "the service description")
        endpoint = f"{base_url(environ)}/sparql"
        key = ("service", fmt, endpoint)
        if key not in self._void:
            self._void[key] = self.runner.call("service", endpoint, fmt)
        return "200 OK", [("Content-Type", CONTENT_TYPES[fmt]), ("Vary", "Accept"), *CORS], self._void[key]

    # ------------------------------------------------------------ /id/… and /ontology

    def resource(self, environ) -> Response:
        path = raw_path(environ)[len("/id/"):]
        if not path:
            return not_found("give a path after /id/, e.g. /id/policy/同办字〔2019〕116号")
        query = protocol.params(environ.get("QUERY_STRING", ""))
        fmt = protocol.choose(environ.get("HTTP_ACCEPT"), (query.get("format") or [None])[0], RESOURCE_OFFERS,
                              "a resource")
        iris = resource.candidates(path)
        headers = [("Vary", "Accept"), *CORS]
        if fmt == "html":
            found = self.runner.call("describe", iris, resource.INCOMING)
            if found is None:
                return not_found(f"nothing is known about <{iris[0]}>")
            page = resource.render(found, environ.get("SCRIPT_NAME", ""))
            return ("200 OK", [("Content-Type", CONTENT_TYPES["html"]), *headers, *alternates(environ.get("SCRIPT_NAME", "") + raw_path(environ))],
                    page.encode("utf-8"))
        found = self.runner.call("describe_rdf", iris, fmt)
        if found is None:
            return not_found(f"nothing is known about <{iris[0]}>")
        return "200 OK", [("Content-Type", CONTENT_TYPES[fmt]), *headers], found[1]

    def ontology(self, environ) -> Response:
        query = protocol.params(environ.get("QUERY_STRING", ""))
        fmt = protocol.choose(environ.get("HTTP_ACCEPT"), (query.get("format") or [None])[0], RESOURCE_OFFERS,
                              "the ontology")
        headers = [("Content-Type", CONTENT_TYPES[fmt]), ("Vary", "Accept"), *CORS]
        try:
            if fmt == "html":
                base = environ.get("SCRIPT_NAME", "")
                return ("200 OK", [*headers, *alternates(f"{base}/ontology")],
                        resource.ontology_html(base).encode("utf-8"))
            return "200 OK", headers, resource.ontology_rdf(fmt)
        except (KgError, OSError) as e:
            return text("500 Internal Server Error", f"cannot read the ontology: {e}")

    # ------------------------------------------------------------ /void

    def void(self, environ) -> Response:
        """The VoID + DCAT description of the dataset, with this server's /sparql as its endpoint
        (computed once per format: the workers' store is read-only)."""
        query = protocol.params(environ.get("QUERY_STRING", ""))
        fmt = protocol.choose(environ.get("HTTP_ACCEPT"), (query.get("format") or [None])[0], GRAPH_OFFERS,
                              "the dataset description")
        endpoint = f"{base_url(environ)}/sparql"
        key = (fmt, endpoint)
        if key not in self._void:
            self._void[key] = self.runner.call("void", endpoint, fmt)
        return "200 OK", [("Content-Type", CONTENT_TYPES[fmt]), ("Vary", "Accept"), *CORS], self._void[key]

    # ------------------------------------------------------------ /api/queries

    def queries(self) -> bytes:
        if self._queries is None:
            items = [query_file(f) for f in sorted(QUERIES.glob("*.rq"))]
            self._queries = json.dumps(items, ensure_ascii=False, indent=1).encode("utf-8")
        return self._queries


# ---------------------------------------------------------------- helpers

def base_url(environ) -> str:
    """This server's URL as the client named it, with SCRIPT_NAME (no trailing slash)."""
    host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME', 'localhost')}:{environ.get('SERVER_PORT', '')}"
    return f"{environ.get('wsgi.url_scheme', 'http')}://{host}{environ.get('SCRIPT_NAME', '')}"


def alternates(path: str) -> list[tuple[str, str]]:
    """``Link`` headers to the RDF forms of the page at ``path`` (RFC 8288, ``rel="alternate"``)."""
    return [("Link", ", ".join(f'<{href}>; rel="alternate"; type="{media}"'
                               for media, href in resource.alternate_links(path)))]


def raw_path(environ) -> str:
    """The request path as the client sent it (still percent-encoded), without SCRIPT_NAME: IRIs need
    the difference between ``%2F`` and ``/`` that PATH_INFO has lost."""
    raw = environ.get("REQUEST_URI") or environ.get("RAW_URI")
    if not raw:
        from urllib.parse import quote

        return quote(environ.get("PATH_INFO", "").encode("latin-1"), safe="/:@!$&'()*+,;=-._~")
    try:  # a client may send raw UTF-8; WSGI hands it over as latin-1
        raw = raw.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    path = urlsplit(raw).path if "://" in raw.split("?")[0] else raw.split("?")[0].split("#")[0]
    base = environ.get("SCRIPT_NAME", "")
    return path[len(base):] if base and path.startswith(base) else path


def static(root: Path, name: str, missing: str | None = None, cache: bool = False) -> Response:
    """A file under ``root``; never anything outside it (``..``, absolute paths, hidden files)."""
    parts = name.split("/")
    if not name or "\x00" in name or "\\" in name or any(p.startswith(".") or not p for p in parts):
        return not_found(f"no such file: {name}")
    target = (root / name).resolve()
    if not target.is_relative_to(root.resolve()) or not target.is_file():
        return not_found(missing or f"no such file: {name}")
    kind = STATIC_TYPES.get(target.suffix.lower(), "application/octet-stream")
    headers = [("Content-Type", kind), ("Cache-Control", "public, max-age=86400" if cache else "no-cache")]
    return "200 OK", headers, target.read_bytes()


_KEY = re.compile(r"^# (\w+):\s?(.*)$")


def query_file(path: Path) -> dict[str, str]:
    """One example question: its name, title (first line of ``# Question:``), the header comment as
    text, the ``# Parameters:`` text and the SPARQL.

    >>> q = query_file(QUERIES / "spending-per-issuer.rq")
    >>> q["name"], q["parameters"]
    ('spending-per-issuer', 'none.')
    """
    sparql = path.read_text("utf-8")
    header: list[str] = []
    for line in sparql.splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    fields: dict[str, list[str]] = {}
    key = None
    for line in header:
        m = _KEY.match(line)
        if m:
            key = m.group(1).lower()
            fields[key] = [m.group(2).strip()]
        elif key:
            fields[key].append(line.lstrip("#").strip())
    return {
        "name": path.stem,
        "title": (fields.get("question") or [""])[0],
        "description": "\n".join(line.lstrip("#").strip() for line in header),
        "parameters": " ".join(fields.get("parameters", [])).strip(),
        "sparql": sparql,
    }


def make_app(store_dir: str | Path, timeout: float = 10.0, max_rows: int | None = 10000, workers: int = 2,
             log: Callable[[str], None] | None = None, endpoint: str | None = None, memory: int | None = None,
             reserve: int = 1, slow_after: float = 0.5, hosts: tuple[str, ...] = security.LOOPBACK,
             origins: tuple[str, ...] = ()) -> App:
    """The WSGI application over the store at ``store_dir``, its query workers started (each opens the
    store read-only), or over the SPARQL endpoint ``endpoint`` (each worker forwards to it). Raises
    StoreError when there is no store there, or the endpoint does not answer as budget-kg needs
    (:class:`kg.remote.RemoteStore`). Call ``app.close()`` at the end."""
    store_dir = Path(store_dir)
    if endpoint is None and not store_dir.is_dir():
        raise StoreError("no store here; run `kg ingest --store DIR PATH…` first", file=str(store_dir))
    runner = Runner(store_dir, workers=workers, timeout=timeout, max_rows=max_rows, endpoint=endpoint,
                    memory=memory, reserve=reserve, slow_after=slow_after)
    runner.start()
    app = App(runner, log, hosts=hosts, origins=origins)
    why = missing_vendor()
    if why is not None:  # /sparql works; the page at / would have no editor
        app.log(f"warning: {why}; the query page at / cannot work without them")
    return app


def run(app: App, host: str, port: int, threads: int, on_ready: Callable[[str], None]) -> None:
    """Serve ``app`` with waitress on ``host:port`` (port 0: a free one) until Ctrl-C or SIGTERM;
    ``on_ready(url)`` is called once the socket listens. Raises OSError when it cannot listen."""
    import signal

    from waitress import create_server

    info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(info[0], socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(info[4])
    sock.listen(128)
    server = create_server(app, sockets=[sock], threads=threads, ident="kg-serve")
    bound_host, bound_port = sock.getsockname()[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    signal.signal(signal.SIGTERM, _interrupt)
    on_ready(f"http://{shown}:{bound_port}/")
    server.run()  # returns on KeyboardInterrupt (Ctrl-C, or SIGTERM below)


def _interrupt(signum, frame) -> None:
    """SIGTERM stops the server as Ctrl-C does, so that the query workers are stopped too."""
    raise KeyboardInterrupt
