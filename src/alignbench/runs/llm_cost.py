"""What running the ``llm`` aligner on a split costs, computed from the data: requests and tokens.

One request per article pair; its prompt is built exactly as the aligner builds it
(:func:`alignbench.aligners.llm_prompt.messages`) and its tokens estimated by
:func:`~alignbench.aligners.llm_prompt.estimate_tokens` (characters / 3, erring high). Completion
tokens are bounded by ``completion_tokens`` per request. The README's cost table is generated from
these numbers (``alignbench eval --baselines --update``), next to the prompt tokens a real tokenizer
counted where a committed ``baselines/llm`` report has them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NamedTuple

from alignbench.aligners.llm_prompt import estimate_tokens, load_template, messages
from alignbench.records import Benchmark

#: The README block the table lives in (``<!-- llm-cost:start -->`` ... ``<!-- llm-cost:end -->``).
MARKER = "llm-cost"


class Cost(NamedTuple):
    """Requests and estimated tokens of one run of the ``llm`` aligner on a split (no cache, no retries)."""

    requests: int
    prompt_tokens: int
    completion_tokens_max: int


def cost_estimate(
    bench: Benchmark, prompt: str = "llm-v1", context: bool = False, completion_tokens: int = 1024
) -> Cost:
    """The requests and tokens the ``llm`` aligner needs on ``bench``, from its claims."""
    from alignbench.scoring.space import CandidateSpace

    space = CandidateSpace(bench)
    template = load_template(prompt)
    by_id = {c.claim_id: c for c in bench.claims}
    claims = [by_id[cid] for cid in space.claim_ids]
    per_article = [claims[int(lo) : int(lo + n)] for lo, n in zip(space.article_first, space.article_size, strict=True)]
    tokens = sum(estimate_tokens(messages(template, per_article[a], per_article[b], context)) for a, b in space.pairs)
    return Cost(len(space.pairs), tokens, len(space.pairs) * completion_tokens)


def measured_prompt_tokens(folder: str | Path, split: str, revision: str = "*") -> dict[str, int]:
    """Prompt tokens that real tokenizers counted on ``split``: config name -> ``run.tokens.prompt`` of
    each committed report in ``folder/results`` (a baselines folder such as ``baselines/llm``) for the
    dataset ``revision`` (``<version>-<source hash[:12]>``, the reports' folder name; any by default).
    Retried requests are included."""
    found = {}
    inner = "report.json" if split == "test" else f"{split}/report.json"
    for path in sorted(Path(folder, "results").glob(f"*/{revision}/{inner}")):
        report = json.loads(path.read_text(encoding="utf-8"))
        run = report.get("run") or {}
        if report.get("dataset", {}).get("split") == split and isinstance(run.get("tokens", {}).get("prompt"), int):
            found[str(report["system"]["name"])] = run["tokens"]["prompt"]
    return found


def cost_table(
    splits: dict[str, Benchmark],
    folder: str | Path | None = None,
    completion_tokens: int = 1024,
    revisions: dict[str, str] | None = None,
) -> str:
    """The README's cost table: per split, requests and estimated tokens without and with contexts, and
    the prompt tokens measured by the committed runs of ``folder`` (if any) on the same data
    (``revisions``: split -> ``<version>-<source hash[:12]>``)."""
    rows = [
        "| Split | Requests | Prompt tokens (est.) | With contexts (est.) | Completion tokens (at most) | Measured prompt tokens |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for split, bench in splits.items():
        plain = cost_estimate(bench, completion_tokens=completion_tokens)
        with_context = cost_estimate(bench, context=True, completion_tokens=completion_tokens)
        revision = (revisions or {}).get(split, "*")
        measured = measured_prompt_tokens(folder, split, revision) if folder is not None else {}
        shown = "; ".join(f"{name}: {n:,}" for name, n in measured.items()) or "-"
        rows.append(
            f"| {split} | {plain.requests:,} | {plain.prompt_tokens:,} | {with_context.prompt_tokens:,} "
            f"| {plain.completion_tokens_max:,} | {shown} |"
        )
    note = (
        f"\nEstimates from the data by `alignbench.runs.llm_cost.cost_estimate` (prompt `llm-v1`; characters / 3, "
        f"erring high; completion at most `completion_tokens`={completion_tokens} per request, the default). "
        "Measured: the prompt tokens the model's own tokenizer counted in the committed `baselines/llm` reports "
        "of the same data (retried requests included). Multiply by your provider's price per token; cached "
        "requests cost nothing.\n"
    )
    return "\n".join(rows) + "\n" + note


def readme_cost_table(data: Any = None) -> str:
    """:func:`cost_table` of every split of the bundled dataset (or ``data``), with the measured tokens of
    the clone's ``baselines/llm`` on the same data."""
    from alignbench.dataset.load import available_splits, dataset_metadata, load_benchmark
    from alignbench.runs.baselines import default_baselines_dir

    splits, revisions = {}, {}
    for split in available_splits(data):
        splits[split] = load_benchmark(split=split, data_dir=data)
        meta = dataset_metadata(split=split, data_dir=data)
        revisions[split] = f"{meta.get('dataset_version')}-{str(meta.get('source_sha256'))[:12]}"
    return cost_table(splits, default_baselines_dir().resolve().parent / "baselines" / "llm", revisions=revisions)
