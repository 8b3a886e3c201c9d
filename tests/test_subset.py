"""``--cluster ID[,ID...]``: scoring a subset of the clusters of a split (eval, run, explain, compare),
on a split of two clusters (the seed cluster and the fixture of tests/data/added-cluster)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cluster_fixture import ADDED_CLUSTER, add_cluster
from conftest import CLUSTER

from alignbench.cli import main
from alignbench.dataset.load import load_benchmark
from alignbench.records import DataError
from alignbench.scoring.compare import compare
from alignbench.scoring.report import Report
from alignbench.scoring.subset import cluster_ids, restrict_report, select_clusters


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    """A dataset folder built from the sources plus the fixture cluster: two clusters in ``test``."""
    import shutil

    from conftest import ROOT

    from alignbench.dataset.build import build

    root = tmp_path_factory.mktemp("two-clusters")
    for name in ("seeds", "corpus", "annotations"):
        shutil.copytree(ROOT / name, root / name)
    add_cluster(root)
    build(root)
    return root / "data"


def _report(args: list[str], capsys) -> Report:
    assert main([*args, "--format", "json", "--resamples", "200"]) == 0, capsys.readouterr().err
    return Report.from_json(capsys.readouterr().out)


def test_select_clusters_keeps_their_articles_claims_and_links(data):
    bench = load_benchmark(data_dir=data)
    assert {CLUSTER, ADDED_CLUSTER} <= set(cluster_ids(bench))
    sub = select_clusters(bench, [ADDED_CLUSTER])
    assert {a.cluster_id for a in sub.articles} == {ADDED_CLUSTER}
    assert {c.article_id for c in sub.claims} == {"vellmar-a", "vellmar-b"}
    assert len(sub.alignments) == sum(x.claim_a.startswith("vellmar-") for x in bench.alignments) > 0
    assert select_clusters(bench, cluster_ids(bench)) == bench
    with pytest.raises(
        DataError, match=r"^unknown cluster 'vellmar' of split 'test' \(did you mean 'vellmar-ferry-strike'\?\)$"
    ):
        select_clusters(bench, ["vellmar"], split="test")
    with pytest.raises(
        DataError, match=r"cluster 'diag-001-x' is in split 'diagnostic', not 'test' \(add --split diagnostic\)"
    ):
        select_clusters(bench, ["diag-001-x"], split="test", elsewhere={"diag-001-x": "diagnostic"})


def test_eval_on_a_subset_scores_the_whole_split_run_on_that_cluster(data, tmp_path, capsys):
    """eval --aligner --cluster = run on the whole split, then eval --predictions --cluster: the
    aligner is fitted on the whole split either way, only the scoring is restricted."""
    preds = tmp_path / "p.jsonl"
    assert main(["run", "tfidf", "--data", str(data), "-o", str(preds)]) == 0
    direct = _report(["eval", "--aligner", "tfidf", "--data", str(data), "--cluster", ADDED_CLUSTER], capsys)
    from_file = _report(["eval", "--predictions", str(preds), "--data", str(data), "--cluster", ADDED_CLUSTER], capsys)
    assert direct.metrics == from_file.metrics and direct.ci == from_file.ci
    assert direct.dataset["clusters"] == from_file.dataset["clusters"] == [ADDED_CLUSTER]
    sub = select_clusters(load_benchmark(data_dir=data), [ADDED_CLUSTER])
    sizes = [len(sub.claims_of(a.article_id)) for a in sub.articles]
    assert direct.supports["candidates"] == sizes[0] * sizes[1]
    assert direct.supports["gold_links"] == len(sub.alignments)
    whole = _report(["eval", "--aligner", "tfidf", "--data", str(data)], capsys)
    assert "clusters" not in whole.dataset and whole.supports["candidates"] > direct.supports["candidates"]
    # run --cluster writes the subset's rows of the whole-split run, and nothing else
    subset_preds = tmp_path / "q.jsonl"
    assert main(["run", "tfidf", "--data", str(data), "--cluster", ADDED_CLUSTER, "-o", str(subset_preds)]) == 0
    rows = [json.loads(line) for line in preds.read_text().splitlines()]
    mine = [r for r in rows if r["claim_a"].startswith("vellmar-")]
    assert [json.loads(line) for line in subset_preds.read_text().splitlines()] == mine


def test_reports_and_leaderboards_say_they_are_on_a_subset(data, capsys):
    assert main(["eval", "--aligner", "tfidf", "--data", str(data), "--cluster", CLUSTER, "--resamples", "0"]) == 0
    out = capsys.readouterr().out
    assert f"cluster {CLUSTER} of split test (a subset)" in out.splitlines()[0]
    board = ["eval", "--baselines", "--data", str(data), "--resamples", "0", "--cluster"]
    assert main([*board, f" {ADDED_CLUSTER} "]) == 0
    assert f"cluster {ADDED_CLUSTER} of split test (a subset), " in capsys.readouterr().out
    every = ",".join(reversed(cluster_ids(load_benchmark(data_dir=data))))
    assert main([*board, every]) == 0  # every cluster: the whole split, not a subset
    assert "(a subset)" not in capsys.readouterr().out
    assert (
        main(
            [
                "eval",
                "--aligner",
                "tfidf",
                "--data",
                str(data),
                "--cluster",
                CLUSTER,
                "--format",
                "latex",
                "--resamples",
                "0",
            ]
        )
        == 0
    )
    assert "of split test (a subset)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("flag", "status", "message"),
    [
        (
            "vellmar",
            1,
            "alignbench eval: --cluster: unknown cluster 'vellmar' of split 'test' (did you mean 'vellmar-ferry-strike'?)",
        ),
        ("diag-001-merrow-queen-fire", 1, "cluster 'diag-001-merrow-queen-fire' is in split 'diagnostic', not 'test'"),
        ("a,,b", 2, "alignbench eval: error: --cluster: expected ID[,ID...], got 'a,,b'"),
    ],
)
def test_a_bad_cluster_is_one_line(data, capsys, flag, status, message):
    assert main(["eval", "--aligner", "tfidf", "--data", str(data), "--cluster", flag]) == status
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and message in err and "Traceback" not in err


def test_update_takes_no_cluster(capsys):
    assert main(["eval", "--baselines", "--update", "--cluster", CLUSTER]) == 2
    assert "--update rewrites the committed results: it takes no" in capsys.readouterr().err


def test_compare_on_a_subset_equals_comparing_subset_reports(data, tmp_path, capsys):
    """Two whole-split reports cut to one cluster give the comparison of the two reports made on it
    (same resampling units, same seed: the same resamples)."""
    whole, sub = {}, {}
    for name in ("tfidf", "fuzzy"):
        whole[name] = _report(["eval", "--aligner", name, "--data", str(data)], capsys)
        sub[name] = _report(["eval", "--aligner", name, "--data", str(data), "--cluster", ADDED_CLUSTER], capsys)
    bench = load_benchmark(data_dir=data)
    cut = [restrict_report(whole[n], bench, [ADDED_CLUSTER]) for n in ("tfidf", "fuzzy")]
    assert cut[0].units == sub["tfidf"].units
    assert [c.ranking for c in cut] == [sub["tfidf"].ranking, sub["fuzzy"].ranking]  # the cut ranking profile
    got, want = compare(*cut), compare(sub["tfidf"], sub["fuzzy"])
    assert [r["metric"] for r in got.rows] == [r["metric"] for r in want.rows]
    for row, expected in zip(got.rows, want.rows, strict=True):
        # rank.AP of a cut profile is summed in another order than the report's own AP: equal to 1e-12
        assert row == {k: pytest.approx(v, abs=1e-12) if isinstance(v, float) else v for k, v in expected.items()}
    paths = []
    for name in ("tfidf", "fuzzy"):
        paths.append(tmp_path / f"{name}.json")
        paths[-1].write_text(whole[name].to_json())
    assert main(["compare", *map(str, paths), "--cluster", ADDED_CLUSTER, "--data", str(data)]) == 0
    out = capsys.readouterr().out
    assert f"cluster {ADDED_CLUSTER} of split test (a subset)" in out.splitlines()[0]
    assert main(["compare", *map(str, paths)]) == 0  # the whole split
    assert "(a subset)" not in capsys.readouterr().out
    paths.append(tmp_path / "sub.json")
    paths[-1].write_text(sub["fuzzy"].to_json())
    assert main(["compare", str(paths[0]), str(paths[2])]) == 1  # whole split vs subset: refused
    assert "the reports are on different clusters" in capsys.readouterr().err
    other = tmp_path / "other.json"  # a report of other data (another source hash)
    other.write_text(whole["tfidf"].to_json().replace(whole["tfidf"].dataset["source_sha256"], "0" * 64))
    assert main(["compare", str(other), str(paths[1]), "--cluster", ADDED_CLUSTER, "--data", str(data)]) == 1
    assert f"{other}: the report was made on other data than {data} (source hash differs)" in capsys.readouterr().err


def test_explain_shows_only_the_subset(data, tmp_path, capsys):
    pytest.importorskip("jinja2")
    page = tmp_path / "p.html"
    args = ["explain", "--aligner", "tfidf", "--data", str(data), "--cluster", ADDED_CLUSTER, "--resamples", "0"]
    assert main([*args, "-o", str(page)]) == 0
    html = page.read_text(encoding="utf-8")
    assert "vellmar-a-001" in html and "wonsan-a-001" not in html
