"""`kg viz` and kg.visualise on the five seeds: the graph and its filters, the layout, each writer (HTML in a
real browser, GEXF, GraphML, SVG, PNG) and the command's one-line summary and errors. Writes the figure the
README shows (docs/img/policy-graph.png)."""

from __future__ import annotations

import json
import re
import struct
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import networkx as nx
import pytest
from conftest import SCREENSHOTS
from click.testing import CliRunner

from kg.cli import main
from kg.store import Store
from kg.visualise import GraphError, build_network, write
from kg.visualise.layout import layout, pack
from kg.visualise.network import counts

ROOT = Path(__file__).resolve().parents[1]
IMG = SCREENSHOTS  # docs/img/ with `make screenshots`, else build/screenshots/

ID = "https://w3id.org/budget-kg/id/"
F000, F001, F003 = "000_4af2b7ab3d3465e5.txt", "001_206854ab748b39c9.txt", "003_fd85d143325c44d6.txt"
P116 = ID + "policy/同办字〔2019〕116号"
LAW = ID + "policy/title/中华人民共和国网络安全法"
HOTLINE = ID + f"doc/{F000}/project/4"  # Z市12345政务服务便民热线“接诉即办”平台运维经费
LINES = ID + f"doc/{F000}/project/8"  # Z12345政府服务热线运维费
CENTRE = ID + "unit/大同市人民政府信息化中心"
FIN_CENTRE = ID + "unit/大同市财政信息中心"


@pytest.fixture(scope="module")
def g116(seed_store):
    return build_network(seed_store, policy="同办字〔2019〕116号")


@pytest.fixture(scope="module")
def law(seed_store):
    return build_network(seed_store, policy="网络安全法")


def kinds(g: nx.MultiDiGraph, kind: str) -> set[str]:
    return {n for n, d in g.nodes(data=True) if d["kind"] == kind}


# ---------------------------------------------------------------- the graph


def test_a_policy_graph_at_depth_2(g116):
    assert counts(g116) == (
        {"policy": 7, "project": 2, "unit": 1, "issuer": 2},
        {"justifies": 4, "mentions": 8, "implementedBy": 2, "issuedBy": 2},
    )
    assert kinds(g116, "project") == {HOTLINE, LINES}
    assert kinds(g116, "unit") == {CENTRE}
    assert kinds(g116, "issuer") == {ID + "organ/中共大同市委办公室", ID + "organ/大同市人民政府办公室"}
    p = g116.nodes[P116]
    assert (p["label"], p["docNumber"], p["issuerCode"], p["year"], p["level"], p["seed"]) == (
        "同办字〔2019〕116号", "同办字〔2019〕116号", "同办字", 2019, "市级", True)
    assert p["amount"] == Decimal("2940000") and p["projects"] == 2  # the two distinct projects it justifies
    hotline, lines = g116.nodes[HOTLINE], g116.nodes[LINES]
    assert (hotline["amount"], hotline["year"], hotline["source"]) == (Decimal("1410000"), 2025, f"{F000} line 353")
    assert (lines["label"], lines["amount"], lines["source"]) == ("Z12345政府服务热线运维费", Decimal("1530000"), f"{F000} line 357")
    assert g116.nodes[CENTRE]["amount"] == Decimal("8398600")  # all ten projects of the unit
    assert g116.nodes[CENTRE]["projects"] == 10


def test_edges_carry_their_citation(g116):
    e = g116.edges[P116, HOTLINE, "justifies"]
    assert (e["label"], e["source"], e["section"], e["raw"], e["citations"]) == (
        "立项依据", f"{F000} line 686", "立项依据", "同办字【2019】116号", 1)
    assert g116.edges[P116, LINES, "justifies"]["source"] == f"{F000} line 772"
    assert g116.edges[P116, LINES, "mentions"]["source"] == f"{F000} line 771"
    assert g116.edges[P116, LINES, "mentions"]["section"] == "项目概况"
    assert g116.edges[HOTLINE, CENTRE, "implementedBy"]["label"] == "实施单位"
    assert set(g116.successors(P116)) >= {ID + "organ/中共大同市委办公室"}


def test_depth_1_is_the_policy_its_projects_and_issuers(seed_store):
    g = build_network(seed_store, policy="同办字[2019]116号", depth=1)
    assert counts(g) == ({"policy": 1, "project": 2, "issuer": 2}, {"justifies": 2, "mentions": 2, "issuedBy": 2})
    assert build_network(seed_store, policy="同办字〔2019〕116号", depth=0).number_of_nodes() == 1


def test_any_spelling_and_a_short_title_find_the_policy(seed_store, g116, law):
    assert set(build_network(seed_store, policy="同办字【2019】116号").nodes) == set(g116.nodes)
    assert [n for n, d in law.nodes(data=True) if d.get("seed")] == [LAW]
    assert counts(law)[0] == {"policy": 12, "project": 4, "unit": 3, "issuer": 1}
    assert law.nodes[LAW]["amount"] == Decimal("2237500")  # 796,000 + 1,211,500 + 230,000
    justified = {v: law.edges[LAW, v, "justifies"]["source"] for _, v, k in law.out_edges(LAW, keys=True) if k == "justifies"}
    assert justified == {
        ID + f"doc/{F000}/project/10": f"{F000} line 607",
        ID + f"doc/{F000}/project/9": f"{F000} line 653",
        ID + f"doc/{F003}/project/7": f"{F003} line 626",
    }
    assert law.nodes[ID + f"doc/{F001}/project/9"]["amount"] == Decimal("496000")  # mentioned only
    assert law.nodes[LAW]["policyKind"] == "Law"


def test_an_unknown_policy_is_a_one_line_error(seed_store):
    with pytest.raises(GraphError, match=r"^no policy 同办字〔2099〕1号 in the store$"):
        build_network(seed_store, policy="同办字[2099]1号")
    with pytest.raises(GraphError, match="no policy in the store has a number or title matching '没有这个标题'"):
        build_network(seed_store, policy="没有这个标题")


def test_unit_filter(seed_store):
    g = build_network(seed_store, unit="财政信息中心", depth=1)
    assert counts(g) == ({"policy": 1, "project": 14, "unit": 1}, {"mentions": 1, "implementedBy": 14})
    assert g.nodes[FIN_CENTRE]["amount"] == Decimal("8795600") and g.nodes[FIN_CENTRE]["seed"]
    decree = ID + "policy/财政部令第102号"
    e = g.edges[decree, FIN_CENTRE, "mentions"]  # the unit's own narrative (其他说明) mentions it
    assert (e["via"], e["section"], e["source"], e["year"]) == ("document", "其他说明", f"{F003} line 702", 2024)
    assert build_network(seed_store, unit=FIN_CENTRE, depth=1).number_of_nodes() == 16
    with pytest.raises(GraphError, match="no unit"):
        build_network(seed_store, unit="不存在的单位")


def test_issuer_filter_by_code_prefix_and_by_organ(seed_store):
    g = build_network(seed_store, issuer="晋财", depth=1)
    assert counts(g)[0] == {"policy": 17, "project": 4, "unit": 3, "issuer": 4}
    seeds = sorted(d["label"] for _, d in g.nodes(data=True) if d.get("seed"))
    assert len(seeds) == 13 and all(s.startswith("晋财") for s in seeds)
    assert "晋财综〔2021〕63号" in seeds and "晋市财综〔2021〕58号" not in seeds
    organ = build_network(seed_store, issuer="山西省财政厅", depth=0)
    assert counts(organ) == ({"policy": 13, "issuer": 2}, {"issuedBy": 13, "basedOn": 1})
    with pytest.raises(GraphError, match="issuer code starting with '沪'"):
        build_network(seed_store, issuer="沪")


def test_year_filter(seed_store):
    g = build_network(seed_store, year=2024, depth=1)
    assert counts(g) == ({"policy": 12, "project": 14, "unit": 1}, {"justifies": 12, "implementedBy": 14})
    assert {d["year"] for n in kinds(g, "project") for d in [g.nodes[n]]} == {2024}
    assert counts(build_network(seed_store, year=2024))[0] == {"policy": 13, "project": 14, "unit": 1, "issuer": 4}
    # with a policy: only that year's projects; 同办字〔2019〕116号 justifies none of 2024
    assert counts(build_network(seed_store, policy="同办字〔2019〕116号", year=2024))[0] == {"policy": 1, "issuer": 2}
    with pytest.raises(GraphError, match="^no project of fiscal year 2030 in the store$"):
        build_network(seed_store, year=2030)


def test_the_whole_graph(seed_store):
    g = build_network(seed_store)
    assert counts(g) == (
        {"policy": 78, "project": 80, "unit": 8, "issuer": 19},
        {"justifies": 62, "mentions": 42, "implementedBy": 80, "issuedBy": 37, "cites": 2, "forwards": 1, "basedOn": 2},
    )
    assert g.edges[ID + "policy/晋市财综〔2021〕58号", ID + "policy/晋财综〔2021〕63号", "forwards"]["source"] == (
        "002_155276bea8e9ea1f.txt line 1045")
    assert sum(g.nodes[n]["amount"] for n in kinds(g, "project")) == sum(g.nodes[n].get("amount", 0) for n in kinds(g, "unit"))
    assert not any(d.get("seed") for _, d in g.nodes(data=True))


def test_indicators_come_with_their_projects(seed_store):
    g = build_network(seed_store, policy="同办字〔2019〕116号", depth=1, indicators=True)
    assert counts(g)[0] == {"policy": 1, "project": 2, "issuer": 2, "indicator": 38}
    assert counts(g)[1]["hasIndicator"] == 38
    ind = ID + f"doc/{F000}/project/8/indicator/3"
    assert g.nodes[ind]["label"] == "运维日志报告数量 ≥5份"
    assert (g.nodes[ind]["source"], g.nodes[ind]["level2"]) == (f"{F000} line 782", "数量指标")
    assert list(g.predecessors(ind)) == [LINES]
    assert counts(build_network(seed_store, indicators=True))[0]["indicator"] == 385


# ---------------------------------------------------------------- layout


def test_layout_is_columns_and_deterministic(g116):
    pos = layout(g116)
    assert pos == layout(g116.copy())
    col = {k: {pos[n][0] for n in kinds(g116, k)} for k in ("issuer", "policy", "project", "unit")}
    assert col == {"issuer": {0.0}, "policy": {1.0}, "project": {2.0}, "unit": {3.0}}
    assert len(set(pos.values())) == g116.number_of_nodes()  # no two nodes on one spot
    assert min(y for _, y in pos.values()) == 0
    # the unit sits between its two projects, the policy's issuers beside it
    assert pos[CENTRE][1] == (pos[HOTLINE][1] + pos[LINES][1]) / 2
    assert pos[HOTLINE][1] < pos[P116][1] < pos[LINES][1]


def test_pack_keeps_order_and_gaps():
    assert pack([3, 3, 3, 10], [0, 1, 1, 1]) == [2.0, 3.0, 4.0, 10.0]
    assert pack([0, 0], [0, 4]) == [-2.0, 2.0]


# ---------------------------------------------------------------- writers


def test_unsupported_extension_and_empty_graph(tmp_path, g116):
    with pytest.raises(GraphError) as e:
        write(g116, tmp_path / "x.pdf")
    assert str(e.value) == f"{tmp_path / 'x.pdf'}: cannot write this format; use .html, .gexf, .graphml, .svg or .png"
    with Store() as empty, pytest.raises(GraphError, match="the graph is empty"):
        write(build_network(empty), tmp_path / "x.svg")


def test_gexf_reads_back_with_positions(tmp_path, g116):
    out = write(g116, tmp_path / "g.gexf")
    back = nx.read_gexf(out)
    assert (back.number_of_nodes(), back.number_of_edges()) == (12, 16)
    assert back.nodes[P116]["amount"] == 2940000.0 and back.nodes[HOTLINE]["amount"] == 1410000.0
    assert back.nodes[HOTLINE]["year"] == 2025
    tree = ET.parse(out)
    types = {a.get("title"): a.get("type") for a in tree.iter("{http://www.gexf.net/1.2draft}attribute")}
    assert (types["amount"], types["year"], types["line"]) == ("double", "long", "long")  # Gephi can rank by them
    assert back.nodes[P116]["label"] == "同办字〔2019〕116号"
    assert back.nodes[HOTLINE]["viz"]["position"]["x"] == 800.0  # column 2 at 400 px
    edge = next(d for u, v, d in back.edges(data=True) if (u, v, d["relation"]) == (P116, HOTLINE, "justifies"))
    assert edge["where"] == f"{F000} line 686" and edge["line"] == 686
    tree = ET.parse(out)
    assert len(tree.findall(".//{http://www.gexf.net/1.2draft/viz}position")) == 12


def test_graphml_reads_back(tmp_path, law):
    out = write(law, tmp_path / "g.graphml")
    back = nx.read_graphml(out)
    assert (back.number_of_nodes(), back.number_of_edges()) == (20, 35)
    assert back.nodes[LAW]["amount"] == 2237500.0 and back.nodes[LAW]["kind"] == "policy"
    keys = {k.get("attr.name"): k.get("attr.type") for k in ET.parse(out).iter("{http://graphml.graphdrawing.org/xmlns}key")
            if k.get("for") == "node"}
    assert (keys["amount"], keys["year"]) == ("double", "long")
    assert (back.nodes[LAW]["x"], back.nodes[CENTRE]["x"]) == (400.0, 1200.0)
    assert sorted({d["relation"] for *_, d in back.edges(data=True)}) == ["implementedBy", "issuedBy", "justifies", "mentions"]


def _embedded_json(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', page, re.S)
    return json.loads(m.group(1))


def test_html_is_self_contained(tmp_path, g116):
    page = write(g116, tmp_path / "g.html").read_text("utf-8")
    assert not re.findall(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=", page, re.I)
    assert "cytoscape" in page and page.count("</script>") == 3
    data = _embedded_json(page)
    assert len(data["nodes"]) == 12 and len(data["edges"]) == 16
    node = next(n["data"] for n in data["nodes"] if n["data"]["id"] == P116)
    assert (node["amount"], node["amountText"], node["where"]) == ("2940000", "2,940,000 元", f"{F000} line 685")
    edge = next(e["data"] for e in data["edges"] if e["data"]["source"] == P116 and e["data"]["target"] == LINES
                and e["data"]["kind"] == "justifies")
    assert edge["where"] == f"{F000} line 772"


def test_html_escapes_a_closing_script_tag(tmp_path, g116):
    g = g116.copy()
    g.nodes[P116]["snippet"] = "</script><script>alert(1)</script>"
    page = write(g, tmp_path / "evil.html").read_text("utf-8")
    assert page.count("</script>") == 3 and "alert(1)" in page
    node = next(n["data"] for n in _embedded_json(page)["nodes"] if n["data"]["id"] == P116)
    assert node["snippet"] == "</script><script>alert(1)</script>"


def test_html_renders_and_searches_in_a_browser(tmp_path, g116, browser):
    out = write(g116, tmp_path / "g.html")
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(out.as_uri())
    page.wait_for_function("window.kgReady === true", timeout=15000)
    assert page.evaluate("cy.nodes().length") == 12 and page.evaluate("cy.edges().length") == 16
    x = page.evaluate(f"[cy.getElementById({json.dumps(P116)}).position('x'), cy.getElementById({json.dumps(HOTLINE)}).position('x')]")
    assert x == [420, 840]
    page.fill("#search", "116号")
    assert page.inner_text("#hits") == "1 个匹配 matches"
    assert page.evaluate("cy.nodes('.match').map(n => n.id())") == [P116]
    page.press("#search", "Enter")
    details = page.inner_text("#details")
    assert "2,940,000 元" in details and f"{F000} line 685" in details and "政策文件 policy" in details
    page.fill("#search", "热线运维费")
    assert page.evaluate("cy.nodes('.match').map(n => n.data('label'))") == ["Z12345政府服务热线运维费"]
    assert errors == [] and all(u.startswith("file:") for u in requests), (errors, requests)
    page.close()


def test_svg_is_valid_deterministic_and_names_the_policy(tmp_path, seed_store, g116):
    a = write(g116, tmp_path / "a.svg").read_bytes()
    b = write(build_network(seed_store, policy="同办字〔2019〕116号"), tmp_path / "b.svg").read_bytes()
    assert a == b
    root = ET.fromstring(a)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = a.decode("utf-8")
    labels = {t.text for t in root.iter("{http://www.w3.org/2000/svg}text")}  # labels are text, not glyph paths
    assert {"同办字〔2019〕116号", "2,940,000 元", "Z12345政府服务热线运维费"} <= labels, labels
    assert not re.search(r"<dc:date>", text)


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_png_and_the_readme_figure(tmp_path, law):
    w, h = _png_size(write(law, tmp_path / "law.png").read_bytes())
    assert 1500 < w < 4000 and 1000 < h < 3000
    IMG.mkdir(parents=True, exist_ok=True)
    figure = write(law, IMG / "policy-graph.png")
    assert _png_size(figure.read_bytes()) == (w, h)


# ---------------------------------------------------------------- kg viz


def run(*args):
    return CliRunner().invoke(main, ["viz", *map(str, args)])


def test_cli_prints_a_one_line_summary(tmp_path, seed_store):
    seed_store.flush()
    out = tmp_path / "p.gexf"
    r = run("--store", seed_store.path, "--policy", "同办字[2019]116号", "--depth", "1", "-o", out)
    assert r.exit_code == 0, r.output
    assert r.stdout == (f"5 nodes (1 policy, 2 projects, 2 issuers), 6 edges (2 justifies, 2 mentions, 2 issuedBy) → {out}\n")
    assert nx.read_gexf(out).number_of_nodes() == 5
    r = run("--store", seed_store.path, "--unit", "财政信息中心", "--year", "2024", "--depth", "1", "--indicators",
            "-o", tmp_path / "u.html")
    assert r.exit_code == 0 and r.stdout.startswith("46 nodes (1 policy, 14 projects, 1 unit, 30 indicators), 45 edges"), r.output


@pytest.mark.parametrize("args, message", [
    (["--policy", "同办字[2099]1号", "-o", "x.html"], "error: no policy 同办字〔2099〕1号 in the store"),
    (["-o", "x.pdf"], "error: x.pdf: cannot write this format; use .html, .gexf, .graphml, .svg or .png"),
    (["--year", "2030", "-o", "x.svg"], "error: no project of fiscal year 2030 in the store"),
])
def test_cli_errors_are_one_line(seed_store, tmp_path, args, message):
    seed_store.flush()
    args = [str(tmp_path / a) if a.startswith("x.") else a for a in args]
    message = message.replace("x.", f"{tmp_path}/x.") if "cannot write" in message else message
    r = run("--store", seed_store.path, *args)
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [message]


def test_cli_empty_graph_is_an_error(tmp_path):
    Store(tmp_path / "empty").close()
    r = run("--store", tmp_path / "empty", "-o", tmp_path / "x.png")
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [f"error: {tmp_path / 'x.png'}: the graph is empty: the store holds no policy, project or unit"]
    assert not (tmp_path / "x.png").exists()


def test_without_a_cjk_font_the_figure_is_drawn_with_a_warning(tmp_path, g116, monkeypatch):
    from kg.visualise import static

    monkeypatch.setattr(static, "CJK_FONTS", ("No Such Font 不存在",))
    with pytest.warns(UserWarning, match="no CJK font found"):
        out = write(g116, tmp_path / "boxes.svg")
    assert ET.parse(out).getroot().tag == "{http://www.w3.org/2000/svg}svg"
