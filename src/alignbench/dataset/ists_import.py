"""``alignbench import ists2016 SRC -o OUT``: the user's copy of the iSTS-2016 release as three
alignbench dataset folders, ``OUT/headlines``, ``OUT/images`` and ``OUT/answers-students``.

Each folder is written by :func:`alignbench.dataset.writer.write_folder`, the writer of
``alignbench build``: the same four Parquet configs, each with a ``train`` and a ``test`` split,
and a dataset card (:mod:`alignbench.dataset.ists_card`). The ``alignments`` config adds three
columns (:data:`EXTRA_FEATURES`); every file's schema metadata says ``source_format: ists2016``,
which ``alignbench eval`` reads to add the task's own measure. The source hash of a folder is
taken over the release files that were read, so the file names change with the release.

Nothing of the release goes anywhere but ``OUT``: it has no licence (see the card).
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
from pathlib import Path
from typing import Any, NamedTuple

from alignbench._version import __version__
from alignbench.dataset.schema import ExtraColumns
from alignbench.dataset.writer import check_replaceable
from alignbench.progress import Steps, on_terminal
from alignbench.records import Benchmark, DataError
from alignbench.sources.importers.files import ReleaseFileError, check_checksums, release_file_sha256
from alignbench.sources.importers.ists2016 import (
    RELEASE_FILES,
    SPLITS,
    SUBSETS,
    IstsSplit,
    read_release,
)

SOURCE_FORMAT = "ists2016"
COMMAND = "alignbench import ists2016"
#: The columns that an iSTS import adds to ``alignments``, as serialised ``datasets`` features.
EXTRA_FEATURES = {
    "ists_type": {"dtype": "string", "_type": "Value"},
    "ists_score": {"dtype": "int32", "_type": "Value"},
    "group_id": {"dtype": "string", "_type": "Value"},
}
EXTRA_DESCRIPTIONS = {
    "ists_type": "the type string of the alignment line, FACT/POL modifiers kept (e.g. `SPE1_FACT`)",
    "ists_score": "the line's 0-5 score; null for `NIL`",
    "group_id": (
        "one id per alignment line (`<pair>-gNN`, NN = the line's place in the pair): a line that joins "
        "several chunks gives a link for every chunk pair it joins, all with its id"
    ),
}


class ImportResult(NamedTuple):
    """What an import did: its warnings (as printed) and, with ``check``, the stale files by subset."""

    folders: tuple[Path, ...]
    warnings: tuple[str, ...]
    stale: dict[str, list[str]]
    pairs: dict[str, dict[str, int]]  # subset -> split -> sentence pairs


def release_files(subset: str) -> list[str]:
    """The release files (relative paths) that the import of ``subset`` reads, train then test."""
    out = []
    for split in SPLITS:
        base = RELEASE_FILES[split, subset]
        out += [f"{base}.wa", f"{base}.sent1.chunk.txt", f"{base}.sent2.chunk.txt"]
    return out


def release_hash(root: str | Path, subset: str) -> str:
    """SHA-256 over the relative paths and contents of the release files of ``subset``."""
    digest = hashlib.sha256()
    for name in release_files(subset):
        digest.update(name.encode("utf-8") + b"\0")
        try:
            digest.update(bytes.fromhex(release_file_sha256(root, name)))
        except ReleaseFileError as err:  # (changed since it was read)
            raise DataError(err.where(str(Path(root) / name))) from None
    return digest.hexdigest()


def relative(problem: str, root: str | Path) -> str:
    """A warning with the release folder's path taken off its file names (the card is the same
    wherever the release sits)."""
    return problem.replace(str(Path(root)) + "/", "")


def subset_records(splits: list[IstsSplit]) -> tuple[Benchmark, ExtraColumns]:
    """One subset's splits as one benchmark (articles carry their split) and its extra columns."""
    articles = tuple(sorted((a for s in splits for a in s.benchmark.articles), key=lambda a: a.article_id))
    claims = tuple(sorted((c for s in splits for c in s.benchmark.claims), key=lambda c: c.claim_id))
    links = sorted((link for s in splits for link in s.links), key=lambda x: (x.claim_a, x.claim_b))
    bench = Benchmark(articles, claims, tuple(link.alignment() for link in links))
    values = {(x.claim_a, x.claim_b): (x.ists_type, x.ists_score, x.group_id) for x in links}
    return bench, ExtraColumns(EXTRA_FEATURES, values, EXTRA_DESCRIPTIONS)


#: Names of the temporary folders that the writer leaves beside a subset folder while it works.
_TEMP = re.compile(r"^\.(" + "|".join(map(re.escape, SUBSETS)) + r")-(build|old)-\d+-[0-9a-f]+$")


def _concerning(sums: list[str], subset: str) -> list[str]:
    """The checksum warnings that a subset's card lists: those naming one of its files, and those
    naming no file that another subset reads (an unreadable ``SHA256SUMS``, a README...)."""
    mine = release_files(subset)
    others = [f for s in SUBSETS if s != subset for f in release_files(s)]
    return [w for w in sums if any(f" {f} " in w for f in mine) or not any(f" {f} " in w for f in others)]


def check_out(out: Path) -> None:
    """Raise a one-line :class:`DataError` unless ``out`` is absent, empty, or holds only folders
    that an import wrote (``headlines``... and the writer's temporary folders)."""
    if out.is_symlink():
        target = os.readlink(out)
        raise DataError(
            f"{out}: is a symbolic link (to {target}); refusing to write through it (nothing was changed): "
            "give the folder it points to, or a new -o folder"
        )
    if out.exists() and not out.is_dir():
        raise DataError(f"{out}: exists and is not a folder; refusing to write there (nothing was changed)")
    if not out.exists():
        return
    foreign = sorted(
        p.name + (" (a symbolic link)" if p.is_symlink() else "")
        for p in out.iterdir()
        if not ((p.name in SUBSETS or _TEMP.match(p.name)) and p.is_dir() and not p.is_symlink())
    )
    if foreign:
        more = f" and {len(foreign) - 1} more" if len(foreign) > 1 else ""
        raise DataError(
            f"{out}: holds {foreign[0]!r}{more}, which '{COMMAND}' did not write; refusing to write there "
            "(nothing was changed): choose an empty or new -o folder"
        )
    for subset in SUBSETS:
        if (out / subset).exists():
            check_replaceable(out / subset, COMMAND)


class _Subset(NamedTuple):
    """One subset ready to write: its records and what :func:`write_folder` needs besides."""

    name: str
    bench: Benchmark
    options: dict[str, Any]


def _prepare(src: Path, release: dict[tuple[str, str], IstsSplit], sums: list[str]) -> tuple[list[_Subset], list[str]]:
    """Every subset's records, card and extras (nothing written), and the warnings in order."""
    from alignbench.dataset.ists_card import ists_card

    prepared, warnings = [], [*sums]
    for subset in SUBSETS:
        splits = [release[subset, split] for split in SPLITS]
        found = [w for s in splits for w in s.warnings]
        warnings += found
        bench, extra = subset_records(splits)
        content_hash = release_hash(src, subset)
        card_warnings = [relative(w, src) for w in (*_concerning(sums, subset), *found)]
        card = functools.partial(
            ists_card,
            subset,
            splits,
            version=__version__,
            content_hash=content_hash,
            warnings=card_warnings,
            extra=extra,
        )
        options = {
            "version": __version__,
            "content_hash": content_hash,
            "card": card,
            "extras": {"alignments": extra},
            "metadata": {"source_format": SOURCE_FORMAT, "subset": subset},
        }
        prepared.append(_Subset(subset, bench, options))
    return prepared, warnings


def _missing_top(path: Path) -> Path | None:
    """The outermost folder of ``path`` and its parents that does not exist (None if ``path`` does)."""
    top = None
    while not os.path.lexists(path):
        top, path = path, path.parent
    return top


def _write_all(out: Path, subsets: list[_Subset], step: Steps) -> None:
    """Write every subset folder into a temporary folder first, then swap them all in
    (:func:`~alignbench.dataset.writer.swap_in_all`). On a failure nothing of ``out`` changes:
    the temporary folders go, and so do the folders this call created for ``out``."""
    from alignbench.dataset.writer import stage_folder, swap_in_all

    created = _missing_top(out)
    staged: list[tuple[Path, Path]] = []
    try:
        for subset in subsets:
            staged.append(
                (
                    stage_folder(subset.bench, out / subset.name, step=step, command=COMMAND, **subset.options),
                    out / subset.name,
                )
            )
        step(f"replacing the subset folders of {out}")
        for subset in subsets:  # (they could have changed while the new ones were written)
            check_replaceable(out / subset.name, COMMAND)
        swap_in_all(staged)
    except BaseException:
        for tmp, _ in staged:
            shutil.rmtree(tmp, ignore_errors=True)
        if created is not None:
            folder = out
            while True:  # only empty folders: whatever someone else put there stays
                try:
                    folder.rmdir()
                except OSError:
                    break
                if folder == created:
                    break
                folder = folder.parent
        raise


def import_ists2016(
    src: str | Path, out: str | Path, *, check: bool = False, progress: bool | None = None
) -> ImportResult:
    """Import the release at ``src`` into ``out`` (one folder per subset); with ``check``, only
    compare with what is there.

    Every subset is read and written to a temporary folder before any folder of ``out`` is
    replaced; then all are swapped in (see :func:`~alignbench.dataset.writer.swap_in_all`).
    Raises :class:`DataError` listing every error of the release, or when ``out`` holds files that
    an import did not write; then nothing in ``out`` is changed. Checksum mismatches and the
    release's repaired faults are warnings: returned, and listed in each folder's card.
    """
    from alignbench.dataset.writer import WRITE_STEPS, write_folder

    src, out = Path(src), Path(out)
    if not src.is_dir():
        raise DataError(f"{src}: no such folder (expected the iSTS-2016 release, with train/ and test/)")
    if not check:
        check_out(out)
    # (a check compares each folder in its own step; a write stages each, then swaps all in one step)
    steps = 2 + len(SUBSETS) * WRITE_STEPS if check else 3 + len(SUBSETS) * (WRITE_STEPS - 1)
    step = Steps(steps, on_terminal() if progress is None else progress, COMMAND)
    try:
        step("checking SHA256SUMS")
        sums = check_checksums(src)
        step("reading the release")
        release = read_release(src)
        pairs = {subset: {s: len(release[subset, s].benchmark.articles) // 2 for s in SPLITS} for subset in SUBSETS}
        subsets, warnings = _prepare(src, release, sums)
        if not check:
            _write_all(out, subsets, step)
            return ImportResult(tuple(out / s.name for s in subsets), tuple(warnings), {}, pairs)
        folders, stale = [], {}
        for subset in subsets:
            folder = out / subset.name
            if not folder.is_dir():
                stale[subset.name] = [f"{subset.name}/ is missing"]
                continue
            result = write_folder(subset.bench, folder, check=True, step=step, command=COMMAND, **subset.options)
            if result:
                stale[subset.name] = [f"{subset.name}/{item}" for item in result]
            folders.append(folder)
        return ImportResult(tuple(folders), tuple(warnings), stale, pairs)
    finally:
        step.close()
