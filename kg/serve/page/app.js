/* budget-kg query page: editor, example questions, running queries, the results table and CSV. */
"use strict";

(function () {
  const { el } = KG;
  const $ = (id) => document.getElementById(id);

  const DEFAULT_QUERY = `# Which projects does each policy document justify (立项依据), in which unit, with how much money?
# Click "Graph" after running it: policy → project → unit.
SELECT ?policy ?docno ?project ?projectName ?unit ?amount
WHERE {
  ?project bk:justifiedBy ?policy ;
           rdfs:label ?projectName ;
           bk:implementedBy ?unit ;
           bk:amount ?amount .
  OPTIONAL { ?policy bk:docNumber ?docno }
}
ORDER BY DESC(?amount) ?docno
LIMIT 200
`;

  const state = {
    result: null,      // {form, vars, rows, turtle, boolean, query, truncated}
    order: null,       // rows in the order shown
    sort: null,        // {column, dir}
    labels: new Map(), // iri → info, for the table's IRIs
    example: null,     // the example loaded last
    running: null,     // AbortController of the running query
    view: "table",
  };

  const editor = CodeMirror.fromTextArea($("query"), {
    mode: "sparql",
    lineNumbers: true,
    indentUnit: 2,
    tabSize: 2,
    matchBrackets: true,
    lineWrapping: false,
  });
  editor.setValue(DEFAULT_QUERY);
  window.kgEditor = editor;
  // The example's description stays while the query is still that example (edited or not), not once replaced.
  editor.on("changes", () => {
    const ex = state.example;
    const same = !!ex && editor.getValue().startsWith(ex.sparql.split("\n")[0]);
    $("description").hidden = !same;
    for (const b of document.querySelectorAll(".example.active")) if (!same) b.classList.remove("active");
    if (!same && ex) {
      state.example = null;
      history.replaceState(null, "", location.pathname + location.search);
    }
  });

  // ---- example questions -------------------------------------------------------------------------------
  let examples = [];

  async function loadExamples() {
    const list = $("example-list");
    try {
      const response = await fetch("api/queries", { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error((await response.text()).trim() || response.statusText);
      examples = await response.json();
    } catch (e) {
      list.replaceChildren(el("li", { class: "error-text", text: "Could not load the examples: " + e.message }));
      return;
    }
    list.replaceChildren(...examples.map((ex) => {
      const params = parameterNames(ex.parameters);
      const button = el("button", { type: "button", class: "example", "data-name": ex.name, title: ex.name + ".rq" },
        el("span", { class: "example-title", text: question(ex) }),
        el("span", { class: "example-name", text: ex.name }),
        params.length ? el("span", { class: "example-params", title: "unbound: the query runs over everything",
          text: params.map((p) => "?" + p).join(" ") }) : null);
      button.addEventListener("click", () => selectExample(ex));
      return el("li", {}, button);
    }));
    const wanted = decodeURIComponent(location.hash.slice(1));
    const ex = examples.find((e) => e.name === wanted);
    if (ex) selectExample(ex, true);
  }

  /** The whole question of an example: its header comment up to "Parameters:", without "Question:". */
  function question(ex) {
    const lines = [];
    for (const line of String(ex.description || "").split("\n")) {
      if (/^(Parameters|Returns):/.test(line.trim())) break;
      lines.push(line.trim());
    }
    const text = lines.join(" ").replace(/^Question:\s*/, "").replace(/\s+/g, " ").trim();
    return text || ex.title || ex.name;
  }

  /** The parameter names of an example: "?policy  the policy's IRI …" (a name, then two spaces) or a list. */
  function parameterNames(parameters) {
    if (Array.isArray(parameters)) {
      return parameters.map((p) => String(typeof p === "string" ? p : p.name).replace(/^\?/, ""));
    }
    const text = String(parameters || "");
    const names = [...text.matchAll(/\?([A-Za-z_]\w*)\s{2,}/g)].map((m) => m[1]);
    if (!names.length && !/^\s*none\b/i.test(text)) {
      const first = /\?([A-Za-z_]\w*)/.exec(text);
      if (first) names.push(first[1]);
    }
    return [...new Set(names)];
  }

  function selectExample(ex, fromHash) {
    state.example = ex;
    editor.setValue(ex.sparql);
    editor.scrollTo(0, 0);
    for (const b of document.querySelectorAll(".example")) b.classList.toggle("active", b.dataset.name === ex.name);
    $("description-title").textContent = ex.name + ".rq";
    $("description-text").textContent = ex.description || "";
    $("description").hidden = false;
    if (!fromHash) history.replaceState(null, "", "#" + encodeURIComponent(ex.name));
    editor.focus();
  }

  // ---- running ------------------------------------------------------------------------------------------
  // Both kinds of answer are acceptable: the server picks by the query's form (results for SELECT/ASK,
  // Turtle for CONSTRUCT/DESCRIBE), so the page never has to guess the form right.
  const ACCEPT = "application/sparql-results+json, text/turtle;q=0.9";

  async function run() {
    const query = editor.getValue();
    if (state.running) state.running.abort();
    const controller = new AbortController();
    state.running = controller;
    const form = KG.queryForm(query);
    $("run").disabled = true;
    $("run").classList.add("busy");
    setStatus("Running…");
    $("error").hidden = true;
    const t0 = performance.now();
    try {
      const response = await KG.post(query, ACCEPT, controller.signal);
      const type = (response.headers.get("Content-Type") || "").toLowerCase();
      const truncated = response.headers.get("X-KG-Truncated");
      let result;
      if (type.includes("json")) {
        const json = await response.json();
        if ("boolean" in json) result = { form: "ASK", boolean: json.boolean };
        else result = { form: "SELECT", vars: json.head.vars, rows: json.results.bindings };
      } else {
        result = { form: form === "SELECT" || form === "ASK" ? "CONSTRUCT" : form, turtle: await response.text() };
      }
      if (controller !== state.running) return;
      result.query = query;
      result.truncated = truncated;
      result.ms = performance.now() - t0;
      show(result);
    } catch (e) {
      if (e.name === "AbortError") return;
      showError(e);
    } finally {
      if (controller === state.running) {
        state.running = null;
        $("run").disabled = false;
        $("run").classList.remove("busy");
      }
    }
  }

  function setStatus(text) {
    $("status").textContent = text;
  }

  function showError(e) {
    state.result = null;
    clearResults();
    const box = $("error");
    const head = e.status ? `Error ${e.status}` : "Error";
    box.replaceChildren(el("strong", { text: head }), el("span", { class: "error-message", text: e.message }));
    box.hidden = false;
    setStatus(e.status ? `The server refused the query (${e.status}).` : "The query did not run.");
    KGGraph.reset();
  }

  function clearResults() {
    $("results-table").hidden = true;
    $("results-table").replaceChildren();
    $("ask-result").hidden = true;
    $("turtle").hidden = true;
    $("truncated").hidden = true;
    $("download-csv").disabled = true;
  }

  function seconds(ms) {
    return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
  }

  function show(result) {
    state.result = result;
    state.sort = null;
    state.labels = new Map();
    clearResults();
    const time = seconds(result.ms);
    if (result.form === "SELECT") {
      state.order = result.rows.slice();
      const n = result.rows.length;
      setStatus(`${n.toLocaleString("en")} ${n === 1 ? "row" : "rows"} · ${result.vars.length} columns · ${time}`);
      renderTable();
      $("download-csv").disabled = false;
      fetchLabels(result);
    } else if (result.form === "ASK") {
      const box = $("ask-result");
      box.replaceChildren(el("span", { class: "ask-" + result.boolean, text: String(result.boolean) }));
      box.hidden = false;
      setStatus(`ASK · ${time}`);
    } else {
      $("turtle").textContent = result.turtle.trim() ? result.turtle : "# (no triples)";
      $("turtle").hidden = false;
      const lines = result.turtle.split("\n").filter((l) => l.trim() && !/^@?prefix/i.test(l)).length;
      setStatus(`${result.form} · Turtle, ${lines.toLocaleString("en")} lines · ${time}`);
    }
    if (result.truncated) {
      const box = $("truncated");
      box.textContent = `Truncated: the server returns at most ${Number(result.truncated).toLocaleString("en")} rows ` +
        "and this query has more. Narrow it (a FILTER, a LIMIT/OFFSET, GROUP BY) to see the rest.";
      box.hidden = false;
      setStatus($("status").textContent + " · truncated");
    }
    KGGraph.setResult(result);
    if (state.view === "graph") KGGraph.show();
  }

  // ---- the table ----------------------------------------------------------------------------------------
  const collator = new Intl.Collator("zh", { numeric: true });

  function renderTable() {
    const { vars } = state.result;
    const table = $("results-table");
    const headRow = el("tr", {}, el("th", { class: "rownum", text: "#" }));
    vars.forEach((v, i) => {
      const mark = state.sort && state.sort.column === i ? (state.sort.dir > 0 ? " ▲" : " ▼") : "";
      const th = el("th", { scope: "col", "data-col": String(i), title: "Sort by ?" + v,
        "aria-sort": mark ? (state.sort.dir > 0 ? "ascending" : "descending") : null },
        el("button", { type: "button", class: "sort" }, "?" + v, el("span", { class: "sort-mark", text: mark })));
      th.querySelector("button").addEventListener("click", () => sortBy(i));
      if (numericColumn(v)) th.classList.add("num");
      headRow.append(th);
    });
    const body = el("tbody");
    state.order.forEach((row, r) => {
      const tr = el("tr", {}, el("td", { class: "rownum", text: String(r + 1) }));
      for (const v of vars) tr.append(cell(row[v], row));
      body.append(tr);
    });
    table.replaceChildren(el("thead", {}, headRow), body);
    table.hidden = false;
  }

  function cell(term, row) {
    if (!term) return el("td", { class: "unbound" });
    if (term.type === "uri") {
      const link = KG.href(term.value);
      const text = KG.compact(term.value);
      const a = link ? el("a", { href: link, title: term.value, class: "iri", text })
        : el("span", { class: "iri", title: term.value, text });
      const td = el("td", { class: "iri-cell" }, a);
      const info = state.labels.get(term.value);
      const name = info && (info.label || info.title);
      const shown = Object.values(row).some((t) => t && t.type !== "uri" && t.value === name);
      if (name && !shown && !KG.localName(term.value).includes(Array.from(name).slice(0, 6).join(""))) {
        td.append(el("span", { class: "label", title: name, text: KG.truncate(name, 32) }));
      }
      return td;
    }
    if (term.type === "bnode") return el("td", { class: "bnode", text: "_:" + term.value });
    if (KG.isNumeric(term)) {
      return el("td", { class: "num", title: term.datatype ? KG.compact(term.datatype) : null, text: KG.display(term) });
    }
    const td = el("td", { class: "lit" }, term.value);
    const lang = term["xml:lang"];
    if (lang && !/^zh/i.test(lang)) td.append(el("span", { class: "lang", text: "@" + lang }));
    if (term.datatype && !/#(lang)?[sS]tring$/.test(term.datatype)) td.title = KG.compact(term.datatype);
    return td;
  }

  function numericColumn(v) {
    const rows = state.result.rows;
    let any = false;
    for (const row of rows) {
      const t = row[v];
      if (!t) continue;
      if (!KG.isNumeric(t)) return false;
      any = true;
    }
    return any;
  }

  function compareTerms(a, b) {
    if (!a || !b) return a ? -1 : b ? 1 : 0; // unbound last
    const an = KG.isNumeric(a), bn = KG.isNumeric(b);
    if (an && bn) return Number(a.value) - Number(b.value);
    if (an !== bn) return an ? -1 : 1; // numbers before text
    return collator.compare(KG.display(a), KG.display(b));
  }

  function sortBy(column) {
    const v = state.result.vars[column];
    const dir = state.sort && state.sort.column === column ? -state.sort.dir : 1;
    state.sort = { column, dir };
    const indexed = state.result.rows.map((row, i) => [row, i]);
    indexed.sort(([a, i], [b, j]) => {
      const ta = a[v], tb = b[v];
      if (!ta || !tb) return (ta ? -1 : tb ? 1 : 0) || i - j; // unbound last in both directions
      return dir * compareTerms(ta, tb) || i - j;
    });
    state.order = indexed.map(([row]) => row);
    renderTable();
  }

  async function fetchLabels(result) {
    const iris = [];
    for (const row of result.rows.slice(0, 2000)) {
      for (const v of result.vars) {
        const t = row[v];
        if (t && t.type === "uri" && t.value.startsWith(KG.ID)) iris.push(t.value);
      }
    }
    if (!iris.length) return;
    try {
      const info = await KG.describe([...new Set(iris)].slice(0, 1200));
      if (state.result !== result) return;
      state.labels = info;
      renderTable();
    } catch (e) {
      // labels are a nicety: the table stands without them
    }
  }

  // ---- CSV ----------------------------------------------------------------------------------------------
  function downloadCsv() {
    const result = state.result;
    if (!result || result.form !== "SELECT") return;
    const lines = [result.vars.map(KG.csvField).join(",")];
    for (const row of state.order) lines.push(result.vars.map((v) => KG.csvField(KG.csvValue(row[v]))).join(","));
    // A byte-order mark so that spreadsheet programs read the Chinese text as UTF-8.
    const blob = new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
    const name = state.example && editor.getValue() === state.example.sparql ? state.example.name : "query";
    const a = el("a", { href: URL.createObjectURL(blob), download: name + "-results.csv" });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  }

  // ---- tabs ---------------------------------------------------------------------------------------------
  function setView(view) {
    state.view = view;
    $("tab-table").classList.toggle("active", view === "table");
    $("tab-graph").classList.toggle("active", view === "graph");
    $("tab-table").setAttribute("aria-selected", String(view === "table"));
    $("tab-graph").setAttribute("aria-selected", String(view === "graph"));
    $("table-view").hidden = view !== "table";
    $("graph-view").hidden = view !== "graph";
    if (view === "graph") KGGraph.show();
  }

  $("run").addEventListener("click", run);
  // Ctrl+Enter / Cmd+Enter runs the query wherever the focus is.
  document.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey) {
      e.preventDefault();
      run();
    }
  }, true);
  $("download-csv").addEventListener("click", downloadCsv);
  $("tab-table").addEventListener("click", () => setView("table"));
  $("tab-graph").addEventListener("click", () => setView("graph"));
  $("endpoint-url").textContent = new URL("sparql", location.href).pathname;
  loadExamples();
})();
