"""The closed list of phenomenon tags a gold link may carry (``"tags"`` in ``alignments.jsonl``).

A tag names the hard case a link tests, so that results can be broken down by phenomenon (the
diagnostic split). ``annotations/TAGS.md`` says what each tag means and which guideline rule
(G3, G4.x) it exercises; keep the two in step.
"""

from __future__ import annotations

#: Each tag and what it marks, in the order of annotations/TAGS.md.
PHENOMENON_TAGS: dict[str, str] = {
    "range-nested": "one range lies inside the other for the same quantity (G4.1)",
    "range-overlap": "two ranges for the same quantity overlap without nesting (G4.1)",
    "range-disjoint": "two ranges or values for the same quantity share no value (G4.1)",
    "number-exact-vs-hedged": "an exact number against a hedged one ('about', 'nearly', 'up to') (G4.1)",
    "unit-spelling": "the same unit spelled or abbreviated differently ('kilometres', 'km') (G4.1)",
    "unit-conversion": "the same quantity in different units, compared after conversion (G4.1)",
    "count-vague-vs-exact": "a vague plural, 'at least one' or 'a single' against another count (G4.2)",
    "correction": "an earlier report the article marks as superseded (G4.4)",
    "time-approx-vs-exact": "an approximate time against an exact time or window (G4.3)",
    "time-zone": "a time given in another time zone, or converted in brackets (G4.3)",
    "date-relative-vs-absolute": "a relative day or date ('yesterday', 'last month') against a calendar date (G4.3)",
    "first-since": "a 'first in over a year' interval against a 'first since <anchor>' statement (G4.5)",
    "direction": "compass bearings or destinations of a movement (G4.6)",
    "place-containment": "a place inside another, or two places of which neither contains the other (G4.6)",
    "entity-description": "different descriptions or spellings of one named entity (G4.7)",
    "attribution-same": "the same content or conflict reported from the same source (G4.9)",
    "attribution-different": "content reported from different sources (G4.9)",
    "attribution-unnamed": "content from an unnamed source against a named one (G4.9)",
    "negation": "one claim denies or negates what the other asserts (G3, G4.9)",
    "paraphrase-low-overlap": "the same fact in few shared words (G3)",
    "overlap-different-fact": "many shared words but a different fact or event aspect (G3)",
    "headline-vs-body": "a headline claim compared with body text of another report (G4.8)",
    "attribution-scope": "whether a claim is attributed depends on how far a neighbouring 'said' reaches (G4.11)",
    "update-over-time": "figures for a changing quantity in reports published at different times (G4.12)",
    "epistemic-status": "claimed, alleged, reportedly or unconfirmed content against asserted content (G4.13)",
    "agency-relay": "a statement relayed through a news agency or another outlet (G4.14)",
    "quote-versions": "two versions of one speaker's quote from the same occasion (G4.14a)",
    "name-variant": "transliteration or spelling variants of one name (G4.7d)",
    "opinion": "a view, analysis or reaction compared with another claim (G4.15)",
}


#: Relations a tag cannot go with, because its definition in annotations/TAGS.md rules them out.
EXCLUDED_RELATIONS: dict[str, tuple[frozenset[str], str]] = {
    "overlap-different-fact": (
        frozenset({"equivalent", "a_more_specific", "b_more_specific", "contradiction"}),
        "it marks claims about a different fact or aspect, which only a 'related' link joins",
    ),
    "attribution-different": (
        frozenset({"equivalent", "a_more_specific", "b_more_specific", "contradiction"}),
        "content from different sources is 'related', whether it agrees or conflicts (G4.9)",
    ),
    "range-overlap": (
        frozenset({"equivalent", "a_more_specific", "b_more_specific"}),
        "of two ranges that overlap without nesting neither entails the other (G4.1)",
    ),
    "range-disjoint": (
        frozenset({"equivalent", "a_more_specific", "b_more_specific"}),
        "values that share nothing cannot entail each other (G4.1)",
    ),
    "range-nested": (
        frozenset({"equivalent"}),
        "a range strictly inside another is not the same range (G4.1)",
    ),
}

#: Groups of tags of which a link carries at most one: each names one answer to the same question.
EXCLUSIVE_TAGS: tuple[tuple[str, ...], ...] = (
    ("range-nested", "range-overlap", "range-disjoint"),
    ("attribution-same", "attribution-different"),
)


def tag_rule_problem(tags: list[str], relation: str, headline: bool, dated: bool) -> str | None:
    """The first way a link's (known, unique) ``tags`` break a mechanical rule of TAGS.md, or None.

    ``headline`` says whether one of the link's claims lies in its article's headline, ``dated``
    whether both articles carry a ``published`` date. The rules: ``headline-vs-body`` exactly when a
    claim is a headline claim; no tag with a relation its definition excludes; at most one tag of an
    exclusive group; ``update-over-time`` only between dated reports (G4.12 compares their times).
    """
    if headline and "headline-vs-body" not in tags:
        return "a claim of this link lies in its article's headline: add the tag 'headline-vs-body'"
    if not headline and "headline-vs-body" in tags:
        return "tag 'headline-vs-body' but neither claim lies in its article's headline (the title line)"
    for tag in tags:
        excluded, why = EXCLUDED_RELATIONS.get(tag, (frozenset(), ""))
        if relation in excluded:
            return f"tag {tag!r} cannot go with relation {relation!r}: {why}"
    for group in EXCLUSIVE_TAGS:
        found = [t for t in tags if t in group]
        if len(found) > 1:
            return f"tags {' and '.join(repr(t) for t in found)} exclude each other: keep the one that fits the pair"
    if "update-over-time" in tags and not dated:
        return "tag 'update-over-time' needs both articles to carry a 'published' date (G4.12 compares their times)"
    return None
