"""A check whose figures are counts (`# measure: count`) prints them as counts, never as money: the
declared-targets-count finding of the Shanghai justice budget (19 projects stated, no target table found)."""

from __future__ import annotations

import json

from click.testing import CliRunner
from conftest import pdf_path

from kg.audit import RULES, load_checks
from kg.cli import main


def test_declared_targets_count_is_a_count():
    assert {c.id: c.measure for c in load_checks(RULES)}["declared-targets-count"] == "count"
    assert {c.id: c.measure for c in load_checks(RULES)}["cross-basic-total"] == "money"


def test_counts_print_as_counts(tmp_path):
    store = tmp_path / "store"
    assert CliRunner().invoke(main, ["ingest", "--store", str(store), "--jobs", "1", str(pdf_path("justice"))]).exit_code == 0
    r = CliRunner().invoke(main, ["audit", "--store", str(store), "--check", "declared-targets-count"])
    assert r.exit_code == 0, r.output
    row = next(line for line in r.output.splitlines() if line.startswith("│ 1 │"))
    assert [cell.strip() for cell in row.strip("│").split("│")][2:] == ["19", "0", "-19"]
    assert "元" not in r.output
    r = CliRunner().invoke(main, ["audit", "--store", str(store), "--check", "declared-targets-count", "--format", "json"])
    finding = json.loads(r.stdout)[0]
    assert (finding["expected"], finding["actual"], finding["difference"], finding["measure"], finding["money_unit"]) \
        == ("19", "0", "-19", "count", None)
    r = CliRunner().invoke(main, ["audit", "--store", str(store), "--check", "declared-targets-count", "--format", "html",
                                  "-o", str(tmp_path / "audit.html")])
    page = (tmp_path / "audit.html").read_text("utf-8")
    assert "<th>expected 预期</th><td>19</td>" in page and "<th>difference 差额</th><td>-19</td>" in page
    assert "19 元" not in page
