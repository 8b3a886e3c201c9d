"""A hand-made article pair for the explain page, with one link of every outcome and hostile strings.

Article p (first 10 characters are page chrome, not kept) and article q (the last 11 are chrome):

  p-1 "The rocket flew 100 km"   ~ q-1 "The missile flew 200 km"  gold contradiction, predicted equivalent 0.9
  p-2 "It landed at sea"         ~ q-2 "It fell into the sea"     gold equivalent, predicted equivalent 0.8
  p-2                            ~ q-3 "Nobody was hurt"          gold related, predicted related 0.6
  p-3 (id holds <script>)        ~ q-1                            no gold, predicted related 0.7
  p-3                            ~ q-2                            gold related, not predicted (0.1)
  p-3                            ~ q-3                            gold a_more_specific, not predicted (0.05)
"""

from __future__ import annotations

from pathlib import Path

from fixture import write_jsonl

from alignbench.records import Alignment, Article, Benchmark, Claim

EVIL = "<script>document.title='pwned'</script>"
EVIL_ID = f"p-3{EVIL}"
EVIL_SYSTEM = "sys<script>document.title='pwned-system'</script>"
P_TEXT = "MENU Home\nThe rocket flew 100 km. It landed at sea. Officials said nothing."
Q_TEXT = "The missile flew 200 km. It fell into the sea. Nobody was hurt. Share this"

#: (claim_a, claim_b) -> outcome, worked out by hand from the table above
OUTCOMES = {
    ("p-1", "q-1"): "wrong_relation",
    ("p-2", "q-2"): "correct",
    ("p-2", "q-3"): "found_possible",
    (EVIL_ID, "q-1"): "false",
    (EVIL_ID, "q-2"): "missed_possible",
    (EVIL_ID, "q-3"): "missed",
}


def _article(aid: str, text: str, kept: tuple[tuple[int, int], ...], title: str, url: str) -> Article:
    return Article(
        aid, "c1", "src", None, None, title, None, "test", "en", url, "test", None, "0" * 64, kept, None, text
    )


def _claim(cid: str, article: Article, text: str) -> Claim:
    start = article.raw_text.index(text)
    return Claim(cid, article.article_id, start, start + len(text), text, text, f"statement of {text}")


def explain_benchmark() -> Benchmark:
    p = _article(
        "p",
        P_TEXT,
        ((10, len(P_TEXT)),),
        "Title <img src=x onerror=\"document.title='pwned-img'\">",
        "javascript:alert(1)",
    )
    q = _article("q", Q_TEXT, ((0, len(Q_TEXT) - 11),), "Q", "https://example.org/q")
    claims = (
        _claim("p-1", p, "The rocket flew 100 km"),
        _claim("p-2", p, "It landed at sea"),
        _claim(EVIL_ID, p, "Officials said nothing"),
        _claim("q-1", q, "The missile flew 200 km"),
        _claim("q-2", q, "It fell into the sea"),
        _claim("q-3", q, "Nobody was hurt"),
    )
    links = (
        Alignment("p-1", "q-1", "contradiction", f"100 vs 200 km </script><!-- {EVIL}", "t"),
        Alignment("p-2", "q-2", "equivalent", "same landing", "t"),
        Alignment("p-2", "q-3", "related", "r", "t"),
        Alignment(EVIL_ID, "q-2", "related", "r", "t"),
        Alignment(EVIL_ID, "q-3", "a_more_specific", "r", "t"),
    )
    return Benchmark((p, q), claims, links)


def explain_predictions(path: Path) -> Path:
    rows = [
        ("p-1", "q-1", 0.9, "equivalent"),
        ("p-1", "q-2", 0.3, "none"),
        ("p-2", "q-2", 0.8, "equivalent"),
        ("p-2", "q-3", 0.6, "related"),
        (EVIL_ID, "q-1", 0.7, "related"),
        (EVIL_ID, "q-2", 0.1, "none"),
        (EVIL_ID, "q-3", 0.05, "none"),
    ]
    return write_jsonl(path, [{"claim_a": a, "claim_b": b, "score": s, "label": lab} for a, b, s, lab in rows])
