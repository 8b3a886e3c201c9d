"""The vectorised bootstrap equals a brute-force recomputation on explicitly resampled data."""

from __future__ import annotations

import numpy as np
import pytest

from alignbench.scoring.bootstrap import bootstrap_pair_metrics, resample_weights
from alignbench.scoring.metrics import confusion, pair_metrics
from alignbench.scoring.ranking import average_precision, bootstrap_average_precision


def test_weighted_ap_equals_ap_of_replicated_units():
    rng = np.random.default_rng(3)
    n, n_units = 400, 12
    unit = rng.integers(0, n_units, n)
    score = np.round(rng.random(n), 1)  # many ties
    score[rng.random(n) < 0.2] = -np.inf  # absent candidates
    positive = rng.random(n) < 0.15
    ignore = ~positive & (rng.random(n) < 0.1)
    weights = resample_weights(n_units, 25, seed=5)
    fast = bootstrap_average_precision(score, positive, ignore, unit, weights)
    for b in range(weights.shape[0]):
        # replicate every unit's candidates as often as it was drawn
        take = np.concatenate([np.flatnonzero(unit == u) for u in range(n_units) for _ in range(int(weights[b, u]))])
        expected = average_precision(score[take], positive[take], ignore[take])
        assert fast[b] == pytest.approx(expected, abs=1e-12)


def test_resampled_confusions_equal_replicated_units():
    rng = np.random.default_rng(4)
    n, n_units = 300, 9
    unit = rng.integers(0, n_units, n)
    gold = rng.integers(0, 6, n).astype(np.int8)
    pred = rng.integers(0, 6, n).astype(np.int8)
    weights = resample_weights(n_units, 10, seed=2)
    boot = bootstrap_pair_metrics(confusion(gold, pred, unit, n_units), weights, ["equivalent", "related"])
    for b in range(10):
        take = np.concatenate([np.flatnonzero(unit == u) for u in range(n_units) for _ in range(int(weights[b, u]))])
        point = pair_metrics(confusion(gold[take], pred[take]), ["equivalent", "related"])
        for metric, values in point.items():
            assert boot[metric][b] == pytest.approx(float(values), abs=1e-12), str(metric)


def _old_resample_weights(n_units: int, resamples: int, seed: int) -> np.ndarray:
    """The weights as drawn before the bootstrap was chunked (one draw, one bincount per row)."""
    draws = np.random.default_rng(seed).integers(0, n_units, size=(resamples, n_units))
    return np.stack([np.bincount(row, minlength=n_units) for row in draws]).astype(np.float64)


def test_chunked_weights_are_the_same_resamples():
    from alignbench.scoring.bootstrap import resample_chunks

    for n_units, resamples in ((35, 1000), (3, 101), (1, 7)):
        whole = _old_resample_weights(n_units, resamples, 0)
        assert np.array_equal(resample_weights(n_units, resamples, 0), whole)
        for rows in (1, 7, 64, resamples, 10 * resamples):
            chunks = list(resample_chunks(n_units, resamples, 0, rows))
            assert max(len(c) for c in chunks) <= rows
            assert np.array_equal(np.concatenate(chunks), whole), (n_units, rows)


def _statistic(weights: np.ndarray) -> dict[str, np.ndarray]:
    """Statistics of resamples of 6 units with ties, negatives, NaNs (undefined) and -0.0."""
    share = weights[:, 0] / weights.sum(axis=1)
    return {
        "share": share,
        "ties": np.floor(share * 4) / 4 - 0.5,
        "ratio": np.where(weights[:, 1] == 0, np.nan, weights[:, 2] / np.maximum(weights[:, 1], 1)),
        "tiny": np.sin(weights @ np.arange(6.0)) * 1e-300,
        "zero": -0.0 * share,
        "never": np.full(len(weights), np.nan),
    }


@pytest.mark.parametrize("resamples", [1, 2, 999, 4001])
def test_bootstrap_in_few_passes_equals_numpy_percentile(resamples):
    from alignbench.scoring.bootstrap import bootstrap, percentile_interval

    every = _statistic(resample_weights(6, resamples, 9))
    for memory in (None, 4000, 40_000):  # all kept, and exact selection in several passes
        result = bootstrap(_statistic, 6, resamples, 9, level=0.9, memory=memory, observed={"share": 0.1})
        for name, values in every.items():
            summary = result[name]
            assert summary.interval == percentile_interval(values, 0.9), (name, memory)
            assert summary.defined == int(np.sum(~np.isnan(values)))
        share = every["share"]
        assert result["share"].extreme == int(np.sum(np.abs(share - 0.1) >= 0.1 - 1e-12))
    assert result["never"].interval is None


def test_bootstrap_memory_does_not_grow_with_resamples(tmp_path):
    """--resamples 100000000 once asked for 26 GiB: weights and per-resample values were kept whole."""
    import tracemalloc

    from fixture import PREDICTIONS, tiny_benchmark, write_jsonl

    from alignbench.scoring import bootstrap as metrics
    from alignbench.scoring.evaluate import evaluate
    from alignbench.scoring.predictions import read_predictions
    from alignbench.scoring.space import CandidateSpace

    bench = tiny_benchmark()
    preds = read_predictions(write_jsonl(tmp_path / "p.jsonl", PREDICTIONS), CandidateSpace(bench))
    tracemalloc.start()
    try:
        report = evaluate(bench, preds, system={"name": "x"}, resamples=200_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # keeping 41 metrics x 200,000 resamples alone takes 66 MB
    assert peak < 24 * 2**20, f"peak {peak / 2**20:.0f} MiB"
    budget = getattr(metrics, "BOOTSTRAP_MEMORY", None)
    metrics.BOOTSTRAP_MEMORY = 2**40  # everything fits: numpy.percentile over all resamples
    try:
        whole = evaluate(bench, preds, system={"name": "x"}, resamples=200_000)
    finally:
        metrics.BOOTSTRAP_MEMORY = budget
    assert report.ci == whole.ci


def test_ap_of_a_resample_without_sure_links_is_undefined():
    """Like every other metric with a zero denominator in a resample: NaN, left out of the interval."""
    score = np.array([0.9, 0.5, 0.4, 0.1])
    positive = np.array([True, False, False, False])
    unit = np.array([0, 0, 1, 1])
    weights = np.array([[2.0, 0.0], [0.0, 2.0], [1.0, 1.0]])
    ap = bootstrap_average_precision(score, positive, np.zeros(4, dtype=bool), unit, weights)
    assert ap[0] == 1.0 and ap[2] == 1.0 and np.isnan(ap[1])
    none = bootstrap_average_precision(score, np.zeros(4, dtype=bool), np.zeros(4, dtype=bool), unit, weights)
    assert np.isnan(none).all()
