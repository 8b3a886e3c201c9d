"""Reproducibility (DESIGN §14): reports record their environment; committed reports are checked
exactly for bit-reproducible aligners and within the declared tolerance for the others."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest

from alignbench.cli import main
from alignbench.environment import CORE_PACKAGES, environment
from alignbench.runs.reproduce import differences

ROOT = Path(__file__).resolve().parents[1]


def _report(tolerance: float) -> dict:
    return {
        "dataset": {"split": "test"},
        "system": {"name": "x", "reproducibility": {"tolerance": tolerance, "reason": "r"}},
        "supports": {"gold_links": 4, "decided_links": 3},
        "metrics": {"link.F1": 0.5, "rank.AP": 0.25},
        "ci": {"link.F1": [0.25, 0.75]},
        "confusion": [[1, 0], [0, 1]],
        "environment": {"cpu": {"model": "A"}},
    }


def test_an_exact_report_must_match_to_the_last_digits():
    a, b = _report(0.0), _report(0.0)
    assert differences(a, b) == []
    b["metrics"]["rank.AP"] = 0.25 + 1e-6
    assert differences(a, b) == ["metrics.rank.AP: committed 0.25, fresh 0.250001"]
    b = _report(0.0)
    b["confusion"][0][0] = 2
    assert differences(a, b) == ["confusion[0][0]: committed 1, fresh 2"]


def test_the_environment_is_never_compared():
    a, b = _report(0.0), _report(0.0)
    b["environment"] = {"cpu": {"model": "B"}, "python": "3.13"}
    assert differences(a, b) == []


def test_a_declared_tolerance_lets_metrics_and_decisions_move_but_not_the_run():
    a, b = _report(0.02), _report(0.02)
    b["metrics"]["rank.AP"] = 0.269  # 0.019 away: within
    b["ci"]["link.F1"] = [0.26, 0.74]
    b["confusion"] = [[0, 1], [1, 0]]  # decisions may differ
    b["supports"]["decided_links"] = 5
    assert differences(a, b) == []
    b["metrics"]["rank.AP"] = 0.271  # 0.021 away: beyond
    assert differences(a, b) == ["metrics.rank.AP: committed 0.25, fresh 0.271"]
    c = _report(0.02)
    c["supports"]["gold_links"] = 5  # the gold is never within tolerance
    assert differences(a, c) == ["supports.gold_links: committed 4, fresh 5"]
    d = _report(0.0)
    assert differences(a, d) == ["system.reproducibility.tolerance: committed 0.02, fresh 0.0"]


def test_environment_names_python_cpu_blas_and_packages():
    env = environment(["rapidfuzz", "no-such-distribution-xyz"])
    assert env["python"].count(".") == 2
    assert isinstance(env["cpu"]["simd"], list) and env["cpu"]["machine"]
    assert list(env["packages"])[: len(CORE_PACKAGES)] == list(CORE_PACKAGES)
    assert env["packages"]["numpy"] and env["packages"]["no-such-distribution-xyz"] is None


def test_every_committed_report_records_environment_and_reproducibility():
    reports = sorted((ROOT / "baselines" / "results").rglob("report.json"))
    current = [p for p in reports if "0.1.0-" not in str(p)]  # reports of older dataset versions are kept as they were
    assert current
    for path in current:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["environment"]["cpu"]["model"], path
        assert data["system"]["reproducibility"]["tolerance"] == 0.0, path  # the plain baselines are exact


def _tree(tmp_path: Path) -> Path:
    folder = tmp_path / "baselines"
    shutil.copytree(ROOT / "baselines" / "configs", folder / "configs")
    shutil.copytree(ROOT / "baselines" / "results", folder / "results")
    return folder


def test_check_passes_on_the_committed_reports_and_names_a_changed_one(tmp_path, capsys):
    folder = _tree(tmp_path)
    assert main(["eval", "--baselines", "--baselines-dir", str(folder), "--split", "test", "--check"]) == 0
    assert "committed reports reproduce" in capsys.readouterr().out
    path = sorted(p for p in (folder / "results" / "fuzzy").glob("*/report.json"))[-1]
    data = json.loads(path.read_text(encoding="utf-8"))
    changed = copy.deepcopy(data)
    changed["metrics"]["link.F1"] += 0.001
    path.write_text(json.dumps(changed), encoding="utf-8")
    assert main(["eval", "--baselines", "--baselines-dir", str(folder), "--split", "test", "--check"]) == 1
    err = capsys.readouterr().err
    assert f"{path}: does not reproduce exactly: metrics.link.F1" in err and "Traceback" not in err


@pytest.mark.parametrize("extra", [["--update"], ["-o", "x.md"], ["--seed", "1"]])
def test_check_refuses_flags_that_would_change_what_it_checks(extra, capsys):
    assert main(["eval", "--baselines", "--check", *extra]) == 2
    assert "--check" in capsys.readouterr().err


@pytest.mark.parametrize("split", ["test", "diagnostic"])
def test_readme_semantic_tables_are_the_committed_reports(split):
    """The README's semantic tables are rendered from the committed reports (which CI recomputes with
    ``--check``), so no semantic number in them is typed by hand."""
    from alignbench.runs.baselines import config_names, read_config
    from alignbench.scoring.report import Report
    from alignbench.views.leaderboard import leaderboard

    folder = ROOT / "baselines" / "semantic"
    reports = []
    for name in config_names(folder):
        config = read_config(folder / "configs" / f"{name}.json")
        found = sorted(
            (folder / "results" / config.name).glob("*/report.json" if split == "test" else "*/diagnostic/report.json")
        )
        reports.append(Report.from_json(found[-1].read_text(encoding="utf-8"), str(found[-1])))
    marker = "semantic-leaderboard" + ("" if split == "test" else f"-{split}")
    board = leaderboard(reports, "markdown", tags=False)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"<!-- {marker}:start -->\n{board}<!-- {marker}:end -->" in readme
    committed = (folder / ("LEADERBOARD.md" if split == "test" else f"LEADERBOARD-{split}.md")).read_text(
        encoding="utf-8"
    )
    assert committed.startswith(board.split("\n\n")[0])
