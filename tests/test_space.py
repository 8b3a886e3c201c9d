"""The candidate space: pair lookup, and memory that grows with the candidates (issue 18 item 9)."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from fixture import make_article, tiny_benchmark

from alignbench.records import Benchmark, Claim, DataError
from alignbench.scoring.space import CandidateSpace


def two_article_clusters(clusters: int) -> Benchmark:
    """``clusters`` clusters of two articles with two claims each, as an iSTS import is shaped."""
    articles, claims = [], []
    for c in range(clusters):
        for side in (1, 2):
            aid = f"p{c:06d}-s{side}"
            articles.append(make_article(aid, f"p{c:06d}"))
            claims += [Claim(f"{aid}-c{k}", aid, 0, 1, "x", "x", None) for k in (1, 2)]
    return Benchmark(tuple(articles), tuple(claims), ())


def peak_bytes(bench: Benchmark) -> int:
    """Peak of the memory traced (Python objects and NumPy buffers) while building the space."""
    bench.article_pairs()  # the benchmark's own cached indexes are not the space's
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        space = CandidateSpace(bench)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert space.size == 4 * len(bench.articles) // 2
    return peak


def test_memory_grows_linearly_with_the_candidates():
    # 3,000 and 6,000 articles: a dense articles x articles int64 table would be 72 MB and 288 MB,
    # four times more for twice the articles; everything else here is a few hundred bytes per claim.
    small, large = two_article_clusters(1500), two_article_clusters(3000)
    peak_small, peak_large = peak_bytes(small), peak_bytes(large)
    assert peak_large / peak_small < 2.5
    units = len(large.articles) + len(large.claims) + 4 * 3000  # articles, claims, candidates
    assert peak_large < 1024 * units


def test_pair_lookup_finds_pairs_and_only_pairs():
    space = CandidateSpace(tiny_benchmark(second_cluster=True))  # x, y (c1); z, zz (c2)
    art = {a: i for i, a in enumerate(space.article_ids)}
    assert space.article_ids == ["x", "y", "z", "zz"] and space.pairs == [(0, 1), (2, 3)]
    a = np.array([art["x"], art["z"], art["y"], art["x"], art["x"], art["zz"]])
    b = np.array([art["y"], art["zz"], art["x"], art["x"], art["z"], art["zz"]])
    assert space.pair_of(a, b).tolist() == [0, 1, -1, -1, -1, -1]
    assert int(space.pair_of(art["z"], art["zz"])) == 1
    ci = space.claim_index
    index = space.index(np.array([ci["x-2"], ci["z-1"]]), np.array([ci["y-3"], ci["zz-1"]]))
    assert index.tolist() == [1 * 4 + 2, 12]  # row-major in pair 0 (3 x 4 claims); pair 1 starts at 12
    with pytest.raises(DataError, match="outside the candidate space"):
        space.index(np.array([ci["x-1"]]), np.array([ci["z-1"]]))


def test_a_space_without_pairs_finds_none():
    space = CandidateSpace(Benchmark((make_article("x"),), (Claim("x-1", "x", 0, 1, "x", "x", None),), ()))
    assert (space.size, space.pairs) == (0, [])
    assert space.pair_of(np.array([0]), np.array([0])).tolist() == [-1]


def test_the_import_benchmark_writes_a_release_that_imports_as_counted(tmp_path, capsys):
    # benchmarks/import_scale.py measures the 45,360-article import: its generator must give a sound
    # release, and the counts it reports must be those of the imported split
    import importlib.util

    from conftest import ROOT

    from alignbench.cli import main
    from alignbench.dataset.load import load_benchmark

    spec = importlib.util.spec_from_file_location("import_scale", ROOT / "benchmarks" / "import_scale.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    counts = module.write_release(tmp_path / "src", 30)
    assert main(["import", "ists2016", str(tmp_path / "src"), "-o", str(tmp_path / "out")]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if "warning" in line]
    assert all("pairs, the release documents" in line for line in warnings)  # only the sizes differ
    bench = load_benchmark(split="test", data_dir=tmp_path / "out" / "headlines")
    space = CandidateSpace(bench)
    assert (len(bench.articles), len(bench.claims), space.size) == (
        counts["articles"],
        counts["claims"],
        counts["candidate_pairs"],
    )
    assert len(space.pairs) == 30 and len(bench.alignments) > 30
