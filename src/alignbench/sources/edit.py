"""Writing source files: the JSON Lines text of articles, claims and links, checked before anything is written.

Every writer of ``corpus/`` and ``annotations/`` (``alignbench add-article``, the annotation
workbench) goes through here: the new files are first laid out in a scratch copy of the cluster
and checked by :func:`alignbench.sources.corpus.check_sources`, the checks of ``alignbench
validate``; only then are they written, each atomically (:mod:`alignbench.fileio`).
Keys keep the order of GUIDELINES §1, one record per line, UTF-8 unescaped, so diffs stay small.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from alignbench.fileio import write_bytes_atomic
from alignbench.records import Benchmark
from alignbench.sources.corpus import check_sources

CLAIM_KEYS = ("claim_id", "article_id", "start", "end", "text", "statement")
LINK_KEYS = ("claim_a", "claim_b", "relation", "rationale", "annotator", "tags", "passes", "adjudicated")


def jsonl_line(row: Mapping[str, Any], keys: Iterable[str] | None = None) -> str:
    """One JSON Lines row, keys in ``keys`` order (absent ones left out), non-ASCII kept as is."""
    ordered = row if keys is None else {k: row[k] for k in keys if k in row}
    return json.dumps(ordered, ensure_ascii=False) + "\n"


def claims_text(claims: Iterable[Mapping[str, Any]]) -> str:
    """The text of a ``claims.jsonl``, in the order given."""
    return "".join(jsonl_line(c, CLAIM_KEYS) for c in claims)


def links_text(links: Iterable[Mapping[str, Any]]) -> str:
    """The text of a pass or of ``alignments.jsonl``, sorted by cell (``tags`` left out when empty)."""
    rows = [{k: v for k, v in x.items() if not (k == "tags" and not v)} for x in links]
    return "".join(jsonl_line(x, LINK_KEYS) for x in sorted(rows, key=lambda x: (x["claim_a"], x["claim_b"])))


def with_kept_ranges(articles_jsonl: str, ranges: Mapping[str, list[list[int]]]) -> str:
    """``articles.jsonl`` with the ``kept_ranges`` of the named articles replaced; other lines untouched."""
    out = []
    for line in articles_jsonl.splitlines(keepends=True):
        if line.strip():
            row = json.loads(line)
            aid = row.get("article_id")
            if aid in ranges and row.get("kept_ranges") != ranges[aid]:
                row["kept_ranges"] = ranges[aid]
                line = jsonl_line(row)
        out.append(line)
    return "".join(out)


def sha256_text(data: bytes | None) -> str | None:
    """Hex SHA-256 of a file's bytes, None for a file that does not exist."""
    return None if data is None else hashlib.sha256(data).hexdigest()


def read_or_none(path: Path) -> bytes | None:
    """A file's bytes, or None if there is no such file."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def check_cluster(root: Path, cluster: str, changes: Mapping[str, bytes]) -> list[str]:
    """The problems ``alignbench validate`` would report for ``cluster`` once ``changes`` are written.

    ``changes`` maps paths relative to ``root`` (``corpus/<cluster>/...``, ``annotations/<cluster>/...``)
    to their new bytes. The check runs in a scratch copy of ``seeds/`` and the cluster's two folders,
    so the real tree is never touched; problems name files relative to the root, as validate does.
    """
    return load_cluster(root, cluster, changes)[1]


def load_cluster(root: Path, cluster: str, changes: Mapping[str, bytes] | None = None) -> tuple[Benchmark, list[str]]:
    """What :func:`check_cluster` reads: the cluster's records (whatever could be read) and its problems."""
    with tempfile.TemporaryDirectory(prefix="alignbench-check-") as scratch:
        copy = Path(scratch)
        if (root / "seeds").is_dir():
            shutil.copytree(root / "seeds", copy / "seeds")
        for folder in ("corpus", "annotations"):
            source = root / folder / cluster
            if source.is_dir():
                shutil.copytree(source, copy / folder / cluster)
            (copy / folder).mkdir(exist_ok=True)
        for relative, data in (changes or {}).items():
            target = copy / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return check_sources(copy)


def write_files(root: Path, changes: Mapping[str, bytes]) -> list[str]:
    """Write each changed file atomically (in the order given); return the paths written."""
    for relative, data in changes.items():
        write_bytes_atomic(root / relative, data)
    return list(changes)
