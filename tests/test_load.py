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
    assert claims.num_rows == len(load_sources(ROOT).split("test").claims)
    assert claims[claims["claim_id"].index("wonsan-a-010")]["text"] == "The projectiles flew about 70-100 kilometers"
    pairs = alignbench.load()
    assert pairs.features["label"].names[-1] == "none"


def test_load_reads_a_rebuilt_folder_not_a_stale_cache(sources):
    from alignbench.dataset.build import build

    build(sources)
    before = len(load_sources(sources).split("test").alignments)
    assert alignbench.load("alignments", data_dir=sources / "data").num_rows == before
    links = sources / "annotations/nk-wonsan-launch/alignments.jsonl"
    lines = links.read_text(encoding="utf-8").splitlines()
    links.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    build(sources)
    assert alignbench.load("alignments", data_dir=sources / "data").num_rows == before - 1


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
    claims = len(load_sources(ROOT).split("test").claims)
    code = (
        "import sys\n"
        "from alignbench.dataset.load import dataset_metadata, load_benchmark\n"
        f"assert len(load_benchmark().claims) == {claims} and dataset_metadata()['config'] == 'articles'\n"
        "print(sorted(m for m in ('pandas', 'pyarrow.dataset', 'datasets') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# --- issue 18 item 15: one argument order, [config,] split, data_dir; mix-ups and bad types said plainly ---


def test_load_benchmark_takes_the_split_first_as_load_does():
    from alignbench.dataset.load import dataset_metadata

    data = ROOT / "data"
    diagnostic = alignbench.load_benchmark(split="diagnostic")
    assert alignbench.load_benchmark("diagnostic") == diagnostic  # was read as a folder
    assert alignbench.load_benchmark("diagnostic", data) == diagnostic
    assert alignbench.load_benchmark(split="diagnostic", data_dir=str(data)) == diagnostic
    assert dataset_metadata("diagnostic", data)["split"] == "diagnostic"
    assert alignbench.load("claims", "diagnostic", data).num_rows == len(diagnostic.claims)


def test_a_folder_given_as_the_split_is_named_as_such():
    from alignbench.dataset.load import DatasetArgumentError, dataset_metadata

    data = ROOT / "data"
    for call, split in (
        (lambda: alignbench.load_benchmark(data), "test"),  # the old order: read the test split of data/
        (lambda: alignbench.load_benchmark(str(data)), "test"),
        (lambda: alignbench.load_benchmark(str(data), "diagnostic"), "diagnostic"),  # both swapped
        (lambda: dataset_metadata(data, "test"), "test"),
        (lambda: alignbench.load("claims", str(data)), "test"),
    ):
        with pytest.raises(DatasetArgumentError, match="is a folder, not a split name") as err:
            call()
        assert isinstance(err.value, ValueError) and isinstance(err.value, DataError)
        function = str(err.value).split(":")[0]
        assert str(err.value).endswith(f"then the folder: {function}(split={split!r}, data_dir={str(data)!r})")
    with pytest.raises(ValueError, match=r"split is empty \(this dataset has: test, diagnostic\)"):
        alignbench.load_benchmark("")


def test_a_split_name_given_as_the_folder_is_named_as_such(tmp_path):
    from alignbench.dataset.load import DatasetArgumentError

    with pytest.raises(DatasetArgumentError, match=r"diagnostic: no such dataset folder.*'diagnostic' is a split name"):
        alignbench.load_benchmark(data_dir="diagnostic")
    with pytest.raises(DataError, match="no such dataset folder") as err:  # not a split name: no such hint
        alignbench.load_benchmark(data_dir=tmp_path / "nope")
    assert "split name" not in str(err.value)


def test_bad_types_are_type_errors_that_name_the_argument():
    from alignbench.dataset.load import available_splits, dataset_metadata

    cases = [
        (lambda: alignbench.load_benchmark(None, "diagnostic"), "load_benchmark: split must be a str such as 'test', got NoneType None"),
        (lambda: alignbench.load_benchmark(split=3), "load_benchmark: split must be a str such as 'test', got int 3"),
        (lambda: alignbench.load_benchmark(data_dir=3), "load_benchmark: data_dir must be a folder (str or os.PathLike) or None"),
        (lambda: alignbench.load(["claims"]), "load: config must be a str such as 'claims', got list ['claims']"),
        (lambda: alignbench.load("claims", data_dir=1.5), "load: data_dir must be a folder"),
        (lambda: dataset_metadata(split=b"test"), "dataset_metadata: split must be a str such as 'test', got bytes"),
        (lambda: available_splits(7), "available_splits: data_dir must be a folder"),
    ]  # fmt: skip
    for call, message in cases:
        with pytest.raises(TypeError) as err:
            call()
        assert str(err.value).startswith(message)


def test_the_command_line_reports_mixed_up_split_and_folder_in_one_line(capsys):
    from alignbench.cli import main

    data = str(ROOT / "data")
    assert main(["eval", "--aligner", "tfidf", "--resamples", "0", "--split", data]) == 2
    assert capsys.readouterr().err == (
        f"alignbench eval: error: --split {data}: a folder, not a split name (this dataset has: test, diagnostic); "
        "give a dataset folder with --data\n"
    )
    assert main(["eval", "--aligner", "tfidf", "--resamples", "0", "--split", ""]) == 2
    assert capsys.readouterr().err == "alignbench eval: error: --split is empty (this dataset has: test, diagnostic)\n"
    assert main(["eval", "--aligner", "tfidf", "--resamples", "0", "--data", "diagnostic"]) == 1
    err = capsys.readouterr().err
    assert (
        err.count("\n") == 1 and "diagnostic: no such dataset folder" in err and "'diagnostic' is a split name" in err
    )
