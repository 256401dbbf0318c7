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

With pandas installed, ``rows.to_dataframe()`` is a DataFrame; money is an exact numeric column:

>>> df = rows.to_dataframe()
>>> df.shape, str(df["amount"].dtype), df["amount"].sum()
((3, 3), 'decimal128(38, 0)[pyarrow]', Decimal('2601000'))

A CONSTRUCT gives an ``rdflib.Graph``; binding a variable the SELECT does not project is a ``QueryError``:

>>> len(g.query("CONSTRUCT { ?p bk:justifiedBy ?policy } WHERE { ?p bk:justifiedBy ?policy }", policy=t.policy))
3
>>> g.query("SELECT ?name WHERE { ?p rdfs:label ?name }", policy=t.policy)
Traceback (most recent call last):
...
kg.errors.QueryError: cannot bind ?policy: the SELECT does not project it (its columns: ?name)

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

import pyoxigraph as ox
from rdflib import Graph

from kg.dataset import Dataset
from kg.errors import KgError, QueryError, StoreError
from kg.pipeline import IngestReport, ingest
from kg.store import Store, py
from kg.trace import PolicyTrace, trace


def _graph(triples) -> Graph:
    """A CONSTRUCT / DESCRIBE answer as an rdflib Graph (by way of N-Triples, which keeps every term exactly),
    with the project prefixes bound."""
    from kg.vocab import PREFIXES

    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True)
    data = triples.serialize(format=ox.RdfFormat.N_TRIPLES)
    if data:
        g.parse(data=data.decode("utf-8"), format="nt")
    return g


class Rows(list):
    """SELECT results: a list of dicts (column → Python value), with the column names in order."""

    def __init__(self, rows: Iterable[dict[str, object]], columns: list[str]):
        super().__init__(rows)
        self.columns = columns

    def to_dataframe(self):
        """The rows as a pandas DataFrame (``pip install 'budget-kg[notebook]'``). Money stays exact and
        numeric: a column of decimals (yuan) has the dtype ``decimal128(38, s)[pyarrow]`` (``s``: the most
        decimal places in it), so ``sum()``, ``max()`` and comparisons work and give ``Decimal``; a column
        of integers is ``Int64`` (nullable); anything else is what pandas makes of it (strings: its string dtype)."""
        try:
            import pandas as pd
        except ImportError as e:
            raise KgError("pandas is not installed: pip install 'budget-kg[notebook]'") from e
        return pd.DataFrame({c: _column(pd, [r.get(c) for r in self]) for c in self.columns}, columns=self.columns)

    def _repr_html_(self) -> str:  # a table in Jupyter
        head = "".join(f"<th>{escape(c)}</th>" for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(_show(r.get(c)))}</td>" for c in self.columns) + "</tr>" for r in self[:500]
        )
        more = f"<p>{len(self)} rows, first 500 shown</p>" if len(self) > 500 else f"<p>{len(self)} rows</p>"
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


def _column(pd, values: list):
    """One DataFrame column: decimals as exact Arrow decimals, integers as nullable Int64."""
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, Decimal) for v in present):
        try:
            import pyarrow as pa
        except ImportError as e:
            raise KgError("pyarrow is not installed (exact decimal columns): pip install 'budget-kg[notebook]'") from e
        scale = max(max(-v.as_tuple().exponent, 0) for v in present)
        return pd.arrays.ArrowExtensionArray(pa.array(values, type=pa.decimal128(38, scale)))
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return pd.array(values, dtype="Int64")
    return values


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

    def query(self, sparql: str, *, dataset: Dataset | None = None, **params: object) -> Rows | bool | Graph:
        """Run SPARQL. SELECT → :class:`Rows`; ASK → bool; CONSTRUCT / DESCRIBE → an ``rdflib.Graph``.

        Keyword arguments bind variables (``policy="https://w3id.org/…"`` binds an IRI); a SELECT must
        project each of them. ``dataset`` (a :class:`kg.dataset.Dataset`) chooses the graphs as the
        protocol's default-graph-uri / named-graph-uri do, over the query's FROM / FROM NAMED."""
        subs = {name.lstrip("?$"): _term(v) for name, v in params.items()}
        res = self.store.query(sparql, substitutions=subs, dataset=dataset)
        if isinstance(res, ox.QueryBoolean):
            return bool(res)
        if isinstance(res, ox.QueryTriples):
            return _graph(res)
        names = [v.value for v in res.variables]
        missing = [n for n in subs if n not in names]
        if missing:
            raise QueryError(
                f"cannot bind {', '.join('?' + n for n in missing)}: the SELECT does not project "
                f"{'it' if len(missing) == 1 else 'them'} (its columns: {', '.join('?' + n for n in names) or 'none'})")
        return Rows(({n: py(sol[n]) for n in names} for sol in res), names)

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
