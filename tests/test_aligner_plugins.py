"""User aligners named ``module:Class`` on the command line: import, checks and one-line errors."""

from __future__ import annotations

import os
import sys
import textwrap
import uuid

import pytest

from alignbench.cli import main

SAME_LENGTH = """
    import sys

    import numpy as np
    from alignbench.aligners import BaseAligner

    SYS_PATH_AT_IMPORT = list(sys.path)

    class SameLength(BaseAligner):
        name = "same-length"

        def __init__(self, scale: float = 1.0, *, offset: float = 0.0):
            self.scale = scale
            self.offset = offset

        def score(self, claims_a, claims_b):
            la = np.array([len(c.text) for c in claims_a], dtype=float)[:, None]
            lb = np.array([len(c.text) for c in claims_b], dtype=float)[None, :]
            return self.offset + self.scale / (1.0 + np.abs(la - lb))
"""


@pytest.fixture
def plugin(tmp_path, monkeypatch):
    """Write a module into a fresh working directory (not on sys.path); returns its unique name."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    names: list[str] = []

    def write(source: str) -> str:
        name = f"plugin_{uuid.uuid4().hex[:12]}"
        (tmp_path / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
        names.append(name)
        return name

    yield write
    for name in names:
        sys.modules.pop(name, None)


def one_line_error(capsys) -> str:
    """The CLI's stderr, checked to be exactly one line and no traceback."""
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1 and err.endswith("\n"), err
    return err


def test_module_class_spec_is_imported_from_the_working_directory(plugin, capsys):
    name = plugin(SAME_LENGTH)
    cwd = os.getcwd()
    assert cwd not in sys.path
    before = list(sys.path)
    args = ["run", f"{name}:SameLength", "--param", "offset=0.5", "--threshold", "1.2", "-o", "preds.jsonl"]
    assert main(args) == 0, capsys.readouterr().err
    module = sys.modules[name]
    assert module.SYS_PATH_AT_IMPORT[0] == cwd and module.SYS_PATH_AT_IMPORT.count(cwd) == 1
    assert sys.path == before  # only for that import
    assert len(open("preds.jsonl", encoding="utf-8").read().splitlines()) == 1155


def test_working_directory_already_on_sys_path_is_not_added_twice(plugin, capsys):
    name = plugin(SAME_LENGTH)
    cwd = os.getcwd()
    sys.path.append(cwd)
    before = list(sys.path)
    args = ["eval", "--aligner", f"{name}:SameLength", "--threshold", "1.2", "--resamples", "10"]
    assert main([*args, "--param", "offset=0.5", "--format", "json", "-o", "report.json"]) == 0
    assert sys.modules[name].SYS_PATH_AT_IMPORT.count(cwd) == 1
    assert sys.path == before
    from alignbench.report import Report

    report = Report.from_json(open("report.json", encoding="utf-8").read())
    assert report.system["params"] == {"scale": 1.0, "offset": 0.5}  # keyword-only parameters recorded


def test_cli_rejects_scores_that_check_aligner_rejects(plugin, capsys):
    name = plugin(
        """
        from alignbench.aligners import BaseAligner

        class ListScores(BaseAligner):
            name = "list-scores"

            def score(self, claims_a, claims_b):
                return [[0.5] * len(claims_b) for _ in claims_a]
        """
    )
    assert main(["eval", "--aligner", f"{name}:ListScores", "--threshold", "0.5"]) == 1
    assert one_line_error(capsys) == (
        "alignbench eval: aligner 'list-scores': score() returned list, expected a numpy.ndarray\n"
    )
