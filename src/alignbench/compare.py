"""``alignbench compare``: paired bootstrap differences between two reports of the same data.

Both reports keep per-unit confusion counts, so the same resamples (same seed, same units) can be
drawn for both systems: the difference B - A is computed on every resample, giving a percentile CI
and a two-sided p-value. Covered: every metric computed from the confusion counts (link, strict,
labeled, per-relation, macro). ``rank.AP`` is not decomposable by unit and is not compared.
"""

from __future__ import annotations

import numpy as np

from alignbench.metrics import Metric, bootstrap, bootstrap_pair_metrics, pair_metrics
from alignbench.records import RELATIONS, DataError, shorten
from alignbench.report import Report

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


def compare(a: Report, b: Report, names: tuple[str, ...] = COMPARED) -> list[dict[str, float | str]]:
    """Rows ``{metric, a, b, delta, ci_low, ci_high, p}`` for B - A on the metrics ``names``."""
    for key in ("source_sha256", "split"):
        if a.dataset.get(key) != b.dataset.get(key):
            raise DataError(
                f"the reports are on different data ({key} {a.dataset.get(key)!r} vs {b.dataset.get(key)!r})"
            )
    if a.metric_version != b.metric_version:
        raise DataError(f"the reports use different metric versions ({a.metric_version} vs {b.metric_version})")
    _check_same_resamples(a, b)
    resamples, seed = a.bootstrap["resamples"], a.bootstrap["seed"]
    if resamples <= 0:
        raise DataError("the first report was made without bootstrap resamples")
    macro = [rel for rel in RELATIONS if a.supports.get(f"gold.{rel}", 0) > 0]
    conf_a, conf_b = np.array(a.unit_confusion, dtype=np.float64), np.array(b.unit_confusion, dtype=np.float64)
    point_a = pair_metrics(conf_a.sum(axis=0).reshape(6, 6), macro)
    point_b = pair_metrics(conf_b.sum(axis=0).reshape(6, 6), macro)
    metrics = [m for m in point_a if str(m) in names]
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
        rows.append(
            {
                "metric": str(metric),
                "a": float(point_a[metric]),
                "b": float(point_b[metric]),
                "delta": observed[metric],
                "ci_low": low,
                "ci_high": high,
                "p": summary.extreme / summary.defined if summary.defined else 1.0,
            }
        )
    return sorted(rows, key=lambda r: names.index(str(r["metric"])))


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


def format_comparison(a: Report, b: Report, rows: list[dict[str, float | str]]) -> str:
    """A terminal table of :func:`compare` rows."""
    lines = [
        f"A = {a.system.get('name')}, B = {b.system.get('name')}; paired percentile bootstrap, "
        f"{a.bootstrap['resamples']} resamples of {len(a.units)} {a.bootstrap['unit']}s, seed {a.bootstrap['seed']}",
        f"{'metric':<26} {'A':>6} {'B':>6} {'B-A':>7}  95% CI of B-A       p",
    ]
    for r in rows:
        lines.append(
            f"{r['metric']:<26} {r['a']:>6.3f} {r['b']:>6.3f} {r['delta']:>+7.3f}  "
            f"[{r['ci_low']:+.3f}, {r['ci_high']:+.3f}]  {r['p']:.3f}"
        )
    lines.append("rank.AP is not compared: it is not decomposable by resampling unit.")
    return "\n".join(lines) + "\n"
