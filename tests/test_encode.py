"""The optional encode/similarity hook: encode-once scores equal per-pair ``score``, bit for bit."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process, utils

from alignbench.aligners import EncodingAligner, encodes, get_aligner
from alignbench.aligners.lexical import FUZZY_SCORERS
from alignbench.aligners.relation import tag
from alignbench.dataset.load import load_benchmark
from alignbench.records import LABELS, Benchmark, Claim, DataError, UsageError
from alignbench.runs.baselines import RunConfig, run_aligner
from alignbench.testing import AlignerCheckError, check_aligner


def claims(prefix: str, *texts: str) -> list[Claim]:
    return [Claim(f"{prefix}-{i:02d}", prefix, 0, 1, t, t, None) for i, t in enumerate(texts)]


A = claims(
    "a",
    "North Korea fired several short-range missiles on Saturday",
    "The missiles flew 70 to 200 kilometres!",
    "Talks with Washington have stalled.",
    "",
)
B = claims(
    "b",
    "The projectiles flew about 70-100 kilometers",
    "Pyongyang launched a barrage of missiles",
    "talks have STALLED",
)
C = claims("c", "Officials are analysing details", "North Korea fired missiles")

ENCODING = [
    ("tfidf", {}),
    ("tfidf-char", {}),
    ("tfidf", {"analyzer": "char", "ngram_min": 2, "ngram_max": 4, "lowercase": False, "sublinear_tf": False}),
    ("fuzzy", {}),
    ("fuzzy", {"processor": "none"}),
    *(("fuzzy", {"scorer": scorer}) for scorer in FUZZY_SCORERS),
]


def fitted(name: str, params: dict) -> object:
    aligner = get_aligner(name, **params)
    aligner.fit([c.text for c in A + B + C])
    return aligner


@pytest.mark.parametrize(("name", "params"), ENCODING)
def test_encode_once_equals_score_per_pair(name, params):
    aligner = fitted(name, params)
    assert encodes(aligner)
    everything = aligner.encode(A + B + C)  # one call, then row slices per side
    rows = {"a": everything[0:4], "b": everything[4:7], "c": everything[7:9]}
    for left, right, x, y in [(A, B, "a", "b"), (B, A, "b", "a"), (A, C, "a", "c"), (C, B, "c", "b")]:
        assert np.array_equal(aligner.similarity(rows[x], rows[y]), aligner.score(left, right))


def test_tfidf_encode_needs_fit():
    with pytest.raises(ValueError, match=r"tfidf: encode\(\) needs fit\(\) first"):
        get_aligner("tfidf").encode(A)


@settings(
    max_examples=int(os.environ.get("ENCODE_PROPERTY_EXAMPLES", 150)),
    derandomize="ENCODE_PROPERTY_EXAMPLES" not in os.environ,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    a=st.lists(st.text(max_size=30), min_size=1, max_size=4),
    b=st.lists(st.text(max_size=30), min_size=1, max_size=4),
    scorer=st.sampled_from(FUZZY_SCORERS),
)
def test_processing_once_then_cdist_without_processor_is_cdist_with_it(a, b, scorer):
    """rapidfuzz semantics the fuzzy aligner relies on: cdist applies the processor to each string
    once, then scores the processed strings; doing it ourselves first gives the same scores."""
    scorer_fn = getattr(fuzz, scorer)
    with_processor = process.cdist(a, b, scorer=scorer_fn, processor=utils.default_process, dtype=np.float32)
    processed = process.cdist(
        [utils.default_process(t) for t in a],
        [utils.default_process(t) for t in b],
        scorer=scorer_fn,
        processor=None,
        dtype=np.float32,
    )
    assert np.array_equal(with_processor, processed)


def test_fuzzy_encode_is_the_processed_text():
    assert get_aligner("fuzzy").encode(claims("x", "Talks STALLED!", "a-b")) == ["talks stalled", "a b"]
    assert get_aligner("fuzzy", processor="none").encode(claims("x", "Talks STALLED!")) == ["Talks STALLED!"]


class PerPair:
    """Wraps an aligner, hiding encode/similarity: run_aligner then calls score per article pair."""

    def __init__(self, inner):
        self.inner, self.name = inner, inner.name

    def get_params(self):
        return self.inner.get_params()

    def fit(self, texts):
        self.inner.fit(texts)
        return self

    def score(self, a, b):
        return self.inner.score(a, b)


CONFIGS = {
    "tfidf": RunConfig("tfidf", "tfidf", {}, "threshold", 0.3, 0.6, ""),
    "tfidf-char": RunConfig("tfidf-char", "tfidf-char", {}, "mutual", 0.3, 0.6, ""),
    "fuzzy": RunConfig("fuzzy", "fuzzy", {}, "hungarian", 0.6, 0.8, ""),
}


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_run_aligner_encode_once_equals_per_pair_and_reference_tags(name):
    bench, config = load_benchmark(), CONFIGS[name]
    once = run_aligner(get_aligner(name), bench, config)
    per_pair = run_aligner(PerPair(get_aligner(name)), bench, config)
    assert np.array_equal(once.score, per_pair.score) and np.array_equal(once.label, per_pair.label)
    # every decided pair carries the reference tagger's label, every other pair 'none'
    from alignbench.scoring.space import CandidateSpace

    space = CandidateSpace(bench)
    text = {c.claim_id: c.text for c in bench.claims}
    decided = np.flatnonzero(once.label != LABELS.index("none"))
    assert len(decided) > 0
    expected = [
        tag(
            text[space.claim_ids[space.cand_a[k]]],
            text[space.claim_ids[space.cand_b[k]]],
            once.score[k],
            config.equivalent_at,
        )
        for k in decided
    ]
    assert [LABELS[x] for x in once.label[decided]] == expected


class LetterEmbedding(EncodingAligner):
    """A stand-in for an embedding aligner (issue 13): one dense unit vector per claim, cosine."""

    name = "letters"

    def encode(self, claims):
        vectors = np.zeros((len(claims), 26))
        for i, c in enumerate(claims):
            for ch in c.text.lower():
                if "a" <= ch <= "z":
                    vectors[i, ord(ch) - 97] += 1
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1, norms)

    def similarity(self, encoded_a, encoded_b):
        return encoded_a @ encoded_b.T


def test_dense_encoder_conforms_and_runs_encode_once():
    check_aligner(LetterEmbedding())
    bench, config = load_benchmark(), RunConfig("letters", "letters", {}, "threshold", 0.9, 0.95, "")
    once = run_aligner(LetterEmbedding(), bench, config)
    per_pair = run_aligner(PerPair(LetterEmbedding()), bench, config)
    assert np.array_equal(once.score, per_pair.score) and np.array_equal(once.label, per_pair.label)


class BatchDependent(LetterEmbedding):
    """Breaks the contract: a row depends on the other claims of the call (centred on the batch)."""

    name = "batch-dependent"

    def encode(self, claims):
        vectors = super().encode(claims)
        return vectors - vectors.mean(axis=0)


class Honest(LetterEmbedding):
    """``score`` computed without the (broken) methods of the subclasses below."""

    def score(self, claims_a, claims_b):
        return LetterEmbedding.similarity(
            self, LetterEmbedding.encode(self, claims_a), LetterEmbedding.encode(self, claims_b)
        )


class DropsARow(Honest):
    name = "drops-a-row"

    def encode(self, claims):
        return super().encode(claims)[1:]


class WrongSimilarityShape(Honest):
    name = "wrong-similarity-shape"

    def similarity(self, encoded_a, encoded_b):
        return encoded_a @ encoded_a.T


def test_check_aligner_rejects_encode_that_disagrees_with_score():
    with pytest.raises(AlignerCheckError, match=r"encode\(\)/similarity\(\) on all claims at once differ from score"):
        check_aligner(BatchDependent())
    with pytest.raises(AlignerCheckError, match=r"encode\(\) returned 6 rows for 7 claims"):
        check_aligner(DropsARow())
    with pytest.raises(AlignerCheckError, match=r"similarity\(\) returned shape \(3, 3\), expected \(3, 4\)"):
        check_aligner(WrongSimilarityShape())


def test_run_aligner_checks_encode_and_similarity():
    config = RunConfig("x", "x", {}, "threshold", 0.5, 0.5, "")
    bench = load_benchmark()
    n = len(bench.claims)
    with pytest.raises(DataError, match=rf"aligner 'drops-a-row': encode\(\) returned {n - 1} rows for {n} claims"):
        run_aligner(DropsARow(), bench, config)
    with pytest.raises(DataError, match=r"aligner 'wrong-similarity-shape': similarity\(\) returned shape"):
        run_aligner(WrongSimilarityShape(), load_benchmark(), config)


def test_run_aligner_on_an_article_without_claims():
    """An article with no claims gives empty blocks; similarity is not asked for an empty side."""
    bench = load_benchmark()
    first = bench.articles[0]
    empty = first._replace(article_id=first.article_id + "-empty")
    bigger = Benchmark((*bench.articles, empty), bench.claims, bench.alignments)
    config = CONFIGS["tfidf"]
    with_empty = run_aligner(get_aligner("tfidf"), bigger, config)
    assert np.array_equal(with_empty.score, run_aligner(get_aligner("tfidf"), bench, config).score)


def test_encoding_aligner_must_define_both_methods(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.path", list(__import__("sys").path))
    (tmp_path / "half_encoder_mod.py").write_text(
        "from alignbench.aligners import EncodingAligner\n"
        "class Half(EncodingAligner):\n"
        "    name = 'half'\n"
        "    def encode(self, claims):\n"
        "        return [c.text for c in claims]\n",
        encoding="utf-8",
    )
    with pytest.raises(UsageError, match=r"Half subclasses EncodingAligner but defines no similarity\(\)"):
        get_aligner("half_encoder_mod:Half")


@pytest.mark.parametrize("name", ["tfidf", "tfidf-char"])
def test_tfidf_fit_keeps_the_rows_of_the_one_analysis_bit_for_bit(name):
    """fit() analyses the texts once; its rows are exactly TfidfVectorizer's fit-then-transform rows,
    for fitted texts (looked up, in any order, repeated) and for new ones (transformed)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = ["The ferry stopped 12 km out", "a ferry, the FERRY: stopped!", "Talks stalled at 9:06", "x"]
    aligner = get_aligner(name).fit(texts)
    reference = TfidfVectorizer(
        analyzer=aligner.analyzer,
        ngram_range=(aligner.ngram_min, aligner.ngram_max),
        sublinear_tf=aligner.sublinear_tf,
        dtype=np.float64,
    ).fit(texts)
    for asked in (texts[::-1] + texts[:1], ["a new text about the ferry", *texts]):
        claims = [Claim(f"c-{i}", "a", 0, len(t), t, t, None) for i, t in enumerate(asked)]
        got, want = aligner.encode(claims), reference.transform(asked)
        assert np.array_equal(got.indptr, want.indptr) and np.array_equal(got.indices, want.indices)
        assert np.array_equal(got.data, want.data)  # the same floats, not just close ones
