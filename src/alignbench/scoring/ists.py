"""The interpretable-STS task's own measure: token-level alignment F1 (Melamed 1998), pooled.

Definition (SemEval-2016 Task 2, issue 10 item 4), implemented from its text because the official
``evalF1.pl`` is not available here:

- every chunk link is expanded into token:token links, all tokens of one chunk x all of the other
  (tokens are the space-separated tokens of a pair's ``// `` lines, ids 1-based);
- a token that is a single punctuation character from ``. , : ' ` ? ; " -`` is dropped, judged on
  the gold sentence; dropping happens before fan-outs are counted;
- a token link that two chunk links of one alignment set both give counts once (its type set is
  the union of theirs);
- each token link weighs ``1 / max(fanout(t1), fanout(t2))``, where fanout counts the token links
  leaving that token in the same alignment set (gold or system) and pair;
- precision = sum of system weights of system links also in gold / sum of system weights; recall =
  sum of gold weights of gold links also in the system / sum of gold weights, both pooled over all
  pairs; F1 = 2PR / (P + R), 0 when P + R = 0;
- type F1 multiplies each overlapping link's weight by the Jaccard similarity of the two links'
  type sets. alignbench maps both sides to its relations first (FACT/POL ignored; SIMI and REL are
  both ``related``), so this is **not** the official type F1, which compares iSTS types.

The work is vectorised over the whole pair set with NumPy; only the chunk links are looped over.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

import numpy as np

from alignbench.records import LABELS, REVERSED_RELATION, Benchmark, DataError
from alignbench.sources.importers.ists2016 import claim_tokens

#: Single-character tokens that the measure ignores.
PUNCTUATION: frozenset[str] = frozenset(". , : ' ` ? ; \" -".split())
#: Type sets are bit masks; more distinct type names than this in one scoring is refused.
MAX_TYPES = 16


class ChunkLink(NamedTuple):
    """A link between two chunks of one pair: 1-based token ids of each side, and its types."""

    ids1: tuple[int, ...]
    ids2: tuple[int, ...]
    types: frozenset[str] = frozenset()


class IstsScore(NamedTuple):
    """Pooled alignment (``f1``) and type (``type_f1``) scores, with their precision and recall."""

    precision: float
    recall: float
    f1: float
    type_precision: float
    type_recall: float
    type_f1: float


#: Chunk links by pair key, and each pair's two gold sentences as tokens.
PairLinks = Mapping[str, Sequence[ChunkLink]]
PairSentences = Mapping[str, tuple[Sequence[str], Sequence[str]]]


class IstsSums(NamedTuple):
    """Per-pair weight sums (in ``pairs`` order), so scores can be pooled over any resample of pairs."""

    pairs: tuple[str, ...]
    system_matched: np.ndarray
    system_typed: np.ndarray
    system_total: np.ndarray
    gold_matched: np.ndarray
    gold_typed: np.ndarray
    gold_total: np.ndarray

    def score(self, index: np.ndarray | None = None) -> IstsScore:
        """The pooled score over all pairs, or over the pairs at ``index`` (repeats allowed)."""
        take = (lambda a: a) if index is None else (lambda a: a[index])
        sm, st, ss = (float(take(a).sum()) for a in (self.system_matched, self.system_typed, self.system_total))
        gm, gt, gs = (float(take(a).sum()) for a in (self.gold_matched, self.gold_typed, self.gold_total))
        return IstsScore(*_prf(sm, ss, gm, gs), *_prf(st, ss, gt, gs))


def _prf(sys_matched: float, sys_total: float, gold_matched: float, gold_total: float) -> tuple[float, float, float]:
    p = sys_matched / sys_total if sys_total > 0 else 0.0
    r = gold_matched / gold_total if gold_total > 0 else 0.0
    return p, r, (2 * p * r / (p + r) if p + r > 0 else 0.0)


class _Set(NamedTuple):
    codes: np.ndarray  # unique (pair * M + t1) * M + t2, sorted
    masks: np.ndarray  # type-set bit mask of each token link
    weights: np.ndarray


def _token_links(links: PairLinks, index: dict[str, int], size: int, punct: np.ndarray, vocab: dict[str, int]) -> _Set:
    """One alignment set's token links, punctuation dropped, deduplicated and weighted."""
    parts: list[np.ndarray] = []
    mask_parts: list[np.ndarray] = []
    for key, chunk_links in links.items():
        base = index[key] * size
        for link in chunk_links:
            if not link.ids1 or not link.ids2:
                continue
            ids1, ids2 = np.asarray(link.ids1, dtype=np.int64), np.asarray(link.ids2, dtype=np.int64)
            t1, t2 = np.repeat(ids1, len(ids2)), np.tile(ids2, len(ids1))
            parts.append((base + t1) * size + t2)
            mask = sum(1 << vocab[t] for t in link.types)
            mask_parts.append(np.full(len(t1), mask, dtype=np.int64))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return _Set(empty, empty, np.zeros(0))
    codes, masks = np.concatenate(parts), np.concatenate(mask_parts)
    src, trg = codes // size, (codes // (size * size)) * size + codes % size
    keep = ~(punct[0][src] | punct[1][trg])
    codes, masks = codes[keep], masks[keep]
    unique, inverse = np.unique(codes, return_inverse=True)
    merged = np.zeros(len(unique), dtype=np.int64)
    np.bitwise_or.at(merged, inverse, masks)
    src, trg = unique // size, (unique // (size * size)) * size + unique % size
    fan1 = np.bincount(src, minlength=len(punct[0]))
    fan2 = np.bincount(trg, minlength=len(punct[1]))
    weights = 1.0 / np.maximum(fan1[src], fan2[trg])
    return _Set(unique, merged, weights)


def sums(
    gold: PairLinks,
    system: PairLinks,
    sentences: PairSentences,
) -> IstsSums:
    """Per-pair weight sums of ``system`` against ``gold``.

    ``sentences`` maps every pair key to the tokens of its two gold sentences (punctuation is
    judged on them); a key of ``gold`` or ``system`` that it lacks, or a token id beyond the
    sentence, is a :class:`DataError`.
    """
    keys = tuple(sentences)
    index = {key: i for i, key in enumerate(keys)}
    for name, links in (("gold", gold), ("system", system)):
        unknown = [k for k in links if k not in index]
        if unknown:
            raise DataError(f"{name} alignments name {len(unknown)} pair(s) with no sentences, e.g. {unknown[0]!r}")
    size = 1 + max((max(len(s1), len(s2)) for s1, s2 in sentences.values()), default=0)
    for name, links in (("gold", gold), ("system", system)):
        for key, chunk_links in links.items():
            lengths = (len(sentences[key][0]), len(sentences[key][1]))
            for link in chunk_links:
                if any(not 1 <= t <= lengths[0] for t in link.ids1) or any(not 1 <= t <= lengths[1] for t in link.ids2):
                    raise DataError(f"{name} alignment of pair {key!r} has a token id outside the sentence: {link[:2]}")
    types = sorted({t for links in (gold, system) for ls in links.values() for link in ls for t in link.types})
    if len(types) > MAX_TYPES:
        raise DataError(f"{len(types)} distinct type names; at most {MAX_TYPES} can be scored")
    vocab = {t: i for i, t in enumerate(types)}
    punct = []
    for side in (0, 1):
        flat = np.zeros(len(keys) * size, dtype=bool)
        tokens = [tok for key in keys for tok in sentences[key][side]]
        lengths = np.array([len(sentences[key][side]) for key in keys], dtype=np.int64)
        starts = np.repeat(np.arange(len(keys), dtype=np.int64) * size + 1, lengths)
        offsets = np.arange(len(tokens)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        flat[starts + offsets] = np.isin(np.array(tokens, dtype=object), list(PUNCTUATION))
        punct.append(flat)
    g = _token_links(gold, index, size, punct, vocab)
    s = _token_links(system, index, size, punct, vocab)
    _, gi, si = np.intersect1d(g.codes, s.codes, assume_unique=True, return_indices=True)
    popcount = np.array([bin(i).count("1") for i in range(1 << len(types))], dtype=np.float64)
    union = popcount[g.masks[gi] | s.masks[si]]
    jaccard = np.divide(popcount[g.masks[gi] & s.masks[si]], union, out=np.ones(len(gi)), where=union > 0)

    def per_pair(codes: np.ndarray, weights: np.ndarray) -> np.ndarray:
        return np.bincount(codes // (size * size), weights=weights, minlength=len(keys))

    return IstsSums(
        keys,
        system_matched=per_pair(s.codes[si], s.weights[si]),
        system_typed=per_pair(s.codes[si], s.weights[si] * jaccard),
        system_total=per_pair(s.codes, s.weights),
        gold_matched=per_pair(g.codes[gi], g.weights[gi]),
        gold_typed=per_pair(g.codes[gi], g.weights[gi] * jaccard),
        gold_total=per_pair(g.codes, g.weights),
    )


def score(
    gold: PairLinks,
    system: PairLinks,
    sentences: PairSentences,
) -> IstsScore:
    """Pooled alignment and type precision, recall and F1 of ``system`` against ``gold``."""
    return sums(gold, system, sentences).score()


def f1_ali(gold: PairLinks, system: PairLinks, sentences: PairSentences) -> float:
    """The task's alignment F1 (``F1 Ali``): token links weighted by fan-out, pooled over pairs."""
    return score(gold, system, sentences).f1


def f1_type(gold: PairLinks, system: PairLinks, sentences: PairSentences) -> float:
    """Alignment F1 with each overlapping link weighted by the Jaccard similarity of its types."""
    return score(gold, system, sentences).type_f1


def pair_sentences(benchmark: Benchmark) -> dict[str, tuple[list[str], list[str]]]:
    """Each cluster's two sentences as tokens, first and second article by id (iSTS pairs)."""
    by_cluster: dict[str, list[str]] = {}
    for article in benchmark.articles:  # articles are sorted by id, so -s1 comes before -s2
        by_cluster.setdefault(article.cluster_id, []).append(article.raw_text)
    bad = [c for c, texts in by_cluster.items() if len(texts) != 2]
    if bad:
        raise DataError(f"cluster {bad[0]!r} has {len(by_cluster[bad[0]])} articles; iSTS scoring needs sentence pairs")
    return {c: (texts[0].split(" "), texts[1].split(" ")) for c, texts in sorted(by_cluster.items())}


def chunk_links(benchmark: Benchmark, links: Iterable[tuple[str, str, str]]) -> dict[str, list[ChunkLink]]:
    """Alignbench links ``(claim_a, claim_b, relation)`` as chunk links by cluster.

    ``none`` rows are skipped; a link whose ``claim_a`` is in the second sentence is swapped and
    its relation mirrored. Unknown claims are a :class:`DataError`.
    """
    articles = {a.article_id: a for a in benchmark.articles}
    claims = {c.claim_id: c for c in benchmark.claims}
    first = {}
    for a in benchmark.articles:
        first.setdefault(a.cluster_id, a.article_id)
    tokens = {cid: claim_tokens(articles[c.article_id].raw_text, c.start, c.end) for cid, c in claims.items()}
    result: dict[str, list[ChunkLink]] = {}
    for claim_a, claim_b, relation in links:
        if relation == "none":
            continue
        if claim_a not in claims or claim_b not in claims:
            raise DataError(f"unknown claim id {claim_a if claim_a not in claims else claim_b!r}")
        cluster = articles[claims[claim_a].article_id].cluster_id
        if (
            articles[claims[claim_b].article_id].cluster_id != cluster
            or claims[claim_a].article_id == claims[claim_b].article_id
        ):
            raise DataError(f"{claim_a!r} and {claim_b!r} are not claims of the two sentences of one pair")
        if claims[claim_a].article_id != first[cluster]:
            claim_a, claim_b, relation = claim_b, claim_a, REVERSED_RELATION.get(relation, relation)
        result.setdefault(cluster, []).append(ChunkLink(tokens[claim_a], tokens[claim_b], frozenset({relation})))
    return result


def decided_sums(
    benchmark: Benchmark, claim_ids: Sequence[str], a: np.ndarray, b: np.ndarray, label: np.ndarray
) -> IstsSums:
    """Per-pair sums of decided links (claim positions ``a``, ``b`` in ``claim_ids``, label ids not
    ``none``) against the benchmark's gold links, both mapped to relations."""
    gold = chunk_links(benchmark, ((x.claim_a, x.claim_b, x.relation) for x in benchmark.alignments))
    system = chunk_links(
        benchmark,
        (
            (claim_ids[i], claim_ids[j], LABELS[k])
            for i, j, k in zip(a.tolist(), b.tolist(), label.tolist(), strict=True)
        ),
    )
    return sums(gold, system, pair_sentences(benchmark))


def resampled_f1(s: IstsSums, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """F1 Ali and type F1 of each resample (a row of ``weights``: how often each pair is drawn).

    A precision or recall with no weight behind it is undefined (NaN), and an F1 is NaN only when
    both of its sides are, as for alignbench's own metrics inside the bootstrap.
    """
    from alignbench.scoring.metrics import _f1, _ratio

    w = np.asarray(weights, dtype=np.float64)
    system_total, gold_total = w @ s.system_total, w @ s.gold_total
    f1 = _f1(_ratio(w @ s.system_matched, system_total, np.nan), _ratio(w @ s.gold_matched, gold_total, np.nan))
    typed = _f1(_ratio(w @ s.system_typed, system_total, np.nan), _ratio(w @ s.gold_typed, gold_total, np.nan))
    return f1, typed
