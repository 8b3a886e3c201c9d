"""Report formats: a :class:`~alignbench.scoring.report.Report` as a table, JSON, Markdown, LaTeX or
CSV. Only these formatters round; text from the report (names, ids) is made printable and escaped
for the target format.
"""

from __future__ import annotations

import csv
import io
import json

from alignbench.records import LABELS, DataError, printable
from alignbench.scoring.metrics import MIN_SUPPORT, gold_support, metric_names, too_few_to_test
from alignbench.scoring.report import Report
from alignbench.scoring.subset import split_phrase, subset_label
from alignbench.views import FORMATS, latex_escape

__all__ = ["FORMATS", "HEADLINE", "format_report", "latex_escape"]

HEADLINE = ("link.F1", "labeled.F1", "relation.F1@contradiction", "rank.AP")
HEADLINE_TITLES = {
    "link.F1": "Link F1",
    "labeled.F1": "Labeled F1",
    "relation.F1@contradiction": "Contradiction F1",
    "rank.AP": "AP",
}


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _ci(report: Report, name: str) -> str:
    lo_hi = report.ci.get(name)
    return f"[{lo_hi[0]:.3f}, {lo_hi[1]:.3f}]" if lo_hi else ""


def too_few(report: Report) -> tuple[int, dict[str, int]]:
    """The report's minimum gold support and its metrics below it, with their support.

    Reports record both (``bootstrap.min_support``, ``bootstrap.too_few_to_test``); for one that
    does not, they are worked out from its supports with :data:`MIN_SUPPORT`.
    """
    minimum = report.bootstrap.get("min_support", MIN_SUPPORT)
    names = report.bootstrap.get("too_few_to_test")
    if names is None:
        names = too_few_to_test(list(report.metrics), report.supports, minimum)
    return minimum, {name: gold_support(name, report.supports) or 0 for name in names}


def _too_few_note(minimum: int) -> str:
    return (
        f"too few: the metric rests on fewer than {minimum} gold items (the number shown); "
        "its interval says little and compare gives it no p-value"
    )


def _header_lines(report: Report) -> list[str]:
    """The provenance lines of a report, each a single safe line (see :func:`printable`)."""
    return [printable(line) for line in _raw_header_lines(report)]


def _raw_header_lines(report: Report) -> list[str]:
    d, s, t = report.dataset, report.system, report.threshold
    sup = report.supports
    params = json.dumps(s.get("params", {}), sort_keys=True)
    digest = str(d.get("source_sha256", "unknown"))[:12]
    return [
        f"alignbench {report.alignbench_version}, metrics v{report.metric_version}, "
        f"dataset {d.get('dataset_version', 'unknown')} (sources sha256 {digest}...), {subset_label(d)}",
        f"system {s.get('name')} {params}",
        f"threshold {t.get('value')} ({t.get('origin')})"
        if t.get("value") is not None
        else f"decisions: {t.get('origin')}",
        f"supports: {sup.get('article_pairs', 0)} article pairs, {sup.get('candidates', 0)} candidates, "
        f"{sup.get('gold_links', 0)} gold links ({sup.get('sure_links', 0)} sure, {sup.get('possible_links', 0)} possible), "
        f"{sup.get('decided_links', 0)} decided, {sup.get('query_claims', 0)} query claims, "
        f"{sup.get('gold_unique_claims', 0)} gold unique claims",
        f"95% CIs: percentile bootstrap, {report.bootstrap.get('resamples')} resamples of "
        f"{report.bootstrap.get('n_units')} {report.bootstrap.get('unit')}s, seed {report.bootstrap.get('seed')}",
    ]


def _rows(report: Report, names: list[str]) -> list[tuple[str, str, str, str]]:
    """(name, value, CI, note) of the selected metrics; the note says when support is too low."""
    minimum, flagged = too_few(report)
    return [
        (
            name,
            _num(report.metrics.get(name)),
            _ci(report, name),
            f"too few: {flagged[name]} < {minimum}" if name in flagged else "",
        )
        for name in names
        if name in report.metrics
    ]


def _confusion_lines(report: Report) -> list[str]:
    width = max(len(label) for label in LABELS) + 1
    lines = ["confusion (rows: gold, columns: predicted)", " " * width + "".join(f"{x[:8]:>9}" for x in LABELS)]
    for label, row in zip(LABELS, report.confusion, strict=True):
        lines.append(f"{label:<{width}}" + "".join(f"{v:>9}" for v in row))
    return lines


def _html_comment(text: str) -> str:
    """Text that cannot end the HTML comment it is written in."""
    return text.replace("--!>", "--!&gt;").replace("-->", "--&gt;")


def format_report(
    report: Report,
    fmt: str = "table",
    names: list[str] | None = None,
    *,
    ci: str = "below",
    caption: str | None = None,
    label: str | None = None,
) -> str:
    """The report in one of ``FORMATS``; ``names`` selects metric rows (JSON always holds all).

    ``ci``, ``caption`` and ``label`` shape the LaTeX tables (:mod:`alignbench.views.latex`).
    """
    names = names or metric_names()
    if fmt == "json":
        return report.to_json()
    rows = _rows(report, names)
    minimum = too_few(report)[0]
    flagged = any(note for *_, note in rows)
    pair_names = [n for n in HEADLINE if n in names] or names[:4]
    pairs = [
        (printable(str(p["article_pair"])), [_num(p["metrics"].get(n)) for n in pair_names]) for p in report.per_pair
    ]
    if fmt == "table":
        w = max(len(r[0]) for r in rows) if rows else 10
        lines = [*_header_lines(report), "", f"{'metric':<{w}}  {'value':>6}  95% CI"]
        lines += [f"{n:<{w}}  {v:>6}  {c}{f' ({note})' if note else ''}".rstrip() for n, v, c, note in rows]
        lines += [_too_few_note(minimum)] * flagged
        lines += ["", *_confusion_lines(report)]
        if report.per_pair:
            lines += ["", "per article pair: " + ", ".join(pair_names)]
            lines += [f"{pair}: " + ", ".join(values) for pair, values in pairs]
        return "\n".join(lines + _tag_section(report, fmt)) + "\n"
    if fmt == "markdown":
        lines = [f"<!-- {_html_comment(line)} -->" for line in _header_lines(report)]
        lines += ["", "| metric | value | 95% CI |", "|---|---:|---|"]
        lines += [f"| `{n}` | {v} | {c}" + (f" ({note})" if note else "") + " |" for n, v, c, note in rows]
        lines += ["", _too_few_note(minimum)] * flagged
        if report.per_pair:
            lines += ["", "| article pair | " + " | ".join(f"`{n}`" for n in pair_names) + " |"]
            lines += ["|---|" + "---:|" * len(pair_names)]
            lines += [f"| {pair} | " + " | ".join(values) + " |" for pair, values in pairs]
        return "\n".join(lines + _tag_section(report, fmt)) + "\n"
    if fmt == "latex":
        lines = _report_latex(report, names, pair_names, ci=ci, caption=caption, label=label)
        return "\n".join(lines + _tag_section(report, fmt, ci=ci, label=label)) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        tag_column = [] if report.by_tag is None else ["tag"]  # only in reports with a breakdown by tag
        header = ["article_pair", "metric", "value", "ci_low", "ci_high", "gold_support", "too_few_to_test"]
        writer.writerow(header + tag_column)
        few = too_few(report)[1]
        for name in names:
            if name in report.metrics:
                lo_hi = report.ci.get(name, ["", ""])
                support = gold_support(name, report.supports)
                row = ["all", name, repr(report.metrics[name]), *lo_hi, support, str(name in few).lower()]
                writer.writerow(row + [""] * len(tag_column))
        for p in report.per_pair:
            pair_few = too_few_to_test(list(p["metrics"]), p["supports"], minimum)
            for name in names:
                if name in p["metrics"]:
                    support = gold_support(name, p["supports"])
                    row = [p["article_pair"], name, repr(p["metrics"][name]), "", "", support]
                    writer.writerow([*row, str(name in pair_few).lower()] + [""] * len(tag_column))
        if report.by_tag is not None:
            from alignbench.views.bytag import report_tag_csv_rows

            writer.writerows(["all", *row] for row in report_tag_csv_rows(report))
        return out.getvalue()
    raise DataError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")


def _tag_section(report: Report, fmt: str, *, ci: str = "below", label: str | None = None) -> list[str]:
    """The breakdown by phenomenon tag (:mod:`alignbench.views.bytag`) after a blank line, if any."""
    if not report.by_tag:
        return []
    from alignbench.views.bytag import report_tag_lines

    title = {"markdown": ["### By phenomenon tag", ""], "latex": []}.get(fmt, ["by phenomenon tag"])
    return ["", *title, *report_tag_lines(report, fmt, ci=ci, label=label and f"{label}-tags")]


def dataset_name(report: Report) -> str:
    """The data a report scored, as a caption names it: ``alignbench 0.2.0``, or an import's subset."""
    d = report.dataset
    if d.get("source_format") == "ists2016":
        return f"iSTS-2016 {d.get('subset', '')}".strip()
    return f"alignbench {d.get('dataset_version', report.alignbench_version)}"


def _report_latex(
    report: Report, names: list[str], pair_names: list[str], *, ci: str, caption: str | None, label: str | None
) -> list[str]:
    """The one-system table (a row per metric) and, with per-pair rows, a second table."""
    from alignbench.views.latex import Num, caption_text, ci_sentence, dagger_sentence, slug, table

    minimum, few = too_few(report)
    system = printable(str(report.system.get("name")))
    split = printable(str(report.dataset.get("split")))
    where = latex_escape(printable(split_phrase(report.dataset)))
    selected = [n for n in names if n in report.metrics]
    label = label if label is not None else f"tab:{slug(system)}-{slug(split)}"
    if ci == "below":  # one metric per row: the interval gets a column of its own
        head: list[str | tuple[str, ...]] = ["Metric", "Value", "95% CI"]
        rows: list[list[str | Num]] = [[n, Num(report.metrics[n], None, n in few), _ci(report, n)] for n in selected]
    else:
        head = ["Metric", "Value"]
        rows = [[n, Num(report.metrics[n], report.ci.get(n), n in few)] for n in selected]
    note = " ".join(
        x
        for x in (
            f"{latex_escape(system)} on {latex_escape(printable(dataset_name(report)))} ({where}).",
            ci_sentence(ci) if ci == "inline" else "",
            dagger_sentence(minimum) if any(n in few for n in selected) else "",
        )
        if x
    )
    align = "lr" + "l" * (ci == "below")
    lines = table(
        head, rows, align, caption=caption_text(caption, note), label=label, comments=_raw_header_lines(report), ci=ci
    )
    if report.per_pair:
        pair_rows: list[list[str | Num]] = [
            [str(p["article_pair"]), *(Num(p["metrics"].get(n)) for n in pair_names)] for p in report.per_pair
        ]
        pair_caption = f"{latex_escape(system)} per article pair ({where})."
        align = "l" + "r" * len(pair_names)
        lines += [
            "",
            *table(["Article pair", *pair_names], pair_rows, align, caption=pair_caption, label=f"{label}-pairs"),
        ]
    return lines


def header_lines(report: Report) -> list[str]:
    """The report's provenance lines (versions, dataset, system, threshold, supports, CI method), each one safe line."""
    return _header_lines(report)


def metric_rows(report: Report, names: list[str] | None = None) -> list[tuple[str, str, str, str]]:
    """(name, value, CI, note) of the report's metrics, rounded as every format rounds them."""
    return _rows(report, names or metric_names())
