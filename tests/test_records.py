"""``Benchmark`` lookups: same answers as a scan, from indexes built once per instance; texts shown in
messages so that two different ones never look the same."""

from __future__ import annotations

import pickle
import unicodedata

import pytest
from fixture import tiny_benchmark

from alignbench.records import Benchmark, normal_form_note, shown_text


class CountingTuple(tuple):
    """A tuple that counts how often it is iterated (a scan of the records)."""

    scans = 0

    def __iter__(self):
        type(self).scans += 1
        return super().__iter__()


def test_lookups_answer_as_before():
    bench = tiny_benchmark(second_cluster=True)
    assert [c.claim_id for c in bench.claims_of("y")] == ["y-1", "y-2", "y-3", "y-4"]
    assert bench.claims_of("zz") == (bench.claims[-1],)
    assert bench.claims_of("nope") == ()
    assert isinstance(bench.claims_of("x"), tuple)
    assert bench.article("z").cluster_id == "c2"
    with pytest.raises(KeyError):
        bench.article("nope")
    assert bench.article_pairs() == [("x", "y"), ("z", "zz")]


def test_each_index_is_built_once_per_benchmark():
    plain = tiny_benchmark(second_cluster=True)
    CountingTuple.scans = 0
    bench = Benchmark(CountingTuple(plain.articles), CountingTuple(plain.claims), plain.alignments)
    for _ in range(5):
        for article in plain.articles:
            assert bench.claims_of(article.article_id) == plain.claims_of(article.article_id)
            assert bench.article(article.article_id) == article
        assert bench.article_pairs() == plain.article_pairs()
    # one pass over the claims (claims_of) and two over the articles (article, article_pairs)
    assert CountingTuple.scans == 3


def test_indexes_are_private_to_the_instance():
    bench = tiny_benchmark()
    bench.article_pairs().append(("a", "b"))  # a caller's list: the cached pairs stay as they were
    assert bench.article_pairs() == [("x", "y")]
    bench.claims_of("x")
    assert bench == tiny_benchmark() and hash(bench) == hash(tiny_benchmark())
    copy = pickle.loads(pickle.dumps(bench))
    assert copy == bench and vars(copy) == {}  # the indexes are not pickled
    assert copy.claims_of("x") == bench.claims_of("x")


NFC, NFD = "caf\u00e9", "cafe\u0301"  # the same word, one code point or two for the accented letter


def test_shown_text_escapes_what_prints_as_nothing_or_as_another_letter() -> None:
    assert unicodedata.normalize("NFC", NFD) == NFC
    assert (shown_text(NFC), shown_text(NFD)) == ("'café'", "'cafe\\u0301'")
    assert shown_text("a\u200bb c") == "'a\\u200bb c'"  # zero-width space; a plain space stays
    assert normal_form_note(NFD, NFC) == " (the same letters in different Unicode normal forms: NFD vs NFC)"
    assert normal_form_note("cafe", NFC) == normal_form_note(NFC, NFC) == ""
