"""The facts about the data that README.md and DATASHEET.md quote: counts per split, per tag and per
cluster, and what a perfect system scores on the ranking measures.

Every number those files print about the data is computed here and rendered between markers by
:mod:`alignbench.views.numbers`; ``alignbench eval --baselines --update`` rewrites the blocks and
``tests/test_numbers.py`` fails when one is stale. Nothing here is typed by hand, so a new cluster
changes the numbers by itself.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from alignbench.records import RELATIONS, SURE_RELATIONS, Benchmark
from alignbench.scoring.metrics import MIN_SUPPORT, NONE, too_few_to_test

#: The counts of a split, in the order the tables show them.
COUNT_NAMES: tuple[str, ...] = (
    "event clusters",
    "articles",
    "claims",
    "article pairs",
    "candidate claim pairs",
    "gold links",
    "sure links",
    *RELATIONS,
    "claims with no link",
)


@dataclass(frozen=True)
class ClusterFacts:
    """One cluster's size: articles, claims and gold links (contradictions among them)."""

    cluster_id: str
    articles: int
    claims: int
    links: int
    contradictions: int


@dataclass(frozen=True)
class SplitFacts:
    """The facts of one split that the documentation quotes."""

    split: str
    synthetic: bool
    counts: dict[str, int]
    clusters: tuple[ClusterFacts, ...]
    #: tag -> (gold links carrying it, contradictions among them); empty when links carry no tags
    tags: dict[str, tuple[int, int]]
    #: number of articles in a cluster -> how many clusters have that many
    cluster_sizes: dict[int, int]
    #: rank.R@1, rank.R@3 and rank.MRR of a perfect system (the gold links as predictions)
    perfect_ranking: dict[str, float]
    #: metric -> gold support, for the metrics of a perfect report below MIN_SUPPORT
    too_few: dict[str, int]
    min_support: int = MIN_SUPPORT


def split_counts(bench: Benchmark) -> dict[str, int]:
    """The counts of :data:`COUNT_NAMES` for one split."""
    per_article = Counter(c.article_id for c in bench.claims)
    relations = Counter(x.relation for x in bench.alignments)
    linked = {x.claim_a for x in bench.alignments} | {x.claim_b for x in bench.alignments}
    pairs = bench.article_pairs()
    return {
        "event clusters": len({a.cluster_id for a in bench.articles}),
        "articles": len(bench.articles),
        "claims": len(bench.claims),
        "article pairs": len(pairs),
        "candidate claim pairs": sum(per_article[a] * per_article[b] for a, b in pairs),
        "gold links": len(bench.alignments),
        "sure links": sum(x.relation in SURE_RELATIONS for x in bench.alignments),
        **{r: relations[r] for r in RELATIONS},
        "claims with no link": sum(c.claim_id not in linked for c in bench.claims),
    }


def _clusters(bench: Benchmark) -> tuple[ClusterFacts, ...]:
    cluster_of = {a.article_id: a.cluster_id for a in bench.articles}
    articles = Counter(a.cluster_id for a in bench.articles)
    claims = Counter(cluster_of[c.article_id] for c in bench.claims)
    article_of = {c.claim_id: c.article_id for c in bench.claims}
    links = Counter(cluster_of[article_of[x.claim_a]] for x in bench.alignments)
    contra = Counter(cluster_of[article_of[x.claim_a]] for x in bench.alignments if x.relation == "contradiction")
    return tuple(ClusterFacts(cid, articles[cid], claims[cid], links[cid], contra[cid]) for cid in sorted(articles))


def _tags(bench: Benchmark) -> dict[str, tuple[int, int]]:
    links: Counter[str] = Counter()
    contra: Counter[str] = Counter()
    for x in bench.alignments:
        links.update(x.tags)
        if x.relation == "contradiction":
            contra.update(x.tags)
    return {tag: (links[tag], contra[tag]) for tag in sorted(links)}


def _perfect(bench: Benchmark) -> tuple[dict[str, float], dict[str, int]]:
    """A perfect system's ranking measures and the metrics with too few gold items to test."""
    from alignbench.scoring.evaluate import evaluate
    from alignbench.scoring.predictions import PredictionArrays
    from alignbench.scoring.space import CandidateSpace

    space = CandidateSpace(bench)
    linked = np.flatnonzero(space.gold != NONE)
    gold = PredictionArrays(linked, np.ones(linked.size), space.gold[linked].astype(np.int8))
    report = evaluate(bench, gold, system={"name": "gold"}, space=space, resamples=0)
    ranking = {name: report.metrics[name] for name in ("rank.R@1", "rank.R@3", "rank.MRR")}
    few = too_few_to_test(list(report.metrics), report.supports)
    from alignbench.scoring.metrics import gold_support

    return ranking, {name: int(gold_support(name, report.supports) or 0) for name in few}


def split_facts(bench: Benchmark, split: str) -> SplitFacts:
    """Every fact of one split (``bench`` holds that split only)."""
    ranking, few = _perfect(bench) if bench.alignments else ({}, {})
    return SplitFacts(
        split=split,
        synthetic=bool(bench.articles) and all(a.synthetic for a in bench.articles),
        counts=split_counts(bench),
        clusters=_clusters(bench),
        tags=_tags(bench),
        cluster_sizes=dict(sorted(Counter(Counter(a.cluster_id for a in bench.articles).values()).items())),
        perfect_ranking=ranking,
        too_few=few,
    )


def dataset_facts(data_dir: str | Path | None = None) -> dict[str, SplitFacts]:
    """The facts of every split of a built dataset folder (default: the bundled one), ``test`` first."""
    from alignbench.dataset.load import available_splits, load_benchmark

    return {
        split: split_facts(load_benchmark(split=split, data_dir=data_dir), split)
        for split in available_splits(data_dir)
    }
