"""Publication dates: a date, or a date and time with its UTC offset (GUIDELINES G4.12 compares
reports published hours apart), and nothing else."""

from __future__ import annotations

import json

import pytest

from alignbench.sources.corpus import check_sources, load_sources

CLUSTER = "diag-001-merrow-queen-fire"


def _set_published(root, value: object) -> None:
    path = root / "corpus" / CLUSTER / "articles.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    rows[0]["published"] = value
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


@pytest.mark.parametrize(
    "value", ["2026-03-14", "2026-03-14T09:10:00+00:00", "2026-03-14T09:10+02:00", "2026-03-14T23:59:59Z", None]
)
def test_dates_and_times_with_an_offset_are_accepted(sources, value):
    _set_published(sources, value)
    _, problems = check_sources(sources)
    assert problems == []
    article = next(a for a in load_sources(sources).articles if a.article_id == "diag-001-a")
    assert article.published == value


@pytest.mark.parametrize(
    "value",
    [
        "14 March 2026",
        "2026-03-14 09:10",  # a space instead of T
        "2026-03-14T09:10:00",  # no offset: the instant is unknown
        "2026-03-14T09",
        "2026-02-30",  # no such day
        "2026-03-14T25:10:00+00:00",  # no such hour
    ],
)
def test_other_forms_and_impossible_dates_are_rejected(sources, value):
    _set_published(sources, value)
    _, problems = check_sources(sources)
    assert problems == [
        f"corpus/{CLUSTER}/articles.jsonl:1: published must be an ISO date YYYY-MM-DD, a date and time with "
        f"its UTC offset YYYY-MM-DDTHH:MM[:SS]+HH:MM, or null, got '{value}'"
    ]
