"""Calling an aligner's own code safely: every call gets its own immutable inputs, and whatever the
plug-in raises (or ``sys.exit`` it calls) becomes one line naming the aligner, the method and the
exception, exit status 1 (``--traceback`` shows the whole trace).

Why immutable inputs: the harness scores many article pairs with the same claims; an aligner that
sorted or edited its input lists in place would silently change the scores of every later pair that
shares an article. Claims are passed as tuples of :class:`~alignbench.records.Claim` (itself an
immutable NamedTuple), texts as tuples of strings, and encoded rows as read-only arrays or tuples.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from alignbench.records import DataError, printable


class PluginError(DataError):
    """A failure inside an aligner's own code (not the user's data): one line, exit status 1.

    ``original`` keeps the exception the plug-in raised, for ``--traceback``.
    """

    def __init__(self, message: str, original: BaseException):
        super().__init__(message)
        self.original = original


def _name(aligner: Any) -> str:
    name = getattr(aligner, "name", None)
    return name if isinstance(name, str) else type(aligner).__name__


def call(aligner: Any, method: str, *args: Any) -> Any:
    """``aligner.<method>(*args)``; a plug-in's exception or ``sys.exit`` becomes a :class:`PluginError`.

    alignbench's own :class:`DataError` (e.g. a built-in aligner's missing model) passes unchanged;
    Ctrl-C too.
    """
    function: Callable[..., Any] = getattr(aligner, method)
    try:
        return function(*args)
    except (DataError, KeyboardInterrupt):
        raise
    except SystemExit as err:
        raise PluginError(f"aligner {_name(aligner)!r}: {method}() called sys.exit({err.code!r})", err) from None
    except Exception as err:  # a third party's code may raise anything
        text = printable(str(err))
        text = text if len(text) <= 200 else text[:197] + "..."
        raise PluginError(f"aligner {_name(aligner)!r}: {method}() raised {type(err).__name__}: {text}", err) from None


def frozen_rows(encoded: Any) -> Any:
    """A read-only copy of what ``encode()`` returned, so ``similarity()`` cannot change the rows that
    later pairs use: NumPy arrays and SciPy sparse matrices copied with their buffers made read-only,
    lists turned into tuples. Anything else is passed as it is (``encoded_rows`` has checked it)."""
    if isinstance(encoded, np.ndarray):
        copy = np.array(encoded, copy=True)
        copy.setflags(write=False)
        return copy
    if hasattr(encoded, "tocsr") and hasattr(encoded, "data"):  # scipy.sparse, without importing scipy
        copy = encoded.tocsr(copy=True)
        for part in ("data", "indices", "indptr"):
            getattr(copy, part).setflags(write=False)
        return copy
    if isinstance(encoded, list):
        return tuple(encoded)
    return encoded
