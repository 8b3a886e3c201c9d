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

:func:`tag` applies the rules to one pair: it is the reference. :func:`tag_pairs` gives the same
labels to every decided pair of a run at once: each claim's numbers and content words are read
once (:func:`claim_features`), then the rules are NumPy array operations over the pairs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from alignbench.aligners.stopwords import ENGLISH_STOP_WORDS
from alignbench.records import LABELS

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


#: Number kinds, the columns of :attr:`ClaimFeatures.number_sets`.
KINDS: tuple[str, ...] = ("time", "year", "count", *sorted(set(_UNITS.values())))
_KIND_COLUMN = {kind: i for i, kind in enumerate(KINDS)}
#: Pairs labelled per chunk, so memory stays bounded on millions of decided pairs.
_CHUNK = 1 << 18


class ClaimFeatures(NamedTuple):
    """What the rules read from each of a list of claims, as arrays (row = claim)."""

    number_sets: np.ndarray  # (claims, kinds) int64: id of the claim's set of numbers of that kind, -1 if none
    word_ptr: np.ndarray  # (claims + 1,) int64: claim i's content words are word_ids[word_ptr[i]:word_ptr[i + 1]]
    word_ids: np.ndarray  # int64 ids of content words, sorted and unique within each claim


@lru_cache(maxsize=1)  # every config of a run of baselines tags the same claims
def claim_features(texts: Sequence[str]) -> ClaimFeatures:
    """Each text's numbers by kind and content words, read once (``texts`` must be hashable: a tuple).

    Equal sets of numbers get equal ids (one numbering shared by all kinds), so "the two texts
    have different numbers of a kind" is an integer comparison.
    """
    set_ids: dict[frozenset[str], int] = {}
    vocab: dict[str, int] = {}
    number_sets = np.full((len(texts), len(KINDS)), -1, dtype=np.int64)
    word_ptr = np.zeros(len(texts) + 1, dtype=np.int64)
    words: list[int] = []
    for i, text in enumerate(texts):
        for kind, values in numbers(text).items():
            number_sets[i, _KIND_COLUMN[kind]] = set_ids.setdefault(values, len(set_ids))
        words += sorted(vocab.setdefault(w, len(vocab)) for w in content_words(text))
        word_ptr[i + 1] = len(words)
    return ClaimFeatures(number_sets, word_ptr, np.array(words, dtype=np.int64))


def _words_of(features: ClaimFeatures, claims: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The content words of ``claims`` (an index array) laid end to end: (position in ``claims``, word id)."""
    starts, sizes = features.word_ptr[claims], np.diff(features.word_ptr)[claims]
    owner = np.repeat(np.arange(len(claims), dtype=np.int64), sizes)
    first = np.cumsum(sizes) - sizes  # where each claim's run begins in the output
    return owner, features.word_ids[np.arange(int(sizes.sum()), dtype=np.int64) - first[owner] + starts[owner]]


def _shared_words(features: ClaimFeatures, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """How many content words claims ``a[k]`` and ``b[k]`` share, for every k."""
    owner_a, words_a = _words_of(features, a)
    owner_b, words_b = _words_of(features, b)
    width = int(features.word_ids.max(initial=0)) + 1
    # (pair, word) keys are sorted on each side: pair-major, words sorted within a claim
    keys_a, keys_b = owner_a * width + words_a, owner_b * width + words_b
    at = np.minimum(np.searchsorted(keys_a, keys_b), max(len(keys_a) - 1, 0))
    found = keys_a[at] == keys_b if len(keys_a) else np.zeros(len(keys_b), dtype=bool)
    return np.bincount(owner_b[found], minlength=len(a))


def tag_pairs(
    features: ClaimFeatures, a: np.ndarray, b: np.ndarray, score: np.ndarray, equivalent_at: float
) -> np.ndarray:
    """The label (index into ``LABELS``, int8) that :func:`tag` gives each pair (``a[k]``, ``b[k]``).

    ``a`` and ``b`` index the claims of ``features``; ``score`` is each pair's score. Same rules,
    same order, as array operations over the pairs (in chunks).
    """
    a, b, score = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64), np.asarray(score, dtype=np.float64)
    labels = np.empty(len(a), dtype=np.int8)
    sizes = np.diff(features.word_ptr)
    for lo in range(0, len(a), _CHUNK):
        ca, cb, cs = a[lo : lo + _CHUNK], b[lo : lo + _CHUNK], score[lo : lo + _CHUNK]
        sets_a, sets_b = features.number_sets[ca], features.number_sets[cb]
        contradiction = ((sets_a >= 0) & (sets_b >= 0) & (sets_a != sets_b)).any(axis=1)
        size_a, size_b = sizes[ca], sizes[cb]
        # strict containment: the smaller set is all shared and the sets differ in size
        uneven = np.flatnonzero(~contradiction & (size_a != size_b))
        shared = np.zeros(len(ca), dtype=np.int64)
        shared[uneven] = _shared_words(features, ca[uneven], cb[uneven])
        a_more = ~contradiction & (size_a > size_b) & (shared == size_b)
        b_more = ~contradiction & (size_b > size_a) & (shared == size_a)
        chunk = np.where(cs >= equivalent_at, LABELS.index("equivalent"), LABELS.index("related"))
        chunk[a_more] = LABELS.index("a_more_specific")
        chunk[b_more] = LABELS.index("b_more_specific")
        chunk[contradiction] = LABELS.index("contradiction")
        labels[lo : lo + _CHUNK] = chunk
    return labels
