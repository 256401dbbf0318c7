"""The published JSON-LD ``@context`` (``ontology/context.jsonld``): compact keys for the graph.

The context is data, generated from the ontology so that the two cannot drift apart: a term per
``bk:`` class and property (``"amount"``, ``"justifiedBy"``, ``"Project"``), with the property's
range as its coercion (object properties ``"@type": "@id"``, numbers and dates their XSD type;
strings and booleans stay plain JSON), a few terms of the reused vocabularies (``label``,
``wasDerivedFrom``, ``prefLabel`` …) and the project prefixes. ``python -m kg.export.context``
prints it; a test checks the published file equals it.

>>> build_context()["@context"]["amount"]
{'@id': 'bk:amount', '@type': 'xsd:decimal'}
>>> build_context()["@context"]["justifiedBy"]
{'@id': 'bk:justifiedBy', '@type': '@id'}
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from kg.codelists import ontology_dir
from kg.vocab import BK_IRI, PREFIXES

#: where the context is published (it is embedded in every export, so nothing is fetched)
CONTEXT_IRI = "https://w3id.org/budget-kg/ontology/context.jsonld"

_XSD = PREFIXES["xsd"]
# ranges that keep their datatype in the context; xsd:string and xsd:boolean are plain JSON
_COERCED = {"decimal", "integer", "date", "dateTime", "gYear"}

# terms of the vocabularies the graph reuses: name → (compact IRI, coercion or None)
REUSED: dict[str, tuple[str, str | None]] = {
    "label": ("rdfs:label", None),
    "comment": ("rdfs:comment", None),
    "seeAlso": ("rdfs:seeAlso", "@id"),
    "title": ("dcterms:title", None),
    "description": ("dcterms:description", None),
    "issued": ("dcterms:issued", "xsd:date"),
    "wasDerivedFrom": ("prov:wasDerivedFrom", "@id"),
    "subOrganizationOf": ("org:subOrganizationOf", "@id"),
    "hasUnit": ("org:hasUnit", "@id"),
    "unitOf": ("org:unitOf", "@id"),
    "prefLabel": ("skos:prefLabel", None),
    "altLabel": ("skos:altLabel", None),
    "hiddenLabel": ("skos:hiddenLabel", None),
    "notation": ("skos:notation", None),
    "definition": ("skos:definition", None),
    "editorialNote": ("skos:editorialNote", None),
    "broader": ("skos:broader", "@id"),
    "inScheme": ("skos:inScheme", "@id"),
    "topConceptOf": ("skos:topConceptOf", "@id"),
    "hasTopConcept": ("skos:hasTopConcept", "@id"),
    "dataSet": ("qb:dataSet", "@id"),
    "sameAs": ("owl:sameAs", "@id"),
    "Concept": ("skos:Concept", None),
    "ConceptScheme": ("skos:ConceptScheme", None),
    "Organization": ("org:Organization", None),
}


def context_path() -> Path:
    """The published context file: ``ontology/context.jsonld`` (``$KG_ONTOLOGY_DIR`` when set)."""
    return ontology_dir() / "context.jsonld"


def build_context(ontology: Path | None = None) -> dict:
    """The context document ``{"@context": {...}}`` the ontology implies (prefixes, then terms by name)."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import OWL, RDF, RDFS

    g = Graph().parse(ontology or ontology_dir() / "budget-kg.ttl", format="turtle")
    terms: dict[str, object] = {}
    for s in sorted({s for s in g.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(BK_IRI)}):
        name = str(s)[len(BK_IRI):]
        types = set(g.objects(s, RDF.type))
        if OWL.Class in types:
            terms[name] = f"bk:{name}"
        elif OWL.ObjectProperty in types:
            terms[name] = {"@id": f"bk:{name}", "@type": "@id"}
        elif OWL.DatatypeProperty in types:
            ranges = [str(r)[len(_XSD):] for r in g.objects(s, RDFS.range) if str(r).startswith(_XSD)]
            kind = ranges[0] if len(ranges) == 1 else None
            terms[name] = {"@id": f"bk:{name}", "@type": f"xsd:{kind}"} if kind in _COERCED else f"bk:{name}"
    for name, (curie, coercion) in REUSED.items():
        if name in terms or name in PREFIXES:
            raise ValueError(f"context term {name!r} is defined twice")
        terms[name] = {"@id": curie, "@type": coercion} if coercion else curie
    return {"@context": {**PREFIXES, **dict(sorted(terms.items()))}}


@cache
def _published(path: Path) -> str:
    return path.read_text("utf-8")


def load_context() -> dict:
    """The published context document (``ontology/context.jsonld``)."""
    return json.loads(_published(context_path()))


def context_text(context: dict | None = None) -> str:
    """A context document as the published file writes it: one term a line, in the order built."""
    inner = (context or build_context())["@context"]
    lines = [f"    {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in inner.items()]
    return '{\n  "@context": {\n' + ",\n".join(lines) + "\n  }\n}\n"


if __name__ == "__main__":  # python -m kg.export.context > ontology/context.jsonld
    print(context_text(), end="")
