"""Map → RDF: records of one document become triples under the ontology, nothing else.

``map_extraction`` is the entry point; :mod:`kg.map.graphs` holds the output, and each module maps
one kind of record (the document and its tables, policy citations …).
"""

from kg.map.document import map_extraction
from kg.map.graphs import Mapped, Out

__all__ = ["Mapped", "Out", "map_extraction"]
