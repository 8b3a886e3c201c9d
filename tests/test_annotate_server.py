"""The workbench server over HTTP: it listens on 127.0.0.1 only, refuses requests without the token or
with a foreign Host, checks saves like validate (naming claim and field), refuses a save over a file
that changed on disk, keeps drafts, and shows a pass neither the gold nor other passes."""

from __future__ import annotations

import http.client
import json
from pathlib import Path

import pytest
from test_scaffold import _annotate
from workbench import CLUSTER, make_tree, needs_extra, workbench


@pytest.fixture
def tree(tmp_path) -> Path:
    needs_extra()
    return make_tree(tmp_path)


def _listening(port: int) -> list[str]:
    """The local addresses listening on ``port`` (from /proc/net/tcp and tcp6), as hex ``ADDR:PORT``."""
    found = []
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(name).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                found.append(local)
    return found


def test_listens_on_127_0_0_1_only_and_refuses_requests_without_the_token(tree):
    with workbench(tree, "--pass", "ann1") as server:
        assert server.url.startswith("http://127.0.0.1:")
        if not Path("/proc/net/tcp").exists():
            pytest.skip("no /proc/net/tcp to read the listening sockets from")
        assert _listening(server.port) == [f"0100007F:{server.port:04X}"]  # 127.0.0.1, and nothing else
        assert server.call("/api/state")[0] == 200
        for token in (False, "", "x" * 32, server.token[:-1]):
            status, body = server.call("/api/state", token=token)
            assert status == 403 and "forbidden" in body
        status, body = server.call("/api/save", {"claims": []}, token=False)
        assert status == 403
        assert not (tree / "annotations" / CLUSTER / "claims.jsonl").exists()
        # the page itself needs the token in its URL
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        connection.request("GET", "/")
        refused = connection.getresponse()
        assert refused.status == 403 and refused.read()
        connection.request("GET", f"/?token={server.token}")
        response = connection.getresponse()
        page = response.read().decode()
        assert response.status == 200 and "default-src 'none'" in response.getheader("Content-Security-Policy")
        assert "http://" not in page.replace("http://127.0.0.1", "") and "https://" not in page  # nothing fetched
        # a foreign Host (DNS rebinding) is refused even with the token
        connection.request("GET", f"/api/state?token={server.token}", headers={"Host": "attacker.example"})
        foreign = connection.getresponse()
        assert foreign.status == 400 and foreign.read()
        connection.close()


def _claim(aid: str, n: int, start: int, end: int, text: str) -> dict:
    return {
        "claim_id": f"{aid}-{n:03d}",
        "article_id": aid,
        "start": start,
        "end": end,
        "text": text,
        "statement": None,
    }


def test_a_save_is_checked_like_validate_and_refused_on_conflict(tree):
    a, b = f"{CLUSTER}-a", f"{CLUSTER}-b"
    articles = tree / "corpus" / CLUSTER / "articles.jsonl"
    with workbench(tree, "--pass", "ann1") as server:
        state = server.call("/api/state")[1]
        kept = {a: [[13, 53], [85, 271]], b: [[0, 165]]}
        good = [
            _claim(a, 1, 13, 52, "Ferry fire forces return to Port Aldwyn"),
            _claim(b, 1, 0, 35, "Callow turns back after engine fire"),
        ]
        bad = [good[0], {**good[1], "text": "Callow turned back"}]
        # a claim whose quote is not the raw text at its offsets: refused, naming the claim and field
        status, body = server.call("/api/save", {"base": state["base"], "kept_ranges": kept, "claims": bad})
        assert status == 422, body
        (problem,) = body["problems"]
        assert (problem["kind"], problem["id"], problem["field"]) == ("claim", f"{b}-001", "text")
        assert not (tree / "annotations" / CLUSTER / "claims.jsonl").exists()
        # the aggregator line left in the kept text: refused, naming the article and kept_ranges
        status, body = server.call("/api/save", {"base": state["base"], "kept_ranges": {a: [[0, 271]]}, "claims": good})
        assert status == 422 and (body["problems"][0]["id"], body["problems"][0]["field"]) == (a, "kept_ranges")
        # a draft is kept, and returned with the state
        assert server.call("/api/draft", {"work": {"edited_at": 1}, "base": state["base"]})[0] == 200
        assert server.call("/api/state")[1]["draft"] == {"work": {"edited_at": 1}, "base": state["base"]}
        # an edit on disk since the page loaded: refused, the file left as it is, the draft kept
        edited = articles.read_text(encoding="utf-8").replace('"notes": null', '"notes": "checked"', 1)
        articles.write_text(edited, encoding="utf-8")
        status, body = server.call("/api/save", {"base": state["base"], "kept_ranges": kept, "claims": good})
        assert status == 409 and body["conflict"] == [f"corpus/{CLUSTER}/articles.jsonl"]
        assert articles.read_text(encoding="utf-8") == edited
        assert server.call("/api/state")[1]["draft"] is not None
        # with the page's base renewed, the save goes through and the draft is gone
        state = server.call("/api/state")[1]
        status, body = server.call("/api/save", {"base": state["base"], "kept_ranges": kept, "claims": good})
        assert status == 200, body
        assert sorted(body["written"]) == [f"annotations/{CLUSTER}/claims.jsonl", f"corpus/{CLUSTER}/articles.jsonl"]
        assert '"notes": "checked"' in articles.read_text(encoding="utf-8")  # the edit on disk is kept
        assert server.call("/api/state")[1]["draft"] is None


def test_a_pass_sees_neither_the_gold_nor_other_passes(tree):
    ann = _annotate(tree)
    secret = "a rationale only ann1 wrote"
    row = json.loads((ann / "passes" / "ann1.jsonl").read_text())
    (ann / "passes" / "ann1.jsonl").write_text(json.dumps({**row, "rationale": secret}) + "\n")
    gold = {**row, "rationale": "the gold's own reason", "passes": ["ann1"], "adjudicated": True}
    (ann / "alignments.jsonl").write_text(json.dumps(gold) + "\n")
    with workbench(tree, "--pass", "ann2") as server:
        state = server.call("/api/state")[1]
        text = json.dumps(state)
        assert secret not in text and "the gold's own reason" not in text
        assert state["links"] == [] and state["considered"] == []
        assert len(state["claims"]) == 2 and state["locked"]  # the claims are shown, and fixed
        # changing the fixed claims is refused; linking them is not
        claims = [{**c, "statement": "changed"} for c in state["claims"]]
        status, body = server.call("/api/save", {"base": state["base"], "claims": claims, "kept_ranges": {}})
        assert status == 422 and "fixed" in body["problems"][0]["message"]
        link = {"claim_a": row["claim_a"], "claim_b": row["claim_b"], "relation": "equivalent", "rationale": "same"}
        payload = {
            "base": state["base"],
            "claims": state["claims"],
            "links": [link],
            "considered": [[row["claim_a"], row["claim_b"]]],
        }
        status, body = server.call("/api/save", {**payload, "kept_ranges": {}})
        assert status == 200, body
        assert json.loads((ann / "passes" / "ann2.jsonl").read_text())["annotator"] == "ann2"
