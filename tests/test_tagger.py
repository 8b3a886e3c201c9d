"""The relation tagger: vectorised labels equal the rule-by-rule reference, and no scikit-learn import."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alignbench.aligners.relation import claim_features, content_words, tag, tag_pairs
from alignbench.records import LABELS

# Texts that hit every rule and its edge cases: ranges with units (both spellings of km), times,
# years next to counts, empty content-word sets (only stop words, only numbers, nothing at all),
# equal word sets (score decides, ties at equivalent_at), strict containment both ways.
TEXTS = (
    "The missiles flew 70 to 200 kilometres",
    "The projectiles flew about 70-100 kilometers",
    "missiles flew 70-200 km",
    "missiles flew 70 km",
    "It was fired at 9:06 in 2017",
    "It was fired at 9:06 in 2019",
    "fired at 10:00",
    "fired in 2017 with 3 missiles",
    "fired 3 missiles",
    "fired 4 missiles",
    "about 40% of the 1,200 people",
    "about 40 percent of the 1200 people",
    "North Korea fired missiles at dawn",
    "North Korea fired missiles",
    "missiles fired",
    "the town of Wonsan",
    "the city of Wonsan",
    "of the and it",  # only stop words: empty set
    "1,000",  # only a number: empty set
    "",
    "Korea North missiles fired",  # same set as "North Korea fired missiles", other order
)

# (text a, text b, score, equivalent_at, label), worked out by hand from the rules
BY_HAND = [
    (0, 1, 0.1, 0.5, "contradiction"),  # km {70, 200} vs {70, 100}
    (0, 2, 0.1, 0.5, "related"),  # same km set; {missiles, flew, kilometres} vs {missiles, flew, km}
    (4, 5, 0.9, 0.5, "contradiction"),  # year 2017 vs 2019, same time
    (4, 6, 0.9, 0.5, "contradiction"),  # time 9:06 vs 10:00
    (7, 8, 0.2, 0.5, "related"),  # count {3} both; words {fired, missiles} equal; below equivalent_at
    (8, 9, 0.9, 0.5, "contradiction"),  # count 3 vs 4
    (10, 11, 0.9, 0.5, "b_more_specific"),  # percent {40}, count {1200} on both; "percent" is a content word
    (12, 13, 0.9, 0.5, "a_more_specific"),
    (14, 13, 0.9, 0.5, "b_more_specific"),
    (15, 16, 0.6, 0.6, "equivalent"),  # tie: score == equivalent_at counts as equivalent
    (15, 16, 0.5999, 0.6, "related"),
    (17, 19, 0.9, 0.5, "equivalent"),  # both empty: not strict containment
    (18, 17, 0.1, 0.5, "related"),  # both empty
    (14, 17, 0.1, 0.5, "a_more_specific"),  # a non-empty set strictly contains the empty set
    (13, 20, 0.1, 0.5, "related"),  # equal sets, other order
]


def test_reference_tagger_by_hand():
    """The fixture's expectations hold for the reference (checks the fixture itself)."""
    for i, j, score, at, label in BY_HAND:
        assert tag(TEXTS[i], TEXTS[j], score, at) == label, (TEXTS[i], TEXTS[j])


def test_tag_pairs_by_hand():
    features = claim_features(TEXTS)
    for i, j, score, at, label in BY_HAND:
        got = tag_pairs(features, np.array([i]), np.array([j]), np.array([score]), at)
        assert LABELS[got[0]] == label, (TEXTS[i], TEXTS[j])


@pytest.mark.parametrize("equivalent_at", [0.0, 0.5, 1.0])
def test_tag_pairs_equals_tag_on_every_fixture_pair(equivalent_at):
    pairs = list(itertools.product(range(len(TEXTS)), repeat=2))
    a, b = (np.array(x) for x in zip(*pairs, strict=True))
    scores = np.linspace(0, 1, len(pairs))
    scores[::7] = equivalent_at  # ties
    got = tag_pairs(claim_features(TEXTS), a, b, scores, equivalent_at)
    expected = [tag(TEXTS[i], TEXTS[j], float(s), equivalent_at) for i, j, s in zip(a, b, scores, strict=True)]
    assert [LABELS[x] for x in got] == expected
    assert {"contradiction", "a_more_specific", "b_more_specific"} <= set(expected)
    if equivalent_at == 0.5:
        assert {"equivalent", "related"} <= set(expected)


def test_tag_pairs_spans_chunks(monkeypatch):
    """Pairs labelled in several chunks get the same labels as in one."""
    import alignbench.aligners.relation as relation

    rng = np.random.default_rng(0)
    a, b = rng.integers(0, len(TEXTS), 500), rng.integers(0, len(TEXTS), 500)
    scores = rng.random(500)
    whole = tag_pairs(claim_features(TEXTS), a, b, scores, 0.5)
    monkeypatch.setattr(relation, "_CHUNK", 7)
    assert np.array_equal(tag_pairs(claim_features(TEXTS), a, b, scores, 0.5), whole)
    assert tag_pairs(claim_features(TEXTS), a[:0], b[:0], scores[:0], 0.5).shape == (0,)


_WORDS = ["missiles", "Korea", "north", "fired", "the", "of", "and", "km", "kilometres", "miles", "%", "percent"]
_NUMBERS = ["70", "100", "1,200", "2017", "9:06", "10:00", "70-100", "70 to 200", "3.5"]
_TOKENS = st.sampled_from(_WORDS + _NUMBERS + ["-", "to", ",", "."])
_TEXT = st.lists(_TOKENS, max_size=8).map(" ".join)


@settings(
    max_examples=int(os.environ.get("TAGGER_PROPERTY_EXAMPLES", 300)),
    derandomize="TAGGER_PROPERTY_EXAMPLES" not in os.environ,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    texts=st.lists(_TEXT, min_size=1, max_size=6, unique=True),
    pairs=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5), st.sampled_from([0.0, 0.3, 0.5, 0.7, 1.0]))),
    equivalent_at=st.sampled_from([0.0, 0.5, 1.0]),
)
def test_tag_pairs_equals_tag_property(texts, pairs, equivalent_at):
    pairs = [(i % len(texts), j % len(texts), s) for i, j, s in pairs]
    a = np.array([p[0] for p in pairs], dtype=np.int64)
    b = np.array([p[1] for p in pairs], dtype=np.int64)
    scores = np.array([p[2] for p in pairs], dtype=np.float64)
    got = tag_pairs(claim_features(tuple(texts)), a, b, scores, equivalent_at)
    assert [LABELS[x] for x in got] == [tag(texts[i], texts[j], s, equivalent_at) for i, j, s in pairs]


def test_stop_words_are_scikit_learns():
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS as SKLEARN

    from alignbench.aligners.stopwords import ENGLISH_STOP_WORDS

    assert ENGLISH_STOP_WORDS == SKLEARN
    assert content_words("The town of Wonsan, and its harbour") == {"town", "wonsan", "harbour"}


def test_eval_fuzzy_does_not_import_scikit_learn():
    """Tagging needs only a word list: running a non-TF-IDF aligner never imports scikit-learn."""
    code = (
        "import sys\n"
        "from alignbench.cli import main\n"
        "status = main(['eval', '--aligner', 'fuzzy', '-o', sys.argv[1]])\n"
        "assert status == 0, status\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sklearn', 'scipy'}))\n"
    )
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            [sys.executable, "-c", code, os.path.join(tmp, "report.txt")],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    assert "sklearn" not in out, out
