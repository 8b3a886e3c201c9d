"""A second real-split cluster for tests: ``tests/data/added-cluster`` (fictional text, see its README)."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import ROOT

ADDED = ROOT / "tests" / "data" / "added-cluster"
ADDED_CLUSTER = "vellmar-ferry-strike"


def add_cluster(root: Path) -> None:
    """Copy the fixture cluster's ``corpus/`` and ``annotations/`` folders into the tree at ``root``
    (over the same files if the tree already holds it, as the copy that scripts/check_new_cluster.py
    tests does)."""
    for part in ("corpus", "annotations"):
        shutil.copytree(ADDED / part / ADDED_CLUSTER, root / part / ADDED_CLUSTER, dirs_exist_ok=True)
