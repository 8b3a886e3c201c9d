"""Shortcut floors: systems that read no meaning, to measure how far a split can be solved without it.

- ``position``: links claims by where they sit in their reports, never reading a word. A claim's
  relative position is its rank among the claims it is given for its article, at the middle of its
  slot, ``(i + 0.5) / n``; the score of a pair is ``1 - |pos_a - pos_b|``. With the a-priori threshold
  0.9 it links every pair whose positions differ by at most 0.1. Every link is labelled
  ``equivalent`` (a constant: the floor decides links, not relations).
- ``overlap``: content-word Jaccard of the two claims' texts (lowercased letter runs, stop words
  dropped: :func:`alignbench.aligners.relation.content_words`); links labelled ``equivalent``.
- ``cues``: the same Jaccard scores, with relations from surface cues only, the relation tagger of
  the lexical baselines (:func:`alignbench.aligners.relation.tag_pairs`): conflicting numbers or
  ranges with overlapping words -> ``contradiction``, strict content-word containment -> more
  specific, otherwise ``equivalent`` at or above ``equivalent_at`` and ``related`` below.

``position`` and ``overlap`` label pairs themselves (``predict``), so no tagger touches their
decisions; ``cues`` is a plain scored aligner run through the decoder and the tagger. Their
thresholds are fixed a priori in ``baselines/configs`` and tuned on no split.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from alignbench.aligners.protocol import BaseAligner
from alignbench.aligners.relation import content_words
from alignbench.records import Claim


def relative_positions(claims: Sequence[Claim]) -> np.ndarray:
    """Each claim's relative position in its article, ``(rank + 0.5) / n``, the rank taken among the
    given claims of the same article by start offset (then id)."""
    positions = np.empty(len(claims))
    by_article: dict[str, list[int]] = {}
    for i, claim in enumerate(claims):
        by_article.setdefault(claim.article_id, []).append(i)
    for members in by_article.values():
        ordered = sorted(members, key=lambda i: (claims[i].start, claims[i].claim_id))
        n = len(ordered)
        for rank, i in enumerate(ordered):
            positions[i] = (rank + 0.5) / n
    return positions


def jaccard(words_a: Sequence[frozenset[str]], words_b: Sequence[frozenset[str]]) -> np.ndarray:
    """|A & B| / |A | B| for every pair of word sets (0 where both are empty), via a 0/1 incidence matrix."""
    vocab = {w: k for k, w in enumerate(sorted(set().union(*words_a, *words_b)))}
    if not vocab:
        return np.zeros((len(words_a), len(words_b)))
    ma = np.zeros((len(words_a), len(vocab)))
    mb = np.zeros((len(words_b), len(vocab)))
    for row, words in enumerate(words_a):
        ma[row, [vocab[w] for w in words]] = 1.0
    for row, words in enumerate(words_b):
        mb[row, [vocab[w] for w in words]] = 1.0
    inter = ma @ mb.T
    union = ma.sum(1)[:, None] + mb.sum(1)[None, :] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


class _ThresholdLabeller(BaseAligner):
    """A floor that links pairs scoring at least ``threshold`` and labels every link ``equivalent``:
    it decides links, not relations (subclasses define ``score``)."""

    def __init__(self, threshold: float = 0.5):
        self.threshold = threshold

    def _validate(self) -> None:
        if (
            isinstance(self.threshold, bool)
            or not isinstance(self.threshold, int | float)
            or not 0 <= self.threshold <= 1
        ):
            raise self._invalid("threshold", "a number in [0, 1]")

    def predict(self, claims_a: Sequence[Claim], claims_b: Sequence[Claim]) -> tuple[np.ndarray, np.ndarray]:
        """Scores, and ``equivalent`` where a positive score reaches ``threshold`` (else ``none``)."""
        scores = self.score(claims_a, claims_b)
        return scores, np.where((scores >= self.threshold - 1e-12) & (scores > 0), "equivalent", "none")


class PositionAligner(_ThresholdLabeller):
    """Links by relative position only (module docstring); reads no text."""

    name = "position"

    def __init__(self, threshold: float = 0.9):
        self.threshold = threshold

    def score(self, claims_a: Sequence[Claim], claims_b: Sequence[Claim]) -> np.ndarray:
        """``1 - |pos_a - pos_b|`` for every pair."""
        self._validate()
        return 1.0 - np.abs(relative_positions(claims_a)[:, None] - relative_positions(claims_b)[None, :])


class OverlapAligner(_ThresholdLabeller):
    """Content-word Jaccard; links labelled ``equivalent`` at or above ``threshold``."""

    name = "overlap"

    def __init__(self, threshold: float = 0.3):
        self.threshold = threshold

    def score(self, claims_a: Sequence[Claim], claims_b: Sequence[Claim]) -> np.ndarray:
        """Jaccard of the claims' content words."""
        self._validate()
        return jaccard([content_words(c.text) for c in claims_a], [content_words(c.text) for c in claims_b])


class CuesAligner(BaseAligner):
    """Content-word Jaccard scores; relations from surface cues by the run's tagger (module docstring)."""

    name = "cues"

    def __init__(self) -> None:
        pass

    def score(self, claims_a: Sequence[Claim], claims_b: Sequence[Claim]) -> np.ndarray:
        """Jaccard of the claims' content words."""
        return jaccard([content_words(c.text) for c in claims_a], [content_words(c.text) for c in claims_b])
