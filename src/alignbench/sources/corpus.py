"""Read ``seeds/``, ``corpus/`` and ``annotations/`` into typed records, checking everything.

Layout of a source tree (one folder per event cluster, so adding a cluster is adding folders)::

    seeds/SHA256SUMS                              checksums of the user's seed documents
    corpus/<cluster_id>/articles.jsonl            one article's metadata per line
    corpus/<cluster_id>/<article_id>.txt          the raw article text, byte-exact UTF-8
    annotations/<cluster_id>/claims.jsonl         one claim per line
    annotations/<cluster_id>/alignments.jsonl     one gold link per line
    annotations/<cluster_id>/passes/<name>.jsonl  one annotation pass (links, as alignments.jsonl)
    annotations/<cluster_id>/passes/*.md          notes on the passes
    annotations/<cluster_id>/passes/claims.jsonl  the claim units the passes were made on, if they
                                                  are not the current claims.jsonl (re-segmentation)
    annotations/<cluster_id>/adjudication/        *.md, *.json, *.jsonl: agreement, adjudication,
                                                  claim map (JSON syntax checked here)

Nothing else belongs under these folders (besides ``annotations/GUIDELINES.md``, ``TAGS.md``,
``DIAGNOSTIC-<name>-review.md`` and the seed files that SHA256SUMS lists): ``alignbench build``
hashes every file there, so a stray file would change the source hash without being checked.

Every problem is collected as ``file:line: message`` (paths relative to the root) so that
``alignbench validate`` can report all of them at once; :func:`load_sources` raises them.
A problem is reported once, at its root: rows that refer to a rejected row are not reported again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
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
from alignbench.sources.segment import AGGREGATOR_CHROME, context_span, sentences
from alignbench.sources.tags import PHENOMENON_TAGS

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$")
SHA256_PATTERN = re.compile(r"^[0-9a-f]{64}$")
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")

_STR, _OPT = (str,), (str, type(None))
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
}
#: Article fields that may be left out: ``split`` defaults to ``test``, ``synthetic`` to false.
OPTIONAL_ARTICLE_FIELDS = frozenset({"split", "synthetic"})
#: A split name: lower-case letters, digits and underscores (what Hugging Face accepts).
SPLIT_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
#: The split of the project's synthetic suite: it holds synthetic articles and nothing else.
DIAGNOSTIC_SPLIT = "diagnostic"
CLAIM_FIELDS: dict[str, tuple[type, ...]] = {
    "claim_id": _STR,
    "article_id": _STR,
    "start": (int,),
    "end": (int,),
    "text": _STR,
    "statement": _OPT,
}
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


class Problems(list):
    """A list of ``file:line: message`` strings, with paths shown relative to ``root``."""

    def __init__(self, root: Path):
        super().__init__()
        self.root = root

    def add(self, path: Path, line: int | None, message: str) -> None:
        """Record one problem; ``line`` None means the file as a whole."""
        try:
            name = path.relative_to(self.root).as_posix()
        except ValueError:
            name = str(path)
        if not name.isprintable():  # a newline in a file name must not split the problem line
            name = repr(name)
        self.append(f"{name}:{line}: {message}" if line else f"{name}: {message}")


def _unexpected(err: Exception) -> str:
    """The message for an error that no check foresaw: one bad line must never be a traceback."""
    detail = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
    return f"could not be checked ({type(err).__name__}: {shorten(detail)})"


def _parse_json(line: str) -> tuple[Any, str | None]:
    """(value, None) for a line of JSON, or (None, the problem)."""
    try:
        return json.loads(line), None
    except json.JSONDecodeError as err:
        return None, f"not valid JSON ({err.msg}, column {err.colno})"
    except RecursionError:
        return None, "not valid JSON (nested too deeply)"
    except ValueError as err:
        if "integer string conversion" in str(err):
            return None, f"not valid JSON (a number with more than {sys.get_int_max_str_digits()} digits)"
        return None, f"not valid JSON ({shorten(str(err))})"


def _row_problems(
    line: str, fields: dict[str, tuple[type, ...]], optional: frozenset[str] = frozenset()
) -> tuple[Any, list[str]]:
    """(row, []) for a sound line of a JSON Lines file, or (what was parsed, its problems).

    Fields named in ``optional`` may be absent; if present they are checked like the others.
    """
    row, problem = _parse_json(line)
    if problem:
        return None, [problem]
    if not isinstance(row, dict):
        return row, ["expected a JSON object"]
    found = []
    for key in [key for key in row if key not in fields]:  # in the row's order, so output is stable
        hint = close_match(key, fields)
        found.append(f"unknown field {shorten(key)}" + (f" (did you mean {hint!r}?)" if hint else ""))
    for key, types in fields.items():
        if key not in row:
            if key not in optional:
                found.append(f"missing field {key!r}")
        elif not isinstance(row[key], types) or (isinstance(row[key], bool) and bool not in types):
            want = " or ".join("null" if t is type(None) else t.__name__ for t in types)
            found.append(f"field {key!r} must be {want}, got {shown_json(row[key])}")
    return row, found


def _salvage_id(line: str, row: Any, id_field: str) -> str | None:
    """The ``id_field`` of a rejected line, if it can still be read (from the row, or the raw text)."""
    if isinstance(row, dict):
        value = row.get(id_field)
        return value if isinstance(value, str) else None
    match = re.search(rf'"{re.escape(id_field)}"\s*:\s*("(?:[^"\\\\]|\\\\.)*")', line)
    if match is None:
        return None
    try:
        value = json.loads(match.group(1))
    except ValueError:
        return None
    return value if isinstance(value, str) else None


class Rows(list):
    """The (line, row) pairs of the sound rows of a JSON Lines file.

    ``complete`` is False when the file could not be read, is empty, or has a rejected row whose
    id could not be read: then a row elsewhere that names an unknown id may refer to that row,
    and is not reported (the unreadable row is the root cause).
    """

    complete = True


def read_jsonl(
    path: Path,
    fields: dict[str, tuple[type, ...]],
    problems: Problems,
    id_field: str | None = None,
    rejected: set[str] | None = None,
    optional: frozenset[str] = frozenset(),
) -> Rows:
    """Rows of a JSON Lines file with exactly ``fields`` of the right types, as (line, row).

    Blank lines are skipped; a row with any problem is reported and left out, and its
    ``id_field``, if it can still be read, goes to ``rejected`` so that rows referring to it
    are not reported again. An empty file is a problem.
    """
    rows = Rows()
    data, why = _read_bytes(path)
    if data is None:
        problems.add(path, None, "file not found" if why == "not found" else why)
        rows.complete = False
        return rows
    if not data.strip():
        problems.add(path, None, "is empty (expected one JSON object per line)")
        rows.complete = False
        return rows
    for number, raw_line in enumerate(data.split(b"\n"), start=1):
        row: Any = None
        try:
            line = raw_line.decode("utf-8")
        except UnicodeDecodeError as err:  # one bad byte spoils its line only
            line, found = raw_line.decode("utf-8", "replace"), [_utf8_error(raw_line, err)[1]]
        else:
            if not line.strip():
                continue
            try:
                row, found = _row_problems(line, fields, optional)
            except Exception as err:
                found = [_unexpected(err)]
        for problem in found:
            problems.add(path, number, problem)
        if not found:
            rows.append((number, row))
        elif id_field is not None and rejected is not None:
            try:
                cid = _salvage_id(line, row, id_field)
            except Exception:
                cid = None
            if cid is not None:
                rejected.add(cid)
            else:
                rows.complete = False
    return rows


def _read_bytes(path: Path) -> tuple[bytes | None, str | None]:
    """(content, None), or (None, why it cannot be read) such as "is a directory, expected a file"."""
    try:
        return path.read_bytes(), None
    except FileNotFoundError:
        return None, "not found"
    except OSError as err:
        if isinstance(err, IsADirectoryError) or os.path.isdir(path):
            return None, "is a directory, expected a file"
        return None, f"cannot be read ({err.strerror or err})"
    except ValueError as err:  # e.g. a NUL character in a file name
        return None, f"cannot be read ({err})"


def _is_folder(path: Path, problems: Problems) -> bool:
    """False (and a problem) if ``path`` is a file where a folder belongs; True otherwise, even if absent."""
    if os.path.lexists(path) and not path.is_dir():
        problems.add(path, None, "is a file, expected a folder")
        return False
    return True


def _utf8_error(data: bytes, err: UnicodeDecodeError) -> tuple[int, str]:
    """(line, message) for the first invalid UTF-8 byte of ``data``: a line and column, not a byte offset."""
    line_start = data.rfind(b"\n", 0, err.start) + 1
    line = data.count(b"\n", 0, err.start) + 1
    column = len(data[line_start : err.start].decode("utf-8")) + 1
    return line, f"not valid UTF-8 at column {column} (byte 0x{data[err.start]:02x}: {err.reason})"


def _check_sum_line(
    root: Path, sums_path: Path, number: int, raw_line: bytes, problems: Problems, listed: dict[str, str]
) -> bool:
    """Check one line of SHA256SUMS and add its seed to ``listed``; False if the line is unreadable."""
    try:
        line = raw_line.decode("utf-8").removesuffix("\r")
    except UnicodeDecodeError as err:
        problems.add(sums_path, number, _utf8_error(raw_line, err)[1])
        return False
    if not line.strip():
        return True
    parts = line.split(maxsplit=1)
    if len(parts) != 2 or not SHA256_PATTERN.match(parts[0]):
        problems.add(sums_path, number, "expected '<sha256>  <file name>'")
        return False
    digest, name = parts[0], parts[1].lstrip("*")
    listed[f"seeds/{name}"] = digest  # even if unreadable: it is listed, and the problem is reported here
    data, why = _read_bytes(root / "seeds" / name)
    if data is None:
        problems.add(sums_path, number, f"seed file {shorten(name)} {why}")
        return True
    actual = hashlib.sha256(data).hexdigest()
    if actual != digest:
        problems.add(
            sums_path,
            number,
            f"checksum mismatch for {shorten(name)}: the seed was edited (sha256 {actual[:12]}..., expected {digest[:12]}...)",
        )
    return True


def _check_seeds(root: Path, problems: Problems) -> tuple[dict[str, str], bool]:
    """Check ``seeds/`` against ``seeds/SHA256SUMS``; return ({relative path: sha256}, complete).

    ``complete`` is False when a line of SHA256SUMS could not be read: it might have listed any
    file, so files that seem unlisted are not reported (the unreadable line is the root cause).
    """
    sums_path = root / "seeds" / "SHA256SUMS"
    listed: dict[str, str] = {}
    if not (root / "seeds").exists():
        return listed, True
    if not _is_folder(root / "seeds", problems):
        return listed, False
    data, why = _read_bytes(sums_path)
    if data is None:
        problems.add(sums_path, None, "file not found" if why == "not found" else why)
        return listed, False
    complete = True
    for number, raw_line in enumerate(data.split(b"\n"), start=1):
        try:
            complete &= _check_sum_line(root, sums_path, number, raw_line, problems, listed)
        except Exception as err:
            problems.add(sums_path, number, _unexpected(err))
            complete = False
    if complete:
        for seed in sorted((root / "seeds").iterdir()):
            if f"seeds/{seed.name}" in listed:
                continue  # read, and reported if it is not a file
            if seed.is_dir():
                if not any(name.startswith(f"seeds/{seed.name}/") for name in listed):
                    _unknown(seed, "SHA256SUMS and the seed files it lists", problems)
            elif seed.name != "SHA256SUMS":
                problems.add(sums_path, None, f"seed file {shorten(seed.name)} is not listed")
    return listed, complete


#: The files of ``annotations/`` itself, besides the cluster folders and review notes.
ANNOTATION_FILES: frozenset[str] = frozenset({"GUIDELINES.md", "TAGS.md"})
#: An annotator's notes on a second read of their clusters, e.g. ``DIAGNOSTIC-ann2-review.md``.
REVIEW_NOTES = re.compile(r"^DIAGNOSTIC-[a-z0-9]+(?:[-_.][a-z0-9]+)*-review\.md$")


def _unknown(path: Path, allowed: str, problems: Problems) -> None:
    """Report a stray file or folder (hidden ones too): build would hash its files, validate would not."""
    if path.is_dir():
        has_files = any(p.is_file() for p in path.rglob("*"))
        tail = "; its files would change the source hash" if has_files else ""
        problems.add(path, None, f"unknown folder (only {allowed} belong here{tail})")
    else:
        problems.add(path, None, f"unknown file (only {allowed} belong here; it would change the source hash)")


def _check_layout(root: Path, listed: dict[str, set[str] | None], annotated: list[str], problems: Problems) -> None:
    """Report every file or folder under corpus/ and annotations/ that nothing reads.

    ``listed`` maps each well-formed cluster to the article ids of its articles.jsonl (None if
    some could not be read: then any ``<id>.txt`` is let pass). ``annotated`` are the clusters
    whose annotation folder was read. What is reported otherwise (a malformed cluster id,
    annotations of an unknown cluster, a file where a cluster's folder belongs) is not repeated.
    """
    for entry in sorted((root / "corpus").iterdir()):
        if not entry.is_dir():
            _unknown(entry, "cluster folders", problems)
        elif entry.name in listed:
            ids = listed[entry.name]
            for item in sorted(entry.iterdir()):
                stem, is_txt = item.name.removesuffix(".txt"), item.name.endswith(".txt")
                if item.name == "articles.jsonl" or (is_txt and stem in (ids or ())):
                    continue  # read, and reported if it is not a file
                if not (is_txt and ids is None and ID_PATTERN.match(stem)):
                    _unknown(item, "articles.jsonl and <article_id>.txt", problems)
    annotations = root / "annotations"
    if not annotations.is_dir():
        return
    for entry in sorted(annotations.iterdir()):
        if not entry.is_dir():
            known = entry.name in ANNOTATION_FILES or REVIEW_NOTES.match(entry.name)
            if not known and entry.name not in listed:  # a cluster's: reported
                allowed = f"{', '.join(sorted(ANNOTATION_FILES))}, DIAGNOSTIC-<name>-review.md and cluster folders"
                _unknown(entry, allowed, problems)
        elif entry.name in annotated:
            for item in sorted(entry.iterdir()):
                if item.name == "passes" and item.is_dir():
                    read = [*_pass_files(entry), item / PASS_UNITS]
                    for part in sorted(item.iterdir()):
                        if part not in read and not (part.suffix == ".md" and part.is_file()):
                            _unknown(part, "<pass name>.jsonl, claims.jsonl and *.md", problems)
                elif item.name == "adjudication" and item.is_dir():
                    _check_adjudication(item, problems)
                elif item.name not in ("claims.jsonl", "alignments.jsonl"):
                    _unknown(item, "claims.jsonl, alignments.jsonl, passes/ and adjudication/", problems)


def _check_adjudication(folder: Path, problems: Problems) -> None:
    """Report stray files in ``adjudication/`` and *.json / *.jsonl files that do not parse."""
    for part in sorted(folder.iterdir()):
        if not part.is_file() or part.suffix not in (".md", ".json", ".jsonl"):
            _unknown(part, "*.md, *.json and *.jsonl", problems)
            continue
        if part.suffix == ".md":
            continue
        try:
            text = part.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            problems.add(part, None, f"cannot be read: {err}")
            continue
        lines = enumerate(text.split("\n"), start=1) if part.suffix == ".jsonl" else [(None, text)]
        for number, line in lines:
            if line.strip():
                _, why = _parse_json(line)
                if why:
                    problems.add(part, number, why)


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
    seen: dict[frozenset[str], int] = {}
    # a gold file can be compared too: its passes/adjudicated are read, not used
    optional = frozenset({"annotator"}) | OPTIONAL_LINK_FIELDS | PROVENANCE_FIELDS
    for number, row in read_jsonl(path, ALIGNMENT_FIELDS, problems, optional=optional):
        row.setdefault("annotator", path.stem)
        try:
            problem = _link_problem(row, None, articles, claims, seen)
        except Exception as err:
            problem = _unexpected(err)
        if problem:
            problems.add(path, number, problem)
            continue
        seen[frozenset((row["claim_a"], row["claim_b"]))] = number
        links.append(_alignment(row))
    if problems:
        raise DataError(list(problems))
    return links


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
    return listed if rows.complete else None


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
    if row["published"] is not None and not DATE_PATTERN.match(row["published"]):
        problems.add(*where, f"published must be an ISO date YYYY-MM-DD or null, got {shorten(row['published'])}")
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
    if synthetic != (split == DIAGNOSTIC_SPLIT):
        problems.add(
            *where,
            f"synthetic articles belong to the {DIAGNOSTIC_SPLIT!r} split and it holds nothing else "
            f"(got synthetic {str(synthetic).lower()}, split {shorten(split)})",
        )
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


def _read_claims(
    path: Path,
    cluster: str,
    articles: dict[str, Article],
    rejected_articles: set[str],
    articles_trusted: bool,
    problems: Problems,
    claims: dict[str, Claim],
    rejected: set[str],
) -> bool:
    """Read one cluster's claims; ids of claims with a problem go to ``rejected`` (no cascades).

    Claims of an article that was rejected are left out silently: the article's problem is
    already reported. So are claims of an unknown article if ``articles_trusted`` is False (the
    cluster has no usable article, or an article's id could not be read). Return whether the
    claims can be trusted in turn: some are usable and every rejected one's id could be read.
    """
    spans: dict[str, list[tuple[int, int, str]]] = {}
    sentence_cache: dict[str, list[tuple[int, int]]] = {}
    usable = False
    rows = read_jsonl(path, CLAIM_FIELDS, problems, "claim_id", rejected)
    for number, row in rows:
        # The claim of a rejected article can only be checked on its own id: the rest would cascade.
        silent = row["article_id"] in rejected_articles or not articles_trusted
        try:
            if silent and row["article_id"] not in articles:
                problem = _claim_id_problem(row["claim_id"], claims)
            else:
                problem = _claim_problem(row, cluster, articles, claims, spans)
                silent = False
        except Exception as err:
            problem = _unexpected(err)
        if problem or silent:
            if problem:
                problems.add(path, number, problem)
            rejected.add(row["claim_id"])
            continue
        usable = True
        cid, aid, start, end = row["claim_id"], row["article_id"], row["start"], row["end"]
        article = articles[aid]
        spans.setdefault(aid, []).append((start, end, cid))
        if aid not in sentence_cache:
            sentence_cache[aid] = sentences(article.raw_text, article.kept_ranges)
        c_start, c_end = context_span(sentence_cache[aid], start, end)
        claims[cid] = Claim(cid, aid, start, end, row["text"], article.raw_text[c_start:c_end], row["statement"])
    return usable and rows.complete


def _claim_id_problem(cid: str, claims: dict[str, Claim]) -> str | None:
    """The problem of a claim id on its own (malformed, duplicate), or None."""
    if not ID_PATTERN.match(cid):
        return f"malformed claim_id {shorten(cid)} (use lower-case letters, digits, '-', '_', '.')"
    if cid in claims:
        return f"duplicate claim_id {shorten(cid)}"
    return None


def _claim_problem(
    row: dict[str, Any],
    cluster: str,
    articles: dict[str, Article],
    claims: dict[str, Claim],
    spans: dict[str, list[tuple[int, int, str]]],
) -> str | None:
    """The first problem of one claim row, or None if it is sound."""
    cid, aid = row["claim_id"], row["article_id"]
    problem = _claim_id_problem(cid, claims)
    if problem:
        return problem
    article = articles.get(aid)
    if article is None:
        return f"unknown article_id {shorten(aid)}"
    if article.cluster_id != cluster:
        return f"article {shorten(aid)} belongs to cluster {shorten(article.cluster_id)}, not {shorten(cluster)}"
    if not cid.startswith(f"{aid}-"):
        return f"claim_id {shorten(cid)} must start with its article_id {shorten(aid + '-')}"
    start, end, quote, raw = row["start"], row["end"], row["text"], article.raw_text
    span = f"[{shorten(start)}, {shorten(end)}]"
    if start == end:
        return f"empty span {span} (start == end): a claim quotes at least one character"
    if start > end:
        return f"span {span} starts after it ends (start > end)"
    if start < 0 or end > len(raw):
        return f"span {span} is outside the raw text of {shorten(aid)} (length {len(raw)})"
    if raw[start:end] != quote:
        found = raw.find(quote)
        hint = f"; the quote occurs at [{found}, {found + len(quote)}]" if found >= 0 else ""
        return f"text {shorten(quote)} != raw_text[{start}:{end}] {shorten(raw[start:end])}{hint}"
    if quote != quote.strip():
        return "span starts or ends with whitespace"
    if not any(s <= start and end <= e for s, e in article.kept_ranges):
        return f"span {span} is not inside one kept range of {shorten(aid)} (it touches removed page chrome)"
    overlap = next((other for s, e, other in spans.get(aid, []) if s < end and start < e), None)
    if overlap is not None:
        return f"span {span} overlaps claim {shorten(overlap)}"
    return None


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
    seen: dict[frozenset[str], int] = {}
    if annotator is not None:
        fields, optional = PASS_FIELDS, OPTIONAL_LINK_FIELDS
    else:
        fields, optional = ALIGNMENT_FIELDS, OPTIONAL_LINK_FIELDS | (frozenset() if known_passes else PROVENANCE_FIELDS)
    for number, row in read_jsonl(path, fields, problems, optional=optional):
        ids = (row["claim_a"], row["claim_b"])
        # a claim id can be both rejected and sound: a duplicate row of a sound claim is rejected
        if any(c not in claims and (c in rejected or not claims_trusted) for c in ids):
            continue
        try:
            problem = _link_problem(row, cluster, articles, claims, seen)
            if problem is None and annotator is not None and row["annotator"] != annotator:
                problem = f"annotator {shorten(row['annotator'])} is not this pass's {annotator!r} (its file name)"
            if problem is None and annotator is None:
                problem = _provenance_problem(row, known_passes or [])
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
        problem = _tags_problem(row["tags"])
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


def check_sources(root: str | Path) -> tuple[Benchmark, list[str]]:
    """Read and check a source tree; return what could be read and every problem found."""
    root = Path(root)
    problems = Problems(root)
    if not (root / "corpus").is_dir():
        problems.add(root / "corpus", None, "no corpus/ folder here (run from a clone of alignbench or pass its path)")
        return Benchmark((), (), ()), list(problems)
    seeds = _check_seeds(root, problems)
    articles: dict[str, Article] = {}
    claims: dict[str, Claim] = {}
    rejected: set[str] = set()
    rejected_articles: set[str] = set()
    links: list[Alignment] = []
    clusters = []
    for cluster_dir in sorted(p for p in (root / "corpus").iterdir() if p.is_dir()):
        if ID_PATTERN.match(cluster_dir.name):
            clusters.append(cluster_dir)
        else:  # reported once: its annotations are not read, so they cannot cascade
            problems.add(cluster_dir, None, f"malformed cluster id {shorten(cluster_dir.name)}")
    listed: dict[str, set[str] | None] = {}
    for cluster_dir in clusters:
        listed[cluster_dir.name] = _read_articles(root, cluster_dir, seeds, problems, articles, rejected_articles)
    annotated = clusters if _is_folder(root / "annotations", problems) else []
    annotated = [c for c in annotated if _is_folder(root / "annotations" / c.name, problems)]
    claims_trusted: dict[str, bool] = {}
    articles_trusted: dict[str, bool] = {}
    for cluster_dir in annotated:
        name = cluster_dir.name
        path = root / "annotations" / name / "claims.jsonl"
        trusted = listed[name] is not None and any(a.cluster_id == name for a in articles.values())
        articles_trusted[name] = trusted
        claims_trusted[name] = _read_claims(
            path, name, articles, rejected_articles, trusted, problems, claims, rejected
        )
    for cluster_dir in annotated:
        name = cluster_dir.name
        path = root / "annotations" / name / "alignments.jsonl"
        known = [p.stem for p in _pass_files(root / "annotations" / name)]
        _read_alignments(path, name, articles, claims, rejected, problems, links, claims_trusted[name], None, known)
        units, units_rejected, trusted = claims, rejected, claims_trusted[name]
        units_path = root / "annotations" / name / "passes" / PASS_UNITS
        if units_path.is_file():  # the passes were made on other claim units (before a re-segmentation)
            units, units_rejected = {}, set()
            trusted = _read_claims(
                units_path, name, articles, rejected_articles, articles_trusted[name], problems, units, units_rejected
            )
        for pass_path in _pass_files(root / "annotations" / name):
            # checked like the gold; the links of a pass are not part of the benchmark
            _read_alignments(pass_path, name, articles, units, units_rejected, problems, [], trusted, pass_path.stem)
    for ann in sorted(p for p in (root / "annotations").glob("*") if p.is_dir()):
        if not (root / "corpus" / ann.name).is_dir():
            problems.add(ann, None, f"annotations for unknown cluster {shorten(ann.name)} (no corpus/{ann.name}/)")
    _check_layout(root, listed, [c.name for c in annotated], problems)
    benchmark = Benchmark(
        articles=tuple(articles[k] for k in sorted(articles)),
        claims=tuple(claims[k] for k in sorted(claims)),
        alignments=tuple(sorted(links, key=lambda x: (x.claim_a, x.claim_b))),
    )
    return benchmark, list(problems)


def with_pass_units(bench: Benchmark, pass_paths: list[str] | list[Path]) -> Benchmark:
    """``bench`` (without gold links) whose claims are, for each cluster whose given pass files sit
    beside a ``passes/claims.jsonl``, the claim units of that file: the units the passes were made
    on. Passes elsewhere leave ``bench``'s claims as they are. :class:`DataError` on a bad units file.
    """
    articles = {a.article_id: a for a in bench.articles}
    problems = Problems(Path("."))
    replaced: dict[str, dict[str, Claim]] = {}
    for folder in sorted({Path(p).parent for p in pass_paths}):
        units = folder / PASS_UNITS
        if units.is_file() and folder.name == "passes":
            claims: dict[str, Claim] = {}
            _read_claims(units, folder.parent.name, articles, set(), True, problems, claims, set())
            replaced[folder.parent.name] = claims
    if problems:
        raise DataError(list(problems))
    if not replaced:
        return bench
    cluster_of = {a.article_id: a.cluster_id for a in bench.articles}
    kept = [c for c in bench.claims if cluster_of[c.article_id] not in replaced]
    kept += [c for claims in replaced.values() for c in claims.values()]
    return Benchmark(bench.articles, tuple(sorted(kept, key=lambda c: c.claim_id)), ())


def load_sources(root: str | Path) -> Benchmark:
    """The benchmark from a source tree; :class:`DataError` listing every problem if any."""
    benchmark, problems = check_sources(root)
    if problems:
        raise DataError(problems)
    return benchmark
