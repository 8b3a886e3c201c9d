"""``alignbench compare``: paired bootstrap differences between two reports of the same data.

Both reports keep per-unit confusion counts, so the same resamples (same seed, same units) can be
drawn for both systems: the difference B - A is computed on every resample, giving a percentile CI
and a two-sided p-value, (k+1)/(B+1), never 0. A metric with fewer than ``MIN_SUPPORT`` gold items
behind it is "too few to test": no p-value. Covered: every metric computed from the confusion counts (link, strict,
labeled, per-relation, macro). ``rank.AP`` is not decomposable by unit and is not compared.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from alignbench.records import RELATIONS, DataError, shorten
from alignbench.scoring.bootstrap import bootstrap, bootstrap_pair_metrics, p_value
from alignbench.scoring.metrics import MIN_SUPPORT, Metric, gold_support, pair_metrics
from alignbench.scoring.report import Report

COMPARED = (
    "link.P",
    "link.R",
    "link.F1",
    "link.AER",
    "strict.F1",
    "labeled.F1",
    "macro.F1",
    "relation.F1@contradiction",
)


def compare(
    a: Report, b: Report, names: tuple[str, ...] = COMPARED, *, min_support: int = MIN_SUPPORT
) -> list[dict[str, Any]]:
    """Rows for B - A on the metrics ``names``, in that order.

    Each row: ``metric``, ``a``, ``b``, ``delta`` (B - A), ``ci_low``, ``ci_high`` (its 95%
    percentile interval), ``extreme`` and ``defined`` (k of B resamples with a defined difference at
    least as far from ``delta`` as ``delta`` is from 0), ``p`` ((k+1)/(B+1), two-sided; None when
    the metric has too few gold items to test), ``support`` (gold items behind the metric),
    ``min_support`` and ``too_few`` (``support`` below ``min_support``, :data:`MIN_SUPPORT`).
    """
    for key in ("source_sha256", "split"):
        if a.dataset.get(key) != b.dataset.get(key):
            raise DataError(
                f"the reports are on different data ({key} {shorten(a.dataset.get(key), 40)} vs "
                f"{shorten(b.dataset.get(key), 40)})"
            )
    if a.metric_version != b.metric_version:
        raise DataError(
            f"the reports use different metric versions ({shorten(a.metric_version, 20)} vs "
            f"{shorten(b.metric_version, 20)})"
        )
    _check_same_resamples(a, b)
    resamples, seed = a.bootstrap["resamples"], a.bootstrap["seed"]
    if resamples <= 0:
        raise DataError("the first report was made without bootstrap resamples")
    macro = [rel for rel in RELATIONS if a.supports.get(f"gold.{rel}", 0) > 0]
    conf_a, conf_b = np.array(a.unit_confusion, dtype=np.float64), np.array(b.unit_confusion, dtype=np.float64)
    point_a = pair_metrics(conf_a.sum(axis=0).reshape(6, 6), macro)
    point_b = pair_metrics(conf_b.sum(axis=0).reshape(6, 6), macro)
    metrics = sorted((m for m in point_a if str(m) in names), key=lambda m: names.index(str(m)))
    observed = {m: float(point_b[m] - point_a[m]) for m in metrics}

    def differences(weights: np.ndarray) -> dict[Metric, np.ndarray]:
        boot_a = bootstrap_pair_metrics(conf_a, weights, macro)
        boot_b = bootstrap_pair_metrics(conf_b, weights, macro)
        return {m: boot_b[m] - boot_a[m] for m in metrics}

    summaries = bootstrap(differences, len(a.units), resamples, seed, observed=observed)
    rows = []
    for metric in metrics:
        summary = summaries[metric]
        low, high = summary.interval or (float("nan"), float("nan"))
        support = gold_support(metric, a.supports) or 0
        too_few = support < min_support
        rows.append(
            {
                "metric": str(metric),
                "a": float(point_a[metric]),
                "b": float(point_b[metric]),
                "delta": observed[metric],
                "ci_low": low,
                "ci_high": high,
                "extreme": summary.extreme,
                "defined": summary.defined,
                "p": None if too_few else p_value(summary.extreme, summary.defined),
                "support": support,
                "min_support": min_support,
                "too_few": too_few,
            }
        )
    return rows


def _check_same_resamples(a: Report, b: Report) -> None:
    """Both reports must have been bootstrapped alike: the comparison redraws A's resamples for B."""
    for key in ("resamples", "seed", "unit"):
        if a.bootstrap[key] != b.bootstrap[key]:
            raise DataError(
                f"the reports were bootstrapped differently ({key} {shorten(a.bootstrap[key], 40)} vs "
                f"{shorten(b.bootstrap[key], 40)}): evaluate both with the same --resamples and --seed"
            )
    if a.units != b.units:
        if len(a.units) != len(b.units):
            what = f"{len(a.units)} vs {len(b.units)} units"
        else:
            i = next(i for i, (x, y) in enumerate(zip(a.units, b.units, strict=True)) if x != y)
            what = f"unit {i} is {shorten(a.units[i], 40)} vs {shorten(b.units[i], 40)}"
        raise DataError(f"the reports resample different units ({what}): evaluate both on the same data and version")
