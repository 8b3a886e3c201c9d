"""Aligners: score every claim pair of two articles; decoders and a tagger turn scores into links.

An aligner is any object with a ``name``, parameters stored by ``__init__`` (scikit-learn style:
``get_params()`` is recorded in reports, fitted state ends with ``_``), an optional
``fit(texts)`` and ``score(claims_a, claims_b) -> ndarray`` of shape (|a|, |b|), higher = more
likely linked. Built-in aligners are registered by name; a user's own aligner is named
``"package.module:Class"`` and imported lazily. ``alignbench.testing.check_aligner`` checks one.
"""

from __future__ import annotations

import contextlib
import difflib
import importlib
import inspect
import os
import sys
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

from alignbench.records import Claim, DataError

#: Built-in aligners, as lazy ``module:Class`` strings.
REGISTRY: dict[str, str] = {
    "tfidf": "alignbench.aligners.lexical:TfidfAligner",
    "tfidf-char": "alignbench.aligners.lexical:TfidfCharAligner",
    "fuzzy": "alignbench.aligners.lexical:FuzzyAligner",
    "random": "alignbench.aligners.floors:RandomAligner",
    "all-pairs": "alignbench.aligners.floors:AllPairsAligner",
}

FIELDS = ("text", "context", "statement")


@runtime_checkable
class Aligner(Protocol):
    """What ``alignbench`` needs from an aligner."""

    name: str

    def get_params(self) -> dict[str, Any]: ...

    def score(self, claims_a: Sequence[Claim], claims_b: Sequence[Claim]) -> np.ndarray: ...


def check_scores(scores: Any, shape: tuple[int, int], name: object) -> np.ndarray:
    """The score matrix an aligner returned, as float64, or :class:`DataError` naming the aligner.

    It must be a ``numpy.ndarray`` of real numbers (integer or float dtype: not bool, complex,
    object or strings) of ``shape`` (|claims_a|, |claims_b|), all finite. ``check_aligner`` and
    ``run_aligner`` both use this one check.
    """
    where = f"aligner {name!r}: score()"
    if not isinstance(scores, np.ndarray):
        raise DataError(f"{where} returned {type(scores).__name__}, expected a numpy.ndarray")
    if scores.shape != tuple(shape):
        raise DataError(f"{where} returned shape {scores.shape}, expected {tuple(shape)} (|claims_a| x |claims_b|)")
    if not (np.issubdtype(scores.dtype, np.integer) or np.issubdtype(scores.dtype, np.floating)):
        raise DataError(f"{where} returned dtype {scores.dtype}, expected real numbers")
    if not np.all(np.isfinite(scores)):
        raise DataError(f"{where} returned NaN or infinite scores")
    return np.asarray(scores, dtype=np.float64)


def init_param_names(cls: type) -> list[str]:
    """The parameters of ``cls.__init__`` in signature order, keyword-only ones included.

    Like scikit-learn's ``BaseEstimator._get_param_names``: an aligner must name every parameter,
    so ``*args``, ``**kwargs`` (and positional-only parameters, which cannot be passed back by
    name) raise :class:`TypeError`.
    """
    init = cls.__init__
    if init is object.__init__:  # no __init__ of its own: no parameters
        return []
    names = []
    for p in inspect.signature(init).parameters.values():
        if p.name == "self":
            continue
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD, p.POSITIONAL_ONLY):
            star = {p.VAR_POSITIONAL: "*", p.VAR_KEYWORD: "**"}.get(p.kind, "")
            what = "positional-only " if p.kind == p.POSITIONAL_ONLY else ""
            raise TypeError(
                f"{cls.__name__}.__init__ takes {what}{star}{p.name}: an aligner must name every parameter in "
                "the signature of its __init__, to be passed by keyword (no *args, **kwargs or positional-only "
                "parameters), so that get_params() can record it"
            )
        names.append(p.name)
    return names


class BaseAligner:
    """Parameter handling like scikit-learn's ``BaseEstimator``: ``__init__`` only stores."""

    name = "base"

    @classmethod
    def _param_names(cls) -> list[str]:
        return init_param_names(cls)

    def get_params(self) -> dict[str, Any]:
        """The constructor parameters (positional-or-keyword and keyword-only) and their current values."""
        return {name: getattr(self, name) for name in self._param_names()}

    def fit(self, texts: Sequence[str]) -> BaseAligner:
        """Learn from unlabelled texts (no-op by default); returns self."""
        return self

    def texts(self, claims: Sequence[Claim]) -> list[str]:
        """The text of each claim that this aligner reads (``field``: text, context or statement)."""
        field = getattr(self, "field", "text")
        if field not in FIELDS:
            raise DataError(f"{self.name}: field must be one of {', '.join(FIELDS)}, got {field!r}")
        return [(getattr(c, field) or c.text) for c in claims]

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"


def _import_from_cwd(module_name: str) -> Any:
    """Import a user's module with the working directory first on ``sys.path``, as ``python -m`` does.

    The directory is added only for this import (and not if it is already on the path).
    """
    cwd = os.getcwd()
    added = not any(isinstance(p, str) and os.path.abspath(p or os.curdir) == cwd for p in sys.path)
    if added:
        sys.path.insert(0, cwd)
    importlib.invalidate_caches()  # the module may have just been written
    try:
        return importlib.import_module(module_name)
    finally:
        if added:
            with contextlib.suppress(ValueError):
                sys.path.remove(cwd)


def _import(spec: str, user: bool = False) -> type:
    module_name, _, attr = spec.partition(":")
    try:
        module = _import_from_cwd(module_name) if user else importlib.import_module(module_name)
    except ImportError as err:
        raise DataError(f"cannot import aligner module {module_name!r}: {err}") from None
    try:
        return getattr(module, attr)
    except AttributeError:
        raise DataError(f"module {module_name!r} has no aligner class {attr!r}") from None


def get_aligner(name: str, **params: Any) -> Aligner:
    """An aligner by registered name or ``"package.module:Class"``, built with ``params``."""
    if ":" in name:
        cls = _import(name, user=True)
    elif name in REGISTRY:
        cls = _import(REGISTRY[name])
    else:
        hint = difflib.get_close_matches(name, REGISTRY, n=1)
        known = ", ".join(REGISTRY)
        raise DataError(
            f"unknown aligner {name!r}"
            + (f" (did you mean {hint[0]!r}?)" if hint else "")
            + f"; built-in: {known}; or give package.module:Class"
        )
    try:
        return cls(**params)
    except TypeError as err:
        raise DataError(f"cannot build aligner {name!r} with parameters {params}: {err}") from None


def parse_params(items: Sequence[str]) -> dict[str, Any]:
    """``["k=v", ...]`` to a dict; values are read as JSON when they parse (numbers, true, null)."""
    import json

    params: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise DataError(f"--param {item!r}: expected KEY=VALUE")
        try:
            params[key] = json.loads(value)
        except json.JSONDecodeError:
            params[key] = value
    return params
