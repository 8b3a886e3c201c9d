"""Views of results: report formats (table, JSON, LaTeX, ...) and the LaTeX escaping they share.

The names of the formats live here, free of NumPy, because the command line needs them to build
its parser and ``alignbench --help`` must not import the scoring code.
"""

#: Output formats of reports and leaderboards.
FORMATS = ("table", "json", "markdown", "latex", "csv")


def latex_escape(text: str) -> str:
    """Escape LaTeX special characters so that names like ``link.F1`` or ``a_b`` compile."""
    table = {
        "\\": r"\textbackslash{}",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "{": r"\{",
        "}": r"\}",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
    return "".join(table.get(ch, ch) for ch in text)


def latex_table(head: list[str], rows: list[list[str]], align: str, caption: str) -> list[str]:
    """The lines of a booktabs ``table`` float: ``head`` and ``rows`` (plain text, escaped here), the
    column ``align`` spec (e.g. ``"lrr"``) and a plain-text ``caption``."""
    return [
        "\\begin{table}[t]",
        "\\centering",
        "\\begin{tabular}{" + align + "}",
        "\\toprule",
        " & ".join(latex_escape(h) for h in head) + " \\\\",
        "\\midrule",
        *(" & ".join(latex_escape(x) for x in row) + " \\\\" for row in rows),
        "\\bottomrule",
        "\\end{tabular}",
        f"\\caption{{{latex_escape(caption)}}}",
        "\\end{table}",
    ]
