"""Progress bars on a terminal only: work that takes more than a moment shows a tqdm bar on stderr
when stderr is a TTY, and nothing at all otherwise (pipes, files, CI logs stay clean)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

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
