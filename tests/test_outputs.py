"""Where ``-o`` (and ``explain --curve``) may write: never over any file the command reads (named on the
command line or read implicitly), ``-`` is stdout, FIFOs and character devices are written in place,
and temporary files of killed writes are removed by the next write of the same file."""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CLUSTER, ROOT
from ists_fixture import write_full_release

import alignbench.dataset.load as load_module
import alignbench.runs.baselines as baselines_module
from alignbench.cli import main

GOOD = {"claim_a": "wonsan-a-010", "claim_b": "wonsan-b-009", "score": 0.9, "label": "contradiction"}
ALIGNBENCH = [sys.executable, "-m", "alignbench.cli"]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _refused(argv: list[str], out: Path, capsys: pytest.CaptureFixture[str], flag: str = "-o") -> None:
    """``argv`` exits 2 with one line saying that ``out`` is an input of the command."""
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert f"{flag} {out}: is also an input of this command" in err[0]


@pytest.fixture
def preds(tmp_path: Path) -> Path:
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps(GOOD) + "\n")
    return path


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A copy of the bundled dataset folder."""
    return Path(shutil.copytree(ROOT / "data", tmp_path / "data"))


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    """The headlines folder of an iSTS import of the hand-written fake release (train and test splits)."""
    src = write_full_release(tmp_path / "release")
    assert main(["import", "ists2016", str(src), "-o", str(tmp_path / "ists")]) == 0
    return tmp_path / "ists" / "headlines"


@pytest.fixture
def baselines(tmp_path: Path) -> Path:
    """A copy of the committed baseline configs, as a --baselines-dir."""
    shutil.copytree(ROOT / "baselines" / "configs", tmp_path / "baselines" / "configs")
    return tmp_path / "baselines"


def _one(folder: Path, pattern: str) -> Path:
    (path,) = folder.glob(pattern)
    return path


# --- outputs that are files the command reads implicitly ------------------------------------------------


def test_eval_run_and_explain_refuse_the_files_of_the_dataset_folder(data, preds, capsys):
    before = _snapshot(data)
    claims, card = _one(data, "claims/test-*.parquet"), data / "README.md"
    for out in (claims, card):
        _refused(
            ["eval", "--predictions", str(preds), "--data", str(data), "--resamples", "0", "-o", str(out)], out, capsys
        )
    pairs = _one(data, "pairs/test-*.parquet")
    _refused(["run", "tfidf", "--data", str(data), "-o", str(pairs)], pairs, capsys)
    explain = ["explain", "--predictions", str(preds), "--data", str(data), "--resamples", "0"]
    _refused([*explain, "--curve", str(card), "--format", "svg"], card, capsys, flag="--curve")
    _refused([*explain, "-o", str(claims)], claims, capsys)
    assert _snapshot(data) == before


def test_the_bundled_dataset_read_without_data_is_refused_too(data, preds, capsys, monkeypatch):
    monkeypatch.setattr(load_module, "default_data_dir", lambda: data)
    before = _snapshot(data)
    out = _one(data, "claims/test-*.parquet")
    _refused(["eval", "--predictions", str(preds), "--resamples", "0", "-o", str(out)], out, capsys)
    alias = data.parent / "alias.parquet"  # through a symlink
    alias.symlink_to(out)
    _refused(["eval", "--predictions", str(preds), "--resamples", "0", "-o", str(alias)], alias, capsys)
    assert _snapshot(data) == before


def test_tune_and_export_wa_refuse_the_files_of_the_import_they_read(imported, tmp_path, capsys):
    before = _snapshot(imported)
    train = _one(imported, "pairs/train-*.parquet")
    _refused(["tune", "tfidf", "--data", str(imported), "--thresholds", "0.5", "-o", str(train)], train, capsys)
    empty = tmp_path / "none.jsonl"
    empty.write_text("")
    card = imported / "README.md"
    _refused(["export-wa", str(empty), "--data", str(imported), "-o", str(card)], card, capsys)
    assert _snapshot(imported) == before


def test_the_committed_config_read_by_aligner_or_baselines_is_refused(baselines, preds, capsys, monkeypatch):
    before = _snapshot(baselines)
    fuzzy = baselines / "configs" / "fuzzy.json"
    where = ["--baselines-dir", str(baselines)]
    _refused(["eval", "--aligner", "fuzzy", *where, "--resamples", "0", "-o", str(fuzzy)], fuzzy, capsys)
    _refused(["run", "fuzzy", *where, "-o", str(fuzzy)], fuzzy, capsys)
    _refused(["explain", "--aligner", "fuzzy", *where, "--resamples", "0", "-o", str(fuzzy)], fuzzy, capsys)
    _refused(["tune", "fuzzy", *where, "-o", str(fuzzy)], fuzzy, capsys)
    tfidf = baselines / "configs" / "tfidf.json"
    _refused(["eval", "--baselines", *where, "--resamples", "0", "-o", str(tfidf)], tfidf, capsys)
    monkeypatch.setattr(baselines_module, "default_baselines_dir", lambda: baselines)  # the installed configs
    _refused(["eval", "--aligner", "fuzzy", "--resamples", "0", "-o", str(fuzzy)], fuzzy, capsys)
    assert _snapshot(baselines) == before


def test_agree_refuses_every_file_of_the_source_tree_it_reads(sources, capsys):
    before = _snapshot(sources)
    ann = sources / "annotations" / CLUSTER
    passes = [str(ann / "passes" / "ann1.jsonl"), str(ann / "passes" / "ann2.jsonl")]
    for out in (
        ann / "passes" / "claims.jsonl",
        ann / "claims.jsonl",
        ann / "alignments.jsonl",
        sources / "corpus" / CLUSTER / "articles.jsonl",
        sources / "annotations" / "GUIDELINES.md",
    ):
        _refused(["agree", *passes, "--root", str(sources), "-o", str(out)], out, capsys)
    assert _snapshot(sources) == before


def test_an_output_beside_the_inputs_is_still_written(data, preds, tmp_path):
    out = data / "report.txt"  # a new file: no input is lost
    assert main(["eval", "--predictions", str(preds), "--data", str(data), "--resamples", "0", "-o", str(out)]) == 0
    assert "link.F1" in out.read_text()


# --- special files, stdout ----------------------------------------------------------------------------


def _report(preds: Path, tmp_path: Path) -> bytes:
    out = tmp_path / "expected.txt"
    assert main(["eval", "--predictions", str(preds), "--resamples", "0", "-o", str(out)]) == 0
    return out.read_bytes()


def _read_all(fd: int) -> bytes:
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 1 << 16)
        except BlockingIOError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def test_a_fifo_is_written_in_place_not_replaced(preds, tmp_path):
    expected = _report(preds, tmp_path)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # so that the writer's open does not block
    try:
        assert main(["eval", "--predictions", str(preds), "--resamples", "0", "-o", str(fifo)]) == 0
        assert stat.S_ISFIFO(os.stat(fifo).st_mode)
        assert _read_all(reader) == expected
    finally:
        os.close(reader)


def test_a_character_device_is_written_in_place_not_replaced(preds, tmp_path):
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a /dev/null of our own
        with open(node, "w") as probe:
            probe.write("x")
    except OSError:
        pytest.skip("cannot make or write a character device node here (not root, or a nodev file system)")
    assert main(["eval", "--predictions", str(preds), "--resamples", "0", "-o", str(node)]) == 0
    assert stat.S_ISCHR(os.stat(node).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null", "p.jsonl"]  # no temporary file left


def test_a_block_device_is_refused(preds, tmp_path, capsys):
    node = tmp_path / "disk"
    try:
        os.mknod(node, stat.S_IFBLK | 0o600, os.makedev(7, 0))  # a node only: nothing is opened
    except OSError:
        pytest.skip("cannot make a block device node here (not root)")
    assert main(["eval", "--predictions", str(preds), "--resamples", "0", "-o", str(node)]) == 2
    assert "is a block device or socket" in capsys.readouterr().err
    assert stat.S_ISBLK(os.stat(node).st_mode)


def test_dev_stdout_into_a_pipe(preds, tmp_path):
    expected = _report(preds, tmp_path)
    argv = ["eval", "--predictions", str(preds), "--resamples", "0", "-o", "/dev/stdout"]
    done = subprocess.run([*ALIGNBENCH, *argv], capture_output=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == expected


def test_dash_is_stdout(preds, tmp_path, monkeypatch, capsysbinary):
    expected = _report(preds, tmp_path)
    monkeypatch.chdir(tmp_path)
    capsysbinary.readouterr()
    assert main(["eval", "--predictions", str(preds), "--resamples", "0", "-o", "-"]) == 0
    assert capsysbinary.readouterr().out == expected
    assert not (tmp_path / "-").exists()
    written = tmp_path / "written.jsonl"
    assert main(["run", "tfidf", "-o", str(written)]) == 0
    assert main(["run", "tfidf", "-o", "-"]) == 0
    assert capsysbinary.readouterr().out == written.read_bytes()
    assert not (tmp_path / "-").exists()


def test_explain_refuses_a_curve_that_links_to_the_page(preds, tmp_path, capsys):
    page = tmp_path / "a.svg"
    curve = tmp_path / "b.svg"
    curve.symlink_to(page)
    argv = ["explain", "--predictions", str(preds), "--resamples", "0", "-o", str(page), "--curve", str(curve)]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "-o and --curve name the same file" in err[0]
    assert not page.exists()


@pytest.mark.parametrize("flag", ["--curve", "-o"])
def test_an_output_naming_a_folder_is_refused(preds, tmp_path, capsys, flag):
    base = ["explain", "--predictions", str(preds), "--resamples", "0"]
    extra = ["--format", "svg"] if flag == "--curve" else []
    folder = f"{tmp_path / 'plots'}/"
    assert main([*base, flag, folder, *extra]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"{flag} {folder}: names a folder" in err[0]
    assert not (tmp_path / "plots").exists()
    (tmp_path / "plots").mkdir()  # an existing folder, named without the slash
    assert main([*base, flag, str(tmp_path / "plots"), *extra]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "is a folder" in err[0]
    assert list((tmp_path / "plots").iterdir()) == []


# --- temporary files of killed writes ---------------------------------------------------------------------

_STALL = """
import sys, time
from alignbench.fileio import atomic_writer
with atomic_writer(sys.argv[1]) as handle:
    handle.write("half")
    handle.flush()
    print("writing", flush=True)
    time.sleep(60)
"""


def test_the_temp_file_of_a_killed_write_is_removed_by_the_next_write(preds, tmp_path):
    target = tmp_path / "report.txt"
    proc = subprocess.Popen([sys.executable, "-c", _STALL, str(target)], stdout=subprocess.PIPE)
    try:
        assert proc.stdout.readline() == b"writing\n"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    left = [p.name for p in tmp_path.iterdir() if p.name.startswith(".report.txt.")]
    assert len(left) == 1  # what SIGKILL leaves
    other = tmp_path / ".report.txt.notes"  # a file of the user's that merely looks alike
    other.write_text("mine")
    assert main(["eval", "--predictions", str(preds), "--resamples", "0", "-o", str(target)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [".report.txt.notes", "p.jsonl", "report.txt"]
    assert other.read_text() == "mine"
