"""Scale benchmark: synthetic source trees of N clusters, and CLI timings on them.

    python benchmarks/scale.py write N [DIR] [--seed S]
        Write a synthetic source tree of N clusters into DIR (absent or empty; default: a new
        temporary folder, printed). It passes ``alignbench validate DIR`` and builds with
        ``alignbench build --root DIR --out DIR/data``. Deterministic from the seed; the tree of
        N clusters is a prefix of the tree of M > N clusters.

    python benchmarks/scale.py run [--sizes 10,50,200:1] [--repeats 3] [--workdir W] [--json F]
        Measure the ``alignbench`` CLI installed next to this Python (validate, build,
        eval --baselines, eval --predictions) on trees of each size, each command a child
        process: wall time (imports included), the child's own peak RSS, time per candidate pair.
        Commands, sizes and repeats run round-robin (not all repeats of one command in a row);
        the table shows medians. Trees, their dataset and the prediction file are made once per
        size outside the timings, under W/n<N>/ (default: a new temporary folder), and reused
        when W is given again.

Nothing here is run by the test suite: tests never time anything.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# sibling modules of this script (benchmarks/ is not a package)
from measure import alignbench_command, machine, run_child, run_child_usage
from synthetic import write_tree

#: The measured commands, by name: the arguments after ``alignbench`` for a tree at ``root``.
COMMANDS = {
    "validate": lambda root: ["validate", str(root)],
    "build": lambda root: ["build", "--root", str(root), "--out", str(root / "data-timed")],
    "eval --baselines": lambda root: ["eval", "--baselines", "--data", str(root / "data")],
    "eval --predictions": lambda root: [
        "eval",
        "--predictions",
        str(root / "predictions-tfidf.jsonl"),
        "--data",
        str(root / "data"),
    ],
}
#: The aligner whose predictions ``eval --predictions`` scores (written once per size by ``alignbench run``).
PREDICTION_ALIGNER = "tfidf"


def cmd_write(args: argparse.Namespace) -> None:
    """``write``: make one synthetic tree and print its counts."""
    root = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix=f"alignbench-scale-{args.clusters}-"))
    totals = write_tree(root, args.clusters, args.seed)
    print(f"{root}: " + ", ".join(f"{v:,} {k}" for k, v in totals.items()))


def prepare(workdir: Path, size: int, seed: int, cli: list[str]) -> dict[str, int]:
    """Make (or reuse) the tree, its dataset and the prediction file of one size; return its counts.

    A reused tree is the one this script wrote (``SYNTHETIC.md`` names size and seed); anything
    else in the way is an error, never overwritten.
    """
    root = workdir / f"n{size}"
    marker = root / "SYNTHETIC.md"
    if root.exists():
        if not marker.is_file() or f": {size} clusters, seed {seed}," not in marker.read_text(encoding="utf-8"):
            raise SystemExit(
                f"error: {root} exists but is not a tree of {size} clusters, seed {seed}, from this script"
            )
        print(f"reusing {root}", file=sys.stderr)
    else:
        print(f"writing {root}", file=sys.stderr)
        write_tree(root, size, seed)
    shown = subprocess.run([*cli, "validate", str(root)], capture_output=True, text=True, check=True).stdout
    counts = {"clusters": size}
    for key, pattern in (
        ("articles", r"^\s*articles\s+(\d+)"),
        ("claims", r"^\s*claims\s+(\d+)"),
        ("candidate_pairs", r"(\d+) candidate claim pairs"),
        ("links", r"^\s*links\s+(\d+)"),
    ):
        counts[key] = int(re.search(pattern, shown, re.M).group(1))
    if not (root / "data").is_dir():
        print(f"building {root / 'data'}", file=sys.stderr)
        subprocess.run(
            [*cli, "build", "--root", str(root), "--out", str(root / "data")], check=True, capture_output=True
        )
    predictions = root / f"predictions-{PREDICTION_ALIGNER}.jsonl"
    if not predictions.is_file():
        print(f"writing {predictions}", file=sys.stderr)
        subprocess.run(
            [*cli, "run", PREDICTION_ALIGNER, "--data", str(root / "data"), "-o", str(predictions)], check=True
        )
    return counts


def measure(sizes: dict[int, int], commands: list[str], workdir: Path, seed: int) -> list[dict]:
    """Time every (size, command) as often as ``sizes`` says, round-robin; return one row per (size, command).

    Each command first runs once untimed on a tree of one cluster, so that the first timed run
    does not pay for a cold file cache (byte-compiling, reading the libraries from disk).
    """
    cli = alignbench_command()
    counts = {size: prepare(workdir, size, seed, cli) for size in sizes}
    prepare(workdir, 1, seed, cli)
    for name in commands:
        run_child([*cli, *COMMANDS[name](workdir / "n1")])
    runs: dict[tuple[int, str], list[tuple[float, int, float]]] = {(s, c): [] for s in sizes for c in commands}
    repeats = max(sizes.values())
    for repeat in range(repeats):
        for size in [s for s, r in sizes.items() if repeat < r]:
            for name in commands:
                seconds, rss, cpu = run_child_usage([*cli, *COMMANDS[name](workdir / f"n{size}")])
                runs[(size, name)].append((seconds, rss, cpu))
                print(
                    f"repeat {repeat + 1}/{repeats} N={size} {name}: {seconds:.2f} s, cpu {cpu:.2f} s, {rss / 2**20:.0f} MiB",
                    file=sys.stderr,
                )
    rows = []
    for (size, name), samples in runs.items():
        seconds = [s for s, _, _ in samples]
        median = statistics.median(seconds)
        rows.append(
            {
                **counts[size],
                "command": name,
                "runs": len(samples),
                "seconds": seconds,
                "peak_rss_bytes": [r for _, r, _ in samples],
                "cpu_seconds": [c for _, _, c in samples],
                "median_seconds": median,
                "median_cpu_seconds": statistics.median(c for _, _, c in samples),
                "median_peak_rss_mib": statistics.median(r for _, r, _ in samples) / 2**20,
                "us_per_candidate": median / counts[size]["candidate_pairs"] * 1e6,
            }
        )
    return rows


def markdown(rows: list[dict]) -> str:
    """The results as a markdown table, one row per (size, command)."""
    lines = [
        "| clusters | articles | claims | candidate pairs | command | runs | median wall | min-max | median CPU (user+sys) | peak RSS (median) | per candidate (wall) |",
        "|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['clusters']:,} | {row['articles']:,} | {row['claims']:,} | {row['candidate_pairs']:,} "
            f"| `{row['command']}` | {row['runs']} | {row['median_seconds']:.2f} s "
            f"| {min(row['seconds']):.2f}-{max(row['seconds']):.2f} s | {row['median_cpu_seconds']:.2f} s "
            f"| {row['median_peak_rss_mib']:,.0f} MiB "
            f"| {row['us_per_candidate']:.1f} µs |"
        )
    return "\n".join(lines)


def cmd_run(args: argparse.Namespace) -> None:
    """``run``: measure, print the markdown table and the machine, optionally write JSON."""
    try:  # "10,50,200:1": sizes, each with an optional repeat count of its own
        sizes = {
            int(x.split(":")[0]): int(x.split(":")[1]) if ":" in x else args.repeats for x in args.sizes.split(",")
        }
    except ValueError:
        raise SystemExit(f"error: --sizes wants N or N:REPEATS, comma-separated, got {args.sizes!r}") from None
    commands = [c.strip() for c in args.commands.split(",")]
    unknown = [c for c in commands if c not in COMMANDS]
    if unknown:
        raise SystemExit(f"error: unknown command {unknown[0]!r} (expected some of: {', '.join(COMMANDS)})")
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="alignbench-scale-"))
    workdir.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()[0]
    rows = measure(sizes, commands, workdir, args.seed)
    load = f"load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after"
    info = machine()
    print(markdown(rows))
    print("\nMachine: " + ", ".join(f"{k} {v}" for k, v in info.items()) + f"; {load}. Trees in {workdir}.")
    if args.json:
        Path(args.json).write_text(
            json.dumps({"machine": info, "load": load, "rows": rows}, indent=1) + "\n", encoding="utf-8"
        )


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and run one subcommand."""
    parser = argparse.ArgumentParser(
        allow_abbrev=False, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    write = sub.add_parser("write", allow_abbrev=False, help="write a synthetic source tree of N clusters")
    write.add_argument("clusters", type=int, metavar="N")
    write.add_argument("dir", nargs="?", metavar="DIR", help="absent or empty folder (default: a new temp folder)")
    write.add_argument("--seed", type=int, default=0)
    write.set_defaults(func=cmd_write)
    run = sub.add_parser("run", allow_abbrev=False, help="time the alignbench CLI on synthetic trees")
    run.add_argument(
        "--sizes", default="10,50,200", help="comma-separated cluster counts, N or N:REPEATS (default: 10,50,200)"
    )
    run.add_argument(
        "--repeats",
        type=int,
        default=3,
        help="timed runs of each command per size without its own :REPEATS (default: 3)",
    )
    run.add_argument(
        "--commands",
        default=",".join(COMMANDS),
        help=f"comma-separated subset of: {', '.join(COMMANDS)} (default: all)",
    )
    run.add_argument("--workdir", help="folder for the trees n<N>/, reused if present (default: a new temp folder)")
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--json", metavar="FILE", help="also write every run and the machine as JSON")
    run.set_defaults(func=cmd_run)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
