"""Precision-recall curves (:mod:`alignbench.scoring.curve` computes the points) drawn with matplotlib
as SVG (for the page) or PDF/SVG (for papers). matplotlib is imported only when a curve is drawn (the ``explain`` extra).
"""

from __future__ import annotations

import io

from alignbench.scoring.curve import Curve

CURVE_FORMATS = ("svg", "pdf")


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
