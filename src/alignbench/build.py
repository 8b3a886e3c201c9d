"""``alignbench build``: turn ``corpus/`` + ``annotations/`` into the Hugging Face dataset ``data/``.

``data/`` holds one Parquet file per config (split ``test``) and ``README.md``, the dataset card,
whose YAML front matter declares the configs and their features, so that
``datasets.load_dataset("<clone>/data", "claims")`` needs no loading script. Every Parquet file
carries the dataset version and the content hash of the sources in its schema metadata.

The build is deterministic (sorted rows, fixed writer settings) and atomic: it writes into a
temporary folder beside ``data/`` and swaps it in only when everything was written.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alignbench import __version__
from alignbench.corpus import load_sources
from alignbench.records import LABELS, RELATIONS, SURE_RELATIONS, Benchmark, Claim, DataError

if TYPE_CHECKING:
    import datasets
    import pyarrow as pa

CONFIGS: tuple[str, ...] = ("articles", "claims", "alignments", "pairs")
DEFAULT_CONFIG = "pairs"
SPLIT = "test"
SOURCE_FOLDERS: tuple[str, ...] = ("seeds", "corpus", "annotations")
METADATA_KEY = b"alignbench"
#: The leading columns of the claim-pair configs (``alignments`` and ``pairs``).
PAIR_COLUMNS = ("cluster_id", "article_a", "article_b", "claim_a", "claim_b", "text_a", "text_b")

CONFIG_DESCRIPTIONS = {
    "articles": "one row per article: metadata, byte-exact `raw_text`, cleaned `text` and the kept ranges",
    "claims": "one row per gold claim: span offsets into `raw_text`, verbatim `text`, sentence `context`, annotator `statement`",
    "alignments": "one row per gold link between claims of two articles, with `relation`, `sure`, rationale",
    "pairs": "one row per cross-article claim pair of every article pair, `label` = relation or `none`",
}


def bibtex(version: str = __version__) -> str:
    """The BibTeX entry for citing alignbench (also printed in the README and the dataset card)."""
    return (
        "@misc{alignbench,\n"
        "  title   = {alignbench: A Benchmark for Cross-Source Claim Alignment},\n"
        "  author  = {{alignbench contributors}},\n"
        "  year    = {2026},\n"
        f"  version = {{{version}}},\n"
        "  note    = {Dataset, baselines and evaluation harness}\n"
        "}"
    )


def parquet_path(config: str) -> str:
    """The path of a config's Parquet file inside the dataset folder."""
    return f"{config}/{SPLIT}-00000-of-00001.parquet"


def source_hash(root: str | Path) -> str:
    """SHA-256 over the relative paths and contents of every file under the source folders."""
    root = Path(root)
    digest = hashlib.sha256()
    for folder in SOURCE_FOLDERS:
        for path in sorted(p for p in (root / folder).rglob("*") if p.is_file()):
            digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def features(config: str) -> datasets.Features:
    """The declared ``datasets.Features`` of one config."""
    from datasets import ClassLabel, Features, List, Value

    s, i32 = Value("string"), Value("int32")
    if config == "articles":
        cols: dict[str, Any] = {
            name: s
            for name in (
                "article_id cluster_id source credit aggregator title published published_basis "
                "language url license seed sha256 notes"
            ).split()
        }
        cols["kept_ranges"] = List({"start": i32, "end": i32})
        cols["raw_text"] = s
        cols["text"] = s
        return Features(cols)
    if config == "claims":
        return Features(
            {
                "claim_id": s,
                "cluster_id": s,
                "article_id": s,
                "start": i32,
                "end": i32,
                "text": s,
                "context": s,
                "statement": s,
            }
        )
    pair_columns = {name: s for name in PAIR_COLUMNS}
    if config == "alignments":
        return Features(
            {
                **pair_columns,
                "relation": ClassLabel(names=list(RELATIONS)),
                "sure": Value("bool"),
                "rationale": s,
                "annotator": s,
            }
        )
    if config == "pairs":
        return Features(
            {
                **pair_columns,
                "context_a": s,
                "context_b": s,
                "label": ClassLabel(names=list(LABELS)),
            }
        )
    raise DataError(f"unknown config {config!r} (expected one of {', '.join(CONFIGS)})")


def _pair_row(cluster_id: str, a: Claim, b: Claim) -> dict[str, str]:
    """The ``PAIR_COLUMNS`` of one claim pair (shared by ``alignments`` and ``pairs``)."""
    values = (cluster_id, a.article_id, b.article_id, a.claim_id, b.claim_id, a.text, b.text)
    return dict(zip(PAIR_COLUMNS, values, strict=True))


def rows(bench: Benchmark, config: str) -> list[dict[str, Any]]:
    """The rows of one config, sorted by id (ClassLabel columns as integers)."""
    claims = {c.claim_id: c for c in bench.claims}
    cluster_of = {a.article_id: a.cluster_id for a in bench.articles}
    if config == "articles":
        return [
            {
                **{k: v for k, v in a._asdict().items() if k != "kept_ranges"},
                "kept_ranges": [{"start": s, "end": e} for s, e in a.kept_ranges],
                "text": a.text,
            }
            for a in bench.articles
        ]
    if config == "claims":
        return [{**c._asdict(), "cluster_id": cluster_of[c.article_id]} for c in bench.claims]
    if config == "alignments":
        out = []
        for link in bench.alignments:
            a, b = claims[link.claim_a], claims[link.claim_b]
            out.append(
                {
                    **_pair_row(cluster_of[a.article_id], a, b),
                    "relation": RELATIONS.index(link.relation),
                    "sure": link.relation in SURE_RELATIONS,
                    "rationale": link.rationale,
                    "annotator": link.annotator,
                }
            )
        return out
    if config == "pairs":
        gold = {(x.claim_a, x.claim_b): x.relation for x in bench.alignments}
        out = []
        for art_a, art_b in bench.article_pairs():
            claims_b = bench.claims_of(art_b)
            for a in bench.claims_of(art_a):
                for b in claims_b:
                    out.append(
                        {
                            **_pair_row(cluster_of[art_a], a, b),
                            "context_a": a.context,
                            "context_b": b.context,
                            "label": LABELS.index(gold.get((a.claim_id, b.claim_id), "none")),
                        }
                    )
        return out
    raise DataError(f"unknown config {config!r} (expected one of {', '.join(CONFIGS)})")


def table(bench: Benchmark, config: str, version: str, content_hash: str) -> pa.Table:
    """One config as an Arrow table whose schema metadata holds features, version and hash."""
    import pyarrow as pa

    feats = features(config)
    schema = feats.arrow_schema
    meta = dict(schema.metadata)
    meta[METADATA_KEY] = json.dumps(
        {"dataset_version": version, "source_sha256": content_hash, "config": config, "split": SPLIT},
        sort_keys=True,
    ).encode("utf-8")
    return pa.Table.from_pylist(rows(bench, config), schema=schema.with_metadata(meta))


def _feature_yaml(feature: Any) -> dict[str, Any]:
    """The dataset-card YAML form of one feature (``list:`` of structs, not ``sequence:``)."""
    from datasets import ClassLabel, List, Value

    if isinstance(feature, Value):
        return {"dtype": feature.dtype}
    if isinstance(feature, ClassLabel):
        return {"dtype": {"class_label": {"names": {str(i): n for i, n in enumerate(feature.names)}}}}
    if isinstance(feature, List) and isinstance(feature.feature, dict):
        return {"list": [{"name": k, **_feature_yaml(v)} for k, v in feature.feature.items()]}
    raise TypeError(f"no YAML form for feature {feature!r}")


def _size_category(n: int) -> str:
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K")):
        if n < limit:
            return name
    return "100K<n<1M"


def dataset_card(bench: Benchmark, counts: dict[str, int], version: str, content_hash: str) -> str:
    """The dataset card ``data/README.md``: YAML front matter plus a short description."""
    import yaml  # a dependency of datasets

    front = {
        "pretty_name": "alignbench",
        "language": sorted({a.language for a in bench.articles}),
        "license": "other",
        "license_name": "alignbench-mixed",
        "license_details": (
            "Annotations (claims, statements, links, rationales): CC BY 4.0. Article texts: not licensed "
            "by alignbench; copyright stays with the original publishers (research use only)."
        ),
        "task_categories": ["text-classification", "sentence-similarity"],
        "task_ids": ["natural-language-inference", "semantic-similarity-classification"],
        "size_categories": [_size_category(max(counts.values()))],
        "tags": ["claim-alignment", "contradiction-detection", "news", "cross-document"],
        "configs": [
            {
                "config_name": config,
                **({"default": True} if config == DEFAULT_CONFIG else {}),
                "data_files": [{"split": SPLIT, "path": parquet_path(config)}],
            }
            for config in CONFIGS
        ],
        "dataset_info": [
            {
                "config_name": config,
                "features": [{"name": k, **_feature_yaml(v)} for k, v in features(config).items()],
            }
            for config in CONFIGS
        ],
    }
    yaml_text = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=100)
    config_rows = "\n".join(f"| `{c}` | {counts[c]} | {CONFIG_DESCRIPTIONS[c]} |" for c in CONFIGS)
    relations = ", ".join(f"`{r}`" for r in RELATIONS)
    return f"""---
{yaml_text}---

# alignbench {version}

Cross-source claim alignment: news articles from different outlets about the same event, split by hand
into claims, with hand-made links saying which claims match, which one is more specific, and which
contradict each other. Generated by `alignbench build` from the project's `corpus/` and `annotations/`;
do not edit by hand.

- Dataset version: `{version}`
- Source content hash (SHA-256 of `seeds/`, `corpus/`, `annotations/`): `{content_hash}`
- Split: `{SPLIT}` only (the real, hand-annotated clusters). There is no train or dev split.

| config | rows | what |
|---|---|---|
{config_rows}

Relations ({relations}) are a `ClassLabel`; `pairs.label` adds `none` for unlinked pairs. `related`
links are *possible* links, the others *sure* links (`alignments.sure`).

```python
from datasets import load_dataset
pairs = load_dataset("path/to/alignbench/data", "pairs", split="test")
```

Licence: annotations CC BY 4.0; article texts are **not** licensed by alignbench and remain the
copyright of their publishers (see `LICENSES.md` and `DATASHEET.md` in the repository).

## Citation

```bibtex
{bibtex(version)}
```
"""


def _write_dataset(bench: Benchmark, folder: Path, version: str, content_hash: str) -> None:
    import pyarrow.parquet as pq

    counts = {}
    for config in CONFIGS:
        tbl = table(bench, config, version, content_hash)
        counts[config] = tbl.num_rows
        path = folder / parquet_path(config)
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(tbl, path, compression="snappy", use_dictionary=True, write_statistics=True)
    (folder / "README.md").write_text(dataset_card(bench, counts, version, content_hash), encoding="utf-8")


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} if folder.is_dir() else set()


def stale_files(built: Path, existing: Path) -> list[str]:
    """Files of ``existing`` that differ from ``built`` (Parquet compared by contents, not bytes)."""
    import pyarrow.parquet as pq

    stale = []
    new, old = _files(built), _files(existing)
    for name in sorted(new | old):
        if name not in old:
            stale.append(f"{name} is missing")
        elif name not in new:
            stale.append(f"{name} should not be there")
        elif name.endswith(".parquet"):
            a, b = pq.read_table(built / name), pq.read_table(existing / name)
            if not a.equals(b):
                stale.append(f"{name} is stale (rows differ)")
            elif not a.equals(b, check_metadata=True):
                stale.append(f"{name} is stale (version or source hash differs)")
        elif (built / name).read_bytes() != (existing / name).read_bytes():
            stale.append(f"{name} is stale")
    return stale


def build(root: str | Path = ".", out: str | Path | None = None, check: bool = False) -> list[str]:
    """Build the dataset folder (default ``<root>/data``); with ``check``, only compare.

    Returns the stale files found by ``check`` (empty after a build). Raises :class:`DataError`
    when the sources do not validate; then nothing is written.
    """
    root = Path(root)
    out = Path(out) if out is not None else root / "data"
    try:
        bench = load_sources(root)
    except DataError as err:
        raise DataError(
            [
                f"refusing to build: {len(err.problems)} problem(s) in the sources; run 'alignbench validate' ({err.problems[0]})"
            ]
        ) from None
    content_hash = source_hash(root)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-build-", dir=out.parent))
    try:
        _write_dataset(bench, tmp, __version__, content_hash)
        if check:
            return stale_files(tmp, out)
        old = out.parent / f".{out.name}-old-{os.getpid()}"
        if out.exists():
            os.replace(out, old)
        os.replace(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
        return []
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
