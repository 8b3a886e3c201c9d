"""The features that ``build`` writes without ``datasets`` are the ones ``datasets`` makes and reads."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from alignbench.dataset.schema import CONFIGS, METADATA_KEY, PAIR_COLUMNS, arrow_schema, feature_dict, features
from alignbench.records import LABELS, RELATIONS, DataError


def declared(config: str):
    """The features written with ``datasets``' own classes (as ``build`` declared them before)."""
    from datasets import ClassLabel, Features, List, Value

    s, i32 = Value("string"), Value("int32")
    if config == "articles":
        names = "article_id cluster_id source credit aggregator title published published_basis language url license seed sha256 notes"
        return Features(
            {
                **{n: s for n in names.split()},
                "synthetic": Value("bool"),
                "kept_ranges": List({"start": i32, "end": i32}),
                "raw_text": s,
                "text": s,
            }
        )
    if config == "claims":
        names = ("claim_id", "cluster_id", "article_id", "start", "end", "text", "context", "statement")
        return Features({n: i32 if n in ("start", "end") else s for n in names})
    pair = {n: s for n in PAIR_COLUMNS}
    if config == "alignments":
        return Features(
            {
                **pair,
                "relation": ClassLabel(names=list(RELATIONS)),
                "sure": Value("bool"),
                "rationale": s,
                "annotator": s,
                "tags": List(s),
                "passes": List(s),
                "adjudicated": Value("bool"),
            }
        )
    label = ClassLabel(names=list(LABELS))
    return Features({**pair, "context_a": s, "context_b": s, "label": label, "tags": List(s)})


@pytest.mark.parametrize("config", CONFIGS)
def test_features_and_arrow_schema_equal_what_datasets_makes(config):
    reference = declared(config)
    assert feature_dict(config) == reference.to_dict()
    assert features(config) == reference
    schema = arrow_schema(config, "1.2.3", "cd" * 32)
    # the same columns, types and `huggingface` metadata (byte for byte) as `Features.arrow_schema`
    assert schema.remove_metadata().equals(reference.arrow_schema.remove_metadata())
    assert schema.metadata[b"huggingface"] == reference.arrow_schema.metadata[b"huggingface"]
    assert list(schema.metadata) == [b"huggingface", METADATA_KEY]
    ours = json.loads(schema.metadata[METADATA_KEY])
    assert ours == {"config": config, "dataset_version": "1.2.3", "source_sha256": "cd" * 32, "split": "test"}


def test_load_dataset_infers_the_declared_features(sources, tmp_path, monkeypatch):
    from datasets import load_dataset

    from alignbench.dataset.build import build

    build(sources)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    for config in CONFIGS:
        loaded = load_dataset(str(sources / "data"), config, split="test", cache_dir=str(tmp_path / "cache"))
        assert loaded.features == declared(config)


def test_build_imports_neither_datasets_nor_pandas(sources, tmp_path):
    code = (
        "import sys\n"
        "from alignbench.dataset.build import build\n"
        f"build({str(sources)!r}, {str(tmp_path / 'out')!r})\n"
        "print(sorted(m for m in ('datasets', 'pandas', 'pyarrow.dataset') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    assert (tmp_path / "out" / "README.md").is_file()


def test_unknown_config_is_a_data_error():
    with pytest.raises(DataError, match="unknown config 'pair'"):
        feature_dict("pair")
    with pytest.raises(DataError, match="unknown config 'pair'"):
        arrow_schema("pair", "1", "0" * 64)


def test_size_category_follows_the_hub_names():
    from alignbench.dataset.card import _size_category

    assert [_size_category(n) for n in (0, 999, 1_000, 1_155, 99_999, 100_000, 2_476_476, 10**7)] == [
        "n<1K",
        "n<1K",
        "1K<n<10K",
        "1K<n<10K",
        "10K<n<100K",
        "100K<n<1M",
        "1M<n<10M",
        "10M<n<100M",
    ]


def test_extra_columns_follow_the_standard_ones_as_datasets_declares_them():
    from datasets import Features, Value

    from alignbench.dataset.ists_import import EXTRA_DESCRIPTIONS, EXTRA_FEATURES
    from alignbench.dataset.schema import ExtraColumns

    extras = {"alignments": ExtraColumns(EXTRA_FEATURES, {}, EXTRA_DESCRIPTIONS)}
    s = Value("string")
    reference = Features({**declared("alignments"), "ists_type": s, "ists_score": Value("int32"), "group_id": s})
    assert features("alignments", extras) == reference
    schema = arrow_schema("alignments", "1.2.3", "cd" * 32, "train", extras, {"source_format": "ists2016"})
    assert schema.remove_metadata().equals(reference.arrow_schema.remove_metadata())
    assert json.loads(schema.metadata[METADATA_KEY])["source_format"] == "ists2016"
    assert feature_dict("claims", extras) == declared("claims").to_dict()  # other configs unchanged
    with pytest.raises(DataError, match="standard column"):
        feature_dict("alignments", {"alignments": ExtraColumns({"relation": EXTRA_FEATURES["group_id"]}, {}, {})})
