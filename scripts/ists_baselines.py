"""The baselines on iSTS-2016: tuned on each subset's train split, reported on its test split.

For every config of ``baselines/configs`` and every subset (headlines, images, answers-students)
of the iSTS-2016 release, this

1. imports the release (``alignbench import ists2016``) into a temporary folder;
2. (configs of systems that label pairs themselves, such as the ``position`` and ``overlap`` floors,
   have nothing to tune and are left out) tunes the config's threshold and ``equivalent_at`` on the subset's ``train`` split, as
   ``alignbench tune NAME --data OUT/SUBSET --split train`` does (objective link.F1, ties by
   labeled.F1, the default grid), and keeps the config in ``baselines/ists2016/SUBSET/configs``;
3. scores the tuned config on the ``test`` split with 95% CIs (1,000 bootstrap resamples of
   sentence pairs, seed 0), as ``alignbench eval --baselines --baselines-dir
   baselines/ists2016/SUBSET --data OUT/SUBSET --split test`` does, and keeps the report in
   ``baselines/ists2016/SUBSET/results``;
4. scores the configs tuned on headlines train on the bundled seed cluster (split ``test``): the
   transfer table, beside the a-priori one of ``baselines/LEADERBOARD.md``;

and writes ``baselines/ists2016/LEADERBOARD.md`` and the README's iSTS block (between
``<!-- ists-leaderboard:start -->`` and ``<!-- ists-leaderboard:end -->``). Reports hold numbers
and ids only: no text of the release (which has no licence) enters the repository.

Where the optional extra ``semantic`` is installed, it also scores the semantic configs of
``baselines/semantic/configs`` (tuned on headlines train) on every subset's test split, keeps their
reports in ``baselines/ists2016/semantic/<subset>/results`` and writes the README's block between
``<!-- ists-semantic:start -->`` and ``<!-- ists-semantic:end -->``, with each subset's best semantic
system compared with its best lexical one (paired bootstrap). Their reports are checked within the
tolerance the semantic aligners declare; without the extra they are left as they are and not checked
(the script says so).

``--check`` writes nothing and exits 1 if any of those files differs from what the release gives
(CI runs it when the shared copy is there). Run: ``python scripts/ists_baselines.py [SRC] [--check]``;
SRC defaults to ``../shared/external/ists2016`` beside the checkout.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from alignbench.aligners import get_aligner, labels_itself
from alignbench.dataset.ists_import import import_ists2016
from alignbench.dataset.load import dataset_metadata, load_benchmark
from alignbench.runs.baselines import (
    RunConfig,
    config_paths,
    evaluate_config,
    read_config,
    result_path,
)
from alignbench.runs.reproduce import differences as report_differences
from alignbench.runs.tune import config_text, tune
from alignbench.scoring.report import Report
from alignbench.scoring.space import CandidateSpace
from alignbench.sources.importers.ists2016 import SUBSETS
from alignbench.views.formats import HEADLINE
from alignbench.views.leaderboard import leaderboard

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SRC = ROOT.parent / "shared" / "external" / "ists2016"
OUT = Path("baselines", "ists2016")  # relative to the checkout
TRANSFER = "seed-transfer"  # the seed cluster scored with the configs tuned on headlines train
NAMES = [*HEADLINE, "ists.F1Ali"]
README_START, README_END = "<!-- ists-leaderboard:start -->\n", "<!-- ists-leaderboard:end -->"
SEMANTIC = OUT / "semantic"
SEMANTIC_START, SEMANTIC_END = "<!-- ists-semantic:start -->\n", "<!-- ists-semantic:end -->"


def semantic_installed() -> bool:
    """Whether every aligner of ``baselines/semantic/configs`` can be built here (the extra ``semantic``)."""
    from alignbench.records import UsageError

    try:
        for path in config_paths(ROOT / "baselines" / "semantic"):
            config = read_config(path)
            get_aligner(config.aligner, **config.params)
    except UsageError:
        return False
    return True


def _best(reports: list[Report]) -> Report:
    return max(reports, key=lambda r: (r.metrics["link.F1"], str(r.system["name"])))


def _semantic_block(tables: dict[str, str], lexical: dict[str, list[Report]], semantic: dict[str, list[Report]]) -> str:
    """The README's iSTS semantic tables and, per subset, best semantic vs best lexical by link F1."""
    from alignbench.scoring.compare import compare
    from alignbench.views.compare import format_p

    parts = [f"##### {subset} (test)\n\n{table}" for subset, table in tables.items()]
    lines = []
    for subset in tables:
        a, b = _best(lexical[subset]), _best(semantic[subset])
        row = compare(a, b, ("link.F1",)).row("link.F1")
        lines.append(
            f"- {subset}: {b.system['name']} {row['b']:.3f} vs {a.system['name']} {row['a']:.3f} "
            f"(B-A {row['delta']:+.3f} [{row['ci_low']:+.3f}, {row['ci_high']:+.3f}], {format_p(row['extreme'], row['defined'])})"
        )
    parts.append(
        "Best semantic (B) against best lexical (A) by link F1 on each subset, `alignbench compare` (paired "
        "bootstrap over sentence pairs, 1000 resamples, two-sided p):\n\n" + "\n".join(lines) + "\n"
    )
    return "\n".join(parts)


def _dataset(data: Path | None, split: str) -> dict[str, object]:
    """The report's dataset block, as ``alignbench eval`` records it."""
    meta = dataset_metadata(split=split, data_dir=data)
    dataset = {"dataset_version": meta.get("dataset_version"), "source_sha256": meta.get("source_sha256")}
    dataset.update({k: meta[k] for k in ("source_format", "subset") if k in meta})
    return dataset


def _tuned(base: RunConfig, data: Path) -> RunConfig:
    """``base`` with its settings tuned on ``data``'s train split (``alignbench tune``'s defaults)."""
    bench = load_benchmark(split="train", data_dir=data)
    result = tune(get_aligner(base.aligner, **base.params), base.decoder, bench, _dataset(data, "train"), "train")
    return base._replace(threshold=result.threshold, equivalent_at=result.equivalent_at, threshold_origin=result.origin)


def _reports(configs: list[RunConfig], data: Path | None, folder: Path, files: dict[Path, str]) -> list[Report]:
    """Every config scored on ``data``'s test split; each report added to ``files``."""
    bench = load_benchmark(split="test", data_dir=data)
    space, dataset = CandidateSpace(bench), _dataset(data, "test")
    reports = [evaluate_config(c, bench, dataset, space, split="test", resamples=1000, seed=0) for c in configs]
    for report in reports:
        files[result_path(folder, report)] = report.to_json()
    return reports


def _settings_table(a_priori: list[RunConfig], tuned: dict[str, list[RunConfig]]) -> str:
    head = ["System", "a priori (baselines/configs)", *(f"tuned on {s} train" for s in tuned)]
    lines = ["| " + " | ".join(head) + " |", "|---" * len(head) + "|"]
    for k, base in enumerate(a_priori):
        cells = [f"{c.threshold} / {c.equivalent_at}" for c in (base, *(configs[k] for configs in tuned.values()))]
        lines.append("| " + " | ".join([base.name, *cells]) + " |")
    return "\n".join(lines) + "\n"


def _body(level: str, tables: dict[str, tuple[str, int]], transfer: str, settings: str) -> str:
    """The leaderboard sections, headings at ``level`` (``##`` or ``###``)."""
    parts = []
    for subset, (table, pairs) in tables.items():
        parts.append(f"{level} iSTS-2016 {subset} (test split, {pairs} sentence pairs)\n\n{table}")
    parts.append(
        f"{level} Seed cluster, thresholds tuned on iSTS headlines train\n\n"
        "The bundled seed cluster (split test) scored with the configs tuned on iSTS headlines train "
        "(`baselines/ists2016/headlines/configs`): a transfer, beside the a-priori settings of the main "
        f"leaderboard.\n\n{transfer}"
    )
    parts.append(
        f"{level} Which settings were tuned where\n\n"
        "threshold / equivalent_at of each config: fixed a priori (the main leaderboard), or chosen by "
        "`alignbench tune` (objective link.F1, ties by labeled.F1 then the smaller values; thresholds "
        "0.05..0.95 and equivalent_at 0.05..1 in steps of 0.05) on a train split.\n\n" + settings
    )
    return "\n".join(parts)


def generate(src: Path, root: Path = ROOT) -> dict[Path, str]:
    """Every file this script keeps (paths relative to the checkout) and its text."""
    files: dict[Path, str] = {}
    # systems that label pairs themselves (the position and overlap floors) have no settings to tune
    a_priori = [
        c
        for c in map(read_config, config_paths(root / "baselines"))
        if not labels_itself(get_aligner(c.aligner, **c.params))
    ]
    tables: dict[str, tuple[str, int]] = {}
    tuned: dict[str, list[RunConfig]] = {}
    lexical: dict[str, list[Report]] = {}
    semantic: dict[str, list[Report]] = {}
    semantic_tables: dict[str, str] = {}
    semantic_configs = (
        [read_config(p) for p in config_paths(root / "baselines" / "semantic")] if semantic_installed() else []
    )
    with tempfile.TemporaryDirectory() as tmp:
        import_ists2016(src, Path(tmp) / "ists", progress=False)
        for subset in SUBSETS:
            data = Path(tmp) / "ists" / subset
            folder = OUT / subset
            tuned[subset] = [_tuned(base, data) for base in a_priori]
            for config in tuned[subset]:
                files[folder / "configs" / f"{config.name}.json"] = config_text(config)
            reports = lexical[subset] = _reports(tuned[subset], data, folder, files)
            tables[subset] = (leaderboard(reports, "markdown", NAMES), int(reports[0].supports["ists.sentence_pairs"]))
            if semantic_configs:
                semantic[subset] = _reports(semantic_configs, data, SEMANTIC / subset, files)
                semantic_tables[subset] = leaderboard(semantic[subset], "markdown", NAMES)
    # the checkout's own data (not an installed package's): the transfer scores this tree's seed cluster
    transfer = leaderboard(
        _reports(tuned["headlines"], root / "data", OUT / TRANSFER, files), "markdown", list(HEADLINE)
    )
    settings = _settings_table(a_priori, tuned)
    files[OUT / "LEADERBOARD.md"] = (
        "# Baselines on iSTS-2016 (SemEval-2016 Task 2)\n\n"
        "Generated by `python scripts/ists_baselines.py` from the iSTS-2016 release, which is not in this "
        "repository (it has no licence); CI recomputes every number (`--check`). Each config of "
        "`baselines/configs` is tuned with `alignbench tune` on a subset's train split "
        "(`baselines/ists2016/<subset>/configs`) and reported on its test split; 95% CIs from 1,000 bootstrap "
        "resamples of sentence pairs. Reproduce a table with `alignbench eval --baselines --baselines-dir "
        f"baselines/ists2016/<subset> --data OUT/<subset> --split test --metrics {','.join(NAMES)}`.\n\n"
        + _body("##", tables, transfer, settings)
    )
    readme = (root / "README.md").read_text(encoding="utf-8")
    if README_START in readme and README_END in readme:
        head, rest = readme.split(README_START, 1)
        files[Path("README.md")] = (
            head + README_START + _body("####", tables, transfer, settings) + rest[rest.index(README_END) :]
        )
    if semantic_tables:
        readme = files.get(Path("README.md"), readme)
        if SEMANTIC_START in readme and SEMANTIC_END in readme:
            head, rest = readme.split(SEMANTIC_START, 1)
            block = _semantic_block(semantic_tables, lexical, semantic)
            files[Path("README.md")] = head + SEMANTIC_START + block + rest[rest.index(SEMANTIC_END) :]
    return files


def kept_files(root: Path = ROOT) -> set[Path]:
    """The files now under ``baselines/ists2016`` (relative to the checkout)."""
    return {p.relative_to(root) for p in (root / OUT).rglob("*") if p.is_file()}


def differences(files: dict[Path, str], root: Path = ROOT) -> list[str]:
    """Paths whose text differs from ``files``, are missing, or are kept but no longer generated."""
    found = []
    for path, text in sorted(files.items()):
        target = root / path
        if not target.is_file():
            found.append(f"{path}: missing")
        elif path.name == "report.json":  # exactly, or within the aligner's tolerance; the environment is not compared
            diffs = report_differences(json.loads(target.read_text(encoding="utf-8")), json.loads(text))
            found += [f"{path}: {line}" for line in diffs[:3]]
        elif target.read_text(encoding="utf-8") != text:
            found.append(f"{path}: differs from what the release gives")
    stale = kept_files(root) - set(files)
    if not semantic_installed():  # kept as they are; not checked without the extra
        stale = {p for p in stale if not p.is_relative_to(SEMANTIC)}
    found += [f"{path}: not generated any more" for path in sorted(stale)]
    return found


def main() -> int:
    parser = argparse.ArgumentParser(allow_abbrev=False, description=__doc__.split("\n\n")[0])
    parser.add_argument("src", nargs="?", default=str(DEFAULT_SRC), help="the iSTS-2016 release folder")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 on any difference")
    args = parser.parse_args()
    if not Path(args.src).is_dir():
        print(f"{args.src}: no such folder (the iSTS-2016 release)", file=sys.stderr)
        return 1
    start = time.perf_counter()
    if not semantic_installed():
        print(
            "ists_baselines: the extra 'semantic' is not installed: the semantic iSTS reports are not recomputed",
            file=sys.stderr,
        )
    files = generate(Path(args.src))
    seconds = time.perf_counter() - start
    if args.check:
        found = differences(files)
        for line in found:
            print(line, file=sys.stderr)
        status = f"{len(found)} difference(s) from" if found else "all files match"
        print(f"ists_baselines --check: {status} what the release gives ({len(files)} files, {seconds:.1f} s)")
        return 1 if found else 0
    from alignbench.fileio import write_text_atomic

    for path in sorted(kept_files() - set(files)):
        if path.is_relative_to(SEMANTIC) and not semantic_installed():
            continue
        (ROOT / path).unlink()
        print(f"removed {path}", file=sys.stderr)
    for path, text in files.items():
        write_text_atomic(ROOT / path, text)
    print(f"ists_baselines: wrote {len(files)} files ({seconds:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
