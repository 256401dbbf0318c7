"""Data that ships with the code, found with ``importlib.resources``, never beside the source tree.

The repository keeps ``ontology/``, ``queries/`` and ``data/`` at its top level; the build maps them into
the package as ``kg._ontology``, ``kg._queries`` and ``kg._data`` (``setup.py``: ``package_dir``), so a
wheel carries them and an editable install reads them where they are. The JavaScript of the query page
and of ``kg viz`` HTML is ``kg/assets/vendor/``, built from npm by ``make vendor`` or by the wheel's build.

A resource that is not there is a :class:`MissingResource`: one line naming it and what to do.

>>> (ontology_dir() / "budget-kg.ttl").is_file(), (queries_dir() / "audit").is_dir()
(True, True)
>>> sorted(p.name for p in sample_dir().glob("*.txt"))[0]
'demo-001_示范市数据服务中心_2025.txt'
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from kg.errors import KgError

#: what ``make vendor`` (or the wheel's build) puts in kg/assets/vendor
VENDOR_FILES = ("cytoscape.min.js", "codemirror.js", "codemirror.css", "codemirror-sparql.js")


class MissingResource(KgError):
    """A file the package needs at run time is not installed."""


@lru_cache(maxsize=None)  # where a package lies does not change while the process runs: asked per code lookup
def package_dir(package: str) -> Path:
    """The folder of a package of data, as a path on disk (wheels install unzipped)."""
    try:
        root = files(package)
    except ModuleNotFoundError as e:
        raise MissingResource(f"the package {package} is not installed: reinstall budget-kg") from e
    if not isinstance(root, Path):
        raise MissingResource(f"the package {package} is not on disk ({root}): install budget-kg unzipped")
    return root


def ontology_dir() -> Path:
    """The ontology, code lists, issuer and law tables: ``$KG_ONTOLOGY_DIR`` when set, else ``kg._ontology``."""
    env = os.environ.get("KG_ONTOLOGY_DIR")
    return Path(env) if env else package_dir("kg._ontology")


def queries_dir() -> Path:
    """The questions (``*.rq``), the audit rules (``audit/``) and the graph queries of ``kg viz`` (``graph/``)."""
    return package_dir("kg._queries")


def sample_dir() -> Path:
    """The bundled sample corpus (written by us, in the formats of real disclosures)."""
    return package_dir("kg._data") / "sample"


def page_dir() -> Path:
    """The query page served at ``/`` by ``kg serve``."""
    return package_dir("kg.serve") / "page"


def vendor_dir() -> Path:
    """The JavaScript libraries (``kg/assets/vendor``), which may be missing from a source checkout."""
    return package_dir("kg.assets") / "vendor"


def missing_vendor() -> str | None:
    """Why the JavaScript assets cannot be used (one line), or None when they are all there."""
    folder = vendor_dir()
    absent = [name for name in VENDOR_FILES if not (folder / name).is_file()]
    if not absent:
        return None
    return (f"the JavaScript assets are not built ({folder / absent[0]} is missing): run `make vendor` "
            "in the source checkout (npm), or install a wheel, which carries them")


def vendor_text(name: str) -> str:
    """One file of kg/assets/vendor as text; :class:`MissingResource` when the assets are not built."""
    why = missing_vendor()
    if why is not None:
        raise MissingResource(why)
    return (vendor_dir() / name).read_text("utf-8")


def read_text(path: Path, what: str) -> str:
    """A data file's text, or a one-line :class:`MissingResource` naming it."""
    try:
        return path.read_text("utf-8")
    except FileNotFoundError:
        raise MissingResource(f"{what} is not installed: reinstall budget-kg", file=str(path)) from None
