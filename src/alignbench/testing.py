"""``check_aligner``: does a (third-party) aligner conform to what alignbench needs?

Like scikit-learn's ``check_estimator``: run it on your aligner in your own tests::

    from alignbench.testing import check_aligner
    check_aligner(MyAligner())
"""

from __future__ import annotations

from typing import Any

import numpy as np

from alignbench.aligners import init_param_names
from alignbench.records import Claim

_TEXTS_A = (
    "North Korea fired several short-range missiles on Saturday",
    "The missiles flew 70 to 200 kilometres",
    "Talks with Washington have stalled",
)
_TEXTS_B = (
    "The projectiles flew about 70-100 kilometers",
    "Pyongyang launched a barrage of missiles",
    "Officials are analysing details",
    "",
)


class AlignerCheckError(AssertionError):
    """An aligner does not conform; the message says which check failed and why."""


def _claims(prefix: str, texts: tuple[str, ...]) -> list[Claim]:
    return [Claim(f"{prefix}-{i:03d}", prefix, 0, max(len(t), 1), t, t, None) for i, t in enumerate(texts)]


def check_aligner(aligner: Any) -> None:
    """Raise :class:`AlignerCheckError` unless ``aligner`` conforms to the aligner protocol."""
    label = f"check_aligner({type(aligner).__name__})"

    def fail(message: str) -> AlignerCheckError:
        return AlignerCheckError(f"{label}: {message}")

    if not isinstance(getattr(aligner, "name", None), str) or not aligner.name:
        raise fail("needs a non-empty string attribute 'name'")
    if not callable(getattr(aligner, "score", None)):
        raise fail("needs a method score(claims_a, claims_b)")
    if not callable(getattr(aligner, "get_params", None)):
        raise fail("needs get_params() (subclass alignbench.aligners.BaseAligner)")
    try:
        params = aligner.get_params()
    except Exception as err:  # a third party's get_params may raise anything
        raise fail(f"get_params() raised {type(err).__name__}: {err}") from None
    if not isinstance(params, dict):
        raise fail(f"get_params() returned {type(params).__name__}, expected dict")
    try:
        init_params = init_param_names(type(aligner))
    except TypeError as err:
        raise fail(str(err)) from None
    if sorted(params) != sorted(init_params):
        raise fail(f"get_params() keys {sorted(params)} differ from __init__ parameters {init_params}")
    try:
        clone = type(aligner)(**params)
    except Exception as err:  # a third party's constructor may raise anything
        raise fail(f"cannot rebuild from get_params(): {err}") from None
    if clone.get_params() != params:
        raise fail("__init__ must store its parameters unchanged (get_params() of a rebuilt copy differs)")
    a, b = _claims("check-a", _TEXTS_A), _claims("check-b", _TEXTS_B)
    if callable(getattr(aligner, "fit", None)):
        fitted = aligner.fit([c.text for c in a + b])
        if fitted is not aligner:
            raise fail("fit() must return self")
    for left, right in ((a, b), (b, a), (a[:1], b), (a, [])):
        scores = aligner.score(left, right)
        if not isinstance(scores, np.ndarray):
            raise fail(f"score() returned {type(scores).__name__}, expected a numpy.ndarray")
        if scores.shape != (len(left), len(right)):
            raise fail(
                f"score() returned shape {scores.shape}, expected {(len(left), len(right))} (|claims_a| x |claims_b|)"
            )
        if not np.issubdtype(scores.dtype, np.number) or np.issubdtype(scores.dtype, np.complexfloating):
            raise fail(f"score() returned dtype {scores.dtype}, expected real numbers")
        if not np.all(np.isfinite(scores)):
            raise fail("score() returned NaN or infinite scores")
    if not np.array_equal(aligner.score(a, b), aligner.score(a, b)):
        raise fail("score() is not deterministic: two calls on the same claims differ")
