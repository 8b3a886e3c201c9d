"""``alignbench tune``: the grid, the choice worked out by hand on tests/tune_fixture.py, ties,
the refusal of report-only splits, and the written config read back and run."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from ists_fixture import write_full_release
from tune_fixture import TableAligner, tuning_benchmark

from alignbench.aligners import get_aligner
from alignbench.cli import main
from alignbench.dataset.load import load_benchmark
from alignbench.records import UsageError
from alignbench.runs.baselines import RunConfig, evaluate_config, read_config, run_aligner
from alignbench.runs.tune import labels_at, parse_grid, score_split, tune
from alignbench.scoring.space import CandidateSpace
from alignbench.scoring.tune_grid import check_tuning_split

ALIGNBENCH = {"dataset_version": "x"}  # no source_format: named "alignbench"


def _tune(grid_t: str, grid_e: str = "0.5", **kwargs):
    return tune(
        TableAligner(),
        "threshold",
        tuning_benchmark(),
        ALIGNBENCH,
        "train",
        thresholds=parse_grid(grid_t, "--thresholds"),
        equivalent_ats=parse_grid(grid_e, "--equivalent-at-grid"),
        **kwargs,
    )


def test_grid_syntax() -> None:
    grid = parse_grid("0.05:0.95:0.05", "--thresholds").values
    assert len(grid) == 19 and grid[0] == 0.05 and grid[2] == 0.15 and grid[-1] == 0.95
    assert parse_grid("0.5,0.2,0.5", "--thresholds").values == (0.2, 0.5)  # sorted, distinct
    for bad, why in (
        ("0.1:0.2", "START:STOP:STEP"),
        ("0.1:0.25:0.1", "whole number"),
        ("0.1,x", "'x' is not a number"),
        ("nan", "finite"),
        ("0.2:0.1:0.1", "START <= STOP"),
        (",", "no value"),
    ):
        with pytest.raises(UsageError, match=why):
            parse_grid(bad, "--thresholds")


def test_chosen_threshold_is_the_one_worked_out_by_hand() -> None:
    result = _tune("0.35,0.45,0.55,0.8")
    assert result.threshold == 0.35
    assert result.objective == pytest.approx(6 / 7)
    assert result.values[:, 0] == pytest.approx([6 / 7, 4 / 7, 2 / 3, 2 / 3])


def test_ties_go_to_the_smaller_threshold_and_equivalent_at() -> None:
    # 0.15, 0.2, 0.3 decide the same four links; equivalent_at 0.65, 0.7, 0.9 label them alike
    result = _tune("0.3,0.2,0.15", "0.9,0.7,0.65")
    assert (result.threshold, result.equivalent_at) == (0.15, 0.65)
    assert np.ptp(result.values) == 0


def test_tie_break_metric_picks_equivalent_at_that_a_link_objective_ignores() -> None:
    result = _tune("0.05:0.95:0.05", "0.05:1:0.05")  # the default grids
    assert (result.threshold, result.equivalent_at) == (0.15, 0.65)
    assert result.objective == pytest.approx(6 / 7)
    assert result.tie_break == pytest.approx(4 / 7)  # labeled.F1: 2 of 4 decided right, 2 of 3 gold found


def test_lower_is_better_for_aer() -> None:
    result = _tune("0.05,0.35", objective="link.AER")
    assert result.threshold == 0.35
    assert result.objective == pytest.approx(1 / 6)
    assert result.values[0, 0] == pytest.approx(9 / 14)


def test_origin_names_the_dataset_split_objective_and_grid() -> None:
    origin = _tune("0.35,0.45").origin
    assert origin.startswith("tuned on alignbench train, objective link.F1 (ties: labeled.F1, then the smaller")
    assert "grid: threshold 0.35,0.45, equivalent_at 0.5)" in origin
    ists = tune(
        TableAligner(), "threshold", tuning_benchmark(), {"source_format": "ists2016", "subset": "images"}, "train"
    )
    assert ists.origin.startswith("tuned on ists2016/images train, objective link.F1")


@pytest.mark.parametrize("decoder", ["threshold", "mutual", "hungarian"])
def test_every_grid_point_labels_as_run_aligner_does(decoder: str) -> None:
    bench = load_benchmark(split="test")  # the seed cluster: numbers and nested content words for the tagger
    space = CandidateSpace(bench)
    aligner = get_aligner("tfidf")
    scored = score_split(aligner, bench, space, decoder)
    for t, e in ((0.05, 0.05), (0.2, 0.6), (0.3, 0.3), (0.5, 0.95)):
        config = RunConfig("x", "tfidf", {}, decoder, t, e, "")
        expected = run_aligner(get_aligner("tfidf"), bench, config, space)
        assert np.array_equal(labels_at(scored, t, e), expected.label), (t, e)
        assert np.array_equal(scored.score, expected.score)


@pytest.mark.parametrize(
    "objective", ["link.F1", "macro.F1", "labeled.P", "relation.F1@contradiction", "unique.F1", "strict.R"]
)
def test_objective_value_equals_the_report_of_the_tuned_config(objective: str) -> None:
    bench = load_benchmark(split="test")
    result = tune(get_aligner("tfidf"), "mutual", bench, ALIGNBENCH, "train", objective=objective)
    config = RunConfig("tfidf", "tfidf", {}, "mutual", result.threshold, result.equivalent_at, result.origin)
    report = evaluate_config(config, bench, ALIGNBENCH, resamples=0)
    assert report.metrics[objective] == pytest.approx(result.objective, abs=1e-12)
    assert report.metrics["labeled.F1"] == pytest.approx(result.tie_break, abs=1e-12)


def test_report_only_splits_are_refused() -> None:
    check_tuning_split("train", ["test", "train"], "d")
    with pytest.raises(UsageError, match=r"--split test is a report-only split.*tune on train"):
        check_tuning_split("test", ["test", "train"], "d")
    with pytest.raises(UsageError, match=r"d has only the report-only split.*test, diagnostic"):
        check_tuning_split("train", ["test", "diagnostic"], "d")


@pytest.fixture(scope="module")
def ists(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("tune-ists")
    assert main(["import", "ists2016", str(write_full_release(base / "src")), "-o", str(base / "out")]) == 0
    return base / "out" / "headlines"


def test_cli_refuses_the_bundled_data_and_the_test_split(
    ists: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "t.json"
    assert main(["tune", "tfidf", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "only the report-only split(s) test, diagnostic" in err
    assert main(["tune", "tfidf", "--data", str(ists), "--split", "test", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "report-only split" in err and "tune on train" in err
    assert main(["tune", "tfidf", "--data", str(ists), "--objective", "rank.AP", "-o", str(out)]) == 2
    assert "does not depend on the threshold" in capsys.readouterr().err
    assert not out.exists()


def test_cli_writes_a_config_that_eval_reads_back(
    ists: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "fuzzy-tuned.json"
    args = ["tune", "fuzzy", "--data", str(ists), "--thresholds", "0.3:0.9:0.1", "-o", str(out)]
    assert main(args) == 0
    config = read_config(out)  # the committed configs' format: the name is the file name
    committed = read_config(Path(__file__).resolve().parents[1] / "baselines" / "configs" / "fuzzy.json")
    assert config.name == "fuzzy-tuned"
    assert (config.aligner, config.params, config.decoder) == (committed.aligner, committed.params, committed.decoder)
    assert config.threshold in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
    assert config.threshold_origin.startswith("tuned on ists2016/headlines train, objective link.F1 (ties:")
    expected = tune(
        get_aligner("fuzzy", **committed.params),
        "threshold",
        load_benchmark(split="train", data_dir=ists),
        {"source_format": "ists2016", "subset": "headlines"},
        "train",
        thresholds=parse_grid("0.3:0.9:0.1", "--thresholds"),
    )
    assert (config.threshold, config.equivalent_at) == (expected.threshold, expected.equivalent_at)
    capsys.readouterr()
    report = tmp_path / "r.json"
    eval_args = ["eval", "--aligner", "fuzzy", "--config", str(out), "--data", str(ists), "--split", "test"]
    assert main([*eval_args, "--format", "json", "--resamples", "0", "-o", str(report)]) == 0
    data = json.loads(report.read_text())
    assert data["threshold"] == {"value": config.threshold, "origin": config.threshold_origin}
    assert data["dataset"]["split"] == "test" and data["system"]["name"] == "fuzzy-tuned"
    # the config it starts from is an input: never overwritten
    assert main(["tune", "fuzzy", "--data", str(ists), "--config", str(out), "-o", str(out)]) == 2
    assert "is also an input" in capsys.readouterr().err


def test_leaderboard_note_says_where_settings_were_tuned() -> None:
    from types import SimpleNamespace

    from alignbench.views.leaderboard import settings_note

    def report(name: str, origin: str) -> SimpleNamespace:
        return SimpleNamespace(system={"name": name}, threshold={"value": 0.3, "origin": origin})

    a_priori = settings_note([report("a", "fixed a priori: ..."), report("b", "floor: ...")])
    assert a_priori == "Thresholds fixed a priori in baselines/configs/, not tuned on any split."
    tuned = "tuned on ists2016/images train, objective link.F1 (ties: ...)"
    assert settings_note([report("a", tuned), report("b", tuned)]) == f"Settings (threshold, equivalent_at) {tuned}."
    mixed = settings_note([report("a", tuned), report("b", "fixed a priori: ...")])
    assert mixed == f"Settings of a {tuned}; the others' thresholds fixed a priori in their configs."
    assert "not tuned on any split" not in mixed


def test_leaderboard_note_of_systems_that_label_themselves() -> None:
    from types import SimpleNamespace

    from alignbench.views.leaderboard import settings_note

    llm = SimpleNamespace(system={"name": "llm", "labels": "system"}, threshold={"value": None, "origin": "none: ..."})
    lexical = SimpleNamespace(system={"name": "tfidf"}, threshold={"value": 0.3, "origin": "fixed a priori: ..."})
    assert settings_note([llm]) == "Each system decides its links and relations itself: no threshold, nothing tuned."
    assert settings_note([llm, lexical]) == "Thresholds fixed a priori in baselines/configs/, not tuned on any split."
