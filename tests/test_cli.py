"""The kg command line, run for real against stores on disk."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import SAMPLE, needs_seeds, seed_path

from kg.cli import main

POLICY = "<https://w3id.org/budget-kg/id/policy/示政办发〔2023〕15号>"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "store"
    r = CliRunner().invoke(main, ["ingest", "--store", str(path), str(SAMPLE)])
    assert r.exit_code == 0, r.output
    return path


def run(*args, env=None):
    return CliRunner().invoke(main, list(map(str, args)), env=env)


def test_ingest_prints_a_one_line_summary(tmp_path):
    r = run("ingest", "--store", tmp_path / "s", SAMPLE)
    assert r.exit_code == 0
    assert re.fullmatch(
        r"ingested 2 documents \(2 complete, 0 incomplete\): 5 projects, 32 indicators, 11 policy references, \d+ triples in [\d.]+ s → \S+\n",
        r.stdout,
    ), r.stdout


def test_a_bad_file_gets_one_line_and_exit_code_1(tmp_path):
    bad = tmp_path / "broken.txt"
    bad.write_bytes(b"")
    r = run("ingest", "--store", tmp_path / "s", bad, SAMPLE / "demo-002_示范市政务服务中心_2024.txt")
    assert r.exit_code == 1
    errors = [l for l in r.stderr.splitlines() if l.startswith("error:")]
    assert errors == [f"error: {bad}: the file is empty"]
    assert "1 documents (1 complete, 0 incomplete), 1 failed" in r.stdout
    q = run("query", "--store", tmp_path / "s", "-e", "SELECT (COUNT(?p) AS ?n) WHERE { ?p a bk:Project }", "--format", "csv")
    assert q.stdout.splitlines() == ["n", "2"]


def test_unsupported_and_missing_files_are_reported(tmp_path):
    (tmp_path / "table.xlsx").write_bytes(b"PK")
    r = run("ingest", "--store", tmp_path / "s", tmp_path / "table.xlsx", tmp_path / "nothing.txt")
    assert r.exit_code == 1
    # one line each, in the order the parsing processes finish them
    lines = sorted(l for l in r.stderr.splitlines() if l.startswith("error:"))
    assert len(lines) == 2 and lines[0] == f"error: {tmp_path / 'nothing.txt'}: no such file"
    assert lines[1].startswith(f"error: {tmp_path / 'table.xlsx'}: unsupported file type .xlsx")


def test_query_json_is_the_w3c_results_format(store):
    r = run("query", "--store", store, "-e", "SELECT ?name WHERE { ?p a bk:Project ; rdfs:label ?name } ORDER BY ?name", "--format", "json")
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert data["head"]["vars"] == ["name"]
    assert len(data["results"]["bindings"]) == 5
    assert data["results"]["bindings"][0]["name"] == {"type": "literal", "value": "J公共数据资源目录编制经费"}


def test_query_csv_tsv_and_table(store):
    text = "SELECT ?name ?yuan WHERE { ?p a bk:Project ; rdfs:label ?name ; bk:amount ?yuan } ORDER BY DESC(?yuan) LIMIT 2"
    rows = list(csv.reader(io.StringIO(run("query", "--store", store, "-e", text, "--format", "csv").stdout)))
    assert rows == [["name", "yuan"], ["Z政务数据共享平台运维费", "1285000"], ["Z办事大厅综合服务外包费", "980000"]]
    tsv = run("query", "--store", store, "-e", text, "--format", "tsv").stdout.splitlines()
    assert tsv[0] == "?name\t?yuan" and tsv[1].startswith('"Z政务数据共享平台运维费"\t')
    table = run("query", "--store", store, "-e", text).stdout
    assert "Z政务数据共享平台运维费" in table and "2 rows" in table


def test_query_file_with_a_parameter(store):
    r = run("query", "--store", store, "queries/trace-policy.rq", "--param", f"policy={POLICY}", "--format", "csv")
    assert r.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert {row["projectName"] for row in rows if row["role"] == "justifiedBy"} == {
        "Z政务数据共享平台运维费", "J公共数据资源目录编制经费", "Z政务服务数据对接经费"}


def test_ask_and_construct(store):
    assert run("query", "--store", store, "-e", "ASK { ?p a bk:Project }").stdout.strip() == "true"
    ttl = run("query", "--store", store, "-e", 'CONSTRUCT { ?p rdfs:label ?l } WHERE { ?p bk:docNumber ?l }').stdout
    from rdflib import Graph

    assert len(Graph().parse(data=ttl, format="turtle")) == 4


def test_a_malformed_query_is_one_line_and_exit_1(store):
    r = run("query", "--store", store, "-e", "SELECT ?x WHERE {")
    assert r.exit_code == 1 and r.stderr.startswith("error: malformed SPARQL")


def test_a_missing_store_is_explained(tmp_path):
    r = run("query", "--store", tmp_path / "none", "-e", "ASK {}")
    assert r.exit_code == 1 and "no store here" in r.stderr


def test_query_needs_a_file_or_an_expression(store):
    assert run("query", "--store", store).exit_code == 2


def test_trace_accepts_any_spelling(store):
    for spelling in ("示政办发[2023]15号", "示政办发【2023】15号", "示政办发（2023）第15号", "示政办发〔2023〕15号"):
        r = run("trace", "--store", store, spelling, "--format", "json")
        assert r.exit_code == 0, spelling
        data = json.loads(r.stdout)
        assert data["canonical"] == "示政办发〔2023〕15号"
        (p,) = data["policies"]
        assert {c["unit"] for c in p["citations"]} == {"示范市数据服务中心", "示范市政务服务中心"}


def test_trace_table_shows_projects_amounts_targets_and_lines(store):
    r = run("trace", "--store", store, "示政办发[2023]15号")
    assert r.exit_code == 0
    assert "justifies 3 project(s); cited by 2 unit(s)" in r.stdout
    assert "Z政务数据共享平台运维费 · 1,285,000 元" in r.stdout
    assert re.search(r"demo-001_示范市数据服务中心_2025\.txt:\d+", r.stdout)
    assert "平台运维成本 = ≤1285000元" in r.stdout


def test_trace_by_title(store):
    r = run("trace", "--store", store, "数据安全法", "--format", "json")
    assert r.exit_code == 0
    (p,) = json.loads(r.stdout)["policies"]
    assert p["docno"] is None and p["titles"] == ["中华人民共和国数据安全法"]


def test_trace_of_an_unknown_policy(store):
    r = run("trace", "--store", store, "国办发〔1999〕1号")
    assert r.exit_code == 1 and "no document in the store cites 国办发〔1999〕1号" in r.stdout


def test_store_from_the_environment(store):
    r = run("query", "-e", "ASK { ?p a bk:Project }", env={"KG_STORE": str(store)})
    assert r.stdout.strip() == "true"


def test_demo(tmp_path):
    r = run("demo", "--store", tmp_path / "demo")
    assert r.exit_code == 0
    assert "ingested 2 documents" in r.stdout and "$ kg trace 示政办发[2023]15号" in r.stdout
    assert "justifies 3 project(s)" in r.stdout


@needs_seeds
def test_trace_on_the_seeds(tmp_path):
    """The issue's done criteria, through the command line."""
    store = tmp_path / "s"
    assert run("ingest", "--store", store, seed_path("000").parent).exit_code == 0
    data = json.loads(run("trace", "--store", store, "同办字[2019]116号", "--format", "json").stdout)
    (p,) = data["policies"]
    justified = {(c["project_name"], c["amount"]) for c in p["citations"] if c["role"] == "justifiedBy"}
    assert justified == {("Z12345政府服务热线运维费", "1530000"), ("Z市12345政务服务便民热线“接诉即办”平台运维经费", "1410000")}
    cite = next(c for c in p["citations"] if c["project_name"] == "Z12345政府服务热线运维费" and c["role"] == "justifiedBy")
    fibre = next(i for i in cite["indicators"] if i["indicator"] == "可用光纤专线51条")
    assert (fibre["target"], fibre["line"], cite["line"]) == ("51条", 783, 772)
    mentions = json.loads(run("trace", "--store", store, "晋财综【2024】37号", "--format", "json").stdout)
    (m,) = mentions["policies"]
    assert {(c["unit"], c["file"], c["section"]) for c in m["citations"]} == {
        ("大同市人民政府信息化中心", "000_4af2b7ab3d3465e5.txt", "其他说明"),
        ("大同市政务服务中心", "001_206854ab748b39c9.txt", "其他说明"),
    }


def test_the_installed_command_runs():
    r = subprocess.run([sys.executable, "-m", "kg.cli", "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "ingest" in r.stdout and "trace" in r.stdout


def test_ingest_explain_shows_where_each_fact_comes_from_and_stores_nothing(tmp_path):
    r = run("ingest", "--explain", "--store", tmp_path / "s", SAMPLE / "demo-001_示范市数据服务中心_2025.txt")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0] == "document  示范市数据服务中心 2025 单位预算  (line 4)"
    assert "table t3  expenditure  2025年预算支出总表  [万元]  16 rows  (line 137)" in lines
    assert "  amount  t3 row 3  20103 政府办公厅（室）及相关机构事务 | 合计 = 3,954,700 元  (line 147)" in lines
    assert "project 1  Z政务数据共享平台运维费  1,285,000 元" in lines
    assert any(l.startswith("reference  示政办发〔2023〕15号  ← '示范市人民政府办公厅《") for l in lines)
    assert sum(l.startswith("  amount  ") for l in lines) == 197  # every cell of every table
    assert [l for l in lines if l.startswith("  stated  ")] == [
        "  stated  admin_running  机关运行经费 | 合计 = 180,100 元  in 「机关运行经费增减变动原因说明」 (line 401)",
        "  stated  procurement  政府采购预算 | 合计 = 2,053,000 元  in 「政府采购情况」 (line 405)",
        "  stated  procurement  货物类 | 货物 = 120,000 元  in 「政府采购情况」 (line 405)",
        "  stated  procurement  工程类 | 工程 = 0 元  in 「政府采购情况」 (line 405)",
        "  stated  procurement  服务类 | 服务 = 1,933,000 元  in 「政府采购情况」 (line 405)",
    ]
    assert not (tmp_path / "s").exists()


@needs_seeds
def test_ingest_explain_on_a_pdf_names_pages(tmp_path):
    from conftest import pdf_path

    r = run("ingest", "--explain", pdf_path("wanli"))
    assert r.exit_code == 0, r.output
    assert "project 1  万里街道社区公共服务中心新建工程  6,322,000 元" in r.stdout
    assert re.search(r"^reference  沪府规〔2016〕168号  ← '沪府规【2016】168号'  立项依据, project 1  \(page 33 @ \d+,\d+\)$",
                     r.stdout, re.M)


def test_ingest_in_two_processes_stores_the_same_graph(tmp_path):
    from kg.store import Store

    one, two = tmp_path / "one", tmp_path / "two"
    assert run("ingest", "--jobs", 1, "--store", one, SAMPLE).exit_code == 0
    r = run("ingest", "--jobs", 2, "--store", two, SAMPLE)
    assert r.exit_code == 0, r.output
    dump = 'SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER(!isBlank(?s) && !isBlank(?o)) }'
    with Store(one) as a, Store(two) as b:
        rows_a = sorted(map(str, (tuple(r.values()) for r in a.select(dump))))
        rows_b = sorted(map(str, (tuple(r.values()) for r in b.select(dump))))
    assert len(rows_a) > 5000 and rows_a == rows_b


def test_a_bad_file_in_a_parallel_batch_loses_nothing(tmp_path):
    bad = tmp_path / "in" / "broken.pdf"
    bad.parent.mkdir()
    bad.write_bytes(b"%PDF-1.4\n% cut short\n")
    for f in SAMPLE.glob("*.txt"):
        (tmp_path / "in" / f.name).write_bytes(f.read_bytes())
    r = run("ingest", "--jobs", 2, "--store", tmp_path / "s", tmp_path / "in")
    assert r.exit_code == 1
    assert re.search(r"error: \S*broken\.pdf: ", r.stderr)
    assert "ingested 2 documents (2 complete, 0 incomplete), 1 failed" in r.stdout


@needs_seeds
def test_trace_through_a_pdf_names_its_page(tmp_path):
    from conftest import pdf_path

    assert run("ingest", "--jobs", 1, "--store", tmp_path / "s", pdf_path("wanli")).exit_code == 0
    r = run("trace", "--store", tmp_path / "s", "沪府规[2016]168号")
    assert r.exit_code == 0, r.output
    assert "万里街道社区公共服务中心新建工程" in r.stdout and "6,322,000 元" in r.stdout
    assert "justifies (立项依据) — shanghai-putuo-wanli-2024-dept-budget.pdf p.33" in r.stdout
    j = json.loads(run("trace", "--store", tmp_path / "s", "沪府规〔2016〕168号", "--format", "json").stdout)
    [cite] = j["policies"][0]["citations"]
    assert (cite["page"], cite["line"], cite["amount"]) == (33, None, "6322000")
