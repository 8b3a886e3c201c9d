"""Sentence segmentation and cleaning on the hard spots of the seed texts."""

from __future__ import annotations

import re

from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alignbench.sources.corpus import check_sources, load_sources
from alignbench.sources.segment import DisjointSpans, context_span, sentences, suggest_kept_ranges


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
    for article in (a for a in bench.articles if a.cluster_id == "nk-wonsan-launch"):
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


# --- issue 18 item 10: linear in the line length, output unchanged -----------------------------

_REF_ABBREVIATIONS = frozenset(
    "a.m p.m mr mrs ms dr prof gen col lt sgt st jr sr vs etc e.g i.e no u.s u.n u.k "
    "jan feb mar apr jun jul aug sep sept oct nov dec inc ltd co corp".split()
)
_REF_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s)")
_REF_NEXT_START = re.compile(r"\s+[\"'“‘(\[]?[A-Z0-9]")
_REF_WORD_BEFORE = re.compile(r"(\S+)$")


def reference_sentences(text: str, ranges=None) -> list[tuple[int, int]]:
    """The segmentation as it was before issue 18 (quadratic in the line length): the rules'
    reference, which the linear version must match span for span."""
    spans = []
    for r_start, r_end in ranges if ranges is not None else ((0, len(text)),):
        pos = r_start
        for line in text[r_start:r_end].split("\n"):
            line_end = pos + len(line)
            stripped = line.strip()
            if stripped:
                line_start = pos + (len(line) - len(line.lstrip()))
                line_end = line_start + len(stripped)
                start = line_start
                for match in _REF_END.finditer(text, line_start, line_end):
                    if match.group(0)[0] == ".":
                        before = _REF_WORD_BEFORE.search(text, line_start, match.start())
                        word = before.group(1).lstrip("\"'“‘([").lower() if before else None
                        if word is not None and (word in _REF_ABBREVIATIONS or (len(word) == 1 and word.isalpha())):
                            continue
                    if not _REF_NEXT_START.match(text, match.end(), line_end):
                        continue
                    spans.append((start, match.end()))
                    rest = text[match.end() : line_end]
                    start = match.end() + (len(rest) - len(rest.lstrip()))
                spans.append((start, line_end))
            pos = pos + len(line) + 1
    return spans


def reference_context(spans, start, end):
    covering = [(s, e) for s, e in spans if s < end and start < e]
    return (covering[0][0], covering[-1][1]) if covering else (start, end)


_PIECES = [
    *"aAJxZ9.!?,:;-\"'“”‘’()[] \t\n\u00a0\u2003",
    "a.m.", "p.m.", "Mr.", "mr.", "U.S.", "e.g.", "No.", "(Dr.", '"St.', "J.", "j.", "9:06", "70-100",
    "word", "Word", "said.", "said.”", "end.)", "?!", "...", "  ", " \n ", "\r",
]  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), max_size=80), st.data())
def test_segmentation_equals_the_reference_rules(pieces, data):
    text = "".join(pieces)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=6, unique=True)))
    ranges = tuple((a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False) if a < b) or None
    spans = sentences(text, ranges)
    assert spans == reference_sentences(text, ranges)
    if text:
        start = data.draw(st.integers(0, len(text) - 1))
        end = data.draw(st.integers(start + 1, len(text)))
        assert context_span(spans, start, end) == reference_context(spans, start, end)


def test_committed_articles_segment_as_the_reference_does():
    articles = load_sources(ROOT).articles
    assert articles
    for article in articles:
        for ranges in (article.kept_ranges, None):
            assert sentences(article.raw_text, ranges) == reference_sentences(article.raw_text, ranges)


class CountingList(list):
    """A list that counts how many of its items were looked at (indexing or iterating)."""

    looked = 0

    def __getitem__(self, i):
        self.looked += 1
        return super().__getitem__(i)

    def __iter__(self):
        for item in super().__iter__():
            self.looked += 1
            yield item


def test_context_span_looks_at_a_few_sentences_not_all():
    spans = CountingList((10 * i, 10 * i + 8) for i in range(100_000))
    assert context_span(spans, 500_003, 500_025) == (500_000, 500_028)
    assert context_span(spans, 9, 10) == (9, 10)  # between two sentences: no covering sentence
    assert spans.looked < 100  # two binary searches; a scan would look at all 100,000


def test_disjoint_spans_finds_the_first_overlap_in_the_order_added():
    spans = DisjointSpans()
    for start, end, name in ((20, 30, "b"), (0, 10, "a"), (40, 50, "c")):
        assert spans.overlap(start, end) is None
        spans.add(start, end, name)
    assert [spans.overlap(*x) for x in ((10, 20), (30, 40), (9, 11), (29, 41), (5, 45), (50, 60))] == [
        None, None, "a", "b", "b", None,
    ]  # fmt: skip


def _long_line_tree():
    import importlib.util

    path = ROOT / "benchmarks" / "long_line.py"
    spec = importlib.util.spec_from_file_location("long_line", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_600_kb_line_with_a_claim_on_every_sentence_validates(tmp_path):
    # Bounded input: the quadratic segmentation took 20 s for 120 KB of this text (issue 18: 9.3 s
    # for a 122 KB article), so about 8 minutes for each of these 600 KB lines, and the per-claim
    # scans of every sentence and every earlier claim added more; linear, this takes a second or two.
    long_line = _long_line_tree()
    n_claims = long_line.write_tree(tmp_path, 600_000, every=1)
    bench, problems = check_sources(tmp_path)
    assert problems == []
    assert len(bench.claims) == n_claims > 2 * 10_000
    for article in bench.articles:
        spans = sentences(article.raw_text, article.kept_ranges)
        assert len(spans) == sum(c.article_id == article.article_id for c in bench.claims)
    # every claim is one whole sentence (the generator's), so it is its own context
    assert all(claim.context == claim.text for claim in bench.claims)
