"""``alignbench agree``: agreement between annotation passes over the full claims(A) x claims(B) grid.

A pass is a JSON Lines file of links (``claim_a``, ``claim_b``, ``relation``, ``rationale``, and
optionally ``annotator``); every cell of the grid it does not list is ``none``. The grid is every
cross-article claim pair of every article pair of the clusters the passes link (the candidate space
of :mod:`alignbench.scoring.space`), so agreement on ``none`` counts as much as agreement on links.

Figures, for every two passes: link precision/recall/F1 of the second pass against the first (any
link, and sure links: relations other than ``related``), Cohen's kappa over all cells on the six
labels and on none/related/sure, kappa on the cells both passes linked, and a confusion matrix; for
all passes together, Krippendorff's alpha (nominal). The statistics come from scikit-learn and the
``krippendorff`` package. Every figure is given twice: over all cells, and with the cells of the
worked examples of ``annotations/GUIDELINES.md`` left out (examples drawn from the cluster they are
applied to make agreement on exactly those cells expected, not measured).

The worked-example cells are found from the guidelines' text, not from a hand-kept list: each
``A "quote" / B "quote"`` of the "Worked examples" section names the claims whose text holds the
quote (``...`` skips words; curly and straight quotation marks are the same). Examples that match no
claim (invented ones) exclude nothing and are listed as unmatched. ``--exclude CELLS.jsonl`` (rows
with ``claim_a`` and ``claim_b``) replaces the detection.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import krippendorff
import numpy as np
from sklearn.metrics import cohen_kappa_score, confusion_matrix

from alignbench.records import LABELS, RELATIONS, SURE_RELATIONS, Alignment, Benchmark, DataError
from alignbench.scoring.space import NONE, CandidateSpace
from alignbench.sources.jsonl import Problems, read_jsonl
from alignbench.sources.links import read_pass

#: none / related / sure: the coarse coding of the six labels (index = coarse code).
COARSE = ("none", "related", "sure")
_COARSE_OF = np.array([2 if label in SURE_RELATIONS else COARSE.index(label) for label in LABELS], dtype=np.int8)
_EXCLUDE_FIELDS: dict[str, tuple[type, ...]] = {
    "claim_a": (str,),
    "claim_b": (str,),
    "relation": (str,),
    "rationale": (str,),
    "annotator": (str,),
    "note": (str,),
}
_QUOTE = r"(\"[^\"]*\"|'[^']*')"
_EXAMPLE = re.compile(rf"\bA\s+{_QUOTE}\s*/\s*B\s+{_QUOTE}")
_SECTION = re.compile(r"^#+\s*Worked examples[^\n]*\n(.*?)(?=^#|\Z)", re.M | re.S | re.I)


def _fold(text: str) -> str:
    """Text compared for quote matching: curly quotes straightened, white space collapsed."""
    text = text.translate(str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"}))
    return " ".join(text.split())


def _holds(text: str, quote: str) -> bool:
    """Whether ``text`` holds every ``...``-separated fragment of ``quote``, in order."""
    at = 0
    for fragment in (f.strip() for f in quote.split("...")):
        if fragment:
            at = text.find(fragment, at)
            if at < 0:
                return False
            at += len(fragment)
    return True


def worked_example_cells(guidelines: str, space: CandidateSpace) -> tuple[list[tuple[str, str]], list[str]]:
    """(cells of the grid cited by the guidelines' worked examples, the examples that matched no cell)."""
    section = _SECTION.search(guidelines)
    if section is None:
        return [], []
    texts = {c.claim_id: _fold(c.text) for c in space.bench.claims}
    cells: list[tuple[str, str]] = []
    unmatched = []
    for match in _EXAMPLE.finditer(" ".join(section.group(1).split())):
        quote_a, quote_b = (_fold(q[1:-1]) for q in match.groups())
        side_a = [cid for cid, text in texts.items() if _holds(text, quote_a)]
        side_b = [cid for cid, text in texts.items() if _holds(text, quote_b)]
        found = [(a, b) for a in side_a for b in side_b if _in_grid(space, a, b)]
        cells += [cell for cell in found if cell not in cells]
        if not found:
            unmatched.append(match.group(0))
    return cells, unmatched


def _in_grid(space: CandidateSpace, a: str, b: str) -> bool:
    ia, ib = space.claim_index.get(a), space.claim_index.get(b)
    return ia is not None and ib is not None and space.pair_of(space.claim_article[ia], space.claim_article[ib]) >= 0


def read_cells(path: str | Path, space: CandidateSpace) -> list[tuple[str, str]]:
    """The cells listed in an ``--exclude`` file (``claim_a``, ``claim_b``; a pass file works too)."""
    problems = Problems(Path("."))
    path = Path(path)
    cells: list[tuple[str, str]] = []
    optional = frozenset(_EXCLUDE_FIELDS) - {"claim_a", "claim_b"}
    for number, row in read_jsonl(path, _EXCLUDE_FIELDS, problems, optional=optional):
        cell = (row["claim_a"], row["claim_b"])
        unknown = [cid for cid in cell if cid not in space.claim_index]
        if unknown:
            problems.add(path, number, f"unknown claim id {unknown[0]!r}")
        elif not _in_grid(space, *cell):
            problems.add(path, number, f"{cell[0]} - {cell[1]} is not a cell of the compared grid")
        elif cell in cells:
            problems.add(path, number, f"duplicate cell {cell[0]} - {cell[1]}")
        else:
            cells.append(cell)
    if problems:
        raise DataError(list(problems))
    return cells


def grid_space(bench: Benchmark, passes: list[list[Alignment]]) -> CandidateSpace:
    """The candidate space of the clusters that the passes link (gold links left out)."""
    cluster_of = {c.claim_id: c.article_id for c in bench.claims}
    article_cluster = {a.article_id: a.cluster_id for a in bench.articles}
    clusters = {article_cluster[cluster_of[link.claim_a]] for links in passes for link in links}
    articles = tuple(a for a in bench.articles if a.cluster_id in clusters)
    claims = tuple(c for c in bench.claims if article_cluster[c.article_id] in clusters)
    return CandidateSpace(Benchmark(articles, claims, ()))


def _labels(space: CandidateSpace, links: list[Alignment]) -> np.ndarray:
    """The label index of every cell of the grid under one pass."""
    labels = np.full(space.size, NONE, dtype=np.int8)
    if links:
        a = np.array([space.claim_index[x.claim_a] for x in links])
        b = np.array([space.claim_index[x.claim_b] for x in links])
        labels[space.index(a, b)] = [LABELS.index(x.relation) for x in links]
    return labels


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def _link_scores(first: np.ndarray, second: np.ndarray) -> dict[str, Any]:
    """P/R/F1 of the cells ``second`` marks against those ``first`` marks (boolean masks)."""
    both, n_first, n_second = int((first & second).sum()), int(first.sum()), int(second.sum())
    return {
        "P": _ratio(both, n_second),
        "R": _ratio(both, n_first),
        "F1": _ratio(2 * both, n_first + n_second),
        "both": both,
        "first_only": n_first - both,
        "second_only": n_second - both,
    }


def _kappa(x: np.ndarray, y: np.ndarray, labels: range) -> float | None:
    """Cohen's kappa; None when it is undefined (no cells, or both passes give one label to all)."""
    if not len(x):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn warns, and returns nan, when expected agreement is 1
        value = float(cohen_kappa_score(x, y, labels=list(labels)))
    return None if np.isnan(value) else value


def _alpha(data: np.ndarray, values: int) -> float | None:
    """Krippendorff's alpha (nominal) of a passes x cells matrix; None when it is undefined."""
    if data.shape[1] == 0 or len(np.unique(data)) < 2:
        return None  # no variation at all: expected disagreement is 0
    value = float(krippendorff.alpha(data.astype(float), level_of_measurement="nominal", value_domain=range(values)))
    return None if np.isnan(value) else value


def _scope(names: list[str], labels: list[np.ndarray], keep: np.ndarray) -> dict[str, Any]:
    """Every figure over the cells where ``keep`` is True."""
    kept = [x[keep] for x in labels]
    coarse = [_COARSE_OF[x] for x in kept]
    pairs = []
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            x, y = kept[i], kept[j]
            linked = (x != NONE) & (y != NONE)
            pairs.append(
                {
                    "first": names[i],
                    "second": names[j],
                    "link": _link_scores(x != NONE, y != NONE),
                    "sure_link": _link_scores(coarse[i] == 2, coarse[j] == 2),
                    "kappa": _kappa(x, y, range(len(LABELS))),
                    "kappa_none_related_sure": _kappa(coarse[i], coarse[j], range(len(COARSE))),
                    "kappa_linked": _kappa(x[linked], y[linked], range(len(LABELS))),
                    "linked_cells": int(linked.sum()),
                    "observed_agreement": _ratio(int((x == y).sum()), len(x)),
                    "confusion": confusion_matrix(x, y, labels=range(len(LABELS))).tolist(),
                }
            )
    return {
        "cells": int(keep.sum()),
        "pairs": pairs,
        "alpha": _alpha(np.vstack(kept), len(LABELS)),
        "alpha_none_related_sure": _alpha(np.vstack(coarse), len(COARSE)),
    }


def agreement(
    bench: Benchmark,
    passes: list[tuple[str, str]],
    exclude: str | None = None,
    guidelines: str | Path | None = None,
) -> dict[str, Any]:
    """Agreement of the passes ``[(name, file), ...]`` over the grid of ``bench``'s claims, as JSON data.

    ``exclude`` is a cells file to leave out; without it the worked-example cells of the
    ``guidelines`` file (if given and present) are left out. Raises :class:`DataError` on a bad pass.
    """
    links = [read_pass(path, bench) for _, path in passes]
    space = grid_space(bench, links)
    if exclude is not None:
        cells, unmatched, source = read_cells(exclude, space), [], str(exclude)
    elif guidelines is not None and Path(guidelines).is_file():
        text = Path(guidelines).read_text(encoding="utf-8")
        cells, unmatched = worked_example_cells(text, space)
        source = f"{guidelines} (worked examples)"
    else:
        cells, unmatched, source = [], [], None
    names = [name for name, _ in passes]
    labels = [_labels(space, x) for x in links]
    keep_all = np.ones(space.size, dtype=bool)
    keep = keep_all.copy()
    if cells:
        keep[space.index(*(np.array([space.claim_index[c[k]] for c in cells]) for k in (0, 1)))] = False
    return {
        "passes": [_pass_summary(name, path, x) for (name, path), x in zip(passes, links, strict=True)],
        "clusters": sorted(set(space.article_cluster)),
        "article_pairs": len(space.pairs),
        "labels": list(LABELS),
        "excluded": {"source": source, "cells": [list(c) for c in cells], "unmatched_examples": unmatched},
        "all_cells": _scope(names, labels, keep_all),
        "without_excluded": _scope(names, labels, keep),
        "disagreements": _disagreements(space, names, labels, links, set(cells)),
    }


def _pass_summary(name: str, path: str, links: list[Alignment]) -> dict[str, Any]:
    counts = {relation: 0 for relation in RELATIONS}
    for link in links:
        counts[link.relation] += 1
    return {"name": name, "file": str(path), "links": len(links), "relations": counts}


def _disagreements(
    space: CandidateSpace,
    names: list[str],
    labels: list[np.ndarray],
    links: list[list[Alignment]],
    excluded: set[tuple[str, str]],
) -> list[dict[str, Any]]:
    """Every cell where the passes do not all agree, in grid order, with each pass's label and rationale."""
    stacked = np.vstack(labels)
    cells = np.flatnonzero((stacked != stacked[0]).any(axis=0))
    rationale = [{(x.claim_a, x.claim_b): x.rationale for x in pass_links} for pass_links in links]
    text = {c.claim_id: c.text for c in space.bench.claims}
    rows = []
    for cell in cells.tolist():
        a, b = space.claim_ids[space.cand_a[cell]], space.claim_ids[space.cand_b[cell]]
        rows.append(
            {
                "claim_a": a,
                "claim_b": b,
                "text_a": text[a],
                "text_b": text[b],
                "worked_example": (a, b) in excluded,
                "labels": {name: LABELS[stacked[k, cell]] for k, name in enumerate(names)},
                "rationales": {name: rationale[k].get((a, b)) for k, name in enumerate(names)},
            }
        )
    return rows
