"""The folder writer of ``build`` and ``import`` replaces only a folder whose every file is in its own
manifest (recorded in the card), of its own kind; folders written before the manifest still rebuild;
the modes that write nothing (``--check``) leave the leftovers of killed writes alone."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from ists_fixture import write_full_release

from alignbench.cli import main
from alignbench.dataset.build import build
from alignbench.dataset.manifest import MANIFEST_KEY, PLAN, read_manifest
from alignbench.sources.importers.ists2016 import SUBSETS

IMPORT = "alignbench import ists2016"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _front(card: Path) -> dict:
    text = card.read_text(encoding="utf-8")
    return yaml.safe_load(text[4 : text.index("\n---\n", 3)])


def _one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


@pytest.fixture
def release(tmp_path: Path) -> Path:
    return write_full_release(tmp_path / "release")


# --- the manifest ---------------------------------------------------------------------------------


def test_the_card_lists_every_file_the_writer_wrote_and_who_wrote_it(sources, release, tmp_path):
    build(sources)
    data = sources / "data"
    entry = _front(data / "README.md")[MANIFEST_KEY]
    assert entry["written_by"] == "alignbench build"
    assert entry["files"] == sorted(_snapshot(data))  # README.md included, nothing more
    assert main(["import", "ists2016", str(release), "-o", str(tmp_path / "ists")]) == 0
    for subset in SUBSETS:
        folder = tmp_path / "ists" / subset
        entry = _front(folder / "README.md")[MANIFEST_KEY]
        assert entry == {"written_by": IMPORT, "files": sorted(_snapshot(folder))}
        assert not (folder / PLAN).exists()


# --- a copy named like the writer's files is not the writer's -----------------------------------


def test_build_refuses_a_copy_of_its_own_parquet_file_under_another_name(sources, capsys):
    build(sources)
    data = sources / "data"
    (original,) = (data / "pairs").glob("test-*.parquet")
    shutil.copy(original, data / "pairs" / "my-notes.parquet")
    before = _snapshot(data)
    assert main(["build", "--root", str(sources)]) == 1
    line = _one_line(capsys)
    assert "holds 'pairs/my-notes.parquet', which 'alignbench build' did not write" in line
    assert "nothing was changed" in line
    assert _snapshot(data) == before


def test_import_refuses_a_copy_of_its_own_parquet_file_under_another_name(release, tmp_path, capsys):
    out = tmp_path / "ists"
    assert main(["import", "ists2016", str(release), "-o", str(out)]) == 0
    (original,) = (out / "images" / "pairs").glob("train-*.parquet")
    shutil.copy(original, out / "images" / "pairs" / "my-notes.parquet")
    before = _snapshot(out)
    capsys.readouterr()
    assert main(["import", "ists2016", str(release), "-o", str(out)]) == 1
    assert f"{out / 'images'}: holds 'pairs/my-notes.parquet', which '{IMPORT}' did not write" in _one_line(capsys)
    assert _snapshot(out) == before


# --- build and import never replace each other's folders --------------------------------------------


def test_build_out_refuses_an_import_folder(sources, release, tmp_path, capsys):
    out = tmp_path / "ists"
    assert main(["import", "ists2016", str(release), "-o", str(out)]) == 0
    capsys.readouterr()
    before = _snapshot(out)
    assert main(["build", "--root", str(sources), "--out", str(out / "headlines")]) == 1
    line = _one_line(capsys)
    assert f"written by '{IMPORT}', not by 'alignbench build'" in line and "nothing was changed" in line
    assert _snapshot(out) == before


def test_import_refuses_a_build_folder_where_a_subset_goes(sources, release, tmp_path, capsys):
    out = tmp_path / "ists"
    build(sources, out / "headlines")
    before = _snapshot(out)
    assert main(["import", "ists2016", str(release), "-o", str(out)]) == 1
    line = _one_line(capsys)
    assert f"written by 'alignbench build', not by '{IMPORT}'" in line and "nothing was changed" in line
    assert _snapshot(out) == before


# --- folders written before the manifest ---------------------------------------------------------


def _legacy(folder: Path) -> None:
    """Make ``folder`` what the writer of alignbench <= 0.2.0 wrote: the same card without the manifest."""
    card = folder / "README.md"
    text = card.read_text(encoding="utf-8")
    legacy = re.sub(rf"^{MANIFEST_KEY}:\n(?:(?: |- ).*\n)+", "", text, flags=re.M)
    assert legacy != text and MANIFEST_KEY not in legacy
    card.write_text(legacy, encoding="utf-8")
    (folder / "croissant.json").unlink(missing_ok=True)  # the writer of <= 0.2.0 wrote no Croissant file


def test_a_folder_built_before_the_manifest_is_rebuilt(sources):
    build(sources)
    data = sources / "data"
    fresh = _snapshot(data)
    _legacy(data)
    manifest = read_manifest(data)
    assert manifest is not None and manifest.written_by == "alignbench build"
    assert manifest.files == set(fresh) - {"croissant.json"}  # the exact set of files the old writer produced
    build(sources)
    assert _snapshot(data) == fresh


def test_a_folder_built_before_the_manifest_with_a_foreign_file_is_refused(sources, capsys):
    build(sources)
    data = sources / "data"
    _legacy(data)
    (original,) = (data / "claims").glob("test-*.parquet")
    shutil.copy(original, data / "claims" / "test-old.parquet")
    before = _snapshot(data)
    assert main(["build", "--root", str(sources)]) == 1
    assert "holds 'claims/test-old.parquet'" in _one_line(capsys)
    assert _snapshot(data) == before


def test_an_import_made_before_the_manifest_is_reimported(release, tmp_path):
    out = tmp_path / "ists"
    assert main(["import", "ists2016", str(release), "-o", str(out)]) == 0
    fresh = _snapshot(out)
    for subset in SUBSETS:
        _legacy(out / subset)
    assert main(["import", "ists2016", str(release), "-o", str(out)]) == 0
    assert _snapshot(out) == fresh


# --- modes that write nothing ---------------------------------------------------------------------


def test_check_modes_leave_the_temp_folders_of_killed_writes_alone(sources, release, tmp_path):
    out = tmp_path / "ists"
    assert main(["import", "ists2016", str(release), "-o", str(out)]) == 0
    dead = out / ".headlines-build-999999999-abcd1234"  # a killed import's folder (no such process)
    shutil.copytree(out / "headlines", dead)
    before = sorted(p.name for p in out.iterdir())
    assert main(["import", "ists2016", str(release), "-o", str(out), "--check"]) == 0
    assert dead.is_dir() and sorted(p.name for p in out.iterdir()) == before
    build(sources)
    dead = sources / ".data-build-999999999-abcd1234"
    shutil.copytree(sources / "data", dead)
    before = sorted(p.name for p in sources.iterdir())
    assert main(["build", "--root", str(sources), "--check"]) == 0
    assert dead.is_dir() and sorted(p.name for p in sources.iterdir()) == before
    build(sources)  # a real write cleans it up
    assert not dead.exists()
