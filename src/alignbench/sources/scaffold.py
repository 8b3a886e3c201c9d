"""Starting a cluster and importing its articles: ``alignbench new-cluster`` and ``alignbench add-article``.

``new-cluster`` makes ``corpus/<id>/`` with a ``cluster.json`` that records the split (so the first
article knows it) and an empty ``annotations/<id>/``. ``add-article`` copies a text file byte for
byte, or extracts the article text of a saved HTML page with ``trafilatura`` (optional extra
``annotate``), and appends the article's row to ``articles.jsonl``: the SHA-256 of the text, the
metadata given on the command line, and null or "unknown" for everything else, never a guess. The
new row is checked with the checks of ``alignbench validate`` before anything is written.
"""

from __future__ import annotations

import hashlib
import json
import string
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from alignbench.records import DataError, UsageError, shorten
from alignbench.sources.articles import CLUSTER_FILE
from alignbench.sources.conventions import DIAGNOSTIC_SPLIT
from alignbench.sources.edit import check_cluster, jsonl_line, read_or_none, write_files
from alignbench.sources.jsonl import DATE_PATTERN, ID_PATTERN, _utf8_error

#: The splits a hand-made cluster can belong to: real reports, or the project's synthetic suite.
CLUSTER_SPLITS = ("test", DIAGNOSTIC_SPLIT)

#: The file kinds ``add-article`` reads, by suffix.
TEXT_SUFFIXES = frozenset({".txt"})
HTML_SUFFIXES = frozenset({".html", ".htm"})

LICENSE_TEST = (
    "Copyright of the original publisher. No licence has been granted to alignbench; the text is included "
    "verbatim for non-commercial research only (see LICENSES.md)."
)
LICENSE_DIAGNOSTIC = "CC-BY-4.0: written by the alignbench project (synthetic, fictional event)"
#: An extracted page with no line of this many words holds no article (only menus, links, labels).
MIN_LINE_WORDS = 5

#: What validate says of known aggregator lines in the kept text (sources/articles.py).
CHROME_PROBLEM = "kept text still contains aggregator chrome"
UNKNOWN_DATE_BASIS = "Not established: no publication date was given when the article was added."


class ArticleMeta(NamedTuple):
    """What ``add-article`` records besides the text: None means unknown (written as null)."""

    source: str | None = None
    credit: str | None = None
    title: str | None = None
    published: str | None = None
    published_basis: str | None = None
    url: str | None = None
    language: str | None = None
    license: str | None = None
    notes: str | None = None
    article_id: str | None = None


class Added(NamedTuple):
    """The article ``add-article`` wrote."""

    article_id: str
    text_path: Path
    characters: int
    sha256: str
    html_sha256: str | None
    #: Known aggregator chrome still in the kept text: to remove with ``alignbench annotate``.
    chrome: list[str]


def _check_root(root: Path) -> None:
    if not (root / "corpus").is_dir():
        raise DataError(f"{root / 'corpus'}: no corpus/ folder here (run from a clone of alignbench or give --root)")


def new_cluster(root: str | Path, cluster_id: str, split: str) -> list[Path]:
    """Make the folders of a new cluster; return what was created. Refuses an id that exists."""
    root = Path(root)
    if not ID_PATTERN.match(cluster_id):
        raise UsageError(f"malformed cluster id {shorten(cluster_id)} (use lower-case letters, digits, '-', '_', '.')")
    if split not in CLUSTER_SPLITS:
        raise UsageError(f"--split must be one of {', '.join(CLUSTER_SPLITS)}, got {shorten(split)}")
    _check_root(root)
    corpus, annotations = root / "corpus" / cluster_id, root / "annotations" / cluster_id
    for folder in (corpus, annotations):
        if folder.exists():
            raise DataError(f"{folder}: cluster {cluster_id!r} already exists; choose another id")
    declared = json.dumps({"cluster_id": cluster_id, "split": split}, ensure_ascii=False) + "\n"
    corpus.mkdir(parents=True)
    annotations.mkdir(parents=True)
    write_files(root, {f"corpus/{cluster_id}/{CLUSTER_FILE}": declared.encode("utf-8")})
    return [corpus, annotations]


def cluster_split(root: Path, cluster_id: str) -> str:
    """The split of an existing cluster: its ``cluster.json``, else its articles'."""
    folder = root / "corpus" / cluster_id
    if not folder.is_dir():
        raise DataError(f"{folder}: no cluster {cluster_id!r}: run 'alignbench new-cluster {cluster_id}' first")
    declared = read_or_none(folder / CLUSTER_FILE)
    if declared is not None:
        try:
            return json.loads(declared)["split"]
        except (ValueError, KeyError, TypeError):
            raise DataError(f"{folder / CLUSTER_FILE}: unreadable: run 'alignbench validate'") from None
    for line in (read_or_none(folder / "articles.jsonl") or b"").decode("utf-8", "replace").splitlines():
        try:
            return json.loads(line).get("split", "test")
        except (ValueError, AttributeError):
            continue
    raise DataError(f"{folder}: the cluster's split is not recorded ({CLUSTER_FILE} is missing)")


def read_article_text(path: Path) -> tuple[str, bytes, str | None, str | None]:
    """(raw text, its bytes, SHA-256 of the HTML page or None, the page's own URL or None) of ``FILE``."""
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES | HTML_SUFFIXES:
        raise DataError(
            f"{path}: expected a .txt file or a saved .html page, got {shorten(path.suffix or 'no suffix')}"
        )
    if not path.exists():
        raise DataError(f"{path}: file not found")
    if path.is_dir():
        raise DataError(f"{path}: is a directory, expected a file")
    data = path.read_bytes()
    if b"\0" in data:
        raise DataError(f"{path}: a binary file (it holds NUL bytes), not text")
    if suffix in HTML_SUFFIXES:
        text, url = _extract_html(path, data)
        return text, text.encode("utf-8"), hashlib.sha256(data).hexdigest(), url
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line, why = _utf8_error(data, err)
        raise DataError(f"{path}:{line}: {why}: expected UTF-8 text") from None
    if not text.strip():
        raise DataError(f"{path}: is empty: an article needs some text")
    return text, data, None, None


def _extract_html(path: Path, data: bytes) -> tuple[str, str | None]:
    """The article text of a saved HTML page (trafilatura's main-text extraction) and the page's URL."""
    try:
        import trafilatura
    except ImportError:
        raise DataError(
            f"{path}: reading an HTML page needs the optional extra: pip install 'alignbench[annotate]'"
        ) from None
    text = trafilatura.extract(data, include_comments=False, include_tables=True, with_metadata=False)
    if not text or not text.strip():
        raise DataError(f"{path}: no article text found in this HTML page (trafilatura extracted nothing)")
    if not any(len(line.split()) >= MIN_LINE_WORDS for line in text.splitlines()):
        raise DataError(
            f"{path}: no article text found in this HTML page (trafilatura extracted only {shorten(text, 60)}: "
            f"no line of {MIN_LINE_WORDS} words or more, as in menus and link lists)"
        )
    metadata = trafilatura.extract_metadata(data)
    url = getattr(metadata, "url", None) if metadata is not None else None
    return text, url if isinstance(url, str) and url.startswith(("http://", "https://")) else None


def _next_article_id(cluster_id: str, taken: set[str]) -> str:
    for letter in string.ascii_lowercase:
        if f"{cluster_id}-{letter}" not in taken:
            return f"{cluster_id}-{letter}"
    raise UsageError("26 articles already: give --article-id")


def article_row(cluster_id: str, split: str, aid: str, sha: str, length: int, meta: ArticleMeta, **extra: Any) -> dict:
    """The ``articles.jsonl`` row of a new article: given metadata, unknown fields null or "unknown"."""
    diagnostic = split == DIAGNOSTIC_SPLIT
    row: dict[str, Any] = {
        "article_id": aid,
        "cluster_id": cluster_id,
        "source": meta.source or "unknown",
        "credit": meta.credit,
        "aggregator": None,
        "title": meta.title,
        "published": meta.published,
        "published_basis": meta.published_basis or UNKNOWN_DATE_BASIS,
        "language": meta.language or "und",
        "url": meta.url,
        "license": meta.license or (LICENSE_DIAGNOSTIC if diagnostic else LICENSE_TEST),
        "seed": None,
        "sha256": sha,
        "kept_ranges": [[0, length]],
        "notes": meta.notes,
    }
    row.update({k: v for k, v in extra.items() if v is not None})
    row.update({"synthetic": diagnostic, "split": split})
    return row


def add_article(root: str | Path, cluster_id: str, file: str | Path, meta: ArticleMeta) -> Added:
    """Copy an article into ``corpus/<cluster>/`` and record it in ``articles.jsonl``."""
    root, file = Path(root), Path(file)
    _check_root(root)
    if meta.published is not None and not DATE_PATTERN.match(meta.published):
        raise UsageError(f"--published must be an ISO date YYYY-MM-DD, got {shorten(meta.published)}")
    split = cluster_split(root, cluster_id)
    text, data, html_sha, page_url = read_article_text(file)
    folder = root / "corpus" / cluster_id
    existing = read_or_none(folder / "articles.jsonl") or b""
    taken = {p.stem for p in folder.glob("*.txt")}
    for line in existing.decode("utf-8", "replace").splitlines():
        try:
            taken.add(json.loads(line)["article_id"])
        except (ValueError, KeyError, TypeError):
            continue
    aid = meta.article_id or _next_article_id(cluster_id, taken)
    if not ID_PATTERN.match(aid):
        raise UsageError(f"malformed --article-id {shorten(aid)} (use lower-case letters, digits, '-', '_', '.')")
    if aid in taken:
        raise DataError(f"{folder / (aid + '.txt')}: article {aid!r} already exists in {cluster_id!r}")
    notes = meta.notes
    if html_sha is not None:
        import trafilatura

        origin = f"Raw text extracted with trafilatura {trafilatura.__version__} from a saved HTML page (html_sha256)."
        notes = f"{notes} {origin}" if notes else origin
    row = article_row(
        cluster_id,
        split,
        aid,
        hashlib.sha256(data).hexdigest(),
        len(text),
        meta._replace(notes=notes, url=meta.url or page_url),
        html_sha256=html_sha,
    )
    prefix = existing if not existing or existing.endswith(b"\n") else existing + b"\n"
    changes: Mapping[str, bytes] = {
        f"corpus/{cluster_id}/{aid}.txt": data,
        f"corpus/{cluster_id}/articles.jsonl": prefix + jsonl_line(row).encode("utf-8"),
    }
    found = [p for p in check_cluster(root, cluster_id, changes) if p.startswith(f"corpus/{cluster_id}/")]
    # page chrome in the kept text is what the workbench's first step removes: reported, not refused
    line = len(prefix.splitlines()) + 1
    new_row = f"corpus/{cluster_id}/articles.jsonl:{line}: "
    chrome = [p for p in found if CHROME_PROBLEM in p and p.startswith(new_row)]
    found = [p for p in found if CHROME_PROBLEM not in p or p in chrome]
    if len(chrome) < len(found):
        raise DataError([p for p in found if CHROME_PROBLEM not in p])
    try:
        write_files(root, changes)
    except BaseException:
        (folder / f"{aid}.txt").unlink(missing_ok=True)  # the file this command created, nothing else
        raise
    return Added(aid, folder / f"{aid}.txt", len(text), row["sha256"], html_sha, chrome)
