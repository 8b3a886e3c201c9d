"""The aligner contract: the :class:`Aligner` protocol, the optional :class:`Encoder` hook, and the
base classes that give an aligner scikit-learn style parameters (see :mod:`alignbench.aligners`)."""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any, Protocol, TypeGuard, runtime_checkable

import numpy as np

from alignbench.records import Claim, UsageError, shorten

FIELDS = ("text", "context", "statement")


@runtime_checkable
class Aligner(Protocol):
    """What ``alignbench`` needs from an aligner."""

    name: str

    def get_params(self) -> dict[str, Any]: ...

    def score(self, claims_a: Sequence[Claim], claims_b: Sequence[Claim]) -> np.ndarray: ...


class Encoder(Protocol):
    """The optional hook of an aligner that encodes each claim once (see the module docstring)."""

    name: str

    def encode(self, claims: Sequence[Claim]) -> Any: ...

    def similarity(self, encoded_a: Any, encoded_b: Any) -> np.ndarray: ...


class Labeller(Protocol):
    """The optional hook of a system that decides its own links and relations (an LLM, a rule system).

    ``predict(claims_a, claims_b)`` returns ``(scores, labels)``: ``scores`` as ``score`` would (they
    rank the candidates for the threshold-free metrics), and ``labels`` an array of the same shape of
    strings from :data:`alignbench.records.LABELS` (``"none"`` where the system makes no link). When an
    aligner has it, runs use it instead of the decoder and the relation tagger, ignore the config's
    threshold, decoder and ``equivalent_at``, and reports say that the labels came from the system.

    Two more methods are optional. ``plan(pairs)``, called once before the first ``predict`` with every
    ``(claims_a, claims_b)`` article pair of the run, lets a system check a budget and do its work in
    bulk (an API-backed system sends its requests concurrently). ``run_info()``, called after the run,
    returns a JSON-able dict that the report keeps as its ``run`` block (requests, cache hits, tokens,
    failures): provenance, left out when reports are compared.
    """

    name: str

    def predict(self, claims_a: Sequence[Claim], claims_b: Sequence[Claim]) -> tuple[np.ndarray, Any]: ...


def labels_itself(aligner: Any) -> TypeGuard[Labeller]:
    """Whether ``aligner`` decides its own links and relations (has ``predict``; see :class:`Labeller`)."""
    return callable(getattr(aligner, "predict", None))


def encodes(aligner: Any) -> TypeGuard[Encoder]:
    """Whether ``aligner`` has the optional ``encode`` and ``similarity`` methods (module docstring)."""
    return callable(getattr(aligner, "encode", None)) and callable(getattr(aligner, "similarity", None))


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
    """Parameter handling like scikit-learn's ``BaseEstimator``: ``__init__`` only stores.

    Two class attributes say how far the aligner's numbers reproduce (DESIGN §14): ``tolerance`` is
    the largest absolute difference, in any metric or interval bound of its reports, expected between
    machines (0.0: bit-reproducible, compared exactly), with ``tolerance_reason`` saying why; and
    ``packages`` names the distributions its scores depend on, whose versions every report records.
    """

    name = "base"
    tolerance: float = 0.0
    tolerance_reason: str = "bit-reproducible: no floating-point work whose result depends on the CPU"
    packages: tuple[str, ...] = ()

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
