"""The Python API for notebooks: open a store, ask it questions, trace a policy, get a network.

Build a store from the bundled sample, then open it as a notebook would:

>>> import tempfile, kg
>>> folder = tempfile.mkdtemp()
>>> with kg.open(folder + "/kg-store", create=True) as g:
...     g.ingest(kg.SAMPLE).documents
2
>>> g = kg.open(folder + "/kg-store")
>>> g.documents()
['demo-001_示范市数据服务中心_2025.txt', 'demo-002_示范市政务服务中心_2024.txt']

Trace a policy under any spelling of its number: every project it justifies, with exact money.

>>> t = g.trace("示政办发[2023]15号")
>>> t.docno, t.titles
('示政办发〔2023〕15号', ['示范市政务数据共享管理办法'])
>>> for c in sorted(t.justified_projects, key=lambda c: c.where):
...     print(c.project_name, c.amount, c.where)
Z政务数据共享平台运维费 1285000 demo-001_示范市数据服务中心_2025.txt:433
J公共数据资源目录编制经费 860000 demo-001_示范市数据服务中心_2025.txt:466
Z政务服务数据对接经费 456000 demo-002_示范市政务服务中心_2024.txt:421

SPARQL gives rows of plain Python values (money as ``Decimal``); the project prefixes need no
declaration, and keyword arguments bind variables (a bound variable must be in the SELECT list):

>>> rows = g.query('''
...     SELECT ?policy ?name ?amount WHERE { ?p bk:justifiedBy ?policy ; rdfs:label ?name ; bk:amount ?amount }
...     ORDER BY DESC(?amount)''', policy=t.policy)
>>> rows.columns
['policy', 'name', 'amount']
>>> rows[0]["name"], rows[0]["amount"]
('Z政务数据共享平台运维费', Decimal('1285000'))
>>> sum(r["amount"] for r in rows)
Decimal('2601000')

With pandas installed, ``rows.to_dataframe()`` is a DataFrame (amounts stay ``Decimal``):

>>> rows.to_dataframe().shape
(3, 3)

The policy → project → unit network as a networkx graph (nodes are IRIs, with ``kind`` and ``label``):

>>> net = g.to_networkx(policy="示政办发〔2023〕15号", depth=2)
>>> sorted(d["label"] for _, d in net.nodes(data=True) if d["kind"] == "project")
['J公共数据资源目录编制经费', 'Z政务数据共享平台运维费', 'Z政务服务数据对接经费']
>>> g.close()
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from html import escape
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.errors import KgError, StoreError
from kg.pipeline import IngestReport, ingest
from kg.store import Store
from kg.trace import PolicyTrace, trace


class Rows(list):
    """SELECT results: a list of dicts (column → Python value), with the column names in order."""

    def __init__(self, rows: Iterable[dict[str, object]], columns: list[str]):
        super().__init__(rows)
        self.columns = columns

    def to_dataframe(self):
        """The rows as a pandas DataFrame (``pip install 'budget-kg[notebook]'``)."""
        try:
            import pandas as pd
        except ImportError as e:
            raise KgError("pandas is not installed: pip install 'budget-kg[notebook]'") from e
        return pd.DataFrame(list(self), columns=self.columns)

    def _repr_html_(self) -> str:  # a table in Jupyter
        head = "".join(f"<th>{escape(c)}</th>" for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(_show(r.get(c)))}</td>" for c in self.columns) + "</tr>" for r in self[:500]
        )
        more = f"<p>{len(self)} rows, first 500 shown</p>" if len(self) > 500 else f"<p>{len(self)} rows</p>"
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


def _show(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:,}"
    return str(value)


def _term(value: object) -> Node:
    """A Python value bound to a query variable: rdflib terms as they are, http(s) strings as IRIs."""
    if isinstance(value, Node):
        return value
    if isinstance(value, str) and value.startswith(("https://", "http://")):
        return URIRef(value)
    if isinstance(value, bool | int | Decimal | str):
        return Literal(value)
    raise KgError(f"cannot bind {value!r} in a query: give a str, an int, a Decimal or an rdflib term")


class KnowledgeGraph:
    """One budget-kg store, for use from Python. Open it with :func:`open`."""

    def __init__(self, store: Store):
        self.store = store

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<KnowledgeGraph {self.store.path or 'in memory'}: {len(self.documents())} documents>"

    def close(self) -> None:
        """Release the store (its lock, when opened writable)."""
        self.store.close()

    def documents(self) -> list[str]:
        """The source files in the store."""
        rows = self.store.select("SELECT DISTINCT ?f WHERE { ?d a bk:BudgetDocument ; bk:sourceFile ?f } ORDER BY ?f")
        return [r["f"] for r in rows]

    def ingest(self, *paths: str | Path, jobs: int = 1) -> IngestReport:
        """Read, extract and store documents (files or folders); a document that fails is reported, not raised."""
        return ingest(list(paths), self.store, jobs=jobs)

    def query(self, sparql: str, **params: object) -> Rows | bool | str:
        """Run SPARQL. SELECT → :class:`Rows`; ASK → bool; CONSTRUCT / DESCRIBE → Turtle text.

        Keyword arguments bind variables (``policy="https://w3id.org/…"`` binds an IRI)."""
        subs = {name: _term(v) for name, v in params.items()}
        return self.store.result(sparql, substitutions=subs, rows=Rows)

    def trace(self, policy: str) -> PolicyTrace:
        """The policy behind a document number in any spelling, a law's name or a title fragment:
        the projects it justifies or is mentioned by, with money, targets and source lines.
        Several policies matching a title fragment: the first; see :meth:`trace_all` for all."""
        found = self.trace_all(policy)
        if not found:
            raise KgError(f"no policy {policy!r} is cited in the store")
        return found[0]

    def trace_all(self, policy: str) -> list[PolicyTrace]:
        """Every policy matching ``policy`` (a title fragment may match several)."""
        return trace(self.store, policy).policies

    def to_networkx(
        self, *, policy: str | None = None, unit: str | None = None, issuer: str | None = None,
        year: int | None = None, depth: int = 2, indicators: bool = False,
    ):
        """The policy → project → unit (→ issuer, indicator) network as a ``networkx.MultiDiGraph``:
        nodes are IRIs with ``kind``, ``label``, ``amount`` (Decimal) and ``source`` attributes."""
        from kg.visualise.network import build_network

        return build_network(
            self.store, policy=policy, unit=unit, issuer=issuer, year=year, depth=depth, indicators=indicators,
        )


def open(path: str | Path = "kg-store", *, create: bool = False, writable: bool | None = None) -> KnowledgeGraph:  # noqa: A001
    """Open a store directory. Read-only by default, so a running ``kg serve`` or ``kg ingest`` is not
    blocked; ``create=True`` makes (or opens) it writable, for :meth:`KnowledgeGraph.ingest`."""
    folder = Path(path)
    if writable is None:
        writable = create
    if not create and not folder.is_dir():
        raise StoreError("no store here (build one with `kg ingest` or kg.open(..., create=True))", file=str(folder))
    return KnowledgeGraph(Store(folder, read_only=not writable))
