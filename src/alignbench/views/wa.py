"""Write alignbench links of iSTS pairs in the task's system ``.wa`` format.

So users can run the official scorer (``evalF1.pl``) on an aligner's output. Each pair's block
repeats its two ``// `` lines and token lists, then one alignment line per linked chunk pair and
one NOALI line (``ids <==> 0`` or ``0 <==> ids``) per chunk with no link, so that every chunk of a
pair is either aligned or NOALI.

Relations are written with a fixed type and score (the format needs both; alignbench predicts no
score). Scores: 5 for equivalent; 4 for the specific and opposite links, their most frequent gold
score in the iSTS-2016 train files; 3 for related (REL's most frequent; SIMI's is 3 or 4). Scores
change neither F1 Ali nor alignbench's type F1:

=================  =====  =====
relation           type   score
=================  =====  =====
equivalent         EQUI   5
a_more_specific    SPE1   4
b_more_specific    SPE2   4
contradiction      OPPO   4
related            SIMI   3
=================  =====  =====

``related`` becomes SIMI (the more frequent of SIMI and REL in the release); alignbench cannot
tell them apart, so an official *type* score of an export says little. Reading an export back
(:func:`alignbench.sources.importers.ists2016.links_from_wa`) gives the same links.
"""

from __future__ import annotations

from collections.abc import Iterable

from alignbench.records import REVERSED_RELATION, Benchmark, DataError
from alignbench.sources.importers.ists2016 import claim_tokens, pair_number

#: Relation -> (iSTS type, score) written for it.
WA_TYPE_OF: dict[str, tuple[str, int]] = {
    "equivalent": ("EQUI", 5),
    "a_more_specific": ("SPE1", 4),
    "b_more_specific": ("SPE2", 4),
    "contradiction": ("OPPO", 4),
    "related": ("SIMI", 3),
}


def _ids(tokens: tuple[int, ...]) -> str:
    return " ".join(map(str, tokens)) if tokens else "0"


def write_wa(benchmark: Benchmark, links: Iterable[tuple[str, str, str]]) -> str:
    """The ``.wa`` text of every pair (cluster of two articles) of ``benchmark`` with ``links``.

    ``links`` are ``(claim_a, claim_b, relation)``; ``none`` rows are skipped, a pair given with
    ``claim_a`` in the second sentence is swapped and its relation mirrored. Pairs are written in
    ``.wa`` pair-id order (the number at the end of the cluster id). Unknown claims, a claim pair
    of two clusters, or one listed twice, are a :class:`DataError`.
    """
    articles = {a.article_id: a for a in benchmark.articles}
    by_cluster: dict[str, list[str]] = {}
    for article in benchmark.articles:
        by_cluster.setdefault(article.cluster_id, []).append(article.article_id)
    claims_of: dict[str, list[str]] = {}
    claims = {}
    for claim in benchmark.claims:
        claims[claim.claim_id] = claim
        claims_of.setdefault(claim.article_id, []).append(claim.claim_id)
    tokens = {cid: claim_tokens(articles[c.article_id].raw_text, c.start, c.end) for cid, c in claims.items()}
    chosen: dict[str, dict[tuple[str, str], str]] = {}
    for claim_a, claim_b, relation in links:
        if relation == "none":
            continue
        if relation not in WA_TYPE_OF:
            raise DataError(f"unknown relation {relation!r} for {claim_a} - {claim_b}")
        if claim_a not in claims or claim_b not in claims:
            raise DataError(f"unknown claim id {claim_a if claim_a not in claims else claim_b!r}")
        art_a, art_b = claims[claim_a].article_id, claims[claim_b].article_id
        cluster = articles[art_a].cluster_id
        if articles[art_b].cluster_id != cluster or art_a == art_b:
            raise DataError(f"{claim_a} and {claim_b} are not claims of the two sentences of one pair")
        if art_a != by_cluster[cluster][0]:
            claim_a, claim_b, relation = claim_b, claim_a, REVERSED_RELATION.get(relation, relation)
        pair_links = chosen.setdefault(cluster, {})
        if (claim_a, claim_b) in pair_links:
            raise DataError(f"{claim_a} - {claim_b} is linked twice")
        pair_links[claim_a, claim_b] = relation
    out: list[str] = []
    for cluster in sorted(by_cluster, key=pair_number):
        if len(by_cluster[cluster]) != 2:
            raise DataError(f"cluster {cluster!r} has {len(by_cluster[cluster])} articles; the .wa format needs pairs")
        s1, s2 = by_cluster[cluster]
        words = [articles[s1].raw_text.split(" "), articles[s2].raw_text.split(" ")]
        out.append(f'<sentence id="{pair_number(cluster)}" status="">')
        out += [f"// {articles[s1].raw_text}", f"// {articles[s2].raw_text}"]
        for tag, side in (("source", 0), ("translation", 1)):
            out.append(f"<{tag}>")
            out += [f"{i} {w} : " for i, w in enumerate(words[side], start=1)]
            out.append(f"</{tag}>")
        out.append("<alignment>")
        pair_links = chosen.get(cluster, {})
        linked = {c for pair in pair_links for c in pair}

        def text(side: int, ids: tuple[int, ...], words: list[list[str]] = words) -> str:
            return " ".join(words[side][i - 1] for i in ids) if ids else "-not aligned-"

        for (ca, cb), relation in sorted(pair_links.items()):
            kind, score = WA_TYPE_OF[relation]
            t1, t2 = tokens[ca], tokens[cb]
            out.append(f"{_ids(t1)} <==> {_ids(t2)} // {kind} // {score} // {text(0, t1)} <==> {text(1, t2)} ")
        for side, article in ((0, s1), (1, s2)):
            for cid in claims_of.get(article, []):
                if cid not in linked:
                    t1, t2 = (tokens[cid], ()) if side == 0 else ((), tokens[cid])
                    out.append(f"{_ids(t1)} <==> {_ids(t2)} // NOALI // NIL // {text(0, t1)} <==> {text(1, t2)} ")
        out += ["</alignment>", "</sentence>", "", ""]
    return "\n".join(out)
