"""The Python API: score a system and compare two, with the same code as ``alignbench eval`` and
``alignbench compare``.

>>> import alignbench
>>> fuzzy = alignbench.evaluate("fuzzy")                       # a built-in aligner, its committed config
>>> mine = alignbench.evaluate(MyAligner(), threshold=0.5)     # your aligner object (threshold fixed a priori)
>>> alignbench.compare(fuzzy, mine).to_frame()                 # paired bootstrap, B - A

Nothing heavy is imported with this module: NumPy, pandas and the scorers load on the first call.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from alignbench.scoring.compare import Comparison
    from alignbench.scoring.report import Report

__all__ = ["compare", "evaluate"]


def evaluate(
    system: Any,
    *,
    split: str = "test",
    data: str | Path | None = None,
    clusters: Iterable[str] | None = None,
    resamples: int = 1000,
    seed: int = 0,
    name: str | None = None,
    threshold: float | None = None,
    decoder: str | None = None,
    equivalent_at: float | None = None,
    params: Mapping[str, Any] | None = None,
    config: str | Path | None = None,
    per_pair: bool = False,
    by_tag: bool = False,
) -> Report:
    """Score a system on one split of the bundled dataset (or of the dataset folder ``data``).

    ``system`` is a prediction file (a path), an iterable of prediction dicts or
    :class:`~alignbench.scoring.predictions.Prediction` records (checked as a file is), an aligner
    object (``threshold`` required: fix it a priori, never on the split you report), or an aligner's
    name (``"fuzzy"``, ``"package.module:Class"``: its committed config, changed by ``threshold``,
    ``decoder``, ``equivalent_at``, ``params`` or ``config``). A string naming an existing file is a
    prediction file. ``clusters`` scores only those event clusters (the report records them);
    ``resamples`` and ``seed`` set the bootstrap (every report to be compared needs the same);
    ``name`` is the system name in the report (default: the aligner's or the file's stem).
    Returns the :class:`~alignbench.scoring.report.Report` that ``alignbench eval --format json``
    writes; ``report.to_frame()`` gives its metrics as a pandas DataFrame.
    """
    from alignbench.commands.common import MAX_RESAMPLES
    from alignbench.records import UsageError
    from alignbench.runs.system import evaluate_system

    if isinstance(resamples, bool) or not isinstance(resamples, int) or not 0 <= resamples <= MAX_RESAMPLES:
        raise UsageError(f"resamples must be an integer between 0 and {MAX_RESAMPLES:,}, got {resamples!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise UsageError(f"seed must be a non-negative integer below 2**63, got {seed!r}")
    return evaluate_system(
        system,
        split=split,
        data=data,
        clusters=clusters,
        resamples=resamples,
        seed=seed,
        system=name,
        threshold=threshold,
        decoder=decoder,
        equivalent_at=equivalent_at,
        params=params,
        config=config,
        per_pair=per_pair,
        by_tag=by_tag,
    )


def compare(a: Report | str | Path, b: Report | str | Path, *, metrics: Iterable[str] | None = None) -> Comparison:
    """B - A with a paired bootstrap, as ``alignbench compare A.json B.json``: reports (or paths to
    reports written with ``--format json``) of the same data, split and bootstrap settings.

    Every metric computed from decisions and ``rank.AP`` (recomputed on each paired resample from
    the ranking profile that reports keep) get a 95% interval of the difference and a two-sided
    p-value; metrics with too few gold items get no p-value. ``metrics`` selects them.
    """
    from alignbench.scoring.compare import COMPARED
    from alignbench.scoring.compare import compare as paired

    return paired(_report(a), _report(b), tuple(metrics) if metrics is not None else COMPARED)


def _report(value: Report | str | Path) -> Report:
    from alignbench.records import DataError
    from alignbench.scoring.report import Report

    if isinstance(value, Report):
        return value
    if not isinstance(value, str | Path):
        raise DataError(f"expected a Report or the path of a JSON report, got {type(value).__name__}")
    try:
        text = Path(value).read_text(encoding="utf-8")
    except OSError as err:
        raise DataError(f"{value}: {err.strerror}") from None
    return Report.from_json(text, str(value))
