"""Title blocking (kg.link.blocking) loses no pair the full comparison finds: on the seeds' titles with
generated misspellings of each, and for any two strings (hypothesis)."""

from __future__ import annotations

import random
from difflib import SequenceMatcher
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.link.blocking import COMMON, candidate_pairs, prefix, tokens
from kg.link.titles import THRESHOLD, read_titled, title_key, title_similarity


def _misspelt(title: str, rng: random.Random, alphabet: str) -> str:
    """One slip: a character replaced, dropped, doubled or two swapped."""
    i = rng.randrange(len(title))
    how = rng.choice("rdis")
    if how == "r":
        return title[:i] + rng.choice(alphabet) + title[i + 1:]
    if how == "d":
        return title[:i] + title[i + 1:]
    if how == "i":
        return title[:i] + title[i] + title[i:]
    j = min(i + 1, len(title) - 1)
    return title[:i] + title[j] + title[i] + title[j + 1:]


def _corpus(seed_store) -> dict[str, list[str]]:
    """Every title node of the seeds and the law table, and three misspellings of each."""
    rng = random.Random(14)
    titled = read_titled(seed_store)
    alphabet = "".join(sorted({c for ts in titled.values() for t in ts for c in t}))
    out = {p: ts for p, ts in titled.items()}
    for p, ts in sorted(titled.items()):
        for k in range(3):
            out[f"{p}#{k}"] = [_misspelt(ts[0], rng, alphabet)]
    return out


def test_blocking_finds_every_pair_of_the_seed_titles_and_their_misspellings(seed_store):
    titles = _corpus(seed_store)
    assert len(titles) == 4 * len(read_titled(seed_store)) == 140
    keys = {p: [title_key(t) for t in ts] for p, ts in titles.items()}
    for threshold, expected, compared in ((THRESHOLD, 208, 2216), (0.7, 264, 3171)):
        close = {
            (a, b) for a, b in combinations(sorted(titles), 2)
            if max(title_similarity(x, y) for x in titles[a] for y in titles[b]) >= threshold
        }
        blocked = candidate_pairs(keys, threshold)
        assert close <= blocked
        assert len(close) == expected
        # the pairs compared, of the 9,730 there are (a corpus of near-misses: real titles share less)
        assert len(blocked) == compared


ALPHABET = COMMON[:12] + "甲乙丙丁戊"  # common and rare characters, so that close pairs are frequent


@settings(max_examples=2000, deadline=None)
@given(st.text(ALPHABET, min_size=1, max_size=16), st.text(ALPHABET, min_size=1, max_size=16),
       st.sampled_from([0.5, 0.7, THRESHOLD, 0.9]))
def test_two_keys_scoring_the_threshold_share_a_blocking_key(a, b, threshold):
    if SequenceMatcher(None, a, b, autojunk=False).ratio() >= threshold:
        assert prefix(a, threshold) & prefix(b, threshold)


def test_tokens_number_repeated_characters():
    assert tokens("管理管理法") == ["管", "理", "管#2", "理#2", "法"]
    # rare characters first: the blocking keys of a title are the characters that tell it apart
    assert prefix("政府信息公开条例", THRESHOLD) == {"开", "信", "息"}
