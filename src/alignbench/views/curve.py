"""Precision-recall curves of a run's ranking (positives: sure links; possible links left out, as in
``rank.AP``), drawn with matplotlib as SVG (for the page) or PDF/SVG (for papers).

The points are the precision and recall at each sure link's rank, with ties broken pessimistically
like :func:`~alignbench.scoring.ranking.average_precision`: their mean precision is the run's AP.
matplotlib is imported only when a curve is drawn (the ``explain`` extra).
"""

from __future__ import annotations

import io
from typing import NamedTuple

import numpy as np

from alignbench.records import LABELS
from alignbench.scoring.ranking import ranking_order

NONE = LABELS.index("none")
RELATED = LABELS.index("related")
#: At most this many points are drawn per curve (evenly spaced over the sure links).
MAX_POINTS = 2000
CURVE_FORMATS = ("svg", "pdf")


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


def plot_curves(curves: list[Curve], fmt: str = "svg", title: str | None = None) -> bytes:
    """The curves drawn as one figure, as SVG or PDF bytes (deterministic: no dates, fixed ids)."""
    from matplotlib import rc_context

    # stable element ids; text as paths, so no font files are needed to view it
    with rc_context({"svg.hashsalt": "alignbench", "svg.fonttype": "path", "pdf.fonttype": 42}):
        return _plot(curves, fmt, title)


def _plot(curves: list[Curve], fmt: str, title: str | None) -> bytes:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(5.0, 3.8), layout="constrained")
    ax = fig.add_subplot()
    colours = ("#1f5fa8", "#c0392b")
    for i, curve in enumerate(curves):
        colour = colours[i % len(colours)]
        ax.step(curve.recall, curve.precision, where="post", color=colour, label=f"{curve.name} (AP {curve.ap:.3f})")
        if curve.at_threshold is not None:
            r, p = curve.at_threshold
            ax.plot(
                [r], [p], "o", color=colour, markersize=7, label=f"score ≥ {curve.threshold:g} (P {p:.2f}, R {r:.2f})"
            )
        if curve.decisions is not None:
            r, p = curve.decisions
            ax.plot([r], [p], "x", color=colour, markersize=9, mew=2, label=f"decided links (P {p:.2f}, R {r:.2f})")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("recall (sure links)")
    ax.set_ylabel("precision")
    ax.grid(alpha=0.3)
    ax.set_title(title or "Precision-recall of the ranking", fontsize=10)
    ax.legend(fontsize=7, loc="lower left")
    out = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {"CreationDate": None, "ModDate": None}
    fig.savefig(out, format=fmt, metadata=metadata)
    return out.getvalue()
