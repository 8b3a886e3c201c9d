"""``tune`` (decision settings on a train split), ``agree`` (annotation passes) and ``explain`` (the HTML page)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: start-up stays free of numpy and friends
    from alignbench.runs.baselines import RunConfig

from alignbench.commands.common import (
    RUN_FLAGS,
    _baselines_dir,
    _check_numbers,
    _check_outputs,
    _emit,
    _load_gold,
    _run_config,
    _select_clusters,
    _usage,
)


def _tune_base(args: argparse.Namespace) -> tuple[RunConfig, Path | None]:
    """The config ``tune`` starts from (its aligner, parameters and decoder) and the file it was read from."""
    from alignbench.aligners import parse_params
    from alignbench.runs.baselines import RunConfig, read_config

    path = Path(args.config) if args.config else _baselines_dir(args) / "configs" / f"{args.aligner}.json"
    if args.config or (":" not in args.aligner and path.is_file()):
        base = read_config(path)
        if base.aligner != args.aligner:
            _usage(f"--config {args.config} is a config of aligner {base.aligner!r}, not of {args.aligner!r}")
    else:
        base, path = RunConfig(args.aligner, args.aligner, {}, "threshold", 0.5, 0.5, ""), None
    params = {**base.params, **parse_params(args.param or [])}
    return base._replace(params=params, decoder=args.decoder or base.decoder), path


def _cmd_tune(args: argparse.Namespace) -> int:
    from alignbench.scoring.tune_grid import (
        DEFAULT_OBJECTIVE,
        check_grid_size,
        check_metric,
        check_tuning_split,
        parse_grid,
    )

    thresholds = parse_grid(args.thresholds, "--thresholds")
    equivalent_ats = parse_grid(args.equivalent_at_grid, "--equivalent-at-grid")
    check_grid_size(thresholds, equivalent_ats)  # before any work: 1e8 points would run for days
    base, _ = _tune_base(args)
    if args.output == "-":
        _usage("-o -: a config is named after its file (its stem); give a file name, e.g. -o mine.json")
    _check_outputs(args)
    from alignbench.aligners import get_aligner
    from alignbench.dataset.load import available_splits

    aligner = get_aligner(base.aligner, **base.params)  # a bad name or parameter fails before any work
    check_tuning_split(args.split, available_splits(args.data), args.data or "the bundled dataset")
    bench, dataset = _load_gold(args)
    objective = check_metric(DEFAULT_OBJECTIVE if args.objective is None else args.objective, "--objective", dataset)
    tie_break = check_metric(args.tie_break, "--tie-break", dataset)
    from alignbench.fileio import write_output
    from alignbench.runs.tune import config_text, tune

    result = tune(
        aligner,
        base.decoder,
        bench,
        dataset,
        args.split,
        objective=objective,
        tie_break=tie_break,
        thresholds=thresholds,
        equivalent_ats=equivalent_ats,
    )
    config = base._replace(
        name=Path(args.output).stem,
        threshold=result.threshold,
        equivalent_at=result.equivalent_at,
        threshold_origin=result.origin,
    )
    write_output(args.output, config_text(config))
    print(  # the values as written (repr): a grid value of 0.350000000001 is not shown as 0.35
        f"wrote {args.output}: threshold {result.threshold!r}, equivalent_at {result.equivalent_at!r} "
        f"({objective} {result.objective:.4f}, {tie_break} {result.tie_break:.4f} on {args.split}; "
        f"{result.values.size} grid points)",
        file=sys.stderr,
    )
    for warning in result.warnings:
        print(f"alignbench tune: warning: {warning}", file=sys.stderr)
    return 0


def _cmd_agree(args: argparse.Namespace) -> int:
    if len(args.passes) < 2:
        _usage("agree compares two or more passes: give at least two PASS files")
    names = [Path(path).stem for path in args.passes]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        _usage(f"two passes are named {twice[0]!r} (a pass is named by its file name): rename one")
    guidelines = Path(args.root) / "annotations" / "GUIDELINES.md"
    _check_outputs(args)
    from alignbench.scoring.agree import agreement
    from alignbench.sources.corpus import load_sources, with_pass_units
    from alignbench.views.agreement import format_agreement

    bench = with_pass_units(load_sources(args.root), args.passes)  # the units the passes were made on
    result = agreement(bench, list(zip(names, args.passes, strict=True)), args.exclude, guidelines)
    _emit(format_agreement(result, args.format), args.output)
    return 0


def _explain_flags(args: argparse.Namespace) -> str | None:
    """Check ``explain``'s flags before any work; return the curve format (None: no --curve)."""
    if not args.aligner:
        given = [f"--{f.replace('_', '-')}" for f in RUN_FLAGS if getattr(args, f) not in (None, [])]
        if given or args.baselines_dir:
            _usage(f"{given[0] if given else '--baselines-dir'} applies only with --aligner, not with --predictions")
    if args.output is None and args.curve is None:
        _usage("give -o PAGE.html (the page) and/or --curve FILE (the precision-recall curve)")
    _check_numbers(args)
    fmt = args.format
    if args.curve is not None and fmt is None:
        fmt = Path(args.curve).suffix.lower().lstrip(".")
        if fmt not in ("pdf", "svg"):
            _usage(f"--curve {args.curve}: name a .pdf or .svg file, or give --format pdf|svg")
    elif fmt is not None and args.curve is None:
        _usage("--format sets the format of --curve FILE: give --curve")
    _check_outputs(args)
    return fmt


def _cmd_explain(args: argparse.Namespace) -> int:
    fmt = _explain_flags(args)
    from alignbench.views.page import require_extra

    require_extra()  # before any work: a missing extra is one line, not a traceback after minutes
    if args.aligner:
        config = _run_config(args)
        from alignbench.aligners import get_aligner

        get_aligner(config.aligner, **config.params)  # a bad name or parameter fails before any work
    from alignbench.runs import explain
    from alignbench.scoring.space import CandidateSpace
    from alignbench.views import explain as explain_view

    whole, dataset = _load_gold(args)
    bench, dataset = _select_clusters(args, whole, dataset)
    space = CandidateSpace(bench)
    options = {"split": args.split, "resamples": args.resamples, "seed": args.seed, "whole": whole}
    if args.aligner:
        runs = [explain.aligner_run(config, bench, space, dataset, **options)]
    else:
        runs = [explain.prediction_run(args.predictions, args.system, bench, space, dataset, **options)]
    if args.compare:
        runs.append(explain.prediction_run(args.compare, args.compare_system, bench, space, dataset, **options))
    if args.curve is not None:
        _emit(explain_view.curve_file(space, runs, fmt, args.split), args.curve)
    if args.output is not None:
        _emit(explain_view.page(bench, space, runs, args.split), args.output)
    return 0
