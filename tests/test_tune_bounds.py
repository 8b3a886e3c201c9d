"""``alignbench tune`` at its bounds (issue 18 item 11, issue 21): grid size, exact grid values,
no abbreviated flags, an empty objective, and the warnings about a choice that says little."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from conftest import ROOT
from ists_fixture import write_full_release
from tune_fixture import TableAligner, tuning_benchmark

import alignbench.runs.tune
from alignbench.cli import build_parser, main
from alignbench.records import UsageError
from alignbench.runs.tune import parse_grid, tune
from alignbench.scoring.tune_grid import DEFAULT_EQUIVALENT_AT, DEFAULT_THRESHOLDS

ALIGNBENCH = {"dataset_version": "x"}
#: 10,000 values each: 1e8 grid points, which ran for days (no output in 300 s)
HUGE = "0:0.9999:0.0001"


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


@pytest.fixture(scope="module")
def ists(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("tune-bounds-ists")
    assert main(["import", "ists2016", str(write_full_release(base / "src")), "-o", str(base / "out")]) == 0
    return base / "out" / "headlines"


@pytest.fixture
def no_scoring(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any scoring of the tuning split fails the test: the refusals must come before any work."""

    def fail(*args, **kwargs):
        raise AssertionError("the split was scored: the grid was not refused before the work")

    monkeypatch.setattr(alignbench.runs.tune, "score_split", fail)


def test_a_grid_of_1e8_points_is_refused_before_any_work(
    ists: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], no_scoring: None
) -> None:
    out = tmp_path / "t.json"
    args = ["tune", "fuzzy", "--data", str(ists), "-o", str(out), "--thresholds", HUGE, "--equivalent-at-grid", HUGE]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "10,000 x 10,000 = 100,000,000 grid points, at most 100,000" in err
    assert not out.exists()
    with pytest.raises(UsageError, match="100,000,000 grid points"):  # the API refuses it too
        _tune(HUGE, HUGE)
    assert len(parse_grid(HUGE, "--thresholds").values) == 10_000  # one axis alone is fine
    many = ",".join(str(k) for k in range(10_001))
    with pytest.raises(UsageError, match="10,001 values, at most 10,000"):
        parse_grid(many, "--thresholds")


def test_huge_ranges_are_values_or_usage_errors_never_tracebacks() -> None:
    grid = parse_grid("-1e308:1e308:1e306", "--thresholds").values  # was an OverflowError
    assert len(grid) == 201 and (grid[0], grid[100], grid[-1]) == (-1e308, 0.0, 1e308)
    for text in ("0:1e308:1e-308", "0:1:1e-400", "1e-99999999:1:0.5"):
        with pytest.raises(UsageError, match="whole number of STEPs below 10,000"):
            parse_grid(text, "--thresholds")


def test_range_values_are_the_decimals_written_not_rounded() -> None:
    # rounded to 10 decimals, this grid was (0.0,): a threshold outside the grid was written
    assert parse_grid("0.00000000001:0.00000000003:0.00000000001", "--thresholds").values == (1e-11, 2e-11, 3e-11)
    result = _tune("0.350000000001:0.450000000001:0.1")
    assert result.threshold == 0.350000000001  # was written as 0.35
    # the default grids and the committed configs' grid are the plain decimals, as before
    assert parse_grid(DEFAULT_THRESHOLDS, "t").values == tuple(float(f"0.{k:02d}") for k in range(5, 96, 5))
    assert parse_grid(DEFAULT_EQUIVALENT_AT, "e").values[-2:] == (0.95, 1.0)
    assert parse_grid("0:1:0.01", "t").values == tuple(k / 100 for k in range(101))


def test_the_cli_prints_and_writes_the_grid_value_itself(
    ists: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "t.json"
    grid = "0.300000000001:0.900000000001:0.1"
    assert main(["tune", "fuzzy", "--data", str(ists), "-o", str(out), "--thresholds", grid]) == 0
    written = json.loads(out.read_text())["threshold"]
    assert written in {float(f"0.{k}00000000001") for k in range(3, 10)}  # not 0.3, 0.4, ... (rounded)
    assert f"threshold {written!r}, equivalent_at" in capsys.readouterr().err


def test_abbreviated_flags_are_refused(ists: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "t.json"
    # "--threshold" was read as --thresholds: a one-point grid recorded as "tuned"
    with pytest.raises(SystemExit) as exit_:
        main(["tune", "fuzzy", "--data", str(ists), "-o", str(out), "--threshold", "0.4"])
    assert exit_.value.code == 2
    assert "unrecognized arguments: --threshold 0.4" in capsys.readouterr().err
    assert not out.exists()
    with pytest.raises(SystemExit):
        main(["eval", "--baselines", "--resample", "10"])
    assert "unrecognized arguments: --resample 10" in capsys.readouterr().err


def test_every_parser_refuses_abbreviations() -> None:
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.choices and isinstance(a.choices, dict)).choices
    assert len(subparsers) > 10
    assert not parser.allow_abbrev and not [name for name, p in subparsers.items() if p.allow_abbrev]
    # and every parser of the project's scripts: each ArgumentParser(...) and add_parser(...) call says so
    missing = []
    for folder in ("src", "scripts", "benchmarks", "baselines"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and getattr(node.func, "attr", None) in ("ArgumentParser", "add_parser"):
                    given = {k.arg: k.value for k in node.keywords}
                    value = given.get("allow_abbrev")
                    if not (isinstance(value, ast.Constant) and value.value is False):
                        missing.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert missing == []


def test_an_empty_objective_is_a_usage_error(ists: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "t.json"
    for flag in ("--objective", "--tie-break"):
        assert main(["tune", "fuzzy", "--data", str(ists), "-o", str(out), flag, ""]) == 2  # fell back to link.F1
        assert f"{flag}: bad metric name ''" in capsys.readouterr().err
    assert not out.exists()


def test_an_objective_of_0_everywhere_is_warned_about(
    ists: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = _tune("0.95,0.99")  # above every score (0.9 at most): nothing is decided
    assert result.warnings == (
        "link.F1 is 0 at every grid point: the choice says nothing; check the aligner, its decoder and the grid",
    )
    out = tmp_path / "t.json"
    assert main(["tune", "fuzzy", "--data", str(ists), "-o", str(out), "--thresholds", "1.5,2"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith("alignbench tune: warning: link.F1 is 0 at every grid point")


def test_a_choice_on_the_edge_of_its_grid_is_warned_about() -> None:
    # tune_fixture: link.F1 is best for thresholds in (0.1, 0.4]; labeled.F1 for equivalent_at in (0.6, 0.9]
    inside = _tune("0.1,0.35,0.45", "0.5,0.7,0.95")
    assert (inside.threshold, inside.equivalent_at, inside.warnings) == (0.35, 0.7, ())
    low = _tune("0.35,0.45,0.55", "0.5,0.7,0.95")
    assert low.warnings == (
        "threshold 0.35 is the smallest value of its grid (--thresholds 0.35,0.45,0.55): the best setting may lie "
        "below it; tune again with a grid that reaches past it",
    )
    high = _tune("0.05,0.1,0.35", "0.5,0.6,0.7")
    assert [w.split(":")[0] for w in high.warnings] == [
        "threshold 0.35 is the largest value of its grid (--thresholds 0.05,0.1,0.35)",
        "equivalent_at 0.7 is the largest value of its grid (--equivalent-at-grid 0.5,0.6,0.7)",
    ]
    # no warning along an axis that changes nothing (link.P ignores equivalent_at), nor for one value
    flat = _tune("0.1,0.35,0.45", "0.5,0.7", tie_break="link.P")
    assert (flat.equivalent_at, flat.warnings) == (0.5, ())
    assert _tune("0.35", "0.7").warnings == ()
    assert _tune("0.35", "0.5,0.7,0.95").warnings == ()  # link.F1 is constant, labeled.F1 chooses
    assert _tune("0.3,0.2,0.15", "0.9,0.7,0.65").warnings == (  # tests/test_tune.py: every point ties
        "link.F1 is 0.8571 at every grid point (and so is the tie-break): the choice says nothing; "
        "check the aligner, its decoder and the grid",
    )
