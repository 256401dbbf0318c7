"""Shared fixtures: the real documents in ../shared (or $KG_SHARED), extractions and stores built once; a live
`kg serve` and Debian's Chromium for the endpoint, page and figure tests."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KG_SHARED", ROOT.parent / "shared"))
SEEDS = SHARED / "seeds"
GOLD = SHARED / "gold"
SAMPLE = ROOT / "data" / "sample"
SEED_FILES = {
    "000": "000_4af2b7ab3d3465e5.txt",
    "001": "001_206854ab748b39c9.txt",
    "002": "002_155276bea8e9ea1f.txt",
    "003": "003_fd85d143325c44d6.txt",
    "004": "004_cd62cd4bc4d9599a.txt",
}

PDFS = SHARED / "pdfs"
PDF_FILES = {
    "wanli": "shanghai-putuo-wanli-2024-dept-budget.pdf",
    "finance": "shanghai-putuo-finance-2024-dept-final-accounts.pdf",
    "planning": "shanghai-putuo-planning-2024-dept-final-accounts.pdf",
    "justice": "shanghai-putuo-justice-2026-unit-budget.pdf",
    "social": "shanghai-putuo-social-work-2024-dept-final-accounts.pdf",
}
#: the blank national 部门决算 template ("上海市 XX 局", no figure): not a disclosure, refused, so not in PDF_FILES
PDF_TEMPLATE = "shanghai-dept-final-accounts-template-2024.pdf"

# Screenshots and figures the tests make: under build/ on every run; `make screenshots` (KG_SCREENSHOTS=docs)
# writes them into docs/img/, the copies the README shows, so a test run leaves the committed ones alone.
SCREENSHOTS = ROOT / "docs" / "img" if os.environ.get("KG_SCREENSHOTS") == "docs" else ROOT / "build" / "screenshots"

needs_seeds = pytest.mark.skipif(
    not SEEDS.is_dir(), reason=f"the real documents are not here ({SEEDS}); set KG_SHARED to the shared folder"
)


def seed_path(key: str) -> Path:
    p = SEEDS / SEED_FILES[key]
    if not p.exists():
        pytest.skip(f"seed {p} is not here; set KG_SHARED to the shared folder")
    return p


def pdf_path(key: str) -> Path:
    """The real PDF of that key of PDF_FILES, or "template" for PDF_TEMPLATE."""
    p = PDFS / (PDF_TEMPLATE if key == "template" else PDF_FILES[key])
    if not p.exists():
        pytest.skip(f"the real PDF {p} is not here; set KG_SHARED to the shared folder")
    return p


def _cached(make):
    """key → make(key), computed once per key."""
    cache = {}

    def get(key: str):
        if key not in cache:
            cache[key] = make(key)
        return cache[key]

    return get


@pytest.fixture(scope="session")
def pdf_source():
    """pdf_source("wanli") → the SourceDoc the PDF reader makes of that PDF, read once per session."""
    from kg.read import read

    return _cached(lambda key: read(pdf_path(key)))


@pytest.fixture(scope="session")
def pdf_extraction(pdf_source):
    """pdf_extraction("wanli") → the Extraction of that PDF, computed once per session."""
    from kg.pipeline import extract

    return _cached(lambda key: extract(pdf_source(key)))


@pytest.fixture(scope="session")
def extraction():
    """extraction("000") → the Extraction of that seed, computed once per session."""
    from kg.pipeline import extract_file

    return _cached(lambda key: extract_file(seed_path(key)))


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory):
    """A real Oxigraph store on disk holding the five seeds."""
    if not SEEDS.is_dir():
        pytest.skip(f"the real documents are not here ({SEEDS}); set KG_SHARED to the shared folder")
    from kg.pipeline import ingest
    from kg.store import Store

    store = Store(tmp_path_factory.mktemp("seeds") / "store")
    report = ingest([SEEDS], store)
    assert report.documents == 5 and not report.failed, report.failed
    return store


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory):
    from kg.pipeline import ingest
    from kg.store import Store

    store = Store(tmp_path_factory.mktemp("sample") / "store")
    report = ingest([SAMPLE], store)
    assert report.documents == 2 and not report.failed, report.failed
    return store


# ---------------------------------------------------------------- live server and browser

CHROMIUM = Path("/usr/bin/chromium")  # Debian's; never a browser downloaded by a test tool
# without the background-networking flags Chromium keeps calling hosts this machine cannot reach
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright. Skipped when it is not installed, except under
    KG_REQUIRE_BROWSER (CI), where its absence fails."""
    if not CHROMIUM.exists():
        if os.environ.get("KG_REQUIRE_BROWSER"):
            pytest.fail("Debian's chromium is not installed (apt-get install chromium) and KG_REQUIRE_BROWSER is set")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


class KgServer:
    """A `kg serve` subprocess: its base URL, and its stderr (the request log) in a file."""

    def __init__(self, store: Path, tmp: Path, *args: str):
        self.out, self.err = tmp / "stdout.txt", tmp / "stderr.txt"
        t0 = time.perf_counter()
        with self.out.open("wb") as out, self.err.open("wb") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "kg.cli", "serve", "--store", str(store), "--port", "0", *args],
                stdout=out, stderr=err, cwd=ROOT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            m = re.search(r"http://[^\s]+/", self.out.read_text("utf-8"))
            if m:
                self.url = m.group(0).rstrip("/")
                break
            if self.proc.poll() is not None:
                raise AssertionError(f"kg serve ended: {self.err.read_text('utf-8')}")
            time.sleep(0.05)
        else:
            self.stop()
            raise AssertionError("kg serve printed no URL within 60 s")
        self.started_in = time.perf_counter() - t0

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def log(self) -> str:
        return self.err.read_text("utf-8")


