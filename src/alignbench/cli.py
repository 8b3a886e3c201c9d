"""The ``alignbench`` command line.

Only the standard library is imported at start-up; each command imports what it needs, so that
``alignbench --help`` stays fast. Exit status: 0 ok, 1 bad data or input, 2 usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from alignbench import __version__

if TYPE_CHECKING:  # annotations only: start-up stays free of numpy and friends
    from alignbench.baselines import RunConfig
    from alignbench.records import Benchmark
    from alignbench.space import CandidateSpace


def _cmd_validate(args: argparse.Namespace) -> int:
    from alignbench import validate

    status, text, problems = validate.run(args.dir)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"alignbench validate: {len(problems)} problem(s) in {args.dir}", file=sys.stderr)
    else:
        print(f"alignbench validate: {args.dir} is valid\n{text}")
    return status


def _cmd_build(args: argparse.Namespace) -> int:
    from alignbench.build import build

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


def _load_gold(args: argparse.Namespace) -> tuple[Benchmark, dict[str, Any]]:
    """The benchmark to score against (bundled, or ``--data DIR``) and its version metadata."""
    from alignbench.load import dataset_metadata, load_benchmark

    bench = load_benchmark(args.data)
    meta = dataset_metadata(args.data)
    dataset = {"dataset_version": meta.get("dataset_version"), "source_sha256": meta.get("source_sha256")}
    return bench, dataset


def _metric_selection(text: str | None) -> list[str] | None:
    if not text:
        return None
    from alignbench.metrics import parse_metric
    from alignbench.records import DataError

    names = []
    for item in text.split(","):
        try:
            names.append(str(parse_metric(item)))
        except ValueError as err:
            raise DataError(f"--metrics: {err}") from None
    return names


def _emit(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    from alignbench.fileio import write_text_atomic

    write_text_atomic(output, text)
    print(f"wrote {output}", file=sys.stderr)


def _run_config(args: argparse.Namespace) -> RunConfig:
    """The decision settings for ``--aligner``: the committed baseline config, overridden by flags."""
    from pathlib import Path

    from alignbench.aligners import parse_params
    from alignbench.baselines import RunConfig, read_config
    from alignbench.records import DataError

    params = parse_params(args.param or [])
    path = Path(args.baselines_dir, "configs", f"{args.aligner}.json")
    if args.config:
        base = read_config(args.config)
    elif ":" not in args.aligner and path.is_file():
        base = read_config(path)
    elif args.threshold is None:
        raise DataError(
            f"--threshold is required for aligner {args.aligner!r}: fix it a priori, never on the split you report "
            f"(or pass --config FILE)"
        )
    else:
        base = RunConfig(args.aligner, args.aligner, {}, "threshold", args.threshold, 0.5, "")
    threshold = base.threshold if args.threshold is None else args.threshold
    origin = base.threshold_origin if args.threshold is None else "given on the command line (--threshold)"
    return RunConfig(
        name=args.system or base.name,
        aligner=base.aligner if args.config else args.aligner,
        params={**base.params, **params},
        decoder=args.decoder or base.decoder,
        threshold=threshold,
        equivalent_at=base.equivalent_at if args.equivalent_at is None else args.equivalent_at,
        threshold_origin=origin,
    )


def _cmd_eval(args: argparse.Namespace) -> int:
    from alignbench.evaluate import evaluate
    from alignbench.report import format_report
    from alignbench.space import CandidateSpace

    names = _metric_selection(args.metrics)
    bench, dataset = _load_gold(args)
    space = CandidateSpace(bench)
    options = {"split": args.split, "resamples": args.resamples, "seed": args.seed, "per_pair": args.per_pair}
    if args.baselines:
        return _eval_baselines(args, bench, dataset, space, options)
    if args.aligner:
        from alignbench.baselines import evaluate_config

        report = evaluate_config(_run_config(args), bench, dataset, space, **options)
    else:
        from alignbench.fileio import sha256_file
        from alignbench.predictions import read_predictions

        preds = read_predictions(args.predictions, space)
        system = {
            "name": args.system or args.predictions,
            "params": {},
            "predictions_sha256": sha256_file(args.predictions),
        }
        report = evaluate(bench, preds, system=system, dataset=dataset, space=space, **options)
    _emit(format_report(report, args.format, names), args.output)
    return 0


def _eval_baselines(
    args: argparse.Namespace, bench: Benchmark, dataset: dict[str, Any], space: CandidateSpace, options: dict[str, Any]
) -> int:
    from alignbench.baselines import config_paths, evaluate_config, leaderboard, read_config, result_path
    from alignbench.fileio import write_text_atomic

    reports = []
    paths = config_paths(args.baselines_dir)
    for n, path in enumerate(paths, start=1):
        if sys.stderr.isatty():
            print(f"\r[{n}/{len(paths)}] {path.stem}...", end="", file=sys.stderr, flush=True)
        reports.append(evaluate_config(read_config(path), bench, dataset, space, **options))
    if sys.stderr.isatty():
        print("\r" + " " * 40 + "\r", end="", file=sys.stderr)
    if args.update:
        from pathlib import Path

        for report in reports:
            write_text_atomic(result_path(args.baselines_dir, report), report.to_json())
        board = leaderboard(reports, "markdown")
        write_text_atomic(Path(args.baselines_dir, "LEADERBOARD.md"), "# alignbench leaderboard\n\n" + board)
        _update_readme_leaderboard(board)
        print(
            f"updated {args.baselines_dir}/results, {args.baselines_dir}/LEADERBOARD.md and README.md", file=sys.stderr
        )
    fmt = "markdown" if args.format == "markdown" else "table"
    _emit(leaderboard(reports, fmt), args.output)
    return 0


def _update_readme_leaderboard(board: str) -> None:
    """Replace the leaderboard block of ./README.md (between its markers), if there is one."""
    from pathlib import Path

    from alignbench.fileio import write_text_atomic

    readme = Path("README.md")
    start, end = "<!-- leaderboard:start -->\n", "<!-- leaderboard:end -->"
    if not readme.is_file():
        return
    text = readme.read_text(encoding="utf-8")
    if start in text and end in text:
        head, rest = text.split(start, 1)
        write_text_atomic(readme, head + start + board + rest[rest.index(end) :])


def _cmd_run(args: argparse.Namespace) -> int:
    from alignbench.aligners import get_aligner
    from alignbench.baselines import prediction_rows, run_aligner
    from alignbench.predictions import write_predictions
    from alignbench.space import CandidateSpace

    bench, _ = _load_gold(args)
    config = _run_config(args)
    space = CandidateSpace(bench)
    preds = run_aligner(get_aligner(config.aligner, **config.params), bench, config, space)
    write_predictions(args.output, prediction_rows(space, preds))
    decided = int((preds.label != 5).sum())
    print(
        f"wrote {args.output}: {len(preds.index)} scored candidates, {decided} decided links ({config.decoder} >= {config.threshold})",
        file=sys.stderr,
    )
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    from pathlib import Path

    from alignbench.aligners import REGISTRY

    print("aligners:")
    for name, spec in REGISTRY.items():
        print(f"  {name:<12} {spec}")
    configs = sorted(Path(args.baselines_dir, "configs").glob("*.json"))
    if configs:
        print(f"baseline configs ({args.baselines_dir}/configs):")
        for path in configs:
            print(f"  {path.stem}")
    return 0


def _cmd_validate_predictions(args: argparse.Namespace) -> int:
    from alignbench.predictions import read_predictions
    from alignbench.space import CandidateSpace

    bench, _ = _load_gold(args)
    preds = read_predictions(args.file, CandidateSpace(bench))
    decided = int((preds.label != 5).sum())
    print(f"{args.file}: valid, {len(preds.index)} scored candidates, {decided} decided links")
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    from pathlib import Path

    from alignbench.compare import compare, format_comparison
    from alignbench.records import DataError
    from alignbench.report import Report

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


def _add_run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--param", action="append", metavar="KEY=VALUE", help="aligner parameter (repeatable)")
    p.add_argument("--decoder", default=None, choices=["threshold", "mutual", "hungarian"], help="link decoder")
    p.add_argument("--threshold", type=float, default=None, help="decision threshold, fixed a priori")
    p.add_argument("--equivalent-at", type=float, default=None, help="tagger: score from which a link is 'equivalent'")
    p.add_argument("--config", default=None, metavar="FILE", help="a run config (like baselines/configs/*.json)")
    p.add_argument(
        "--baselines-dir", default="baselines", metavar="DIR", help="baseline configs and results (default: baselines)"
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

    from alignbench.report import FORMATS

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
    p.add_argument("--split", default="test", choices=["test"], help="the split to score (only: test)")
    p.add_argument(
        "--data", default=None, metavar="DIR", help="a dataset folder built by 'alignbench build' (default: bundled)"
    )
    p.add_argument("--metrics", default=None, help="comma-separated metric names, e.g. link.F1,rank.AP (default: all)")
    p.add_argument("--format", default="table", choices=FORMATS, help="output format (default: table)")
    p.add_argument("-o", "--output", default=None, metavar="FILE", help="write to FILE (atomically) instead of stdout")
    p.add_argument("--per-pair", action="store_true", help="add one row per article pair")
    p.add_argument("--system", default=None, help="system name recorded in the report (default: the file name)")
    p.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples for the 95%% CIs (default: 1000)")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed (default: 0)")
    p.set_defaults(func=_cmd_eval)

    p = sub.add_parser("run", help="run an aligner and write a prediction file")
    p.add_argument("aligner", metavar="ALIGNER", help="built-in name (see 'alignbench list') or package.module:Class")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="the prediction file to write")
    p.add_argument("--data", default=None, metavar="DIR", help="a dataset folder (default: bundled)")
    p.add_argument("--system", default=None, help=argparse.SUPPRESS)
    _add_run_options(p)
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("list", help="list the built-in aligners and baseline configs")
    p.add_argument("--baselines-dir", default="baselines", metavar="DIR", help="(default: baselines)")
    p.set_defaults(func=_cmd_list)

    p = sub.add_parser("validate-predictions", help="check a prediction file without scoring it")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--data", default=None, metavar="DIR", help="a dataset folder (default: bundled)")
    p.set_defaults(func=_cmd_validate_predictions)

    p = sub.add_parser("compare", help="paired bootstrap comparison of two JSON reports (B - A)")
    p.add_argument("a", metavar="A.json")
    p.add_argument("b", metavar="B.json")
    p.add_argument("-o", "--output", default=None, metavar="FILE", help="write to FILE instead of stdout")
    p.set_defaults(func=_cmd_compare)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    from alignbench.records import DataError, UsageError

    try:
        return args.func(args)
    except UsageError as err:
        print(f"alignbench {args.command}: error: {err.problems[0]}", file=sys.stderr)
        return 2
    except DataError as err:
        for problem in err.problems:
            print(f"alignbench {args.command}: {problem}", file=sys.stderr)
        return 1
    except OSError as err:  # unreadable input, unwritable output: the user's to fix, not a bug
        where = f"{err.filename}: " if err.filename else ""
        print(f"alignbench {args.command}: {where}{err.strerror or err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("alignbench: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
