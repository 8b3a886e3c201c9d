"""``compare`` gives rank.AP a paired bootstrap interval and p-value, from the ranking profile that
reports keep; ``compare`` takes every output format."""

from __future__ import annotations

import csv
import dataclasses
import io
import json

import numpy as np
import pytest
from fixture import PREDICTIONS, tiny_benchmark, write_jsonl

from alignbench.cli import main
from alignbench.dataset.load import load_benchmark
from alignbench.records import SURE_RELATIONS, DataError
from alignbench.scoring.bootstrap import resample_weights
from alignbench.scoring.compare import compare
from alignbench.scoring.evaluate import evaluate
from alignbench.scoring.metrics import N_SURE, RELATED
from alignbench.scoring.predictions import read_predictions
from alignbench.scoring.ranking import (
    ResampledAP,
    average_precision,
    profile_from_json,
    profile_to_json,
    ranking_profile,
)
from alignbench.scoring.report import Report
from alignbench.scoring.space import CandidateSpace

#: A second system on the tiny fixture: another order of the same candidates, other scores.
OTHER = [
    {"claim_a": "x-2", "claim_b": "y-2", "score": 0.95, "label": "contradiction"},
    {"claim_a": "x-1", "claim_b": "y-3", "score": 0.9, "label": "equivalent"},
    {"claim_a": "x-1", "claim_b": "y-1", "score": 0.6, "label": "equivalent"},
    {"claim_a": "x-3", "claim_b": "y-4", "score": 0.6, "label": "none"},
    {"claim_a": "x-3", "claim_b": "y-1", "score": 0.1, "label": "none"},
]


@pytest.fixture
def scored(tmp_path) -> tuple[Report, Report, CandidateSpace, list[np.ndarray]]:
    """Reports of the two systems (200 resamples, seed 3), the candidate space and their score arrays."""
    bench = tiny_benchmark()
    space = CandidateSpace(bench)
    reports, scores = [], []
    for name, rows in (("first", PREDICTIONS), ("second", OTHER)):
        preds = read_predictions(write_jsonl(tmp_path / f"{name}.jsonl", rows), space)
        reports.append(evaluate(bench, preds, system={"name": name}, resamples=200, seed=3, space=space))
        score = np.full(space.size, -np.inf)
        score[preds.index] = preds.score
        scores.append(score)
    return reports[0], reports[1], space, scores


@pytest.fixture
def two_reports(scored) -> tuple[Report, Report]:
    return scored[0], scored[1]


def test_ap_difference_equals_ap_recomputed_on_replicated_resamples(scored):
    """By hand: draw the same resamples, replicate each unit's candidates as often as drawn, compute
    both systems' AP with the plain formula, and take the percentile interval and p of B - A."""
    a, b, space, (score_a, score_b) = scored
    row = compare(a, b, ("rank.AP",)).row("rank.AP")
    assert row["a"] == a.metrics["rank.AP"] and row["b"] == b.metrics["rank.AP"]
    observed = b.metrics["rank.AP"] - a.metrics["rank.AP"]
    assert row["delta"] == observed and observed != 0
    _, unit = np.unique(space.cand_a, return_inverse=True)  # source-claim units: fewer than 30 article pairs
    positive, ignore = space.gold < N_SURE, space.gold == RELATED
    weights = resample_weights(len(a.units), 200, 3)
    deltas = []
    for w in weights:
        take = np.concatenate([np.flatnonzero(unit == u) for u in range(len(a.units)) for _ in range(int(w[u]))])
        if not positive[take].any():
            continue  # AP undefined: left out, as in the report's own interval
        deltas.append(
            average_precision(score_b[take], positive[take], ignore[take])
            - average_precision(score_a[take], positive[take], ignore[take])
        )
    deltas = np.array(deltas)
    low, high = np.percentile(deltas, [2.5, 97.5])
    assert row["defined"] == deltas.size
    assert row["ci_low"] == pytest.approx(low, abs=1e-12) and row["ci_high"] == pytest.approx(high, abs=1e-12)
    k = int(np.sum(np.abs(deltas - observed) >= abs(observed) - 1e-12))
    assert row["extreme"] == k and row["p"] is None  # 3 sure links: too few to test, yet an interval
    tested = compare(a, b, ("rank.AP",), min_support=0).row("rank.AP")
    assert tested["p"] == (k + 1) / (deltas.size + 1)


def test_profile_round_trips_and_gives_the_same_resampled_ap():
    rng = np.random.default_rng(11)
    n, n_units = 500, 17
    unit = rng.integers(0, n_units, n)
    score = np.round(rng.random(n), 1)
    score[rng.random(n) < 0.2] = -np.inf
    positive = rng.random(n) < 0.1
    ignore = ~positive & (rng.random(n) < 0.1)
    profile = ranking_profile(score, positive, ignore, unit)
    again = profile_from_json(json.loads(json.dumps(profile_to_json(profile))))
    for x, y in zip(profile, again, strict=True):
        assert np.array_equal(x, y)
    assert len(profile.positives) == positive.sum()
    assert profile.count.sum() <= (~positive & ~ignore).sum()
    early = ranking_profile(
        np.array([3.0, 2.0, 1.0, 0.5]), np.array([True, True, False, False]), np.zeros(4, bool), unit[:4]
    )
    assert early.count.size == 0 and list(early.positives) == list(unit[:2])  # nothing after the last sure link is kept
    weights = resample_weights(n_units, 40, 1)
    direct = ResampledAP(score, positive, ignore, unit)(weights)
    from_json = ResampledAP.from_profile(again)(weights)
    assert np.array_equal(direct, from_json, equal_nan=True)  # bit for bit
    ones = np.ones((1, n_units))
    assert ResampledAP.from_profile(again)(ones)[0] == pytest.approx(average_precision(score, positive, ignore))


def test_report_interval_of_ap_is_what_compare_redraws(two_reports):
    """The report's own AP interval comes from the same profile compare reads back from JSON."""
    a, _ = two_reports
    again = Report.from_json(a.to_json())
    weights = resample_weights(len(a.units), 200, 3)
    values = ResampledAP.from_profile(profile_from_json(again.ranking))(weights)
    low, high = np.percentile(values[~np.isnan(values)], [2.5, 97.5])
    assert [low, high] == a.ci["rank.AP"]


def test_reports_without_a_profile_leave_ap_out_and_say_why(two_reports):
    a, b = two_reports
    old = dataclasses.replace(a, ranking=None)
    comparison = compare(old, b)
    assert "rank.AP" not in [r["metric"] for r in comparison.rows]
    assert "report A keeps no ranking profile" in comparison.not_compared["rank.AP"]
    assert "link.F1" in [r["metric"] for r in comparison.rows]
    assert "rank.AP not compared: report A keeps no ranking profile" in _format(comparison, "table")


def _format(comparison, fmt: str) -> str:
    from alignbench.views.compare import format_comparison

    return format_comparison(comparison, fmt)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r["positives"].__setitem__(0, 99), "ranking.positives[0]: expected a unit index below 3, got 99"),
        (lambda r: r["positives"].pop(), "ranking.positives: 2 sure links but supports.sure_links is 3"),
        (lambda r: r["before"].pop(), "ranking.before: 2 gaps but 3 sure links"),
        (lambda r: r["before"].__setitem__(1, [1]), "ranking.before[1]: expected unit, count pairs, got 1 numbers"),
        (lambda r: r["before"].__setitem__(1, [1, 0]), "ranking.before[1][1]: expected a positive count, got 0"),
        (lambda r: r["before"].__setitem__(1, [1, 1, 1, 1]), "ranking.before[1][2]: expected increasing unit"),
        (lambda r: r.__setitem__("extra", 1), "ranking: unknown key 'extra'"),
    ],
)
def test_a_malformed_profile_is_refused(two_reports, change, message):
    a = two_reports[0]
    data = json.loads(a.to_json())
    change(data["ranking"])
    with pytest.raises(DataError, match=r"not an alignbench report \(" + message.replace("[", r"\[")):
        Report.from_json(json.dumps(data), "r.json")


def test_compare_cli_formats_and_metrics(tmp_path, two_reports, capsys):
    a, b = two_reports
    pa, pb = tmp_path / "a.json", tmp_path / "b.json"
    pa.write_text(a.to_json())
    pb.write_text(b.to_json())
    assert main(["compare", str(pa), str(pb), "--format", "json", "--metrics", "link.F1,rank.AP"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["metric"] for r in data["rows"]] == ["link.F1", "rank.AP"]
    assert data["a"]["name"] == "first" and data["bootstrap"]["resamples"] == 200 and data["bootstrap"]["paired"]
    out = tmp_path / "c.csv"
    assert main(["compare", str(pa), str(pb), "--format", "csv", "-o", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    ap = next(r for r in rows if r["metric"] == "rank.AP")
    assert float(ap["delta"]) == b.metrics["rank.AP"] - a.metrics["rank.AP"] and ap["too_few"] == "True"
    assert main(["compare", str(pa), str(pb), "--format", "markdown"]) == 0
    assert "| `rank.AP` |" in capsys.readouterr().out
    assert main(["compare", str(pa), str(pb), "--format", "latex", "--label", "tab:cmp"]) == 0
    tex = capsys.readouterr().out
    assert "\\label{tab:cmp}" in tex and "rank.AP & " in tex and "B$-$A" in tex
    assert main(["compare", str(pa), str(pb), "--metrics", "rank.MRR"]) == 2
    assert "--metrics: rank.MRR cannot be compared" in capsys.readouterr().err
    assert main(["compare", str(pa), str(pb), "--ci", "inline"]) == 2
    assert "--ci applies only with --format latex" in capsys.readouterr().err


def test_compare_fuzzy_and_tfidf_on_the_bundled_data(tmp_path, capsys):
    """The committed baseline reports carry their ranking profile: AP gets an interval and a p-value."""
    from alignbench.runs.baselines import config_paths, default_baselines_dir, result_path

    folder = default_baselines_dir()
    assert [p for p in config_paths(folder) if p.stem in ("fuzzy", "tfidf")]
    paths = {}
    for name in ("fuzzy", "tfidf"):
        out = tmp_path / f"{name}.json"
        assert main(["eval", "--aligner", name, "--resamples", "200", "--format", "json", "-o", str(out)]) == 0
        paths[name] = out
    assert main(["compare", str(paths["fuzzy"]), str(paths["tfidf"]), "--format", "json"]) == 0
    ap = next(r for r in json.loads(capsys.readouterr().out)["rows"] if r["metric"] == "rank.AP")
    assert ap["ci_low"] < ap["delta"] < ap["ci_high"] and 0 < ap["p"] <= 1 and not ap["too_few"]
    sure = sum(x.relation in SURE_RELATIONS for x in load_benchmark().alignments)  # counted from the data
    assert ap["support"] == sure and ap["defined"] == 200
    committed = [Report.from_json(result_path(folder, r).read_text()) for r in map(_read, paths.values())]
    assert all(r.ranking is not None for r in committed)  # regenerated with the profile


def _read(path) -> Report:
    return Report.from_json(path.read_text())
