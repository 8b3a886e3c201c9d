"""The priors of a split: how its gold looks before any system reads a word.

A benchmark is easy in ways its users do not intend when its gold has shapes that a text-blind rule
can exploit. These numbers make those shapes visible, per split, so that the synthetic diagnostic
split can be compared with real news (issue 20; DATASHEET "Priors"):

- ``link_density``: gold links per candidate pair;
- ``unlinked_claims``: share of claims with no gold link at all;
- ``contradiction_share``: contradictions among gold links;
- ``words_mean`` / ``words_median`` and ``articles_250_words``: article length in words of the
  cleaned text, and the share of articles of at least 250 words;
- ``sure_same_index``: share of sure links that join the i-th claim of one report with the i-th
  claim of the other (report B retelling report A sentence by sentence);
- ``sure_same_position``: share of sure links whose two claims sit at nearly the same relative
  position in their reports (within 0.1; positions as the ``position`` floor computes them);
- ``dated_articles`` and ``articles_quoting``: share of articles with a publication date, and with a
  quotation mark in their text.
"""

from __future__ import annotations

import re
from statistics import mean, median
from typing import Any

from alignbench.aligners.shortcuts import relative_positions
from alignbench.records import Benchmark

#: How close two relative positions must be to count as "the same position" (the position floor's rule).
SAME_POSITION = 0.1
_WORDS = re.compile(r"\w+")
_QUOTES = ('"', "“", "”", "‘", "’ ", "'")  # a closing single quote only when followed by a space


def _clean_text(article: Any) -> str:
    return "".join(article.raw_text[a:b] for a, b in article.kept_ranges)


def _by_article(claims: Any) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for c in claims:
        out.setdefault(c.article_id, []).append(c)
    return out


def priors(bench: Benchmark) -> dict[str, Any]:
    """The priors of ``bench`` (one split) as plain numbers; counts beside every share."""
    claims = bench.claims
    position = dict(zip((c.claim_id for c in claims), relative_positions(claims), strict=True))
    linked = {x.claim_a for x in bench.alignments} | {x.claim_b for x in bench.alignments}
    sure = [x for x in bench.alignments if x.relation != "related"]
    same = sum(abs(position[x.claim_a] - position[x.claim_b]) <= SAME_POSITION + 1e-12 for x in sure)
    rank: dict[str, int] = {}
    for article_claims in _by_article(claims).values():
        for i, c in enumerate(sorted(article_claims, key=lambda c: (c.start, c.claim_id))):
            rank[c.claim_id] = i
    same_index = sum(rank[x.claim_a] == rank[x.claim_b] for x in sure)
    by_article: dict[str, int] = {}
    for c in claims:
        by_article[c.article_id] = by_article.get(c.article_id, 0) + 1
    candidates = sum(by_article.get(a, 0) * by_article.get(b, 0) for a, b in bench.article_pairs())
    words = [len(_WORDS.findall(_clean_text(a))) for a in bench.articles]
    texts = [_clean_text(a) for a in bench.articles]
    n_links, n_claims, n_articles = len(bench.alignments), len(claims), len(bench.articles)

    def share(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    return {
        "clusters": len({a.cluster_id for a in bench.articles}),
        "articles": n_articles,
        "claims": n_claims,
        "candidates": candidates,
        "gold_links": n_links,
        "sure_links": len(sure),
        "contradictions": sum(x.relation == "contradiction" for x in bench.alignments),
        "link_density": share(n_links, candidates),
        "unlinked_claims": share(sum(c.claim_id not in linked for c in claims), n_claims),
        "contradiction_share": share(sum(x.relation == "contradiction" for x in bench.alignments), n_links),
        "words_mean": mean(words) if words else None,
        "words_median": median(words) if words else None,
        "articles_250_words": share(sum(w >= 250 for w in words), n_articles),
        "sure_same_index": share(same_index, len(sure)),
        "sure_same_position": share(same, len(sure)),
        "dated_articles": share(sum(bool(a.published) for a in bench.articles), n_articles),
        "articles_quoting": share(sum(any(q in t for q in _QUOTES) for t in texts), n_articles),
    }


#: Rows of the priors table: key, title, how to print.
ROWS = (
    ("clusters", "clusters", "d"),
    ("articles", "articles", "d"),
    ("claims", "claims", "d"),
    ("gold_links", "gold links (sure)", "links"),
    ("link_density", "gold links per candidate pair", ".4f"),
    ("unlinked_claims", "claims with no link", "%"),
    ("contradiction_share", "contradictions among links", "%"),
    ("words_mean", "words per article, mean (median)", "words"),
    ("articles_250_words", "articles of 250 words or more", "%"),
    ("sure_same_index", "sure links joining the i-th claims of both reports", "%"),
    ("sure_same_position", "sure links within 0.1 relative position", "%"),
    ("dated_articles", "articles with a publication date", "%"),
    ("articles_quoting", "articles with a quotation mark", "%"),
)


def _cell(values: dict[str, Any], key: str, how: str) -> str:
    value = values[key]
    if how == "links":
        return f"{values['gold_links']} ({values['sure_links']})"
    if how == "words":
        return "-" if value is None else f"{value:.0f} ({values['words_median']:.0f})"
    if value is None:
        return "-"
    if how == "%":
        return f"{100 * value:.1f}%"
    return format(value, how)


def priors_table(by_split: dict[str, dict[str, Any]], floor_f1: dict[str, float] | None = None) -> str:
    """The priors of several splits as one Markdown table (a column per split), with the position
    floor's link F1 as the last row when given."""
    splits = list(by_split)
    lines = ["| | " + " | ".join(splits) + " |", "|---|" + "---:|" * len(splits)]
    for key, title, how in ROWS:
        lines.append(f"| {title} | " + " | ".join(_cell(by_split[s], key, how) for s in splits) + " |")
    if floor_f1:
        lines.append(
            "| link F1 of the `position` floor (no text read) | "
            + " | ".join(f"{floor_f1[s]:.3f}" if s in floor_f1 else "-" for s in splits)
            + " |"
        )
    return "\n".join(lines) + "\n"
