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
    from alignbench.dataset.load import DatasetArgumentError, available_splits, dataset_metadata, load_benchmark

    split = getattr(args, "split", "test")
    try:
        bench = load_benchmark(split=split, data_dir=args.data)
    except DatasetArgumentError as err:
        if err.argument != "split":
            raise
        has = f"this dataset has: {', '.join(available_splits(args.data))}"
        _usage(
            f"--split {split}: a folder, not a split name ({has}); give a dataset folder with --data"
            if split
            else f"--split is empty ({has})"
        )
    meta = dataset_metadata(split=split, data_dir=args.data)
    dataset = {"dataset_version": meta.get("dataset_version"), "source_sha256": meta.get("source_sha256")}
    for key in ("source_format", "subset"):  # an import's: eval adds the benchmark's own measure
        if key in meta:
            dataset[key] = meta[key]
    return bench, dataset


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
    """The decision settings for ``--aligner``: a committed (or ``--config``) config, with flags on top.

    A run whose settings differ from the config it starts from gets a name that says so
    (``tfidf[threshold=0.4]``): it must not pass for the committed baseline.
    """
    from alignbench.aligners import parse_params
    from alignbench.runs.baselines import RunConfig, config_names, read_config

    params = parse_params(args.param or [])
    committed = config_names(_baselines_dir(args))
    path = _baselines_dir(args) / "configs" / f"{args.aligner}.json"
    if args.config:
        base = read_config(args.config)
        if base.aligner != args.aligner:
            _usage(f"--config {args.config} is a config of aligner {base.aligner!r}, not of --aligner {args.aligner!r}")
    elif ":" not in args.aligner and path.is_file():
        base = read_config(path)
    elif args.threshold is None:
        _usage(
            f"--threshold is required for aligner {args.aligner!r} (it has no committed config): fix it a priori, "
            "never on the split you report (or pass --config FILE)"
        )
    else:
        base = None
    changes = {}
    for key, value in sorted(params.items()):
        if base is None or base.params.get(key, object()) != value:
            changes[key] = value
    for key in ("decoder", "threshold", "equivalent_at"):
        value = getattr(args, key)
        if value is not None and (base is None or getattr(base, key) != value):
            changes[key] = value
    if base is None:
        name = args.aligner
        if ":" in args.aligner:  # a plug-in is named by its class's own ``name`` (``--system`` still wins)
            from alignbench.aligners import get_aligner

            name = get_aligner(args.aligner, **params).name
        base = RunConfig(args.aligner, args.aligner, {}, "threshold", args.threshold, 0.5, "")
    elif changes:
        name = f"{base.name}[" + ",".join(f"{k}={v}" for k, v in changes.items()) + "]"
    else:
        name = base.name
    if args.system:
        if args.system in committed and (args.system != name):
            _usage(f"--system {args.system!r} is the name of a committed baseline; this run's settings differ from it")
        name = args.system
    threshold_changed = "threshold" in changes or not base.threshold_origin
    return RunConfig(
        name=name,
        aligner=args.aligner,
        params={**base.params, **params},
        decoder=args.decoder or base.decoder,
        threshold=base.threshold if args.threshold is None else args.threshold,
        equivalent_at=base.equivalent_at if args.equivalent_at is None else args.equivalent_at,
        threshold_origin="given on the command line (--threshold)" if threshold_changed else base.threshold_origin,
    )


def _check_eval_flags(args: argparse.Namespace) -> None:
    """Every flag combination of ``eval`` either works as documented or is a usage error."""
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
        if args.data or args.resamples != 1000 or args.seed != 0 or args.metrics or args.output:
            _usage("--check recomputes the committed reports: it takes no --data, --resamples, --seed, --metrics or -o")
    if args.update:
        if not args.baselines:
            _usage("--update applies only with --baselines")
        if args.data or args.resamples != 1000 or args.seed != 0 or args.metrics:
            _usage("--update rewrites the committed results: it takes no --data, --resamples, --seed or --metrics")
        if args.output or args.format != "markdown":
            _usage("--update writes baselines/LEADERBOARD.md itself: it takes no -o or --format")
