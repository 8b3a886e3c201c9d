"""Every number in DATASHEET.md's table, the README and the citation matches the built data."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from conftest import ROOT

import alignbench
from alignbench.dataset.citation import bibtex, read_citation
from alignbench.records import RELATIONS, SURE_RELATIONS


def datasheet_table() -> dict[str, int]:
    text = (ROOT / "DATASHEET.md").read_text(encoding="utf-8")
    section = text.split("## At a glance", 1)[1].split("\n## ", 1)[0]
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^\| ([^|]+?) \| (\d+) \|$", section, re.M)}


def test_datasheet_counts_match_built_data():
    bench = alignbench.load_benchmark()
    per_article = Counter(c.article_id for c in bench.claims)
    linked = {x.claim_a for x in bench.alignments} | {x.claim_b for x in bench.alignments}
    relations = Counter(x.relation for x in bench.alignments)
    expected = {
        "event clusters": len({a.cluster_id for a in bench.articles}),
        "articles": len(bench.articles),
        "claims": len(bench.claims),
        **{f"claims of {a}": n for a, n in per_article.items()},
        "article pairs": len(bench.article_pairs()),
        "candidate claim pairs": alignbench.load("pairs").num_rows,
        "gold links": len(bench.alignments),
        "sure links": sum(x.relation in SURE_RELATIONS for x in bench.alignments),
        **{r: relations[r] for r in RELATIONS},
        "claims with no link": sum(c.claim_id not in linked for c in bench.claims),
    }
    assert datasheet_table() == expected


def test_version_is_single_sourced():
    cff = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(r"^version: (\S+)$", cff, re.M).group(1) == alignbench.__version__
    assert f"# Datasheet for alignbench {alignbench.__version__}" in (ROOT / "DATASHEET.md").read_text(encoding="utf-8")
    entry = bibtex(read_citation())  # alignbench cite, with the bundled data's version and source hash
    assert f"```bibtex\n{entry}```" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"```bibtex\n{entry}```" in (ROOT / "data" / "README.md").read_text(encoding="utf-8")


def _section_table(section: str, first_column: str) -> list[list[str]]:
    """The rows (cells stripped) of the Markdown table whose header starts with ``first_column``."""
    lines = section.split(f"| {first_column} |", 1)[1].split("\n\n", 1)[0].splitlines()[2:]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]


def test_datasheet_diagnostic_section_matches_the_data():
    text = (ROOT / "DATASHEET.md").read_text(encoding="utf-8")
    section = text.split("## The diagnostic split", 1)[1].split("\n## ", 1)[0]
    expected: dict[str, list[int]] = {}
    tags: Counter = Counter()
    contradictions: Counter = Counter()
    for split in ("test", "diagnostic"):
        bench = alignbench.load_benchmark(split=split)
        linked = {x.claim_a for x in bench.alignments} | {x.claim_b for x in bench.alignments}
        relations = Counter(x.relation for x in bench.alignments)
        values = {
            "event clusters": len({a.cluster_id for a in bench.articles}),
            "articles": len(bench.articles),
            "claims": len(bench.claims),
            "article pairs": len(bench.article_pairs()),
            "candidate claim pairs": alignbench.load("pairs", split=split).num_rows,
            "gold links": len(bench.alignments),
            "sure links": sum(x.relation in SURE_RELATIONS for x in bench.alignments),
            **{r: relations[r] for r in RELATIONS},
            "claims with no link": sum(c.claim_id not in linked for c in bench.claims),
        }
        for key, value in values.items():
            expected.setdefault(key, []).append(value)
        for x in bench.alignments:
            tags.update(x.tags)
            contradictions.update(x.tags if x.relation == "contradiction" else ())
    table = {row[0]: [int(v) for v in row[1:]] for row in _section_table(section, "quantity")}
    assert table == expected
    tag_table = {row[0]: (int(row[1]), int(row[2])) for row in _section_table(section, "tag")}
    assert tag_table == {t: (n, contradictions[t]) for t, n in tags.items()}


def test_datasheet_second_read_counts_match_the_review_files():
    text = (ROOT / "DATASHEET.md").read_text(encoding="utf-8")
    section = text.split("## The diagnostic split", 1)[1].split("\n## ", 1)[0]
    rows = {row[0]: [int(v) for v in row[1:]] for row in _section_table(section, "writer")}
    total = rows.pop("all")
    found = {}
    for path in sorted((ROOT / "annotations").glob("DIAGNOSTIC-diag-w*-review.md")):  # the writers' own second reads
        review = path.read_text(encoding="utf-8")
        row = re.search(r"^\| \*\*total\*\* \| \*\*(\d+)\*\* \| \*\*(\d+)\*\*[^|]*\| \*\*(\d+)\*\*", review, re.M)
        line = re.search(r"Totals: \*\*(\d+) labels? changed, (\d+) links? added, (\d+) links? removed\*\*", review)
        found[path.stem.removeprefix("DIAGNOSTIC-").removesuffix("-review")] = [int(v) for v in (row or line).groups()]
    assert rows == found
    assert total == [sum(col) for col in zip(*found.values(), strict=True)]


def test_datasheet_second_pass_agreement_is_current():
    """The per-writer agreement of the blind second pass is computed from the pass files, not typed."""
    import importlib.util

    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("second_pass", root / "scripts" / "second_pass.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = (root / "DATASHEET.md").read_text(encoding="utf-8")
    assert f"<!-- second-pass:start -->\n{module.summary()}<!-- second-pass:end -->" in text
