"""Read the files of a release folder the user points alignbench to: regular files inside it only.

A release is whatever the user downloaded, and its names come from the folder and from its own
``SHA256SUMS``. Reading a name blindly can hang (a named pipe where a ``.wa`` file belongs blocks
until something writes to it), never end (``/dev/zero``), or leak files of the machine into a
published card (``../../../etc/hostname``). So every read here checks first that the name stays
inside the release folder (no absolute path, no ``..``, no symbolic link pointing out of it) and
that it is a regular file; then the file is opened without blocking and checked again.
:func:`check_checksums` checks the release's ``SHA256SUMS`` by these rules.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import stat
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from alignbench.sources.jsonl import _utf8_error

_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a named pipe",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


class ReleaseFileError(Exception):
    """A release file that is not read: ``str(err)`` says why, without the file's name; ``kind``
    is one of ``outside`` (the name leaves the folder), ``link`` (a symbolic link out of it),
    ``missing``, ``special`` (not a regular file) and ``encoding`` (not UTF-8, at ``line``)."""

    def __init__(self, kind: str, problem: str, line: int | None = None):
        super().__init__(problem)
        self.kind, self.line = kind, line

    def where(self, shown: str) -> str:
        """The one-line message for the file named ``shown``: ``shown[:line]: problem``."""
        return f"{shown}{'' if self.line is None else f':{self.line}'}: {self}"


def _kind(mode: int) -> str:
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")


def open_release_file(root: str | Path, name: str) -> BinaryIO:
    """The file ``name`` (a relative path) of the release folder ``root``, open for reading in binary.

    Raises :class:`ReleaseFileError` when ``name`` is absolute, climbs out with ``..``, resolves
    (through symbolic links) to a place outside ``root``, is missing, or is not a regular file;
    :class:`OSError` for other failures to open it.
    """
    parts = PurePosixPath(name).parts
    if PurePosixPath(name).is_absolute() or ".." in parts or not name or "\0" in name:
        raise ReleaseFileError("outside", "names a path outside the release folder (absolute or with '..'); not read")
    real_root = os.path.realpath(root)
    real = os.path.realpath(os.path.join(root, name))
    if os.path.commonpath([real_root, real]) != real_root:
        raise ReleaseFileError("link", "is a symbolic link to a file outside the release folder; not read")
    try:
        mode = os.stat(real).st_mode
    except FileNotFoundError:
        raise ReleaseFileError("missing", "is missing") from None
    if not stat.S_ISREG(mode):
        raise ReleaseFileError("special", f"is {_kind(mode)}, not a regular file; not read")
    # Non-blocking, no controlling terminal, no symlink swapped in since realpath: a file that
    # changed kind in the meantime is refused by the fstat below instead of blocking the read.
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(real, flags)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise ReleaseFileError("special", f"is {_kind(mode)}, not a regular file; not read")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_release_bytes(root: str | Path, name: str) -> bytes:
    """The bytes of a release file (see :func:`open_release_file` for what is refused)."""
    with open_release_file(root, name) as handle:
        return handle.read()


def release_file_sha256(root: str | Path, name: str) -> str:
    """Hex SHA-256 of a release file, read a block at a time."""
    digest = hashlib.sha256()
    with open_release_file(root, name) as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_release_text(root: str | Path, name: str, shown: str, warnings: list[str]) -> str:
    """A release file decoded as UTF-8; ``shown`` names it in the warning.

    A leading byte-order mark is dropped with a warning (the rest of the file reads as it would
    without it). Raises :class:`ReleaseFileError` with the line and column of the first byte that
    is not UTF-8, and as :func:`open_release_file` does.
    """
    data = read_release_bytes(root, name)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
        warnings.append(f"{shown}:1: starts with a UTF-8 byte-order mark (U+FEFF); read without it")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line, problem = _utf8_error(data, err)
        raise ReleaseFileError("encoding", problem, line) from None


def check_checksums(root: str | Path) -> list[str]:
    """Warnings, one per file of ``root/SHA256SUMS`` that is missing or whose SHA-256 differs.

    An absent or unreadable ``SHA256SUMS`` is itself a warning: nothing passes unchecked silently.
    Only regular files inside ``root`` are read: a line naming a path outside it (absolute, with
    ``..``, or through a symbolic link) or a special file (a named pipe, a device) is a warning
    that does not quote the name, and the file is not opened.
    """
    root = Path(root)
    sums = root / "SHA256SUMS"
    warnings: list[str] = []
    try:
        lines = read_release_text(root, "SHA256SUMS", str(sums), warnings).splitlines()
    except ReleaseFileError as err:
        why = "cannot be read (FileNotFoundError)" if err.kind == "missing" else None
        return [f"{sums}: {why}; no file was checked" if why else f"{err.where(str(sums))}; no file was checked"]
    except OSError as err:
        return [f"{sums}: cannot be read ({err.strerror or type(err).__name__}); no file was checked"]
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        digest, _, name = line.partition("  ")
        if len(digest) != 64 or not name:
            warnings.append(f"{sums}:{number}: expected '<sha256>  <file name>'")
            continue
        try:
            actual = release_file_sha256(root, name)
        except ReleaseFileError as err:
            if err.kind in ("outside", "link"):  # not quoted: the card, which lists warnings, is published
                what = "a path" if err.kind == "outside" else "a symbolic link to a file"
                warnings.append(f"{sums}:{number}: names {what} outside the release folder; not read")
            else:
                warnings.append(f"{sums}:{number}: {name} {err}")
            continue
        except OSError as err:
            warnings.append(f"{sums}:{number}: {name} cannot be read ({err.strerror or type(err).__name__})")
            continue
        if actual != digest:
            warnings.append(
                f"{sums}:{number}: {name} does not match its checksum (sha256 {actual[:12]}..., expected {digest[:12]}...)"
            )
    return warnings
