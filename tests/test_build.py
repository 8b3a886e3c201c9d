"""``alignbench build``: Parquet + card that ``datasets`` loads, deterministic, atomic, checkable."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import CLUSTER, ROOT
from fixture import run_on_terminal

from alignbench import __version__
from alignbench.cli import main
from alignbench.dataset.build import build, source_hash
from alignbench.dataset.load import _parquet_file
from alignbench.dataset.schema import CONFIGS
from alignbench.records import LABELS, RELATIONS, DataError


def expected_rows(root: Path) -> dict[str, int]:
    """The rows of each config of the test split, counted from the sources (not typed by hand)."""
    from alignbench.sources.corpus import load_sources

    bench = load_sources(root).split("test")
    pairs = sum(len(bench.claims_of(a)) * len(bench.claims_of(b)) for a, b in bench.article_pairs())
    return {
        "articles": len(bench.articles),
        "claims": len(bench.claims),
        "alignments": len(bench.alignments),
        "pairs": pairs,
    }


@pytest.fixture
def built(sources: Path) -> Path:
    build(sources)
    return sources / "data"


def test_load_dataset_reads_every_config_with_declared_features(built, tmp_path, monkeypatch):
    from datasets import ClassLabel, List, Value, load_dataset

    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    cache = tmp_path / "hf-cache"
    loaded = {c: load_dataset(str(built), c, split="test", cache_dir=str(cache)) for c in CONFIGS}
    assert {c: d.num_rows for c, d in loaded.items()} == expected_rows(built.parent)
    assert loaded["alignments"].features["relation"] == ClassLabel(names=list(RELATIONS))
    assert loaded["pairs"].features["label"] == ClassLabel(names=[*RELATIONS, "none"])
    assert loaded["claims"].features["start"] == Value("int32")
    assert loaded["articles"].features["kept_ranges"] == List({"start": Value("int32"), "end": Value("int32")})
    wonsan_b = loaded["articles"][loaded["articles"]["article_id"].index("wonsan-b")]
    assert wonsan_b["kept_ranges"] == [{"start": 105, "end": 2485}]
    # the default config is `pairs`
    default = load_dataset(str(built), split="test", cache_dir=str(cache))
    assert default.column_names == loaded["pairs"].column_names


def test_pairs_cover_the_grid_and_agree_with_alignments(built):
    pairs = pq.read_table(_parquet_file("pairs", "test", built)).to_pylist()
    claims = pq.read_table(_parquet_file("claims", "test", built)).to_pylist()
    links = pq.read_table(_parquet_file("alignments", "test", built)).to_pylist()
    per_article = Counter(c["article_id"] for c in claims)
    per_pair = Counter((p["article_a"], p["article_b"]) for p in pairs)
    articles = pq.read_table(_parquet_file("articles", "test", built)).to_pylist()
    by_cluster: dict[str, list[str]] = {}
    for a in articles:
        by_cluster.setdefault(a["cluster_id"], []).append(a["article_id"])
    grid = {(a, b): per_article[a] * per_article[b] for ids in by_cluster.values() for a in ids for b in ids if a < b}
    assert ("wonsan-a", "wonsan-b") in grid and per_pair == grid
    assert len({(p["claim_a"], p["claim_b"]) for p in pairs}) == len(pairs)
    gold = {(x["claim_a"], x["claim_b"]): RELATIONS[x["relation"]] for x in links}
    for p in pairs:
        assert LABELS[p["label"]] == gold.get((p["claim_a"], p["claim_b"]), "none")
    assert sum(LABELS[p["label"]] != "none" for p in pairs) == len(links)
    text = {c["claim_id"]: c["text"] for c in claims}
    assert all(p["text_a"] == text[p["claim_a"]] and p["text_b"] == text[p["claim_b"]] for p in pairs)


def test_every_file_carries_version_and_content_hash(built, sources):
    digest = source_hash(sources)
    for config in CONFIGS:
        meta = json.loads(pq.read_schema(_parquet_file(config, "test", built)).metadata[b"alignbench"])
        assert meta == {"config": config, "dataset_version": __version__, "source_sha256": digest, "split": "test"}
    card = (built / "README.md").read_text(encoding="utf-8")
    assert digest in card and f"alignbench {__version__}" in card and "default: true" in card


def test_two_builds_are_byte_identical(sources, tmp_path):
    build(sources, tmp_path / "one")
    build(sources, tmp_path / "two")
    for config in CONFIGS:
        one, two = (_parquet_file(config, "test", tmp_path / n) for n in ("one", "two"))
        assert one.relative_to(tmp_path / "one") == two.relative_to(tmp_path / "two")
        assert one.read_bytes() == two.read_bytes()
    assert (tmp_path / "one/README.md").read_bytes() == (tmp_path / "two/README.md").read_bytes()


def test_check_names_stale_files_after_an_annotation_change(built, sources, capsys):
    assert main(["build", "--check", "--root", str(sources)]) == 0
    links = sources / f"annotations/{CLUSTER}/alignments.jsonl"
    lines = links.read_text(encoding="utf-8").splitlines()
    row = json.loads(lines[0])
    row["relation"] = "related"
    lines[0] = json.dumps(row, ensure_ascii=False)
    links.write_text("\n".join(lines) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["build", "--check", "--root", str(sources)]) == 1
    err = capsys.readouterr().err
    tag = f"v{__version__}-{source_hash(ROOT)[:12]}"
    assert f"alignments/test-{tag}.parquet is stale (rows differ)" in err
    assert f"pairs/test-{tag}.parquet is stale (rows differ)" in err
    # the content hash of the sources changed, and every file records it (and its name)
    assert f"claims/test-{tag}.parquet is stale (version or source hash differs)" in err
    assert "README.md is stale" in err


def test_committed_data_is_up_to_date():
    assert build(ROOT, check=True) == []


def test_build_refuses_invalid_sources_and_keeps_data(built, sources, capsys):
    before = {p: p.read_bytes() for p in built.rglob("*") if p.is_file()}
    claims = sources / f"annotations/{CLUSTER}/claims.jsonl"
    claims.write_text(claims.read_text(encoding="utf-8").replace('"start": 452', '"start": 453'), encoding="utf-8")
    assert main(["build", "--root", str(sources)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("alignbench build: refusing to build: 1 problem(s) in the sources; run 'alignbench validate'")
    assert len(err.strip().splitlines()) == 1
    assert before == {p: p.read_bytes() for p in built.rglob("*") if p.is_file()}


def test_failed_build_leaves_previous_data_intact(built, sources, monkeypatch):
    before = {p: p.read_bytes() for p in built.rglob("*") if p.is_file()}
    calls = []

    def failing_write(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise OSError("disk full")
        return original(self, *args, **kwargs)

    original = pq.ParquetWriter.write_table
    monkeypatch.setattr(pq.ParquetWriter, "write_table", failing_write)
    with pytest.raises(OSError, match="disk full"):
        build(sources)
    assert before == {p: p.read_bytes() for p in built.rglob("*") if p.is_file()}
    assert sorted(p.name for p in sources.iterdir()) == ["annotations", "corpus", "data", "seeds"]


def test_unknown_config_is_a_data_error():
    from alignbench.dataset.schema import features

    with pytest.raises(DataError, match="unknown config 'pair'"):
        features("pair")


def _build_command(sources: Path, out: Path) -> list[str]:
    script = (
        "import sys\n"
        "from alignbench.cli import main\n"
        f"status = main(['build', '--root', {str(sources)!r}, '--out', {str(out)!r}])\n"
        "print('tqdm imported' if 'tqdm' in sys.modules else 'tqdm not imported')\n"
        "sys.exit(status)\n"
    )
    return [sys.executable, "-c", script]


def test_no_progress_output_when_stderr_is_not_a_terminal(sources, tmp_path):
    done = subprocess.run(_build_command(sources, tmp_path / "out"), capture_output=True, text=True, check=True)
    assert done.stderr == ""
    assert done.stdout.splitlines() == [f"alignbench build: wrote {tmp_path / 'out'}", "tqdm not imported"]


def test_progress_bar_on_a_terminal(sources, tmp_path):
    status, stdout, shown = run_on_terminal(_build_command(sources, tmp_path / "out"))
    assert status == 0
    assert "tqdm imported" in stdout.decode()
    text = shown.decode(errors="replace")
    assert "alignbench build" in text and "writing pairs" in text and "/8" in text
    assert (tmp_path / "out" / "README.md").is_file()
