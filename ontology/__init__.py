"""The ontology, code lists, issuer and law tables: shipped in the package as kg._ontology (see kg/resources.py)."""
