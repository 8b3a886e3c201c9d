"""Metrics v1: pure functions over gold and predicted arrays of the candidate space.

Notation (pooled over all article pairs of the split): G = gold links, S = sure links (G minus
``related``), D = decided links (predicted label not ``none``).

- ``link.P = |D∩G|/|D|``, ``link.R = |D∩S|/|S|``, ``link.AER = 1 - (|D∩S| + |D∩G|)/(|D| + |S|)``
  (sure/possible scoring, Och & Ney 2003: ``related`` links are neither required nor punished).
- ``strict.*``: every gold link counts as sure: ``P = |D∩G|/|D|``, ``R = |D∩G|/|G|``.
- ``labeled.*``: a decided link counts only if its relation equals the gold relation, over G.
- ``relation.*@r``: per relation r; ``macro.F1`` averages ``relation.F1`` over the relations with
  gold support; ``relation.F1@contradiction`` is the headline contradiction score.
- ``rank.AP``: average precision of the ranking by score over the whole candidate space, positives
  S, ``related`` candidates left out of the ranking; ``rank.MRR`` and ``rank.R@k`` per query claim
  with at least one sure link, in both directions. Absent candidates rank below every present one;
  ties are broken pessimistically (gold after equal scores).
- ``unique.*``: claims predicted to have no decided link vs claims with no gold link.

Division by zero gives 0 (as scikit-learn's ``zero_division=0``); every F1 is ``2PR/(P+R)``.
Nothing rounds: only the report formatters do.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Hashable, Iterator
from typing import Any, NamedTuple, TypeVar

import numpy as np

from alignbench.records import LABELS, RELATIONS

METRIC_VERSION = "1"
K = TypeVar("K", bound=Hashable)
NONE = LABELS.index("none")
RELATED = LABELS.index("related")
N_LABELS = len(LABELS)
N_SURE = 4  # the first four labels are the sure relations

_MEASURES = {
    "link": ("P", "R", "F1", "AER"),
    "strict": ("P", "R", "F1"),
    "labeled": ("P", "R", "F1"),
    "relation": ("P", "R", "F1"),
    "macro": ("F1",),
    "rank": ("AP", "MRR", "R"),
    "unique": ("P", "R", "F1"),
}
_METRIC_RE = re.compile(r"^([a-z]+)\.([A-Za-z0-9]+)(?:@(.+))?$")


class Metric(NamedTuple):
    """A metric name: ``family.measure[@param]``, e.g. ``relation.F1@contradiction``, ``rank.R@3``."""

    family: str
    measure: str
    param: str | None = None

    def __str__(self) -> str:
        return f"{self.family}.{self.measure}" + (f"@{self.param}" if self.param is not None else "")


def parse_metric(text: str) -> Metric:
    """Parse a metric name; ``parse_metric(str(m)) == m``. ValueError names what is wrong."""
    match = _METRIC_RE.match(text.strip())
    if not match:
        raise ValueError(f"bad metric name {text!r} (expected family.measure[@param], e.g. link.F1)")
    family, measure, param = match.groups()
    if family not in _MEASURES:
        raise ValueError(f"unknown metric family {family!r} in {text!r} (expected one of {', '.join(_MEASURES)})")
    if measure not in _MEASURES[family]:
        raise ValueError(f"unknown measure {measure!r} for {family!r} (expected one of {', '.join(_MEASURES[family])})")
    if family == "relation" and param not in RELATIONS:
        raise ValueError(f"{text!r}: relation metrics need @RELATION, one of {', '.join(RELATIONS)}")
    if family == "rank" and measure == "R":
        if param is None or not param.isdigit() or int(param) < 1:
            raise ValueError(f"{text!r}: recall needs a cut-off, e.g. rank.R@3")
    elif family != "relation" and param is not None:
        raise ValueError(f"{text!r}: {family}.{measure} takes no @ parameter")
    return Metric(family, measure, param)


LINK_F1 = Metric("link", "F1")
LABELED_F1 = Metric("labeled", "F1")
CONTRADICTION_F1 = Metric("relation", "F1", "contradiction")
AP = Metric("rank", "AP")
RECALL_CUTOFFS = (1, 3)

ALL_METRICS: tuple[Metric, ...] = (
    *(Metric("link", m) for m in _MEASURES["link"]),
    *(Metric("strict", m) for m in _MEASURES["strict"]),
    *(Metric("labeled", m) for m in _MEASURES["labeled"]),
    Metric("macro", "F1"),
    *(Metric("relation", m, r) for r in RELATIONS for m in _MEASURES["relation"]),
    AP,
    Metric("rank", "MRR"),
    *(Metric("rank", "R", str(k)) for k in RECALL_CUTOFFS),
    *(Metric("unique", m) for m in _MEASURES["unique"]),
)


def metric_names(selection: list[Metric] | None = None) -> list[str]:
    """Names of the metrics to show, in canonical order (all by default)."""
    return [str(m) for m in (selection or ALL_METRICS)]


def _ratio(num: np.ndarray, den: np.ndarray, undefined: float = 0.0) -> np.ndarray:
    num, den = np.asarray(num, dtype=np.float64), np.asarray(den, dtype=np.float64)
    return np.divide(num, den, out=np.full(np.broadcast(num, den).shape, undefined), where=den != 0)


def _div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    return _ratio(num, den)


def _f1(p: np.ndarray, r: np.ndarray) -> np.ndarray:
    """2PR/(P+R); 0 when P = R = 0. Undefined (NaN) only when both are: one undefined side counts 0."""
    p, r = np.asarray(p, dtype=np.float64), np.asarray(r, dtype=np.float64)
    both = np.isnan(p) & np.isnan(r)
    p0, r0 = np.nan_to_num(p), np.nan_to_num(r)
    return np.where(both, np.nan, _div(2 * p0 * r0, p0 + r0))


def confusion(gold: np.ndarray, pred: np.ndarray, groups: np.ndarray | None = None, n_groups: int = 1) -> np.ndarray:
    """Counts of (gold label, predicted label) pairs, shape (6, 6), or (n_groups, 6, 6) by group."""
    cell = gold.astype(np.int64) * N_LABELS + pred.astype(np.int64)
    if groups is None:
        return np.bincount(cell, minlength=N_LABELS**2).reshape(N_LABELS, N_LABELS)
    flat = np.bincount(groups.astype(np.int64) * N_LABELS**2 + cell, minlength=n_groups * N_LABELS**2)
    return flat.reshape(n_groups, N_LABELS, N_LABELS)


def pair_metrics(
    conf: np.ndarray, macro_relations: list[str] | None = None, undefined: float = 0.0
) -> dict[Metric, np.ndarray]:
    """Link, strict, labeled, per-relation and macro scores from confusion matrices (..., 6, 6).

    ``macro_relations`` fixes the relations averaged by ``macro.F1`` (default: those with gold
    support in ``conf``). ``undefined`` is the value of a ratio with a zero denominator: 0 for
    reported values, NaN inside the bootstrap, where such resamples are left out of the interval.
    """
    conf = np.asarray(conf, dtype=np.float64)

    def _div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
        return _ratio(num, den, undefined)

    decided = conf[..., :, :NONE].sum(axis=(-1, -2))
    gold = conf[..., :NONE, :].sum(axis=(-1, -2))
    sure = conf[..., :N_SURE, :].sum(axis=(-1, -2))
    hit = conf[..., :NONE, :NONE].sum(axis=(-1, -2))
    hit_sure = conf[..., :N_SURE, :NONE].sum(axis=(-1, -2))
    same = np.trace(conf[..., :NONE, :NONE], axis1=-2, axis2=-1)
    out: dict[Metric, np.ndarray] = {}
    p, r = _div(hit, decided), _div(hit_sure, sure)
    out[Metric("link", "P")], out[Metric("link", "R")], out[Metric("link", "F1")] = p, r, _f1(p, r)
    out[Metric("link", "AER")] = 1.0 - _div(hit_sure + hit, decided + sure)
    p, r = _div(hit, decided), _div(hit, gold)
    out[Metric("strict", "P")], out[Metric("strict", "R")], out[Metric("strict", "F1")] = p, r, _f1(p, r)
    p, r = _div(same, decided), _div(same, gold)
    out[Metric("labeled", "P")], out[Metric("labeled", "R")], out[Metric("labeled", "F1")] = p, r, _f1(p, r)
    for i, rel in enumerate(RELATIONS):
        p = _div(conf[..., i, i], conf[..., :, i].sum(axis=-1))
        r = _div(conf[..., i, i], conf[..., i, :].sum(axis=-1))
        out[Metric("relation", "P", rel)], out[Metric("relation", "R", rel)] = p, r
        out[Metric("relation", "F1", rel)] = _f1(p, r)
    if macro_relations is None:
        support = conf[..., :NONE, :].sum(axis=-1)
        macro_relations = [rel for i, rel in enumerate(RELATIONS) if np.all(support[..., i] > 0)]
    f1s = np.array([out[Metric("relation", "F1", rel)] for rel in macro_relations])
    if not len(f1s):
        out[Metric("macro", "F1")] = np.full(np.shape(decided), undefined)
    elif np.isnan(undefined):
        # a resample may lack a relation: average over the relations defined in it
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            out[Metric("macro", "F1")] = np.nanmean(f1s, axis=0)
    else:
        out[Metric("macro", "F1")] = np.mean(f1s, axis=0)
    return out


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


def set_scores(predicted: np.ndarray, gold: np.ndarray) -> tuple[float, float, float]:
    """Precision, recall and F1 of a predicted boolean set against a gold boolean set."""
    tp = float(np.sum(predicted & gold))
    p, r = float(_div(tp, predicted.sum())), float(_div(tp, gold.sum()))
    return p, r, float(_f1(np.float64(p), np.float64(r)))


# --- uncertainty ------------------------------------------------------------------------------

#: Bytes the bootstrap's working arrays may take, whatever the number of resamples: resamples are
#: drawn and scored in chunks, and beyond what fits the intervals are found by exact selection in
#: a few passes over the (re-drawn, identical) resamples instead of by sorting all of them.
BOOTSTRAP_MEMORY = 32 * 2**20


def _memory(memory: int | None) -> int:
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
    return max(1, _memory(memory) // 4 // (8 * (4 * n_units + 256)))


def bootstrap_pair_metrics(
    unit_conf: np.ndarray, weights: np.ndarray, macro_relations: list[str]
) -> dict[Metric, np.ndarray]:
    """Pair metrics of every resample (NaN where undefined): weighted sums of per-unit confusions."""
    n_units = unit_conf.shape[0]
    conf = (weights @ np.asarray(unit_conf, dtype=np.float64).reshape(n_units, -1)).reshape(-1, N_LABELS, N_LABELS)
    return pair_metrics(conf, macro_relations, undefined=np.nan)


class ResampledAP:
    """AP of resamples of one ranking, exactly, without re-sorting: resampling units only reweights
    ranks. The ranking is prepared once; calling it with a chunk of weights gives their APs.

    In ranked order, let A and T be the resample's weighted counts of all candidates and of
    positives strictly before positive p (tied negatives come first), and w the number of times its
    unit was drawn. Its w copies sit together and contribute sum_{j=1..w} (T+j)/(A+j)
    = w - (A-T) * (digamma(A+w+1) - digamma(A+1)). AP is the sum over positives divided by the
    resample's number of positives. (Equal to AP on the data with units replicated; tested.) A
    resample without a positive has no AP: NaN, left out of the interval like an undefined ratio.
    """

    def __init__(
        self, score: np.ndarray, positive: np.ndarray, ignore: np.ndarray, unit: np.ndarray, memory: int | None = None
    ):
        keep = ~ignore
        score, positive, unit = score[keep], positive[keep], unit[keep]
        order = ranking_order(score, positive)
        positive, unit = positive[order], unit[order]
        self.pos_at = np.flatnonzero(positive)
        self.pos_unit = unit[self.pos_at]
        self.by_unit = np.argsort(unit, kind="stable")  # positions of each unit's candidates, ascending
        self.unit = unit
        self.elements = _memory(memory) // 64  # ~8 float64 arrays of (positives x resamples) at once

    def __call__(self, weights: np.ndarray) -> np.ndarray:
        from scipy.special import digamma

        n_boot, n_units = weights.shape
        pos_at, pos_unit, by_unit = self.pos_at, self.pos_unit, self.by_unit
        if pos_at.size == 0:
            return np.full(n_boot, np.nan)
        bounds = np.searchsorted(self.unit[by_unit], np.arange(n_units + 1))
        total = np.zeros(n_boot)
        chunk = max(1, self.elements // max(n_units, n_boot, 1))
        for start in range(0, pos_at.size, chunk):
            at, units_here = pos_at[start : start + chunk], pos_unit[start : start + chunk]
            all_before = np.empty((at.size, n_units))
            for u in range(n_units):
                all_before[:, u] = np.searchsorted(by_unit[bounds[u] : bounds[u + 1]], at, side="left")
            tp_before = np.zeros((at.size, n_units))
            tp_before[np.arange(at.size), units_here] = 1
            tp_before = np.cumsum(tp_before, axis=0) - tp_before + _tp_before(pos_unit[:start], n_units)
            a = all_before @ weights.T  # (positives x resamples)
            t = tp_before @ weights.T
            w = weights[:, units_here].T
            total += np.sum(w - (a - t) * (digamma(a + w + 1) - digamma(a + 1)), axis=0)
        return _ratio(total, weights[:, pos_unit].sum(axis=1), undefined=np.nan)  # no sure link drawn: undefined


def bootstrap_average_precision(
    score: np.ndarray, positive: np.ndarray, ignore: np.ndarray, unit: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """AP of every resample (rows of ``weights``), exactly, NaN without a positive: see :class:`ResampledAP`."""
    return ResampledAP(score, positive, ignore, unit)(weights)


def _tp_before(units: np.ndarray, n_units: int) -> np.ndarray:
    """Positives per unit among the positives already processed (earlier chunks)."""
    return np.bincount(units, minlength=n_units).astype(np.float64)


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
    budget = _memory(memory)
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


#: Fewest gold items a metric's denominator must hold for its interval to be read, or a difference
#: on it tested: below, reports mark it and ``compare`` gives no p-value ("too few to test").
MIN_SUPPORT = 10


def gold_support(metric: Metric | str, supports: dict[str, int]) -> int | None:
    """The gold items behind a metric (its recall-side denominator; P, F1 and AER share it).

    ``link.*`` and ``rank.AP``: sure links; ``strict.*`` and ``labeled.*``: gold links;
    ``relation.*@r``: gold links of relation r; ``macro.F1``: the smallest of those among the
    relations it averages; ``rank.MRR`` and ``rank.R@k``: query claims; ``unique.*``: claims with no
    gold link. None for a name that is not a metric.
    """
    try:
        m = parse_metric(metric) if isinstance(metric, str) else metric
    except ValueError:
        return None
    if m.family == "macro":
        return min((v for rel in RELATIONS if (v := supports.get(f"gold.{rel}", 0)) > 0), default=0)
    key = {
        "link": "sure_links",
        "strict": "gold_links",
        "labeled": "gold_links",
        "relation": f"gold.{m.param}",
        "rank": "sure_links" if m.measure == "AP" else "query_claims",
        "unique": "gold_unique_claims",
    }[m.family]
    return int(supports.get(key, 0))


def too_few_to_test(names: list[str], supports: dict[str, int], minimum: int = MIN_SUPPORT) -> list[str]:
    """The metrics among ``names`` whose :func:`gold_support` is below ``minimum``."""
    return [n for n in names if (support := gold_support(n, supports)) is not None and support < minimum]
