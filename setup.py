"""The build, beside pyproject.toml (which holds the metadata): what goes into the wheel.

- ``ontology/``, ``queries/`` and ``data/`` stay at the top of the repository and become the packages
  ``kg._ontology``, ``kg._queries`` and ``kg._data`` of the wheel (``package_dir``), found at run time with
  ``importlib.resources`` (kg/resources.py); every file under them is package data;
- the JavaScript of the query page and of ``kg viz`` (kg/assets/vendor) is built from npm
  (vendor_assets.py) before the wheel or the sdist is made, unless it is there already; an editable
  install does not build it (``make vendor`` does).
"""

import sys
from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the build backend does not put the project there
import vendor_assets  # noqa: E402

DATA_PACKAGES = {"kg._ontology": "ontology", "kg._queries": "queries", "kg._data": "data"}
DATA_FILES = ["**/*.ttl", "**/*.jsonld", "**/*.rq", "**/*.txt", "**/*.md", "**/*.json", "**/*.pdf"]


class BuildPy(build_py):
    def run(self):
        if not getattr(self, "editable_mode", False):
            vendor_assets.build()
        super().run()


class Sdist(sdist):
    def run(self):
        vendor_assets.build()  # the sdist carries the built assets: a wheel built from it needs no npm
        super().run()


setup(
    packages=find_packages(include=["kg", "kg.*"]) + list(DATA_PACKAGES),
    package_dir=DATA_PACKAGES,
    package_data={
        "kg.extract.nlp": ["*.cfg"],
        "kg.assets": ["vendor/*"],
        "kg.serve": ["page/*"],
        **{name: DATA_FILES for name in DATA_PACKAGES},
    },
    cmdclass={"build_py": BuildPy, "sdist": Sdist},
)
