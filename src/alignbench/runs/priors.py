"""The priors of every split of a dataset folder, with the ``position`` floor's link F1: the table the
DATASHEET shows and ``scripts/priors.py`` prints (:mod:`alignbench.scoring.priors` says what each is)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alignbench.scoring.priors import priors, priors_table

#: The DATASHEET block these numbers are written into.
MARKER = "priors"


def split_priors(data: str | Path | None = None) -> tuple[dict[str, dict[str, Any]], dict[str, float]]:
    """Each split's priors and its position-floor link F1 (the committed ``position`` config, no bootstrap)."""
    from alignbench.dataset.load import available_splits, load_benchmark
    from alignbench.runs.baselines import RunConfig, evaluate_config

    by_split: dict[str, dict[str, Any]] = {}
    floor: dict[str, float] = {}
    config = RunConfig("position", "position", {"threshold": 0.9}, "threshold", 0.9, 0.5, "the position floor's rule")
    for split in available_splits(data):
        bench = load_benchmark(split=split, data_dir=data)
        by_split[split] = priors(bench)
        floor[split] = evaluate_config(config, bench, {}, split=split, resamples=0).metrics["link.F1"]
    return by_split, floor


def priors_block(data: str | Path | None = None) -> str:
    """The Markdown table of :func:`split_priors` for every split."""
    by_split, floor = split_priors(data)
    return priors_table(by_split, floor)
