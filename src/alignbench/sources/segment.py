"""Sentence segmentation and aggregator clean-up with character offsets into the raw text.

Rule based and deliberately small: news text from wire copy, where every line is a paragraph or a
headline. Offsets are Python ``str`` indices into ``raw_text`` so that every span maps back.
"""

from __future__ import annotations

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
# The next sentence must start with a capital, a digit or an opening quote/bracket.
_NEXT_START = re.compile(r"\s+[\"'“‘(\[]?[A-Z0-9]")
_WORD_BEFORE = re.compile(r"(\S+)$")


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


def _is_abbreviation(text: str, line_start: int, dot: int) -> bool:
    """True if the period at ``dot`` closes an abbreviation ("a.m.", "U.S.", "Mr.") or initial."""
    match = _WORD_BEFORE.search(text, line_start, dot)
    if match is None:
        return False
    word = match.group(1).lstrip("\"'“‘([").lower()
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
            for match in _END.finditer(text, line_start, line_end):
                if match.group(0)[0] == "." and _is_abbreviation(text, line_start, match.start()):
                    continue
                if not _NEXT_START.match(text, match.end(), line_end):
                    continue
                spans.append((start, match.end()))
                start = match.end() + (len(text[match.end() : line_end]) - len(text[match.end() : line_end].lstrip()))
            spans.append((start, line_end))
    return spans


def context_span(sentence_spans: list[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    """The smallest run of whole sentences that covers ``[start, end)``."""
    covering = [(s, e) for s, e in sentence_spans if s < end and start < e]
    if not covering:
        return start, end
    return covering[0][0], covering[-1][1]


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
