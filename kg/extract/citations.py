"""Policy citations of a document: where each one stands, and whether it justifies a project.

A document number or 《title》 in a project's 立项依据 justifies the project; anywhere else in its
KPI table (项目概况, 保证项目实施的制度、措施 …) the project only mentions it; in the narrative
the document mentions it. Titles are read in the KPI tables and the 说明 part only — the 概况
part names publications (《大同市人民政府公报》) that are not policies — while numbers are read
everywhere except the glossary.
"""

from __future__ import annotations

from dataclasses import replace

from kg.extract.ocr_text import FOREIGN, crosses_chunks, garbled, lexicon, readable_title
from kg.extract.references import FoundRef, find_references_in
from kg.model import KpiTable, Line, PolicyRef, Project, Section, Span
from kg.policy.basis import approval_note

BASIS = "立项依据"
PROJECT_FIELDS = ("立项依据", "项目概况", "项目设立必要性", "保证项目实施的制度、措施", "项目实施计划", "实施方案")
NO_TITLES_PARTS = ("第一部分",)
SKIP_PARTS = ("第四部分",)


def _ref(f: FoundRef, section: str, span: Span, project: int | None) -> PolicyRef:
    return PolicyRef(
        raw=f.raw, docno=f.docno, title=f.title, section=section, span=span,
        issuer_code=f.issuer_code, year=f.year, serial=f.serial, issuer_text=f.issuer_text,
        raw_docno=f.raw_docno, project=project, approval=approval_note(span.text[f.end:]),
    )


def project_citations(file: str, index: int, kpi: KpiTable) -> list[PolicyRef]:
    """The citations of one project's KPI table (see :func:`all_citations`, which reads every project's at once)."""
    return _project_refs([(index, kpi)])


def _project_refs(kpis: list[tuple[int, KpiTable]]) -> list[PolicyRef]:
    """The citations of the projects' KPI tables ((project index, table), …): in each, field by field
    (:data:`PROJECT_FIELDS`), then the numbers of its goals; every text through the pipeline in one pass."""
    todo: list[tuple[int, str, Span, str, bool]] = []  # project, section, span, text, numbers only
    for index, kpi in kpis:
        for field in PROJECT_FIELDS:
            text = kpi.fields.get(field)
            if not text:
                continue
            todo.append((index, field, replace(kpi.field_spans.get(field) or kpi.span, text=text), text, False))
        for goal in kpi.goals.values():
            todo.append((index, "总体目标", replace(kpi.span, text=goal), goal, True))
    out: list[PolicyRef] = []
    for (index, section, span, _, numbers), found in zip(todo, find_references_in([t[3] for t in todo])):
        out.extend(_ref(f, section, span, index) for f in found if f.docno or not numbers)
    return out


def narrative_citations(file: str, sections: list[Section], skip: set[int]) -> list[PolicyRef]:
    """Citations in the narrative (every line not inside a KPI or budget table), found in one pass of
    the pipeline over all its lines."""
    todo: list[tuple[Section, Line, str]] = []
    for sec in sections:
        if sec.part in SKIP_PARTS:
            continue
        for line in [sec.heading, *sec.lines]:
            if line.no in skip or line.noise or not line.tokens:
                continue
            todo.append((sec, line, "".join(line.tokens)))
    out: list[PolicyRef] = []
    for (sec, line, text), found in zip(todo, find_references_in([t for _, _, t in todo])):
        for f in found:
            if f.docno is None and sec.part in NO_TITLES_PARTS:
                continue
            out.append(_ref(f, sec.title, _span(file, line, text), None))
    return out


def _span(file: str, line: Line, text: str) -> Span:
    return line.span(file, text)


def all_citations(file: str, projects: list[Project], sections: list[Section], skip: set[int]) -> list[PolicyRef]:
    refs = _project_refs([(i, p.kpi) for i, p in enumerate(projects) if p.kpi is not None])
    refs.extend(narrative_citations(file, sections, skip))
    return _readable(refs, projects)


def _readable(refs: list[PolicyRef], projects: list[Project]) -> list[PolicyRef]:
    """Titles cited without a number in a field OCR printed over several cells: kept when they read as
    titles, put right when the document prints them readably elsewhere, else left out — with a note
    on the project's KPI table (:func:`kg.extract.ocr_text.readable_title`)."""
    clean = sorted({t for r in refs if r.title for t in (r.title, FOREIGN.sub("", r.title)) if garbled(t) is None})
    counts = lexicon([v for p in projects if p.kpi for v in p.kpi.fields.values()])
    out = []
    for r in refs:
        kpi = projects[r.project].kpi if r.project is not None else None
        if r.docno or not r.title or kpi is None or r.section not in kpi.chunked:
            out.append(r)
            continue
        if r.section in kpi.scrambled and crosses_chunks(r.title, kpi.scrambled[r.section]):
            kpi.notes.append(f"{r.section}: title '{r.title}' left out: it runs into a cell holding two "
                             "wrapped lines whose order is lost")
            continue
        same_field = {x.title for x in refs if x.project == r.project and x.section == r.section}
        title, note = readable_title(r.title, [c for c in clean if c not in same_field], counts)
        if note:
            kpi.notes.append(f"{r.section}: {note}")
        if title is not None:
            out.append(replace(r, title=title) if title != r.title else r)
    return out


def role(ref: PolicyRef) -> str:
    """'justifiedBy' for a project's legal basis, else 'mentions'."""
    return "justifiedBy" if ref.project is not None and ref.section == BASIS else "mentions"
