"""The dataset card of an imported iSTS-2016 subset: source, the missing licence, the mapping, the
chunk rule, every warning of the import, and label counts per split."""

from __future__ import annotations

from collections import Counter

from alignbench.dataset.card import CONFIG_DESCRIPTIONS, front_matter_data, size_categories
from alignbench.dataset.schema import CONFIGS, IMPORT_CARD_MARKER, ExtraColumns
from alignbench.records import RELATIONS
from alignbench.sources.importers.ists2016 import RELATION_OF, IstsSplit

#: The task paper, for the card's citation.
REFERENCE = (
    'Agirre, Gonzalez-Agirre, Lopez-Gazpio, Maritxalar, Rigau and Uria (2016), "SemEval-2016 Task 2: '
    'Interpretable Semantic Textual Similarity", Proceedings of SemEval-2016.'
)


def _table(head: list[str], rows: list[list[str]], text_columns: int = 1) -> str:
    """A Markdown table whose first ``text_columns`` columns are text, the others numbers."""
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * text_columns + "---:|" * (len(head) - text_columns)]
    return "\n".join(["\n".join(lines), *("| " + " | ".join(row) + " |" for row in rows)])


def _front(subset: str, counts: dict[str, dict[str, int]], version: str, content_hash: str, extra: ExtraColumns) -> str:
    import yaml

    extras = {"alignments": extra}
    front = {
        "pretty_name": f"iSTS-2016 {subset} (imported by alignbench)",
        "language": ["en"],
        "license": "unknown",
        "task_categories": ["sentence-similarity", "text-classification"],
        "size_categories": size_categories(counts),
        "tags": ["claim-alignment", "interpretable-sts", "chunk-alignment"],
        **front_matter_data(counts, version, content_hash, extras),
    }
    return yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=100)


def ists_card(
    subset: str,
    splits: list[IstsSplit],
    counts: dict[str, dict[str, int]],
    *,
    version: str,
    content_hash: str,
    warnings: list[str],
    extra: ExtraColumns,
) -> str:
    """The card ``README.md`` of an imported subset folder.

    ``counts`` holds the rows of each config in each split; ``warnings`` are the import's warnings
    (checksums and the release's repaired faults), with paths relative to the release folder.
    """
    names = [s.split for s in splits]
    config_rows = [[f"`{c}`", CONFIG_DESCRIPTIONS[c], *(str(counts[s][c]) for s in names)] for c in CONFIGS]
    config_table = _table(["config", "what", *(f"rows ({s})" for s in names)], config_rows, text_columns=2)
    pairs = [str(len(s.benchmark.articles) // 2) for s in splits]
    relation_counts = [Counter(link.relation for link in s.links) for s in splits]
    relation_table = _table(
        ["relation", *names], [[f"`{r}`", *(str(c[r]) for c in relation_counts)] for r in RELATIONS]
    )
    type_counts = [dict(s.line_types) for s in splits]
    types = sorted({t for c in type_counts for t in c})
    type_table = _table(
        ["iSTS type", "mapped to", *names],
        [
            [f"`{t}`", f"`{RELATION_OF[t.split('_')[0]]}`" if t.split("_")[0] in RELATION_OF else "no link"]
            + [str(c.get(t, 0)) for c in type_counts]
            for t in types
        ],
        text_columns=2,
    )
    extra_lines = "\n".join(f"- `{name}`: {text}" for name, text in extra.descriptions.items())
    mapping = (
        "\n".join(f"  - `{kind}` -> `{relation}`" for kind, relation in RELATION_OF.items())
        + "\n  - `NOALI`, `ALIC` -> no link"
    )
    warning_lines = "\n".join(f"- `{w}`" for w in warnings) or "- none"
    return f"""---
{_front(subset, counts, version, content_hash, extra)}---

# iSTS-2016 {subset}, imported by alignbench {version}

The {subset} part of SemEval-2016 Task 2 (interpretable semantic textual similarity): pairs of
sentences with gold chunks and typed chunk-to-chunk alignments. {IMPORT_CARD_MARKER} ists2016` from
the user's copy of the release; do not edit by hand.

Reference: {REFERENCE}

**No licence.** No licence file accompanies the release. Treat this folder as third-party research
data for your own use: **do not redistribute it** (no upload to a hub, no commit into a repository).

- Dataset version: `{version}`; `source_format: ists2016` in every Parquet file's metadata
- Source content hash (SHA-256 of the release files read: the `.wa` and `.sentN.chunk.txt` files of
  both splits): `{content_hash}`
- Splits: `train` ({pairs[0]} sentence pairs) and `test` ({pairs[1]} sentence pairs), as released.

{config_table}

## Mapping

- Each sentence pair is a cluster `{subset}-<split>-NNNN` (NNNN = the `.wa` pair id) of two
  articles `...-s1` and `...-s2`, whose `raw_text` is the pair's tokenised `// ` line, verbatim.
- Gold chunks are claims `...-s1-c01`... in token order, with character offsets into that line.
- Alignment types (FACT/POL modifiers ignored for the relation, kept in `ists_type`):
{mapping}
- A line that joins several chunks links every chunk pair it joins, all with one `group_id`.

Extra columns of `alignments`:
{extra_lines}

Chunk rule: two neighbouring tokens are in one claim iff they are in the same bracketed chunk of
the `.chunk.txt` file and in exactly the same alignment lines (`0` lines included), so that every
alignment line joins whole claims. Each bracketed chunk cut so, each repair of a `.chunk.txt` line
and each token in no alignment line is a warning below.

## Label counts

Links (`alignments` rows) by relation:

{relation_table}

Alignment lines of the `.wa` files by type (a line joining several chunks counts once):

{type_table}

## Warnings of the import ({len(warnings)})

{warning_lines}

```python
from datasets import load_dataset
pairs = load_dataset("path/to/{subset}", "pairs", split="train")
```
"""
