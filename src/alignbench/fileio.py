"""File helpers: atomic writes that keep file modes and follow symlinks, and atomic folder swaps.

Every file alignbench writes goes through :func:`write_text_atomic`: a temporary file in the target's
folder, renamed over the target, so readers see the old file or the new one, never half. The
replaced file keeps its permission bits; a new file gets the usual ``0o666 & ~umask`` (``mkstemp``
alone would leave 0600). Writing to a symlink writes its target, as ``open(path, "w")`` would.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from alignbench.records import UsageError


def umask_mode(base: int = 0o666) -> int:
    """``base`` with the process umask applied: the mode ``open()`` or ``mkdir()`` would give."""
    mask = os.umask(0)
    os.umask(mask)
    return base & ~mask


def _target(path: str | Path) -> Path:
    """The file a write to ``path`` lands in: symlinks followed (even dangling ones)."""
    return Path(os.path.realpath(path))


def check_output(output: str | Path, inputs: Iterable[str | Path | None]) -> None:
    """Refuse an output path that is (or links to) one of the command's input files."""
    target = _target(output)
    for item in inputs:
        if item is not None and _target(item) == target:
            raise UsageError(f"-o {output}: is also an input of this command ({item}); choose another output file")


@contextlib.contextmanager
def atomic_writer(path: str | Path, binary: bool = False) -> Iterator[TextIO]:
    """A text (or ``binary``) handle whose contents replace ``path`` only when the block ends without error."""
    target = _target(path)
    if target.is_dir():
        raise IsADirectoryError(21, "Is a directory", str(path))
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = umask_mode()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new one, never half."""
    with atomic_writer(path) as handle:
        handle.write(text)


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, like :func:`write_text_atomic`."""
    with atomic_writer(path, binary=True) as handle:
        handle.write(data)  # type: ignore[arg-type]


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap two existing paths (Linux ``renameat2(RENAME_EXCHANGE)``).

    Returns False where the system or file system cannot do it; then nothing was changed.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    errno = ctypes.get_errno()
    if errno in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: not supported here
        return False
    raise OSError(errno, os.strerror(errno), str(b))
