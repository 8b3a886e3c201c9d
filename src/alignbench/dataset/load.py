"""Load the built dataset: as ``datasets.Dataset`` objects or as typed records.

The data are the Parquet files of ``data/``, shipped inside the wheel as ``alignbench/_data``. The
loader reads them with pyarrow and wraps the table in memory, so it never goes through the
``datasets`` cache (which keys local files by path and modification time, not contents, and can
return stale rows after a rebuild) and never contacts the Hub.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alignbench.records import RELATIONS, Alignment, Article, Benchmark, Claim, DataError

if TYPE_CHECKING:
    import datasets
    import pyarrow as pa


def default_data_dir() -> Path:
    """The bundled dataset: ``alignbench/_data`` in an installed wheel, else a checkout's ``data/``."""
    bundled = Path(str(resources.files("alignbench"))) / "_data"
    if (bundled / "README.md").is_file():
        return bundled
    checkout = Path(__file__).resolve().parents[3] / "data"
    if (checkout / "README.md").is_file():
        return checkout
    raise DataError("no bundled dataset found: run 'alignbench build' in a clone, or pass data_dir")


def _folder(data_dir: str | Path | None) -> Path:
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    if not folder.is_dir():
        raise DataError(f"{folder}: no such dataset folder (build one with 'alignbench build')")
    return folder


def available_splits(data_dir: str | Path | None = None) -> list[str]:
    """The splits of a dataset folder (those with an ``articles`` file), ``test`` first."""
    from alignbench.dataset.schema import SPLIT

    found = {p.name.split("-", 1)[0] for p in (_folder(data_dir) / "articles").glob("*-*.parquet")}
    return sorted(found, key=lambda s: (s != SPLIT, s))


def _parquet_file(config: str, split: str, data_dir: str | Path | None) -> Path:
    """The path of one config's Parquet file of one split, checked to exist."""
    from alignbench.dataset.schema import CONFIGS

    if config not in CONFIGS:
        raise DataError(f"unknown config {config!r} (expected one of {', '.join(CONFIGS)})")
    folder = _folder(data_dir)
    splits = available_splits(folder)
    if splits and split not in splits:
        raise DataError(f"{folder}: no split {split!r} (this dataset has: {', '.join(splits)})")
    found = sorted((folder / config).glob(f"{split}-*.parquet"))
    if len(found) != 1:
        what = "no" if not found else f"{len(found)}"
        raise DataError(
            f"{folder / config}: {what} {split}-*.parquet files, expected one (is {folder} a dataset built by 'alignbench build'?)"
        )
    return found[0]


def _remedy(folder: Path) -> str:
    """How to write a dataset folder again: the command its card names (``alignbench import ...``
    for an imported peer benchmark, whose folder sits in the import's -o folder), else ``build``."""
    import re

    from alignbench.dataset.card import IMPORT_CARD_MARKER

    card = folder / "README.md"
    try:
        text = card.read_text(encoding="utf-8") if card.is_file() else ""
    except (OSError, UnicodeDecodeError):
        text = ""
    found = re.search(re.escape(IMPORT_CARD_MARKER) + r" ?([a-z0-9_-]+)`", text)
    if found:
        return (
            f"import it again with 'alignbench import {found.group(1)} <your copy of the release> "
            f"-o {folder.resolve().parent}'"
        )
    return "rebuild it with 'alignbench build'"


def _unreadable(path: Path, err: Exception) -> DataError:
    reason = " ".join(str(err).split())[:200]
    return DataError(f"{path}: not a readable Parquet file ({reason}); {_remedy(path.parent.parent)}")


def read_table(config: str, split: str = "test", data_dir: str | Path | None = None) -> pa.Table:
    """One config's Parquet file as an Arrow table; :class:`DataError` if it cannot be read."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = _parquet_file(config, split, data_dir)
    try:  # not pq.read_table: it imports pyarrow.dataset and pandas (~0.5 s) for the same table
        with pq.ParquetFile(path) as parquet:
            return parquet.read()
    except (pa.ArrowException, OSError) as err:
        raise _unreadable(path, err) from None


def dataset_metadata(data_dir: str | Path | None = None, split: str = "test") -> dict[str, Any]:
    """Dataset version, source content hash and split recorded in the built files (schema only is read)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = _parquet_file("articles", split, data_dir)
    try:
        meta = pq.read_schema(path).metadata or {}
        return json.loads(meta.get(b"alignbench", b"{}"))
    except (pa.ArrowException, OSError, ValueError) as err:
        raise _unreadable(path, err) from None


def load(config: str = "pairs", split: str = "test", data_dir: str | Path | None = None) -> datasets.Dataset:
    """One config of the bundled dataset as a ``datasets.Dataset`` with its declared features."""
    from datasets import Dataset

    return Dataset(read_table(config, split, data_dir), split=split)


def load_benchmark(data_dir: str | Path | None = None, split: str = "test") -> Benchmark:
    """One split's articles, claims and gold links as typed records, without the ``datasets`` library."""
    try:
        return _records(data_dir, split)
    except (KeyError, TypeError, IndexError) as err:
        folder = data_dir if data_dir is not None else default_data_dir()
        raise DataError(
            f"{folder}: the Parquet files lack the columns of an alignbench dataset ({type(err).__name__}: {err}); "
            f"{_remedy(Path(folder))}"
        ) from None


def _records(data_dir: str | Path | None, split: str) -> Benchmark:
    articles = tuple(
        Article(
            **{k: v for k, v in row.items() if k not in ("kept_ranges", "text")},
            kept_ranges=tuple((r["start"], r["end"]) for r in row["kept_ranges"]),
            split=split,
        )
        for row in read_table("articles", split, data_dir).to_pylist()
    )
    claims = tuple(
        Claim(**{k: v for k, v in row.items() if k != "cluster_id"})
        for row in read_table("claims", split, data_dir).to_pylist()
    )
    alignments = tuple(
        Alignment(
            row["claim_a"],
            row["claim_b"],
            RELATIONS[row["relation"]],
            row["rationale"],
            row["annotator"],
            tuple(row.get("tags") or ()),  # a dataset built before 0.2 has none of these three columns
            tuple(row.get("passes") or ()),
            bool(row.get("adjudicated", False)),
        )
        for row in read_table("alignments", split, data_dir).to_pylist()
    )
    return Benchmark(articles, claims, alignments)
