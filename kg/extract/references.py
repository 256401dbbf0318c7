"""Policy references in free text: the API the rest of budget-kg calls.

``find_references`` runs the spaCy pipeline of ``kg.extract.nlp`` (loaded once and cached) and
returns what its last component assembled from the entities: numbered documents, decrees and
titles, paired when they are written together, with the organ named before them.

>>> [(r.kind, r.docno, r.title) for r in find_references("晋财库[2017]41号《山西省财政厅关于推进全省部门决算网络版系统建设的通知》")]
[('docno', '晋财库〔2017〕41号', '山西省财政厅关于推进全省部门决算网络版系统建设的通知')]
>>> [(r.raw_docno, r.docno) for r in find_references("国务院令492号,省政府令237号对政府公报的规定。")]
[('国务院令492号', '国务院令第492号'), ('省政府令237号', '省政府令第237号')]
>>> ref, = find_references("大同市云冈区人民政府办公室文件 云政办发[2019]116号")
>>> ref.issuer_text, ref.issuer_code, ref.year, ref.serial
('大同市云冈区人民政府办公室', '云政办发', 2019, 116)
"""

from __future__ import annotations

import re

from kg.model import FoundRef

__all__ = ["FoundRef", "find_references", "find_references_in", "explain"]


#: a reference holds a number (a document number, a decree) or a title in 《》: text without either cites nothing
MAY_CITE = re.compile(r"[0-9０-９《〈]")


def find_references(text: str) -> list[FoundRef]:
    """Every policy reference in ``text``, sorted by start offset.

    >>> find_references("单位日常办公运行需要")
    []
    """
    return find_references_in([text])[0]


def find_references_in(texts: list[str]) -> list[list[FoundRef]]:
    """The references of each text, the texts that can hold one run through the pipeline together
    (``nlp.pipe``), the others not at all."""
    # Imported here so that code needing only FoundRef does not load spaCy.
    from kg.extract.nlp.components import make_doc
    from kg.extract.nlp.pipeline import load_pipeline

    nlp = load_pipeline()
    out: list[list[FoundRef]] = [[] for _ in texts]
    todo = [i for i, t in enumerate(texts) if t and MAY_CITE.search(t)]
    for i, doc in zip(todo, nlp.pipe(make_doc(nlp, texts[i]) for i in todo)):
        out[i] = list(doc._.references)
    return out


def explain(text: str) -> list[tuple[str, int, int, str]]:
    """The entities the pipeline marked in ``text``: what the references were assembled from.

    >>> explain("山西省财政厅《关于X的通知》(晋财库〔2020〕16号)")
    [('ISSUER', 0, 6, '山西省财政厅'), ('TITLE', 6, 14, '《关于X的通知》'), ('DOCNO', 15, 27, '晋财库〔2020〕16号')]
    """
    from kg.extract.nlp.pipeline import load_pipeline

    return [(e.label_, e.start_char, e.end_char, e.text) for e in load_pipeline()(text).ents]
