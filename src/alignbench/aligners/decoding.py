"""Decoders: turn an (|a| x |b|) score matrix into decided links (a boolean matrix)."""

from __future__ import annotations

import numpy as np

from alignbench.records import DataError

DECODERS = ("threshold", "mutual", "hungarian")


def decode(scores: np.ndarray, threshold: float, method: str = "threshold") -> np.ndarray:
    """Decided links: pairs with ``score >= threshold`` that the decoder keeps.

    - ``threshold``: every pair at or above the threshold (many-to-many);
    - ``mutual``: and the pair is the best of its row and of its column (ties kept);
    - ``hungarian``: and the pair is in a one-to-one assignment of maximal total score
      (``scipy.optimize.linear_sum_assignment``).
    """
    above = scores >= threshold
    if method == "threshold" or scores.size == 0:
        return above
    if method == "mutual":
        best_in_row = scores == scores.max(axis=1, keepdims=True)
        best_in_col = scores == scores.max(axis=0, keepdims=True)
        return above & best_in_row & best_in_col
    if method == "hungarian":
        from scipy.optimize import linear_sum_assignment

        rows, cols = linear_sum_assignment(scores, maximize=True)
        chosen = np.zeros_like(above)
        chosen[rows, cols] = True
        return above & chosen
    raise DataError(f"unknown decoder {method!r} (expected one of {', '.join(DECODERS)})")
