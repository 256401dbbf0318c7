"""The vocabularies the graph uses, as closed namespaces: a misspelled term fails loudly.

``BK`` lists every term of ``ontology/budget-kg.ttl`` (a test checks the two agree);
``ID`` is the base of data IRIs (see :mod:`kg.iri`).

>>> BK.justifiedBy
rdflib.term.URIRef('https://w3id.org/budget-kg/ontology#justifiedBy')
>>> BK.justifiedBY  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
AttributeError: term 'justifiedBY' not in namespace 'https://w3id.org/budget-kg/ontology#'
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, QB, RDF, RDFS, SKOS, XSD, DefinedNamespace

BK_IRI = "https://w3id.org/budget-kg/ontology#"
ID_IRI = "https://w3id.org/budget-kg/id/"
ID = Namespace(ID_IRI)
ELI = Namespace("http://data.europa.eu/eli/ontology#")

__all__ = ["BK", "ID", "ELI", "DCTERMS", "ORG", "OWL", "PROV", "QB", "RDF", "RDFS", "SKOS", "XSD", "PREFIXES"]


class BK(DefinedNamespace):
    """The budget-kg ontology."""

    _NS = Namespace(BK_IRI)
    _fail = True

    # classes
    BudgetDocument: URIRef
    BudgetUnit: URIRef
    Department: URIRef
    Project: URIRef
    TargetTable: URIRef
    Indicator: URIRef
    Funding: URIRef
    PolicyDocument: URIRef
    PolicyReference: URIRef
    Reproduction: URIRef
    BudgetTable: URIRef
    BudgetLine: URIRef
    Finding: URIRef
    Law: URIRef
    NonPolicyBasis: URIRef
    Contract: URIRef
    Request: URIRef
    ProseBasis: URIRef
    IssuerCodePrefix: URIRef
    TitleVariant: URIRef
    BlockingRecord: URIRef
    BudgetItem: URIRef

    # the narrative's figures, headings, unit names
    NarrativeFact: URIRef
    Heading: URIRef
    UnitMention: URIRef
    statesFact: URIRef
    hasHeading: URIRef
    hasUnitMention: URIRef
    topic: URIRef
    topicLabel: URIRef
    factRole: URIRef
    value: URIRef
    valueUnit: URIRef
    printedUnit: URIRef
    halfUnit: URIRef
    statedWord: URIRef
    statedYear: URIRef
    comparedYear: URIRef
    asOfDate: URIRef
    budgetKind: URIRef
    baseFact: URIRef
    changeFact: URIRef
    numeratorFact: URIRef
    denominatorFact: URIRef
    shareOfTopic: URIRef
    budgetFact: URIRef
    finalFact: URIRef
    priorFact: URIRef
    aboutClassification: URIRef
    printedClassName: URIRef
    printedSectionName: URIRef
    printedItemName: URIRef
    narrativeSection: URIRef
    headingKind: URIRef
    mentionPlace: URIRef

    # document
    sourceFile: URIRef
    fiscalYear: URIRef
    projectsWithTargets: URIRef
    documentKind: URIRef
    publishedBy: URIRef
    region: URIRef
    sha256: URIRef
    hasTable: URIRef

    # unit
    departmentCode: URIRef
    grade: URIRef

    # project
    amount: URIRef
    implementedBy: URIRef
    implementingUnitName: URIRef
    implementingBody: URIRef
    hasBudgetItem: URIRef
    listedUnder: URIRef
    categoryCode: URIRef
    projectTable: URIRef
    projectAttribute: URIRef
    projectPeriod: URIRef
    periodAmount: URIRef
    annualAmount: URIRef
    overview: URIRef
    basisText: URIRef
    necessity: URIRef
    measures: URIRef
    implementationPlan: URIRef
    periodGoal: URIRef
    annualGoal: URIRef
    hasTargetTable: URIRef
    sequence: URIRef
    justifiedBy: URIRef
    mentions: URIRef
    hasIndicator: URIRef
    fundedBy: URIRef

    # funding
    fundingSource: URIRef
    fundingPeriod: URIRef
    budgetType: URIRef

    # policy
    docNumber: URIRef
    issuerCode: URIRef
    issueYear: URIRef
    serialNumber: URIRef
    issuedBy: URIRef
    cites: URIRef

    # policy knowledge: issuers, bases, documents citing documents, catalogue, links across documents
    hasBasis: URIRef
    approvalNote: URIRef
    codePrefix: URIRef
    organ: URIRef
    adminLevel: URIRef
    issuerRegion: URIRef
    issuerLevel: URIRef
    issuerEvidence: URIRef
    forwards: URIRef
    basedOn: URIRef
    embeddedIn: URIRef
    reproduces: URIRef
    recipients: URIRef
    followsCatalogue: URIRef
    catalogueLevel: URIRef
    catalogueDepartment: URIRef
    issuesCatalogue: URIRef
    predecessor: URIRef
    nameSimilarity: URIRef
    probableVariantOf: URIRef
    variant: URIRef
    variantOf: URIRef
    recordOf: URIRef
    blockingKey: URIRef

    # policy reference (one citation in the text)
    refersTo: URIRef
    citedIn: URIRef
    referenceRole: URIRef
    rawText: URIRef
    citedTitle: URIRef
    section: URIRef
    issuerName: URIRef

    # indicator
    level1: URIRef
    level2: URIRef
    level1Label: URIRef
    level2Label: URIRef
    targetText: URIRef
    comparator: URIRef
    targetValue: URIRef
    targetUnit: URIRef
    targetAmount: URIRef
    targetPeriod: URIRef
    periodTargetText: URIRef

    # budget line / table
    classification: URIRef
    budgetTable: URIRef
    budgetColumn: URIRef
    budgetSide: URIRef
    tableKind: URIRef
    isTotal: URIRef
    governmentEconomicName: URIRef
    moneyUnit: URIRef
    # the budget tables as an RDF Data Cube: the other dimensions and the attributes of each line
    classificationItem: URIRef
    rowNumber: URIRef
    columnNumber: URIRef
    reportingUnit: URIRef
    budgetYear: URIRef
    budgetPhase: URIRef
    currency: URIRef
    unitMultiplier: URIRef

    # personal data printed in a KPI table's footer: stored only on request (kg ingest --keep-personal)
    responsiblePerson: URIRef
    clerk: URIRef
    contactPhone: URIRef
    personalDataRedacted: URIRef  # how many names and phone numbers were left out of a document's literals

    # finding
    checkId: URIRef
    severity: URIRef
    message: URIRef
    expectedValue: URIRef
    actualValue: URIRef
    difference: URIRef
    tolerance: URIRef
    concerns: URIRef

    # unit
    ownLevelOf: URIRef

    # reading completeness
    alsoPublishedAs: URIRef
    Completeness: URIRef
    ListedTable: URIRef
    completeness: URIRef
    isComplete: URIRef
    hasContents: URIRef
    problem: URIRef
    tablesListed: URIRef
    tablesFound: URIRef
    tablesRead: URIRef
    tablesEmpty: URIRef
    tablesNotRead: URIRef
    tablesNotFound: URIRef
    rowsRead: URIRef
    budgetLinesRead: URIRef
    parentRowsChecked: URIRef
    parentRowsAddingUp: URIRef
    projectsFound: URIRef
    strayFigureLines: URIRef
    listsTable: URIRef
    readingStatus: URIRef
    locatedTable: URIRef

    # provenance
    sourcePage: URIRef
    sourceLine: URIRef
    lastLine: URIRef
    lastPage: URIRef
    sourceBox: URIRef
    pageCount: URIRef
    ocrPage: URIRef
    ocrConfidence: URIRef
    sourceText: URIRef


PREFIXES = {
    "bk": BK_IRI,
    "id": ID_IRI,
    "org": str(ORG),
    "prov": str(PROV),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "rdfs": str(RDFS),
    "rdf": str(RDF),
    "xsd": str(XSD),
    "qb": str(QB),
    "owl": str(OWL),
}


def curie(iri: str) -> str:
    """``bk:justifiedBy``, ``id:policy/…`` — or the IRI itself when no project prefix fits
    (the longest namespace wins).

    >>> curie("http://www.w3.org/2000/01/rdf-schema#label"), curie("https://example.org/x")
    ('rdfs:label', 'https://example.org/x')
    """
    for prefix, ns in sorted(PREFIXES.items(), key=lambda x: -len(x[1])):
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri
