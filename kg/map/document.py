"""Records → triples under the ontology, nothing else.

One document gives three graphs:

- its own graph (named by the document's IRI): the document, its projects, indicators,
  fundings, budget lines and citations, with provenance on every node;
- its *contribution*: what it says about things shared across documents (units, departments,
  policies, classification codes). The store merges contributions into one ``entities`` graph,
  so a fact several documents state is stated once (SPARQL sums stay right);
- its findings (disagreements inside the document).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import URIRef

from kg import codelists, iri
from kg.extract.document import subunit_aliases
from kg.extract.indicators import l2_canonical
from kg.map.completeness import map_completeness
from kg.map.embedded import map_embedded
from kg.map.graphs import Mapped, Out
from kg.map.narrative import map_narrative
from kg.map.policies import map_bases, map_citation
from kg.model import BudgetLine, Extraction, Indicator, Project
from kg.vocab import BK, DCTERMS, ID_IRI, ORG, PROV, QB, RDF, RDFS, SKOS


def map_extraction(ex: Extraction) -> Mapped:
    d = iri.document(ex.document.file)
    m = Mapped(doc=d, file=ex.document.file)
    out, shared, found = Out(m.triples), Out(m.contrib), Out(m.findings)
    doc, unit = ex.document, ex.unit

    # the document and its unit
    publisher = iri.department(unit.name) if unit.is_department else iri.unit(unit.name)
    out.add(d, RDF.type, BK.BudgetDocument)
    out.add(d, RDFS.label, f"{doc.unit_name} {doc.year}年度{doc.kind}")
    out.add(d, BK.sourceFile, doc.file)
    out.add(d, BK.fiscalYear, doc.year)
    out.add(d, BK.documentKind, doc.kind)
    out.add(d, BK.publishedBy, publisher)
    out.add(d, BK.region, doc.region)
    out.add(d, DCTERMS.title, doc.title)
    out.add(d, BK.sha256, ex.source.sha256)
    out.add(d, BK.pageCount, ex.source.pages)
    for n in ex.source.ocr_pages:
        out.add(d, BK.ocrPage, n)
    if ex.stated_targets is not None:
        out.add(d, BK.projectsWithTargets, ex.stated_targets[0])
    for note in ex.notes:
        out.add(d, SKOS.editorialNote, note)
    out.add(d, BK.sourceLine, doc.span.line)
    out.add(d, BK.sourcePage, doc.span.page)
    out.add(d, BK.sourceText, doc.span.text)

    shared.add(publisher, RDF.type, BK.BudgetUnit)
    shared.add(publisher, PROV.wasDerivedFrom, d)
    shared.add(publisher, RDFS.label, unit.name)
    shared.add(publisher, BK.region, doc.region)
    shared.add(publisher, BK.grade, unit.grade)
    for v in unit.variants:
        shared.add(publisher, SKOS.altLabel, v)
    if unit.is_department:
        shared.add(publisher, RDF.type, BK.Department)
        for c in unit.department_codes:
            shared.add(publisher, BK.departmentCode, c)
    elif unit.department:
        dep = iri.department(unit.department.name)
        shared.add(publisher, ORG.subOrganizationOf, dep)
        shared.add(dep, RDF.type, BK.BudgetUnit)
        shared.add(dep, RDF.type, BK.Department)
        shared.add(dep, PROV.wasDerivedFrom, d)
        shared.add(dep, RDFS.label, unit.department.name)
        for c in unit.department_codes:
            shared.add(dep, BK.departmentCode, c)
    for o in unit.offices:
        node = iri.office(unit.name, o)
        shared.add(node, RDF.type, ORG.OrganizationalUnit)
        shared.add(node, PROV.wasDerivedFrom, d)
        shared.add(node, RDFS.label, o)
        shared.add(node, ORG.unitOf, publisher)
        shared.add(publisher, ORG.hasUnit, node)
    if unit.own_level:  # the department's own level (本级 / 本部): a unit of its own under the department
        node = iri.unit(unit.own_level)
        shared.add(node, RDF.type, BK.BudgetUnit)
        shared.add(node, PROV.wasDerivedFrom, d)
        shared.add(node, RDFS.label, unit.own_level)
        shared.add(node, BK.region, doc.region)
        shared.add(node, ORG.subOrganizationOf, publisher)
        shared.add(node, BK.ownLevelOf, publisher)
    aliases = subunit_aliases(unit, ex.projects)
    for s in unit.subunits:
        node = iri.unit(s)
        shared.add(node, RDF.type, BK.BudgetUnit)
        shared.add(node, PROV.wasDerivedFrom, d)
        shared.add(node, RDFS.label, s)
        shared.add(node, BK.region, doc.region)
        shared.add(node, ORG.subOrganizationOf, publisher)
        for other, projects in aliases.get(s, []):  # another name of it (see subunit_aliases): one node
            shared.add(node, SKOS.altLabel, other)
            projects = sorted(projects, key=lambda p: (p.kpi.span.page or 0, p.kpi.span.line or 0))
            lines = ", ".join(p.kpi.span.where for p in projects)
            names = "、".join(p.row.name for p in projects)
            shared.add(node, SKOS.editorialNote, (
                f"also named {other}: the 实施单位 of the 绩效目标表 ({lines}) of {len(projects)} project(s) "
                f"listed under {s} in {doc.file} ({names}), with the same 主管部门"
            ))

    # projects
    project_nodes: list[URIRef] = []
    for n, p in enumerate(ex.projects, start=1):
        node = iri.under(d, "project", n)
        project_nodes.append(node)
        _project(out, d, node, p, ex, publisher, n)

    # citations
    for n, ref in enumerate(ex.references, start=1):
        map_citation(out, shared, d, iri.under(d, "ref", n), ref, project_nodes)
    map_bases(out, d, ex, project_nodes)

    # budget tables (empty ones too) and their lines: the data sets and observations of a Data Cube
    tables: dict[int, URIRef] = {}
    cube = Cube(publisher, doc.year, codelists.concept("budget-phase", doc.kind))
    for t in ex.tables:
        node = iri.under(d, "table", t.index)
        tables[t.index] = node
        _dataset(out, node, cube)
        out.add(node, RDFS.label, t.title)
        out.add(node, BK.tableKind, t.kind)
        out.add(node, BK.moneyUnit, t.money_unit)
        out.add(d, BK.hasTable, node)
        out.prov(node, d, t.title_line.span(ex.document.file))
    for n, line in enumerate(ex.budget_lines, start=1):
        node = tables.get(line.table_index)
        if node is None:  # figures stated in the narrative (政府采购): the section is their table
            node = iri.under(d, "table", line.table_kind)
            if node not in tables.values():
                tables[-len(tables) - 1] = node
                _dataset(out, node, cube)
                out.add(node, RDFS.label, line.table_title)
                out.add(node, BK.tableKind, line.table_kind)
                out.add(d, BK.hasTable, node)
                out.prov(node, d, line.span)
        _budget_line(out, shared, d, iri.under(d, "line", n), node, line)
    map_embedded(ex, d, out, shared)  # policy documents it reproduces, their catalogue; catalogues the unit follows
    if ex.completeness is not None:
        map_completeness(out, d, ex.completeness, tables)
    map_narrative(out, d, ex)  # the 说明's facts, the headings, the names the document gives its unit

    # findings
    for n, f in enumerate(ex.findings, start=1):
        node = iri.under(d, "finding", n)
        found.add(node, RDF.type, BK.Finding)
        found.add(node, BK.checkId, f.check_id)
        found.add(node, BK.severity, f.severity)
        found.add(node, BK.message, f.message)
        found.add(node, BK.expectedValue, f.expected)
        found.add(node, BK.actualValue, f.actual)
        if f.expected is not None and f.actual is not None:
            found.add(node, BK.difference, f.actual - f.expected)
        for i in f.lines:  # the budget lines it is about (table arithmetic): <doc>/line/n, n 1-based
            found.add(node, BK.concerns, iri.under(d, "line", i + 1))
        if f.project is not None or not f.lines:
            found.add(node, BK.concerns, project_nodes[f.project] if f.project is not None else d)
        found.prov(node, d, f.span)
    return m


def _project(out: Out, d: URIRef, node: URIRef, p: Project, ex: Extraction, publisher: URIRef, n: int) -> None:
    row, kpi = p.row, p.kpi
    out.add(node, RDF.type, BK.Project)
    out.add(node, RDFS.label, row.name if row else kpi.project_name)
    out.add(node, BK.fiscalYear, ex.document.year)
    out.add(node, BK.sequence, n)
    implementer = publisher
    if row:
        out.add(node, BK.amount, row.amount)
        out.add(node, BK.projectTable, row.table)
        out.add(node, BK.categoryCode, row.prefix)
        if row.subunit:
            sub = iri.unit(row.subunit)
            out.add(node, BK.listedUnder, sub)
            implementer = sub
        out.prov(node, d, row.span)
        carried = row.table == "上年结转"
        for k, (source, amount) in enumerate(row.funding.items(), start=1):
            if not amount:
                continue
            f = iri.under(node, "funding", f"b{k}")
            out.add(node, BK.fundedBy, f)
            out.add(f, RDF.type, BK.Funding)
            out.add(f, BK.amount, amount)
            if carried:
                out.add(f, BK.fundingSource, codelists.concept("budget-type", "上年结转"))
                out.add(f, BK.budgetType, codelists.concept("budget-type", source))
            else:
                out.add(f, BK.fundingSource, codelists.concept("budget-type", source))
            out.prov(f, d, row.span)
    if kpi is not None and kpi.page and not (row and row.subunit):
        implementer = _named_unit(kpi.implementing_unit, ex, publisher) or implementer
    out.add(node, BK.implementedBy, implementer)
    if kpi is None:
        return
    if not row:
        out.prov(node, d, kpi.span)
        # no table row: the year's money its own table or page states is the project's amount
        out.add(node, BK.amount, kpi.annual_total)
    t = iri.under(node, "kpi")
    out.add(node, BK.hasTargetTable, t)
    out.add(t, RDF.type, BK.TargetTable)
    out.add(t, RDFS.label, kpi.project_name)
    out.add(t, DCTERMS.title, kpi.title)
    out.add(t, BK.annualAmount, kpi.annual_total)
    out.add(t, BK.periodAmount, kpi.period_total)
    out.add(t, BK.implementingUnitName, kpi.implementing_unit)
    last = ex.source.lines[kpi.lines[1] - 1] if 0 < kpi.lines[1] <= len(ex.source.lines) else None
    if last is not None and last.page is not None:
        out.add(t, BK.lastPage, last.page)
    else:
        out.add(t, BK.lastLine, kpi.lines[1])
    for label, prop in (("负责人", BK.responsiblePerson), ("经办人", BK.clerk), ("联系电话", BK.contactPhone)):
        out.add(t, prop, kpi.personal.get(label))
    for note in kpi.notes:  # what could not be read, or how a figure was arrived at
        out.add(t, SKOS.editorialNote, note)
    out.prov(t, d, kpi.span)
    out.add(node, BK.annualAmount, kpi.annual_total)
    out.add(node, BK.periodAmount, kpi.period_total)
    out.add(node, BK.implementingUnitName, kpi.implementing_unit)
    out.add(node, BK.projectAttribute, kpi.attribute)
    out.add(node, BK.projectPeriod, kpi.period)
    for label, prop in (
        ("项目概况", BK.overview), ("立项依据", BK.basisText), ("项目设立必要性", BK.necessity),
        ("保证项目实施的制度、措施", BK.measures), ("项目实施计划", BK.implementationPlan),
        ("实施方案", BK.implementationPlan), ("实施主体", BK.implementingBody),
    ):
        out.add(node, prop, kpi.fields.get(label))
    for k, part in enumerate(kpi.parts, start=1):  # the year's money by item, as a project page lists it
        item = iri.under(node, "item", k)
        out.add(node, BK.hasBudgetItem, item)
        out.add(item, RDF.type, BK.BudgetItem)
        out.add(item, RDFS.label, part.name)
        out.add(item, BK.amount, part.amount)
        out.add(item, BK.sequence, k)
        out.prov(item, d, part.span)
    out.add(node, BK.periodGoal, kpi.goals.get("实施期"))
    out.add(node, BK.annualGoal, kpi.goals.get("年度"))
    for (side, level), amount in sorted(kpi.funding.items()):
        if not amount:
            continue
        f = iri.under(node, "funding", f"{'p' if side == '实施期' else 'a'}-{level}")
        out.add(node, BK.fundedBy, f)
        out.add(f, RDF.type, BK.Funding)
        out.add(f, BK.amount, amount)
        out.add(f, BK.fundingSource, codelists.concept("funding-level", level))
        out.add(f, BK.fundingPeriod, side)
        out.prov(f, d, kpi.span)
    for k, ind in enumerate(kpi.indicators, start=1):
        _indicator(out, d, node, iri.under(node, "indicator", k), ind, k)


def _named_unit(name: str | None, ex: Extraction, publisher: URIRef) -> URIRef | None:
    """The node of the unit a project page's 实施主体 names: the document's own unit or one of its
    sub-units, named in full or by the end of its full name ("万里街道办事处" for
    "上海市普陀区人民政府万里街道办事处"); None when it names another unit, or several."""
    key = re.sub(r"\s+", "", name or "")
    if len(key) < 4:
        return None
    units = [(n, publisher) for n in [ex.unit.name, *ex.unit.variants]] + [(s, iri.unit(s)) for s in ex.unit.subunits]
    found = {node for full, node in units if re.sub(r"\s+", "", full).endswith(key)}
    return found.pop() if len(found) == 1 else None


def _indicator(out: Out, d: URIRef, project: URIRef, node: URIRef, ind: Indicator, k: int) -> None:
    out.add(project, BK.hasIndicator, node)
    out.add(node, RDF.type, BK.Indicator)
    out.add(node, RDFS.label, ind.l3)
    out.add(node, BK.sequence, k)
    out.add(node, BK.level1Label, ind.l1)
    out.add(node, BK.level2Label, ind.l2)
    out.add(node, BK.level1, codelists.concept("indicator-category", ind.l1) if ind.l1 else None)
    l2 = l2_canonical(ind.l2)
    out.add(node, BK.level2, codelists.concept("indicator-category", l2) if l2 else None)
    t = ind.target
    out.add(node, BK.targetText, t.text)
    out.add(node, BK.comparator, t.comparator)
    out.add(node, BK.targetValue, t.value)
    out.add(node, BK.targetUnit, t.unit)
    out.add(node, BK.targetAmount, t.amount_yuan)
    for side in ind.sides:
        out.add(node, BK.targetPeriod, side)
    if ind.period_target is not None:
        out.add(node, BK.periodTargetText, ind.period_target.text)
    out.prov(node, d, ind.span)


@dataclass(frozen=True)
class Cube:
    """What every budget line of a document has in common, as Data Cube dimensions: stated once on each
    table (the qb:DataSet), which the structure says they are attached to, never on each line."""

    unit: URIRef
    year: int
    phase: URIRef | None


STRUCTURE = URIRef(ID_IRI + "structure/budget-table")
CLASSIFICATIONS = URIRef(ID_IRI + "collection/classification")
CNY = URIRef("http://data.openbudgets.eu/resource/codelist/currency/CNY")
_ENUMERATOR = re.compile(r"^[一二三四五六七八九十]+、")


def _dataset(out: Out, node: URIRef, cube: Cube) -> None:
    """A table as a Data Cube data set, with the components every line of it shares (the structure
    attaches them to the data set: ``qb:componentAttachment qb:DataSet``; its printed bk:moneyUnit
    is added by the caller). Stated on each of 200 lines a document, they were 14 % of its quads."""
    out.add(node, RDF.type, BK.BudgetTable)
    out.add(node, RDF.type, QB.DataSet)
    out.add(node, QB.structure, STRUCTURE)
    out.add(node, BK.reportingUnit, cube.unit)
    out.add(node, BK.budgetYear, cube.year)
    out.add(node, BK.budgetPhase, cube.phase)
    out.add(node, BK.currency, CNY)
    out.add(node, BK.unitMultiplier, 0)


# the terms every budget line states, looked up once (a DefinedNamespace looks a term up on every access)
_TYPE, _LINE_TYPE, _OBSERVATION, _DATASET, _ROW, _COLUMN, _LABEL, _TABLE_TITLE, _COLUMN_NAME = (
    RDF.type, BK.BudgetLine, QB.Observation, QB.dataSet, BK.rowNumber, BK.columnNumber, RDFS.label, BK.budgetTable,
    BK.budgetColumn,
)
_AMOUNT, _SIDE, _IS_TOTAL, _ECONOMIC_NAME, _CLASSIFICATION, _ITEM, _MEMBER, _NOTE = (
    BK.amount, BK.budgetSide, BK.isTotal, BK.governmentEconomicName, BK.classification, BK.classificationItem,
    SKOS.member, SKOS.editorialNote,
)


def _budget_line(out: Out, shared: Out, d: URIRef, node: URIRef, table: URIRef, line: BudgetLine) -> None:
    out.add(node, _TYPE, _LINE_TYPE)
    out.add(node, _TYPE, _OBSERVATION)
    out.add(node, _DATASET, table)
    out.add(node, _ROW, line.row_index)
    out.add(node, _COLUMN, line.column_index)
    out.add(node, _LABEL, line.row_label)
    out.add(node, _TABLE_TITLE, line.table_title)
    out.add(node, _COLUMN_NAME, line.column)
    out.add(node, _AMOUNT, line.amount)
    out.add(node, _SIDE, line.side)
    if line.is_total:
        out.add(node, _IS_TOTAL, True)
    out.add(node, _ECONOMIC_NAME, line.gov_economic_name)
    concept = None
    if line.code and line.scheme == "functional" and codelists.functional_name(line.code) is not None:
        concept = iri.functional(line.code)  # a code of the national list (ontology/functional.ttl): described there
    elif line.code and line.scheme in ("functional", "income"):
        make = iri.functional if line.scheme == "functional" else iri.income
        concept = make(line.code)
        scheme = iri.scheme(line.scheme)
        if line.scheme == "functional":
            shared.add(concept, SKOS.editorialNote, "not in the national list budget-kg carries (ontology/functional.ttl): named as the documents print it")
        shared.add(concept, RDF.type, SKOS.Concept)
        shared.add(concept, PROV.wasDerivedFrom, d)
        shared.add(concept, SKOS.inScheme, scheme)
        shared.add(concept, SKOS.notation, line.code)
        shared.add(concept, SKOS.prefLabel, re.sub(r"^[一二三四五六七八九十]+、", "", line.row_label))  # cleaned by budget_lines
        if len(line.code) > 3:
            shared.add(concept, SKOS.broader, make(line.code[:-2]))
        else:
            shared.add(concept, SKOS.topConceptOf, scheme)
    elif line.code and line.scheme == "economic":
        concept = iri.economic(line.code)
        if codelists.parent(concept) is None and not codelists.known(concept):  # a code the code list lacks
            shared.add(concept, RDF.type, SKOS.Concept)
            shared.add(concept, PROV.wasDerivedFrom, d)
            shared.add(concept, SKOS.inScheme, iri.scheme("economic"))
            shared.add(concept, SKOS.notation, line.code)
            shared.add(concept, SKOS.prefLabel, line.row_label)
    out.add(node, _CLASSIFICATION, concept)
    item = concept
    if item is None:  # a row without a code: its item, by name
        name = _ENUMERATOR.sub("", line.row_label.strip()) or f"row {line.row_index}"
        item = iri.budget_item(name)
        shared.add(item, RDF.type, SKOS.Concept)
        shared.add(item, PROV.wasDerivedFrom, d)
        shared.add(item, SKOS.inScheme, iri.scheme("budget-item"))
        shared.add(item, SKOS.prefLabel, name)
    shared.add(CLASSIFICATIONS, _MEMBER, item)
    out.add(node, _ITEM, item)
    out.add(node, _NOTE, line.note)
    out.prov(node, d, line.span)
