"""Shared HTML helpers of the endpoint's pages: the page frame, links for IRIs, terms, CURIEs.

Everything that comes from the data goes through :func:`esc`. Links: a data IRI
(``https://w3id.org/budget-kg/id/…``) goes to its ``/id/…`` page on this server, an ontology term
(``…/ontology#X``) to ``/ontology#X``, another http(s) IRI is a plain external link, and anything
else (``urn:``, ``mailto:``, ``javascript:`` …) is shown as text.

>>> href("https://w3id.org/budget-kg/id/policy/同办字〔2019〕116号")
'/id/policy/%E5%90%8C%E5%8A%9E%E5%AD%97%E3%80%942019%E3%80%95116%E5%8F%B7'
>>> href("https://w3id.org/budget-kg/ontology#justifiedBy", base="/kg")
'/kg/ontology#justifiedBy'
>>> href("javascript:alert(1)") is None
True
"""

from __future__ import annotations

import html
from urllib.parse import quote

from kg.vocab import BK_IRI, ID_IRI, curie

ONTOLOGY_IRI = BK_IRI.rstrip("#")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
# characters an IRI keeps as they are when it becomes a URI (RFC 3987 §3.1): reserved, unreserved, "%"
_URI_SAFE = ":/?#[]@!$&'()*+,;=%-._~"

CSS = """
body { font: 15px/1.5 system-ui, "Noto Sans CJK SC", "PingFang SC", sans-serif; margin: 0; color: #1d2330; }
header { background: #24324a; color: #fff; padding: .5em 1.5em; }
header a { color: #fff; margin-right: 1.2em; text-decoration: none; }
main { padding: 1em 1.5em 3em; max-width: 78em; }
h1 { font-size: 1.5em; margin: .3em 0 .1em; }
h2 { font-size: 1.1em; margin-top: 1.6em; border-bottom: 1px solid #d8dde6; }
.iri { font-family: ui-monospace, monospace; font-size: .85em; color: #555; word-break: break-all; }
.meta, .note { color: #6b7280; font-size: .85em; }
.types a { background: #eef2f8; border-radius: 3px; padding: 0 .4em; margin-right: .3em; text-decoration: none; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .25em .6em .25em 0; border-bottom: 1px solid #eef0f4; }
th { font-weight: 600; white-space: nowrap; width: 16em; }
td .v { display: block; white-space: pre-wrap; word-break: break-word; }
.lang, .dt { color: #8a93a3; font-size: .75em; margin-left: .35em; }
blockquote { margin: .4em 0; padding: .3em .8em; border-left: 3px solid #b6c2d6; background: #f7f9fc; white-space: pre-wrap; }
nav.formats a { margin-right: 1em; }
section.term { margin: 1.2em 0; padding-top: .2em; }
section.term:target { background: #fff8dc; }
"""


def esc(text: object) -> str:
    """HTML-escape any value (quotes too: safe in attributes)."""
    return html.escape(str(text), quote=True)


def iri_to_uri(iri: str) -> str:
    """An IRI as a URI (RFC 3987 §3.1): non-ASCII characters percent-encoded as UTF-8, existing
    ``%XX`` kept.

    >>> iri_to_uri("https://w3id.org/budget-kg/id/unit/a%20b/中")
    'https://w3id.org/budget-kg/id/unit/a%20b/%E4%B8%AD'
    """
    return quote(iri, safe=_URI_SAFE)


def href(iri: str, base: str = "") -> str | None:
    """Where a link to ``iri`` points (see the module docstring); None when it should not be a link."""
    if iri.startswith(ID_IRI):
        return f"{base}/id/{iri_to_uri(iri[len(ID_IRI):])}"
    if iri.startswith(BK_IRI):
        return f"{base}/ontology#{iri_to_uri(iri[len(BK_IRI):])}"
    if iri == ONTOLOGY_IRI:
        return f"{base}/ontology"
    if iri.startswith(("http://", "https://")):
        return iri_to_uri(iri)
    return None


def link(iri: str, text: str | None = None, base: str = "", title: str | None = None) -> str:
    """An ``<a>`` to ``iri`` (or plain text when it should not be a link), showing ``text``."""
    shown = esc(text if text is not None else curie(iri))
    target = href(iri, base)
    tip = f' title="{esc(title)}"' if title else f' title="{esc(iri)}"'
    if target is None:
        return f"<span{tip}>{shown}</span>"
    external = "" if target.startswith("/") else ' rel="nofollow noopener"'
    return f'<a href="{esc(target)}"{tip}{external}>{shown}</a>'


def term(value: dict, labels: dict[str, str] | None = None, base: str = "") -> str:
    """One RDF term, given as in the SPARQL JSON results format (``{"type": "uri", "value": …}``):
    an IRI as a link showing its label, a literal with its language or datatype shown discreetly."""
    kind, text = value.get("type"), value.get("value", "")
    if kind == "uri":
        label = (labels or {}).get(text)
        return link(text, label, base) if label else link(text, None, base)
    if kind == "bnode":
        return f'<span class="meta">_:{esc(text)}</span>'
    if kind == "triple":
        inner = value.get("value", {})
        return "&lt;&lt; " + " ".join(term(inner.get(k, {}), labels, base) for k in ("subject", "predicate", "object")) + " &gt;&gt;"
    out = esc(text)
    if value.get("xml:lang"):
        out += f'<span class="lang">@{esc(value["xml:lang"])}</span>'
    elif value.get("datatype") and value["datatype"] not in (XSD_STRING, RDF_LANG_STRING):
        out += f'<span class="dt">{esc(curie(value["datatype"]))}</span>'
    return out


def page(title: str, body: str, base: str = "", alternates: list[tuple[str, str]] = ()) -> str:
    """A whole HTML page: the header (query page, ontology) and ``body`` (already HTML);
    ``alternates``: (media type, URL) of the same resource's other forms, as ``<link rel="alternate">``."""
    links = "".join(f'<link rel="alternate" type="{esc(media)}" href="{esc(url)}">\n' for media, url in alternates)
    return (
        "<!DOCTYPE html>\n<html lang=\"zh\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{esc(title)} · budget-kg</title>\n{links}<style>{CSS}</style>\n</head>\n<body>\n"
        f'<header><a href="{esc(base)}/">budget-kg · SPARQL</a><a href="{esc(base)}/ontology">Ontology</a></header>\n'
        f"<main>\n{body}\n</main>\n</body>\n</html>\n"
    )
