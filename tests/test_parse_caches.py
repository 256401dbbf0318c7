"""What parsing keeps to go faster (issue 14) gives what computing it again gives: a line's tokens follow
its cells, a recurring literal keeps its printed form, redaction reads a shared literal once and still
redacts every triple, and the KPI tables' citations found in one nlp.pipe pass are those found one text
at a time. The output of the whole parse is compared byte for byte by bench/parse_same.py."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from rdflib import Literal, URIRef

from conftest import SAMPLE
from kg.extract.citations import PROJECT_FIELDS, _ref
from kg.extract.redact import redact_triples
from kg.extract.references import find_references
from kg.map.graphs import Out, literal
from kg.model import Line
from kg.pipeline import extract_file


def test_line_tokens_follow_cells_replaced_and_are_a_new_list():
    line = Line(no=7, text=" 项目名称 \t\t 数据共享 ", cells=[" 项目名称 ", "", " 数据共享 "])
    first = line.tokens
    assert first == ["项目名称", "数据共享"]
    first.append("changed by a caller")
    assert line.tokens == ["项目名称", "数据共享"]
    line.cells = ["立项依据", " 示政办发〔2023〕15号"]  # as kg.read.hygiene replaces them
    assert line.tokens == ["立项依据", "示政办发〔2023〕15号"]


def test_recurring_literals_keep_their_printed_form_and_type():
    values = [Decimal("1.0"), Decimal("1.00"), Decimal("1.0"), 1, True, "1", 0, False, "", Decimal("-0")]
    made = [literal(v) for v in values]
    assert [m.n3() for m in made] == [Literal(v).n3() for v in values]
    assert [m.n3() for m in made[:5]] == [
        '"1.0"^^<http://www.w3.org/2001/XMLSchema#decimal>', '"1.00"^^<http://www.w3.org/2001/XMLSchema#decimal>',
        '"1.0"^^<http://www.w3.org/2001/XMLSchema#decimal>', '"1"^^<http://www.w3.org/2001/XMLSchema#integer>',
        '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>',
    ]
    assert made[0] is made[2]  # made once
    triples: list = []
    out = Out(triples)
    for v in (None, "", "x", Literal(""), 0, URIRef("urn:o")):
        out.add(URIRef("urn:s"), URIRef("urn:p"), v)
    assert [t[2] for t in triples] == [Literal("x"), Literal(""), Literal(0), URIRef("urn:o")]


def test_redaction_reads_a_shared_literal_once_and_redacts_every_triple():
    contact = Literal("项目联系人：李明，联系电话：0352-5027788")
    s, p = URIRef("urn:s"), URIRef("urn:p")
    triples = [(s, p, contact), (URIRef("urn:t"), p, contact), (s, p, URIRef("urn:o")), (s, p, Literal(3))]
    found: set = set()
    out = redact_triples(triples, found)
    assert [str(o) for _, _, o in out[:2]] == ["项目联系人：[姓名]，联系电话：[电话]"] * 2
    assert out[2] is triples[2] and out[3] is triples[3]  # unchanged triples are passed on as they are
    assert found == {("name", "李明"), ("phone", "03525027788")}
    assert redact_triples(triples, set(), keep_personal=True) == triples


def test_kpi_citations_in_one_pipe_pass_are_those_found_one_text_at_a_time():
    ex = extract_file(SAMPLE / "demo-001_示范市数据服务中心_2025.txt")
    one_by_one = []
    for i, p in enumerate(ex.projects):
        k = p.kpi
        for field in PROJECT_FIELDS:
            text = k.fields.get(field)
            if text:
                span = replace(k.field_spans.get(field) or k.span, text=text)
                one_by_one += [_ref(f, field, span, i) for f in find_references(text)]
        for goal in k.goals.values():
            one_by_one += [_ref(f, "总体目标", replace(k.span, text=goal), i) for f in find_references(goal) if f.docno]
    assert [r for r in ex.references if r.project is not None] == one_by_one
    assert [(r.project, r.section, r.docno or r.title) for r in one_by_one] == [
        (0, "立项依据", "示政办发〔2023〕15号"), (0, "立项依据", "中华人民共和国数据安全法"),
        (0, "保证项目实施的制度、措施", "共享平台运维管理规程"), (1, "立项依据", "示政办发〔2023〕15号"),
        (1, "立项依据", "示财预〔2024〕3号"), (2, "立项依据", "示范市数据中心运维服务合同"), (2, "项目概况", "示数发〔2022〕7号"),
    ]
