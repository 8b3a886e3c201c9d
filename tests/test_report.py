"""Reports: JSON round trip, formats, per-pair rows, the eval CLI and compare."""

from __future__ import annotations

import json

import pytest
from fixture import PREDICTIONS, tiny_benchmark, write_jsonl

from alignbench.cli import main
from alignbench.compare import compare
from alignbench.evaluate import evaluate
from alignbench.predictions import read_predictions
from alignbench.records import DataError
from alignbench.report import FORMATS, Report, format_report, latex_escape
from alignbench.space import CandidateSpace


@pytest.fixture
def report(tmp_path) -> Report:
    bench = tiny_benchmark()
    preds = read_predictions(write_jsonl(tmp_path / "p.jsonl", PREDICTIONS), CandidateSpace(bench))
    return evaluate(bench, preds, system={"name": "my_system", "params": {"k": 1}}, resamples=100, per_pair=True)


def test_json_round_trips(report):
    again = Report.from_json(report.to_json())
    assert again == report
    assert again.to_json() == report.to_json()


def test_report_records_provenance(report):
    assert report.metric_version == "1" and report.alignbench_version
    assert report.system == {"name": "my_system", "params": {"k": 1}}
    assert report.threshold["value"] is None and "labels" in report.threshold["origin"]
    assert report.bootstrap["resamples"] == 100 and report.bootstrap["seed"] == 0
    assert report.per_pair[0]["article_pair"] == "x ~ y"
    assert report.per_pair[0]["metrics"]["link.F1"] == report.metrics["link.F1"]


def test_latex_is_balanced_and_escaped(report):
    tex = format_report(report, "latex")
    body = "\n".join(line for line in tex.splitlines() if not line.startswith("%"))  # comments are free text
    assert body.count("\\begin{") == body.count("\\end{") == 2
    assert "\\toprule" in body and "\\midrule" in body and "\\bottomrule" in body
    assert "my\\_system" in body and "my_system" not in body.replace("my\\_system", "")
    assert "relation.F1@a\\_more\\_specific" in body
    assert all(line.count("{") == line.count("}") for line in body.splitlines())
    assert latex_escape("a_b & 50% #1 $x$ {y} ~ ^ \\") == (
        "a\\_b \\& 50\\% \\#1 \\$x\\$ \\{y\\} \\textasciitilde{} \\textasciicircum{} \\textbackslash{}"
    )


def test_every_format_and_metric_selection(report):
    for fmt in FORMATS:
        assert format_report(report, fmt)
    md = format_report(report, "markdown", ["link.F1", "rank.AP"])
    assert "| `link.F1` | 0.857 |" in md and "labeled.F1" not in md.split("| article pair")[0]
    rows = format_report(report, "csv", ["link.F1"]).splitlines()
    assert rows[0] == "article_pair,metric,value,ci_low,ci_high"
    assert rows[1].startswith(f"all,link.F1,{report.metrics['link.F1']!r},")


def test_eval_cli_writes_report_atomically(tmp_path, capsys):
    pred = tmp_path / "p.jsonl"
    pred.write_text(
        json.dumps({"claim_a": "wonsan-a-010", "claim_b": "wonsan-b-009", "score": 1, "label": "contradiction"}) + "\n"
    )
    out = tmp_path / "reports" / "r.json"
    assert main(["eval", "--predictions", str(pred), "--format", "json", "-o", str(out), "--resamples", "50"]) == 0
    report = Report.from_json(out.read_text())
    assert report.metrics["relation.F1@contradiction"] == 1.0
    assert report.metrics["link.P"] == 1.0 and report.metrics["link.R"] == pytest.approx(1 / 17)
    assert report.dataset["dataset_version"] and len(report.dataset["source_sha256"]) == 64
    assert len(report.system["predictions_sha256"]) == 64
    assert main(["eval", "--predictions", str(pred), "--metrics", "link.F2"]) == 2  # usage
    assert "--metrics: unknown measure 'F2'" in capsys.readouterr().err


def test_compare_identical_and_different(tmp_path, report, capsys):
    bench = tiny_benchmark()
    worse = [{**r, "label": "none"} if r["claim_a"] == "x-1" else r for r in PREDICTIONS]
    other = evaluate(
        bench,
        read_predictions(write_jsonl(tmp_path / "w.jsonl", worse), CandidateSpace(bench)),
        system={"name": "worse"},
        resamples=100,
    )
    same = {r["metric"]: r for r in compare(report, report)}
    assert same["link.F1"]["delta"] == 0.0 and same["link.F1"]["p"] == 1.0
    rows = {r["metric"]: r for r in compare(report, other)}
    assert rows["link.F1"]["a"] == report.metrics["link.F1"] and rows["link.F1"]["b"] == other.metrics["link.F1"]
    assert rows["link.F1"]["delta"] == pytest.approx(other.metrics["link.F1"] - report.metrics["link.F1"])
    assert rows["link.F1"]["ci_low"] <= rows["link.F1"]["delta"] <= rows["link.F1"]["ci_high"]
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(report.to_json())
    b.write_text(other.to_json())
    assert main(["compare", str(a), str(b)]) == 0
    assert "link.F1" in capsys.readouterr().out
    b.write_text("{}")
    assert main(["compare", str(a), str(b)]) == 1
    assert "not an alignbench report" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"seed": 1}, r"bootstrapped differently \(seed 0 vs 1\)"),
        ({"resamples": 99}, r"bootstrapped differently \(resamples 100 vs 99\)"),
        ({"unit": "article_pair"}, r"bootstrapped differently \(unit 'source_claim' vs 'article_pair'\)"),
    ],
)
def test_compare_refuses_reports_bootstrapped_differently(report, change, message):
    """compare redraws A's resamples for B: both must have been made with the same ones."""
    import dataclasses

    other = dataclasses.replace(report, bootstrap={**report.bootstrap, **change})
    with pytest.raises(DataError, match=message):
        compare(report, other)
    units = dataclasses.replace(report, units=[*report.units[:-1], "z-9"])
    with pytest.raises(DataError, match=r"different units \(unit 2 is 'x-3' vs 'z-9'\)"):
        compare(report, units)
