"""The conventions that tie a cluster's split, folder name, ``synthetic`` flag, source and tags together.

They are checked by ``alignbench validate`` (so no test has to know them) and explained in its
messages, in the README ("Adding a cluster") and in ``annotations/GUIDELINES.md`` section 5:

- **Real clusters** (split ``test``, or any split but ``diagnostic``) hold published articles:
  ``synthetic`` false (or left out), a source that does not say "(synthetic)", and a folder name that
  does not start with ``diag-``. Fictional text written for a demo or a test is not a real cluster.
- **Diagnostic clusters** (split ``diagnostic``) hold only text the project wrote about fictional
  events: folder ``diag-NNN-<slug>``, every article ``synthetic: true`` with a source ending in
  " (synthetic)", no URL (a publication date, if any, is fictional and its ``published_basis`` says
  so: GUIDELINES G4.12 compares publication times), and every gold link tagged with at
  least one phenomenon tag of ``annotations/TAGS.md`` (the split exists to be broken down by tag).
"""

from __future__ import annotations

from typing import Any

from alignbench.records import shorten

#: The split of the project's synthetic suite: it holds synthetic articles and nothing else.
DIAGNOSTIC_SPLIT = "diagnostic"
#: The folder-name prefix of a diagnostic cluster, and of no other.
DIAGNOSTIC_PREFIX = "diag-"
#: How a synthetic article's ``source`` ends, so that no reader takes it for a real outlet.
SYNTHETIC_SOURCE_SUFFIX = " (synthetic)"


def folder_problem(cluster: str, split: str) -> str | None:
    """The problem of a cluster folder's name given its split, or None."""
    diagnostic_name = cluster.startswith(DIAGNOSTIC_PREFIX)
    if split == DIAGNOSTIC_SPLIT and not diagnostic_name:
        return (
            f"cluster {shorten(cluster)} is in the {DIAGNOSTIC_SPLIT!r} split, so its folder must be named "
            f"'{DIAGNOSTIC_PREFIX}NNN-<slug>' (rename corpus/ and annotations/ folders and cluster_id)"
        )
    if diagnostic_name and split != DIAGNOSTIC_SPLIT:
        return (
            f"the folder name prefix {DIAGNOSTIC_PREFIX!r} is kept for the {DIAGNOSTIC_SPLIT!r} split, but "
            f"cluster {shorten(cluster)} is in split {shorten(split)}: rename the cluster, or make it a "
            f"diagnostic cluster (split {DIAGNOSTIC_SPLIT!r}, synthetic articles)"
        )
    return None


def article_problem(row: dict[str, Any], split: str, synthetic: bool) -> str | None:
    """The problem of an article's split, ``synthetic`` flag, source, URL and date, or None."""
    if synthetic != (split == DIAGNOSTIC_SPLIT):
        if synthetic:
            return (
                f"a synthetic article (fictional text, e.g. written for a demo or a test) belongs to the "
                f"{DIAGNOSTIC_SPLIT!r} split, not {shorten(split)}: real splits hold published articles only"
            )
        return (
            f'the {DIAGNOSTIC_SPLIT!r} split holds synthetic articles only: set "synthetic": true '
            "(and write fictional text), or put this real article in another split such as 'test'"
        )
    source = row["source"]
    if synthetic:
        if not source.endswith(SYNTHETIC_SOURCE_SUFFIX):
            return f"the source of a synthetic article ends with {SYNTHETIC_SOURCE_SUFFIX.strip()!r}, got {shorten(source)}"
        for key in ("url", "seed"):  # a fictional date is allowed (G4.12 compares publication times)
            if row.get(key) is not None:
                return f"a synthetic article has no {key} (it was never published): set {key!r} to null"
    elif source.rstrip().endswith(SYNTHETIC_SOURCE_SUFFIX.strip()):
        return (
            f"source {shorten(source)} says synthetic, but the article is not: a real article names its outlet "
            "(or 'unknown'); fictional text belongs to the 'diagnostic' split"
        )
    return None


def link_tags_problem(row: dict[str, Any], split: str) -> str | None:
    """The problem of a gold link without phenomenon tags in the diagnostic split, or None."""
    if split == DIAGNOSTIC_SPLIT and not row.get("tags"):
        return (
            f"a gold link of the {DIAGNOSTIC_SPLIT!r} split carries at least one phenomenon tag "
            '("tags": [...], from annotations/TAGS.md): the split is scored per tag'
        )
    return None
