"""Score predictions against the gold of a benchmark split and produce a :class:`Report`."""

from __future__ import annotations

from typing import Any

import numpy as np

from alignbench._version import __version__
from alignbench.environment import environment as current_environment
from alignbench.records import RELATIONS, Benchmark
from alignbench.scoring.bootstrap import bootstrap, bootstrap_pair_metrics
from alignbench.scoring.metrics import (
    AP,
    METRIC_VERSION,
    MIN_SUPPORT,
    N_SURE,
    NONE,
    RECALL_CUTOFFS,
    RELATED,
    Metric,
    confusion,
    metric_names,
    pair_metrics,
    set_scores,
    too_few_to_test,
)
from alignbench.scoring.predictions import PredictionArrays
from alignbench.scoring.ranking import ResampledAP, average_precision, profile_to_json, query_ranks, ranking_profile
from alignbench.scoring.report import Report
from alignbench.scoring.space import CandidateSpace

#: Below this many article pairs the bootstrap resamples source claims instead of article pairs.
MIN_PAIRS_FOR_PAIR_BOOTSTRAP = 30

__all__ = ["MIN_PAIRS_FOR_PAIR_BOOTSTRAP", "evaluate", "metric_names"]  # metric_names: moved to metrics


def _point_metrics(
    space: CandidateSpace, score: np.ndarray, label: np.ndarray, pairs: list[int]
) -> tuple[dict[str, float], dict[str, int]]:
    """Every metric on the candidates of the given article pairs (which are contiguous blocks)."""
    sl = slice(int(space.offsets[pairs[0]]), int(space.offsets[pairs[-1] + 1]))
    gold, lab, sc = space.gold[sl], label[sl], score[sl]
    conf = confusion(gold, lab)
    values = {str(m): float(v) for m, v in pair_metrics(conf).items()}
    positive, ignore = gold < N_SURE, gold == RELATED
    values[str(AP)] = average_precision(sc, positive, ignore)

    rrs, recalls = [], []
    for k in pairs:
        a, b = space.pairs[k]
        shape = (int(space.article_size[a]), int(space.article_size[b]))
        block = slice(int(space.offsets[k]) - sl.start, int(space.offsets[k + 1]) - sl.start)
        s, p, i = (x[block].reshape(shape) for x in (sc, positive, ignore))
        for s_, p_, i_ in ((s, p, i), (s.T, p.T, i.T)):
            rr, rec = query_ranks(s_, p_, i_, RECALL_CUTOFFS)
            rrs.append(rr)
            recalls.append(rec)
    rr, rec = np.concatenate(rrs), np.concatenate(recalls)
    values["rank.MRR"] = float(rr.mean()) if rr.size else 0.0
    for j, k in enumerate(RECALL_CUTOFFS):
        values[f"rank.R@{k}"] = float(rec[:, j].mean()) if rr.size else 0.0

    in_space = np.zeros(len(space.claim_ids), dtype=bool)
    pred_linked, gold_linked = in_space.copy(), in_space.copy()
    ca, cb = space.cand_a[sl], space.cand_b[sl]
    in_space[ca] = in_space[cb] = True
    decided, linked = lab != NONE, gold != NONE
    pred_linked[ca[decided]] = pred_linked[cb[decided]] = True
    gold_linked[ca[linked]] = gold_linked[cb[linked]] = True
    p, r, f = set_scores(in_space & ~pred_linked, in_space & ~gold_linked)
    values.update({"unique.P": p, "unique.R": r, "unique.F1": f})

    supports = {
        "article_pairs": len(pairs),
        "claims": int(in_space.sum()),
        "candidates": int(gold.size),
        "gold_links": int(linked.sum()),
        "sure_links": int(positive.sum()),
        "possible_links": int(ignore.sum()),
        **{f"gold.{rel}": int(np.sum(gold == i)) for i, rel in enumerate(RELATIONS)},
        "decided_links": int(decided.sum()),
        "scored_candidates": int(np.sum(np.isfinite(sc))),
        "query_claims": int(rr.size),
        "gold_unique_claims": int(np.sum(in_space & ~gold_linked)),
    }
    return values, supports


def _add_ists(
    bench: Benchmark,
    space: CandidateSpace,
    label: np.ndarray,
    values: dict[str, float],
    supports: dict[str, int],
    ci: dict[str, list[float]],
    resamples: int,
    seed: int,
) -> None:
    """Add the iSTS measure (``ists.F1Ali``, ``ists.F1Type``) with CIs over sentence pairs.

    The resamples are drawn with the same seed over the sentence pairs; an iSTS pair is one
    article pair, so from 30 pairs on they are the very resamples of the other metrics.
    """
    from alignbench.scoring.ists import decided_sums, resampled_f1

    decided = np.flatnonzero(label != NONE)
    sums = decided_sums(bench, space.claim_ids, space.cand_a[decided], space.cand_b[decided], label[decided])
    point = sums.score()
    values["ists.F1Ali"], values["ists.F1Type"] = point.f1, point.type_f1
    supports["ists.sentence_pairs"] = len(sums.pairs)
    if resamples > 0 and sums.pairs:

        def statistic(weights: np.ndarray) -> dict[str, np.ndarray]:
            f1, typed = resampled_f1(sums, weights)
            return {"ists.F1Ali": f1, "ists.F1Type": typed}

        for name, summary in bootstrap(statistic, len(sums.pairs), resamples, seed).items():
            if summary.interval is not None:
                ci[name] = list(summary.interval)


def evaluate(
    bench: Benchmark,
    predictions: PredictionArrays,
    *,
    system: dict[str, Any],
    threshold: dict[str, Any] | None = None,
    dataset: dict[str, Any] | None = None,
    split: str = "test",
    resamples: int = 1000,
    seed: int = 0,
    per_pair: bool = False,
    space: CandidateSpace | None = None,
    by_tag: bool = False,
    environment: dict[str, Any] | None = None,
) -> Report:
    """Score ``predictions`` on ``bench``. Inputs are never modified; nothing is rounded.

    ``system`` is ``{"name": ..., "params": {...}}``; ``threshold`` is ``{"value": ..., "origin":
    ...}`` (how decisions were made); ``dataset`` carries version and source hash, and
    ``source_format: ists2016`` for an iSTS import, whose reports add the task's own measure.
    ``by_tag`` adds the breakdown by phenomenon tag (:mod:`alignbench.scoring.bytag`), with CIs
    over clusters drawn with the same ``resamples`` and ``seed``. ``environment`` is recorded as the
    report's provenance (default: :func:`alignbench.environment.environment` of the scoring stack).
    """
    space = space if space is not None else CandidateSpace(bench)
    score = np.full(space.size, -np.inf)
    label = np.full(space.size, NONE, dtype=np.int8)
    score[predictions.index] = predictions.score
    label[predictions.index] = predictions.label
    all_pairs = list(range(len(space.pairs)))
    values, supports = _point_metrics(space, score, label, all_pairs) if all_pairs else ({}, {})

    if len(space.pairs) >= MIN_PAIRS_FOR_PAIR_BOOTSTRAP:
        unit_kind, cand_unit, unit_names = "article_pair", space.cand_pair, [space.pair_name(k) for k in all_pairs]
    else:
        sources, cand_unit = np.unique(space.cand_a, return_inverse=True)
        unit_kind, unit_names = "source_claim", [space.claim_ids[i] for i in sources]
    n_units = len(unit_names)
    unit_conf = confusion(space.gold, label, cand_unit, n_units)
    macro = [rel for i, rel in enumerate(RELATIONS) if supports.get(f"gold.{rel}", 0) > 0]
    ci: dict[str, list[float]] = {}
    # kept in the report, so that compare can redraw AP on paired resamples; the intervals below use it too
    profile = ranking_profile(score, space.gold < N_SURE, space.gold == RELATED, cand_unit)
    if resamples > 0 and n_units > 0:
        resampled_ap = ResampledAP.from_profile(profile)

        def statistic(weights: np.ndarray) -> dict[Metric, np.ndarray]:
            return {**bootstrap_pair_metrics(unit_conf, weights, macro), AP: resampled_ap(weights)}

        for metric, summary in bootstrap(statistic, n_units, resamples, seed).items():
            if summary.interval is not None:
                ci[str(metric)] = list(summary.interval)

    boot_metrics = "pair metrics and rank.AP"
    if (dataset or {}).get("source_format") == "ists2016":
        boot_metrics += "; ists.* over sentence pairs"
        _add_ists(bench, space, label, values, supports, ci, resamples, seed)

    rows = []
    if per_pair:
        for k in all_pairs:
            v, s = _point_metrics(space, score, label, [k])
            rows.append({"article_pair": space.pair_name(k), "supports": s, "metrics": v})

    breakdown = None
    if by_tag:
        from alignbench.scoring.bytag import by_tag as tag_breakdown

        breakdown = tag_breakdown(bench, space, label, resamples, seed)

    return Report(
        alignbench_version=__version__,
        metric_version=METRIC_VERSION,
        dataset={"split": split, **(dataset or {})},
        system=system,
        threshold=threshold or {"value": None, "origin": "decisions are the labels given in the prediction file"},
        supports=supports,
        metrics=values,
        ci=ci,
        bootstrap={
            "resamples": resamples,
            "seed": seed,
            "level": 0.95,
            "method": "percentile",
            "unit": unit_kind,
            "n_units": n_units,
            "numpy_version": np.__version__,
            "metrics": boot_metrics,
            "min_support": MIN_SUPPORT,
            "too_few_to_test": too_few_to_test(list(values), supports),
        },
        confusion=unit_conf.sum(axis=0).tolist(),  # the units partition the candidates
        units=unit_names,
        unit_confusion=unit_conf.reshape(n_units, -1).tolist(),
        per_pair=rows,
        by_tag=breakdown,
        environment=environment if environment is not None else current_environment(),
        ranking=profile_to_json(profile),
    )
