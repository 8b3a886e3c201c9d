"""The bulk prediction writer writes the same bytes as one ``json.dumps`` per row."""

from __future__ import annotations

import json

import numpy as np
import pytest
from fixture import tiny_benchmark

from alignbench.records import LABELS, Benchmark, Claim, DataError
from alignbench.runs.baselines import prediction_rows
from alignbench.scoring import predictions
from alignbench.scoring.predictions import PredictionArrays, write_prediction_arrays, write_predictions
from alignbench.scoring.space import CandidateSpace

AWKWARD = [
    1e-07,
    0.1 + 0.2,
    1.0,
    0.0,
    -0.0,
    1e16,
    1e15,
    123456789.0,
    9.999999999999999e-05,
    1e-4,
    1.7976931348623157e308,
    5e-324,
    -2.5,
    2.0**53,
    999999999999999.9,
    -1e-300,
]


def _odd_ids_benchmark() -> Benchmark:
    """Ids no valid corpus allows (quotes, backslash, control and non-ASCII characters): the
    writer must still escape them as json.dumps does."""
    bench = tiny_benchmark()
    odd = {
        "x-1": 'x-"1"',
        "x-2": "x-\\2",
        "x-3": "x-é\x01",
        "y-1": "y-\u2028",
        "y-2": "y-😀",
        "y-3": "y-3",
        "y-4": "y/4",
    }
    claims = tuple(Claim(odd[c.claim_id], *c[1:]) for c in bench.claims)
    return Benchmark(bench.articles, claims, ())


@pytest.mark.parametrize("make", [tiny_benchmark, _odd_ids_benchmark])
@pytest.mark.parametrize("rows_at_once", [1 << 20, 5])
def test_same_bytes_as_json_dumps_per_row(tmp_path, monkeypatch, make, rows_at_once):
    monkeypatch.setattr(predictions, "WRITE_ROWS", rows_at_once)
    space = CandidateSpace(make())
    n = space.size
    order = np.random.default_rng(0).permutation(n)  # any order of rows, not only candidate order
    score = np.array((AWKWARD * n)[:n])
    label = (np.arange(n) % len(LABELS)).astype(np.int8)
    preds = PredictionArrays(order, score, label)
    write_prediction_arrays(tmp_path / "bulk.jsonl", space, preds)
    write_predictions(tmp_path / "rows.jsonl", prediction_rows(space, preds))
    expected = (tmp_path / "rows.jsonl").read_bytes()
    assert (tmp_path / "bulk.jsonl").read_bytes() == expected
    assert expected.count(b"\n") == n
    first = json.loads(expected.splitlines()[0])
    assert first["score"] == AWKWARD[0] and first["claim_a"] == space.claim_ids[space.cand_a[order[0]]]


def test_scores_are_written_as_repr():
    rng = np.random.default_rng(1)
    bits = rng.integers(0, 2**63, 100_000, dtype=np.uint64).view(np.float64)
    scores = np.concatenate([bits[np.isfinite(bits)], rng.random(50_000), np.round(rng.random(5000) * 1e6, 2), AWKWARD])
    scores = np.concatenate([scores, -scores])
    texts = predictions._score_texts(scores).to_pylist()
    assert texts == [json.dumps(float(x)) for x in scores]


def test_empty_and_non_finite(tmp_path):
    space = CandidateSpace(tiny_benchmark())
    empty = np.zeros(0, dtype=np.int64)
    write_prediction_arrays(tmp_path / "e.jsonl", space, PredictionArrays(empty, empty * 1.0, empty.astype(np.int8)))
    assert (tmp_path / "e.jsonl").read_bytes() == b""
    bad = PredictionArrays(np.array([0, 1]), np.array([0.5, np.nan]), np.zeros(2, dtype=np.int8))
    with pytest.raises(DataError, match="non-finite score nan for 'x-1' - 'y-2'"):
        write_prediction_arrays(tmp_path / "b.jsonl", space, bad)
    assert not (tmp_path / "b.jsonl").exists()
