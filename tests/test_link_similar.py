"""The link stage's name comparison with bounds (kg.extract.matching.similar) gives what the full
comparison gives for every pair at or above the threshold, and 0.0 below it: on the seeds' project
names with misspellings of each, and for any two names (hypothesis)."""

from __future__ import annotations

import random
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract.matching import CONTAINED, name_similarity, similar
from kg.link.projects import THRESHOLD, read_projects

THRESHOLDS = (0.5, 0.7, CONTAINED, THRESHOLD, 0.9)


def _expected(a: str, b: str, threshold: float) -> float:
    sim = name_similarity(a, b)
    return sim if sim >= threshold else 0.0


def test_the_seeds_project_names_and_their_misspellings(seed_store):
    rng = random.Random(14)
    names = sorted({p.name for p in read_projects(seed_store)})
    alphabet = sorted({c for n in names for c in n})
    slips = []
    for n in names:  # a character replaced, dropped or added: the near-misses the bounds must not lose
        i = rng.randrange(len(n))
        slips += [n[:i] + rng.choice(alphabet) + n[i + 1:], n[:i] + n[i + 1:], n[:i] + rng.choice(alphabet) + n[i:]]
    every = names + slips
    assert len(names) == 74
    pairs = list(combinations(every, 2))
    close = 0
    for a, b in pairs:
        for t in THRESHOLDS:
            assert similar(a, b, t) == _expected(a, b, t), (a, b, t)
        close += similar(a, b, THRESHOLD) > 0
    assert (len(pairs), close) == (43_660, 384)


ALPHABET = "Z政务服务数据对接运维经费日常工作（）、 "  # a few characters, so that close pairs are frequent


@settings(max_examples=3000, deadline=None)
@given(st.text(ALPHABET, min_size=0, max_size=20), st.text(ALPHABET, min_size=0, max_size=20), st.sampled_from(THRESHOLDS))
def test_any_two_names(a, b, threshold):
    assert similar(a, b, threshold) == _expected(a, b, threshold)
