"""The wheel ships the Parquet files and baseline configs: ``alignbench.load`` works from the
installed wheel and ``alignbench eval --baselines`` prints the committed leaderboard.

The wheel is built without isolation and installed with ``--no-deps --target`` so that the test
needs no network; CI also installs it into a fresh virtual environment with its dependencies.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile

from conftest import ROOT

import alignbench
from alignbench.dataset.schema import CONFIGS
from alignbench.sources.corpus import load_sources


def test_wheel_contains_data_and_loads(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path / "dist"), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = (tmp_path / "dist").glob("alignbench-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for config in CONFIGS:
        assert any(n.startswith(f"alignbench/_data/{config}/test-") and n.endswith(".parquet") for n in names)
    assert "alignbench/_data/README.md" in names and "alignbench/_data/croissant.json" in names
    assert "alignbench/_meta/CITATION.cff" in names
    assert "alignbench/aligners/prompts/llm-v1.txt" in names  # the llm aligner's prompt is package data
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-index",
            "--quiet",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    code = (
        "import alignbench\n"
        "print(alignbench.__file__)\n"
        "print(alignbench.load('claims').num_rows, len(alignbench.load_benchmark().alignments))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert out[0].startswith(str(target))
    real = load_sources(ROOT).split("test")
    assert out[1] == f"{len(real.claims)} {len(real.alignments)}"
    # outside the clone, the installed package reproduces the committed leaderboard byte for byte
    board = subprocess.run(
        [sys.executable, "-m", "alignbench", "eval", "--baselines"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert board == (ROOT / "baselines" / "LEADERBOARD.md").read_text(encoding="utf-8")
    # the installed version's citation, from the CITATION.cff inside the wheel
    cite = subprocess.run(
        [sys.executable, "-m", "alignbench", "cite"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    local = subprocess.run(
        [sys.executable, "-m", "alignbench", "cite"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert cite == local and f"version {alignbench.__version__}" in cite
