"""The numbers README.md and DATASHEET.md print about the data are generated, current and right.

Each sits in a block between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` that
``alignbench eval --baselines --update`` rewrites (``alignbench.commands.derived``); the facts are
counted here again, independently, from the built data.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from conftest import ROOT

import alignbench
from alignbench.commands.derived import stale_derived
from alignbench.dataset.load import available_splits
from alignbench.records import RELATIONS, SURE_RELATIONS, DataError
from alignbench.scoring.numbers import dataset_facts, split_facts
from alignbench.views.numbers import (
    block_text,
    caveat_sentence,
    replace_blocks,
    too_few_sentence,
)

BLOCK = re.compile(r"<!-- ([a-z0-9-]+):start -->\n.*?<!-- \1:end -->", re.S)


def test_generated_blocks_are_current():
    assert stale_derived(ROOT) == [], "run 'alignbench build && alignbench eval --baselines --update'"


def _independent_counts(split: str) -> dict[str, int]:
    """The counts of a split, from the built data, without the code under test."""
    bench = alignbench.load_benchmark(split=split)
    linked = {x.claim_a for x in bench.alignments} | {x.claim_b for x in bench.alignments}
    relations = Counter(x.relation for x in bench.alignments)
    return {
        "event clusters": len({a.cluster_id for a in bench.articles}),
        "articles": len(bench.articles),
        "claims": len(bench.claims),
        "article pairs": len(bench.article_pairs()),
        "candidate claim pairs": alignbench.load("pairs", split=split).num_rows,
        "gold links": len(bench.alignments),
        "sure links": sum(x.relation in SURE_RELATIONS for x in bench.alignments),
        **{r: relations[r] for r in RELATIONS},
        "claims with no link": sum(c.claim_id not in linked for c in bench.claims),
    }


def _table(text: str) -> dict[str, list[str]]:
    """The rows of the Markdown table in ``text`` (first cell -> the others), header and rule left out."""
    rows = [line for line in text.splitlines() if line.startswith("|")][2:]
    cells = [[c.strip() for c in row.strip("|").split("|")] for row in rows]
    return {row[0]: row[1:] for row in cells}


def test_datasheet_tables_hold_the_counts_of_the_built_data():
    splits = available_splits()
    counts = {split: _independent_counts(split) for split in splits}
    text = (ROOT / "DATASHEET.md").read_text(encoding="utf-8")
    per_split = _table(block_text(text, "numbers-splits"))
    assert per_split == {name: [str(counts[s][name]) for s in splits] for name in counts["test"]}
    glance = _table(block_text(text, "numbers-at-a-glance"))
    assert glance == {name: [str(n)] for name, n in counts["test"].items()}
    tags: Counter = Counter()
    contradictions: Counter = Counter()
    for x in alignbench.load_benchmark(split="diagnostic").alignments:
        tags.update(x.tags)
        contradictions.update(x.tags if x.relation == "contradiction" else ())
    assert _table(block_text(text, "numbers-tags")) == {t: [str(n), str(contradictions[t])] for t, n in tags.items()}


def test_readme_table_holds_the_counts_of_the_built_data():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = _table(block_text(text, "numbers-splits"))
    for split in available_splits():
        c = _independent_counts(split)
        row = next(v for k, v in table.items() if k.startswith(f"`{split}`"))
        expected = [c["event clusters"], c["articles"], c["claims"], c["candidate claim pairs"], c["gold links"]]
        assert row == [str(n) for n in [*expected, c["sure links"], c["related"], c["contradiction"]]]


def test_no_count_of_the_data_is_typed_outside_the_generated_blocks():
    """A count of a split (20 or more, so that a small number in prose is no false alarm) appears in
    the README only inside generated blocks: typed by hand, it would go stale with the next cluster."""
    text = BLOCK.sub("", (ROOT / "README.md").read_text(encoding="utf-8"))
    found = []
    for split, facts in dataset_facts().items():
        for name, n in facts.counts.items():
            if n >= 20:
                spelled = re.escape(f"{n:,}").replace(",", ",?")
                for m in re.finditer(rf"(?<![\d.,]){spelled}(?![\d,]|\.\d)", text):
                    found.append(f"{split} {name} {n}: ...{text[max(0, m.start() - 40) : m.end() + 20]!r}")
    assert found == []


def test_a_perfect_system_is_what_the_readme_says():
    import numpy as np

    from alignbench.scoring.evaluate import evaluate
    from alignbench.scoring.predictions import PredictionArrays
    from alignbench.scoring.space import CandidateSpace

    bench = alignbench.load_benchmark()
    space = CandidateSpace(bench)
    linked = np.flatnonzero(space.gold != 5)
    report = evaluate(bench, PredictionArrays(linked, np.ones(linked.size), space.gold[linked]), system={}, resamples=0)
    block = block_text((ROOT / "README.md").read_text(encoding="utf-8"), "numbers-perfect-ranking")
    assert f"`rank.R@1` {report.metrics['rank.R@1']:.3f}" in block
    assert f"`rank.MRR` {report.metrics['rank.MRR']:.3f}" in block


def _tiny(relations: dict[str, int], unlinked: int = 0):
    """A one-cluster benchmark with that many links of each relation and ``unlinked`` claims of
    each article without a link."""
    from fixture import make_article

    from alignbench.records import Alignment, Benchmark, Claim

    kinds = [r for r, n in relations.items() for _ in range(n)]
    n = len(kinds) + unlinked
    articles = (make_article("x", "c1"), make_article("y", "c1"))
    claims = tuple(Claim(f"{a}-{i:03d}", a, 0, 1, "t", "t", None) for a in ("x", "y") for i in range(n))
    links = tuple(Alignment(f"x-{i:03d}", f"y-{i:03d}", r, "r", "a", (), (), False) for i, r in enumerate(kinds))
    return Benchmark(articles, claims, links)


def test_sentences_follow_the_counts():
    one = split_facts(_tiny({"contradiction": 1}, unlinked=10), "test")
    assert "1 event cluster, 1 sure link and a **single** gold contradiction" in caveat_sentence(one)
    many = split_facts(_tiny({"contradiction": 12, "related": 3}), "test")
    assert "1 event cluster, 12 sure links and 12 gold contradictions" in caveat_sentence(many)
    sentence = too_few_sentence(split_facts(_tiny({"a_more_specific": 10, "contradiction": 1}, unlinked=10), "test"))
    assert sentence.endswith(
        "that is every metric of `equivalent` (none), `b_more_specific` (none), `contradiction` (1) and "
        "`related` (none), and `macro.F1`. Intervals are wide: report them.\n"
    )
    enough = split_facts(_tiny(dict.fromkeys(RELATIONS, 10), unlinked=5), "test")
    assert "no metric rests on fewer than 10 gold items" in too_few_sentence(enough)


def test_replace_blocks_needs_its_markers():
    text = "a\n<!-- x:start -->\nold\n<!-- x:end -->\nb\n"
    assert replace_blocks(text, {"x": "new\n"}, "F") == "a\n<!-- x:start -->\nnew\n<!-- x:end -->\nb\n"
    with pytest.raises(DataError, match="F: expected one '<!-- y:start -->' line before one '<!-- y:end -->' line"):
        replace_blocks(text, {"y": "new\n"}, "F")


def test_writers_are_read_from_the_notes_and_links_from_their_annotator():
    from fixture import make_article

    from alignbench.records import Alignment, Benchmark
    from alignbench.scoring.writers import cluster_writers, writer_facts

    def art(aid: str, cluster: str, notes: str):
        return make_article(aid, cluster)._replace(notes=notes)

    bench = Benchmark(
        (
            art("x-a", "x", "written by hand by diag-w2, an AI model"),
            art("x-b", "x", "written by hand by diag-w2, an AI model. Extended by diag-w10, an AI model"),
            art("y-a", "y", "written by hand by diag-w10"),
            art("z-a", "z", None),
        ),
        (),
        (
            Alignment("x-a-1", "x-b-1", "related", "r", "diag-w2"),
            Alignment("x-a-2", "x-b-2", "related", "r", "diag-w10"),
            Alignment("x-a-3", "x-b-3", "related", "r", "adj-1"),
            Alignment("x-a-4", "x-b-4", "related", "r", "diag-w2"),
        ),
    )
    assert cluster_writers(bench) == {"x": ("diag-w2", ("diag-w10",)), "y": ("diag-w10", ()), "z": (None, ())}
    facts = writer_facts(bench)
    assert [(f.writer, f.written, f.extended, f.links) for f in facts] == [
        ("diag-w2", ("x",), (), 2),
        ("diag-w10", ("y",), ("x",), 1),  # w10 sorts after w2: by number, not by text
    ]


def test_no_writer_made_more_than_a_third_of_the_diagnostic_links():
    from alignbench.scoring.writers import writer_facts

    bench = alignbench.load_benchmark(split="diagnostic")
    facts = writer_facts(bench)
    assert facts and max(f.links for f in facts) <= len(bench.alignments) / 3
