"""Shared fixtures: a private copy of the source tree for tests that corrupt it."""

from __future__ import annotations

import os
import shutil
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
