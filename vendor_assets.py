"""The JavaScript libraries shipped in kg/assets/vendor, from the npm packages of package.json.

``python vendor_assets.py`` (what ``make vendor`` runs after ``npm ci``) copies them out of node_modules;
the build (setup.py) calls :func:`build`, which runs ``npm ci --omit=dev`` first when node_modules lacks
them. Nothing is fetched at run time: the files are package data.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENDOR = HERE / "kg" / "assets" / "vendor"
STAMP = VENDOR / ".built"
#: node_modules path → name in kg/assets/vendor (with each library's licence)
FILES = {
    "cytoscape/dist/cytoscape.min.js": "cytoscape.min.js",
    "cytoscape/LICENSE": "LICENSE.cytoscape",
    "codemirror/lib/codemirror.js": "codemirror.js",
    "codemirror/lib/codemirror.css": "codemirror.css",
    "codemirror/mode/sparql/sparql.js": "codemirror-sparql.js",
    "codemirror/LICENSE": "LICENSE.codemirror",
}
SOURCES = (HERE / "package.json", HERE / "package-lock.json")


def fresh() -> bool:
    """The assets are built and newer than package.json and its lock file."""
    if not STAMP.exists() or not all((VENDOR / name).is_file() for name in FILES.values()):
        return False
    return all(not s.exists() or s.stat().st_mtime <= STAMP.stat().st_mtime for s in SOURCES)


def copy() -> None:
    modules = HERE / "node_modules"
    VENDOR.mkdir(parents=True, exist_ok=True)
    for source, name in FILES.items():
        shutil.copyfile(modules / source, VENDOR / name)
    STAMP.touch()


def build() -> None:
    """Make kg/assets/vendor unless it is fresh; npm ci (runtime packages only) when node_modules lacks them."""
    built = all((VENDOR / name).is_file() for name in FILES.values())
    if fresh() or (built and not (HERE / "node_modules").exists()):  # e.g. an sdist, which carries them built
        return
    if not all((HERE / "node_modules" / source).is_file() for source in FILES):
        npm = shutil.which("npm")
        if npm is None:
            sys.exit("building budget-kg needs npm (Node.js) to fetch the JavaScript of package.json "
                     "(kg/assets/vendor); install Node.js, or run `make vendor` first")
        subprocess.run([npm, "ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund", "--prefer-offline",
                        "--loglevel=error"], cwd=HERE, check=True)
    copy()


if __name__ == "__main__":
    build()
