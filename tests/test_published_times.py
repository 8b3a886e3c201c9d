"""``published`` may carry a time with its UTC offset (GUIDELINES G4.12 compares reports published
hours apart); anything else that is not an ISO date is one problem naming the file and line."""

from __future__ import annotations

import json

import pytest
from test_splits import CLUSTER, add_synthetic_cluster

from alignbench.sources.corpus import check_sources, load_sources


def _set_published(root, values: list[str | None]) -> None:
    path = root / "corpus" / CLUSTER / "articles.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    for row, value in zip(rows, values, strict=True):
        row["published"] = value
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


def test_date_and_time_with_offset_are_accepted_and_kept(sources):
    add_synthetic_cluster(sources)
    _set_published(sources, ["2026-03-14T09:10:00+00:00", "2026-03-14"])
    _, problems = check_sources(sources)
    assert problems == []
    diag = load_sources(sources).split("diagnostic")
    assert [a.published for a in diag.articles] == ["2026-03-14T09:10:00+00:00", "2026-03-14"]


@pytest.mark.parametrize(
    "value",
    ["2026-03-14 09:10", "2026-03-14T09:10:00", "2026-02-30", "2026-03-14T25:10:00+00:00", "14 March 2026"],
)
def test_other_published_values_are_one_problem_each(sources, value):
    add_synthetic_cluster(sources)
    _set_published(sources, [value, None])
    _, problems = check_sources(sources)
    assert problems == [
        f"corpus/{CLUSTER}/articles.jsonl:1: published must be an ISO date YYYY-MM-DD, or a date and time "
        f"with its UTC offset (YYYY-MM-DDTHH:MM:SS+HH:MM), or null, got {value!r}"
    ]
