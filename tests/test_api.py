"""The Python API (``alignbench.evaluate``, ``alignbench.compare``): the README's example runs, the API
and the command line give the same reports, and bad input is one clear error."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from conftest import ROOT
from fixture import tiny_benchmark

import alignbench
from alignbench.cli import main
from alignbench.records import SURE_RELATIONS, DataError, UsageError
from alignbench.scoring.report import Report
from alignbench.scoring.subset import select_clusters


def readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text.split("<!-- api-example -->\n```python\n", 1)[1].split("```", 1)[0]


def test_readme_example_scores_an_aligner_and_compares_it_with_fuzzy(tmp_path):
    """The README's block, run as a user would (a fresh interpreter, outside the clone)."""
    script = tmp_path / "example.py"
    script.write_text(readme_example() + "\nprint('SUMMARY', mine.system['name'], len(comparison.rows))\n")
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "SUMMARY word-overlap" in done.stdout
    shown = (
        (ROOT / "README.md").read_text(encoding="utf-8").split("prints (the rows of `mine`, then B − A):\n\n```\n")[1]
    )
    shown = shown.split("```", 1)[0]
    printed = "\n".join(line.rstrip() for line in done.stdout.splitlines() if not line.startswith("SUMMARY"))
    assert printed + "\n" == shown  # the README shows what the example prints


def _overlap_class():
    from alignbench.aligners import BaseAligner

    class WordOverlap(BaseAligner):
        name = "word-overlap"

        def score(self, claims_a, claims_b):
            a = [set(c.text.lower().split()) for c in claims_a]
            b = [set(c.text.lower().split()) for c in claims_b]
            return np.array([[len(x & y) / len(x | y) for y in b] for x in a])

    return WordOverlap


def test_api_and_cli_give_the_same_report(tmp_path):
    """One code path: eval --aligner and evaluate(name) agree; so do --predictions and records."""
    out = tmp_path / "cli.json"
    assert main(["eval", "--aligner", "tfidf", "--resamples", "50", "--format", "json", "-o", str(out)]) == 0
    cli = Report.from_json(out.read_text())
    api = alignbench.evaluate("tfidf", resamples=50)
    assert cli.to_dict() | {"environment": None} == api.to_dict() | {"environment": None}
    preds = tmp_path / "tfidf.jsonl"
    assert main(["run", "tfidf", "-o", str(preds)]) == 0
    from_file = alignbench.evaluate(preds, resamples=50)
    assert from_file.system["name"] == "tfidf"  # the file's stem, not its path
    rows = [json.loads(line) for line in preds.read_text().splitlines()]
    from_records = alignbench.evaluate(rows, resamples=50, name="tfidf")
    for key in ("metrics", "ci", "ranking", "unit_confusion"):
        assert getattr(from_records, key) == getattr(from_file, key) == getattr(api, key)
    assert main(["eval", "--predictions", str(preds), "--resamples", "50", "--format", "json", "-o", str(out)]) == 0
    assert Report.from_json(out.read_text()).system["name"] == "tfidf"


def test_an_aligner_object_needs_a_threshold_and_is_named_by_its_class():
    aligner = _overlap_class()()
    with pytest.raises(UsageError, match="threshold is required to evaluate an aligner object"):
        alignbench.evaluate(aligner)
    report = alignbench.evaluate(aligner, threshold=0.3, resamples=20)
    assert report.system["name"] == "word-overlap" and report.threshold["value"] == 0.3
    assert report.threshold["origin"] == "given to alignbench.evaluate (threshold=)"
    assert report.system["aligner"] == "test_api:_overlap_class.<locals>.WordOverlap"
    renamed = alignbench.evaluate("fuzzy", threshold=0.5, resamples=0)
    assert renamed.system["name"] == "fuzzy[threshold=0.5]"  # not the committed baseline's name


def test_bad_input_is_one_clear_error():
    with pytest.raises(
        UsageError, match=r"'fuzy' is neither a prediction file nor an aligner \(did you mean 'fuzzy'\?\)"
    ):
        alignbench.evaluate("fuzy")
    with pytest.raises(DataError, match=r"^predictions item 2: unknown claim id 'nope'"):
        alignbench.evaluate(
            [
                {"claim_a": "wonsan-a-001", "claim_b": "wonsan-b-001", "score": 0.5, "label": "none"},
                {"claim_a": "nope", "claim_b": "wonsan-b-001", "score": 0.5, "label": "none"},
            ]
        )
    with pytest.raises(DataError, match=r"^predictions item 1: expected a dict or a Prediction, got int"):
        alignbench.evaluate([3])
    with pytest.raises(UsageError, match="apply only to an aligner"):
        alignbench.evaluate([], threshold=0.3)
    with pytest.raises(UsageError, match="resamples must be an integer between 0"):
        alignbench.evaluate("fuzzy", resamples=-1)
    with pytest.raises(
        DataError, match=r"unknown cluster 'nk-wonsan' of split 'test' \(did you mean 'nk-wonsan-launch'\?\)"
    ):
        alignbench.evaluate("fuzzy", clusters=["nk-wonsan"])
    with pytest.raises(DataError, match=r"missing.json: No such file"):
        alignbench.compare("missing.json", "missing.json")


def test_select_clusters_keeps_only_their_articles_claims_and_links():
    bench = tiny_benchmark(second_cluster=True)
    c1 = select_clusters(bench, ["c1"])
    assert [a.article_id for a in c1.articles] == ["x", "y"]
    assert {c.claim_id for c in c1.claims} == {"x-1", "x-2", "x-3", "y-1", "y-2", "y-3", "y-4"}
    assert c1.alignments == bench.alignments
    c2 = select_clusters(bench, "c2")  # one id, not its characters
    assert [a.article_id for a in c2.articles] == ["z", "zz"] and c2.alignments == ()
    with pytest.raises(DataError, match="no cluster selected"):
        select_clusters(bench, [])


def test_clusters_are_recorded_and_compare_refuses_different_subsets():
    whole = alignbench.evaluate("tfidf", split="diagnostic", resamples=20)
    bench = alignbench.load_benchmark(split="diagnostic")
    clusters = sorted({a.cluster_id for a in bench.articles})[:3]
    part = alignbench.evaluate("tfidf", split="diagnostic", clusters=clusters, resamples=20)
    assert part.dataset["clusters"] == clusters
    articles = {a.article_id for a in bench.articles if a.cluster_id in clusters}
    assert part.supports["claims"] == sum(c.article_id in articles for c in bench.claims)
    with pytest.raises(DataError, match="the reports are on different clusters"):
        alignbench.compare(whole, part)


def test_to_frame_and_to_dict(tmp_path):
    report = alignbench.evaluate("fuzzy", resamples=50)
    frame = report.to_frame()
    assert frame.loc["link.F1", "value"] == report.metrics["link.F1"]
    assert [frame.loc["rank.AP", "ci_low"], frame.loc["rank.AP", "ci_high"]] == report.ci["rank.AP"]
    sure = sum(x.relation in SURE_RELATIONS for x in alignbench.load_benchmark().alignments)  # from the data
    assert frame.loc["link.F1", "support"] == sure == report.supports["sure_links"]
    assert bool(frame.loc["relation.F1@contradiction", "too_few"]) == (report.supports["gold.contradiction"] < 10)
    assert set(frame["system"]) == {"fuzzy"} and set(frame["split"]) == {"test"}
    assert Report.from_json(json.dumps(report.to_dict())) == report
    path = tmp_path / "fuzzy.json"
    path.write_text(report.to_json())
    comparison = alignbench.compare(path, report)
    assert comparison.row("link.F1")["delta"] == 0.0 and comparison.row("rank.AP")["p"] == 1.0
    assert comparison.to_frame().loc["rank.AP", "b"] == report.metrics["rank.AP"]
    assert json.loads(json.dumps(comparison.to_dict()))["a"]["name"] == "fuzzy"


def test_import_alignbench_stays_light():
    code = (
        "import sys, alignbench\n"
        "assert callable(alignbench.evaluate) and callable(alignbench.compare)\n"
        "print(sorted(m for m in ('numpy', 'pandas', 'pyarrow', 'sklearn', 'scipy', 'datasets') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "[]"
