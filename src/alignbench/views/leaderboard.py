"""The leaderboard: the reports of several systems on one split as one table (Markdown, text, LaTeX,
CSV or JSON), with the provenance note under it. Rendering only: the reports come from
:mod:`alignbench.runs.baselines`.
"""

from __future__ import annotations

import csv
import io
import json

from alignbench.records import printable
from alignbench.scoring.report import Report
from alignbench.scoring.subset import split_phrase, subset_label
from alignbench.views import latex_escape
from alignbench.views.bytag import leaderboard_tag_csv_rows, leaderboard_tag_text
from alignbench.views.formats import HEADLINE, HEADLINE_TITLES, dataset_name, too_few
from alignbench.views.latex import Num, caption_text, ci_sentence, dagger_sentence, slug, table

#: Column titles of the LaTeX leaderboard: a tuple is set on one line per item (narrower columns).
LATEX_TITLES: dict[str, str | tuple[str, ...]] = {
    **HEADLINE_TITLES,
    "relation.F1@contradiction": ("Contradiction", "F1"),
}

#: Mark of a leaderboard cell whose metric rests on fewer than the minimum gold items.
TOO_FEW_MARK = "†"


def _cell(report: Report, name: str) -> str:
    if name not in report.metrics:  # e.g. ists.F1Ali asked of a report that is not on an iSTS import
        return "-"
    value = report.metrics[name]
    ci = report.ci.get(name)
    text = f"{value:.3f} [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else f"{value:.3f}"
    return text + (f" {TOO_FEW_MARK}" if name in too_few(report)[1] else "")


def _too_few_footnote(reports: list[Report], names: list[str]) -> str:
    """The footnote of the too-few mark, naming each marked column and its gold support."""
    if not reports:
        return ""
    minimum, few = too_few(reports[0])
    marked = [n for n in names if n in few]
    if not marked:
        return ""
    listed = ", ".join(f"{n} ({few[n]})" for n in marked)
    return (
        f" {TOO_FEW_MARK} too few to test: fewer than {minimum} gold items behind the metric ({listed}); "
        "its interval says little and `alignbench compare` gives it no p-value."
    )


def leaderboard_note(reports: list[Report]) -> str:
    """The provenance sentence printed under every leaderboard."""
    if not reports:
        return ""
    first = reports[0]
    return (
        f"alignbench {first.alignbench_version}, metrics v{first.metric_version}, dataset "
        f"{first.dataset.get('dataset_version')} (sources sha256 {str(first.dataset.get('source_sha256'))[:12]}...), "
        f"{subset_label(first.dataset)}, {first.supports.get('candidates')} candidates, "
        f"{first.supports.get('sure_links')} sure + {first.supports.get('possible_links')} possible gold links. "
        f"95% percentile bootstrap CIs ({first.bootstrap['resamples']} resamples of {first.bootstrap['n_units']} "
        f"{first.bootstrap['unit']}s, seed {first.bootstrap['seed']}). {settings_note(reports)}"
    )


def settings_note(reports: list[Report]) -> str:
    """Where the systems' decision settings come from: fixed a priori, or tuned (``alignbench tune``
    writes a ``threshold_origin`` that starts with "tuned on")."""
    a_priori = "Thresholds fixed a priori in baselines/configs/, not tuned on any split."
    if reports and all(r.system.get("labels") == "system" for r in reports):
        return "Each system decides its links and relations itself: no threshold, nothing tuned."
    tuned: dict[str, list[str]] = {}
    for r in reports:
        origin = str(r.threshold.get("origin") or "")
        if origin.startswith("tuned on "):
            tuned.setdefault(origin, []).append(str(r.system["name"]))
    if not tuned:
        return a_priori
    if sum(map(len, tuned.values())) == len(reports) and len(tuned) == 1:
        return f"Settings (threshold, equivalent_at) {next(iter(tuned))}."
    parts = "; settings of ".join(f"{', '.join(names)} {origin}" for origin, names in tuned.items())
    rest = len(reports) - sum(map(len, tuned.values()))
    return f"Settings of {parts}" + ("; the others' thresholds fixed a priori in their configs." if rest else ".")


def leaderboard(
    reports: list[Report],
    fmt: str = "markdown",
    names: list[str] | None = None,
    tags: bool = True,
    *,
    ci: str = "below",
    caption: str | None = None,
    label: str | None = None,
) -> str:
    """The leaderboard: one row per system, metrics ``names`` (default: the headline ones) with 95%
    CIs, best link F1 first. ``fmt``: markdown, table, latex, csv, or json (the full reports).

    Reports with a breakdown by phenomenon tag add, unless ``tags`` is False, one table per per-tag
    measure after the board (:func:`alignbench.views.bytag.leaderboard_tag_text`); in CSV, rows
    with a ``tag`` column. ``ci``, ``caption`` and ``label`` shape the LaTeX tables
    (:mod:`alignbench.views.latex`; there the decoder and its threshold share a column).
    """
    names = list(names or HEADLINE)
    ordered = sorted(reports, key=lambda r: (-r.metrics["link.F1"], str(r.system["name"])))
    tagged = tags and any(r.by_tag for r in ordered)
    if fmt == "json":
        return json.dumps([r.to_dict() for r in ordered], indent=1, ensure_ascii=False) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["system", "decoder", "threshold", "metric", "value", "ci_low", "ci_high"] + ["tag"] * tagged)
        for r in ordered:
            for name in names:
                ci = r.ci.get(name, ["", ""])
                if name not in r.metrics:
                    continue
                row = [r.system["name"], r.system.get("decoder", ""), r.threshold["value"], name, repr(r.metrics[name])]
                writer.writerow([*row, *ci] + [""] * tagged)
        if tagged:
            writer.writerows(leaderboard_tag_csv_rows(ordered))
        return out.getvalue()
    head = ["System", "Decoder", "Threshold", *(HEADLINE_TITLES.get(n, n) for n in names)]
    rows = [
        [
            str(r.system["name"]),
            str(r.system.get("decoder", "-")),
            "-" if r.threshold["value"] is None else f"{r.threshold['value']}",
            *(_cell(r, n) for n in names),
        ]
        for r in ordered
    ]
    note = leaderboard_note(ordered) + _too_few_footnote(ordered, names)
    if fmt == "latex":
        label = (
            label
            if label is not None
            else f"tab:leaderboard-{slug(str(ordered[0].dataset.get('split')))}"
            if ordered
            else None
        )
        lines = _latex_board(ordered, names, note, ci=ci, caption=caption, label=label)
        if tagged:
            lines += ["", *leaderboard_tag_text(ordered, fmt, ci=ci, label=label and f"{label}-tags").splitlines()]
        return "\n".join(lines) + "\n"
    extra = "\n" + leaderboard_tag_text(ordered, fmt) if tagged else ""
    if fmt == "markdown":
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * 3 + "---:|" * len(names)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines) + "\n\n" + note + "\n" + extra
    widths = [max(len(x) for x in col) for col in zip(head, *rows, strict=True)]
    lines = ["  ".join(x.ljust(w) for x, w in zip(head, widths, strict=True)).rstrip()]
    lines += ["  ".join(x.ljust(w) for x, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    return "\n".join(lines) + "\n\n" + note + "\n" + extra


def _decision(report: Report) -> str:
    """How a system decided its links, in one cell: ``threshold 0.6``, ``mutual 0.5`` or ``system``."""
    decoder = str(report.system.get("decoder", "-"))
    value = report.threshold.get("value")
    return decoder if value is None else f"{decoder} {value}"


def _latex_board(
    ordered: list[Report], names: list[str], note: str, *, ci: str, caption: str | None, label: str | None
) -> list[str]:
    """The LaTeX leaderboard: System, Decoder (with its threshold), the metrics; provenance as comments."""
    head: list[str | tuple[str, ...]] = ["System", "Decoder", *(LATEX_TITLES.get(n, n) for n in names)]
    rows: list[list[str | Num]] = []
    marked = False
    for r in ordered:
        few = too_few(r)[1]
        cells: list[str | Num] = [str(r.system["name"]), _decision(r)]
        for n in names:
            cells.append(Num(r.metrics.get(n), r.ci.get(n), n in few))
            marked = marked or (n in few and n in r.metrics)
        rows.append(cells)
    first = ordered[0] if ordered else None
    where = (
        f"Results on {latex_escape(printable(dataset_name(first)))} ({latex_escape(printable(split_phrase(first.dataset)))})."
        if first
        else "Results."
    )
    minimum = too_few(first)[0] if first else 0
    default = " ".join(x for x in (where, ci_sentence(ci), dagger_sentence(minimum) if marked else "") if x)
    return table(
        head, rows, "ll" + "r" * len(names), caption=caption_text(caption, default), label=label, comments=[note], ci=ci
    )
