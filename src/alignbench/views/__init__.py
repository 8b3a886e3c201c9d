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
