"""The annotation workbench in a real browser (headless Chromium driven by Playwright), end to end.

In a temporary tree: a cluster from two fictional reports, page chrome removed, claims made by
selecting text (one phrase occurs twice, and the second occurrence is the one anchored), every claim
pair considered, a save refused until every link has a rationale, a blind second pass, adjudication,
then ``validate``, ``build`` and ``eval`` on the tree. A second test shows that a save conflicting with
an edit made on disk is refused without losing the page's work, across a reload and a server restart.

Skipped, with the reason, where Chromium, Playwright or the extra ``annotate`` is missing.
"""

from __future__ import annotations

import json

from workbench import CLUSTER, PHRASE, REPORT_A, browser_page, jsonl, make_tree, run, select, wait_state, workbench

A, B = f"{CLUSTER}-a", f"{CLUSTER}-b"
#: The claims, as quoted spans: (article, text, which occurrence), in the order they are made.
CLAIMS = [
    (A, PHRASE, 1),  # the second occurrence first: its offsets must be the second's
    (A, "Ferry fire forces return to Port Aldwyn", 0),
    (A, "A fire broke out in the engine room of the ferry Callow on Tuesday evening", 0),
    (A, PHRASE, 0),
    (A, "All 212 passengers were safe", 0),
    (B, "Callow turns back after engine fire", 0),
    (B, "The ferry Callow turned back to Port Aldwyn", 0),
    (B, "after a fire in its engine room on Wednesday evening", 0),
    (B, "All 212 passengers were unhurt", 0),
]
#: The links of each pass by (claim of A, claim of B) numbers; every other cell is considered "none".
ANN1 = {
    (1, 1): ("related", "Both report the return after the fire; the headline adds the cause (G4.8)."),
    (2, 3): ("contradiction", "Tuesday vs Wednesday evening for the same fire (G4.3)."),
    (3, 2): ("b_more_specific", "B names Port Aldwyn where A says only 'port' (G4.6)."),
    (4, 4): ("equivalent", "Safe and unhurt: the same outcome for all 212 passengers (G4.7a)."),
    (5, 2): ("b_more_specific", "B names Port Aldwyn where A says only 'port' (G4.6)."),
}
ANN2 = {
    (2, 3): ("contradiction", "The same fire on Tuesday vs on Wednesday evening (G4.3)."),
    (3, 2): ("related", "Both say the ferry went back; 'port' vs Port Aldwyn."),
    (4, 4): ("equivalent", "All 212 passengers safe / unhurt (G4.7a)."),
    (5, 2): ("b_more_specific", "B names the port (G4.6)."),
}
KEY = {"equivalent": "e", "a_more_specific": "a", "b_more_specific": "b", "contradiction": "c", "related": "r"}


def cid(article: str, n: int) -> str:
    return f"{article}-{n:03d}"


def link_all(page, links: dict, leave_rationale_out: tuple[int, int] | None = None) -> None:
    """Consider every cell of the 5 x 4 grid with the keyboard: a relation key, or n for none."""
    page.keyboard.press("3")
    for i in range(1, 6):
        page.click(f'.claim-row[data-side="a"][data-id="{cid(A, i)}"]')
        for j in range(1, 5):
            page.click(f'.claim-row[data-side="b"][data-id="{cid(B, j)}"]')
            if (i, j) in links:
                relation, rationale = links[(i, j)]
                page.keyboard.press(KEY[relation])
                if (i, j) != leave_rationale_out:
                    page.fill("#rationale", rationale)
                page.keyboard.press("Escape")
            else:
                page.keyboard.press("n")


def test_two_passes_and_adjudication_in_the_browser(tmp_path):
    root = make_tree(tmp_path)
    raw_a = REPORT_A
    with workbench(root, "--pass", "ann1") as server, browser_page() as page:
        page.goto(server.url)
        wait_state(page, "ready", "1")
        # 1. chrome: the outlet line and the aggregator's line are removed by selection
        page.keyboard.press("1")
        for line in ("Harbour News\n", "Get all your news in one place.\n"):
            select(page, A, line)
            page.keyboard.press("x")
        # 2. claims by selection; a reload in the middle loses nothing
        page.keyboard.press("2")
        for n, (article, text, nth) in enumerate(CLAIMS):
            select(page, article, text, nth)
            page.keyboard.press("c")
            if n == 3:
                page.reload()
                wait_state(page, "ready", "1")
                assert page.evaluate("document.body.dataset.restored") == "1"
                wait_state(page, "claims", "4")
                page.keyboard.press("2")
        wait_state(page, "claims", str(len(CLAIMS)))
        # 3. every pair, keyboard only; the first save is refused: one link has no rationale
        link_all(page, ANN1, leave_rationale_out=(2, 3))
        wait_state(page, "complete", "1")
        page.keyboard.press("Control+s")
        wait_state(page, "refused", "422")
        problem = page.inner_text("#problems")
        assert f"link {cid(A, 2)} - {cid(B, 3)} · rationale" in problem, problem
        assert not (root / "annotations" / CLUSTER / "passes").exists()  # nothing was written
        page.click(f'.claim-row[data-side="a"][data-id="{cid(A, 2)}"]')
        page.click(f'.claim-row[data-side="b"][data-id="{cid(B, 3)}"]')
        page.fill("#rationale", ANN1[(2, 3)][1])
        page.keyboard.press("Escape")
        page.keyboard.press("Control+s")
        wait_state(page, "saved", "1")
        assert page.errors == []

    ann = root / "annotations" / CLUSTER
    claims = jsonl(ann / "claims.jsonl")
    by_id = {c["claim_id"]: c for c in claims}
    first = raw_a.index(PHRASE)
    second = raw_a.index(PHRASE, first + 1)
    # claims are numbered in reading order: the phrase's two occurrences are
    assert (by_id[cid(A, 3)]["start"], by_id[cid(A, 5)]["start"]) == (first, second)
    assert by_id[cid(A, 5)]["text"] == PHRASE == raw_a[second : second + len(PHRASE)]
    articles = {a["article_id"]: a for a in jsonl(root / "corpus" / CLUSTER / "articles.jsonl")}
    kept = raw_a[articles[A]["kept_ranges"][0][0] :]
    assert "Harbour News" not in "".join(raw_a[s:e] for s, e in articles[A]["kept_ranges"]) and kept
    assert "Get all your news" not in "".join(raw_a[s:e] for s, e in articles[A]["kept_ranges"])
    links = {(x["claim_a"], x["claim_b"]): x["relation"] for x in jsonl(ann / "passes" / "ann1.jsonl")}
    assert links == {(cid(A, i), cid(B, j)): rel for (i, j), (rel, _) in ANN1.items()}
    considered = json.loads((ann / "passes" / "ann1.considered.json").read_text(encoding="utf-8"))
    assert sum(len(v) for v in considered.values()) == 20

    # a blind second pass: it sees the claims, never ann1's links or rationales
    with workbench(root, "--pass", "ann2") as server, browser_page() as page:
        page.goto(server.url)
        wait_state(page, "ready", "1")
        assert page.evaluate("document.body.dataset.view") == "links"
        assert page.evaluate("document.body.dataset.links") == "0"
        state = server.call("/api/state")[1]
        assert "ann1" not in json.dumps({k: v for k, v in state.items() if k != "locked"})
        for _, rationale in ANN1.values():
            assert rationale not in page.content()
        link_all(page, ANN2)
        wait_state(page, "complete", "1")
        page.keyboard.press("Control+s")
        wait_state(page, "saved", "1")
        assert page.errors == []

    # adjudication: the two cells where the passes differ, each decided with a reason
    with workbench(root, "--adjudicate", "ann1", "ann2") as server, browser_page() as page:
        page.goto(server.url)
        wait_state(page, "ready", "1")
        wait_state(page, "disagreements", "2")
        cards = page.locator(".card")
        assert cards.count() == 2
        page.keyboard.press("1")  # the first cell (A-001 ~ B-001): take ann1's related, and its rationale
        page.keyboard.press("j")
        page.keyboard.press("b")  # A-003 ~ B-002: b_more_specific, with a reason of the adjudicator's
        page.locator(".card.current input.reason").fill("A's 'port' is Port Aldwyn, which B names (G4.6).")
        page.locator(".card.current input.rule").fill("G4.6")
        page.keyboard.press("Escape")
        wait_state(page, "decided", "2")
        page.keyboard.press("Control+s")
        wait_state(page, "saved", "1")
        assert page.errors == []

    gold = {(x["claim_a"], x["claim_b"]): x for x in jsonl(ann / "alignments.jsonl")}
    assert {k: v["relation"] for k, v in gold.items()} == {
        (cid(A, i), cid(B, j)): rel for (i, j), (rel, _) in ANN1.items()
    }
    assert (gold[(cid(A, 1), cid(B, 1))]["passes"], gold[(cid(A, 1), cid(B, 1))]["adjudicated"]) == (["ann1"], True)
    assert (gold[(cid(A, 2), cid(B, 3))]["passes"], gold[(cid(A, 2), cid(B, 3))]["adjudicated"]) == (
        ["ann1", "ann2"],
        False,
    )
    record = jsonl(ann / "adjudication" / "adjudication-ann1-ann2.jsonl")
    assert [(r["cell"], r["ann1"], r["ann2"], r["decision"]) for r in record] == [
        ([cid(A, 1), cid(B, 1)], "related", "none", "related"),
        ([cid(A, 3), cid(B, 2)], "b_more_specific", "related", "b_more_specific"),
    ]

    # the tree is valid; `alignbench agree` reproduces the agreement file that adjudication wrote
    assert run("validate", str(root), root=root).returncode == 0
    passes = [f"annotations/{CLUSTER}/passes/{name}.jsonl" for name in ("ann1", "ann2")]
    agreed = run("agree", *passes, "--format", "json", root=root)
    assert agreed.returncode == 0, agreed.stderr
    written = (ann / "adjudication" / "agreement-ann1-ann2.json").read_text(encoding="utf-8")
    assert agreed.stdout == written
    assert [(d["claim_a"], d["claim_b"]) for d in json.loads(written)["disagreements"]] == [
        (cid(A, 1), cid(B, 1)),
        (cid(A, 3), cid(B, 2)),
    ]
    # it builds, and the new cluster is scored
    built = run("build", "--root", str(root), root=root)
    assert built.returncode == 0, built.stderr
    scored = run(
        "eval",
        "--aligner",
        "tfidf",
        "--data",
        str(root / "data"),
        "--split",
        "test",
        "--cluster",
        CLUSTER,
        "--resamples",
        "0",
        "--format",
        "json",
        root=root,
    )
    assert scored.returncode == 0, scored.stderr
    # the tree's only cluster: naming it is the whole split, recorded as such
    assert "clusters" not in json.loads(scored.stdout)["dataset"]
    supports = json.loads(scored.stdout)["supports"]
    assert (supports["candidates"], supports["sure_links"], supports["possible_links"]) == (20, 4, 1)


def test_a_save_that_conflicts_with_the_disk_is_refused_and_the_work_survives(tmp_path):
    root = make_tree(tmp_path)
    articles = root / "corpus" / CLUSTER / "articles.jsonl"
    with workbench(root, "--pass", "ann1") as server, browser_page() as page:
        page.goto(server.url)
        wait_state(page, "ready", "1")
        page.keyboard.press("2")
        select(page, B, "All 212 passengers were unhurt")
        page.keyboard.press("c")
        wait_state(page, "claims", "1")
        # someone edits the articles file on disk while the page is open
        edited = articles.read_text(encoding="utf-8").replace('"notes": null', '"notes": "checked by hand"', 1)
        articles.write_text(edited, encoding="utf-8")
        page.keyboard.press("Control+s")
        wait_state(page, "refused", "409")
        assert "changed on disk" in page.inner_text("#banner")
        assert articles.read_text(encoding="utf-8") == edited  # not overwritten
        assert not (root / "annotations" / CLUSTER / "claims.jsonl").exists()
        assert page.evaluate("document.body.dataset.claims") == "1"  # the page keeps its work
        page.reload()  # a reload restores it
        wait_state(page, "ready", "1")
        wait_state(page, "claims", "1")
        assert "changed on disk" in page.inner_text("#banner")
        port = server.port
    # and so does a restart of the server (on the same port, with a new token)
    with workbench(root, "--pass", "ann1", port=port) as server, browser_page() as page:
        page.goto(server.url)
        wait_state(page, "ready", "1")
        assert page.evaluate("document.body.dataset.restored") == "1"
        wait_state(page, "claims", "1")
        assert page.errors == []


def test_claims_are_edited_by_hand_and_proposals_wait_for_a_person(tmp_path):
    root = make_tree(tmp_path)
    with workbench(root, "--pass", "ann1") as server, browser_page() as page:
        page.goto(server.url)
        wait_state(page, "ready", "1")
        page.keyboard.press("2")
        # proposals are shown, but none is a claim until it is accepted
        page.get_by_role("button", name="Propose sentences").nth(1).click()
        page.wait_for_selector(f'.text[data-article="{B}"] .seg.proposal')
        proposals = page.locator(f'.text[data-article="{B}"] .seg.proposal')
        count = proposals.count()
        assert count >= 2 and page.evaluate("document.body.dataset.claims") == "0"
        page.keyboard.press("Enter")  # accept the selected (first) proposal: B's headline
        wait_state(page, "claims", "1")
        for _ in range(count - 1):  # dismiss the others
            page.keyboard.press("Delete")
        assert proposals.count() == 0
        assert page.evaluate("document.body.dataset.claims") == "1"
        # split the headline claim at the cursor put after "Callow turns back"
        headline = "Callow turns back after engine fire"
        page.click(f'.text[data-article="{B}"] .seg.claim')
        page.evaluate(
            """(n) => { const seg = document.querySelector('.seg.claim.selected');
                        getSelection().collapse(seg.firstChild, n); }""",
            len("Callow turns back"),
        )
        page.keyboard.press("s")
        wait_state(page, "claims", "2")
        quotes = page.locator("ol.claims li .quote").all_inner_texts()
        assert quotes == ["“Callow turns back”", "“after engine fire”"]
        # merge them again, write a statement, then delete the claim
        page.click(f'.text[data-article="{B}"] .seg.claim.first')
        page.keyboard.press("m")
        wait_state(page, "claims", "1")
        assert page.locator("ol.claims li .quote").all_inner_texts() == [f"“{headline}”"]
        page.fill("ol.claims li input", "The ferry Callow turned back after a fire in its engine.")
        page.keyboard.press("Escape")
        # report A still has the aggregator's line: the save is refused, naming the article and field
        page.keyboard.press("Control+s")
        wait_state(page, "refused", "422")
        assert f"article {A} · kept_ranges: kept text still contains aggregator chrome" in page.inner_text("#problems")
        page.keyboard.press("1")
        select(page, A, "Get all your news in one place.\n")
        page.keyboard.press("x")
        page.keyboard.press("2")
        page.keyboard.press("Control+s")
        wait_state(page, "saved", "1")
        (claim,) = jsonl(root / "annotations" / CLUSTER / "claims.jsonl")
        assert (claim["start"], claim["end"], claim["text"]) == (0, len(headline), headline)
        assert claim["statement"] == "The ferry Callow turned back after a fire in its engine."
        page.click(f'.text[data-article="{B}"] .seg.claim')
        page.keyboard.press("Delete")
        wait_state(page, "claims", "0")
        assert page.errors == []
