"""The committed baseline reports and leaderboard are what the code produces now."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT

from alignbench.dataset.load import dataset_metadata, load_benchmark
from alignbench.records import DataError
from alignbench.runs.baselines import (
    SYSTEM_LABELS,
    config_paths,
    evaluate_config,
    leaderboard_file,
    read_config,
    result_path,
)
from alignbench.runs.reproduce import differences
from alignbench.scoring.bytag import split_tags
from alignbench.scoring.report import Report
from alignbench.scoring.space import CandidateSpace
from alignbench.views.leaderboard import leaderboard


def _fresh(split: str) -> list[Report]:
    bench = load_benchmark(split=split)
    meta = dataset_metadata(split=split)
    dataset = {"dataset_version": meta["dataset_version"], "source_sha256": meta["source_sha256"]}
    space = CandidateSpace(bench)
    by_tag = split == "diagnostic"
    return [
        evaluate_config(read_config(p), bench, dataset, space, split=split, by_tag=by_tag)
        for p in config_paths(ROOT / "baselines")
    ]


@pytest.fixture(scope="module")
def fresh_reports() -> list[Report]:
    return _fresh("test")


@pytest.fixture(scope="module")
def diagnostic_reports() -> list[Report]:
    return _fresh("diagnostic")


def _close(committed, fresh, where):
    """Equal, floats to 1e-9 (committed reports were written on another machine)."""
    if isinstance(committed, dict):
        assert committed.keys() == fresh.keys(), where
        for key in committed:
            _close(committed[key], fresh[key], f"{where}.{key}")
    elif isinstance(committed, list) and committed and isinstance(committed[0], float):
        assert committed == pytest.approx(fresh, rel=1e-9, abs=1e-12), where
    elif isinstance(committed, float):
        assert committed == pytest.approx(fresh, rel=1e-9, abs=1e-12), where
    else:
        assert committed == fresh, where


def test_committed_diagnostic_reports_are_reproduced(diagnostic_reports):
    for report in diagnostic_reports:
        path = result_path(ROOT / "baselines", report)
        assert (
            path.parent.name == "diagnostic"
            and path.parent.parent == result_path(ROOT / "baselines", _as_test(report)).parent
        )
        assert path.is_file(), f"{path} missing: run 'alignbench eval --baselines --update'"
        assert differences(json.loads(path.read_text(encoding="utf-8")), json.loads(report.to_json())) == [], path
        assert report.by_tag and sorted(report.by_tag["tags"]) == split_tags(load_benchmark(split="diagnostic"))


def _as_test(report: Report) -> Report:
    import dataclasses

    return dataclasses.replace(report, dataset={**report.dataset, "split": "test"})


def test_diagnostic_leaderboard_and_readme_are_current(diagnostic_reports, capsys):
    from alignbench.cli import main

    board = leaderboard(diagnostic_reports, "markdown")
    assert leaderboard_file(ROOT / "baselines", "diagnostic").read_text(encoding="utf-8") == board
    assert main(["eval", "--baselines", "--split", "diagnostic"]) == 0
    assert capsys.readouterr().out == board
    assert "### Contra F1 (`relation.F1@contradiction`) by phenomenon tag" in board
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    headline = leaderboard(diagnostic_reports, "markdown", tags=False)
    block = "<!-- leaderboard-diagnostic:start -->\n" + headline + "<!-- leaderboard-diagnostic:end -->"
    assert block in readme
    test_block = readme.split("<!-- leaderboard:start -->", 1)[1].split("<!-- leaderboard:end -->", 1)[0]
    assert "split diagnostic" not in test_block and "split test" in test_block  # never pooled


def test_diagnostic_contradiction_f1_intervals_are_narrow(diagnostic_reports):
    # the point of the split: contradiction F1 with real statistical power (issue 12)
    assert diagnostic_reports[0].supports["gold.contradiction"] >= 100
    for report in diagnostic_reports:
        low, high = report.ci["relation.F1@contradiction"]
        assert high - low < 0.3, report.system["name"]


def test_committed_reports_are_reproduced(fresh_reports):
    for report in fresh_reports:
        path = result_path(ROOT / "baselines", report)
        assert path.is_file(), f"{path} missing: run 'alignbench eval --baselines --update'"
        committed = json.loads(path.read_text(encoding="utf-8"))
        # exact to 1e-9 (the plain baselines declare no tolerance); the environment block is provenance only
        assert differences(committed, json.loads(report.to_json())) == [], path


def test_leaderboard_and_readme_are_current(fresh_reports):
    board = leaderboard(fresh_reports, "markdown")
    assert (ROOT / "baselines" / "LEADERBOARD.md").read_text(encoding="utf-8") == board
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "<!-- leaderboard:start -->\n" + board + "<!-- leaderboard:end -->" in readme


def test_every_baseline_is_on_the_board(fresh_reports):
    names = {r.system["name"] for r in fresh_reports}
    assert names == {p.stem for p in (ROOT / "baselines" / "configs").glob("*.json")}
    assert {"tfidf", "tfidf-char", "fuzzy", "random", "all-pairs", "position", "overlap", "cues"} <= names
    for r in fresh_reports:
        origin = r.threshold["origin"]
        assert "a priori" in origin or "floor" in origin or origin == SYSTEM_LABELS["origin"], origin
        assert {"link.F1", "labeled.F1", "relation.F1@contradiction", "rank.AP"} <= r.metrics.keys()


def test_eval_baselines_cli_prints_the_committed_leaderboard_from_any_folder(tmp_path, capsys, monkeypatch):
    from alignbench.cli import main

    monkeypatch.chdir(tmp_path)  # not the clone: the configs come with the package
    assert main(["eval", "--baselines"]) == 0
    assert capsys.readouterr().out == (ROOT / "baselines" / "LEADERBOARD.md").read_text(encoding="utf-8")


def test_bad_config_is_a_one_line_error(tmp_path):
    (tmp_path / "configs").mkdir()
    bad = tmp_path / "configs" / "x.json"
    bad.write_text('{"name": "x", "aligner": "tfidf"}')
    with pytest.raises(DataError, match=r"x.json: a baseline config has exactly the keys"):
        read_config(bad)
    with pytest.raises(DataError, match="no baseline configs found"):
        config_paths(tmp_path / "nowhere")


def test_leaderboard_marks_metrics_with_too_few_gold_items(fresh_reports):
    board = leaderboard(fresh_reports, "markdown")
    supports = fresh_reports[0].supports
    support = {"link.F1": supports["sure_links"], "relation.F1@contradiction": supports["gold.contradiction"]}
    rows = [line for line in board.splitlines() if line.startswith("| tfidf")]
    assert rows
    for column, name in ((3, "link.F1"), (5, "relation.F1@contradiction")):
        marked = support[name] < 10  # the mark follows the gold support of the data, whatever it is
        assert all(row.split(" | ")[column].endswith(" †") == marked for row in rows), name
        assert (f"{name} ({support[name]})" in board) == marked, name


def test_readme_floor_margins_are_current(fresh_reports, diagnostic_reports):
    """The README's margins over the floors are computed from the current reports of every split."""
    from alignbench.dataset.load import available_splits
    from alignbench.views.margins import margins_table

    reports = {"test": fresh_reports, "diagnostic": diagnostic_reports}
    block = "\n".join(margins_table(reports[s], s) for s in available_splits(None))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "<!-- floor-margins:start -->\n" + block + "<!-- floor-margins:end -->" in readme


def test_seed_transfer_reports_and_tables_are_current():
    """The test split scored with the configs tuned on iSTS headlines train: recomputed by
    ``alignbench eval --baselines --update`` without the iSTS release, so a new cluster updates it."""
    from alignbench.commands.derived import TRANSFER, TRANSFER_BLOCK, TRANSFER_BOARD, transfer_board, transfer_reports
    from alignbench.views.numbers import block_text

    reports = transfer_reports(ROOT)
    assert reports
    for report in reports:
        path = result_path(ROOT / TRANSFER, report)
        assert path.is_file(), f"{path} missing: run 'alignbench eval --baselines --update'"
        assert differences(json.loads(path.read_text(encoding="utf-8")), json.loads(report.to_json())) == [], path
    board = transfer_board(reports)
    for name in ("README.md", TRANSFER_BOARD):
        assert block_text((ROOT / name).read_text(encoding="utf-8"), TRANSFER_BLOCK) == board, name
