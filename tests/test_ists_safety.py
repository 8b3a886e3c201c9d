"""``alignbench import ists2016`` when things go wrong: a bad subset, a crash or a failing rename
while writing, and special files in the release (named pipes, devices, paths out of it). Nothing of
OUT may change unless every subset is written, and only regular files inside SRC are read."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from ists_fixture import write_full_release

from alignbench.cli import main
from alignbench.sources.importers.ists2016 import RELEASE_FILES, SUBSETS

ROOT = Path(__file__).resolve().parents[1]


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every file and folder under ``folder`` (hidden temporary folders included) with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() if p.is_file() else b"<dir>" for p in sorted(folder.rglob("*"))
    }


def _imported(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    """A release, an OUT imported from it, and OUT's snapshot; then the release's headlines train
    file is changed, so that a new import would change every file of OUT/headlines."""
    src = write_full_release(tmp_path / "release")
    out = tmp_path / "out"
    assert main(["import", "ists2016", str(src), "-o", str(out)]) == 0
    wa = src / f"{RELEASE_FILES['train', 'headlines']}.wa"
    wa.write_text(wa.read_text().replace("4 <==> 4 // EQUI // 5 //", "4 <==> 4 // SIMI // 4 //"))
    return src, out, _snapshot(out)


def _empty(src: Path, split: str, subset: str) -> None:
    base = src / RELEASE_FILES[split, subset]
    for suffix in (".wa", ".sent1.chunk.txt", ".sent2.chunk.txt"):
        base.with_name(base.name + suffix).write_text("")


# --- item 4: check every subset before writing any; all subsets swapped in as one unit --------


def test_an_empty_split_is_one_line_and_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src, out, before = _imported(tmp_path)
    _empty(src, "test", "answers-students")  # the last subset: the others would be written first
    capsys.readouterr()
    assert main(["import", "ists2016", str(src), "-o", str(out)]) == 1
    err = [line for line in capsys.readouterr().err.splitlines() if "warning:" not in line]
    wa = src / f"{RELEASE_FILES['test', 'answers-students']}.wa"
    assert err == [
        f"alignbench import: {wa}: no sentence pairs (every split of the release has some: is it the right file?)"
    ]
    assert _snapshot(out) == before
    # a new OUT (and its new parent folders) is not created either
    assert main(["import", "ists2016", str(src), "-o", str(tmp_path / "new" / "out")]) == 1
    assert not (tmp_path / "new").exists()


def test_a_crash_while_writing_keeps_every_old_subset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src, out, before = _imported(tmp_path)
    from alignbench.dataset import ists_card

    real = ists_card.ists_card

    def card(subset: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        if subset == SUBSETS[-1]:
            raise RuntimeError("a bug in the card of the last subset")
        return real(subset, *args, **kwargs)

    monkeypatch.setattr(ists_card, "ists_card", card)
    with pytest.raises(RuntimeError, match="a bug in the card"):
        main(["import", "ists2016", str(src), "-o", str(out)])
    assert _snapshot(out) == before  # headlines and images were not swapped in, no temp folder left
    with pytest.raises(RuntimeError):
        main(["import", "ists2016", str(src), "-o", str(tmp_path / "new" / "out")])
    assert not (tmp_path / "new").exists()  # no empty OUT left behind


def test_a_failing_swap_puts_back_the_subsets_already_swapped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src, out, before = _imported(tmp_path)
    from alignbench import fileio

    real, calls = fileio.exchange, []

    def exchange(a: Path, b: Path) -> bool:
        calls.append(b.name)
        if len(calls) == 2:  # the second subset's swap fails
            raise OSError(5, "Input/output error", str(b))
        return real(a, b)

    monkeypatch.setattr(fileio, "exchange", exchange)
    assert main(["import", "ists2016", str(src), "-o", str(out)]) == 1
    assert calls[:2] == list(SUBSETS[:2])
    assert _snapshot(out) == before
    monkeypatch.setattr(fileio, "exchange", real)
    assert main(["import", "ists2016", str(src), "-o", str(out)]) == 0
    changed = {name for name in before.keys() | _snapshot(out).keys() if before.get(name) != _snapshot(out).get(name)}
    assert changed and {name.split("/")[0] for name in changed} == {"headlines"}


def test_a_pairs_slice_never_passes_the_byte_budget_in_an_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pair with 1,000 chunks a side made one slice of 6 GB of strings: past what an Arrow string
    array holds (ArrowInvalid). Here a small budget stands in for the 1 GiB one."""
    import pyarrow.parquet as pq

    from alignbench.dataset import tables

    src = write_full_release(tmp_path / "release")
    monkeypatch.setattr(tables, "PAIRS_CHUNK_BYTES", 2_000, raising=False)
    assert main(["import", "ists2016", str(src), "-o", str(tmp_path / "small")]) == 0
    monkeypatch.undo()
    assert main(["import", "ists2016", str(src), "-o", str(tmp_path / "large")]) == 0
    groups = {}
    for subset in SUBSETS:
        (small,) = (tmp_path / "small" / subset / "pairs").glob("train-*.parquet")
        (large,) = (tmp_path / "large" / subset / "pairs").glob("train-*.parquet")
        with pq.ParquetFile(small) as a, pq.ParquetFile(large) as b:
            assert b.metadata.num_row_groups == 1
            groups[subset] = a.metadata.num_row_groups
            assert a.read().equals(b.read())  # the same rows, in more row groups
    assert groups["headlines"] > 1


# --- item 13: only regular files inside SRC are read ------------------------------------------


def _run(code: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run Python ``code`` with at most 2 GiB of memory and ``timeout`` seconds: a read of a pipe
    or of /dev/zero would otherwise hang the suite or take the machine's memory."""

    def limit() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, preexec_fn=limit, cwd=ROOT
    )


def test_a_named_pipe_in_place_of_a_wa_file_is_refused_without_blocking(tmp_path: Path) -> None:
    src = write_full_release(tmp_path / "release")
    wa = src / f"{RELEASE_FILES['train', 'images']}.wa"
    wa.unlink()
    os.mkfifo(wa)
    code = f"from alignbench.cli import main; raise SystemExit(main(['import', 'ists2016', {str(src)!r}, '-o', {str(tmp_path / 'out')!r}]))"
    done = _run(code)
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if "warning:" not in line]
    assert errors == [f"alignbench import: {wa}: is a named pipe, not a regular file; not read"]
    assert not (tmp_path / "out").exists()


def test_checksum_lines_read_only_regular_files_inside_the_release(tmp_path: Path) -> None:
    src = write_full_release(tmp_path / "release")
    secret = tmp_path / "secret.txt"  # outside the release
    secret.write_text("not part of the release\n")
    digest = hashlib.sha256(secret.read_bytes()).hexdigest()
    (src / "inside.txt").symlink_to(secret)
    os.mkfifo(src / "pipe")
    sums = src / "SHA256SUMS"
    lines = sums.read_text().splitlines()
    extra = ["/dev/zero", "../secret.txt", str(secret), "inside.txt", "pipe", "test/../../secret.txt"]
    sums.write_text("\n".join([*lines, *(f"{'0' * 64}  {name}" for name in extra)]) + "\n")
    out = tmp_path / "out"
    code = f"from alignbench.cli import main; raise SystemExit(main(['import', 'ists2016', {str(src)!r}, '-o', {str(out)!r}]))"
    done = _run(code)
    assert done.returncode == 0, done.stderr
    n = len(lines)
    assert [line for line in done.stderr.splitlines() if "SHA256SUMS" in line] == [
        f"alignbench import: warning: {sums}:{n + 1}: names a path outside the release folder; not read",
        f"alignbench import: warning: {sums}:{n + 2}: names a path outside the release folder; not read",
        f"alignbench import: warning: {sums}:{n + 3}: names a path outside the release folder; not read",
        f"alignbench import: warning: {sums}:{n + 4}: names a symbolic link to a file outside the release folder; not read",
        f"alignbench import: warning: {sums}:{n + 5}: pipe is a named pipe, not a regular file; not read",
        f"alignbench import: warning: {sums}:{n + 6}: names a path outside the release folder; not read",
    ]
    for subset in SUBSETS:
        card = (out / subset / "README.md").read_text(encoding="utf-8")
        assert "secret" not in card and digest[:12] not in card and "/dev/zero" not in card


def test_a_release_file_linking_out_of_the_release_is_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_full_release(tmp_path / "release")
    wa = src / f"{RELEASE_FILES['test', 'headlines']}.wa"
    outside = tmp_path / "elsewhere.wa"
    wa.rename(outside)  # a readable .wa, but outside SRC
    wa.symlink_to(outside)
    assert main(["import", "ists2016", str(src), "-o", str(tmp_path / "out")]) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if "warning:" not in line]
    assert errors == [f"alignbench import: {wa}: is a symbolic link to a file outside the release folder; not read"]
    # a link inside the release is followed
    wa.unlink()
    (src / "copy.wa").write_bytes(outside.read_bytes())
    wa.symlink_to(src / "copy.wa")
    assert main(["import", "ists2016", str(src), "-o", str(tmp_path / "out")]) == 0
