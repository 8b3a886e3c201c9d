"""Gold links and annotation passes: reading ``alignments.jsonl`` and ``passes/<name>.jsonl``.

Each link is checked against the claims (known ids, one article pair of one cluster, orientation,
no duplicate cell), its relation, its phenomenon ``tags`` (closed list) and, for gold links of a
cluster with passes, its ``passes``/``adjudicated`` provenance.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from alignbench.records import (
    RELATIONS,
    Alignment,
    Article,
    Benchmark,
    Claim,
    DataError,
    close_match,
    shorten,
    shown_json,
)
from alignbench.sources.conventions import link_tags_problem
from alignbench.sources.jsonl import (
    _STR,
    ID_PATTERN,
    Problems,
    _unexpected,
    read_jsonl,
)
from alignbench.sources.tags import PHENOMENON_TAGS, tag_rule_problem

ALIGNMENT_FIELDS: dict[str, tuple[type, ...]] = {
    "claim_a": _STR,
    "claim_b": _STR,
    "relation": _STR,
    "rationale": _STR,
    "annotator": _STR,
    "tags": (list,),
    "passes": (list,),
    "adjudicated": (bool,),
}


#: Fields a link row may leave out: ``tags`` (phenomenon tags, see sources/tags.py) is optional.
OPTIONAL_LINK_FIELDS: frozenset[str] = frozenset({"tags"})


#: Fields of a link that record its passes: required in the gold of a cluster that has passes.
PROVENANCE_FIELDS = frozenset({"passes", "adjudicated"})


#: The fields of a row of an annotation pass (``passes/<name>.jsonl``).
PASS_FIELDS = {k: v for k, v in ALIGNMENT_FIELDS.items() if k not in PROVENANCE_FIELDS}


#: The claim units that a cluster's passes were made on, when they differ from its claims.jsonl.
PASS_UNITS = "claims.jsonl"


def _pass_files(cluster_dir: Path) -> list[Path]:
    """The annotation pass files of a cluster's annotation folder: ``passes/<name>.jsonl``
    (``passes/claims.jsonl`` holds claim units, not a pass)."""
    folder = cluster_dir / "passes"
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.suffix == ".jsonl" and p.name != PASS_UNITS and ID_PATTERN.match(p.stem) and p.is_file()
    )


def read_pass(path: str | Path, bench: Benchmark) -> list[Alignment]:
    """The links of one annotation pass over ``bench``'s claims, checked like gold links.

    Rows are ``claim_a``, ``claim_b``, ``relation``, ``rationale`` and, optionally,
    ``annotator`` (default: the file's stem) and a gold link's ``passes``/``adjudicated``. Links may belong to any of ``bench``'s clusters.
    Raises :class:`DataError` with one ``file:line: problem`` per problem.
    """
    path = Path(path)
    problems = Problems(Path("."))
    articles = {a.article_id: a for a in bench.articles}
    claims = {c.claim_id: c for c in bench.claims}
    links: list[Alignment] = []
    # a gold file can be compared too: its passes/adjudicated are read, not used
    optional = frozenset({"annotator"}) | OPTIONAL_LINK_FIELDS | PROVENANCE_FIELDS
    rows = read_jsonl(path, ALIGNMENT_FIELDS, problems, optional=optional)
    for _, row in rows:
        row.setdefault("annotator", path.stem)
    _collect_links(path, rows, problems, links, lambda row, seen: _link_problem(row, None, articles, claims, seen))
    if problems:
        raise DataError(list(problems))
    return links


def _read_alignments(
    path: Path,
    cluster: str,
    articles: dict[str, Article],
    claims: dict[str, Claim],
    rejected: set[str],
    problems: Problems,
    links: list[Alignment],
    claims_trusted: bool = True,
    annotator: str | None = None,
    known_passes: list[str] | None = None,
) -> None:
    """Read one cluster's gold links (or one pass's); links to claims already reported as broken are skipped.

    If ``claims_trusted`` is False (the cluster's claims file had no usable claim, or a claim
    whose id could not be read), a link to an unknown claim is skipped too: its root cause is
    already reported, and every link would otherwise report "unknown claim id". ``cluster`` None
    accepts links of any one cluster (the file given to ``alignbench agree``); ``annotator``, if
    given, is the one annotator a pass file may name. ``known_passes`` are the names of the
    cluster's passes: a gold link's ``passes`` must name only those, and must be given when there
    are any (see :func:`_provenance_problem`).
    """
    if annotator is not None:
        fields, optional = PASS_FIELDS, OPTIONAL_LINK_FIELDS
    else:
        fields, optional = ALIGNMENT_FIELDS, OPTIONAL_LINK_FIELDS | (frozenset() if known_passes else PROVENANCE_FIELDS)
    # a claim id can be both rejected and sound: a duplicate row of a sound claim is rejected
    rows = [
        (number, row)
        for number, row in read_jsonl(path, fields, problems, optional=optional)
        if not any(c not in claims and (c in rejected or not claims_trusted) for c in (row["claim_a"], row["claim_b"]))
    ]

    def check(row: dict[str, Any], seen: dict[frozenset[str], int]) -> str | None:
        problem = _link_problem(row, cluster, articles, claims, seen)
        if problem is None and annotator is not None and row["annotator"] != annotator:
            problem = f"annotator {shorten(row['annotator'])} is not this pass's {annotator!r} (its file name)"
        if problem is None and annotator is None:
            problem = _provenance_problem(row, known_passes or [])
        if problem is None and annotator is None:  # gold links; a pass may leave tags to the adjudication
            problem = link_tags_problem(row, articles[claims[row["claim_a"]].article_id].split)
        return problem

    _collect_links(path, rows, problems, links, check)


def _collect_links(
    path: Path,
    rows: list[tuple[int, dict[str, Any]]],
    problems: Problems,
    links: list[Alignment],
    check: Callable[[dict[str, Any], dict[frozenset[str], int]], str | None],
) -> None:
    """Check each sound row of a link file with ``check`` (given the cells seen so far, for
    duplicates) and keep the links that pass; a problem is reported as ``file:line: problem``."""
    seen: dict[frozenset[str], int] = {}
    for number, row in rows:
        try:
            problem = check(row, seen)
        except Exception as err:
            problem = _unexpected(err)
        if problem:
            problems.add(path, number, problem)
            continue
        seen[frozenset((row["claim_a"], row["claim_b"]))] = number
        links.append(_alignment(row))


def _alignment(row: dict[str, Any]) -> Alignment:
    """The record of a checked link row."""
    return Alignment(
        row["claim_a"],
        row["claim_b"],
        row["relation"],
        row["rationale"],
        row["annotator"],
        tuple(row.get("tags", ())),
        tuple(row.get("passes", ())),
        row.get("adjudicated", False),
    )


def _provenance_problem(row: dict[str, Any], known: list[str]) -> str | None:
    """The problem of a gold link's ``passes``, or None: distinct names of the cluster's passes
    (files in ``passes/``), in file order. (A pass added later does not invalidate the gold.)"""
    if "passes" not in row:
        return None
    names = row["passes"]
    unknown = next((n for n in names if not isinstance(n, str) or n not in known), None)
    if unknown is not None:
        return f"passes: {shorten(unknown)} is not a pass of this cluster (known: {', '.join(known) or 'none'})"
    if len(set(names)) != len(names) or names != sorted(names, key=known.index):
        return f"passes must list distinct pass names in file order ({', '.join(known)})"
    return None


def _link_problem(
    row: dict[str, Any],
    cluster: str | None,
    articles: dict[str, Article],
    claims: dict[str, Claim],
    seen: dict[frozenset[str], int],
) -> str | None:
    """The first problem of one gold link, or None if it is sound."""
    a, b, relation = row["claim_a"], row["claim_b"], row["relation"]
    missing = [cid for cid in (a, b) if cid not in claims]
    if missing:
        return f"unknown claim id {shorten(missing[0])}"
    if a == b:
        return f"self link: {shorten(a)} is linked to itself"
    art_a, art_b = articles[claims[a].article_id], articles[claims[b].article_id]
    if art_a.cluster_id != art_b.cluster_id or art_a.cluster_id != (cluster or art_a.cluster_id):
        return f"cross-cluster link: {shorten(a)} is in {shorten(art_a.cluster_id)}, {shorten(b)} in {shorten(art_b.cluster_id)}"
    if art_a.article_id == art_b.article_id:
        return f"both claims are from article {shorten(art_a.article_id)}: links join two different articles"
    if art_a.article_id > art_b.article_id:
        return f"wrong orientation: claim_a must come from {shorten(art_b.article_id)}, the article that sorts first (swap the ids and mirror a_/b_more_specific)"
    if relation not in RELATIONS:
        hint = close_match(relation, RELATIONS)
        return f"unknown relation {shorten(relation)}" + (
            f" (did you mean {hint!r}?)" if hint else f" (expected one of {', '.join(RELATIONS)})"
        )
    if "tags" in row:
        problem = _tags_problem(row["tags"]) or tag_rule_problem(
            row["tags"],
            relation,
            headline=_in_headline(claims[a], art_a) or _in_headline(claims[b], art_b),
            dated=art_a.published is not None and art_b.published is not None,
        )
        if problem:
            return problem
    if not row["rationale"].strip() or "\n" in row["rationale"]:
        return "rationale must be one non-empty line"
    if not row["annotator"].strip():
        return "annotator is empty"
    key = frozenset((a, b))
    if key in seen:
        return f"duplicate link {shorten(a)} - {shorten(b)} (first at line {seen[key]})"
    return None


def _in_headline(claim: Claim, article: Article) -> bool:
    """Whether ``claim`` lies in its article's headline: the title, printed where the kept text starts."""
    if not article.title or not article.kept_ranges:
        return False
    start = article.kept_ranges[0][0]
    end = start + len(article.title)
    return article.raw_text[start:end] == article.title and start <= claim.start and claim.end <= end


def _tags_problem(tags: list) -> str | None:
    """The first problem of a link's ``tags`` list, or None: non-empty, unique, from the closed list."""
    if not tags:
        return "tags is empty (give at least one phenomenon tag, or leave the field out)"
    seen: set[str] = set()
    for tag in tags:
        if not isinstance(tag, str):
            return f"tags must be a list of strings, got {shown_json(tag)}"
        if tag not in PHENOMENON_TAGS:
            hint = close_match(tag, PHENOMENON_TAGS)
            return f"unknown tag {shorten(tag)}" + (
                f" (did you mean {hint!r}?)" if hint else " (see annotations/TAGS.md for the closed list)"
            )
        if tag in seen:
            return f"duplicate tag {shorten(tag)}"
        seen.add(tag)
    return None
