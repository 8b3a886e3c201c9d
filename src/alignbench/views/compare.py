"""``alignbench compare`` rendered: the rows of :func:`alignbench.scoring.compare.compare` as a
terminal table, with p-values written the way a paper prints them."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from alignbench.records import printable
from alignbench.scoring.bootstrap import p_value
from alignbench.scoring.report import Report


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


def format_comparison(a: Report, b: Report, rows: list[dict[str, Any]]) -> str:
    """A terminal table of :func:`compare` rows, with notes on p-values and untestable metrics."""
    name_a, name_b = (printable(str(r.system.get("name"))) for r in (a, b))
    boot = a.bootstrap
    lines = [
        printable(
            f"A = {name_a}, B = {name_b}; paired percentile bootstrap, "
            f"{boot['resamples']} resamples of {len(a.units)} {boot['unit']}s, seed {boot['seed']}"
        ),
        f"{'metric':<26} {'A':>6} {'B':>6} {'B-A':>7}  95% CI of B-A     p",
    ]
    few = []
    for r in rows:
        line = f"{r['metric']:<26} {r['a']:>6.3f} {r['b']:>6.3f} {r['delta']:>+7.3f}  [{r['ci_low']:+.3f}, {r['ci_high']:+.3f}]"
        if r["too_few"]:
            few.append(f"{r['metric']} ({r['support']})")
            lines.append(f"{line}  too few to test")
        else:
            lines.append(f"{line}  {format_p(r['extreme'], r['defined'])}")
    lines.append(
        "p: two-sided, (k+1)/(B+1) for k of B resampled differences at least as far from B-A as B-A is from 0; "
        "when k = 0, the bound 1/(B+1) rounded up (p<0.001 for B = 1000)."
    )
    if few:
        lines.append(
            f"too few to test: {', '.join(few)}: fewer than {rows[0]['min_support']} gold items behind the metric "
            "(in parentheses); no p-value, and the interval says little."
        )
    lines.append("rank.AP is not compared: it is not decomposable by resampling unit.")
    return "\n".join(lines) + "\n"
