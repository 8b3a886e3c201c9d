"""Unsaved work of the workbench, kept on disk so that no work is lost on a reload or a server restart.

The page sends its whole working state after every change; it is written atomically to
``<root>/.annotate-drafts/<cluster>/<pass or adjudicate-A-B>.json`` (outside ``corpus/`` and
``annotations/``: a draft is not data, and the validator never sees it). A successful save removes
the draft; a refused one keeps it. The page also keeps a copy in the browser's storage and, on
load, restores whichever of the two is newer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from alignbench.fileio import write_text_atomic

#: The folder of drafts, under the source tree's root (ignored by git).
DRAFTS = ".annotate-drafts"


def draft_path(root: Path, cluster: str, key: str) -> Path:
    return root / DRAFTS / cluster / f"{key}.json"


def read_draft(root: Path, cluster: str, key: str) -> dict[str, Any] | None:
    """The saved draft, or None if there is none (or it cannot be read: then it is left alone)."""
    try:
        value = json.loads(draft_path(root, cluster, key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def write_draft(root: Path, cluster: str, key: str, draft: dict[str, Any]) -> None:
    write_text_atomic(draft_path(root, cluster, key), json.dumps(draft, ensure_ascii=False) + "\n")


def remove_draft(root: Path, cluster: str, key: str) -> None:
    """Remove the draft the workbench wrote (after a save): only that file."""
    draft_path(root, cluster, key).unlink(missing_ok=True)
