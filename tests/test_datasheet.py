"""The version is single-sourced, and the DATASHEET's second-read table matches the writers' review
files. (The DATASHEET's counts of the data are generated blocks: tests/test_numbers.py.)"""

from __future__ import annotations

import re
from pathlib import Path

from conftest import ROOT

import alignbench
from alignbench.dataset.citation import bibtex, read_citation


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
