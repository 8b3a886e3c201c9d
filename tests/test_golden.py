"""Golden counts of the seed cluster (``nk-wonsan-launch``): an accidental edit of its files fails here.

When you change its gold on purpose, update these numbers in the same commit (ir_datasets style:
counts plus items at fixed indices). They are the seed cluster's own: adding another cluster changes
none of them (the counts of the whole data are generated, see tests/test_numbers.py).
"""

from __future__ import annotations

from collections import Counter

from conftest import CLUSTER, ROOT

from alignbench.records import Benchmark
from alignbench.scoring.subset import select_clusters
from alignbench.sources.corpus import load_sources


def seed_cluster() -> Benchmark:
    """The seed cluster, read from the sources."""
    return select_clusters(load_sources(ROOT).split("test"), [CLUSTER])


def test_golden_counts():
    bench = seed_cluster()
    assert [a.article_id for a in bench.articles] == ["wonsan-a", "wonsan-b"]
    assert Counter(c.article_id for c in bench.claims) == {"wonsan-a": 42, "wonsan-b": 35}
    assert Counter(link.relation for link in bench.alignments) == {
        "equivalent": 5,
        "a_more_specific": 12,
        "b_more_specific": 3,
        "contradiction": 1,
        "related": 33,
    }


def test_golden_items():
    bench = seed_cluster()
    claims = {c.claim_id: c for c in bench.claims}
    assert claims["wonsan-a-010"].text == "The projectiles flew about 70-100 kilometers"
    assert (claims["wonsan-a-010"].start, claims["wonsan-a-010"].end) == (452, 496)
    assert claims["wonsan-b-010"].text == "the missiles flew 70 to 200 kilometres"
    assert claims["wonsan-b-009"].text == "The military said in a statement"  # new in 0.2.0 (G2.3)
    assert claims["wonsan-a-013"].text.endswith("details of the missiles")  # trimmed in 0.2.0 (G2.2)
    contradictions = [(x.claim_a, x.claim_b) for x in bench.alignments if x.relation == "contradiction"]
    assert contradictions == [("wonsan-a-010", "wonsan-b-010")]
    links = {(x.claim_a, x.claim_b): x.relation for x in bench.alignments}
    assert links[("wonsan-a-008", "wonsan-b-008")] == "a_more_specific"  # 9:06-9:27 vs about 9:00
    assert links[("wonsan-a-003", "wonsan-b-019")] == "b_more_specific"  # first since 2017 ICBM
    assert links[("wonsan-a-001", "wonsan-b-012")] == "related"  # corrected single-missile report
    assert links[("wonsan-a-024", "wonsan-b-033")] == "a_more_specific"  # Hanoi vs Vietnam (split claims)
    provenance = {(x.claim_a, x.claim_b): (x.passes, x.adjudicated) for x in bench.alignments}
    assert provenance[("wonsan-a-010", "wonsan-b-010")] == (("ann1", "ann2"), False)
    assert provenance[("wonsan-a-032", "wonsan-b-017")] == (("ann2",), True)  # loggerheads: ann1 said equivalent
    assert sum(adjudicated for _, adjudicated in provenance.values()) == 22


def test_metadata_records_unknowns_and_credit():
    bench = seed_cluster()
    a, b = bench.articles
    assert (a.source, a.title, a.published, a.url) == ("unknown", None, None, None)
    assert (b.source, b.credit, b.aggregator) == ("ABC News", "Reuters/AP", "inkl")
    assert b.text.startswith("North Korea fires at least one short-range missile towards the east\n")
    assert b.text.endswith("disagreement on weapons dismantlement and sanctions relief.")
    assert "Reuters/AP" not in b.text and "inkl" not in b.text


def test_seeds_are_byte_identical_to_corpus():
    assert all(a.seed for a in seed_cluster().articles)
    for article in load_sources(ROOT).articles:
        if article.seed is not None:
            assert (ROOT / article.seed).read_bytes() == article.raw_text.encode("utf-8")
