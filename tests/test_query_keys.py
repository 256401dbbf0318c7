"""Every question in queries/ returns one row per what its header says it returns: its `# Key:` line names the
variables that identify a row, and no two rows of its answer over the five seeds share them (all parameters
unbound: every policy, project, unit …)."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from conftest import ROOT

QUERIES = sorted((ROOT / "queries").glob("*.rq"))


def key_of(path) -> list[str]:
    m = re.search(r"^# Key: (.+)$", path.read_text("utf-8"), re.M)
    assert m, f"{path.name} has no '# Key:' header line"
    return [v.lstrip("?") for v in m.group(1).split()]


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.name)
def test_rows_are_unique_on_the_declared_key(seed_store, path):
    key = key_of(path)
    res = seed_store.query(path.read_text("utf-8"))
    columns = [v.value for v in res.variables]
    assert set(key) <= set(columns), f"{path.name}: the key {key} is not among its columns {columns}"
    rows = [tuple(None if sol[v] is None else sol[v].value for v in key) for sol in res]
    repeated = [(k, n) for k, n in Counter(rows).items() if n > 1]
    assert not repeated, f"{path.name}: {len(repeated)} keys repeated, e.g. {repeated[:3]}"


def test_spending_per_policy_lists_a_policy_with_several_titles_once(seed_store):
    rows = seed_store.select((ROOT / "queries" / "spending-per-policy.rq").read_text("utf-8"))
    hotline = [r for r in rows if r["docno"] == "同办字〔2019〕116号"]
    assert len(hotline) == 1
    from decimal import Decimal

    assert hotline[0]["yuan"] == Decimal("2940000") and hotline[0]["projects"] == 2
    # the column sums count each policy once
    assert len({r["policy"] for r in rows}) == len(rows)
