"""``check_aligner``: does a (third-party) aligner conform to what alignbench needs?

Like scikit-learn's ``check_estimator``: run it on your aligner in your own tests::

    from alignbench.testing import check_aligner
    check_aligner(MyAligner())

An aligner with the optional ``encode``/``similarity`` hook (see :mod:`alignbench.aligners`) is
also checked for it: ``encode`` gives one row per claim, ``similarity`` a valid score matrix, and
encoding all claims in one call, then scoring row slices, agrees with ``score``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np

from alignbench.aligners import check_labels, check_scores, encoded_rows, encodes, init_param_names, labels_itself
from alignbench.aligners.calls import call, frozen_rows
from alignbench.records import Claim, DataError

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
    """Raise :class:`AlignerCheckError` unless ``aligner`` conforms to the aligner protocol.

    The fit and score checks run on a clone rebuilt from ``get_params()``: ``aligner`` itself,
    fitted or not, is left as it was.
    """
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
    clone = _clone(aligner, params, fail)
    a, b = _claims("check-a", _TEXTS_A), _claims("check-b", _TEXTS_B)
    if callable(getattr(clone, "fit", None)):
        fitted = clone.fit([c.text for c in a + b])
        if fitted is not clone:
            raise fail("fit() must return self")
    for left, right in ((a, b), (b, a), (a[:1], b), (a, [])):
        try:  # as the harness calls it: tuples of claims, each call its own
            check_scores(call(clone, "score", tuple(left), tuple(right)), (len(left), len(right)), clone.name)
        except DataError as err:
            raise fail(str(err)) from None
    if not np.array_equal(clone.score(tuple(a), tuple(b)), clone.score(tuple(a), tuple(b))):
        raise fail("score() is not deterministic: two calls on the same claims differ")
    _check_no_mutation(clone, "score", (a, b), fail)
    if encodes(clone):
        _check_no_mutation(clone, "encode", (a + b,), fail)
        _check_encoding(clone, a, b, fail)
    if labels_itself(clone):
        _check_labelling(clone, a, b, fail)


def _check_labelling(aligner: Any, a: list[Claim], b: list[Claim], fail: Callable[[str], AlignerCheckError]) -> None:
    """``predict`` returns (scores, labels) of the right shapes, labels from LABELS, the same twice."""
    try:
        answers = []
        for _ in range(2):
            answer = call(aligner, "predict", tuple(a), tuple(b))
            if not isinstance(answer, tuple) or len(answer) != 2:
                raise fail(f"predict() must return a (scores, labels) tuple, got {type(answer).__name__}")
            shape = (len(a), len(b))
            answers.append(
                (
                    check_scores(answer[0], shape, aligner.name, "predict() scores"),
                    check_labels(answer[1], shape, aligner.name),
                )
            )
    except DataError as err:
        raise fail(str(err)) from None
    (s1, l1), (s2, l2) = answers
    if not (np.array_equal(s1, s2) and np.array_equal(l1, l2)):
        raise fail("predict() is not deterministic: two calls on the same claims differ")
    _check_no_mutation(aligner, "predict", (a, b), fail)


def _check_no_mutation(
    aligner: Any, method: str, inputs: tuple[list[Claim], ...], fail: Callable[[str], AlignerCheckError]
) -> None:
    """``method`` called on plain lists must leave them as they were: an aligner that sorts or edits its
    inputs in place would change the scores of every later article pair sharing those claims (the harness
    passes tuples, so such an aligner fails there; this says why)."""
    copies = [list(x) for x in inputs]
    try:
        getattr(aligner, method)(*copies)
    except Exception:  # an error here is reported by the calls above, not as mutation
        return
    if copies != [list(x) for x in inputs]:
        raise fail(
            f"{method}() changed its input list in place (sorted, edited or emptied it): inputs are shared by many "
            "calls and must be treated as read-only (alignbench passes tuples)"
        )


#: How closely encode-once scores must agree with ``score``: float32 rounding, since a model may
#: compute a batch of any size in float32 (the built-in aligners agree exactly).
ENCODE_RTOL, ENCODE_ATOL = 1e-5, 1e-6


def _check_encoding(aligner: Any, a: list[Claim], b: list[Claim], fail: Callable[[str], AlignerCheckError]) -> None:
    """``encode`` once on ``a + b``, then ``similarity`` on row slices, agrees with ``score``.

    That is how ``run_aligner`` uses the hook: a row that depended on the other claims of the call
    (a batch statistic, a vocabulary learnt in ``encode``) would show up as a disagreement.
    """
    try:
        encoded = call(aligner, "encode", tuple(a + b))
        encoded_rows(encoded, len(a + b), aligner.name)
        encoded = frozen_rows(encoded)  # read-only, as the harness hands them to similarity()
        rows_a, rows_b = encoded[: len(a)], encoded[len(a) :]
        for left, right, x, y in ((a, b, rows_a, rows_b), (b, a, rows_b, rows_a), (a[:1], b, rows_a[:1], rows_b)):
            shape = (len(left), len(right))
            once = check_scores(call(aligner, "similarity", x, y), shape, aligner.name, "similarity()")
            if not np.allclose(once, aligner.score(tuple(left), tuple(right)), rtol=ENCODE_RTOL, atol=ENCODE_ATOL):
                raise fail(
                    "encode()/similarity() on all claims at once differ from score(): each row of encode() "
                    "must depend only on its own claim"
                )
    except DataError as err:
        raise fail(str(err)) from None


def _clone(aligner: Any, params: dict[str, Any], fail: Callable[[str], AlignerCheckError]) -> Any:
    """A new, unfitted aligner built from deep copies of ``params`` (like ``sklearn.base.clone``).

    ``check_aligner`` fits and scores the clone, so the aligner it was given (its fitted state and
    its parameter objects) is never touched.
    """
    copies = {}
    for key, value in params.items():
        try:
            copies[key] = copy.deepcopy(value)
        except Exception:  # not copyable (a lock, a handle): share it
            copies[key] = value
    try:
        clone = type(aligner)(**copies)
    except Exception as err:  # a third party's constructor may raise anything
        raise fail(f"cannot rebuild from get_params(): {err}") from None
    try:
        stored = clone.get_params()
    except Exception as err:
        raise fail(f"get_params() of a rebuilt copy raised {type(err).__name__}: {err}") from None
    if not isinstance(stored, dict) or stored.keys() != copies.keys():
        raise fail("__init__ must store its parameters unchanged (get_params() of a rebuilt copy differs)")
    for key, value in copies.items():
        if not _same(stored[key], value):
            raise fail(
                f"__init__ must store its parameters unchanged (get_params() of a rebuilt copy differs: {key!r})"
            )
    return clone


def _same(stored: Any, given: Any) -> bool:
    if stored is given:
        return True
    try:
        return bool(stored == given)
    except Exception:  # e.g. arrays: ambiguous truth value
        return False
