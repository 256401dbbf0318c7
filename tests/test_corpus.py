"""The scale benchmark's corpus generator (bench/corpus.py): every generated document is read back completely,
with exactly the projects, amounts, indicators and citations the generator wrote."""

from __future__ import annotations

import hashlib
import sys
from collections import Counter
from pathlib import Path

import pytest

from kg.pipeline import extract_file

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from corpus import CHAIN_EVERY, generate, policy  # noqa: E402

N = 20


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    return folder, list(generate(N, folder, seed=7))


@pytest.fixture(scope="module")
def read(corpus):
    folder, truths = corpus
    return {t.file: extract_file(folder / t.file) for t in truths}


def test_deterministic(corpus, tmp_path):
    folder, truths = corpus
    again = list(generate(N, tmp_path, seed=7))
    assert [t.file for t in again] == [t.file for t in truths]
    digest = lambda f: hashlib.sha256(f.read_bytes()).hexdigest()  # noqa: E731
    assert all(digest(folder / t.file) == digest(tmp_path / t.file) for t in truths)


def test_units_recur_over_years(corpus):
    _, truths = corpus
    years = Counter(t.unit for t in truths)
    assert len(years) < N and max(years.values()) >= 3
    by_unit: dict[str, list] = {}
    for t in truths:
        by_unit.setdefault(t.unit, []).append(t)
    for docs in by_unit.values():  # consecutive years, mostly the same project names
        assert [d.year for d in docs] == list(range(docs[0].year, docs[0].year + len(docs)))
        for a, b in zip(docs, docs[1:]):
            same = {n for n, _ in a.projects} & {n for n, _ in b.projects}
            assert len(same) >= len(a.projects) // 2


@pytest.mark.parametrize("k", range(N))
def test_read_back_exactly(corpus, read, k):
    _, truths = corpus
    t = truths[k]
    ex = read[t.file]
    assert ex.completeness.complete, ex.completeness.problems
    assert (ex.document.unit_name, ex.document.year, ex.document.kind) == (t.unit, t.year, "单位预算")
    assert [(p.row.name, int(p.row.amount)) for p in ex.projects] == t.projects
    assert {p.row.name: len(p.kpi.indicators) for p in ex.projects if p.kpi} == t.indicators
    assert all(p.kpi.annual_total == p.row.amount for p in ex.projects if p.kpi)
    names = [p.row.name for p in ex.projects]
    got = Counter((names[r.project] if r.project is not None else None, r.section, r.docno, r.title) for r in ex.references)
    assert got == Counter(t.citations)
    assert ex.findings == []  # every table adds up, every KPI table matches its row
    c = ex.completeness
    assert c.parents_checked > 0 and c.parents_adding_up == c.parents_checked


def test_citation_chain(corpus, read):
    _, truths = corpus
    t = truths[5]
    assert 5 % CHAIN_EVERY == 5 and t.chain
    notice, top, a, b = t.chain
    got = {(e.docno, c.relation, c.target) for e in read[t.file].embedded for c in e.cites}
    assert got == {(notice, "forwards", top), (top, "basedOn", a), (top, "basedOn", b)}
    assert all(not x.chain for x in truths if x is not t)


def test_a_few_policies_are_cited_by_many(corpus):
    _, truths = corpus
    cited = Counter(r for t in truths for ranks in t.basis_ranks for r in set(ranks))
    (top, most), *_ = cited.most_common()
    assert top < 10 and most >= 4 * sorted(cited.values())[len(cited) // 2]  # Zipf: the head far above the median
    assert policy(top, 7).docno in {d for t in truths for _, s, d, _ in t.citations if s == "立项依据"}
