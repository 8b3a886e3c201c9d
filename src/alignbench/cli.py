"""The ``alignbench`` command line.

Only the standard library is imported at start-up; each command imports what it needs, so that
``alignbench --help`` stays fast. Exit status: 0 ok, 1 bad data or input, 2 usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from alignbench import __version__


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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    from alignbench.records import DataError

    try:
        return args.func(args)
    except DataError as err:
        for problem in err.problems:
            print(f"alignbench {args.command}: {problem}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("alignbench: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
