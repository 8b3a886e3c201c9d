"""The shortcut floors (position, overlap, cues) and the labelling protocol (``predict``), on
hand-made fixtures whose values are computed by hand in the comments."""

from __future__ import annotations

import json

import numpy as np
import pytest
from fixture import tiny_benchmark

from alignbench.aligners import get_aligner, labels_itself
from alignbench.aligners.shortcuts import jaccard, relative_positions
from alignbench.records import LABELS, Claim, DataError
from alignbench.runs.baselines import RunConfig, run_aligner, system_info, threshold_block
from alignbench.scoring.evaluate import evaluate
from alignbench.scoring.space import CandidateSpace
from alignbench.testing import AlignerCheckError, check_aligner


def _claim(cid: str, start: int, text: str = "t") -> Claim:
    return Claim(cid, cid.rsplit("-", 1)[0], start, start + len(text), text, text, None)


def test_relative_positions_are_ranks_at_the_middle_of_their_slots():
    claims = [_claim("a-2", 50), _claim("a-1", 10), _claim("b-1", 0), _claim("a-3", 90)]
    # article a: starts 10, 50, 90 -> ranks 0, 1, 2 -> 1/6, 1/2, 5/6; article b alone -> 1/2
    assert relative_positions(claims).tolist() == pytest.approx([0.5, 1 / 6, 0.5, 5 / 6])


def test_jaccard_by_hand():
    a = [frozenset({"red", "boat", "sank"}), frozenset()]
    b = [frozenset({"red", "boat", "floated"}), frozenset({"sank"})]
    # {red, boat} of {red, boat, sank, floated} = 2/4; {sank} of {red, boat, sank} = 1/3; empty rows 0
    assert np.allclose(jaccard(a, b), [[0.5, 1 / 3], [0.0, 0.0]])


def test_position_floor_links_by_position_only_and_labels_itself():
    bench = tiny_benchmark()  # x: 3 claims, y: 4 claims, every start 0 (ranks by id)
    aligner = get_aligner("position")
    assert labels_itself(aligner)
    config = RunConfig("position", "position", {"threshold": 0.9}, "threshold", 0.9, 0.5, "a priori")
    space = CandidateSpace(bench)
    preds = run_aligner(aligner, bench, config, space)
    decided = {
        (space.claim_ids[space.cand_a[i]], space.claim_ids[space.cand_b[i]]): LABELS[preds.label[i]]
        for i in range(space.size)
        if LABELS[preds.label[i]] != "none"
    }
    # x at 1/6, 1/2, 5/6; y at 1/8, 3/8, 5/8, 7/8: within 0.1 only x-1/y-1 (1/24) and x-3/y-4 (1/24)
    assert decided == {("x-1", "y-1"): "equivalent", ("x-3", "y-4"): "equivalent"}
    report = evaluate(
        bench, preds, system=system_info(config, aligner), threshold=threshold_block(config, aligner), resamples=0
    )
    # gold: 3 sure + 1 possible; D = 2, D&G = 1 (x-1/y-1), D&S = 1: P = 1/2, R = 1/3, F1 = 0.4
    assert report.metrics["link.P"] == pytest.approx(0.5)
    assert report.metrics["link.R"] == pytest.approx(1 / 3)
    assert report.metrics["link.F1"] == pytest.approx(0.4)
    assert report.system["labels"] == "system" and report.threshold["value"] is None


def test_floors_pass_the_conformance_check():
    for name in ("position", "overlap", "cues"):
        check_aligner(get_aligner(name))


def test_a_labeller_with_bad_labels_is_refused():
    from alignbench.aligners import BaseAligner

    class Bad(BaseAligner):
        name = "bad-labels"

        def score(self, claims_a, claims_b):
            return np.zeros((len(claims_a), len(claims_b)))

        def predict(self, claims_a, claims_b):
            return self.score(claims_a, claims_b), np.full((len(claims_a), len(claims_b)), "maybe")

    with pytest.raises(AlignerCheckError, match="label 'maybe'"):
        check_aligner(Bad())
    bench = tiny_benchmark()
    with pytest.raises(DataError, match="predict\\(\\) returned label 'maybe'"):
        run_aligner(Bad(), bench, RunConfig("b", "b", {}, "threshold", 0.5, 0.5, ""), CandidateSpace(bench))


def test_a_labeller_cannot_be_tuned():
    from alignbench.records import UsageError
    from alignbench.runs.tune import tune

    with pytest.raises(UsageError, match="nothing to tune"):
        tune(get_aligner("position"), "threshold", tiny_benchmark(), {}, "train")


class _Planner:
    """A labelling plug-in with the optional hooks: ``plan`` sees every article pair before ``predict``,
    and ``run_info`` becomes the report's ``run`` block."""

    name = "planner"

    def __init__(self, info=None):
        self.info = info
        self.calls: list[str] = []

    def get_params(self):
        return {"info": self.info}

    def score(self, claims_a, claims_b):
        return np.zeros((len(claims_a), len(claims_b)))

    def plan(self, pairs):
        self.calls.append(f"plan {len(pairs)}: " + ", ".join(f"{a[0].article_id}/{b[0].article_id}" for a, b in pairs))

    def predict(self, claims_a, claims_b):
        self.calls.append("predict")
        return self.score(claims_a, claims_b), np.full((len(claims_a), len(claims_b)), "none")

    def run_info(self):
        return self.info


def test_plan_sees_every_article_pair_before_predict_and_run_info_goes_in_the_report(monkeypatch):
    from alignbench.runs import baselines
    from alignbench.scoring.report import Report

    planner = _Planner({"requests": 2, "note": "from the plug-in"})
    monkeypatch.setattr(baselines, "get_aligner", lambda name, **params: planner)
    bench = tiny_benchmark(second_cluster=True)
    config = RunConfig("planner", "planner", {}, "threshold", 0.5, 0.5, "")
    report = baselines.evaluate_config(config, bench, {"dataset_version": "t", "source_sha256": "0" * 64}, resamples=0)
    assert planner.calls == ["plan 2: x/y, z/zz", "predict", "predict"]
    assert report.run == {"requests": 2, "note": "from the plug-in"}
    assert Report.from_json(report.to_json()).run == report.run
    planner.info = None
    report = baselines.evaluate_config(config, bench, {"dataset_version": "t", "source_sha256": "0" * 64}, resamples=0)
    assert report.run is None and "run" not in report.to_dict()


@pytest.mark.parametrize("info", [[1, 2], {"x": float("nan")}, {"x": object()}])
def test_a_run_info_that_is_not_a_json_object_is_refused(monkeypatch, info):
    from alignbench.runs import baselines

    monkeypatch.setattr(baselines, "get_aligner", lambda name, **params: _Planner(info))
    config = RunConfig("planner", "planner", {}, "threshold", 0.5, 0.5, "")
    with pytest.raises(DataError, match=r"run_info\(\) must return a JSON object"):
        baselines.evaluate_config(config, tiny_benchmark(), {}, resamples=0)


def test_a_plug_in_labeller_needs_no_threshold(tmp_path, monkeypatch, capsys):
    """A system that decides its own links has no threshold to fix: ``eval --aligner`` runs it without
    ``--threshold`` (a scoring plug-in still needs one)."""
    from alignbench.cli import main

    (tmp_path / "my_labeller.py").write_text(
        "import numpy as np\n"
        "from alignbench.aligners import BaseAligner\n"
        "class Lab(BaseAligner):\n"
        "    name = 'lab'\n"
        "    def score(self, a, b):\n"
        "        return np.zeros((len(a), len(b)))\n"
        "    def predict(self, a, b):\n"
        "        return self.score(a, b), np.full((len(a), len(b)), 'none')\n"
        "class Scorer(Lab):\n"
        "    predict = None\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    assert main(["eval", "--aligner", "my_labeller:Lab", "--resamples", "0", "--format", "json", "-o", "r.json"]) == 0
    assert json.loads((tmp_path / "r.json").read_text())["threshold"]["value"] is None
    assert main(["eval", "--aligner", "my_labeller:Scorer", "--resamples", "0"]) == 2
    assert "--threshold is required for aligner 'my_labeller:Scorer'" in capsys.readouterr().err
