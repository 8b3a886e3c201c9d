"""Arrow tables of the four configs, rows sorted as the records are (by id).

``articles``, ``claims`` and ``alignments`` have a row per record and are built from Python rows.
``pairs`` has a row per cross-article claim pair (2.5 M at 200 clusters), so it is assembled from
numpy index arrays: row i pairs claim ``ia[i]`` with claim ``ib[i]`` (positions in
``bench.claims``), and each column is a ``take`` of a per-claim Arrow array. It comes in slices of
at most ``PAIRS_CHUNK_ROWS`` rows, so that a writer never holds more than one Parquet row group of
materialised strings, and of at most ``PAIRS_CHUNK_BYTES`` bytes of strings: a cluster whose
articles have many claims and long sentences (1,000 chunks a side: a million rows repeating a
6 kB context) would otherwise make a slice too big for an Arrow string array (2 GiB).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from alignbench.dataset.arrays import numbers, strings, table_from_rows
from alignbench.dataset.schema import PAIR_COLUMNS, SPLIT, Extras, arrow_schema
from alignbench.records import LABELS, RELATIONS, SURE_RELATIONS, Benchmark, DataError

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

#: Rows per slice of ``pairs``: pyarrow's default Parquet row group length, so that writing the
#: slices one by one gives the same row groups as writing the whole table at once.
PAIRS_CHUNK_ROWS = 1024 * 1024
#: Bytes of strings (all string columns together) per slice of ``pairs`` at most, unless one row
#: alone holds more: half the 2 GiB an Arrow string array can hold, and a bound on memory.
PAIRS_CHUNK_BYTES = 1 << 30


#: The key of a record in :class:`~alignbench.dataset.schema.ExtraColumns` values, by config.
_ROW_KEY = {
    "articles": lambda record: record.article_id,
    "claims": lambda record: record.claim_id,
    "alignments": lambda record: (record.claim_a, record.claim_b),
}


def _rows(bench: Benchmark, config: str, extras: Extras | None = None) -> list[dict[str, Any]]:
    """The rows of a per-record config (ClassLabel columns as integers), with its extra columns."""
    rows = _standard_rows(bench, config)
    extra = (extras or {}).get(config)
    if extra is not None:
        records = {"articles": bench.articles, "claims": bench.claims, "alignments": bench.alignments}[config]
        names, empty = list(extra.features), (None,) * len(extra.features)
        for row, record in zip(rows, records, strict=True):
            row.update(zip(names, extra.values.get(_ROW_KEY[config](record), empty), strict=True))
    return rows


def _standard_rows(bench: Benchmark, config: str) -> list[dict[str, Any]]:
    cluster_of = {a.article_id: a.cluster_id for a in bench.articles}
    if config == "articles":
        return [
            {
                **{k: v for k, v in a._asdict().items() if k not in ("kept_ranges", "split")},
                "kept_ranges": [{"start": s, "end": e} for s, e in a.kept_ranges],
                "text": a.text,
            }
            for a in bench.articles
        ]
    if config == "claims":
        return [{**c._asdict(), "cluster_id": cluster_of[c.article_id]} for c in bench.claims]
    if config == "alignments":
        claims = {c.claim_id: c for c in bench.claims}
        out = []
        for link in bench.alignments:
            a, b = claims[link.claim_a], claims[link.claim_b]
            values = (cluster_of[a.article_id], a.article_id, b.article_id, a.claim_id, b.claim_id, a.text, b.text)
            out.append(
                {
                    **dict(zip(PAIR_COLUMNS, values, strict=True)),
                    "relation": RELATIONS.index(link.relation),
                    "sure": link.relation in SURE_RELATIONS,
                    "rationale": link.rationale,
                    "annotator": link.annotator,
                    "tags": list(link.tags),
                    "passes": list(link.passes),
                    "adjudicated": link.adjudicated,
                }
            )
        return out
    raise DataError(f"no per-record rows for config {config!r}")


def pair_index(bench: Benchmark) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows of ``pairs``: claim positions ``ia``, ``ib`` in ``bench.claims`` and the label ids.

    Rows follow ``bench.article_pairs()``, then the claims of article a, then those of article b
    (each in id order); a pair's label is its gold relation, else ``none``.
    """
    ia, ib, labels, _ = _pair_layout(bench)
    return ia, ib, labels


def _pair_layout(bench: Benchmark) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[int, tuple[str, ...]]]:
    """:func:`pair_index` plus the tags of the rows that are gold links (row -> tags, tagged links only)."""
    import numpy as np

    positions: dict[str, list[int]] = {}
    local: dict[str, tuple[str, int]] = {}  # claim id -> (article id, position among its article's claims)
    for i, claim in enumerate(bench.claims):
        members = positions.setdefault(claim.article_id, [])
        local[claim.claim_id] = (claim.article_id, len(members))
        members.append(i)
    members = {article: np.array(p, dtype=np.int64) for article, p in positions.items()}
    empty = np.zeros(0, dtype=np.int64)
    pairs = bench.article_pairs()
    sides = [(members.get(a, empty), members.get(b, empty)) for a, b in pairs]
    sizes = np.array([len(a) * len(b) for a, b in sides], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    ia = np.concatenate([empty, *(np.repeat(a, len(b)) for a, b in sides)])
    ib = np.concatenate([empty, *(np.tile(b, len(a)) for a, b in sides)])

    labels = np.full(len(ia), LABELS.index("none"), dtype=np.int64)
    tags: dict[int, tuple[str, ...]] = {}
    pair_at = {pair: k for k, pair in enumerate(pairs)}
    for link in bench.alignments:  # one step per gold link; a link outside the grid labels nothing
        a, b = local.get(link.claim_a), local.get(link.claim_b)
        k = pair_at.get((a[0], b[0])) if a is not None and b is not None else None
        if k is not None:
            row = int(offsets[k] + a[1] * len(sides[k][1]) + b[1])
            labels[row] = LABELS.index(link.relation)
            if link.tags:
                tags[row] = link.tags
    return ia, ib, labels, tags


def _tags_column(tags: dict[int, tuple[str, ...]], start: int, stop: int) -> pa.Array:
    """The ``tags`` of rows ``start:stop`` of ``pairs``: a list per row, empty but for tagged links."""
    import numpy as np
    import pyarrow as pa

    rows = sorted(r for r in tags if start <= r < stop)  # the tagged links: a few thousand at most
    counts = np.zeros(stop - start, dtype=np.int64)
    counts[np.array(rows, dtype=np.int64) - start] = [len(tags[r]) for r in rows]
    offsets = numbers(np.concatenate([[0], np.cumsum(counts)]), pa.int32())
    return pa.ListArray.from_arrays(offsets, strings([t for r in rows for t in tags[r]]), type=pa.list_(pa.string()))


def _slice_stops(row_bytes: np.ndarray, chunk_rows: int, chunk_bytes: int) -> list[int]:
    """Where each slice of rows ends: after ``chunk_rows`` rows, or sooner where the rows' bytes
    would pass ``chunk_bytes`` (a slice holds at least one row)."""
    import numpy as np

    ends = np.cumsum(row_bytes, dtype=np.int64)
    stops, start, n = [], 0, len(row_bytes)
    while start < n:
        before = int(ends[start - 1]) if start else 0
        stop = min(start + chunk_rows, int(np.searchsorted(ends, before + chunk_bytes, side="right")), n)
        stops.append(max(stop, start + 1))
        start = stops[-1]
    return stops or [0]


def pairs_tables(
    bench: Benchmark,
    version: str,
    content_hash: str,
    chunk_rows: int = PAIRS_CHUNK_ROWS,
    split: str = SPLIT,
    metadata: Mapping[str, str] | None = None,
    chunk_bytes: int | None = None,
) -> Iterator[pa.Table]:
    """The ``pairs`` config in consecutive slices of at most ``chunk_rows`` rows and ``chunk_bytes``
    bytes of strings (default :data:`PAIRS_CHUNK_BYTES`); at least one slice, empty if there are no
    pairs, as ``pq.write_table`` writes one empty row group then."""
    import numpy as np
    import pyarrow as pa

    schema = arrow_schema("pairs", version, content_hash, split, metadata=metadata)
    cluster_of = {a.article_id: a.cluster_id for a in bench.articles}
    per_claim = {
        "cluster_id": [cluster_of[c.article_id] for c in bench.claims],
        "article": [c.article_id for c in bench.claims],
        "claim": [c.claim_id for c in bench.claims],
        "text": [c.text for c in bench.claims],
        "context": [c.context for c in bench.claims],
    }
    col = {name: strings(values) for name, values in per_claim.items()}
    ia, ib, labels, tags = _pair_layout(bench)
    size = {
        name: np.diff(np.frombuffer(array.buffers()[1], dtype=np.int32)[: len(array) + 1]).astype(np.int64)
        for name, array in col.items()  # (bytes of each claim's string: the steps of its offsets)
    }
    side_a = size["cluster_id"] + size["article"] + size["claim"] + size["text"] + size["context"]
    side_b = side_a - size["cluster_id"]
    stops = _slice_stops(side_a[ia] + side_b[ib], chunk_rows, PAIRS_CHUNK_BYTES if chunk_bytes is None else chunk_bytes)
    for start, stop in zip([0, *stops[:-1]], stops, strict=True):
        a, b = numbers(ia[start:stop], pa.int64()), numbers(ib[start:stop], pa.int64())
        columns = [
            col["cluster_id"].take(a),
            col["article"].take(a),
            col["article"].take(b),
            col["claim"].take(a),
            col["claim"].take(b),
            col["text"].take(a),
            col["text"].take(b),
            col["context"].take(a),
            col["context"].take(b),
            numbers(labels[start:stop], pa.int64()),
            _tags_column(tags, start, stop),
        ]
        part = pa.Table.from_arrays(columns, schema=schema)
        del columns, a, b
        yield part
        del part  # hold no slice while the next is made: one slice of strings in memory, not two


def tables(
    bench: Benchmark,
    config: str,
    version: str,
    content_hash: str,
    split: str = SPLIT,
    extras: Extras | None = None,
    metadata: Mapping[str, str] | None = None,
) -> Iterator[pa.Table]:
    """One config of one split (``bench`` holds that split only) as consecutive Arrow tables (one
    for the per-record configs, slices for ``pairs``) whose schema metadata holds the features, the
    dataset version, the source hash, the split and ``metadata``; ``extras`` adds columns."""

    schema = arrow_schema(config, version, content_hash, split, extras, metadata)  # DataError: unknown config
    if config == "pairs":
        yield from pairs_tables(bench, version, content_hash, split=split, metadata=metadata)
    else:
        yield table_from_rows(_rows(bench, config, extras), schema)


def table(bench: Benchmark, config: str, version: str, content_hash: str) -> pa.Table:
    """One config as a single Arrow table (see :func:`tables`)."""
    import pyarrow as pa

    return pa.concat_tables(tables(bench, config, version, content_hash))
