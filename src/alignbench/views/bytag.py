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
from alignbench.views import latex_escape
from alignbench.views.latex import Num, ci_sentence, dagger_sentence, slug, table

#: Mark of a cell resting on fewer than the minimum number of items (as the leaderboard's).
MARK = "†"
_SUPPORT_TITLES = {
    "sure_links": "sure links",
    "gold_links": "gold links",
    "predicted_contradictions": "predicted contradictions",
    "contradictions": "gold contradictions",
}


def tag_num(report: Report, tag: str, name: str, minimum: int = MIN_SUPPORT) -> Num:
    """One per-tag measure as a number cell (value None where undefined), marked when too few."""
    entry = (report.by_tag or {}).get("tags", {}).get(tag)
    if entry is None or name not in entry["metrics"]:
        return Num(None)
    return Num(entry["metrics"][name], entry["ci"].get(name), entry["supports"][TAG_METRICS[name]] < minimum)


def tag_cell(report: Report, tag: str, name: str, minimum: int = MIN_SUPPORT) -> str:
    """``value [low, high]`` of one per-tag measure, ``-`` where undefined, marked when too few."""
    num = tag_num(report, tag, name, minimum)
    if num.value is None:
        return "-"
    text = f"{num.value:.3f}" + (f" [{num.ci[0]:.3f}, {num.ci[1]:.3f}]" if num.ci else "")
    return text + (f" {MARK}" if num.few else "")


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


def report_tag_lines(report: Report, fmt: str, *, ci: str = "below", label: str | None = None) -> list[str]:
    """The per-tag section of one report in ``table``, ``markdown`` or ``latex`` (empty without one)."""
    if not report.by_tag:
        return []
    tags = list(report.by_tag["tags"])
    head = ["tag", "clusters", "gold", "sure", "contra", *(TAG_METRIC_TITLES[n] for n in TAG_METRICS)]
    if fmt == "latex":
        rows_tex: list[list[str | Num]] = []
        for tag in tags:
            sup = report.by_tag["tags"][tag]["supports"]
            counts = [str(sup[k]) for k in ("clusters", "gold_links", "sure_links", "contradictions")]
            rows_tex.append([tag, *counts, *(tag_num(report, tag, n) for n in TAG_METRICS)])
        return _latex(head, rows_tex, "Per phenomenon tag.", report, ci, label)
    rows = []
    for tag in tags:
        sup = report.by_tag["tags"][tag]["supports"]
        counts = [str(sup[k]) for k in ("clusters", "gold_links", "sure_links", "contradictions")]
        rows.append([tag, *counts, *(tag_cell(report, tag, n) for n in TAG_METRICS)])
    return _grid(head, rows, fmt, tag_note(report), numeric_from=1)


def _latex(
    head: list[str], rows: list[list[str | Num]], title: str, report: Report, ci: str, label: str | None
) -> list[str]:
    """A per-tag table in LaTeX: a short caption, the note on what the measures are as a comment."""
    marked = any(isinstance(x, Num) and x.few for row in rows for x in row)
    caption = " ".join(x for x in (title, ci_sentence(ci), dagger_sentence(MIN_SUPPORT) if marked else "") if x)
    return table(
        head, rows, "l" + "r" * (len(head) - 1), caption=caption, label=label, comments=[tag_note(report)], ci=ci
    )


def _grid(head: list[str], rows: list[list[str]], fmt: str, note: str, numeric_from: int) -> list[str]:
    """A table in ``table`` (aligned) or ``markdown`` with its note under it."""
    if fmt == "markdown":
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * numeric_from + "---:|" * (len(head) - numeric_from)]
        return [*lines, *("| " + " | ".join(row) + " |" for row in rows), "", note]
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


def leaderboard_tag_text(reports: list[Report], fmt: str, *, ci: str = "below", label: str | None = None) -> str:
    """Per-tag tables of the leaderboard (``reports`` in board order): one table per measure, a row
    per tag, a column per system. Empty when the reports have no breakdown."""
    tagged = [r for r in reports if r.by_tag]
    if not tagged:
        return ""
    if fmt == "latex":
        return "\n\n".join("\n".join(part) for part in _latex_tag_boards(tagged, ci, label)) + "\n"
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


def _latex_tag_boards(tagged: list[Report], ci: str, label: str | None) -> list[list[str]]:
    """One LaTeX table per per-tag measure: a row per tag, a column per system."""
    tags = list(tagged[0].by_tag["tags"])
    systems = [str(r.system["name"]) for r in tagged]
    tables = []
    for name in TAG_METRICS:
        support = TAG_METRICS[name]
        count_key = support if support != "predicted_contradictions" else "gold_links"
        head = ["Tag", _SUPPORT_TITLES[count_key], *systems]
        rows: list[list[str | Num]] = []
        for tag in tags:
            sup = tagged[0].by_tag["tags"][tag]["supports"]
            rows.append([tag, str(sup[count_key]), *(tag_num(r, tag, name) for r in tagged)])
        title = f"{latex_escape(TAG_METRIC_TITLES[name])} by phenomenon tag."
        tables.append(_latex(head, rows, title, tagged[0], ci, label and f"{label}-{slug(name)}"))
    return tables
