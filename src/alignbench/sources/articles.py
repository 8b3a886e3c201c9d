"""Articles: reading ``corpus/<cluster>/articles.jsonl`` and the raw texts beside it.

Checks ids, the cluster folder, dates, the text's SHA-256 and seed, the split, folder name, synthetic
flag and source (:mod:`alignbench.sources.conventions`; one split per cluster), and the kept ranges.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from alignbench.records import (
    Article,
    shorten,
    shown_json,
)
from alignbench.sources.conventions import article_problem, folder_problem
from alignbench.sources.jsonl import (
    _OPT,
    _STR,
    DATE_PATTERN,
    ID_PATTERN,
    SHA256_PATTERN,
    Problems,
    _read_bytes,
    _unexpected,
    _utf8_error,
    read_jsonl,
)
from alignbench.sources.segment import AGGREGATOR_CHROME

ARTICLE_FIELDS: dict[str, tuple[type, ...]] = {
    "article_id": _STR,
    "cluster_id": _STR,
    "source": _STR,
    "credit": _OPT,
    "aggregator": _OPT,
    "title": _OPT,
    "published": _OPT,
    "published_basis": _STR,
    "language": _STR,
    "url": _OPT,
    "license": _STR,
    "seed": _OPT,
    "sha256": _STR,
    "kept_ranges": (list,),
    "notes": _OPT,
    "split": _STR,
    "synthetic": (bool,),
    "html_sha256": _OPT,
}


#: Article fields that may be left out: ``split`` defaults to ``test``, ``synthetic`` to false;
#: ``html_sha256`` is the SHA-256 of the saved HTML page the raw text was extracted from
#: (``alignbench add-article PAGE.html``), recorded for provenance only.
OPTIONAL_ARTICLE_FIELDS = frozenset({"split", "synthetic", "html_sha256"})


#: A split name: lower-case letters, digits and underscores (what Hugging Face accepts).
SPLIT_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


def _read_articles(
    root: Path,
    cluster_dir: Path,
    seeds: tuple[dict[str, str], bool],
    problems: Problems,
    articles: dict[str, Article],
    rejected: set[str],
) -> set[str] | None:
    """Read one cluster's articles; ids of articles with a problem go to ``rejected`` (no cascades).

    Return the ids that articles.jsonl lists (sound or not), or None if some could not be read.
    """
    path = cluster_dir / "articles.jsonl"
    listed: set[str] = set()
    rows = read_jsonl(path, ARTICLE_FIELDS, problems, "article_id", listed, optional=OPTIONAL_ARTICLE_FIELDS)
    rejected |= listed  # so far, the ids of rows that read_jsonl rejected
    splits: dict[str, int] = {}
    for number, row in rows:
        splits.setdefault(row.get("split", "test"), number)
        listed.add(row["article_id"])
        try:
            article = _read_article(root, cluster_dir, seeds, problems, articles, (path, number), row)
        except Exception as err:
            problems.add(path, number, _unexpected(err))
            article = None
        if article is None:
            rejected.add(row["article_id"])
        else:
            articles[article.article_id] = article
    if len(splits) > 1:
        first, *others = sorted(splits, key=splits.get)
        problems.add(
            path,
            splits[others[0]],
            f"split {shorten(others[0])} differs from {shorten(first)} (line {splits[first]}): "
            "the articles of one cluster belong to one split",
        )
    elif splits and not (listed & rejected):  # a rejected article's problem comes first
        split, number = next(iter(splits.items()))
        problem = folder_problem(cluster_dir.name, split) if SPLIT_PATTERN.match(split) else None
        if problem:
            problems.add(path, number, problem)
    declared = _read_cluster_file(cluster_dir, problems)
    if declared is not None and splits and declared not in splits:
        problems.add(
            path,
            splits[next(iter(splits))],
            f"split {shorten(next(iter(splits)))} differs from the cluster's {shorten(declared)} ({CLUSTER_FILE})",
        )
    return listed if rows.complete else None


#: The optional file of a cluster's corpus folder that records its split before any article is added.
CLUSTER_FILE = "cluster.json"


def _read_cluster_file(cluster_dir: Path, problems: Problems) -> str | None:
    """The split that ``corpus/<cluster>/cluster.json`` declares, or None if there is none (or a problem)."""
    path = cluster_dir / CLUSTER_FILE
    data, why = _read_bytes(path)
    if data is None:
        if why != "not found":
            problems.add(path, None, why or "cannot be read")
        return None
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as err:
        problems.add(path, None, f"not valid JSON ({shorten(str(err))})")
        return None
    if not isinstance(value, dict) or sorted(value) != ["cluster_id", "split"]:
        problems.add(path, None, 'expected {"cluster_id": "<folder name>", "split": "<split>"}')
        return None
    if value["cluster_id"] != cluster_dir.name:
        problems.add(path, None, f"cluster_id {shorten(value['cluster_id'])} does not match its folder")
        return None
    if not isinstance(value["split"], str) or not SPLIT_PATTERN.match(value["split"]):
        problems.add(path, None, f"malformed split {shorten(value['split'])}")
        return None
    return value["split"]


def _read_article(
    root: Path,
    cluster_dir: Path,
    seeds: tuple[dict[str, str], bool],
    problems: Problems,
    articles: dict[str, Article],
    where: tuple[Path, int],
    row: dict[str, Any],
) -> Article | None:
    """The article of one sound row of articles.jsonl, or None after reporting its problems."""
    aid = row["article_id"]
    if not ID_PATTERN.match(aid):
        problems.add(*where, f"malformed article_id {shorten(aid)} (use lower-case letters, digits, '-', '_', '.')")
        return None
    if aid in articles:
        problems.add(*where, f"duplicate article_id {shorten(aid)}")
        return None
    if row["cluster_id"] != cluster_dir.name:
        problems.add(
            *where, f"cluster_id {shorten(row['cluster_id'])} does not match its folder {shorten(cluster_dir.name)}"
        )
        return None
    if row["published"] is not None and not _is_date(row["published"]):
        problems.add(
            *where,
            "published must be an ISO date YYYY-MM-DD, a date and time with its UTC offset "
            f"YYYY-MM-DDTHH:MM[:SS]+HH:MM, or null, got {shorten(row['published'])}",
        )
    if not row["source"].strip():
        problems.add(*where, "source is empty: write 'unknown' when the outlet is not known")
    text_path = cluster_dir / f"{aid}.txt"
    raw_bytes, why = _read_bytes(text_path)
    if raw_bytes is None:
        problems.add(*where, f"raw text {shorten(text_path.relative_to(root).as_posix())} {why}")
        return None
    try:
        raw_text = raw_bytes.decode("utf-8")
    except UnicodeDecodeError as err:
        problems.add(text_path, *_utf8_error(raw_bytes, err))
        return None
    digest = hashlib.sha256(raw_bytes).hexdigest()
    if not SHA256_PATTERN.match(row["sha256"]):
        problems.add(*where, f"sha256 must be 64 lower-case hex digits, got {shorten(row['sha256'])}")
    elif digest != row["sha256"]:
        problems.add(
            *where,
            f"sha256 of {text_path.name} is {digest[:12]}..., not the recorded {row['sha256'][:12]}...: the raw text changed",
        )
    html_sha256 = row.get("html_sha256")
    if html_sha256 is not None and not SHA256_PATTERN.match(html_sha256):
        problems.add(*where, f"html_sha256 must be 64 lower-case hex digits or null, got {shorten(html_sha256)}")
    seed, (listed_seeds, seeds_complete) = row["seed"], seeds
    if seed is not None:
        if seed not in listed_seeds:
            if seeds_complete:
                problems.add(*where, f"seed {shorten(seed)} is not listed in seeds/SHA256SUMS")
        elif _read_bytes(root / seed)[0] not in (None, raw_bytes):  # if unreadable, SHA256SUMS says so
            problems.add(*where, f"raw text differs from its seed {shorten(seed)}")
    split, synthetic = row.get("split", "test"), row.get("synthetic", False)
    if not SPLIT_PATTERN.match(split):
        problems.add(*where, f"malformed split {shorten(split)} (use lower-case letters, digits and '_')")
        return None
    problem = article_problem(row, split, synthetic)
    if problem:
        problems.add(*where, problem)
        return None
    kept = _check_ranges(row["kept_ranges"], len(raw_text), problems, where)
    if kept is None:
        return None
    for s, e in kept:
        for line in raw_text[s:e].split("\n"):
            if line.strip() in AGGREGATOR_CHROME:
                problems.add(*where, f"kept text still contains aggregator chrome {line.strip()!r}")
    return Article(
        article_id=aid,
        cluster_id=row["cluster_id"],
        source=row["source"],
        credit=row["credit"],
        aggregator=row["aggregator"],
        title=row["title"],
        published=row["published"],
        published_basis=row["published_basis"],
        language=row["language"],
        url=row["url"],
        license=row["license"],
        seed=seed,
        sha256=digest,
        kept_ranges=kept,
        notes=row["notes"],
        raw_text=raw_text,
        split=split,
        synthetic=synthetic,
    )


def _is_date(value: str) -> bool:
    """Whether ``value`` is a real calendar date, or date and time with an offset, in ISO 8601 form."""
    if not DATE_PATTERN.match(value):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:  # well formed but impossible: 2026-02-30, 25:00
        return False
    return True


def _check_ranges(
    value: list, length: int, problems: Problems, where: tuple[Path, int]
) -> tuple[tuple[int, int], ...] | None:
    ranges = []
    for item in value:
        if not (isinstance(item, list) and len(item) == 2 and all(type(x) is int for x in item)):
            problems.add(*where, f"kept_ranges must be a list of [start, end] integer pairs, got {shown_json(item)}")
            return None
        ranges.append((item[0], item[1]))
    if not ranges:
        problems.add(*where, "kept_ranges is empty: nothing of the article would be kept")
        return None
    previous_end = 0
    for s, e in ranges:
        if not 0 <= s < e <= length or s < previous_end:
            problems.add(
                *where,
                f"kept range [{shorten(s)}, {shorten(e)}] is out of order or outside the raw text (length {length})",
            )
            return None
        previous_end = e
    return tuple(ranges)
