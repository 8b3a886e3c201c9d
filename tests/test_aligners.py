"""Aligners: conformance, decoders, the relation tagger, registry errors and user plug-ins."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest
from conftest import candidate_count
from rapidfuzz import fuzz, process, utils

from alignbench.aligners import REGISTRY, BaseAligner, get_aligner, parse_params
from alignbench.aligners.decoding import decode
from alignbench.aligners.relation import numbers, tag
from alignbench.cli import main
from alignbench.records import Claim, DataError, UsageError
from alignbench.testing import AlignerCheckError, check_aligner


def claims(prefix: str, *texts: str) -> list[Claim]:
    return [Claim(f"{prefix}-{i}", prefix, 0, 1, t, t, None) for i, t in enumerate(texts)]


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_builtin_aligners_conform(name):
    if name == "llm":  # needs a server and a model: checked on a local replay server in tests/test_llm.py
        pytest.skip("llm: check_aligner runs against a local replay server in tests/test_llm.py")
    try:
        aligner = get_aligner(name)
    except UsageError as err:  # an aligner of an optional extra that is not installed
        if "optional extra" not in str(err):
            raise
        pytest.skip(str(err))
    check_aligner(aligner)


class WrongShape(BaseAligner):
    name = "wrong-shape"

    def score(self, a, b):
        return np.zeros((len(a), len(a)))


class NaNScores(BaseAligner):
    name = "nan"

    def score(self, a, b):
        return np.full((len(a), len(b)), np.nan)


class Forgetful(BaseAligner):
    name = "forgetful"

    def __init__(self, k: int = 1):
        self.k = 2 * k  # changes its parameter: not scikit-learn style

    def score(self, a, b):
        return np.zeros((len(a), len(b)))


class Noisy(BaseAligner):
    name = "noisy"

    def score(self, a, b):
        return np.random.default_rng().random((len(a), len(b)))


@pytest.mark.parametrize(
    ("aligner", "message"),
    [
        (
            WrongShape(),
            r"check_aligner\(WrongShape\): aligner 'wrong-shape': score\(\) returned shape \(3, 3\), expected \(3, 4\)",
        ),
        (NaNScores(), r"check_aligner\(NaNScores\): aligner 'nan': score\(\) returned NaN or infinite scores"),
        (Forgetful(), r"__init__ must store its parameters unchanged"),
        (Noisy(), r"score\(\) is not deterministic"),
        (object(), r"needs a non-empty string attribute 'name'"),
    ],
)
def test_check_aligner_rejects_broken_aligners(aligner, message):
    with pytest.raises(AlignerCheckError, match=message):
        check_aligner(aligner)


def test_tfidf_scores_are_cosines():
    a = claims("a", "north korea fired missiles", "talks stalled")
    b = claims("b", "north korea fired missiles", "weather was fine")
    scores = get_aligner("tfidf").score(a, b)
    assert scores[0, 0] == pytest.approx(1.0)
    assert scores[1, 1] == 0.0 and scores[0, 1] == 0.0
    assert np.all((scores >= 0) & (scores <= 1 + 1e-12))


def test_fuzzy_equals_the_raw_rapidfuzz_call():
    a = claims("a", "The missiles flew 70 to 200 kilometres", "Talks stalled")
    b = claims("b", "The projectiles flew about 70-100 kilometers", "talks have stalled!", "x")
    raw = process.cdist(
        [c.text for c in a], [c.text for c in b], scorer=fuzz.token_set_ratio, processor=utils.default_process
    )
    assert np.allclose(get_aligner("fuzzy").score(a, b), raw / 100, atol=1e-6)


def test_random_is_seeded_and_order_independent():
    a, b = claims("a", "x", "y"), claims("b", "z")
    r = get_aligner("random", seed=3)
    assert np.array_equal(r.score(a, b), r.score(a, b))
    assert np.array_equal(r.score(a, b), get_aligner("random", seed=3).score(a, b))
    assert not np.array_equal(r.score(a, b), get_aligner("random", seed=4).score(a, b))


def test_decoders_by_hand():
    s = np.array([[0.9, 0.8, 0.1], [0.85, 0.2, 0.3]])
    assert decode(s, 0.5, "threshold").tolist() == [[True, True, False], [True, False, False]]
    # row 0 best is col 0 (0.9), col 0 best is row 0: mutual; row 1 best col 0 is not col 0's best
    assert decode(s, 0.5, "mutual").tolist() == [[True, False, False], [False, False, False]]
    # one-to-one maximising the total: (0,1)+(1,0) = 1.65 beats (0,0)+(1,2) = 1.2
    assert decode(s, 0.5, "hungarian").tolist() == [[False, True, False], [True, False, False]]
    assert decode(s, 0.86, "hungarian").tolist() == [[False, False, False], [False, False, False]]
    with pytest.raises(DataError, match="unknown decoder 'best'"):
        decode(s, 0.5, "best")


def test_relation_tagger_rules():
    assert numbers("flew about 70-100 kilometers") == {"km": frozenset({"70", "100"})}
    assert numbers("fired about 9:00am (10:00am AEST)") == {"time": frozenset({"9:00", "10:00"})}
    assert tag("flew about 70-100 kilometers", "flew 70 to 200 kilometres", 0.1, 0.5) == "contradiction"
    assert tag("flew 70 kilometres", "flew 70 km", 0.1, 0.5) != "contradiction"
    assert tag("launched a test in 2017", "flew 200 kilometres", 0.9, 0.5) == "equivalent"  # no shared kind
    assert tag("North Korea fired missiles at dawn", "North Korea fired missiles", 0.9, 0.5) == "a_more_specific"
    assert tag("missiles fired", "North Korea fired missiles", 0.9, 0.5) == "b_more_specific"
    assert tag("the town of Wonsan", "the city of Wonsan", 0.7, 0.6) == "equivalent"
    assert tag("the town of Wonsan", "the city of Wonsan", 0.5, 0.6) == "related"


def test_unknown_aligner_suggests_a_name(capsys):
    with pytest.raises(DataError, match=r"unknown aligner 'tfid' \(did you mean 'tfidf'\?\)"):
        get_aligner("tfid")
    assert main(["eval", "--aligner", "fuzzzy", "--threshold", "0.5"]) == 2
    assert "did you mean 'fuzzy'" in capsys.readouterr().err
    assert main(["eval", "--aligner", "no_such_module:X", "--threshold", "0.5"]) == 2
    assert "cannot import aligner module 'no_such_module'" in capsys.readouterr().err
    with pytest.raises(DataError, match="expected KEY=VALUE"):
        parse_params(["seed"])
    assert parse_params(["seed=3", "scorer=ratio"]) == {"seed": 3, "scorer": "ratio"}


def test_user_module_class_aligner_runs(tmp_path, monkeypatch, capsys):
    (tmp_path / "my_aligner.py").write_text(
        textwrap.dedent(
            """
            import numpy as np
            from alignbench.aligners import BaseAligner

            class SameLength(BaseAligner):
                name = "same-length"

                def __init__(self, scale: float = 1.0):
                    self.scale = scale

                def score(self, claims_a, claims_b):
                    la = np.array([len(c.text) for c in claims_a], dtype=float)[:, None]
                    lb = np.array([len(c.text) for c in claims_b], dtype=float)[None, :]
                    return self.scale / (1.0 + np.abs(la - lb))
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    check_aligner(get_aligner("my_aligner:SameLength"))
    out = tmp_path / "report.json"
    args = ["eval", "--aligner", "my_aligner:SameLength", "--param", "scale=2", "--threshold", "1.5"]
    assert main([*args, "--format", "json", "-o", str(out), "--resamples", "10"]) == 0
    from alignbench.scoring.report import Report

    report = Report.from_json(out.read_text())
    assert report.system["aligner"] == "my_aligner:SameLength" and report.system["params"] == {"scale": 2}
    assert report.threshold == {"value": 1.5, "origin": "given on the command line (--threshold)"}
    assert report.supports["decided_links"] > 0
    preds = tmp_path / "preds.jsonl"
    assert main(["run", "my_aligner:SameLength", "--param", "scale=2", "--threshold", "1.5", "-o", str(preds)]) == 0
    assert len(preds.read_text().splitlines()) == candidate_count()
    capsys.readouterr()
    assert main(["eval", "--aligner", "my_aligner:SameLength"]) == 2  # a usage error
    assert "--threshold is required" in capsys.readouterr().err


def test_run_then_eval_equals_eval_aligner(tmp_path):
    from alignbench.scoring.report import Report

    preds, direct, via_file = tmp_path / "p.jsonl", tmp_path / "a.json", tmp_path / "b.json"
    assert main(["run", "tfidf-char", "-o", str(preds)]) == 0
    assert main(["eval", "--aligner", "tfidf-char", "--format", "json", "-o", str(direct), "--resamples", "50"]) == 0
    assert (
        main(["eval", "--predictions", str(preds), "--format", "json", "-o", str(via_file), "--resamples", "50"]) == 0
    )
    a, b = Report.from_json(direct.read_text()), Report.from_json(via_file.read_text())
    assert a.metrics == b.metrics and a.ci == b.ci


class KeywordOnly(BaseAligner):
    name = "keyword-only"

    def __init__(self, k: int = 1, *, scale: float = 2.0):
        self.k = k
        self.scale = scale

    def score(self, a, b):
        return np.full((len(a), len(b)), self.scale)


class StarArgs(BaseAligner):
    name = "star-args"

    def __init__(self, *args):
        self.args = args

    def score(self, a, b):
        return np.zeros((len(a), len(b)))


class StarKwargs(BaseAligner):
    name = "star-kwargs"

    def __init__(self, k: int = 1, **kwargs):
        self.k = k
        self.kwargs = kwargs

    def score(self, a, b):
        return np.zeros((len(a), len(b)))


def test_get_params_includes_keyword_only_parameters():
    assert KeywordOnly(k=3, scale=0.5).get_params() == {"k": 3, "scale": 0.5}
    assert repr(KeywordOnly()) == "KeywordOnly(k=1, scale=2.0)"
    check_aligner(KeywordOnly(scale=0.5))


@pytest.mark.parametrize(("cls", "star"), [(StarArgs, r"\*args"), (StarKwargs, r"\*\*kwargs")])
def test_get_params_rejects_star_parameters(cls, star):
    with pytest.raises(TypeError, match=rf"{cls.__name__}\.__init__ takes {star}: an aligner must name"):
        cls().get_params()
    with pytest.raises(AlignerCheckError, match=rf"{cls.__name__}\.__init__ takes {star}"):
        check_aligner(cls())


class Counting(BaseAligner):
    """Counts its fit and score calls in fitted state (``_`` attributes)."""

    name = "counting"

    def __init__(self, options: list | None = None):
        self.options = options

    def fit(self, texts):
        self.fits_ = getattr(self, "fits_", 0) + 1
        if self.options is not None:
            self.options.append("fitted")  # mutates a parameter object
        return self

    def score(self, a, b):
        self.scores_ = getattr(self, "scores_", 0) + 1
        return np.zeros((len(a), len(b)))


def test_check_aligner_leaves_the_given_aligner_untouched():
    texts = ["north korea fired missiles", "talks stalled", "the missiles flew 200 km"]
    fitted = get_aligner("tfidf").fit(texts)
    vectorizer, vocabulary = fitted.vectorizer_, dict(fitted.vectorizer_.vocabulary_)
    check_aligner(fitted)
    assert fitted.vectorizer_ is vectorizer and fitted.vectorizer_.vocabulary_ == vocabulary
    unfitted = get_aligner("tfidf-char")
    check_aligner(unfitted)
    assert not hasattr(unfitted, "vectorizer_")
    options: list[str] = []
    counting = Counting(options)
    check_aligner(counting)
    assert vars(counting) == {"options": []} and counting.options is options


class Returns(BaseAligner):
    """Returns a broken score matrix of the given ``kind``."""

    name = "returns"

    def __init__(self, kind: str = "list"):
        self.kind = kind

    def score(self, a, b):
        n, m = len(a), len(b)
        return {
            "list": lambda: [[0.5] * m for _ in range(n)],
            "complex": lambda: np.full((n, m), 0.5 + 1j),
            "object": lambda: np.full((n, m), 0.5, dtype=object),
            "bool": lambda: np.ones((n, m), dtype=bool),
            "string": lambda: np.full((n, m), "0.5"),
            "shape": lambda: np.zeros((m, n + 1)),
            "inf": lambda: np.full((n, m), np.inf),
        }[self.kind]()


BAD_SCORES = {
    "list": r"score\(\) returned list, expected a numpy\.ndarray",
    "complex": r"score\(\) returned dtype complex128, expected real numbers",
    "object": r"score\(\) returned dtype object, expected real numbers",
    "bool": r"score\(\) returned dtype bool, expected real numbers",
    "string": r"score\(\) returned dtype <U3, expected real numbers",
    "shape": r"score\(\) returned shape \(\d+, \d+\), expected \(\d+, \d+\)",
    "inf": r"score\(\) returned NaN or infinite scores",
}


@pytest.mark.parametrize("kind", sorted(BAD_SCORES))
def test_check_aligner_and_run_aligner_reject_the_same_scores(kind):
    from alignbench.dataset.load import load_benchmark
    from alignbench.runs.baselines import RunConfig, run_aligner

    message = rf"aligner 'returns': {BAD_SCORES[kind]}"
    with pytest.raises(AlignerCheckError, match=rf"check_aligner\(Returns\): {message}"):
        check_aligner(Returns(kind))
    config = RunConfig("returns", "returns", {}, "threshold", 0.5, 0.5, "")
    with pytest.raises(DataError, match=message):
        run_aligner(Returns(kind), load_benchmark(), config)


def test_check_scores():
    from alignbench.aligners import check_scores

    ints = np.arange(6).reshape(2, 3)
    checked = check_scores(ints, (2, 3), "mine")
    assert checked.dtype == np.float64 and checked.tolist() == ints.tolist()
    floats = np.linspace(0, 1, 6).reshape(3, 2)
    assert check_scores(floats, (3, 2), "mine") is floats  # float64 passes through unchanged
    with pytest.raises(DataError, match=r"^aligner 'mine': score\(\) returned shape \(3, 2\), expected \(2, 3\) "):
        check_scores(floats, (2, 3), "mine")


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("tfidf", {"analyzer": "nope"}, "tfidf: analyzer must be one of word, char, char_wb, got 'nope'"),
        ("tfidf-char", {"ngram_max": 2}, "tfidf-char: ngram_max must be an integer >= ngram_min, got 2"),
        ("tfidf", {"sublinear_tf": 1}, "tfidf: sublinear_tf must be true or false, got 1"),
        ("fuzzy", {"scorer": "partial_ratio_alignment"}, "fuzzy: scorer must be one of ratio, "),
        ("fuzzy", {"workers": True}, "fuzzy: workers must be an integer >= 1, or -1 for all cores, got True"),
        ("random", {"seed": -1}, "random: seed must be an integer >= 0, got -1"),
        ("random", {"seed": "x" * 500}, r"random: seed must be an integer >= 0, got 'x{60}\.\.\.\(500 chars\)'$"),
    ],
)
def test_builtin_parameters_are_checked_before_any_work(name, params, message):
    from alignbench.records import UsageError

    with pytest.raises(UsageError, match=message):
        get_aligner(name, **params)
    cls = type(get_aligner(name))
    a, b = claims("a", "north korea fired missiles"), claims("b", "talks stalled")
    with pytest.raises(UsageError, match=message):
        cls(**params).fit(["north korea fired missiles", "talks stalled"])
    with pytest.raises(UsageError, match=message):
        cls(**params).score(a, b)


def test_builtin_parameters_accept_every_allowed_value():
    a = claims("a", "The missiles flew 70 to 200 kilometres", "Talks stalled")
    b = claims("b", "The projectiles flew about 70-100 kilometers", "talks have stalled!", "x")
    fuzzy = get_aligner("fuzzy", scorer="ratio", processor="none", workers=1, field="statement")
    raw = process.cdist([c.text for c in a], [c.text for c in b], scorer=fuzz.ratio, processor=None)
    assert np.allclose(fuzzy.score(a, b), raw / 100, atol=1e-6)
    for analyzer in ("word", "char", "char_wb"):
        tfidf = get_aligner("tfidf", analyzer=analyzer, ngram_min=np.int64(2), ngram_max=2, lowercase=False)
        assert tfidf.fit([c.text for c in a + b]).score(a, b).shape == (2, 3)
    assert get_aligner("random", seed=np.uint64(2**63)).score(a, b).shape == (2, 3)
