"""Prediction files: JSON Lines, one scored candidate pair per line.

``{"claim_a": ID, "claim_b": ID, "score": float, "label": RELATION or "none"}``

The format is strict JSON Lines: UTF-8 without a byte-order mark, exactly one whole JSON object per
line, ``\n`` or ``\r\n`` line ends; blank lines (JSON whitespace only) are ignored.

Rows with a label other than ``none`` are the system's decided links; ``score`` ranks all rows;
candidates absent from the file rank below every present one. Either orientation is accepted: a
reversed pair is normalised (``a_more_specific`` and ``b_more_specific`` swapped). A bad file is
rejected with one line naming the file, the line and the problem.

Reading has two paths that accept exactly the same files: a vectorised one (pyarrow's JSON reader
plus array checks) for speed, and a line-by-line reference reader that runs whenever the fast path
sees anything wrong, to name the first bad line (``tests/test_prediction_readers.py`` checks that
they agree on generated good and bad files).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

import numpy as np

from alignbench.records import LABELS, REVERSED_RELATION, DataError, close_match, shorten, shown_json
from alignbench.scoring.space import CandidateSpace

FIELDS = ("claim_a", "claim_b", "score", "label")
BOM = b"\xef\xbb\xbf"
#: JSON's whitespace: a line of only these (and the line end) is blank, and ignored.
_BLANK = b" \t\r\n"
_NOT_SKELETON = bytes(sorted(set(range(256)) - set(b"{}\n")))
_SWAP = np.array([LABELS.index(REVERSED_RELATION.get(label, label)) for label in LABELS], dtype=np.int8)


# pyarrow.array() imports pandas (if installed) to check for pandas objects, ~0.5 s: these build
# arrays from their buffers instead, so reading and writing predictions never import pandas.


def _arrow_numbers(values: np.ndarray):  # -> pyarrow.Array
    """An int64 or float64 pyarrow array over ``values`` (no pandas import)."""
    import pyarrow as pa

    values = np.ascontiguousarray(values)
    kind = {"i": (np.int64, pa.int64()), "f": (np.float64, pa.float64())}[values.dtype.kind]
    values = values.astype(kind[0], copy=False)
    return pa.Array.from_buffers(kind[1], len(values), [None, pa.py_buffer(values)])


def _arrow_mask(values: np.ndarray):  # -> pyarrow.BooleanArray
    """A boolean pyarrow array of ``values`` (no pandas import)."""
    import pyarrow.compute as pc

    return pc.not_equal(_arrow_numbers(np.asarray(values, dtype=np.int64)), 0)


def _arrow_strings(texts: list[str]):  # -> pyarrow.StringArray
    """A string pyarrow array of ``texts`` (no pandas import)."""
    import pyarrow as pa

    encoded = [t.encode("utf-8") for t in texts]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))]
    return pa.Array.from_buffers(pa.large_string(), len(encoded), buffers).cast(pa.string())


def _to_numpy(values) -> np.ndarray:  # values: pyarrow (Chunked)Array of numbers or booleans, no nulls
    """A numpy copy of a pyarrow array without nulls, read from its buffers (``to_numpy`` imports pandas)."""
    import pyarrow as pa

    chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    parts = []
    for chunk in chunks:
        data, start, stop = chunk.buffers()[1], chunk.offset, chunk.offset + len(chunk)
        if pa.types.is_boolean(chunk.type):
            bits = np.unpackbits(np.frombuffer(data, dtype=np.uint8), bitorder="little") if data else np.zeros(0)
            parts.append(bits[start:stop].astype(bool))
        else:
            parts.append(np.frombuffer(data, dtype=chunk.type.to_pandas_dtype())[start:stop] if data else np.zeros(0))
    return np.concatenate(parts) if parts else np.zeros(0)


class Prediction(NamedTuple):
    """One scored candidate pair (like ``ir_measures.ScoredDoc``)."""

    claim_a: str
    claim_b: str
    score: float
    label: str


class PredictionArrays(NamedTuple):
    """A validated, normalised prediction file as arrays over the candidate space."""

    index: np.ndarray  # candidate index, int64, unique
    score: np.ndarray  # float64, finite
    label: np.ndarray  # int8 index into LABELS


def _lines_are_objects(data: bytes, rows: int) -> bool:
    """Whether the ``rows`` objects that pyarrow parsed from ``data`` sit one per line.

    pyarrow reads any whitespace-separated stream of objects (several on a line, or one over many
    lines). Once it has accepted ``data`` with the schema, the only bytes outside the objects are
    whitespace and no object holds a nested one; the caller also requires every string to be a
    known claim id, label or field name, none with a brace, so each ``{`` and ``}`` opens or closes
    an object. The file is then JSON Lines exactly when its skeleton (the braces and line ends, in
    order) has every line empty or ``{}``. One pass in C over the bytes, then a few over the much
    smaller skeleton: no loop over lines.
    """
    skeleton = data.translate(None, _NOT_SKELETON).replace(b"{}", b"o")
    return b"{" not in skeleton and b"}" not in skeleton and b"oo" not in skeleton and skeleton.count(b"o") == rows


def _fast_read(path: Path, space: CandidateSpace) -> PredictionArrays | None:
    """The vectorised reader; None whenever anything is off (the reference reader then explains)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.json as pj

    if "{" in (joined := "".join(space.claim_ids)) or "}" in joined:
        return None  # _lines_are_objects assumes that no claim id holds a brace
    data = path.read_bytes()
    if not data:  # pyarrow rejects an empty file; the reference reader accepts it
        empty = np.zeros(0, dtype=np.int64)
        return PredictionArrays(empty, empty.astype(np.float64), empty.astype(np.int8))
    if data.startswith(BOM):
        return None  # pyarrow skips it; the reference reader rejects it
    if b"null" in data:
        # No valid file holds a null (every field needs a value; no id or label contains "null"),
        # and a null outside any object crashes pyarrow's reader (apache/arrow#47409): never pass one.
        return None
    schema = pa.schema(
        [("claim_a", pa.string()), ("claim_b", pa.string()), ("score", pa.float64()), ("label", pa.string())]
    )
    parse_options = pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="error")
    try:
        table = pj.read_json(pa.BufferReader(data), parse_options=parse_options)
    except pa.ArrowInvalid:
        # perhaps only a line longer than pyarrow's block (1 MiB): one block then holds it all
        block_size = len(data) + 1
        if block_size <= pj.ReadOptions().block_size or block_size >= 2**31:
            return None
        try:
            read_options = pj.ReadOptions(block_size=block_size)
            table = pj.read_json(pa.BufferReader(data), read_options=read_options, parse_options=parse_options)
        except pa.ArrowInvalid:
            return None
    if not _lines_are_objects(data, table.num_rows):
        return None
    if any(table[name].null_count for name in FIELDS):
        return None
    ids = _arrow_strings(space.claim_ids)
    a = pc.index_in(table["claim_a"], value_set=ids)
    b = pc.index_in(table["claim_b"], value_set=ids)
    label = pc.index_in(table["label"], value_set=_arrow_strings(list(LABELS)))
    if a.null_count or b.null_count or label.null_count:
        return None
    a, b = _to_numpy(a).astype(np.int64), _to_numpy(b).astype(np.int64)
    label = _to_numpy(label).astype(np.int8)
    score = _to_numpy(table["score"]).astype(np.float64)
    if not np.all(np.isfinite(score)):
        return None
    art_a, art_b = space.claim_article[a], space.claim_article[b]
    swap = art_a > art_b
    a, b = np.where(swap, b, a), np.where(swap, a, b)
    label = np.where(swap, _SWAP[label], label).astype(np.int8)
    if np.any(space.pair_of(space.claim_article[a], space.claim_article[b]) < 0):
        return None  # same article, or different clusters
    index = space.index(a, b)
    seen = np.zeros(space.size, dtype=bool)
    seen[index] = True
    if np.count_nonzero(seen) != index.size:  # a duplicate pair (np.unique would sort or hash: slower)
        return None
    return PredictionArrays(index, score.astype(np.float64), label)


class _BadLine(Exception):
    """What is wrong with one line; the reader adds the file name and line number."""


class _Verbatim:
    """Shown as its text, unquoted: ``shorten(_Verbatim(text))`` cuts a long text to a readable size."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text


class _HugeInteger(_Verbatim):
    """A JSON integer beyond a 64-bit float's range, kept as its text (``int()`` limits digits)."""


def _parse_int(text: str) -> int | _HugeInteger:
    # float() of the text rounds as float() of the int would, and is inf where that overflows
    return int(text) if len(text) < 300 or math.isfinite(float(text)) else _HugeInteger(text)


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict:
    row = dict(pairs)
    if len(row) < len(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise _BadLine(f"field {shorten(key)} appears twice")
            seen.add(key)
    return row


def _parse_line(raw: bytes) -> object:
    """The JSON value of one line of bytes; :class:`_BadLine` says why there is none."""
    if raw.startswith(BOM):
        raise _BadLine("starts with a UTF-8 byte-order mark; write UTF-8 without BOM")
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        column = len(raw[: err.start].decode("utf-8")) + 1
        raise _BadLine(f"not valid UTF-8 ({err.reason} at column {column})") from None
    try:
        return json.loads(line.removesuffix("\n"), object_pairs_hook=_no_duplicate_keys, parse_int=_parse_int)
    except _BadLine:
        raise
    except json.JSONDecodeError as err:
        if err.msg == "Extra data":
            message = f"extra data after the JSON object at column {err.colno}; write one object per line"
        else:
            message = f"not valid JSON ({err.msg}, column {err.colno}); each line must hold one whole JSON object"
        raise _BadLine(message + " (JSON Lines)") from None
    except RecursionError:
        raise _BadLine("not valid JSON (nested too deeply)") from None
    except Exception as err:  # whatever else the parser may raise, still one line naming the line
        raise _BadLine(f"not valid JSON ({shorten(err)})") from None


def _reference_read(path: Path, space: CandidateSpace) -> PredictionArrays:
    """The line-by-line reader: the definition of a valid file, with one-line errors."""
    index, scores, labels = [], [], []
    first_line: dict[int, int] = {}

    def fail(number: int, message: str) -> DataError:
        return DataError(f"{path}:{number}: {message}")

    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip(_BLANK):
                continue
            try:
                row = _parse_line(raw)
            except _BadLine as err:
                raise fail(number, str(err)) from None
            if not isinstance(row, dict):
                raise fail(number, "expected a JSON object with claim_a, claim_b, score, label")
            for key in row:
                if key not in FIELDS:
                    raise fail(number, f"unknown field {shorten(key)} (expected {', '.join(FIELDS)})")
            for key in FIELDS:
                if key not in row:
                    raise fail(number, f"missing field {key!r}")
            ids = []
            for key in ("claim_a", "claim_b"):
                value = row[key]
                if not isinstance(value, str) or value not in space.claim_index:
                    hint = close_match(value, space.claim_ids)
                    raise fail(
                        number, f"unknown claim id {shorten(value)}" + (f" (did you mean {hint!r}?)" if hint else "")
                    )
                ids.append(space.claim_index[value])
            a, b = ids
            art_a, art_b = int(space.claim_article[a]), int(space.claim_article[b])
            if art_a == art_b:
                raise fail(number, f"same-article pair: both claims are from {space.article_ids[art_a]!r}")
            if space.article_cluster[art_a] != space.article_cluster[art_b]:
                raise fail(
                    number,
                    f"pair from different clusters: {row['claim_a']!r} is in {space.article_cluster[art_a]!r}, "
                    f"{row['claim_b']!r} in {space.article_cluster[art_b]!r}",
                )
            score = row["score"]
            if isinstance(score, _HugeInteger):
                raise fail(number, f"score out of range: {shorten(score)} (a score must fit a 64-bit float)")
            if isinstance(score, bool) or not isinstance(score, int | float):
                raise fail(number, f"score must be a number, got {shown_json(score)}")
            if not math.isfinite(score):
                raise fail(number, f"non-finite score {score}")
            label = row["label"]
            if label not in LABELS:
                hint = close_match(label, LABELS)
                raise fail(
                    number,
                    f"unknown label {shorten(label)}"
                    + (f" (did you mean {hint!r}?)" if hint else f" (expected one of {', '.join(LABELS)})"),
                )
            if art_a > art_b:
                a, b, label = b, a, REVERSED_RELATION.get(label, label)
            idx = int(space.index(np.array([a]), np.array([b]))[0])
            if idx in first_line:
                raise fail(
                    number,
                    f"duplicate pair {space.claim_ids[a]!r} - {space.claim_ids[b]!r} (first at line {first_line[idx]})",
                )
            first_line[idx] = number
            index.append(idx)
            scores.append(float(score))
            labels.append(LABELS.index(label))
    return PredictionArrays(
        np.array(index, dtype=np.int64), np.array(scores, dtype=np.float64), np.array(labels, dtype=np.int8)
    )


def read_predictions(path: str | Path, space: CandidateSpace) -> PredictionArrays:
    """Read, validate and normalise a prediction file; :class:`DataError` names the bad line."""
    path = Path(path)
    if path.is_dir():
        raise DataError(f"{path}: is a directory, expected a prediction file")
    if not path.is_file():
        raise DataError(f"{path}: prediction file not found")
    fast = _fast_read(path, space)
    return fast if fast is not None else _reference_read(path, space)


def _score_texts(score: np.ndarray):  # -> pyarrow.StringArray
    """``repr`` of every score (what ``json.dumps`` writes), vectorised.

    pyarrow's cast writes the same shortest round-trip digits as ``repr`` but formats some values
    differently (``1`` for ``1.0``, ``1e-7`` for ``1e-07``, ``0.00001`` for ``1e-05``, exponents
    for some long numbers ``repr`` writes positionally). Its text is kept where both write the
    number positionally, 1e-4 <= |x| < 1e16 and no exponent in pyarrow's text, with ``.0`` added
    to whole numbers; ``repr`` gives the rest (zeros, tiny and huge scores: few in practice).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    texts = pc.cast(_arrow_numbers(score.astype(np.float64)), pa.string())
    size = np.abs(score)
    positional = (size >= 1e-4) & (size < 1e16) & ~_to_numpy(pc.match_substring(texts, "e"))
    whole = positional & (score == np.floor(score))
    if whole.any():
        texts = pc.if_else(_arrow_mask(whole), pc.binary_join_element_wise(texts, ".0", ""), texts)
    if not positional.all():
        # one repr per distinct value (by its bits: 0.0 and -0.0 differ), e.g. the many zeros
        bits, inverse = np.unique(np.ascontiguousarray(score[~positional]).view(np.uint64), return_inverse=True)
        reprs = _arrow_strings(list(map(repr, bits.view(np.float64).tolist())))
        texts = pc.replace_with_mask(texts, _arrow_mask(~positional), reprs.take(_arrow_numbers(inverse.ravel())))
    return texts


def _json_lines(claim_ids: list[str], a: np.ndarray, b: np.ndarray, score: np.ndarray, label: np.ndarray) -> bytes:
    """The JSON Lines of rows given as claim and label indices, exactly as ``json.dumps`` of
    ``{"claim_a", "claim_b", "score", "label"}`` (``ensure_ascii=False``) writes each row.

    Ids and labels are encoded once each; the rows are joined in C by pyarrow.
    """
    import pyarrow.compute as pc

    ids = _arrow_strings([json.dumps(c, ensure_ascii=False) for c in claim_ids])
    labels = _arrow_strings([json.dumps(x, ensure_ascii=False) for x in LABELS])
    rows = pc.binary_join_element_wise(
        '{"claim_a": ',
        ids.take(_arrow_numbers(a)),
        ', "claim_b": ',
        ids.take(_arrow_numbers(b)),
        ', "score": ',
        _score_texts(score),
        ', "label": ',
        labels.take(_arrow_numbers(label.astype(np.int64))),
        "}\n",
        "",
    )
    offsets = rows.buffers()[1]
    start, end = np.frombuffer(offsets, dtype=np.int32)[[rows.offset, rows.offset + len(rows)]]
    return rows.buffers()[2].to_pybytes()[start:end] if len(rows) else b""


#: Rows encoded at once by the bulk writer: bounds its memory and keeps pyarrow's 32-bit offsets.
WRITE_ROWS = 1 << 20


def write_prediction_arrays(path: str | Path, space: CandidateSpace, preds: PredictionArrays) -> None:
    """Write prediction arrays as JSON Lines, atomically, in their order: the same bytes as
    :func:`write_predictions` of the rows, without a Python object or ``json.dumps`` per row.
    ``path`` is an output as ``alignbench run -o`` takes it (``-`` is stdout; see ``fileio.output_writer``)."""
    from alignbench.fileio import output_writer

    bad = np.flatnonzero(~np.isfinite(preds.score))
    if bad.size:
        i = int(preds.index[bad[0]])
        a, b = space.claim_ids[space.cand_a[i]], space.claim_ids[space.cand_b[i]]
        raise DataError(f"{path}: non-finite score {float(preds.score[bad[0]])} for {a!r} - {b!r}")
    with output_writer(path) as handle:
        for start in range(0, len(preds.index), WRITE_ROWS):
            part = slice(start, start + WRITE_ROWS)
            index = preds.index[part]
            rows = _json_lines(
                space.claim_ids, space.cand_a[index], space.cand_b[index], preds.score[part], preds.label[part]
            )
            handle.flush()
            handle.buffer.write(rows)


def write_predictions(path: str | Path, predictions: Iterable[Prediction]) -> None:
    """Write predictions as JSON Lines, atomically (temporary file + rename), in the given order."""
    from alignbench.fileio import atomic_writer

    with atomic_writer(path) as handle:
        for p in predictions:
            if not math.isfinite(p.score):
                raise DataError(f"{path}: non-finite score {p.score} for {p.claim_a!r} - {p.claim_b!r}")
            row = {"claim_a": p.claim_a, "claim_b": p.claim_b, "score": float(p.score), "label": p.label}
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
