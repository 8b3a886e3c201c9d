"""Plug-in aligners cannot corrupt scores or escape the one-line promise (issue 18 items 6-8, 12;
issue 21 item 4): immutable inputs, their own failures as one line naming aligner, method and
exception, scores checked after conversion to float64, config values type-checked."""

from __future__ import annotations

import json
import sys
import textwrap
import uuid

import numpy as np
import pytest

from alignbench.cli import main
from alignbench.scoring.report import Report
from alignbench.testing import AlignerCheckError, check_aligner


@pytest.fixture
def plugin(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])  # check_aligner tests import the module directly
    names: list[str] = []

    def write(source: str) -> str:
        name = f"plugin_{uuid.uuid4().hex[:12]}"
        (tmp_path / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
        names.append(name)
        return name

    yield write
    for name in names:
        sys.modules.pop(name, None)


def one_line(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    return err


HEADER = """
    import sys
    import numpy as np
    from alignbench.aligners import BaseAligner, EncodingAligner

    def lengths(claims):
        return np.array([len(c.text) for c in claims], dtype=float)
"""

SORTER = (
    HEADER
    + """
    class Sorter(BaseAligner):
        name = "sorter"

        def score(self, claims_a, claims_b):
            s = 1.0 / (1.0 + np.abs(lengths(claims_a)[:, None] - lengths(claims_b)[None, :]))
            claims_a.sort(key=lambda c: c.text)  # in place, after scoring: corrupts later pairs if shared
            return s
"""
)


def test_an_aligner_that_sorts_its_inputs_cannot_change_later_scores(plugin, capsys):
    name = plugin(SORTER)
    status = main(["eval", "--aligner", f"{name}:Sorter", "--threshold", "0.5", "--split", "diagnostic"])
    assert status == 1  # the harness passes tuples: the in-place sort fails, loudly, instead of corrupting
    err = one_line(capsys)
    assert "aligner 'sorter': score() raised AttributeError" in err


def test_check_aligner_catches_mutation(plugin):
    name = plugin(SORTER)
    module = __import__(name)
    with pytest.raises(AlignerCheckError, match="score"):
        check_aligner(module.Sorter())
    quiet = plugin(
        HEADER
        + """
    class Emptier(BaseAligner):
        name = "emptier"

        def score(self, claims_a, claims_b):
            s = np.zeros((len(claims_a), len(claims_b)))
            if isinstance(claims_b, list):
                claims_b.clear()  # only when it can: the check must see the list change
            return s
    """
    )
    with pytest.raises(AlignerCheckError, match=r"changed its input list in place"):
        check_aligner(__import__(quiet).Emptier())


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("raise ValueError('boom')", "aligner 'bad': score() raised ValueError: boom"),
        (
            "raise OSError(2, 'No such file or directory', 'weights.bin')",
            "aligner 'bad': score() raised FileNotFoundError",
        ),
        ("sys.exit(3)", "aligner 'bad': score() called sys.exit(3)"),
        ("sys.exit(0)", "aligner 'bad': score() called sys.exit(0)"),
    ],
)
def test_a_plugins_own_failure_is_one_line_exit_1(plugin, capsys, body, expected):
    name = plugin(
        HEADER
        + f"""
    class Bad(BaseAligner):
        name = "bad"

        def score(self, claims_a, claims_b):
            {body}
    """
    )
    assert main(["eval", "--aligner", f"{name}:Bad", "--threshold", "0.5"]) == 1
    assert expected in one_line(capsys)


def test_traceback_flag_shows_the_plugins_trace(plugin, capsys):
    name = plugin(
        HEADER
        + """
    class Bad(BaseAligner):
        name = "bad"

        def score(self, claims_a, claims_b):
            raise ValueError("deep inside")
    """
    )
    assert main(["eval", "--aligner", f"{name}:Bad", "--threshold", "0.5", "--traceback"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and 'raise ValueError("deep inside")' in err
    assert err.rstrip().splitlines()[-1] == "alignbench eval: aligner 'bad': score() raised ValueError: deep inside"


def test_fit_and_encode_failures_name_their_method(plugin, capsys):
    name = plugin(
        HEADER
        + """
    class BadFit(BaseAligner):
        name = "bad-fit"

        def fit(self, texts):
            raise RuntimeError("no corpus")

        def score(self, claims_a, claims_b):
            return np.zeros((len(claims_a), len(claims_b)))

    class DictEncoder(EncodingAligner):
        name = "dict-encoder"

        def encode(self, claims):
            return {c.claim_id: len(c.text) for c in claims}

        def similarity(self, a, b):
            return np.zeros((len(a), len(b)))
    """
    )
    assert main(["eval", "--aligner", f"{name}:BadFit", "--threshold", "0.5"]) == 1
    assert "aligner 'bad-fit': fit() raised RuntimeError: no corpus" in one_line(capsys)
    assert main(["eval", "--aligner", f"{name}:DictEncoder", "--threshold", "0.5"]) == 1
    assert "aligner 'dict-encoder': encode() returned dict, expected rows" in one_line(capsys)


def test_sys_exit_at_import_is_an_error(plugin, capsys):
    name = plugin("import sys\nsys.exit(0)\n")
    assert main(["eval", "--aligner", f"{name}:X", "--threshold", "0.5"]) == 1
    assert "it called sys.exit(0)" in one_line(capsys)


@pytest.mark.parametrize(
    "make",
    [
        "np.ma.masked_invalid(np.full((len(claims_a), len(claims_b)), np.nan))",
        "np.full((len(claims_a), len(claims_b)), np.longdouble('1e4000'))",
    ],
)
def test_hidden_non_finite_scores_are_refused(plugin, capsys, make):
    if "longdouble" in make and np.finfo(np.longdouble).max <= np.finfo(np.float64).max:
        pytest.skip("longdouble is float64 on this platform: 1e4000 cannot be made")
    name = plugin(
        HEADER
        + f"""
    class Hidden(BaseAligner):
        name = "hidden"

        def score(self, claims_a, claims_b):
            return {make}
    """
    )
    assert main(["eval", "--aligner", f"{name}:Hidden", "--threshold", "0.5"]) == 1
    err = one_line(capsys)
    assert "aligner 'hidden': score() returned" in err


def test_the_class_name_attribute_names_the_system(plugin, tmp_path):
    name = plugin(
        HEADER
        + """
    class Mine(BaseAligner):
        name = "my-length-aligner"

        def score(self, claims_a, claims_b):
            return 1.0 / (1.0 + np.abs(lengths(claims_a)[:, None] - lengths(claims_b)[None, :]))
    """
    )
    out = tmp_path / "r.json"
    assert main(["eval", "--aligner", f"{name}:Mine", "--threshold", "0.5", "--format", "json", "-o", str(out)]) == 0
    assert Report.from_json(out.read_text(encoding="utf-8")).system["name"] == "my-length-aligner"
    assert (
        main(
            [
                "eval",
                "--aligner",
                f"{name}:Mine",
                "--threshold",
                "0.5",
                "--system",
                "S",
                "--format",
                "json",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    assert Report.from_json(out.read_text(encoding="utf-8")).system["name"] == "S"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("params", [1], "params must be an object"),
        ("threshold", float("nan"), "threshold must be a finite number"),
        ("aligner", 5, "aligner must be a non-empty string"),
        ("equivalent_at", "0.5", "equivalent_at must be a finite number"),
    ],
)
def test_config_values_are_type_checked(tmp_path, capsys, field, value, message):
    config = {
        "name": "fuzzy",
        "aligner": "fuzzy",
        "params": {},
        "decoder": "threshold",
        "threshold": 0.6,
        "equivalent_at": 0.9,
        "threshold_origin": "a priori",
    }
    config[field] = value
    path = tmp_path / "fuzzy.json"
    path.write_text(json.dumps(config), encoding="utf-8")  # json writes NaN as NaN, which json.loads reads back
    assert main(["eval", "--aligner", "fuzzy", "--config", str(path)]) == 1
    err = one_line(capsys)
    assert str(path) in err and message in err
