"""Load the pipelines from their configurations (``config.cfg``: policy references; ``narrative.cfg``: the
figures of the 说明 part), package data of ``kg.extract.nlp``.

>>> nlp = load_pipeline()
>>> nlp.pipe_names
['bk_amount', 'bk_docno', 'bk_title', 'bk_issuer', 'bk_references']
>>> [(e.text, e.label_) for e in nlp("山西省财政厅《关于X的通知》(晋财库〔2020〕16号)，391,308元").ents]
[('山西省财政厅', 'ISSUER'), ('《关于X的通知》', 'TITLE'), ('晋财库〔2020〕16号', 'DOCNO'), ('391,308元', 'MONEY')]
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import as_file, files
from pathlib import Path

from spacy.language import Language
from spacy.util import load_config, load_model_from_config

import kg.extract.nlp.components  # noqa: F401  (registers the bk_* factories)
import kg.extract.nlp.facts  # noqa: F401  (registers the narrative factories)
from kg.errors import KgError

__all__ = ["DEFAULT_CONFIG", "NARRATIVE_CONFIG", "load_pipeline", "load_narrative_pipeline"]

DEFAULT_CONFIG = Path(str(files("kg.extract.nlp") / "config.cfg"))
NARRATIVE_CONFIG = "narrative.cfg"  # a resource of the package kg.extract.nlp


def load_pipeline(config_path: str | Path | None = None) -> Language:
    """The pipeline described by ``config_path``; the default one is built once and cached."""
    if config_path is None:
        return _default_pipeline()
    return _build(Path(config_path))


@lru_cache(maxsize=1)
def _default_pipeline() -> Language:
    return _build(DEFAULT_CONFIG)


def _build(path: Path) -> Language:
    if not path.is_file():
        raise KgError("pipeline configuration not found", file=str(path))
    return load_model_from_config(load_config(path), auto_fill=True, validate=True)


@lru_cache(maxsize=1)
def load_narrative_pipeline() -> Language:
    """The narrative-facts pipeline of ``narrative.cfg`` (built once)."""
    with as_file(files("kg.extract.nlp") / NARRATIVE_CONFIG) as path:
        return _build(Path(path))
