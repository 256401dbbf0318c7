"""`kg ingest` over a generated corpus of bad input (tests/badcorpus.py): every file gets exactly the lines it
must (one line naming the file and the real cause for each refused one), every good document is stored, no
control character and no phone number or person's name reaches the store. Issue 15's "bad-input corpus"."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pyoxigraph as ox
from badcorpus import make
from conftest import ROOT

from kg.store import Store

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def test_every_bad_file_is_one_line_naming_its_cause_and_every_good_one_is_stored(tmp_path):
    folder = tmp_path / "corpus"
    expect = make(folder)
    r = subprocess.run([sys.executable, "-m", "kg.cli", "ingest", "--store", str(tmp_path / "s"), str(folder)],
                       env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=600,
                       start_new_session=True)
    assert r.returncode == 1
    printed = sorted(r.stderr.strip().splitlines())
    wanted = sorted(f"{level}: {folder / name}: {message}" for name, lines in expect.items() for level, message in lines)
    assert printed == wanted
    refused = {name for name, lines in expect.items() if any(level == "error" for level, _ in lines)}
    good = set(expect) - refused
    assert r.stdout.startswith(f"ingested {len(good)} documents (8 complete, 1 incomplete), {len(refused)} failed:")
    with Store(tmp_path / "s", read_only=True) as store:
        files = {row["f"] for row in store.select("SELECT ?f WHERE { ?d a bk:BudgetDocument ; bk:sourceFile ?f }")}
        assert files == good
        values = [q.object.value for q in store._s.quads_for_pattern(None, None, None, None)
                  if isinstance(q.object, ox.Literal)]
    assert not [v for v in values if CONTROL.search(v)]
    assert not [v for v in values if "李明" in v or "5027788" in v or "139 1234 5678" in v]
