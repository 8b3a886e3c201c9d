"""Who wrote the diagnostic split, and how the baselines do on each writer's clusters (issue 20).

The synthetic clusters were written by several AI-model writers; a split that one writer dominates
measures that writer's habits. Each diagnostic article's ``notes`` name its writer ("written by hand
by diag-wN") and, for a short cluster another writer lengthened, the extender ("Extended by
diag-wM"); each gold link names who made it (``annotator``: a writer, or an adjudicator).
:func:`writer_facts` gathers, per writer, the clusters written and extended and the gold links
made, and :func:`writer_confusion` the confusion counts of a report on the clusters of each writer
(a cut of the whole-split report, so no system is run again).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, NamedTuple

import numpy as np

from alignbench.records import Benchmark

_WRITER = re.compile(r"written by hand by (diag-w\d+)")
_EXTENDER = re.compile(r"[Ee]xtended by (diag-w\d+)")


class WriterFacts(NamedTuple):
    """One writer: the clusters it wrote and extended (sorted ids) and the gold links it made."""

    writer: str
    written: tuple[str, ...]
    extended: tuple[str, ...]
    links: int


def _number(writer: str) -> int:
    return int(writer.rsplit("w", 1)[1])


def cluster_writers(bench: Benchmark) -> dict[str, tuple[str | None, tuple[str, ...]]]:
    """Each cluster's writer (None if its notes name none) and the writers that extended it."""
    notes: dict[str, str] = {}
    for article in bench.articles:
        notes[article.cluster_id] = notes.get(article.cluster_id, "") + " " + (article.notes or "")
    out = {}
    for cluster, text in sorted(notes.items()):
        written = sorted(set(_WRITER.findall(text)), key=_number)
        out[cluster] = (written[0] if written else None, tuple(sorted(set(_EXTENDER.findall(text)), key=_number)))
    return out


def writer_facts(bench: Benchmark) -> list[WriterFacts]:
    """Per writer, in writer order: clusters written, clusters extended, gold links made."""
    clusters = cluster_writers(bench)
    links = Counter(x.annotator for x in bench.alignments)
    writers = {w for w, _ in clusters.values() if w} | {e for _, ext in clusters.values() for e in ext}
    return [
        WriterFacts(
            w,
            tuple(c for c, (first, _) in clusters.items() if first == w),
            tuple(c for c, (_, ext) in clusters.items() if w in ext),
            links[w],
        )
        for w in sorted(writers, key=_number)
    ]


def writer_confusion(report: Any, bench: Benchmark, clusters: tuple[str, ...]) -> np.ndarray | None:
    """The 6x6 confusion counts of ``report`` (made on the whole of ``bench``) over ``clusters``;
    None when the report has none of their resampling units."""
    from alignbench.scoring.subset import restrict_report

    cut = restrict_report(report, bench, clusters)
    if not cut.units:
        return None
    return np.array(cut.confusion, dtype=np.float64)
