"""Scale benchmark: synthetic source trees of N clusters, and CLI timings on them.

    python benchmarks/scale.py write N [DIR] [--seed S]
        Write a synthetic source tree of N clusters into DIR (absent or empty; default: a new
        temporary folder, printed). It passes ``alignbench validate --root DIR`` and builds with
        ``alignbench build --root DIR --out DIR/data``. Deterministic from the seed; the tree of
        N clusters is a prefix of the tree of M > N clusters.

    python benchmarks/scale.py run [--sizes 10,50,200] [--repeats 3] [--workdir W] [--json F]
        Measure the installed ``alignbench`` CLI (validate, build, eval --baselines,
        eval --predictions) on trees of each size: wall time, peak RSS of the child, time per
        candidate pair. Prints a markdown table.

Nothing here is run by the test suite: tests never time anything.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import write_tree  # sibling module of this script (benchmarks/ is not a package)


def cmd_write(args: argparse.Namespace) -> None:
    """``write``: make one synthetic tree and print its counts."""
    root = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix=f"alignbench-scale-{args.clusters}-"))
    totals = write_tree(root, args.clusters, args.seed)
    print(f"{root}: " + ", ".join(f"{v:,} {k}" for k, v in totals.items()))


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and run one subcommand."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    write = sub.add_parser("write", help="write a synthetic source tree of N clusters")
    write.add_argument("clusters", type=int, metavar="N")
    write.add_argument("dir", nargs="?", metavar="DIR", help="absent or empty folder (default: a new temp folder)")
    write.add_argument("--seed", type=int, default=0)
    write.set_defaults(func=cmd_write)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
