"""A malformed report is refused with one line naming what is wrong, never a traceback."""

from __future__ import annotations

import json

import pytest
from fixture import PREDICTIONS, tiny_benchmark, write_jsonl

from alignbench.cli import main
from alignbench.records import DataError
from alignbench.scoring.evaluate import evaluate
from alignbench.scoring.predictions import read_predictions
from alignbench.scoring.report import Report
from alignbench.scoring.space import CandidateSpace


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> dict:
    bench = tiny_benchmark()
    path = write_jsonl(tmp_path_factory.mktemp("p") / "p.jsonl", PREDICTIONS)
    report = evaluate(bench, read_predictions(path, CandidateSpace(bench)), system={"name": "s"}, resamples=20)
    report.per_pair = [{"article_pair": "x ~ y", "supports": {"claims": 7}, "metrics": {"link.F1": 0.5}}]
    return json.loads(report.to_json())


def _set(path: str, value: object):
    """A change to the report's JSON: set the value at a path of keys and indices ('-' deletes)."""

    def apply(data: dict) -> None:
        *parents, last = [int(p) if p.lstrip("-").isdigit() else p for p in path.split("/")]
        for key in parents:
            data = data[key]
        if value == "-":
            del data[last]
        else:
            data[last] = value

    return apply


BAD = [
    (_set("bootstrap", []), "bootstrap: expected an object, got an array"),
    (_set("bootstrap/resamples", "many"), "bootstrap.resamples: expected a non-negative integer, got 'many'"),
    (_set("bootstrap/resamples", -5), "bootstrap.resamples: expected a non-negative integer, got -5"),
    (_set("bootstrap/seed", 1.5), "bootstrap.seed: expected a non-negative integer, got 1.5"),
    (_set("bootstrap/seed", True), "bootstrap.seed: expected a non-negative integer, got true"),
    (_set("bootstrap/seed", "-"), "bootstrap: missing key 'seed'"),
    (_set("bootstrap/shoe_size", 3), "bootstrap: unknown key 'shoe_size'"),
    (_set("bootstrap/n_units", 4), "bootstrap.n_units: 4 but 3 units"),
    (_set("bootstrap/level", 95), "bootstrap.level: expected a number between 0 and 1, got 95"),
    (_set("supports", [1, 2]), "supports: expected an object, got an array"),
    (_set("supports/gold.contradiction", -1), "supports['gold.contradiction']: expected a non-negative integer"),
    (_set("supports/gold.contradiction", "1"), "supports['gold.contradiction']: expected a non-negative integer"),
    (_set("metrics/link.F1", "high"), "metrics['link.F1']: expected a finite number, got 'high'"),
    (_set("metrics", None), "metrics: expected an object, got null"),
    (_set("ci/link.F1", [0.1]), "ci['link.F1']: expected [low, high], got [0.1]"),
    (_set("ci/link.F1", [0.9, 0.1]), "ci['link.F1']: expected [low, high], got [0.9, 0.1]"),
    (_set("unit_confusion", {}), "unit_confusion: expected an array, got an object"),
    (_set("unit_confusion/0", [0] * 35), "unit_confusion[0]: expected 36 counts, got 35"),
    (_set("unit_confusion/1", "0" * 36), "unit_confusion[1]: expected an array, got a string"),
    (_set("unit_confusion/0/0", "x"), "unit_confusion[0][0]: expected a non-negative integer, got 'x'"),
    (_set("unit_confusion/2/7", -1), "unit_confusion[2][7]: expected a non-negative integer, got -1"),
    (_set("unit_confusion/2", "-"), "unit_confusion: 2 rows but 3 units"),
    (_set("unit_confusion/0/35", 100), "confusion is not the sum of unit_confusion"),
    (_set("confusion/5", [1, 2]), "confusion[5]: expected 6 counts, got 2"),
    (_set("confusion", [[0] * 6] * 5), "confusion: expected 6 rows, got 5"),
    (_set("units/1", 7), "units[1]: expected a string, got 7"),
    (_set("units/1", "x-1"), "units[1]: 'x-1' is listed twice"),
    (_set("per_pair/0", "x ~ y"), "per_pair[0]: expected an object, got a string"),
    (_set("per_pair/0/metrics", [0.5]), "per_pair[0].metrics: expected an object, got an array"),
    (_set("system", "s"), "system: expected an object, got a string"),
    (_set("metric_version", 1), "metric_version: expected a string, got 1"),
    (_set("surprise", 1), "unknown key 'surprise'"),
    (_set("ci", "-"), "missing key 'ci'"),
]


@pytest.mark.parametrize(("change", "message"), BAD, ids=[m for _, m in BAD])
def test_malformed_report_is_one_line(tmp_path, capsys, good, change, message):
    data = json.loads(json.dumps(good))
    change(data)
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps(good))
    b.write_text(json.dumps(data))
    assert main(["compare", str(a), str(b)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert f"alignbench compare: {b}: not an alignbench report (" in err, err
    assert message in err, err


def test_not_an_object_and_good_report(good):
    with pytest.raises(DataError, match=r"^r.json: not an alignbench report \(expected an object, got an array\)$"):
        Report.from_json("[]", "r.json")
    again = Report.from_json(json.dumps(good)).to_json()
    assert json.loads(again) == good and Report.from_json(again).to_json() == again
