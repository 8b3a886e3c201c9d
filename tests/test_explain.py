"""``alignbench explain``: link outcomes, worst errors and PR curves on hand-made fixtures, the page's
escaping, and the command's flags (the browser checks are in test_explain_browser.py)."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from explain_fixture import EVIL, EVIL_ID, EVIL_SYSTEM, OUTCOMES, explain_benchmark, explain_predictions

from alignbench.cli import main
from alignbench.records import LABELS
from alignbench.runs import explain
from alignbench.runs.explain_data import OUTCOMES as OUTCOME_NAMES
from alignbench.runs.explain_data import explain_data, outcomes
from alignbench.scoring.curve import pr_curve
from alignbench.scoring.ranking import average_precision
from alignbench.scoring.space import CandidateSpace
from alignbench.views import explain as explain_view
from alignbench.views.page import script_json

EQ, CONTRA, REL, NONE = (LABELS.index(x) for x in ("equivalent", "contradiction", "related", "none"))


def test_outcome_of_every_gold_and_decided_combination():
    gold = np.array([EQ, EQ, EQ, NONE, NONE, REL, REL, CONTRA], dtype=np.int8)
    label = np.array([EQ, CONTRA, NONE, REL, NONE, NONE, EQ, CONTRA], dtype=np.int8)
    names = [OUTCOME_NAMES[o] if o >= 0 else None for o in outcomes(gold, label)]
    assert names == [
        "correct",
        "wrong_relation",
        "missed",
        "false",
        None,
        "missed_possible",
        "found_possible",
        "correct",
    ]


@pytest.fixture
def runs(tmp_path):
    bench = explain_benchmark()
    space = CandidateSpace(bench)
    path = explain_predictions(tmp_path / "p.jsonl")
    run = explain.prediction_run(str(path), EVIL_SYSTEM, bench, space, {}, split="test", resamples=0, seed=0)
    return bench, space, [run]


def test_page_data_holds_every_gold_and_decided_link_with_its_outcome(runs):
    bench, space, [run] = runs
    data = explain_data(bench, space, [(run.name, run.predictions)])
    links, ids = data["links"], data["claims"]["id"]
    got = {
        (ids[a], ids[b]): data["outcomes"][o] for a, b, o in zip(links["a"], links["b"], links["outcome0"], strict=True)
    }
    assert got == OUTCOMES
    row = {(ids[a], ids[b]): r for r, (a, b) in enumerate(zip(links["a"], links["b"], strict=True))}
    assert data["worst"][0]["false"] == [row[(EVIL_ID, "q-1")]]
    assert data["worst"][0]["missed"] == [row[(EVIL_ID, "q-3")]]
    assert data["rationales"][links["rationale"][row[("p-1", "q-1")]]].startswith("100 vs 200 km")
    assert links["rationale"][row[(EVIL_ID, "q-1")]] == -1  # no gold link, no rationale
    assert links["score0"][row[("p-2", "q-3")]] == 0.6
    assert data["pairs"] == [{"a": 0, "b": 1, "lo": 0, "hi": 6}]
    assert data["tags"] == [] and data["link_tags"] == []


def test_tags_of_gold_links_reach_the_page_when_the_records_carry_them(runs):
    bench, space, [run] = runs

    tagged = [x._replace(tags=("numbers",) if x.relation == "contradiction" else ()) for x in bench.alignments]
    bench = bench._replace(alignments=tuple(tagged))
    data = explain_data(bench, space, [(run.name, run.predictions)])
    ids, links = data["claims"]["id"], data["links"]
    assert data["tags"] == ["numbers"]
    tagged_rows = [(ids[links["a"][r]], ids[links["b"][r]]) for r, t in enumerate(data["link_tags"]) if t == [0]]
    assert tagged_rows == [("p-1", "q-1")]


def test_pr_curve_points_operating_points_and_ap_by_hand():
    gold = np.array([EQ, NONE, CONTRA, NONE, EQ, REL], dtype=np.int8)
    score = np.array([0.9, 0.8, 0.8, 0.5, -np.inf, 0.95])
    label = np.array([EQ, EQ, NONE, NONE, NONE, NONE], dtype=np.int8)
    curve = pr_curve("s", gold, score, label, 0.8)
    # ranking (related left out): 0.9 hit, 0.8 miss, 0.8 hit (ties: misses first), 0.5 miss, unscored hit last
    assert curve.recall.tolist() == pytest.approx([1 / 3, 2 / 3, 1])
    assert curve.precision.tolist() == pytest.approx([1, 2 / 3, 3 / 5])
    assert curve.ap == pytest.approx((1 + 2 / 3 + 3 / 5) / 3)
    assert curve.ap == pytest.approx(average_precision(score, gold < REL, gold == REL))
    assert curve.at_threshold == pytest.approx((2 / 3, 2 / 3))
    assert curve.decisions == pytest.approx((1 / 3, 1 / 2))
    assert pr_curve("s", gold, score, label, None).at_threshold is None


def test_json_in_a_script_block_cannot_close_it():
    data = {"x": "</script><!--<b>&amp;\u2028", "</script>": [1.5, None]}
    text = script_json(data)
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == data


def test_page_escapes_claim_ids_system_names_titles_and_rationales(runs):
    bench, space, run_list = runs
    html = explain_view.page(bench, space, run_list, "test")
    assert EVIL not in html and "<img src=x" not in html
    assert html.count("<script") == 2  # the JSON block and the page's own code
    assert "&lt;script&gt;document.title=&#39;pwned-system&#39;&lt;/script&gt;" in html  # the name, as text
    data = re.search(r'<script type="application/json" id="explain-data">(.*?)</script>', html, re.S).group(1)
    assert EVIL_ID in json.loads(data)["claims"]["id"]
    assert not re.search(r"(src|href)=\"(https?:)?//", html)  # nothing is fetched: no external resource
    assert "default-src 'none'" in html


@pytest.fixture
def preds_file(tmp_path):
    path = tmp_path / "tfidf.jsonl"
    assert main(["run", "tfidf", "-o", str(path)]) == 0
    return path


def test_explain_writes_page_and_curves_deterministically(tmp_path, preds_file, capsys):
    page, pdf, svg = tmp_path / "p.html", tmp_path / "c.pdf", tmp_path / "c.svg"
    args = ["explain", "--predictions", str(preds_file), "--resamples", "10"]
    assert main([*args, "-o", str(page), "--curve", str(pdf)]) == 0
    first = page.read_bytes()
    assert first.startswith(b"<!DOCTYPE html>") and pdf.read_bytes().startswith(b"%PDF")
    assert main([*args, "-o", str(page), "--curve", str(svg)]) == 0
    assert page.read_bytes() == first
    assert b"<svg" in svg.read_bytes()
    assert main([*args, "--curve", str(tmp_path / "curve"), "--format", "svg"]) == 0
    assert (tmp_path / "curve").read_bytes() == svg.read_bytes()
    assert "wrote" in capsys.readouterr().err


def test_compare_flags_the_cells_where_two_systems_differ(tmp_path, preds_file):
    other = tmp_path / "fuzzy.jsonl"
    assert main(["run", "fuzzy", "-o", str(other)]) == 0
    page = tmp_path / "p.html"
    assert (
        main(
            ["explain", "--predictions", str(preds_file), "--compare", str(other), "--resamples", "0", "-o", str(page)]
        )
        == 0
    )
    html = page.read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="explain-data">(.*?)</script>', html, re.S).group(1))
    assert data["systems"] == [str(preds_file), str(other)]
    assert "label1" in data["links"] and 'class="num differs"' in html


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ([], "give -o PAGE.html (the page) and/or --curve FILE (the precision-recall curve)"),
        (["--curve", "c.png"], "--curve c.png: name a .pdf or .svg file, or give --format pdf|svg"),
        (["-o", "p.html", "--format", "pdf"], "--format sets the format of --curve FILE: give --curve"),
        (["-o", "p.html", "--threshold", "0.3"], "--threshold applies only with --aligner, not with --predictions"),
    ],
)
def test_bad_flag_combinations_are_one_line_usage_errors(tmp_path, preds_file, capsys, extra, message):
    assert main(["explain", "--predictions", str(preds_file), *extra]) == 2
    err = capsys.readouterr().err
    assert err == f"alignbench explain: error: {message}\n"


def test_a_missing_extra_is_one_line_naming_it(monkeypatch, tmp_path, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "matplotlib" else real(name, *a))
    assert main(["explain", "--aligner", "tfidf", "-o", str(tmp_path / "p.html")]) == 1
    err = capsys.readouterr().err
    assert err == (
        "alignbench explain: explain needs the optional extra 'explain' (matplotlib not installed): "
        "pip install 'alignbench[explain]'\n"
    )
    assert not (tmp_path / "p.html").exists()


def test_explain_shows_the_split_asked_for_in_a_dataset_folder(sources, tmp_path):
    from test_splits import add_synthetic_cluster

    from alignbench.dataset.build import build

    add_synthetic_cluster(sources)
    build(sources)
    page = tmp_path / "diag.html"
    args = ["explain", "--aligner", "all-pairs", "--data", str(sources / "data"), "--resamples", "0"]
    assert main([*args, "--split", "diagnostic", "-o", str(page)]) == 0
    html = page.read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="explain-data">(.*?)</script>', html, re.S).group(1))
    assert [a["id"] for a in data["articles"]] == ["diag-900-a", "diag-900-b"]
    ids, links = data["claims"]["id"], data["links"]
    # all-pairs decides both candidates: the gold contradiction and one false link
    got = {
        (ids[a], ids[b]): data["outcomes"][o] for a, b, o in zip(links["a"], links["b"], links["outcome0"], strict=True)
    }
    assert set(got) == {("diag-900-a-001", "diag-900-b-001"), ("diag-900-a-002", "diag-900-b-001")}
    assert got[("diag-900-a-002", "diag-900-b-001")] == "false"
    assert "split <b>diagnostic</b>" in html
