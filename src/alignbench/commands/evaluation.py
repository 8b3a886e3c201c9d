"""Scoring commands: ``eval`` (one system or the baselines), ``run``, ``list``, ``validate-predictions``, ``compare``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: start-up stays free of numpy and friends
    from alignbench.records import Benchmark
    from alignbench.scoring.report import Report

from alignbench.commands.common import (
    _baselines_dir,
    _check_eval_flags,
    _check_latex_flags,
    _check_numbers,
    _check_outputs,
    _emit,
    _load_gold,
    _metric_selection,
    _run_config,
    _select_clusters,
    _usage,
    latex_options,
)


def _cmd_eval(args: argparse.Namespace) -> int:
    if args.format is None:
        args.format = "markdown" if args.baselines else "table"
    _check_eval_flags(args)
    _check_numbers(args)
    names = _metric_selection(args.metrics)
    _check_outputs(args)
    split_given = args.split is not None
    args.split = "test" if args.split is None else args.split  # "--split ''" is an error, not test
    if args.aligner:
        config = _run_config(args)
        from alignbench.aligners import get_aligner

        get_aligner(config.aligner, **config.params)  # a bad name or parameter fails before any work
    if args.baselines:
        return _eval_baselines(args, names, every_split=(args.update or args.check) and not split_given)
    from alignbench.aligners import parse_params
    from alignbench.runs.system import evaluate_system
    from alignbench.views.formats import format_report

    whole, dataset = _load_gold(args)  # a bad --split, --data or --cluster is one line before any work
    bench, dataset = _select_clusters(args, whole, dataset)
    _check_by(args, bench)
    report = evaluate_system(
        args.predictions or args.aligner,
        predictions=bool(args.predictions),
        split=args.split,
        data=args.data,
        clusters=dataset.get("clusters"),
        resamples=args.resamples,
        seed=args.seed,
        system=args.system,
        params=parse_params(args.param) if args.param else None,
        decoder=args.decoder,
        threshold=args.threshold,
        equivalent_at=args.equivalent_at,
        config=args.config,
        baselines_dir=args.baselines_dir,
        per_pair=args.per_pair,
        by_tag=args.by == "tag",
    )
    _emit(format_report(report, args.format, names, **latex_options(args)), args.output)
    return 0


def _check_by(args: argparse.Namespace, bench: Benchmark) -> bool:
    """Whether the split's gold links carry phenomenon tags; ``--by tag`` on one without them is a usage error."""
    from alignbench.scoring.bytag import split_tags

    tagged = bool(split_tags(bench))
    if args.by == "tag" and not tagged:
        others = _tagged_splits(args.data, args.split)  # only splits this dataset has (an import has none)
        hint = " or ".join(f"--split {s}" for s in others)
        hint = f"try {hint}" if others else "nor do those of any other split of this dataset"
        what = f"split {args.split!r}" if args.cluster is None else f"--cluster {args.cluster} of split {args.split!r}"
        _usage(f"--by tag: the gold links of {what} carry no phenomenon tags ({hint})")
    return tagged


def _tagged_splits(data: str | None, but: str) -> list[str]:
    """The splits of a dataset, other than ``but``, whose gold links carry phenomenon tags."""
    from alignbench.dataset.load import available_splits, read_table

    found = []
    for split in available_splits(data):
        if split != but:
            table = read_table("alignments", split, data)
            if "tags" in table.column_names and any(table.column("tags").to_pylist()):
                found.append(split)
    return found


def _eval_baselines(args: argparse.Namespace, names: list[str] | None, every_split: bool) -> int:
    """The leaderboard of a split (with per-tag tables where its links carry tags); with
    ``--update``, the committed reports and leaderboards of the split, or of every split when no
    ``--split`` was given."""
    from alignbench.progress import progress
    from alignbench.runs.baselines import config_paths, evaluate_config, is_bundled, read_config
    from alignbench.scoring.space import CandidateSpace

    folder = _baselines_dir(args)
    if args.update and is_bundled(folder):
        _usage("--update rewrites the committed results of a clone of alignbench; run it in a clone")
    paths = config_paths(folder)
    splits = [args.split]
    if every_split:
        from alignbench.dataset.load import available_splits

        splits = available_splits(args.data)
    from alignbench.views.margins import margins_table

    boards: list[str] = []
    problems: list[str] = []
    margins: list[str] = []
    for split in splits:
        args.split = split
        whole, dataset = _load_gold(args)
        bench, dataset = _select_clusters(args, whole, dataset)
        tagged = _check_by(args, bench)
        space = CandidateSpace(bench)
        options = {"split": split, "resamples": args.resamples, "seed": args.seed, "by_tag": tagged}
        reports = [
            evaluate_config(read_config(path), bench, dataset, space, fit=whole, **options)
            for path in progress(paths, f"baselines ({split})", unit="system")
        ]
        if args.check:
            problems += _check_reports(folder, reports)
            continue
        boards.append(_baselines_board(args, folder, split, reports, names))
        if args.update and every_split and not args.baselines_dir:
            margins.append(margins_table(reports, split))
    if args.check:
        return _check_verdict(problems, len(paths) * len(splits))
    if args.update and every_split and not args.baselines_dir:
        _update_datasheet_priors()
        readme = folder.resolve().parent / "README.md"
        if readme.is_file():
            from alignbench.runs.llm_cost import MARKER, readme_cost_table

            _replace_block(readme, "floor-margins", "\n".join(margins))
            _replace_block(readme, "citation", _citation_block())
            _replace_block(readme, MARKER, readme_cost_table(args.data))
    if args.update and not args.baselines_dir:
        from alignbench.commands.derived import clone_root, report_update, update_derived

        root = clone_root(folder)
        if root is not None:  # README/DATASHEET numbers and the iSTS seed transfer follow the data
            report_update(root, update_derived(root))
    _emit("\n".join(boards), args.output)
    return 0


def _citation_block() -> str:
    """The README's citation block: ``alignbench cite`` for the bundled data, as a BibTeX code block."""
    from alignbench.dataset.citation import bibtex, read_citation

    return "```bibtex\n" + bibtex(read_citation()) + "```\n"


def _update_datasheet_priors() -> None:
    """Rewrite the DATASHEET's priors block (every split of the bundled data) in a clone."""
    from alignbench.runs.baselines import default_baselines_dir
    from alignbench.runs.priors import MARKER, priors_block

    datasheet = default_baselines_dir().resolve().parent / "DATASHEET.md"
    if datasheet.is_file():
        _replace_block(datasheet, MARKER, priors_block())
        print(f"updated {datasheet} (priors)", file=sys.stderr)


def _replace_block(path: Path, marker: str, body: str) -> None:
    """Replace the text between ``<!-- marker:start -->`` and ``<!-- marker:end -->`` of ``path``, if both are there."""
    from alignbench.fileio import write_text_atomic

    start, end = f"<!-- {marker}:start -->\n", f"<!-- {marker}:end -->"
    text = path.read_text(encoding="utf-8")
    if start in text and end in text:
        head, rest = text.split(start, 1)
        write_text_atomic(path, head + start + body + rest[rest.index(end) :])


def _check_reports(folder: Path, reports: list[Report]) -> list[str]:
    """Lines naming every committed report that ``reports`` (fresh) do not reproduce, exactly or within
    the aligner's declared tolerance (:mod:`alignbench.runs.reproduce`)."""
    import json

    from alignbench.runs.baselines import result_path
    from alignbench.runs.reproduce import differences

    problems = []
    for report in reports:
        path = result_path(folder, report)
        if not path.is_file():
            problems.append(f"{path}: no committed report to check (alignbench eval --baselines --update writes it)")
            continue
        try:
            committed = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            problems.append(f"{path}: cannot read the committed report ({err})")
            continue
        found = differences(committed, report.to_dict())
        tolerance = report.system.get("reproducibility", {}).get("tolerance", 0.0)
        within = f"within {tolerance}" if tolerance else "exactly"
        problems += [f"{path}: does not reproduce {within}: {line}" for line in found[:5]]
        if len(found) > 5:
            problems.append(f"{path}: ... and {len(found) - 5} more differences")
    return problems


def _check_verdict(problems: list[str], checked: int) -> int:
    if problems:
        for line in problems:
            print(f"alignbench eval: {line}", file=sys.stderr)
        return 1
    print(
        f"alignbench eval: {checked} committed reports reproduce (exactly, or within their aligner's declared tolerance)"
    )
    return 0


def _baselines_board(
    args: argparse.Namespace, folder: Path, split: str, reports: list[Report], names: list[str] | None
) -> str:
    """The leaderboard text of one split; with ``--update``, also written with its reports."""
    from alignbench.runs.baselines import leaderboard_file, result_path
    from alignbench.views.leaderboard import leaderboard

    board = leaderboard(reports, args.format, names, **latex_options(args))
    if args.update:
        from alignbench.fileio import write_text_atomic

        for report in reports:
            write_text_atomic(result_path(folder, report), report.to_json())
        write_text_atomic(leaderboard_file(folder, split), board)
        from alignbench.runs.baselines import default_baselines_dir

        default = default_baselines_dir().resolve()
        readme = default.parent / "README.md"
        prefix = "" if folder.resolve() == default else f"{folder.resolve().name}-"  # baselines/semantic: semantic-
        _update_readme_leaderboard(readme, leaderboard(reports, "markdown", tags=False), split, prefix)
        also = f" and {readme}" if readme.is_file() else ""
        print(f"updated {folder}/results, {leaderboard_file(folder, split)}{also} ({split})", file=sys.stderr)
    return board


def _update_readme_leaderboard(readme: Path, board: str, split: str = "test", prefix: str = "") -> None:
    """Replace a split's leaderboard block of the clone's README.md (between its markers:
    ``leaderboard`` for test, ``leaderboard-<split>`` for another split, after ``prefix`` for another
    baselines folder, e.g. ``semantic-leaderboard``), if there is one."""
    from alignbench.fileio import write_text_atomic

    marker = prefix + ("leaderboard" if split == "test" else f"leaderboard-{split}")
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
    from alignbench.records import LABELS
    from alignbench.runs.baselines import run_aligner
    from alignbench.scoring.predictions import write_prediction_arrays
    from alignbench.scoring.space import CandidateSpace

    _check_outputs(args)
    config = _run_config(args)
    get_aligner(config.aligner, **config.params)  # a bad name or parameter fails before any work
    whole, dataset = _load_gold(args)
    bench, _ = _select_clusters(args, whole, dataset)
    space = CandidateSpace(bench)
    preds = run_aligner(get_aligner(config.aligner, **config.params), whole, config, space)
    write_prediction_arrays(args.output, space, preds)
    decided = int((preds.label != LABELS.index("none")).sum())
    print(
        f"wrote {args.output}: {len(preds.index)} scored candidates, {decided} decided links ({config.decoder} >= {config.threshold})",
        file=sys.stderr,
    )
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    from alignbench.aligners import REGISTRY
    from alignbench.runs.baselines import config_names

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
    from alignbench.scoring.compare import COMPARED, comparable, compare
    from alignbench.scoring.report import Report
    from alignbench.views.compare import format_comparison

    _check_latex_flags(args)
    names = _metric_selection(args.metrics)
    for name in names or ():
        if not comparable(name):
            _usage(
                f"--metrics: {name} cannot be compared (a paired test recomputes link, strict, labeled, relation, "
                "macro and rank.AP from the reports)"
            )
    _check_outputs(args)
    reports = []
    for name in (args.a, args.b):
        try:
            text = Path(name).read_text(encoding="utf-8")
        except OSError as err:
            raise DataError(f"{name}: {err.strerror}") from None
        reports.append(Report.from_json(text, name))
    if args.cluster is not None:
        reports = _compare_subset(args, reports)
    elif args.data is not None:
        _usage("--data applies only with --cluster (it names the data the reports were made on)")
    comparison = compare(*reports, tuple(names) if names else COMPARED)
    _emit(format_comparison(comparison, args.format, **latex_options(args)), args.output)
    return 0


def _compare_subset(args: argparse.Namespace, reports: list[Report]) -> list[Report]:
    """``compare --cluster``: both reports cut down to the resampling units of those clusters,
    checked against the data they were made on (bundled, or ``--data``)."""
    from alignbench.records import DataError
    from alignbench.scoring.subset import restrict_report

    args.split = str(reports[0].dataset.get("split"))
    whole, dataset = _load_gold(args)
    for name, report in zip((args.a, args.b), reports, strict=True):
        if report.dataset.get("source_sha256") != dataset.get("source_sha256"):
            where = args.data or "the bundled dataset"
            raise DataError(
                f"{name}: the report was made on other data than {where} (source hash differs): pass its --data"
            )
        if report.dataset.get("clusters"):
            raise DataError(f"{name}: the report is already on a cluster subset: --cluster cuts whole-split reports")
    bench, _ = _select_clusters(args, whole, dataset)
    wanted = sorted({a.cluster_id for a in bench.articles})
    cut = [restrict_report(report, whole, wanted) for report in reports]
    for name, report in zip((args.a, args.b), cut, strict=True):
        if not report.units:
            raise DataError(f"{name}: the report has no resampling unit in cluster(s) {', '.join(wanted)}")
    return cut
