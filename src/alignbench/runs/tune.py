"""``alignbench tune``: choose a run config's decision settings on a tuning split, by a named metric.

A run config fixes how an aligner's scores become a prediction: the decision ``threshold`` (links
are the candidates scoring at or above it that the decoder keeps) and the tagger's
``equivalent_at`` (an untyped decided link is ``equivalent`` from that score on, else ``related``).
Tuning picks both on one split, by one objective metric, over a declared grid, and records where
they came from in the config's ``threshold_origin``.

**How.** The aligner scores every candidate of the split once. Every decoder's choice is the
candidates at or above the threshold among those it keeps, and what it keeps does not depend on
the threshold (``mutual``: best of its row and column; ``hungarian``: the assignment), so the kept
mask is computed once per article pair. The tagger's rules are applied once too (contradiction and
more-specific do not depend on the score); only ``equivalent`` vs ``related`` moves with
``equivalent_at``. Each grid point is then a few NumPy operations over the candidate arrays, the
metric is computed as :func:`alignbench.scoring.evaluate.evaluate` does (no bootstrap).

**Choice.** The best objective value wins (highest; lowest for ``link.AER``). Ties (values equal
to 12 decimals) are broken by the tie-break metric (default ``labeled.F1``: a link objective does
not depend on ``equivalent_at`` at all, and the labelled score then picks it), then by the smaller
threshold, then by the smaller ``equivalent_at``. ``rank.*`` metrics rank by score and do not depend
on either setting, so they cannot be tuned on.

**Warnings** (:attr:`Tuned.warnings`, printed by the command): the objective is 0 at every grid
point (1 for ``link.AER``), or it and the tie-break are the same everywhere, so the grid chose
nothing; a chosen value is the smallest or largest of its grid while the metrics still change
along that axis, so the best setting may lie outside the grid (issue 21).

**Size.** At most 10,000 values per setting and 100,000 grid points in all
(:data:`~alignbench.scoring.tune_grid.MAX_GRID_POINTS`), refused before any work.

**Where.** Never on a split the config is reported on: ``test`` and ``diagnostic`` are report-only
(:data:`REPORT_SPLITS`); an iSTS import is tuned on ``train``. The bundled data has no split to
tune on, and ``tune`` says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from alignbench.aligners.decoding import decode
from alignbench.aligners.relation import claim_features, tag_pairs
from alignbench.records import LABELS, Benchmark
from alignbench.scoring.metrics import NONE, confusion, pair_metrics, parse_metric, set_scores
from alignbench.scoring.space import CandidateSpace
from alignbench.scoring.tune_grid import (
    DEFAULT_EQUIVALENT_AT,
    DEFAULT_OBJECTIVE,
    DEFAULT_THRESHOLDS,
    DEFAULT_TIE_BREAK,
    LOWER_IS_BETTER,
    TIE_DECIMALS,
    Grid,
    check_grid_size,
    dataset_id,
    parse_grid,
)

__all__ = [
    "Grid",
    "Scored",
    "Tuned",
    "choose",
    "grid_values",
    "grid_warnings",
    "labels_at",
    "parse_grid",
    "score_split",
    "tune",
]

EQUIVALENT, RELATED = LABELS.index("equivalent"), LABELS.index("related")
_PAIR_FAMILIES = ("link", "strict", "labeled", "relation", "macro")


class Scored(NamedTuple):
    """One scoring pass over a split, everything a grid point needs."""

    space: CandidateSpace
    score: np.ndarray  # float64 per candidate
    kept: np.ndarray  # bool per candidate: what the decoder keeps at any threshold
    base: np.ndarray  # int8 label per candidate as the tagger gives it, with related for equivalent-or-related


def score_split(aligner: Any, bench: Benchmark, space: CandidateSpace, decoder: str) -> Scored:
    """Run the aligner once on ``bench`` and tag every candidate the decoder may keep."""
    from alignbench.runs.baselines import score_matrices

    claims, matrices = score_matrices(aligner, bench, space)
    score, kept = np.empty(space.size), np.zeros(space.size, dtype=bool)
    for k, matrix in enumerate(matrices):
        block = slice(int(space.offsets[k]), int(space.offsets[k + 1]))
        score[block] = matrix.ravel()
        kept[block] = decode(matrix, -np.inf, decoder).ravel()  # every score is finite: only the decoder's choice
    base = np.full(space.size, NONE, dtype=np.int8)
    chosen = np.flatnonzero(kept)
    if len(chosen):
        features = claim_features(tuple(c.text for c in claims))
        base[chosen] = tag_pairs(features, space.cand_a[chosen], space.cand_b[chosen], score[chosen], np.inf)
    return Scored(space, score, kept, base)


def labels_at(scored: Scored, threshold: float, equivalent_at: float) -> np.ndarray:
    """The label of every candidate at one grid point: what ``run_aligner`` gives with these settings."""
    decided = scored.kept & (scored.score >= threshold)
    labels = np.where(decided, scored.base, NONE).astype(np.int8)
    labels[decided & (scored.base == RELATED) & (scored.score >= equivalent_at)] = EQUIVALENT
    return labels


def grid_values(
    scored: Scored, bench: Benchmark, metric: str, thresholds: Sequence[float], equivalent_ats: Sequence[float]
) -> np.ndarray:
    """The metric at every grid point, shape (thresholds, equivalent_ats).

    Per threshold, only the decided candidates are relabelled for each ``equivalent_at``; the
    undecided ones add their gold labels to the ``none`` column of the confusion matrix.
    """
    m = parse_metric(metric)
    space, gold = scored.space, scored.space.gold
    out = np.empty((len(thresholds), len(equivalent_ats)))
    for i, t in enumerate(thresholds):
        decided = scored.kept & (scored.score >= t)
        if m.family == "unique":
            out[i] = _unique(space, decided)[m.measure]  # decisions only: equal for every equivalent_at
            continue
        if m.family == "ists" and m.measure == "F1Ali":  # decisions only, as above
            out[i] = _ists(bench, space, labels_at(scored, t, np.inf), m.measure)
            continue
        chosen = np.flatnonzero(decided)
        undecided = np.zeros((len(LABELS), len(LABELS)), dtype=np.int64)
        undecided[:, NONE] = np.bincount(gold[~decided], minlength=len(LABELS))
        base, score = scored.base[chosen], scored.score[chosen]
        if m.family == "ists":
            out[i] = [_ists(bench, space, labels_at(scored, t, e), m.measure) for e in equivalent_ats]
            continue
        confs = [
            confusion(gold[chosen], np.where((base == RELATED) & (score >= e), EQUIVALENT, base)) + undecided
            for e in equivalent_ats
        ]
        out[i] = pair_metrics(np.stack(confs))[m]  # every equivalent_at at once
    return out


def _unique(space: CandidateSpace, decided: np.ndarray) -> dict[str, float]:
    """``unique.*`` as :func:`~alignbench.scoring.evaluate.evaluate` computes it."""
    in_space = np.zeros(len(space.claim_ids), dtype=bool)
    pred_linked, gold_linked = in_space.copy(), in_space.copy()
    in_space[space.cand_a] = in_space[space.cand_b] = True
    pred_linked[space.cand_a[decided]] = pred_linked[space.cand_b[decided]] = True
    linked = space.gold != NONE
    gold_linked[space.cand_a[linked]] = gold_linked[space.cand_b[linked]] = True
    p, r, f = set_scores(in_space & ~pred_linked, in_space & ~gold_linked)
    return {"P": p, "R": r, "F1": f}


def _ists(bench: Benchmark, space: CandidateSpace, labels: np.ndarray, measure: str) -> float:
    from alignbench.scoring.ists import decided_sums

    decided = np.flatnonzero(labels != NONE)
    result = decided_sums(bench, space.claim_ids, space.cand_a[decided], space.cand_b[decided], labels[decided])
    return result.score().f1 if measure == "F1Ali" else result.score().type_f1


def choose(
    objective: np.ndarray, tie: np.ndarray, lower_objective: bool = False, lower_tie: bool = False
) -> tuple[int, int]:
    """The grid point (threshold index, equivalent_at index) that wins (see the module docstring).

    Grids are sorted ascending, so a smaller index is a smaller value.
    """
    obj = np.round(np.where(lower_objective, objective, -objective), TIE_DECIMALS)
    tb = np.round(np.where(lower_tie, tie, -tie), TIE_DECIMALS)
    ti, ei = np.indices(objective.shape)
    best = np.lexsort((ei.ravel(), ti.ravel(), tb.ravel(), obj.ravel()))[0]
    return int(ti.ravel()[best]), int(ei.ravel()[best])


class Tuned(NamedTuple):
    """The chosen settings, their metric values on the tuning split, and the whole grid."""

    threshold: float
    equivalent_at: float
    objective: float
    tie_break: float
    origin: str
    values: np.ndarray  # objective over the grid (thresholds x equivalent_ats)
    warnings: tuple[str, ...] = ()


def tune(
    aligner: Any,
    decoder: str,
    bench: Benchmark,
    dataset: dict[str, Any],
    split: str,
    *,
    objective: str = DEFAULT_OBJECTIVE,
    tie_break: str = DEFAULT_TIE_BREAK,
    thresholds: Grid | None = None,
    equivalent_ats: Grid | None = None,
    space: CandidateSpace | None = None,
) -> Tuned:
    """Score ``bench`` (the tuning split) once and pick the threshold and ``equivalent_at``.

    :class:`~alignbench.records.UsageError` before any work if the aligner labels pairs itself
    (nothing to tune) or the grid has more than :data:`~alignbench.scoring.tune_grid.MAX_GRID_POINTS` points.
    """
    from alignbench.aligners import labels_itself
    from alignbench.records import UsageError

    if labels_itself(aligner):
        raise UsageError(f"aligner {aligner.name!r} decides its links and relations itself (predict): nothing to tune")
    thresholds = thresholds or parse_grid(DEFAULT_THRESHOLDS, "--thresholds")
    equivalent_ats = equivalent_ats or parse_grid(DEFAULT_EQUIVALENT_AT, "--equivalent-at-grid")
    check_grid_size(thresholds, equivalent_ats)
    space = space if space is not None else CandidateSpace(bench)
    scored = score_split(aligner, bench, space, decoder)
    values = grid_values(scored, bench, objective, thresholds.values, equivalent_ats.values)
    ties = (
        values
        if tie_break == objective
        else grid_values(scored, bench, tie_break, thresholds.values, equivalent_ats.values)
    )
    i, j = choose(values, ties, objective in LOWER_IS_BETTER, tie_break in LOWER_IS_BETTER)
    origin = (
        f"tuned on {dataset_id(dataset)} {split}, objective {objective} (ties: {tie_break}, then the smaller threshold "
        f"and equivalent_at; grid: threshold {thresholds.text}, equivalent_at {equivalent_ats.text})"
    )
    warnings = grid_warnings(values, ties, (i, j), (thresholds, equivalent_ats), objective)
    return Tuned(
        thresholds.values[i], equivalent_ats.values[j], float(values[i, j]), float(ties[i, j]), origin, values, warnings
    )


def grid_warnings(
    values: np.ndarray, ties: np.ndarray, chosen: tuple[int, int], grids: tuple[Grid, Grid], objective: str
) -> tuple[str, ...]:
    """What the user should know about a choice: an objective the grid never changes, and a
    chosen value on the edge of its grid along an axis where the metrics still change."""
    rounded = np.round(values, TIE_DECIMALS)
    nothing_right = 1.0 if objective in LOWER_IS_BETTER else 0.0  # link.AER is 1 then, the others 0
    value, tied = rounded.flat[0], np.round(ties, TIE_DECIMALS)
    # 0 everywhere (1 for link.AER) says the grid is wrong; any other constant only if the
    # tie-break does not choose either (a fixed threshold with a grid of equivalent_at is normal)
    if np.all(rounded == value) and (value == nothing_right or (rounded.size > 1 and np.all(tied == tied.flat[0]))):
        what = "" if value == nothing_right else " (and so is the tie-break)"
        return (
            f"{objective} is {float(values.flat[0]):.4g} at every grid point{what}: the choice says nothing; "
            "check the aligner, its decoder and the grid",
        )
    out = []
    both = np.stack([rounded, tied])
    for axis, (name, flag) in enumerate((("threshold", "--thresholds"), ("equivalent_at", "--equivalent-at-grid"))):
        grid, k = grids[axis], chosen[axis]
        line = both[:, :, chosen[1]] if axis == 0 else both[:, chosen[0], :]  # the other setting fixed
        if len(grid.values) < 2 or np.all(line == line[:, :1]) or 0 < k < len(grid.values) - 1:
            continue
        edge, side = ("smallest", "below") if k == 0 else ("largest", "above")
        out.append(
            f"{name} {grid.values[k]!r} is the {edge} value of its grid ({flag} {grid.text}): the best setting may lie "
            f"{side} it; tune again with a grid that reaches past it"
        )
    return tuple(out)


def config_text(config: Any) -> str:
    """A run config as its JSON file holds it (the format of ``baselines/configs/*.json``)."""
    import json

    return json.dumps(config._asdict(), ensure_ascii=False) + "\n"
