"""Aligners: score every claim pair of two articles; decoders and a tagger turn scores into links.

An aligner is any object with a ``name``, parameters stored by ``__init__`` (scikit-learn style:
``get_params()`` is recorded in reports, fitted state ends with ``_``), an optional
``fit(texts)`` and ``score(claims_a, claims_b) -> ndarray`` of shape (|a|, |b|), higher = more
likely linked. Built-in aligners are registered by name; a user's own aligner is named
``"package.module:Class"`` and imported lazily. ``alignbench.testing.check_aligner`` checks one.

**Optional: encode each claim once.** An aligner whose score of a pair depends only on a
representation of each claim (TF-IDF vectors, processed strings, embeddings) may also define

- ``encode(claims) -> rows``: one row per claim, in order, each row depending only on its own
  claim (and on what ``fit`` learnt), never on the other claims of the call. ``rows`` is anything
  with ``len()`` or ``.shape[0]`` that slices by rows (``rows[i:j]``): a NumPy array, a
  ``scipy.sparse`` CSR matrix, a list.
- ``similarity(rows_a, rows_b) -> ndarray`` of shape (|a|, |b|), the same contract as ``score``.

``score(a, b)`` stays the required method and must equal ``similarity(encode(a), encode(b))``.
When an aligner has both methods (:func:`encodes`), ``alignbench.runs.baselines.run_aligner`` encodes
every claim of the benchmark in one call (a sentence encoder gets one large batch) and scores each
article pair on row slices, instead of calling ``score`` per article pair, which would encode an
article's claims again for every pair it is in. Subclass :class:`EncodingAligner` to get ``score``
from the two methods; ``check_aligner`` checks that they agree with ``score``.
"""

from alignbench.aligners.checks import check_labels, check_scores, encoded_rows, is_integer
from alignbench.aligners.protocol import (
    FIELDS,
    Aligner,
    BaseAligner,
    Encoder,
    EncodingAligner,
    Labeller,
    encodes,
    init_param_names,
    labels_itself,
)
from alignbench.aligners.registry import REGISTRY, get_aligner, parse_params

__all__ = [
    "FIELDS",
    "REGISTRY",
    "Aligner",
    "BaseAligner",
    "Encoder",
    "EncodingAligner",
    "Labeller",
    "check_labels",
    "check_scores",
    "encoded_rows",
    "encodes",
    "get_aligner",
    "init_param_names",
    "is_integer",
    "labels_itself",
    "parse_params",
]
