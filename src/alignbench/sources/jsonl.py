"""Reading JSON Lines source files row by row, collecting every problem as ``file:line: message``.

Shared by the readers of articles, claims and links: a bad row is reported once and left out, and
the ids of rejected rows are kept so that rows referring to them are not reported again.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from alignbench.records import (
    close_match,
    shorten,
    shown_json,
)

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$")
SHA256_PATTERN = re.compile(r"^[0-9a-f]{64}$")
#: A publication date (ISO 8601): a calendar date, or a date and time with seconds optional and a UTC
#: offset (an update between reports hours apart needs the time, GUIDELINES G4.12).
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:\d{2}))?$")
#: Field types: a string, or a string or null.
_STR, _OPT = (str,), (str, type(None))


class Problems(list):
    """A list of ``file:line: message`` strings, with paths shown relative to ``root``."""

    def __init__(self, root: Path):
        super().__init__()
        self.root = root

    def add(self, path: Path, line: int | None, message: str) -> None:
        """Record one problem; ``line`` None means the file as a whole."""
        try:
            name = path.relative_to(self.root).as_posix()
        except ValueError:
            name = str(path)
        if not name.isprintable():  # a newline in a file name must not split the problem line
            name = repr(name)
        self.append(f"{name}:{line}: {message}" if line else f"{name}: {message}")


def _unexpected(err: Exception) -> str:
    """The message for an error that no check foresaw: one bad line must never be a traceback."""
    detail = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
    return f"could not be checked ({type(err).__name__}: {shorten(detail)})"


def _parse_json(line: str) -> tuple[Any, str | None]:
    """(value, None) for a line of JSON, or (None, the problem)."""
    try:
        return json.loads(line), None
    except json.JSONDecodeError as err:
        return None, f"not valid JSON ({err.msg}, column {err.colno})"
    except RecursionError:
        return None, "not valid JSON (nested too deeply)"
    except ValueError as err:
        if "integer string conversion" in str(err):
            return None, f"not valid JSON (a number with more than {sys.get_int_max_str_digits()} digits)"
        return None, f"not valid JSON ({shorten(str(err))})"


def _row_problems(
    line: str, fields: dict[str, tuple[type, ...]], optional: frozenset[str] = frozenset()
) -> tuple[Any, list[str]]:
    """(row, []) for a sound line of a JSON Lines file, or (what was parsed, its problems).

    Fields named in ``optional`` may be absent; if present they are checked like the others.
    """
    row, problem = _parse_json(line)
    if problem:
        return None, [problem]
    if not isinstance(row, dict):
        return row, ["expected a JSON object"]
    found = []
    for key in [key for key in row if key not in fields]:  # in the row's order, so output is stable
        hint = close_match(key, fields)
        found.append(f"unknown field {shorten(key)}" + (f" (did you mean {hint!r}?)" if hint else ""))
    for key, types in fields.items():
        if key not in row:
            if key not in optional:
                found.append(f"missing field {key!r}")
        elif not isinstance(row[key], types) or (isinstance(row[key], bool) and bool not in types):
            want = " or ".join("null" if t is type(None) else t.__name__ for t in types)
            found.append(f"field {key!r} must be {want}, got {shown_json(row[key])}")
    return row, found


def _salvage_id(line: str, row: Any, id_field: str) -> str | None:
    """The ``id_field`` of a rejected line, if it can still be read (from the row, or the raw text)."""
    if isinstance(row, dict):
        value = row.get(id_field)
        return value if isinstance(value, str) else None
    match = re.search(rf'"{re.escape(id_field)}"\s*:\s*("(?:[^"\\\\]|\\\\.)*")', line)
    if match is None:
        return None
    try:
        value = json.loads(match.group(1))
    except ValueError:
        return None
    return value if isinstance(value, str) else None


class Rows(list):
    """The (line, row) pairs of the sound rows of a JSON Lines file.

    ``complete`` is False when the file could not be read, is empty, or has a rejected row whose
    id could not be read: then a row elsewhere that names an unknown id may refer to that row,
    and is not reported (the unreadable row is the root cause).
    """

    complete = True


def read_jsonl(
    path: Path,
    fields: dict[str, tuple[type, ...]],
    problems: Problems,
    id_field: str | None = None,
    rejected: set[str] | None = None,
    optional: frozenset[str] = frozenset(),
) -> Rows:
    """Rows of a JSON Lines file with exactly ``fields`` of the right types, as (line, row).

    Blank lines are skipped; a row with any problem is reported and left out, and its
    ``id_field``, if it can still be read, goes to ``rejected`` so that rows referring to it
    are not reported again. An empty file is a problem.
    """
    rows = Rows()
    data, why = _read_bytes(path)
    if data is None:
        problems.add(path, None, "file not found" if why == "not found" else why)
        rows.complete = False
        return rows
    if not data.strip():
        problems.add(path, None, "is empty (expected one JSON object per line)")
        rows.complete = False
        return rows
    for number, raw_line in enumerate(data.split(b"\n"), start=1):
        row: Any = None
        try:
            line = raw_line.decode("utf-8")
        except UnicodeDecodeError as err:  # one bad byte spoils its line only
            line, found = raw_line.decode("utf-8", "replace"), [_utf8_error(raw_line, err)[1]]
        else:
            if not line.strip():
                continue
            try:
                row, found = _row_problems(line, fields, optional)
            except Exception as err:
                found = [_unexpected(err)]
        for problem in found:
            problems.add(path, number, problem)
        if not found:
            rows.append((number, row))
        elif id_field is not None and rejected is not None:
            try:
                cid = _salvage_id(line, row, id_field)
            except Exception:
                cid = None
            if cid is not None:
                rejected.add(cid)
            else:
                rows.complete = False
    return rows


def _read_bytes(path: Path) -> tuple[bytes | None, str | None]:
    """(content, None), or (None, why it cannot be read) such as "is a directory, expected a file"."""
    try:
        return path.read_bytes(), None
    except FileNotFoundError:
        return None, "not found"
    except OSError as err:
        if isinstance(err, IsADirectoryError) or os.path.isdir(path):
            return None, "is a directory, expected a file"
        return None, f"cannot be read ({err.strerror or err})"
    except ValueError as err:  # e.g. a NUL character in a file name
        return None, f"cannot be read ({err})"


def _utf8_error(data: bytes, err: UnicodeDecodeError) -> tuple[int, str]:
    """(line, message) for the first invalid UTF-8 byte of ``data``: a line and column, not a byte offset."""
    line_start = data.rfind(b"\n", 0, err.start) + 1
    line = data.count(b"\n", 0, err.start) + 1
    column = len(data[line_start : err.start].decode("utf-8")) + 1
    return line, f"not valid UTF-8 at column {column} (byte 0x{data[err.start]:02x}: {err.reason})"


def _is_folder(path: Path, problems: Problems) -> bool:
    """False (and a problem) if ``path`` is a file where a folder belongs; True otherwise, even if absent."""
    if os.path.lexists(path) and not path.is_dir():
        problems.add(path, None, "is a file, expected a folder")
        return False
    return True
