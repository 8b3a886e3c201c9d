"""The ``alignbench explain`` outputs: the runs of :mod:`alignbench.runs.explain` drawn as a PR-curve figure
and as the self-contained HTML page. Rendering only."""

from __future__ import annotations

from alignbench.records import Benchmark
from alignbench.runs.explain import Run, curves
from alignbench.runs.explain_data import explain_data
from alignbench.scoring.space import CandidateSpace
from alignbench.views.curve import plot_curves


def curve_file(space: CandidateSpace, runs: list[Run], fmt: str, split: str) -> bytes:
    """The runs' curves as a PDF or SVG figure for a paper."""
    return plot_curves(curves(space, runs), fmt, f"Precision-recall of the ranking, split {split}")


def page(bench: Benchmark, space: CandidateSpace, runs: list[Run], split: str) -> str:
    """The self-contained HTML page of the runs (the first is the one analysed; a second is compared)."""
    from alignbench.views.page import render_page

    data = explain_data(bench, space, [(run.name, run.predictions) for run in runs], runs[0].threshold)
    svg = plot_curves(curves(space, runs), "svg")
    return render_page(data, [run.report for run in runs], svg, split)
