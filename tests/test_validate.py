"""``alignbench validate``: the committed data passes; each kind of corruption is caught."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import CLUSTER, ROOT

from alignbench.cli import main
from alignbench.records import RELATIONS, shorten
from alignbench.sources.corpus import load_sources

CLAIMS = f"annotations/{CLUSTER}/claims.jsonl"
LINKS = f"annotations/{CLUSTER}/alignments.jsonl"
ARTICLES = f"corpus/{CLUSTER}/articles.jsonl"


def edit_line(path: Path, number: int, change) -> None:
    """Apply ``change`` to the JSON object on line ``number`` (1-based) of a JSON Lines file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    row = json.loads(lines[number - 1])
    change(row)
    lines[number - 1] = json.dumps(row, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def append_line(path: Path, row: dict) -> int:
    """Append a JSON object; return its line number."""
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    lines.append(json.dumps(row, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def run_validate(root: Path, capsys) -> tuple[int, str, str]:
    status = main(["validate", str(root)])
    out, err = capsys.readouterr()
    return status, out, err


def test_committed_data_is_valid(capsys):
    status, out, err = run_validate(ROOT, capsys)
    assert (status, err) == (0, "")
    test = out.split("split diagnostic")[0]  # the summary of the real clusters comes first
    assert test.splitlines()[1] == "split test"
    real = load_sources(ROOT).split("test")  # the counts of the data, whatever clusters it holds
    contradictions = sum(x.relation == "contradiction" for x in real.alignments)
    assert f"  articles   {len(real.articles)}\n" in test
    assert f"  claims     {len(real.claims)}:" in test
    assert f"contradiction {contradictions}," in test
    assert "split diagnostic (synthetic)\n" in out


def test_missing_corpus_is_a_one_line_error(tmp_path, capsys):
    status, _, err = run_validate(tmp_path, capsys)
    assert status == 1
    assert f"{tmp_path / 'corpus'}: no such folder (run from a clone" in err
    assert "Traceback" not in err


def test_shifted_offset(sources, capsys):
    edit_line(sources / CLAIMS, 10, lambda r: r.update(start=r["start"] + 1, end=r["end"] + 1))
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert f"{CLAIMS}:10: text 'The projectiles flew about 70-100 kilometers' != raw_text[453:497]" in err
    assert "the quote occurs at [452, 496]" in err


def test_edited_quote(sources, capsys):
    edit_line(sources / CLAIMS, 10, lambda r: r.update(text=r["text"].replace("70-100", "70-120")))
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert f"{CLAIMS}:10: text 'The projectiles flew about 70-120 kilometers' != raw_text[452:496]" in err


def test_span_outside_text_and_inside_chrome(sources, capsys):
    edit_line(sources / CLAIMS, 1, lambda r: r.update(end=99999))
    # wonsan-b's first 105 characters are inkl page chrome: "Get all your news in one place."
    edit_line(sources / CLAIMS, 43, lambda r: r.update(start=0, end=31, text="Get all your news in one place."))
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert f"{CLAIMS}:1: span [0, 99999] is outside the raw text of 'wonsan-a' (length 2697)" in err
    assert f"{CLAIMS}:43: span [0, 31] is not inside one kept range of 'wonsan-b'" in err


def test_unknown_relation(sources, capsys):
    edit_line(sources / LINKS, 3, lambda r: r.update(relation="contradicts"))
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert f"{LINKS}:3: unknown relation 'contradicts' (did you mean 'contradiction'?)" in err


def test_dangling_claim_id(sources, capsys):
    edit_line(sources / LINKS, 5, lambda r: r.update(claim_b="wonsan-b-999"))
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert f"{LINKS}:5: unknown claim id 'wonsan-b-999'" in err


def test_duplicate_claim_id(sources, capsys):
    edit_line(sources / CLAIMS, 2, lambda r: r.update(claim_id="wonsan-a-001"))
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert f"{CLAIMS}:2: duplicate claim_id 'wonsan-a-001'" in err


def test_self_link(sources, capsys):
    edit_line(sources / LINKS, 1, lambda r: r.update(claim_b=r["claim_a"]))
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert f"{LINKS}:1: self link: 'wonsan-a-001' is linked to itself" in err


def test_same_article_link_and_wrong_orientation(sources, capsys):
    edit_line(sources / LINKS, 1, lambda r: r.update(claim_b="wonsan-a-002"))
    edit_line(sources / LINKS, 2, lambda r: r.update(claim_a=r["claim_b"], claim_b=r["claim_a"]))
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert f"{LINKS}:1: both claims are from article 'wonsan-a'" in err
    assert f"{LINKS}:2: wrong orientation: claim_a must come from 'wonsan-a'" in err


def test_duplicate_link(sources, capsys):
    line = append_line(
        sources / LINKS,
        {
            "claim_a": "wonsan-a-001",
            "claim_b": "wonsan-b-001",
            "relation": "related",
            "rationale": "x",
            "annotator": "t",
            "passes": [],
            "adjudicated": True,
        },
    )
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert f"{LINKS}:{line}: duplicate link 'wonsan-a-001' - 'wonsan-b-001' (first at line 1)" in err


def test_cross_cluster_link(sources, capsys):
    other = "other-cluster"
    (sources / "corpus" / other).mkdir()
    (sources / "annotations" / other).mkdir()
    text = (sources / "corpus" / CLUSTER / "wonsan-a.txt").read_bytes()
    (sources / "corpus" / other / "other-a.txt").write_bytes(text)
    article = json.loads((sources / ARTICLES).read_text(encoding="utf-8").splitlines()[0])
    article.update(article_id="other-a", cluster_id=other, seed=None)
    append_line(sources / "corpus" / other / "articles.jsonl", article)
    claim = {
        "claim_id": "other-a-001",
        "article_id": "other-a",
        "start": 0,
        "end": 11,
        "text": "North Korea",
        "statement": None,
    }
    append_line(sources / "annotations" / other / "claims.jsonl", claim)
    (sources / "annotations" / other / "alignments.jsonl").write_text("", encoding="utf-8")
    line = append_line(
        sources / LINKS,
        {
            "claim_a": "other-a-001",
            "claim_b": "wonsan-b-001",
            "relation": "related",
            "rationale": "x",
            "annotator": "t",
            "passes": [],
            "adjudicated": True,
        },
    )
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert (
        f"{LINKS}:{line}: cross-cluster link: 'other-a-001' is in 'other-cluster', 'wonsan-b-001' in '{CLUSTER}'" in err
    )


def test_edited_seed_byte(sources, capsys):
    seed = sources / "seeds" / "000_3fea3b84a423627f.txt"
    data = bytearray(seed.read_bytes())
    data[0] = ord("S")  # "North" -> "Sorth"
    seed.write_bytes(bytes(data))
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert "seeds/SHA256SUMS:1: checksum mismatch for '000_3fea3b84a423627f.txt'" in err
    assert f"{ARTICLES}:1: raw text differs from its seed 'seeds/000_3fea3b84a423627f.txt'" in err


def test_edited_raw_text(sources, capsys):
    raw = sources / "corpus" / CLUSTER / "wonsan-b.txt"
    raw.write_bytes(raw.read_bytes().replace(b"200 kilometres", b"100 kilometres"))
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert f"{ARTICLES}:2: sha256 of wonsan-b.txt is" in err


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r.update(colour="red"), "unknown field 'colour'"),
        (lambda r: r.update(statment="x"), "unknown field 'statment' (did you mean 'statement'?)"),
        (lambda r: r.pop("statement"), "missing field 'statement'"),
        (lambda r: r.update(start="452"), "field 'start' must be int, got \"452\""),
        (lambda r: r.update(claim_id="Wonsan A 10"), "malformed claim_id 'Wonsan A 10'"),
    ],
)
def test_claim_schema(sources, capsys, change, message):
    edit_line(sources / CLAIMS, 10, change)
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert f"{CLAIMS}:10: {message}" in err


def test_bad_json_line(sources, capsys):
    path = sources / LINKS
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[6] = lines[6][:-1]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert f"{LINKS}:7: not valid JSON" in err


def test_kept_chrome_is_caught(sources, capsys):
    edit_line(sources / ARTICLES, 2, lambda r: r.update(kept_ranges=[[0, 2485]]))
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert f"{ARTICLES}:2: kept text still contains aggregator chrome 'Get all your news in one place.'" in err


def test_every_problem_is_one_line_and_nothing_is_modified(sources, capsys):
    edit_line(sources / CLAIMS, 10, lambda r: r.update(start=r["start"] + 1))
    edit_line(sources / LINKS, 3, lambda r: r.update(relation="nope"))
    before = {p: p.read_bytes() for p in sources.rglob("*") if p.is_file()}
    status, _, err = run_validate(sources, capsys)
    after = {p: p.read_bytes() for p in sources.rglob("*") if p.is_file()}
    assert status == 1 and before == after
    problems = err.strip().splitlines()
    assert problems[-1] == f"alignbench validate: 2 problem(s) in {sources}"
    assert all(line.split(":")[0].endswith(".jsonl") for line in problems[:-1])


# Hostile inputs: each problem is one `file:line: message` line, never a traceback.


def assert_one_problem(err: str, problem: str) -> None:
    """``problem`` is reported, and it is the only problem line."""
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert lines[:-1] == [problem], lines[:-1]
    assert lines[-1].startswith("alignbench validate: 1 problem(s) in ")


def test_non_utf8_byte_in_sha256sums(sources, capsys):
    # The unreadable line could list any file: no "is not listed" cascade follows from it.
    sums = sources / "seeds" / "SHA256SUMS"
    lines = sums.read_bytes().split(b"\n")
    lines[1] = lines[1].replace(b"001_", b"001\xff")
    sums.write_bytes(b"\n".join(lines))
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert_one_problem(err, "seeds/SHA256SUMS:2: not valid UTF-8 at column 70 (byte 0xff: invalid start byte)")


def append_raw(path: Path, data: bytes) -> int:
    """Append one raw line; return its line number."""
    lines = path.read_bytes().splitlines()
    path.write_bytes(b"\n".join([*lines, data]) + b"\n")
    return len(lines) + 1


def test_deeply_nested_json_line(sources, capsys):
    line = append_raw(sources / CLAIMS, b"[" * 100000)
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert_one_problem(err, f"{CLAIMS}:{line}: not valid JSON (nested too deeply)")


def test_number_too_long_to_read(sources, capsys):
    line = append_raw(sources / LINKS, b'{"claim_a": ' + b"1" * 5000 + b"}")
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert_one_problem(err, f"{LINKS}:{line}: not valid JSON (a number with more than 4300 digits)")


def test_seed_name_too_long_for_the_file_system(sources, capsys):
    sums = sources / "seeds" / "SHA256SUMS"
    line = append_raw(sums, b"0" * 64 + b"  " + b"x" * 5000)
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert_one_problem(
        err, f"seeds/SHA256SUMS:{line}: seed file {shorten('x' * 5000)} cannot be read (File name too long)"
    )


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (452, 452, "empty span [452, 452] (start == end): a claim quotes at least one character"),
        (496, 452, "span [496, 452] starts after it ends (start > end)"),
        (-1, 496, "span [-1, 496] is outside the raw text of 'wonsan-a' (length 2697)"),
        (452, 2698, "span [452, 2698] is outside the raw text of 'wonsan-a' (length 2697)"),
    ],
)
def test_bad_span_is_named_exactly(sources, capsys, start, end, message):
    edit_line(sources / CLAIMS, 10, lambda r: r.update(start=start, end=end))
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert_one_problem(err, f"{CLAIMS}:10: {message}")


def test_non_utf8_byte_in_a_jsonl_file_names_its_line_and_column(sources, capsys):
    path = sources / LINKS
    lines = path.read_bytes().split(b"\n")
    lines[4] = lines[4].replace(b'"ann1"', b'"ann\xe9"')  # Latin-1 e-acute
    path.write_bytes(b"\n".join(lines))
    column = len(lines[4].split(b"\xe9")[0].decode("utf-8")) + 1
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert_one_problem(err, f"{LINKS}:5: not valid UTF-8 at column {column} (byte 0xe9: invalid continuation byte)")


def test_non_utf8_byte_in_a_raw_text_names_its_line_and_column(sources, capsys):
    raw = sources / "corpus" / CLUSTER / "wonsan-a.txt"
    data = raw.read_bytes()
    raw.write_bytes(data.replace(b"The projectiles", b"The\xffprojectiles", 1))  # on line 3
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert_one_problem(
        err, f"corpus/{CLUSTER}/wonsan-a.txt:3: not valid UTF-8 at column 4 (byte 0xff: invalid start byte)"
    )


def replace_with_folder(path: Path) -> None:
    path.unlink()
    path.mkdir()
    (path / "x").write_text("x", encoding="utf-8")


def test_claims_file_that_is_a_folder(sources, capsys):
    replace_with_folder(sources / CLAIMS)
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert_one_problem(err, f"{CLAIMS}: is a directory, expected a file")


def test_raw_text_that_is_a_folder(sources, capsys):
    replace_with_folder(sources / "corpus" / CLUSTER / "wonsan-b.txt")
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert_one_problem(err, f"{ARTICLES}:2: raw text 'corpus/{CLUSTER}/wonsan-b.txt' is a directory, expected a file")


def test_sha256sums_that_is_a_folder(sources, capsys):
    replace_with_folder(sources / "seeds" / "SHA256SUMS")
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert_one_problem(err, "seeds/SHA256SUMS: is a directory, expected a file")


def test_seed_that_is_a_folder(sources, capsys):
    replace_with_folder(sources / "seeds" / "001_eaad0f557af56b21.txt")
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert_one_problem(err, "seeds/SHA256SUMS:2: seed file '001_eaad0f557af56b21.txt' is a directory, expected a file")


@pytest.mark.parametrize("folder", ["annotations", f"annotations/{CLUSTER}", "seeds"])
def test_file_where_a_folder_is_expected(sources, capsys, folder):
    shutil.rmtree(sources / folder)
    (sources / folder).write_text("x", encoding="utf-8")
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert_one_problem(err, f"{folder}: is a file, expected a folder")


def cut_json(value) -> str:
    """A JSON value as the messages echo it: JSON text cut like ``shorten``."""
    text = json.dumps(value)
    return text if len(text) <= 80 else f"{text[:60]}...({len(text)} chars)"


HUGE = "A" * 20_000_000  # 20 MB


def new_claim(**changes) -> dict:
    claim = {"claim_id": "wonsan-a-900", "article_id": "wonsan-a", "start": 0, "end": 5, "text": "North"}
    return {**claim, "statement": None, **changes}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            new_claim(claim_id=HUGE),
            f"malformed claim_id {shorten(HUGE)} (use lower-case letters, digits, '-', '_', '.')",
        ),
        (new_claim(start=HUGE), f"field 'start' must be int, got {cut_json(HUGE)}"),
        # a field name 1 MB long: cut, and no (slow) "did you mean" search
        (new_claim(**{"x" * 1_000_000: 1}), f"unknown field {shorten('x' * 1_000_000)}"),
        (new_claim(article_id=HUGE.lower()), f"unknown article_id {shorten(HUGE.lower())}"),
        (new_claim(text=HUGE), f"text {shorten(HUGE)} != raw_text[0:5] 'North'"),
    ],
    ids=["claim_id", "type", "unknown field", "article_id", "quote"],
)
def test_huge_claim_values_are_cut(sources, capsys, row, message):
    line = append_line(sources / CLAIMS, row)
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert_one_problem(err, f"{CLAIMS}:{line}: {message}")


@pytest.mark.parametrize("field", ["claim_b", "relation"])
def test_huge_link_values_are_cut(sources, capsys, field):
    link = {"claim_a": "wonsan-a-001", "claim_b": "wonsan-b-002", "relation": "related", "rationale": "x"}
    line = append_line(
        sources / LINKS, {**link, "annotator": "t", "passes": [], "adjudicated": True, field: HUGE.lower()}
    )
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    what = "unknown claim id" if field == "claim_b" else "unknown relation"
    tail = "" if field == "claim_b" else f" (expected one of {', '.join(RELATIONS)})"
    assert_one_problem(err, f"{LINKS}:{line}: {what} {shorten(HUGE.lower())}{tail}")


def test_recorded_sha256_is_checked_before_it_is_echoed(sources, capsys):
    edit_line(sources / ARTICLES, 2, lambda r: r.update(sha256="abc\ndef"))
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert_one_problem(err, f"{ARTICLES}:2: sha256 must be 64 lower-case hex digits, got 'abc\\ndef'")


def test_file_name_with_a_newline_stays_on_one_line(sources, capsys):
    (sources / "corpus" / "bad\nname").mkdir()
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert_one_problem(err, "'corpus/bad\\nname': malformed cluster id 'bad\\nname'")


# Root causes, not cascades: a claim or article that is reported does not make every row that
# refers to it report again.


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r.update(start="0"), "field 'start' must be int, got \"0\""),
        (lambda r: r.pop("end"), "missing field 'end'"),
        (lambda r: r.update(colour="red"), "unknown field 'colour'"),
        (lambda r: r.update(end=99999), "span [0, 99999] is outside the raw text of 'wonsan-a' (length 2697)"),
    ],
)
def test_a_rejected_claim_is_reported_once(sources, capsys, change, message):
    # wonsan-a-001 (line 1) has three links: none of them reports "unknown claim id"
    edit_line(sources / CLAIMS, 1, change)
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert_one_problem(err, f"{CLAIMS}:1: {message}")


def test_a_claim_line_that_is_not_json_is_reported_once(sources, capsys):
    path = sources / CLAIMS
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] = lines[0][:-1]  # wonsan-a-001, three links: its id can still be read
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert_one_problem(err, f"{CLAIMS}:1: not valid JSON (Expecting ',' delimiter, column {len(lines[0]) + 1})")


@pytest.mark.parametrize("name", [CLAIMS, LINKS, ARTICLES])
@pytest.mark.parametrize("content", ["", "\n  \n"])
def test_empty_file(sources, capsys, name, content):
    (sources / name).write_text(content, encoding="utf-8")
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert_one_problem(err, f"{name}: is empty (expected one JSON object per line)")


def test_missing_claims_file_is_reported_once(sources, capsys):
    (sources / CLAIMS).unlink()
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert_one_problem(err, f"{CLAIMS}: file not found")


def test_a_rejected_article_is_reported_once(sources, capsys):
    # wonsan-a has 35 claims and every link uses one of them
    edit_line(sources / ARTICLES, 1, lambda r: r.update(language=None))
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert_one_problem(err, f"{ARTICLES}:1: field 'language' must be str, got null")


def test_a_claim_line_with_a_non_utf8_byte_is_reported_once(sources, capsys):
    path = sources / CLAIMS
    lines = path.read_bytes().split(b"\n")
    lines[0] = lines[0].replace(b"barrage", b"barr\xe2ge")  # wonsan-a-001, three links
    path.write_bytes(b"\n".join(lines))
    column = len(lines[0].split(b"\xe2")[0].decode("utf-8")) + 1
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert_one_problem(err, f"{CLAIMS}:1: not valid UTF-8 at column {column} (byte 0xe2: invalid continuation byte)")


def test_links_are_not_checked_one_by_one_when_no_claim_is_usable(sources, capsys):
    path = sources / CLAIMS
    count = len(path.read_text(encoding="utf-8").splitlines())
    path.write_text("[]\n" * count, encoding="utf-8")
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    problems = err.strip().splitlines()[:-1]
    assert problems == [f"{CLAIMS}:{n}: expected a JSON object" for n in range(1, count + 1)]


def test_links_to_a_claim_with_a_rejected_duplicate_are_still_checked(sources, capsys):
    lines = (sources / CLAIMS).read_text(encoding="utf-8").splitlines()
    line = append_raw(sources / CLAIMS, lines[0].encode("utf-8"))  # wonsan-a-001 again
    edit_line(sources / LINKS, 1, lambda r: r.update(relation="nope"))  # a link of wonsan-a-001
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    problems = err.strip().splitlines()[:-1]
    assert problems == [
        f"{CLAIMS}:{line}: duplicate claim_id 'wonsan-a-001'",
        f"{LINKS}:1: unknown relation 'nope' (expected one of {', '.join(RELATIONS)})",
    ]


def test_an_article_line_whose_id_cannot_be_read_is_reported_once(sources, capsys):
    path = sources / ARTICLES
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] = lines[0].replace('"wonsan-a"', "wonsan-a", 1)  # the claims of wonsan-a cannot be checked
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert_one_problem(err, f"{ARTICLES}:1: not valid JSON (Expecting value, column 16)")


def test_a_claim_line_whose_id_cannot_be_read_is_reported_once(sources, capsys):
    path = sources / CLAIMS
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] = lines[0].replace('"wonsan-a-001"', "wonsan-a-001", 1)  # it has three links
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert_one_problem(err, f"{CLAIMS}:1: not valid JSON (Expecting value, column 14)")


# Unknown files: validate must fail on anything that would change the source hash that
# `alignbench build` records (it hashes every file under seeds/, corpus/ and annotations/).

HASH = "it would change the source hash"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (f"corpus/{CLUSTER}/notes.txt", f"only articles.jsonl, cluster.json and <article_id>.txt belong here; {HASH}"),
        (f"corpus/{CLUSTER}/.DS_Store", f"only articles.jsonl, cluster.json and <article_id>.txt belong here; {HASH}"),
        (
            f"corpus/{CLUSTER}/.wonsan-a.txt.swp",
            f"only articles.jsonl, cluster.json and <article_id>.txt belong here; {HASH}",
        ),
        ("corpus/README.md", f"only cluster folders belong here; {HASH}"),
        (
            f"annotations/{CLUSTER}/claims.jsonl~",
            f"only claims.jsonl, alignments.jsonl, passes/ and adjudication/ belong here; {HASH}",
        ),
        (
            "annotations/NOTES.md",
            f"only GUIDELINES.md, TAGS.md, DIAGNOSTIC-<name>-review.md and cluster folders belong here; {HASH}",
        ),
        (
            "annotations/.GUIDELINES.md.swp",
            f"only GUIDELINES.md, TAGS.md, DIAGNOSTIC-<name>-review.md and cluster folders belong here; {HASH}",
        ),
    ],
)
def test_unknown_file(sources, capsys, name, message):
    (sources / name).write_text("x", encoding="utf-8")
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert_one_problem(err, f"{name}: unknown file ({message})")


def test_raw_text_of_an_unlisted_article(sources, capsys):
    name = f"corpus/{CLUSTER}/wonsan-c.txt"
    (sources / name).write_text("x", encoding="utf-8")
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert_one_problem(
        err, f"{name}: unknown file (only articles.jsonl, cluster.json and <article_id>.txt belong here; {HASH})"
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (f"corpus/{CLUSTER}/old", "only articles.jsonl, cluster.json and <article_id>.txt belong here"),
        (f"annotations/{CLUSTER}/old", "only claims.jsonl, alignments.jsonl, passes/ and adjudication/ belong here"),
        ("seeds/old", "only SHA256SUMS and the seed files it lists belong here"),
    ],
)
@pytest.mark.parametrize("empty", [True, False])
def test_unknown_folder(sources, capsys, name, message, empty):
    (sources / name).mkdir()
    if not empty:
        (sources / name / "a.txt").write_text("x", encoding="utf-8")
        message += "; its files would change the source hash"
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert_one_problem(err, f"{name}: unknown folder ({message})")


def test_an_unreadable_seed_is_reported_once(sources, capsys):
    name = "x" * 5000
    line = append_raw(sources / "seeds" / "SHA256SUMS", b"0" * 64 + b"  " + name.encode())
    edit_line(sources / ARTICLES, 2, lambda r: r.update(seed=f"seeds/{name}"))
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert_one_problem(err, f"seeds/SHA256SUMS:{line}: seed file {shorten(name)} cannot be read (File name too long)")


def tagged_link(gold: bool = True, **changes) -> dict:
    """A sound link between two seed claims that have no link yet, with ``changes`` applied (a gold
    link of the seed cluster names its passes: none here, so it is adjudicated)."""
    row = {
        "claim_a": "wonsan-a-001",
        "claim_b": "wonsan-b-002",
        "relation": "related",
        "rationale": "x",
        "annotator": "t",
        "tags": ["headline-vs-body"],
        **({"passes": [], "adjudicated": True} if gold else {}),
    }
    row.update(changes)
    return row


def test_known_tags_are_accepted(sources, capsys):
    append_line(sources / LINKS, tagged_link(tags=["headline-vs-body", "count-vague-vs-exact"]))
    status, _, err = run_validate(sources, capsys)
    assert (status, err) == (0, "")


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        (["range-nestd"], "unknown tag 'range-nestd' (did you mean 'range-nested'?)"),
        (["xyz"], "unknown tag 'xyz' (see annotations/TAGS.md for the closed list)"),
        (["direction", "negation", "direction"], "duplicate tag 'direction'"),
        ([], "tags is empty (give at least one phenomenon tag, or leave the field out)"),
        ("direction", "field 'tags' must be list, got \"direction\""),
        (None, "field 'tags' must be list, got null"),
        (["direction", 3], "tags must be a list of strings, got 3"),
    ],
)
def test_bad_tags(sources, capsys, tags, message):
    line = append_line(sources / LINKS, tagged_link(tags=tags))
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert_one_problem(err, f"{LINKS}:{line}: {message}")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        # wonsan-b-002 lies in wonsan-b's headline, wonsan-b-005 in its body; wonsan-a has no title
        (
            {"tags": ["direction"]},
            "a claim of this link lies in its article's headline: add the tag 'headline-vs-body'",
        ),
        (
            {"claim_b": "wonsan-b-005", "tags": ["headline-vs-body", "direction"]},
            "tag 'headline-vs-body' but neither claim lies in its article's headline (the title line)",
        ),
        (
            {"relation": "contradiction", "tags": ["headline-vs-body", "overlap-different-fact"]},
            "tag 'overlap-different-fact' cannot go with relation 'contradiction': "
            "it marks claims about a different fact or aspect, which only a 'related' link joins",
        ),
        (
            {"relation": "equivalent", "tags": ["headline-vs-body", "attribution-different"]},
            "tag 'attribution-different' cannot go with relation 'equivalent': "
            "content from different sources is 'related', whether it agrees or conflicts (G4.9)",
        ),
        (
            {"relation": "a_more_specific", "tags": ["headline-vs-body", "range-disjoint"]},
            "tag 'range-disjoint' cannot go with relation 'a_more_specific': "
            "values that share nothing cannot entail each other (G4.1)",
        ),
        (
            {"relation": "b_more_specific", "tags": ["headline-vs-body", "range-overlap"]},
            "tag 'range-overlap' cannot go with relation 'b_more_specific': "
            "of two ranges that overlap without nesting neither entails the other (G4.1)",
        ),
        (
            {"relation": "equivalent", "tags": ["headline-vs-body", "range-nested"]},
            "tag 'range-nested' cannot go with relation 'equivalent': a range strictly inside another is not the same range (G4.1)",
        ),
        (
            {"tags": ["headline-vs-body", "range-nested", "range-overlap"]},
            "tags 'range-nested' and 'range-overlap' exclude each other: keep the one that fits the pair",
        ),
        (
            {"tags": ["attribution-different", "headline-vs-body", "attribution-same"]},
            "tags 'attribution-different' and 'attribution-same' exclude each other: keep the one that fits the pair",
        ),
        (
            {"tags": ["headline-vs-body", "update-over-time"]},
            "tag 'update-over-time' needs both articles to carry a 'published' date (G4.12 compares their times)",
        ),
    ],
)
def test_tags_that_break_a_rule_of_tags_md(sources, capsys, changes, message):
    line = append_line(sources / LINKS, tagged_link(**changes))
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert_one_problem(err, f"{LINKS}:{line}: {message}")


def test_tags_that_fit_their_rules_pass(sources, capsys):
    for number in (1, 2):  # both seed articles dated, so an update can be tagged
        edit_line(sources / ARTICLES, number, lambda r: r.update(published="2019-05-04"))
    append_line(sources / LINKS, tagged_link(tags=["headline-vs-body", "update-over-time", "range-nested"]))
    append_line(sources / LINKS, tagged_link(claim_b="wonsan-b-005", relation="contradiction", tags=["direction"]))
    status, _, err = run_validate(sources, capsys)
    assert (status, err) == (0, "")


def test_tags_in_a_pass_are_checked(sources, capsys):
    path = sources / "annotations" / CLUSTER / "passes" / "t.jsonl"
    path.parent.mkdir(exist_ok=True)
    line = append_line(path, tagged_link(gold=False, tags=["time-zon"]))
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert_one_problem(
        err, f"annotations/{CLUSTER}/passes/t.jsonl:{line}: unknown tag 'time-zon' (did you mean 'time-zone'?)"
    )


@pytest.mark.parametrize("name", ["TAGS.md", "DIAGNOSTIC-ann2-review.md"])
def test_tag_list_and_review_notes_may_sit_in_annotations(sources, capsys, name):
    (sources / "annotations" / name).write_text("x", encoding="utf-8")
    status, _, err = run_validate(sources, capsys)
    assert (status, err) == (0, "")


def test_tags_md_documents_exactly_the_closed_list():
    from alignbench.sources.tags import PHENOMENON_TAGS

    text = (ROOT / "annotations" / "TAGS.md").read_text(encoding="utf-8")
    documented = [line.split("`")[1] for line in text.splitlines() if line.startswith("| `")]
    assert documented == list(PHENOMENON_TAGS)
    assert len(PHENOMENON_TAGS) == len(set(PHENOMENON_TAGS)) >= 22


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (["ann9"], "passes: 'ann9' is not a pass of this cluster (known: ann1, ann2)"),
        (["ann2", "ann1"], "passes must list distinct pass names in file order (ann1, ann2)"),
        ("ann1", "field 'passes' must be list, got \"ann1\""),
    ],
)
def test_gold_passes_name_the_cluster_passes(sources, capsys, value, message):
    edit_line(sources / LINKS, 1, lambda r: r.update(passes=value))
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert_one_problem(err, f"{LINKS}:1: {message}")


def test_gold_of_a_cluster_with_passes_records_them(sources, capsys):
    edit_line(sources / LINKS, 1, lambda r: r.pop("adjudicated"))
    status, _, err = run_validate(sources, capsys)
    assert status == 1
    assert_one_problem(err, f"{LINKS}:1: missing field 'adjudicated'")


def test_a_claim_text_in_another_unicode_normal_form_is_shown_with_escapes() -> None:
    from fixture import make_article

    from alignbench.sources.corpus import _claim_problem

    nfc, nfd = "caf\u00e9", "cafe\u0301"  # the same word, one code point or two for the accented letter
    raw = f"The {nfc} opened."
    article = make_article("a1")._replace(raw_text=raw, kept_ranges=((0, len(raw)),))
    row = {"claim_id": "a1-1", "article_id": "a1", "start": 4, "end": 8, "text": nfd, "statement": None}
    problem = _claim_problem(row, "c1", {"a1": article}, {}, {})
    assert problem == (
        "text 'cafe\\u0301' != raw_text[4:8] 'café' (the same letters in different Unicode normal forms: NFD vs NFC)"
    )
