"""A document's completeness record → triples (``<doc>/completeness``, ``<doc>/listed/n``).

The record says how completely the document was read against its own contents
(:mod:`kg.extract.completeness`), so that a query can tell a document that does not print a
table from one whose table budget-kg did not read.
"""

from __future__ import annotations

from rdflib import Literal, URIRef

from kg import iri
from kg.map.graphs import Out
from kg.model import Completeness
from kg.vocab import BK, RDF, RDFS, SKOS


def map_completeness(out: Out, d: URIRef, c: Completeness, tables: dict[int, URIRef]) -> None:
    node = iri.under(d, "completeness")
    out.add(d, BK.completeness, node)
    out.add(node, RDF.type, BK.Completeness)
    out.add(node, RDFS.label, "读取完整性" if c.complete else "读取不完整")
    out.prov(node, d, None)
    out.add(node, BK.isComplete, Literal(c.complete))
    out.add(node, BK.hasContents, Literal(c.has_contents))
    for what, value in (
        (BK.tablesListed, len(c.listed)), (BK.tablesFound, c.tables_found), (BK.tablesRead, c.count("read")),
        (BK.tablesEmpty, c.count("empty")), (BK.tablesNotRead, c.count("not read")),
        (BK.tablesNotFound, c.count("not found")), (BK.rowsRead, c.rows_read), (BK.budgetLinesRead, c.budget_lines),
        (BK.parentRowsChecked, c.parents_checked), (BK.parentRowsAddingUp, c.parents_adding_up),
        (BK.projectsFound, c.projects_found), (BK.strayFigureLines, c.stray_lines),
    ):
        out.add(node, what, Literal(value))
    for p in c.problems:
        out.add(node, BK.problem, p)
    for n, t in enumerate(c.listed, start=1):
        lt = iri.under(d, "listed", n)
        out.add(node, BK.listsTable, lt)
        out.add(lt, RDF.type, BK.ListedTable)
        out.add(lt, RDFS.label, t.title)
        out.add(lt, BK.tableKind, t.kind)
        out.add(lt, BK.readingStatus, t.status)
        if t.table_index is not None and t.table_index in tables:
            out.add(lt, BK.locatedTable, tables[t.table_index])
        out.add(lt, SKOS.editorialNote, t.note)
        out.prov(lt, d, t.span)
