"""The scale benchmark's synthetic source tree (benchmarks/synthetic.py) is a valid, deterministic tree."""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from pathlib import Path

import pytest

from alignbench.sources.corpus import check_sources

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "synthetic.py"
_spec = importlib.util.spec_from_file_location("synthetic", _PATH)
synthetic = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(synthetic)


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_two_clusters_validate_with_every_relation(tmp_path: Path) -> None:
    totals = synthetic.write_tree(tmp_path / "tree", 2, seed=3)
    bench, problems = check_sources(tmp_path / "tree")
    assert problems == []
    assert (len(bench.articles), len(bench.claims), len(bench.alignments)) == (
        totals["articles"],
        totals["claims"],
        totals["links"],
    )
    per_cluster = Counter(a.cluster_id for a in bench.articles)
    assert sorted(per_cluster) == ["syn-0000", "syn-0001"]
    assert all(3 <= n <= 5 for n in per_cluster.values())
    per_article = Counter(c.article_id for c in bench.claims)
    assert all(32 <= n <= 60 for n in per_article.values())
    assert set(Counter(x.relation for x in bench.alignments)) == set(synthetic.RELATION_OF.values()) | {"related"}
    assert all(a.source == "synthetic" and "benchmarks/scale.py" in a.notes for a in bench.articles)


def test_equivalent_claims_carry_the_same_figures_and_contradictions_do_not(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    synthetic.write_tree(root, 3, seed=0)
    bench, _ = check_sources(root)
    text = {c.claim_id: c.text for c in bench.claims}
    figure = re.compile(r"\d+|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday")
    numbers = {cid: sorted(figure.findall(t)) for cid, t in text.items()}
    for link in bench.alignments:
        if link.relation == "equivalent":
            assert numbers[link.claim_a] == numbers[link.claim_b], (text[link.claim_a], text[link.claim_b])
        if link.relation == "contradiction":
            assert numbers[link.claim_a] != numbers[link.claim_b], (text[link.claim_a], text[link.claim_b])


def test_same_seed_same_bytes_and_smaller_tree_is_a_prefix(tmp_path: Path) -> None:
    synthetic.write_tree(tmp_path / "one", 2, seed=5)
    synthetic.write_tree(tmp_path / "two", 2, seed=5)
    synthetic.write_tree(tmp_path / "three", 3, seed=5)
    assert _files(tmp_path / "one") == _files(tmp_path / "two")
    small, big = _files(tmp_path / "one"), _files(tmp_path / "three")
    assert {k: v for k, v in big.items() if "syn-0002" not in k and k != "SYNTHETIC.md"} == {
        k: v for k, v in small.items() if k != "SYNTHETIC.md"
    }


def test_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(SystemExit, match="not an empty folder"):
        synthetic.write_tree(tmp_path, 1)
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]
