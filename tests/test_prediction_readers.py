"""Property test: the fast and the reference prediction readers accept exactly the same files.

Files are generated from the tiny fixture benchmark: rows of known candidate pairs in either
orientation, with varied JSON spelling (key order, spacing, escapes, number forms, line ends, blank
lines), then zero to three corruptions (duplicates, unknown ids, bad labels, non-finite or huge
scores, BOMs, pretty-printed objects, several objects on a line, nesting, non-objects, wrong types,
unknown or missing or repeated fields, bad UTF-8, ...). For every file, either both readers accept
it with identical arrays, or the fast reader returns None and the reference reader raises one
DataError naming a line, and every line before that one is fine.

By default the 200 examples are derandomized (the same files on every run, so CI cannot fail by
chance); PREDICTION_PROPERTY_EXAMPLES=20000 runs that many fresh random examples instead.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np
import pytest
from fixture import tiny_benchmark
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alignbench.records import LABELS, DataError
from alignbench.scoring.predictions import _fast_read, _reference_read, read_predictions
from alignbench.scoring.space import CandidateSpace

SPACE = CandidateSpace(tiny_benchmark(second_cluster=True))  # claims x-1..3, y-1..4 (c1); z-1, zz-1 (c2)
FIELDS = ("claim_a", "claim_b", "score", "label")

SCORES = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.integers(-(2**70), 2**70).map(str),
    st.sampled_from(
        [
            *["0", "-0", "-0.0", "1E5", "0.1e1", "2.5E+10", "1e-400", "5e-324", "1e308", "1.7976931348623157e308"],
            *["123456789012345678901234567890", "1" + "0" * 300, "0." + "0" * 400 + "1"],
        ]
    ),
)
BAD_SCORES = ["NaN", "Infinity", "-Infinity", "1e999", "-1e400", "9" * 400, "-" + "9" * 320, "1" * 5000]
BAD_SCORES += ['"0.5"', "true", "false", "null", "[1]", '{"v": 1}', "01", "1.", ".5", "+1", "0x10"]
BAD_IDS = ['"x-9"', '"q-1"', '""', '"X-1"', '"x-1 "', '"y-1\u00e9"', '"x-1\\n"', "1", "null", "true"]
BAD_IDS += ['["x-1"]', '{"id": "x-1"}', '"x-\\ud800"']
BAD_LABELS = ['"contradicts"', '""', '"NONE"', "null", "1", '["none"]', '{"label": "none"}', '"none\\u0000"']
BAD_LINES = [b"[1, 2]", b"1", b'"x-1"', b"null", b"true", b"[]", b"{}", b"{", b"}", b"x", b"\x0c", b"\x0b"]
BAD_LINES += [b"\xc2\xa0", b"[" * 5000, b'{"claim_a": ' + b"[" * 3000, b'{"claim_a": ' + b'{"a": ' * 3000]
BLANK_LINES = [b"", b" ", b"\t", b"\r", b" \t \r"]


def string_token(draw, text: str) -> str:
    """``text`` as a JSON string, sometimes with escapes that both readers must decode."""
    style = draw(st.sampled_from(["plain", "plain", "escape-some", "escape-all"]))
    if style == "plain":
        return json.dumps(text, ensure_ascii=draw(st.booleans()))
    if style == "escape-some":
        return json.dumps(text).replace("-", "\\u002d").replace("_", "\\u005F")
    return '"' + "".join(f"\\u{ord(c):04x}" for c in text) + '"'


def render(draw, pairs: list[tuple[str, str]], pretty: bool = False) -> bytes:
    """One object from (key, value token) pairs, with varied spacing."""
    colon = draw(st.sampled_from([":", ": ", " : ", ":\t"]))
    comma = ",\n  " if pretty else draw(st.sampled_from([",", ", ", " ,", ",\t"]))
    body = comma.join(f"{string_token(draw, key)}{colon}{value}" for key, value in pairs)
    text = "{\n  " + body + "\n}" if pretty else "{" + body + "}"
    return text.encode("utf-8")


@st.composite
def prediction_files(draw) -> bytes:
    n = draw(st.integers(0, 6))
    rows: list[list[tuple[str, str]]] = []
    for c in draw(st.permutations(range(SPACE.size)))[:n]:
        a, b = SPACE.claim_ids[SPACE.cand_a[c]], SPACE.claim_ids[SPACE.cand_b[c]]
        if draw(st.booleans()):
            a, b = b, a  # reversed pair: normalised
        values = {
            "claim_a": string_token(draw, a),
            "claim_b": string_token(draw, b),
            "score": draw(SCORES),
            "label": string_token(draw, draw(st.sampled_from(LABELS))),
        }
        rows.append([(key, values[key]) for key in draw(st.permutations(FIELDS))])

    def set_value(row: list[tuple[str, str]], key: str, token: str) -> None:
        row[:] = [(k, token if k == key else v) for k, v in row]

    corruptions = draw(st.lists(st.sampled_from(range(20)), max_size=3))
    pretty: set[int] = set()
    for kind in corruptions:
        if kind > 8:
            continue  # line-level corruptions below (and a few draws of nothing)
        if not rows:
            rows.append([("claim_a", '"x-1"'), ("claim_b", '"y-1"'), ("score", "1"), ("label", '"none"')])
        i = draw(st.integers(0, len(rows) - 1))
        row = rows[i]
        if kind == 0:  # duplicate pair, either orientation, other score and label
            copy = [(k, v) for k, v in row]
            ids = dict(copy)
            if "claim_a" in ids and "claim_b" in ids and draw(st.booleans()):
                set_value(copy, "claim_a", ids["claim_b"])
                set_value(copy, "claim_b", ids["claim_a"])
            set_value(copy, "score", draw(SCORES))
            rows.insert(draw(st.integers(0, len(rows))), copy)
        elif kind == 1:
            set_value(row, draw(st.sampled_from(["claim_a", "claim_b"])), draw(st.sampled_from(BAD_IDS)))
        elif kind == 2:  # same-article or cross-cluster pair
            a, b = draw(st.sampled_from([("x-1", "x-2"), ("y-4", "y-1"), ("x-1", "z-1"), ("zz-1", "y-2")]))
            set_value(row, "claim_a", json.dumps(a))
            set_value(row, "claim_b", json.dumps(b))
        elif kind == 3:
            set_value(row, "label", draw(st.sampled_from(BAD_LABELS)))
        elif kind == 4:
            set_value(row, "score", draw(st.sampled_from(BAD_SCORES)))
        elif kind == 5:  # unknown field
            row.insert(draw(st.integers(0, len(row))), (draw(st.sampled_from(["extra", "Claim_a", "claim_a "])), "1"))
        elif kind == 6:  # missing field
            del row[draw(st.integers(0, len(row) - 1))]
        elif kind == 7:  # repeated field, same or other value
            key, value = row[draw(st.integers(0, len(row) - 1))]
            row.append((key, draw(st.sampled_from([value, '"none"', "0.5"]))))
        else:
            pretty.add(id(row))
    lines = [render(draw, row, pretty=id(row) in pretty) for row in rows]

    for kind in corruptions:
        j = draw(st.integers(0, max(len(lines) - 1, 0)))
        if kind == 9 and lines:  # byte-order mark, mostly on the first line
            j = draw(st.sampled_from([0, j]))
            lines[j] = b"\xef\xbb\xbf" + lines[j]
        elif kind == 10 and len(lines) > 1:  # two objects on one line
            sep = draw(st.sampled_from([b"", b" ", b"\t", b"\r"]))
            lines[j : j + 2] = [sep.join(lines[j : j + 2])]
        elif kind == 11:  # whole file on one line
            lines = [b" ".join(lines)]
        elif kind == 12:
            lines.insert(j, draw(st.sampled_from(BAD_LINES)))
        elif kind == 13 and lines:  # not UTF-8
            k = draw(st.integers(0, len(lines[j])))
            lines[j] = (
                lines[j][:k] + draw(st.sampled_from([b"\xff", b"\xc3(", b"\xed\xa0\x80", b"\xe2\x82"])) + lines[j][k:]
            )
        elif kind == 14 and lines:  # truncated object
            lines[j] = lines[j][: draw(st.integers(0, max(len(lines[j]) - 1, 0)))]
        elif kind == 15 and lines:  # something after the object
            lines[j] += draw(st.sampled_from([b",", b" x", b" 1", b"]", b"}", b" {}", b" //"]))
        elif kind == 16 and lines:  # the object wrapped in an array
            lines[j] = b"[" + lines[j] + b"]"

    out = b""
    for line in lines:
        for _ in range(draw(st.integers(0, 1))):
            out += draw(st.sampled_from(BLANK_LINES)) + draw(st.sampled_from([b"\n", b"\r\n"]))
        indent = draw(st.sampled_from([b"", b"", b" ", b"\t"]))
        trail = draw(st.sampled_from([b"", b"", b" ", b"\t", b"\r"]))
        out += indent + line + trail + draw(st.sampled_from([b"\n", b"\r\n"]))
    if out and draw(st.booleans()):
        out = out.removesuffix(b"\n")  # no final line end
    return out


def assert_same(a, b) -> None:
    for x, y in zip(a, b, strict=True):
        assert x.dtype == y.dtype and np.array_equal(x, y), (x, y)


def read_both(path: Path):
    fast = _fast_read(path, SPACE)
    try:
        return fast, _reference_read(path, SPACE)
    except DataError as err:
        return fast, err


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("readers")


@settings(
    max_examples=int(os.environ.get("PREDICTION_PROPERTY_EXAMPLES", 200)),
    derandomize="PREDICTION_PROPERTY_EXAMPLES" not in os.environ,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=prediction_files())
def test_fast_and_reference_readers_accept_the_same_files(work, data):
    path = work / "p.jsonl"
    path.write_bytes(data)
    fast, slow = read_both(path)
    if isinstance(slow, DataError):
        assert fast is None, slow
        assert len(slow.problems) == 1, slow.problems
        match = re.fullmatch(rf"{re.escape(str(path))}:(\d+): [^\n]+", slow.problems[0])
        assert match, slow.problems
        line = int(match.group(1))
        lines = data.split(b"\n")
        assert 1 <= line <= len(lines)
        with pytest.raises(DataError) as caught:
            read_predictions(path, SPACE)
        assert caught.value.problems == slow.problems
        # the first problem in line order: the lines before it make a good file
        path.write_bytes(b"\n".join(lines[: line - 1]))
        before_fast, before = read_both(path)
        assert not isinstance(before, DataError), (slow.problems, before)
        assert before_fast is not None
        assert_same(before_fast, before)
    else:
        assert fast is not None
        assert_same(fast, slow)
        assert_same(read_predictions(path, SPACE), slow)
