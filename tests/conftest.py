"""Shared fixtures: a private copy of the source tree for tests that corrupt it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CLUSTER = "nk-wonsan-launch"


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    """A copy of seeds/, corpus/ and annotations/ that a test may edit freely."""
    for name in ("seeds", "corpus", "annotations"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path
