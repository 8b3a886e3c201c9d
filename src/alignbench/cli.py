"""The ``alignbench`` command line.

Only the standard library is imported at start-up; each command imports what it needs, so that
``alignbench --help`` stays fast. Exit status: 0 ok, 1 bad data or input, 2 usage (a bad flag value
or combination), 130 interrupted, 141 output pipe closed early (as ``alignbench validate | head``).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alignbench._version import __version__

if TYPE_CHECKING:  # annotations only: start-up stays free of numpy and friends
    from alignbench.baselines import RunConfig
    from alignbench.records import Benchmark
    from alignbench.views.report import Report

#: Upper bound of ``--resamples``: far above what a 95% percentile interval needs (1,000-10,000).
MAX_RESAMPLES = 100_000
#: Flags that only make sense with ``--aligner`` (they set how scores become decisions).
RUN_FLAGS = ("param", "decoder", "threshold", "equivalent_at", "config")


def _cmd_validate(args: argparse.Namespace) -> int:
    from alignbench.sources import validate

    status, text, problems = validate.run(args.dir)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"alignbench validate: {len(problems)} problem(s) in {args.dir}", file=sys.stderr)
    else:
        print(f"alignbench validate: {args.dir} is valid\n{text}")
    return status


def _cmd_build(args: argparse.Namespace) -> int:
    from alignbench.dataset.build import build

    root = args.root
    out = args.out if args.out is not None else f"{root.rstrip('/')}/data"
    stale = build(root, out, check=args.check)
    if args.check:
        for item in stale:
            print(f"{out}/{item}", file=sys.stderr)
        if stale:
            print(f"alignbench build --check: {out} is out of date: run 'alignbench build'", file=sys.stderr)
            return 1
        print(f"alignbench build --check: {out} matches the sources")
        return 0
    print(f"alignbench build: wrote {out}")
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from alignbench.dataset.ists_import import import_ists2016

    result = import_ists2016(args.src, args.output, check=args.check)
    for warning in result.warnings:
        print(f"alignbench import: warning: {warning}", file=sys.stderr)
    counts = "; ".join(
        f"{subset} " + ", ".join(f"{split} {n}" for split, n in splits.items())
        for subset, splits in result.pairs.items()
    )
    if args.check:
        for items in result.stale.values():
            for item in items:
                print(f"{args.output}/{item}", file=sys.stderr)
        if result.stale:
            print(
                f"alignbench import --check: {args.output} is out of date: run 'alignbench import {args.format} "
                f"{args.src} -o {args.output}'",
                file=sys.stderr,
            )
            return 1
        print(f"alignbench import --check: {args.output} matches {args.src} (sentence pairs: {counts})")
        return 0
    print(
        f"alignbench import: wrote {', '.join(map(str, result.folders))} (sentence pairs: {counts}; "
        f"{len(result.warnings)} warning(s))"
    )
    return 0


def _load_gold(args: argparse.Namespace) -> tuple[Benchmark, dict[str, Any]]:
    """The benchmark to score against (bundled, or ``--data DIR``) and its version metadata."""
    from alignbench.dataset.load import dataset_metadata, load_benchmark

    split = getattr(args, "split", "test")
    bench = load_benchmark(args.data, split)
    meta = dataset_metadata(args.data, split)
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


def _check_output(output: str | None, *inputs: str | None) -> None:
    """Refuse ``-o`` naming one of the command's inputs: called before any work is done."""
    if output is not None:
        from alignbench.fileio import check_output

        check_output(output, inputs)


def _emit(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    from alignbench.fileio import write_text_atomic

    write_text_atomic(output, text)
    print(f"wrote {output}", file=sys.stderr)


def _baselines_dir(args: argparse.Namespace) -> Path:
    from alignbench.baselines import default_baselines_dir

    return Path(args.baselines_dir) if args.baselines_dir else default_baselines_dir()


def _run_config(args: argparse.Namespace) -> RunConfig:
    """The decision settings for ``--aligner``: a committed (or ``--config``) config, with flags on top.

    A run whose settings differ from the config it starts from gets a name that says so
    (``tfidf[threshold=0.4]``): it must not pass for the committed baseline.
    """
    from alignbench.aligners import parse_params
    from alignbench.baselines import RunConfig, config_names, read_config

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
    if args.update:
        if not args.baselines:
            _usage("--update applies only with --baselines")
        if args.data or args.resamples != 1000 or args.seed != 0 or args.metrics:
            _usage("--update rewrites the committed results: it takes no --data, --resamples, --seed or --metrics")
        if args.output or args.format != "markdown":
            _usage("--update writes baselines/LEADERBOARD.md itself: it takes no -o or --format")


def _cmd_eval(args: argparse.Namespace) -> int:
    if args.format is None:
        args.format = "markdown" if args.baselines else "table"
    _check_eval_flags(args)
    _check_numbers(args)
    names = _metric_selection(args.metrics)
    _check_output(args.output, args.predictions, args.config)
    split_given = args.split is not None
    args.split = args.split or "test"
    if args.aligner:
        config = _run_config(args)
        from alignbench.aligners import get_aligner

        get_aligner(config.aligner, **config.params)  # a bad name or parameter fails before any work
    if args.baselines:
        return _eval_baselines(args, names, every_split=args.update and not split_given)
    from alignbench.scoring.evaluate import evaluate
    from alignbench.scoring.space import CandidateSpace
    from alignbench.views.formats import format_report

    bench, dataset = _load_gold(args)
    _check_by(args, bench)
    space = CandidateSpace(bench)
    options = {
        "split": args.split,
        "resamples": args.resamples,
        "seed": args.seed,
        "per_pair": args.per_pair,
        "by_tag": args.by == "tag",
    }
    if args.aligner:
        from alignbench.baselines import evaluate_config

        report = evaluate_config(config, bench, dataset, space, **options)
    else:
        from alignbench.fileio import sha256_file
        from alignbench.scoring.predictions import read_predictions

        preds = read_predictions(args.predictions, space)
        if not len(preds.index):
            print(
                f"alignbench eval: warning: {args.predictions} holds no predictions: every gold link counts as missed",
                file=sys.stderr,
            )
        system = {
            "name": args.system or args.predictions,
            "params": {},
            "predictions_sha256": sha256_file(args.predictions),
        }
        report = evaluate(bench, preds, system=system, dataset=dataset, space=space, **options)
    _emit(format_report(report, args.format, names), args.output)
    return 0


def _check_by(args: argparse.Namespace, bench: Benchmark) -> bool:
    """Whether the split's gold links carry phenomenon tags; ``--by tag`` on one without them is a usage error."""
    from alignbench.scoring.bytag import split_tags

    tagged = bool(split_tags(bench))
    if args.by == "tag" and not tagged:
        _usage(f"--by tag: the gold links of split {args.split!r} carry no phenomenon tags (try --split diagnostic)")
    return tagged


def _eval_baselines(args: argparse.Namespace, names: list[str] | None, every_split: bool) -> int:
    """The leaderboard of a split (with per-tag tables where its links carry tags); with
    ``--update``, the committed reports and leaderboards of the split, or of every split when no
    ``--split`` was given."""
    from alignbench.baselines import config_paths, evaluate_config, is_bundled, read_config
    from alignbench.progress import progress
    from alignbench.scoring.space import CandidateSpace

    folder = _baselines_dir(args)
    if args.update and is_bundled(folder):
        _usage("--update rewrites the committed results of a clone of alignbench; run it in a clone")
    paths = config_paths(folder)
    splits = [args.split]
    if every_split:
        from alignbench.dataset.load import available_splits

        splits = available_splits(args.data)
    boards = []
    for split in splits:
        args.split = split
        bench, dataset = _load_gold(args)
        tagged = _check_by(args, bench)
        space = CandidateSpace(bench)
        options = {"split": split, "resamples": args.resamples, "seed": args.seed, "by_tag": tagged}
        reports = [
            evaluate_config(read_config(path), bench, dataset, space, **options)
            for path in progress(paths, f"baselines ({split})", unit="system")
        ]
        boards.append(_baselines_board(args, folder, split, reports, names))
    _emit("\n".join(boards), args.output)
    return 0


def _baselines_board(
    args: argparse.Namespace, folder: Path, split: str, reports: list[Report], names: list[str] | None
) -> str:
    """The leaderboard text of one split; with ``--update``, also written with its reports."""
    from alignbench.baselines import leaderboard, leaderboard_file, result_path

    board = leaderboard(reports, args.format, names)
    if args.update:
        from alignbench.fileio import write_text_atomic

        for report in reports:
            write_text_atomic(result_path(folder, report), report.to_json())
        write_text_atomic(leaderboard_file(folder, split), board)
        readme = folder.resolve().parent / "README.md"
        _update_readme_leaderboard(readme, leaderboard(reports, "markdown", tags=False), split)
        print(f"updated {folder}/results, {leaderboard_file(folder, split)} and {readme} ({split})", file=sys.stderr)
    return board


def _update_readme_leaderboard(readme: Path, board: str, split: str = "test") -> None:
    """Replace a split's leaderboard block of the clone's README.md (between its markers:
    ``leaderboard`` for test, ``leaderboard-<split>`` for another split), if there is one."""
    from alignbench.fileio import write_text_atomic

    marker = "leaderboard" if split == "test" else f"leaderboard-{split}"
    start, end = f"<!-- {marker}:start -->\n", f"<!-- {marker}:end -->"
    if not readme.is_file():
        return
    text = readme.read_text(encoding="utf-8")
    if start in text and end in text:
        head, rest = text.split(start, 1)
        write_text_atomic(readme, head + start + board + rest[rest.index(end) :])


def _cmd_run(args: argparse.Namespace) -> int:
    _check_numbers(args)
    from alignbench.aligners import get_aligner
    from alignbench.baselines import run_aligner
    from alignbench.records import LABELS
    from alignbench.scoring.predictions import write_prediction_arrays
    from alignbench.scoring.space import CandidateSpace

    _check_output(args.output, args.config)
    config = _run_config(args)
    get_aligner(config.aligner, **config.params)  # a bad name or parameter fails before any work
    bench, _ = _load_gold(args)
    space = CandidateSpace(bench)
    preds = run_aligner(get_aligner(config.aligner, **config.params), bench, config, space)
    write_prediction_arrays(args.output, space, preds)
    decided = int((preds.label != LABELS.index("none")).sum())
    print(
        f"wrote {args.output}: {len(preds.index)} scored candidates, {decided} decided links ({config.decoder} >= {config.threshold})",
        file=sys.stderr,
    )
    return 0


def _tune_base(args: argparse.Namespace) -> tuple[RunConfig, Path | None]:
    """The config ``tune`` starts from (its aligner, parameters and decoder) and the file it was read from."""
    from alignbench.aligners import parse_params
    from alignbench.baselines import RunConfig, read_config

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
    from alignbench.scoring.tune_grid import DEFAULT_OBJECTIVE, check_metric, check_tuning_split, parse_grid

    thresholds = parse_grid(args.thresholds, "--thresholds")
    equivalent_ats = parse_grid(args.equivalent_at_grid, "--equivalent-at-grid")
    base, base_path = _tune_base(args)
    _check_output(args.output, args.config, base_path)
    from alignbench.aligners import get_aligner
    from alignbench.dataset.load import available_splits

    aligner = get_aligner(base.aligner, **base.params)  # a bad name or parameter fails before any work
    check_tuning_split(args.split, available_splits(args.data), args.data or "the bundled dataset")
    bench, dataset = _load_gold(args)
    objective = check_metric(args.objective or DEFAULT_OBJECTIVE, "--objective", dataset)
    tie_break = check_metric(args.tie_break, "--tie-break", dataset)
    from alignbench.fileio import write_text_atomic
    from alignbench.scoring.tune import config_text, tune

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
    write_text_atomic(args.output, config_text(config))
    print(
        f"wrote {args.output}: threshold {result.threshold:g}, equivalent_at {result.equivalent_at:g} "
        f"({objective} {result.objective:.4f}, {tie_break} {result.tie_break:.4f} on {args.split}; "
        f"{result.values.size} grid points)",
        file=sys.stderr,
    )
    return 0


def _cmd_export_wa(args: argparse.Namespace) -> int:
    from alignbench.records import LABELS, DataError
    from alignbench.scoring.predictions import read_predictions
    from alignbench.scoring.space import CandidateSpace
    from alignbench.views.wa import write_wa

    _check_output(args.output, args.predictions)
    bench, dataset = _load_gold(args)
    if dataset.get("source_format") != "ists2016":
        raise DataError(
            f"{args.data}: not an iSTS-2016 import (made by 'alignbench import ists2016'); the .wa format needs its sentence pairs"
        )
    space = CandidateSpace(bench)
    preds = read_predictions(args.predictions, space)
    decided = preds.index[preds.label != LABELS.index("none")]
    labels = preds.label[preds.label != LABELS.index("none")]
    ids = space.claim_ids
    links = [
        (ids[a], ids[b], LABELS[k])
        for a, b, k in zip(space.cand_a[decided].tolist(), space.cand_b[decided].tolist(), labels.tolist(), strict=True)
    ]
    _emit(write_wa(bench, links), args.output)
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    from alignbench.aligners import REGISTRY
    from alignbench.baselines import config_names

    print("aligners:")
    for name, spec in REGISTRY.items():
        print(f"  {name:<12} {spec}")
    folder = _baselines_dir(args)
    names = config_names(folder)
    if names:
        print(f"baseline configs ({folder / 'configs'}):")
        for name in names:
            print(f"  {name}")
    return 0


def _cmd_validate_predictions(args: argparse.Namespace) -> int:
    from alignbench.records import LABELS
    from alignbench.scoring.predictions import read_predictions
    from alignbench.scoring.space import CandidateSpace

    bench, _ = _load_gold(args)
    preds = read_predictions(args.file, CandidateSpace(bench))
    decided = int((preds.label != LABELS.index("none")).sum())
    print(f"{args.file}: valid, {len(preds.index)} scored candidates, {decided} decided links")
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    from alignbench.records import DataError
    from alignbench.scoring.compare import compare, format_comparison
    from alignbench.views.report import Report

    _check_output(args.output, args.a, args.b)
    reports = []
    for name in (args.a, args.b):
        try:
            text = Path(name).read_text(encoding="utf-8")
        except OSError as err:
            raise DataError(f"{name}: {err.strerror}") from None
        reports.append(Report.from_json(text, name))
    rows = compare(*reports)
    _emit(format_comparison(*reports, rows), args.output)
    return 0


def _cmd_agree(args: argparse.Namespace) -> int:
    if len(args.passes) < 2:
        _usage("agree compares two or more passes: give at least two PASS files")
    names = [Path(path).stem for path in args.passes]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        _usage(f"two passes are named {twice[0]!r} (a pass is named by its file name): rename one")
    guidelines = Path(args.root) / "annotations" / "GUIDELINES.md"
    _check_output(args.output, *args.passes, args.exclude, str(guidelines))
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
    for out in (args.output, args.curve):
        _check_output(out, args.predictions, args.compare, args.config)
    if args.output is not None and args.output == args.curve:
        _usage("-o and --curve name the same file")
    return fmt


def _cmd_explain(args: argparse.Namespace) -> int:
    fmt = _explain_flags(args)
    from alignbench.views.page import require_extra

    require_extra()  # before any work: a missing extra is one line, not a traceback after minutes
    if args.aligner:
        config = _run_config(args)
        from alignbench.aligners import get_aligner

        get_aligner(config.aligner, **config.params)  # a bad name or parameter fails before any work
    from alignbench import explain
    from alignbench.fileio import write_bytes_atomic, write_text_atomic
    from alignbench.scoring.space import CandidateSpace

    bench, dataset = _load_gold(args)
    space = CandidateSpace(bench)
    options = {"split": args.split, "resamples": args.resamples, "seed": args.seed}
    if args.aligner:
        runs = [explain.aligner_run(config, bench, space, dataset, **options)]
    else:
        runs = [explain.prediction_run(args.predictions, args.system, bench, space, dataset, **options)]
    if args.compare:
        runs.append(explain.prediction_run(args.compare, args.compare_system, bench, space, dataset, **options))
    if args.curve is not None:
        write_bytes_atomic(args.curve, explain.curve_file(space, runs, fmt, args.split))
        print(f"wrote {args.curve}", file=sys.stderr)
    if args.output is not None:
        write_text_atomic(args.output, explain.page(bench, space, runs, args.split))
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


def _add_run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--param", action="append", metavar="KEY=VALUE", help="aligner parameter (repeatable)")
    p.add_argument("--decoder", default=None, choices=["threshold", "mutual", "hungarian"], help="link decoder")
    p.add_argument("--threshold", type=float, default=None, help="decision threshold, fixed a priori")
    p.add_argument("--equivalent-at", type=float, default=None, help="tagger: score from which a link is 'equivalent'")
    p.add_argument("--config", default=None, metavar="FILE", help="a run config (like baselines/configs/*.json)")
    p.add_argument(
        "--baselines-dir",
        default=None,
        metavar="DIR",
        help="baseline configs and results (default: the configs installed with alignbench)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per job."""
    parser = argparse.ArgumentParser(
        prog="alignbench",
        description="Cross-source claim alignment: dataset, baselines and evaluation.",
    )
    parser.add_argument("--version", action="version", version=f"alignbench {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("validate", help="check corpus/ and annotations/ and print a summary")
    p.add_argument("dir", nargs="?", default=".", metavar="DIR", help="the source tree (default: .)")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("build", help="build the Hugging Face dataset data/ (Parquet + dataset card)")
    p.add_argument("--root", default=".", metavar="DIR", help="the source tree (default: .)")
    p.add_argument("--out", default=None, metavar="DIR", help="the dataset folder (default: ROOT/data)")
    p.add_argument("--check", action="store_true", help="do not write: exit 1 if the dataset folder is stale")
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser(
        "import",
        help="import a peer benchmark you downloaded (ists2016) as dataset folders",
        description="Import the SemEval-2016 Task 2 (iSTS) release at SRC: one dataset folder per subset "
        "(OUT/headlines, OUT/images, OUT/answers-students), each with a train and a test split. The release has "
        "no licence: keep OUT to yourself.",
    )
    p.add_argument("format", choices=["ists2016"], help="the benchmark's format")
    p.add_argument("src", metavar="SRC", help="the release folder (holding train/, test/ and SHA256SUMS)")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="the folder to write the datasets into")
    p.add_argument("--check", action="store_true", help="do not write: exit 1 if OUT is not what importing SRC gives")
    p.set_defaults(func=_cmd_import)

    from alignbench.views import FORMATS

    p = sub.add_parser("eval", help="score predictions, an aligner, or every baseline (leaderboard)")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--predictions", metavar="FILE", help="a JSON Lines prediction file")
    what.add_argument(
        "--aligner", metavar="NAME", help="run and score an aligner (built-in name or package.module:Class)"
    )
    what.add_argument(
        "--baselines", action="store_true", help="run every config in baselines/configs and print the leaderboard"
    )
    _add_run_options(p)
    p.add_argument(
        "--update", action="store_true", help="with --baselines: rewrite the committed reports and leaderboard"
    )
    p.add_argument(
        "--split",
        default=None,
        help="the split to score (default: test; e.g. diagnostic). --baselines --update without it: every split",
    )
    p.add_argument(
        "--by",
        default=None,
        choices=("tag",),
        help="add a breakdown by phenomenon tag (splits whose gold links carry tags, e.g. diagnostic; "
        "--baselines adds it on such a split by itself)",
    )
    p.add_argument(
        "--data", default=None, metavar="DIR", help="a dataset folder built by 'alignbench build' (default: bundled)"
    )
    p.add_argument("--metrics", default=None, help="comma-separated metric names, e.g. link.F1,rank.AP (default: all)")
    p.add_argument(
        "--format",
        default=None,
        choices=FORMATS,
        help="output format (default: table; markdown for --baselines, the text of baselines/LEADERBOARD.md)",
    )
    p.add_argument("-o", "--output", default=None, metavar="FILE", help="write to FILE (atomically) instead of stdout")
    p.add_argument("--per-pair", action="store_true", help="add one row per article pair (not with --baselines)")
    p.add_argument("--system", default=None, help="system name recorded in the report (default: the file name)")
    p.add_argument(
        "--resamples",
        type=int,
        default=1000,
        help=f"bootstrap resamples for the 95%% CIs, 0 to {MAX_RESAMPLES} (default: 1000)",
    )
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed, a non-negative integer (default: 0)")
    p.set_defaults(func=_cmd_eval)

    p = sub.add_parser("run", help="run an aligner and write a prediction file")
    p.add_argument("aligner", metavar="ALIGNER", help="built-in name (see 'alignbench list') or package.module:Class")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="the prediction file to write")
    p.add_argument("--data", default=None, metavar="DIR", help="a dataset folder (default: bundled)")
    p.add_argument("--split", default="test", help="the split to align (default: test)")
    p.add_argument("--system", default=None, help=argparse.SUPPRESS)
    _add_run_options(p)
    p.set_defaults(func=_cmd_run)

    from alignbench.scoring.tune_grid import DEFAULT_EQUIVALENT_AT, DEFAULT_THRESHOLDS, DEFAULT_TIE_BREAK

    p = sub.add_parser(
        "tune",
        help="choose an aligner's threshold and equivalent_at on a tuning split; write a run config",
        description="Score the tuning split once with ALIGNER, try every (threshold, equivalent_at) of the grid and "
        "write the best by --objective as a run config (like baselines/configs/*.json; its name is the file name). "
        "Ties: --tie-break, then the smaller threshold, then the smaller equivalent_at. Splits that results are "
        "reported on (test, diagnostic) are refused.",
    )
    p.add_argument("aligner", metavar="ALIGNER", help="built-in name (see 'alignbench list') or package.module:Class")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="the run config to write (atomically)")
    p.add_argument("--data", default=None, metavar="DIR", help="a dataset folder (default: bundled)")
    p.add_argument("--split", default="train", help="the split to tune on (default: train; never test or diagnostic)")
    p.add_argument(
        "--objective", default=None, metavar="METRIC", help="the metric to optimise (default: link.F1; not rank.*)"
    )
    p.add_argument(
        "--tie-break", default=DEFAULT_TIE_BREAK, metavar="METRIC", help=f"second metric (default: {DEFAULT_TIE_BREAK})"
    )
    p.add_argument(
        "--thresholds",
        default=DEFAULT_THRESHOLDS,
        metavar="GRID",
        help=f"thresholds to try: START:STOP:STEP (ends included) or a,b,c (default: {DEFAULT_THRESHOLDS})",
    )
    p.add_argument(
        "--equivalent-at-grid",
        default=DEFAULT_EQUIVALENT_AT,
        metavar="GRID",
        help=f"equivalent_at values to try, as --thresholds (default: {DEFAULT_EQUIVALENT_AT})",
    )
    p.add_argument("--param", action="append", metavar="KEY=VALUE", help="aligner parameter (repeatable)")
    p.add_argument("--decoder", default=None, choices=["threshold", "mutual", "hungarian"], help="link decoder")
    p.add_argument("--config", default=None, metavar="FILE", help="start from this config's parameters and decoder")
    p.add_argument(
        "--baselines-dir",
        default=None,
        metavar="DIR",
        help="where ALIGNER's committed config is looked up (default: the installed configs)",
    )
    p.set_defaults(func=_cmd_tune)

    p = sub.add_parser(
        "export-wa",
        help="write a prediction file on an iSTS import in the task's .wa system format",
        description="Write the decided links (label != none) of a prediction file in the iSTS .wa system format, "
        "so that the task's official scorer can be run on it. Every chunk is either aligned or NOALI; relations are "
        "written as EQUI 5, SPE1 4, SPE2 4, OPPO 4, SIMI 3 (related).",
    )
    p.add_argument("predictions", metavar="PREDICTIONS", help="a JSON Lines prediction file")
    p.add_argument("--data", required=True, metavar="DIR", help="a dataset folder made by 'alignbench import ists2016'")
    p.add_argument("--split", default="test", help="the split the predictions are for (default: test)")
    p.add_argument("-o", "--output", default=None, metavar="FILE", help="write to FILE (atomically) instead of stdout")
    p.set_defaults(func=_cmd_export_wa)

    p = sub.add_parser("explain", help="error-analysis page (HTML) and precision-recall curve of a run")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--predictions", metavar="FILE", help="a JSON Lines prediction file")
    what.add_argument("--aligner", metavar="NAME", help="run an aligner (built-in name or package.module:Class)")
    _add_run_options(p)
    p.add_argument("--compare", default=None, metavar="OTHER", help="a second prediction file, shown side by side")
    p.add_argument("--compare-system", default=None, metavar="NAME", help="name of the --compare system")
    p.add_argument("--system", default=None, help="system name (default: the config or file name)")
    p.add_argument("--data", default=None, metavar="DIR", help="a dataset folder (default: bundled)")
    p.add_argument("--split", default="test", help="the split to show (default: test; e.g. diagnostic)")
    p.add_argument("-o", "--output", default=None, metavar="PAGE.html", help="write the page (one self-contained file)")
    p.add_argument("--curve", default=None, metavar="FILE", help="write the precision-recall curve (.pdf or .svg)")
    p.add_argument("--format", default=None, choices=["pdf", "svg"], help="format of --curve (default: its suffix)")
    p.add_argument(
        "--resamples", type=int, default=1000, help="bootstrap resamples of the report's CIs (default: 1000)"
    )
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed (default: 0)")
    p.set_defaults(func=_cmd_explain)

    p = sub.add_parser("list", help="list the built-in aligners and baseline configs")
    p.add_argument("--baselines-dir", default=None, metavar="DIR", help="(default: the installed configs)")
    p.set_defaults(func=_cmd_list)

    p = sub.add_parser("validate-predictions", help="check a prediction file without scoring it")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--data", default=None, metavar="DIR", help="a dataset folder (default: bundled)")
    p.add_argument("--split", default="test", help="the split the predictions are for (default: test)")
    p.set_defaults(func=_cmd_validate_predictions)

    p = sub.add_parser("compare", help="paired bootstrap comparison of two JSON reports (B - A)")
    p.add_argument("a", metavar="A.json")
    p.add_argument("b", metavar="B.json")
    p.add_argument("-o", "--output", default=None, metavar="FILE", help="write to FILE instead of stdout")
    p.set_defaults(func=_cmd_compare)

    from alignbench.views.agreement import AGREE_FORMATS

    p = sub.add_parser("agree", help="inter-annotator agreement of annotation passes over the full claim grid")
    p.add_argument(
        "passes", nargs="+", metavar="PASS", help="JSON Lines files of links, one per pass (named by file stem)"
    )
    p.add_argument("--root", default=".", metavar="DIR", help="the source tree holding the claims (default: .)")
    p.add_argument(
        "--exclude",
        default=None,
        metavar="CELLS.jsonl",
        help="cells (claim_a, claim_b) to leave out of the second set of figures "
        "(default: the worked examples of ROOT/annotations/GUIDELINES.md)",
    )
    p.add_argument("--format", default="table", choices=AGREE_FORMATS, help="output format (default: table)")
    p.add_argument("-o", "--output", default=None, metavar="FILE", help="write to FILE (atomically) instead of stdout")
    p.set_defaults(func=_cmd_agree)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    from alignbench.records import DataError, UsageError

    try:
        status = args.func(args)
        sys.stdout.flush()
        return status
    except UsageError as err:
        print(f"alignbench {args.command}: error: {err.problems[0]}", file=sys.stderr)
        return 2
    except DataError as err:
        for problem in err.problems:
            print(f"alignbench {args.command}: {problem}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader went away (`alignbench validate | head`): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except OSError as err:  # unreadable input, unwritable output: the user's to fix, not a bug
        where = f"{err.filename}: " if err.filename else ""
        print(f"alignbench {args.command}: {where}{err.strerror or err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("alignbench: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
