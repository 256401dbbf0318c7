"""The ``kg`` command: thin commands over the pipeline, the store and the queries.

Library code raises :class:`kg.errors.KgError`; only this module turns errors into messages and
exit codes (1: a document or query failed; 2: wrong usage).
"""

from __future__ import annotations

import contextlib
import json
import sys
import tempfile
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kg import SAMPLE
from kg.errors import KgError
from kg.money import fmt_yuan

DEFAULT_STORE = "kg-store"
DEMO_POLICY = "示政办发[2023]15号"

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

store_option = click.option(
    "--store", "store_dir", envvar="KG_STORE", default=DEFAULT_STORE, show_default=True,
    type=click.Path(file_okay=False, path_type=Path), help="Store directory (or set KG_STORE).",
)


endpoint_option = click.option(
    "--endpoint", metavar="URL", default=None,
    help="Ask this SPARQL 1.1 endpoint instead of a store (read-only; its default graph must be the union of "
         "the named graphs: see the README).",
)


def _fail(e: KgError, code: int = 1):
    err.print(f"[red]error:[/red] {e}", markup=True)
    sys.exit(code)


def _open(store_dir: Path, must_exist: bool = True):
    from kg.store import Store

    if must_exist and not store_dir.exists():
        err.print(f"[red]error:[/red] {store_dir}: no store here; run `kg ingest --store {store_dir} PATH…` first")
        sys.exit(1)
    return Store(store_dir)


def _one_source(endpoint: str | None) -> None:
    """Refuse --store given on the command line together with --endpoint."""
    from click.core import ParameterSource

    if endpoint is not None and click.get_current_context().get_parameter_source("store_dir") == ParameterSource.COMMANDLINE:
        raise click.UsageError("give --store or --endpoint, not both")


def _read(store_dir: Path, endpoint: str | None, read_only: bool = False):
    """The store, or the SPARQL endpoint when one is given (checked at once: kg.remote.RemoteStore)."""
    _one_source(endpoint)
    if endpoint is None:
        if read_only:
            from kg.store import Store

            if not store_dir.is_dir():
                err.print(f"[red]error:[/red] {store_dir}: no store here; run `kg ingest --store {store_dir} PATH…` first")
                sys.exit(1)
            return Store(store_dir, read_only=True)
        return _open(store_dir)
    from kg.remote import RemoteStore

    return RemoteStore(endpoint)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="budget-kg")
def main():
    """budget-kg: Chinese budget disclosures (预算公开) → a knowledge graph of policy → spending → target."""


# ---------------------------------------------------------------- ingest

@main.command()
@store_option
@click.option("--keep-personal", is_flag=True, help="Also store clerks' names and phone numbers (经办人 / 联系电话); off by default.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Parse documents in this many processes (default: the number of cores); the store is written from one.")
@click.option("--explain", is_flag=True,
              help="Store nothing: print every fact extracted from each document with the page or line, table and row it came from.")
@click.option("--strict", is_flag=True,
              help="A document read incompletely (a table its contents list not found or not read) is an error: not stored, exit code 1.")
@click.option("--force", is_flag=True,
              help="Parse and store every document again, even those stored already with the same content (skipped otherwise).")
@click.option("--nquads", "nquads_dir", metavar="DIR", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also write the store as N-Quads files into DIR, one per document and one per shared graph, "
                   "for an engine's bulk loader (a file is rewritten only when it changes).")
@click.option("--scheduler", metavar="URL",
              help="Parse on the workers of this Dask scheduler (tcp://HOST:PORT) instead of local processes; "
                   "the store is written here.")
@click.option("--max-size", type=click.FloatRange(min=0), default=32, show_default=True, metavar="MIB",
              help="A document larger than this many MiB is refused (0: no limit).")
@click.option("--max-pages", type=click.IntRange(min=0), default=1000, show_default=True,
              help="A PDF of more pages is refused (0: no limit).")
@click.option("--max-seconds", type=click.FloatRange(min=0), default=300, show_default=True,
              help="Seconds one document's parsing may take; a longer one is stopped and reported (0: no limit).")
@click.option("--max-memory", type=click.IntRange(min=0), default=2048, show_default=True, metavar="MIB",
              help="MiB of memory the process parsing one document may use; past it the document is reported (0: no limit).")
@click.option("--ocr", type=click.Choice(["never", "auto", "always"]), default="auto", show_default=True,
              help="Which PDF pages are read by OCR: those with almost no text layer (auto), none, or every page "
                   "(its text layer ignored). Needs pip install 'budget-kg[ocr]'.")
@click.option("--audit", "audit_new", is_flag=True,
              help="Then run the audit checks over the documents this ingest stored (as kg audit --document …, "
                   "each check of scope 'document' on the document's own graphs) and print how many findings.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False))
def ingest(store_dir: Path, keep_personal: bool, jobs: int | None, explain: bool, strict: bool, force: bool,
           nquads_dir: Path | None, scheduler: str | None, max_size: float, max_pages: int, max_seconds: float,
           max_memory: int, ocr: str, audit_new: bool, paths: tuple[Path, ...]):
    """Parse documents (text or PDF files, or folders) and store their graphs; a document that fails is reported and skipped.

    Ingesting a document again replaces its graph and nothing else. A document read incompletely is stored with a
    warning saying what is missing (an error with --strict); the same content under a second file name is stored once.
    """
    from kg.pipeline import default_jobs, ingest as run
    from kg.read import walk
    from kg.read.limits import Limits

    if scheduler and (jobs or explain):
        raise click.UsageError("--scheduler parses on a Dask cluster: it does not go with --jobs or --explain")
    limits = Limits(max_mib=max_size or None, max_pages=max_pages or None, seconds=max_seconds or None,
                    memory=max_memory or None)
    files, unreadable = walk(list(paths))
    if not files and not unreadable:
        err.print(f"[red]error:[/red] no documents under {' '.join(map(str, paths))} (expected .txt, .md or .pdf files)")
        sys.exit(1)
    if explain:
        _explain(files, keep_personal, ocr)
        return
    try:
        with _cluster(scheduler) as cluster, _open(store_dir, must_exist=False) as store, Progress(
            TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            TextColumn("{task.description}"), console=err, transient=True,
        ) as progress:
            task = progress.add_task("", total=len(files) + len(unreadable))

            def on_file(path: Path, reason: str | None):
                if reason:
                    progress.console.print(f"[red]error:[/red] {escape(str(path))}: {escape(reason)}", highlight=False)
                progress.update(task, advance=1, description=path.name)

            def on_note(path: Path, level: str, message: str):
                colour = "yellow" if level == "warning" else "cyan"
                progress.console.print(f"[{colour}]{level}:[/{colour}] {escape(str(path))}: {escape(message)}", highlight=False)

            report = run(list(paths), store, keep_personal=keep_personal, on_file=on_file, jobs=jobs or default_jobs(),
                         on_note=on_note, strict=strict, force=force, parser=cluster.parsed if cluster else None,
                         limits=limits, ocr=ocr)
            if nquads_dir is not None:
                from kg.export.bulk import write_nquads

                written = write_nquads(store, nquads_dir)
            audited = None
            if audit_new and report.stored:
                from kg.audit import audit as run_audit

                progress.update(task, description="auditing the documents stored")
                audited = run_audit(store, documents=report.stored, complete=True)
    except KgError as e:
        _fail(e)
    out.print(f"ingested {report.summary()} → {store_dir}")
    if audited is not None:
        out.print(f"audited: {audited.summary()} (kg audit --document FILE shows them)", markup=False)
    if nquads_dir is not None:
        out.print(written.summary(), markup=False)
    if report.failed:
        sys.exit(1)


def _cluster(address: str | None):
    """The Dask cluster --scheduler names (:mod:`kg.cluster`, imported only then), or nothing."""
    if address is None:
        return contextlib.nullcontext()
    try:
        from kg.cluster import Cluster
    except ImportError as e:
        raise KgError(f"--scheduler needs the distributed package ({e}): pip install 'budget-kg[cluster]'") from e
    return Cluster(address)


def _explain(files: list[Path], keep_personal: bool, ocr: str = "auto") -> None:
    from kg.explain import explain
    from kg.pipeline import extract_file

    failed = False
    for path in files:
        try:
            ex = extract_file(path, keep_personal=keep_personal, ocr=ocr)
        except KgError as e:
            err.print(f"[red]error:[/red] {path}: {e.message}")
            failed = True
            continue
        for line in explain(ex):
            out.print(line, markup=False)
    if failed:
        sys.exit(1)


# ---------------------------------------------------------------- query

def _param(text: str):
    from rdflib import Literal, URIRef

    name, sep, value = text.partition("=")
    if not sep or not name:
        raise click.BadParameter(f"expected NAME=VALUE, got {text!r}")
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        return name.lstrip("?$"), URIRef(value[1:-1])
    if value.lstrip("-").isdigit():
        return name.lstrip("?$"), Literal(int(value))
    return name.lstrip("?$"), Literal(value)


@main.command()
@store_option
@endpoint_option
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-e", "--expr", help="SPARQL text instead of a FILE.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "tsv"]), default="table", show_default=True,
              help="json is the W3C SPARQL 1.1 Query Results JSON format.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a query variable: a string, an integer, or <IRI>. Repeatable.")
def query(store_dir: Path, endpoint: str | None, file: Path | None, expr: str | None, fmt: str,
          params: tuple[str, ...]):
    """Run a SPARQL query (a FILE such as queries/trace-policy.rq, or -e TEXT) over the whole store.

    The prefixes bk:, id:, org:, prov:, skos:, dcterms:, rdfs:, rdf:, xsd:, qb: and owl: are predeclared.
    """
    if bool(file) == bool(expr):
        raise click.UsageError("give either a FILE or -e SPARQL")
    text = file.read_text("utf-8") if file else expr
    subs = dict(_param(p) for p in params)
    try:
        with _read(store_dir, endpoint, read_only=True) as store:
            _print_result(store.query(text, substitutions=subs), fmt)
    except KgError as e:
        _fail(e)


def _print_result(result, fmt: str) -> None:
    import pyoxigraph as ox

    from kg.store import RESULT_FORMATS, py

    if isinstance(result, ox.QueryBoolean):
        if fmt == "json":
            out.print(json.dumps({"head": {}, "boolean": bool(result)}))
        else:
            out.print("true" if bool(result) else "false")
        return
    if isinstance(result, ox.QueryTriples):
        sys.stdout.write(result.serialize(format=ox.RdfFormat.TURTLE).decode("utf-8"))
        return
    if fmt != "table":
        sys.stdout.write(result.serialize(format=RESULT_FORMATS[fmt]).decode("utf-8"))
        return
    names = [v.value for v in result.variables]
    table = Table(*names, show_lines=False, header_style="bold")
    n = 0
    for sol in result:
        table.add_row(*(_cell(py(sol[v])) for v in names))
        n += 1
    out.print(table)
    out.print(f"{n} rows")


def _cell(value) -> str:
    from kg.vocab import curie

    return "" if value is None else curie(str(value))


# ---------------------------------------------------------------- trace

@main.command()
@store_option
@endpoint_option
@click.argument("docno")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def trace(store_dir: Path, endpoint: str | None, docno: str, fmt: str):
    """Show what a policy justifies: DOCNO in any spelling (同办字[2019]116号, 同办字【2019】116号 …) or a title."""
    from kg.trace import trace as run

    try:
        with _read(store_dir, endpoint, read_only=True) as store:
            result = run(store, docno)
    except KgError as e:
        _fail(e)
    if fmt == "json":
        out.print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        print_trace(result)
    if not result.policies:
        sys.exit(1)


def print_trace(result) -> None:
    """A trace for the terminal: per policy, each citing project (or document) once, with its citations."""
    if not result.policies:
        out.print(f"no document in the store cites {result.canonical or result.query}")
        return
    for p in result.policies:
        head = p.docno or (p.titles[0] if p.titles else p.policy)
        titles = "".join(f" 《{t}》" for t in p.titles[:2])
        kinds = f"  [{', '.join(p.kinds)}]" if p.kinds else ""
        out.print(f"[bold]{head}[/bold]{titles}{kinds}")
        if p.also_cited_as:
            out.print(f"  also cited as: {'、'.join(f'《{t}》' for t in p.also_cited_as)}")
        _print_about(p)
        docs = {(c.file, c.unit, c.year) for c in p.citations if not c.project}
        if not p.citations:
            out.print("  no project or narrative cites it")
            continue
        out.print(
            f"  justifies {len(p.justified_projects)} project(s); cited by {len(p.units)} unit(s): {'、'.join(p.units)}"
            + (f"; mentioned in {len(docs)} document narrative(s)" if docs else "")
        )
        groups: dict[tuple, list] = {}
        for c in p.citations:
            groups.setdefault((c.project or c.file, c.file), []).append(c)
        for cites in sorted(groups.values(), key=lambda cs: (min(c.role for c in cs) != "justifiedBy", cs[0].year, cs[0].unit, cs[0].page or 0, cs[0].line or 0)):
            first = cites[0]
            if first.project:
                money = f" · {fmt_yuan(first.amount)} 元" if first.amount is not None else ""
                out.print(f"  [bold green]●[/bold green] {first.unit} {first.year} · [bold]{first.project_name}[/bold]{money}")
            else:
                out.print(f"  [bold cyan]●[/bold cyan] {first.unit} {first.year} document ({first.file})")
            for c in sorted(cites, key=lambda c: (c.role != "justifiedBy", c.page or 0, c.line or 0)):
                verb = "justifies (立项依据)" if c.role == "justifiedBy" else f"mentioned in {c.section}"
                out.print(f"      {verb} — {c.where}  “{_clip(c.snippet, 70)}”")
            if any(c.role == "justifiedBy" for c in cites) and first.indicators:
                out.print("      targets:")
                for i in first.indicators:
                    side = "" if i.sides in ("", "年度+实施期", "实施期+年度") else f"  [{i.sides} only]"
                    period = f"  (实施期: {i.period_target})" if i.period_target else ""
                    out.print(f"        {i.level2 or '':<10} {i.indicator} = {i.target}{period}  ({i.where}){side}")


def _print_about(p) -> None:
    """Issuer, where the full text is reproduced, and the citation chain through the policy."""
    level = f" ({p.level}, {p.region})" if p.level else f" ({p.region})" if p.region else ""
    if p.issuers:
        out.print(f"  issued by {'、'.join(p.issuers)}{level}" + (f" on {p.issued}" if p.issued else ""))
    else:
        out.print(f"  issuer unresolved{level}")
    if p.embedded_in:
        more = len(p.reproductions) - 1
        others = f" (and {more} other document{'s' if more > 1 else ''})" if more > 0 else ""
        out.print(f"  full text reproduced in {p.embedded_in} {p.embedded_where or ''}".rstrip() + others)
    verbs = {
        ("downstream", "forwards"): "forwarded by", ("downstream", "basedOn"): "basis of",
        ("downstream", "cites"): "cited by", ("upstream", "forwards"): "forwards",
        ("upstream", "basedOn"): "based on", ("upstream", "cites"): "cites",
    }
    for link in p.links:
        direct = p.policy in (link.source, link.target)
        other = link.source_label if link.direction == "downstream" else link.target_label
        if direct:
            out.print(f"  {verbs[(link.direction, link.relation)]} {other}")
        else:  # further along the chain
            out.print(f"    … {link.source_label} {link.relation} {link.target_label}")


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


# ---------------------------------------------------------------- audit

@main.command()
@store_option
@endpoint_option
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Directory of audit rule files (*.rq); default: queries/audit.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "html"]), default="table", show_default=True,
              help="html is one self-contained page: the compared facts' source snippets side by side.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report to this file instead of standard output.")
@click.option("--check", "check_ids", multiple=True, metavar="ID",
              help="Run only this check (repeatable); the findings of the other checks stay stored.")
@click.option("--severity", type=click.Choice(["error", "warning", "info"]), default="info", show_default=True,
              help="Print findings of this severity or worse (all are stored; the exit code ignores this).")
@click.option("--document", "documents", multiple=True, metavar="FILE",
              help="Audit only this document (its file name or IRI; repeatable): the checks of scope 'document' "
                   "read its own graphs alone, so this costs what it holds, not what the store holds; the other "
                   "documents' findings stay stored.")
def audit(store_dir: Path, endpoint: str | None, rules_dir: Path | None, fmt: str, output: Path | None,
          check_ids: tuple[str, ...], severity: str, documents: tuple[str, ...]):
    """Run the audit checks (queries/audit/*.rq) over the store, store their findings, and report them.

    Findings are replaced in each document's graph id:graph/audit/<file>. Exit code 1 when any
    finding has severity error (or a rule file is malformed), 0 otherwise.
    """
    from rich.markup import escape

    from kg.audit import RULES, RuleErrors, audit as run, load_checks
    from kg.audit.report import print_table, to_html, to_json

    def fail(message: str):
        err.print(f"[red]error:[/red] {escape(message)}", markup=True)
        sys.exit(1)

    try:
        checks = load_checks(rules_dir or RULES)
    except RuleErrors as e:
        for problem in e.errors[:-1]:
            err.print(f"[red]error:[/red] {escape(str(problem))}", markup=True)
        fail(str(e.errors[-1]))
    except KgError as e:
        fail(str(e))
    if check_ids:
        known = {c.id for c in checks}
        unknown = [c for c in check_ids if c not in known]
        if unknown:
            raise click.BadParameter(
                f"no check {', '.join(unknown)} in {rules_dir or RULES} (known: {', '.join(sorted(known))})",
                param_hint="--check",
            )
        checks = [c for c in checks if c.id in check_ids]
    try:
        with _read(store_dir, endpoint) as store:
            report = run(store, checks=checks, complete=not check_ids, write=endpoint is None,
                         documents=list(documents) or None)
    except KgError as e:
        fail(str(e))
    shown = report.at_least(severity)
    try:
        stream = output.open("w", encoding="utf-8") if output else None
    except OSError as e:
        fail(f"{output}: cannot write the report ({e.strerror})")
    try:
        if fmt == "json":
            (stream or sys.stdout).write(to_json(shown) + "\n")
        elif fmt == "html":
            (stream or sys.stdout).write(to_html(report, shown))
        else:
            console = Console(file=stream, highlight=False, width=160) if stream else out
            print_table(report, shown, console)
            console.print(f"\n{report.summary()}")
    finally:
        if stream:
            stream.close()
    if fmt != "table" or output:
        err.print(report.summary() + (f" → {output}" if output else ""), markup=False)
    if endpoint is not None:
        err.print(f"nothing stored: {endpoint} is a read-only SPARQL endpoint (kg audit --store DIR stores the findings)",
                  markup=False)
    if report.errors:
        sys.exit(1)


# ---------------------------------------------------------------- export

@main.command()
@store_option
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt", "nq", "trig", "jsonld"]), default="ttl",
              show_default=True, help="nq and trig keep the named graphs; ttl, nt and jsonld write their union.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Write to this file (atomically) instead of standard output.")
@click.option("--graph", "doc", metavar="DOC",
              help="Only one document: its file name, a unique prefix of it, or its IRI (with its findings, "
                   "audit findings and the shared entities it describes).")
@click.option("--void", "void", is_flag=True, help="Write a VoID + DCAT description of the dataset instead.")
@click.option("--endpoint", metavar="URL", help="With --void: the SPARQL endpoint to name (void:sparqlEndpoint).")
@click.option("--license", "license_iri", metavar="IRI", help="With --void: the data's license (default: none stated).")
def export(store_dir: Path, fmt: str, output: Path | None, doc: str | None, void: bool, endpoint: str | None,
           license_iri: str | None):
    """Export the store as linked data (every graph queries see), or describe it with --void.

    JSON-LD is compacted with ontology/context.jsonld, embedded in the output.
    """
    from kg.export import write_output
    from kg.export.describe import describe_dataset, write_description
    from kg.export.formats import export as run
    from kg.store import Store

    if void and doc:
        raise click.UsageError("--void describes the whole store; it does not take --graph")
    if (endpoint or license_iri) and not void:
        raise click.UsageError("--endpoint and --license go with --void")
    if not store_dir.is_dir():
        err.print(f"[red]error:[/red] {store_dir}: no store here; run `kg ingest --store {store_dir} PATH…` first")
        sys.exit(1)
    stdout = sys.stdout.buffer
    try:
        with Store(store_dir, read_only=True) as store:
            if void:
                description = describe_dataset(store, endpoint=endpoint, license=license_iri)
                n, size = write_output(lambda f: write_description(description, f, fmt), output, stdout)
                line = f"described the dataset in {n:,} triples as {fmt} ({size:,} bytes)"
            else:
                result, size = write_output(lambda f: run(store, f, fmt, doc), output, stdout)
                line = result.summary(size)
    except KgError as e:
        _fail(e)
    err.print(line + (f" → {output}" if output else ""), markup=False)


# ---------------------------------------------------------------- push

@main.command()
@store_option
@click.option("--to", "target", required=True, metavar="URL",
              help="The remote store's SPARQL 1.1 Graph Store Protocol URL, e.g. http://127.0.0.1:7878/store "
                   "(Oxigraph) or http://HOST:3030/DATASET/data (Fuseki); user:password@ in it for Basic auth.")
@click.option("--force", is_flag=True, help="Send every graph again, even those sent already with the same content.")
def push(store_dir: Path, target: str, force: bool):
    """Send every named graph of the store to a remote store, one HTTP PUT per graph; a rerun sends only
    the graphs that changed and deletes remotely those gone from the store."""
    from kg.remote.push import push as run, to_delete

    try:
        with _open(store_dir) as store, Progress(
            TextColumn("[bold]push"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            TextColumn("{task.description}"), console=err, transient=True,
        ) as progress:
            task = progress.add_task("", total=len(store.graphs()) + to_delete(store, target))

            def on_graph(graph: str, what: str) -> None:
                progress.update(task, advance=1, description=f"{what} {graph.rsplit('/', 1)[-1]}")

            report = run(store, target, force=force, on_graph=on_graph)
    except KgError as e:
        _fail(e)
    out.print(report.summary(), markup=False)


# ---------------------------------------------------------------- serve

@main.command()
@store_option
@endpoint_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on; 0 picks a free one (the URL printed says which).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
              help="Seconds a query may run; a longer one is stopped and answered 503.")
@click.option("--max-rows", type=click.IntRange(min=1), default=10000, show_default=True,
              help="Rows (or triples) an answer keeps; a cut answer has the header X-KG-Truncated.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Query worker processes for long queries (default: the number of cores, at most 4); "
                   "one more is kept for short ones.")
@click.option("--memory", type=click.IntRange(min=0), default=1024, show_default=True, metavar="MIB",
              help="MiB of memory a query worker may use; a query needing more is stopped and answered 503 (0: no cap).")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="Also answer requests whose Host header is NAME (default: only localhost, 127.0.0.1, [::1]). Repeatable.")
@click.option("--cors", "cors_origins", multiple=True, metavar="ORIGIN",
              help="Let pages of this origin (https://example.org, or *) read the answers; none by default. Repeatable.")
@click.option("--public", is_flag=True,
              help="Allow --host to be an address other machines reach (a warning is printed).")
def serve(store_dir: Path, endpoint: str | None, host: str, port: int, timeout: float, max_rows: int,
          workers: int | None, memory: int, allow_hosts: tuple[str, ...], cors_origins: tuple[str, ...], public: bool):
    """Serve the store read-only over HTTP: a SPARQL 1.1 endpoint at /sparql, the query page at /,
    a page (or RDF) for every IRI at /id/…, and the ontology at /ontology.

    Queries run in worker processes that open the store read-only, so `kg ingest` may hold it
    meanwhile (restart the server to see what it added).
    """
    import os

    from kg.serve.app import make_app, run
    from kg.serve.security import LOOPBACK, is_loopback

    hosts = LOOPBACK + tuple(h.lower().strip("[]") for h in allow_hosts)
    if not is_loopback(host):
        if not public:
            raise click.UsageError(f"--host {host} is reachable from other machines: add --public to serve there")
        err.print(f"[yellow]warning:[/yellow] kg serve listens on {host}: whoever reaches this machine can read the "
                  f"store (requests must name it in their Host header: {', '.join(hosts)})")
        hosts += (host.lower().strip("[]"),)
    if endpoint is None and not store_dir.exists():
        err.print(f"[red]error:[/red] {store_dir}: no store here; run `kg ingest --store {store_dir} PATH…` first")
        sys.exit(1)
    _one_source(endpoint)  # each worker checks the endpoint when it starts
    workers = workers or min(4, os.cpu_count() or 1)
    try:
        app = make_app(store_dir, timeout=timeout, max_rows=max_rows, workers=workers, endpoint=endpoint,
                       memory=memory or None, hosts=hosts, origins=cors_origins)
    except KgError as e:
        _fail(e)
    source = f"endpoint {endpoint}" if endpoint else f"store {store_dir}"

    def ready(url: str) -> None:
        cap = f", {memory} MiB each" if memory else ""
        out.print(f"kg serve: {url} (SPARQL endpoint {url}sparql; {source}, {workers} + 1 workers{cap}, "
                  f"{timeout:g} s per query, at most {max_rows} rows) — Ctrl-C stops", markup=False)
        sys.stdout.flush()

    try:
        run(app, host, port, threads=app.runner.size + 6, on_ready=ready)
    except OSError as e:
        err.print(f"[red]error:[/red] cannot listen on {host}:{port} ({e.strerror or e})")
        sys.exit(1)
    finally:
        app.close()


# ---------------------------------------------------------------- viz

@main.command()
@store_option
@endpoint_option
@click.option("--policy", metavar="DOCNO", help="A policy: a number in any spelling (同办字[2019]116号) or part of a title.")
@click.option("--unit", metavar="NAME", help="Units whose name contains NAME (or a unit IRI).")
@click.option("--issuer", metavar="CODE", help="Policies whose issuer code starts with CODE (晋财), or an organ's name.")
@click.option("--year", type=int, help="Only the projects of this fiscal year (alone: the graph around them).")
@click.option("--depth", type=click.IntRange(min=0), default=2, show_default=True,
              help="Hops (either direction) from what the filters match.")
@click.option("--indicators", is_flag=True, help="Add each project's performance indicators (绩效指标).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The file to write: .html (interactive page), .gexf, .graphml, .svg or .png.")
def viz(store_dir: Path, endpoint: str | None, policy: str | None, unit: str | None, issuer: str | None,
        year: int | None, depth: int, indicators: bool, output: Path):
    """Draw the graph of policies, projects, units and issuers (whole, or around a policy, unit, issuer or year)."""
    from kg.visualise import build_network, summary, write, writer

    if endpoint is None and not store_dir.is_dir():
        err.print(f"[red]error:[/red] {store_dir}: no store here; run `kg ingest --store {store_dir} PATH…` first")
        sys.exit(1)
    try:
        writer(output)
        with _read(store_dir, endpoint, read_only=True) as store:
            g = build_network(store, policy=policy, unit=unit, issuer=issuer, year=year, depth=depth,
                              indicators=indicators)
        write(g, output)
    except KgError as e:
        _fail(e)
    out.print(f"{summary(g)} → {output}", markup=False)


# ---------------------------------------------------------------- repair

@main.command()
@store_option
def repair(store_dir: Path):
    """Mend a store after a crash (kill -9, power cut): remove documents whose ingest was cut short, link
    the documents the link stage had not seen, rebuild the entities graph; say what was fixed."""
    from kg.repair import repair as run

    try:
        with _open(store_dir) as store:
            report = run(store)
    except KgError as e:
        _fail(e)
    for line in report.lines():
        out.print(line, markup=False)


# ---------------------------------------------------------------- demo

@main.command()
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Build the demo store here (default: a temporary directory).")
def demo(store_dir: Path | None):
    """Build a store from the bundled sample (data/sample) and trace a policy through it."""
    from kg.pipeline import ingest as run
    from kg.store import Store
    from kg.trace import trace as run_trace

    with tempfile.TemporaryDirectory(prefix="kg-demo-") as tmp:
        target = store_dir or Path(tmp) / "store"
        try:
            with Store(target) as store:
                report = run([SAMPLE], store)
                out.print(f"ingested {report.summary()} → {target}")
                for name, reason in report.failed:
                    err.print(f"[red]error:[/red] {name}: {reason}")
                out.print(f"\n$ kg trace {DEMO_POLICY}")
                print_trace(run_trace(store, DEMO_POLICY))
        except KgError as e:
            _fail(e)
        if report.failed:
            sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
