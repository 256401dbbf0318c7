"""ontology/codelists.ttl and kg.codelists: well-formed SKOS, and the spellings real documents print resolve."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from kg import codelists
from kg.codelists import concept, economic_code, label, normalise, parent
from kg.vocab import ID

CODELISTS = Path(__file__).resolve().parents[1] / "ontology" / "codelists.ttl"
SCHEMES = ("indicator-category", "budget-type", "funding-level", "functional", "income", "economic", "admin-level",
           "budget-phase", "budget-item", "narrative-topic")

LEVEL2 = {
    "quantity": "output", "quality": "output", "timeliness": "output", "cost": "output",
    "economic-benefit": "benefit", "social-benefit": "benefit", "ecological-benefit": "benefit",
    "sustainability": "benefit", "beneficiary-satisfaction": "satisfaction",
}  # fmt: skip

# (scheme, spelling as printed in the seeds / Shanghai PDFs, concept IRI tail)
SPELLINGS = [
    ("indicator-category", "服务对象满意度", "indicator/beneficiary-satisfaction"),
    ("indicator-category", "服务对象满意", "indicator/beneficiary-satisfaction"),
    ("indicator-category", "服务对象满意度指", "indicator/beneficiary-satisfaction"),
    ("indicator-category", "服务对象满意度指标", "indicator/beneficiary-satisfaction"),
    ("indicator-category", "经济效益", "indicator/economic-benefit"),
    ("indicator-category", "社会效益", "indicator/social-benefit"),
    ("indicator-category", "生态效益指标", "indicator/ecological-benefit"),
    ("indicator-category", "可持续影响", "indicator/sustainability"),
    ("indicator-category", "产出指标", "indicator/output"),
    ("indicator-category", "时效指标 ", "indicator/timeliness"),
    ("funding-level", "市县（区）财政资金", "funding-level/municipal"),
    ("funding-level", "市县(区)财政资金", "funding-level/municipal"),
    ("funding-level", "市、县(区)财政资金", "funding-level/municipal"),
    ("funding-level", "省級财政资金", "funding-level/provincial"),
    ("funding-level", "单位自筹", "funding-level/self-raised"),
    ("budget-type", "政府性基 金预算", "budget-type/government-fund"),
    ("budget-type", "政府性基金", "budget-type/government-fund"),
    ("budget-type", "财政专户管理 资金", "budget-type/special-account"),
    ("budget-type", "上年结转", "budget-type/carryover"),
    ("economic", "维修 (护) 费", "economic/30213"),
    ("economic", "维修（护）费", "economic/30213"),
    ("economic", "维修(护)费", "economic/30213"),
    ("economic", "因公出国（境）费", "economic/30212"),
    ("economic", "因公出国(境)费", "economic/30212"),
    ("economic", "公务用车购置费", "economic/31013"),
    ("economic", "机关事业单位基本养老保险缴 费", "economic/30108"),
]

# every 部门预算支出经济科目名称 printed in the seeds' 一般公共预算安排基本支出分经济科目表
SEED_ECONOMIC_NAMES = {
    "工资福利支出": "301", "基本工资": "30101", "津贴补贴": "30102", "奖金": "30103", "绩效工资": "30107",
    "机关事业单位基本养老保险缴费": "30108", "职业年金缴费": "30109", "职工基本医疗保险缴费": "30110",
    "公务员医疗补助缴费": "30111", "其他社会保障缴费": "30112", "住房公积金": "30113", "其他工资福利支出": "30199",
    "商品和服务支出": "302", "办公费": "30201", "印刷费": "30202", "手续费": "30204", "水费": "30205", "电费": "30206",
    "邮电费": "30207", "差旅费": "30211", "维修 (护) 费": "30213", "维修（护）费": "30213", "公务接待费": "30217",
    "劳务费": "30226", "委托业务费": "30227", "工会经费": "30228", "福利费": "30229", "公务用车运行维护费": "30231",
    "其他交通费用": "30239", "其他商品和服务支出": "30299", "对个人和家庭的补助": "303", "退休费": "30302",
    "奖励金": "30309", "资本性支出": "310", "办公设备购置": "31002",
}  # fmt: skip


@pytest.fixture(scope="module")
def g() -> Graph:
    return Graph().parse(CODELISTS, format="turtle")


def scheme(name: str) -> URIRef:
    return ID[f"scheme/{name}"]


def test_parses_with_pyoxigraph(g):
    assert sum(1 for _ in pyoxigraph.parse(path=str(CODELISTS), format=pyoxigraph.RdfFormat.TURTLE)) == len(g)


def test_schemes(g):
    found = set(g.subjects(RDF.type, SKOS.ConceptScheme))
    assert found == {scheme(n) for n in SCHEMES}
    for s in found:
        assert sorted(o.language or "" for o in g.objects(s, SKOS.prefLabel)) == ["", "en"], s  # Chinese untagged
    assert codelists.schemes() == sorted(SCHEMES)


def test_every_concept_has_labels_and_exactly_one_scheme(g):
    concepts = set(g.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) == 12 + 6 + 5 + 68 + 4 + 2 + 33  # … admin levels, budget phases, the 33 topics of the narrative's figures
    for c in concepts:
        assert str(c).startswith(str(ID) + "concept/"), c
        assert sorted(o.language or "" for o in g.objects(c, SKOS.prefLabel)) == ["", "en"], c  # Chinese untagged
        schemes = list(g.objects(c, SKOS.inScheme))
        assert len(schemes) == 1 and (schemes[0], RDF.type, SKOS.ConceptScheme) in g, c
        for p in (SKOS.altLabel, SKOS.hiddenLabel):
            assert all(isinstance(o, Literal) and o.language is None for o in g.objects(c, p)), c  # Chinese untagged
    # a concept is a top concept exactly when it has no broader one, and its broader is in the same scheme
    for c in concepts:
        broader = list(g.objects(c, SKOS.broader))
        tops = list(g.objects(c, SKOS.topConceptOf))
        assert (len(broader), len(tops)) in {(1, 0), (0, 1)}, c
        if tops:
            assert tops == list(g.objects(c, SKOS.inScheme))
            assert (tops[0], SKOS.hasTopConcept, c) in g
        else:
            assert g.value(broader[0], SKOS.inScheme) == g.value(c, SKOS.inScheme), c


def test_functional_scheme_is_empty(g):
    assert not list(g.subjects(SKOS.inScheme, scheme("functional")))
    assert concept("functional", "事业运行") is None


def test_indicator_hierarchy():
    for child, top in LEVEL2.items():
        c = ID[f"concept/indicator/{child}"]
        assert parent(c) == ID[f"concept/indicator/{top}"], child
        assert parent(parent(c)) is None
    assert label(ID["concept/indicator/beneficiary-satisfaction"]) == "服务对象满意度指标"


def test_economic_codes(g):
    concepts = list(g.subjects(SKOS.inScheme, scheme("economic")))
    for c in concepts:
        code = str(g.value(c, SKOS.notation))
        assert str(c).endswith("/" + code) and len(code) in (3, 5), c
        assert parent(c) == (None if len(code) == 3 else ID[f"concept/economic/{code[:3]}"]), c
        assert economic_code(label(c)) == code
    tops = {str(g.value(c, SKOS.notation)) for c in concepts if parent(c) is None}
    assert tops == {"301", "302", "303", "310"}
    assert g.value(scheme("economic"), URIRef("http://purl.org/dc/terms/source")) is not None


@pytest.mark.parametrize("scheme_name,spelling,tail", SPELLINGS)
def test_real_spellings(scheme_name, spelling, tail):
    assert concept(scheme_name, spelling) == ID[f"concept/{tail}"]


def test_seed_economic_names():
    assert {name: economic_code(name) for name in SEED_ECONOMIC_NAMES} == SEED_ECONOMIC_NAMES


def test_labels_are_unambiguous_within_a_scheme(g):
    for s in g.subjects(RDF.type, SKOS.ConceptScheme):
        seen: dict[str, URIRef] = {}
        for c in g.subjects(SKOS.inScheme, s):
            for p in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel):
                for o in g.objects(c, p):
                    if o.language == "zh":
                        key = normalise(str(o))
                        assert seen.setdefault(key, c) == c, (str(o), c, seen[key])


def test_unknown_labels_and_schemes():
    assert concept("economic", "工资奖金津补贴") is None  # a 政府预算支出经济分类 name, not a 部门 one
    assert concept("indicator-category", "") is None
    assert economic_code("合计") is None
    with pytest.raises(ValueError, match="unknown code list"):
        concept("economic-classification", "基本工资")


def test_label_languages():
    c = ID["concept/funding-level/self-raised"]
    assert label(c) == "单位自筹" and label(c, lang="en") == "Raised by the unit"
    with pytest.raises(KeyError):
        label(c, lang="fr")


def test_ontology_dir_can_be_overridden(tmp_path, monkeypatch):
    text = CODELISTS.read_text("utf-8").replace('"单位自筹" ', '"单位自筹资金" ')
    (tmp_path / "codelists.ttl").write_text(text, "utf-8")
    monkeypatch.setenv("KG_ONTOLOGY_DIR", str(tmp_path))
    assert codelists.ontology_dir() == tmp_path
    assert concept("funding-level", "单位自筹资金") == ID["concept/funding-level/self-raised"]
    monkeypatch.delenv("KG_ONTOLOGY_DIR")
    assert concept("funding-level", "单位自筹资金") is None


def test_missing_code_lists_is_a_kg_error(tmp_path, monkeypatch):
    from kg.errors import KgError

    monkeypatch.setenv("KG_ONTOLOGY_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(KgError, match="code lists not found"):
        concept("economic", "基本工资")


def test_ambiguous_label_is_rejected(tmp_path, monkeypatch):
    from kg.errors import KgError

    shutil.copy(CODELISTS, tmp_path / "codelists.ttl")
    with (tmp_path / "codelists.ttl").open("a", encoding="utf-8") as f:
        f.write('\necon:30101 skos:altLabel "办公费"@zh .\n')
    monkeypatch.setenv("KG_ONTOLOGY_DIR", str(tmp_path))
    with pytest.raises(KgError, match="names both"):
        concept("economic", "基本工资")
