"""The bundled sample corpus: shipped in the package as kg._data (see kg/resources.py)."""
