"""Everything in a clone that is derived from the data besides ``data/`` and the baseline reports:
the generated blocks of README.md and DATASHEET.md and the iSTS seed-transfer reports.

``alignbench eval --baselines --update`` calls :func:`update_derived` after writing the reports, so
that ``alignbench build && alignbench eval --baselines --update`` regenerates everything a new
cluster changes; :func:`stale_derived` lists what is out of date (``tests/test_numbers.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from alignbench.scoring.report import Report

#: The files whose generated blocks :func:`derived_blocks` renders, relative to the clone.
BLOCK_FILES = ("README.md", "DATASHEET.md")
SEMANTIC = Path("baselines", "semantic")
TRANSFER_CONFIGS = Path("baselines", "ists2016", "headlines", "configs")
TRANSFER = Path("baselines", "ists2016", "seed-transfer")
TRANSFER_BOARD = Path("baselines", "ists2016", "LEADERBOARD.md")
TRANSFER_BLOCK = "ists-transfer"


def clone_root(folder: str | Path) -> Path | None:
    """The clone that ``folder`` (a baselines folder) lies in: the nearest ancestor holding
    ``corpus/``, ``data/`` and ``README.md``; None outside a clone."""
    for parent in [Path(folder).resolve(), *Path(folder).resolve().parents]:
        if (parent / "corpus").is_dir() and (parent / "data").is_dir() and (parent / "README.md").is_file():
            return parent
    return None


def _current(root: Path) -> dict[str, str]:
    from alignbench.dataset.load import dataset_metadata

    meta = dataset_metadata(split="test", data_dir=root / "data")
    return {"dataset_version": str(meta.get("dataset_version")), "source_sha256": str(meta.get("source_sha256"))}


def _committed_reports(root: Path, folder: Path, split: str, current: dict[str, str]) -> list[Report] | None:
    """The committed reports of every config of a baselines folder on the current data (None if
    one is missing)."""
    revision = f"{current['dataset_version']}-{current['source_sha256'][:12]}"
    reports = []
    for config in sorted((root / folder / "configs").glob("*.json")):
        path = root / folder / "results" / config.stem / revision / ("" if split == "test" else split) / "report.json"
        if not path.is_file():
            return None
        reports.append(Report.from_json(path.read_text(encoding="utf-8"), str(path)))
    return reports or None


def _best(reports: list[Report]) -> Report:
    return sorted(reports, key=lambda r: (-r.metrics["link.F1"], str(r.system["name"])))[0]


def semantic_blocks(root: Path, current: dict[str, str]) -> dict[str, str]:
    """The README block comparing the best semantic and best lexical baseline of each split, from the
    committed reports of the current data (the semantic boards themselves are written by
    ``alignbench eval --baselines --baselines-dir baselines/semantic --update``)."""
    from alignbench.scoring.compare import compare
    from alignbench.views.numbers import comparison_sentence

    if not (root / SEMANTIC / "configs").is_dir():
        return {}
    pairs = {}
    for split in ("test", "diagnostic"):
        lexical = _committed_reports(root, Path("baselines"), split, current)
        semantic = _committed_reports(root, SEMANTIC, split, current)
        if lexical and semantic:
            a, b = _best(lexical), _best(semantic)
            pairs[split] = (a, b, compare(a, b).rows)
    return {"semantic-vs-lexical": comparison_sentence(pairs)}


def derived_blocks(root: Path) -> dict[Path, dict[str, str]]:
    """Every generated block of the clone's files, rendered from its data and committed results."""
    from alignbench.scoring.numbers import dataset_facts
    from alignbench.views.numbers import number_blocks

    current = _current(root)
    blocks = {root / name: found for name, found in number_blocks(dataset_facts(root / "data")).items()}
    blocks[root / "README.md"].update(semantic_blocks(root, current))
    blocks[root / "DATASHEET.md"]["writers"] = writers_block(root, current)
    return blocks


#: The systems whose link F1 the DATASHEET gives per diagnostic writer: two lexical baselines and two floors.
WRITER_SYSTEMS = ["tfidf", "fuzzy", "cues", "position"]


def writers_block(root: Path, current: dict[str, str]) -> str:
    """The DATASHEET's per-writer table of the diagnostic split, with the link F1 of
    :data:`WRITER_SYSTEMS` on each writer's clusters, cut from the committed whole-split reports."""
    from alignbench.dataset.load import available_splits, load_benchmark
    from alignbench.scoring.metrics import pair_metrics, parse_metric
    from alignbench.scoring.writers import writer_confusion, writer_facts
    from alignbench.views.numbers import writers_table

    if "diagnostic" not in available_splits(root / "data"):
        return "There is no diagnostic split.\n"
    bench = load_benchmark(split="diagnostic", data_dir=root / "data")
    reports = {
        str(r.system["name"]): r for r in _committed_reports(root, Path("baselines"), "diagnostic", current) or []
    }
    systems = [s for s in WRITER_SYSTEMS if s in reports]
    link_f1 = parse_metric("link.F1")
    rows = []
    for facts in writer_facts(bench):
        f1: dict[str, float | None] = {}
        for name in systems:
            conf = writer_confusion(reports[name], bench, facts.written + facts.extended)
            f1[name] = None if conf is None else float(pair_metrics(conf)[link_f1])
        rows.append((facts, len(bench.alignments), f1))
    if not systems:
        return (
            writers_table(rows, [])
            + "\nNo committed baseline report of the current data: run `alignbench eval --baselines --update`.\n"
        )
    return writers_table(rows, systems)


def transfer_reports(root: Path) -> list[Report]:
    """The bundled ``test`` split scored with the configs tuned on iSTS headlines train (as
    ``scripts/ists_baselines.py`` does; it needs only the committed configs, not the release)."""
    from alignbench.dataset.load import dataset_metadata, load_benchmark
    from alignbench.runs.baselines import evaluate_config, read_config
    from alignbench.scoring.space import CandidateSpace

    bench = load_benchmark(split="test", data_dir=root / "data")
    meta = dataset_metadata(split="test", data_dir=root / "data")
    dataset = {"dataset_version": meta.get("dataset_version"), "source_sha256": meta.get("source_sha256")}
    space = CandidateSpace(bench)
    configs = [read_config(p) for p in sorted((root / TRANSFER_CONFIGS).glob("*.json"))]
    return [evaluate_config(c, bench, dataset, space, split="test", resamples=1000, seed=0) for c in configs]


def transfer_board(reports: list[Report]) -> str:
    """The transfer table, as the README and ``baselines/ists2016/LEADERBOARD.md`` show it."""
    from alignbench.views.formats import HEADLINE
    from alignbench.views.leaderboard import leaderboard

    return leaderboard(reports, "markdown", list(HEADLINE))


def _write_transfer(root: Path, written: list[Path]) -> None:
    """Recompute the seed-transfer reports and their tables; remove reports of earlier data."""
    from alignbench.fileio import write_text_atomic
    from alignbench.runs.baselines import result_path
    from alignbench.views.numbers import replace_blocks

    reports = transfer_reports(root)
    keep = {result_path(root / TRANSFER, r) for r in reports}
    for old in sorted((root / TRANSFER).rglob("report.json")):
        if (
            old not in keep
        ):  # files this command wrote for earlier data (scripts/ists_baselines.py --check wants them gone)
            old.unlink()
            for folder in old.parents:
                if folder == root / TRANSFER or any(folder.iterdir()):
                    break
                folder.rmdir()
    for report in reports:
        path = result_path(root / TRANSFER, report)
        if not path.is_file() or path.read_text(encoding="utf-8") != report.to_json():
            write_text_atomic(path, report.to_json())
            written.append(path)
    board = transfer_board(reports)
    for name in ("README.md", TRANSFER_BOARD):
        path = root / name
        text = path.read_text(encoding="utf-8")
        new = replace_blocks(text, {TRANSFER_BLOCK: board}, str(path))
        if new != text:
            write_text_atomic(path, new)
            written.append(path)


def update_derived(root: Path) -> list[Path]:
    """Rewrite every generated block (and the seed-transfer reports) of the clone; return the files
    changed. Files are written atomically, and only when their text changes."""
    from alignbench.fileio import write_text_atomic
    from alignbench.views.numbers import replace_blocks

    written: list[Path] = []
    if (root / TRANSFER_CONFIGS).is_dir():
        _write_transfer(root, written)
    for path, blocks in derived_blocks(root).items():
        text = path.read_text(encoding="utf-8")
        new = replace_blocks(text, blocks, str(path.relative_to(root)))
        if new != text:
            write_text_atomic(path, new)
            written.append(path)
    return written


def stale_derived(root: Path) -> list[str]:
    """What :func:`update_derived` would change in the generated blocks: ``FILE: block NAME is stale``
    (the seed-transfer reports and tables: ``tests/test_baselines.py``, which recomputes them)."""
    from alignbench.views.numbers import block_text

    found = []
    for path, blocks in derived_blocks(root).items():
        text = path.read_text(encoding="utf-8")
        for name, body in blocks.items():
            current = block_text(text, name)
            if current is None:
                found.append(f"{path.relative_to(root)}: no block {name!r} (its markers are missing)")
            elif current != body:
                found.append(f"{path.relative_to(root)}: block {name!r} is stale")
    return found


def report_update(root: Path, written: list[Path]) -> None:
    """One line on stderr naming what :func:`update_derived` changed."""
    if written:
        names = ", ".join(dict.fromkeys(str(p.relative_to(root)) for p in written))  # README.md may be written twice
        print(f"updated the generated numbers and tables: {names}", file=sys.stderr)
