"""Views of results: report formats (table, JSON, LaTeX, ...)."""
