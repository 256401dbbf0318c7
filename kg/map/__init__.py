"""Map → RDF: records of one document become triples under the ontology, nothing else.

``map_extraction`` is the entry point; :mod:`kg.map.graphs` holds the output, and each module maps
one kind of record (the document and its tables, policy citations …).
"""

from kg.map.document import map_extraction
from kg.map.graphs import Mapped, Out

#: The version of what a document gives: bump it when the same document would now give other triples
#: (a new mapping, a better reading). The ledger records it with each stored document, and an ingest
#: reads again a document stored under another version even when its content is unchanged.
#: 2: a reproduced policy's location is a bk:Reproduction node in the document's graph.
#: 3: the Data Cube components every line of a table shares are stated once, on the table.
GRAPH_VERSION = 3

__all__ = ["GRAPH_VERSION", "Mapped", "Out", "map_extraction"]
