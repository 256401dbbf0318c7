"""The audit machinery (kg.audit, `kg audit`) with rule files of our own, over real stores.

The project's rules in queries/audit are written and tested elsewhere (tests/test_audit_rules.py);
here three rules written for the test exercise loading, judging, storing and reporting:

- kpi-table-amount (warning): a project's amount against its KPI table's 年度资金总额 (seed 000's
  Z物业管理费: 391,300 元 in the project table, 391,308 元 in its KPI table);
- cost-target (error): a project's amount against its 成本指标 in money, with ?tolerance (the sample's
  J公共数据资源目录编制经费: 860,000 元 against a target of ≤870000元);
- empty-table (info): a presence check, a 三公 or 机关运行经费 table that prints no figure.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal as D
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner
from conftest import SAMPLE, seed_path
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from kg import iri
from kg.audit import Check, RuleErrors, audit, load_checks
from kg.audit.report import money, to_html, to_json
from kg.cli import main
from kg.store import Store
from kg.vocab import BK, PROV

DEMO1, DEMO2 = "demo-001_示范市数据服务中心_2025.txt", "demo-002_示范市政务服务中心_2024.txt"
SEED0, SEED1 = "000_4af2b7ab3d3465e5.txt", "001_206854ab748b39c9.txt"

KPI_TABLE_AMOUNT = """\
# id: kpi-table-amount
# title: 项目金额：项目支出预算表与绩效目标表一致 | Project amount: the project table agrees with the KPI table
# severity: warning
# tolerance: none: both figures are exact yuan
# Question: does a project's 年度资金总额 in its 绩效目标表 equal its amount in the 项目支出预算表?
#   The project row is ?fact, its KPI table ?fact2.
SELECT ?doc ?expected ?actual ?message ?fact ?fact2 WHERE {
  ?fact a bk:Project ; rdfs:label ?name ; bk:amount ?expected ; bk:hasTargetTable ?fact2 ; prov:wasDerivedFrom ?doc .
  ?fact2 bk:annualAmount ?actual .
  BIND(CONCAT("项目“", ?name, "”：项目表与绩效目标表金额不一致") AS ?message)
}
"""

COST_TARGET = """\
# id: cost-target
# title: 成本指标：与项目预算一致 | Cost target: agrees with the project budget
# severity: error
# tolerance: TOLERANCE 元
# Question: does a project's 成本指标 in money state its budget?
SELECT ?doc ?expected ?actual ?tolerance ?message ?fact ?fact2 WHERE {
  ?fact a bk:Project ; rdfs:label ?name ; bk:amount ?expected ; bk:hasIndicator ?fact2 ; prov:wasDerivedFrom ?doc .
  ?fact2 bk:level2 <https://w3id.org/budget-kg/id/concept/indicator/cost> ; bk:targetAmount ?actual .
  BIND(TOLERANCE AS ?tolerance)
  BIND(CONCAT(?name, ": cost target differs from the budget") AS ?message)
}
"""

EMPTY_TABLE = """\
# id: empty-table
# title: 三公经费与机关运行经费表：印有数字 | 三公 and running-cost tables: a figure is printed
# severity: info
# Question: which documents print a “三公” or 机关运行经费 table without any figure in it?
#   (a unit without such spending may leave it empty: worth a note, not an error)
SELECT ?doc ?fact ?message WHERE {
  ?doc bk:hasTable ?fact .
  ?fact bk:tableKind ?kind ; rdfs:label ?title .
  FILTER(?kind IN ("three_public", "admin_running"))
  FILTER NOT EXISTS { ?line qb:dataSet ?fact }
  BIND(CONCAT(?title, " prints no figure") AS ?message)
}
"""


def write_rules(directory, tolerance: str = "0"):
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "kpi-table-amount.rq").write_text(KPI_TABLE_AMOUNT, "utf-8")
    (directory / "cost-target.rq").write_text(COST_TARGET.replace("TOLERANCE", tolerance), "utf-8")
    (directory / "empty-table.rq").write_text(EMPTY_TABLE, "utf-8")
    return directory


@pytest.fixture(scope="module")
def rules(tmp_path_factory):
    return write_rules(tmp_path_factory.mktemp("rules"))


@pytest.fixture(scope="module")
def checks(rules) -> list[Check]:
    return load_checks(rules)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The sample in a store of this module's own: the audit writes into it."""
    from kg.pipeline import ingest

    s = Store(tmp_path_factory.mktemp("audit-sample") / "store")
    assert ingest([SAMPLE], s).documents == 2
    yield s
    s.close()


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    """Seeds 000 and 001 in a store of this module's own (skipped without ../shared)."""
    from kg.pipeline import ingest

    paths = [seed_path("000"), seed_path("001")]
    s = Store(tmp_path_factory.mktemp("audit-seeds") / "store")
    assert ingest(paths, s).documents == 2
    yield s
    s.close()


def doc(file: str) -> str:
    return str(iri.document(file))


def summary(findings):
    return [(f.file, f.check.id, f.n, f.expected, f.actual, f.difference,
             [x.iri.removeprefix(f.doc) for x in f.facts]) for f in findings]  # fmt: skip


# ---------------------------------------------------------------- rule files


def test_load_checks_reads_the_headers(checks):
    assert [c.id for c in checks] == ["cost-target", "empty-table", "kpi-table-amount"]
    kpi = checks[2]
    assert (kpi.title_zh, kpi.title_en, kpi.severity, kpi.tolerance_text) == (
        "项目金额：项目支出预算表与绩效目标表一致", "Project amount: the project table agrees with the KPI table",
        "warning", "none: both figures are exact yuan")
    assert kpi.question == ("does a project's 年度资金总额 in its 绩效目标表 equal its amount in the 项目支出预算表? "
                            "The project row is ?fact, its KPI table ?fact2.")
    assert kpi.fact_variables == ("fact", "fact2") and kpi.path.name == "kpi-table-amount.rq"
    assert checks[1].tolerance_text == "" and checks[1].severity == "info"


GOOD_HEAD = "# id: x\n# title: 中 | En\n# severity: warning\n# Question: q?\n"
GOOD_BODY = "SELECT ?doc ?fact WHERE { ?fact prov:wasDerivedFrom ?doc }\n"


@pytest.mark.parametrize("text,reason", [
    (GOOD_BODY, ":1: the header has no id"),
    (GOOD_HEAD.replace("# id: x\n", "") + GOOD_BODY, ":1: the header has no id"),
    (GOOD_HEAD.replace("# id: x", "# id: Bad Id") + GOOD_BODY, ":1: bad id 'Bad Id'"),
    (GOOD_HEAD.replace("# title: 中 | En\n", "") + GOOD_BODY, ":1: the header has no title"),
    (GOOD_HEAD.replace("中 | En", "只有中文") + GOOD_BODY, ":2: bad title '只有中文': expected '中文 | English'"),
    (GOOD_HEAD.replace("warning", "fatal") + GOOD_BODY, ":3: bad severity 'fatal': expected one of error, warning, info"),
    (GOOD_HEAD.replace("# Question: q?\n", "") + GOOD_BODY, ":1: the header has no question"),
    (GOOD_HEAD + "SELECT ?doc WHERE {\n  ?doc a bk:BudgetDocument\n", ":7: the SPARQL does not parse"),
    (GOOD_HEAD + "SELECT ?doc WHERE { ?doc nope:x ?y }", ":5: the SPARQL does not parse"),
    (GOOD_HEAD + "ASK { ?doc a bk:BudgetDocument }", ": the query must be a SELECT"),
    (GOOD_HEAD + "SELECT ?d WHERE { ?d a bk:BudgetDocument }", ": the SELECT does not project ?doc"),
    (GOOD_HEAD.replace("# Question: q?\n", "# Question: q?\n# id: y\n") + GOOD_BODY, ":5: the header gives 'id' twice"),
])  # fmt: skip
def test_a_malformed_rule_is_one_line_naming_the_file(tmp_path, text, reason):
    (tmp_path / "bad.rq").write_text(text, "utf-8")
    with pytest.raises(RuleErrors) as e:
        load_checks(tmp_path)
    (problem,) = e.value.errors
    assert "\n" not in str(problem)
    assert str(problem).startswith(f"{tmp_path / 'bad.rq'}{reason}"), str(problem)


def test_a_tolerance_paragraph_after_the_question_and_other_variables(store, tmp_path):
    (tmp_path / "x.rq").write_text(GOOD_HEAD.replace("# Question", "# tolerance: none\n# Question") + """\
#   (continued)
# Tolerance: explained at length.
# Returns: one row per project.
SELECT ?doc ?fact ?name ?seq WHERE { ?fact a bk:Project ; rdfs:label ?name ; bk:sequence ?seq ; prov:wasDerivedFrom ?doc }
""", "utf-8")
    (check,) = load_checks(tmp_path)
    assert check.tolerance_text == "none"
    assert check.question == "q? (continued) Tolerance: explained at length. Returns: one row per project."
    assert (check.fact_variables, check.detail_variables) == (("fact",), ("name", "seq"))
    first = audit(store, [check], write=False).findings[0]
    assert first.details == {"name": "Z政务数据共享平台运维费", "seq": "1"}
    assert first.to_json()["details"] == first.details


def test_every_malformed_file_is_reported_and_ids_are_unique(tmp_path):
    write_rules(tmp_path)
    (tmp_path / "again.rq").write_text(KPI_TABLE_AMOUNT, "utf-8")
    (tmp_path / "broken.rq").write_text(GOOD_HEAD + "SELECT ?doc WHERE {", "utf-8")
    with pytest.raises(RuleErrors) as e:
        load_checks(tmp_path)
    lines = str(e.value).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{tmp_path / 'broken.rq'}:5: the SPARQL does not parse")
    assert lines[1] == f"{tmp_path / 'kpi-table-amount.rq'}:1: duplicate id 'kpi-table-amount' (also in {tmp_path / 'again.rq'})"


def test_a_missing_rules_directory(tmp_path):
    with pytest.raises(Exception, match="no such directory of audit rules"):
        load_checks(tmp_path / "none")


# ---------------------------------------------------------------- running the checks


def test_findings_on_the_sample(store, checks):
    report = audit(store, checks)
    assert summary(report.findings) == [
        (DEMO1, "cost-target", 1, D(860000), D(870000), D(10000), ["/project/2", "/project/2/indicator/4"]),
        (DEMO2, "empty-table", 1, None, None, None, ["/table/10"]),
        (DEMO2, "empty-table", 2, None, None, None, ["/table/11"]),
    ]
    cost = report.findings[0]
    assert cost.node == doc(DEMO1) + "/audit/cost-target/1"
    assert cost.message == "J公共数据资源目录编制经费: cost target differs from the budget"
    project, indicator = cost.facts
    assert (project.kind, project.label, project.line, project.text) == (
        "Project", "J公共数据资源目录编制经费", 343, "J公共数据资源目录编制经费\t86.00\t86.00")
    assert (indicator.kind, indicator.label, indicator.line) == ("Indicator", "目录编制成本", 476)
    assert indicator.text.startswith("成本指标\t目录编制成本\t≤870000元")
    assert cost.money_unit == "万元"  # the project table prints 万元
    assert [f.facts[0].label for f in report.findings[1:]] == [
        "2024年财政拨款安排“三公”经费支出预算表", "2024年财政拨款安排机关运行经费预算表"]
    assert (report.count("error"), report.count("warning"), report.count("info")) == (1, 0, 2)
    assert report.summary() == "3 findings (1 error, 0 warnings, 2 infos) from 3 checks over 2 documents"


@pytest.mark.parametrize("tolerance,found", [("10000", 0), ("9999.99", 1), ("0", 1)])
def test_a_difference_within_the_tolerance_is_no_finding(store, tmp_path, tolerance, found):
    checks = [c for c in load_checks(write_rules(tmp_path, tolerance)) if c.id == "cost-target"]
    report = audit(store, checks, write=False)
    assert len(report.findings) == found
    if found:
        assert report.findings[0].tolerance == D(tolerance)


def test_the_findings_graph_of_a_document(store, checks):
    audit(store, checks)
    g = iri.audit_graph(DEMO1)
    assert str(g) == "https://w3id.org/budget-kg/id/graph/audit/" + DEMO1
    node = URIRef(doc(DEMO1) + "/audit/cost-target/1")
    rows = store.select(f"SELECT ?p ?o WHERE {{ GRAPH <{g}> {{ <{node}> ?p ?o }} }}")
    got = {(r["p"], str(r["o"])) for r in rows}
    project, indicator = doc(DEMO1) + "/project/2", doc(DEMO1) + "/project/2/indicator/4"
    assert got == {
        (str(RDF.type), str(BK.Finding)), (str(BK.checkId), "cost-target"), (str(BK.severity), "error"),
        (str(BK.message), "J公共数据资源目录编制经费: cost target differs from the budget"),
        (str(RDFS.label), "成本指标：与项目预算一致"), (str(RDFS.label), "Cost target: agrees with the project budget"),
        (str(BK.expectedValue), "860000"), (str(BK.actualValue), "870000"), (str(BK.difference), "10000"),
        (str(BK.tolerance), "0"), (str(BK.concerns), project), (str(BK.concerns), indicator),
        (str(PROV.wasDerivedFrom), doc(DEMO1)), (str(BK.sourceLine), "343"),
        (str(BK.sourceText), "J公共数据资源目录编制经费\t86.00\t86.00"),
    }
    typed = store.select(f"SELECT ?v WHERE {{ <{node}> bk:difference ?v FILTER(DATATYPE(?v) = xsd:decimal) }}")
    assert typed == [{"v": D(10000)}]
    en = store.select(f'SELECT ?l WHERE {{ <{node}> rdfs:label ?l FILTER(LANG(?l) = "en") }}')
    assert en == [{"l": "Cost target: agrees with the project budget"}]
    # one graph per document; the extraction's findings graph is not the audit's
    assert store.count(iri.audit_graph(DEMO2)) > 0 and store.count(iri.findings_graph(DEMO1)) == 0


def test_queries_over_the_default_graph_see_the_findings(store, checks):
    audit(store, checks)
    rows = store.select("SELECT ?f ?check WHERE { ?f a bk:Finding ; bk:checkId ?check } ORDER BY ?f")
    assert [r["check"] for r in rows] == ["cost-target", "empty-table", "empty-table"]


def test_findings_about_projects_justified_by_a_policy_is_one_query(store, checks):
    audit(store, checks)
    rows = store.select("""
        SELECT ?f ?project ?docno WHERE {
          ?f a bk:Finding ; bk:concerns ?p . ?p bk:justifiedBy ?pol ; rdfs:label ?project .
          ?pol bk:issuerCode "示财预" ; bk:docNumber ?docno }""")
    assert rows == [{"f": doc(DEMO1) + "/audit/cost-target/1", "project": "J公共数据资源目录编制经费",
                     "docno": "示财预〔2024〕3号"}]


def test_a_second_run_replaces_the_findings(store, checks):
    audit(store, checks)
    dump = f'SELECT ?g ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{iri.AUDIT_PREFIX}")) }}'
    first = sorted(map(str, (tuple(r.values()) for r in store.select(dump))))
    audit(store, checks)
    again = sorted(map(str, (tuple(r.values()) for r in store.select(dump))))
    assert again == first and len(first) == len(set(first))
    count = "SELECT (COUNT(?f) AS ?n) WHERE { ?f a bk:Finding }"
    assert store.select(count) == [{"n": 3}]

    # a run of some checks replaces their findings and keeps the others'
    cost = [c for c in checks if c.id == "cost-target"]
    tolerant = [c for c in load_checks(write_rules(store.path.parent / "tolerant", "10000")) if c.id == "cost-target"]
    audit(store, tolerant, complete=False)
    assert [r["c"] for r in store.select("SELECT ?c WHERE { ?f bk:checkId ?c } ORDER BY ?c")] == ["empty-table"] * 2
    assert store.count(iri.audit_graph(DEMO1)) == 0  # no findings left: the graph is gone
    audit(store, cost, complete=False)
    assert store.select(count) == [{"n": 3}]

    # a complete run with fewer rules drops the findings of the rules left out
    audit(store, [c for c in checks if c.id != "empty-table"], complete=True)
    assert store.select(count) == [{"n": 1}] and store.count(iri.audit_graph(DEMO2)) == 0
    audit(store, checks)
    assert sorted(map(str, (tuple(r.values()) for r in store.select(dump)))) == first


def test_auditing_one_document_leaves_the_others(store, checks):
    audit(store, checks)
    report = audit(store, [c for c in checks if c.id != "empty-table"], documents=[DEMO2], complete=True)
    assert report.documents == [doc(DEMO2)] and report.findings == []
    assert store.count(iri.audit_graph(DEMO2)) == 0 and store.count(iri.audit_graph(DEMO1)) > 0
    with pytest.raises(Exception, match="not a document in the store"):
        audit(store, checks, documents=["nothing.txt"])
    audit(store, checks)


def test_a_rule_whose_rows_are_not_documents_is_refused(store, tmp_path):
    (tmp_path / "x.rq").write_text(GOOD_HEAD + "SELECT ?doc WHERE { ?doc a bk:Project }", "utf-8")
    with pytest.raises(Exception, match=r"x\.rq: \?doc <.*project/\d+> is not a bk:BudgetDocument"):
        audit(store, load_checks(tmp_path), write=False)


def test_identical_rows_are_one_finding_and_numbers_follow_the_facts(store, tmp_path):
    (tmp_path / "x.rq").write_text(GOOD_HEAD + """
        SELECT ?doc ?fact WHERE {
          ?fact a bk:Project ; prov:wasDerivedFrom ?doc ; bk:hasIndicator ?i }""", "utf-8")  # a row per indicator
    report = audit(store, load_checks(tmp_path), write=False)
    assert [(f.file, f.n, f.facts[0].iri.removeprefix(f.doc)) for f in report.findings] == [
        (DEMO1, 1, "/project/1"), (DEMO1, 2, "/project/2"), (DEMO1, 3, "/project/3"),
        (DEMO2, 1, "/project/1"), (DEMO2, 2, "/project/2")]


# ---------------------------------------------------------------- the seeds


def test_seed_000_project_against_its_kpi_table(seeds, checks):
    report = audit(seeds, [c for c in checks if c.id == "kpi-table-amount"])
    found = [f for f in report.findings if f.file == SEED0]
    assert summary(found) == [
        (SEED0, "kpi-table-amount", 1, D(391300), D(391308), D(8), ["/project/1", "/project/1/kpi"])]
    (f,) = found
    assert f.message == "项目“Z物业管理费”：项目表与绩效目标表金额不一致"
    assert [(x.line, x.text) for x in f.facts] == [(350, "Z物业管理费\t39.13\t39.13"), (449, "项目名称\t\t\t\tZ物业管理费")]
    assert money(f.actual, f.money_unit) == "391,308 元 (39.1308 万元)"
    assert summary(x for x in report.findings if x.file == SEED1) == [
        (SEED1, "kpi-table-amount", 1, D(24000), D("24016.72"), D("16.72"), ["/project/1", "/project/1/kpi"]),
        (SEED1, "kpi-table-amount", 2, D(83300), D(83334), D(34), ["/project/3", "/project/3/kpi"]),
        (SEED1, "kpi-table-amount", 3, D(711300), D(711262), D(-38), ["/project/6", "/project/6/kpi"]),
    ]


def test_seed_findings_about_projects_justified_by_a_provincial_office(seeds, checks):
    audit(seeds, [c for c in checks if c.id == "kpi-table-amount"])
    rows = seeds.select(f"""
        SELECT DISTINCT ?f ?project WHERE {{
          GRAPH ?g {{ ?f a bk:Finding ; bk:concerns ?p }} FILTER(STRSTARTS(STR(?g), "{iri.AUDIT_PREFIX}"))
          ?p bk:justifiedBy ?pol ; rdfs:label ?project . ?pol bk:issuerCode "晋人社厅发" }}""")
    assert rows == [{"f": doc(SEED1) + "/audit/kpi-table-amount/2", "project": "QT财政其他供养人员"}]


# ---------------------------------------------------------------- reports


def test_json_and_html_reports(store, checks):
    report = audit(store, checks, write=False)
    data = json.loads(to_json(report.findings))
    assert [(d["file"], d["check"], d["severity"]) for d in data] == [
        (DEMO1, "cost-target", "error"), (DEMO2, "empty-table", "info"), (DEMO2, "empty-table", "info")]
    page = to_html(report, report.findings)
    HTMLParser().feed(page)
    assert page.count('class="finding ') == 3 and page.count("<section") == 2


# ---------------------------------------------------------------- kg audit


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli-audit") / "store"
    r = CliRunner().invoke(main, ["ingest", "--store", str(path), str(SAMPLE)])
    assert r.exit_code == 0, r.output
    return path


def kg(*args):
    return CliRunner().invoke(main, list(map(str, args)))


def test_cli_json(store_dir, rules):
    r = kg("audit", "--store", store_dir, "--rules", rules, "--format", "json")
    assert r.exit_code == 1  # an error-severity finding
    data = json.loads(r.stdout)
    assert [(d["file"], d["check"], d["expected"], d["actual"], d["difference"]) for d in data] == [
        (DEMO1, "cost-target", "860000", "870000", "10000"), (DEMO2, "empty-table", None, None, None),
        (DEMO2, "empty-table", None, None, None)]
    cost = data[0]
    assert (cost["title_zh"], cost["title_en"], cost["tolerance"]) == (
        "成本指标：与项目预算一致", "Cost target: agrees with the project budget", "0")
    assert [(x["file"], x["line"], x["page"], x["text"]) for x in cost["facts"]] == [
        (DEMO1, 343, None, "J公共数据资源目录编制经费\t86.00\t86.00"),
        (DEMO1, 476, None, "成本指标\t目录编制成本\t≤870000元\t成本指标\t目录编制成本\t≤870000元")]
    assert r.stderr.strip() == "3 findings (1 error, 0 warnings, 2 infos) from 3 checks over 2 documents"
    stored = kg("query", "--store", store_dir, "-e", "SELECT (COUNT(?f) AS ?n) WHERE { ?f a bk:Finding }", "--format", "csv")
    assert stored.stdout.splitlines() == ["n", "3"]


def test_cli_html_shows_both_snippets_side_by_side(store_dir, rules, tmp_path):
    out = tmp_path / "audit.html"
    r = kg("audit", "--store", store_dir, "--rules", rules, "--format", "html", "-o", out)
    assert r.exit_code == 1 and r.stdout == ""
    page = out.read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert not re.search(r"<script|<link|<img|src=|url\(|@import", page)  # self-contained, nothing fetched
    finding = page[page.index('class="finding error"'):]
    finding = finding[: finding.index('class="finding', 10)] if 'class="finding' in finding[10:] else finding
    assert "成本指标：与项目预算一致" in page and "Cost target: agrees with the project budget" in page
    assert finding.count('class="fact"') == 2 and 'class="facts"' in finding
    assert f"{DEMO1}:343" in finding and f"{DEMO1}:476" in finding
    assert "J公共数据资源目录编制经费\t86.00\t86.00" in finding and "成本指标\t目录编制成本\t≤870000元" in finding
    assert "860,000 元 (86.00 万元)" in finding and "10,000 元 (1.00 万元)" in finding


def test_cli_table_and_exit_codes(store_dir, rules):
    r = kg("audit", "--store", store_dir, "--rules", rules)
    assert r.exit_code == 1
    assert "demo-001_示范市数据服务中心_2025.txt · 示范市数据服务中心 2025 单位预算" in r.stdout
    assert "860,000 元" in r.stdout and "line 343" in r.stdout and "line 476" in r.stdout
    assert r.stdout.rstrip().endswith("3 findings (1 error, 0 warnings, 2 infos) from 3 checks over 2 documents")
    info = kg("audit", "--store", store_dir, "--rules", rules, "--check", "empty-table")
    assert info.exit_code == 0 and "1 check over 2 documents" in info.stdout
    errors_only = kg("audit", "--store", store_dir, "--rules", rules, "--severity", "error", "--format", "json")
    assert errors_only.exit_code == 1 and [d["check"] for d in json.loads(errors_only.stdout)] == ["cost-target"]
    warnings = kg("audit", "--store", store_dir, "--rules", rules, "--severity", "warning")
    assert "empty-table" not in warnings.stdout and "cost-target" in warnings.stdout
    unknown = kg("audit", "--store", store_dir, "--rules", rules, "--check", "nothing")
    assert unknown.exit_code == 2 and "no check nothing" in unknown.stderr


def test_cli_a_malformed_rule(store_dir, tmp_path):
    write_rules(tmp_path)
    (tmp_path / "broken.rq").write_text(GOOD_HEAD.replace("warning", "severe") + GOOD_BODY, "utf-8")
    r = kg("audit", "--store", store_dir, "--rules", tmp_path)
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.splitlines() == [
        f"error: {tmp_path / 'broken.rq'}:3: bad severity 'severe': expected one of error, warning, info"]


def test_cli_without_a_store(tmp_path, rules):
    r = kg("audit", "--store", tmp_path / "none", "--rules", rules)
    assert r.exit_code == 1 and "no store here" in r.stderr


def test_money_in_yuan_and_wan():
    assert money(D("24016.72"), "万元") == "24,016.72 元 (2.401672 万元)"
    assert money(D("1000000"), "万元") == "1,000,000 元 (100.00 万元)"
    assert money(D(391308), "元") == "391,308 元"


def test_decimal_literals_are_exact():
    from kg.audit.run import _dec

    assert _dec(D("0.10")) == Literal("0.10", datatype=XSD.decimal)
