"""A transparent lexical relation tagger for decided links (the baselines' labeller).

Rules, applied in order to a decided pair (text_a, text_b, score):

1. **Conflicting numbers -> contradiction.** Numbers are read with their kind: a time ("9:06"), a
   year (1900-2099), a quantity with a unit right after it or after its range ("70-100 kilometers",
   "70 to 200 kilometres": both ends get the unit; kilometers/kilometres/km are one unit), or a bare
   count. If the two texts share a kind whose sets of numbers differ, the pair is a contradiction.
2. **Strict content-word containment -> more specific.** Content words are lower-cased alphabetic
   tokens minus scikit-learn's English stop words. If A's set strictly contains B's, A is more
   specific (``a_more_specific``); the mirror case gives ``b_more_specific``.
3. **Otherwise by score**: ``equivalent`` if ``score >= equivalent_at``, else ``related``.

Number words ("one", "several") and hedges ("about") are not interpreted.
"""

from __future__ import annotations

import re
from functools import lru_cache

_UNITS = {
    "km": "km",
    "kilometer": "km",
    "kilometers": "km",
    "kilometre": "km",
    "kilometres": "km",
    "mile": "mile",
    "miles": "mile",
    "meter": "m",
    "meters": "m",
    "metre": "m",
    "metres": "m",
    "percent": "percent",
    "%": "percent",
}
_NUMBER = re.compile(
    r"(?P<time>(?<![\d:])\d{1,2}:\d{2}(?![\d:]))"
    r"|(?P<low>\d[\d,]*(?:\.\d+)?)\s*(?:-|–|to)\s*(?P<high>\d[\d,]*(?:\.\d+)?)\s*(?P<rangeunit>%|[A-Za-z]+)?"
    r"|(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>%|[A-Za-z]+)?"
)
_WORD = re.compile(r"[a-z]+")


def _kind(number: str, unit: str | None) -> str:
    if unit and unit.lower() in _UNITS:
        return _UNITS[unit.lower()]
    if re.fullmatch(r"(19|20)\d\d", number):
        return "year"
    return "count"


@lru_cache(maxsize=65536)
def numbers(text: str) -> dict[str, frozenset[str]]:
    """Numbers of a text grouped by kind, e.g. ``{"km": {"70", "100"}}``."""
    found: dict[str, set[str]] = {}
    for m in _NUMBER.finditer(text):
        if m.group("time"):
            found.setdefault("time", set()).add(m.group("time"))
        elif m.group("low"):
            for value in (m.group("low"), m.group("high")):
                found.setdefault(_kind(value, m.group("rangeunit")), set()).add(value.replace(",", ""))
        else:
            found.setdefault(_kind(m.group("num"), m.group("unit")), set()).add(m.group("num").replace(",", ""))
    return {k: frozenset(v) for k, v in found.items()}


@lru_cache(maxsize=65536)
def content_words(text: str) -> frozenset[str]:
    """Lower-cased alphabetic tokens that are not English stop words."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(w for w in _WORD.findall(text.lower()) if w not in ENGLISH_STOP_WORDS)


def tag(text_a: str, text_b: str, score: float, equivalent_at: float) -> str:
    """The relation the rules give to a decided pair."""
    nums_a, nums_b = numbers(text_a), numbers(text_b)
    if any(nums_a[k] != nums_b[k] for k in nums_a.keys() & nums_b.keys()):
        return "contradiction"
    words_a, words_b = content_words(text_a), content_words(text_b)
    if words_a > words_b:
        return "a_more_specific"
    if words_b > words_a:
        return "b_more_specific"
    return "equivalent" if score >= equivalent_at else "related"
