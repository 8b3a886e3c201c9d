"""The breakdown by phenomenon tag in every report format, for one report and for the leaderboard.

The values come from a report's ``by_tag`` block (:mod:`alignbench.scoring.bytag`); only these
functions round. A cell whose measure rests on fewer than the minimum gold items (or, for the
contradiction precision, fewer predicted contradictions) is marked, as the report's own metrics are.
"""

from __future__ import annotations

from typing import Any

from alignbench.scoring.bytag import TAG_METRIC_TITLES, TAG_METRICS
from alignbench.scoring.metrics import MIN_SUPPORT
from alignbench.scoring.report import Report
from alignbench.views import latex_table

#: Mark of a cell resting on fewer than the minimum number of items (as the leaderboard's).
MARK = "†"
_SUPPORT_TITLES = {
    "sure_links": "sure links",
    "gold_links": "gold links",
    "predicted_contradictions": "predicted contradictions",
    "contradictions": "gold contradictions",
}


def tag_cell(report: Report, tag: str, name: str, minimum: int = MIN_SUPPORT) -> str:
    """``value [low, high]`` of one per-tag measure, ``-`` where undefined, marked when too few."""
    entry = (report.by_tag or {}).get("tags", {}).get(tag)
    if entry is None or name not in entry["metrics"]:
        return "-"
    ci = entry["ci"].get(name)
    text = f"{entry['metrics'][name]:.3f}" + (f" [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "")
    return text + (f" {MARK}" if entry["supports"][TAG_METRICS[name]] < minimum else "")


def tag_note(report: Report, minimum: int = MIN_SUPPORT) -> str:
    """What the per-tag tables measure and how their intervals were drawn, in one sentence."""
    block = report.by_tag or {}
    return (
        f"Per phenomenon tag: each measure on the gold links carrying the tag only (a link with several tags "
        f"counts under each); contradiction precision is over the tagged gold links labelled contradiction, so "
        f"predicted contradictions on unlinked pairs are not in it. 95% percentile bootstrap CIs over "
        f"{block.get('n_units')} {block.get('unit')}s ({block.get('resamples')} resamples, seed {block.get('seed')}). "
        f"{MARK} fewer than {minimum} items behind the value (its support); - undefined (no such items)."
    )


def report_tag_lines(report: Report, fmt: str) -> list[str]:
    """The per-tag section of one report in ``table``, ``markdown`` or ``latex`` (empty without one)."""
    if not report.by_tag:
        return []
    tags = list(report.by_tag["tags"])
    head = ["tag", "clusters", "gold", "sure", "contra", *(TAG_METRIC_TITLES[n] for n in TAG_METRICS)]
    rows = []
    for tag in tags:
        sup = report.by_tag["tags"][tag]["supports"]
        counts = [str(sup[k]) for k in ("clusters", "gold_links", "sure_links", "contradictions")]
        rows.append([tag, *counts, *(tag_cell(report, tag, n) for n in TAG_METRICS)])
    return _grid(head, rows, fmt, tag_note(report), numeric_from=1)


def _grid(head: list[str], rows: list[list[str]], fmt: str, note: str, numeric_from: int) -> list[str]:
    """A table in ``table`` (aligned), ``markdown`` or ``latex`` with its note under it."""
    if fmt == "markdown":
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * numeric_from + "---:|" * (len(head) - numeric_from)]
        return [*lines, *("| " + " | ".join(row) + " |" for row in rows), "", note]
    if fmt == "latex":
        return latex_table(head, rows, "l" * numeric_from + "r" * (len(head) - numeric_from), note)
    widths = [max(len(x) for x in col) for col in zip(head, *rows, strict=True)]
    lines = ["  ".join(x.ljust(w) for x, w in zip(head, widths, strict=True)).rstrip()]
    lines += ["  ".join(x.ljust(w) for x, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    return [*lines, "", note]


def report_tag_csv_rows(report: Report) -> list[list[Any]]:
    """CSV rows (metric, value, ci_low, ci_high, support, too_few, tag) of the per-tag measures."""
    rows = []
    for tag, entry in (report.by_tag or {}).get("tags", {}).items():
        for name in TAG_METRICS:
            if name in entry["metrics"]:
                lo_hi = entry["ci"].get(name, ["", ""])
                support = entry["supports"][TAG_METRICS[name]]
                rows.append(
                    [name, repr(entry["metrics"][name]), *lo_hi, support, str(support < MIN_SUPPORT).lower(), tag]
                )
    return rows


def leaderboard_tag_text(reports: list[Report], fmt: str) -> str:
    """Per-tag tables of the leaderboard (``reports`` in board order): one table per measure, a row
    per tag, a column per system. Empty when the reports have no breakdown."""
    tagged = [r for r in reports if r.by_tag]
    if not tagged:
        return ""
    tags = list(tagged[0].by_tag["tags"])
    systems = [str(r.system["name"]) for r in tagged]
    parts = []
    for name in TAG_METRICS:
        support = TAG_METRICS[name]
        head = ["Tag", _SUPPORT_TITLES[support], *systems]
        rows = []
        for tag in tags:
            sup = tagged[0].by_tag["tags"][tag]["supports"]
            count = str(sup[support]) if support != "predicted_contradictions" else str(sup["gold_links"])
            rows.append([tag, count, *(tag_cell(r, tag, name) for r in tagged)])
        if support == "predicted_contradictions":
            head[1] = "gold links"
        title = f"{TAG_METRIC_TITLES[name]} (`{name}`) by phenomenon tag"
        if fmt == "markdown":
            parts.append("\n".join([f"### {title}", "", *_grid(head, rows, fmt, "", 1)[:-2]]))
        elif fmt == "latex":
            parts.append("\n".join(_grid(head, rows, fmt, f"{title}.", 1)))
        else:
            parts.append("\n".join([title, *_grid(head, rows, fmt, "", 1)[:-2]]))
    return "\n\n".join(parts) + "\n\n" + tag_note(tagged[0]) + "\n"


def leaderboard_tag_csv_rows(reports: list[Report]) -> list[list[Any]]:
    """CSV rows (system, decoder, threshold, metric, value, ci_low, ci_high, tag) of the per-tag measures."""
    rows = []
    for r in reports:
        head = [r.system["name"], r.system.get("decoder", ""), r.threshold["value"]]
        for metric, value, low, high, *_, tag in report_tag_csv_rows(r):
            rows.append([*head, metric, value, low, high, tag])
    return rows
