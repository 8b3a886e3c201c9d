"""What the page shows of ``annotations/GUIDELINES.md``: the decision order for a pair and the rule titles."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

_RULE = re.compile(r"^\*\*(G\d+(?:\.\d+[a-z]?)?) ([^*]+?)\.?\*\*", re.M)
_ORDER = re.compile(r"^Decision order for a pair:(.*?)(?:\n\s*\n)", re.M | re.S)
_STEP = re.compile(r"\((\d)\)\s*(.*?)(?=\(\d\)|$)", re.S)


def guide(root: Path) -> dict[str, Any]:
    """``{"decision_order": [steps], "rules": [[id, title], ...], "source": path}`` read from the
    guidelines of ``root`` (empty lists when the file is absent: the page says so)."""
    path = root / "annotations" / "GUIDELINES.md"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {"decision_order": [], "rules": [], "source": None}
    order = _ORDER.search(text)
    steps = [" ".join(m.group(2).replace("`", "").split()) for m in _STEP.finditer(order.group(1))] if order else []
    rules = [[m.group(1), " ".join(m.group(2).split())] for m in _RULE.finditer(text)]
    version = re.search(r"^# .*\((v[\d.]+)\)", text, re.M)
    return {
        "decision_order": steps,
        "rules": rules,
        "source": "annotations/GUIDELINES.md" + (f" {version.group(1)}" if version else ""),
    }
