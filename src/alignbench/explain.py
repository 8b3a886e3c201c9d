"""``alignbench explain``: a run (a prediction file or an aligner), scored and shown as an error-analysis
page, with its precision-recall curve; optionally a second prediction file beside it.

The pieces are the harness's own: :func:`~alignbench.baselines.run_aligner` and
:func:`~alignbench.scoring.predictions.read_predictions` make the predictions,
:func:`~alignbench.scoring.evaluate.evaluate` the report, :mod:`alignbench.views.explain` the page data,
:mod:`alignbench.views.curve` the curve and :mod:`alignbench.views.page` the HTML.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from alignbench.baselines import RunConfig, run_aligner, system_info
from alignbench.records import Benchmark
from alignbench.scoring.evaluate import evaluate
from alignbench.scoring.predictions import PredictionArrays, read_predictions
from alignbench.scoring.space import CandidateSpace
from alignbench.views.curve import Curve, plot_curves, pr_curve
from alignbench.views.explain import dense, explain_data
from alignbench.views.report import Report


class Run(NamedTuple):
    """One system's predictions, its report and its decision threshold (None for a prediction file)."""

    name: str
    predictions: PredictionArrays
    report: Report
    threshold: float | None


def aligner_run(
    config: RunConfig, bench: Benchmark, space: CandidateSpace, dataset: dict[str, Any], **options: Any
) -> Run:
    """Run ``config``'s aligner once and score it (``options``: split, resamples, seed)."""
    from alignbench.aligners import get_aligner

    aligner = get_aligner(config.aligner, **config.params)
    preds = run_aligner(aligner, bench, config, space)
    threshold = {"value": config.threshold, "origin": config.threshold_origin}
    report = evaluate(
        bench, preds, system=system_info(config, aligner), threshold=threshold, dataset=dataset, space=space, **options
    )
    return Run(config.name, preds, report, config.threshold)


def prediction_run(
    path: str, name: str | None, bench: Benchmark, space: CandidateSpace, dataset: dict[str, Any], **options: Any
) -> Run:
    """Read and score a prediction file; the system is named ``name`` or the file's name."""
    from alignbench.fileio import sha256_file

    preds = read_predictions(path, space)
    system = {"name": name or path, "params": {}, "predictions_sha256": sha256_file(path)}
    report = evaluate(bench, preds, system=system, dataset=dataset, space=space, **options)
    return Run(system["name"], preds, report, None)


def curves(space: CandidateSpace, runs: list[Run]) -> list[Curve]:
    """The precision-recall curve of each run."""
    return [pr_curve(run.name, space.gold, *dense(space, run.predictions), run.threshold) for run in runs]


def curve_file(space: CandidateSpace, runs: list[Run], fmt: str, split: str) -> bytes:
    """The runs' curves as a PDF or SVG figure for a paper."""
    return plot_curves(curves(space, runs), fmt, f"Precision-recall of the ranking, split {split}")


def page(bench: Benchmark, space: CandidateSpace, runs: list[Run], split: str) -> str:
    """The self-contained HTML page of the runs (the first is the one analysed; a second is compared)."""
    from alignbench.views.page import render_page

    data = explain_data(bench, space, [(run.name, run.predictions) for run in runs], runs[0].threshold)
    svg = plot_curves(curves(space, runs), "svg")
    return render_page(data, [run.report for run in runs], svg, split)
