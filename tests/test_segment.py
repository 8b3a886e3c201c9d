"""Sentence segmentation and cleaning on the hard spots of the seed texts."""

from __future__ import annotations

from conftest import ROOT

from alignbench.sources.corpus import load_sources
from alignbench.sources.segment import context_span, sentences, suggest_kept_ranges


def split(text: str) -> list[str]:
    return [text[s:e] for s, e in sentences(text)]


def test_times_and_abbreviations_do_not_split():
    text = 'The North "fired between 9:06 a.m. and 9:27 a.m. today," the JCS said. Mr. Kim agreed. Next one.'
    assert split(text) == [
        'The North "fired between 9:06 a.m. and 9:27 a.m. today," the JCS said.',
        "Mr. Kim agreed.",
        "Next one.",
    ]


def test_quotes_ranges_and_headlines():
    text = (
        "North Korea fires at least one missile\n\n"
        "They flew about 70-100 kilometers, adding that they \u201care analyzing details.\u201d Mr Kim said "
        '"fruitful". "It is clear," said Harry.'
    )
    assert split(text) == [
        "North Korea fires at least one missile",
        "They flew about 70-100 kilometers, adding that they \u201care analyzing details.\u201d",
        'Mr Kim said "fruitful".',
        '"It is clear," said Harry.',
    ]


def test_seed_sentence_counts_and_offsets():
    bench = load_sources(ROOT).split("test")
    counts = {}
    for article in bench.articles:
        spans = sentences(article.raw_text, article.kept_ranges)
        counts[article.article_id] = len(spans)
        for s, e in spans:
            assert article.raw_text[s:e] == article.raw_text[s:e].strip()
    # wonsan-a: 13 lines, 4 of which hold two sentences; wonsan-b: headline + 13 one-sentence paragraphs
    assert counts == {"wonsan-a": 17, "wonsan-b": 14}


def test_context_covers_whole_sentences():
    text = "One two. Three four five. Six."
    spans = sentences(text)
    assert context_span(spans, text.index("four"), text.index("five") + 4) == (9, 25)
    assert context_span(spans, text.index("two"), text.index("Three") + 5) == (0, 25)


def test_cleaning_reproduces_recorded_kept_ranges():
    for article in load_sources(ROOT).articles:
        drop = {x for x in (article.source, article.credit) if x}
        if article.aggregator:
            drop.add("World")  # the inkl section label printed above the headline
        assert suggest_kept_ranges(article.raw_text, drop) == article.kept_ranges
