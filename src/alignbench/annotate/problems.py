"""How a refused save reaches the page: the refusal, and each validate problem tied to what it is about."""

from __future__ import annotations

import re
from typing import Any


class SaveRefused(Exception):
    """A save that wrote nothing: ``status`` 409 (conflict) or 422 (problems), ``body`` for the page."""

    def __init__(self, status: int, body: dict[str, Any]):
        super().__init__(body.get("message", ""))
        self.status, self.body = status, body


_WHERE = re.compile(r"^(?P<file>[^:]+?)(?::(?P<line>\d+))?: (?P<message>.*)$")
#: Words of a problem message and the field they concern (the first match wins).
_FIELDS = (
    ("span", "span"),  # "span [..] is not inside one kept range": the claim's span
    ("overlaps", "span"),
    ("kept range", "kept_ranges"),
    ("chrome", "kept_ranges"),
    ("kept_ranges", "kept_ranges"),
    ("text ", "text"),
    ("claim_id", "claim_id"),
    ("rationale", "rationale"),
    ("tag", "tags"),
    ("relation", "relation"),
    ("statement", "statement"),
    ("considered", "considered"),
    ("unknown claim", "claim ids"),
)


def describe(problem: str, owners: dict[str, list]) -> dict[str, Any]:
    """A validate problem as the page shows it: the file and line, and the claim, link or article
    on that line with the field the message concerns."""
    match = _WHERE.match(problem)
    if not match:
        return {"message": problem}
    out: dict[str, Any] = {"file": match["file"], "line": int(match["line"]) if match["line"] else None}
    out["message"] = match["message"]
    rows = owners.get(match["file"], [])
    if out["line"] is not None and 0 < out["line"] <= len(rows):
        out["kind"], out["id"] = rows[out["line"] - 1]
    lowered = match["message"].lower()
    out["field"] = next((f for word, f in _FIELDS if word in lowered), None)
    return out
