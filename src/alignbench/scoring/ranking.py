"""Ranking metrics: AP over the candidate space, reciprocal rank and recall@k per query claim, and
the exact AP of bootstrap resamples (:class:`ResampledAP`).

Absent candidates score -inf; ties are broken pessimistically (positives after negatives of the
same score), so a constant scorer gets no credit for the order it was given.
"""

from __future__ import annotations

import itertools
import math
from typing import NamedTuple

import numpy as np

from alignbench.scoring import bootstrap
from alignbench.scoring.metrics import _ratio


def ranking_order(score: np.ndarray, positive: np.ndarray) -> np.ndarray:
    """Order of candidates by score, descending, gold (positive) after negatives on equal scores."""
    return np.lexsort((positive, -score))


def average_precision(score: np.ndarray, positive: np.ndarray, ignore: np.ndarray | None = None) -> float:
    """AP of ranking ``score`` (absent = -inf), ``ignore`` candidates left out, pessimistic ties."""
    if ignore is not None:
        score, positive = score[~ignore], positive[~ignore]
    n_pos = int(positive.sum())
    if n_pos == 0:
        return 0.0
    ranked = positive[ranking_order(score, positive)]
    hits = np.cumsum(ranked)
    return float(np.sum(hits[ranked] / (np.flatnonzero(ranked) + 1)) / n_pos)


def query_ranks(
    score: np.ndarray, positive: np.ndarray, ignore: np.ndarray, cutoffs: tuple[int, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """Reciprocal rank and recall@k of every row (a query) with at least one positive.

    ``score``, ``positive``, ``ignore`` are (queries x candidates). Ignored candidates are moved
    behind everything; equal scores put negatives first. Returns (rr, recall) with shapes (q,)
    and (q, len(cutoffs)).
    """
    keep = positive.any(axis=1)
    score, positive, ignore = score[keep], positive[keep], ignore[keep]
    if not len(score):
        return np.zeros(0), np.zeros((0, len(cutoffs)))
    order = np.lexsort((positive, -score, ignore), axis=-1)
    ranked = np.take_along_axis(positive, order, axis=1)
    rr = 1.0 / (np.argmax(ranked, axis=1) + 1)
    hits = np.cumsum(ranked, axis=1)
    n = ranked.shape[1]
    recall = np.stack([hits[:, min(k, n) - 1] for k in cutoffs], axis=1) / positive.sum(axis=1, keepdims=True)
    return rr, recall


# --- digamma of positive integers, as scipy.special.digamma computes it -----------------------

_EULER = 0.577215664901532860606512090082402431
_PSI_ASY = (
    8.33333333333333333333e-2,
    -2.10927960927960927961e-2,
    7.57575757575757575758e-3,
    -4.16666666666666666667e-3,
    3.96825396825396825397e-3,
    -8.33333333333333333333e-3,
    8.33333333333333333333e-2,
)
_psi_table = np.zeros(0)


def _extend_psi(size: int) -> np.ndarray:
    """The table psi(0..size-1) (psi(0) unused), grown as needed and kept for the process."""
    global _psi_table
    old = _psi_table.size
    if old >= size:
        return _psi_table
    size = max(size, old + old // 4, 64)
    # The steps of Cephes' psi (scipy.special.digamma) for an integer x: the harmonic sum up to
    # x = 10, the asymptotic series beyond, with the platform's log (math.log calls the same libm
    # function as scipy; numpy's own SIMD log differs from it in the last bit for some x).
    part = np.full(size - old, np.nan)  # psi(0) is a pole; never looked up
    for n in range(max(old, 1), min(size, 11)):
        y = 0.0
        for i in range(1, n):
            y += 1.0 / i
        part[n - old] = y - _EULER
    first = max(old, 11)
    if first < size:
        x = np.arange(first, size, dtype=np.float64)
        z = 1.0 / (x * x)
        poly = np.full_like(x, _PSI_ASY[0])
        for coef in _PSI_ASY[1:]:
            poly = poly * z + coef
        logs = np.fromiter(map(math.log, x.tolist()), dtype=np.float64, count=x.size)
        part[first - old :] = logs - 0.5 / x - z * poly
    _psi_table = np.concatenate([_psi_table, part])
    return _psi_table


def digamma_int(x: np.ndarray) -> np.ndarray:
    """digamma of positive integers (given as floats), bit for bit what ``scipy.special.digamma``
    returns on x86-64, without importing scipy (0.5-1 s). Same shape and memory layout as ``x``."""
    index = np.asarray(x).astype(np.int64)
    table = _extend_psi(int(index.max()) + 1 if index.size else 1)
    out = np.empty_like(x, dtype=np.float64)
    np.take(table, index, out=out)
    return out


class RankingProfile(NamedTuple):
    """All that the AP of unit resamples needs of a ranking: the resampling unit of each sure link, in
    ranked order (``positives``), and of the other ranked candidates before the last sure link, how
    many of each unit lie in each gap (``gap`` k: after sure link k-1, before sure link k). Their
    order within a gap does not matter, nor does anything ranked after the last sure link.

    A report keeps it (``Report.ranking``, :func:`profile_to_json`) so that ``compare`` can redraw
    the AP of both systems on the same resamples without their prediction files: its size is the
    number of (gap, unit) groups, at most the number of candidates, and holds no claim id or score.
    """

    positives: np.ndarray
    gap: np.ndarray
    unit: np.ndarray
    count: np.ndarray


def ranking_profile(score: np.ndarray, positive: np.ndarray, ignore: np.ndarray, unit: np.ndarray) -> RankingProfile:
    """The :class:`RankingProfile` of ranking ``score`` (ignored candidates left out, pessimistic ties)."""
    keep = ~ignore
    score, positive, unit = score[keep], positive[keep], np.asarray(unit[keep], dtype=np.int64)
    order = ranking_order(score, positive)
    positive, unit = positive[order], unit[order]
    pos_at = np.flatnonzero(positive)
    end = int(pos_at[-1]) if pos_at.size else 0
    before = ~positive[:end]
    gap = np.cumsum(positive[:end], dtype=np.int64)[before]  # sure links ranked before each candidate
    span = int(unit.max()) + 1 if unit.size else 1
    keys, count = np.unique(gap * span + unit[:end][before], return_counts=True)
    gaps, units = np.divmod(keys, span)
    return RankingProfile(unit[pos_at], gaps.astype(np.int64), units.astype(np.int64), count.astype(np.int64))


def profile_to_json(profile: RankingProfile) -> dict[str, list]:
    """``{"positives": [unit, ...], "before": [[unit, count, unit, count, ...] per sure link]}``:
    ``before[k]`` lists, by unit, the candidates ranked before sure link k and after sure link k-1."""
    bounds = np.searchsorted(profile.gap, np.arange(len(profile.positives) + 1))
    pairs = np.stack([profile.unit, profile.count], axis=1).ravel().tolist()
    return {
        "positives": np.asarray(profile.positives).tolist(),
        "before": [pairs[2 * int(lo) : 2 * int(hi)] for lo, hi in itertools.pairwise(bounds)],
    }


def profile_from_json(data: dict[str, list]) -> RankingProfile:
    """The :class:`RankingProfile` written by :func:`profile_to_json` (checked by the report's structure check)."""
    gap = [k for k, row in enumerate(data["before"]) for _ in range(len(row) // 2)]
    flat = [v for row in data["before"] for v in row]
    return RankingProfile(
        np.asarray(data["positives"], dtype=np.int64),
        np.asarray(gap, dtype=np.int64),
        np.asarray(flat[0::2], dtype=np.int64),
        np.asarray(flat[1::2], dtype=np.int64),
    )


def cut_profile(profile: RankingProfile, keep: list[int]) -> RankingProfile:
    """The profile of the same ranking restricted to the resampling units ``keep`` (old unit indices,
    renumbered 0.. in that order): the ranking of a subset of clusters, as if scored alone. Candidates
    before a sure link of a dropped unit join the next gap; those after the last kept sure link go."""
    size = 1 + max([int(profile.positives.max(initial=-1)), int(profile.unit.max(initial=-1)), *keep])
    new = np.full(size, -1, dtype=np.int64)
    new[np.asarray(keep, dtype=np.int64)] = np.arange(len(keep), dtype=np.int64)
    kept = new[profile.positives] >= 0
    kept_before = np.concatenate([[0], np.cumsum(kept, dtype=np.int64)])  # kept sure links before old gap k
    gap = kept_before[profile.gap]
    rows = (new[profile.unit] >= 0) & (gap < int(kept.sum()))
    gap, unit, count = gap[rows], new[profile.unit[rows]], profile.count[rows]
    span = len(keep) + 1
    keys, inverse = np.unique(gap * span + unit, return_inverse=True)  # merged gaps: one group per (gap, unit)
    gaps, units = np.divmod(keys, span)
    counts = np.bincount(inverse, weights=count, minlength=len(keys)).astype(np.int64)
    return RankingProfile(new[profile.positives[kept]], gaps.astype(np.int64), units.astype(np.int64), counts)


# --- AP of bootstrap resamples ----------------------------------------------------------------


class ResampledAP:
    """AP of resamples of one ranking, exactly, without re-sorting: resampling units only reweights
    ranks. The ranking is prepared once; calling it with a chunk of weights gives their APs.

    In ranked order, let A and T be the resample's weighted counts of all candidates and of
    positives strictly before positive p (tied negatives come first), and w the number of times its
    unit was drawn. Its w copies sit together and contribute sum_{j=1..w} (T+j)/(A+j)
    = w - (A-T) * (digamma(A+w+1) - digamma(A+1)). AP is the sum over positives divided by the
    resample's number of positives. (Equal to AP on the data with units replicated; tested.) A
    resample without a positive has no AP: NaN, left out of the interval like an undefined ratio.

    A is a running sum: the ranked candidates before the last positive are cut into segments (the
    candidates between two consecutive positives), each kept as its count of candidates per unit.
    A resample's A at positive p is the cumulative sum of its segments' weighted counts, so a
    resample costs one pass over those (segment, unit) counts, at most the number of candidates,
    plus one over the positives: linear in the candidates, where a dense (positives x units) count
    matrix grows with their square. A and T are exact integers however summed, and the terms are
    summed in the same groups and order as before, so the values are the same to the last bit.
    """

    def __init__(
        self, score: np.ndarray, positive: np.ndarray, ignore: np.ndarray, unit: np.ndarray, memory: int | None = None
    ):
        self._setup(ranking_profile(score, positive, ignore, unit), memory)

    @classmethod
    def from_profile(cls, profile: RankingProfile, memory: int | None = None) -> ResampledAP:
        """The AP of resamples of a ranking known only by its :class:`RankingProfile` (as a report keeps it)."""
        self = cls.__new__(cls)
        self._setup(profile, memory)
        return self

    def _setup(self, profile: RankingProfile, memory: int | None) -> None:
        self.pos_unit = np.asarray(profile.positives, dtype=np.int64)
        n_pos = self.pos_unit.size
        self.elements = bootstrap.memory_budget(memory) // 64  # ~8 float64 arrays of (positives x resamples) at once
        # Segment 0 holds the candidates before the first sure link; segment k >= 1 holds sure link k-1
        # and the candidates between it and sure link k. Entries: (segment, unit) groups, sorted.
        seg = np.concatenate([profile.gap, np.arange(1, n_pos, dtype=np.int64)])
        unit = np.concatenate([profile.unit, self.pos_unit[:-1]])
        count = np.concatenate([profile.count, np.ones(max(n_pos - 1, 0), dtype=np.int64)])
        span = int(max(unit.max(initial=-1), self.pos_unit.max(initial=-1))) + 1
        keys, where = np.unique(seg * span + unit, return_inverse=True)
        self.entry_count = np.bincount(where, weights=count, minlength=keys.size).astype(np.float64)
        self.entry_seg, self.entry_unit = np.divmod(keys, span) if span else (keys, keys)
        self.seg_start = np.searchsorted(self.entry_seg, np.arange(n_pos + 1))
        per_segment = np.bincount(seg, weights=count, minlength=n_pos) if n_pos else np.zeros(0)
        # the longest run of ranked candidates from one sure link to the next (the float32 bound below)
        self.longest = int(per_segment.max()) if n_pos else 0
        self.unit_before_last = np.bincount(unit, weights=count, minlength=max(span, 1)).astype(np.float64)

    def _segment_weights(self, weights_t: np.ndarray, start: int, stop: int) -> np.ndarray:
        """(stop - start) x resamples: weighted count of each segment's candidates, segments start..stop-1."""
        out = np.zeros((stop - start, weights_t.shape[1]))
        lo, hi = int(self.seg_start[start]), int(self.seg_start[stop])
        step = max(1, self.elements * 8 // weights_t.itemsize // max(1, weights_t.shape[1]))
        for e0 in range(lo, hi, step):
            e1 = min(e0 + step, hi)
            part = weights_t[self.entry_unit[e0:e1]]
            # only this slice converted: converting all the counts on every call made a run quadratic
            part *= self.entry_count[e0:e1, None].astype(weights_t.dtype)
            segs = self.entry_seg[e0:e1]
            heads = np.flatnonzero(np.concatenate([[True], segs[1:] != segs[:-1]]))
            out[segs[heads] - start] += np.add.reduceat(part, heads, axis=0)
        return out

    def __call__(self, weights: np.ndarray) -> np.ndarray:
        n_boot, n_units = weights.shape
        pos_unit = self.pos_unit
        if pos_unit.size == 0:
            return np.full(n_boot, np.nan)
        top = float(weights.max()) if weights.size else 0.0
        # the largest argument of digamma below: every candidate before the last positive, plus w + 1
        units = min(n_units, self.unit_before_last.size)
        _extend_psi(int((weights[:, :units] @ self.unit_before_last[:units]).max() + top) + 2)
        # float32 halves the memory traffic of the gather; exact while a segment's sum stays < 2**24
        exact32 = self.longest * top < 2**24
        weights_t = np.ascontiguousarray(weights.T, dtype=np.float32 if exact32 else np.float64)
        total = np.zeros(n_boot)
        all_base, tp_base = np.zeros(n_boot), np.zeros(n_boot)
        chunk = max(1, self.elements // max(n_units, n_boot, 1))  # the summation groups of every version
        for start in range(0, pos_unit.size, chunk):
            stop = min(start + chunk, pos_unit.size)
            units_here = pos_unit[start:stop]
            a = np.cumsum(self._segment_weights(weights_t, start, stop), axis=0)
            a += all_base
            all_base = a[-1].copy()
            drawn = weights[:, units_here].T.copy()
            t = np.cumsum(drawn, axis=0)
            t -= drawn
            t += tp_base
            tp_base = t[-1] + drawn[-1]
            w = weights[:, units_here].T  # a transposed view, as the terms' layout sets their summation order
            total += np.sum(w - (a - t) * (digamma_int(a + w + 1) - digamma_int(a + 1)), axis=0)
        return _ratio(total, weights[:, pos_unit].sum(axis=1), undefined=np.nan)  # no sure link drawn: undefined


def bootstrap_average_precision(
    score: np.ndarray, positive: np.ndarray, ignore: np.ndarray, unit: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """AP of every resample (rows of ``weights``), exactly, NaN without a positive: see :class:`ResampledAP`."""
    return ResampledAP(score, positive, ignore, unit)(weights)
