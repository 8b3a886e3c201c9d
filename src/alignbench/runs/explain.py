"""``alignbench explain``: a run (a prediction file or an aligner), scored and shown as an error-analysis
page, with its precision-recall curve; optionally a second prediction file beside it.

The pieces are the harness's own: :func:`~alignbench.runs.baselines.run_aligner` and
:func:`~alignbench.scoring.predictions.read_predictions` make the predictions,
:func:`~alignbench.scoring.evaluate.evaluate` the report, :mod:`alignbench.runs.explain_data` the page data,
:mod:`alignbench.views.curve` the curve and :mod:`alignbench.views.page` the HTML.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from alignbench.records import Benchmark
from alignbench.runs.baselines import RunConfig, report_of_run, run_aligner
from alignbench.runs.explain_data import dense
from alignbench.scoring.curve import Curve, pr_curve
from alignbench.scoring.evaluate import evaluate
from alignbench.scoring.predictions import PredictionArrays
from alignbench.scoring.report import Report
from alignbench.scoring.space import CandidateSpace


class Run(NamedTuple):
    """One system's predictions, its report and its decision threshold (None for a prediction file)."""

    name: str
    predictions: PredictionArrays
    report: Report
    threshold: float | None


def aligner_run(
    config: RunConfig,
    bench: Benchmark,
    space: CandidateSpace,
    dataset: dict[str, Any],
    whole: Benchmark | None = None,
    **options: Any,
) -> Run:
    """Run ``config``'s aligner once and score it (``options``: split, resamples, seed); ``whole``:
    the whole split when ``bench`` is a cluster subset (the aligner is fitted on it)."""
    from alignbench.aligners import get_aligner

    aligner = get_aligner(config.aligner, **config.params)
    preds = run_aligner(aligner, whole if whole is not None else bench, config, space)
    report = report_of_run(aligner, config, bench, preds, dataset, space, **options)
    return Run(config.name, preds, report, report.threshold["value"])


def prediction_run(
    path: str,
    name: str | None,
    bench: Benchmark,
    space: CandidateSpace,
    dataset: dict[str, Any],
    whole: Benchmark | None = None,
    **options: Any,
) -> Run:
    """Read and score a prediction file; the system is named ``name`` or the file's name. ``whole``:
    the whole split when ``bench`` is a cluster subset (the file is checked against it)."""
    from alignbench.fileio import sha256_file
    from alignbench.scoring.subset import read_subset_predictions

    preds = read_subset_predictions(path, whole if whole is not None else bench, space)
    system = {"name": name or path, "params": {}, "predictions_sha256": sha256_file(path)}
    report = evaluate(bench, preds, system=system, dataset=dataset, space=space, **options)
    return Run(system["name"], preds, report, None)


def curves(space: CandidateSpace, runs: list[Run]) -> list[Curve]:
    """The precision-recall curve of each run."""
    return [pr_curve(run.name, space.gold, *dense(space, run.predictions), run.threshold) for run in runs]
