"""The only module that speaks HTTP to other stores and endpoints (``urllib.request``, the standard library).

Every failure is a :class:`RemoteError` of one line: the endpoint cannot be reached (with the reason),
or it answered a status other than those the caller accepts (with the first line the server sent).
Credentials may be given in the URL (``http://user:password@host/…``): they are sent as HTTP Basic
authentication and never appear in a message or in the ledger (:func:`public`).

>>> public("http://me:secret@127.0.0.1:7878/store")
'http://127.0.0.1:7878/store'
>>> first_line(b"error at 1:15: expected one of\\nREDUCED")
'error at 1:15: expected one of'
"""

from __future__ import annotations

import base64
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit, urlunsplit

from kg.errors import StoreError

#: seconds to wait for an answer by default (a SPARQL query over a large store may take long)
TIMEOUT = 600.0


class RemoteError(StoreError):
    """A remote store or endpoint cannot be reached, or refused what it was sent (``status``: the
    HTTP status it answered, None when it was not reached)."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str  # without parameters, lower case: "application/sparql-results+json"
    body: bytes


def public(url: str) -> str:
    """The URL without the user and password it may carry."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def first_line(body: bytes) -> str:
    """The first non-blank line of a server's answer, for a one-line message."""
    text = body.decode("utf-8", "replace").strip()
    line = text.splitlines()[0].strip() if text else ""
    return line if len(line) <= 300 else line[:299] + "…"


def check_url(url: str) -> str:
    """``url`` when it is an http(s) URL with a host; a RemoteError otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RemoteError(f"{url!r} is not an http:// or https:// URL")
    return url


def request(method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None,
            accept_status: tuple[int, ...] = (), timeout: float | None = TIMEOUT) -> Response:
    """Send one request; return the answer when its status is 2xx or in ``accept_status`` (404 for a
    DELETE of a graph that is not there, say), raise :class:`RemoteError` otherwise."""
    check_url(url)
    parts = urlsplit(url)
    sent = dict(headers or {})
    if parts.username is not None:
        user, password = unquote(parts.username), unquote(parts.password or "")
        sent["Authorization"] = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    req = urllib.request.Request(public(url), data=body, method=method, headers=sent)
    shown = public(url).split("?")[0]  # messages name the endpoint, not the parameters
    try:
        with urllib.request.urlopen(req, timeout=timeout) as answer:
            return Response(answer.status, _type(answer.headers.get("Content-Type")), answer.read())
    except urllib.error.HTTPError as e:
        data = e.read() if e.fp is not None else b""
        if e.code in accept_status:
            return Response(e.code, _type(e.headers.get("Content-Type")), data)
        said = first_line(data)
        raise RemoteError(f"{shown} answered {e.code} {e.reason}" + (f": {said}" if said else ""), e.code) from None
    except urllib.error.URLError as e:
        reason = getattr(e.reason, "strerror", None) or str(e.reason)
        raise RemoteError(f"cannot reach {shown} ({reason})") from None
    except (socket.timeout, TimeoutError):
        raise RemoteError(f"{shown} did not answer within {timeout:g} s") from None
    except (ConnectionError, OSError) as e:  # reset or closed while reading the answer
        raise RemoteError(f"the connection to {shown} failed ({e.strerror or e})") from None


def _type(value: str | None) -> str:
    return (value or "").split(";")[0].strip().lower()
