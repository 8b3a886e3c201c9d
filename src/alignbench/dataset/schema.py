"""The shape of the built dataset: configs, split, file names and each config's features.

Features are written here as the plain dict that ``datasets.Features.to_dict()`` gives (``Value``,
``ClassLabel``, ``List``), so that ``build`` writes the Parquet schema metadata and the dataset card
without importing ``datasets`` (1.5 s of imports, pandas included). ``tests/test_schema.py`` checks
that these dicts, and the Arrow schema derived from them, equal what ``datasets`` makes of them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from alignbench.records import LABELS, RELATIONS, DataError

if TYPE_CHECKING:
    import datasets
    import pyarrow as pa

CONFIGS: tuple[str, ...] = ("articles", "claims", "alignments", "pairs")
DEFAULT_CONFIG = "pairs"
#: The split of the real, hand-annotated clusters (the only split before 0.2, and the default).
SPLIT = "test"
METADATA_KEY = b"alignbench"
#: The leading columns of the claim-pair configs (``alignments`` and ``pairs``).
PAIR_COLUMNS = ("cluster_id", "article_a", "article_b", "claim_a", "claim_b", "text_a", "text_b")


def file_tag(version: str, content_hash: str) -> str:
    """The part of the Parquet file names that changes with the contents: version + source hash."""
    return f"v{version}-{content_hash[:12]}"


def parquet_path(config: str, tag: str, split: str = SPLIT) -> str:
    """The path of one split of a config's Parquet file inside the dataset folder."""
    return f"{config}/{split}-{tag}.parquet"


class ExtraColumns(NamedTuple):
    """Columns that an imported dataset adds after the standard ones of one config.

    ``features`` maps each column to its serialised feature (as :func:`feature_dict` gives them);
    ``values`` maps a row's key (``article_id``, ``claim_id``, or ``(claim_a, claim_b)`` for
    ``alignments``) to that row's values, in ``features`` order (``None`` is null; a row without an
    entry is all null); ``descriptions`` says what each column holds, for the dataset card.
    """

    features: Mapping[str, dict[str, Any]]
    values: Mapping[Any, tuple[Any, ...]]
    descriptions: Mapping[str, str]


#: Extra columns by config (only ``articles``, ``claims`` and ``alignments`` can have them).
Extras = Mapping[str, ExtraColumns]


def _value(dtype: str) -> dict[str, Any]:
    return {"dtype": dtype, "_type": "Value"}


def _class_label(names: tuple[str, ...]) -> dict[str, Any]:
    return {"names": list(names), "_type": "ClassLabel"}


def _list(feature: dict[str, Any]) -> dict[str, Any]:
    return {"feature": feature, "_type": "List"}


def feature_dict(config: str, extras: Extras | None = None) -> dict[str, Any]:
    """The features of one config in ``datasets``' serialised form (``Features.to_dict()``),
    followed by the ``extras`` columns of that config, if any."""
    feats = _standard_features(config)
    extra = (extras or {}).get(config)
    if extra is not None:
        if config == "pairs":
            raise DataError("the pairs config takes no extra columns")
        clash = sorted(set(extra.features) & set(feats))
        if clash:
            raise DataError(f"extra column {clash[0]!r} of {config} is a standard column")
        feats = {**feats, **extra.features}
    return feats


def _standard_features(config: str) -> dict[str, Any]:
    s, i32 = _value("string"), _value("int32")
    if config == "articles":
        names = (
            "article_id cluster_id source credit aggregator title published published_basis "
            "language url license seed sha256 notes"
        ).split()
        return {
            **{name: s for name in names},
            "synthetic": _value("bool"),
            "kept_ranges": {"feature": {"start": i32, "end": i32}, "_type": "List"},
            "raw_text": s,
            "text": s,
        }
    if config == "claims":
        columns = ("claim_id", "cluster_id", "article_id", "start", "end", "text", "context", "statement")
        return {name: i32 if name in ("start", "end") else s for name in columns}
    pair_columns = {name: s for name in PAIR_COLUMNS}
    if config == "alignments":
        return {
            **pair_columns,
            "relation": _class_label(RELATIONS),
            "sure": _value("bool"),
            "rationale": s,
            "annotator": s,
            "tags": _list(s),
            "passes": _list(s),
            "adjudicated": _value("bool"),
        }
    if config == "pairs":
        return {**pair_columns, "context_a": s, "context_b": s, "label": _class_label(LABELS), "tags": _list(s)}
    raise DataError(f"unknown config {config!r} (expected one of {', '.join(CONFIGS)})")


def _arrow_type(feature: dict[str, Any]) -> pa.DataType:
    """The Arrow type that ``datasets`` stores a serialised feature as."""
    import pyarrow as pa

    kind = feature["_type"]
    if kind == "Value":
        return {"string": pa.string(), "int32": pa.int32(), "bool": pa.bool_()}[feature["dtype"]]
    if kind == "ClassLabel":
        return pa.int64()
    if kind == "List" and feature["feature"].get("_type") == "Value":
        return pa.list_(_arrow_type(feature["feature"]))
    if kind == "List" and isinstance(feature["feature"], dict) and "_type" not in feature["feature"]:
        return pa.list_(pa.struct([(k, _arrow_type(v)) for k, v in feature["feature"].items()]))
    raise TypeError(f"no Arrow type for feature {feature!r}")


def arrow_schema(
    config: str,
    version: str,
    content_hash: str,
    split: str = SPLIT,
    extras: Extras | None = None,
    metadata: Mapping[str, str] | None = None,
) -> pa.Schema:
    """One config's Arrow schema, its metadata holding the features (as ``datasets`` writes them),
    the dataset version, the source content hash, the split and any further ``metadata`` keys
    (an import records ``source_format`` there)."""
    import pyarrow as pa

    feats = feature_dict(config, extras)
    ours = {**(metadata or {}), "dataset_version": version, "source_sha256": content_hash, "config": config}
    ours["split"] = split
    return pa.schema([(name, _arrow_type(f)) for name, f in feats.items()]).with_metadata(
        {
            b"huggingface": json.dumps({"info": {"features": feats}}).encode("utf-8"),
            METADATA_KEY: json.dumps(ours, sort_keys=True).encode("utf-8"),
        }
    )


def features(config: str, extras: Extras | None = None) -> datasets.Features:
    """The declared ``datasets.Features`` of one config (imports ``datasets``; ``build`` does not)."""
    from datasets import Features

    return Features.from_dict(feature_dict(config, extras))


#: The sentence that starts the card of an imported dataset (its command follows), e.g. "Generated by
#: `alignbench import ists2016`"; the loader reads it to say how to re-import a broken folder.
IMPORT_CARD_MARKER = "Generated by `alignbench import"
