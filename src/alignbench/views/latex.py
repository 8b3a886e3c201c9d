"""LaTeX tables for papers: booktabs floats that fit ``\\columnwidth`` of a 10 pt one-column article.

Every LaTeX table of alignbench (a report, the leaderboard, the per-tag tables, a comparison) is
made here, so they share one look and one set of conventions:

- ``\\small`` type, ``\\tabcolsep`` 4 pt, no outer padding on the left; it needs ``booktabs``.
- Confidence intervals by ``ci`` (:data:`alignbench.views.CI_MODES`): ``below`` puts the 95%
  interval in ``\\scriptsize`` under the value (in a report's one-system table, where each metric
  is a row, in a column beside it); ``inline`` writes the distances to the interval's ends as a
  superscript and a subscript of the value, ``0.690^{+0.170}_{-0.227}`` (percentile intervals are
  not symmetric, so this is not a ±); ``none`` leaves them out.
- One mark: ``$^\\dagger$`` after a value resting on fewer than the minimum gold items (too few
  to test), explained in the caption; set in an ``\\rlap`` so that the numbers stay aligned.
- A short caption (``caption`` replaces it; plain text, escaped here) and a ``\\label``; the
  provenance (versions, dataset hash, supports, bootstrap settings) stays in ``%`` comments above.
- Text from reports and the command line is escaped (:func:`alignbench.views.latex_escape`) and
  made one line (:func:`alignbench.records.printable`), so any system name compiles.

``tests/test_latex_compile.py`` compiles the outputs with ``pdflatex`` and fails on an overfull box.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from alignbench.records import UsageError, printable
from alignbench.views import CI_MODES, latex_escape

#: The too-few mark in a cell (zero width: the value keeps its alignment) and in a caption.
DAGGER = "\\rlap{$^\\dagger$}"
DAGGER_NOTE = "$^\\dagger$"
PREAMBLE_NOTE = "% Needs \\usepackage{booktabs} in the preamble."
_LABEL = re.compile(r"^[A-Za-z0-9:._+/-]+$")


class Num(NamedTuple):
    """A number cell: ``value`` (None: ``-``), its interval, whether it rests on too few gold items,
    and whether to write its sign (a difference)."""

    value: float | None
    ci: tuple[float, float] | list[float] | None = None
    few: bool = False
    signed: bool = False


class Tex(str):
    """A cell or title that is LaTeX already (made here from numbers, never from user text): not escaped."""


def check_label(label: str) -> str:
    """A ``\\label`` key: letters, digits and ``: . _ + / -`` only (anything else breaks ``\\ref``)."""
    if not _LABEL.match(label):
        raise UsageError(f"--label {label!r}: use letters, digits and : . _ + / - only (e.g. tab:results)")
    return label


def slug(text: str) -> str:
    """``text`` made safe for a label: runs of other characters become one ``-``."""
    return re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-") or "x"


def number(value: float, signed: bool = False) -> str:
    """A value to three decimals, in math mode when it carries a sign (a real minus)."""
    return f"${value:+.3f}$" if signed else f"{value:.3f}"


def cell(num: Num, ci: str) -> tuple[str, str]:
    """The cell of a number and the cell under it (empty unless ``ci`` is ``below``)."""
    if num.value is None:
        return "-", ""
    mark = DAGGER if num.few else ""
    if ci == "inline" and num.ci:
        up, down = num.ci[1] - num.value, num.value - num.ci[0]
        sign = "+" if num.signed else ""
        mark = DAGGER_NOTE if num.few else ""  # takes its width: an \rlap would run into the scripts' neighbours
        return f"${num.value:{sign}.3f}^{{+{max(up, 0.0):.3f}}}_{{-{max(down, 0.0):.3f}}}${mark}", ""
    below = ""
    if ci == "below" and num.ci:
        low, high = (number(x, num.signed) for x in num.ci)
        below = f"{{\\scriptsize[{low}, {high}]}}"
    return number(num.value, num.signed) + mark, below


def interval(ci: tuple[float, float] | list[float] | None, signed: bool = False) -> str:
    """``[low, high]`` for a column of intervals (empty without one)."""
    return f"[{number(ci[0], signed)}, {number(ci[1], signed)}]" if ci else ""


def _head_cell(title: str | tuple[str, ...], align: str) -> str:
    if isinstance(title, Tex):
        return title
    if isinstance(title, str):
        return latex_escape(title)
    lines = "\\\\".join(latex_escape(t) for t in title)
    return f"\\begin{{tabular}}[b]{{@{{}}{align}@{{}}}}{lines}\\end{{tabular}}"


def ci_sentence(ci: str) -> str:
    """What the caption says of the intervals (LaTeX)."""
    if ci == "below":
        return "Under each value, its 95\\% percentile bootstrap confidence interval."
    if ci == "inline":
        return "Superscripts and subscripts: distances from each value to the ends of its 95\\% percentile bootstrap confidence interval."
    return ""


def dagger_sentence(minimum: int) -> str:
    """What the caption says of the mark (LaTeX)."""
    return f"{DAGGER_NOTE}\\,Fewer than {minimum} gold items behind the value: too few to test."


def table(
    head: list[str | tuple[str, ...]],
    rows: list[list[str | Num]],
    align: str,
    *,
    caption: str,
    label: str | None,
    comments: list[str] = (),  # type: ignore[assignment]
    ci: str = "below",
) -> list[str]:
    """The lines of one table float. ``head`` titles (a tuple: one line each) and text cells are
    plain text, escaped here; ``caption`` is LaTeX (make it with :func:`latex_escape`)."""
    if ci not in CI_MODES:
        raise UsageError(f"unknown --ci {ci!r} (expected one of {', '.join(CI_MODES)})")
    body = []
    for row in rows:
        cells = [
            cell(x, ci) if isinstance(x, Num) else (x, "") if isinstance(x, Tex) else (latex_escape(printable(x)), "")
            for x in row
        ]
        body.append(" & ".join(main for main, _ in cells) + " \\\\")
        if any(under for _, under in cells):
            body.append(" & ".join(under for _, under in cells) + " \\\\")
    lines = [f"% {printable(line)}" for line in comments]
    lines += [
        PREAMBLE_NOTE,
        "\\begin{table}[t]",
        "\\centering",
        "\\small",
        "\\setlength{\\tabcolsep}{4pt}",
        *(["\\renewcommand{\\arraystretch}{1.3}"] if ci == "inline" else []),  # room for the scripts
        f"\\begin{{tabular}}{{@{{}}{align}}}",
        "\\toprule",
        " & ".join(_head_cell(t, a) for t, a in zip(head, align, strict=True)) + " \\\\",
        "\\midrule",
        *body,
        "\\bottomrule",
        "\\end{tabular}",
        f"\\caption{{{caption}}}",
    ]
    if label:
        lines.append(f"\\label{{{label}}}")
    return [*lines, "\\end{table}"]


def caption_text(given: str | None, default: str) -> str:
    """The caption: the user's plain text (escaped, on one line) or the default (LaTeX already)."""
    return default if given is None else latex_escape(printable(given))
