"""The vectorised bootstrap equals a brute-force recomputation on explicitly resampled data."""

from __future__ import annotations

import numpy as np
import pytest

from alignbench.metrics import (
    average_precision,
    bootstrap_average_precision,
    bootstrap_pair_metrics,
    confusion,
    pair_metrics,
    resample_weights,
)


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
