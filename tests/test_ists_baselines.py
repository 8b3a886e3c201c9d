"""The committed iSTS-2016 baselines (``baselines/ists2016``, the README block) are what the release
gives (``scripts/ists_baselines.py``), and no text of the release is in the repository.

Both need the shared copy of the release beside the checkout and are skipped without it (CI also
runs ``scripts/ists_baselines.py --check`` on it from ``.ci/run``).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from conftest import ROOT, SHARED_EXTERNAL, project_files

from alignbench.cli import main
from alignbench.dataset.load import load_benchmark
from alignbench.sources.importers.ists2016 import SUBSETS

SHARED = SHARED_EXTERNAL / "ists2016"
pytestmark = pytest.mark.skipif(
    not SHARED.is_dir(),
    reason=f"no shared copy of the iSTS-2016 release at {SHARED} (set ALIGNBENCH_SHARED_EXTERNAL to the folder holding ists2016/)",
)
#: Runs of this many tokens of a release sentence (the whole sentence if shorter, from SHORTEST
#: tokens on) found in a committed file count as its text.
WINDOW, SHORTEST = 8, 5


def _script():
    spec = importlib.util.spec_from_file_location("ists_baselines", ROOT / "scripts" / "ists_baselines.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_baselines_are_what_the_release_gives() -> None:
    script = _script()
    files = script.generate(SHARED)
    assert script.differences(files) == []
    semantic = len(script.config_paths(script.ROOT / "baselines" / "semantic")) if script.semantic_installed() else 0
    from alignbench.aligners import get_aligner, labels_itself

    configs = [script.read_config(p) for p in script.config_paths(script.ROOT / "baselines")]
    tuned = sum(not labels_itself(get_aligner(c.aligner, **c.params)) for c in configs)
    # leaderboard, README, a config and a report per tuned config and subset, transfer reports, semantic reports
    assert len(files) == 1 + 1 + len(SUBSETS) * 2 * tuned + tuned + len(SUBSETS) * semantic


def test_no_release_text_is_committed(tmp_path: Path) -> None:
    assert main(["import", "ists2016", str(SHARED), "-o", str(tmp_path / "ists")]) == 0
    windows: set[tuple[str, ...]] = set()
    for subset in SUBSETS:
        for split in ("train", "test"):
            for article in load_benchmark(split=split, data_dir=tmp_path / "ists" / subset).articles:
                tokens = tuple(article.raw_text.split())
                n = min(WINDOW, len(tokens))
                if n >= SHORTEST:
                    windows.update(tokens[i : i + n] for i in range(len(tokens) - n + 1))
    assert len(windows) > 1000  # the sentences were read
    paths = project_files()
    assert not [p for p in paths if p.endswith(".wa")]
    found = []
    for path in paths:
        try:
            tokens = tuple((ROOT / path).read_text(encoding="utf-8").split())
        except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
            continue  # binary (Parquet, images) or deleted in the worktree
        for n in range(SHORTEST, WINDOW + 1):
            if any(tokens[i : i + n] in windows for i in range(len(tokens) - n + 1)):
                found.append(path)
                break
    assert found == []
