"""What ``kg serve`` answers to whom: the Host allow-list, CORS, and the headers every answer carries.

- **Host allow-list.** A web page on another site can make a browser send requests to
  ``127.0.0.1:8000`` under its own name (DNS rebinding: ``evil.example`` resolving to 127.0.0.1). The
  server answers only requests whose ``Host`` header names it: the loopback names by default
  (``localhost``, ``127.0.0.1``, ``[::1]``), plus the names given with ``kg serve --allow-host``;
  any other gets 403 with one line.
- **CORS** is off by default: a page of another origin cannot read the answers. ``kg serve --cors
  ORIGIN`` (repeatable; ``*`` for any) names the origins that may; an allowed origin is echoed in
  ``Access-Control-Allow-Origin``.
- **Content-Security-Policy** on every answer: scripts and data only from this server, no framing, no
  plugins; pages may use inline styles (the resource pages have their CSS inline) but no inline script.

>>> allowed_host("127.0.0.1:8000", LOOPBACK), allowed_host("[::1]:80", LOOPBACK), allowed_host("evil.example:8000", LOOPBACK)
(True, True, False)
>>> allowed_host(None, LOOPBACK)
False
>>> cors("https://a.example", ("https://a.example",))
[('Access-Control-Allow-Origin', 'https://a.example'), ('Vary', 'Origin')]
>>> cors("https://b.example", ("https://a.example",)), cors(None, ("*",))
([], [])
>>> is_loopback("127.0.0.1"), is_loopback("::1"), is_loopback("localhost"), is_loopback("0.0.0.0")
(True, True, True, False)
"""

from __future__ import annotations

import ipaddress

LOOPBACK = ("localhost", "127.0.0.1", "::1")

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
HEADERS = [("Content-Security-Policy", CSP), ("X-Frame-Options", "DENY"), ("Referrer-Policy", "no-referrer")]


def is_loopback(host: str) -> bool:
    """An address (or ``localhost``) that only this machine reaches."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_name(header: str) -> str:
    """The name in a Host header, without its port: ``[::1]:80`` → ``::1``, ``a.b:8000`` → ``a.b``."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def allowed_host(header: str | None, allowed: tuple[str, ...]) -> bool:
    """Whether a request's Host header names this server (``allowed``: names, without ports)."""
    if not header:
        return False
    name = host_name(header)
    return name in allowed or ("*" in allowed)


def cors(origin: str | None, origins: tuple[str, ...]) -> list[tuple[str, str]]:
    """The CORS headers for a request from ``origin``: none unless ``origins`` allows it."""
    if not origin or not origins:
        return []
    if "*" in origins or origin in origins:
        return [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
    return []
