"""The linear-time AP of resamples equals, to the last bit, the version it replaced (dense
positives x units counts, scipy's digamma), and its digamma equals scipy's."""

from __future__ import annotations

import platform

import numpy as np
import pytest

from alignbench.scoring.bootstrap import memory_budget, resample_weights
from alignbench.scoring.ranking import ResampledAP, digamma_int, ranking_order

scipy_special = pytest.importorskip("scipy.special")
EXACT = platform.machine().lower() in {"x86_64", "amd64"}  # elsewhere scipy's build may fuse multiply-adds


def _old_resampled_ap(score, positive, ignore, unit, weights, memory=None):
    """The implementation before issue 9, verbatim but for names: the reference."""
    keep = ~ignore
    score, positive, unit = score[keep], positive[keep], unit[keep]
    order = ranking_order(score, positive)
    positive, unit = positive[order], unit[order]
    pos_at = np.flatnonzero(positive)
    pos_unit = unit[pos_at]
    by_unit = np.argsort(unit, kind="stable")
    elements = memory_budget(memory) // 64
    n_boot, n_units = weights.shape
    if pos_at.size == 0:
        return np.full(n_boot, np.nan)
    bounds = np.searchsorted(unit[by_unit], np.arange(n_units + 1))
    total = np.zeros(n_boot)
    chunk = max(1, elements // max(n_units, n_boot, 1))
    for start in range(0, pos_at.size, chunk):
        at, units_here = pos_at[start : start + chunk], pos_unit[start : start + chunk]
        all_before = np.empty((at.size, n_units))
        for u in range(n_units):
            all_before[:, u] = np.searchsorted(by_unit[bounds[u] : bounds[u + 1]], at, side="left")
        tp_before = np.zeros((at.size, n_units))
        tp_before[np.arange(at.size), units_here] = 1
        tp_before = (
            np.cumsum(tp_before, axis=0) - tp_before + np.bincount(pos_unit[:start], minlength=n_units).astype(float)
        )
        a = all_before @ weights.T
        t = tp_before @ weights.T
        w = weights[:, units_here].T
        digamma = scipy_special.digamma
        total += np.sum(w - (a - t) * (digamma(a + w + 1) - digamma(a + 1)), axis=0)
    den = weights[:, pos_unit].sum(axis=1)
    return np.divide(total, den, out=np.full(n_boot, np.nan), where=den != 0)


def _case(seed: int, n: int, n_units: int):
    rng = np.random.default_rng(seed)
    unit = rng.integers(0, n_units, n)
    score = np.round(rng.random(n), 2)  # ties
    score[rng.random(n) < 0.3] = -np.inf
    positive = rng.random(n) < 0.1
    ignore = ~positive & (rng.random(n) < 0.05)
    return score, positive, ignore, unit


@pytest.mark.parametrize(
    ("seed", "n", "n_units", "resamples", "memory"),
    [
        (0, 3000, 40, 300, None),
        (1, 3000, 40, 300, 64 * 500),  # many groups of positives and many gathers per group
        (2, 5000, 7, 1, None),  # one resample: a (positives x 1) sum
        (3, 20_000, 300, 50, 64 * 3000),
        (4, 50, 5, 20, 64),  # the smallest budget: one positive and one entry at a time
    ],
)
def test_same_values_as_before_to_the_last_bit(seed, n, n_units, resamples, memory):
    score, positive, ignore, unit = _case(seed, n, n_units)
    weights = resample_weights(n_units, resamples, seed)
    new = ResampledAP(score, positive, ignore, unit, memory=memory)(weights)
    old = _old_resampled_ap(score, positive, ignore, unit, weights, memory=memory)
    if EXACT:
        assert np.array_equal(new, old, equal_nan=True)
    else:
        np.testing.assert_allclose(new, old, rtol=1e-12)


def test_digamma_of_integers_is_scipys():
    values = np.concatenate([np.arange(1, 40), [99, 100, 101, 1023, 1024, 65_537, 2**20 + 3, 3_000_001]])
    rng = np.random.default_rng(0)
    values = np.concatenate([values, rng.integers(1, 3_000_000, 5000)]).astype(np.float64)
    ours, scipys = digamma_int(values), scipy_special.digamma(values)
    assert np.isclose(ours[0], -0.5772156649015329) and np.isclose(ours[9], 2.251752589066721)  # psi(1), psi(10)
    if EXACT:
        assert np.array_equal(ours, scipys)
    else:
        np.testing.assert_allclose(ours, scipys, rtol=4e-16)
    grid = values[:5000].reshape(-1, 2).T  # a transposed view keeps its layout
    assert digamma_int(grid).strides == (grid + 0).strides


def test_cut_profile_is_the_profile_of_the_kept_units_ranked_alone():
    from alignbench.scoring.ranking import cut_profile, profile_from_json, profile_to_json

    # ranked: u0 neg, u1 SURE, u0 neg, u0 SURE, u1 neg, u1 SURE (worked out by hand)
    profile = profile_from_json({"positives": [1, 0, 1], "before": [[0, 1], [0, 1], [1, 1]]})
    # unit 1 alone: SURE, neg, SURE; its unit is renumbered 0
    assert profile_to_json(cut_profile(profile, [1])) == {"positives": [0, 0], "before": [[], [0, 1]]}
    # unit 0 alone: neg, neg, SURE (the two gaps before unit 1's dropped sure link merge)
    assert profile_to_json(cut_profile(profile, [0])) == {"positives": [0], "before": [[0, 2]]}
