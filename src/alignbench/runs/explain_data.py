"""The data of the error-analysis page (``alignbench explain``): every gold and decided link of a run,
classified by outcome, with the articles, claims and worst errors, as one JSON-ready dict.

Only the links (gold or decided by one of the systems) reach the page, never the whole candidate
space: they are picked, classified and ordered with NumPy over the candidate index; Python touches
each article, claim and link once, to turn the arrays into lists.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from alignbench.records import LABELS, RELATIONS, Benchmark
from alignbench.scoring.predictions import PredictionArrays
from alignbench.scoring.space import CandidateSpace

NONE = LABELS.index("none")
RELATED = LABELS.index("related")
#: Outcomes of a link, in the order the page lists them (the index is what the JSON stores).
OUTCOMES: tuple[str, ...] = (
    "correct",  # sure gold link, decided with the gold relation
    "wrong_relation",  # sure gold link, decided with another relation
    "false",  # decided, no gold link
    "missed",  # sure gold link, not decided
    "found_possible",  # possible (related) gold link, decided
    "missed_possible",  # possible gold link, not decided
)
#: How many links each list of worst errors holds.
WORST = 50


def outcomes(gold: np.ndarray, label: np.ndarray) -> np.ndarray:
    """The outcome (index into :data:`OUTCOMES`) of each candidate; -1 where neither gold nor decided."""
    out = np.full(gold.shape, -1, dtype=np.int8)
    sure, possible, decided = (gold != NONE) & (gold != RELATED), gold == RELATED, label != NONE
    out[sure & decided & (label == gold)] = OUTCOMES.index("correct")
    out[sure & decided & (label != gold)] = OUTCOMES.index("wrong_relation")
    out[(gold == NONE) & decided] = OUTCOMES.index("false")
    out[sure & ~decided] = OUTCOMES.index("missed")
    out[possible & decided] = OUTCOMES.index("found_possible")
    out[possible & ~decided] = OUTCOMES.index("missed_possible")
    return out


def dense(space: CandidateSpace, preds: PredictionArrays) -> tuple[np.ndarray, np.ndarray]:
    """Score (absent: -inf) and label (absent: none) of every candidate, as ``evaluate`` sees them."""
    score = np.full(space.size, -np.inf)
    label = np.full(space.size, NONE, dtype=np.int8)
    score[preds.index] = preds.score
    label[preds.index] = preds.label
    return score, label


def _scores(values: np.ndarray) -> list[float | None]:
    """Scores for the page, to 4 decimals (it shows them; ranking is done here, exactly); None if absent."""
    rounded = np.round(values, 4)
    return [None if not np.isfinite(v) else float(v) for v in rounded.tolist()]


def _gold_details(bench: Benchmark, space: CandidateSpace) -> tuple[np.ndarray, list[str], list[list[str]]]:
    """Candidate index of each gold link (sorted), its rationale and its phenomenon tags."""
    links = sorted(bench.alignments, key=lambda x: (space.claim_index[x.claim_a], space.claim_index[x.claim_b]))
    if not links:
        return np.zeros(0, dtype=np.int64), [], []
    a = np.array([space.claim_index[x.claim_a] for x in links])
    b = np.array([space.claim_index[x.claim_b] for x in links])
    where = space.index(a, b)
    order = np.argsort(where, kind="stable")
    rationales = [links[i].rationale for i in order.tolist()]
    tags = [list(getattr(links[i], "tags", None) or ()) for i in order.tolist()]  # tags: when the records carry them
    return where[order], rationales, tags


def explain_data(
    bench: Benchmark,
    space: CandidateSpace,
    runs: list[tuple[str, PredictionArrays]],
    threshold: float | None = None,
) -> dict[str, Any]:
    """Everything the page shows of the split and of one or two runs (``[(system name, predictions)]``).

    The first run is the one the page is about; a second is shown beside it. Links are the gold links
    and every link that any run decided, grouped by article pair (candidate order inside a pair).
    """
    dense_runs = [dense(space, preds) for _, preds in runs]
    relevant = space.gold != NONE
    for _, label in dense_runs:
        relevant |= label != NONE
    cand = np.flatnonzero(relevant)
    gold = space.gold[cand]
    gold_where, rationales, tags = _gold_details(bench, space)
    gold_row = np.searchsorted(gold_where, cand)  # the gold link of each candidate, where it has one
    has_gold = gold != NONE
    tag_names = sorted({t for ts in tags for t in ts})
    tag_id = {t: i for i, t in enumerate(tag_names)}

    columns: dict[str, list[Any]] = {
        "a": space.cand_a[cand].tolist(),
        "b": space.cand_b[cand].tolist(),
        "gold": gold.tolist(),
        "rationale": np.where(has_gold, gold_row, -1).tolist(),
    }
    worst: list[dict[str, list[int]]] = []
    for r, (score, label) in enumerate(dense_runs):
        out = outcomes(gold, label[cand])
        columns[f"label{r}"] = label[cand].tolist()
        columns[f"score{r}"] = _scores(score[cand])
        columns[f"outcome{r}"] = out.tolist()
        s = score[cand]
        false = np.flatnonzero(out == OUTCOMES.index("false"))
        missed = np.flatnonzero(out == OUTCOMES.index("missed"))
        # highest-scored false links first; lowest-scored missed sure links first (unscored lowest)
        false = false[np.lexsort((false, -s[false]))][:WORST]
        missed = missed[np.lexsort((missed, s[missed]))][:WORST]
        worst.append({"false": false.tolist(), "missed": missed.tolist()})

    # per link, only when the split has tags (the page then offers a tag filter)
    link_tags = [[tag_id[t] for t in tags[g]] if g >= 0 else [] for g in columns["rationale"]] if tag_names else []
    bounds = np.searchsorted(space.cand_pair[cand], np.arange(len(space.pairs) + 1)).tolist()
    article_claims = list(zip(space.article_first.tolist(), space.article_size.tolist(), strict=True))
    by_id = {c.claim_id: c for c in bench.claims}
    claims = [by_id[cid] for cid in space.claim_ids]
    articles = []
    for i, aid in enumerate(space.article_ids):
        art = bench.article(aid)
        articles.append(
            {
                "id": aid,
                "cluster": art.cluster_id,
                "source": art.source,
                "title": art.title,
                "url": art.url,
                "published": art.published,
                "text": art.raw_text,
                "kept": [list(r) for r in art.kept_ranges],
                "claims": list(article_claims[i]),
            }
        )
    return {
        "labels": list(LABELS),
        "relations": list(RELATIONS),
        "outcomes": list(OUTCOMES),
        "systems": [name for name, _ in runs],
        "threshold": threshold,
        "articles": articles,
        "claims": {
            "id": list(space.claim_ids),
            "start": [c.start for c in claims],
            "end": [c.end for c in claims],
            "statement": [c.statement for c in claims],
        },
        "pairs": [{"a": a, "b": b, "lo": bounds[k], "hi": bounds[k + 1]} for k, (a, b) in enumerate(space.pairs)],
        "links": columns,
        "rationales": rationales,
        "tags": tag_names,
        "link_tags": link_tags,
        "worst": worst,
    }
