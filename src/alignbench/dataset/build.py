"""``alignbench build``: turn ``corpus/`` + ``annotations/`` into the Hugging Face dataset ``data/``.

``data/`` holds one Parquet file per config and split (``<config>/<split>-<tag>.parquet``: ``test``
for the real clusters, ``diagnostic`` for the synthetic suite) and ``README.md``, the dataset card,
whose YAML front matter declares the configs and their features, so that
``datasets.load_dataset("<clone>/data", "claims")`` needs no loading script. Every Parquet file
carries the dataset version and the content hash of the sources in its schema metadata. Beside them,
``croissant.json`` (:mod:`alignbench.dataset.croissant`): Croissant 1.1 metadata with the RAI fields
taken from the answers of the tree's ``DATASHEET.md``.

The build is deterministic and safe: :func:`alignbench.dataset.writer.write_folder` (shared with
``alignbench import``) writes a temporary folder and swaps it in atomically, and replaces only a
folder that alignbench wrote. Parquet file names carry the dataset version and source hash
(``test-v0.1.0-24bb44407d26.parquet``), so the card changes with the contents and the ``datasets``
cache (keyed by the card and the file paths, not the file contents) cannot return rows of an
earlier build.

The parts live beside this module: ``schema`` (configs, features, file names), ``tables`` (the
Arrow tables), ``card`` (the dataset card) and ``writer`` (the folder). On a terminal, the steps
show as a progress bar on stderr.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from alignbench._version import __version__
from alignbench.dataset.card import agreement_files, dataset_card
from alignbench.dataset.citation import read_citation
from alignbench.dataset.croissant import FILE_NAME, croissant, rai_fields
from alignbench.dataset.writer import WRITE_STEPS, check_replaceable, write_folder
from alignbench.progress import Steps, on_terminal
from alignbench.records import DataError
from alignbench.sources.corpus import load_sources

SOURCE_FOLDERS: tuple[str, ...] = ("seeds", "corpus", "annotations")


def source_hash(root: str | Path) -> str:
    """SHA-256 over the relative paths and contents of every file under the source folders."""
    root = Path(root)
    digest = hashlib.sha256()
    for folder in SOURCE_FOLDERS:
        for path in sorted(p for p in (root / folder).rglob("*") if p.is_file()):
            digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def build(
    root: str | Path = ".", out: str | Path | None = None, check: bool = False, progress: bool | None = None
) -> list[str]:
    """Build the dataset folder (default ``<root>/data``); with ``check``, only compare.

    Returns the stale files found by ``check`` (empty after a build). Raises :class:`DataError`
    when the sources do not validate or ``out`` holds files that ``build`` did not write; then
    nothing is written. ``progress`` shows the steps on stderr (default: when it is a terminal).
    """
    root = Path(root)
    out = Path(out) if out is not None else root / "data"
    step = Steps(WRITE_STEPS + 2, on_terminal() if progress is None else progress)
    try:
        step("reading the sources")
        try:
            bench = load_sources(root)
        except DataError as err:
            raise DataError(
                [
                    f"refusing to build: {len(err.problems)} problem(s) in the sources; run 'alignbench validate' ({err.problems[0]})"
                ]
            ) from None
        if not check:
            check_replaceable(out)
        step("hashing the sources")
        content_hash = source_hash(root)
        citation = read_citation(data=(__version__, content_hash))
        datasheet_path = root / "DATASHEET.md"
        datasheet = datasheet_path.read_text(encoding="utf-8") if datasheet_path.is_file() else None
        if datasheet is not None:
            rai_fields(datasheet, str(datasheet_path))  # a datasheet without an answer fails before any work

        def metadata(folder: Path, splits: list[str]) -> dict[str, str]:
            languages = sorted({a.language for a in bench.articles})
            text = croissant(
                folder, splits, version=__version__, content_hash=content_hash, citation=citation,
                languages=languages, datasheet=datasheet,
            )  # fmt: skip
            return {FILE_NAME: text}

        return write_folder(
            bench,
            out,
            version=__version__,
            content_hash=content_hash,
            card=lambda counts: dataset_card(bench, counts, __version__, content_hash, agreement_files(root)),
            check=check,
            step=step,
            extra_files=metadata,
        )
    finally:
        step.close()
