"""Annotation passes of a cluster: the links of ``passes/<name>.jsonl`` and the cells each pass considered.

A pass must consider every cell of the claims(A) x claims(B) grid, linked or not (GUIDELINES §5).
Which cells a person looked at is recorded beside the pass, in ``passes/<name>.considered.json``
(written by ``alignbench annotate``): one key per claim of the article that sorts first, listing the
claims of the other articles it was compared with::

    {
    "c-a-001": ["c-b-001", "c-b-002"],
    "c-a-002": ["c-b-001"]
    }

The file is checked here like the links: known claims of the units the passes were made on, two
articles of the cluster in the right orientation, no cell twice, and every link of the pass among
the considered cells. A pass is complete when its considered cells are the whole grid.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

from alignbench.records import Alignment, Article, Claim, shorten
from alignbench.sources.jsonl import Problems, _parse_json, _read_bytes, _utf8_error
from alignbench.sources.links import _pass_files, _read_alignments

#: The name of a file of considered cells is the pass's name with this ending.
CONSIDERED_SUFFIX = ".considered.json"

#: A pass name: lower-case letters and digits, '-' or '_' between them (no '.', no '/').
PASS_NAME = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")

#: Names that are not passes in ``passes/``: ``claims`` is the file of the passes' claim units.
RESERVED_PASS_NAMES = frozenset({"claims"})

Cell = tuple[str, str]


def considered_path(annotation_dir: Path, name: str) -> Path:
    """Where the considered cells of pass ``name`` of a cluster's annotation folder live."""
    return annotation_dir / "passes" / f"{name}{CONSIDERED_SUFFIX}"


def considered_files(annotation_dir: Path) -> list[Path]:
    """The ``passes/<name>.considered.json`` files of a cluster's annotation folder, by name."""
    folder = annotation_dir / "passes"
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.name.endswith(CONSIDERED_SUFFIX) and PASS_NAME.match(p.name.removesuffix(CONSIDERED_SUFFIX))
    )


def grid_cells(articles: Iterable[Article], claims: Iterable[Claim], cluster: str) -> set[Cell]:
    """Every cell (claim_a, claim_b) of every article pair of ``cluster``: claim_a from the article that sorts first."""
    ids = sorted(a.article_id for a in articles if a.cluster_id == cluster)
    by_article: dict[str, list[str]] = {aid: [] for aid in ids}
    for claim in claims:
        if claim.article_id in by_article:
            by_article[claim.article_id].append(claim.claim_id)
    return {(a, b) for i, x in enumerate(ids) for y in ids[i + 1 :] for a in by_article[x] for b in by_article[y]}


def considered_text(cells: Iterable[Cell]) -> str:
    """The text of a considered file: one line per claim_a, keys and lists sorted (diff-friendly)."""
    rows: dict[str, list[str]] = {}
    for a, b in cells:
        rows.setdefault(a, []).append(b)
    lines = [f"{json.dumps(a)}: {json.dumps(sorted(set(bs)))}" for a, bs in sorted(rows.items())]
    return "{\n" + ",\n".join(lines) + ("\n" if lines else "") + "}\n"


def read_considered(
    path: Path,
    cluster: str,
    articles: dict[str, Article],
    claims: dict[str, Claim],
    rejected: set[str],
    problems: Problems,
) -> set[Cell] | None:
    """The cells of a considered file, checked against the claim units; None if it cannot be read.

    Cells naming a claim already reported as broken (``rejected``) are skipped: no cascades.
    """
    data, why = _read_bytes(path)
    if data is None:
        problems.add(path, None, why or "cannot be read")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        problems.add(path, *_utf8_error(data, err))
        return None
    value, why = _parse_json(text)
    if why:
        problems.add(path, None, why)
        return None
    if not isinstance(value, dict) or not all(isinstance(v, list) for v in value.values()):
        problems.add(path, None, 'expected a JSON object {"<claim_a>": ["<claim_b>", ...], ...}')
        return None
    cells: set[Cell] = set()
    for a, bs in value.items():
        for b in bs:
            problem = _cell_problem(a, b, cluster, articles, claims, rejected, cells)
            if problem == "":
                continue
            if problem:
                problems.add(path, _line_of(text, a), problem)
            else:
                cells.add((a, b))
    return cells


def _line_of(text: str, key: str) -> int | None:
    """The line of ``text`` where the key ``key`` starts (the file keeps one key per line)."""
    at = text.find(json.dumps(key) + ":")
    return text.count("\n", 0, at) + 1 if at >= 0 else None


def _cell_problem(
    a: str,
    b: object,
    cluster: str,
    articles: dict[str, Article],
    claims: dict[str, Claim],
    rejected: set[str],
    seen: set[Cell],
) -> str | None:
    """The problem of one considered cell, None if sound, "" to skip it silently (a broken claim)."""
    if not isinstance(b, str):
        return f"{shorten(a)}: claim ids must be strings, got {shorten(b)}"
    missing = [cid for cid in (a, b) if cid not in claims]
    if missing:
        return "" if all(cid in rejected for cid in missing) else f"unknown claim id {shorten(missing[0])}"
    art_a, art_b = articles[claims[a].article_id], articles[claims[b].article_id]
    if art_a.cluster_id != cluster or art_b.cluster_id != cluster:
        return f"cell {shorten(a)} - {shorten(b)} is not in cluster {shorten(cluster)}"
    if art_a.article_id >= art_b.article_id:
        return f"cell {shorten(a)} - {shorten(b)}: the first claim must come from the article that sorts first, and the two from different articles"
    if (a, b) in seen:
        return f"cell {shorten(a)} - {shorten(b)} is listed twice"
    return None


def check_passes(
    annotation_dir: Path,
    cluster: str,
    articles: dict[str, Article],
    units: dict[str, Claim],
    units_rejected: set[str],
    trusted: bool,
    problems: Problems,
) -> None:
    """Check every pass of a cluster (links like the gold's) and every considered file beside them."""
    links_of: dict[str, list[Alignment]] = {}
    for pass_path in _pass_files(annotation_dir):
        # checked like the gold; the links of a pass are not part of the benchmark
        links_of[pass_path.stem] = []
        _read_alignments(
            pass_path,
            cluster,
            articles,
            units,
            units_rejected,
            problems,
            links_of[pass_path.stem],
            trusted,
            pass_path.stem,
        )
    for path in considered_files(annotation_dir):
        name = path.name.removesuffix(CONSIDERED_SUFFIX)
        if name in RESERVED_PASS_NAMES:
            problems.add(path, None, f"{name!r} is not a pass name (passes/{name}.jsonl holds claim units)")
            continue
        cells = read_considered(path, cluster, articles, units, units_rejected, problems)
        if cells is None:
            continue
        for link in links_of.get(name, []):
            if (link.claim_a, link.claim_b) not in cells:
                problems.add(
                    path,
                    None,
                    f"link {link.claim_a} - {link.claim_b} of pass {name!r} is not recorded as considered",
                )
