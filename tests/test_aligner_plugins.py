"""User aligners named ``module:Class`` on the command line: import, checks and one-line errors."""

from __future__ import annotations

import os
import sys
import textwrap
import uuid

import pytest
from conftest import candidate_count

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
    assert len(open("preds.jsonl", encoding="utf-8").read().splitlines()) == candidate_count()


def test_working_directory_already_on_sys_path_is_not_added_twice(plugin, capsys):
    name = plugin(SAME_LENGTH)
    cwd = os.getcwd()
    sys.path.append(cwd)
    before = list(sys.path)
    args = ["eval", "--aligner", f"{name}:SameLength", "--threshold", "1.2", "--resamples", "10"]
    assert main([*args, "--param", "offset=0.5", "--format", "json", "-o", "report.json"]) == 0
    assert sys.modules[name].SYS_PATH_AT_IMPORT.count(cwd) == 1
    assert sys.path == before
    from alignbench.scoring.report import Report

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


UNSCORABLE = """
    class {cls}:
        {body}

        def score(self, claims_a, claims_b):
            raise RuntimeError("score() must not be called before the aligner is checked")
"""


def unscorable(cls: str, body: str, base: bool = True) -> str:
    """A user aligner class whose score() fails loudly: every check must come before scoring."""
    header = "from alignbench.aligners import BaseAligner\n" if base else ""
    return header + textwrap.dedent(UNSCORABLE.format(cls=f"{cls}(BaseAligner)" if base else cls, body=body))


# (arguments after "eval --threshold 0.5 --aligner", exit status, stderr after "alignbench eval: ")
CLI_ERRORS = [
    ([":X"], 2, "error: aligner spec ':X' has an empty module name; expected package.module:Class"),
    (["json:"], 2, "error: aligner spec 'json:' has an empty class name; expected package.module:Class"),
    (
        ["os:getcwd"],
        2,
        "error: aligner 'os:getcwd' is not an aligner: getcwd is a builtin_function_or_method, not a class",
    ),
    (
        ["collections:OrderedDict"],
        2,
        "error: aligner 'collections:OrderedDict' is not an aligner: OrderedDict has no score() or get_params() "
        "(an aligner is a class with a name, score(claims_a, claims_b) and get_params(); "
        "subclass alignbench.aligners.BaseAligner)",
    ),
    (["json:Nope"], 2, "error: module 'json' has no aligner class 'Nope'"),
    (["no_such_module:X"], 2, "error: cannot import aligner module 'no_such_module': No module named 'no_such_module'"),
    (["fuzzzy"], 2, "error: unknown aligner 'fuzzzy' (did you mean 'fuzzy'?); built-in: "),
    (["tfidf", "--param", "ngram_max=abc"], 2, "error: tfidf: ngram_max must be an integer >= ngram_min, got 'abc'"),
    (["tfidf", "--param", "ngram_min=0"], 2, "error: tfidf: ngram_min must be an integer >= 1, got 0"),
    (["tfidf", "--param", "analyzer=nope"], 2, "error: tfidf: analyzer must be one of word, char, char_wb, got 'nope'"),
    (
        ["tfidf-char", "--param", "lowercase=yes"],
        2,
        "error: tfidf-char: lowercase must be true or false, got 'yes'",
    ),
    (["tfidf", "--param", "field=nope"], 2, "error: tfidf: field must be one of text, context, statement, got 'nope'"),
    (["fuzzy", "--param", "field=null"], 2, "error: fuzzy: field must be one of text, context, statement, got None"),
    (
        ["fuzzy", "--param", "scorer=nope"],
        2,
        "error: fuzzy: scorer must be one of ratio, partial_ratio, token_sort_ratio, token_set_ratio, token_ratio, "
        "partial_token_sort_ratio, partial_token_set_ratio, partial_token_ratio, WRatio, QRatio "
        "(functions of rapidfuzz.fuzz), got 'nope'",
    ),
    (
        ["fuzzy", "--param", "processor=upper"],
        2,
        "error: fuzzy: processor must be one of default_process, none, got 'upper'",
    ),
    (["fuzzy", "--param", "workers=0"], 2, "error: fuzzy: workers must be an integer >= 1, or -1 for all cores, got 0"),
    (["random", "--param", "seed=-1"], 2, "error: random: seed must be an integer >= 0, got -1"),
    (["random", "--param", "seed=abc"], 2, "error: random: seed must be an integer >= 0, got 'abc'"),
    (["random", "--param", "seed=1.5"], 2, "error: random: seed must be an integer >= 0, got 1.5"),
    (
        ["random", "--param", "sed=1"],
        2,
        "error: aligner 'random' has no parameter 'sed' (did you mean 'seed'?); its parameters: seed",
    ),
    (
        ["tfidf", "--param", "ngram=3"],
        2,
        "error: aligner 'tfidf' has no parameter 'ngram' (did you mean 'ngram_min'?); its parameters: field, "
        "analyzer, ngram_min, ngram_max, lowercase, sublinear_tf",
    ),
    (["all-pairs", "--param", "x=1"], 2, "error: aligner 'all-pairs' has no parameter 'x'; it takes no parameters"),
    (["random", "--param", "seed"], 2, "error: --param 'seed': expected KEY=VALUE"),
]


@pytest.mark.parametrize(("args", "status", "message"), CLI_ERRORS, ids=[" ".join(a) for a, _, _ in CLI_ERRORS])
def test_bad_aligner_or_parameter_is_one_line(args, status, message, plugin, capsys):
    assert main(["eval", "--threshold", "0.5", "--aligner", *args]) == status
    assert one_line_error(capsys).startswith(f"alignbench eval: {message}")


USER_ERRORS = [
    (
        unscorable("NoGetParams", 'name = "no-get-params"', base=False),
        "NoGetParams",
        2,
        "error: aligner '{spec}' is not an aligner: NoGetParams has no get_params() (an aligner is a class with a "
        "name, score(claims_a, claims_b) and get_params(); subclass alignbench.aligners.BaseAligner)",
    ),
    (
        unscorable("Nameless", "name = None"),
        "Nameless",
        2,
        "error: aligner '{spec}' is not an aligner: Nameless has no name (a non-empty string attribute)",
    ),
    (
        unscorable("Star", 'name = "star"\n\n        def __init__(self, *args):\n            pass'),
        "Star",
        2,
        "error: aligner '{spec}': Star.__init__ takes *args: an aligner must name every parameter",
    ),
    (
        unscorable(
            "Picky",
            'name = "picky"\n\n        def __init__(self, k=1):\n            raise ValueError("k must be odd")',
        ),
        "Picky",
        2,
        "error: cannot build aligner '{spec}' with parameters {{}}: ValueError: k must be odd",
    ),
    ("raise ValueError('boom')", "X", 1, "cannot import aligner module '{module}': ValueError: boom"),
    (
        "import no_such_dependency_xyz",
        "X",
        1,
        "cannot import aligner module '{module}': ModuleNotFoundError: No module named 'no_such_dependency_xyz'",
    ),
]


@pytest.mark.parametrize(
    ("source", "cls", "status", "message"),
    USER_ERRORS,
    ids=["no-get-params", "nameless", "star-args", "init-raises", "import-raises", "import-lacks-dependency"],
)
@pytest.mark.parametrize("command", ["eval", "run"])
def test_broken_user_aligner_is_one_line_before_scoring(source, cls, status, message, command, plugin, capsys):
    module = plugin(source)
    spec = f"{module}:{cls}"
    args = ["eval", "--aligner", spec] if command == "eval" else ["run", spec, "-o", "preds.jsonl"]
    assert main([*args, "--threshold", "0.5"]) == status
    assert one_line_error(capsys).startswith(f"alignbench {command}: {message.format(spec=spec, module=module)}")
