"""Progress bars appear on a terminal only: never in pipes, files or CI logs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from fixture import run_on_terminal

from alignbench.progress import progress

EVAL = [sys.executable, "-m", "alignbench", "eval", "--baselines", "--resamples", "20", "--format", "csv"]


def test_eval_of_several_systems_shows_a_bar_on_a_terminal():
    status, out, err = run_on_terminal(EVAL)
    assert status == 0
    configs = len(list((Path(__file__).resolve().parents[1] / "baselines" / "configs").glob("*.json")))
    assert b"baselines" in err and b"system" in err  # tqdm's "baselines: ... N/N [..., system/s]"
    assert f"0/{configs}".encode() in err  # the bar is drawn at the start (later updates are rate-limited)
    assert out.startswith(b"system,")  # the bar never goes to stdout


def test_no_progress_when_stderr_is_not_a_terminal():
    proc = subprocess.run(EVAL, capture_output=True, timeout=120)
    assert proc.returncode == 0
    assert proc.stderr == b""


def test_progress_passes_items_through_unchanged(monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    assert list(progress(iter([3, 1, 2]), "x")) == [3, 1, 2]
