"""``alignbench.load`` and ``load_benchmark`` read the bundled Parquet, not the cache."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT

import alignbench
from alignbench.records import DataError
from alignbench.sources.corpus import load_sources


def test_load_benchmark_equals_the_sources():
    sources = load_sources(ROOT)
    assert alignbench.load_benchmark() == sources.split("test")
    assert alignbench.load_benchmark(split="diagnostic") == sources.split("diagnostic")


def test_load_returns_datasets_with_features():
    claims = alignbench.load("claims")
    assert claims.num_rows == 77
    assert claims[9]["text"] == "The projectiles flew about 70-100 kilometers"
    pairs = alignbench.load()
    assert pairs.features["label"].names[-1] == "none"


def test_load_reads_a_rebuilt_folder_not_a_stale_cache(sources):
    from alignbench.dataset.build import build

    build(sources)
    assert alignbench.load("alignments", data_dir=sources / "data").num_rows == 54
    links = sources / "annotations/nk-wonsan-launch/alignments.jsonl"
    lines = links.read_text(encoding="utf-8").splitlines()
    links.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    build(sources)
    assert alignbench.load("alignments", data_dir=sources / "data").num_rows == 53


def test_bad_config_split_and_folder_are_one_line_errors(tmp_path):
    with pytest.raises(DataError, match="unknown config 'claim'"):
        alignbench.load("claim")
    with pytest.raises(DataError, match=r"no split .train. \(this dataset has: test, diagnostic\)"):
        alignbench.load("claims", split="train")
    with pytest.raises(DataError, match=r"no test-\*\.parquet files, expected one"):
        alignbench.load("claims", data_dir=tmp_path)
    with pytest.raises(DataError, match="no such dataset folder"):
        alignbench.load("claims", data_dir=tmp_path / "nope")


def test_loading_the_records_imports_neither_pandas_nor_pyarrow_dataset():
    # the scoring path: `pq.read_table` would pull in pyarrow.dataset and pandas (~0.5 s)
    code = (
        "import sys\n"
        "from alignbench.dataset.load import dataset_metadata, load_benchmark\n"
        "assert len(load_benchmark().claims) == 77 and dataset_metadata()['config'] == 'articles'\n"
        "print(sorted(m for m in ('pandas', 'pyarrow.dataset', 'datasets') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
