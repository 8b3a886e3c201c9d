"""The priors of a split (scoring/priors.py), by hand on the tiny fixture, and the script that prints them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from fixture import tiny_benchmark

from alignbench.scoring.priors import priors, priors_table

ROOT = Path(__file__).resolve().parents[1]


def test_priors_by_hand():
    values = priors(tiny_benchmark())
    # x: 3 claims, y: 4 claims -> 12 candidates; 4 gold links, 3 sure; y-4 has no link
    assert values["candidates"] == 12 and values["gold_links"] == 4 and values["sure_links"] == 3
    assert values["link_density"] == pytest.approx(4 / 12)
    assert values["unlinked_claims"] == pytest.approx(1 / 7)
    assert values["contradiction_share"] == pytest.approx(1 / 4)
    # ranks (start 0, by id): x-1..x-3 -> 0..2, y-1..y-4 -> 0..3: x-1/y-1 and x-2/y-2 share an index, x-3/y-1 not
    assert values["sure_same_index"] == pytest.approx(2 / 3)
    # positions x 1/6, 1/2, 5/6; y 1/8, 3/8, 5/8, 7/8: only x-1/y-1 within 0.1
    assert values["sure_same_position"] == pytest.approx(1 / 3)
    assert values["words_mean"] == 1 and values["articles_250_words"] == 0
    assert values["dated_articles"] == 0 and values["articles_quoting"] == 0


def test_table_has_a_column_per_split_and_the_floor_row():
    table = priors_table({"a": priors(tiny_benchmark()), "b": priors(tiny_benchmark())}, {"a": 0.4})
    lines = table.splitlines()
    assert lines[0] == "| | a | b |"
    assert "| claims with no link | 14.3% | 14.3% |" in lines
    assert lines[-1] == "| link F1 of the `position` floor (no text read) | 0.400 | - |"


def test_script_prints_every_split_of_the_bundled_data():
    from alignbench.dataset.load import available_splits

    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "priors.py"), "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    data = json.loads(out)
    assert sorted(data) == sorted(available_splits(None))
    for values in data.values():
        assert 0 <= values["unlinked_claims"] <= 1 and 0 <= values["position_floor_link_F1"] <= 1


def test_datasheet_priors_block_is_current():
    from alignbench.runs.priors import MARKER, priors_block

    text = (ROOT / "DATASHEET.md").read_text(encoding="utf-8")
    assert f"<!-- {MARKER}:start -->\n{priors_block()}<!-- {MARKER}:end -->" in text, (
        "DATASHEET priors are stale: run alignbench eval --baselines --update"
    )
