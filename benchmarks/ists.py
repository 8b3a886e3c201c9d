"""Benchmark: the whole iSTS-2016 import, then ``eval --baselines`` on the headlines test split.

Times, as child processes of the installed CLI (with each child's own peak RSS, ``os.wait4``):

1. ``alignbench import ists2016 SRC -o OUT`` (checksums, reading the release, three dataset folders);
2. ``alignbench eval --baselines --data OUT/headlines --split test`` (5 baselines, 1,000 resamples,
   the ists.* measure included);

and their sum, the figure that issue 10 asks to stay under 30 s on a 2-core machine. Each run
imports into a fresh temporary folder. Nothing of the release is printed or kept.

Run: ``python benchmarks/ists.py [SRC] [--runs N]`` (SRC defaults to ``../shared/external/ists2016``
beside the checkout; not part of the tests).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# sibling module of this script (benchmarks/ is not a package)
from measure import alignbench_command, machine, run_child

DEFAULT_SRC = Path(__file__).resolve().parents[2] / "shared" / "external" / "ists2016"
GOAL_SECONDS = 30.0


def main() -> int:
    parser = argparse.ArgumentParser(allow_abbrev=False, description=__doc__.split("\n\n")[0])
    parser.add_argument("src", nargs="?", default=str(DEFAULT_SRC), help="the iSTS-2016 release folder")
    parser.add_argument("--runs", type=int, default=3, help="runs (default: 3)")
    args = parser.parse_args()
    if not Path(args.src).is_dir():
        print(f"{args.src}: no such folder (the iSTS-2016 release)", file=sys.stderr)
        return 1
    cli = alignbench_command()
    rows: dict[str, list[tuple[float, int]]] = {"import": [], "eval": [], "total": []}
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "ists"
            imp = run_child([*cli, "import", "ists2016", args.src, "-o", str(out)])
            ev = run_child([*cli, "eval", "--baselines", "--data", str(out / "headlines"), "--split", "test"])
        rows["import"].append(imp)
        rows["eval"].append(ev)
        rows["total"].append((imp[0] + ev[0], max(imp[1], ev[1])))
    print(f"machine: {machine()}")
    print(f"| step | median ({args.runs} runs) | range | peak RSS |")
    print("|---|---|---|---|")
    names = {
        "import": "`alignbench import ists2016` (3 subsets, 2 splits)",
        "eval": "`alignbench eval --baselines --data OUT/headlines --split test`",
        "total": "total",
    }
    for key, values in rows.items():
        secs = [s for s, _ in values]
        rss = max(r for _, r in values)
        print(
            f"| {names[key]} | {statistics.median(secs):.2f} s | {min(secs):.2f}-{max(secs):.2f} s | {rss / 2**20:,.0f} MiB |"
        )
    total = statistics.median(s for s, _ in rows["total"])
    print(f"goal: total < {GOAL_SECONDS:.0f} s: {'met' if total < GOAL_SECONDS else 'NOT met'} ({total:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
