"""``alignbench cite`` prints the installed version's citation from CITATION.cff, the one source, and
CITATION.cff is valid CFF that says what licence covers what."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys

import pytest
import yaml
from conftest import ROOT

import alignbench
from alignbench.cli import main
from alignbench.dataset.citation import bibtex, format_citation, read_citation
from alignbench.dataset.load import dataset_metadata
from alignbench.records import DataError


def cff() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def test_citation_file_is_complete_and_invents_no_url():
    data = cff()
    assert str(data["version"]) == alignbench.__version__
    released = dt.date.fromisoformat(str(data["date-released"]))
    assert released <= dt.date.today()
    assert data["license"] == ["MIT", "CC-BY-4.0"]  # code and annotations; the article texts have none
    preferred = data["preferred-citation"]
    assert preferred["authors"] == data["authors"] == [{"name": "alignbench contributors"}]
    assert str(preferred["version"]) == alignbench.__version__ and preferred["year"] == released.year
    assert "not licensed by alignbench" in preferred["notes"]
    if "url" not in data and "doi" not in data:  # none yet: the README says where they go once published
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        assert "no DOI or URL yet: once published, they go into `CITATION.cff`" in readme


def test_cffconvert_validates_it():
    pytest.importorskip("cffconvert", reason="cffconvert is in the test extra: pip install -e '.[test]'")
    exe = shutil.which("cffconvert", path=str(ROOT / ".venv" / "bin")) or shutil.which("cffconvert")
    command = [exe] if exe else [sys.executable, "-c", "from cffconvert.cli.cli import cli; cli()"]
    done = subprocess.run([*command, "--validate", "-i", str(ROOT / "CITATION.cff")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "valid according to schema version 1.2.0" in done.stdout + done.stderr


def test_cite_prints_version_year_and_data(capsys):
    meta = dataset_metadata()
    year = dt.date.fromisoformat(str(cff()["date-released"])).year
    assert main(["cite"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"@misc{{alignbench-{alignbench.__version__},\n")
    assert "  author       = {{alignbench contributors}},\n" in out  # a group, not "contributors, alignbench"
    assert f"  howpublished = {{Dataset and Python package, version {alignbench.__version__}}},\n" in out
    assert f"  year         = {{{year}}},\n" in out
    assert f"Dataset {meta['dataset_version']}, sources SHA-256 {meta['source_sha256'][:12]}." in out
    assert main(["cite", "--format", "text"]) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"alignbench contributors ({year}). alignbench: A Benchmark")
    assert f"(version {alignbench.__version__})" in text and meta["source_sha256"] in text
    assert main(["cite", "--format", "cff"]) == 0
    again = capsys.readouterr().out
    assert yaml.safe_load(again) == cff() and meta["source_sha256"] in again.splitlines()[0]


def test_plain_bst_prints_the_version_and_a_group_author(tmp_path):
    if not (shutil.which("bibtex") and shutil.which("pdflatex")):
        pytest.skip("bibtex or pdflatex not found: apt-get install texlive-latex-base")
    (tmp_path / "refs.bib").write_text(bibtex(read_citation()), encoding="utf-8")
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\\begin{document}\\nocite{*}\\bibliographystyle{plain}\\bibliography{refs}\\end{document}\n"
    )
    subprocess.run(["pdflatex", "-interaction=nonstopmode", "doc.tex"], cwd=tmp_path, capture_output=True, timeout=120)
    done = subprocess.run(["bibtex", "doc"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "Warning" not in done.stdout, done.stdout
    bbl = " ".join((tmp_path / "doc.bbl").read_text().split())
    assert "{alignbench contributors}. \\newblock {alignbench: A Benchmark for Cross-Source Claim Alignment}." in bbl
    assert f"Dataset and Python package, version {alignbench.__version__}, " in bbl


def test_readme_shows_what_cite_prints():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- citation:start -->\n", 1)[1].split("<!-- citation:end -->", 1)[0]
    assert block == "```bibtex\n" + bibtex(read_citation()) + "```\n", (
        "the README's citation is stale: alignbench eval --baselines --update rewrites it"
    )


def test_a_doi_and_url_are_printed_once_there_and_a_wrong_version_is_refused(tmp_path):
    data = cff()
    data["doi"], data["url"] = "10.0000/example", "https://example.org/alignbench"
    path = tmp_path / "CITATION.cff"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    citation = read_citation(path)
    assert "  doi          = {10.0000/example}" in format_citation(citation, "bibtex")
    assert "DOI: 10.0000/example. URL: https://example.org/alignbench." in format_citation(citation, "text")
    data["version"] = "9.9.9"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(DataError, match=f"version 9.9.9 is not the installed alignbench {alignbench.__version__}"):
        read_citation(path)
