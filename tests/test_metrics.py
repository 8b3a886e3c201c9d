"""Metrics v1 on the tiny fixture, every expected value computed by hand."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from fixture import PREDICTIONS, tiny_benchmark, write_jsonl

from alignbench.scoring.bootstrap import resample_weights
from alignbench.scoring.evaluate import evaluate
from alignbench.scoring.metrics import ALL_METRICS, Metric, parse_metric
from alignbench.scoring.predictions import read_predictions
from alignbench.scoring.ranking import average_precision
from alignbench.scoring.space import CandidateSpace


@pytest.fixture
def report(tmp_path):
    bench = tiny_benchmark()
    preds = read_predictions(write_jsonl(tmp_path / "p.jsonl", PREDICTIONS), CandidateSpace(bench))
    return evaluate(bench, preds, system={"name": "fixture", "params": {}}, resamples=200, seed=1)


# D = {x1y1, x3y1, x2y2, x1y2}; G = {x1y1, x2y2, x2y3, x3y1}; S = G - {x2y3}
EXPECTED = {
    "link.P": 3 / 4,  # |D∩G| = 3 of |D| = 4
    "link.R": 3 / 3,  # |D∩S| = 3 of |S| = 3
    "link.F1": 2 * 0.75 * 1 / 1.75,
    "link.AER": 1 - (3 + 3) / (4 + 3),
    "strict.P": 3 / 4,
    "strict.R": 3 / 4,  # |D∩G| / |G|
    "strict.F1": 3 / 4,
    "labeled.P": 2 / 4,  # x1y1 equivalent and x3y1 b_more_specific right; x2y2 wrong
    "labeled.R": 2 / 4,
    "labeled.F1": 2 / 4,
    "relation.P@equivalent": 1 / 2,  # predicted for x1y1 (right) and x2y2 (wrong)
    "relation.R@equivalent": 1 / 1,
    "relation.F1@equivalent": 2 / 3,
    "relation.F1@a_more_specific": 0.0,  # no support, no prediction (after normalisation)
    "relation.P@b_more_specific": 1.0,
    "relation.R@b_more_specific": 1.0,
    "relation.F1@b_more_specific": 1.0,
    "relation.P@contradiction": 0.0,
    "relation.R@contradiction": 0.0,
    "relation.F1@contradiction": 0.0,
    "relation.F1@related": 0.0,  # predicted x1y2, gold x2y3
    "macro.F1": (2 / 3 + 1 + 0 + 0) / 4,  # relations with gold support: eq, bms, contra, related
    # ranking without x2y3 (related): x1y1+ | x2y4- x3y1+ x2y2+ (tie at 0.8, negative first) | rest -
    "rank.AP": (1 / 1 + 2 / 3 + 3 / 4) / 3,
    # queries x-1 (rr 1), x-2 (y-4 ties y-2 and goes first: rr 1/2), x-3 (1), y-1 (1), y-2 (1)
    "rank.MRR": (1 + 0.5 + 1 + 1 + 1) / 5,
    "rank.R@1": (1 + 0 + 1 + 0.5 + 1) / 5,  # y-1 has two sure links: 1 of 2 at rank 1
    "rank.R@3": 1.0,
    "unique.P": 1 / 2,  # predicted unique {y-3, y-4}, gold unique {y-4}
    "unique.R": 1 / 1,
    "unique.F1": 2 / 3,
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_metric_by_hand(report, name):
    assert report.metrics[name] == pytest.approx(EXPECTED[name], abs=1e-12)


def test_supports_and_confusion(report):
    s = report.supports
    assert (s["candidates"], s["gold_links"], s["sure_links"], s["possible_links"]) == (12, 4, 3, 1)
    assert (s["decided_links"], s["scored_candidates"], s["query_claims"], s["gold_unique_claims"]) == (4, 7, 5, 1)
    conf = np.array(report.confusion)
    assert conf.sum() == 12
    assert conf[0, 0] == 1 and conf[3, 0] == 1 and conf[2, 2] == 1  # eq->eq, contra->eq, bms->bms
    assert conf[4, 5] == 1 and conf[5, 4] == 1 and conf[5, 5] == 7  # related missed, false related


def test_gold_as_predictions_scores_one(tmp_path):
    bench = tiny_benchmark()
    rows = [{"claim_a": x.claim_a, "claim_b": x.claim_b, "score": 1.0, "label": x.relation} for x in bench.alignments]
    preds = read_predictions(write_jsonl(tmp_path / "gold.jsonl", rows), CandidateSpace(bench))
    m = evaluate(bench, preds, system={"name": "gold"}, resamples=50).metrics
    for name in (
        "link.P",
        "link.R",
        "link.F1",
        "strict.F1",
        "labeled.F1",
        "macro.F1",
        "relation.F1@contradiction",
        "rank.AP",
        "rank.MRR",
        "unique.F1",
    ):
        assert m[name] == 1.0, name
    assert m["link.AER"] == 0.0


def test_empty_file_scores_zero_recall(tmp_path):
    bench = tiny_benchmark()
    preds = read_predictions(write_jsonl(tmp_path / "empty.jsonl", []), CandidateSpace(bench))
    report = evaluate(bench, preds, system={"name": "empty"}, resamples=50)
    assert report.metrics["link.R"] == 0.0 and report.metrics["link.P"] == 0.0 and report.metrics["labeled.F1"] == 0.0
    assert report.metrics["link.AER"] == 1.0
    # every candidate absent: all tie at -inf, gold last -> AP = mean of i/(8+i) for i=1..3 over 11 ranked
    assert report.metrics["rank.AP"] == pytest.approx((1 / 9 + 2 / 10 + 3 / 11) / 3)
    assert report.metrics["unique.R"] == 1.0 and report.metrics["unique.P"] == pytest.approx(1 / 7)


def test_only_none_rows_are_accepted(tmp_path):
    bench = tiny_benchmark()
    rows = [{**r, "label": "none"} for r in PREDICTIONS]
    preds = read_predictions(write_jsonl(tmp_path / "none.jsonl", rows), CandidateSpace(bench))
    m = evaluate(bench, preds, system={"name": "none"}, resamples=50).metrics
    assert m["link.F1"] == 0.0 and m["rank.AP"] == pytest.approx(29 / 36)


def test_scorer_does_not_mutate_its_inputs(tmp_path):
    bench = tiny_benchmark()
    before_bench = copy.deepcopy(bench)
    preds = read_predictions(write_jsonl(tmp_path / "p.jsonl", PREDICTIONS), CandidateSpace(bench))
    copies = [a.copy() for a in preds]
    evaluate(bench, preds, system={"name": "x"}, resamples=20, per_pair=True)
    assert bench == before_bench
    assert all(np.array_equal(a, b) for a, b in zip(preds, copies, strict=True))


def test_metric_names_round_trip():
    for metric in ALL_METRICS:
        assert parse_metric(str(metric)) == metric
    assert parse_metric("relation.F1@contradiction") == Metric("relation", "F1", "contradiction")
    assert parse_metric("rank.R@10") == Metric("rank", "R", "10")
    for bad in ("F1", "link.F2", "relation.F1", "relation.F1@contradicts", "rank.R", "rank.R@0", "link.F1@x"):
        with pytest.raises(ValueError):
            parse_metric(bad)


def test_average_precision_pessimistic_ties():
    score = np.array([0.5, 0.5, 0.5, 0.1])
    positive = np.array([True, False, False, True])
    # tie group of three: the two negatives first -> positive at rank 3 (1/3), then rank 4 (2/4)
    assert average_precision(score, positive) == pytest.approx((1 / 3 + 2 / 4) / 2)


def test_bootstrap_is_deterministic_and_brackets_the_value(tmp_path):
    bench = tiny_benchmark()
    preds = read_predictions(write_jsonl(tmp_path / "p.jsonl", PREDICTIONS), CandidateSpace(bench))
    one = evaluate(bench, preds, system={"name": "x"}, resamples=300, seed=7)
    two = evaluate(bench, preds, system={"name": "x"}, resamples=300, seed=7)
    assert one == two and one.bootstrap["seed"] == 7
    assert not np.array_equal(resample_weights(3, 300, 7), resample_weights(3, 300, 8))
    assert one.bootstrap["unit"] == "source_claim" and one.bootstrap["n_units"] == 3
    for name, (low, high) in one.ci.items():
        assert low <= high, name
    assert one.ci["link.P"][0] <= one.metrics["link.P"] <= one.ci["link.P"][1]
