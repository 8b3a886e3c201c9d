"""Lexical baselines: TF-IDF cosine (word or character n-grams) and rapidfuzz fuzzy matching.

Each ``score`` is one vectorised library call over all pairs: a sparse matrix product for TF-IDF,
``rapidfuzz.process.cdist`` for fuzzy matching. No Python loop over claim pairs. Both subclass
:class:`~alignbench.aligners.EncodingAligner`: ``encode`` does the per-claim work (the TF-IDF
transform, rapidfuzz's processor) once per claim and ``similarity`` the pairwise part, with scores
identical to ``score``'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix
    from sklearn.feature_extraction.text import TfidfVectorizer

from alignbench.aligners import EncodingAligner, is_integer
from alignbench.records import Claim

#: ``TfidfVectorizer`` analyzers.
ANALYZERS = ("word", "char", "char_wb")
#: Scorers of ``rapidfuzz.fuzz`` that ``process.cdist`` can use (similarities in [0, 100]).
FUZZY_SCORERS = (
    "ratio",
    "partial_ratio",
    "token_sort_ratio",
    "token_set_ratio",
    "token_ratio",
    "partial_token_sort_ratio",
    "partial_token_set_ratio",
    "partial_token_ratio",
    "WRatio",
    "QRatio",
)
#: ``rapidfuzz.utils`` processors, or none.
PROCESSORS = ("default_process", "none")


class TfidfAligner(EncodingAligner):
    """Cosine similarity of TF-IDF vectors (word 1-2 grams by default).

    ``fit(texts)`` learns the vocabulary and IDF from unlabelled texts (``alignbench`` passes the
    claims of the split being aligned: no labels are used). Unfitted, ``score`` fits on the two
    claim lists it is given; ``encode`` needs ``fit`` first (its rows must not depend on the other
    claims of the call). Rows are L2-normalised, so ``similarity`` is a sparse product.
    """

    name = "tfidf"
    packages = ("scikit-learn",)

    def __init__(
        self,
        field: str = "text",
        analyzer: str = "word",
        ngram_min: int = 1,
        ngram_max: int = 2,
        lowercase: bool = True,
        sublinear_tf: bool = True,
    ):
        self.field = field
        self.analyzer = analyzer
        self.ngram_min = ngram_min
        self.ngram_max = ngram_max
        self.lowercase = lowercase
        self.sublinear_tf = sublinear_tf

    def _vectorizer(self) -> TfidfVectorizer:
        from sklearn.feature_extraction.text import TfidfVectorizer

        return TfidfVectorizer(
            analyzer=self.analyzer,
            ngram_range=(self.ngram_min, self.ngram_max),
            lowercase=self.lowercase,
            sublinear_tf=self.sublinear_tf,
            norm="l2",
            dtype=np.float64,
        )

    def _validate(self) -> None:
        self._check_field()
        if not (isinstance(self.analyzer, str) and self.analyzer in ANALYZERS):
            raise self._invalid("analyzer", f"one of {', '.join(ANALYZERS)}")
        if not is_integer(self.ngram_min) or self.ngram_min < 1:
            raise self._invalid("ngram_min", "an integer >= 1")
        if not is_integer(self.ngram_max) or self.ngram_max < self.ngram_min:
            raise self._invalid("ngram_max", "an integer >= ngram_min")
        for flag in ("lowercase", "sublinear_tf"):
            if not isinstance(getattr(self, flag), bool | np.bool_):
                raise self._invalid(flag, "true or false")

    def fit(self, texts: Sequence[str]) -> TfidfAligner:
        """Learn vocabulary and IDF from unlabelled texts, and keep the TF-IDF rows of those texts.

        The texts are analysed once (``CountVectorizer.fit_transform``), not twice as
        ``TfidfVectorizer.fit`` then ``.transform`` would: the count matrix gets its column
        indices sorted, as ``transform`` returns them, so the rows are the very same floats
        (``tests/test_encode.py`` checks them bit for bit against ``TfidfVectorizer``).
        ``encode`` then looks up the rows of fitted texts and transforms only new ones.
        """
        from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

        self._validate()
        texts = list(texts)
        counter = CountVectorizer(
            analyzer=self.analyzer,
            ngram_range=(self.ngram_min, self.ngram_max),
            lowercase=self.lowercase,
            dtype=np.float64,
        )
        counts = counter.fit_transform(texts)
        counts.sort_indices()  # fit_transform leaves them in first-seen order; transform sorts them
        self.vectorizer_ = counter
        self.tfidf_ = TfidfTransformer(norm="l2", sublinear_tf=self.sublinear_tf).fit(counts)
        self.rows_ = self.tfidf_.transform(counts)
        self.row_of_ = {text: i for i, text in enumerate(texts)}
        return self

    def encode(self, claims: Sequence[Claim]) -> csr_matrix:
        """The TF-IDF vector of each claim (sparse rows, L2-normalised), with the fitted vocabulary."""
        self._validate()
        if getattr(self, "vectorizer_", None) is None:
            raise ValueError(f"{self.name}: encode() needs fit() first")
        texts = self.texts(claims)
        rows = [self.row_of_.get(text, -1) for text in texts]
        if min(rows, default=0) >= 0:
            return self.rows_[rows]
        return self.tfidf_.transform(self.vectorizer_.transform(texts))

    def similarity(self, encoded_a: csr_matrix, encoded_b: csr_matrix) -> np.ndarray:
        """Cosine similarities in [0, 1] of every row pair: the product of the normalised vectors."""
        return np.asarray((encoded_a @ encoded_b.T).toarray(), dtype=np.float64)

    def score(self, claims_a: Sequence[Claim], claims_b: Sequence[Claim]) -> np.ndarray:
        """Cosine similarities in [0, 1], shape (|a|, |b|)."""
        self._validate()
        a, b = self.texts(claims_a), self.texts(claims_b)
        if not a or not b:
            return np.zeros((len(a), len(b)))
        if getattr(self, "vectorizer_", None) is not None:
            return self.similarity(self.encode(claims_a), self.encode(claims_b))
        # unfitted: one analysis of the texts (fit_transform), not fit and then transform; its values
        # can differ from fit-then-transform in the last bit, so the fitted path above never uses it
        rows = self._vectorizer().fit_transform(a + b)
        return self.similarity(rows[: len(a)], rows[len(a) :])


class TfidfCharAligner(TfidfAligner):
    """TF-IDF over character 3-5 grams inside word boundaries (``char_wb``)."""

    name = "tfidf-char"

    def __init__(
        self,
        field: str = "text",
        analyzer: str = "char_wb",
        ngram_min: int = 3,
        ngram_max: int = 5,
        lowercase: bool = True,
        sublinear_tf: bool = True,
    ):
        super().__init__(field, analyzer, ngram_min, ngram_max, lowercase, sublinear_tf)


class FuzzyAligner(EncodingAligner):
    """rapidfuzz similarity over all pairs with ``process.cdist``, scaled to [0, 1].

    ``scorer`` names a function of ``rapidfuzz.fuzz`` (default ``token_set_ratio``) and
    ``processor`` one of ``rapidfuzz.utils`` (default ``default_process``: lower-case, strip
    punctuation) or ``"none"``. ``encode`` applies the processor to each claim once; ``cdist``
    then runs with ``processor=None`` (``cdist`` itself only applies it to each string first).
    """

    name = "fuzzy"
    packages = ("rapidfuzz",)

    def __init__(
        self,
        field: str = "text",
        scorer: str = "token_set_ratio",
        processor: str = "default_process",
        workers: int = -1,
    ):
        self.field = field
        self.scorer = scorer
        self.processor = processor
        self.workers = workers

    def _validate(self) -> None:
        self._check_field()
        if not (isinstance(self.scorer, str) and self.scorer in FUZZY_SCORERS):
            raise self._invalid("scorer", f"one of {', '.join(FUZZY_SCORERS)} (functions of rapidfuzz.fuzz)")
        if not (isinstance(self.processor, str) and self.processor in PROCESSORS):
            raise self._invalid("processor", f"one of {', '.join(PROCESSORS)}")
        if not is_integer(self.workers) or not (self.workers == -1 or self.workers >= 1):
            raise self._invalid("workers", "an integer >= 1, or -1 for all cores")

    def encode(self, claims: Sequence[Claim]) -> list[str]:
        """Each claim's text after the processor: what ``cdist`` compares."""
        from rapidfuzz import utils

        self._validate()
        texts = self.texts(claims)
        if self.processor == "none":
            return texts
        processor = getattr(utils, self.processor)
        return [processor(t) for t in texts]

    def similarity(self, encoded_a: Sequence[str], encoded_b: Sequence[str]) -> np.ndarray:
        """Similarities in [0, 1] of every pair of processed strings, shape (|a|, |b|)."""
        from rapidfuzz import fuzz, process

        self._validate()
        if not len(encoded_a) or not len(encoded_b):
            return np.zeros((len(encoded_a), len(encoded_b)))
        scorer: Any = getattr(fuzz, self.scorer)
        matrix = process.cdist(
            encoded_a, encoded_b, scorer=scorer, processor=None, dtype=np.float32, workers=self.workers
        )
        return matrix.astype(np.float64) / 100.0
