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
import re
from pathlib import Path
from typing import NamedTuple

from alignbench._version import __version__
from alignbench.dataset.schema import ExtraColumns
from alignbench.progress import Steps, on_terminal
from alignbench.records import Benchmark, DataError
from alignbench.sources.importers.ists2016 import (
    RELEASE_FILES,
    SPLITS,
    SUBSETS,
    IstsSplit,
    check_checksums,
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
        digest.update(hashlib.sha256((Path(root) / name).read_bytes()).digest())
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
    from alignbench.dataset.writer import check_replaceable

    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise DataError(f"{out}: exists and is not a folder; refusing to write there (nothing was changed)")
    if not out.exists():
        return
    foreign = sorted(p.name for p in out.iterdir() if not ((p.name in SUBSETS or _TEMP.match(p.name)) and p.is_dir()))
    if foreign:
        more = f" and {len(foreign) - 1} more" if len(foreign) > 1 else ""
        raise DataError(
            f"{out}: holds {foreign[0]!r}{more}, which '{COMMAND}' did not write; refusing to write there "
            "(nothing was changed): choose an empty or new -o folder"
        )
    for subset in SUBSETS:
        if (out / subset).exists():
            check_replaceable(out / subset, COMMAND)


def import_ists2016(
    src: str | Path, out: str | Path, *, check: bool = False, progress: bool | None = None
) -> ImportResult:
    """Import the release at ``src`` into ``out`` (one folder per subset); with ``check``, only
    compare with what is there.

    Raises :class:`DataError` listing every error of the release, or when ``out`` holds files that
    an import did not write (then nothing is written). Checksum mismatches and the release's
    repaired faults are warnings: returned, and listed in each folder's card.
    """
    from alignbench.dataset.ists_card import ists_card
    from alignbench.dataset.writer import WRITE_STEPS, write_folder

    src, out = Path(src), Path(out)
    if not src.is_dir():
        raise DataError(f"{src}: no such folder (expected the iSTS-2016 release, with train/ and test/)")
    if not check:
        check_out(out)
    step = Steps(2 + len(SUBSETS) * WRITE_STEPS, on_terminal() if progress is None else progress, COMMAND)
    try:
        step("checking SHA256SUMS")
        sums = check_checksums(src)
        step("reading the release")
        release = read_release(src)
        warnings = [*sums]
        folders, stale = [], {}
        pairs = {subset: {s: len(release[subset, s].benchmark.articles) // 2 for s in SPLITS} for subset in SUBSETS}
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
            folder = out / subset
            if check and not folder.is_dir():
                stale[subset] = [f"{subset}/ is missing"]
                continue
            result = write_folder(
                bench,
                folder,
                version=__version__,
                content_hash=content_hash,
                card=card,
                extras={"alignments": extra},
                metadata={"source_format": SOURCE_FORMAT, "subset": subset},
                check=check,
                step=step,
                command=COMMAND,
            )
            if result:
                stale[subset] = [f"{subset}/{item}" for item in result]
            folders.append(folder)
        return ImportResult(tuple(folders), tuple(warnings), stale, pairs)
    finally:
        step.close()
