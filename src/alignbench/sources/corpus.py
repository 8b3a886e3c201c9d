"""Read ``seeds/``, ``corpus/`` and ``annotations/`` into typed records, checking everything.

Layout of a source tree (one folder per event cluster, so adding a cluster is adding folders)::

    seeds/SHA256SUMS                              checksums of the user's seed documents
    corpus/<cluster_id>/articles.jsonl            one article's metadata per line
    corpus/<cluster_id>/cluster.json              the cluster's split (optional; alignbench new-cluster)
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
import re
from pathlib import Path
from typing import Any

from alignbench.records import (
    Alignment,
    Article,
    Benchmark,
    Claim,
    DataError,
    normal_form_note,
    shorten,
    shown_text,
)
from alignbench.sources.articles import CLUSTER_FILE, _read_articles
from alignbench.sources.jsonl import (
    _OPT,
    _STR,
    ID_PATTERN,
    SHA256_PATTERN,
    Problems,
    _is_folder,
    _parse_json,
    _read_bytes,
    _unexpected,
    _utf8_error,
    read_jsonl,
)
from alignbench.sources.links import PASS_UNITS, _pass_files, _read_alignments
from alignbench.sources.passes import check_passes, considered_files
from alignbench.sources.segment import DisjointSpans, context_span, sentences

CLAIM_FIELDS: dict[str, tuple[type, ...]] = {
    "claim_id": _STR,
    "article_id": _STR,
    "start": (int,),
    "end": (int,),
    "text": _STR,
    "statement": _OPT,
}


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
                if item.name in ("articles.jsonl", CLUSTER_FILE) or (is_txt and stem in (ids or ())):
                    continue  # read, and reported if it is not a file
                if not (is_txt and ids is None and ID_PATTERN.match(stem)):
                    _unknown(item, f"articles.jsonl, {CLUSTER_FILE} and <article_id>.txt", problems)
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
                    read = [*_pass_files(entry), *considered_files(entry), item / PASS_UNITS]
                    for part in sorted(item.iterdir()):
                        if part not in read and not (part.suffix == ".md" and part.is_file()):
                            _unknown(part, "<pass>.jsonl, <pass>.considered.json, claims.jsonl and *.md", problems)
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
    spans: dict[str, DisjointSpans] = {}
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
        spans.setdefault(aid, DisjointSpans()).add(start, end, cid)
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
    spans: dict[str, DisjointSpans],
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
        span_text = raw[start:end]
        note = normal_form_note(quote, span_text)
        return f"text {shown_text(quote)} != raw_text[{start}:{end}] {shown_text(span_text)}{note}{hint}"
    if quote != quote.strip():
        return "span starts or ends with whitespace"
    if not any(s <= start and end <= e for s, e in article.kept_ranges):
        return f"span {span} is not inside one kept range of {shorten(aid)} (it touches removed page chrome)"
    overlap = spans[aid].overlap(start, end) if aid in spans else None
    if overlap is not None:
        return f"span {span} overlaps claim {shorten(overlap)}"
    return None


def check_sources(root: str | Path) -> tuple[Benchmark, list[str]]:
    """Read and check a source tree; return what could be read and every problem found."""
    root = Path(root)
    problems = Problems(root)
    if not (root / "corpus").is_dir():
        missing = root if not root.is_dir() else root / "corpus"  # named as given, not relative to root
        problems.append(f"{missing}: no such folder (run from a clone of alignbench or pass its path)")
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
        check_passes(root / "annotations" / name, name, articles, units, units_rejected, trusted, problems)
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


def load_sources(root: str | Path) -> Benchmark:
    """The benchmark from a source tree; :class:`DataError` listing every problem if any."""
    benchmark, problems = check_sources(root)
    if problems:
        raise DataError(problems)
    return benchmark


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
