"""Shared fixtures: a private copy of the source tree for tests that corrupt it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CLUSTER = "nk-wonsan-launch"
#: Third-party data for extra checks (never committed): the folder beside the clone, or where
#: ALIGNBENCH_SHARED_EXTERNAL points (.ci/run sets it, since it tests a copy of the tree elsewhere).
SHARED_EXTERNAL = Path(os.environ.get("ALIGNBENCH_SHARED_EXTERNAL") or ROOT.parent / "shared" / "external")


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    """A copy of seeds/, corpus/ and annotations/ that a test may edit freely."""
    for name in ("seeds", "corpus", "annotations"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


#: Folders that running the suite or CI creates in a tree, not part of the project.
_NOT_PROJECT = {".git", ".venv", ".pytest_cache", ".hypothesis", ".ruff_cache", "__pycache__", "dist", "build"}


def project_files() -> list[str]:
    """The project's files, relative to ROOT: what git tracks plus untracked files it does not ignore
    (as .ci/run copies them); in a copy of the tree without ``.git`` (CI), every file but the
    folders that tests and installs create."""
    if (ROOT / ".git").exists():
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout.decode()
        return sorted({n for n in listed.split("\0") if n})
    found = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in _NOT_PROJECT and not d.endswith(".egg-info")]
        found += [os.path.relpath(os.path.join(folder, f), ROOT) for f in files]
    return sorted(found)


def candidate_count(split: str = "test") -> int:
    """The candidate claim pairs of a split of the bundled data, counted from its records (so that a
    new cluster changes it by itself)."""
    from alignbench.dataset.load import load_benchmark

    bench = load_benchmark(split=split)
    sizes = {a.article_id: len(bench.claims_of(a.article_id)) for a in bench.articles}
    return sum(sizes[a] * sizes[b] for a, b in bench.article_pairs())
