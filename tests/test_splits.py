"""Splits: a synthetic cluster goes to the ``diagnostic`` split, built, loaded and scored apart
from ``test``; the validator keeps synthetic text out of ``test``."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOT

import alignbench
from alignbench.cli import main
from alignbench.records import DataError
from alignbench.sources.corpus import check_sources, load_sources

CLUSTER = "diag-900-test-ferry"
#: The real clusters of the tree, which adding a synthetic cluster must leave as they are.
REAL = load_sources(ROOT).split("test")
REAL_LINKS = len(REAL.alignments)
REAL_CANDIDATES = sum(len(REAL.claims_of(a)) * len(REAL.claims_of(b)) for a, b in REAL.article_pairs())
# Invented text about a fictional event, written for this test.
TEXT_A = "Ferry halted at Port Callow\nThe ferry Merrow stopped 12 kilometres from Port Callow on Tuesday.\n"
TEXT_B = "Callow ferry stops\nThe Merrow stopped 20 kilometres out of Port Callow.\n"


def _article(aid: str, text: str, **extra) -> dict:
    return {
        "article_id": aid,
        "cluster_id": CLUSTER,
        "source": "The Tarrow Ledger (synthetic)",
        "credit": None,
        "aggregator": None,
        "title": text.splitlines()[0],
        "published": None,
        "published_basis": "Synthetic: a fictional report; it has no publication date.",
        "language": "en",
        "url": None,
        "license": "CC-BY-4.0: written by the alignbench project (synthetic, fictional event)",
        "seed": None,
        "sha256": hashlib.sha256(text.encode()).hexdigest(),
        "kept_ranges": [[0, len(text)]],
        "notes": "Test fixture.",
        **extra,
    }


def _claim(cid: str, aid: str, text: str, span: str) -> dict:
    start = text.index(span)
    return {
        "claim_id": cid,
        "article_id": aid,
        "start": start,
        "end": start + len(span),
        "text": span,
        "statement": None,
    }


def add_synthetic_cluster(root: Path, synthetic: object = True, split: object = "diagnostic") -> None:
    """Write a two-article synthetic cluster (one contradiction) into a source tree, in place of the
    project's own diagnostic clusters (so that the split holds only this one)."""
    for folder in [*root.glob("corpus/diag-*"), *root.glob("annotations/diag-*")]:
        shutil.rmtree(folder)
    corpus, notes = root / "corpus" / CLUSTER, root / "annotations" / CLUSTER
    corpus.mkdir(parents=True)
    notes.mkdir(parents=True)
    extra = {"synthetic": synthetic, "split": split}
    rows = [_article("diag-900-a", TEXT_A, **extra), _article("diag-900-b", TEXT_B, **extra)]
    (corpus / "articles.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (corpus / "diag-900-a.txt").write_text(TEXT_A)
    (corpus / "diag-900-b.txt").write_text(TEXT_B)
    claims = [
        _claim("diag-900-a-001", "diag-900-a", TEXT_A, "The ferry Merrow stopped 12 kilometres from Port Callow"),
        _claim("diag-900-a-002", "diag-900-a", TEXT_A, "on Tuesday"),
        _claim("diag-900-b-001", "diag-900-b", TEXT_B, "The Merrow stopped 20 kilometres out of Port Callow"),
    ]
    (notes / "claims.jsonl").write_text("".join(json.dumps(c) + "\n" for c in claims))
    link = {
        "claim_a": "diag-900-a-001",
        "claim_b": "diag-900-b-001",
        "relation": "contradiction",
        "rationale": "12 vs 20 kilometres, both exact (G4.1).",
        "annotator": "test",
        "tags": ["range-disjoint", "unit-spelling"],
    }
    (notes / "alignments.jsonl").write_text(json.dumps(link) + "\n")


def test_synthetic_cluster_is_read_into_its_split(sources):
    add_synthetic_cluster(sources)
    bench = load_sources(sources)
    assert bench.splits() == ["diagnostic", "test"]
    diag = bench.split("diagnostic")
    assert [a.article_id for a in diag.articles] == ["diag-900-a", "diag-900-b"]
    assert all(a.synthetic for a in diag.articles)
    assert [c.claim_id for c in diag.claims] == ["diag-900-a-001", "diag-900-a-002", "diag-900-b-001"]
    assert [(x.relation, x.tags) for x in diag.alignments] == [("contradiction", ("range-disjoint", "unit-spelling"))]
    test = bench.split("test")
    assert not any(a.synthetic for a in test.articles) and len(test.alignments) == REAL_LINKS


@pytest.mark.parametrize(
    ("synthetic", "split", "message"),
    [
        (
            True,
            "test",
            "a synthetic article (fictional text, e.g. written for a demo or a test) belongs to the 'diagnostic' "
            "split, not 'test': real splits hold published articles only",
        ),
        (False, "diagnostic", "the 'diagnostic' split holds synthetic articles only: set \"synthetic\": true"),
        (True, "Diag nostic", "malformed split 'Diag nostic'"),
        ("yes", "diagnostic", "field 'synthetic' must be bool, got \"yes\""),
    ],
)
def test_validator_keeps_synthetic_text_out_of_test(sources, synthetic, split, message):
    add_synthetic_cluster(sources, synthetic, split)
    _, problems = check_sources(sources)
    assert len(problems) == 2  # each of the two articles, and nothing else (no cascade to claims or links)
    for line, problem in enumerate(problems, start=1):
        assert problem.startswith(f"corpus/{CLUSTER}/articles.jsonl:{line}: ") and message in problem


def test_one_cluster_one_split(sources):
    add_synthetic_cluster(sources)
    path = sources / "corpus" / CLUSTER / "articles.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    rows[1]["split"], rows[1]["synthetic"], rows[1]["source"] = "extra", False, "The Tarrow Ledger"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    _, problems = check_sources(sources)
    assert problems == [
        f"corpus/{CLUSTER}/articles.jsonl:2: split 'extra' differs from 'diagnostic' (line 1): "
        "the articles of one cluster belong to one split"
    ]


def test_build_writes_each_split_apart_and_loaders_read_them(sources, tmp_path, monkeypatch):
    from datasets import load_dataset

    from alignbench.dataset.build import build

    add_synthetic_cluster(sources)
    build(sources)
    data = sources / "data"
    assert sorted(p.name.split("-")[0] for p in (data / "pairs").iterdir()) == ["diagnostic", "test"]
    assert alignbench.load("pairs", split="diagnostic", data_dir=data).num_rows == 2 * 1
    assert alignbench.load("pairs", split="test", data_dir=data).num_rows == REAL_CANDIDATES
    diag = alignbench.load_benchmark(split="diagnostic", data_dir=data)
    assert [a.synthetic for a in diag.articles] == [True, True] and {a.split for a in diag.articles} == {"diagnostic"}
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    rows = load_dataset(str(data), "pairs", split="diagnostic")
    assert rows.num_rows == 2 and rows.features["label"].int2str(rows["label"]) == ["contradiction", "none"]
    assert rows["tags"] == [["range-disjoint", "unit-spelling"], []]
    links = load_dataset(str(data), "alignments", split="diagnostic")
    assert links["tags"] == [["range-disjoint", "unit-spelling"]]
    assert load_dataset(str(data), "pairs", split="test")["tags"][:2] == [[], []]  # untagged real links
    assert alignbench.load_benchmark(split="diagnostic", data_dir=data).alignments[0].tags == (
        "range-disjoint",
        "unit-spelling",
    )
    card = (data / "README.md").read_text()
    assert "Split `diagnostic`: **synthetic**" in card and "rows (test) | rows (diagnostic)" in card
    with pytest.raises(DataError, match=r"no split 'train' \(this dataset has: test, diagnostic\)"):
        alignbench.load("pairs", split="train", data_dir=data)


def test_eval_scores_one_split_and_records_it(sources, tmp_path, capsys):
    from alignbench.dataset.build import build

    add_synthetic_cluster(sources)
    build(sources)
    data = str(sources / "data")
    out = tmp_path / "r.json"
    args = ["eval", "--aligner", "all-pairs", "--data", data, "--resamples", "0", "--format", "json"]
    assert main([*args, "--split", "diagnostic", "-o", str(out)]) == 0
    report = json.loads(out.read_text())
    assert report["dataset"]["split"] == "diagnostic"
    assert report["supports"]["candidates"] == 2
    # all-pairs links both candidates, one of them the gold contradiction: link precision 1/2
    assert report["metrics"]["link.P"] == 0.5 and report["metrics"]["link.R"] == 1.0
    assert main([*args, "--split", "dev"]) == 1
    assert capsys.readouterr().err.strip().endswith("no split 'dev' (this dataset has: test, diagnostic)")
