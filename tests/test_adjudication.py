"""The published agreement of the seed cluster's passes, and the adjudication into gold v2.

The DATASHEET's agreement figures and the committed ``adjudication/agreement-v0.1.json`` must be what
``alignbench agree`` computes on the committed passes (on the claim units they were made on).
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import CLUSTER, ROOT

from alignbench.cli import main

ANN = ROOT / "annotations" / CLUSTER
PASSES = [f"annotations/{CLUSTER}/passes/ann1.jsonl", f"annotations/{CLUSTER}/passes/ann2.jsonl"]
EXCLUDE = f"annotations/{CLUSTER}/adjudication/worked-examples-v1.jsonl"


@pytest.fixture
def computed(monkeypatch, capsys) -> dict:
    """``alignbench agree --format json`` on the committed passes, run from the repository root."""
    monkeypatch.chdir(ROOT)
    status = main(["agree", *PASSES, "--exclude", EXCLUDE, "--format", "json"])
    out, err = capsys.readouterr()
    assert (status, err) == (0, "")
    return json.loads(out)


def datasheet_agreement() -> dict[str, tuple[str, str]]:
    text = (ROOT / "DATASHEET.md").read_text(encoding="utf-8")
    section = text.split("**Inter-annotator agreement.**", 1)[1].split("\n## ", 1)[0]
    rows = re.finditer(r"^\| ([^|]+?) \| ([^|]+?) \| ([^|]+?) \|$", section, re.M)
    return {m.group(1): (m.group(2), m.group(3)) for m in rows if not m.group(1).startswith(("figure", "---"))}


def _f(value: float) -> str:
    return f"{value:.3f}"


def test_datasheet_agreement_figures_are_what_agree_computes(computed):
    scopes = [computed["all_cells"], computed["without_excluded"]]
    pairs = [scope["pairs"][0] for scope in scopes]
    assert [p["first"] for p in pairs] == ["ann1", "ann1"] and [p["second"] for p in pairs] == ["ann2", "ann2"]

    def both(get) -> tuple[str, str]:
        return tuple(get(scope, pair) for scope, pair in zip(scopes, pairs, strict=True))

    expected = {
        "cells": both(lambda s, p: str(s["cells"])),
        "links in both / ann1 only / ann2 only": both(
            lambda s, p: f"{p['link']['both']} / {p['link']['first_only']} / {p['link']['second_only']}"
        ),
        **{f"any link {k}": both(lambda s, p, k=k: _f(p["link"][k])) for k in ("P", "R", "F1")},
        **{f"sure link {k}": both(lambda s, p, k=k: _f(p["sure_link"][k])) for k in ("P", "R", "F1")},
        "Cohen's kappa, 6 labels": both(lambda s, p: _f(p["kappa"])),
        "Cohen's kappa, none/related/sure": both(lambda s, p: _f(p["kappa_none_related_sure"])),
        "Cohen's kappa, cells both linked": both(lambda s, p: _f(p["kappa_linked"])),
        "cells both linked": both(lambda s, p: str(p["linked_cells"])),
        "observed agreement, 6 labels": both(lambda s, p: _f(p["observed_agreement"])),
        "Krippendorff's alpha, 6 labels": both(lambda s, p: _f(s["alpha"])),
    }
    assert datasheet_agreement() == expected
    # the caveat's cell count is the exclusion file's
    assert scopes[0]["cells"] - scopes[1]["cells"] == len(computed["excluded"]["cells"]) == 7


def test_committed_agreement_file_is_reproducible(computed):
    committed = json.loads((ANN / "adjudication" / "agreement-v0.1.json").read_text(encoding="utf-8"))
    assert committed == computed


def _jsonl(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_every_disagreement_is_adjudicated_once(computed):
    adjudicated = _jsonl(ANN / "adjudication" / "adjudication-v0.1.jsonl")
    disagreements = {(d["claim_a"], d["claim_b"]): d["labels"] for d in computed["disagreements"]}
    assert [tuple(r["cell"]) for r in adjudicated] == list(disagreements)  # every cell, in grid order
    gold = {(x["claim_a"], x["claim_b"]): x["relation"] for x in _jsonl(ANN / "alignments.jsonl")}
    for row in adjudicated:
        assert {"ann1": row["ann1"], "ann2": row["ann2"]} == disagreements[tuple(row["cell"])]
        assert row["reason"].strip() and row["rule"].startswith("G")
        for cell in row["v0.2_cells"]:  # what the decision became in the gold
            assert gold.get((cell["claim_a"], cell["claim_b"]), "none") == cell["relation"], row


def test_gold_links_record_the_passes_that_gave_their_label():
    """``passes`` of a gold link = the passes whose label on its 0.1.0 cell (through the claim map)
    equals the gold label; cells of split or new claims have no 0.1.0 cell: [] and adjudicated."""
    same = {}
    for row in _jsonl(ANN / "adjudication" / "claim-map-v0.1-v0.2.jsonl"):
        if row["change"] in ("same", "renumbered", "statement", "trimmed"):
            (new,) = row["v0.2"]
            same[new] = row["v0.1"]
    labels = {
        name: {(x["claim_a"], x["claim_b"]): x["relation"] for x in _jsonl(ANN / "passes" / f"{name}.jsonl")}
        for name in ("ann1", "ann2")
    }
    for link in _jsonl(ANN / "alignments.jsonl"):
        a, b = same.get(link["claim_a"]), same.get(link["claim_b"])
        if a is None or b is None:
            assert (link["passes"], link["adjudicated"]) == ([], True), link
            continue
        had = [name for name in ("ann1", "ann2") if labels[name].get((a, b), "none") == link["relation"]]
        assert link["passes"] == had, link
        assert link["adjudicated"] == (had != ["ann1", "ann2"]), link
