"""``alignbench validate``: check the source tree and summarise it on one screen."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from alignbench.records import RELATIONS, Benchmark
from alignbench.sources.corpus import check_sources

#: Up to this many names are listed in a summary line; beyond, only the count and the first few.
LISTED = 6


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:LISTED])
    return shown + (f", ... ({len(names) - LISTED} more)" if len(names) > LISTED else "")


def summary(benchmark: Benchmark) -> str:
    """A short human summary per split: clusters, articles, claims, candidate pairs, links per
    relation (and per tag where links carry tags). Lists of names are cut, so it fits one screen."""
    lines = []
    for split in sorted(benchmark.splits(), key=lambda s: (s != "test", s)):
        part = benchmark.split(split)
        clusters = sorted({a.cluster_id for a in part.articles})
        per_article = Counter(c.article_id for c in part.claims)
        per_relation = Counter(link.relation for link in part.alignments)
        per_tag = Counter(tag for link in part.alignments for tag in link.tags)
        pairs = part.article_pairs()
        candidates = sum(per_article[a] * per_article[b] for a, b in pairs)
        synthetic = " (synthetic)" if all(a.synthetic for a in part.articles) else ""
        lines += [
            f"split {split}{synthetic}",
            f"  clusters   {len(clusters)}: {_names(clusters)}",
            f"  articles   {len(part.articles)}",
            f"  claims     {len(part.claims)}: " + _names([f"{a} {per_article[a]}" for a in sorted(per_article)]),
            f"  pairs      {len(pairs)} article pairs, {candidates} candidate claim pairs",
            f"  links      {len(part.alignments)}: " + ", ".join(f"{r} {per_relation[r]}" for r in RELATIONS),
        ]
        if per_tag:
            lines.append("  tags       " + ", ".join(f"{t} {n}" for t, n in sorted(per_tag.items())))
    return "\n".join(lines)


def run(root: str | Path) -> tuple[int, str, list[str]]:
    """Validate ``root``; return (exit status, summary text, problems)."""
    benchmark, problems = check_sources(root)
    if problems:
        return 1, "", problems
    return 0, summary(benchmark), []
