"""The one place that knows every file each command reads, so that no output lands on one of them.

A command's output (``-o``, and ``explain --curve``) is checked against the files named on the
command line *and* those read implicitly: every file of the dataset folder (``--data`` or the
bundled one: its Parquet files and card), the run config (``--config``, or the committed config
that ``--aligner NAME`` starts from, or every committed config for ``--baselines``), and for
``agree`` the whole source tree it loads (``seeds/``, ``corpus/``, ``annotations/``). The check runs
before any work, so a refused output costs nothing and changes nothing (exit 2, one line).

Only the standard library is imported here at start-up; the lists are made when a command runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from pathlib import Path

#: The flags of each command whose value is a file that the command writes.
OUTPUT_FLAGS: dict[str, tuple[str, ...]] = {
    "eval": ("output",),
    "run": ("output",),
    "tune": ("output",),
    "export-wa": ("output",),
    "explain": ("output", "curve"),
    "compare": ("output",),
    "agree": ("output",),
}
#: The folders of a source tree that ``load_sources`` reads (``alignbench build`` hashes all their files).
SOURCE_FOLDERS = ("seeds", "corpus", "annotations")


def _files(folder: Path) -> Iterator[Path]:
    """Every file under ``folder`` (through symlinks to files), none if it is not a folder."""
    if folder.is_dir():
        yield from (p for p in sorted(folder.rglob("*")) if p.is_file())


def dataset_files(data: str | None) -> Iterator[Path]:
    """The files of the dataset folder a command reads: ``--data DIR`` or the bundled dataset."""
    from alignbench.dataset import load
    from alignbench.records import DataError

    try:
        folder = Path(data) if data is not None else load.default_data_dir()
    except DataError:  # no bundled dataset: the command will say so itself
        return
    yield from _files(folder)


def config_files(args: argparse.Namespace) -> Iterator[Path]:
    """The run configs a command reads: ``--config FILE``, else the committed config that
    ``--aligner NAME`` (or ``run``/``tune`` NAME) starts from; for ``eval --baselines``, every one."""
    from alignbench.runs.baselines import default_baselines_dir

    given = getattr(args, "baselines_dir", None)
    configs = (Path(given) if given else default_baselines_dir()) / "configs"
    config, aligner = getattr(args, "config", None), getattr(args, "aligner", None)
    if config:
        yield Path(config)
    elif aligner and ":" not in aligner and (configs / f"{aligner}.json").is_file():
        yield configs / f"{aligner}.json"
    if getattr(args, "baselines", False):
        yield from sorted(configs.glob("*.json"))


def source_files(root: str) -> Iterator[Path]:
    """Every file of the source tree at ``root`` that ``load_sources`` reads or checks."""
    for name in SOURCE_FOLDERS:
        yield from _files(Path(root) / name)


def _agree_inputs(args: argparse.Namespace) -> Iterator[str | Path | None]:
    yield from args.passes
    yield args.exclude
    yield Path(args.root) / "annotations" / "GUIDELINES.md"
    yield from source_files(args.root)


#: What each command reads, from its parsed arguments.
INPUTS: dict[str, Callable[[argparse.Namespace], Iterator[str | Path | None]]] = {
    "eval": lambda a: iter([a.predictions, *config_files(a), *dataset_files(a.data)]),
    "run": lambda a: iter([*config_files(a), *dataset_files(a.data)]),
    "tune": lambda a: iter([*config_files(a), *dataset_files(a.data)]),
    "export-wa": lambda a: iter([a.predictions, *dataset_files(a.data)]),
    "explain": lambda a: iter([a.predictions, a.compare, *config_files(a), *dataset_files(a.data)]),
    "compare": lambda a: iter([a.a, a.b]),
    "agree": _agree_inputs,
}


def check_outputs(args: argparse.Namespace) -> None:
    """Refuse (:class:`~alignbench.records.UsageError`) any output of the command that is a file it
    reads, names a folder or cannot be written; and two outputs of one command that land in one file."""
    from alignbench.fileio import check_output, same_output

    flags = [(flag, getattr(args, flag)) for flag in OUTPUT_FLAGS[args.command] if getattr(args, flag) is not None]
    if not flags:
        return
    inputs = [item for item in INPUTS[args.command](args) if item is not None]
    for flag, path in flags:
        check_output(path, inputs, "-o" if flag == "output" else f"--{flag}")
    for k, (flag, path) in enumerate(flags):
        for other, other_path in flags[k + 1 :]:
            if same_output(path, other_path):
                from alignbench.records import UsageError

                names = ["-o" if f == "output" else f"--{f}" for f in (flag, other)]
                raise UsageError(f"{names[0]} and {names[1]} name the same file")
