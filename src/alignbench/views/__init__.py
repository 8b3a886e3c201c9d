"""Views of results: report formats (table, JSON, LaTeX, ...).

The names of the formats live here, free of NumPy, because the command line needs them to build
its parser and ``alignbench --help`` must not import the scoring code.
"""

#: Output formats of reports and leaderboards.
FORMATS = ("table", "json", "markdown", "latex", "csv")
