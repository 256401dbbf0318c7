"""Embedded policy documents → records: number, title, issuer, date, recipients, and what they cite.

What a document cites is read from its own text (its body, not its attachment note nor its
imprint), paragraph by paragraph (a paragraph the page cut is read whole):

- "现将《X》(N)转发给你们": it forwards N;
- "根据《X》(N)和《Y》(M)…" in its opening paragraph: it is based on N and M;
- any other number or title: it cites it.

A title the document gives itself ("以下简称《部门目录》", or a title its own title contains) is not
a citation; nor is its own number.

>>> from kg.read.text import lines_from_text
>>> from kg.segment.embedded_docs import find_embedded
>>> text = '''某市农业局文件
... 某农〔2020〕9号
... 某市农业局关于转发春耕检查办法的通知
... 各县农业局:
... 根据《种子条例》(某政发〔2019〕3号)，现将《某省春耕检查办法》(某农发〔2020〕7号)转发给你们。
... 检查时参照《农机手册》。
... 某市农业局办公室
... 2020年3月9日印发'''
>>> (doc,) = embedded_documents("x.txt", find_embedded(lines_from_text(text)))
>>> doc.docno, doc.issuer, str(doc.date), doc.recipients
('某农〔2020〕9号', '某市农业局', '2020-03-09', '各县农业局')
>>> [(c.relation, c.target) for c in doc.cites]
[('basedOn', '某政发〔2019〕3号'), ('forwards', '某农发〔2020〕7号'), ('cites', '农机手册')]
"""

from __future__ import annotations

import datetime
import re
from dataclasses import replace

from kg.extract.catalogue import unwrap
from kg.extract.citations import _ref
from kg.extract.references import find_references
from kg.model import EmbeddedDocument, Line, PolicyCite, Span
from kg.policy.docno import iter_docnos
from kg.segment.embedded_docs import DATE, EmbeddedSpan, compact
from kg.segment.lines import text_of
from kg.segment.sections import heading

SECTION = "收录文件"  # the section name a cite's reference carries
FORWARD = re.compile(r"现将(?P<what>.+?)转发")
BASIS = re.compile(r"根据|依据|按照|依照")
CLAUSE_END = re.compile(r"[,，;；。:：]")
ALIAS = re.compile(r"以下简称\s*[《“\"]?(?P<alias>[^》”\")）]+)")
_PARAGRAPH_END = ("。", "：", ":", "；", ";", "！", "!", "？", "?")


def _date(line: Line | None) -> datetime.date | None:
    m = DATE.search(compact(line)) if line is not None else None
    if not m:
        return None
    try:
        return datetime.date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    except ValueError:
        return None


def _paragraphs(body: list[Line]) -> list[list[Line]]:
    """Body lines grouped into paragraphs: a line that does not end a sentence runs on into the next
    (a page break cut it), unless it is a heading."""
    out: list[list[Line]] = []
    for line in body:
        run_on = out and not heading(out[-1][-1]) and not heading(line) and not compact(out[-1][-1]).endswith(_PARAGRAPH_END)
        if run_on:
            out[-1].append(line)
        else:
            out.append([line])
    return out


def _cites(file: str, span: EmbeddedSpan, docno: str | None, title: str | None) -> list[PolicyCite]:
    found: list[PolicyCite] = []
    aliases: set[str] = set()
    for p, para in enumerate(_paragraphs(span.body)):
        texts = ["".join(l.tokens) for l in para]
        text = "".join(texts)
        starts = [sum(len(t) for t in texts[:k]) for k in range(len(texts))]
        aliases |= {unwrap(m.group("alias")) for m in ALIAS.finditer(text)}
        refs = find_references(text)
        forwarded = [m.span("what") for m in FORWARD.finditer(text)]
        basis = _basis_clauses(text, refs) if p == 0 else []
        for r in refs:
            if r.docno is not None and r.docno == docno:
                continue
            if any(a <= r.start < b for a, b in forwarded):
                relation = "forwards"  # even when its own title names it (关于转发《X》的通知)
            elif r.docno is None and r.title and (r.title in aliases or (title and r.title in title)):
                continue  # what it issues: its own title, or the short name it gives itself
            elif any(a <= r.start < b for a, b in basis):
                relation = "basedOn"
            else:
                relation = "cites"
            k = max(i for i, s in enumerate(starts) if s <= r.start)
            line_span = para[k].span(file, texts[k])
            ref = _ref(r, SECTION, replace(line_span, text=text), None)  # offsets are the paragraph's
            found.append(PolicyCite(relation, r.docno or r.title or r.raw, line_span, ref))
    # once per target and relation; a target forwarded or based on is not also listed as cited
    strong = {c.target for c in found if c.relation != "cites"}
    out: list[PolicyCite] = []
    seen: set[tuple[str, str]] = set()
    for c in found:
        if (c.relation, c.target) in seen or (c.relation == "cites" and c.target in strong):
            continue
        seen.add((c.relation, c.target))
        out.append(c)
    return out


def _basis_clauses(text: str, refs) -> list[tuple[int, int]]:
    """Spans of "根据《X》(N)和《Y》(M)等有关规定": from the word to the first clause mark outside a reference."""
    inside = [(r.start, r.end) for r in refs]
    out = []
    for m in BASIS.finditer(text):
        end = len(text)
        for c in CLAUSE_END.finditer(text, m.end()):
            if not any(a <= c.start() < b for a, b in inside):
                end = c.start()
                break
        out.append((m.start(), end))
    return out


def embedded_document(file: str, span: EmbeddedSpan) -> EmbeddedDocument:
    number = text_of(span.number) if span.number is not None else ""
    found = next(iter_docnos(number), None)
    docno = found[2].canonical if found else None
    raw = number[found[0]:found[1]] if found else None
    title = unwrap("".join(text_of(l) for l in span.title)) or None
    recipients = unwrap(text_of(span.recipients)).rstrip(":：") if span.recipients is not None else None
    dated = span.signed if _date(span.signed) else span.printed
    header = span.header.span(file, f"{text_of(span.header)} {number}".strip())
    cat = span.catalogue
    return EmbeddedDocument(
        docno=docno, title=title, issuer=span.issuer, date=_date(dated), recipients=recipients or None,
        span=header, lines=(span.first, span.last), cites=_cites(file, span, docno, title), raw_docno=raw,
        date_span=dated.span(file) if dated is not None else None,
        catalogue=unwrap(text_of(cat.title)) if cat is not None and cat.title is not None else None,
        catalogue_span=_catalogue_span(file, cat),
    )


def _catalogue_span(file: str, cat) -> Span | None:
    if cat is None:
        return None
    return (cat.title or cat.lines[0]).span(file)


def embedded_documents(file: str, spans: list[EmbeddedSpan]) -> list[EmbeddedDocument]:
    """The records of the embedded documents found by :func:`kg.segment.embedded_docs.find_embedded`."""
    return [embedded_document(file, s) for s in spans]
