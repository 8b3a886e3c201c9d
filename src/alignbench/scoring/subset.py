"""Scoring a subset of the clusters of a split (``--cluster ID[,ID...]``).

One place decides what a cluster subset is, so that ``eval``, ``run``, ``explain``, ``compare`` and the
Python API agree: :func:`select_clusters` cuts a :class:`Benchmark` down to some of its clusters
(an unknown id is a :class:`DataError` with a "did you mean", like an unknown split),
:func:`restrict_predictions` keeps the predictions of a whole-split file that fall in the subset,
and :func:`restrict_report` cuts a whole-split report down to the resampling units of the subset
for a paired comparison. A report made on a subset records it as ``dataset["clusters"]`` (sorted
ids); a report on the whole split has no such key, so older reports read the same.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from alignbench.records import LABELS, RELATIONS, SURE_RELATIONS, Benchmark, DataError, close_match, shorten

if TYPE_CHECKING:  # annotations only
    from alignbench.scoring.predictions import PredictionArrays
    from alignbench.scoring.report import Report
    from alignbench.scoring.space import CandidateSpace

#: The key of a report's ``dataset`` that names the clusters it was scored on (absent: every cluster).
CLUSTERS_KEY = "clusters"


def cluster_ids(bench: Benchmark) -> list[str]:
    """The ids of the clusters that ``bench``'s articles belong to, sorted."""
    return sorted({a.cluster_id for a in bench.articles})


def parse_cluster_list(text: str) -> list[str]:
    """The ids of a ``--cluster`` value ``"a,b"`` (spaces around ids ignored), in order, without
    repeats; :class:`DataError` for an empty list or an empty id."""
    ids = [part.strip() for part in text.split(",")]
    if not any(ids) or not all(ids):
        raise DataError(f"--cluster: expected ID[,ID...], got {shorten(text)}")
    return list(dict.fromkeys(ids))


def _unknown_cluster(cid: str, known: list[str], split: str | None, elsewhere: dict[str, str]) -> str:
    where = f" of split {split!r}" if split else ""
    if cid in elsewhere:
        return f"cluster {shorten(cid)} is in split {elsewhere[cid]!r}, not {split!r} (add --split {elsewhere[cid]})"
    containing = [k for k in known if cid and cid in k]  # a shortened id: 'wonsan' for 'nk-wonsan-launch'
    hint = containing[0] if len(containing) == 1 else close_match(cid, known)
    listed = ", ".join(known[:5]) + (f", ... ({len(known) - 5} more)" if len(known) > 5 else "")
    tail = f" (did you mean {hint!r}?)" if hint else f" (the clusters{where}: {listed or 'none'})"
    return f"unknown cluster {shorten(cid)}{where}{tail}"


def select_clusters(
    bench: Benchmark,
    clusters: Iterable[str],
    *,
    split: str | None = None,
    elsewhere: dict[str, str] | None = None,
) -> Benchmark:
    """The part of ``bench`` in ``clusters``: their articles, claims and gold links.

    ``split`` names ``bench``'s split in the error message; ``elsewhere`` (cluster id -> split, for
    the other splits of the dataset) lets the message say which split an id belongs to instead.
    Raises :class:`DataError` (one line, with a "did you mean") for an id that is not a cluster of
    ``bench``, or an empty list.
    """
    if isinstance(clusters, str):  # a lone id, not its characters
        clusters = [clusters]
    wanted = list(dict.fromkeys(clusters))
    if not wanted:
        raise DataError("no cluster selected: name at least one cluster id")
    known = cluster_ids(bench)
    for cid in wanted:
        if cid not in known:
            raise DataError(_unknown_cluster(cid, known, split, elsewhere or {}))
    keep = set(wanted)
    articles = tuple(a for a in bench.articles if a.cluster_id in keep)
    ids = {a.article_id for a in articles}
    claims = tuple(c for c in bench.claims if c.article_id in ids)
    claim_ids = {c.claim_id for c in claims}
    links = tuple(x for x in bench.alignments if x.claim_a in claim_ids)
    return Benchmark(articles, claims, links)


def subset_record(dataset: dict[str, Any], clusters: Iterable[str] | None) -> dict[str, Any]:
    """``dataset`` (a report's provenance) with the subset recorded: ``clusters`` = the sorted ids;
    unchanged when ``clusters`` is None (the whole split)."""
    if clusters is None:
        return dict(dataset)
    return {**dataset, CLUSTERS_KEY: sorted(set(clusters))}


def subset_label(dataset: dict[str, Any]) -> str:
    """How reports and leaderboards name what was scored: ``split test`` or
    ``clusters a, b of split test (a subset)``."""
    split = f"split {dataset.get('split')}"
    clusters = dataset.get(CLUSTERS_KEY)
    if not clusters:
        return split
    return f"cluster{'s' * (len(clusters) > 1)} {', '.join(clusters)} of {split} (a subset)"


def split_phrase(dataset: dict[str, Any]) -> str:
    """How captions name what was scored: ``test split`` or ``clusters a, b of the test split``."""
    split = f"{dataset.get('split')} split"
    clusters = dataset.get(CLUSTERS_KEY)
    if not clusters:
        return split
    return f"cluster{'s' * (len(clusters) > 1)} {', '.join(clusters)} of the {split}"


def restrict_predictions(full: CandidateSpace, sub: CandidateSpace, preds: PredictionArrays) -> PredictionArrays:
    """The predictions of ``preds`` (indexed over ``full``) whose claims are in ``sub``, indexed over
    ``sub``: a whole-split prediction file scored on a subset of its clusters."""
    from alignbench.scoring.predictions import PredictionArrays

    to_sub = np.full(len(full.claim_ids), -1, dtype=np.int64)
    for i, cid in enumerate(full.claim_ids):
        to_sub[i] = sub.claim_index.get(cid, -1)
    a, b = to_sub[full.cand_a[preds.index]], to_sub[full.cand_b[preds.index]]
    keep = (a >= 0) & (b >= 0)
    index = sub.index(a[keep], b[keep]) if keep.any() else np.zeros(0, dtype=np.int64)
    order = np.argsort(index, kind="stable")
    return PredictionArrays(index[order], preds.score[keep][order], preds.label[keep][order])


def read_subset_predictions(path: str | Path, whole: Benchmark, space: CandidateSpace) -> PredictionArrays:
    """Read a prediction file for the split of ``whole`` (checked against the whole split, so a row
    of another cluster is no error) and keep the rows in ``space``, a subset's candidate space."""
    from alignbench.scoring.predictions import read_predictions
    from alignbench.scoring.space import CandidateSpace

    if space.bench is whole or space.bench == whole:
        return read_predictions(path, space)
    full = CandidateSpace(whole)
    return restrict_predictions(full, space, read_predictions(path, full))


def _unit_clusters(report: Report, bench: Benchmark) -> list[str | None]:
    """The cluster of each resampling unit of ``report`` (None if ``bench`` does not know it)."""
    cluster_of_article = {a.article_id: a.cluster_id for a in bench.articles}
    article_of_claim = {c.claim_id: c.article_id for c in bench.claims}
    out: list[str | None] = []
    for unit in report.units:
        if report.bootstrap.get("unit") == "article_pair":
            article = unit.split(" ~ ", 1)[0]
        else:
            article = article_of_claim.get(unit, "")
        out.append(cluster_of_article.get(article))
    return out


def restrict_report(report: Report, bench: Benchmark, clusters: Iterable[str]) -> Report:
    """``report`` cut down to the resampling units of ``clusters`` (``bench`` is the data it was
    made on): the units, their confusion counts, the total confusion and the gold supports that
    :func:`alignbench.scoring.compare.compare` uses, and the ranking profile cut to those units with
    its ``rank.AP`` (the AP of the subset's candidates in the system's order). Other metrics,
    per-pair rows and the per-tag breakdown are dropped, not recomputed."""
    from alignbench.scoring.ranking import ResampledAP, cut_profile, profile_from_json, profile_to_json

    wanted = sorted(set(clusters))
    of_unit = _unit_clusters(report, bench)
    if None in of_unit:
        raise DataError("the report's units are not those of this data: pass the --data and --split it was made on")
    keep = [i for i, c in enumerate(of_unit) if c in wanted]
    unit_conf = np.array(report.unit_confusion, dtype=np.int64).reshape(len(report.units), len(LABELS) ** 2)[keep]
    total = unit_conf.sum(axis=0).reshape(len(LABELS), len(LABELS))
    gold = total.sum(axis=1)
    supports = {f"gold.{rel}": int(gold[i]) for i, rel in enumerate(RELATIONS)}
    supports["sure_links"] = sum(supports[f"gold.{rel}"] for rel in SURE_RELATIONS)
    supports["gold_links"] = int(gold[: len(RELATIONS)].sum())
    supports["possible_links"] = supports["gold_links"] - supports["sure_links"]
    supports["candidates"] = int(total.sum())
    metrics: dict[str, float] = {}
    ranking = None
    if report.ranking is not None:
        profile = cut_profile(profile_from_json(report.ranking), keep)
        ranking = profile_to_json(profile)
        metrics["rank.AP"] = float(ResampledAP.from_profile(profile)(np.ones((1, len(keep))))[0])
    return dataclasses.replace(
        report,
        dataset=subset_record(report.dataset, wanted),
        supports=supports,
        metrics=metrics,
        ranking=ranking,
        ci={},
        bootstrap={**report.bootstrap, "n_units": len(keep)},
        confusion=total.tolist(),
        units=[report.units[i] for i in keep],
        unit_confusion=unit_conf.tolist(),
        per_pair=[],
        by_tag=None,
    )
