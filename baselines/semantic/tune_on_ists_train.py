"""Provisional thresholds for the semantic baselines, searched on iSTS-2016 headlines TRAIN only.

A stand-in for ``alignbench tune`` (being written): it searches, for each aligner, on the TRAIN
split of the iSTS-2016 headlines import (never a split that is reported),

1. the decision ``threshold`` on a grid (0.00, 0.01, ..., 1.00), objective ``link.F1``;
2. then, with that threshold fixed, ``equivalent_at`` on the grid values >= the threshold,
   objective ``labeled.F1`` (``link.F1`` does not depend on it).

Ties go to the lowest value. Each aligner encodes every claim ONCE; the grid reuses the rows.
Point estimates only (no bootstrap: ``resamples=0`` is not used for selection anyway).

    alignbench import ists2016 /work/shared/external/ists2016 -o /tmp/ists
    python baselines/semantic/tune_on_ists_train.py /tmp/ists/headlines --write baselines/semantic/configs

``--write DIR`` writes ``DIR/<aligner>.json`` baseline configs whose ``threshold_origin`` says
where the values come from. Needs the optional extra: ``pip install 'alignbench[semantic]'``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from alignbench.aligners import get_aligner
from alignbench.baselines import RunConfig, run_aligner
from alignbench.dataset.load import dataset_metadata, load_benchmark
from alignbench.scoring.evaluate import evaluate
from alignbench.scoring.space import CandidateSpace

GRID = [round(0.01 * i, 2) for i in range(101)]
ORIGIN = (
    "tuned on ists2016/headlines train, objective link.F1 (threshold; then equivalent_at, objective "
    "labeled.F1, at that threshold), grid 0.00-1.00 step 0.01, by baselines/semantic/tune_on_ists_train.py; "
    "provisional until re-tuned with 'alignbench tune'"
)


class Encoded:
    """An aligner whose claims are encoded once: ``encode`` returns the stored rows (same claims only)."""

    def __init__(self, aligner: Any, rows: Any, n: int):
        self.name, self._aligner, self._rows, self._n = aligner.name, aligner, rows, n

    def get_params(self) -> dict[str, Any]:
        return self._aligner.get_params()

    def encode(self, claims: Any) -> Any:
        assert len(claims) == self._n, "the grid must align the same claims"
        return self._rows

    def similarity(self, a: Any, b: Any) -> np.ndarray:
        return self._aligner.similarity(a, b)


def tune(name: str, data: Path, split: str = "train") -> dict[str, Any]:
    """The grid results and the chosen ``threshold`` and ``equivalent_at`` of aligner ``name``."""
    bench = load_benchmark(data, split)
    meta = dataset_metadata(data, split)
    dataset = {k: meta.get(k) for k in ("dataset_version", "source_sha256", "source_format", "subset") if k in meta}
    space = CandidateSpace(bench)
    aligner = get_aligner(name)
    by_id = {c.claim_id: c for c in bench.claims}
    claims = [by_id[cid] for cid in space.claim_ids]  # the order run_aligner encodes them in
    start = time.perf_counter()
    cached = Encoded(aligner, aligner.encode(claims), len(claims))
    encode_s = time.perf_counter() - start

    def metrics(threshold: float, equivalent_at: float) -> dict[str, float]:
        config = RunConfig(name, name, {}, "threshold", threshold, equivalent_at, "grid search")
        preds = run_aligner(cached, bench, config, space)
        report = evaluate(bench, preds, system={"name": name, "params": {}}, dataset=dataset, space=space, resamples=1)
        return {k: report.metrics[k] for k in ("link.F1", "labeled.F1")}

    by_threshold = {t: metrics(t, max(t, 0.5))["link.F1"] for t in GRID}
    threshold = max(GRID, key=lambda t: (by_threshold[t], -t))
    by_eq = {e: metrics(threshold, e)["labeled.F1"] for e in GRID if e >= threshold}
    equivalent_at = max(by_eq, key=lambda e: (by_eq[e], -e))
    return {
        "aligner": name,
        "params": aligner.get_params(),
        "data": f"{dataset.get('source_format')}/{dataset.get('subset')} {split}",
        "claims": len(claims),
        "encode_seconds": round(encode_s, 2),
        "threshold": threshold,
        "link.F1": by_threshold[threshold],
        "equivalent_at": equivalent_at,
        "labeled.F1": by_eq[equivalent_at],
        "grid_link.F1": by_threshold,
        "grid_labeled.F1": by_eq,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="the headlines folder of 'alignbench import ists2016'")
    parser.add_argument("--aligners", default="glove,wordllama,e5-small", help="comma-separated (default: all three)")
    parser.add_argument("--write", type=Path, default=None, metavar="DIR", help="write DIR/<aligner>.json configs")
    parser.add_argument("--json", type=Path, default=None, metavar="FILE", help="write the grid results")
    args = parser.parse_args(argv)
    meta = dataset_metadata(args.data, "train")
    if meta.get("source_format") != "ists2016" or meta.get("subset") != "headlines":
        parser.error(f"{args.data}: not the headlines subset of an iSTS-2016 import")
    results = []
    for name in args.aligners.split(","):
        result = tune(name, args.data)
        results.append(result)
        print(
            f"{name}: threshold {result['threshold']:.2f} (link.F1 {result['link.F1']:.3f}), equivalent_at "
            f"{result['equivalent_at']:.2f} (labeled.F1 {result['labeled.F1']:.3f}); {result['claims']} claims "
            f"encoded in {result['encode_seconds']} s",
            file=sys.stderr,
        )
        if args.write:
            config = {
                "name": name,
                "aligner": name,
                "params": {},
                "decoder": "threshold",
                "threshold": result["threshold"],
                "equivalent_at": result["equivalent_at"],
                "threshold_origin": ORIGIN,
            }
            args.write.mkdir(parents=True, exist_ok=True)
            (args.write / f"{name}.json").write_text(json.dumps(config) + "\n", encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
