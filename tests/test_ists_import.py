"""The iSTS-2016 importer on hand-written fixtures (invented sentences), and its fault rules."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from ists_fixture import BASE, CHUNKS1, CHUNKS2, WA, write_release

from alignbench.records import DataError
from alignbench.sources.importers.files import check_checksums
from alignbench.sources.importers.ists2016 import read_split
from alignbench.sources.importers.wa import parse_chunk_line, parse_wa
from alignbench.sources.jsonl import ID_PATTERN

P = "headlines-train-000"


def links(split) -> set[tuple[str, str, str]]:
    return {(x.claim_a.removeprefix(P), x.claim_b.removeprefix(P), x.relation) for x in split.links}


def test_fixture_maps_onto_articles_claims_and_links(tmp_path: Path) -> None:
    split = read_split(write_release(tmp_path), "headlines", "train")
    assert split.warnings == ()
    b = split.benchmark
    assert [a.article_id for a in b.articles] == [f"{P}{n}-s{s}" for n in (1, 2, 3) for s in (1, 2)]
    first = b.articles[0]
    assert first.raw_text == "the red fox jumps over a lazy dog ."
    assert (first.cluster_id, first.source, first.url, first.published) == (f"{P}1", "iSTS-2016 headlines", None, None)
    assert first.sha256 == hashlib.sha256(first.raw_text.encode()).hexdigest()
    claims = {c.claim_id.removeprefix(P): c for c in b.claims}
    # "over a lazy dog" is tokens 5-8: characters 18..33 of the line
    assert (claims["1-s1-c03"].start, claims["1-s1-c03"].end, claims["1-s1-c03"].text) == (18, 33, "over a lazy dog")
    assert all(first.raw_text[c.start : c.end] == c.text for c in b.claims if c.article_id == first.article_id)
    assert len([c for c in claims if c.startswith("2-s1")]) == 5
    assert all(ID_PATTERN.match(x) for x in [*claims, *(a.article_id for a in b.articles)])
    assert links(split) == {
        ("1-s1-c01", "1-s2-c01", "related"),
        ("1-s1-c02", "1-s2-c02", "equivalent"),
        ("1-s1-c03", "1-s2-c03", "a_more_specific"),
        ("2-s1-c01", "2-s2-c01", "related"),
        ("2-s1-c03", "2-s2-c01", "related"),
        ("2-s1-c04", "2-s2-c02", "equivalent"),
        ("2-s1-c05", "2-s2-c03", "b_more_specific"),
        ("3-s1-c01", "3-s2-c01", "equivalent"),
        ("3-s1-c01", "3-s2-c05", "equivalent"),
        ("3-s1-c02", "3-s2-c02", "contradiction"),
        ("3-s1-c02", "3-s2-c06", "a_more_specific"),
    }
    extras = {(x.claim_a.removeprefix(P), x.claim_b.removeprefix(P)): x for x in split.links}
    assert (extras["1-s1-c03", "1-s2-c03"].ists_type, extras["1-s1-c03", "1-s2-c03"].ists_score) == ("SPE1_FACT", 4)
    # the many-to-one line of pair 2 is one group; pair 3's 1:N lines are two groups
    assert extras["2-s1-c01", "2-s2-c01"].group_id == extras["2-s1-c03", "2-s2-c01"].group_id == f"{P}2-g01"
    assert extras["3-s1-c01", "3-s2-c01"].group_id != extras["3-s1-c01", "3-s2-c05"].group_id
    assert [a.relation for a in b.alignments] == [x.relation for x in split.links]


def test_parse_wa_reads_types_scores_and_zero_sides() -> None:
    wa = parse_wa(WA, "f.wa")
    assert (wa.errors, wa.warnings) == ((), ())
    assert [p.pair_id for p in wa.pairs] == [1, 2, 3]
    third = wa.pairs[2].alignments
    assert (third[4].ids1, third[4].ids2, third[4].type, third[4].score, third[4].aligned) == (
        (),
        (3,),
        "NOALI",
        None,
        False,
    )
    assert (wa.pairs[0].alignments[2].base_type, wa.pairs[0].alignments[2].line) == ("SPE1", 27)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("4 <==> 4 // EQUI // 5", "4 <==> 4 // SAME // 5", "f.wa:26: unknown type 'SAME'"),
        ("4 <==> 4 // EQUI // 5", "4 <==> 4 // EQUI // 7", "f.wa:26: bad score '7'"),
        ("4 <==> 4 // EQUI // 5", "4 <==> 12 // EQUI // 5", "f.wa:26: token id 12 is not in sentence 2 (7 tokens)"),
        ("4 <==> 4 // EQUI // 5", "4 <==> 0 // EQUI // 5", "f.wa:26: type EQUI with a 0 side"),
        ("4 <==> 4 // EQUI // 5", "4 <==> 4 EQUI 5", "f.wa:26: expected 'IDS <==> IDS"),
        ("// a brown fox leaps over the dog\n", "", "f.wa:1: pair 1 has 1 '// ' lines, expected 2"),
    ],
)
def test_unreadable_lines_are_errors_naming_file_and_line(old: str, new: str, expected: str) -> None:
    wa = parse_wa(WA.replace(old, new, 1), "f.wa")
    assert len(wa.errors) == 1 and wa.errors[0].startswith(expected)
    assert [p.pair_id for p in wa.pairs] == [2, 3]  # the broken pair is named, not silently kept


def test_unclosed_block_and_stray_line_are_errors() -> None:
    wa = parse_wa("stray\n" + WA.rsplit("</sentence>", 1)[0], "f.wa")
    assert wa.errors == (
        "f.wa:1: unexpected line outside a <sentence> block",
        "f.wa:60: pair 3 is not closed by </sentence>",
    )


def test_lenient_token_lines_and_noali_scores_are_warnings() -> None:
    # shapes seen in the release: token lines without the space before ':' or the one after it,
    # and a NOALI line with a score
    text = WA.replace("5 prices :\n", "5 prices:\n").replace("2 fell :\n", "2 fell :   \n")
    text = text.replace("0 <==> 4 // NOALI // NIL", "0 <==> 4 // NOALI // 5")
    wa = parse_wa(text, "f.wa")
    assert wa.errors == ()
    assert wa.warnings == (
        "f.wa:72: <translation> has 1 token line(s) without ' : ' before the line end; read leniently",
        "f.wa:81: NOALI line with score 5 (expected NIL); read as not aligned, score kept",
    )
    assert [len(p.alignments) for p in wa.pairs] == [4, 4, 6]


def test_token_list_differing_from_the_sentence_is_a_warning_and_the_sentence_wins() -> None:
    wa = parse_wa(WA.replace("2 brown :", "2 green :"), "f.wa")
    assert wa.warnings == (
        "f.wa:16: <translation> token list differs from the '// ' line (token 2 is 'green' vs 'brown'); the '// ' line is used",
    )
    assert wa.pairs[0].tokens(2)[1] == "brown"


@pytest.mark.parametrize(
    ("line", "chunks", "repairs"),
    [
        ("[ a b ] [ c ]", [(1, 2), (3,)], []),
        # a bracket glued to a token (as in "[is not ]")
        ("[ a ] [b c ]", [(1,), (2, 3)], ["bracket glued to a token (1 characters); split off"]),
        # "[" inside an open chunk closes it
        (
            "[ a [ b c ] [ d ]",
            [(1,), (2, 3), (4,)],
            ["'[' inside an open chunk after token 1; the open chunk is closed there"],
        ),
        # runs of tokens outside brackets become one chunk each
        (
            "[ a ] b c [ d ] e",
            [(1,), (2, 3), (4,), (5,)],
            ["tokens 2-3 are outside brackets; made one chunk", "tokens 5-5 are outside brackets; made one chunk"],
        ),
        (
            "] [ a b",
            [(1, 2)],
            ["']' with no open chunk after token 0; ignored", "chunk still open at the line end; closed there"],
        ),
    ],
)
def test_chunk_line_repairs(line: str, chunks: list[tuple[int, ...]], repairs: list[str]) -> None:
    tokens, found, done = parse_chunk_line(line)
    assert (found, done) == (chunks, repairs)
    assert len(tokens) == max(t for c in chunks for t in c)


def test_chunk_file_faults_are_repaired_and_reported(tmp_path: Path) -> None:
    # pair 2: "wind" outside brackets, "[hit" glued; pair 1: a token spelt differently ("dog." for
    # "dog") with the same token count, taken by position
    chunks1 = CHUNKS1.replace("[ wind ] [ hit ]", "wind [hit ]").replace("lazy dog ]", "lazy dog. ]")
    split = read_split(write_release(tmp_path, chunks1=chunks1), "headlines", "train")
    name = f"{tmp_path}/{BASE}.sent1.chunk.txt"
    assert split.warnings == (
        f"{name}:1: tokens [8] differ from sentence 1 of {tmp_path}/{BASE}.wa:1 (token 8 is 'dog.' vs 'dog'); chunks taken by token position",
        f"{name}:2: bracket glued to a token (3 characters); split off",
        f"{name}:2: tokens 3-3 are outside brackets; made one chunk",
    )
    assert len(links(split)) == 11


def test_alignment_cutting_a_chunk_splits_it_with_a_warning(tmp_path: Path) -> None:
    # sentence 2 of pair 1 chunked as one chunk "leaps over the dog", but the alignment lines
    # give "leaps" and "over the dog" separate links: the chunk is split where they cut it
    chunks2 = CHUNKS2.replace("[ leaps ] [ over the dog ]", "[ leaps over the dog ]")
    split = read_split(write_release(tmp_path, chunks2=chunks2), "headlines", "train")
    assert split.warnings == (
        f"{tmp_path}/{BASE}.wa:1: pair 1: alignment lines cut chunk tokens 4-7 of sentence 2; split into 2 claims",
    )
    assert ("1-s1-c03", "1-s2-c03", "a_more_specific") in links(split)


def test_missing_alignments_are_warnings_not_silent(tmp_path: Path) -> None:
    # an empty alignment block (as in one answers-students test pair) and a partly aligned pair
    # (pair 3 starts at line 58 once a line of pair 2 is removed)
    start, end = WA.index("<alignment>", WA.index('id="3"')), WA.index("</alignment>", WA.index('id="3"'))
    wa = WA[:start] + "<alignment>\n" + WA[end:]
    wa = wa.replace("2 <==> 0 // NOALI // NIL // and <==> -not aligned-\n", "")
    split = read_split(write_release(tmp_path, wa=wa), "headlines", "train")
    assert split.warnings == (
        f"{tmp_path}/{BASE}.wa:33: pair 2: tokens [2] of sentence 1 are in no alignment line; their claims get no link",
        f"{tmp_path}/{BASE}.wa:58: pair 3 has no alignment lines; its claims get no link",
    )
    assert not any(x.claim_a.startswith(f"{P}3") for x in split.links)


def test_errors_stop_the_import_listing_every_problem(tmp_path: Path) -> None:
    wa = WA.replace("4 <==> 2 // EQUI", "4 <==> 2 // EQUAL").replace("1 <==> 1 // EQUI // 5", "1 <==> 1 // EQUI // X")
    with pytest.raises(DataError) as err:
        read_split(write_release(tmp_path, wa=wa), "headlines", "train")
    assert [p.split(": ", 1)[1][:16] for p in err.value.problems] == ["unknown type 'EQ", "bad score 'X' (e"]
    write_release(tmp_path, chunks2=CHUNKS2 + "[ extra ]\n")
    with pytest.raises(DataError, match=r"sent2\.chunk\.txt: 4 lines for 3 pairs"):
        read_split(tmp_path, "headlines", "train")


def test_checksums_name_each_mismatching_or_missing_file(tmp_path: Path) -> None:
    root = write_release(tmp_path)
    good = hashlib.sha256((root / f"{BASE}.wa").read_bytes()).hexdigest()
    (root / "SHA256SUMS").write_text(
        f"{good}  ./{BASE}.wa\n{'0' * 64}  ./{BASE}.sent1.chunk.txt\n{'1' * 64}  ./gone.txt\n", encoding="utf-8"
    )
    warnings = check_checksums(root)
    assert len(warnings) == 2
    assert f"./{BASE}.sent1.chunk.txt does not match its checksum" in warnings[0]
    assert warnings[1].endswith(":3: ./gone.txt is missing")
    assert check_checksums(tmp_path / "nowhere")[0].endswith("cannot be read (FileNotFoundError); no file was checked")
