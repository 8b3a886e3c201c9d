"""Load the built dataset: as ``datasets.Dataset`` objects or as typed records.

The data are the Parquet files of ``data/``, shipped inside the wheel as ``alignbench/_data``. The
loader reads them with pyarrow and wraps the table in memory, so it never goes through the
``datasets`` cache (which keys local files by path and modification time, not contents, and can
return stale rows after a rebuild) and never contacts the Hub.

Every function takes its arguments in one order, ``[config,] split, data_dir``:
``load("claims", "diagnostic", "data")``, ``load_benchmark("diagnostic", "data")``,
``dataset_metadata("test", "data")``; keywords are clearest: ``load_benchmark(split="diagnostic",
data_dir="data")``. A folder given as the split (the old order of ``load_benchmark(data_dir,
split)``), or a split name given as a folder that does not exist, is a
:class:`DatasetArgumentError` saying so; an argument of the wrong type a :class:`TypeError` naming it.
"""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alignbench.records import RELATIONS, Alignment, Article, Benchmark, Claim, DataError

if TYPE_CHECKING:
    import datasets
    import pyarrow as pa


#: Split names that a folder argument may be mistaken for (besides those of the bundled dataset).
_SPLIT_NAMES = frozenset({"train", "test", "dev", "validation", "diagnostic"})


class DatasetArgumentError(DataError, ValueError):
    """A split where the dataset folder belongs, or a split name where the folder belongs.

    A :class:`~alignbench.records.DataError` (the command line reports it in one line) and a
    :class:`ValueError` (what a Python caller expects of a bad argument value). ``argument`` is the
    one that got the wrong kind of value: ``"split"`` or ``"data_dir"``.
    """

    def __init__(self, message: str, argument: str):
        super().__init__(message)
        self.argument = argument


def _check_types(function: str, data_dir: object, split: object = "test", config: object = "pairs") -> None:
    """:class:`TypeError` naming the argument and the type it got; a folder as ``split`` is a mix-up."""
    for name, value, example in (("config", config, "'claims'"), ("split", split, "'test'")):
        if not isinstance(value, (str, os.PathLike) if name == "split" else str):
            raise TypeError(f"{function}: {name} must be a str such as {example}, got {type(value).__name__} {value!r}")
    if data_dir is not None and not isinstance(data_dir, (str, os.PathLike)):
        raise TypeError(
            f"{function}: data_dir must be a folder (str or os.PathLike) or None for the bundled dataset, "
            f"got {type(data_dir).__name__} {data_dir!r}"
        )
    _check_split_is_not_a_folder(function, os.fspath(split), isinstance(split, str), data_dir)


def _check_split_is_not_a_folder(function: str, split: str, given_as_str: bool, data_dir: object) -> None:
    """A path, a name with a path separator or a dataset folder as ``split``: the arguments were mixed up."""
    if given_as_str and not any(sep and sep in split for sep in ("/", os.sep, os.altsep)):
        if not split or not (Path(split) / "articles").is_dir():
            return
    folder = os.fspath(data_dir) if isinstance(data_dir, (str, os.PathLike)) else None
    swapped = folder is not None and not Path(folder).is_dir() and _looks_like_a_split(folder)
    try:
        has = "" if swapped else f" (this dataset has: {', '.join(available_splits(folder))})"
    except DataError:
        has = ""
    raise DatasetArgumentError(
        f"{function}: split {split!r} is a folder, not a split name{has}; the split comes first, then the folder: "
        f"{function}(split={folder if swapped else 'test'!r}, data_dir={split!r})",
        "split",
    )


def _looks_like_a_split(name: str) -> bool:
    """Whether a folder argument that does not exist is rather a split name."""
    if name in _SPLIT_NAMES:
        return True
    try:
        return name in available_splits(None)
    except DataError:  # no bundled dataset: nothing more to compare with
        return False


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
        message = f"{folder}: no such dataset folder (build one with 'alignbench build')"
        if data_dir is not None and _looks_like_a_split(os.fspath(data_dir)):
            raise DatasetArgumentError(
                f"{message}; {os.fspath(data_dir)!r} is a split name: give it as the split, and as the folder a "
                "dataset folder, or nothing for the bundled dataset",
                "data_dir",
            )
        raise DataError(message)
    return folder


def available_splits(data_dir: str | Path | None = None) -> list[str]:
    """The splits of a dataset folder (those with an ``articles`` file), ``test`` first."""
    from alignbench.dataset.schema import SPLIT

    if data_dir is not None and not isinstance(data_dir, (str, os.PathLike)):
        _check_types("available_splits", data_dir)

    found = {p.name.split("-", 1)[0] for p in (_folder(data_dir) / "articles").glob("*-*.parquet")}
    return sorted(found, key=lambda s: (s != SPLIT, s))


def _parquet_file(config: str, split: str, data_dir: str | Path | None, function: str = "read_table") -> Path:
    """The path of one config's Parquet file of one split, checked to exist (and the arguments)."""
    from alignbench.dataset.schema import CONFIGS

    _check_types(function, data_dir, split, config)
    if config not in CONFIGS:
        raise DataError(f"unknown config {config!r} (expected one of {', '.join(CONFIGS)})")
    folder = _folder(data_dir)
    splits = available_splits(folder)
    if not split:
        raise DatasetArgumentError(f"{function}: split is empty (this dataset has: {', '.join(splits)})", "split")
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

    from alignbench.dataset.schema import IMPORT_CARD_MARKER

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


def read_table(
    config: str, split: str = "test", data_dir: str | Path | None = None, *, _function: str = "read_table"
) -> pa.Table:
    """One config's Parquet file as an Arrow table; :class:`DataError` if it cannot be read."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = _parquet_file(config, split, data_dir, _function)
    try:  # not pq.read_table: it imports pyarrow.dataset and pandas (~0.5 s) for the same table
        with pq.ParquetFile(path) as parquet:
            return parquet.read()
    except (pa.ArrowException, OSError) as err:
        raise _unreadable(path, err) from None


def dataset_metadata(split: str = "test", data_dir: str | Path | None = None) -> dict[str, Any]:
    """Dataset version, source content hash and split recorded in the built files (schema only is read).

    Arguments in the order of :func:`load`: the split, then the folder (default: the bundled dataset).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = _parquet_file("articles", split, data_dir, "dataset_metadata")
    try:
        meta = pq.read_schema(path).metadata or {}
        return json.loads(meta.get(b"alignbench", b"{}"))
    except (pa.ArrowException, OSError, ValueError) as err:
        raise _unreadable(path, err) from None


def load(config: str = "pairs", split: str = "test", data_dir: str | Path | None = None) -> datasets.Dataset:
    """One config of a dataset (default: the bundled one) as a ``datasets.Dataset`` with its declared features."""
    _check_types("load", data_dir, split, config)  # before importing datasets (~1 s)
    from datasets import Dataset

    return Dataset(read_table(config, split, data_dir, _function="load"), split=split)


def load_benchmark(split: str = "test", data_dir: str | Path | None = None) -> Benchmark:
    """One split's articles, claims and gold links as typed records, without the ``datasets`` library.

    Arguments in the order of :func:`load` (which adds the config first): the split, then the
    dataset folder (default: the bundled dataset), e.g. ``load_benchmark(split="diagnostic")`` or
    ``load_benchmark(split="test", data_dir="ists/headlines")``. Up to 0.2.0 the order was
    ``(data_dir, split)``: a folder given as the split is a :class:`DatasetArgumentError` that says so.
    """
    _check_types("load_benchmark", data_dir, split)
    _parquet_file("articles", split, data_dir, "load_benchmark")  # argument mix-ups before the wrapper below
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
