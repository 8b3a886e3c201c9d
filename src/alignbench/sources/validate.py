"""``alignbench validate``: check the source tree and summarise it on one screen."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from alignbench.records import RELATIONS, Benchmark
from alignbench.sources.corpus import check_sources


def summary(benchmark: Benchmark) -> str:
    """A short human summary: clusters, articles, claims per article, links per relation."""
    clusters = sorted({a.cluster_id for a in benchmark.articles})
    per_article = Counter(c.article_id for c in benchmark.claims)
    per_relation = Counter(link.relation for link in benchmark.alignments)
    pairs = benchmark.article_pairs()
    candidates = sum(per_article[a] * per_article[b] for a, b in pairs)
    lines = [
        f"clusters   {len(clusters)}: {', '.join(clusters)}",
        f"articles   {len(benchmark.articles)}",
        f"claims     {len(benchmark.claims)}: " + ", ".join(f"{a} {per_article[a]}" for a in sorted(per_article)),
        f"pairs      {len(pairs)} article pairs, {candidates} candidate claim pairs",
        f"links      {len(benchmark.alignments)}: " + ", ".join(f"{r} {per_relation[r]}" for r in RELATIONS),
    ]
    return "\n".join(lines)


def run(root: str | Path) -> tuple[int, str, list[str]]:
    """Validate ``root``; return (exit status, summary text, problems)."""
    benchmark, problems = check_sources(root)
    if problems:
        return 1, "", problems
    return 0, summary(benchmark), []
