"""How far each real baseline is above the best shortcut floor, with paired-bootstrap p-values:
the README's "margins over the floors" block, one table per split.

The floors read no meaning (``position``, ``overlap``, ``cues``) or none at all (``random``,
``all-pairs``); a baseline's margin over the best of them (by link F1) says how much of its score a
text-blind or surface-cue rule would also get. Computed with :func:`alignbench.scoring.compare.compare`
on the reports' per-unit counts (same resamples, seed and units as the reports).
"""

from __future__ import annotations

from alignbench.scoring.compare import compare
from alignbench.scoring.report import Report
from alignbench.views.compare import format_p

#: Configs that are floors, not systems (aligners/floors.py, aligners/shortcuts.py).
FLOORS = ("position", "overlap", "cues", "random", "all-pairs")
MEASURES = ("link.F1", "labeled.F1")


def margins_table(reports: list[Report], split: str) -> str:
    """Markdown: every non-floor report's margin over the best floor (by link F1) on ``split``."""
    floors = [r for r in reports if r.system.get("aligner") in FLOORS]
    systems = sorted(
        (r for r in reports if r.system.get("aligner") not in FLOORS),
        key=lambda r: (-r.metrics["link.F1"], str(r.system["name"])),
    )
    if not floors or not systems:
        return f"(split {split}: no floor or no system to compare)\n"
    best = max(floors, key=lambda r: (r.metrics["link.F1"], str(r.system["name"])))
    lines = [
        f"Split `{split}`: best floor by link F1 is `{best.system['name']}` "
        f"({best.metrics['link.F1']:.3f} link F1, {best.metrics['labeled.F1']:.3f} labeled F1).",
        "",
        "| System | Link F1 | margin [95% CI] | p | Labeled F1 | margin [95% CI] | p |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for report in systems:
        rows = {row["metric"]: row for row in compare(best, report, MEASURES).rows}
        cells = []
        for name in MEASURES:
            row = rows[name]
            p = "too few" if row["too_few"] else format_p(row["extreme"], row["defined"])
            cells += [f"{row['b']:.3f}", f"{row['delta']:+.3f} [{row['ci_low']:+.3f}, {row['ci_high']:+.3f}]", p]
        lines.append(f"| {report.system['name']} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
