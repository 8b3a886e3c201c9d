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
- ``ists.F1Ali``, ``ists.F1Type``: the iSTS task's token-level alignment F1 and alignbench's
  mapped type F1 (:mod:`alignbench.scoring.ists`), only in reports on an iSTS import.

Division by zero gives 0 (as scikit-learn's ``zero_division=0``); every F1 is ``2PR/(P+R)``.
Nothing rounds: only the report formatters do.

This module holds the names and the pair (confusion-based) metrics; the ranking metrics are in
:mod:`alignbench.scoring.ranking` and the bootstrap in :mod:`alignbench.scoring.bootstrap`.
"""

from __future__ import annotations

import re
import warnings
from typing import NamedTuple

import numpy as np

from alignbench.records import LABELS, RELATIONS

METRIC_VERSION = "1"
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
    "ists": ("F1Ali", "F1Type"),
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
#: The iSTS task's own measure (:mod:`alignbench.scoring.ists`), reported on iSTS imports only.
ISTS_METRICS: tuple[Metric, ...] = tuple(Metric("ists", m) for m in _MEASURES["ists"])
ALL_METRICS += ISTS_METRICS


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


def set_scores(predicted: np.ndarray, gold: np.ndarray) -> tuple[float, float, float]:
    """Precision, recall and F1 of a predicted boolean set against a gold boolean set."""
    tp = float(np.sum(predicted & gold))
    p, r = float(_div(tp, predicted.sum())), float(_div(tp, gold.sum()))
    return p, r, float(_f1(np.float64(p), np.float64(r)))


#: Fewest gold items a metric's denominator must hold for its interval to be read, or a difference
#: on it tested: below, reports mark it and ``compare`` gives no p-value ("too few to test").
MIN_SUPPORT = 10


def gold_support(metric: Metric | str, supports: dict[str, int]) -> int | None:
    """The gold items behind a metric (its recall-side denominator; P, F1 and AER share it).

    ``link.*`` and ``rank.AP``: sure links; ``strict.*`` and ``labeled.*``: gold links;
    ``relation.*@r``: gold links of relation r; ``macro.F1``: the smallest of those among the
    relations it averages; ``rank.MRR`` and ``rank.R@k``: query claims; ``unique.*``: claims with no
    gold link; ``ists.*``: sentence pairs. None for a name that is not a metric.
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
        "ists": "ists.sentence_pairs",
    }[m.family]
    return int(supports.get(key, 0))


def too_few_to_test(names: list[str], supports: dict[str, int], minimum: int = MIN_SUPPORT) -> list[str]:
    """The metrics among ``names`` whose :func:`gold_support` is below ``minimum``."""
    return [n for n in names if (support := gold_support(n, supports)) is not None and support < minimum]
