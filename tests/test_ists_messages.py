"""Messages about bad input to the iSTS importer that say what is wrong: a byte-order mark, a broken
pair, a byte that is not UTF-8, an OUT that is a symbolic link, and tokens or sentences that differ
only in their Unicode normal form (shown with the combining marks escaped)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ists_fixture import BASE, WA, write_full_release, write_release

from alignbench.cli import main
from alignbench.records import Benchmark, DataError
from alignbench.sources.importers.ists2016 import links_from_wa, read_split
from alignbench.sources.importers.wa import parse_wa

BOM = "\ufeff"
NFC, NFD = "caf\u00e9", "cafe\u0301"  # the same word, one code point or two for the accented letter


def test_a_byte_order_mark_is_a_warning_not_a_flood_of_errors(tmp_path: Path) -> None:
    wa = parse_wa(BOM + WA, "f.wa")
    assert wa.errors == ()
    assert wa.warnings == ("f.wa:1: starts with a UTF-8 byte-order mark (U+FEFF); read without it",)
    assert [p.pair_id for p in wa.pairs] == [1, 2, 3]
    # in the release files: the .wa and a chunk file, read as without the mark
    from ists_fixture import CHUNKS1

    plain = read_split(write_release(tmp_path / "plain"), "headlines", "train")
    split = read_split(write_release(tmp_path / "bom", wa=BOM + WA, chunks1=BOM + CHUNKS1), "headlines", "train")
    assert split.benchmark == plain.benchmark and split.links == plain.links
    assert [w.split(f"{BASE}.", 1)[1] for w in split.warnings] == [
        "wa:1: starts with a UTF-8 byte-order mark (U+FEFF); read without it",
        "sent1.chunk.txt:1: starts with a UTF-8 byte-order mark (U+FEFF); read without it",
    ]


def test_lines_outside_a_block_are_one_error_per_run() -> None:
    wa = parse_wa('<sentence id="x" status="">\n' + WA.split("\n", 1)[1], "f.wa")
    # the first block's opening line is unreadable: its lines are one run, one error
    end = WA.split("\n").index("</sentence>") + 1
    assert wa.errors == (
        f"f.wa:1: unexpected line outside a <sentence> block (and {end - 1} more line(s) up to line {end})",
    )
    assert [p.pair_id for p in wa.pairs] == [2, 3]


def test_one_broken_pair_is_one_error(tmp_path: Path) -> None:
    with pytest.raises(DataError) as err:
        read_split(
            write_release(tmp_path, wa=WA.replace("4 <==> 2 // EQUI", "4 <==> 2 // EQUAL")), "headlines", "train"
        )
    assert len(err.value.problems) == 1 and "unknown type 'EQUAL'" in err.value.problems[0]


def test_a_byte_that_is_not_utf8_is_named_by_line_and_column(tmp_path: Path) -> None:
    root = write_release(tmp_path)
    wa = root / f"{BASE}.wa"
    data = wa.read_bytes()
    wa.write_bytes(data.replace(b"// storms hit coast towns", b"// storms hit co\xe9st towns"))
    line = data[: data.index(b"// storms hit coast towns")].count(b"\n") + 1
    with pytest.raises(DataError) as err:
        read_split(root, "headlines", "train")
    assert err.value.problems == [f"{wa}:{line}: not valid UTF-8 at column 17 (byte 0xe9: invalid continuation byte)"]


def test_an_out_that_is_a_symbolic_link_is_named_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_full_release(tmp_path / "release")
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert main(["import", "ists2016", str(src), "-o", str(tmp_path / "link")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"alignbench import: {tmp_path / 'link'}: is a symbolic link (to {tmp_path / 'real'}); refusing to write "
        "through it (nothing was changed): give the folder it points to, or a new -o folder"
    ]
    assert list((tmp_path / "real").iterdir()) == []


def test_import_warnings_show_the_tokens_that_differ(tmp_path: Path) -> None:
    from ists_fixture import CHUNKS1

    chunks1 = CHUNKS1.replace("[ hit ]", f"[ {NFD} ]", 1)
    wa = WA.replace("// rain and wind hit the coast", f"// rain and wind {NFC} the coast").replace(
        "4 hit :\n", f"4 {NFD} :\n", 1
    )
    wa = wa.replace("4 <==> 2 // EQUI // 5 // hit <==> hit", f"4 <==> 2 // EQUI // 5 // {NFC} <==> hit")
    split = read_split(write_release(tmp_path, wa=wa, chunks1=chunks1), "headlines", "train")
    note = "(the same letters in different Unicode normal forms: NFD vs NFC)"
    assert f"<source> token list differs from the '// ' line (token 4 is 'cafe\\u0301' vs 'café' {note})" in "\n".join(
        split.warnings
    )
    assert (
        f"tokens [4] differ from sentence 1 of {tmp_path}/{BASE}.wa:33 (token 4 is 'cafe\\u0301' vs 'café' {note})"
        in ("\n".join(split.warnings))
    )
    # a system .wa whose sentence is spelled in another normal form than the dataset's
    bench: Benchmark = split.benchmark
    system = parse_wa(wa.replace(f"// rain and wind {NFC} the coast", f"// rain and wind {NFD} the coast"), "sys.wa")
    _, problems = links_from_wa(system, bench, "headlines", "train", "sys.wa")
    assert (
        f"sys.wa:33: pair 2: the '// ' lines differ from the dataset's sentences (sentence 1: token 4 is 'cafe\\u0301' vs 'café' {note})"
        in problems
    )
