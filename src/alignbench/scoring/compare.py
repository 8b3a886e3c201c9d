"""``alignbench compare``: paired bootstrap differences between two reports of the same data.

Both reports keep what a paired test needs without the prediction files: per-unit confusion counts
(every metric computed from decisions: link, strict, labeled, per-relation, macro) and the ranking
profile (``rank.AP``: :class:`alignbench.scoring.ranking.RankingProfile`). So the same resamples
(same seed, same units) are drawn for both systems, the metric is recomputed for each on every
resample (AP exactly, by :class:`~alignbench.scoring.ranking.ResampledAP`), and the difference B - A
gives a percentile CI and a two-sided p-value, (k+1)/(B+1), never 0. A metric with fewer than
``MIN_SUPPORT`` gold items behind it is "too few to test": no p-value.

Why the report keeps the ranking profile rather than compare taking prediction files: a comparison
then needs only the two reports that a paper's table came from (the committed baseline reports
included), as it does for every other metric; the profile holds no claim ids, texts or scores, only
unit indexes and counts, at most one pair per ranked candidate before the last sure link. A report
written before the profile was kept has none: ``rank.AP`` is then left out, and the comparison
says why. ``rank.MRR``, ``rank.R@k``, ``unique.*`` and ``ists.*`` are not compared.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from alignbench.records import RELATIONS, DataError, shorten
from alignbench.scoring.bootstrap import bootstrap, bootstrap_pair_metrics, p_value
from alignbench.scoring.comparison import Comparison
from alignbench.scoring.metrics import AP, MIN_SUPPORT, Metric, gold_support, pair_metrics, parse_metric
from alignbench.scoring.ranking import ResampledAP, profile_from_json
from alignbench.scoring.report import Report
from alignbench.scoring.subset import subset_label

__all__ = ["COMPARED", "Comparison", "comparable", "compare"]

#: What ``compare`` shows by default, in this order.
COMPARED = (
    "link.P",
    "link.R",
    "link.F1",
    "link.AER",
    "strict.F1",
    "labeled.F1",
    "macro.F1",
    "relation.F1@contradiction",
    "rank.AP",
)
#: Metric families that a paired test can recompute from a report (``rank.AP`` too).
COMPARABLE_FAMILIES = ("link", "strict", "labeled", "relation", "macro")


def comparable(name: str) -> bool:
    """Whether ``compare`` can test the metric ``name`` (from a report's counts or ranking profile)."""
    metric = parse_metric(name)
    return metric.family in COMPARABLE_FAMILIES or metric == AP


def compare(
    a: Report, b: Report, names: tuple[str, ...] | list[str] = COMPARED, *, min_support: int = MIN_SUPPORT
) -> Comparison:
    """B - A on the metrics ``names`` (comparable ones, :func:`comparable`), in that order.

    Each row: ``metric``, ``a``, ``b``, ``delta`` (B - A), ``ci_low``, ``ci_high`` (its 95%
    percentile interval), ``extreme`` and ``defined`` (k of B resamples with a defined difference at
    least as far from ``delta`` as ``delta`` is from 0), ``p`` ((k+1)/(B+1), two-sided; None when
    the metric has too few gold items to test), ``support`` (gold items behind the metric),
    ``min_support`` and ``too_few`` (``support`` below ``min_support``, :data:`MIN_SUPPORT`).
    ``ci_low`` and ``ci_high`` are None when no resample defines the difference.
    """
    if a.dataset.get("clusters") != b.dataset.get("clusters"):  # absent: the whole split
        raise DataError(
            f"the reports are on different clusters ({subset_label(a.dataset)} vs {subset_label(b.dataset)}): "
            "score both on the same clusters, or cut two whole-split reports with compare --cluster"
        )
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
    for name in names:
        if not comparable(name):
            raise DataError(
                f"{name} cannot be compared: a paired test needs link, strict, labeled, relation, macro or rank.AP"
            )
    macro = [rel for rel in RELATIONS if a.supports.get(f"gold.{rel}", 0) > 0]
    conf_a, conf_b = np.array(a.unit_confusion, dtype=np.float64), np.array(b.unit_confusion, dtype=np.float64)
    point_a = pair_metrics(conf_a.sum(axis=0).reshape(6, 6), macro)
    point_b = pair_metrics(conf_b.sum(axis=0).reshape(6, 6), macro)
    metrics: list[Metric] = [m for m in map(parse_metric, names) if m in point_a or m == AP]
    not_compared: dict[str, str] = {}
    if AP in metrics and (a.ranking is None or b.ranking is None):
        old = " and ".join(side for side, r in (("A", a), ("B", b)) if r.ranking is None)
        not_compared[str(AP)] = (
            f"report {old} keeps no ranking profile (written before alignbench kept one): evaluate it again"
        )
        metrics.remove(AP)
    values_a = {m: float(point_a[m]) if m != AP else float(a.metrics[str(AP)]) for m in metrics}
    values_b = {m: float(point_b[m]) if m != AP else float(b.metrics[str(AP)]) for m in metrics}
    observed = {m: values_b[m] - values_a[m] for m in metrics}
    ap_a = ResampledAP.from_profile(profile_from_json(a.ranking)) if AP in metrics else None
    ap_b = ResampledAP.from_profile(profile_from_json(b.ranking)) if AP in metrics else None

    def differences(weights: np.ndarray) -> dict[Metric, np.ndarray]:
        boot_a = bootstrap_pair_metrics(conf_a, weights, macro)
        boot_b = bootstrap_pair_metrics(conf_b, weights, macro)
        out = {m: boot_b[m] - boot_a[m] for m in metrics if m != AP}
        if ap_a is not None and ap_b is not None:
            out[AP] = ap_b(weights) - ap_a(weights)  # NaN where the resample draws no sure link
        return out

    summaries = bootstrap(differences, len(a.units), resamples, seed, observed=observed)
    rows = []
    for metric in metrics:
        summary = summaries[metric]
        low, high = summary.interval or (None, None)  # no resample in which the difference is defined
        support = gold_support(metric, a.supports) or 0
        too_few = support < min_support
        rows.append(
            {
                "metric": str(metric),
                "a": values_a[metric],
                "b": values_b[metric],
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
    boot = {key: a.bootstrap[key] for key in ("resamples", "seed", "level", "method", "unit")}
    return Comparison(
        a=_system(a),
        b=_system(b),
        dataset={k: a.dataset[k] for k in ("split", "dataset_version", "source_sha256", "clusters") if k in a.dataset},
        bootstrap={**boot, "n_units": len(a.units), "paired": True, "p": "two-sided, (k+1)/(B+1)"},
        rows=rows,
        not_compared=not_compared,
    )


def _system(report: Report) -> dict[str, Any]:
    """What a comparison says of each system: its name and how its decisions were made."""
    out = {"name": report.system.get("name")}
    for key in ("aligner", "decoder"):
        if key in report.system:
            out[key] = report.system[key]
    out["threshold"] = report.threshold.get("value")
    return out


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
