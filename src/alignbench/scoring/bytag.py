"""Scores by phenomenon tag: how a system does on the gold links that test each hard case.

Every gold link of the diagnostic split carries one or more phenomenon tags
(:data:`alignbench.sources.tags.PHENOMENON_TAGS`). For a tag ``t``, let ``G_t`` be the gold links
carrying ``t`` and ``S_t`` those of them that are sure (not ``related``). Each per-tag measure is
the report's measure of the same name computed on the confusion matrix of the candidates in
``G_t`` only (a link with two tags counts under both):

- ``link.R``: ``|D ∩ S_t| / |S_t|``, the tagged sure links that were decided (any label);
- ``labeled.R``: the tagged gold links decided with their gold relation, over ``|G_t|``;
- ``relation.R@contradiction``: the tagged gold contradictions labelled contradiction;
- ``relation.P@contradiction``: of the tagged gold links that the system labelled contradiction,
  the share that are gold contradictions (a conditional precision: how often, on links that test
  the phenomenon, a predicted contradiction is right);
- ``relation.F1@contradiction``: ``2PR/(P+R)`` of those two.

A measure whose denominator is empty for a tag (no sure links, no gold contradictions, no
predicted contradictions among the tagged links; F1: no gold contradictions) is left out for that
tag rather than reported as 0.

Tags live on gold links, so a predicted contradiction on an unlinked look-alike pair cannot be
attributed to a phenomenon: such false positives lower the report's overall
``relation.P@contradiction`` but no per-tag precision. Precision-type measures of linking
(``link.P``) are not given per tag: on gold links only they would be 1 by construction.

Confidence intervals resample the split's clusters (mini-clusters), with the same seed and number
of resamples as the report's own bootstrap; the links of one cluster were written together and
are not independent, so the cluster is the unit.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from alignbench.records import LABELS, Benchmark
from alignbench.scoring.bootstrap import bootstrap
from alignbench.scoring.metrics import N_LABELS, N_SURE, Metric, confusion, pair_metrics
from alignbench.scoring.space import CandidateSpace

#: The per-tag measures, in the order the reports show them, and the support each rests on.
TAG_METRICS: dict[str, str] = {
    "link.R": "sure_links",
    "labeled.R": "gold_links",
    "relation.P@contradiction": "predicted_contradictions",
    "relation.R@contradiction": "contradictions",
    "relation.F1@contradiction": "contradictions",
}
#: Short column titles of the per-tag measures.
TAG_METRIC_TITLES = {
    "link.R": "Link R",
    "labeled.R": "Labeled R",
    "relation.P@contradiction": "Contra P",
    "relation.R@contradiction": "Contra R",
    "relation.F1@contradiction": "Contra F1",
}
#: The supports recorded for every tag.
TAG_SUPPORTS = ("clusters", "gold_links", "sure_links", "contradictions", "predicted_contradictions")


def split_tags(bench: Benchmark) -> list[str]:
    """The phenomenon tags carried by the gold links of ``bench``, sorted (empty: no breakdown)."""
    return sorted({t for x in bench.alignments for t in x.tags})


def _tag_metrics(conf: np.ndarray, undefined: float) -> dict[str, np.ndarray]:
    """The per-tag measures from confusion matrices (..., 6, 6) of tagged gold links."""
    values = pair_metrics(conf, [], undefined)
    return {name: values[_parse(name)] for name in TAG_METRICS}


def _parse(name: str) -> Metric:
    family, rest = name.split(".", 1)
    measure, _, param = rest.partition("@")
    return Metric(family, measure, param or None)


def by_tag(
    bench: Benchmark, space: CandidateSpace, label: np.ndarray, resamples: int, seed: int, level: float = 0.95
) -> dict[str, Any]:
    """The per-tag breakdown of a report (see the module docstring): units, supports, values, CIs.

    ``label`` is the predicted label of every candidate of ``space``.
    """
    tags = split_tags(bench)
    tag_index = {t: i for i, t in enumerate(tags)}
    clusters = sorted(set(space.article_cluster))
    cluster_index = {c: i for i, c in enumerate(clusters)}
    article_unit = np.array([cluster_index[c] for c in space.article_cluster], dtype=np.int64)

    # one entry per (gold link, tag of that link): the records are read once, the rest is numpy
    link_a, link_b, link_tag = [], [], []
    for x in bench.alignments:
        for t in x.tags:
            link_a.append(space.claim_index[x.claim_a])
            link_b.append(space.claim_index[x.claim_b])
            link_tag.append(tag_index[t])
    a = np.array(link_a, dtype=np.int64)
    cand = space.index(a, np.array(link_b, dtype=np.int64))
    group = article_unit[space.claim_article[a]] * len(tags) + np.array(link_tag, dtype=np.int64)
    n_units, n_tags = len(clusters), len(tags)
    unit_conf = confusion(space.gold[cand], label[cand], group, n_units * n_tags)  # (units*tags, 6, 6)
    unit_conf = unit_conf.reshape(n_units, n_tags, N_LABELS, N_LABELS)
    conf = unit_conf.sum(axis=0)
    point = _tag_metrics(conf, np.nan)  # undefined (a zero denominator): left out of the report

    contra = LABELS.index("contradiction")
    per_unit_links = unit_conf.sum(axis=(2, 3))
    supports = {
        "clusters": (per_unit_links > 0).sum(axis=0),
        "gold_links": conf.sum(axis=(1, 2)),
        "sure_links": conf[:, :N_SURE, :].sum(axis=(1, 2)),
        "contradictions": conf[:, contra, :].sum(axis=1),
        "predicted_contradictions": conf[:, :, contra].sum(axis=1),
    }
    # contradiction F1 is defined with gold contradictions (a missing precision side counts 0)
    defined = {name: ~np.isnan(v) for name, v in point.items()}
    defined["relation.F1@contradiction"] = supports["contradictions"] > 0
    ci: dict[tuple[int, str], list[float]] = {}
    if resamples > 0 and n_units > 0:
        flat = unit_conf.reshape(n_units, -1).astype(np.float64)

        def statistic(weights: np.ndarray) -> dict[tuple[int, str], np.ndarray]:
            values = _tag_metrics((weights @ flat).reshape(-1, n_tags, N_LABELS, N_LABELS), np.nan)
            return {(i, name): v[:, i] for name, v in values.items() for i in range(n_tags)}

        for key, summary in bootstrap(statistic, n_units, resamples, seed, level=level).items():
            if summary.interval is not None:
                ci[key] = list(summary.interval)

    return {
        "unit": "cluster",
        "n_units": n_units,
        "resamples": resamples,
        "seed": seed,
        "level": level,
        "units": clusters,
        "tags": {
            tag: {
                "supports": {name: int(supports[name][i]) for name in TAG_SUPPORTS},
                "metrics": {name: float(point[name][i]) for name in TAG_METRICS if defined[name][i]},
                "ci": {name: ci[(i, name)] for name in TAG_METRICS if defined[name][i] and (i, name) in ci},
            }
            for i, tag in enumerate(tags)
        },
    }
