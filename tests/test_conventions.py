"""``alignbench validate`` enforces and explains the conventions that tie a cluster's split, folder
name, ``synthetic`` flag, source and tags together (``alignbench.sources.conventions``), so that no
test has to know them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from cluster_fixture import ADDED_CLUSTER, add_cluster
from test_splits import CLUSTER, add_synthetic_cluster

from alignbench.sources.corpus import check_sources


def _rewrite(path: Path, change) -> None:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for row in rows:
        change(row)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def _rename(root: Path, old: str, new: str) -> None:
    for part in ("corpus", "annotations"):
        shutil.move(root / part / old, root / part / new)
    _rewrite(root / "corpus" / new / "articles.jsonl", lambda row: row.update(cluster_id=new))


def test_an_added_real_cluster_is_valid(sources):
    add_cluster(sources)
    bench, problems = check_sources(sources)
    assert problems == []
    assert {a.split for a in bench.articles if a.cluster_id == ADDED_CLUSTER} == {"test"}


def test_a_diagnostic_cluster_is_named_diag(sources):
    add_synthetic_cluster(sources)
    _rename(sources, CLUSTER, "ferry-900")
    _, problems = check_sources(sources)
    assert problems == [
        "corpus/ferry-900/articles.jsonl:1: cluster 'ferry-900' is in the 'diagnostic' split, so its folder must be "
        "named 'diag-NNN-<slug>' (rename corpus/ and annotations/ folders and cluster_id)"
    ]


def test_diag_names_are_kept_for_the_diagnostic_split(sources):
    add_cluster(sources)
    _rename(sources, ADDED_CLUSTER, "diag-vellmar")
    _, problems = check_sources(sources)
    assert problems == [
        "corpus/diag-vellmar/articles.jsonl:1: the folder name prefix 'diag-' is kept for the 'diagnostic' split, "
        "but cluster 'diag-vellmar' is in split 'test': rename the cluster, or make it a diagnostic cluster "
        "(split 'diagnostic', synthetic articles)"
    ]


def test_a_synthetic_article_says_so_in_its_source_and_has_no_url_or_date(sources):
    add_synthetic_cluster(sources)
    path = sources / "corpus" / CLUSTER / "articles.jsonl"
    _rewrite(path, lambda row: row.update(source="The Tarrow Ledger") if row["article_id"].endswith("-a") else None)
    _rewrite(path, lambda row: row.update(url="https://example.org/") if row["article_id"].endswith("-b") else None)
    _, problems = check_sources(sources)
    assert problems == [
        f"corpus/{CLUSTER}/articles.jsonl:1: the source of a synthetic article ends with '(synthetic)', "
        "got 'The Tarrow Ledger'",
        f"corpus/{CLUSTER}/articles.jsonl:2: a synthetic article has no url (it was never published): set 'url' to null",
    ]


def test_a_real_article_does_not_call_itself_synthetic(sources):
    add_cluster(sources)
    path = sources / "corpus" / ADDED_CLUSTER / "articles.jsonl"
    _rewrite(path, lambda row: row.update(source=row["source"] + " (synthetic)"))
    _, problems = check_sources(sources)
    assert len(problems) == 2
    assert problems[0].startswith(
        f"corpus/{ADDED_CLUSTER}/articles.jsonl:1: source 'The Vellmar Courier (synthetic)' says synthetic, but the "
        "article is not: a real article names its outlet (or 'unknown'); fictional text belongs to the 'diagnostic' split"
    )


def test_every_diagnostic_link_carries_a_tag_and_real_links_may(sources):
    add_synthetic_cluster(sources)
    _rewrite(sources / "annotations" / CLUSTER / "alignments.jsonl", lambda row: row.pop("tags"))
    add_cluster(sources)
    _rewrite(sources / "annotations" / ADDED_CLUSTER / "alignments.jsonl", lambda row: row.update(tags=["negation"]))
    _, problems = check_sources(sources)
    required = "carries at least one phenomenon tag"
    assert [p for p in problems if required in p] == [
        f"annotations/{CLUSTER}/alignments.jsonl:1: a gold link of the 'diagnostic' split carries at least one "
        'phenomenon tag ("tags": [...], from annotations/TAGS.md): the split is scored per tag'
    ]
    # a real link may carry tags (then the tag definitions of TAGS.md apply to it like to any link)
    assert not any(p.startswith(f"annotations/{ADDED_CLUSTER}/") and required in p for p in problems)
