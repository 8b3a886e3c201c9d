"""Golden test of the diagnostic split, read from the source files directly (json, not the package):
what issue 12 promised the split holds."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from conftest import ROOT


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def split() -> tuple[list[dict], list[dict]]:
    articles = [a for f in sorted((ROOT / "corpus").glob("*/articles.jsonl")) for a in _jsonl(f)]
    diagnostic = [a for a in articles if a.get("split") == "diagnostic"]
    clusters = sorted({a["cluster_id"] for a in diagnostic})
    links = [x for c in clusters for x in _jsonl(ROOT / "annotations" / c / "alignments.jsonl")]
    return diagnostic, links


def test_every_article_is_marked_synthetic(split):
    articles, _ = split
    assert articles
    for a in articles:
        assert a["synthetic"] is True, a["article_id"]
        assert a["source"].endswith("(synthetic)"), a["article_id"]
        assert a["url"] is None, a["article_id"]
        # a fictional report has no real date: the project chose one (a time where updates matter) and says so
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z))?", a["published"] or ""), a[
            "article_id"
        ]
        basis = a["published_basis"]
        assert basis.startswith("Synthetic") and ("chosen by the project" in basis or "fictional date" in basis), a[
            "article_id"
        ]


MONTHS = "January February March April May June July August September October November December".split()
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
DATELINE = re.compile(
    rf"^[A-Z][A-Z .'-]+, (?:({'|'.join(WEEKDAYS)}) )?(\d{{1,2}}) ({'|'.join(MONTHS)})(?: (\d{{4}}))?\b"
)


def test_publication_dates_agree_with_datelines(split):
    """A report with a dateline ("BRASK, 3 June - ", "KORRIN, Friday 10 October - ") is published on
    that date, so that its "yesterday" and "on Tuesday" resolve as its links assume (G4.3a)."""
    from datetime import datetime

    articles, _ = split
    checked = 0
    for a in articles:
        text = (ROOT / "corpus" / a["cluster_id"] / f"{a['article_id']}.txt").read_text(encoding="utf-8")
        lines = text.splitlines()
        found = DATELINE.match(lines[1]) if len(lines) > 1 else None
        if not found:
            continue  # no dateline: its days are resolved from the other dates it gives
        weekday, day, month, year = found.groups()
        published = datetime.fromisoformat(a["published"]).date()
        assert (published.day, published.month) == (int(day), MONTHS.index(month) + 1), a["article_id"]
        assert year is None or published.year == int(year), a["article_id"]
        assert weekday is None or WEEKDAYS[published.weekday()] == weekday, a["article_id"]
        checked += 1
    assert checked >= 30


def test_sizes_and_relations(split):
    articles, links = split
    assert len({a["cluster_id"] for a in articles}) >= 60
    assert len(links) >= 400
    relations = Counter(x["relation"] for x in links)
    assert relations["contradiction"] >= 100
    assert relations["a_more_specific"] + relations["b_more_specific"] >= 60
    assert relations["equivalent"] >= 60
    assert relations["related"] >= 60


def test_every_tag_has_fifteen_links(split):
    import ast

    _, links = split
    tags_py = (ROOT / "src" / "alignbench" / "sources" / "tags.py").read_text(encoding="utf-8")
    listed = ast.literal_eval(tags_py.split("PHENOMENON_TAGS: dict[str, str] = ", 1)[1].split("\n}\n", 1)[0] + "\n}")
    counts = Counter(t for x in links for t in x["tags"])
    assert set(counts) <= set(listed)
    assert all(x["tags"] for x in links)
    for tag in listed:
        assert counts[tag] >= 15, tag


def test_every_g4_rule_has_a_contradiction_and_a_non_contradiction(split):
    _, links = split
    cited: dict[str, Counter] = {f"G4.{i}": Counter() for i in range(1, 16)}  # G4.11-G4.15: GUIDELINES v3
    for x in links:
        for rule in set(re.findall(r"G4\.(\d+)\b", x["rationale"])):
            if f"G4.{rule}" in cited:
                cited[f"G4.{rule}"][x["relation"] == "contradiction"] += 1
    for rule, count in cited.items():
        assert count[True] >= 1 and count[False] >= 1, (rule, dict(count))


def _review_rows(text: str, heading: str) -> list[list[str]]:
    """The cells of the table rows naming a cluster in the section of the review that starts with ``heading``."""
    section = text.split(f"\n## {heading}", 1)[1].split("\n## ", 1)[0]
    return [
        [c.strip() for c in line.strip("|").split("|")] for line in section.splitlines() if line.startswith("| diag-")
    ]


def test_v3_review_records_match_the_gold_and_the_datasheet():
    """Every change listed in DIAGNOSTIC-v3-review.md is in the gold as listed, its totals are the
    number of rows it lists, and DATASHEET.md quotes those totals (computed here, not typed)."""
    review = (ROOT / "annotations" / "DIAGNOSTIC-v3-review.md").read_text(encoding="utf-8")
    gold = {}
    for folder in sorted((ROOT / "annotations").glob("diag-*")):
        for x in _jsonl(folder / "alignments.jsonl"):
            gold[(x["claim_a"], x["claim_b"])] = x

    def key(cluster: str, link: str) -> tuple[str, str]:
        prefix = cluster[: len("diag-000")]
        a, b = (f"{prefix}-{part.strip()}" for part in link.split("/"))
        return a, b

    # cells decided later in the blind second pass's adjudication (adjudication/adjudication-*.jsonl) follow
    # that decision, not the review's
    adjudicated = {
        tuple(json.loads(line)["cell"])
        for path in (ROOT / "annotations").glob("diag-*/adjudication/adjudication-*.jsonl")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    changed = _review_rows(review, "A. ")
    for cluster, link, was, now, *_ in changed:
        if key(cluster, link) in adjudicated:
            continue
        assert gold[key(cluster, link)]["relation"] == now != was, (cluster, link)
    moved = _review_rows(review, "B. ")
    added = [row for row in moved if row[2].startswith("added")]
    removed = [row for row in moved if row[2].startswith("removed")]
    assert len(added) + len(removed) == len(moved)
    assert all(key(c, link) in gold for c, link, *_ in added if key(c, link) not in adjudicated)
    assert not any(key(c, link) in gold for c, link, *_ in removed if key(c, link) not in adjudicated)
    retagged = _review_rows(review, "D. ")
    for cluster, link, relation, taken, given in retagged:
        if key(cluster, link) in adjudicated:
            continue
        tags = set(gold[key(cluster, link)]["tags"])
        assert gold[key(cluster, link)]["relation"] == relation
        assert {t.strip("`") for t in given.split(", ") if t != "-"} <= tags, (cluster, link)
        assert not {t.strip("`") for t in taken.split(", ") if t != "-"} & tags, (cluster, link)

    totals = re.search(
        r"Totals: \*\*(\d+) labels changed, (\d+) links? added, (\d+) links? removed, (\d+) links' tags", review
    )
    assert [int(n) for n in totals.groups()] == [len(changed), len(added), len(removed), len(retagged)]
    datasheet = (ROOT / "DATASHEET.md").read_text(encoding="utf-8").split("## The diagnostic split", 1)[1]
    section = " ".join(datasheet.split("\n## ", 1)[0].split())
    assert f"{len(changed)} labels changed" in section
    for (was, now), n in Counter((row[2], row[3]) for row in changed).items():
        assert f"{n} {was} -> {now}" in section
    assert f"{len(added)} link{'s' * (len(added) != 1)} added and {len(removed)} links removed" in section
    assert f"the tags of {len(retagged)} links" in section
