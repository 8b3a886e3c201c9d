"""Uncertainty: bootstrap resamples of the units (article pairs or source claims), percentile
intervals found within a fixed memory budget, and bootstrap p-values.

A resample is a vector of counts, how often each unit is drawn; every statistic is a function of a
chunk of such vectors (see :func:`alignbench.scoring.ranking.ResampledAP` for AP), so nothing is
ever replicated. The draws depend only on (number of units, resamples, seed): the same seed gives
the same resamples, for every system and for ``compare``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from typing import Any, NamedTuple, TypeVar

import numpy as np

from alignbench.scoring.metrics import N_LABELS, Metric, pair_metrics

K = TypeVar("K", bound=Hashable)

#: Bytes the bootstrap's working arrays may take, whatever the number of resamples: resamples are
#: drawn and scored in chunks, and beyond what fits the intervals are found by exact selection in
#: a few passes over the (re-drawn, identical) resamples instead of by sorting all of them.
BOOTSTRAP_MEMORY = 32 * 2**20


def memory_budget(memory: int | None = None) -> int:
    """Bytes the bootstrap may use: ``memory``, or :data:`BOOTSTRAP_MEMORY` (read at each call)."""
    return BOOTSTRAP_MEMORY if memory is None else max(1, int(memory))


def _weight_counts(draws: np.ndarray, n_units: int) -> np.ndarray:
    """(rows x n_units) counts of each unit among each row of draws, as float64."""
    rows = draws.shape[0]
    flat = (draws + (np.arange(rows, dtype=np.int64) * n_units)[:, None]).ravel()
    return np.bincount(flat, minlength=rows * n_units).reshape(rows, n_units).astype(np.float64)


def resample_chunks(n_units: int, resamples: int, seed: int, rows: int) -> Iterator[np.ndarray]:
    """The resamples of :func:`resample_weights`, ``rows`` at a time (the same draws, in order)."""
    rng = np.random.default_rng(seed)
    for start in range(0, resamples, max(1, rows)):
        draws = rng.integers(0, n_units, size=(min(max(1, rows), resamples - start), n_units))
        yield _weight_counts(draws, n_units)


def resample_weights(n_units: int, resamples: int, seed: int) -> np.ndarray:
    """(resamples x n_units) counts: how often each unit is drawn in each bootstrap resample.

    The whole matrix: its size grows with ``resamples``; :func:`bootstrap` draws it in chunks.
    """
    chunks = list(resample_chunks(n_units, resamples, seed, max(1, resamples)))
    return chunks[0] if chunks else np.zeros((0, n_units))


def chunk_rows(n_units: int, memory: int | None = None) -> int:
    """Resamples per chunk: the weights and per-resample values of a chunk take ~1/4 of ``memory``."""
    return max(1, memory_budget(memory) // 4 // (8 * (4 * n_units + 256)))


def bootstrap_pair_metrics(
    unit_conf: np.ndarray, weights: np.ndarray, macro_relations: list[str]
) -> dict[Metric, np.ndarray]:
    """Pair metrics of every resample (NaN where undefined): weighted sums of per-unit confusions."""
    n_units = unit_conf.shape[0]
    conf = (weights @ np.asarray(unit_conf, dtype=np.float64).reshape(n_units, -1)).reshape(-1, N_LABELS, N_LABELS)
    return pair_metrics(conf, macro_relations, undefined=np.nan)


class Summary(NamedTuple):
    """What the bootstrap keeps of one statistic over its resamples.

    ``interval``: the percentile interval over the resamples in which it is defined (None if in
    none); ``defined``: how many those are; ``extreme``: how many of them are at least as far from
    the observed value as the observed value is from 0 (for a paired test; 0 without one).
    """

    interval: tuple[float, float] | None
    defined: int
    extreme: int = 0


def bootstrap(
    statistic: Callable[[np.ndarray], dict[K, np.ndarray]],
    n_units: int,
    resamples: int,
    seed: int,
    *,
    level: float = 0.95,
    observed: dict[K, float] | None = None,
    memory: int | None = None,
) -> dict[K, Summary]:
    """Percentile bootstrap of ``statistic`` (a chunk of resample weights -> values per key).

    NaN values (undefined in that resample) are left out. Memory stays within about ``memory``
    bytes (default :data:`BOOTSTRAP_MEMORY`) whatever ``resamples`` is: resamples are drawn in
    chunks; when all values fit they are kept and ``numpy.percentile`` gives the interval,
    otherwise exact order statistics are found by radix selection over repeated passes (the same
    resamples are drawn again from the seed) and interpolated as ``numpy.percentile`` does.
    """
    budget = memory_budget(memory)
    rows = chunk_rows(n_units, budget)
    tail = (1.0 - level) / 2 * 100
    percents = (tail, 100 - tail)

    def values() -> Iterator[dict[K, np.ndarray]]:
        for weights in resample_chunks(n_units, resamples, seed, rows):
            yield {key: np.asarray(v, dtype=np.float64) for key, v in statistic(weights).items()}

    defined: dict[K, int] = {}
    extreme: dict[K, int] = {}
    kept: dict[K, list[np.ndarray]] = {}
    select: dict[K, _OrderStatistics] = {}
    keep_all: bool | None = None
    for chunk in values():
        if keep_all is None:
            keep_all = resamples * max(1, len(chunk)) * 8 <= budget // 2
        for key, v in chunk.items():
            ok = v[~np.isnan(v)]
            defined[key] = defined.get(key, 0) + ok.size
            if observed is not None and key in observed:
                obs = observed[key]
                extreme[key] = extreme.get(key, 0) + int(np.sum(np.abs(ok - obs) >= abs(obs) - 1e-12))
            if keep_all:
                kept.setdefault(key, []).append(v)
            else:
                if key not in select:
                    select[key] = _OrderStatistics(budget // (8 * 8 * 4 * max(1, len(chunk))))
                select[key].first(ok)
    intervals: dict[K, tuple[float, float] | None] = {}
    if keep_all:
        for key, parts in kept.items():
            intervals[key] = percentile_interval(np.concatenate(parts), level)
    elif select:
        for sel in select.values():
            sel.plan(percents)
        while not all(sel.done for sel in select.values()):
            for chunk in values():
                for key, v in chunk.items():
                    if not select[key].done:
                        select[key].feed(v[~np.isnan(v)])
            for sel in select.values():
                sel.step()
        intervals = {key: sel.interval() for key, sel in select.items()}
    return {key: Summary(intervals.get(key), defined[key], extreme.get(key, 0)) for key in defined}


_SIGN = np.uint64(1 << 63)
_DIGIT = 12  # bits resolved per selection pass


def _order_keys(values: np.ndarray) -> np.ndarray:
    """uint64 keys that sort like the float64 values (-0.0 counted as 0.0)."""
    bits = (np.asarray(values, dtype=np.float64) + 0.0).view(np.uint64)
    return np.where(bits & _SIGN, ~bits, bits | _SIGN)


def _from_key(key: int) -> float:
    bits = np.uint64(key)
    return float(np.array(bits ^ _SIGN if bits & _SIGN else ~bits, dtype=np.uint64).view(np.float64))


class _OrderStatistics:
    """Exact order statistics of values that are streamed again on every pass (radix selection).

    Each wanted rank sits in a group of values sharing the top ``bits`` bits of their order key.
    A pass either counts the group's values by their next 12 bits (narrowing it) or, when the
    group holds at most ``cap`` values, keeps them and sorts them (resolving its ranks).
    """

    def __init__(self, cap: int):
        self.cap = max(1, cap)
        self.n = 0
        self.top = np.zeros(1 << _DIGIT, dtype=np.int64)
        self.groups: dict[tuple[int, int], dict[str, Any]] = {}
        self.found: dict[int, int] = {}  # rank -> key
        self._below: dict[tuple[int, int], int] = {}  # group -> number of values below it
        self.percents: tuple[float, ...] = ()

    @property
    def done(self) -> bool:
        return not self.groups

    def first(self, values: np.ndarray) -> None:
        self.n += values.size
        self.top += np.bincount((_order_keys(values) >> np.uint64(64 - _DIGIT)).astype(np.int64), minlength=1 << _DIGIT)

    def plan(self, percents: tuple[float, ...]) -> None:
        self.percents = percents
        if self.n == 0:
            return
        ranks = sorted({r for p in percents for r in self._neighbours(p)[:2]})
        self._narrow(0, 0, self.top, ranks)

    def _neighbours(self, percent: float) -> tuple[int, int, float]:
        h = (self.n - 1) * (percent / 100)
        low = min(int(np.floor(h)), self.n - 1)
        return low, min(low + 1, self.n - 1), h - low

    def _narrow(self, bits: int, prefix: int, hist: np.ndarray, ranks: list[int]) -> None:
        """Move the ranks of group (bits, prefix) into its sub-groups, given its digit histogram."""
        width = min(_DIGIT, 64 - bits)
        cum = np.cumsum(hist)
        below_group = self._below.get((bits, prefix), 0) if bits else 0
        for rank in ranks:
            digit = int(np.searchsorted(cum, rank - below_group, side="right"))
            child = (bits + width, (prefix << width) | digit)
            below = below_group + (int(cum[digit - 1]) if digit else 0)
            if child[0] == 64:
                self.found[rank] = child[1]
                continue
            group = self.groups.setdefault(child, {"count": int(hist[digit]), "ranks": [], "parts": []})
            group["ranks"].append(rank)
            self._below[child] = below

    def feed(self, values: np.ndarray) -> None:
        keys = _order_keys(values)
        for (bits, prefix), group in self.groups.items():
            sub = keys[(keys >> np.uint64(64 - bits)) == np.uint64(prefix)]
            if group["count"] <= self.cap:
                group["parts"].append(sub)
            elif sub.size:
                width = min(_DIGIT, 64 - bits)
                digits = (sub >> np.uint64(64 - bits - width)) & np.uint64((1 << width) - 1)
                hist = np.bincount(digits.astype(np.int64), minlength=1 << width)
                group["hist"] = hist if "hist" not in group else group["hist"] + hist
                low, high = int(sub.min()), int(sub.max())
                group["low"], group["high"] = min(low, group.get("low", low)), max(high, group.get("high", high))

    def step(self) -> None:
        """After a pass: resolve the kept groups, narrow the counted ones."""
        groups, self.groups = self.groups, {}
        for (bits, prefix), group in groups.items():
            if group["count"] <= self.cap:
                ordered = np.sort(np.concatenate(group["parts"]) if group["parts"] else np.zeros(0, np.uint64))
                below = self._below[(bits, prefix)]
                for rank in group["ranks"]:
                    self.found[rank] = int(ordered[rank - below])
            elif group["low"] == group["high"]:  # a single value, repeated (ties are common)
                self.found.update(dict.fromkeys(group["ranks"], group["low"]))
            else:
                self._narrow(bits, prefix, group["hist"], group["ranks"])

    def interval(self) -> tuple[float, float] | None:
        if self.n == 0:
            return None
        ends = []
        for percent in self.percents:
            low, high, gamma = self._neighbours(percent)
            a, b = _from_key(self.found[low]), _from_key(self.found[high])
            diff = b - a
            ends.append(b - diff * (1 - gamma) if gamma >= 0.5 else a + diff * gamma)  # as numpy's _lerp
        return float(ends[0]), float(ends[1])


def percentile_interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float] | None:
    """The percentile bootstrap interval of ``values``, ignoring undefined (NaN) resamples.

    None when the metric is undefined in every resample.
    """
    values = np.asarray(values, dtype=np.float64)
    values = values[~np.isnan(values)]
    if values.size == 0:
        return None
    tail = (1.0 - level) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return float(low), float(high)


def p_value(extreme: int, resamples: int) -> float:
    """The bootstrap p-value (k+1)/(B+1) from k of B resamples at least as extreme as observed.

    Never 0: with B resamples nothing below 1/(B+1) can be told apart (Davison & Hinkley 1997, 4.2).
    """
    return (extreme + 1) / (resamples + 1)


def paired_p_value(deltas: np.ndarray, observed: float) -> float:
    """Two-sided paired bootstrap p-value, :func:`p_value` of the resampled differences at least as
    far from the observed one as the observed one is from zero (the resamples centred under the
    null). Undefined (NaN) resamples are left out."""
    deltas = np.asarray(deltas, dtype=np.float64)
    deltas = deltas[~np.isnan(deltas)]
    return p_value(int(np.sum(np.abs(deltas - observed) >= abs(observed) - 1e-12)), deltas.size)
