"""The ``pairs`` config assembled from index arrays equals the plain one-dict-per-row construction."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fixture import make_article

from alignbench.dataset.schema import PAIR_COLUMNS, arrow_schema
from alignbench.dataset.tables import pair_index, pairs_tables, table
from alignbench.dataset.writer import _write_parquet
from alignbench.records import LABELS, Alignment, Benchmark, Claim

VERSION, HASH = "9.9.9", "ab" * 32


def two_clusters() -> Benchmark:
    """c1: a1 (2 claims), a2 (3), a3 (1); c2: b1 (2), b2 (1), b3 (none). In c2 the claim ids do not
    follow the articles (m-1, m-3 in b1; m-2 in b2), so an article's claims are not contiguous."""
    owners = {
        "a1-1": "a1", "a1-2": "a1", "a2-1": "a2", "a2-2": "a2", "a2-3": "a2", "a3-1": "a3",
        "m-1": "b1", "m-2": "b2", "m-3": "b1",
    }  # fmt: skip
    claims = tuple(Claim(cid, art, 0, 1, f"text {cid}", f"context {cid}", None) for cid, art in sorted(owners.items()))
    articles = tuple(make_article(a, "c1" if a.startswith("a") else "c2") for a in ("a1", "a2", "a3", "b1", "b2", "b3"))
    links = (
        Alignment("a1-1", "a2-2", "equivalent", "r", "t"),
        Alignment("a1-2", "a3-1", "contradiction", "r", "t"),
        Alignment("a2-3", "a3-1", "related", "r", "t"),
        Alignment("m-1", "m-2", "a_more_specific", "r", "t", ("negation", "direction")),
        Alignment("m-3", "m-2", "b_more_specific", "r", "t"),
    )
    return Benchmark(articles, claims, links)


def reference_pairs(bench: Benchmark) -> pa.Table:
    """The construction that ``build`` used before: one dict per candidate, then ``from_pylist``."""
    cluster_of = {a.article_id: a.cluster_id for a in bench.articles}
    gold = {(x.claim_a, x.claim_b): x.relation for x in bench.alignments}
    tags = {(x.claim_a, x.claim_b): list(x.tags) for x in bench.alignments}
    rows = []
    for art_a, art_b in bench.article_pairs():
        claims_b = bench.claims_of(art_b)
        for a in bench.claims_of(art_a):
            for b in claims_b:
                values = (cluster_of[art_a], a.article_id, b.article_id, a.claim_id, b.claim_id, a.text, b.text)
                rows.append(
                    {
                        **dict(zip(PAIR_COLUMNS, values, strict=True)),
                        "context_a": a.context,
                        "context_b": b.context,
                        "label": LABELS.index(gold.get((a.claim_id, b.claim_id), "none")),
                        "tags": tags.get((a.claim_id, b.claim_id), []),
                    }
                )
    return pa.Table.from_pylist(rows, schema=arrow_schema("pairs", VERSION, HASH))


def test_pairs_equal_the_row_by_row_reference():
    bench = two_clusters()
    built = table(bench, "pairs", VERSION, HASH)
    assert built.equals(reference_pairs(bench), check_metadata=True)
    # by hand: c1 has 2*3 + 2*1 + 3*1 pairs, c2 has 2*1 (b3 has no claims)
    assert built.num_rows == 13
    rows = built.to_pylist()
    assert [LABELS[r["label"]] for r in rows].count("none") == 8
    assert {(r["claim_a"], r["claim_b"]): LABELS[r["label"]] for r in rows[11:]} == {
        ("m-1", "m-2"): "a_more_specific",
        ("m-3", "m-2"): "b_more_specific",
    }
    assert rows[1] == {
        "cluster_id": "c1",
        "article_a": "a1",
        "article_b": "a2",
        "claim_a": "a1-1",
        "claim_b": "a2-2",
        "text_a": "text a1-1",
        "text_b": "text a2-2",
        "context_a": "context a1-1",
        "context_b": "context a2-2",
        "label": LABELS.index("equivalent"),
        "tags": [],
    }
    assert rows[11]["tags"] == ["negation", "direction"] and rows[12]["tags"] == []


def test_links_outside_the_grid_label_nothing():
    bench = two_clusters()
    odd = (
        Alignment("a2-2", "a1-1", "equivalent", "r", "t"),  # reversed: the grid has only (a1, a2)
        Alignment("m-1", "m-3", "equivalent", "r", "t"),  # same article
        Alignment("a1-1", "nope", "equivalent", "r", "t"),  # unknown claim
    )
    bench = bench._replace(alignments=bench.alignments[:1] + odd)
    built = table(bench, "pairs", VERSION, HASH)
    assert built.equals(reference_pairs(bench))
    assert [LABELS[x] for x in built.column("label").to_pylist()].count("none") == 12


@pytest.mark.parametrize("chunk_rows", [1, 4, 13, 100])
def test_slices_and_their_parquet_file_hold_the_same_rows(tmp_path, chunk_rows):
    bench = two_clusters()
    parts = list(pairs_tables(bench, VERSION, HASH, chunk_rows=chunk_rows))
    assert [p.num_rows for p in parts[:-1]] == [chunk_rows] * (len(parts) - 1)
    assert sum(p.num_rows for p in parts) == 13
    assert _write_parquet(tmp_path / "p.parquet", parts) == 13
    with pq.ParquetFile(tmp_path / "p.parquet") as written:
        assert written.metadata.num_row_groups == len(parts)  # a row group per slice
        got, reference = written.read(), reference_pairs(bench)
        # Parquet names a list's item "element" (pyarrow's compliant nested types), Arrow "item"
        assert got.schema.metadata == reference.schema.metadata
        assert got.cast(reference.schema).equals(reference, check_metadata=True)


def test_no_pairs_is_one_empty_slice():
    bench = Benchmark((make_article("a1", "c1"),), (Claim("a1-1", "a1", 0, 1, "t", "c", None),), ())
    (part,) = pairs_tables(bench, VERSION, HASH)
    assert part.num_rows == 0 and part.schema.equals(arrow_schema("pairs", VERSION, HASH), check_metadata=True)
    ia, ib, labels = pair_index(bench)
    assert ia.shape == ib.shape == labels.shape == (0,)


def test_buffer_built_tables_equal_from_pylist():
    from conftest import ROOT

    from alignbench.dataset.tables import _rows
    from alignbench.sources.corpus import load_sources

    for bench in (load_sources(ROOT), two_clusters()):
        for config in ("articles", "claims", "alignments"):
            schema = arrow_schema(config, VERSION, HASH)
            expected = pa.Table.from_pylist(_rows(bench, config), schema=schema)
            assert table(bench, config, VERSION, HASH).equals(expected, check_metadata=True)
    # nulls, empty and several kept ranges, non-ASCII text
    from alignbench.dataset.arrays import table_from_rows

    schema = pa.schema([("s", pa.string()), ("r", arrow_schema("articles", VERSION, HASH).field("kept_ranges").type)])
    rows = [
        {"s": None, "r": []},
        {"s": "kilomètres – 70", "r": [{"start": 1, "end": 2}, {"start": 5, "end": 9}]},
        {"s": "", "r": [{"start": 0, "end": 3}]},
    ]
    assert table_from_rows(rows, schema).equals(pa.Table.from_pylist(rows, schema=schema))
    assert table_from_rows([], schema).equals(pa.Table.from_pylist([], schema=schema))


def _row_bytes(table: pa.Table) -> list[int]:
    """UTF-8 bytes of the string columns of each row of ``pairs``, counted from the Python values."""
    names = [f.name for f in table.schema if f.type == pa.string()]
    rows = table.select(names).to_pylist()
    return [sum(len(v.encode("utf-8")) for v in row.values() if v is not None) for row in rows]


@pytest.mark.parametrize("budget", [1, 40, 100, 250, 10_000])
def test_slices_end_before_their_strings_pass_the_byte_budget(budget):
    bench = two_clusters()
    reference = reference_pairs(bench)
    sizes = _row_bytes(reference)
    parts = list(pairs_tables(bench, VERSION, HASH, chunk_bytes=budget))
    assert pa.concat_tables(parts).equals(reference, check_metadata=True)
    start = 0
    for part in parts:
        mine = sizes[start : start + part.num_rows]
        assert part.num_rows >= 1
        assert sum(mine) <= budget or part.num_rows == 1  # within the budget, or one row alone
        if start + part.num_rows < len(sizes):  # greedy: the next row would not have fitted
            assert sum(mine) + sizes[start + part.num_rows] > budget
        start += part.num_rows
    assert start == len(sizes)
