"""The ``alignbench`` command line: argument parsing and dispatch (command bodies: ``alignbench.commands``).

Only the standard library is imported at start-up; each command imports what it needs, so that
``alignbench --help`` stays fast. Exit status: 0 ok, 1 bad data or input, 2 usage (a bad flag value
or combination), 130 interrupted, 141 output pipe closed early (as ``alignbench validate | head``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from alignbench._version import __version__
from alignbench.commands.annotate import add_annotation_commands
from alignbench.commands.common import MAX_RESAMPLES
from alignbench.commands.data import _cmd_build, _cmd_cite, _cmd_export_wa, _cmd_import, _cmd_validate
from alignbench.commands.evaluation import _cmd_compare, _cmd_eval, _cmd_list, _cmd_run, _cmd_validate_predictions
from alignbench.commands.extra import _cmd_agree, _cmd_explain, _cmd_tune


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
    _add_traceback(p)


def _add_traceback(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--traceback",
        action="store_true",
        help="when an aligner's own code fails, print its whole traceback (not only the one-line error)",
    )


def _add_latex_options(p: argparse.ArgumentParser) -> None:
    from alignbench.views import CI_MODES

    p.add_argument(
        "--ci",
        default=None,
        choices=CI_MODES,
        help="with --format latex: the 95%% CIs under each value (below, the default), as a superscript and "
        "subscript of it (inline), or not at all (none)",
    )
    p.add_argument("--label", default=None, help="with --format latex: the table's \\label (default: tab:...)")
    p.add_argument(
        "--caption", default=None, help="with --format latex: the caption, plain text (default: a short one)"
    )


def _add_cluster_option(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument(
        "--cluster",
        default=None,
        metavar="ID[,ID...]",
        help=f"{what} only these clusters of the split (the report records the subset; an unknown id is exit 1)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per job."""
    parser = argparse.ArgumentParser(
        prog="alignbench",
        allow_abbrev=False,  # and every sub-command's: "--threshold 0.4" must not pass for --thresholds
        description="Cross-source claim alignment: dataset, baselines and evaluation.",
    )
    parser.add_argument("--version", action="version", version=f"alignbench {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("validate", allow_abbrev=False, help="check corpus/ and annotations/ and print a summary")
    p.add_argument("dir", nargs="?", default=".", metavar="DIR", help="the source tree (default: .)")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser(
        "build", allow_abbrev=False, help="build the Hugging Face dataset data/ (Parquet + dataset card)"
    )
    p.add_argument("--root", default=".", metavar="DIR", help="the source tree (default: .)")
    p.add_argument("--out", default=None, metavar="DIR", help="the dataset folder (default: ROOT/data)")
    p.add_argument("--check", action="store_true", help="do not write: exit 1 if the dataset folder is stale")
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser(
        "import",
        allow_abbrev=False,
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

    p = sub.add_parser(
        "eval", allow_abbrev=False, help="score predictions, an aligner, or every baseline (leaderboard)"
    )
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
        "--check",
        action="store_true",
        help="with --baselines: recompute every report and compare it with the committed one, exactly or within "
        "the tolerance its aligner declares (exit 1 naming each difference)",
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
    _add_latex_options(p)
    p.add_argument("--per-pair", action="store_true", help="add one row per article pair (not with --baselines)")
    p.add_argument("--system", default=None, help="system name recorded in the report (default: the file name)")
    p.add_argument(
        "--resamples",
        type=int,
        default=1000,
        help=f"bootstrap resamples for the 95%% CIs, 0 to {MAX_RESAMPLES} (default: 1000)",
    )
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed, a non-negative integer (default: 0)")
    _add_cluster_option(p, "score")
    p.set_defaults(func=_cmd_eval)

    p = sub.add_parser("run", allow_abbrev=False, help="run an aligner and write a prediction file")
    p.add_argument("aligner", metavar="ALIGNER", help="built-in name (see 'alignbench list') or package.module:Class")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="the prediction file to write")
    p.add_argument("--data", default=None, metavar="DIR", help="a dataset folder (default: bundled)")
    p.add_argument("--split", default="test", help="the split to align (default: test)")
    p.add_argument("--system", default=None, help=argparse.SUPPRESS)
    _add_run_options(p)
    _add_cluster_option(p, "align (with the aligner fitted on the whole split)")
    p.set_defaults(func=_cmd_run)

    from alignbench.scoring.tune_grid import DEFAULT_EQUIVALENT_AT, DEFAULT_THRESHOLDS, DEFAULT_TIE_BREAK

    p = sub.add_parser(
        "tune",
        allow_abbrev=False,
        help="choose an aligner's threshold and equivalent_at on a tuning split; write a run config",
        description="Score the tuning split once with ALIGNER, try every (threshold, equivalent_at) of the grid and "
        "write the best by --objective as a run config (like baselines/configs/*.json; its name is the file name). "
        "Ties: --tie-break, then the smaller threshold, then the smaller equivalent_at. Splits that results are "
        "reported on (test, diagnostic) are refused.",
    )
    p.add_argument("aligner", metavar="ALIGNER", help="built-in name (see 'alignbench list') or package.module:Class")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="the run config to write (atomically)")
    _add_traceback(p)
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
        allow_abbrev=False,
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

    p = sub.add_parser(
        "explain", allow_abbrev=False, help="error-analysis page (HTML) and precision-recall curve of a run"
    )
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
    _add_cluster_option(p, "show and score")
    p.set_defaults(func=_cmd_explain)

    p = sub.add_parser("list", allow_abbrev=False, help="list the built-in aligners and baseline configs")
    p.add_argument("--baselines-dir", default=None, metavar="DIR", help="(default: the installed configs)")
    p.set_defaults(func=_cmd_list)

    p = sub.add_parser("validate-predictions", allow_abbrev=False, help="check a prediction file without scoring it")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--data", default=None, metavar="DIR", help="a dataset folder (default: bundled)")
    p.add_argument("--split", default="test", help="the split the predictions are for (default: test)")
    p.set_defaults(func=_cmd_validate_predictions)

    p = sub.add_parser(
        "compare",
        allow_abbrev=False,
        help="paired bootstrap comparison of two JSON reports (B - A)",
        description="B - A on the same resamples of both reports: a 95%% interval and a two-sided p-value for every "
        "metric computed from decisions and for rank.AP (recomputed on each resample from the ranking profile that "
        "reports keep). Metrics with fewer than 10 gold items get no p-value.",
    )
    p.add_argument("a", metavar="A.json")
    p.add_argument("b", metavar="B.json")
    p.add_argument("--format", default="table", choices=FORMATS, help="output format (default: table)")
    p.add_argument(
        "--metrics",
        default=None,
        help="comma-separated metrics to compare (default: link, labeled, macro, contradiction F1 and rank.AP)",
    )
    p.add_argument("-o", "--output", default=None, metavar="FILE", help="write to FILE (atomically) instead of stdout")
    _add_latex_options(p)
    _add_cluster_option(p, "compare on the resampling units of")
    p.add_argument(
        "--data", default=None, metavar="DIR", help="with --cluster: the dataset folder the reports were made on"
    )
    p.set_defaults(func=_cmd_compare)

    p = sub.add_parser(
        "cite",
        allow_abbrev=False,
        help="print the citation of the installed version (from CITATION.cff)",
        description="The citation of this alignbench version, with the dataset version and the SHA-256 of the sources "
        "its data was built from. CITATION.cff is the one source.",
    )
    p.add_argument("--format", default="bibtex", choices=("bibtex", "cff", "text"), help="(default: bibtex)")
    p.set_defaults(func=_cmd_cite)

    from alignbench.views.agreement import AGREE_FORMATS

    p = sub.add_parser(
        "agree", allow_abbrev=False, help="inter-annotator agreement of annotation passes over the full claim grid"
    )
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
    add_annotation_commands(sub)
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
        original = getattr(err, "original", None)  # a plug-in aligner's own exception (aligners.calls.PluginError)
        if original is not None and getattr(args, "traceback", False):
            import traceback

            traceback.print_exception(original, file=sys.stderr)
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
