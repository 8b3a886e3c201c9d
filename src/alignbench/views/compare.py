"""``alignbench compare`` rendered: a :class:`~alignbench.scoring.compare.Comparison` as a terminal
table, JSON, Markdown, LaTeX or CSV, with p-values written the way a paper prints them."""

from __future__ import annotations

import csv
import io
import json
import math
from fractions import Fraction
from typing import Any

from alignbench.records import DataError, printable
from alignbench.scoring.bootstrap import p_value
from alignbench.scoring.comparison import Comparison
from alignbench.scoring.subset import split_phrase, subset_label
from alignbench.views import FORMATS, latex_escape
from alignbench.views.latex import Num, Tex, caption_text, ci_sentence, slug, table

P_NOTE = (
    "p: two-sided, (k+1)/(B+1) for k of B resampled differences at least as far from B-A as B-A is from 0; "
    "when k = 0, the bound 1/(B+1) rounded up (p<0.001 for B = 1000)."
)


def format_p(extreme: int, defined: int) -> str:
    """``p=0.032``; when no resample is as extreme (k = 0) the bound it is: ``p<0.001`` for 1000
    resamples (p = 1/(B+1) says only that p is at most about that)."""
    if defined == 0:
        return "p=n/a"
    p = p_value(extreme, defined)
    if extreme == 0:
        bound = Fraction(1, defined + 1)
        exponent = 0
        while Fraction(10) ** exponent > bound:
            exponent -= 1
        digit = math.ceil(bound / Fraction(10) ** exponent)  # one significant digit, rounded up
        if digit == 10:
            digit, exponent = 1, exponent + 1
        nice = digit * Fraction(10) ** exponent
        return f"p{'<' if nice > bound else '<='}{float(nice):.{-exponent}f}"
    return f"p={p:.3f}" if p >= 0.001 else f"p={p:.1e}"


def _p_cell(row: dict[str, Any]) -> str:
    return "too few to test" if row["too_few"] else format_p(row["extreme"], row["defined"])


def _interval(row: dict[str, Any]) -> str:
    if row["ci_low"] is None:
        return "[undefined]"
    return f"[{row['ci_low']:+.3f}, {row['ci_high']:+.3f}]"


def _header(c: Comparison) -> str:
    boot = c.bootstrap
    return printable(
        f"A = {c.a.get('name')}, B = {c.b.get('name')}; {subset_label(c.dataset)}, dataset "
        f"{c.dataset.get('dataset_version')} (sources sha256 {str(c.dataset.get('source_sha256'))[:12]}...); "
        f"paired percentile bootstrap, {boot['resamples']} resamples of {boot['n_units']} {boot['unit']}s, seed {boot['seed']}"
    )


def _notes(c: Comparison) -> list[str]:
    few = [f"{r['metric']} ({r['support']})" for r in c.rows if r["too_few"]]
    notes = [P_NOTE]
    if few:
        notes.append(
            f"too few to test: {', '.join(few)}: fewer than {c.rows[0]['min_support']} gold items behind the metric "
            "(in parentheses); no p-value, and the interval says little."
        )
    notes += [f"{metric} not compared: {why}." for metric, why in c.not_compared.items()]
    return notes


def format_comparison(
    c: Comparison, fmt: str = "table", *, ci: str = "below", caption: str | None = None, label: str | None = None
) -> str:
    """The comparison in one of ``FORMATS`` (``ci``, ``caption`` and ``label``: LaTeX only)."""
    if fmt == "json":
        return json.dumps(c.to_dict(), indent=1, ensure_ascii=False) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        keys = ["metric", "a", "b", "delta", "ci_low", "ci_high", "p", "extreme", "defined", "support", "too_few"]
        writer.writerow(keys)
        for r in c.rows:
            writer.writerow(["" if r[k] is None else repr(r[k]) if isinstance(r[k], float) else r[k] for k in keys])
        return out.getvalue()
    if fmt == "table":
        lines = [_header(c), f"{'metric':<26} {'A':>6} {'B':>6} {'B-A':>7}  95% CI of B-A     p"]
        for r in c.rows:
            line = f"{r['metric']:<26} {r['a']:>6.3f} {r['b']:>6.3f} {r['delta']:>+7.3f}  {_interval(r)}"
            lines.append(f"{line}  {_p_cell(r)}")
        return "\n".join(lines + _notes(c)) + "\n"
    if fmt == "markdown":
        lines = [f"<!-- {_header(c).replace('--', '- -')} -->", ""]
        lines += ["| metric | A | B | B-A | 95% CI of B-A | p |", "|---|---:|---:|---:|---|---|"]
        lines += [
            f"| `{r['metric']}` | {r['a']:.3f} | {r['b']:.3f} | {r['delta']:+.3f} | {_interval(r)} | {_p_cell(r)} |"
            for r in c.rows
        ]
        return "\n".join([*lines, "", *_notes(c)]) + "\n"
    if fmt == "latex":
        return "\n".join(_latex(c, ci, caption, label)) + "\n"
    raise DataError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")


def _latex(c: Comparison, ci: str, caption: str | None, label: str | None) -> list[str]:
    """Metric, A, B, B-A (with its interval by ``ci``), p; the provenance and notes as comments."""
    delta_title = Tex("B$-$A")
    head: list[str | tuple[str, ...]] = ["Metric", "A", "B", delta_title, "p"]
    align = "lrrrl"
    if ci == "below":  # one metric per row: the interval gets a column of its own
        head, align = ["Metric", "A", "B", delta_title, Tex("95\\% CI of B$-$A"), "p"], "lrrrll"
    rows: list[list[str | Num]] = []
    for r in c.rows:
        interval = None if r["ci_low"] is None else (r["ci_low"], r["ci_high"])
        p = "too few" if r["too_few"] else _latex_p(r)
        delta = Num(r["delta"], interval if ci == "inline" else None, signed=True)
        cells: list[str | Num] = [r["metric"], Num(r["a"]), Num(r["b"]), delta]
        if ci == "below":
            cells.append(Tex("-") if interval is None else Tex(f"[${interval[0]:+.3f}$, ${interval[1]:+.3f}$]"))
        rows.append([*cells, p])
    name_a, name_b = (latex_escape(printable(str(x.get("name")))) for x in (c.a, c.b))
    where = latex_escape(printable(split_phrase(c.dataset)))
    default = " ".join(
        x
        for x in (
            f"B = {name_b} against A = {name_a} ({where}): paired bootstrap, two-sided p.",
            ci_sentence(ci) if ci == "inline" else "",
        )
        if x
    )
    label = label if label is not None else f"tab:compare-{slug(str(c.a.get('name')))}-{slug(str(c.b.get('name')))}"
    return table(
        head, rows, align, caption=caption_text(caption, default), label=label, comments=[_header(c), *_notes(c)], ci=ci
    )


def _latex_p(row: dict[str, Any]) -> Tex:
    """The p cell: ``p<0.001`` as ``$<$0.001``, ``p<=0.01`` as ``$\\leq$0.01``, ``p=0.032`` as ``0.032``."""
    text = format_p(row["extreme"], row["defined"])
    for prefix, tex in (("p<=", "$\\leq$"), ("p<", "$<$"), ("p=", "")):
        if text.startswith(prefix):
            return Tex(tex + text[len(prefix) :])
    return Tex(latex_escape(text))
