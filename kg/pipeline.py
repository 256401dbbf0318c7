"""The one place that chains the stages: read → segment → extract → map → store.

>>> import kg
>>> ex = extract_file(kg.SAMPLE / "demo-001_示范市数据服务中心_2025.txt")
>>> ex.document.unit_name, ex.document.year, len(ex.projects)
('示范市数据服务中心', 2025, 3)
"""

from __future__ import annotations

import functools
import hashlib
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from rdflib import Literal, URIRef

from kg import iri
from kg.errors import KgError, ParseError
from kg.extract.arithmetic import arithmetic_findings
from kg.extract.readings import choose_readings, uncertain_figures
from kg.extract.budget_lines import budget_lines
from kg.extract.catalogue import catalogue_items, followed_catalogues
from kg.extract.citations import all_citations
from kg.extract.completeness import account, stray_figure_lines
from kg.extract.document import document_info, subunit_names, unit_info
from kg.extract.embedded_docs import embedded_documents
from kg.extract.kpi import parse_kpi
from kg.extract.kpi_merge import merge_continued, merge_tables
from kg.extract.matching import ROUNDING, amount_evidence, best_amount, best_name, match, name_similarity, score
from kg.extract.mentions import headings, unit_mentions
from kg.extract.narrative import narrative_lines, projects_with_targets
from kg.extract.narrative_facts import narrative_facts, narrative_sections
from kg.extract.project_pages import page_findings, parse_project_page
from kg.extract.projects import project_rows
from kg.extract.redact import people, redact_triples, summary as redaction_summary
from kg.link import link_store
from kg.model import Extraction, Finding, KpiTable, Line, Project, Section, SourceDoc, Table
from kg.map import GRAPH_VERSION, Mapped, map_extraction
from kg.procs import trim_heap
from kg.queries import indexed_queries
from kg.read import read, walk
from kg.read.limits import LIBRARY, Limits, check_file, memory_limit
from kg.store import Encoded, Store, document_answers, encode, reference_files
from kg.vocab import BK
from kg.segment.embedded_docs import embedded_line_numbers, find_embedded
from kg.segment.kpi_blocks import find_kpi_blocks
from kg.segment.project_pages import find_project_pages
from kg.segment.contents import Contents, read_contents
from kg.segment.sections import listed_heading_keys, sections
from kg.segment.tables import UNKNOWN, find_tables, title_key


def _part_range(secs: list[Section], lines: list[Line], part: str) -> tuple[int, int] | None:
    """Index range of a part's lines in ``lines``."""
    index = {id(l): i for i, l in enumerate(lines)}
    heads = [s for s in secs if s.part == part]
    if not heads:
        return None
    start = index[id(heads[0].heading)]
    after = [s for s in secs if index[id(s.heading)] > start and s.part != part]
    end = index[id(after[0].heading)] if after else len(lines)
    return start, end


def segment_tables(source: SourceDoc, secs: list[Section], contents: Contents) -> list[Table]:
    """The budget tables: those of the tables part (第二部分) when the document heads one, else of
    the body after the contents; titles the contents list are recognised too, and a listed table
    printed outside the tables part is looked for in the whole body."""
    lines = source.lines
    listed = {title_key(e.title): e.kind or UNKNOWN for e in contents.tables}
    body = lines[contents.end:]
    rng = _part_range(secs, lines, "第二部分")
    tables = find_tables(lines[rng[0]:rng[1]] if rng else body, listed)
    missing = {k: v for k, v in listed.items() if k not in {title_key(t.title) for t in tables}}
    if rng and missing:
        seen = {t.title_line.no for t in tables}
        extra = [t for t in find_tables(body, missing) if title_key(t.title) in missing and t.title_line.no not in seen]
        if extra:
            tables = sorted(tables + extra, key=lambda t: t.title_line.no)
            for n, t in enumerate(tables, start=1):
                t.index = n
    return tables


def kpi_region(source: SourceDoc, secs: list[Section]) -> list[Line]:
    perf = [s for s in secs if "绩效" in s.title and s.part != "附件"]
    if perf:
        return [l for s in perf for l in s.lines]
    rng = _part_range(secs, source.lines, "第三部分")
    return source.lines[rng[0]:rng[1]] if rng else []


def extract(source: SourceDoc, keep_personal: bool = False) -> Extraction:
    """Everything one document says, as records with provenance."""
    file = source.name
    contents = read_contents(source.lines)
    toc_start, toc_end = contents.start, contents.end
    listed = [e.title for e in contents.entries if e.kind is None or e.kind == "project_pages"]
    secs = sections(source.lines, toc_end, listed_heading_keys(listed))
    tables = segment_tables(source, secs, contents)
    blocks = find_kpi_blocks(kpi_region(source, secs))
    kpis = merge_continued([parse_kpi(b, file, keep_personal) for b in blocks])
    pages = find_project_pages(source.lines[toc_end:])
    kpis += [parse_project_page(b, file) for b in pages]
    if not tables and not kpis:
        raise ParseError("not a budget disclosure: no budget tables and no performance-target tables found", file=file)
    doc, printed = document_info(source, toc_start, tables)
    known = {doc.unit_name, printed, *(t.unit_name for t in tables if t.unit_name)}
    rows, notes = project_rows(tables, file, known, department_doc=doc.kind.startswith("部门"))
    projects, unmatched = settle(match(rows, kpis), rows)
    for n, p in enumerate(projects, start=1):
        if p.row is not None:
            p.row.seq = n
    unit = unit_info(doc, printed, tables, kpis, secs, subunit_names(rows))
    skip = {l.no for b in blocks for l in b.preamble + b.lines}
    skip |= {l.no for t in tables for l in [t.title_line, *t.header, *t.rows]}
    skip |= {l.no for b in pages for l in b.lines}
    embedded = find_embedded(source.lines)  # policy documents it reproduces: what they cite is theirs
    skip |= embedded_line_numbers(embedded)
    lines = budget_lines(tables, file) + narrative_lines(file, secs, skip)
    refs = all_citations(file, projects, secs, skip)
    ex = Extraction(
        source=source, document=doc, unit=unit, tables=tables, budget_lines=lines, projects=projects,
        references=refs, notes=notes + source.notes, stated_targets=projects_with_targets(file, secs),
    )
    if not lines and not projects:
        raise ParseError(
            f"not a budget disclosure: its {len(tables)} table(s) print no figure and it has no projects", file=file
        )
    chosen = choose_readings(lines, tables)  # figures OCR was unsure of: the reading the sums agree with
    ex.findings = (amount_findings(projects) + page_findings(projects) + unmatched + arithmetic_findings(lines, tables)
                   + uncertain_figures(lines, chosen))
    ex.embedded, ex.catalogue = embedded_documents(file, embedded), catalogue_items(file, embedded)
    ex.follows_catalogues = followed_catalogues(file, secs, skip)
    ex.facts = narrative_facts(file, secs, skip, lines)
    ex.headings = headings(file, secs, contents.entries)
    ex.unit_mentions = unit_mentions(file, secs, tables, narrative_sections(secs))
    skip |= {l.no for l in source.lines[toc_start:toc_end]}
    ex.completeness = account(
        file, contents, tables, lines, rows, source.lines[toc_end:], kpi_tables=len(blocks),
        project_pages=len(pages), projects_declared=ex.stated_targets[0] if ex.stated_targets else None,
        stray=stray_figure_lines(source.lines, skip),
    )
    return ex


def settle(projects: list[Project], rows) -> tuple[list[Project], list[Finding]]:
    """Keep a KPI table that matched no row as a project of its own only when its name is readable and
    no row resembles it; otherwise report it and leave it out (never guess which project it is).

    A table that agrees in name and amount with a row another table already took is that table
    printed again (OCR'd documents repeat pages): it is merged into it. A match that rests on
    something else than the printed 项目名称 and 年度资金总额 is recorded as an info finding.
    """
    kept, found, left = [], [], []
    for p in projects:
        (kept if p.row is not None else left).append(p)
    for p in left:
        k = p.kpi
        twin = max(
            (q for q in kept if q.row is not None and q.kpi is not None and score(k, q.row) > 0 and not _conflict(k, q.kpi)),
            key=lambda q: score(k, q.row), default=None,
        )
        if twin is not None:
            merge_tables(twin.kpi, k, "printed again")
            continue
        similar = max((name_similarity(k.project_name, r.name) for r in rows), default=0.0)
        if readable_name(k.project_name) and similar < 0.6:
            kept.append(p)
            continue
        found.append(Finding(
            check_id="kpi-unmatched", severity="warning",
            message=f"绩效目标表 at {_lines(k)} is left out: {_unmatched_reason(k, rows)}",
            span=k.span, actual=k.annual_total,
        ))
    found.extend(_evidence_findings(kept))
    return kept, found


def _conflict(a, b) -> bool:
    """Two tables whose 年度资金总额 are both read and differ are two projects, not one printed twice."""
    return a.annual_total is not None and b.annual_total is not None and a.annual_total != b.annual_total


def _unmatched_reason(k, rows) -> str:
    figures = "; ".join(f"{what} {v:,}" for what, v, _ in amount_evidence(k)) or "no figure of its 年度 money can be read"
    closest = max(rows, key=lambda r: name_similarity(k.project_name, r.name), default=None)
    if not readable_name(k.project_name):
        name = f"its project name cannot be read ('{k.project_name}')"
        if closest is not None and best_amount(k, closest)[0] == 0:
            return f"{name}, and its figures ({figures}) agree with no project it could be"
        return f"{name}; its figures: {figures}"
    like = f" (closest name: '{closest.name}', {closest.amount:,} 元)" if closest is not None else ""
    return f"its figures ({figures}) agree with no project named like '{k.project_name}'{like}"


def _evidence_findings(projects: list[Project]) -> list[Finding]:
    out = []
    for i, p in enumerate(projects):
        if p.row is None or p.kpi is None:
            continue
        k = p.kpi
        a, what = best_amount(k, p.row)
        n, how = best_name(k, p.row)
        if what == "年度资金总额" and how == "项目名称":
            continue
        parts = []
        if what != "年度资金总额":
            total = "cannot be read" if k.annual_total is None else f"reads {k.annual_total:,}"
            parts.append(f"its {what} figure agrees with the row's {p.row.amount:,} 元 (its 年度资金总额 {total})")
        if how != "项目名称":
            parts.append(f"the row's name is written in its text (its 项目名称 reads '{k.project_name}')")
        out.append(Finding(
            check_id="kpi-match-evidence", severity="info",
            message=f"绩效目标表 at {_lines(k)} is matched to '{p.row.name}': " + "; ".join(parts),
            span=k.span, expected=p.row.amount, actual=k.annual_total, project=i,
        ))
    return out


def _lines(k: KpiTable) -> str:
    """Where a KPI table is: "lines 433-467" in a text, "page 12" in a PDF."""
    return k.span.where if k.span.page is not None else f"lines {k.lines[0]}-{k.lines[1]}"


def readable_name(name: str) -> bool:
    """A project name worth a node: at least four Chinese characters, mostly Chinese."""
    cjk = sum(1 for ch in name if "\u4e00" <= ch <= "\u9fff")
    return cjk >= 4 and cjk >= 0.6 * len(name.replace(" ", ""))


def amount_findings(projects: list[Project]) -> list[Finding]:
    """A project whose KPI table states another amount than its table row: both are kept, and this records it."""
    out = []
    for i, p in enumerate(projects):
        if p.row is None or p.kpi is None or p.kpi.annual_total is None:
            continue
        diff = p.kpi.annual_total - p.row.amount
        if diff == 0:
            continue
        severity = "info" if abs(diff) <= ROUNDING else "warning"
        out.append(Finding(
            check_id="project-kpi-amount", severity=severity,
            message=(
                f"项目支出预算表 gives {p.row.amount:,} 元 for '{p.row.name}' ({p.row.span.where}); "
                f"its 绩效目标表 gives {p.kpi.annual_total:,} 元 ({p.kpi.span.where})"
            ),
            span=p.kpi.span, expected=p.row.amount, actual=p.kpi.annual_total, project=i,
        ))
    return out


def extract_file(path: str | Path, keep_personal: bool = False, ocr: str = "auto") -> Extraction:
    return extract(read(path, ocr=ocr), keep_personal=keep_personal)


def project_total(ex: Extraction) -> Decimal:
    return sum((p.row.amount for p in ex.projects if p.row is not None), Decimal(0))


# ---------------------------------------------------------------- map → store

@dataclass
class IngestReport:
    """What one ``ingest`` run did."""

    documents: int = 0
    projects: int = 0
    indicators: int = 0
    references: int = 0
    triples: int = 0
    seconds: float = 0.0
    ocr_pages: int = 0  # pages read by OCR
    ocr_seconds: float = 0.0  # spent rendering and recognising them (summed over the workers)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    incomplete: list[tuple[str, list[str]]] = field(default_factory=list)  # (file, what is missing), stored
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (file, the stored file with its content)
    unchanged: int = 0  # stored already with the same content: skipped
    reread: int = 0  # stored with the same content by an earlier graph version (kg.map.GRAPH_VERSION): read again
    stored: list[str] = field(default_factory=list)  # the file names (bk:sourceFile) of the documents stored
    stages: dict[str, float] = field(default_factory=dict)  # seconds: hash, parse (waiting for it), store, link, flush
    cpu: dict[str, float] = field(default_factory=dict)  # the same stages' CPU seconds in this process (all threads)

    def summary(self) -> str:
        bad = f", {len(self.failed)} failed" if self.failed else ""
        complete = self.documents - len(self.incomplete)
        read = f" ({complete} complete, {len(self.incomplete)} incomplete)" if self.documents else ""
        dup = f", {len(self.duplicates)} duplicate(s) stored once" if self.duplicates else ""
        same = f", {self.unchanged} unchanged" if self.unchanged else ""
        same += f", {self.reread} read again (stored by an earlier version)" if self.reread else ""
        pages = f"{self.ocr_pages} page{'' if self.ocr_pages == 1 else 's'}"
        ocr = f"; {pages} read by OCR in {self.ocr_seconds:.1f} s" if self.ocr_pages else ""
        return (
            f"{self.documents} documents{read}{bad}{dup}{same}: {self.projects} projects, {self.indicators} indicators, "
            f"{self.references} policy references, {self.triples} triples in {self.seconds:.1f} s{ocr}"
        )


class Clock:
    """Where an ingest spends its time: wall-clock and this process's CPU seconds (all its threads:
    Oxigraph loads and compacts in threads of its own) per stage, one stage at a time."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.stage: str | None = None
        self.since = (0.0, 0.0)

    def start(self, stage: str | None) -> None:
        """End the stage running, if any, and start ``stage`` (None: none)."""
        now = (time.perf_counter(), time.process_time())
        if self.stage is not None:
            self.wall[self.stage] = self.wall.get(self.stage, 0.0) + now[0] - self.since[0]
            self.cpu[self.stage] = self.cpu.get(self.stage, 0.0) + now[1] - self.since[1]
        self.stage, self.since = stage, now


def load_reference_data(store: Store) -> int:
    """(Re)load the reference data into their graphs."""
    return sum(store.load_reference(URIRef(g), *paths) for g, paths in reference_files().items())


@dataclass
class Parsed:
    """One document read, extracted, mapped and encoded for the store (in a worker process)."""

    path: Path
    encoded: Encoded | None = None
    reason: str | None = None  # why it failed
    projects: int = 0
    indicators: int = 0
    references: int = 0
    sha256: str = ""
    problems: list[str] = field(default_factory=list)  # why it was read incompletely
    warnings: list[str] = field(default_factory=list)  # stored, but with a doubt (control characters removed …)
    redacted: str = ""  # what personal data was redacted, in words
    ocr_pages: int = 0  # pages read by OCR
    ocr_seconds: float = 0.0  # and the time it took


def parse_file(path: Path, keep_personal: bool = False, data: bytes | None = None, limits: Limits | None = LIBRARY,
               ocr: str = "auto") -> Parsed:
    """Read, extract, map and encode one document (from ``data``, its bytes, when given: see
    :func:`kg.read.read`), within ``limits`` (size, pages), reading ``ocr`` pages by OCR (as
    :func:`kg.read.read` says); personal data is redacted from every
    literal unless ``keep_personal`` (:mod:`kg.extract.redact`). A failure becomes a reason, never an
    exception."""
    try:
        ex = extract(read(path, data, limits, ocr), keep_personal=keep_personal)
        m = map_extraction(ex)
        graphs, contrib, found = private(m, keep_personal)
        encoded = encode(m.file, graphs, contrib, ex.source.sha256, str(path))
        encoded.version = GRAPH_VERSION
        encoded.answers = document_answers(encoded, indexed_queries(), reference_files())
    except KgError as e:
        return Parsed(path, reason=e.message)
    except MemoryError:
        cause = f"ran out of its {limits.memory} MiB memory limit" if limits and limits.memory else "ran out of memory"
        return Parsed(path, reason=memory_limit(cause))
    except Exception as e:  # a bug must not lose the batch either; say what it was
        return Parsed(path, reason=f"unexpected error ({type(e).__name__}: {e})")
    return Parsed(
        path, encoded, projects=len(ex.projects), references=len(ex.references),
        indicators=sum(len(p.kpi.indicators) for p in ex.projects if p.kpi), sha256=ex.source.sha256,
        problems=list(ex.completeness.problems) if ex.completeness else [],
        warnings=ex.source.warnings + empty_tables(ex), redacted=redaction_summary(found),
        ocr_pages=len(ex.source.ocr_pages), ocr_seconds=ex.source.ocr_seconds,
    )


def private(m: Mapped, keep_personal: bool):
    """The document's graphs and contribution with control characters and (unless ``keep_personal``)
    personal data out of every literal, the document's count of what was redacted recorded on it
    (``bk:personalDataRedacted``); and what was found."""
    found: set = set()
    graphs = {g: redact_triples(ts, found, keep_personal) for g, ts in m.graphs().items()}
    contrib = redact_triples(m.contrib, found, keep_personal)
    if people(found):
        graphs[m.doc].append((m.doc, BK.personalDataRedacted, Literal(people(found))))
    return graphs, contrib, found


def empty_tables(ex: Extraction) -> list[str]:
    """A warning when the document's budget tables are all empty (stored for its projects alone)."""
    if ex.tables and not any(line.table_index for line in ex.budget_lines):  # narrative lines have no table
        return [f"its {len(ex.tables)} budget table(s) print no figure: only its projects and targets are stored"]
    return []


#: documents handed to a cluster's workers ahead of the one being stored, per worker (kg.cluster)
AHEAD = 4


def _parsed(files: list[Path], keep_personal: bool, jobs: int, limits: Limits = LIBRARY, ocr: str = "auto",
            ) -> Iterator[Parsed | None]:
    """Parse documents: in worker processes (:mod:`kg.parsepool`) when there are ``jobs`` > 1 or
    ``limits`` need one (time, memory), each yielded when it is ready (None: nothing ready yet);
    else here, in order. ``ocr``: which PDF pages are read by OCR (:func:`kg.read.read`)."""
    if limits.isolated or (jobs > 1 and len(files) > 1):
        from kg import parsepool

        yield from parsepool.parsed(files, jobs, keep_personal, limits, functools.partial(parse_file, ocr=ocr), Parsed)
        return
    yield from (parse_file(f, keep_personal, limits=limits, ocr=ocr) for f in files)


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


#: a batch is stored when it holds this many documents or this many quads. Oxigraph's bulk loader holds
#: about 2 KiB a quad while it loads, and smaller loads cost no more compaction: 60,000 quads are about 8
#: documents (README, At scale: "Where the writer's CPU goes at 10,000 documents, and the load size")
BATCH_DOCUMENTS = 32
BATCH_QUADS = 60_000
#: the link stage runs once this many documents are stored and not linked (and at the end): what it holds in
#: memory is a chunk's projects, units and titles, not a whole run's (at 10,000 documents in one go: 4.9 GiB). It
#: grows with the chunk (re-linking the last 128, 256, 512 documents of a 1,000-document store: 145, 217, 317 MiB
#: at most, in 1.5, 3.6, 6.9 s); more chunks cost each stage's fixed part more often (1,000 documents: the link
#: stage 17.5–19.1 s in chunks of 128 against 12.6–14.7 in chunks of 512)
LINK_DOCUMENTS = 128


def _hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None  # the reader says why, with the file's name


def ingest(
    paths: list[str | Path],
    store: Store,
    keep_personal: bool = False,
    on_file: Callable[[Path, str | None], None] | None = None,
    jobs: int = 1,
    on_note: Callable[[Path, str, str], None] | None = None,
    strict: bool = False,
    force: bool = False,
    parser: Callable[[list[Path], bool], Iterator[Parsed]] | None = None,
    limits: Limits | None = None,
    ocr: str = "auto",
) -> IngestReport:
    """Read, extract, map and store every document under ``paths``.

    Documents are parsed in ``jobs`` processes and written to the store here, in batches, each as
    soon as it is parsed (so a long document holds no other back). ``limits``
    (:class:`kg.read.limits.Limits`, default :data:`kg.read.limits.LIBRARY`): the size and pages a
    document may have, and, when set, the seconds and memory its parsing may take (in a worker
    process of its own: :mod:`kg.parsepool`). A document over a limit fails. A document that fails is reported (``on_file(path, reason)``) and skipped;
    what is already stored stays. A document stored already with the same content is skipped
    (unless ``force``); one whose content is stored under another file name is not stored again:
    the name is recorded as an alias of the stored one (``on_note(path, "note", …)``). A document
    read incompletely (see :mod:`kg.extract.completeness`) is stored and reported through
    ``on_note(path, "warning", what is missing)``; with ``strict`` it fails instead. A document
    whose ingest a crash cut short is removed when the store is opened, and said here.

    ``parser(files, keep_personal)`` parses elsewhere (e.g. :meth:`kg.cluster.Cluster.parsed`): it
    yields a :class:`Parsed` for each file, in their order; by default ``jobs`` local processes do.
    A folder that cannot be read fails as a document would, naming the folder; personal data redacted
    and control characters removed are said through ``on_note``.
    ``ocr`` says which PDF pages are read by OCR (:func:`kg.read.read`); the report counts them.
    """
    started = time.perf_counter()
    report = IngestReport()
    limits = limits or LIBRARY
    files, unreadable = walk(paths)
    for folder, reason in unreadable:
        report.failed.append((str(folder), reason))
        if on_file:
            on_file(folder, reason)
    load_reference_data(store)
    for file, was in store.recovered:  # said once, by the first ingest after the open that found them
        if on_note:
            on_note(Path(was or file), "warning", "an earlier ingest of it was cut short: removed from the store, ingest it again")
    store.recovered = []
    todo: list[Path] = []
    seen: dict[str, str] = {}  # content hash → file, for this run
    clock = Clock()
    clock.start("hash")
    for f in files:
        try:
            check_file(f, limits)  # a file over the size limit is refused before it is read
        except KgError as e:
            report.failed.append((f.name, e.message))
            if on_file:
                on_file(f, e.message)
            continue
        sha = _hash(f)
        stored = store.stored_content(f.name) if sha is not None and not force else None
        if stored is not None and stored == sha:
            if store.stored_content(f.name, GRAPH_VERSION) is None:
                report.reread += 1  # unchanged, but read by an earlier version of the reading: read again
            else:
                report.unchanged += 1
                if on_file:
                    on_file(f, None)
                continue
        same = store.document_with_content(sha) or seen.get(sha) if sha is not None else None
        if same is not None and same != f.name:
            _alias(store, report, f, same, on_note, on_file, stored=same not in seen.values())
            continue
        if sha is not None:
            seen[sha] = f.name
        todo.append(f)
    changed: set[str] = set()  # the files this run stored and has not linked yet
    batch: list[Parsed] = []

    def link(more: list[str]) -> None:
        """The link stage (what is the same across documents, id:graph/links) for ``changed`` and ``more``."""
        clock.start("link")
        files = changed | set(more)
        if files:
            link_store(store, {str(iri.document(f)) for f in files})
        store.ledger.mark_linked(sorted(files))
        changed.clear()
        trim_heap()  # the stage's objects are gone: their pages too, before the next loads

    def flush() -> None:
        clock.start("store")
        try:
            store.store_documents([p.encoded for p in batch])
            reason = None
        except KgError as e:
            reason = e.message
        store.flush()  # what is stored is on disk: a crash leaves no write-ahead log to replay
        clock.start("parse")
        for p in batch:
            _stored(report, p, reason, on_file, on_note)
            if reason is None:
                changed.add(p.encoded.file)
        batch.clear()
        if len(changed) >= LINK_DOCUMENTS:
            link([])
            clock.start("parse")

    if parser is None:
        parse = lambda files, kp: _parsed(files, kp, jobs, limits, ocr)  # noqa: E731
    else:
        parse = parser if ocr == "auto" else (lambda files, kp: parser(files, kp, ocr=ocr))  # type: ignore[call-arg]
    clock.start("parse")  # with jobs > 1: waiting for the workers
    for parsed in parse(todo, keep_personal):
        if parsed is None:  # nothing parsed for a while: store what is ready
            if batch:
                flush()
            continue
        if on_note and parsed.encoded is not None:
            for warning in parsed.warnings:
                on_note(parsed.path, "warning", warning)
            if parsed.redacted:
                on_note(parsed.path, "note", parsed.redacted)
        problems = "; ".join(parsed.problems)
        if parsed.encoded is not None and strict and problems:
            parsed.reason, parsed.encoded = f"read incompletely (--strict): {problems}", None
        if parsed.encoded is None:
            report.failed.append((parsed.path.name, parsed.reason or "?"))
            if on_file:
                on_file(parsed.path, parsed.reason)
        else:
            batch.append(parsed)
            if len(batch) >= BATCH_DOCUMENTS or sum(len(p.encoded) for p in batch) >= BATCH_QUADS:
                flush()
    if batch:
        flush()
    link(store.ledger.unlinked())  # this run's last, and those of a run cut short before its link stage
    clock.start("flush")
    store.flush()
    clock.start(None)
    report.stages, report.cpu = clock.wall, clock.cpu
    report.seconds = time.perf_counter() - started
    return report


def _alias(store: Store, report: IngestReport, path: Path, same: str, on_note, on_file, stored: bool) -> None:
    """``path`` holds the content of ``same``: recorded as its alias (now, or when it is stored)."""
    if stored:
        store.add_alias(same, path.name)
    else:
        store.ledger.add_alias(path.name, same)  # written with the document's graph when it is stored
    report.duplicates.append((path.name, same))
    if on_note:
        on_note(path, "note", f"the same content as {same}, already stored: recorded as its alias, not stored twice")
    if on_file:
        on_file(path, None)


def _stored(report: IngestReport, p: Parsed, reason: str | None, on_file, on_note) -> None:
    if reason:
        report.failed.append((p.path.name, reason))
    else:
        report.documents += 1
        report.stored.append(p.encoded.file)
        report.projects += p.projects
        report.indicators += p.indicators
        report.references += p.references
        report.triples += len(p.encoded)
        report.ocr_pages += p.ocr_pages
        report.ocr_seconds += p.ocr_seconds
        if p.problems:
            report.incomplete.append((p.path.name, p.problems))
            if on_note:
                on_note(p.path, "warning", "; ".join(p.problems))
    if on_file:
        on_file(p.path, reason)
