/* budget-kg query page: RDF terms, compact names, and the SPARQL protocol client (shared by app.js and graph.js). */
"use strict";

window.KG = (function () {
  const ID = "https://w3id.org/budget-kg/id/";
  const ONTOLOGY = "https://w3id.org/budget-kg/ontology#";
  const PREFIXES = [
    ["id", ID],
    ["bk", ONTOLOGY],
    ["rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"],
    ["rdfs", "http://www.w3.org/2000/01/rdf-schema#"],
    ["xsd", "http://www.w3.org/2001/XMLSchema#"],
    ["owl", "http://www.w3.org/2002/07/owl#"],
    ["skos", "http://www.w3.org/2004/02/skos/core#"],
    ["dcterms", "http://purl.org/dc/terms/"],
    ["prov", "http://www.w3.org/ns/prov#"],
    ["org", "http://www.w3.org/ns/org#"],
    ["qb", "http://purl.org/linked-data/cube#"],
  ];
  const XSD = "http://www.w3.org/2001/XMLSchema#";
  const INTEGER_TYPES = new Set(["integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte"]);
  const NUMERIC_TYPES = new Set([...INTEGER_TYPES, "decimal", "double", "float"]);

  /** "https://w3id.org/budget-kg/id/policy/X" → "id:policy/X"; unknown namespaces stay whole. */
  function compact(iri) {
    for (const [p, ns] of PREFIXES) {
      if (iri.startsWith(ns) && iri.length > ns.length) return p + ":" + iri.slice(ns.length);
    }
    return iri;
  }

  /** The local name: the part after the prefix, the last "/" or "#". */
  function localName(iri) {
    const c = compact(iri);
    if (c !== iri) return c.slice(c.indexOf(":") + 1);
    const m = iri.match(/[^/#]+$/);
    return m ? m[0] : iri;
  }

  /** Where a link to the IRI goes: data and ontology terms to this server's pages, others as they are. */
  function href(iri) {
    if (iri.startsWith(ID)) return "id/" + iri.slice(ID.length).replace(/\?/g, "%3F").replace(/#/g, "%23");
    if (iri.startsWith(ONTOLOGY)) return "ontology#" + iri.slice(ONTOLOGY.length);
    if (/^https?:\/\//i.test(iri)) return iri;
    return null;
  }

  function datatypeName(term) {
    return term.datatype && term.datatype.startsWith(XSD) ? term.datatype.slice(XSD.length) : null;
  }

  function isNumeric(term) {
    return !!term && term.type !== "uri" && term.type !== "bnode" && NUMERIC_TYPES.has(datatypeName(term)) &&
      term.value.trim() !== "" && !isNaN(Number(term.value));
  }

  /** Thousands separators on the integer part of a decimal; the digits are kept exactly as sent. */
  function groupDigits(text) {
    const m = String(text).trim().match(/^([+-]?)(\d+)(\.\d*)?$/);
    if (!m) return text;
    return m[1] + m[2].replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (m[3] || "");
  }

  /** The text a numeric literal is shown as: decimals (money in yuan) grouped; integers from 10,000 on. */
  function formatNumber(term) {
    const dt = datatypeName(term);
    if (dt === "decimal") return groupDigits(term.value);
    if (INTEGER_TYPES.has(dt) && Math.abs(Number(term.value)) >= 10000) return groupDigits(term.value);
    return term.value;
  }

  /** The text of a term as shown in a table cell or used for sorting (not counting labels). */
  function display(term) {
    if (!term) return "";
    if (term.type === "uri") return compact(term.value);
    if (term.type === "bnode") return "_:" + term.value;
    if (isNumeric(term)) return formatNumber(term);
    return term.value;
  }

  /** The value a term has in CSV: IRIs whole, literals as their lexical form (as the SPARQL CSV format does). */
  function csvValue(term) {
    if (!term) return "";
    if (term.type === "bnode") return "_:" + term.value;
    return term.value;
  }

  function csvField(text) {
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  /** Is the IRI safe to write between < > in a query? */
  function writableIri(iri) {
    return !/[\u0000-\u0020<>"{}|^`\\]/.test(iri);
  }

  /** The form of a query (SELECT, ASK, CONSTRUCT, DESCRIBE), with IRIs, strings and comments skipped. */
  function queryForm(text) {
    const stripped = text
      .replace(/<[^<>"{}|^`\\\s]*>/g, " ")
      .replace(/"""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, " ")
      .replace(/#[^\n]*/g, " ");
    const m = stripped.match(/\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b/i);
    return m ? m[1].toUpperCase() : "SELECT";
  }

  class QueryError extends Error {
    constructor(message, status) {
      super(message);
      this.status = status;
    }
  }

  /** POST a query to the endpoint. Resolves to the Response (ok); rejects with QueryError on an error. */
  async function post(query, accept, signal) {
    let response;
    try {
      response = await fetch("sparql", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8", "Accept": accept },
        body: new URLSearchParams({ query }).toString(),
        signal,
      });
    } catch (e) {
      if (e.name === "AbortError") throw e;
      throw new QueryError("Could not reach the server: " + e.message, 0);
    }
    if (!response.ok) {
      let message = (await response.text()).trim();
      if (!message) message = response.statusText || "request failed";
      throw new QueryError(message, response.status);
    }
    return response;
  }

  /** Run a SELECT whose result the page needs for itself; resolves to the bindings. */
  async function select(query) {
    const response = await post(query, "application/sparql-results+json");
    const json = await response.json();
    return json.results.bindings;
  }

  const LABEL_TYPES = `
    OPTIONAL { ?s bk:docNumber ?d }
    OPTIONAL { ?s rdfs:label|skos:prefLabel ?l FILTER(LANG(?l) = "" || LANGMATCHES(LANG(?l), "zh")) }
    OPTIONAL { ?s dcterms:title ?t }
    OPTIONAL { ?s bk:rawText ?r }
    OPTIONAL { ?s a ?type }`;
  const LABEL_COLUMNS = `(SAMPLE(?d) AS ?docno) (SAMPLE(?l) AS ?label) (SAMPLE(?t) AS ?title) (SAMPLE(?r) AS ?raw)
  (GROUP_CONCAT(DISTINCT STR(?type); separator=" ") AS ?types)`;

  /** Labels and types of IRIs, with one query: Map iri → {docno, label, title, types: [iri]}. */
  async function describe(iris) {
    const info = new Map();
    const list = [...new Set(iris)].filter(writableIri);
    for (let i = 0; i < list.length; i += 400) {
      const chunk = list.slice(i, i + 400);
      const values = chunk.map((iri) => "<" + iri + ">").join(" ");
      const rows = await select(`SELECT ?s ${LABEL_COLUMNS}
WHERE { VALUES ?s { ${values} } ${LABEL_TYPES}
} GROUP BY ?s`);
      for (const row of rows) info.set(row.s.value, infoOf(row));
    }
    return info;
  }

  function infoOf(row) {
    return {
      docno: row.docno ? row.docno.value : null,
      label: row.label ? row.label.value : null,
      title: row.title ? row.title.value : null,
      raw: row.raw ? row.raw.value : null,
      types: row.types && row.types.value ? row.types.value.split(" ") : [],
    };
  }

  /** The best short name of a node: document number, label, title, or its local name. */
  function nameOf(iri, info) {
    if (info && (info.docno || info.label || info.title || info.raw)) return info.docno || info.label || info.title || info.raw;
    // id:doc/<file>/project/5/targets → project/5/targets
    const local = localName(iri);
    const m = /^doc\/[^/]+\/(.+)$/.exec(local);
    return m && iri.startsWith(ID) ? m[1] : local;
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  function truncate(text, n) {
    const chars = Array.from(text);
    return chars.length > n ? chars.slice(0, n - 1).join("") + "…" : text;
  }

  return {
    ID, ONTOLOGY, PREFIXES, compact, localName, href, isNumeric, display, csvValue, csvField, groupDigits,
    writableIri, queryForm, QueryError, post, select, describe, infoOf, nameOf, el, truncate, LABEL_TYPES, LABEL_COLUMNS,
  };
})();
