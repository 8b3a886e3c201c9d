"""Precision-recall curves of a run's ranking (positives: sure links; possible links left out, as in
``rank.AP``): the points that :mod:`alignbench.views.curve` draws.

The points are the precision and recall at each sure link's rank, with ties broken pessimistically
like :func:`~alignbench.scoring.ranking.average_precision`: their mean precision is the run's AP.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from alignbench.records import LABELS
from alignbench.scoring.ranking import ranking_order

NONE = LABELS.index("none")
RELATED = LABELS.index("related")
#: At most this many points are drawn per curve (evenly spaced over the sure links).
MAX_POINTS = 2000


class Curve(NamedTuple):
    """One system's curve and its operating points (None where there is nothing to mark)."""

    name: str
    recall: np.ndarray
    precision: np.ndarray
    ap: float
    threshold: float | None
    at_threshold: tuple[float, float] | None  # (recall, precision) of the candidates scoring >= threshold
    decisions: tuple[float, float] | None  # (recall, precision) of the decided links


def pr_curve(name: str, gold: np.ndarray, score: np.ndarray, label: np.ndarray, threshold: float | None) -> Curve:
    """The curve of ``score`` (absent: -inf, ranked last) against the sure links of ``gold``."""
    keep = gold != RELATED
    gold, score, label = gold[keep], score[keep], label[keep]
    positive = gold != NONE
    n_pos = int(positive.sum())
    ranked = ranking_order(score, positive)
    hits = positive[ranked]  # unscored candidates rank last (ties pessimistic), as in rank.AP
    tp = np.cumsum(hits)
    at = np.flatnonzero(hits)
    precision = tp[at] / (at + 1) if n_pos else np.zeros(0)
    recall = tp[at] / n_pos if n_pos else np.zeros(0)
    ap = float(precision.sum() / n_pos) if n_pos else 0.0
    if len(at) > MAX_POINTS:
        pick = np.unique(np.linspace(0, len(at) - 1, MAX_POINTS).round().astype(int))
        precision, recall = precision[pick], recall[pick]

    def point(chosen: np.ndarray) -> tuple[float, float] | None:
        n = int(chosen.sum())
        if not n or not n_pos:
            return None
        found = int((chosen & positive).sum())
        return found / n_pos, found / n

    at_threshold = point(score >= threshold) if threshold is not None else None
    return Curve(name, recall, precision, ap, threshold, at_threshold, point(label != NONE))
