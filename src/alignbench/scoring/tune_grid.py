"""The grid, defaults and refusal rules of ``alignbench tune`` (:mod:`alignbench.runs.tune`).

Standard library only, so that the command line's parser reads the defaults at start-up without
importing NumPy.
"""

from __future__ import annotations

import decimal
import math
from collections.abc import Sequence
from typing import Any, NamedTuple

from alignbench.records import UsageError

#: Splits that results are reported on: a config is never tuned on them.
REPORT_SPLITS: tuple[str, ...] = ("test", "diagnostic")
DEFAULT_OBJECTIVE = "link.F1"
DEFAULT_TIE_BREAK = "labeled.F1"
#: Default grids, as ``START:STOP:STEP`` (both ends included).
DEFAULT_THRESHOLDS = "0.05:0.95:0.05"
DEFAULT_EQUIVALENT_AT = "0.05:1:0.05"
#: Metrics where lower is better.
LOWER_IS_BETTER = frozenset({"link.AER"})
#: Objective values equal to this many decimals are ties.
TIE_DECIMALS = 12


#: Values per grid axis, at most (a range may have 9,999 steps), and grid points in all
#: (thresholds x equivalent_at values): each point costs a pass over the decided candidates, so
#: 1e8 points would run for days; 100,000 take seconds to minutes on an iSTS-sized split.
MAX_GRID_VALUES = 10_000
MAX_GRID_POINTS = 100_000


class Grid(NamedTuple):
    """The values of one setting to try (sorted, distinct) and how they were given."""

    values: tuple[float, ...]
    text: str


def parse_grid(text: str, flag: str) -> Grid:
    """``START:STOP:STEP`` (both ends included) or a comma-separated list of numbers.

    A range is computed in decimal, exactly as written: ``0.05:0.95:0.05`` gives the floats
    ``0.05, 0.1, 0.15, ...`` (not ``0.15000000000000002``), and no value is rounded to a fixed
    number of decimals, so every value written to a config is one of the grid's (a grid of
    ``1e-11`` steps once collapsed to ``0.0``). :class:`UsageError` names ``flag`` and the problem
    (not a number, a step that does not reach STOP, no value, more than 10,000 values).
    """

    def number(item: str) -> decimal.Decimal:
        try:
            value = float(item)
        except ValueError:
            raise UsageError(f"{flag} {text!r}: {item.strip()!r} is not a number") from None
        if not math.isfinite(value):
            raise UsageError(f"{flag} {text!r}: {item.strip()!r} is not a finite number")
        try:
            return decimal.Decimal(item.strip())
        except decimal.InvalidOperation:  # a spelling float() reads and Decimal does not
            return decimal.Decimal(value)

    if ":" in text:
        parts = text.split(":")
        if len(parts) != 3:
            raise UsageError(f"{flag} {text!r}: expected START:STOP:STEP or a list a,b,c")
        start, stop, step = (number(p) for p in parts)
        if step <= 0 or stop < start:
            raise UsageError(f"{flag} {text!r}: needs STEP > 0 and START <= STOP")
        whole = f"{flag} {text!r}: (STOP - START) must be a whole number of STEPs below {MAX_GRID_VALUES:,}"
        # exact arithmetic or an error: Inexact means the numbers differ too much in scale to be steps
        exact = decimal.Context(prec=100, traps=[decimal.Inexact, decimal.Overflow, decimal.Underflow])
        try:
            count = exact.divide(exact.subtract(stop, start), step)
            if count != count.to_integral_value() or count >= MAX_GRID_VALUES:
                raise UsageError(whole)
            values = [float(exact.add(start, exact.multiply(k, step))) for k in range(int(count) + 1)]
        except decimal.DecimalException:
            raise UsageError(whole) from None
    else:
        values = [float(number(item)) for item in text.split(",") if item.strip()]
        if not values:
            raise UsageError(f"{flag} {text!r}: no value")
        if len(set(values)) > MAX_GRID_VALUES:
            raise UsageError(f"{flag} {text!r}: {len(set(values)):,} values, at most {MAX_GRID_VALUES:,}")
    return Grid(tuple(sorted(set(values))), text)


def check_grid_size(thresholds: Grid, equivalent_ats: Grid) -> None:
    """Refuse a grid of more than :data:`MAX_GRID_POINTS` points, before any work is done."""
    points = len(thresholds.values) * len(equivalent_ats.values)
    if points > MAX_GRID_POINTS:
        raise UsageError(
            f"--thresholds {thresholds.text!r} x --equivalent-at-grid {equivalent_ats.text!r} is "
            f"{len(thresholds.values):,} x {len(equivalent_ats.values):,} = {points:,} grid points, at most "
            f"{MAX_GRID_POINTS:,}: use coarser steps (a fine grid around a coarse grid's choice)"
        )


def check_tuning_split(split: str, available: Sequence[str], data: str) -> None:
    """Refuse to tune on a report-only split, and on a dataset that has no other split."""
    tunable = [s for s in available if s not in REPORT_SPLITS]
    if not tunable:
        raise UsageError(
            f"{data} has only the report-only split(s) {', '.join(available)}: tuning there would choose settings "
            "on the data they are reported on; nothing to tune on (an iSTS import has a train split)"
        )
    if split in REPORT_SPLITS:
        raise UsageError(
            f"--split {split} is a report-only split: a config tuned on it would be reported on the data it was "
            f"tuned on; tune on {', '.join(tunable)}"
        )


def dataset_id(dataset: dict[str, Any]) -> str:
    """How a tuned config names its dataset: ``ists2016/headlines`` for an import, else ``alignbench``."""
    if dataset.get("source_format"):
        return "/".join(str(x) for x in (dataset["source_format"], dataset.get("subset")) if x)
    return "alignbench"


def check_metric(name: str, flag: str, dataset: dict[str, Any]) -> str:
    """A metric that a grid point can be judged by, in canonical spelling; else :class:`UsageError`."""
    from alignbench.scoring.metrics import ALL_METRICS, parse_metric

    try:
        metric = parse_metric(name)
    except ValueError as err:
        raise UsageError(f"{flag}: {err}") from None
    if str(metric) not in {str(m) for m in ALL_METRICS}:
        raise UsageError(f"{flag}: {metric} is not computed (rank.R@k has k in 1, 3); see the README's metric table")
    if metric.family == "rank":
        raise UsageError(
            f"{flag}: {metric} ranks candidates by score and does not depend on the threshold or equivalent_at; "
            "tune by a decision metric such as link.F1"
        )
    if metric.family == "ists" and dataset.get("source_format") != "ists2016":
        raise UsageError(f"{flag}: {metric} is computed on an iSTS import only (made by 'alignbench import ists2016')")
    return str(metric)
