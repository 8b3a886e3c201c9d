"""Map the SemEval-2016 Task 2 (interpretable STS) release onto alignbench's records.

The user points alignbench to their copy of the release (train and test folders of headlines,
images and answers-students); nothing of it is ever copied into the project.

Mapping (DESIGN §3, §11):
- each sentence pair is a cluster ``<subset>-<split>-NNNN`` (NNNN = the ``.wa`` pair id) of two
  articles ``...-s1`` and ``...-s2``; ``raw_text`` is the pair's ``// `` token line, verbatim;
- gold chunks are claims ``...-s1-c01``... in token order, with character offsets into that line;
- EQUI -> equivalent, SPE1 -> a_more_specific, SPE2 -> b_more_specific, OPPO -> contradiction,
  SIMI and REL -> related; NOALI/ALIC make no link. The original type string (with FACT/POL),
  the 0-5 score and a group id (one per alignment line) are kept on :class:`IstsLink`; a line that
  joins several chunks becomes a link between every chunk pair it joins, all with its group id.

Where the chunks come from: the ``.chunk.txt`` files (one ``[ chunk ]`` line per pair), refined
by the ``.wa`` alignment lines. An alignment line often joins several bracketed chunks (7-30 % of
the pairs per file), and a chunk may sit in more than one line (one chunk aligned to two), so the
alignment lines alone do not give a partition. The rule: two neighbouring tokens are in one claim
iff they are in the same bracketed chunk and in exactly the same alignment lines (``0`` lines
included). Then every alignment line joins whole claims. Each bracketed chunk that the alignment
lines cut is reported as a warning, as is every repair of a ``.chunk.txt`` line
(:func:`alignbench.sources.importers.wa.parse_chunk_line`) and every token in no alignment line.
"""

from __future__ import annotations

import hashlib
import itertools
from collections import Counter
from pathlib import Path
from typing import NamedTuple

from alignbench.records import Alignment, Article, Benchmark, Claim, DataError
from alignbench.sources.importers.files import ReleaseFileError, read_release_text
from alignbench.sources.importers.wa import (
    WaFile,
    WaPair,
    first_difference,
    parse_chunk_line,
    parse_wa,
    token_offsets,
)

SUBSETS: tuple[str, ...] = ("headlines", "images", "answers-students")
SPLITS: tuple[str, ...] = ("train", "test")
#: Release path of each (split, subset), without the ``.wa`` / ``.sentN.chunk.txt`` suffix.
RELEASE_FILES: dict[tuple[str, str], str] = {
    ("train", "headlines"): "train/train_2015_10_22.utf-8/STSint.input.headlines",
    ("train", "images"): "train/train_2015_10_22.utf-8/STSint.input.images",
    ("train", "answers-students"): "train/train_students_answers_2015_10_27.utf-8/STSint.input.answers-students",
    ("test", "headlines"): "test/test_goldStandard/STSint.testinput.headlines",
    ("test", "images"): "test/test_goldStandard/STSint.testinput.images",
    ("test", "answers-students"): "test/test_goldStandard/STSint.testinput.answers-students",
}
#: Pairs per file, as the task paper and the release's PROVENANCE give them.
EXPECTED_PAIRS: dict[tuple[str, str], int] = {
    ("train", "headlines"): 756,
    ("train", "images"): 750,
    ("train", "answers-students"): 330,
    ("test", "headlines"): 375,
    ("test", "images"): 375,
    ("test", "answers-students"): 344,
}
#: iSTS type (without FACT/POL) -> alignbench relation; NOALI and ALIC make no link.
RELATION_OF: dict[str, str] = {
    "EQUI": "equivalent",
    "SPE1": "a_more_specific",
    "SPE2": "b_more_specific",
    "OPPO": "contradiction",
    "SIMI": "related",
    "REL": "related",
}
LICENSE = (
    "No licence file accompanies the iSTS-2016 release (SemEval-2016 Task 2). The task paper calls the "
    "datasets freely available; the image captions are described as CC BY-SA; the headlines were mined "
    "from news sources by the European Media Monitor. Third-party research data: alignbench reads the "
    "user's copy and never commits or ships it."
)
ANNOTATOR = "iSTS-2016 gold (SemEval-2016 Task 2 organisers)"


class IstsLink(NamedTuple):
    """A gold (or re-read system) link with the iSTS extras kept beside the mapped relation."""

    claim_a: str
    claim_b: str
    relation: str
    ists_type: str
    ists_score: int | None
    group_id: str
    line: int

    def alignment(self) -> Alignment:
        """The plain alignbench record of this link."""
        score = "NIL" if self.ists_score is None else self.ists_score
        return Alignment(self.claim_a, self.claim_b, self.relation, f"iSTS {self.ists_type} {score}", ANNOTATOR)


class IstsSplit(NamedTuple):
    """One subset's split: its records, its links with iSTS extras, every warning, and how many
    alignment lines of the ``.wa`` file carry each type string (``NOALI`` and ``SPE1_FACT`` included)."""

    subset: str
    split: str
    benchmark: Benchmark
    links: tuple[IstsLink, ...]
    warnings: tuple[str, ...]
    line_types: tuple[tuple[str, int], ...] = ()


def cluster_id(subset: str, split: str, pair_id: int) -> str:
    """The cluster id of a pair, e.g. ``headlines-train-0001``."""
    return f"{subset}-{split}-{pair_id:04d}"


def pair_number(cluster: str) -> int:
    """The ``.wa`` pair id of a cluster id made by :func:`cluster_id`."""
    return int(cluster.rsplit("-", 1)[1])


def claim_tokens(raw_text: str, start: int, end: int) -> tuple[int, ...]:
    """The 1-based ids of the tokens of ``raw_text`` (space-separated) inside ``[start, end)``."""
    return tuple(i for i, (s, e) in enumerate(token_offsets(raw_text), start=1) if s >= start and e <= end)


def _refine(
    pair: WaPair, side: int, brackets: list[tuple[int, ...]], where: str
) -> tuple[list[tuple[int, ...]], list[str]]:
    """Claims of one sentence as token-id tuples: bracketed chunks cut where alignment lines cut them."""
    lines_of: dict[int, set[int]] = {}
    for k, a in enumerate(pair.alignments):
        for t in a.ids1 if side == 1 else a.ids2:
            lines_of.setdefault(t, set()).add(k)
    chunks, warnings = [], []
    for chunk in brackets:
        pieces = [[chunk[0]]]
        for prev, t in itertools.pairwise(chunk):
            if lines_of.get(t) == lines_of.get(prev):
                pieces[-1].append(t)
            else:
                pieces.append([t])
        if len(pieces) > 1:
            warnings.append(
                f"{where}: pair {pair.pair_id}: alignment lines cut chunk tokens {chunk[0]}-{chunk[-1]} of sentence {side}; split into {len(pieces)} claims"
            )
        chunks += [tuple(p) for p in pieces]
    unaligned = [t for chunk in chunks for t in chunk if t not in lines_of]
    if unaligned and pair.alignments:
        warnings.append(
            f"{where}: pair {pair.pair_id}: tokens {unaligned} of sentence {side} are in no alignment line; their claims get no link"
        )
    return chunks, warnings


def links_of_pair(
    pair: WaPair,
    cluster: str,
    claims1: list[tuple[str, tuple[int, ...]]],
    claims2: list[tuple[str, tuple[int, ...]]],
    name: str,
) -> tuple[list[IstsLink], list[str], list[str]]:
    """(links, errors, warnings) of one parsed pair, given each sentence's claims as (claim id, token ids).

    Every aligned line must join whole claims; it links every claim pair it joins, with a group id
    named after the line's place in the pair (``<cluster>-g03`` for the third line). A claim pair
    joined by two lines keeps the first and is reported.
    """
    links, errors, warnings = [], [], []
    seen: dict[tuple[str, str], int] = {}
    for k, a in enumerate(pair.alignments, start=1):
        if not a.aligned:
            continue
        joined = []
        for side, ids, claims in ((1, a.ids1, claims1), (2, a.ids2, claims2)):
            inside = [cid for cid, toks in claims if set(toks) <= set(ids)]
            covered = {t for cid, toks in claims if cid in inside for t in toks}
            if covered != set(ids):
                errors.append(f"{name}:{a.line}: side {side} does not join whole chunks of sentence {side}")
            joined.append(inside)
        for ca in joined[0]:
            for cb in joined[1]:
                if (ca, cb) in seen:
                    warnings.append(
                        f"{name}:{a.line}: {ca} and {cb} are already linked at line {seen[ca, cb]}; this line's link is dropped"
                    )
                    continue
                seen[ca, cb] = a.line
                relation = RELATION_OF[a.base_type]
                links.append(IstsLink(ca, cb, relation, a.type, a.score, f"{cluster}-g{k:02d}", a.line))
    return links, errors, warnings


def _article(subset: str, split: str, cluster: str, side: int, sentence: str) -> Article:
    return Article(
        article_id=f"{cluster}-s{side}",
        cluster_id=cluster,
        source=f"iSTS-2016 {subset}",
        credit=None,
        aggregator=None,
        title=None,
        published=None,
        published_basis="unknown: the iSTS-2016 release gives no dates",
        language="en",
        url=None,
        license=LICENSE,
        seed=None,
        sha256=hashlib.sha256(sentence.encode("utf-8")).hexdigest(),
        kept_ranges=((0, len(sentence)),),
        notes=f"iSTS-2016 {split} {subset}, pair {pair_number(cluster)}, sentence {side}: the tokenised '// ' line of the .wa file",
        raw_text=sentence,
        split=split,
    )


def _read_text(root: Path, name: str, errors: list[str], warnings: list[str]) -> str | None:
    """The text of release file ``name``, or None with the error (only regular files inside ``root``)."""
    path = root / name
    try:
        return read_release_text(root, name, str(path), warnings)
    except ReleaseFileError as err:
        errors.append(f"{path}: file not found" if err.kind == "missing" else err.where(str(path)))
    except OSError as err:
        errors.append(f"{path}: cannot be read ({err.strerror or type(err).__name__})")
    return None


def read_split(root: str | Path, subset: str, split: str, expected: int | None = None) -> IstsSplit:
    """Read one subset's split of the release at ``root`` into records.

    ``expected`` is the documented pair count (:data:`EXPECTED_PAIRS`); another count is a warning.

    Raises :class:`DataError` listing every error (``file:line: problem``); repairs and other
    deviations come back as ``warnings``. Checksums are checked separately (:func:`check_checksums`).
    """
    root = Path(root)
    name = RELEASE_FILES[split, subset]
    base = root / name
    errors: list[str] = []
    warnings: list[str] = []
    wa_path = base.with_name(base.name + ".wa")
    wa_text = _read_text(root, f"{name}.wa", errors, warnings)
    chunk_paths = [base.with_name(f"{base.name}.sent{s}.chunk.txt") for s in (1, 2)]
    chunk_texts = [_read_text(root, f"{name}.sent{s}.chunk.txt", errors, warnings) for s in (1, 2)]
    if wa_text is None or None in chunk_texts:
        raise DataError(errors)
    wa: WaFile = parse_wa(wa_text, str(wa_path))
    errors += wa.errors
    warnings += wa.warnings
    chunk_lines = [t.split("\n") for t in chunk_texts]
    for path, lines in zip(chunk_paths, chunk_lines, strict=True):
        if lines and lines[-1] == "":
            lines.pop()
        if len(lines) != len(wa.pairs) and not wa.errors:
            errors.append(f"{path}: {len(lines)} lines for {len(wa.pairs)} pairs")
    if not wa.pairs and not wa.errors:
        errors.append(f"{wa_path}: no sentence pairs (every split of the release has some: is it the right file?)")
    elif not wa.errors and [p.pair_id for p in wa.pairs] != list(range(1, len(wa.pairs) + 1)):
        # (with errors, pairs are missing from wa.pairs: a gap here would say nothing new)
        errors.append(
            f"{wa_path}: pair ids are not 1..{len(wa.pairs)} in order, so chunk lines cannot be matched to pairs"
        )
    if errors:
        raise DataError(errors)
    articles, claims, links = [], [], []
    for pair, line1, line2 in zip(wa.pairs, chunk_lines[0], chunk_lines[1], strict=True):
        cluster = cluster_id(subset, split, pair.pair_id)
        sides = []
        for side, path, line in ((1, chunk_paths[0], line1), (2, chunk_paths[1], line2)):
            where = f"{path}:{pair.pair_id}"
            tokens, brackets, repairs = parse_chunk_line(line)
            warnings += [f"{where}: {r}" for r in repairs]
            if len(tokens) != len(pair.tokens(side)):
                errors.append(
                    f"{where}: the chunk line has {len(tokens)} tokens, sentence {side} of {wa_path}:{pair.line} has {len(pair.tokens(side))}"
                )
                continue
            differ = [i for i, (a, b) in enumerate(zip(tokens, pair.tokens(side), strict=True), start=1) if a != b]
            if differ:
                warnings.append(
                    f"{where}: tokens {differ} differ from sentence {side} of {wa_path}:{pair.line} "
                    f"({first_difference(tokens, pair.tokens(side))}); chunks taken by token position"
                )
            chunks, found = _refine(pair, side, brackets, f"{wa_path}:{pair.line}")
            warnings += found
            sentence = pair.sentence1 if side == 1 else pair.sentence2
            article = _article(subset, split, cluster, side, sentence)
            offsets = token_offsets(sentence)
            side_claims = []
            for c, toks in enumerate(chunks, start=1):
                start, end = offsets[toks[0] - 1][0], offsets[toks[-1] - 1][1]
                cid = f"{article.article_id}-c{c:02d}"
                claims.append(Claim(cid, article.article_id, start, end, sentence[start:end], sentence, None))
                side_claims.append((cid, toks))
            articles.append(article)
            sides.append(side_claims)
        if len(sides) < 2:
            continue
        if not pair.alignments:
            warnings.append(
                f"{wa_path}:{pair.line}: pair {pair.pair_id} has no alignment lines; its claims get no link"
            )
        found_links, found_errors, found_warnings = links_of_pair(pair, cluster, sides[0], sides[1], str(wa_path))
        links += found_links
        errors += found_errors
        warnings += found_warnings
    if errors:
        raise DataError(errors)
    links.sort(key=lambda link: (link.claim_a, link.claim_b))
    benchmark = Benchmark(
        tuple(sorted(articles, key=lambda a: a.article_id)),
        tuple(sorted(claims, key=lambda c: c.claim_id)),
        tuple(link.alignment() for link in links),
    )
    if expected is not None and len(wa.pairs) != expected:
        warnings.append(f"{wa_path}: {len(wa.pairs)} pairs, the release documents {expected}")
    line_types = Counter(a.type for pair in wa.pairs for a in pair.alignments)
    return IstsSplit(subset, split, benchmark, tuple(links), tuple(warnings), tuple(sorted(line_types.items())))


def read_release(root: str | Path) -> dict[tuple[str, str], IstsSplit]:
    """Every (subset, split) of the release at ``root``; :class:`DataError` listing all errors."""
    result, errors = {}, []
    for subset in SUBSETS:
        for split in SPLITS:
            try:
                result[subset, split] = read_split(root, subset, split, EXPECTED_PAIRS[split, subset])
            except DataError as err:
                errors += err.problems
    if errors:
        raise DataError(errors)
    return result


def links_from_wa(
    wa: WaFile, benchmark: Benchmark, subset: str, split: str, name: str = "<wa>"
) -> tuple[list[IstsLink], list[str]]:
    """Read the links of a parsed (e.g. system) ``.wa`` file against the claims of a split.

    Returns (links, errors and warnings); a pair whose cluster is not in ``benchmark`` is an error.
    """
    raw = {a.article_id: a.raw_text for a in benchmark.articles}
    by_article: dict[str, list[tuple[str, tuple[int, ...]]]] = {}
    for c in benchmark.claims:
        by_article.setdefault(c.article_id, []).append((c.claim_id, claim_tokens(raw[c.article_id], c.start, c.end)))
    links, problems = [], [*wa.errors, *wa.warnings]
    for pair in wa.pairs:
        cluster = cluster_id(subset, split, pair.pair_id)
        a1, a2 = f"{cluster}-s1", f"{cluster}-s2"
        if a1 not in raw or a2 not in raw:
            problems.append(f"{name}:{pair.line}: pair {pair.pair_id} is not in {subset} {split}")
            continue
        if pair.sentence1 != raw[a1] or pair.sentence2 != raw[a2]:
            side, given, known = (
                (1, pair.sentence1, raw[a1]) if pair.sentence1 != raw[a1] else (2, pair.sentence2, raw[a2])
            )
            problems.append(
                f"{name}:{pair.line}: pair {pair.pair_id}: the '// ' lines differ from the dataset's sentences "
                f"(sentence {side}: {first_difference(given.split(' '), known.split(' '))})"
            )
            continue
        found, errors, warnings = links_of_pair(pair, cluster, by_article.get(a1, []), by_article.get(a2, []), name)
        links += found
        problems += errors + warnings
    return sorted(links, key=lambda link: (link.claim_a, link.claim_b)), problems
