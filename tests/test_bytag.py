"""The breakdown by phenomenon tag: values worked out by hand, cluster bootstrap, formats, JSON, CLI.

Fixture: cluster c1 (articles a1, b1, three claims each) and cluster c2 (a2, b2, two claims each).

    L1 a1-1 ~ b1-1 equivalent        [t1]      predicted equivalent
    L2 a1-2 ~ b1-2 contradiction     [t1, t2]  predicted equivalent
    L3 a1-3 ~ b1-3 related           [t2]      predicted contradiction
    L4 a2-1 ~ b2-1 contradiction     [t2]      predicted contradiction
    L5 a2-2 ~ b2-2 a_more_specific   [t1]      not decided
    -- a1-1 ~ b1-2 (no gold link)              predicted contradiction (an untagged false positive)
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import CLUSTER
from fixture import make_article

from alignbench.dataset.load import load_benchmark
from alignbench.records import LABELS, Alignment, Benchmark, Claim, DataError
from alignbench.scoring.bootstrap import resample_weights
from alignbench.scoring.bytag import split_tags
from alignbench.scoring.evaluate import evaluate
from alignbench.scoring.predictions import PredictionArrays
from alignbench.scoring.report import Report
from alignbench.scoring.space import CandidateSpace
from alignbench.views.formats import format_report

SIZES = {"a1": 3, "b1": 3, "a2": 2, "b2": 2}
LINKS = [
    ("a1-1", "b1-1", "equivalent", ("t1",)),
    ("a1-2", "b1-2", "contradiction", ("t1", "t2")),
    ("a1-3", "b1-3", "related", ("t2",)),
    ("a2-1", "b2-1", "contradiction", ("t2",)),
    ("a2-2", "b2-2", "a_more_specific", ("t1",)),
]
PREDICTED = {
    ("a1-1", "b1-1"): "equivalent",
    ("a1-2", "b1-2"): "equivalent",
    ("a1-3", "b1-3"): "contradiction",
    ("a2-1", "b2-1"): "contradiction",
    ("a1-1", "b1-2"): "contradiction",
}


def _bench() -> Benchmark:
    articles = tuple(make_article(a, "c1" if a.endswith("1") else "c2") for a in sorted(SIZES))
    claims = tuple(Claim(f"{a}-{i}", a, 0, 1, "x", "x", None) for a in sorted(SIZES) for i in range(1, SIZES[a] + 1))
    links = tuple(Alignment(a, b, rel, "", "test", tags) for a, b, rel, tags in LINKS)
    return Benchmark(articles, claims, links)


def _report(resamples: int = 200, seed: int = 3) -> Report:
    bench = _bench()
    space = CandidateSpace(bench)
    a = np.array([space.claim_index[x] for x, _ in PREDICTED])
    b = np.array([space.claim_index[y] for _, y in PREDICTED])
    index = space.index(a, b)
    labels = np.array([LABELS.index(v) for v in PREDICTED.values()], dtype=np.int8)
    preds = PredictionArrays(index, np.ones(len(index)), labels)
    system = {"name": "hand", "params": {}}
    return evaluate(bench, preds, system=system, split="diagnostic", resamples=resamples, seed=seed, by_tag=True)


@pytest.fixture(scope="module")
def report() -> Report:
    return _report()


def test_values_and_supports_by_hand(report):
    t1, t2 = report.by_tag["tags"]["t1"], report.by_tag["tags"]["t2"]
    assert t1["supports"] == {
        "clusters": 2,
        "gold_links": 3,
        "sure_links": 3,
        "contradictions": 1,
        "predicted_contradictions": 0,
    }
    # L1 and L2 decided of 3 sure; only L1 with its label; the one contradiction (L2) missed;
    # no tagged link predicted contradiction: precision undefined, left out
    assert t1["metrics"] == pytest.approx(
        {"link.R": 2 / 3, "labeled.R": 1 / 3, "relation.R@contradiction": 0.0, "relation.F1@contradiction": 0.0}
    )
    assert t2["supports"] == {
        "clusters": 2,
        "gold_links": 3,
        "sure_links": 2,
        "contradictions": 2,
        "predicted_contradictions": 2,
    }
    # L3 (related) and L4 predicted contradiction: precision 1/2; L4 of L2, L4 found: recall 1/2
    assert t2["metrics"] == pytest.approx(
        {
            "link.R": 1.0,
            "labeled.R": 1 / 3,
            "relation.P@contradiction": 0.5,
            "relation.R@contradiction": 0.5,
            "relation.F1@contradiction": 0.5,
        }
    )
    # the untagged false positive lowers the overall precision (1 of 3) but no per-tag one
    assert report.metrics["relation.P@contradiction"] == pytest.approx(1 / 3)


def test_intervals_resample_clusters_with_the_reports_seed(report):
    assert report.by_tag["unit"] == "cluster"
    assert report.by_tag["units"] == ["c1", "c2"]
    assert (report.by_tag["resamples"], report.by_tag["seed"]) == (200, 3)
    w = resample_weights(2, 200, 3)
    # t2 contradiction recall: c1 holds L2 (missed), c2 holds L4 (found)
    recall = w[:, 1] / (w[:, 0] + w[:, 1])
    expected = np.percentile(recall, [2.5, 97.5])
    assert report.by_tag["tags"]["t2"]["ci"]["relation.R@contradiction"] == pytest.approx(list(expected))
    # t1 link recall: c1 decided 2 of 2 sure, c2 0 of 1
    link_r = 2 * w[:, 0] / (2 * w[:, 0] + w[:, 1])
    assert report.by_tag["tags"]["t1"]["ci"]["link.R"] == pytest.approx(list(np.percentile(link_r, [2.5, 97.5])))
    assert "relation.P@contradiction" not in report.by_tag["tags"]["t1"]["ci"]


def test_json_round_trip_and_structure_check(report):
    text = report.to_json()
    assert Report.from_json(text) == report
    data = json.loads(text)
    data["by_tag"]["tags"]["t1"]["metrics"]["link.P"] = 1.0
    with pytest.raises(DataError, match=r"by_tag.tags\['t1'\].metrics: unknown key 'link.P'"):
        Report.from_json(json.dumps(data))
    data = json.loads(text)
    data["by_tag"]["n_units"] = 3
    with pytest.raises(DataError, match=r"by_tag.n_units: 3 but 2 units"):
        Report.from_json(json.dumps(data))
    data = json.loads(text)
    del data["by_tag"]["tags"]["t2"]["supports"]["contradictions"]
    with pytest.raises(DataError, match=r"by_tag.tags\['t2'\].supports: missing key 'contradictions'"):
        Report.from_json(json.dumps(data))


def test_reports_without_a_breakdown_are_written_as_before():
    plain = _report()
    plain.by_tag = None
    assert "by_tag" not in json.loads(plain.to_json())
    assert Report.from_json(plain.to_json()) == plain


@pytest.mark.parametrize("fmt", ["table", "markdown", "latex"])
def test_every_text_format_shows_the_tags(report, fmt):
    text = format_report(report, fmt)
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.lstrip("| ").startswith("t2"))
    t2 = lines[at]
    ci = report.by_tag["tags"]["t2"]["ci"]["relation.F1@contradiction"]
    if fmt == "latex":  # the interval under the value (--ci below, the default), the value marked too few
        assert t2.endswith("0.500\\rlap{$^\\dagger$} \\\\")
        assert lines[at + 1].endswith(f"{{\\scriptsize[{ci[0]:.3f}, {ci[1]:.3f}]}} \\\\")
    else:
        assert f"0.500 [{ci[0]:.3f}, {ci[1]:.3f}]" in t2
    t1 = next(line for line in text.splitlines() if line.lstrip("| ").startswith("t1"))
    assert "0.667" in t1 and " - " in t1.replace("|", " ")  # t1's undefined contradiction precision
    assert "2 clusters" in text


def test_csv_has_a_tag_column(report):
    rows = format_report(report, "csv").splitlines()
    assert rows[0].endswith(",too_few_to_test,tag")
    tagged = [r.split(",") for r in rows[1:] if not r.endswith(",")]
    assert ["all", "relation.F1@contradiction", "0.5"] == tagged[-1][:3] and tagged[-1][-1] == "t2"
    assert {r[-1] for r in tagged} == {"t1", "t2"}
    assert sum(r[-1] == "t1" for r in tagged) == 4  # its contradiction precision is undefined


def test_by_tag_on_a_split_without_tags_is_a_usage_error(capsys):
    from alignbench.cli import main

    assert main(["eval", "--baselines", "--by", "tag", "--cluster", CLUSTER]) == 2  # the seed cluster has no tags
    err = capsys.readouterr().err.strip()
    assert err == (
        f"alignbench eval: error: --by tag: the gold links of --cluster {CLUSTER} of split 'test' carry no "
        "phenomenon tags (try --split diagnostic)"
    )


def test_eval_by_tag_on_the_diagnostic_split(capsys):
    from alignbench.cli import main

    assert main(["eval", "--aligner", "tfidf", "--split", "diagnostic", "--by", "tag", "--format", "json"]) == 0
    report = Report.from_json(capsys.readouterr().out)
    tags = report.by_tag["tags"]
    bench = load_benchmark(split="diagnostic")
    assert sorted(tags) == split_tags(bench) and report.by_tag["n_units"] == len({a.cluster_id for a in bench.articles})
    links = sum(e["supports"]["gold_links"] for e in tags.values())
    assert links > report.supports["gold_links"]  # a link with several tags counts under each


def test_by_tag_suggests_only_splits_the_dataset_has(tmp_path, capsys):
    # issue 18: on an iSTS import (train and test, no tags) it said "try --split diagnostic"
    from ists_fixture import write_full_release

    from alignbench.cli import main

    assert main(["import", "ists2016", str(write_full_release(tmp_path / "src")), "-o", str(tmp_path / "out")]) == 0
    capsys.readouterr()
    data = str(tmp_path / "out" / "headlines")
    assert main(["eval", "--aligner", "tfidf", "--data", data, "--split", "test", "--by", "tag"]) == 2
    assert capsys.readouterr().err == (
        "alignbench eval: error: --by tag: the gold links of split 'test' carry no phenomenon tags "
        "(nor do those of any other split of this dataset)\n"
    )
