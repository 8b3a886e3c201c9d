"""Scoring a subset of a split: only some event clusters (``alignbench.evaluate(..., clusters=[...])``)."""

from __future__ import annotations

from collections.abc import Iterable

from alignbench.records import Benchmark, DataError, close_match, shorten


def select_clusters(bench: Benchmark, ids: Iterable[str]) -> Benchmark:
    """The part of ``bench`` in the event clusters ``ids``: their articles, claims and gold links.

    Every id must be a cluster of ``bench`` (:class:`DataError` names the first unknown one, with a
    "did you mean"); an empty selection is an error too, since it would score nothing.
    """
    if isinstance(ids, str):  # a lone id, not its characters
        ids = [ids]
    wanted = set(ids)
    known = sorted({a.cluster_id for a in bench.articles})
    for cluster in sorted(wanted):
        if cluster not in known:
            hint = close_match(cluster, known)
            raise DataError(
                f"unknown cluster {shorten(cluster)}"
                + (f" (did you mean {hint!r}?)" if hint else f" ({len(known)} clusters in the split)")
            )
    if not wanted:
        raise DataError("no cluster selected: name at least one")
    articles = tuple(a for a in bench.articles if a.cluster_id in wanted)
    article_ids = {a.article_id for a in articles}
    claims = tuple(c for c in bench.claims if c.article_id in article_ids)
    claim_ids = {c.claim_id for c in claims}
    links = tuple(x for x in bench.alignments if x.claim_a in claim_ids)
    return Benchmark(articles, claims, links)
