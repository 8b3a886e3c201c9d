"""``alignbench agree``: agreement figures on hand-computed fixtures, the disagreement list, errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import krippendorff
import pytest
from conftest import CLUSTER, ROOT
from fixture import tiny_benchmark, write_jsonl
from sklearn.metrics import cohen_kappa_score

from alignbench.cli import main
from alignbench.records import Alignment, Article, Benchmark, Claim, DataError
from alignbench.scoring.agree import agreement, grid_space, worked_example_cells

PASSES = f"annotations/{CLUSTER}/passes"

# The tiny benchmark's grid: x-1..x-3 by y-1..y-4, 12 cells. Labels of the cells the passes link
# (every other cell is none in all of them):
#
#   cell      P1               P2               P3
#   x-1 y-1   equivalent       equivalent       equivalent
#   x-2 y-2   contradiction    related          contradiction
#   x-2 y-3   related          none             none
#   x-3 y-1   b_more_specific  b_more_specific  related
#   x-3 y-4   none             related          none
P1 = [
    ("x-1", "y-1", "equivalent"),
    ("x-2", "y-2", "contradiction"),
    ("x-2", "y-3", "related"),
    ("x-3", "y-1", "b_more_specific"),
]
P2 = [
    ("x-1", "y-1", "equivalent"),
    ("x-2", "y-2", "related"),
    ("x-3", "y-1", "b_more_specific"),
    ("x-3", "y-4", "related"),
]
P3 = [
    ("x-1", "y-1", "equivalent"),
    ("x-2", "y-2", "contradiction"),
    ("x-3", "y-1", "related"),
]


def write_pass(folder: Path, name: str, links: list[tuple[str, str, str]]) -> str:
    rows = [{"claim_a": a, "claim_b": b, "relation": r, "rationale": f"{name} says {r}"} for a, b, r in links]
    return str(write_jsonl(folder / f"{name}.jsonl", rows))


def passes(folder: Path, *named: tuple[str, list]) -> list[tuple[str, str]]:
    return [(name, write_pass(folder, name, links)) for name, links in named]


def test_two_passes_hand_computed(tmp_path):
    result = agreement(tiny_benchmark(), passes(tmp_path, ("p1", P1), ("p2", P2)))
    scope = result["all_cells"]
    assert scope["cells"] == 12
    (pair,) = scope["pairs"]
    # any link: P1 has 4 linked cells, P2 has 4, 3 in common: P = R = F1 = 3/4
    assert pair["link"] == {"P": 0.75, "R": 0.75, "F1": 0.75, "both": 3, "first_only": 1, "second_only": 1}
    # sure links: P1 {x1y1, x2y2, x3y1}, P2 {x1y1, x3y1}: P = 2/2, R = 2/3, F1 = 2*2/(3+2) = 0.8
    assert pair["sure_link"]["P"] == 1.0
    assert pair["sure_link"]["R"] == pytest.approx(2 / 3)
    assert pair["sure_link"]["F1"] == pytest.approx(0.8)
    # six labels: agreement 9/12; marginals P1 eq 1, bms 1, con 1, rel 1, none 8 and P2 eq 1, bms 1,
    # rel 2, none 8, so p_e = (1 + 1 + 0 + 2 + 64)/144 = 68/144 and kappa = (108 - 68)/(144 - 68) = 10/19
    assert pair["observed_agreement"] == 0.75
    assert pair["kappa"] == pytest.approx(10 / 19)
    # none/related/sure: P1 8/1/3, P2 8/2/2, agreement 9/12; p_e = (64 + 2 + 6)/144 = 1/2: kappa = 1/2
    assert pair["kappa_none_related_sure"] == pytest.approx(0.5)
    # cells both linked: x1y1 eq/eq, x2y2 con/rel, x3y1 bms/bms: p_o = 2/3, p_e = 2/9, kappa = 4/7
    assert (pair["kappa_linked"], pair["linked_cells"]) == (pytest.approx(4 / 7), 3)
    # two coders, 24 values: eq 2, bms 2, con 1, rel 3, none 16; D_o = 6/24,
    # D_e = (576 - 274)/(24 * 23) = 302/552, alpha = 1 - (6 * 552)/(24 * 302) = 82/151
    assert scope["alpha"] == pytest.approx(82 / 151)
    # confusion: rows P1, columns P2, in LABELS order (equivalent, a_, b_, contradiction, related, none)
    assert pair["confusion"] == [
        [1, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0],
        [0, 0, 1, 0, 0, 0],
        [0, 0, 0, 0, 1, 0],
        [0, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 1, 7],
    ]


def test_hand_values_agree_with_the_libraries():
    """The hand-computed values above, cross-checked directly with sklearn and krippendorff."""
    none, eq, bms, con, rel = 5, 0, 2, 3, 4
    # cells x1y1, x2y2, x2y3, x3y1, x3y4, then the seven cells that all passes leave none
    p1 = [eq, con, rel, bms, none] + [none] * 7
    p2 = [eq, rel, none, bms, rel] + [none] * 7
    assert cohen_kappa_score(p1, p2) == pytest.approx(10 / 19)
    assert krippendorff.alpha([p1, p2], level_of_measurement="nominal") == pytest.approx(82 / 151)


def test_three_passes_alpha(tmp_path):
    result = agreement(tiny_benchmark(), passes(tmp_path, ("p1", P1), ("p2", P2), ("p3", P3)))
    # 12 units x 3 coders = 36 values: eq 3, con 2, rel 4, bms 2, none 25. Four units split 2-1, each
    # 2*2 ordered disagreeing pairs weighted 1/(3-1): D_o = 8/36; D_e = (1296 - 658)/(36 * 35) = 638/1260;
    # alpha = 1 - (8 * 1260)/(36 * 638) = 179/319
    assert result["all_cells"]["alpha"] == pytest.approx(179 / 319)
    assert [(p["first"], p["second"]) for p in result["all_cells"]["pairs"]] == [
        ("p1", "p2"),
        ("p1", "p3"),
        ("p2", "p3"),
    ]
    # every cell where the three do not all agree, in grid order, with each pass's label and rationale
    cells = [(d["claim_a"], d["claim_b"]) for d in result["disagreements"]]
    assert cells == [("x-2", "y-2"), ("x-2", "y-3"), ("x-3", "y-1"), ("x-3", "y-4")]
    first = result["disagreements"][0]
    assert first["labels"] == {"p1": "contradiction", "p2": "related", "p3": "contradiction"}
    assert first["rationales"] == {
        "p1": "p1 says contradiction",
        "p2": "p2 says related",
        "p3": "p3 says contradiction",
    }
    assert result["disagreements"][1]["rationales"]["p2"] is None


def test_excluded_cells_file(tmp_path):
    cells = write_jsonl(tmp_path / "cells.jsonl", [{"claim_a": "x-2", "claim_b": "y-2", "note": "an example"}])
    result = agreement(tiny_benchmark(), passes(tmp_path, ("p1", P1), ("p2", P2)), exclude=str(cells))
    assert result["excluded"]["cells"] == [["x-2", "y-2"]]
    assert result["all_cells"]["cells"] == 12
    scope = result["without_excluded"]
    assert scope["cells"] == 11
    (pair,) = scope["pairs"]
    # without x2y2: agreement 9/11; marginals eq 1, bms 1, rel 1, none 8 in both: p_e = 67/121,
    # kappa = (99 - 67)/(121 - 67) = 16/27
    assert pair["kappa"] == pytest.approx(16 / 27)
    # any link: P1 3, P2 3, both 2
    assert pair["link"]["F1"] == pytest.approx(2 / 3)
    assert [d["worked_example"] for d in result["disagreements"]] == [True, False, False]


def test_identical_passes_agree_perfectly_and_undefined_figures_are_null(tmp_path):
    result = agreement(tiny_benchmark(), passes(tmp_path, ("p1", P1), ("copy", P1)))
    (pair,) = result["all_cells"]["pairs"]
    assert (pair["kappa"], pair["link"]["F1"], result["all_cells"]["alpha"]) == (1.0, 1.0, 1.0)
    assert result["disagreements"] == []
    # one related link each, on different cells: no cell both linked, so kappa_linked is undefined
    result = agreement(tiny_benchmark(), passes(tmp_path, ("a", [P1[2]]), ("b", [P2[3]])))
    (pair,) = result["all_cells"]["pairs"]
    assert (pair["kappa_linked"], pair["linked_cells"], pair["sure_link"]["F1"]) == (None, 0, None)


def bench_with_texts(texts_a: list[str], texts_b: list[str]) -> Benchmark:
    base = tiny_benchmark()
    articles = tuple(Article(aid, *base.articles[0][1:]) for aid in ("a", "b"))
    claims = tuple(
        Claim(f"{aid}-{i}", aid, 0, 1, text, text, None)
        for aid, texts in (("a", texts_a), ("b", texts_b))
        for i, text in enumerate(texts, start=1)
    )
    return Benchmark(articles, claims, ())


GUIDELINES = """# Guidelines

G2.1 "fired several missiles" / B "towards the east" is not a worked example (wrong section).

### Worked examples from the seed cluster

- `equivalent`: A "fired several missiles" / B "launched several
  missiles" (a quote wrapped over two lines). A 'officials "are analysing."' / B "Last month, ... Kim's envoy
  told ... Putin".
- `related`: A "an invented example" / B "that matches no claim".

## 4. Hard cases

A "fired several missiles" / B "towards the east": a later section, not read.
"""


def test_worked_example_cells_are_found_by_quoted_text():
    bench = bench_with_texts(
        ["North Korea fired several missiles", "officials “are analysing.”", "towards the east"],
        ["it launched several missiles", "Last month, Kim’s envoy told Mr Putin in Russia", "towards the east"],
    )
    space = grid_space(bench, [[Alignment("a-1", "b-1", "related", "r", "t")]])
    assert space.size == 9
    cells, unmatched = worked_example_cells(GUIDELINES, space)
    # curly quotes match straight ones, "..." skips words, a wrapped quote is one quote; the G2.1 and
    # hard-case quotes outside the worked-example section are not read
    assert cells == [("a-1", "b-1"), ("a-2", "b-2")]
    assert unmatched == ['A "an invented example" / B "that matches no claim"']


def test_worked_examples_of_the_committed_guidelines(tmp_path, capsys):
    """GUIDELINES v2's worked examples are invented: they fix no cell of the committed claims."""
    gold = [tmp_path / "gold.jsonl", tmp_path / "again.jsonl"]  # the gold twice, as two passes
    for path in gold:
        shutil.copyfile(ROOT / "annotations" / CLUSTER / "alignments.jsonl", path)
    status = main(["agree", "--root", str(ROOT), "--format", "json", *map(str, gold)])
    out, err = capsys.readouterr()
    assert (status, err) == (0, "")
    result = json.loads(out)
    assert result["excluded"]["cells"] == []
    assert len(result["excluded"]["unmatched_examples"]) == 8  # every A / B example of the section
    assert result["clusters"] == [CLUSTER]
    assert result["all_cells"]["cells"] == result["without_excluded"]["cells"] == 42 * 35
    # the gold against itself
    assert result["all_cells"]["pairs"][0]["kappa"] == 1.0


def test_committed_passes_use_their_own_claim_units(capsys, monkeypatch):
    """The passes were made on the 0.1.0 units (passes/claims.jsonl, 35 x 33), not the current ones;
    the v1 worked examples are the seven cells matched by reading GUIDELINES v1 by hand."""
    monkeypatch.chdir(ROOT)
    exclude = f"annotations/{CLUSTER}/adjudication/worked-examples-v1.jsonl"
    status = main(["agree", f"{PASSES}/ann1.jsonl", f"{PASSES}/ann2.jsonl", "--exclude", exclude, "--format", "json"])
    out, err = capsys.readouterr()
    assert (status, err) == (0, "")
    result = json.loads(out)
    assert {tuple(c) for c in result["excluded"]["cells"]} == {
        ("wonsan-a-006", "wonsan-b-004"),  # town / city of Wonsan
        ("wonsan-a-012", "wonsan-b-007"),  # analyzing / analysing details
        ("wonsan-a-008", "wonsan-b-008"),  # 9:06-9:27 / about 9:00am
        ("wonsan-a-016", "wonsan-b-020"),  # Kim told Putin / met Putin
        ("wonsan-a-003", "wonsan-b-018"),  # first in over a year / first since 2017
        ("wonsan-a-010", "wonsan-b-009"),  # 70-100 / 70 to 200
        ("wonsan-a-005", "wonsan-b-003"),  # multiple rounds / "several"
    }
    assert result["all_cells"]["cells"] == 35 * 33
    assert result["without_excluded"]["cells"] == 35 * 33 - 7
    assert [p["links"] for p in result["passes"]] == [47, 48]  # lines of ann1.jsonl, ann2.jsonl


LINK = {"claim_a": "wonsan-a-001", "claim_b": "wonsan-b-001", "relation": "related", "rationale": "r"}


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ({**LINK, "claim_b": "wonsan-b-999"}, "unknown claim id 'wonsan-b-999'"),
        ({**LINK, "claim_b": "wonsan-a-002"}, "both claims are from article 'wonsan-a'"),
        ({**LINK, "claim_a": "wonsan-b-001", "claim_b": "wonsan-a-001"}, "wrong orientation"),
        ({**LINK, "relation": "equivalnet"}, "unknown relation 'equivalnet' (did you mean 'equivalent'?)"),
        ('{"claim_a": "wonsan-a-001",', "not valid JSON"),
        (LINK, "duplicate link 'wonsan-a-001' - 'wonsan-b-001' (first at line 1)"),
    ],
)
def test_bad_pass_is_a_one_line_error(tmp_path, capsys, row, problem):
    bad = write_jsonl(tmp_path / "bad.jsonl", [LINK, row])
    good = write_pass(tmp_path, "good", [("wonsan-a-001", "wonsan-b-001", "related")])
    status = main(["agree", "--root", str(ROOT), good, str(bad)])
    _, err = capsys.readouterr()
    assert status == 1
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"alignbench agree: {bad}:2: "), err
    assert problem in lines[0]


def test_bad_exclude_file(tmp_path, capsys):
    good = write_pass(tmp_path, "good", [("wonsan-a-001", "wonsan-b-001", "related")])
    cells = write_jsonl(tmp_path / "cells.jsonl", [{"claim_a": "wonsan-b-001", "claim_b": "wonsan-a-001"}])
    status = main(["agree", "--root", str(ROOT), good, good.replace("good", "bad"), "--exclude", str(cells)])
    assert status == 1  # the second pass does not exist
    assert "bad.jsonl: file not found" in capsys.readouterr().err
    shutil.copyfile(good, tmp_path / "other.jsonl")
    status = main(["agree", "--root", str(ROOT), good, str(tmp_path / "other.jsonl"), "--exclude", str(cells)])
    err = capsys.readouterr().err
    assert status == 1
    assert f"{cells}:1: wonsan-b-001 - wonsan-a-001 is not a cell of the compared grid" in err


def test_usage_errors(tmp_path, capsys):
    good = write_pass(tmp_path, "good", [("wonsan-a-001", "wonsan-b-001", "related")])
    assert main(["agree", "--root", str(ROOT), good]) == 2
    assert "at least two PASS files" in capsys.readouterr().err
    (tmp_path / "sub").mkdir()
    twin = write_pass(tmp_path / "sub", "good", [])
    assert main(["agree", "--root", str(ROOT), good, twin]) == 2
    assert "two passes are named 'good'" in capsys.readouterr().err
    other = write_pass(tmp_path, "other", [("wonsan-a-001", "wonsan-b-001", "related")])
    before = Path(good).read_bytes()
    assert main(["agree", "--root", str(ROOT), good, other, "-o", good]) == 2
    assert "is also an input of this command" in capsys.readouterr().err
    assert Path(good).read_bytes() == before


def test_table_markdown_and_output_file(tmp_path, capsys):
    p1 = write_pass(tmp_path, "ann1", [("wonsan-a-001", "wonsan-b-001", "equivalent")])
    p2 = write_pass(tmp_path, "ann2", [("wonsan-a-001", "wonsan-b-001", "related")])
    assert main(["agree", "--root", str(ROOT), p1, p2]) == 0
    out = capsys.readouterr().out
    assert "ann1 (first) vs ann2 (second)" in out
    assert "Disagreements (1 cells)" in out
    assert "wonsan-a-001 ~ wonsan-b-001: ann1 equivalent | ann2 related" in out
    assert "    ann2: ann2 says related" in out
    # 42 x 35 cells of the current claims (the invented worked examples leave none out), one linked
    # by each (the same one): any-link F1 1, sure-link F1 0
    assert "all cells (1470)  without left-out (1470)" in out
    assert main(["agree", "--root", str(ROOT), p1, p2, "--format", "markdown", "-o", str(tmp_path / "a.md")]) == 0
    text = (tmp_path / "a.md").read_text(encoding="utf-8")
    assert "| any link F1 | 1.000 | 1.000 |" in text
    assert "| sure link F1 | 0.000 | 0.000 |" in text
    assert "- **wonsan-a-001 ~ wonsan-b-001**: ann1 equivalent | ann2 related" in text


def test_unknown_pass_file_in_bench_raises():
    with pytest.raises(DataError, match="file not found"):
        agreement(tiny_benchmark(), [("a", "/nonexistent/a.jsonl"), ("b", "/nonexistent/b.jsonl")])


# Passes in the source tree: annotations/<cluster>/passes/<name>.jsonl are checked like the gold.

ROW = {**LINK, "annotator": "ann9"}


def validate(root: Path, capsys) -> tuple[int, str]:
    status = main(["validate", str(root)])
    return status, capsys.readouterr().err


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ({**ROW, "claim_b": "wonsan-b-999"}, "unknown claim id 'wonsan-b-999'"),
        ({**ROW, "claim_a": "wonsan-b-001", "claim_b": "wonsan-a-001"}, "wrong orientation"),
        ({**ROW, "relation": "none"}, "unknown relation 'none'"),
        ({**ROW, "annotator": "ann1"}, "annotator 'ann1' is not this pass's 'ann9' (its file name)"),
        (LINK, "missing field 'annotator'"),
        ({**ROW, "claim_b": "wonsan-b-002"}, "duplicate link"),
    ],
)
def test_a_pass_in_the_tree_is_checked_like_the_gold(sources, capsys, row, problem):
    (sources / PASSES).mkdir(exist_ok=True)
    first = {**ROW, "claim_b": "wonsan-b-002"}
    write_jsonl(sources / PASSES / "ann9.jsonl", [first, row])
    (sources / PASSES / "ann9-notes.md").write_text("notes\n", encoding="utf-8")
    status, err = validate(sources, capsys)
    assert status == 1
    assert err.splitlines()[0].startswith(f"{PASSES}/ann9.jsonl:2: {problem}"), err
    assert len(err.splitlines()) == 2  # the problem, then the count


def test_a_sound_pass_and_notes_are_valid_and_other_files_are_not(sources, capsys):
    (sources / PASSES).mkdir(exist_ok=True)
    write_jsonl(sources / PASSES / "ann9.jsonl", [ROW])
    (sources / PASSES / "ann9-notes.md").write_text("notes\n", encoding="utf-8")
    assert validate(sources, capsys) == (0, "")
    (sources / PASSES / "ann9.txt").write_text("x", encoding="utf-8")
    (sources / PASSES / "Ann 9.jsonl").write_text("x", encoding="utf-8")
    status, err = validate(sources, capsys)
    assert status == 1
    assert (
        f"{PASSES}/Ann 9.jsonl: unknown file (only <pass>.jsonl, <pass>.considered.json, claims.jsonl and *.md belong here"
        in err
    )
    assert (
        f"{PASSES}/ann9.txt: unknown file (only <pass>.jsonl, <pass>.considered.json, claims.jsonl and *.md belong here"
        in err
    )


def test_a_root_that_is_not_a_source_tree_is_named(tmp_path, capsys):
    # issue 18: "corpus: no corpus/ folder here" did not say which root was meant
    p1 = write_pass(tmp_path, "ann1", [("wonsan-a-001", "wonsan-b-001", "equivalent")])
    p2 = write_pass(tmp_path, "ann2", [("wonsan-a-001", "wonsan-b-001", "related")])
    missing = tmp_path / "nonexistent"
    assert main(["agree", "--root", str(missing), p1, p2]) == 1
    assert capsys.readouterr().err == (
        f"alignbench agree: {missing}: no such folder (run from a clone of alignbench or pass its path)\n"
    )
    assert main(["agree", "--root", str(tmp_path), p1, p2]) == 1
    assert capsys.readouterr().err.startswith(f"alignbench agree: {tmp_path / 'corpus'}: no such folder")
