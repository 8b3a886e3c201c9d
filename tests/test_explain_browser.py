"""The explain page in a real browser (headless Chromium): after its scripts ran, every claim has its
span and every gold or decided link its row and line, outcomes match what the gold and the prediction
file say, filters set in the URL change what is shown, and no injected markup runs.

Skipped, with the reason, where Chromium cannot be found (see tests/browser.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser import body, chromium, dump_dom, elements
from conftest import CLUSTER
from explain_fixture import EVIL_ID, EVIL_SYSTEM, OUTCOMES, explain_benchmark, explain_predictions

from alignbench.cli import main
from alignbench.dataset.load import load_benchmark
from alignbench.runs import explain
from alignbench.scoring.space import CandidateSpace
from alignbench.scoring.subset import select_clusters
from alignbench.views import explain as explain_view

#: The page shows one article pair at a time: these tests look at the seed cluster's one pair
#: (``--cluster``), whatever other clusters the split holds.
SEED = select_clusters(load_benchmark(), [CLUSTER])
#: The seed cluster's one gold contradiction (the distance claims), read from the gold, not hard-coded.
CONTRADICTION = next((x.claim_a, x.claim_b) for x in SEED.alignments if x.relation == "contradiction")
SURE = {"equivalent", "a_more_specific", "b_more_specific", "contradiction"}


def _expected_links(preds: Path) -> dict[tuple[str, str], dict]:
    """Gold and decided links of the bundled split, worked out from the records and the file itself."""
    rows = [json.loads(line) for line in preds.read_text(encoding="utf-8").splitlines()]
    predicted = {(r["claim_a"], r["claim_b"]): r for r in rows}
    gold = {(x.claim_a, x.claim_b): x.relation for x in SEED.alignments}
    links = {}
    for key in set(gold) | {k for k, r in predicted.items() if r["label"] != "none"}:
        g, p = gold.get(key, "none"), predicted[key]["label"]
        if g == "none":
            outcome = "false"
        elif g == "related":
            outcome = "missed_possible" if p == "none" else "found_possible"
        else:
            outcome = "missed" if p == "none" else "correct" if p == g else "wrong_relation"
        links[key] = {"gold": g, "label": p, "score": predicted[key]["score"], "outcome": outcome}
    return links


@pytest.fixture(scope="module")
def bundled_page(tmp_path_factory) -> tuple[Path, dict]:
    chromium()  # skip before any work where there is no browser
    folder = tmp_path_factory.mktemp("explain")
    preds, page = folder / "tfidf.jsonl", folder / "tfidf.html"
    assert main(["run", "tfidf", "--cluster", CLUSTER, "-o", str(preds)]) == 0
    assert main(["explain", "--aligner", "tfidf", "--cluster", CLUSTER, "--resamples", "0", "-o", str(page)]) == 0
    return page, _expected_links(preds)


def _rows(dom: str) -> list:
    return [e for e in elements(dom) if e.tag == "tr" and "data-link" in e.attrs]


def test_every_claim_span_and_link_is_rendered_with_its_outcome(bundled_page):
    page, expected = bundled_page
    dom = dump_dom(page)
    state = body(dom)
    assert state["data-ready"] == "1" and "data-js-errors" not in state
    spans = [e.attrs["data-claim"] for e in elements(dom) if e.tag == "span" and "data-claim" in e.attrs]
    assert sorted(spans) == sorted(c.claim_id for c in SEED.claims)
    rows = _rows(dom)
    got = {(r.attrs["data-a"], r.attrs["data-b"]): r for r in rows}
    assert len(rows) == len(got) == len(expected) and not any(r.hidden for r in rows)
    assert {k: r.attrs["data-outcome"] for k, r in got.items()} == {k: v["outcome"] for k, v in expected.items()}
    assert {k: r.attrs["data-gold"] for k, r in got.items()} == {k: v["gold"] for k, v in expected.items()}
    lines = [e for e in elements(dom) if e.tag == "path" and "link-line" in e.attrs.get("class", "")]
    assert len(lines) == len(expected)
    # the distance contradiction is shown, marked as one, with its outcome
    distance = got[CONTRADICTION]
    assert "contra" in distance.attrs["class"].split() and not distance.hidden
    assert distance.attrs["data-outcome"] == expected[CONTRADICTION]["outcome"]
    contra_spans = {
        e.attrs["data-claim"] for e in elements(dom) if e.tag == "span" and "contra" in e.attrs.get("class", "").split()
    }
    assert set(CONTRADICTION) <= contra_spans


@pytest.mark.parametrize(
    ("fragment", "keep"),
    [
        ("outcome=false,wrong_relation", lambda v: v["outcome"] in ("false", "wrong_relation")),
        ("relation=contradiction", lambda v: "contradiction" in (v["gold"], v["label"])),
        ("min=0.3", lambda v: v["score"] >= 0.3),
    ],
)
def test_filters_in_the_url_change_what_is_shown(bundled_page, fragment, keep):
    page, expected = bundled_page
    dom = dump_dom(page, "pair=0&" + fragment)
    shown = {(r.attrs["data-a"], r.attrs["data-b"]) for r in _rows(dom) if not r.hidden}
    want = {k for k, v in expected.items() if keep(v)}
    assert shown == want and 0 < len(want) < len(expected)
    assert body(dom)["data-visible-links"] == str(len(want))
    lines = [e for e in elements(dom) if e.tag == "path" and "link-line" in e.attrs.get("class", "")]
    assert len(lines) == len(want)


def test_hostile_ids_names_and_rationales_stay_text(tmp_path):
    chromium()
    bench = explain_benchmark()
    space = CandidateSpace(bench)
    path = explain_predictions(tmp_path / "p.jsonl")
    runs = [
        explain.prediction_run(str(path), EVIL_SYSTEM, bench, space, {}, split="test", resamples=0, seed=0),
        explain.prediction_run(str(path), "same file", bench, space, {}, split="test", resamples=0, seed=0),
    ]
    page = tmp_path / "page.html"
    page.write_text(explain_view.page(bench, space, runs, "test"), encoding="utf-8")
    dom = dump_dom(page, "claim=" + EVIL_ID)  # the details panel shows the claim and its rationales
    assert "<title>alignbench explain: sys&lt;script&gt;" in dom  # nothing set document.title
    state = body(dom)
    assert state["data-ready"] == "1" and "data-js-errors" not in state
    found = elements(dom)
    assert not [e for e in found if e.tag == "img" and e.attrs.get("src") == "x"]
    assert not [e for e in found if e.tag == "a" and e.attrs.get("href", "").startswith("javascript:")]
    assert [e.tag for e in found if e.attrs.get("data-claim") == EVIL_ID] == ["span"]
    rows = {(r.attrs["data-a"], r.attrs["data-b"]): r.attrs["data-outcome"] for r in _rows(dom)}
    assert rows == OUTCOMES
    assert [e.tag for e in found if e.tag == "script"] == ["script", "script"]
    assert not any("differs" in e.attrs.get("class", "").split() for e in found if e.tag == "td")  # same file twice


def test_compare_highlights_and_filters_the_links_where_systems_differ(tmp_path):
    chromium()
    bench = explain_benchmark()
    space = CandidateSpace(bench)
    first = explain_predictions(tmp_path / "a.jsonl")
    rows = [json.loads(line) for line in first.read_text(encoding="utf-8").splitlines()]
    for row in rows:  # the second system gets the contradiction right and drops the false link
        if (row["claim_a"], row["claim_b"]) == ("p-1", "q-1"):
            row["label"] = "contradiction"
        if (row["claim_a"], row["claim_b"]) == (EVIL_ID, "q-1"):
            row["label"] = "none"
    second = tmp_path / "b.jsonl"
    second.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    options = {"split": "test", "resamples": 0, "seed": 0}
    runs = [explain.prediction_run(str(p), None, bench, space, {}, **options) for p in (first, second)]
    page = tmp_path / "page.html"
    page.write_text(explain_view.page(bench, space, runs, "test"), encoding="utf-8")
    differing = {("p-1", "q-1"), (EVIL_ID, "q-1")}

    dom = dump_dom(page)
    found = elements(dom)
    rows_shown = {(r.attrs["data-a"], r.attrs["data-b"]) for r in _rows(dom) if not r.hidden}
    assert rows_shown == set(OUTCOMES)
    marked, row = set(), None  # rows holding a cell marked as differing
    for e in found:
        if e.tag == "tr":  # report tables' rows hold differing cells too: they reset the row
            row = (e.attrs["data-a"], e.attrs["data-b"]) if "data-link" in e.attrs else None
        elif e.tag == "td" and row and "differs" in e.attrs.get("class", "").split():
            marked.add(row)
    assert marked == differing
    dom = dump_dom(page, "diff=1")
    assert {(r.attrs["data-a"], r.attrs["data-b"]) for r in _rows(dom) if not r.hidden} == differing


def test_the_tag_filter_shows_the_links_with_that_phenomenon_tag(tmp_path):
    chromium()
    bench = explain_benchmark()
    tags = {("p-1", "q-1"): ("numbers",), ("p-2", "q-3"): ("numbers", "paraphrase")}
    links = tuple(x._replace(tags=tags.get((x.claim_a, x.claim_b), ())) for x in bench.alignments)
    bench = bench._replace(alignments=links)
    space = CandidateSpace(bench)
    path = explain_predictions(tmp_path / "p.jsonl")
    runs = [explain.prediction_run(str(path), None, bench, space, {}, split="test", resamples=0, seed=0)]
    page = tmp_path / "page.html"
    page.write_text(explain_view.page(bench, space, runs, "test"), encoding="utf-8")
    options = [e.attrs.get("value") for e in elements(dump_dom(page)) if e.tag == "option" and e.attrs.get("value")]
    assert {"numbers", "paraphrase"} <= set(options)
    for tag, want in (("numbers", set(tags)), ("paraphrase", {("p-2", "q-3")})):
        dom = dump_dom(page, f"tag={tag}")
        assert {(r.attrs["data-a"], r.attrs["data-b"]) for r in _rows(dom) if not r.hidden} == want


def test_a_selected_claim_shows_its_links_and_the_gold_rationale(bundled_page):
    page, expected = bundled_page
    claim, partner_id = CONTRADICTION
    dom = dump_dom(page, f"pair=0&claim={claim}")
    found = elements(dom)
    selected = [e.attrs["data-claim"] for e in found if "selected" in e.attrs.get("class", "").split()]
    assert selected == [claim]
    own = {k for k in expected if claim in k}
    details = [e for e in found if e.tag == "div" and e.attrs.get("class") == "link" and "data-link" in e.attrs]
    assert len(details) == len(own) == 1
    assert [e for e in found if e.attrs.get("class") == "rationale"]  # the gold link's rationale is shown
    partner = [e.attrs["data-claim"] for e in found if "linked-to" in e.attrs.get("class", "").split()]
    assert partner == [partner_id]
