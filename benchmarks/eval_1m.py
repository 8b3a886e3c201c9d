"""Benchmark: evaluate 1,000,000 scored candidate rows (SYNTHETIC data, not the benchmark's).

Builds a synthetic cluster of two articles with 1,000 claims each (1,000,000 candidate pairs) and a
synthetic gold (700 sure links of mixed relations and 300 related ones), writes a prediction file
with a score for every candidate, then times reading + validating it and the full evaluation with
1,000 bootstrap resamples. Run: ``python benchmarks/eval_1m.py`` (not part of the tests).
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from alignbench.records import LABELS, RELATIONS, Alignment, Article, Benchmark, Claim
from alignbench.scoring.evaluate import evaluate
from alignbench.scoring.predictions import read_predictions
from alignbench.scoring.space import CandidateSpace

N = 1000  # claims per synthetic article


def synthetic_benchmark(rng: np.random.Generator) -> Benchmark:
    def article(aid: str) -> Article:
        return Article(
            aid,
            "synthetic",
            "synthetic",
            None,
            None,
            None,
            None,
            "synthetic",
            "en",
            None,
            "synthetic",
            None,
            "0" * 64,
            ((0, 1),),
            "SYNTHETIC",
            "x",
        )

    claims = [
        Claim(f"{a}-{i:04d}", a, 0, 1, "synthetic", "synthetic", None) for a in ("syn-a", "syn-b") for i in range(N)
    ]
    links = []
    for i, j in zip(rng.permutation(N), rng.permutation(N), strict=True):
        relation = "related" if len(links) >= 700 else RELATIONS[int(rng.integers(0, 4))]
        links.append(Alignment(f"syn-a-{i:04d}", f"syn-b-{j:04d}", relation, "synthetic", "synthetic"))
    return Benchmark((article("syn-a"), article("syn-b")), tuple(claims), tuple(sorted(links)))


def main() -> None:
    rng = np.random.default_rng(0)
    bench = synthetic_benchmark(rng)
    space = CandidateSpace(bench)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synthetic-predictions.jsonl"
        scores = rng.random(space.size) + (space.gold < 5) * 0.5
        labels = np.where(scores > 1.2, rng.integers(0, 5, space.size), 5)
        with open(path, "w", encoding="utf-8") as handle:
            for a, b, s, lab in zip(space.cand_a, space.cand_b, scores, labels, strict=True):
                row = {
                    "claim_a": space.claim_ids[a],
                    "claim_b": space.claim_ids[b],
                    "score": float(s),
                    "label": LABELS[lab],
                }
                handle.write(json.dumps(row) + "\n")
        size_mb = path.stat().st_size / 1e6
        read_times, eval_times = [], []
        for _ in range(3):
            t0 = time.perf_counter()
            preds = read_predictions(path, space)
            t1 = time.perf_counter()
            report = evaluate(bench, preds, system={"name": "synthetic"}, resamples=1000, space=space)
            t2 = time.perf_counter()
            read_times.append(t1 - t0)
            eval_times.append(t2 - t1)
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}")
    print(f"SYNTHETIC: {space.size:,} scored candidate rows ({size_mb:.0f} MB), {len(bench.alignments)} gold links")
    print(
        f"read + validate   median {statistics.median(read_times):.2f} s  (runs: {', '.join(f'{t:.2f}' for t in read_times)})"
    )
    print(
        f"evaluate (1,000 bootstrap resamples of {report.bootstrap['n_units']} units)  median {statistics.median(eval_times):.2f} s"
    )
    print(
        f"total             median {statistics.median(r + e for r, e in zip(read_times, eval_times, strict=True)):.2f} s"
    )


if __name__ == "__main__":
    main()
