"""``alignbench import ists2016``, ``--check``, the iSTS measure in ``eval`` and ``export-wa``, on a
hand-written fake release (invented sentences); the shared copy of the real release when present."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from conftest import SHARED_EXTERNAL, project_files
from ists_fixture import FULL_PAIRS, first_pairs, write_full_release

from alignbench.cli import main
from alignbench.dataset.load import available_splits, dataset_metadata, load_benchmark, read_table
from alignbench.records import RELATIONS
from alignbench.scoring.ists import chunk_links, f1_ali, pair_sentences
from alignbench.scoring.predictions import Prediction, write_predictions
from alignbench.sources.importers.ists2016 import EXPECTED_PAIRS, RELEASE_FILES, SUBSETS, links_from_wa
from alignbench.sources.importers.wa import parse_wa

ROOT = Path(__file__).resolve().parents[1]
SHARED = SHARED_EXTERNAL / "ists2016"
#: Gold links of each fixture pair by relation, counted by hand from the fixture's docstring.
PAIR_LINKS = [
    Counter(related=1, equivalent=1, a_more_specific=1),
    Counter(related=2, equivalent=1, b_more_specific=1),
    Counter(equivalent=2, contradiction=1, a_more_specific=1),
]
TYPE_LINE = re.compile(r"^[\d ]+ <==> [\d ]+ // (\S+) // ", re.M)


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("ists")
    src = write_full_release(base / "release")
    assert main(["import", "ists2016", str(src), "-o", str(base / "out")]) == 0
    return src, base / "out"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def card_tables(card: str) -> tuple[dict[str, tuple[int, int]], dict[str, tuple[int, int]]]:
    """(links by relation, alignment lines by type) of a card, as (train, test) counts."""
    relations = {m[0]: (int(m[1]), int(m[2])) for m in re.findall(r"^\| `([a-z_]+)` \| (\d+) \| (\d+) \|$", card, re.M)}
    types = {
        m[0]: (int(m[1]), int(m[2]))
        for m in re.findall(r"^\| `([A-Z0-9_]+)` \| [^|]+ \| (\d+) \| (\d+) \|$", card, re.M)
    }
    return relations, types


def test_import_writes_a_folder_per_subset_with_both_splits(imported: tuple[Path, Path]) -> None:
    _, out = imported
    assert sorted(p.name for p in out.iterdir()) == sorted(SUBSETS)
    for subset in SUBSETS:
        assert available_splits(out / subset) == ["test", "train"]
        for split in ("train", "test"):
            bench = load_benchmark(split=split, data_dir=out / subset)
            assert len({a.cluster_id for a in bench.articles}) == FULL_PAIRS[split, subset]
            assert {a.split for a in bench.articles} == {split}
            meta = dataset_metadata(split=split, data_dir=out / subset)
            assert (meta["source_format"], meta["subset"], meta["split"]) == ("ists2016", subset, split)


def test_card_counts_equal_counts_from_the_wa_text(imported: tuple[Path, Path]) -> None:
    _, out = imported
    for subset in SUBSETS:
        card = (out / subset / "README.md").read_text(encoding="utf-8")
        relations, types = card_tables(card)
        expected_links = {
            split: sum((PAIR_LINKS[i] for i in range(FULL_PAIRS[split, subset])), Counter())
            for split in ("train", "test")
        }
        assert relations == {r: (expected_links["train"][r], expected_links["test"][r]) for r in RELATIONS}
        lines = {
            split: Counter(TYPE_LINE.findall(first_pairs(FULL_PAIRS[split, subset])[0])) for split in ("train", "test")
        }
        assert types == {t: (lines["train"][t], lines["test"][t]) for t in lines["train"] | lines["test"]}
        assert "do not redistribute" in card and "`SPE1` -> `a_more_specific`" in card


def test_alignments_keep_type_score_and_group(imported: tuple[Path, Path]) -> None:
    _, out = imported
    rows = read_table("alignments", "train", out / "headlines").to_pylist()
    by_pair = {
        (r["claim_a"].removeprefix("headlines-train-000"), r["claim_b"].removeprefix("headlines-train-000")): r
        for r in rows
    }
    spe = by_pair["1-s1-c03", "1-s2-c03"]
    assert (spe["ists_type"], spe["ists_score"], RELATIONS[spe["relation"]]) == ("SPE1_FACT", 4, "a_more_specific")
    group = [by_pair["2-s1-c01", "2-s2-c01"], by_pair["2-s1-c03", "2-s2-c01"]]
    assert [r["group_id"] for r in group] == ["headlines-train-0002-g01"] * 2
    assert [(r["ists_type"], r["ists_score"]) for r in group] == [("REL", 3)] * 2


def test_warnings_go_to_stderr_and_into_the_card(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_full_release(tmp_path / "release")
    wa = src / f"{RELEASE_FILES['test', 'images']}.wa"
    wa.write_text(wa.read_text().replace("// SIMI // 3 //", "// SIMI // 2 //"))  # a changed file
    assert main(["import", "ists2016", str(src), "-o", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "STSint.testinput.images.wa does not match its checksum" in err
    # the fixture's pair counts differ from the documented ones: each file says so
    assert (
        f"{RELEASE_FILES['train', 'headlines']}.wa: 3 pairs, the release documents {EXPECTED_PAIRS['train', 'headlines']}"
        in err
    )
    card = (tmp_path / "out" / "images" / "README.md").read_text(encoding="utf-8")
    assert "SHA256SUMS:" in card and "STSint.testinput.images.wa does not match its checksum" in card
    assert str(src) not in card  # paths in the card are relative to the release folder


def test_foreign_files_are_refused_and_left_untouched(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_full_release(tmp_path / "release")
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    before = _snapshot(out)
    assert main(["import", "ists2016", str(src), "-o", str(out)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "'notes.txt'" in err[0] and "nothing was changed" in err[0]
    assert _snapshot(out) == before and sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    # a foreign file inside a subset folder is refused too
    (out / "notes.txt").unlink()
    assert main(["import", "ists2016", str(src), "-o", str(out)]) == 0
    (out / "images" / "mine.csv").write_text("x")
    before = _snapshot(out)
    assert main(["import", "ists2016", str(src), "-o", str(out)]) == 1
    assert "'mine.csv'" in capsys.readouterr().err
    assert _snapshot(out) == before


def test_check_reports_stale_folders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_full_release(tmp_path / "release")
    out = tmp_path / "out"
    assert main(["import", "ists2016", str(src), "-o", str(out), "--check"]) == 1  # nothing imported yet
    assert "headlines/ is missing" in capsys.readouterr().err
    assert main(["import", "ists2016", str(src), "-o", str(out)]) == 0
    before = _snapshot(out)
    assert main(["import", "ists2016", str(src), "-o", str(out), "--check"]) == 0
    assert "matches" in capsys.readouterr().out
    wa = src / f"{RELEASE_FILES['train', 'images']}.wa"
    wa.write_text(wa.read_text().replace("4 <==> 4 // EQUI // 5 //", "4 <==> 4 // SIMI // 4 //"))
    assert main(["import", "ists2016", str(src), "-o", str(out), "--check"]) == 1
    err = capsys.readouterr().err
    assert f"{out}/images/alignments/train-" in err and "is out of date" in err
    assert f"{out}/headlines/" not in err  # the other subsets are up to date
    assert _snapshot(out) == before  # --check writes nothing


def test_datasets_loads_an_imported_folder_offline(
    imported: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    import datasets

    _, out = imported
    pairs = datasets.load_dataset(str(out / "headlines"), "pairs", split="train")
    # 3 fixture pairs: 4x3 + 5x3 + 2x6 chunk pairs
    assert pairs.num_rows == 4 * 3 + 5 * 3 + 2 * 6
    links = datasets.load_dataset(str(out / "headlines"), "alignments", split="test")
    assert links.features["ists_type"].dtype == "string" and links.features["ists_score"].dtype == "int32"
    assert sorted(links["ists_type"]) == ["EQUI", "EQUI", "REL", "REL", "SIMI", "SPE1_FACT", "SPE2"]


def _gold_predictions(out: Path, subset: str, split: str, path: Path) -> list[tuple[str, str, str]]:
    bench = load_benchmark(split=split, data_dir=out / subset)
    write_predictions(path, [Prediction(x.claim_a, x.claim_b, 1.0, x.relation) for x in bench.alignments])
    return [(x.claim_a, x.claim_b, x.relation) for x in bench.alignments]


def test_eval_on_an_import_reports_the_ists_measure(
    imported: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out = imported
    gold = tmp_path / "gold.jsonl"
    _gold_predictions(out, "answers-students", "test", gold)
    args = ["eval", "--predictions", str(gold), "--data", str(out / "answers-students"), "--format", "json"]
    assert main(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["metrics"]["ists.F1Ali"], report["metrics"]["ists.F1Type"]) == (1.0, 1.0)
    assert report["ci"]["ists.F1Ali"] == [1.0, 1.0] and report["supports"]["ists.sentence_pairs"] == 3
    assert report["dataset"]["source_format"] == "ists2016"
    # one wrong relation: alignment F1 stays 1, the mapped type F1 drops
    bench = load_benchmark(split="test", data_dir=out / "answers-students")
    rows = [Prediction(x.claim_a, x.claim_b, 1.0, x.relation) for x in bench.alignments]
    rows[0] = rows[0]._replace(label="contradiction" if rows[0].label != "contradiction" else "equivalent")
    write_predictions(tmp_path / "one-wrong.jsonl", rows)
    assert main([*args[:2], str(tmp_path / "one-wrong.jsonl"), *args[3:]]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["metrics"]["ists.F1Ali"] == 1.0 and report["metrics"]["ists.F1Type"] < 1.0
    # the bundled data is no iSTS import: no ists metrics
    assert main(["eval", "--baselines", "--metrics", "ists.F1Ali", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == []


def test_export_wa_round_trip_and_f1_one(imported: tuple[Path, Path], tmp_path: Path) -> None:
    _, out = imported
    for subset, split in (("headlines", "train"), ("answers-students", "test")):
        preds = tmp_path / f"{subset}.jsonl"
        triples = _gold_predictions(out, subset, split, preds)
        wa_path = tmp_path / f"{subset}.wa"
        args = ["export-wa", str(preds), "--data", str(out / subset), "--split", split, "-o", str(wa_path)]
        assert main(args) == 0
        bench = load_benchmark(split=split, data_dir=out / subset)
        wa = parse_wa(wa_path.read_text(encoding="utf-8"), str(wa_path))
        again, problems = links_from_wa(wa, bench, subset, split, str(wa_path))
        assert problems == []
        assert [(x.claim_a, x.claim_b, x.relation) for x in again] == triples
        gold = chunk_links(bench, triples)
        exported = chunk_links(bench, [(x.claim_a, x.claim_b, x.relation) for x in again])
        assert f1_ali(gold, exported, pair_sentences(bench)) == 1.0


def test_export_wa_refuses_a_dataset_that_is_not_an_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_predictions(tmp_path / "p.jsonl", [])
    assert main(["export-wa", str(tmp_path / "p.jsonl"), "--data", str(ROOT / "data")]) == 1
    assert "not an iSTS-2016 import" in capsys.readouterr().err


@pytest.mark.skipif(
    not SHARED.is_dir(),
    reason=f"no shared copy of the iSTS-2016 release at {SHARED} (set ALIGNBENCH_SHARED_EXTERNAL to the folder holding ists2016/)",
)
def test_shared_release_imports_with_the_documented_counts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "ists2016", str(SHARED), "-o", str(tmp_path)]) == 0
    capsys.readouterr()
    expected = {"headlines": (756, 375), "images": (750, 375), "answers-students": (330, 344)}
    for subset, counts in expected.items():
        for split, n in zip(("train", "test"), counts, strict=True):
            assert len({a.cluster_id for a in load_benchmark(split=split, data_dir=tmp_path / subset).articles}) == n
        relations, types = card_tables((tmp_path / subset / "README.md").read_text(encoding="utf-8"))
        lines = {
            split: Counter(
                TYPE_LINE.findall((SHARED / f"{RELEASE_FILES[split, subset]}.wa").read_text(encoding="utf-8"))
            )
            for split in ("train", "test")
        }
        assert types == {t: (lines["train"][t], lines["test"][t]) for t in lines["train"] | lines["test"]}
        links = {
            split: Counter(
                RELATIONS[r] for r in read_table("alignments", split, tmp_path / subset).column("relation").to_pylist()
            )
            for split in ("train", "test")
        }
        assert relations == {r: (links["train"][r], links["test"][r]) for r in RELATIONS}
    assert main(["import", "ists2016", str(SHARED), "-o", str(tmp_path), "--check"]) == 0


@pytest.mark.skipif(
    not SHARED.is_dir(),
    reason=f"no shared copy of the iSTS-2016 release at {SHARED} (set ALIGNBENCH_SHARED_EXTERNAL to the folder holding ists2016/)",
)
def test_nothing_of_the_release_is_committed() -> None:
    names = project_files()
    assert [n for n in names if n.endswith(".wa") or ".chunk.txt" in n] == []
    sentences = set()
    for base in RELEASE_FILES.values():
        text = (SHARED / f"{base}.wa").read_text(encoding="utf-8")
        sentences |= {s for s in re.findall(r"^// (.+?)\s*$", text, re.M) if len(s) >= 30}
    found = re.compile("|".join(map(re.escape, sorted(sentences, key=len, reverse=True))))
    hits = []
    for name in names:
        path = ROOT / name
        if path.is_file() and path.suffix != ".parquet":
            match = found.search(path.read_bytes().decode("utf-8", errors="replace"))
            if match:
                hits.append(f"{name}: {match.group(0)[:30]}")
    assert hits == []


def test_explain_page_of_an_import_shows_every_claim_of_a_pair(imported: tuple[Path, Path], tmp_path: Path) -> None:
    from browser import body, chromium, dump_dom, elements

    chromium()
    _, out = imported
    page = tmp_path / "page.html"
    args = ["explain", "--aligner", "fuzzy", "--data", str(out / "headlines"), "--split", "test"]
    assert main([*args, "--resamples", "0", "-o", str(page)]) == 0
    bench = load_benchmark(split="test", data_dir=out / "headlines")
    first_pair = sorted(bench.article_pairs())[0]
    want = sorted(c.claim_id for a in first_pair for c in bench.claims_of(a))
    dom = dump_dom(page, "pair=0")
    assert body(dom)["data-ready"] == "1"
    spans = sorted(e.attrs["data-claim"] for e in elements(dom) if e.tag == "span" and "data-claim" in e.attrs)
    assert spans == want


def test_a_corrupt_imported_file_says_how_to_import_again(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_full_release(tmp_path / "release")
    out = tmp_path / "out"
    assert main(["import", "ists2016", str(src), "-o", str(out)]) == 0
    (claims,) = (out / "images" / "claims").glob("test-*.parquet")
    claims.write_bytes(b"not parquet")
    capsys.readouterr()
    assert (
        main(
            [
                "run",
                "tfidf",
                "--threshold",
                "0.5",
                "--data",
                str(out / "images"),
                "--split",
                "test",
                "-o",
                str(tmp_path / "p"),
            ]
        )
        == 1
    )
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"alignbench run: {claims}: not a readable Parquet file (")
    assert line.endswith(f"; import it again with 'alignbench import ists2016 <your copy of the release> -o {out}'")
