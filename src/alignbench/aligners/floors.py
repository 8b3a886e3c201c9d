"""Floor baselines: what chance and "link everything" score."""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np

from alignbench.aligners import BaseAligner, is_integer
from alignbench.records import Claim


class RandomAligner(BaseAligner):
    """Uniform random scores in [0, 1), seeded by ``seed`` and the claim ids (order-independent)."""

    name = "random"

    def __init__(self, seed: int = 0):
        self.seed = seed

    def _validate(self) -> None:
        if not is_integer(self.seed) or self.seed < 0:
            raise self._invalid("seed", "an integer >= 0")

    def score(self, claims_a: Sequence[Claim], claims_b: Sequence[Claim]) -> np.ndarray:
        """Random scores, the same for the same seed and claims."""
        self._validate()
        key = zlib.crc32("\n".join(c.claim_id for c in [*claims_a, *claims_b]).encode("utf-8"))
        return np.random.default_rng([self.seed, key]).random((len(claims_a), len(claims_b)))


class AllPairsAligner(BaseAligner):
    """Score 1 for every pair: with any threshold <= 1 every candidate becomes a link."""

    name = "all-pairs"

    def __init__(self) -> None:
        pass

    def score(self, claims_a: Sequence[Claim], claims_b: Sequence[Claim]) -> np.ndarray:
        """All ones."""
        return np.ones((len(claims_a), len(claims_b)))
