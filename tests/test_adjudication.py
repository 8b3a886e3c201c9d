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
