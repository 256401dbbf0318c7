"""ontology/budget-kg.ttl: the contract's terms exist with their meaning, and the bk: terms equal kg.vocab.BK."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, QB, RDF, RDFS, SKOS

from kg.vocab import BK, BK_IRI, ELI

REPO = Path(__file__).resolve().parents[1]
ONTOLOGY = REPO / "ontology" / "budget-kg.ttl"
ONTOLOGY_IRI = URIRef("https://w3id.org/budget-kg/ontology")
VANN = "http://purl.org/vocab/vann/"
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # a plain Namespace: pytest probes module attributes

# The bk: terms of ONTOLOGY-CONTRACT.md, kept here so the test runs without ../shared.
CONTRACT_TERMS = {
    "BudgetDocument", "sourceFile", "fiscalYear", "documentKind", "publishedBy", "BudgetUnit", "departmentCode",
    "Project", "amount", "implementedBy", "justifiedBy", "mentions", "hasIndicator", "fundedBy", "fundingSource",
    "PolicyDocument", "docNumber", "issuerCode", "issuedBy", "cites", "Indicator", "level1", "level2",
    "targetText", "comparator", "targetValue", "targetUnit", "BudgetLine", "classification", "budgetTable",
    "budgetColumn", "Finding", "checkId", "severity", "expectedValue", "actualValue", "concerns", "sourcePage",
    "sourceLine", "sourceText",
}  # fmt: skip
CONTRACT_CLASSES = {"BudgetDocument", "BudgetUnit", "Project", "PolicyDocument", "Indicator", "BudgetLine", "Finding"}

PROPERTY_TYPES = {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}

RANGES = {
    XSD.integer: ["fiscalYear", "sourceLine", "sourcePage", "lastLine", "sequence", "issueYear", "serialNumber"],
    XSD.decimal: ["amount", "expectedValue", "actualValue", "difference", "targetValue", "targetAmount",
                  "periodAmount", "annualAmount"],
    XSD.boolean: ["isTotal"],
    SKOS.Concept: ["level1", "level2", "fundingSource", "classification"],
}  # fmt: skip

# contract: "doc → X", "project → X", ...: the domain a one-class property must state
DOMAINS = {
    "sourceFile": BK.BudgetDocument, "documentKind": BK.BudgetDocument, "publishedBy": BK.BudgetDocument,
    "departmentCode": BK.BudgetUnit, "implementedBy": BK.Project, "justifiedBy": BK.Project,
    "hasIndicator": BK.Project, "fundedBy": BK.Project, "fundingSource": BK.Funding,
    "docNumber": BK.PolicyDocument, "issuerCode": BK.PolicyDocument, "issuedBy": BK.PolicyDocument,
    "cites": BK.PolicyDocument, "level1": BK.Indicator, "level2": BK.Indicator, "targetText": BK.Indicator,
    "comparator": BK.Indicator, "targetValue": BK.Indicator, "targetUnit": BK.Indicator,
    "classification": BK.BudgetLine, "budgetTable": BK.BudgetLine, "budgetColumn": BK.BudgetLine,
    "checkId": BK.Finding, "severity": BK.Finding, "expectedValue": BK.Finding, "actualValue": BK.Finding,
    "concerns": BK.Finding,
}  # fmt: skip
OBJECT_RANGES = {
    "publishedBy": BK.BudgetUnit, "implementedBy": BK.BudgetUnit, "justifiedBy": BK.PolicyDocument,
    "mentions": BK.PolicyDocument, "hasIndicator": BK.Indicator, "fundedBy": BK.Funding,
    "issuedBy": ORG.Organization, "cites": BK.PolicyDocument, "hasTable": BK.BudgetTable,
    "hasTargetTable": BK.TargetTable, "refersTo": BK.PolicyDocument,
}  # fmt: skip
# used on several classes: no domain, or a union, never one class
MULTI_DOMAIN = {
    "amount": {BK.Project, BK.Funding, BK.BudgetLine, BK.TargetTable, BK.BudgetItem},
    "fiscalYear": {BK.BudgetDocument, BK.Project},
    "mentions": {BK.Project, BK.BudgetDocument},
    "sourcePage": None, "sourceLine": None, "sourceText": None, "lastLine": None, "sequence": None,
}  # fmt: skip


@pytest.fixture(scope="module")
def g() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


def bk(name: str) -> URIRef:
    return URIRef(BK_IRI + name)


def local(term: URIRef) -> str:
    return str(term)[len(BK_IRI):]


def langs(g: Graph, s: URIRef, p: URIRef) -> set[str | None]:
    return {o.language for o in g.objects(s, p) if isinstance(o, Literal)}


def union_members(g: Graph, node) -> set:
    if not isinstance(node, BNode):
        return {node}
    lst = g.value(node, OWL.unionOf)
    assert lst is not None, f"anonymous class {node} is not an owl:unionOf"
    return set(Collection(g, lst))


def test_parses_with_rdflib_and_pyoxigraph(g):
    assert len(g) > 500
    assert sum(1 for _ in pyoxigraph.parse(path=str(ONTOLOGY), format=pyoxigraph.RdfFormat.TURTLE)) == len(g)


def test_header(g):
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in g
    for p in (DCTERMS.title, DCTERMS.description):
        assert {"zh", "en"} <= langs(g, ONTOLOGY_IRI, p), p
    assert g.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal("0.1.0")
    assert g.value(ONTOLOGY_IRI, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert g.value(ONTOLOGY_IRI, URIRef(VANN + "preferredNamespacePrefix")) == Literal("bk")


def test_defined_terms_equal_vocab(g):
    defined = {s for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(BK_IRI)}
    vocab = set(dir(BK))
    assert defined - vocab == set(), "defined in the ontology but missing from kg.vocab.BK"
    assert vocab - defined == set(), "in kg.vocab.BK but not defined in the ontology"


def test_no_undefined_bk_term_is_referenced(g):
    used = {o for o in g.objects() if isinstance(o, URIRef) and str(o).startswith(BK_IRI)}
    assert used <= set(dir(BK))


def test_literal_contract_list_is_in_vocab():
    assert {bk(t) for t in CONTRACT_TERMS} <= set(dir(BK))


def test_contract_table_matches_literal_list():
    shared = Path(os.environ.get("KG_SHARED", REPO.parent / "shared"))
    contract = shared / "ONTOLOGY-CONTRACT.md"
    if not contract.is_file():
        pytest.skip(f"{contract} not found (set KG_SHARED to the shared directory)")
    first_cells = [line.split("|")[1] for line in contract.read_text("utf-8").splitlines() if line.startswith("| ")]
    parsed = {m for cell in first_cells for m in re.findall(r"\bbk:(\w+)", cell)}
    assert parsed, "no bk: terms found in the contract table"
    assert parsed == CONTRACT_TERMS
    assert {bk(t) for t in parsed} <= set(dir(BK))


@pytest.mark.parametrize("term", sorted(dir(BK)), ids=local)
def test_term_has_bilingual_label_comment_and_definer(g, term):
    for p in (RDFS.label, RDFS.comment):
        got = sorted(o.language for o in g.objects(term, p))
        assert got == ["en", "zh"], f"{local(term)} {p}: want exactly one @zh and one @en, got {got}"
    assert (term, RDFS.isDefinedBy, ONTOLOGY_IRI) in g


@pytest.mark.parametrize("term", sorted(dir(BK)), ids=local)
def test_term_is_a_class_or_typed_property(g, term):
    types = set(g.objects(term, RDF.type))
    is_class = OWL.Class in types
    assert is_class != bool(types & PROPERTY_TYPES), f"{local(term)}: {types}"
    assert is_class == local(term)[0].isupper(), f"{local(term)}: classes are capitalised, properties not"
    if not is_class:
        assert len(types & {OWL.ObjectProperty, OWL.DatatypeProperty}) == 1


def test_contract_classes(g):
    for name in CONTRACT_CLASSES | {"Department", "TargetTable", "Funding", "PolicyReference", "BudgetTable"}:
        assert (bk(name), RDF.type, OWL.Class) in g, name


@pytest.mark.parametrize("rng,names", RANGES.items(), ids=lambda x: str(x).split("#")[-1] if isinstance(x, URIRef) else "")
def test_ranges(g, rng, names):
    for name in names:
        assert set(g.objects(bk(name), RDFS.range)) == {rng}, name


def test_datatype_properties_have_a_datatype_range(g):
    for p in g.subjects(RDF.type, OWL.DatatypeProperty):
        ranges = set(g.objects(p, RDFS.range))
        assert len(ranges) == 1 and str(next(iter(ranges))).startswith(str(XSD)), local(p)
    for name in ("sourceFile", "documentKind", "departmentCode", "docNumber", "issuerCode", "targetText",
                 "comparator", "targetUnit", "budgetTable", "budgetColumn", "checkId", "severity", "sourceText"):
        assert g.value(bk(name), RDFS.range) == XSD.string, name  # fmt: skip


def test_contract_domains_and_object_ranges(g):
    for name, cls in DOMAINS.items():
        assert set(g.objects(bk(name), RDFS.domain)) == {cls}, name
    for name, cls in OBJECT_RANGES.items():
        assert set(g.objects(bk(name), RDFS.range)) == {cls}, name
        assert (bk(name), RDF.type, OWL.ObjectProperty) in g, name
    assert union_members(g, g.value(BK.citedIn, RDFS.range)) == {BK.Project, BK.BudgetDocument}


def test_multi_class_properties_have_no_single_class_domain(g):
    for name, want in MULTI_DOMAIN.items():
        domains = list(g.objects(bk(name), RDFS.domain))
        if want is None:
            assert domains == [], name
        else:
            assert len(domains) == 1 and isinstance(domains[0], BNode), name
            assert union_members(g, domains[0]) == want, name


def test_every_domain_and_range_is_a_known_class(g):
    known = {s for s in g.subjects(RDF.type, OWL.Class) if isinstance(s, URIRef)}
    external = {ORG.Organization, SKOS.Concept, SKOS.ConceptScheme}
    for p in (RDFS.domain, RDFS.range):
        for _, o in g.subject_objects(p):
            for member in union_members(g, o):
                assert member in known or member in external or str(member).startswith(str(XSD)), member


def test_alignments(g):
    expected = [
        (BK.BudgetUnit, RDFS.subClassOf, ORG.Organization),
        (BK.Department, RDFS.subClassOf, BK.BudgetUnit),
        (BK.BudgetLine, RDFS.subClassOf, QB.Observation),
        (BK.BudgetTable, RDFS.subClassOf, QB.DataSet),
        (BK.classification, RDF.type, QB.DimensionProperty),
        (BK.budgetColumn, RDF.type, QB.DimensionProperty),
        (BK.amount, RDF.type, QB.MeasureProperty),
        (BK.BudgetDocument, RDFS.subClassOf, PROV.Entity),
        (BK.BudgetDocument, SKOS.closeMatch, DCTERMS.BibliographicResource),
        (BK.PolicyDocument, RDFS.subClassOf, PROV.Entity),
        (BK.PolicyDocument, SKOS.closeMatch, ELI.LegalResource),
        (BK.cites, RDFS.subPropertyOf, DCTERMS.references),
        (BK.cites, SKOS.closeMatch, ELI.cites),
        (BK.publishedBy, RDFS.subPropertyOf, DCTERMS.publisher),
        (BK.issuedBy, RDFS.subPropertyOf, DCTERMS.creator),
    ]
    missing = [t for t in expected if t not in g]
    assert missing == []


def test_extracted_classes_are_prov_entities(g):
    for name in ("BudgetDocument", "Project", "TargetTable", "Indicator", "Funding", "PolicyDocument",
                 "PolicyReference", "BudgetTable", "BudgetLine", "Finding"):
        assert (bk(name), RDFS.subClassOf, PROV.Entity) in g, name  # fmt: skip


def test_no_equivalence_axioms(g):
    for p in (OWL.equivalentClass, OWL.equivalentProperty, OWL.sameAs):
        assert not list(g.triples((None, p, None))), p
