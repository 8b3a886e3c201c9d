"""Progress bars on a terminal only: work that takes more than a moment shows a tqdm bar on stderr
when stderr is a TTY, and nothing at all otherwise (pipes, files, CI logs stay clean)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")


def on_terminal() -> bool:
    """True if progress should be shown: stderr is an interactive terminal."""
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed stderr
        return False


def progress(items: Iterable[T], desc: str, total: int | None = None, unit: str = "it") -> Iterator[T]:
    """``items``, with a tqdm bar named ``desc`` on a terminal; the bar is removed when done."""
    if not on_terminal():
        yield from items
        return
    from tqdm import tqdm  # imported only when a bar is shown: keeps start-up fast

    with tqdm(items, desc=desc, total=total, unit=unit, leave=False, file=sys.stderr, dynamic_ncols=True) as bar:
        yield from bar


class Steps:
    """Named steps of a longer job as a progress bar on stderr when it is a terminal; silent otherwise.

    Calling it with a step's name finishes the previous step and shows the new one.
    """

    def __init__(self, total: int, enabled: bool, desc: str = "alignbench build"):
        self._bar: Any = None
        if enabled:
            from tqdm import tqdm  # imported only here: 30 ms that a pipe or a test never needs

            self._bar = tqdm(total=total, desc=desc, unit="step", file=sys.stderr, leave=False)
        self._started = False

    def __call__(self, name: str) -> None:
        if self._bar is not None:
            if self._started:
                self._bar.update(1)
            self._started = True
            self._bar.set_postfix_str(name)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()  # leave=False: the bar is wiped, the terminal keeps only the result
