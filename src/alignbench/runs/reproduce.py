"""Does a freshly computed report reproduce a committed one? Exactly, or within the tolerance the
aligner declares (DESIGN §14).

A bit-reproducible aligner (``tolerance`` 0.0, every lexical baseline and floor) must give the same
report, floats equal to 1e-9 relative (JSON round trips and another machine's libm), counts equal. An
aligner whose floats depend on the CPU (quantised kernels, BLAS summation order) declares an absolute
``tolerance``: its metric values and interval bounds (also per tag) may move by that much, and the
counts that follow from its decisions and ranking (decided links, confusion matrices, per-pair values,
the ranking profile) may differ;
everything that describes the run (dataset, system, threshold, bootstrap settings, gold supports, units)
must still be equal. The ``environment`` and ``run`` blocks are provenance and are never compared (a
re-run from a response cache counts cache hits where the first run counted misses).
"""

from __future__ import annotations

import math
from typing import Any

#: Report keys that follow from a run's decisions or ranking and may differ when its scores are not reproducible.
DECISION_KEYS = ("confusion", "unit_confusion", "per_pair", "ranking")
#: Supports that count the system's output rather than the gold.
DECISION_SUPPORTS = ("decided_links", "scored_candidates", "predicted_contradictions")
#: Relative tolerance of a "reproducible" float (a value written as JSON and read back, another libm).
EXACT_REL = 1e-9


def tolerance_of(report: dict[str, Any]) -> float:
    """The tolerance a report's system declared (0.0 for reports written before it was declared)."""
    declared = (report.get("system") or {}).get("reproducibility") or {}
    value = declared.get("tolerance", 0.0)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def _close(a: float, b: float, tolerance: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=EXACT_REL, abs_tol=max(tolerance, 1e-12))


def _walk(committed: Any, fresh: Any, where: str, tolerance: float, out: list[str]) -> None:
    if isinstance(committed, dict) and isinstance(fresh, dict):
        if committed.keys() != fresh.keys():
            missing, extra = sorted(committed.keys() - fresh.keys()), sorted(fresh.keys() - committed.keys())
            out.append(f"{where or 'report'}: keys differ (only committed: {missing}, only fresh: {extra})")
            return
        for key in committed:
            _walk(committed[key], fresh[key], f"{where}.{key}" if where else str(key), tolerance, out)
    elif isinstance(committed, list) and isinstance(fresh, list):
        if len(committed) != len(fresh):
            out.append(f"{where}: {len(committed)} items committed, {len(fresh)} fresh")
            return
        for i, (a, b) in enumerate(zip(committed, fresh, strict=True)):
            _walk(a, b, f"{where}[{i}]", tolerance, out)
    elif isinstance(committed, float) or isinstance(fresh, float):
        numbers = all(isinstance(x, int | float) and not isinstance(x, bool) for x in (committed, fresh))
        if not numbers or not _close(float(committed), float(fresh), tolerance):
            out.append(f"{where}: committed {committed!r}, fresh {fresh!r}")
    elif committed != fresh:
        out.append(f"{where}: committed {committed!r}, fresh {fresh!r}")


def differences(committed: dict[str, Any], fresh: dict[str, Any]) -> list[str]:
    """Every place where ``fresh`` fails to reproduce ``committed`` (both parsed report JSON), one line
    each; empty when it reproduces. The committed report's declared tolerance applies, and both must
    declare the same one."""
    tolerance = tolerance_of(committed)
    if tolerance != tolerance_of(fresh):
        return [f"system.reproducibility.tolerance: committed {tolerance}, fresh {tolerance_of(fresh)}"]
    left, right = dict(committed), dict(fresh)
    for report in (left, right):
        report.pop("environment", None)
        report.pop("run", None)
        if tolerance:
            for key in DECISION_KEYS:
                report.pop(key, None)
            report["supports"] = {k: v for k, v in report.get("supports", {}).items() if k not in DECISION_SUPPORTS}
            if isinstance(report.get("by_tag"), dict):
                tags = {
                    tag: {
                        **entry,
                        "supports": {k: v for k, v in entry["supports"].items() if k not in DECISION_SUPPORTS},
                    }
                    for tag, entry in report["by_tag"].get("tags", {}).items()
                }
                report["by_tag"] = {**report["by_tag"], "tags": tags}
    out: list[str] = []
    _walk(left, right, "", tolerance, out)
    return out
