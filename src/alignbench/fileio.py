"""File helpers: atomic writes that keep file modes and follow symlinks, the output of ``-o``, and
atomic folder swaps.

Every regular file alignbench writes goes through :func:`atomic_writer`: a temporary file in the
target's folder, renamed over the target, so readers see the old file or the new one, never half. The
replaced file keeps its permission bits; a new file gets the usual ``0o666 & ~umask``. Writing to a
symlink writes its target, as ``open(path, "w")`` would. A temporary file is named
``.<name>.alignbench-<pid>-<random>.tmp``, so that the next write of the same file can tell the
leftovers of a killed writer (whose pid is gone) from anything else, and remove only those.

What a command writes with ``-o`` goes through :func:`output_writer`: ``-`` is stdout, and a FIFO or
character device (``/dev/stdout`` into a pipe, ``/dev/null``) is written in place, since replacing it
would destroy it. :func:`check_output` refuses, before any work, an output that is one of the
command's inputs, a folder, or a kind of file that cannot be written so.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import os
import re
import secrets
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from alignbench.records import UsageError


def umask_mode(base: int = 0o666) -> int:
    """``base`` with the process umask applied: the mode ``open()`` or ``mkdir()`` would give."""
    mask = os.umask(0)
    os.umask(mask)
    return base & ~mask


def _target(path: str | Path) -> Path:
    """The file a write to ``path`` lands in: symlinks followed (even dangling ones)."""
    return Path(os.path.realpath(path))


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists (on this machine)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OverflowError:
        return False
    return True


#: The end of a temporary file's name: ``.<target name>`` comes before it.
_TEMP_SUFFIX = re.compile(r"\.alignbench-(\d+)-[0-9a-f]{8}\.tmp")


def _temp_name(target: Path) -> str:
    return f".{target.name}.alignbench-{os.getpid()}-{secrets.token_hex(4)}.tmp"


def remove_stale_temp_files(target: Path) -> None:
    """Remove the temporary files that killed writes of ``target`` left beside it: regular files named
    as :func:`atomic_writer` names them, by a process that no longer exists. Nothing else."""
    pattern = re.compile(re.escape(f".{target.name}") + _TEMP_SUFFIX.pattern)
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match and entry.is_file(follow_symlinks=False) and not pid_alive(int(match.group(1))):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)


@contextlib.contextmanager
def atomic_writer(path: str | Path, binary: bool = False) -> Iterator[Any]:
    """A text (or ``binary``) handle whose contents replace ``path`` only when the block ends without error."""
    target = _target(path)
    if target.is_dir():
        raise IsADirectoryError(21, "Is a directory", str(path))
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = umask_mode()
    remove_stale_temp_files(target)
    while True:
        tmp = target.parent / _temp_name(target)
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
            break
        except FileExistsError:  # pragma: no cover - 32 random bits collided
            continue
    try:
        with os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _stat(path: str | Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None


def _std_stream(path: str | Path, st: os.stat_result | None) -> int | None:
    """1 or 2 if ``path`` is ``-`` (stdout) or the very file the process's stdout or stderr is."""
    if str(path) == "-":
        return 1
    if st is None or stat.S_ISDIR(st.st_mode):
        return None
    for fd in (1, 2):
        try:
            if os.path.samestat(st, os.fstat(fd)):
                return fd
        except OSError:
            continue
    return None


def _is_special(st: os.stat_result | None) -> bool:
    """Whether ``st`` is a file that is written in place: a FIFO or a character device."""
    return st is not None and (stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode))


def same_output(a: str | Path, b: str | Path) -> bool:
    """Whether two outputs land in the same file: the same path after symlinks, the same file
    (hard links), or both the process's stdout."""
    if str(a) == str(b) or _target(a) == _target(b):
        return True
    sa, sb = _stat(a), _stat(b)
    stream = _std_stream(a, sa)
    if stream is not None and stream == _std_stream(b, sb):
        return True
    return sa is not None and sb is not None and os.path.samestat(sa, sb)


def check_output(output: str | Path, inputs: Iterable[str | Path | None], flag: str = "-o") -> None:
    """Refuse (:class:`UsageError`, one line) an output that is (or links to) one of the command's
    input files, that names a folder, or that is a block device or socket. Called before any work."""
    text = str(output)
    if text == "-":
        return
    if text.endswith(("/", os.sep)) or os.path.basename(text) in ("", ".", ".."):
        raise UsageError(f"{flag} {output}: names a folder; give a file name")
    st = _stat(output)
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise UsageError(f"{flag} {output}: is a folder; give a file name")
    if st is not None and not (stat.S_ISREG(st.st_mode) or _is_special(st)):
        raise UsageError(
            f"{flag} {output}: is a block device or socket; write to a regular file, a FIFO, a character device "
            "or - (stdout)"
        )
    target = _target(output)
    regular = st is not None and stat.S_ISREG(st.st_mode)
    for item in inputs:
        if item is None:
            continue
        if _target(item) == target or (regular and (si := _stat(item)) is not None and os.path.samestat(st, si)):
            raise UsageError(f"{flag} {output}: is also an input of this command ({item}); choose another output file")


@contextlib.contextmanager
def output_writer(path: str | Path, binary: bool = False) -> Iterator[Any]:
    """A handle on what a command writes with ``-o``: ``-`` (or a path that is the process's stdout
    or stderr) writes to that stream, a FIFO or character device is written in place, anything
    else atomically (:func:`atomic_writer`)."""
    st = _stat(path)
    fd = _std_stream(path, st)
    if fd is not None:
        stream = sys.stdout if fd == 1 else sys.stderr
        behind = _stat_of(stream)
        if str(path) == "-" or (behind is not None and os.path.samestat(behind, os.fstat(fd))):
            stream.flush()
            yield stream.buffer if binary else stream
            stream.flush()
            return
        # the Python stream was replaced (as by a test's capture): write to the descriptor itself
        with os.fdopen(os.dup(fd), "wb") if binary else os.fdopen(os.dup(fd), "w", encoding="utf-8", newline="") as out:
            yield out
        return
    if _is_special(st):
        with open(path, "wb") if binary else open(path, "w", encoding="utf-8", newline="") as handle:
            yield handle
        return
    with atomic_writer(path, binary) as handle:
        yield handle


def _stat_of(stream: IO[Any]) -> os.stat_result | None:
    """The file behind a Python stream, or None if it has no descriptor."""
    try:
        return os.fstat(stream.fileno())
    except (OSError, ValueError, AttributeError):
        return None


def write_output(path: str | Path, data: str | bytes) -> None:
    """Write what a command outputs to ``path`` (see :func:`output_writer`)."""
    with output_writer(path, binary=isinstance(data, bytes)) as handle:
        handle.write(data)


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
