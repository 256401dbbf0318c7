"""The query page of `kg serve`, in a real browser (Debian's Chromium, headless) against a real server over
the five seeds: the example list, running a question, sorting, CSV, errors, ASK/CONSTRUCT and the graph view.
It also writes the screenshots the README shows (docs/img/query-page.png, docs/img/query-graph.png)."""

from __future__ import annotations

import csv
import io
import re
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import SCREENSHOTS, KgServer

ROOT = Path(__file__).resolve().parents[1]
IMG = SCREENSHOTS  # docs/img/ with `make screenshots`, else build/screenshots/
EXAMPLES = sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))

# policy → project → indicator for one policy: 2 projects justified by it, 13 indicators between them
GRAPH_QUERY = """SELECT ?policy ?project ?indicator WHERE {
  ?project bk:justifiedBy ?policy ; bk:hasIndicator ?indicator .
  ?policy bk:docNumber "同政发〔2013〕26号" .
}"""
PROJECT = "Z大楼管理运行经费"  # one of the two projects
MAX_ROWS = 60  # the server's cap: the prefilled query (66 rows) is cut


@pytest.fixture(scope="module")
def server(seed_store, tmp_path_factory):
    """`kg serve` over the seed store on a free loopback port; its base URL, with the final slash."""
    seed_store.flush()
    s = KgServer(seed_store.path, tmp_path_factory.mktemp("page"), "--host", "127.0.0.1", "--max-rows", str(MAX_ROWS))
    with urllib.request.urlopen(s.url + "/api/queries", timeout=10) as r:
        assert r.status == 200
    yield s.url + "/"
    s.stop()


class Recorder:
    def __init__(self, base: str):
        self.base = base
        self.requests: list[str] = []
        self.errors: list[str] = []

    def foreign(self) -> list[str]:
        """Requests to anything but the server (blob: and data: URLs of the page itself are local)."""
        origin = urllib.parse.urlsplit(self.base)
        out = []
        for url in self.requests:
            if url.startswith("data:"):
                continue
            u = urllib.parse.urlsplit(url.removeprefix("blob:"))
            if (u.scheme, u.hostname, u.port) != (origin.scheme, origin.hostname, origin.port):
                out.append(url)
        return out


@pytest.fixture(scope="module")
def page(server, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    pg = context.new_page()
    rec = Recorder(server)
    pg.on("request", lambda r: rec.requests.append(r.url))
    pg.on("pageerror", lambda e: rec.errors.append(str(e)))
    pg.set_default_timeout(10_000)
    pg.goto(server)
    pg.wait_for_selector(".example")
    pg.rec = rec
    yield pg
    context.close()


@pytest.fixture(autouse=True)
def _only_the_server(request):
    """Every test: the page fetched nothing from another host and raised no script error."""
    yield
    if "page" in request.fixturenames:
        rec = request.getfixturevalue("page").rec
        assert not rec.foreign(), f"the page made requests to other hosts: {rec.foreign()}"
        assert not rec.errors, f"script errors on the page: {rec.errors}"


# ---- helpers ---------------------------------------------------------------------------------------------

def load_example(page, name: str) -> None:
    page.click(f".example[data-name='{name}']")
    page.wait_for_function("name => kgEditor.getValue().length > 0 && location.hash === '#' + name", arg=name)


def set_query(page, text: str) -> None:
    page.evaluate("text => kgEditor.setValue(text)", text)


def run(page) -> None:
    """Run (Ctrl+Enter) and wait for its answer: a table, ASK, Turtle or an error."""
    page.evaluate("document.getElementById('status').textContent = ''")
    page.keyboard.press("Control+Enter")
    page.wait_for_function("""() => { const s = document.getElementById('status').textContent;
                                     return s && !s.startsWith('Running'); }""")


def table(page) -> list[list[str]]:
    """The results table as shown: one list of cell texts per row, without the row number."""
    return page.eval_on_selector_all(
        "#results-table tbody tr",
        "rows => rows.map(r => [...r.querySelectorAll('td')].slice(1).map(td => td.textContent))")


def column(page, name: str) -> list[str]:
    heads = page.eval_on_selector_all("#results-table thead th", "ths => ths.map(th => th.textContent)")
    i = [h.rstrip(" ▲▼") for h in heads].index("?" + name) - 1
    return [row[i] for row in table(page)]


def sort_by(page, name: str) -> None:
    page.locator("#results-table thead th button.sort").filter(has_text=re.compile(rf"^\?{name}[ ▲▼]*$")).click()


def money(text: str) -> float:
    return float(text.replace(",", ""))


def screenshot(page, name: str) -> None:
    IMG.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(IMG / name))


# ---- the tests -------------------------------------------------------------------------------------------

def test_page_lists_every_example_question(page):
    assert page.title() == "budget-kg — SPARQL"
    names = page.eval_on_selector_all(".example", "bs => bs.map(b => b.dataset.name)")
    assert sorted(names) == EXAMPLES and len(names) == 17
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "WenQuanYi Zen Hei" in font
    # the prefilled query runs as it is; it has 66 rows, the server keeps 60 and says so
    run(page)
    assert page.is_visible("#results-table")
    assert len(table(page)) == MAX_ROWS
    assert page.text_content("#status").startswith(f"{MAX_ROWS} rows") and "truncated" in page.text_content("#status")
    assert page.is_visible("#truncated") and f"at most {MAX_ROWS} rows" in page.text_content("#truncated")
    # its IRIs link to the server's own pages
    href = page.get_attribute("#results-table tbody tr td a.iri", "href")
    assert href.startswith("id/policy/")


def test_example_question_runs_sorts_and_downloads(page, server, tmp_path):
    load_example(page, "spending-per-issuer")
    assert page.is_visible("#description")
    assert "机关代字" in page.text_content("#description")
    page.click("#run")
    # predicates are functions: a bare expression is evaluated by eval, which the page's CSP forbids
    page.wait_for_function("() => document.getElementById('status').textContent.startsWith('24 rows')")
    rows = table(page)
    assert len(rows) == 24 and page.is_hidden("#truncated")
    assert rows[0] == ["晋市审管批", "33,937,100", "3"]  # largest first, as the query orders it
    screenshot(page, "query-page.png")

    # numeric sort on the amounts (a text sort would put "1,255,000" first)
    sort_by(page, "yuan")
    yuan = [money(x) for x in column(page, "yuan")]
    assert yuan == sorted(yuan) and yuan[0] == 60000 and yuan[-1] == 33937100
    assert column(page, "issuerCode")[0] == "同审管投资发"
    sort_by(page, "yuan")
    assert [money(x) for x in column(page, "yuan")] == sorted(yuan, reverse=True)
    # text sort in Chinese collation (pinyin): 财办 (cai) first, 云政办发 (yun) last
    sort_by(page, "issuerCode")
    codes = column(page, "issuerCode")
    assert codes[0] == "财办" and codes[-1] == "云政办发" and codes[1:3] == ["国办发", "国务院"]
    assert page.text_content("#results-table thead th[aria-sort='ascending']").startswith("?issuerCode")

    # the CSV holds exactly the table's rows, in the table's order, with the exact values
    with page.expect_download() as info:
        page.click("#download-csv")
    download = info.value
    assert download.suggested_filename == "spending-per-issuer-results.csv"
    path = tmp_path / "results.csv"
    download.save_as(path)
    got = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    assert got[0] == ["issuerCode", "yuan", "projects"]
    shown = table(page)
    assert [[c, y.replace(",", ""), n] for c, y, n in shown] == got[1:]
    assert len(got) == 25 and got[1][0] == "财办"
    # … which are the server's own CSV rows
    query = (ROOT / "queries" / "spending-per-issuer.rq").read_text(encoding="utf-8")
    req = urllib.request.Request(server + "sparql?" + urllib.parse.urlencode({"query": query}),
                                 headers={"Accept": "text/csv"})
    with urllib.request.urlopen(req, timeout=10) as r:
        theirs = list(csv.reader(io.StringIO(r.read().decode("utf-8-sig"), newline="")))
    assert sorted(map(tuple, theirs[1:])) == sorted(map(tuple, got[1:]))


def test_other_example_with_iri_links(page, server):
    load_example(page, "policies-cited-by-several-units")
    run(page)
    rows = table(page)
    assert len(rows) == 2
    assert rows[1][1] == "晋财综〔2024〕37号" and rows[1][3] == "2"
    link = page.locator("#results-table tbody tr").nth(1).locator("a.iri").first
    assert link.text_content() == "id:policy/晋财综〔2024〕37号"
    href = link.evaluate("a => a.href")
    assert href == server + "id/policy/" + urllib.parse.quote("晋财综〔2024〕37号")
    with urllib.request.urlopen(href, timeout=10) as r:  # the resource page exists
        assert r.status == 200 and "晋财综〔2024〕37号" in r.read().decode("utf-8")


def test_malformed_query_shows_the_server_error(page):
    page.click(".CodeMirror")
    page.keyboard.press("Control+A")
    page.keyboard.type("SELECT ?x WHERE { ?x bk:amount ")
    run(page)
    box = page.locator("#error")
    assert box.is_visible()
    assert box.locator("strong").text_content() == "Error 400"
    message = box.locator(".error-message").text_content()
    assert message.strip() and "\n" not in message.strip()
    assert page.locator("#results-table").is_hidden()
    assert page.evaluate("getComputedStyle(document.getElementById('error')).color") == "rgb(166, 30, 30)"
    assert page.is_disabled("#download-csv")


def test_ask_and_construct(page):
    set_query(page, "ASK { ?p a bk:Project ; bk:amount -1 }")
    run(page)
    assert page.text_content("#ask-result") == "false"
    set_query(page, "ASK { ?p a bk:Project }")
    run(page)
    assert page.text_content("#ask-result") == "true"
    set_query(page, 'CONSTRUCT { ?p bk:justifiedBy ?pol } WHERE { ?p bk:justifiedBy ?pol . '
                    '?pol bk:docNumber "同政发〔2013〕26号" }')
    run(page)
    turtle = page.text_content("#turtle")
    assert page.is_visible("#turtle") and "justifiedBy" in turtle and "26号" in turtle
    # a CONSTRUCT result draws as a graph too: the policy and its two projects
    page.click("#tab-graph")
    page.wait_for_function("() => /\\d+ nodes/.test(document.getElementById('graph-status').textContent)")
    assert page.text_content("#graph-status").startswith("3 nodes · 2 edges")
    page.click("#tab-table")


def _node_at(page, name: str) -> tuple[float, float]:
    return page.evaluate("""name => {
        const n = KGGraph.cy.nodes().filter(n => n.data('name') === name)[0];
        const p = n.renderedPosition(), box = document.getElementById('cy').getBoundingClientRect();
        return [box.left + p.x, box.top + p.y]; }""", name)


def test_graph_view_draws_and_expands(page):
    set_query(page, GRAPH_QUERY)
    assert page.is_hidden("#description")  # an example's description goes with the example
    run(page)
    assert len(table(page)) == 13
    page.click("#tab-graph")
    page.evaluate("document.querySelector('.results').scrollIntoView()")  # before the graph settles: cytoscape
    status = page.locator("#graph-status")                               # maps clicks by the container's place
    page.wait_for_function("() => /\\d+ nodes/.test(document.getElementById('graph-status').textContent) && !KGGraph.busy")
    # 1 policy + 2 projects + 13 indicators; edges: 13 hasIndicator, 2 justifiedBy, 2 hasBasis
    assert status.text_content() == "16 nodes · 17 edges"
    legend = dict(page.eval_on_selector_all(
        "#legend li:not(.absent)", "lis => lis.map(li => [li.dataset.category, li.lastChild.textContent])"))
    assert legend == {"policy": "1", "project": "2", "indicator": "13"}
    labels = page.evaluate("KGGraph.cy.edges().map(e => e.data('label')).sort()")
    assert labels.count("hasIndicator") == 13 and labels.count("justifiedBy") == 2

    x, y = _node_at(page, PROJECT)
    page.mouse.click(x, y)
    page.wait_for_function("() => KGGraph.cy.nodes().length > 16 && !KGGraph.busy")
    after = page.evaluate("KGGraph.cy.nodes().length")
    assert after == 27  # its unit, document, fundings, target table and the citations of its bases
    assert status.text_content().startswith(f"{after} nodes")
    details = page.locator("#details")
    assert details.locator(".details-label").text_content() == PROJECT
    assert "bk:Project" in details.text_content()
    assert details.locator("a.details-link").get_attribute("href").startswith("id/doc/")
    assert "11 new nodes added" in details.text_content()
    screenshot(page, "query-graph.png")
