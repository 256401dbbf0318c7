"""The SPARQL questions, audit rules and graph queries: shipped in the package as kg._queries (see kg/resources.py)."""
