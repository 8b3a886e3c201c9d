"""The generated blocks of README.md and DATASHEET.md: every number they print about the data.

A block sits between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` lines; the prose around it
is written by hand and holds no count. :func:`number_blocks` renders the blocks from the facts of
:mod:`alignbench.scoring.numbers`, :func:`comparison_sentence` the one quoting the committed semantic
baselines, and :func:`replace_blocks` puts them into a file's text (``alignbench eval --baselines
--update`` writes them; ``tests/test_numbers.py`` fails when one is stale).
"""

from __future__ import annotations

from typing import Any

from alignbench.records import RELATIONS, DataError
from alignbench.scoring.numbers import COUNT_NAMES, SplitFacts
from alignbench.scoring.report import Report

#: Up to this many clusters are listed one by one; beyond, the list is cut.
LISTED_CLUSTERS = 8


def _markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}:start -->\n", f"<!-- {name}:end -->"


def replace_blocks(text: str, blocks: dict[str, str], where: str) -> str:
    """``text`` with each block's lines between its markers replaced; :class:`DataError` naming
    ``where`` if a block's markers are missing or out of order."""
    for name, body in blocks.items():
        start, end = _markers(name)
        if text.count(start) != 1 or text.count(end) != 1 or text.index(start) > text.index(end):
            raise DataError(f"{where}: expected one '{start.strip()}' line before one '{end}' line")
        head, rest = text.split(start, 1)
        text = head + start + body + rest[rest.index(end) :]
    return text


def block_text(text: str, name: str) -> str | None:
    """The current content of block ``name`` in ``text`` (None without its markers)."""
    start, end = _markers(name)
    if start not in text or end not in text:
        return None
    return text.split(start, 1)[1].split(end, 1)[0]


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def _split_name(facts: SplitFacts) -> str:
    return f"`{facts.split}`" + (" (synthetic)" if facts.synthetic else "")


def splits_table(facts: dict[str, SplitFacts]) -> str:
    """The README's one-line-per-split summary."""
    lines = [
        "| split | clusters | articles | claims | candidate pairs | gold links | sure | possible | contradictions |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for f in facts.values():
        c = f.counts
        cells = [c["event clusters"], c["articles"], c["claims"], c["candidate claim pairs"], c["gold links"]]
        cells += [c["sure links"], c["related"], c["contradiction"]]
        lines.append(f"| {_split_name(f)} | " + " | ".join(str(x) for x in cells) + " |")
    return "\n".join(lines) + "\n"


def _cluster_list(facts: SplitFacts) -> str:
    shown = [
        f"`{c.cluster_id}` ({_plural(c.articles, 'article')}, {_plural(c.claims, 'claim')}, "
        f"{_plural(c.links, 'link')}, {_plural(c.contradictions, 'contradiction')})"
        for c in facts.clusters[:LISTED_CLUSTERS]
    ]
    more = len(facts.clusters) - LISTED_CLUSTERS
    return "; ".join(shown) + (f"; and {more} more" if more > 0 else "")


def caveat_sentence(facts: SplitFacts) -> str:
    """The sentence under the test leaderboard: how little data it rests on."""
    c = facts.counts
    head = (
        f"Read it with care: {_plural(c['event clusters'], 'event cluster')}, {_plural(c['sure links'], 'sure link')}"
    )
    if c["contradiction"] == 1:
        return (
            f"{head} and a **single** gold contradiction, so contradiction F1 can only be 0, 1 or in between by "
            "false alarms, and its interval is uninformative.\n"
        )
    return (
        f"{head} and {_plural(c['contradiction'], 'gold contradiction')}; a metric resting on fewer than "
        f"{facts.min_support} gold items is marked † and its interval says little.\n"
    )


def perfect_ranking(facts: SplitFacts) -> str:
    """What a perfect system scores on the ranking measures of a split."""
    r = facts.perfect_ranking
    return (
        f"A perfect system (the gold links as predictions) scores `rank.R@1` {r['rank.R@1']:.3f}, `rank.R@3` "
        f"{r['rank.R@3']:.3f} and `rank.MRR` {r['rank.MRR']:.3f} on the bundled {_split_name(facts)} split.\n"
    )


def too_few_sentence(facts: SplitFacts) -> str:
    """Which metrics of the split rest on too few gold items, with the gold support of each."""
    few = facts.too_few
    clusters = _plural(facts.counts["event clusters"], "event cluster")
    if not few:
        return (
            f"On the bundled {_split_name(facts)} split ({clusters}) no metric rests on fewer than "
            f"{facts.min_support} gold items.\n"
        )
    parts = [f"`{r}` ({few[f'relation.F1@{r}'] or 'none'})" for r in RELATIONS if f"relation.F1@{r}" in few]
    listed = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + (parts[-1] if parts else "")
    what = [f"every metric of {listed}"] if parts else []
    families: dict[str, int] = {}
    for name, n in few.items():
        if not name.startswith("relation."):
            families.setdefault(name.split(".")[0] if name.startswith("unique.") else name, n)
    what += [f"`{name}.*`" if name == "unique" else f"`{name}`" for name in families]
    text = ", ".join(what[:-1]) + (", and " if len(what) > 1 else "") + what[-1]
    return f"On the bundled {_split_name(facts)} split ({clusters}) that is {text}. Intervals are wide: report them.\n"


def count_table(facts: dict[str, SplitFacts], splits: list[str]) -> str:
    """The DATASHEET's table of :data:`COUNT_NAMES`, one column per split."""
    if len(splits) == 1:
        lines = ["| quantity | value |", "|---|---|"]
    else:
        lines = ["| quantity | " + " | ".join(splits) + " |", "|---|" + "---:|" * len(splits)]
    for name in COUNT_NAMES:
        lines.append(f"| {name} | " + " | ".join(str(facts[s].counts[name]) for s in splits) + " |")
    return "\n".join(lines) + "\n"


def tag_table(facts: SplitFacts) -> str:
    """Gold links and contradictions per phenomenon tag of a split."""
    lines = ["| tag | gold links | contradictions |", "|---|---:|---:|"]
    lines += [f"| {tag} | {n} | {c} |" for tag, (n, c) in facts.tags.items()]
    return "\n".join(lines) + "\n"


def _size_sentence(facts: SplitFacts) -> str:
    words = {2: "two", 3: "three", 4: "four", 5: "five"}
    sizes = [f"{n} with {words.get(k, k)} reports" for k, n in facts.cluster_sizes.items()]
    return f"{_plural(facts.counts['event clusters'], 'mini-cluster')} ({', '.join(sizes)})"


def number_blocks(facts: dict[str, SplitFacts]) -> dict[str, dict[str, str]]:
    """The blocks of each file (``README.md``, ``DATASHEET.md``) that quote the data's numbers."""
    test = facts["test"]
    splits = list(facts)
    readme = {
        "numbers-splits": splits_table(facts),
        "numbers-test-caveat": caveat_sentence(test),
        "numbers-perfect-ranking": perfect_ranking(test),
        "numbers-too-few": too_few_sentence(test),
    }
    datasheet = {
        "numbers-at-a-glance": count_table(facts, ["test"])
        + f"\nThe `test` split's clusters: {_cluster_list(test)}.\n",
        "numbers-splits": count_table(facts, splits),
    }
    tagged = [f for f in facts.values() if f.tags]
    datasheet["numbers-tags"] = "".join(tag_table(f) for f in tagged[:1]) or "No split's links carry tags.\n"
    diagnostic = facts.get("diagnostic")
    datasheet["numbers-diagnostic-size"] = (
        f"Size: {_size_sentence(diagnostic)}.\n" if diagnostic else "There is no diagnostic split.\n"
    )
    return {"README.md": readme, "DATASHEET.md": datasheet}


def comparison_sentence(pairs: dict[str, tuple[Report, Report, list[dict[str, Any]]]]) -> str:
    """``alignbench compare`` of the best lexical (A) and best semantic (B) baseline per split."""
    from alignbench.views.compare import format_p

    titles = {"link.F1": "link F1", "labeled.F1": "labeled F1", "relation.F1@contradiction": "contradiction F1"}
    parts = []
    for split, (a, b, rows) in pairs.items():
        by_metric = {r["metric"]: r for r in rows}
        cells = []
        for name, title in titles.items():
            r = by_metric[name]
            test = "too few to test" if r["too_few"] else format_p(r["extreme"], r["defined"])
            cells.append(f"{title} {r['b']:.3f} vs {r['a']:.3f} ({r['delta']:+.3f}, {test})")
        parts.append(f"on `{split}`, {b.system['name']} vs {a.system['name']}: " + ", ".join(cells))
    if not parts:
        return "Not compared: the committed semantic reports are not of the current data.\n"
    boot = next(iter(pairs.values()))[0].bootstrap
    return (
        "Best semantic against best lexical baseline by link F1, `alignbench compare` (B − A, paired bootstrap, "
        f"{boot['resamples']} resamples, seed {boot['seed']}, two-sided p): " + "; ".join(parts) + ".\n"
    )


def writers_table(rows: list[tuple[Any, int, dict[str, float | None]]], systems: list[str]) -> str:
    """The DATASHEET's table of the diagnostic writers: clusters written and extended, gold links made
    (and their share of the split's), and link F1 of ``systems`` on the clusters each writer wrote or
    extended. ``rows``: (:class:`~alignbench.scoring.writers.WriterFacts`, links in the split, F1 by system)."""
    head = "| writer | clusters written | clusters extended | gold links made |" + "".join(
        f" {s} link F1 |" for s in systems
    )
    lines = [head, "|---|---:|---:|---:|" + "---:|" * len(systems)]
    for facts, total, f1 in rows:
        share = f"{facts.links} ({100 * facts.links / total:.1f}%)" if total else str(facts.links)
        cells = [f"{f1[s]:.3f}" if f1.get(s) is not None else "-" for s in systems]
        lines.append(
            f"| {facts.writer} | {len(facts.written)} | {len(facts.extended)} | {share} |"
            + "".join(f" {c} |" for c in cells)
        )
    return "\n".join(lines) + "\n"
