"""Graphs of policies, projects, units, issuers and indicators: the store → networkx → a file.

- :mod:`kg.visualise.network`: ``build_network(store, policy=…, unit=…, issuer=…, year=…, depth=2,
  indicators=False)`` → a ``networkx.MultiDiGraph`` (the only place that reads the store);
- :mod:`kg.visualise.layout`: columns of issuers, policies, projects, (indicators), units (pure, deterministic);
- one writer per format, looked up by the output's extension in :data:`WRITERS`: ``.html`` (one
  self-contained interactive page, :mod:`kg.visualise.html`), ``.gexf`` and ``.graphml`` (Gephi, Cytoscape:
  :mod:`kg.visualise.files`), ``.svg`` and ``.png`` (figures for papers: :mod:`kg.visualise.static`, the
  only matplotlib user, imported only when asked for).

Example::

    from kg.store import Store
    from kg.visualise import build_network, write

    with Store("kg-store") as store:
        g = build_network(store, policy="同办字[2019]116号")
    write(g, "policy.html")
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from kg.visualise.network import GraphError, build_network, counts, summary

# extension → (module, function): modules are imported when used, so drawing HTML never loads matplotlib
WRITERS = {
    ".html": ("kg.visualise.html", "write_html"),
    ".gexf": ("kg.visualise.files", "write_gexf"),
    ".graphml": ("kg.visualise.files", "write_graphml"),
    ".svg": ("kg.visualise.static", "write_svg"),
    ".png": ("kg.visualise.static", "write_png"),
}


def writer(path: str | Path):
    """The function that writes ``path``'s format; :class:`GraphError` for an extension no writer has.

    >>> writer("x.pdf")
    Traceback (most recent call last):
    ...
    kg.visualise.network.GraphError: x.pdf: cannot write this format; use .html, .gexf, .graphml, .svg or .png
    """
    ext = Path(path).suffix.lower()
    if ext not in WRITERS:
        names = list(WRITERS)
        raise GraphError(f"cannot write this format; use {', '.join(names[:-1])} or {names[-1]}", file=str(path))
    module, name = WRITERS[ext]
    return getattr(import_module(module), name)


def write(g, path: str | Path) -> Path:
    """Write the graph ``g`` to ``path`` in the format its extension names; the graph must not be empty."""
    path = Path(path)
    write_to = writer(path)
    if g.number_of_nodes() == 0:
        raise GraphError("the graph is empty: the store holds no policy, project or unit", file=str(path))
    try:
        write_to(g, path)
    except OSError as e:
        raise GraphError(f"cannot write the file ({e.strerror or e})", file=str(path)) from e
    return path


__all__ = ["GraphError", "WRITERS", "build_network", "counts", "summary", "write", "writer"]
