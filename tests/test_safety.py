"""No data loss: build replaces only its own output, survives kills, keeps modes; -o is safe."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CLUSTER, ROOT

import alignbench.dataset.writer as build_module
import alignbench.fileio as fileio
from alignbench.cli import main
from alignbench.dataset.build import build

GOOD = {"claim_a": "wonsan-a-010", "claim_b": "wonsan-b-009", "score": 0.9, "label": "contradiction"}


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


# --- 1. build replaces only a folder it built -------------------------------------------------


def test_build_out_refuses_a_folder_with_a_foreign_file(sources, tmp_path, capsys):
    out = tmp_path / "p"
    out.mkdir()
    (out / "thesis.tex").write_text("x")
    assert main(["build", "--root", str(sources), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"alignbench build: {out}: holds 'thesis.tex', which 'alignbench build' did not write")
    assert len(err.strip().splitlines()) == 1
    assert _snapshot(out) == {"thesis.tex": b"x"}


def test_build_out_refuses_the_sources(sources, capsys):
    before = _snapshot(sources / "corpus")
    assert main(["build", "--root", str(sources), "--out", str(sources / "corpus")]) == 1
    assert "refusing to replace the folder (nothing was changed)" in capsys.readouterr().err
    assert _snapshot(sources / "corpus") == before


def test_build_refuses_a_foreign_file_inside_its_own_output(sources):
    build(sources)
    (sources / "data" / "pairs" / "notes.txt").write_text("mine")
    with pytest.raises(build_module.DataError, match=r"holds 'pairs/notes.txt'"):
        build(sources)
    assert (sources / "data" / "pairs" / "notes.txt").read_text() == "mine"


def test_build_refuses_a_file_in_place_of_the_folder(sources, tmp_path):
    target = tmp_path / "out"
    target.write_text("keep")
    with pytest.raises(build_module.DataError, match="exists and is not a dataset folder"):
        build(sources, target)
    assert target.read_text() == "keep"


def test_build_replaces_its_own_output_and_an_empty_folder(sources, tmp_path):
    (tmp_path / "empty").mkdir()
    build(sources, tmp_path / "empty")
    build(sources, tmp_path / "empty")  # its own output: replaced without complaint
    assert (tmp_path / "empty" / "README.md").is_file()


# --- 2. kills: the old data/ always survives ---------------------------------------------------


def test_kill_between_the_two_renames_is_recovered_by_the_next_build(sources, monkeypatch):
    build(sources)
    before = _snapshot(sources / "data")
    monkeypatch.setattr(fileio, "exchange", lambda a, b: False)  # a system without renameat2
    real_replace, calls = os.replace, []

    def killed_on_second_rename(src, dst):
        calls.append((src, dst))
        if len(calls) == 2:
            raise KeyboardInterrupt  # the process dies here
        real_replace(src, dst)

    monkeypatch.setattr(build_module.os, "replace", killed_on_second_rename)
    with pytest.raises(KeyboardInterrupt):
        build(sources)
    monkeypatch.setattr(build_module.os, "replace", real_replace)
    assert not (sources / "data").exists()  # what a kill at that moment leaves
    monkeypatch.setattr(build_module, "_pid_alive", lambda pid: False)  # that build is dead
    build_module._recover(sources / "data")
    assert _snapshot(sources / "data") == before
    assert sorted(p.name for p in sources.iterdir()) == ["annotations", "corpus", "data", "seeds"]


def test_swap_is_one_atomic_exchange_where_available(sources, monkeypatch):
    build(sources)
    renames = []
    monkeypatch.setattr(build_module.os, "replace", lambda *a: renames.append(a))
    build(sources)
    assert renames == []  # renameat2(RENAME_EXCHANGE): no moment without data/
    assert (sources / "data" / "README.md").is_file()


def test_sigkilled_builds_never_leave_the_repo_without_data(sources):
    build(sources)
    before = _snapshot(sources / "data")
    code = f"from alignbench.dataset.build import build; build({str(sources)!r})"
    for delay in (0.3, 0.6, 0.9):
        proc = subprocess.Popen([sys.executable, "-c", code])
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        assert _snapshot(sources / "data") == before
    build(sources)
    assert sorted(p.name for p in sources.iterdir()) == ["annotations", "corpus", "data", "seeds"]


def test_stale_temp_folders_of_dead_builds_are_removed_but_foreign_ones_kept(sources, monkeypatch):
    build(sources)
    dead = sources / ".data-build-999999999-abcd1234"
    build(sources, dead)  # a half-finished build's folder: only build output
    mine = sources / ".data-build-999999998-abcd1234"
    mine.mkdir()
    (mine / "thesis.tex").write_text("x")
    build(sources)
    assert not dead.exists()
    assert (mine / "thesis.tex").read_text() == "x"


def test_temp_folders_are_ignored_by_git_and_left_out_of_the_sdist(tmp_path):
    import tarfile

    repo = tmp_path / "repo"  # the project's .gitignore in a throwaway repository (CI copies have no .git)
    repo.mkdir()
    (repo / ".gitignore").write_bytes((ROOT / ".gitignore").read_bytes())
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    ignored = subprocess.run(
        ["git", "check-ignore", ".data-build-123-abcd", ".data-old-123-abcd"],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    assert ignored.stdout.split() == [".data-build-123-abcd", ".data-old-123-abcd"]
    tree = tmp_path / "tree"
    skip = (".git", ".venv", "__pycache__", "*.egg-info", ".pytest_cache", ".ruff_cache", "dist", "build", ".*-build-*")
    shutil.copytree(ROOT, tree, ignore=shutil.ignore_patterns(*skip))
    for stray in (".data-build-123-abcd", ".data-old-123-abcd"):
        (tree / stray).mkdir()
        (tree / stray / "README.md").write_text("x")
    subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--no-isolation", "--outdir", str(tmp_path / "dist"), str(tree)],
        check=True,
        capture_output=True,
    )
    (sdist,) = (tmp_path / "dist").glob("*.tar.gz")
    names = tarfile.open(sdist).getnames()
    assert any(n.endswith("/pyproject.toml") for n in names)
    assert not [n for n in names if "-build-" in n or "-old-" in n]


# --- 3. modes ---------------------------------------------------------------------------------


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_files_and_data_get_the_umask_mode(sources, tmp_path, umask_022):
    build(sources)
    data = sources / "data"
    assert _mode(data) == 0o755
    assert {_mode(p) for p in data.rglob("*") if p.is_file()} == {0o644}
    out = tmp_path / "report.txt"
    assert main(["eval", "--aligner", "tfidf", "--resamples", "0", "-o", str(out)]) == 0
    assert _mode(out) == 0o644
    preds = tmp_path / "p.jsonl"
    assert main(["run", "tfidf", "-o", str(preds)]) == 0
    assert _mode(preds) == 0o644


def test_a_replaced_file_keeps_its_mode(tmp_path, umask_022):
    out = tmp_path / "report.txt"
    out.write_text("old")
    out.chmod(0o640)
    assert main(["eval", "--aligner", "tfidf", "--resamples", "0", "-o", str(out)]) == 0
    assert _mode(out) == 0o640 and out.read_text() != "old"


# --- 4. symlinks and outputs that are inputs ---------------------------------------------------


def test_output_through_a_symlink_writes_the_target(tmp_path):
    target = tmp_path / "real.txt"
    target.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    assert main(["eval", "--aligner", "tfidf", "--resamples", "0", "-o", str(link)]) == 0
    assert link.is_symlink() and "link.F1" in target.read_text()


def test_output_that_is_an_input_is_refused(tmp_path, capsys):
    preds = tmp_path / "p.jsonl"
    preds.write_text(json.dumps(GOOD) + "\n")
    before = preds.read_bytes()
    alias = tmp_path / "alias.jsonl"
    alias.symlink_to(preds)
    for out in (preds, alias):
        assert main(["eval", "--predictions", str(preds), "--resamples", "0", "-o", str(out)]) == 2
        err = capsys.readouterr().err
        assert f"-o {out}: is also an input of this command" in err and len(err.strip().splitlines()) == 1
    assert preds.read_bytes() == before


def test_compare_output_that_is_an_input_is_refused(tmp_path, capsys):
    report = tmp_path / "a.json"
    assert main(["eval", "--aligner", "tfidf", "--resamples", "10", "--format", "json", "-o", str(report)]) == 0
    before = report.read_bytes()
    assert main(["compare", str(report), str(report), "-o", str(report)]) == 2
    assert report.read_bytes() == before


# --- 5. the README's load_dataset recipe after an edit and a rebuild ---------------------------


def test_readme_load_dataset_recipe_sees_an_edit_after_rebuild(sources, tmp_path, monkeypatch):
    from datasets import load_dataset

    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))  # one cache, shared by both loads
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.chdir(sources)
    build(".")
    first = load_dataset("data", "alignments", split="test")
    relation = first.features["relation"]
    links = Path(f"annotations/{CLUSTER}/alignments.jsonl")
    lines = links.read_text(encoding="utf-8").splitlines()
    row = json.loads(lines[0])
    at = list(zip(first["claim_a"], first["claim_b"], strict=True)).index((row["claim_a"], row["claim_b"]))
    assert relation.int2str(first[at]["relation"]) == row["relation"] != "related"
    row["relation"] = "related"
    lines[0] = json.dumps(row, ensure_ascii=False)
    links.write_text("\n".join(lines) + "\n", encoding="utf-8")
    build(".")
    second = load_dataset("data", "alignments", split="test")
    assert relation.int2str(second[at]["relation"]) == "related"
