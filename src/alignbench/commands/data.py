"""Commands on the data: ``validate``, ``build``, ``import`` and ``export-wa``."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: start-up stays free of numpy and friends
    pass

from alignbench.commands.common import (
    _check_outputs,
    _emit,
    _load_gold,
)


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


def _cmd_cite(args: argparse.Namespace) -> int:
    from alignbench.dataset.citation import format_citation, read_citation

    sys.stdout.write(format_citation(read_citation(), args.format))
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


def _cmd_export_wa(args: argparse.Namespace) -> int:
    from alignbench.records import LABELS, DataError
    from alignbench.scoring.predictions import read_predictions
    from alignbench.scoring.space import CandidateSpace
    from alignbench.views.wa import write_wa

    _check_outputs(args)
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
