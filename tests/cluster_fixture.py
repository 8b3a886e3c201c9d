"""A second real-split cluster for tests: ``tests/data/added-cluster`` (fictional text, see its README)."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import ROOT

ADDED = ROOT / "tests" / "data" / "added-cluster"
ADDED_CLUSTER = "vellmar-ferry-strike"


def add_cluster(root: Path) -> None:
    """Copy the fixture cluster's ``corpus/`` and ``annotations/`` folders into the tree at ``root``."""
    for part in ("corpus", "annotations"):
        shutil.copytree(ADDED / part / ADDED_CLUSTER, root / part / ADDED_CLUSTER)
