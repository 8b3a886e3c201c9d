"""Write a dataset folder from a :class:`~alignbench.records.Benchmark`, safely: the one writer of
``alignbench build`` (the bundled ``data/``) and ``alignbench import`` (a peer benchmark).

A folder holds one Parquet file per config and split (``<config>/<split>-<tag>.parquet``) and the
dataset card ``README.md``. Writing is deterministic (sorted rows, fixed writer settings) and safe:

- it writes into a temporary folder beside the target and swaps it in with one atomic exchange
  (Linux ``renameat2``), so a kill at any moment leaves the old folder or the new one; where the
  exchange is not available it renames twice and the next write restores the old folder if a kill
  fell between the two renames;
- it records who wrote the folder and every file it wrote in the card (the manifest,
  :mod:`alignbench.dataset.manifest`) and replaces only a folder whose every file is in the manifest
  of a folder of its own kind; any other file in the way is an error and nothing is touched;
- with ``check`` it writes only a folder in the system's temporary directory, lists what differs from
  the target and touches nothing beside the target (not even the leftovers of killed writes).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alignbench.dataset import croissant
from alignbench.dataset.manifest import CARD, PLAN, add_manifest, foreign_files, write_plan
from alignbench.dataset.schema import CONFIGS, SPLIT, Extras, file_tag, parquet_path
from alignbench.dataset.tables import tables
from alignbench.fileio import pid_alive as _pid_alive
from alignbench.progress import Steps
from alignbench.records import Benchmark, DataError

if TYPE_CHECKING:
    import pyarrow as pa

_OWN_PARQUET = re.compile(r"^(?:" + "|".join(CONFIGS) + r")/[a-z][a-z0-9_]*-[A-Za-z0-9._-]+\.parquet$")
#: The card text of a folder, given the rows of each config in each split (split -> config -> rows).
CardWriter = Callable[[dict[str, dict[str, int]]], str]
#: Further files of a folder, {name: text}, made from the folder whose Parquet files are written and the
#: splits (``build``: croissant.json, which holds the files' checksums).
ExtraWriter = Callable[[Path, list[str]], dict[str, str]]
#: Steps that :func:`write_folder` reports (besides those of its caller).
WRITE_STEPS = len(CONFIGS) + 2


def _write_parquet(path: Path, parts: Iterable[pa.Table]) -> int:
    """Write consecutive tables as one Parquet file, a row group per table (as ``pq.write_table``
    writes a table of up to 1,048,576 rows); return the number of rows."""
    import pyarrow.parquet as pq

    rows, writer, parts = 0, None, iter(parts)
    try:
        while (part := next(parts, None)) is not None:
            if writer is None:
                writer = pq.ParquetWriter(
                    path, part.schema, compression="snappy", use_dictionary=True, write_statistics=True
                )
            writer.write_table(part)
            rows += part.num_rows
            del part  # (a for loop would keep it while the next part is made)
    finally:
        if writer is not None:
            writer.close()
    return rows


def _write_dataset(
    bench: Benchmark,
    folder: Path,
    version: str,
    content_hash: str,
    card: CardWriter,
    step: Steps,
    extras: Extras | None,
    metadata: Mapping[str, str] | None,
    written_by: str,
    extra_files: ExtraWriter | None = None,
) -> None:
    """Write the Parquet files and the card (with the manifest of what was written) into ``folder``,
    which holds the plan of what is to be written while the files are written."""
    counts: dict[str, dict[str, int]] = {}  # split -> config -> rows
    splits = sorted(bench.splits() or [SPLIT], key=lambda s: (s != SPLIT, s))  # test first
    tag = file_tag(version, content_hash)
    planned = [CARD, *(parquet_path(config, tag, split) for config in CONFIGS for split in splits)]
    write_plan(folder, written_by, planned)
    for config in CONFIGS:
        step(f"writing {config}")
        for split in splits:
            path = folder / parquet_path(config, tag, split)
            path.parent.mkdir(parents=True, exist_ok=True)
            part = bench.split(split)
            counts.setdefault(split, {})[config] = _write_parquet(
                path, tables(part, config, version, content_hash, split, extras, metadata)
            )
    step("writing the dataset card")
    extra = extra_files(folder, splits) if extra_files else {}
    if extra:  # the extra files (croissant.json) are planned too, before they are written
        planned = [*planned, *extra]
        write_plan(folder, written_by, planned)
    for name, text in extra.items():
        (folder / name).write_text(text, encoding="utf-8")
    written = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != PLAN)
    (folder / CARD).write_text(add_manifest(card(counts), written_by, [CARD, *written]), encoding="utf-8")
    if sorted(planned) != sorted([CARD, *written]):  # pragma: no cover - the plan and the writer disagree
        raise RuntimeError(f"wrote {written}, planned {planned}")
    (folder / PLAN).unlink()


def _files(folder: Path) -> dict[str, str]:
    """{key: relative path}: the key of a Parquet file is its config and split, without the tag."""
    if not folder.is_dir():
        return {}
    out = {}
    for path in folder.rglob("*"):
        if path.is_file():
            name = path.relative_to(folder).as_posix()
            key = re.sub(r"-v[^/]*\.parquet$", ".parquet", name) if _OWN_PARQUET.match(name) else name
            out[key] = name
    return out


def _same_rows(a: Any, b: Any, batch_rows: int = 65_536) -> bool:
    """Whether two ``pq.ParquetFile`` hold equal rows, read a slice at a time (row groups may differ)."""

    def batches(f: Any) -> Any:
        return (batch for batch in f.iter_batches(batch_size=batch_rows) if batch.num_rows)

    xs, ys = batches(a), batches(b)
    x, y = next(xs, None), next(ys, None)
    while x is not None and y is not None:
        n = min(x.num_rows, y.num_rows)
        if not x.slice(0, n).equals(y.slice(0, n)):
            return False
        x = x.slice(n) if n < x.num_rows else next(xs, None)
        y = y.slice(n) if n < y.num_rows else next(ys, None)
    return x is None and y is None


def _parquet_difference(built: Path, existing: Path) -> str | None:
    """What differs between two Parquet files (rows, or only the schema metadata), None if nothing."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    with pq.ParquetFile(built) as new:
        try:
            with pq.ParquetFile(existing) as old:
                if new.metadata.num_rows != old.metadata.num_rows or not new.schema_arrow.equals(old.schema_arrow):
                    return "rows differ"
                if not _same_rows(new, old):
                    return "rows differ"
                if not new.schema_arrow.equals(old.schema_arrow, check_metadata=True):
                    return "version or source hash differs"
        except (pa.ArrowException, OSError):
            return "not a readable Parquet file"
    return None


def stale_files(built: Path, existing: Path) -> list[str]:
    """Files of ``existing`` that differ from ``built`` (Parquet compared by contents, not bytes)."""
    stale = []
    new, old = _files(built), _files(existing)
    for key in sorted(new.keys() | old.keys()):
        if key not in old:
            stale.append(f"{new[key]} is missing")
        elif key not in new:
            stale.append(f"{old[key]} should not be there")
        elif key == croissant.FILE_NAME:
            difference = croissant.croissant_difference((built / new[key]).read_text(encoding="utf-8"), existing / key)
            if difference:
                stale.append(f"{old[key]} is stale ({difference})")
        elif key.endswith(".parquet"):
            difference = _parquet_difference(built / new[key], existing / old[key])
            renamed = f" (expected name {new[key]})" if new[key] != old[key] else ""
            if difference:
                stale.append(f"{old[key]} is stale ({difference}){renamed}")
            elif renamed:
                stale.append(f"{old[key]} is stale{renamed}")
        elif (built / new[key]).read_bytes() != (existing / old[key]).read_bytes():
            stale.append(f"{old[key]} is stale")
    return stale


def check_replaceable(out: Path, command: str = "alignbench build") -> None:
    """Raise :class:`DataError` unless ``out`` is absent, empty, or a dataset folder that ``command``
    wrote (every file in it listed in its manifest)."""
    from alignbench.dataset.manifest import read_manifest

    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise DataError(f"{out}: exists and is not a dataset folder; refusing to replace it (nothing was changed)")
    if not out.exists():
        return
    manifest = read_manifest(out)
    if manifest is not None and manifest.written_by != command:
        raise DataError(
            f"{out}: is a dataset folder written by '{manifest.written_by}', not by '{command}'; refusing to "
            "replace it (nothing was changed): choose an empty or new folder"
        )
    foreign = foreign_files(out, command)
    if foreign:
        more = f" and {len(foreign) - 1} more" if len(foreign) > 1 else ""
        raise DataError(
            f"{out}: holds {foreign[0]!r}{more}, which '{command}' did not write; refusing to replace "
            f"the folder (nothing was changed): choose an empty or new folder"
        )


TEMP_NAME = r"\.{name}-(build|old)-(\d+)-[0-9a-f]+"


def _recover(out: Path, command: str = "alignbench build") -> None:
    """Clean up after killed writes of ``out`` by ``command``: restore ``out`` if a kill fell between
    two renames, and remove the temporary folders of dead writers (only if they hold nothing but what
    such a writer wrote or planned to write)."""
    pattern = re.compile("^" + TEMP_NAME.format(name=re.escape(out.name)) + "$")
    if not out.parent.is_dir():
        return
    for path in sorted(out.parent.iterdir()):
        match = pattern.match(path.name)
        if not match or not path.is_dir() or path.is_symlink() or _pid_alive(int(match.group(2))):
            continue
        if foreign_files(path, command, temporary=True):
            continue  # not only ours: leave it for the user
        if match.group(1) == "old" and not out.exists():
            os.replace(path, out)
        else:
            shutil.rmtree(path)


def _swap_in(tmp: Path, out: Path, token: str) -> None:
    """Make ``tmp`` the new ``out``; the old ``out`` survives a kill at any moment."""
    from alignbench.fileio import exchange

    if not out.exists():
        os.replace(tmp, out)
        return
    if exchange(tmp, out):
        shutil.rmtree(tmp)  # it now holds the old dataset
        return
    old = out.parent / f".{out.name}-old-{os.getpid()}-{token}"
    os.replace(out, old)  # a kill here leaves `old`; _recover puts it back on the next build
    os.replace(tmp, out)
    shutil.rmtree(old)


def stage_folder(
    bench: Benchmark,
    out: str | Path,
    *,
    version: str,
    content_hash: str,
    card: CardWriter,
    extras: Extras | None = None,
    metadata: Mapping[str, str] | None = None,
    step: Steps | None = None,
    command: str = "alignbench build",
    extra_files: ExtraWriter | None = None,
) -> Path:
    """Write ``bench`` into a new temporary folder beside ``out`` and return it (the first half of
    :func:`write_folder`); on any failure the temporary folder is removed. ``out`` is not touched:
    :func:`swap_in` makes the folder ``out``, or the caller removes it."""
    out = Path(out)
    step = step if step is not None else Steps(WRITE_STEPS, False)
    _recover(out, command)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}-build-{os.getpid()}-{secrets.token_hex(4)}"
    tmp.mkdir()
    try:
        _write_dataset(bench, tmp, version, content_hash, card, step, extras, metadata, command, extra_files)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return tmp


def _adopt_mode(tmp: Path, out: Path) -> None:
    """Give ``tmp`` the mode of the folder ``out`` it is to replace (a new folder's, if none)."""
    from alignbench.fileio import umask_mode

    os.chmod(tmp, (out.stat().st_mode & 0o7777) if out.is_dir() else umask_mode(0o777))


def swap_in(tmp: Path, out: Path) -> None:
    """Make the staged folder ``tmp`` (:func:`stage_folder`) the folder ``out``, keeping the mode of
    the folder it replaces; the old ``out`` survives a kill at any moment."""
    _adopt_mode(tmp, out)
    _swap_in(tmp, out, secrets.token_hex(4))


def swap_in_all(staged: list[tuple[Path, Path]]) -> None:
    """Make each staged folder ``tmp`` its ``out``, for every ``(tmp, out)``, as one unit as far as
    the file system allows: the old folders are kept aside until every swap is done, and if one
    swap fails, those done are swapped back, so a failure leaves all the old folders or all the
    new ones. (A kill between two swaps can still leave some new and some old folders: there is
    no atomic rename of several folders.) A staged folder that is not swapped in stays for the
    caller to remove."""
    from alignbench.fileio import exchange

    done: list[tuple[Path, Path, Path | None]] = []  # (tmp, out, where the old out is now)
    try:
        for tmp, out in staged:
            _adopt_mode(tmp, out)
            if not out.exists():
                os.replace(tmp, out)
                done.append((tmp, out, None))
            elif exchange(tmp, out):
                done.append((tmp, out, tmp))  # tmp now holds the old folder
            else:
                old = out.parent / f".{out.name}-old-{os.getpid()}-{secrets.token_hex(4)}"
                os.replace(out, old)  # a kill here leaves `old`: _recover puts it back
                os.replace(tmp, out)
                done.append((tmp, out, old))
    except BaseException:
        for tmp, out, old in reversed(done):
            if old == tmp:
                exchange(tmp, out)
            else:
                os.replace(out, tmp)
                if old is not None:
                    os.replace(old, out)
        raise
    for _, _, old in done:
        if old is not None:
            shutil.rmtree(old)


def write_folder(
    bench: Benchmark,
    out: str | Path,
    *,
    version: str,
    content_hash: str,
    card: CardWriter,
    extras: Extras | None = None,
    metadata: Mapping[str, str] | None = None,
    check: bool = False,
    step: Steps | None = None,
    command: str = "alignbench build",
    extra_files: ExtraWriter | None = None,
) -> list[str]:
    """Write ``bench`` (every split of it) as the dataset folder ``out``; with ``check``, only compare.

    ``card`` makes the dataset card from the row counts; ``extra_files`` makes further files (build:
    croissant.json); ``extras`` adds columns to configs and
    ``metadata`` keys to every file's schema metadata. Returns the stale files found by ``check``
    (empty after a write). Raises :class:`DataError` when ``out`` holds files that alignbench did
    not write (``command`` names the command in the message); then nothing is written.
    """
    out = Path(out)
    step = step if step is not None else Steps(WRITE_STEPS, False)
    if check:  # touch nothing beside the target: the comparison is built elsewhere
        with tempfile.TemporaryDirectory(prefix="alignbench-check-") as scratch:
            tmp = Path(scratch) / out.name
            tmp.mkdir()
            _write_dataset(bench, tmp, version, content_hash, card, step, extras, metadata, command, extra_files)
            step(f"comparing with {out}")
            return stale_files(tmp, out)
    check_replaceable(out, command)
    tmp = stage_folder(
        bench,
        out,
        version=version,
        content_hash=content_hash,
        card=card,
        extras=extras,
        metadata=metadata,
        step=step,
        command=command,
        extra_files=extra_files,
    )
    try:
        step(f"replacing {out}")
        swap_in(tmp, out)
        return []
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
