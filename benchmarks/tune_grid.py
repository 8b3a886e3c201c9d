"""Benchmark: ``alignbench tune`` on grids of growing size (why issue 18 caps a grid at 100,000 points).

Each grid point decides and tags the split's candidates with a few array operations, so a grid
costs time in proportion to its points (times the candidates). Issue 18 found no cap on the
product of the two grids: 10,000 x 10,000 values gave no output in 300 s. This script writes a
**synthetic** release in the iSTS-2016 layout (``benchmarks/import_scale.py``, invented
sentences) whose headlines train split has ``--train-pairs`` sentence pairs, imports it, and
times ``alignbench tune tfidf --split train`` end to end (a child process, wall time and peak RSS)
on grids of 380 points (the defaults), 10,201 (``0:1:0.01`` twice, as the semantic baselines were
tuned) and 100,000 (the cap), reporting time per grid point after the fixed cost.

Run: ``python benchmarks/tune_grid.py [--train-pairs 756] [--runs 1]``. Not part of the tests.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# sibling modules of this script (benchmarks/ is not a package)
from import_scale import write_release
from measure import alignbench_command, machine, run_child

#: (name, --thresholds, --equivalent-at-grid, points)
GRIDS = [
    ("defaults", "0.05:0.95:0.05", "0.05:1:0.05", 19 * 20),
    ("0:1:0.01 x 0:1:0.01", "0:1:0.01", "0:1:0.01", 101 * 101),
    ("the cap", "0:0.999:0.001", "0:0.99:0.01", 1000 * 100),
]


def main() -> int:
    parser = argparse.ArgumentParser(allow_abbrev=False, description=__doc__.split("\n\n")[0])
    parser.add_argument("--train-pairs", type=int, default=756, help="headlines train pairs (default: 756, as iSTS)")
    parser.add_argument("--runs", type=int, default=1, help="runs per grid (default: 1)")
    args = parser.parse_args()
    cli = alignbench_command()
    rows = []
    with tempfile.TemporaryDirectory(prefix="alignbench-tune-grid-") as tmp:
        release, out = Path(tmp) / "release", Path(tmp) / "out"
        write_release(release, 20, train_pairs=args.train_pairs)
        run_child([*cli, "import", "ists2016", str(release), "-o", str(out)])
        data = str(out / "headlines")
        for name, thresholds, equivalent_ats, points in GRIDS:
            command = ["tune", "tfidf", "--data", data, "--split", "train", "-o", str(Path(tmp) / "t.json")]
            command += ["--thresholds", thresholds, "--equivalent-at-grid", equivalent_ats]
            runs = [run_child([*cli, *command]) for _ in range(args.runs)]
            rows.append((name, points, [s for s, _ in runs], max(r for _, r in runs)))
            print(f"{name}: {statistics.median(s for s, _ in runs):.2f} s", file=sys.stderr)
    base = statistics.median(rows[0][2])
    print(f"machine: {machine()}; headlines train: {args.train_pairs} synthetic sentence pairs")
    print("| grid | points | runs | median wall | per point beyond the defaults' run | peak RSS |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, points, seconds, rss in rows:
        median = statistics.median(seconds)
        extra = f"{(median - base) / (points - rows[0][1]) * 1e6:,.0f} µs" if points > rows[0][1] else "-"
        print(f"| {name} | {points:,} | {len(seconds)} | {median:.2f} s | {extra} | {rss / 2**20:,.0f} MiB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
