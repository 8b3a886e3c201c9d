"""Typed records of the benchmark: articles, claims and gold alignments.

Records are immutable NamedTuples (like ``ir_measures``' ``Qrel``): cheap, hashable, and they
print readably in tests and tracebacks.
"""

from __future__ import annotations

import difflib
import json
import unicodedata
from collections.abc import Iterable
from functools import cached_property
from typing import Any, NamedTuple

#: The closed set of gold relations, in ClassLabel order (never reorder: ids are published).
RELATIONS: tuple[str, ...] = (
    "equivalent",
    "a_more_specific",
    "b_more_specific",
    "contradiction",
    "related",
)
#: Relations that make a *sure* link; ``related`` links are *possible* links (Och & Ney 2003).
SURE_RELATIONS: frozenset[str] = frozenset(RELATIONS[:4])
#: Labels of the ``pairs`` config and of predictions: the relations plus ``none`` (unlinked).
LABELS: tuple[str, ...] = (*RELATIONS, "none")
#: Swapping the two sides of a pair swaps these two relations; the others are symmetric.
REVERSED_RELATION: dict[str, str] = {
    "a_more_specific": "b_more_specific",
    "b_more_specific": "a_more_specific",
}


class Article(NamedTuple):
    """One news article. ``raw_text`` is byte-exact; ``kept_ranges`` say what cleaning kept."""

    article_id: str
    cluster_id: str
    source: str
    credit: str | None
    aggregator: str | None
    title: str | None
    published: str | None
    published_basis: str
    language: str
    url: str | None
    license: str
    seed: str | None
    sha256: str
    kept_ranges: tuple[tuple[int, int], ...]
    notes: str | None
    raw_text: str
    #: The dataset split the article's cluster belongs to: ``test`` (real clusters), ``diagnostic``
    #: (the project's synthetic suite), or ``train``/``test`` of an imported dataset.
    split: str = "test"
    #: True for text written by the project (fictional events), never reported news.
    synthetic: bool = False

    @property
    def text(self) -> str:
        """The cleaned text: the kept ranges of ``raw_text`` joined by a blank line."""
        return "\n\n".join(self.raw_text[s:e] for s, e in self.kept_ranges)


class Claim(NamedTuple):
    """An atomic factual claim anchored to ``raw_text[start:end]`` of its article."""

    claim_id: str
    article_id: str
    start: int
    end: int
    text: str
    context: str
    statement: str | None


class Alignment(NamedTuple):
    """A gold link; ``claim_a`` belongs to the article whose id sorts first.

    ``passes`` names the annotation passes whose label for this cell equals ``relation``;
    ``adjudicated`` says the label was decided in adjudication rather than taken from a label that
    every pass gave (see ``annotations/GUIDELINES.md`` section 5). Both are empty/False for links
    of clusters without passes and for predictions.
    """

    claim_a: str
    claim_b: str
    relation: str
    rationale: str
    annotator: str
    #: Phenomenon tags of the link (the diagnostic split; see ``alignbench.sources.tags``), else empty.
    tags: tuple[str, ...] = ()
    passes: tuple[str, ...] = ()
    adjudicated: bool = False


class _BenchmarkFields(NamedTuple):
    articles: tuple[Article, ...]
    claims: tuple[Claim, ...]
    alignments: tuple[Alignment, ...]


class Benchmark(_BenchmarkFields):
    """Everything that ``corpus/`` and ``annotations/`` hold, sorted by id.

    A NamedTuple of tuples, so immutable: the lookups below use indexes built on first use and kept
    on the instance (a subclass without ``__slots__`` has a ``__dict__`` for them), each one pass
    over the records instead of a scan per call. The indexes take no part in equality, hashing or
    pickling.
    """

    def __getstate__(self) -> None:
        return None  # pickle only the fields; the indexes are rebuilt on demand

    @cached_property
    def _article_by_id(self) -> dict[str, Article]:
        index: dict[str, Article] = {}
        for article in self.articles:
            index.setdefault(article.article_id, article)  # the first, as a scan would find
        return index

    @cached_property
    def _claims_by_article(self) -> dict[str, tuple[Claim, ...]]:
        groups: dict[str, list[Claim]] = {}
        for claim in self.claims:
            groups.setdefault(claim.article_id, []).append(claim)
        return {article_id: tuple(claims) for article_id, claims in groups.items()}

    @cached_property
    def _article_pairs(self) -> tuple[tuple[str, str], ...]:
        by_cluster: dict[str, list[str]] = {}
        for article in self.articles:
            by_cluster.setdefault(article.cluster_id, []).append(article.article_id)
        pairs = []
        for ids in by_cluster.values():
            ids = sorted(ids)
            pairs += [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]]
        return tuple(sorted(pairs))

    def article(self, article_id: str) -> Article:
        """The article with this id (KeyError if absent)."""
        return self._article_by_id[article_id]

    def claims_of(self, article_id: str) -> tuple[Claim, ...]:
        """The claims of one article, in id order (empty for an unknown article)."""
        return self._claims_by_article.get(article_id, ())

    def article_pairs(self) -> list[tuple[str, str]]:
        """Every (a, b) pair of articles of one cluster with a < b, sorted (a new list per call)."""
        return list(self._article_pairs)

    def splits(self) -> list[str]:
        """The splits that the articles belong to, sorted."""
        return sorted({a.split for a in self.articles})

    def split(self, name: str) -> Benchmark:
        """The part of the benchmark in split ``name``: its articles, their claims and their links."""
        articles = tuple(a for a in self.articles if a.split == name)
        if len(articles) == len(self.articles):
            return self
        ids = {a.article_id for a in articles}
        claims = tuple(c for c in self.claims if c.article_id in ids)
        claim_ids = {c.claim_id for c in claims}
        links = tuple(x for x in self.alignments if x.claim_a in claim_ids)
        return Benchmark(articles, claims, links)


class DataError(Exception):
    """Bad data or input from the user: reported as one line per problem, exit status 1."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class UsageError(DataError):
    """A bad command line (flag value or combination): one line, exit status 2, like argparse."""


def shorten(value: object, width: int = 80) -> str:
    """``repr(value)`` cut to about ``width`` characters, so a huge bad value is not echoed whole."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) > width:
        text = f"{text[: width - 20]}...({len(text)} chars)"
    return repr(text) if isinstance(value, str) else text


#: Characters that a message cannot show as themselves: combining marks (NFD spells "é" as "e" and
#: U+0301, which prints exactly like the one code point of NFC), format characters (zero-width
#: space, byte-order mark, direction marks), spaces other than U+0020, and unassigned code points.
_UNSEEN_CATEGORIES = frozenset({"Mn", "Me", "Cf", "Zs", "Zl", "Zp", "Cc", "Cs", "Co", "Cn"})


def _escaped(char: str) -> str:
    if char == " " or unicodedata.category(char) not in _UNSEEN_CATEGORIES:
        return char
    return f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}"


def shown_text(value: str, width: int = 80) -> str:
    """A text as :func:`shorten` shows it, with the characters that print as nothing or as another
    character escaped (``'cafe\\u0301'``): for messages that put two texts side by side because
    they differ, so that the difference can be seen."""
    return "".join(map(_escaped, shorten(value, width)))


def normal_form_note(a: str, b: str) -> str:
    """``" (...)"`` saying that two different texts differ only in their Unicode normal form, else ``""``."""
    if a == b or unicodedata.normalize("NFC", a) != unicodedata.normalize("NFC", b):
        return ""
    form = "NFC" if unicodedata.is_normalized("NFC", a) else "NFD" if unicodedata.is_normalized("NFD", a) else "mixed"
    other = "NFC" if unicodedata.is_normalized("NFC", b) else "NFD" if unicodedata.is_normalized("NFD", b) else "mixed"
    return f" (the same letters in different Unicode normal forms: {form} vs {other})"


#: Values longer than this get no "did you mean" hint: difflib's time grows with their length, and
#: a hint for a value that long would not help.
HINT_LIMIT = 100


def close_match(value: object, choices: Iterable[str]) -> str | None:
    """The one of ``choices`` most like ``value`` (difflib), if any is close; None for long values."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) > HINT_LIMIT:
        return None
    found = difflib.get_close_matches(text, list(choices), n=1)
    return found[0] if found else None


def shown_json(value: Any, width: int = 80) -> str:
    """``value`` as JSON, as a file spells it, cut like :func:`shorten` so a huge one is not echoed whole."""
    try:
        text = json.dumps(value, default=repr)
    except (RecursionError, ValueError):
        return f"a {type(value).__name__} nested too deeply to show"
    return text if len(text) <= width else f"{text[: width - 20]}...({len(text)} chars)"


#: Characters never written raw into a line of output: C0/C1 controls (newline, carriage return,
#: escape...), line and paragraph separators, lone surrogates and bidirectional overrides.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Zl", "Zp", "Cs"})
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def printable(text: str) -> str:
    """``text`` on one line: control characters (newlines included) written as escapes (``\\n``).

    User values (system names, parameters, origins, dataset fields of a report file) pass through
    it before they reach a header line, a LaTeX or HTML comment, a caption or a terminal.
    """
    import unicodedata

    return "".join(
        ch.encode("unicode_escape").decode("ascii")
        if unicodedata.category(ch) in _UNSAFE_CATEGORIES or ch in _BIDI
        else ch
        for ch in text
    )
