/* budget-kg query page: the graph view of a result (cytoscape.js), expanded node by node with SPARQL. */
"use strict";

window.KGGraph = (function () {
  const { el } = KG;
  const $ = (id) => document.getElementById(id);
  const BK = KG.ONTOLOGY;
  const ORG = "http://www.w3.org/ns/org#";
  const MAX_NODES = 200;     // nodes drawn from a result
  const MAX_NEIGHBOURS = 50; // nodes added by one expansion
  const MAX_PAIRS = 2000;    // pairs of IRIs looked up for the edges between a result's IRIs
  const FONT = "Noto Sans CJK SC, WenQuanYi Zen Hei, PingFang SC, Microsoft YaHei, sans-serif";

  const CATEGORIES = [
    { key: "policy", name: "Policy document", color: "#d6336c", shape: "round-rectangle", types: [BK + "PolicyDocument", BK + "Law"] },
    { key: "project", name: "Project", color: "#1c7ed6", shape: "ellipse", types: [BK + "Project"] },
    { key: "unit", name: "Budget unit / organisation", color: "#2f9e44", shape: "hexagon",
      types: [BK + "BudgetUnit", BK + "Department", ORG + "Organization", ORG + "OrganizationalUnit"] },
    { key: "indicator", name: "Indicator", color: "#f08c00", shape: "diamond", types: [BK + "Indicator"] },
    { key: "citation", name: "Citation (policy reference)", color: "#f3a5c0", shape: "ellipse", types: [BK + "PolicyReference"] },
    { key: "document", name: "Budget document", color: "#7048e8", shape: "rectangle", types: [BK + "BudgetDocument"] },
    { key: "concept", name: "Concept (code list)", color: "#0c8599", shape: "triangle", types: ["http://www.w3.org/2004/02/skos/core#Concept"] },
    { key: "other", name: "Other", color: "#868e96", shape: "ellipse", types: [] },
  ];

  function categoryOf(types) {
    for (const c of CATEGORIES) if (c.types.some((t) => types.includes(t))) return c;
    return CATEGORIES[CATEGORIES.length - 1];
  }

  let cy = null;
  let result = null;     // the page's current result
  let built = null;      // the result the graph was drawn from
  let info = new Map();  // iri → {docno, label, title, types}
  let selected = null;
  let generation = 0;    // bumped when the graph is redrawn, so late answers are dropped
  let layouts = 0;       // layouts running
  let pending = 0;       // drawings and expansions waiting for the server

  function ensureCy() {
    if (cy) return cy;
    cy = cytoscape({
      container: $("cy"),
      minZoom: 0.15,
      maxZoom: 3,
      style: [
        { selector: "node", style: {
          "background-color": "data(color)", "shape": "data(shape)", "width": 22, "height": 22,
          "label": "data(short)", "font-family": FONT, "font-size": 11, "color": "#212529",
          "text-valign": "bottom", "text-margin-y": 3, "text-wrap": "wrap", "text-max-width": "110px",
          "text-background-color": "#ffffff", "text-background-opacity": 0.75, "text-background-padding": "1px",
          "border-width": 1, "border-color": "#ffffff" } },
        { selector: "node[category = 'indicator']", style: { "width": 16, "height": 16, "font-size": 10 } },
        { selector: "node[category = 'policy']", style: { "width": 30, "height": 22 } },
        { selector: "node[category = 'citation']", style: { "width": 14, "height": 14, "color": "#868e96" } },
        { selector: "node.expanded", style: { "border-width": 3, "border-color": "#343a40" } },
        { selector: "node:selected", style: { "border-width": 4, "border-color": "#fab005", "z-index": 10 } },
        { selector: "edge", style: {
          "width": 1.4, "line-color": "#adb5bd", "target-arrow-color": "#adb5bd", "target-arrow-shape": "triangle",
          "arrow-scale": 0.8, "curve-style": "bezier", "label": "data(label)", "font-family": FONT, "font-size": 9,
          "min-zoomed-font-size": 6,
          "color": "#495057", "text-rotation": "autorotate", "text-background-color": "#ffffff",
          "text-background-opacity": 0.85, "text-background-padding": "1px" } },
        { selector: "edge.row", style: { "line-style": "dashed", "target-arrow-shape": "none" } },
      ],
    });
    cy.on("tap", "node", (evt) => select(evt.target));
    cy.on("tap", (evt) => { if (evt.target === cy) unselect(); });
    return cy;
  }

  // ---- from a result to elements ------------------------------------------------------------------------
  function nodeData(iri) {
    const i = info.get(iri);
    const c = categoryOf(i ? i.types : []);
    const name = KG.nameOf(iri, i);
    return { id: iri, iri, name, short: KG.truncate(name, 18), category: c.key, color: c.color, shape: c.shape };
  }

  function edgeId(s, p, o) {
    return "e " + s + " " + (p || "row") + " " + o;
  }

  /** The nodes of a SELECT result, each row's IRIs in column order, and the pairs of IRIs sharing a row. */
  function fromRows(res) {
    const nodes = [];
    const seen = new Set();
    const rows = [];
    const pairs = new Map();
    let skipped = 0;
    for (const row of res.rows) {
      const iris = [];
      for (const v of res.vars) {
        const t = row[v];
        if (t && t.type === "uri" && KG.writableIri(t.value) && !iris.includes(t.value)) iris.push(t.value);
      }
      for (const iri of iris) {
        if (seen.has(iri)) continue;
        seen.add(iri);
        if (nodes.length < MAX_NODES) nodes.push(iri);
        else skipped++;
      }
      rows.push(iris);
      // every pair of the row when the rows are few, else only neighbours in column order
      const all = pairs.size < MAX_PAIRS;
      for (let i = 0; i < iris.length; i++) {
        for (let j = i + 1; j < (all ? iris.length : Math.min(i + 2, iris.length)); j++) {
          const [a, b] = [iris[i], iris[j]];
          if (!pairs.has(b + " " + a)) pairs.set(a + " " + b, [a, b]);
        }
      }
    }
    return { nodes, rows, pairs: [...pairs.values()], skipped };
  }

  /** The edges between the IRIs of each row: the predicates that link them in the graph (either way round,
   *  found with one query per 300 pairs); the parts of a row still apart are joined in column order by a
   *  dashed "same row" edge. */
  async function linkRows(rows, pairs, drawn) {
    pairs = pairs.filter(([a, b]) => drawn.has(a) && drawn.has(b));
    const edges = new Map();
    const linked = new Set();
    for (let i = 0; i < pairs.length; i += 300) {
      const chunk = pairs.slice(i, i + 300);
      const values = chunk.map(([a, b]) => `(<${a}> <${b}>) (<${b}> <${a}>)`).join(" ");
      const found = await KG.select(`SELECT DISTINCT ?s ?p ?o WHERE { VALUES (?s ?o) { ${values} } ?s ?p ?o }`);
      for (const r of found) {
        const [s, p, o] = [r.s.value, r.p.value, r.o.value];
        edges.set(edgeId(s, p, o), { id: edgeId(s, p, o), source: s, target: o, label: KG.localName(p), p });
        linked.add(s + " " + o).add(o + " " + s);
      }
    }
    for (const iris of rows) {
      const row = iris.filter((iri) => drawn.has(iri));
      const parent = new Map(row.map((iri) => [iri, iri]));
      const find = (x) => (parent.get(x) === x ? x : find(parent.get(x)));
      for (let i = 0; i < row.length; i++) {
        for (let j = i + 1; j < row.length; j++) {
          if (linked.has(row[i] + " " + row[j])) parent.set(find(row[j]), find(row[i]));
        }
      }
      for (let k = 1; k < row.length; k++) {
        const [a, b] = [row[k - 1], row[k]];
        if (find(a) === find(b)) continue;
        parent.set(find(b), find(a));
        const id = edgeId(a, null, b);
        if (!edges.has(id) && !edges.has(edgeId(b, null, a))) edges.set(id, { id, source: a, target: b, label: "", row: true });
      }
    }
    return [...edges.values()];
  }

  /** The IRI-valued triples of a CONSTRUCT/DESCRIBE result, fetched again as JSON-LD. */
  async function fromGraph(res) {
    const response = await KG.post(res.query, "application/ld+json");
    const json = await response.json();
    const ctx = {};
    const ctxs = [].concat((json && json["@context"]) || []);
    for (const c of ctxs) if (c && typeof c === "object") Object.assign(ctx, c);
    const expand = (key) => {
      if (typeof ctx[key] === "string") return ctx[key];
      if (ctx[key] && ctx[key]["@id"]) return expand(ctx[key]["@id"]);
      const m = /^([^:/]*):(.*)$/.exec(key);
      if (m && typeof ctx[m[1]] === "string" && !m[2].startsWith("//")) return ctx[m[1]] + m[2];
      return key;
    };
    const triples = [];
    const walk = (item) => {
      if (!item || typeof item !== "object") return null;
      if (Array.isArray(item)) { item.forEach(walk); return null; }
      if (item["@graph"]) walk(item["@graph"]);
      const s = item["@id"] ? expand(item["@id"]) : null;
      for (const [k, vals] of Object.entries(item)) {
        if (k.startsWith("@") && k !== "@type") continue;
        for (const v of [].concat(vals)) {
          if (k === "@type") { if (s) triples.push([s, KG.PREFIXES[2][1] + "type", expand(String(v))]); continue; }
          if (v && typeof v === "object" && !("@value" in v)) {
            const o = walk(v) || (v["@id"] ? expand(v["@id"]) : null);
            if (s && o) triples.push([s, expand(k), o]);
          }
        }
      }
      return s;
    };
    walk(json);
    const nodes = [];
    const seen = new Set();
    const edges = [];
    const RDF_TYPE = KG.PREFIXES[2][1] + "type";
    let skipped = 0;
    for (const [s, p, o] of triples) {
      if (p === RDF_TYPE || s.startsWith("_:") || o.startsWith("_:")) continue;
      for (const iri of [s, o]) {
        if (seen.has(iri)) continue;
        seen.add(iri);
        if (nodes.length >= MAX_NODES) skipped++;
        else nodes.push(iri);
      }
      edges.push({ id: edgeId(s, p, o), source: s, target: o, label: KG.localName(p), p });
    }
    return { nodes, edges, skipped };
  }

  async function build(res) {
    const my = ++generation;
    ensureCy().elements().remove();
    info = new Map();
    unselect();
    if (!res || res.form === "ASK") {
      status(res ? "An ASK result has no graph." : "Run a query first.");
      renderLegend();
      return;
    }
    status("Drawing…");
    pending++;
    try {
      let nodes, edges, skipped;
      if (res.form === "SELECT") {
        const r = fromRows(res);
        nodes = r.nodes;
        skipped = r.skipped;
        info = await KG.describe(nodes);
        if (my !== generation) return;
        const drawn = new Set(nodes);
        edges = await linkRows(r.rows, r.pairs, drawn);
      } else {
        const r = await fromGraph(res);
        nodes = r.nodes;
        skipped = r.skipped;
        const drawn = new Set(nodes);
        edges = r.edges.filter((e) => drawn.has(e.source) && drawn.has(e.target));
        info = await KG.describe(nodes);
      }
      if (my !== generation) return;
      cy.add(nodes.map((iri) => ({ group: "nodes", data: nodeData(iri) })));
      cy.add(edges.map((e) => ({ group: "edges", data: e, classes: e.row ? "row" : "" })));
      layout(true);
      renderLegend();
      status(nodes.length ? counts() + (skipped ? ` · ${skipped} more IRIs not drawn (first ${MAX_NODES} shown)` : "")
        : "No IRIs in the result: nothing to draw.");
    } catch (e) {
      if (my === generation) status("Could not draw the graph: " + e.message, true);
    } finally {
      pending--;
    }
  }

  function counts() {
    const n = cy.nodes().length, m = cy.edges().length;
    return `${n} ${n === 1 ? "node" : "nodes"} · ${m} ${m === 1 ? "edge" : "edges"}`;
  }

  function status(text, bad) {
    const s = $("graph-status");
    s.textContent = text;
    s.classList.toggle("error-text", !!bad);
  }

  const COSE = { name: "cose", nodeDimensionsIncludeLabels: true, nodeRepulsion: () => 4000, idealEdgeLength: () => 80,
    edgeElasticity: () => 100, nodeOverlap: 10, componentSpacing: 60, gravity: 1, coolingFactor: 0.995, numIter: 2500 };

  /** Lay the graph out again. The force layout is random and sometimes comes out long and thin: it is
   *  computed a few times (the first from where the nodes are) and the one that fills the view best kept. */
  function layout(fresh) {
    const name = $("graph-layout").value;
    const animate = !fresh && cy.nodes().length < 200;
    let opts = { name, animate, animationDuration: 400, padding: 30, fit: true };
    if (name === "cose") {
      const n = cy.nodes().length;
      const tries = n <= 80 ? 8 : n <= 200 ? 3 : 1;
      const [w, h] = [cy.width() || 800, cy.height() || 600];
      let best = null;
      for (let k = 0; k < tries; k++) {
        cy.layout({ ...COSE, animate: false, fit: false, randomize: fresh || k > 0 }).run();
        const bb = cy.nodes().boundingBox();
        const [bw, bh] = [Math.max(bb.w, 1), Math.max(bb.h, 1)];
        // a force layout may as well be turned a quarter: whichever way fills the view better
        for (const turned of [false, true]) {
          const score = turned ? Math.min(w / bh, h / bw) : Math.min(w / bw, h / bh);
          if (best && score <= best.score) continue;
          best = { score, pos: {} };
          cy.nodes().forEach((node) => {
            const p = node.position();
            best.pos[node.id()] = turned ? { x: p.y, y: p.x } : { x: p.x, y: p.y };
          });
        }
      }
      opts = { name: "preset", positions: (node) => best.pos[node.id()], animate, animationDuration: 400, padding: 30, fit: true };
    }
    if (name === "breadthfirst") Object.assign(opts, { directed: false, spacingFactor: 1.1, avoidOverlap: true });
    if (name === "concentric") Object.assign(opts, { minNodeSpacing: 20, avoidOverlap: true,
      concentric: (n) => ({ policy: 5, project: 4, unit: 3, document: 3 }[n.data("category")] || 1), levelWidth: () => 1 });
    const running = cy.layout(opts);
    layouts++;
    running.one("layoutstop", () => {
      layouts--;
      if (cy.zoom() > 1.5) { // a few nodes: not blown up to fill the view
        cy.zoom(1.5);
        cy.center();
      }
    });
    running.run();
  }

  function renderLegend() {
    const present = new Map();
    if (cy) cy.nodes().forEach((n) => present.set(n.data("category"), (present.get(n.data("category")) || 0) + 1));
    $("legend").replaceChildren(...CATEGORIES.map((c) => el("li", { class: present.has(c.key) ? "" : "absent", "data-category": c.key },
      el("span", { class: "swatch shape-" + c.shape, style: `background:${c.color}` }),
      el("span", { class: "legend-name", text: c.name }),
      el("span", { class: "legend-count", text: present.has(c.key) ? String(present.get(c.key)) : "" }))));
  }

  // ---- selecting and expanding --------------------------------------------------------------------------
  function unselect() {
    selected = null;
    $("details").replaceChildren(el("h3", { text: "Details" }), el("p", { class: "muted", text: "No node selected." }));
  }

  function select(node) {
    selected = node;
    renderDetails(node);
    if (!node.hasClass("expanded") && !node.scratch("_expanding")) expand(node);
  }

  function renderDetails(node, note) {
    const iri = node.data("iri");
    const i = info.get(iri) || { types: [] };
    const c = CATEGORIES.find((x) => x.key === node.data("category"));
    const link = KG.href(iri);
    const rows = [
      ["type", i.types.length ? i.types.map(KG.compact).join(", ") : "(none stated)"],
      i.docno ? ["document no.", i.docno] : null,
      i.title && i.title !== node.data("name") ? ["title", i.title] : null,
      i.label && i.label !== node.data("name") ? ["label", i.label] : null,
      i.raw && i.raw !== node.data("name") ? ["as written", i.raw] : null,
      ["IRI", KG.compact(iri)],
    ].filter(Boolean);
    $("details").replaceChildren(
      el("h3", { text: "Details" }),
      el("p", { class: "details-name" }, el("span", { class: "swatch", style: `background:${c.color}` }),
        el("span", { class: "details-label", text: node.data("name") })),
      el("dl", {}, ...rows.flatMap(([k, v]) => [el("dt", { text: k }), el("dd", { text: v })])),
      link ? el("p", {}, el("a", { href: link, class: "details-link", target: link.startsWith("http") ? "_blank" : null,
        rel: "noopener", text: link.startsWith("id/") ? "Open its page ↗" : "Open ↗" })) : null,
      note ? el("p", { class: "muted details-note", text: note }) : null);
  }

  async function expand(node) {
    const iri = node.data("iri");
    if (!KG.writableIri(iri)) return;
    const my = generation;
    node.scratch("_expanding", true);
    pending++;
    status(counts() + " · expanding " + node.data("short") + "…");
    try {
      const rows = await KG.select(`SELECT ?dir ?p ?s ${KG.LABEL_COLUMNS}
WHERE {
  { SELECT DISTINCT ?dir ?p ?s WHERE {
      { <${iri}> ?p ?s . BIND("out" AS ?dir) } UNION { ?s ?p <${iri}> . BIND("in" AS ?dir) }
      FILTER(isIRI(?s) && ?p != rdf:type && ?s != <${iri}>)
    } ORDER BY DESC(?dir) ?p ?s LIMIT ${MAX_NEIGHBOURS + 1} }
  ${KG.LABEL_TYPES}
} GROUP BY ?dir ?p ?s`);
      if (my !== generation) return;
      const more = rows.length > MAX_NEIGHBOURS;
      const keep = rows.slice(0, MAX_NEIGHBOURS);
      const before = cy.nodes().length;
      const pos = node.position();
      const add = [];
      for (const r of keep) {
        const n = r.s.value;
        if (!info.has(n)) info.set(n, KG.infoOf(r));
        if (cy.getElementById(n).empty() && !add.some((x) => x.data.id === n)) {
          add.push({ group: "nodes", data: nodeData(n),
            position: { x: pos.x + (Math.random() - 0.5) * 120, y: pos.y + (Math.random() - 0.5) * 120 } });
        }
      }
      cy.add(add);
      const edges = [];
      for (const r of keep) {
        const [s, o] = r.dir.value === "out" ? [iri, r.s.value] : [r.s.value, iri];
        const id = edgeId(s, r.p.value, o);
        if (cy.getElementById(id).empty()) edges.push({ group: "edges", data: { id, source: s, target: o, label: KG.localName(r.p.value), p: r.p.value } });
      }
      cy.add(edges);
      // a typed edge replaces the dashed "same row" edge between the same two nodes
      for (const e of edges) {
        cy.getElementById(edgeId(e.data.source, null, e.data.target)).remove();
        cy.getElementById(edgeId(e.data.target, null, e.data.source)).remove();
      }
      node.addClass("expanded");
      const added = cy.nodes().length - before;
      if (added || edges.length) layout(false);
      renderLegend();
      status(counts());
      const note = `${keep.length} links${more ? ` (first ${MAX_NEIGHBOURS} shown)` : ""}; ${added} new ${added === 1 ? "node" : "nodes"} added.`;
      if (selected === node) renderDetails(node, note);
    } catch (e) {
      status("Could not expand: " + e.message, true);
    } finally {
      node.scratch("_expanding", false);
      pending--;
    }
  }

  // ---- what the page calls ------------------------------------------------------------------------------
  function setResult(res) {
    result = res;
    built = null;
    generation++;
    if (cy) cy.elements().remove();
    status("");
  }

  function show() {
    ensureCy();
    cy.resize();
    if (built !== result) {
      built = result;
      build(result);
    }
  }

  function reset() {
    setResult(null);
    unselect();
    renderLegend();
  }

  $("graph-relayout").addEventListener("click", () => cy && layout(false));
  $("graph-layout").addEventListener("change", () => cy && layout(false));
  $("graph-fit").addEventListener("click", () => cy && cy.fit(undefined, 30));
  renderLegend();
  unselect();

  // `busy`: something is still being fetched or laid out (the page's tests wait for it to settle)
  return { setResult, show, reset, get cy() { return cy; }, get busy() { return pending > 0 || layouts > 0; } };
})();
