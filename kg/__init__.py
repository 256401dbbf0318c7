"""budget-kg: Chinese budget disclosures (预算公开) → an RDF knowledge graph of policy → spending → target."""

__version__ = "0.1.0"
