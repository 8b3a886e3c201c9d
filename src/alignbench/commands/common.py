"""What several commands share: loading the gold of a split, checking flags and numbers, writing output."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: start-up stays free of numpy and friends
    from alignbench.records import Benchmark
    from alignbench.runs.baselines import RunConfig


#: Upper bound of ``--resamples``: far above what a 95% percentile interval needs (1,000-10,000).
MAX_RESAMPLES = 100_000


#: Flags that only make sense with ``--aligner`` (they set how scores become decisions).
RUN_FLAGS = ("param", "decoder", "threshold", "equivalent_at", "config")


def _load_gold(args: argparse.Namespace) -> tuple[Benchmark, dict[str, Any]]:
    """The benchmark to score against (bundled, or ``--data DIR``) and its version metadata."""
    from alignbench.dataset.load import DatasetArgumentError, available_splits
    from alignbench.runs.system import load_split

    split = getattr(args, "split", "test")
    try:
        return load_split(args.data, split)
    except DatasetArgumentError as err:
        if err.argument != "split":
            raise
        has = f"this dataset has: {', '.join(available_splits(args.data))}"
        _usage(
            f"--split {split}: a folder, not a split name ({has}); give a dataset folder with --data"
            if split
            else f"--split is empty ({has})"
        )
        raise  # not reached: _usage raises


def _usage(message: str) -> None:
    from alignbench.records import UsageError

    raise UsageError(message)


def _metric_selection(text: str | None) -> list[str] | None:
    """The metrics named by ``--metrics``, checked to be ones that a report holds."""
    if text is None:
        return None
    from alignbench.scoring.metrics import ALL_METRICS, parse_metric

    known = [str(m) for m in ALL_METRICS]
    names = []
    for item in text.split(","):
        try:
            name = str(parse_metric(item))
        except ValueError as err:
            _usage(f"--metrics: {err}")
        if name not in known:
            _usage(f"--metrics: {name} is not computed (rank.R@k has k in 1, 3); see the README's metric table")
        names.append(name)
    return names


def _check_numbers(args: argparse.Namespace) -> None:
    """Flag values argparse cannot check: finite thresholds, bounded resamples, a valid seed."""
    for flag in ("threshold", "equivalent_at"):
        value = getattr(args, flag, None)
        if value is not None and not math.isfinite(value):
            _usage(f"--{flag.replace('_', '-')} must be a finite number, got {value}")
    resamples = getattr(args, "resamples", None)
    if resamples is not None and not 0 <= resamples <= MAX_RESAMPLES:
        _usage(f"--resamples must be between 0 and {MAX_RESAMPLES:,}, got {resamples}")
    seed = getattr(args, "seed", None)
    if seed is not None and not 0 <= seed < 2**63:
        _usage(f"--seed must be a non-negative integer below 2**63, got {seed}")


def _check_outputs(args: argparse.Namespace) -> None:
    """Refuse an output that is any file the command reads (see :mod:`alignbench.commands.outputs`):
    called before any work is done."""
    from alignbench.commands.outputs import check_outputs

    check_outputs(args)


def _emit(data: str | bytes, output: str | None) -> None:
    """Write a command's result: to stdout, or to ``-o FILE`` (``-`` is stdout; see ``fileio.output_writer``)."""
    if output is None:
        sys.stdout.write(data) if isinstance(data, str) else sys.stdout.buffer.write(data)
        return
    from alignbench.fileio import write_output

    write_output(output, data)
    if output != "-":
        print(f"wrote {output}", file=sys.stderr)


def _baselines_dir(args: argparse.Namespace) -> Path:
    from alignbench.runs.baselines import default_baselines_dir

    return Path(args.baselines_dir) if args.baselines_dir else default_baselines_dir()


def _run_config(args: argparse.Namespace) -> RunConfig:
    """The decision settings for ``--aligner``: a committed (or ``--config``) config, with flags on top
    (:func:`alignbench.runs.system.run_config`; a run whose settings differ from its config is named
    after the changes, ``tfidf[threshold=0.4]``, so it cannot pass for the committed baseline)."""
    from alignbench.aligners import parse_params
    from alignbench.runs.system import run_config

    return run_config(
        args.aligner,
        params=parse_params(args.param or []),
        decoder=args.decoder,
        threshold=args.threshold,
        equivalent_at=args.equivalent_at,
        config=args.config,
        system=args.system,
        baselines_dir=args.baselines_dir,
    )


def _check_latex_flags(args: argparse.Namespace) -> None:
    """``--ci``, ``--label`` and ``--caption`` shape LaTeX tables only; a label must be one ``\\ref`` can use."""
    given = [f"--{f}" for f in ("ci", "label", "caption") if getattr(args, f, None) is not None]
    if given and args.format != "latex":
        _usage(f"{given[0]} applies only with --format latex")
    if getattr(args, "label", None) is not None:
        from alignbench.views.latex import check_label

        check_label(args.label)


def latex_options(args: argparse.Namespace) -> dict[str, Any]:
    """The keyword arguments of the LaTeX views from ``--ci``, ``--label`` and ``--caption``."""
    return {"ci": args.ci or "below", "label": args.label, "caption": args.caption}


def _check_eval_flags(args: argparse.Namespace) -> None:
    """Every flag combination of ``eval`` either works as documented or is a usage error."""
    _check_latex_flags(args)
    what = "--predictions" if args.predictions else "--baselines" if args.baselines else "--aligner"
    if not args.aligner:
        given = [f"--{f.replace('_', '-')}" for f in RUN_FLAGS if getattr(args, f) not in (None, [])]
        if given:
            why = (
                "a prediction file's decisions are its labels"
                if args.predictions
                else "the baselines run their committed configs unchanged (vary settings with --aligner NAME)"
            )
            _usage(f"{given[0]} applies only with --aligner, not with {what}: {why}")
    if args.baselines:
        if args.per_pair:
            _usage("--per-pair applies to one system: use --aligner NAME --per-pair")
        if args.system:
            _usage("--system applies to one system; the baselines are named by their configs")
    elif args.baselines_dir and not args.aligner:
        _usage(f"--baselines-dir applies only with --baselines or --aligner, not with {what}")
    if args.check:
        if not args.baselines:
            _usage("--check applies only with --baselines")
        if args.update:
            _usage("--check compares with the committed reports and --update rewrites them: give one of them")
        if args.data or args.resamples != 1000 or args.seed != 0 or args.metrics or args.output or args.cluster:
            _usage(
                "--check recomputes the committed reports: it takes no --data, --resamples, --seed, --metrics, "
                "--cluster or -o"
            )
    if args.update:
        if not args.baselines:
            _usage("--update applies only with --baselines")
        if args.data or args.resamples != 1000 or args.seed != 0 or args.metrics or args.cluster:
            _usage(
                "--update rewrites the committed results: it takes no --data, --resamples, --seed, --metrics or --cluster"
            )
        if args.output or args.format != "markdown":
            _usage("--update writes baselines/LEADERBOARD.md itself: it takes no -o or --format")


def _select_clusters(
    args: argparse.Namespace, bench: Benchmark, dataset: dict[str, Any]
) -> tuple[Benchmark, dict[str, Any]]:
    """``--cluster ID[,ID...]``: the part of ``bench`` (the split's gold) in those clusters, and
    ``dataset`` recording the subset; both unchanged without the flag (or when it names every
    cluster). A malformed value is a usage error (exit 2); an id that is not a cluster of the split
    is bad input (exit 1), as an unknown ``--split`` is, with a "did you mean" or the split that holds it."""
    text = getattr(args, "cluster", None)
    if text is None:
        return bench, dataset
    from alignbench.records import DataError
    from alignbench.runs.system import choose_clusters
    from alignbench.scoring.subset import parse_cluster_list

    try:
        ids = parse_cluster_list(text)
    except DataError as err:
        _usage(err.problems[0])
    try:
        return choose_clusters(bench, dataset, args.data, getattr(args, "split", "test"), ids)
    except DataError as err:
        raise DataError(f"--cluster: {err.problems[0]}") from None
