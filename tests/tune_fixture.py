"""A hand-made tuning fixture: article x (3 claims), article y (4 claims), and an aligner whose
scores are a table, so every grid point's decisions can be worked out by hand.

Claim texts are distinct single words (no numbers, no word contained in another claim's), so the
tagger labels every decided link by score alone: ``equivalent`` from ``equivalent_at`` on, else
``related``.

Gold: x-1~y-1 equivalent (sure), x-2~y-2 related (possible), x-3~y-3 contradiction (sure).
Scores: x-1/y-1 0.9, x-2/y-2 0.6, x-1/y-2 0.5 (not gold), x-3/y-3 0.4, every other pair 0.1.

link.F1 by threshold t (P = |D∩G|/|D|, R = |D∩S|/|S|, |S| = 2):
  t in (0.6, 0.9]:  D = {x1y1}                    P 1,   R 1/2  F1 2/3
  t in (0.5, 0.6]:  D = {x1y1, x2y2}              P 1,   R 1/2  F1 2/3
  t in (0.4, 0.5]:  D = + x1y2                    P 2/3, R 1/2  F1 4/7
  t in (0.1, 0.4]:  D = + x3y3                    P 3/4, R 1    F1 6/7   (the best)
  t <= 0.1:         all 12 candidates             P 1/4, R 1    F1 2/5
link.AER = 1 - (|D∩S| + |D∩G|) / (|D| + |S|): 1/6 at t in (0.1, 0.4], 9/14 at t <= 0.1.
labeled.F1 with D = {x1y1, x2y2, x1y2, x3y3}: x1y1 is right iff equivalent_at <= 0.9, x2y2 iff
equivalent_at > 0.6, x3y3 never (the tagger finds no contradiction): best (2 right, P 2/4,
R 2/3, F1 4/7) for equivalent_at in (0.6, 0.9].
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from fixture import make_article

from alignbench.aligners import BaseAligner
from alignbench.records import Alignment, Benchmark, Claim

WORDS = {"x-1": "alpha", "x-2": "bravo", "x-3": "charlie", "y-1": "delta", "y-2": "echo", "y-3": "foxtrot"}
WORDS["y-4"] = "golf"
SCORES = {"x-1|y-1": 0.9, "x-2|y-2": 0.6, "x-1|y-2": 0.5, "x-3|y-3": 0.4}


class TableAligner(BaseAligner):
    """Scores looked up by ``"claim_a|claim_b"`` in ``scores``, ``default`` for the rest."""

    name = "table"

    def __init__(self, scores: dict[str, float] | None = None, default: float = 0.1):
        self.scores = scores
        self.default = default

    def score(self, claims_a: Sequence[Claim], claims_b: Sequence[Claim]) -> np.ndarray:
        table = self.scores if self.scores is not None else SCORES
        return np.array(
            [[table.get(f"{a.claim_id}|{b.claim_id}", self.default) for b in claims_b] for a in claims_a],
            dtype=np.float64,
        ).reshape(len(claims_a), len(claims_b))


def tuning_benchmark() -> Benchmark:
    """The fixture's two articles, seven claims and three gold links."""
    claims = tuple(Claim(cid, cid[0], 0, 1, word, word, None) for cid, word in WORDS.items())
    links = (
        Alignment("x-1", "y-1", "equivalent", "r", "t"),
        Alignment("x-2", "y-2", "related", "r", "t"),
        Alignment("x-3", "y-3", "contradiction", "r", "t"),
    )
    return Benchmark((make_article("x"), make_article("y")), claims, links)
