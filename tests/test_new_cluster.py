"""Adding a valid cluster takes one documented command and no test edit (issue 19, item 3).

In a copy of the tree: add the fixture cluster of ``tests/data/added-cluster`` (fictional text
standing in for a real news cluster), run ``alignbench validate``, then ``alignbench build &&
alignbench eval --baselines --update``, then the copy's own data-dependent tests. The numbers of
README.md and DATASHEET.md must have changed by themselves. ``scripts/check_new_cluster.py`` runs the
copy's whole suite the same way (too slow for every test run).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cluster_fixture import ADDED_CLUSTER, add_cluster
from conftest import ROOT, project_files

from alignbench.commands.derived import stale_derived
from alignbench.dataset.build import build
from alignbench.scoring.numbers import dataset_facts
from alignbench.sources.corpus import load_sources
from alignbench.views.numbers import block_text

#: The copy's quick tests that read the data's counts or the generated blocks (the baseline reports'
#: test reruns every baseline: the script runs it, with the rest of the suite).
DATA_TESTS = [
    "tests/test_numbers.py",
    "tests/test_golden.py",
    "tests/test_datasheet.py",
    "tests/test_validate.py::test_committed_data_is_valid",
    "tests/test_build.py::test_committed_data_is_up_to_date",
    "tests/test_load.py::test_load_benchmark_equals_the_sources",
]


def _run(tree: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}  # the copy's package, not this checkout's
    return subprocess.run([sys.executable, *args], cwd=tree, env=env, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    tree = tmp_path_factory.mktemp("clone")
    for name in project_files():
        if (ROOT / name).is_file():
            (tree / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, tree / name)
    return tree


def test_a_new_cluster_needs_one_command_and_no_test_edit(tree):
    if (ROOT / "corpus" / ADDED_CLUSTER).exists():
        pytest.skip("this tree already holds the fixture cluster (the copy scripts/check_new_cluster.py tests)")
    before = {name: (tree / name).read_text(encoding="utf-8") for name in ("README.md", "DATASHEET.md")}
    add_cluster(tree)
    done = _run(tree, "-m", "alignbench", "validate")
    assert done.returncode == 0, done.stderr
    assert f"{ADDED_CLUSTER}" in done.stdout
    for command in (["build"], ["eval", "--baselines", "--update"]):  # the README's one command
        done = _run(tree, "-m", "alignbench", *command)
        assert done.returncode == 0, done.stderr

    assert build(tree, check=True) == []
    assert stale_derived(tree) == []
    real = load_sources(tree).split("test")
    facts = dataset_facts(tree / "data")["test"]
    assert facts.counts["event clusters"] == 2 and facts.counts["gold links"] == len(real.alignments)
    for name, old in before.items():
        new = (tree / name).read_text(encoding="utf-8")
        assert block_text(new, "numbers-splits") != block_text(old, "numbers-splits"), name
    readme = (tree / "README.md").read_text(encoding="utf-8")
    assert f"| `test` | 2 | {len(real.articles)} | {len(real.claims)} |" in block_text(readme, "numbers-splits")
    datasheet = (tree / "DATASHEET.md").read_text(encoding="utf-8")
    assert f"`{ADDED_CLUSTER}` (2 articles" in block_text(datasheet, "numbers-at-a-glance")

    done = _run(tree, "-m", "pytest", "-q", "-p", "no:cacheprovider", *DATA_TESTS)
    assert done.returncode == 0, done.stdout[-3000:]
