"""The LaTeX tables compile with pdflatex in a 10 pt one-column article, with no overfull box.

Skipped, saying why, where ``pdflatex`` or ``booktabs.sty`` is missing (``.ci/run`` installs Debian's
``texlive-latex-base`` and ``texlive-latex-recommended``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from alignbench.cli import main

DOCUMENT = "\\documentclass[10pt]{article}\n\\usepackage{booktabs}\n\\begin{document}\n%s\n\\end{document}\n"


def pdflatex() -> str:
    """The pdflatex binary, or skip the test saying why."""
    found = shutil.which("pdflatex")
    if not found:
        pytest.skip("pdflatex not found: apt-get install texlive-latex-base texlive-latex-recommended")
    kpsewhich = shutil.which("kpsewhich")
    if kpsewhich and subprocess.run([kpsewhich, "booktabs.sty"], capture_output=True).returncode != 0:
        pytest.skip("booktabs.sty not found: apt-get install texlive-latex-recommended")
    return found


def compile_tex(folder: Path, name: str, body: str) -> str:
    """Compile ``body`` in a one-column 10 pt article; return the log. Fails on an error."""
    tex = folder / f"{name}.tex"
    tex.write_text(DOCUMENT % body, encoding="utf-8")
    done = subprocess.run(
        [pdflatex(), "-interaction=nonstopmode", "-halt-on-error", tex.name],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    log = (folder / f"{name}.log").read_text(encoding="utf-8", errors="replace")
    assert done.returncode == 0, f"{name}: pdflatex failed:\n" + "\n".join(log.splitlines()[-30:])
    return log


def overfull(log: str) -> list[str]:
    """The overfull-box warnings of a log (``Overfull \\hbox (12.3pt too wide) ...``)."""
    return [line for line in log.splitlines() if line.startswith(("Overfull \\hbox", "Overfull \\vbox"))]


def _run(args: list[str], out: Path) -> str:
    assert main([*args, "-o", str(out)]) == 0
    return out.read_text(encoding="utf-8")


@pytest.mark.parametrize("ci", ["below", "inline", "none"])
def test_leaderboard_and_one_system_tables_fit_one_column(tmp_path, ci):
    pdflatex()
    fast = ["--resamples", "50", "--format", "latex", "--ci", ci]
    tables = {
        "board": _run(["eval", "--baselines", *fast], tmp_path / "board.tex"),
        "fuzzy": _run(["eval", "--aligner", "fuzzy", "--per-pair", *fast], tmp_path / "fuzzy.tex"),
    }
    assert main(["run", "tfidf", "-o", str(tmp_path / "tfidf.jsonl")]) == 0
    tables["file"] = _run(["eval", "--predictions", str(tmp_path / "tfidf.jsonl"), *fast], tmp_path / "file.tex")
    for name, body in tables.items():
        latex = "\n".join(line for line in body.splitlines() if not line.startswith("%"))
        assert "†" not in latex and "`" not in latex, name  # one mark, $^\dagger$; no Markdown in LaTeX
        log = compile_tex(tmp_path, f"{name}-{ci}", body)
        assert overfull(log) == [], f"{name} (--ci {ci}): {overfull(log)}"
    file_table = tables["file"]
    assert "\\caption{tfidf on alignbench" in file_table and "tfidf.jsonl on" not in file_table
    assert "threshold None" not in file_table and "% decisions: decisions are the labels" in file_table
    assert file_table.count("\\label{tab:tfidf-test}") == 1


def test_compare_table_and_escaped_names_compile(tmp_path):
    pdflatex()
    evil = "a_b&c%d$e#f{g}~h^i\\j<k>|l"
    reports = []
    for name, extra in (("fuzzy", []), ("tfidf", ["--system", evil])):
        out = tmp_path / f"{name}.json"
        assert main(["eval", "--aligner", name, *extra, "--resamples", "50", "--format", "json", "-o", str(out)]) == 0
        reports.append(str(out))
    for ci in ("below", "inline", "none"):
        body = _run(["compare", *reports, "--format", "latex", "--ci", ci], tmp_path / f"cmp-{ci}.tex")
        assert overfull(compile_tex(tmp_path, f"cmp-{ci}", body)) == [], ci
    body = _run(
        ["eval", "--aligner", "tfidf", "--system", evil, "--format", "latex", "--caption", "50% of {it} & more"],
        tmp_path / "evil.tex",
    )
    assert "\\caption{50\\% of \\{it\\} \\& more}" in body and "\\label{tab:a-b-c-d-e-f-g-h-i-j-k-l-test}" in body
    log = compile_tex(tmp_path, "evil", body)
    assert overfull(log) == []


def test_diagnostic_leaderboard_fits_and_its_tag_tables_compile(tmp_path):
    """The main board of the diagnostic split fits one column; its per-tag tables (one column per
    system) compile but are wider, as the README says."""
    pdflatex()
    body = _run(
        ["eval", "--baselines", "--split", "diagnostic", "--resamples", "20", "--format", "latex"], tmp_path / "d.tex"
    )
    first = body[: body.index("\\end{table}") + len("\\end{table}")]
    assert overfull(compile_tex(tmp_path, "diagnostic-board", first)) == []
    tags = compile_tex(tmp_path, "diagnostic-all", body.replace("\\begin{table}[t]", "\\begin{table}[p]"))
    assert "LaTeX Error" not in tags
    assert re.search(r"\\label\{tab:leaderboard-diagnostic-tags-", body)


def test_latex_flags_need_latex_and_a_usable_label(capsys):
    assert main(["eval", "--aligner", "fuzzy", "--ci", "none"]) == 2
    assert "--ci applies only with --format latex" in capsys.readouterr().err
    assert main(["eval", "--aligner", "fuzzy", "--format", "latex", "--label", "tab:{x}"]) == 2
    assert "--label 'tab:{x}': use letters, digits and" in capsys.readouterr().err
