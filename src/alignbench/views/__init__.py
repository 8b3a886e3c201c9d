"""Views of results: report formats (table, JSON, LaTeX, ...) and the LaTeX escaping they share
(the LaTeX tables themselves: :mod:`alignbench.views.latex`).

The names of the formats live here, free of NumPy, because the command line needs them to build
its parser and ``alignbench --help`` must not import the scoring code.
"""

#: Output formats of reports and leaderboards.
FORMATS = ("table", "json", "markdown", "latex", "csv")
#: How LaTeX tables show confidence intervals (:mod:`alignbench.views.latex`); ``below`` is the default.
CI_MODES = ("below", "inline", "none")


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
        "<": r"\textless{}",  # in the default OT1 encoding a bare < > | print as other glyphs
        ">": r"\textgreater{}",
        "|": r"\textbar{}",
    }
    return "".join(table.get(ch, ch) for ch in text)
