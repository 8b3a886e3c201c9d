"""Sentence segmentation and aggregator clean-up with character offsets into the raw text.

Rule based and deliberately small: news text from wire copy, where every line is a paragraph or a
headline. Offsets are Python ``str`` indices into ``raw_text`` so that every span maps back.
"""

from __future__ import annotations

import bisect
import re

#: Lines that aggregator pages wrap around an article (inkl, as seen in the seed cluster).
#: A kept line equal to one of these is a cleaning error; see ``alignbench validate``.
AGGREGATOR_CHROME: frozenset[str] = frozenset(
    {
        "Get all your news in one place.",
        "100’s of premium titles.",
        "One app.",
        "Start reading",
        "Sign up to read this article",
        "Read news from 100’s of titles, curated specifically for you.",
        "Already a member? Sign in here",
        "Related Stories",
        "Top stories on inkl right now",
        "Our Picks",
        "Fourteen days free",
        "Download the app",
        "One app. One membership.",
        "100+ trusted global sources.",
    }
)

# Words that end in a period without ending a sentence. Lower-cased, without the final period.
_ABBREVIATIONS = frozenset(
    "a.m p.m mr mrs ms dr prof gen col lt sgt st jr sr vs etc e.g i.e no u.s u.n u.k "
    "jan feb mar apr jun jul aug sep sept oct nov dec inc ltd co corp".split()
)
# A sentence may end at . ! ? followed by closing quotes/brackets, then whitespace.
_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s)")
# The next sentence must start with a capital, a digit or an opening quote/bracket; group 1 is
# the whitespace before it (all of it: what follows is not whitespace).
_NEXT_START = re.compile(r"(\s+)[\"'“‘(\[]?[A-Z0-9]")
_WORD = re.compile(r"\S+")


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Non-blank lines of ``text[start:end]`` as (start, end), stripped of outer whitespace."""
    spans = []
    pos = start
    for line in text[start:end].split("\n"):
        line_end = pos + len(line)
        stripped = line.strip()
        if stripped:
            s = pos + (len(line) - len(line.lstrip()))
            spans.append((s, s + len(stripped)))
        pos = line_end + 1
    return spans


def _is_abbreviation(word: str) -> bool:
    """True if ``word``, the text before a period, is an abbreviation ("a.m", "U.S", "Mr") or initial."""
    word = word.lstrip("\"'“‘([").lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def sentences(text: str, ranges: tuple[tuple[int, int], ...] | None = None) -> list[tuple[int, int]]:
    """Sentence spans of ``text`` (restricted to ``ranges``), as sorted (start, end) offsets.

    Every line is a paragraph, so a headline without final punctuation is a sentence of its own.
    Inside a line a sentence ends at ``.``/``!``/``?`` (plus closing quotes) followed by
    whitespace and a capital, digit or opening quote, unless the period closes an abbreviation
    such as "a.m." or "Mr."; "9:06", "70-100" and quoted speech ending in a comma never split.
    """
    spans: list[tuple[int, int]] = []
    for r_start, r_end in ranges if ranges is not None else ((0, len(text)),):
        for line_start, line_end in _lines(text, r_start, r_end):
            start = line_start
            # The words of the line, walked once alongside the sentence ends (both move forward
            # only): each check looks at its own word and the whitespace after it, so a line costs
            # time linear in its length, however long (issue 18: one 1 MB line never finished).
            words = _WORD.finditer(text, line_start, line_end)
            word = None
            for match in _END.finditer(text, line_start, line_end):
                dot = match.start()
                if match.group(0)[0] == ".":
                    while word is None or word.end() <= dot:  # the word holding the period
                        word = next(words)
                    if word.start() < dot and _is_abbreviation(text[word.start() : dot]):
                        continue
                follows = _NEXT_START.match(text, match.end(), line_end)
                if not follows:
                    continue
                spans.append((start, match.end()))
                start = follows.end(1)
            spans.append((start, line_end))
    return spans


def context_span(sentence_spans: list[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    """The smallest run of whole sentences that covers ``[start, end)``.

    ``sentence_spans`` are sorted and disjoint, as :func:`sentences` gives them, so their ends
    increase too and the run is found by two binary searches (a linear scan per claim made
    validating an article with thousands of claims quadratic).
    """
    first = bisect.bisect_right(sentence_spans, start, key=lambda span: span[1])  # first sentence ending after start
    last = bisect.bisect_left(sentence_spans, end, key=lambda span: span[0]) - 1  # last one starting before end
    if first > last:
        return start, end
    return sentence_spans[first][0], sentence_spans[last][1]


class DisjointSpans:
    """Spans ``[start, end)`` of one text that do not overlap, with a name each (claim ids), kept
    in the order they were added and, for lookups, sorted (their ends then increase as well).

    ``overlap`` costs a binary search, not a scan of every span so far: checking the claims of an
    article one by one stays linear in their number (issue 18).
    """

    def __init__(self) -> None:
        self._added: list[tuple[int, int, str]] = []
        self._starts: list[int] = []
        self._ends: list[int] = []

    def overlap(self, start: int, end: int) -> str | None:
        """The name of the first span added that overlaps ``[start, end)``, or None."""
        i = bisect.bisect_left(self._starts, end)  # spans [0, i) start before end; i - 1 ends last
        if i == 0 or self._ends[i - 1] <= start:
            return None
        return next(name for s, e, name in self._added if s < end and start < e)  # the error path only

    def add(self, start: int, end: int, name: str) -> None:
        """Add a span that overlaps none of those added so far (check with :meth:`overlap`)."""
        i = bisect.bisect_left(self._starts, start)
        self._starts.insert(i, start)
        self._ends.insert(i, end)
        self._added.append((start, end, name))


def suggest_kept_ranges(raw_text: str, drop_lines: frozenset[str] | set[str]) -> tuple[tuple[int, int], ...]:
    """Kept ranges after removing whole lines equal to ``drop_lines`` or ``AGGREGATOR_CHROME``.

    Maximal runs of remaining lines are kept (blank lines inside a run included); each range is
    trimmed of surrounding whitespace. This is how the recorded ``kept_ranges`` were made; the
    recorded ranges, not this function, are the source of truth.
    """
    drop = AGGREGATOR_CHROME | frozenset(drop_lines)
    ranges: list[tuple[int, int]] = []
    run: list[tuple[int, int]] = []
    for span in _lines(raw_text, 0, len(raw_text)):
        if raw_text[span[0] : span[1]] in drop:
            if run:
                ranges.append((run[0][0], run[-1][1]))
                run = []
        else:
            run.append(span)
    if run:
        ranges.append((run[0][0], run[-1][1]))
    return tuple(ranges)
