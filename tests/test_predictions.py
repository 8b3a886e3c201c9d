"""Prediction files: one-line errors naming the line; the fast and reference readers agree."""

from __future__ import annotations

import json

import numpy as np
import pytest
from fixture import PREDICTIONS, tiny_benchmark, write_jsonl

from alignbench.cli import main
from alignbench.records import DataError
from alignbench.scoring.predictions import Prediction, _fast_read, _reference_read, read_predictions, write_predictions
from alignbench.scoring.space import CandidateSpace

GOOD = {"claim_a": "wonsan-a-010", "claim_b": "wonsan-b-009", "score": 0.9, "label": "contradiction"}
OTHER = {"claim_a": "wonsan-a-001", "claim_b": "wonsan-b-003", "score": 0.5, "label": "equivalent"}

BAD_SECOND_LINES = [
    ({**OTHER, "claim_b": "wonsan-b-999"}, "unknown claim id 'wonsan-b-999'"),
    ({**OTHER, "claim_b": "wonsan-a-002"}, "same-article pair: both claims are from 'wonsan-a'"),
    ({**GOOD, "score": 0.1}, "duplicate pair 'wonsan-a-010' - 'wonsan-b-009' (first at line 1)"),
    (
        {"claim_a": "wonsan-b-009", "claim_b": "wonsan-a-010", "score": 0.1, "label": "none"},
        "duplicate pair 'wonsan-a-010' - 'wonsan-b-009' (first at line 1)",
    ),
    ('{"claim_a": "wonsan-a-001", "claim_b": "wonsan-b-003", "score": NaN, "label": "none"}', "non-finite score nan"),
    ('{"claim_a": "wonsan-a-001", "claim_b": "wonsan-b-003", "score": 1e999, "label": "none"}', "non-finite score inf"),
    ({**OTHER, "score": "0.5"}, 'score must be a number, got "0.5"'),
    ({**OTHER, "score": True}, "score must be a number, got true"),
    ({**OTHER, "label": "contradicts"}, "unknown label 'contradicts' (did you mean 'contradiction'?)"),
    ({**OTHER, "label": None}, "unknown label None"),
    ('{"claim_a": "wonsan-a-001", "claim_b": ', "not valid JSON"),
    ("[1, 2]", "expected a JSON object"),
    ({**OTHER, "extra": 1}, "unknown field 'extra'"),
    ({k: v for k, v in OTHER.items() if k != "label"}, "missing field 'label'"),
    (
        '{"claim_a": "wonsan-a-001", "claim_a": "wonsan-a-002", "claim_b": "wonsan-b-003", "score": 1, "label": "none"}',
        "field 'claim_a' appears twice",
    ),
]


@pytest.mark.parametrize(("row", "message"), BAD_SECOND_LINES)
def test_bad_line_is_named_with_exit_1(tmp_path, capsys, row, message):
    path = write_jsonl(tmp_path / "preds.jsonl", [GOOD, row])
    for argv in (["validate-predictions", str(path)], ["eval", "--predictions", str(path), "--resamples", "0"]):
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"alignbench {argv[0]}: {path}:2: {message}"), err
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_cross_cluster_pair_is_rejected(tmp_path):
    space = CandidateSpace(tiny_benchmark(second_cluster=True))
    path = write_jsonl(tmp_path / "p.jsonl", [{"claim_a": "x-1", "claim_b": "z-1", "score": 1, "label": "none"}])
    with pytest.raises(DataError, match=r"p.jsonl:1: pair from different clusters: 'x-1' is in 'c1', 'z-1' in 'c2'"):
        read_predictions(path, space)


def test_missing_file_and_blank_lines(tmp_path):
    space = CandidateSpace(tiny_benchmark())
    with pytest.raises(DataError, match="prediction file not found"):
        read_predictions(tmp_path / "nope.jsonl", space)
    path = write_jsonl(tmp_path / "p.jsonl", ["", json.dumps(PREDICTIONS[0]), "  ", json.dumps(PREDICTIONS[1])])
    assert len(read_predictions(path, space).index) == 2


def test_fast_and_reference_readers_agree(tmp_path):
    space = CandidateSpace(tiny_benchmark())
    path = write_jsonl(tmp_path / "p.jsonl", PREDICTIONS)
    fast, slow = _fast_read(path, space), _reference_read(path, space)
    assert fast is not None
    for a, b in zip(fast, slow, strict=True):
        assert np.array_equal(a, b) and a.dtype == b.dtype


@pytest.mark.parametrize(("row", "message"), BAD_SECOND_LINES)
def test_fast_reader_defers_on_every_bad_file(tmp_path, row, message):
    from alignbench.dataset.load import load_benchmark

    path = write_jsonl(tmp_path / "preds.jsonl", [GOOD, row])
    assert _fast_read(path, CandidateSpace(load_benchmark())) is None


def test_reversed_pair_is_normalised(tmp_path):
    space = CandidateSpace(tiny_benchmark())
    path = write_jsonl(
        tmp_path / "p.jsonl", [{"claim_a": "y-1", "claim_b": "x-3", "score": 2, "label": "a_more_specific"}]
    )
    preds = read_predictions(path, space)
    assert space.claim_ids[space.cand_a[preds.index[0]]] == "x-3"
    assert preds.label.tolist() == [2]  # b_more_specific
    assert preds.score.tolist() == [2.0]


def test_writer_round_trips_and_is_atomic(tmp_path):
    space = CandidateSpace(tiny_benchmark())
    rows = [Prediction(**r) for r in PREDICTIONS]
    path = tmp_path / "out" / "p.jsonl"
    write_predictions(path, rows)
    assert [json.loads(x) for x in path.read_text().splitlines()] == PREDICTIONS
    with pytest.raises(DataError, match="non-finite score"):
        write_predictions(path, [*rows, Prediction("x-1", "y-4", float("nan"), "none")])
    assert [json.loads(x) for x in path.read_text().splitlines()] == PREDICTIONS  # old file kept
    assert sorted(p.name for p in path.parent.iterdir()) == ["p.jsonl"]
    assert len(read_predictions(path, space).index) == 7


def _cli_error(path, capsys) -> str:
    """The one-line error of ``validate-predictions`` on ``path`` (exit status 1, no traceback)."""
    assert main(["validate-predictions", str(path)]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    prefix = "alignbench validate-predictions: "
    assert err.startswith(prefix), err
    return err[len(prefix) :].rstrip("\n")


def test_non_utf8_names_line_and_column(tmp_path, capsys):
    path = tmp_path / "p.jsonl"
    # a non-ASCII character before the bad byte: the column counts characters, not bytes
    row = {**OTHER, "claim_a": "wonsän-a-001", "claim_b": "wonsan-b-\udcff"}
    bad = json.dumps(row, ensure_ascii=False)
    path.write_bytes(
        (json.dumps(GOOD) + "\n\n").encode() + bad.encode("utf-8", "surrogateescape") + b"\n" + b"\xff\xfe\n"
    )
    column = bad.index("\udcff") + 1
    assert _cli_error(path, capsys) == f"{path}:3: not valid UTF-8 (invalid start byte at column {column})"


def _benchmark_space() -> CandidateSpace:
    from alignbench.dataset.load import load_benchmark

    return CandidateSpace(load_benchmark())


JSONL_HINT = "; each line must hold one whole JSON object (JSON Lines)"
EXTRA_HINT = "; write one object per line (JSON Lines)"
PRETTY = json.dumps(OTHER, indent=2)  # 6 lines: "{", 4 fields, "}"
NOT_JSON_LINES = [
    pytest.param(
        "\ufeff" + json.dumps(GOOD) + "\n", "1: starts with a UTF-8 byte-order mark; write UTF-8 without BOM", id="bom"
    ),
    pytest.param(
        json.dumps(GOOD) + "\n\ufeff" + json.dumps(OTHER) + "\n",
        "2: starts with a UTF-8 byte-order mark",
        id="bom-line-2",
    ),
    pytest.param(
        json.dumps(GOOD) + "\n" + PRETTY + "\n",
        "2: not valid JSON (Expecting property name enclosed in double quotes, column 2)" + JSONL_HINT,
        id="pretty-printed",
    ),
    pytest.param(  # line 1 is the object's first 51 characters; the error is just past its end
        json.dumps(GOOD, indent=None, separators=(",", ":")).replace(',"score"', ',\n"score"') + "\n",
        "1: not valid JSON (Expecting property name enclosed in double quotes, column 52)" + JSONL_HINT,
        id="object-over-two-lines",
    ),
    pytest.param(
        json.dumps(GOOD) + " " + json.dumps(OTHER) + "\n",
        f"1: extra data after the JSON object at column {len(json.dumps(GOOD)) + 2}" + EXTRA_HINT,
        id="two-objects-on-a-line",
    ),
    pytest.param(json.dumps(GOOD) + json.dumps(OTHER), "1: extra data", id="whole-file-on-one-line"),
    pytest.param(json.dumps(GOOD) + "\r" + json.dumps(OTHER) + "\r\n", "1: extra data", id="lone-cr-is-no-line-end"),
]


@pytest.mark.parametrize(("text", "message"), NOT_JSON_LINES)
def test_not_one_object_per_line_is_rejected_by_both_readers(tmp_path, capsys, text, message):
    path = tmp_path / "p.jsonl"
    path.write_bytes(text.encode())
    assert _fast_read(path, _benchmark_space()) is None
    assert _cli_error(path, capsys).startswith(f"{path}:{message}")


def test_first_problem_in_line_order_is_reported(tmp_path, capsys):
    bad_id = json.dumps({**OTHER, "claim_a": "wonsan-a-999"})
    path = tmp_path / "p.jsonl"
    path.write_text("\n".join([json.dumps(GOOD), PRETTY, bad_id]) + "\n", encoding="utf-8")
    assert _cli_error(path, capsys).startswith(f"{path}:2: not valid JSON")
    path.write_text("\n".join([json.dumps(GOOD), bad_id, PRETTY]) + "\n", encoding="utf-8")
    assert _cli_error(path, capsys).startswith(f"{path}:2: unknown claim id 'wonsan-a-999'")
    path.write_text("\n".join([bad_id + " " + json.dumps(GOOD), PRETTY]) + "\n", encoding="utf-8")
    assert _cli_error(path, capsys).startswith(f"{path}:1: extra data")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("{g}\r\n{o}\r\n", id="crlf"),
        pytest.param("\n \t\n{g}\n\r\n\n{o}\n \n", id="blank-and-whitespace-lines"),
        pytest.param(" \t{g} \t\r\n  {o}", id="indented-no-final-newline"),
        pytest.param("{g}\n{o}" + " " * 3_000_000 + "\n", id="line-longer-than-a-pyarrow-block"),
    ],
)
def test_both_readers_accept_line_end_and_blank_line_variants(tmp_path, text):
    space = _benchmark_space()
    path = tmp_path / "p.jsonl"
    path.write_bytes(text.format(g=json.dumps(GOOD), o=json.dumps(OTHER)).encode())
    fast, slow = _fast_read(path, space), _reference_read(path, space)
    assert fast is not None and len(slow.index) == 2
    for a, b in zip(fast, slow, strict=True):
        assert np.array_equal(a, b) and a.dtype == b.dtype


def _line(score: str) -> str:
    return json.dumps({**OTHER, "score": 0}).replace('"score": 0', f'"score": {score}')


@pytest.mark.parametrize(
    ("line", "message"),
    [
        pytest.param(_line("9" * 400), "score out of range: 99999", id="400-digit-integer"),
        pytest.param(_line("-" + "9" * 400), "score out of range: -9999", id="negative-400-digit-integer"),
        pytest.param(_line("1" * 5000), "score out of range: 11111", id="integer-beyond-python-digit-limit"),
        pytest.param("[" * 100_000, "not valid JSON (nested too deeply)", id="deep-array"),
        pytest.param('{"claim_a": ' + '{"a": ' * 100_000, "not valid JSON (nested too deeply)", id="deep-object"),
    ],
)
def test_unparsable_values_get_one_line_errors(tmp_path, capsys, line, message):
    path = write_jsonl(tmp_path / "p.jsonl", [GOOD, line])
    assert _fast_read(path, _benchmark_space()) is None
    error = _cli_error(path, capsys)
    assert error.startswith(f"{path}:2: {message}"), error
    assert len(error) - len(str(path)) < 150, error


def test_any_exception_while_parsing_a_line_names_the_line(tmp_path, monkeypatch):
    def broken_loads(*args, **kwargs):
        raise RuntimeError("boom\nsecond line")

    path = write_jsonl(tmp_path / "p.jsonl", ["", GOOD])
    monkeypatch.setattr("alignbench.scoring.predictions.json.loads", broken_loads)
    with pytest.raises(DataError) as caught:
        _reference_read(path, _benchmark_space())
    assert caught.value.problems == [f"{path}:2: not valid JSON (RuntimeError('boom\\nsecond line'))"]


def test_large_integer_scores_in_range_agree(tmp_path):
    space = _benchmark_space()
    rows = [_line(str(10**300 + 12345)), json.dumps(GOOD).replace('"score": 0.9', f'"score": {2**64 + 1}')]
    path = write_jsonl(tmp_path / "p.jsonl", rows)
    fast, slow = _fast_read(path, space), _reference_read(path, space)
    assert fast is not None
    assert slow.score.tolist() == [1e300, float(2**64)]
    for a, b in zip(fast, slow, strict=True):
        assert np.array_equal(a, b) and a.dtype == b.dtype


HUGE = "w" * 20_000_000  # 20 MB
BIG = "w" * 2_000_000


@pytest.mark.parametrize(
    ("line", "message"),
    [
        pytest.param({**OTHER, "claim_a": HUGE}, "unknown claim id 'wwww", id="20MB-claim-id"),
        pytest.param({**OTHER, "claim_b": [HUGE]}, "unknown claim id ['wwww", id="20MB-non-string-claim-id"),
        pytest.param({**OTHER, "label": HUGE}, "unknown label 'wwww", id="20MB-label"),
        pytest.param({**OTHER, BIG: 1}, "unknown field 'wwww", id="2MB-field-name"),
        pytest.param({**OTHER, "score": BIG}, 'score must be a number, got "wwww', id="2MB-score-string"),
        pytest.param(json.dumps(OTHER)[:-1] + f', "{BIG}": 1, "{BIG}": 2}}', "field 'wwww", id="2MB-duplicate-field"),
        pytest.param(
            json.dumps({**OTHER, **{f"k{i}": i for i in range(50_000)}}),
            "unknown field 'k0'",
            id="50000-fields",
        ),
    ],
)
def test_huge_values_are_cut_in_messages_and_quick(tmp_path, capsys, monkeypatch, line, message):
    import difflib
    import time

    hinted = []  # lengths of the words difflib is asked to match: its time grows with them
    monkeypatch.setattr(difflib, "get_close_matches", lambda word, *a, **k: hinted.append(len(word)) or [])
    path = write_jsonl(tmp_path / "p.jsonl", [GOOD, line])
    start = time.perf_counter()
    error = _cli_error(path, capsys)
    assert time.perf_counter() - start < 5
    assert max(hinted, default=0) <= 200
    assert error.startswith(f"{path}:2: {message}"), error[:300]
    assert len(error) - len(str(path)) < 250, error[:300]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"null\n", id="first-line"),
        pytest.param(b"\n \r\nnull\n", id="after-blank-lines"),
        pytest.param(
            (json.dumps(GOOD) + "\n").encode() + b" \n" * 600_000 + b"null\n" * 10, id="null-in-a-later-block"
        ),
    ],
)
def test_top_level_null_is_an_error_not_a_crash(tmp_path, data):
    """pyarrow's JSON reader (26.0.1) dereferences a null pointer on a null outside any object
    (apache/arrow#47409): the fast path must never hand it one. Run apart, so a crash fails only this test."""
    import subprocess
    import sys

    path = tmp_path / "p.jsonl"
    path.write_bytes(data)
    done = subprocess.run(
        [sys.executable, "-m", "alignbench", "validate-predictions", str(path)], capture_output=True, text=True
    )
    line = data.split(b"\n").index(b"null") + 1
    assert done.returncode == 1, (done.returncode, done.stderr[-300:])
    assert (
        done.stderr
        == f"alignbench validate-predictions: {path}:{line}: expected a JSON object with claim_a, claim_b, score, label\n"
    )
