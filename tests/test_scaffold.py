"""``alignbench new-cluster`` and ``add-article``, the files they write, and what validate says of the
new files (``cluster.json``, ``passes/<name>.considered.json``); bad input gets one line and the right exit code."""

from __future__ import annotations

import hashlib
import json
import socket
from pathlib import Path

import pytest
from workbench import CLUSTER, REPORT_A, jsonl, make_tree, run

from alignbench.sources.corpus import check_sources


def one_line_error(done, status: int, *words: str) -> None:
    lines = done.stderr.strip().splitlines()
    assert done.returncode == status, done.stderr
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    for word in words:
        assert word in lines[0], lines[0]


@pytest.fixture
def tree(tmp_path) -> Path:
    return make_tree(tmp_path)


def test_new_cluster_and_add_article_write_byte_exact_text_and_unknown_metadata(tmp_path):
    root = tmp_path / "t"
    (root / "corpus").mkdir(parents=True)
    assert run("new-cluster", "c1", "--split", "test", root=root).returncode == 0
    assert json.loads((root / "corpus" / "c1" / "cluster.json").read_text()) == {"cluster_id": "c1", "split": "test"}
    assert (root / "annotations" / "c1").is_dir()
    data = "Überschrift\r\nDie Fähre kehrte um. ✓\r\n".encode()  # CRLF and non-ASCII kept as they are
    (tmp_path / "a.txt").write_bytes(data)
    done = run(
        "add-article", "c1", str(tmp_path / "a.txt"), "--title", "Überschrift", "--published", "2024-05-02", root=root
    )
    assert done.returncode == 0, done.stderr
    assert (root / "corpus" / "c1" / "c1-a.txt").read_bytes() == data
    (row,) = jsonl(root / "corpus" / "c1" / "articles.jsonl")
    text = data.decode()
    assert row["sha256"] == hashlib.sha256(data).hexdigest() and row["kept_ranges"] == [[0, len(text)]]
    assert (row["title"], row["published"], row["split"], row["synthetic"]) == (
        "Überschrift",
        "2024-05-02",
        "test",
        False,
    )
    assert (row["source"], row["language"], row["credit"], row["url"], row["seed"]) == (
        "unknown",
        "und",
        None,
        None,
        None,
    )
    assert "html_sha256" not in row
    # the second article gets the next letter; validate reads both (only the annotations are missing)
    (tmp_path / "b.txt").write_text("Another report.\n", encoding="utf-8")
    assert run("add-article", "c1", str(tmp_path / "b.txt"), root=root).returncode == 0
    _, problems = check_sources(root)
    assert problems == [
        "annotations/c1/claims.jsonl: file not found",
        "annotations/c1/alignments.jsonl: file not found",
    ]


def test_add_article_from_a_saved_html_page(tmp_path):
    trafilatura = pytest.importorskip("trafilatura", reason="HTML pages need the optional extra 'annotate'")
    root = make_tree(tmp_path)
    page = (
        b'<html><head><title>Callow</title><link rel="canonical" href="https://example.org/callow"></head><body>'
        b"<nav><a href='/'>Home</a> <a href='/n'>News</a></nav><article><h1>Ferry Callow turns back</h1>"
        b"<p>The ferry Callow turned back to Port Aldwyn on Tuesday after a small fire in its engine room.</p>"
        b"<p>All passengers were brought ashore, the harbour office said in a statement on Tuesday night.</p>"
        b"</article><footer>Contact us</footer></body></html>"
    )
    (tmp_path / "c.html").write_bytes(page)
    done = run("add-article", CLUSTER, str(tmp_path / "c.html"), root=root)
    assert done.returncode == 0, done.stderr
    row = jsonl(root / "corpus" / CLUSTER / "articles.jsonl")[-1]
    text = (root / "corpus" / CLUSTER / f"{row['article_id']}.txt").read_text(encoding="utf-8")
    assert text == trafilatura.extract(page, include_comments=False, include_tables=True, with_metadata=False)
    assert "Port Aldwyn" in text and "Home" not in text
    assert row["html_sha256"] == hashlib.sha256(page).hexdigest() and row["url"] == "https://example.org/callow"
    assert row["sha256"] == hashlib.sha256(text.encode()).hexdigest() and row["title"] is None


def test_bad_input_to_new_cluster_and_add_article(tmp_path, tree):
    one_line_error(run("new-cluster", CLUSTER, "--split", "test", root=tree), 1, "already exists")
    one_line_error(run("new-cluster", "a/b", "--split", "test", root=tree), 2, "malformed cluster id")
    one_line_error(run("new-cluster", "c2", "--split", "test", root=tmp_path), 1, "no corpus/ folder")
    assert run("new-cluster", "c2", "--split", "train", root=tree).returncode == 2
    before = (tree / "corpus" / CLUSTER / "articles.jsonl").read_bytes()
    one_line_error(run("add-article", CLUSTER, str(tmp_path / "missing.txt"), root=tree), 1, "missing.txt", "not found")
    (tmp_path / "bin.txt").write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00")
    one_line_error(run("add-article", CLUSTER, str(tmp_path / "bin.txt"), root=tree), 1, "bin.txt", "binary")
    (tmp_path / "latin1.txt").write_bytes("caf\xe9 au lait\n".encode("latin-1"))
    one_line_error(run("add-article", CLUSTER, str(tmp_path / "latin1.txt"), root=tree), 1, "latin1.txt:1", "UTF-8")
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    one_line_error(run("add-article", CLUSTER, str(tmp_path / "empty.txt"), root=tree), 1, "empty")
    (tmp_path / "a.pdf").write_text("x", encoding="utf-8")
    one_line_error(run("add-article", CLUSTER, str(tmp_path / "a.pdf"), root=tree), 1, ".txt", ".html")
    one_line_error(run("add-article", "nope", str(tmp_path / "report-a.txt"), root=tree), 1, "new-cluster nope")
    one_line_error(
        run("add-article", CLUSTER, str(tmp_path / "report-a.txt"), "--article-id", f"{CLUSTER}-a", root=tree),
        1,
        "already exists",
    )
    one_line_error(
        run("add-article", CLUSTER, str(tmp_path / "report-a.txt"), "--published", "May 2", root=tree), 2, "ISO date"
    )
    if pytest.importorskip("trafilatura", reason="HTML pages need the optional extra 'annotate'"):
        (tmp_path / "menu.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
        one_line_error(run("add-article", CLUSTER, str(tmp_path / "menu.html"), root=tree), 1, "no article text")
        (tmp_path / "blank.html").write_text("<html><body></body></html>")
        one_line_error(run("add-article", CLUSTER, str(tmp_path / "blank.html"), root=tree), 1, "no article text")
    assert (tree / "corpus" / CLUSTER / "articles.jsonl").read_bytes() == before  # nothing written
    assert sorted(p.name for p in (tree / "corpus" / CLUSTER).iterdir()) == sorted(
        ["articles.jsonl", "cluster.json", f"{CLUSTER}-a.txt", f"{CLUSTER}-b.txt"]
    )


def test_add_article_reports_aggregator_chrome_for_the_workbench(tmp_path, tree):
    done = run("add-article", CLUSTER, str(tmp_path / "report-a.txt"), root=tree)  # report A holds an inkl line
    assert done.returncode == 0
    assert "kept text still contains aggregator chrome 'Get all your news in one place.'" in done.stderr
    assert (
        "alignbench annotate" in done.stderr
        and REPORT_A.encode() == (tree / "corpus" / CLUSTER / f"{CLUSTER}-c.txt").read_bytes()
    )


def _annotate(tree: Path) -> Path:
    """Claims of the two reports and a pass ann1 with one link, written by hand; return the folder."""
    ann = tree / "annotations" / CLUSTER
    rows = (tree / "corpus" / CLUSTER / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    fixed = [json.loads(x) for x in rows]
    fixed[0]["kept_ranges"] = [[13, 53], [85, len(REPORT_A)]]  # the chrome lines removed
    (tree / "corpus" / CLUSTER / "articles.jsonl").write_text("".join(json.dumps(r) + "\n" for r in fixed))
    claims = [
        {
            "claim_id": f"{CLUSTER}-a-001",
            "article_id": f"{CLUSTER}-a",
            "start": 13,
            "end": 52,
            "text": REPORT_A[13:52],
            "statement": None,
        },
        {
            "claim_id": f"{CLUSTER}-b-001",
            "article_id": f"{CLUSTER}-b",
            "start": 0,
            "end": 35,
            "text": "Callow turns back after engine fire",
            "statement": None,
        },
    ]
    (ann / "claims.jsonl").write_text("".join(json.dumps(c) + "\n" for c in claims))
    (ann / "passes").mkdir()
    link = {
        "claim_a": f"{CLUSTER}-a-001",
        "claim_b": f"{CLUSTER}-b-001",
        "relation": "related",
        "rationale": "r",
        "annotator": "ann1",
    }
    (ann / "passes" / "ann1.jsonl").write_text(json.dumps(link) + "\n")
    return ann


def test_validate_checks_considered_files_and_cluster_json(tree):
    ann = _annotate(tree)
    considered = ann / "passes" / "ann1.considered.json"
    a, b = f"{CLUSTER}-a-001", f"{CLUSTER}-b-001"
    considered.write_text(json.dumps({a: [b]}))
    problems = check_sources(tree)[1]
    assert problems == [f"annotations/{CLUSTER}/alignments.jsonl: file not found"]
    for value, expected in [
        ({}, f"link {a} - {b} of pass 'ann1' is not recorded as considered"),
        ({b: [a]}, "the first claim must come from the article that sorts first"),
        ({a: [b, "nope-001"]}, "unknown claim id 'nope-001'"),
        ({a: [b, b]}, "is listed twice"),
        ([a, b], "expected a JSON object"),
    ]:
        considered.write_text(json.dumps(value))
        found = [p for p in check_sources(tree)[1] if "considered" in p]
        assert any(expected in p for p in found), (value, found)
    considered.write_text(json.dumps({a: [b]}))
    (ann / "passes" / "claims.considered.json").write_text("{}")
    assert any("'claims' is not a pass name" in p for p in check_sources(tree)[1])
    (ann / "passes" / "claims.considered.json").unlink()
    declared = tree / "corpus" / CLUSTER / "cluster.json"
    declared.write_text(json.dumps({"cluster_id": CLUSTER, "split": "diagnostic"}))
    assert any("differs from the cluster's 'diagnostic' (cluster.json)" in p for p in check_sources(tree)[1])
    declared.write_text("{")
    assert any(p.startswith(f"corpus/{CLUSTER}/cluster.json: not valid JSON") for p in check_sources(tree)[1])


def test_bad_input_to_annotate(tree):
    one_line_error(run("annotate", CLUSTER, "--pass", "ann/1", root=tree), 2, "malformed pass name 'ann/1'")
    one_line_error(run("annotate", CLUSTER, "--pass", "claims", root=tree), 2, "malformed pass name")
    one_line_error(run("annotate", CLUSTER, root=tree), 2, "--pass NAME")
    one_line_error(run("annotate", CLUSTER, "--adjudicate", "ann1", "ann1", root=tree), 2, "two different passes")
    one_line_error(run("annotate", "nope", "--pass", "ann1", "--root", str(tree), root=tree), 1, "no articles")
    pytest.importorskip("starlette", reason="the workbench needs the optional extra 'annotate'")
    pytest.importorskip("uvicorn", reason="the workbench needs the optional extra 'annotate'")
    ann = _annotate(tree)
    one_line_error(
        run("annotate", CLUSTER, "--adjudicate", "ann3", "ann2", "--root", str(tree), root=tree), 1, "no pass 'ann3'"
    )
    (ann / "passes" / "ann2.jsonl").write_text((ann / "passes" / "ann1.jsonl").read_text().replace("ann1", "ann2"))
    one_line_error(
        run("annotate", CLUSTER, "--adjudicate", "ann1", "ann2", "--root", str(tree), root=tree),
        1,
        "pass 'ann1' is not complete: 1 of 1 cells not considered",
    )
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = run("annotate", CLUSTER, "--pass", "ann3", "--port", str(port), "--root", str(tree), root=tree)
    one_line_error(done, 1, f"127.0.0.1:{port}: port in use")
