"""The candidate space: every cross-article claim pair of every article pair of a split.

Candidates are numbered 0..N-1, article pair by article pair (sorted), and inside a pair row-major
over (claims of A) x (claims of B), both in id order. Everything downstream (gold labels,
predictions, metrics) is a NumPy array over this index, so nothing loops over claim pairs in Python.

Memory grows with the candidates, claims and article pairs, never with articles x articles: an
import of tens of thousands of two-article clusters has as many article pairs as clusters, and a
dense article-by-article table of them would take gigabytes (issue 18). Article pairs are found by
binary search over their sorted keys instead.
"""

from __future__ import annotations

import numpy as np

from alignbench.records import LABELS, Benchmark, DataError

NONE = LABELS.index("none")


class CandidateSpace:
    """Index of the candidate claim pairs of a benchmark, with the gold label of each."""

    def __init__(self, bench: Benchmark):
        self.bench = bench
        self.article_ids: list[str] = sorted(a.article_id for a in bench.articles)
        art_index = {a: i for i, a in enumerate(self.article_ids)}
        cluster = {a.article_id: a.cluster_id for a in bench.articles}
        self.article_cluster: list[str] = [cluster[a] for a in self.article_ids]
        claims = sorted(bench.claims, key=lambda c: (art_index[c.article_id], c.claim_id))
        self.claim_ids: list[str] = [c.claim_id for c in claims]
        self.claim_index: dict[str, int] = {cid: i for i, cid in enumerate(self.claim_ids)}
        self.claim_article = np.array([art_index[c.article_id] for c in claims], dtype=np.int64)
        first = np.searchsorted(self.claim_article, np.arange(len(self.article_ids)))
        self.article_first: np.ndarray = first  # global index of each article's first claim
        self.article_size = np.bincount(self.claim_article, minlength=len(self.article_ids))
        self.claim_local = np.arange(len(claims)) - first[self.claim_article]

        self.pairs: list[tuple[int, int]] = [(art_index[a], art_index[b]) for a, b in bench.article_pairs()]
        pair_a = np.array([a for a, _ in self.pairs], dtype=np.int64)
        pair_b = np.array([b for _, b in self.pairs], dtype=np.int64)
        keys = pair_a * len(self.article_ids) + pair_b  # < articles**2: fits int64 for any real size
        self._key_order = np.argsort(keys, kind="stable")
        self._sorted_keys = keys[self._key_order]
        self.pair_size = (self.article_size[pair_a] * self.article_size[pair_b]).astype(np.int64)
        self.offsets = np.concatenate([[0], np.cumsum(self.pair_size)]).astype(np.int64)
        self.size = int(self.offsets[-1])

        # claim_a / claim_b (global claim index) and article pair of every candidate
        cand_a, cand_b, cand_pair = [], [], []
        for k, (a, b) in enumerate(self.pairs):
            na, nb = self.article_size[a], self.article_size[b]
            cand_a.append(np.repeat(np.arange(na) + first[a], nb))
            cand_b.append(np.tile(np.arange(nb) + first[b], na))
            cand_pair.append(np.full(na * nb, k))
        empty = np.zeros(0, dtype=np.int64)
        self.cand_a = np.concatenate(cand_a).astype(np.int64) if cand_a else empty
        self.cand_b = np.concatenate(cand_b).astype(np.int64) if cand_b else empty
        self.cand_pair = np.concatenate(cand_pair).astype(np.int64) if cand_pair else empty

        self.gold = np.full(self.size, NONE, dtype=np.int8)
        if bench.alignments:
            a = np.array([self.claim_index[x.claim_a] for x in bench.alignments])
            b = np.array([self.claim_index[x.claim_b] for x in bench.alignments])
            self.gold[self.index(a, b)] = [LABELS.index(x.relation) for x in bench.alignments]

    def pair_of(self, art_a: np.ndarray | int, art_b: np.ndarray | int) -> np.ndarray:
        """Article pair number of each (article a, article b) given as article indices; -1 where
        the two are not a pair of the space (the same article, different clusters, or b before a).

        A binary search over the sorted pair keys: O(log pairs) per query, no articles x articles table.
        """
        art_a, art_b = np.asarray(art_a, dtype=np.int64), np.asarray(art_b, dtype=np.int64)
        keys = art_a * len(self.article_ids) + art_b
        if not len(self._sorted_keys):
            return np.full(keys.shape, -1, dtype=np.int64)
        pos = np.minimum(np.searchsorted(self._sorted_keys, keys), len(self._sorted_keys) - 1)
        return np.where(self._sorted_keys[pos] == keys, self._key_order[pos], -1).astype(np.int64)

    def index(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Candidate index of claim pairs given as global claim indices (a from the first article)."""
        art_a, art_b = self.claim_article[a], self.claim_article[b]
        pair = self.pair_of(art_a, art_b)
        if np.any(pair < 0):
            raise DataError("claim pair outside the candidate space")
        return self.offsets[pair] + self.claim_local[a] * self.article_size[art_b] + self.claim_local[b]

    def pair_name(self, k: int) -> str:
        """A readable name of article pair ``k``: ``"<article a> ~ <article b>"``."""
        a, b = self.pairs[k]
        return f"{self.article_ids[a]} ~ {self.article_ids[b]}"
