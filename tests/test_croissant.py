"""``data/croissant.json``: Croissant 1.1 with the RAI fields from DATASHEET.md, written by
``alignbench build``, validated offline with mlcroissant, and found stale by ``build --check``."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import ROOT

import alignbench
from alignbench.dataset.build import build
from alignbench.dataset.croissant import MARKER, RAI_ANSWERS, croissant_difference, datasheet_answers, rai_fields
from alignbench.records import DataError

mlc = pytest.importorskip("mlcroissant", reason="mlcroissant is in the test extra: pip install -e '.[test]'")


def test_committed_croissant_validates_and_loads_offline():
    dataset = mlc.Dataset(str(ROOT / "data" / "croissant.json"))  # raises ValidationError if invalid
    meta = dataset.metadata
    assert meta.version == alignbench.__version__ and not meta.ctx.issues.errors and not meta.ctx.issues.warnings
    for split in alignbench.dataset.load.available_splits():
        rows = list(dataset.records(f"claims-{split}"))
        assert len(rows) == alignbench.load("claims", split).num_rows
    first = next(iter(dataset.records("articles-test")))
    start, end = alignbench.load_benchmark().articles[0].kept_ranges[0]
    assert first["articles-test/kept_ranges"][0] == {
        "articles-test/kept_ranges/start": start,
        "articles-test/kept_ranges/end": end,
    }


def test_rai_fields_are_the_datasheets_answers():
    datasheet = (ROOT / "DATASHEET.md").read_text(encoding="utf-8")
    data = json.loads((ROOT / "data" / "croissant.json").read_text(encoding="utf-8"))
    answers = datasheet_answers(datasheet)
    assert data == data | rai_fields(datasheet)
    assert set(RAI_ANSWERS) <= set(data)
    collection = data["rai:dataCollection"]
    assert answers["How was the data acquired?"] in collection and "synthetic" in collection
    assert "AI" in " ".join(data["rai:annotatorDemographics"])  # who annotated: AI-model sessions, said so
    assert answers["Is any information missing?"].startswith("- wonsan-a: the outlet is unknown")


def test_build_writes_croissant_and_check_finds_it_stale(tmp_path, sources):
    shutil.copy(ROOT / "DATASHEET.md", sources / "DATASHEET.md")
    out = tmp_path / "data"
    build(sources, out)
    written = (out / "croissant.json").read_text(encoding="utf-8")
    assert MARKER in written
    mlc.Dataset(str(out / "croissant.json"))
    assert build(sources, out, check=True) == []
    # a Parquet file rewritten by another pyarrow has other bytes: a checksum that no longer matches
    data = json.loads(written)
    data["distribution"][0]["sha256"] = "0" * 64
    (out / "croissant.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
    assert build(sources, out, check=True) == [
        f"croissant.json is stale (its sha256 of {data['distribution'][0]['contentUrl']} is not that of the file)"
    ]
    # the datasheet is a source of it
    (sources / "DATASHEET.md").write_text(
        (ROOT / "DATASHEET.md")
        .read_text(encoding="utf-8")
        .replace("**Offensive content?** No,", "**Offensive content?** Not,"),
        encoding="utf-8",
    )
    build(sources, out)  # replaces the folder it wrote, croissant.json included
    assert "Offensive content? Not," in (out / "croissant.json").read_text(encoding="utf-8")
    assert croissant_difference(written, out / "croissant.json") == "differs"


def test_a_datasheet_without_an_answer_stops_the_build(tmp_path, sources):
    text = (ROOT / "DATASHEET.md").read_text(encoding="utf-8").replace("**Labelling.**", "Labelling.")
    (sources / "DATASHEET.md").write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=r"DATASHEET.md: no answer to 'Labelling.' \(croissant.json takes rai:"):
        build(sources, tmp_path / "data")
    assert not (tmp_path / "data").exists()


def test_a_tree_without_a_datasheet_gets_no_rai_fields(tmp_path, sources):
    build(sources, tmp_path / "data")
    data = json.loads((tmp_path / "data" / "croissant.json").read_text(encoding="utf-8"))
    assert not [k for k in data if k.startswith("rai:")]
    mlc.Dataset(str(tmp_path / "data" / "croissant.json"))
