"""The iSTS alignment F1 (F1 Ali) and type F1 on hand-computed fixtures; the .wa export round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SHARED_EXTERNAL
from ists_fixture import write_release

from alignbench.records import DataError
from alignbench.scoring.ists import ChunkLink, chunk_links, f1_ali, f1_type, pair_sentences, score
from alignbench.sources.importers.files import check_checksums
from alignbench.sources.importers.ists2016 import (
    EXPECTED_PAIRS,
    RELEASE_FILES,
    links_from_wa,
    read_release,
    read_split,
)
from alignbench.sources.importers.wa import parse_wa
from alignbench.views.wa import write_wa

EQ, REL = frozenset({"equivalent"}), frozenset({"related"})
SENTENCES = {"p": (["a", "b", "c"], ["x", "y"])}
#: Gold: {a,b}~{x}, {c}~{y}. Token links (1,1) (2,1) (3,2); fanout(x) = 2, every other fanout 1:
#: weights 1/2, 1/2, 1; gold total 2.
GOLD = {"p": [ChunkLink((1, 2), (1,), EQ), ChunkLink((3,), (2,), EQ)]}


def test_fan_out_weights_by_hand() -> None:
    # System: {a}~{x,y}. Token links (1,1) (1,2); fanout(a) = 2: weights 1/2, 1/2; total 1.
    # Only (1,1) is in gold. P = 0.5 / 1 = 0.5; R = gold weight of (1,1) = 0.5, / 2 = 0.25;
    # F1 = 2 * 0.5 * 0.25 / 0.75 = 1/3.
    system = {"p": [ChunkLink((1,), (1, 2), EQ)]}
    result = score(GOLD, system, SENTENCES)
    assert result.precision == pytest.approx(0.5)
    assert result.recall == pytest.approx(0.25)
    assert result.f1 == pytest.approx(1 / 3)
    assert f1_ali(GOLD, system, SENTENCES) == pytest.approx(1 / 3)
    # Same types: the type F1 equals the alignment F1.
    assert f1_type(GOLD, system, SENTENCES) == pytest.approx(1 / 3)


def test_type_f1_weights_by_jaccard() -> None:
    # As above, but the system link has types {equivalent, related}: Jaccard with {equivalent} is
    # 1/2. Type P = 0.5 * 0.5 / 1 = 0.25; type R = 0.5 * 0.5 / 2 = 0.125;
    # type F1 = 2 * 0.25 * 0.125 / 0.375 = 1/6. The alignment F1 is unchanged (1/3).
    system = {"p": [ChunkLink((1,), (1, 2), EQ | REL)]}
    result = score(GOLD, system, SENTENCES)
    assert (result.type_precision, result.type_recall) == pytest.approx((0.25, 0.125))
    assert result.type_f1 == pytest.approx(1 / 6)
    assert result.f1 == pytest.approx(1 / 3)
    # A wrong type scores 0 on types, still 1/3 on alignment
    wrong = {"p": [ChunkLink((1,), (1, 2), REL)]}
    assert (f1_ali(GOLD, wrong, SENTENCES), f1_type(GOLD, wrong, SENTENCES)) == pytest.approx((1 / 3, 0.0))


def test_punctuation_tokens_are_dropped_before_fan_outs() -> None:
    # Gold {hello , world}~{hi - earth ...}: "," and "-" are dropped, "..." is not (not one
    # character). Left: hello, world x hi, earth, ... = 6 links; fanout(hello) = fanout(world) = 3,
    # fanout(hi/earth/...) = 2: each weighs 1/3, total 2.
    # System {hello}~{hi}: one link, weight 1, in gold. P = 1; R = (1/3) / 2 = 1/6;
    # F1 = 2 * 1 * (1/6) / (7/6) = 2/7.
    sentences = {"p": (["hello", ",", "world"], ["hi", "-", "earth", "..."])}
    gold = {"p": [ChunkLink((1, 2, 3), (1, 2, 3, 4), EQ)]}
    system = {"p": [ChunkLink((1,), (1,), EQ)]}
    assert f1_ali(gold, system, sentences) == pytest.approx(2 / 7)
    # A link of punctuation only weighs nothing: the system below has no weight at all
    assert score(gold, {"p": [ChunkLink((2,), (2,), EQ)]}, sentences).precision == 0.0


def test_pooled_over_pairs_not_averaged() -> None:
    # Pair p perfect (gold and system: one link, weight 1); pair q: gold one link, system none.
    # Pooled: P = 1 / 1 = 1, R = 1 / 2: F1 = 2/3 (the mean of per-pair F1s would be 1/2).
    sentences = {"p": (["a"], ["b"]), "q": (["c"], ["d"])}
    gold = {"p": [ChunkLink((1,), (1,), EQ)], "q": [ChunkLink((1,), (1,), EQ)]}
    system = {"p": [ChunkLink((1,), (1,), EQ)]}
    assert f1_ali(gold, system, sentences) == pytest.approx(2 / 3)


def test_gold_against_itself_is_one_and_empty_system_is_zero() -> None:
    assert score(GOLD, GOLD, SENTENCES) == pytest.approx((1, 1, 1, 1, 1, 1))
    assert score(GOLD, {}, SENTENCES) == (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    assert score({}, {}, SENTENCES).f1 == 0.0


def test_bad_input_is_a_data_error() -> None:
    with pytest.raises(DataError, match="pair"):
        score(GOLD, {"nope": []}, SENTENCES)
    with pytest.raises(DataError, match="outside the sentence"):
        score(GOLD, {"p": [ChunkLink((4,), (1,), EQ)]}, SENTENCES)


def test_fixture_links_score_like_its_wa_lines(tmp_path: Path) -> None:
    # The gold read as chunk-pair links scores 1 against the raw .wa lines (groups expanded)
    split = read_split(write_release(tmp_path), "headlines", "train")
    b = split.benchmark
    sentences = pair_sentences(b)
    gold = chunk_links(b, [(x.claim_a, x.claim_b, x.relation) for x in split.links])
    wa = parse_wa((tmp_path / "train/train_2015_10_22.utf-8/STSint.input.headlines.wa").read_text(), "f")
    mapping = {"EQUI": "equivalent", "SPE1": "a_more_specific", "SPE2": "b_more_specific", "OPPO": "contradiction"}
    raw = {
        f"headlines-train-{p.pair_id:04d}": [
            ChunkLink(a.ids1, a.ids2, frozenset({mapping.get(a.base_type, "related")}))
            for a in p.alignments
            if a.aligned
        ]
        for p in wa.pairs
    }
    assert score(raw, gold, sentences) == pytest.approx((1, 1, 1, 1, 1, 1))
    # Pair 2's group "rain wind ~ storms": tokens 1 and 3 (not 2) of sentence 1 to token 1
    assert sorted(gold["headlines-train-0002"])[:2] == [ChunkLink((1,), (1,), REL), ChunkLink((3,), (1,), REL)]


def test_export_then_reimport_gives_the_same_links(tmp_path: Path) -> None:
    split = read_split(write_release(tmp_path), "headlines", "train")
    b = split.benchmark
    triples = [(x.claim_a, x.claim_b, x.relation) for x in split.links]
    text = write_wa(b, triples)
    # every chunk is either aligned or NOALI: pair 3 has 4 links and 2 unlinked chunks of sentence 2
    block = text.split('<sentence id="3"')[1]
    assert block.count(" // NOALI // NIL // ") == 2
    assert "3 <==> 0 // NOALI" not in block and "0 <==> 3 // NOALI // NIL // -not aligned- <==> , " in block
    assert "2 3 <==> 2 // OPPO // 4 // rose sharply <==> fell " in block
    wa = parse_wa(text, "export.wa")
    assert (wa.errors, wa.warnings) == ((), ())
    again, problems = links_from_wa(wa, b, "headlines", "train", "export.wa")
    assert problems == []
    assert [(x.claim_a, x.claim_b, x.relation) for x in again] == triples
    sentences = pair_sentences(b)
    gold = chunk_links(b, triples)
    assert f1_ali(gold, chunk_links(b, [(x.claim_a, x.claim_b, x.relation) for x in again]), sentences) == 1.0


def test_export_mirrors_reversed_links_and_refuses_unknown_claims(tmp_path: Path) -> None:
    b = read_split(write_release(tmp_path), "headlines", "train").benchmark
    c = "headlines-train-0001"
    text = write_wa(b, [(f"{c}-s2-c03", f"{c}-s1-c03", "b_more_specific"), (f"{c}-s1-c01", f"{c}-s2-c02", "none")])
    assert "5 6 7 8 <==> 5 6 7 // SPE1 // 4 // over a lazy dog <==> over the dog " in text
    assert text.count("<==> 0 // NOALI") + text.count("0 <==> ") > 0
    with pytest.raises(DataError, match="unknown claim id"):
        write_wa(b, [(f"{c}-s1-c09", f"{c}-s2-c01", "equivalent")])
    with pytest.raises(DataError, match="not claims of the two sentences of one pair"):
        write_wa(b, [(f"{c}-s1-c01", "headlines-train-0002-s2-c01", "equivalent")])


SHARED = SHARED_EXTERNAL / "ists2016"


@pytest.mark.skipif(
    not SHARED.is_dir(),
    reason=f"no shared copy of the iSTS-2016 release at {SHARED} (set ALIGNBENCH_SHARED_EXTERNAL to the folder holding ists2016/)",
)
def test_shared_release_reads_round_trips_and_scores_one() -> None:
    assert check_checksums(SHARED) == []
    release = read_release(SHARED)
    for (subset, split_name), split in release.items():
        b = split.benchmark
        assert len(b.articles) == 2 * EXPECTED_PAIRS[split_name, subset]
        triples = [(x.claim_a, x.claim_b, x.relation) for x in split.links]
        wa = parse_wa(write_wa(b, triples), "export.wa")
        again, problems = links_from_wa(wa, b, subset, split_name, "export.wa")
        assert problems == [] and [(x.claim_a, x.claim_b, x.relation) for x in again] == triples
        sentences = pair_sentences(b)
        gold = chunk_links(b, triples)
        assert f1_ali(gold, gold, sentences) == 1.0
        assert f1_ali(gold, chunk_links(b, [(x.claim_a, x.claim_b, x.relation) for x in again]), sentences) == 1.0
    assert set(release) == {(s, p) for p, s in RELEASE_FILES}
