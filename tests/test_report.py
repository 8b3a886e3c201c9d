"""Reports: JSON round trip, formats, per-pair rows, the eval CLI and compare."""

from __future__ import annotations

import json

import pytest
from fixture import PREDICTIONS, tiny_benchmark, write_jsonl

from alignbench.cli import main
from alignbench.records import DataError
from alignbench.scoring.compare import compare
from alignbench.scoring.evaluate import evaluate
from alignbench.scoring.predictions import read_predictions
from alignbench.scoring.report import Report
from alignbench.scoring.space import CandidateSpace
from alignbench.views.formats import FORMATS, format_report, latex_escape


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
    assert body.count("\\begin{") == body.count("\\end{") == 4  # the metrics, then the per-pair table
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
    assert rows[0] == "article_pair,metric,value,ci_low,ci_high,gold_support,too_few_to_test"
    assert rows[1].startswith(f"all,link.F1,{report.metrics['link.F1']!r},")
    assert rows[1].endswith(",3,true") and rows[2] == f"x ~ y,link.F1,{report.metrics['link.F1']!r},,,3,true"


def test_eval_cli_writes_report_atomically(tmp_path, capsys):
    pred = tmp_path / "p.jsonl"
    pred.write_text(
        json.dumps({"claim_a": "wonsan-a-010", "claim_b": "wonsan-b-010", "score": 1, "label": "contradiction"}) + "\n"
    )
    out = tmp_path / "reports" / "r.json"
    args = ["eval", "--predictions", str(pred), "--cluster", "nk-wonsan-launch"]  # the seed cluster's gold
    assert main([*args, "--format", "json", "-o", str(out), "--resamples", "50"]) == 0
    report = Report.from_json(out.read_text())
    assert report.metrics["relation.F1@contradiction"] == 1.0
    assert report.metrics["link.P"] == 1.0 and report.metrics["link.R"] == pytest.approx(1 / 21)
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
    same = {r["metric"]: r for r in compare(report, report, min_support=0).rows}
    assert same["link.F1"]["delta"] == 0.0 and same["link.F1"]["p"] == 1.0
    tiny = {r["metric"]: r for r in compare(report, report).rows}  # 3 sure links: too few to test
    assert tiny["link.F1"]["too_few"] and tiny["link.F1"]["p"] is None and tiny["link.F1"]["support"] == 3
    rows = {r["metric"]: r for r in compare(report, other).rows}
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


@pytest.fixture(scope="module")
def gold_and_nothing(tmp_path_factory) -> tuple[Report, Report]:
    """Reports on the seed cluster (1000 resamples): the gold links as predictions, and no links."""
    import numpy as np

    from alignbench.dataset.load import load_benchmark
    from alignbench.scoring.predictions import PredictionArrays
    from alignbench.scoring.subset import select_clusters

    bench = select_clusters(load_benchmark(), ["nk-wonsan-launch"])  # its supports are checked below
    space = CandidateSpace(bench)
    linked = np.flatnonzero(space.gold != 5)
    gold = PredictionArrays(linked, np.ones(linked.size), space.gold[linked].astype(np.int8))
    nothing = PredictionArrays(linked[:0], np.ones(0), np.zeros(0, dtype=np.int8))
    return evaluate(bench, gold, system={"name": "gold"}), evaluate(bench, nothing, system={"name": "nothing"})


def test_compare_p_is_never_zero_and_small_supports_are_not_tested(tmp_path, capsys, gold_and_nothing):
    """compare once printed relation.F1@contradiction +1.000 [+1.000,+1.000] p=0.000 from one gold link."""
    gold, nothing = gold_and_nothing
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(nothing.to_json())
    b.write_text(gold.to_json())
    assert main(["compare", str(a), str(b)]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    assert "p=0.000" not in out
    assert lines["link.F1"].endswith("[+1.000, +1.000]  p<0.001"), lines["link.F1"]
    assert lines["relation.F1@contradiction"].endswith("  too few to test")
    assert "too few to test: macro.F1 (1), relation.F1@contradiction (1): fewer than 10 gold items" in out
    rows = {r["metric"]: r for r in compare(nothing, gold).rows}
    link = rows["link.F1"]
    assert link["delta"] == 1.0 and link["extreme"] == 0 and link["support"] == 21 and not link["too_few"]
    assert link["p"] == 1 / (link["defined"] + 1) and link["defined"] == 1000
    contradiction = rows["relation.F1@contradiction"]
    assert contradiction["too_few"] and contradiction["support"] == 1 and contradiction["p"] is None
    assert rows["macro.F1"]["too_few"] and rows["macro.F1"]["support"] == 1  # averages contradiction F1


def test_format_p_bounds_when_no_resample_is_as_extreme():
    from alignbench.views.compare import format_p

    assert format_p(0, 1000) == "p<0.001"  # 1/1001
    assert format_p(0, 99) == "p<=0.01"  # 1/100
    assert format_p(0, 100) == "p<0.01"
    assert format_p(0, 199) == "p<=0.005"
    assert format_p(0, 50) == "p<0.02"
    assert format_p(5, 1000) == "p=0.006"
    assert format_p(1000, 1000) == "p=1.000"
    assert format_p(3, 100_000) == "p=4.0e-05"
    assert format_p(0, 0) == "p=n/a"


def test_reports_mark_metrics_with_too_few_gold_items(gold_and_nothing):
    gold = gold_and_nothing[0]
    data = json.loads(gold.to_json())
    assert data["bootstrap"]["min_support"] == 10
    few = data["bootstrap"]["too_few_to_test"]
    assert "relation.F1@contradiction" in few and "macro.F1" in few and "relation.P@b_more_specific" in few
    assert "link.F1" not in few and "rank.MRR" not in few and "relation.F1@a_more_specific" not in few
    table = format_report(gold, "table").splitlines()
    row = next(line for line in table if line.startswith("relation.F1@contradiction "))
    assert row.endswith("[1.000, 1.000] (too few: 1 < 10)")
    assert next(line for line in table if line.startswith("link.F1 ")).endswith("[1.000, 1.000]")
    assert any(line.startswith("too few: the metric rests on fewer than 10 gold items") for line in table)
    md = format_report(gold, "markdown")
    assert "| `relation.F1@contradiction` | 1.000 | [1.000, 1.000] (too few: 1 < 10) |" in md
    assert "| `link.F1` | 1.000 | [1.000, 1.000] |" in md
    tex = format_report(gold, "latex")
    assert "relation.F1@contradiction & 1.000\\rlap{$^\\dagger$} & [1.000, 1.000] \\\\" in tex
    assert "link.F1 & 1.000 & [1.000, 1.000] \\\\" in tex and "too few to test" in tex
    csv_rows = format_report(gold, "csv").splitlines()
    assert next(r for r in csv_rows if r.startswith("all,relation.F1@contradiction,")).endswith(",1,true")
    assert next(r for r in csv_rows if r.startswith("all,link.F1,")).endswith(",21,false")


def test_latex_renders_per_pair_rows(report):
    tex = format_report(report, "latex")
    per_pair = tex[tex.index("\\begin{table}", tex.index("\\end{table}")) :]
    assert "\\begin{tabular}{@{}lrrrr}" in per_pair
    assert "Article pair & link.F1 & labeled.F1 & relation.F1@contradiction & rank.AP \\\\" in per_pair
    row = next(line for line in per_pair.splitlines() if line.startswith("x \\textasciitilde{} y & "))
    assert (
        row
        == "x \\textasciitilde{} y & "
        + " & ".join(
            f"{report.per_pair[0]['metrics'][n]:.3f}"
            for n in ("link.F1", "labeled.F1", "relation.F1@contradiction", "rank.AP")
        )
        + " \\\\"
    )
    assert "\\caption{my\\_system per article pair (test split).}" in per_pair
    assert "\\label{tab:my-system-test-pairs}" in per_pair


def test_user_values_cannot_break_out_of_header_lines(report):
    """A newline in --system once ended a LaTeX '% ...' comment line: the rest became LaTeX."""
    import dataclasses

    evil = dataclasses.replace(
        report,
        system={"name": "a\nb\\end{table} --> \x1b[31m\u2028\u202e", "params": {"k\n": "v\r"}},
        threshold={"value": None, "origin": "typed\nby hand"},
        dataset={**report.dataset, "split": "te\x85st"},
        per_pair=[{**report.per_pair[0], "article_pair": "x\n~ y"}],
    )
    for fmt in ("table", "markdown", "latex", "csv"):  # JSON keeps values exactly, escaped by JSON's rules
        out = format_report(evil, fmt)
        assert not any(ch in out for ch in "\r\x1b\x85\u2028\u202e"), fmt
    assert Report.from_json(format_report(evil, "json")) == evil
    tex = format_report(evil, "latex").splitlines()
    assert all(line.startswith("% ") for line in tex[:6]) and tex[6] == "\\begin{table}[t]"
    assert tex[1] == '% system a\\nb\\end{table} --> \\x1b[31m\\u2028\\u202e {"k\\n": "v\\r"}'
    body = [line for line in tex if not line.startswith("%")]
    assert sum(line == "\\end{table}" for line in body) == 2
    assert any(line.startswith("\\caption{a\\textbackslash{}nb\\textbackslash{}end\\{table\\}") for line in body)
    md = format_report(evil, "markdown").splitlines()
    assert all(line.startswith("<!-- ") and line.endswith(" -->") and line.count("-->") == 1 for line in md[:5])
    assert md[5] == ""
    table = format_report(evil, "table").splitlines()
    assert table[1].startswith("system a\\nb") and table[2] == "decisions: typed\\nby hand" and table[5] == ""
    assert "x\\n~ y: " in format_report(evil, "table")
    from alignbench.scoring.compare import compare as paired
    from alignbench.views.compare import format_comparison

    comparison = paired(evil, evil)
    for fmt in ("table", "markdown", "latex", "csv"):
        out = format_comparison(comparison, fmt)
        assert not any(ch in out for ch in "\r\x1b\x85\u2028\u202e"), fmt
    assert format_comparison(comparison).splitlines()[0].startswith("A = a\\nb\\end{table} --> \\x1b[31m")
    tex = format_comparison(comparison, "latex").splitlines()
    assert sum(line == "\\end{table}" for line in tex if not line.startswith("%")) == 1
