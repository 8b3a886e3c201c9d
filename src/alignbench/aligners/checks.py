"""Checks of what an aligner hands back (score matrices, encoded rows), shared by the runner and by
``alignbench.testing.check_aligner``: one definition of a valid answer."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from alignbench.records import LABELS, DataError


def is_integer(value: object) -> bool:
    """An integer (Python or NumPy), not a bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_)


def check_scores(scores: Any, shape: tuple[int, int], name: object, method: str = "score()") -> np.ndarray:
    """The score matrix an aligner returned, as float64, or :class:`DataError` naming the aligner.

    It must be a ``numpy.ndarray`` of real numbers (integer or float dtype: not bool, complex,
    object or strings) of ``shape`` (|claims_a|, |claims_b|), all finite. ``check_aligner`` and
    ``run_aligner`` both use this one check; ``method`` names what returned it (``similarity()``).
    """
    where = f"aligner {name!r}: {method}"
    if not isinstance(scores, np.ndarray):
        raise DataError(f"{where} returned {type(scores).__name__}, expected a numpy.ndarray")
    if isinstance(scores, np.ma.MaskedArray) or isinstance(scores, np.matrix):  # masks hide NaN from isfinite
        raise DataError(f"{where} returned a {type(scores).__name__}, expected a plain numpy.ndarray (fill it first)")
    if scores.shape != tuple(shape):
        raise DataError(f"{where} returned shape {scores.shape}, expected {tuple(shape)} (|claims_a| x |claims_b|)")
    if not (np.issubdtype(scores.dtype, np.integer) or np.issubdtype(scores.dtype, np.floating)):
        raise DataError(f"{where} returned dtype {scores.dtype}, expected real numbers")
    with np.errstate(over="ignore", invalid="ignore"):  # longdouble 1e4000 -> inf, then refused below
        values = np.asarray(scores, dtype=np.float64)
    if not np.all(np.isfinite(values)):
        raise DataError(f"{where} returned NaN or infinite scores (checked as float64)")
    return values


def encoded_rows(encoded: Any, claims: int, name: object) -> int:
    """The number of rows ``encode`` returned, checked against the number of ``claims`` it was given."""
    shape = getattr(encoded, "shape", None)
    if isinstance(encoded, dict | set | str | bytes) or not hasattr(encoded, "__getitem__"):
        raise DataError(
            f"aligner {name!r}: encode() returned {type(encoded).__name__}, expected rows (an array, a sparse "
            "matrix or a list) that slice by row"
        )
    try:
        rows = int(shape[0]) if shape is not None else len(encoded)
    except (TypeError, IndexError):
        raise DataError(
            f"aligner {name!r}: encode() returned {type(encoded).__name__}, expected rows (an array, a sparse "
            "matrix or a list)"
        ) from None
    if rows != claims:
        raise DataError(f"aligner {name!r}: encode() returned {rows} rows for {claims} claims (one row per claim)")
    return rows


def check_labels(labels: Any, shape: tuple[int, int], name: object, method: str = "predict()") -> np.ndarray:
    """The relation labels a labelling aligner returned, as int8 indices into :data:`LABELS`, or
    :class:`DataError` naming the aligner: an array-like of ``shape`` holding only label names."""
    where = f"aligner {name!r}: {method}"
    try:
        array = np.asarray(labels, dtype=object)
    except (TypeError, ValueError):
        raise DataError(
            f"{where} returned labels of type {type(labels).__name__}, expected an array of strings"
        ) from None
    if array.shape != tuple(shape):
        raise DataError(f"{where} returned labels of shape {array.shape}, expected {tuple(shape)}")
    index = {label: i for i, label in enumerate(LABELS)}
    out = np.empty(array.shape, dtype=np.int8)
    for position, label in np.ndenumerate(array):
        if not isinstance(label, str) or label not in index:
            raise DataError(f"{where} returned label {label!r} at {position}, expected one of {', '.join(LABELS)}")
        out[position] = index[label]
    return out
