"""The package works once installed: a wheel built from a copy of the checkout (its tracked and new files, as a
fresh clone has them: no node_modules, no kg/assets/vendor) and installed into a fresh venv outside the checkout
runs `kg demo`, `kg ingest`, `kg audit`, `kg viz -o x.html` and `kg serve` (its page, its JavaScript, its questions
and /sparql); a resource removed from the installed package is one line, never a traceback.

Slow (marked `wheel`: `-m 'not wheel'` skips it): the build runs `npm ci` (runtime packages) and the venv installs
every dependency. It runs offline once `build/wheelhouse` holds setuptools and the dependencies' wheels: pip then
installs with --no-index --find-links; only what is missing there is downloaded (`pip download`), once.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import venv
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS

pytestmark = pytest.mark.wheel

WHEELHOUSE = Path(os.environ.get("KG_WHEELHOUSE", ROOT / "build" / "wheelhouse"))


def sh(*args, cwd=None, env=None, timeout=900) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def offline_env() -> dict[str, str]:
    """pip reads only the wheelhouse (the isolated build environment too)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(PIP_NO_INDEX="1", PIP_FIND_LINKS=str(WHEELHOUSE), PIP_DISABLE_PIP_VERSION_CHECK="1",
               PIP_CONFIG_FILE=os.devnull)
    return env


def fresh_copy(dest: Path) -> Path:
    """The checkout's tracked and untracked-but-not-ignored files, as they are in the working tree."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: cannot tell which files a fresh clone would have")
    listed = sh("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT)
    assert listed.returncode == 0, listed.stderr
    for name in filter(None, listed.stdout.split("\0")):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    assert not (dest / "node_modules").exists() and not (dest / "kg" / "assets" / "vendor").exists()
    return dest


def filled(what: list[str]) -> None:
    """Download into the wheelhouse (online, once) what it lacks."""
    WHEELHOUSE.mkdir(parents=True, exist_ok=True)
    got = sh(sys.executable, "-m", "pip", "download", "--quiet", "-d", WHEELHOUSE, *what)
    if got.returncode != 0:
        pytest.skip(f"cannot fill the wheelhouse {WHEELHOUSE} (offline, and it lacks packages): {got.stderr[-300:]}")


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(the fresh venv's bin folder, a working folder outside the checkout)."""
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed: the wheel's build fetches its JavaScript with it")
    tmp = tmp_path_factory.mktemp("wheel")
    src = fresh_copy(tmp / "clone")
    env = offline_env()
    if not list(WHEELHOUSE.glob("setuptools-*.whl")):
        filled(["setuptools>=68", "wheel"])
    built = sh(sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", tmp / "dist", src, env=env)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    wheel = next((tmp / "dist").glob("budget_kg-*.whl"))
    venv.EnvBuilder(with_pip=True, clear=True).create(tmp / "venv")
    bin_ = tmp / "venv" / "bin"
    install = [bin_ / "python", "-m", "pip", "install", "--quiet", wheel]
    done = sh(*install, env=env)
    if done.returncode != 0:  # dependencies missing from the wheelhouse: fetch them once
        filled([str(wheel)])
        done = sh(*install, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    work = tmp / "work"
    work.mkdir()
    return bin_, work


def kg(installed, *args, timeout=600):
    bin_, work = installed
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "KG_ONTOLOGY_DIR", "KG_STORE")}
    return sh(bin_ / "kg", *args, cwd=work, env=env, timeout=timeout)


def test_the_installed_package_reads_its_data_from_the_wheel(installed):
    bin_, work = installed
    r = sh(bin_ / "python", "-c", "import kg, kg.resources as r; print(kg.__file__); print(r.ontology_dir()); "
                                  "print(r.queries_dir()); print(kg.SAMPLE); print(r.missing_vendor())", cwd=work)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    site = str(bin_.parent / "lib")
    assert all(line.startswith(site) for line in lines[:4]), lines  # nothing from the checkout
    assert lines[1].endswith("kg/_ontology") and lines[2].endswith("kg/_queries") and lines[4] == "None"


def test_demo_ingest_audit_and_viz(installed):
    bin_, work = installed
    r = kg(installed, "demo")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "ingested 2 documents" in r.stdout and "示政办发〔2023〕15号" in r.stdout
    docs = [work / "sample.txt"]
    shutil.copy(next((bin_.parent / "lib").glob("python*/site-packages/kg/_data/sample/demo-001_*.txt")), docs[0])
    seed = SEEDS / "000_4af2b7ab3d3465e5.txt"
    if seed.is_file():
        docs.append(seed)
    r = kg(installed, "ingest", "--store", "store", "--jobs", "1", *docs)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"ingested {len(docs)} documents" in r.stdout
    r = kg(installed, "audit", "--store", "store", "--format", "json", "-o", "audit.json")
    assert r.returncode in (0, 1) and "Traceback" not in r.stderr, r.stderr
    assert (work / "audit.json").read_text("utf-8").startswith("[")
    r = kg(installed, "viz", "--store", "store", "-o", "graph.html")
    assert r.returncode == 0, r.stdout + r.stderr
    page = (work / "graph.html").read_text("utf-8")
    assert "cytoscape" in page and len(page) > 300_000  # Cytoscape.js inlined
    r = kg(installed, "query", "--store", "store", "--format", "csv",
           "-e", "SELECT (COUNT(*) AS ?n) WHERE { ?g a owl:Ontology }")
    assert r.returncode == 0 and r.stdout.splitlines() == ["n", "1"], r.stdout + r.stderr


def test_serve_page_assets_questions_and_sparql(installed):
    bin_, work = installed
    if not (work / "store").exists():
        assert kg(installed, "ingest", "--store", "store", "--jobs", "1",
                  next((bin_.parent / "lib").glob("python*/site-packages/kg/_data/sample"))).returncode == 0
    log = work / "serve.txt"
    with log.open("wb") as out:
        proc = subprocess.Popen([str(bin_ / "kg"), "serve", "--store", "store", "--port", "0", "--workers", "1"],
                                cwd=work, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not (m := re.search(r"^kg serve: (http://127\.0\.0\.1:\d+)/", log.read_text("utf-8"), re.M)):
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text("utf-8")
            time.sleep(0.1)
        url = m.group(1)

        def get(path):
            with urllib.request.urlopen(url + path, timeout=30) as r:
                return r.status, r.read()

        status, page = get("/")
        assert status == 200 and b"codemirror" in page.lower()
        assert get("/vendor/codemirror.js")[0] == 200 and get("/vendor/cytoscape.min.js")[0] == 200
        status, questions = get("/api/queries")
        assert status == 200 and b"spending-per-policy" in questions
        status, answer = get("/sparql?" + urllib.parse.urlencode({"query": "ASK { ?d a bk:BudgetDocument }"}))
        assert status == 200 and b'"boolean":true' in answer
        assert "warning" not in log.read_text("utf-8")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(20)


def test_a_missing_resource_is_one_line(installed):
    """Run last: it breaks the installed copy on purpose (what an editable install without `make` looks like)."""
    bin_, work = installed
    site = next((bin_.parent / "lib").glob("python*/site-packages"))
    (site / "kg" / "assets" / "vendor" / "cytoscape.min.js").unlink()
    r = kg(installed, "demo", "--store", "viz-store")
    assert r.returncode == 0
    r = kg(installed, "viz", "--store", "viz-store", "-o", "broken.html")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines() == [
        f"error: the JavaScript assets are not built ({site}/kg/assets/vendor/cytoscape.min.js is missing): run "
        "`make vendor` in the source checkout (npm), or install a wheel, which carries them"]
    assert not (work / "broken.html").exists()
    (site / "kg" / "_ontology" / "budget-kg.ttl").unlink()
    r = kg(installed, "demo")
    assert r.returncode == 1 and "Traceback" not in r.stdout + r.stderr
    assert r.stderr.strip().splitlines() == [
        f"error: {site}/kg/_ontology/budget-kg.ttl: reference data not installed (set KG_ONTOLOGY_DIR or reinstall "
        "budget-kg)"]
