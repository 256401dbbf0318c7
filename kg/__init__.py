"""budget-kg: Chinese budget disclosures (预算公开) → an RDF knowledge graph of policy → spending → target.

For notebooks: ``g = kg.open("kg-store")``, then ``g.trace(…)``, ``g.query(…)``, ``g.to_networkx(…)``
(see :mod:`kg.api`). The API is imported on first use, so ``import kg`` stays light.
"""

__version__ = "0.1.0"

__all__ = ["open", "KnowledgeGraph", "SAMPLE", "__version__"]


def __getattr__(name: str):
    if name == "SAMPLE":  # the bundled sample corpus (written by us, in the formats of real disclosures)
        from kg.resources import sample_dir

        return sample_dir()
    if name in ("open", "KnowledgeGraph", "Rows"):
        from kg import api

        return getattr(api, name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
