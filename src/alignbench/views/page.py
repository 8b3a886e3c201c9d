"""The error-analysis page of ``alignbench explain``: one self-contained HTML file.

Jinja2 (autoescaping on) writes the static parts, the report and the precision-recall curve; the
article view is rendered in the browser from the data embedded as JSON in a
``<script type="application/json">`` block, one article pair at a time. CSS, JavaScript and the
curve (an SVG data URI) are inlined; a Content-Security-Policy forbids every network request.
Jinja2 and matplotlib come with the ``explain`` extra and are imported here only.
"""

from __future__ import annotations

import base64
import json
from importlib import resources
from typing import Any

from alignbench._version import __version__
from alignbench.records import LABELS, DataError
from alignbench.scoring.report import Report
from alignbench.views.formats import header_lines, metric_rows

#: The packages of the ``explain`` extra, by import name.
EXTRA_MODULES = ("jinja2", "matplotlib")
OUTCOME_TITLES = {
    "correct": "correct link + relation",
    "wrong_relation": "correct link, wrong relation",
    "false": "false link",
    "missed": "missed sure link",
    "found_possible": "found possible link",
    "missed_possible": "missed possible link",
}

#: Characters written as JSON escapes inside a script block (each is legal JSON either way).
_SCRIPT_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def require_extra() -> None:
    """Fail with one line naming the extra if Jinja2 or matplotlib is missing."""
    import importlib.util

    missing = [name for name in EXTRA_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        raise DataError(
            f"explain needs the optional extra 'explain' ({', '.join(missing)} not installed): "
            "pip install 'alignbench[explain]'"
        )


def script_json(data: Any) -> str:
    """``data`` as JSON that is safe inside a ``<script>`` element: no ``<``, ``>`` or ``&`` appear raw
    (so neither ``</script>`` nor ``<!--`` can end or change the block), nor U+2028/U+2029."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, escaped in _SCRIPT_ESCAPES:
        text = text.replace(raw, escaped)  # outside strings JSON has none of these characters
    return text


def _asset(name: str) -> str:
    return (resources.files("alignbench.views") / "explain_assets" / name).read_text(encoding="utf-8")


def _report_context(reports: list[Report]) -> dict[str, Any]:
    """The report tables for the template; with two reports, the cells that differ are flagged."""
    rows = [metric_rows(r) for r in reports]
    by_name = [{name: (value, ci, note) for name, value, ci, note in rs} for rs in rows]
    metric_table = []
    for name, *_ in rows[0]:
        cells = [{"value": b.get(name, ("-", "", ""))[0], "ci": b.get(name, ("-", "", ""))[1]} for b in by_name]
        notes = "; ".join(dict.fromkeys(b[name][2] for b in by_name if name in b and b[name][2]))
        differs = len(reports) > 1 and len({c["value"] for c in cells}) > 1
        metric_table.append({"name": name, "cells": cells, "note": notes, "differs": differs})
    confusions = []
    for r in reports:
        matrix = []
        for i, row in enumerate(r.confusion):
            others = [o.confusion[i] for o in reports]
            matrix.append(
                [{"value": v, "diag": i == j, "differs": len({o[j] for o in others}) > 1} for j, v in enumerate(row)]
            )
        confusions.append(matrix)
    support_names = list(dict.fromkeys(k for r in reports for k in r.supports))
    supports = []
    for name in support_names:
        values = [r.supports.get(name, "-") for r in reports]
        supports.append({"name": name, "counts": values, "differs": len(set(values)) > 1})
    return {
        "reports": [
            {"name": str(r.system.get("name")), "provenance": header_lines(r), "confusion": confusions[i]}
            for i, r in enumerate(reports)
        ],
        "metric_rows": metric_table,
        "support_rows": supports,
    }


def render_page(data: dict[str, Any], reports: list[Report], curve_svg: bytes, split: str) -> str:
    """The whole page as HTML text: ``data`` from :func:`~alignbench.runs.explain_data.explain_data`."""
    import jinja2

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    template = env.from_string(_asset("page.html.j2"))
    return template.render(
        systems=data["systems"],
        split=split,
        n_pairs=len(data["pairs"]),
        n_claims=len(data["claims"]["id"]),
        n_links=len(data["links"]["a"]),
        outcomes=data["outcomes"],
        outcome_titles=OUTCOME_TITLES,
        relations=data["relations"],
        labels=list(LABELS),
        tags=data["tags"],
        version=__version__,
        curve_b64=base64.b64encode(curve_svg).decode("ascii"),
        # our own files, and JSON escaped for a script block: the template marks them |safe
        css=_asset("page.css"),
        js=_asset("page.js"),
        data_json=script_json(data),
        **_report_context(reports),
    )
