"""Every research question in queries/ runs and answers exactly, on the seeds and on the sample."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
from rdflib import URIRef

from kg import iri

QUERIES = Path(__file__).resolve().parents[1] / "queries"
FILES = sorted(QUERIES.glob("*.rq"))


def q(name: str) -> str:
    return (QUERIES / name).read_text("utf-8")


def test_the_expected_questions_exist():
    assert {f.name for f in FILES} == {
        "trace-policy.rq", "policies-behind-project.rq", "spending-per-policy.rq", "spending-per-issuer.rq",
        "funding-sources-for-policy.rq", "projects-without-basis.rq", "project-indicators.rq",
        "policies-cited-by-several-units.rq", "cost-target-mismatch.rq",
        # policy knowledge (issue 4)
        "policy-citation-chains.rq", "spending-per-issuer-level.rq", "laws-cited-by-several-units.rq",
        "projects-justified-only-by-contract.rq", "unresolved-issuers.rq", "unit-projects-across-years.rq",
        "policy-reproductions.rq",  # issue 14: where each copy of a reproduced policy is printed
        "document-projects.rq",  # issue 14: a document's projects, indexed for the link stage
    }


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_each_query_states_its_question_and_parameters(path, sample_store):
    head = [l for l in path.read_text("utf-8").splitlines() if l.startswith("#")]
    text = " ".join(head)
    assert head[0].startswith("# Question:") and "Parameters:" in text and "Returns:" in text
    sample_store.select(path.read_text("utf-8"))  # parses and runs


def test_trace_policy_on_the_seeds(seed_store):
    rows = seed_store.select(q("trace-policy.rq"), policy=iri.policy("同办字〔2019〕116号"))
    justified = {(r["projectName"], r["amount"], r["line"]) for r in rows if r["role"] == "justifiedBy"}
    assert justified == {
        ("Z12345政府服务热线运维费", D(1530000), 772),
        ("Z市12345政务服务便民热线“接诉即办”平台运维经费", D(1410000), 686),
    }
    assert {r["unit"] for r in rows} == {"大同市人民政府信息化中心"}
    assert {r["raw"] for r in rows} == {"同办字【2019】116号", "同办字[2019]116号"}


def test_project_indicators(seed_store):
    (proj,) = seed_store.select(q("trace-policy.rq"), policy=iri.policy("同办字〔2019〕116号"))[:1]
    rows = seed_store.select(q("project-indicators.rq"), project=URIRef(proj["project"]))
    assert rows[0]["projectName"] == proj["projectName"]
    by_name = {r["indicator"]: r for r in rows}
    if proj["projectName"] == "Z12345政府服务热线运维费":
        r = by_name["可用光纤专线51条"]
        assert (r["target"], r["value"], r["unit"], r["level2"]) == ("51条", D(51), "条", "数量指标")
    else:
        r = by_name["热线平台运维费"]
        assert (r["target"], r["comparator"], r["value"], r["unit"]) == ("<1410000元", "<", D(1410000), "元")


def test_policies_behind_a_project(seed_store):
    rows = seed_store.select(q("policies-behind-project.rq"), projectName=_lit("Z财政业务设备维护费"))
    assert {r["docno"] for r in rows if r["role"] == "justifiedBy" and r["docno"]} == {
        "晋财库〔2017〕41号", "晋财库〔2017〕124号", "晋财信函〔2018〕9号"}
    assert {r["raw"] for r in rows if r["docno"] == "晋财库〔2017〕41号"} == {"晋财库[2017]41号"}


def test_spending_per_policy_and_issuer(seed_store):
    per_policy = {r["docno"]: r for r in seed_store.select(q("spending-per-policy.rq")) if r["docno"]}
    assert per_policy["同办字〔2019〕116号"]["yuan"] == D(2940000) and per_policy["同办字〔2019〕116号"]["projects"] == 2
    assert per_policy["同发〔2011〕20号"]["yuan"] == D(1920000 + 140800)
    per_issuer = {r["issuerCode"]: (r["yuan"], r["projects"]) for r in seed_store.select(q("spending-per-issuer.rq"))}
    # two 晋财库 numbers justify one project (2,259,400) and another justifies 2,563,000: counted once each
    assert per_issuer["晋财库"] == (D(2259400 + 2563000), 2)
    assert per_issuer["同办字"] == (D(2940000), 2)


def test_projects_without_basis(seed_store):
    rows = seed_store.select(q("projects-without-basis.rq"))
    names = {r["projectName"] for r in rows}
    assert "Z专项业务工作经费" in names and "J日常工作经费" in names
    assert "Z财政业务设备维护费" not in names


def test_policies_cited_by_several_units(seed_store):
    rows = {r["docno"]: r for r in seed_store.select(q("policies-cited-by-several-units.rq")) if r["docno"]}
    assert rows["晋财综〔2024〕37号"]["units"] == 2
    assert set(rows["晋财综〔2024〕37号"]["unitNames"].split("；")) == {"大同市人民政府信息化中心", "大同市政务服务中心"}


def test_cost_target_mismatch_on_the_sample(sample_store):
    rows = sample_store.select(q("cost-target-mismatch.rq"))
    assert [(r["projectName"], r["amount"], r["targetAmount"], r["difference"]) for r in rows] == [
        ("J公共数据资源目录编制经费", D("860000.00"), D(870000), D("10000.00"))]


def test_cost_target_mismatch_on_the_seeds(seed_store):
    rows = seed_store.select(q("cost-target-mismatch.rq"))
    found = {(r["projectName"], r["targetAmount"]) for r in rows}
    assert ("Z物业管理费", D(391308)) in found  # 39.13万元 vs <391308元
    assert ("Z12345政府服务热线运维费", D(1360000)) in found  # 线路费 is one part of the project


def test_funding_sources_for_a_policy(seed_store):
    rows = seed_store.select(q("funding-sources-for-policy.rq"), policy=iri.policy("同办字〔2019〕116号"))
    got = {(r["scheme"], r["source"]): (r["yuan"], r["projects"]) for r in rows}
    assert got == {
        ("资金来源（预算类别）", "一般公共预算"): (D(2940000), 2),
        ("资金来源（政府层级）", "市县(区)财政资金"): (D(2940000), 2),
    }


def _lit(text):
    from rdflib import Literal

    return Literal(text)
