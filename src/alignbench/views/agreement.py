"""Views of an ``alignbench agree`` result: a plain-text table, Markdown, or JSON."""

from __future__ import annotations

import json
from typing import Any

#: Output formats of ``alignbench agree``.
AGREE_FORMATS = ("table", "json", "markdown")

_SCOPES = ("all_cells", "without_excluded")


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _pair_rows(result: dict[str, Any], k: int) -> list[list[str]]:
    """The rows (label, value per scope) of the figures of the k-th pair of passes."""
    pairs = [result[scope]["pairs"][k] for scope in _SCOPES]
    rows = [
        ["links in both / first only / second only"]
        + [f"{p['link']['both']} / {p['link']['first_only']} / {p['link']['second_only']}" for p in pairs]
    ]
    for key, what in (("link", "any link"), ("sure_link", "sure link")):
        for stat in ("P", "R", "F1"):
            rows.append([f"{what} {stat}"] + [_num(p[key][stat]) for p in pairs])
    rows += [
        ["Cohen's kappa, 6 labels"] + [_num(p["kappa"]) for p in pairs],
        ["Cohen's kappa, none/related/sure"] + [_num(p["kappa_none_related_sure"]) for p in pairs],
        ["Cohen's kappa, cells both linked (n)"] + [f"{_num(p['kappa_linked'])} ({p['linked_cells']})" for p in pairs],
        ["observed agreement, 6 labels"] + [_num(p["observed_agreement"]) for p in pairs],
    ]
    return rows


def _alpha_rows(result: dict[str, Any]) -> list[list[str]]:
    return [
        ["Krippendorff's alpha, 6 labels"] + [_num(result[s]["alpha"]) for s in _SCOPES],
        ["Krippendorff's alpha, none/related/sure"] + [_num(result[s]["alpha_none_related_sure"]) for s in _SCOPES],
    ]


def _header(result: dict[str, Any]) -> list[str]:
    return [
        "",
        f"all cells ({result['all_cells']['cells']})",
        f"without left-out ({result['without_excluded']['cells']})",
    ]


def _plain(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


def _markdown(rows: list[list[str]]) -> list[str]:
    def line(row: list[str]) -> str:
        return "| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |"

    return [line(rows[0]), "|" + "---|" * len(rows[0]), *(line(row) for row in rows[1:])]


def _intro(result: dict[str, Any]) -> list[str]:
    passes = ", ".join(f"{p['name']} ({p['links']} links, {p['file']})" for p in result["passes"])
    excluded = result["excluded"]
    left = f"{len(excluded['cells'])} cell(s) from {excluded['source']}" if excluded["source"] else "nothing"
    lines = [
        f"passes: {passes}",
        f"grid: {', '.join(result['clusters'])}: {result['article_pairs']} article pair(s), "
        f"{result['all_cells']['cells']} cells (every claim of A x every claim of B)",
        f"left out: {left}"
        + (": " + ", ".join(f"{a} ~ {b}" for a, b in excluded["cells"]) if excluded["cells"] else ""),
    ]
    lines += [f"  worked example matching no claim pair: {shown}" for shown in excluded["unmatched_examples"]]
    lines.append(
        "P and R: the second pass's links scored against the first's; sure links: relations other than related"
    )
    return lines


def _confusion(result: dict[str, Any], k: int) -> list[list[str]]:
    pair = result["all_cells"]["pairs"][k]
    labels = result["labels"]
    rows = [[f"{pair['first']} \\ {pair['second']}", *labels]]
    rows += [[label, *map(str, counts)] for label, counts in zip(labels, pair["confusion"], strict=True)]
    return rows


def _disagreement_lines(result: dict[str, Any], markdown: bool) -> list[str]:
    lines = []
    for row in result["disagreements"]:
        labels = " | ".join(f"{name} {label}" for name, label in row["labels"].items())
        mark = "  [worked example]" if row["worked_example"] else ""
        cell = f"{row['claim_a']} ~ {row['claim_b']}"
        lines.append(f"- **{cell}**: {labels}{mark}" if markdown else f"{cell}: {labels}{mark}")
        indent = "  - " if markdown else "    "
        lines.append(f"{indent}A: {row['text_a']}")
        lines.append(f"{indent}B: {row['text_b']}")
        for name, why in row["rationales"].items():
            lines.append(f"{indent}{name}: {why if why is not None else '(no link)'}")
    return lines


def format_agreement(result: dict[str, Any], fmt: str) -> str:
    """``result`` of :func:`alignbench.scoring.agree.agreement` as ``fmt`` (one of :data:`AGREE_FORMATS`)."""
    if fmt == "json":
        return json.dumps(result, indent=1, ensure_ascii=False) + "\n"
    markdown = fmt == "markdown"
    table = _markdown if markdown else _plain
    out = [("- " if markdown else "") + line for line in _intro(result)]
    for k, pair in enumerate(result["all_cells"]["pairs"]):
        title = f"{pair['first']} (first) vs {pair['second']} (second)"
        out += ["", f"## {title}" if markdown else title, "", *table([_header(result), *_pair_rows(result, k)])]
        confusion = f"Confusion matrix, all cells (rows {pair['first']}, columns {pair['second']})"
        out += ["", f"### {confusion}" if markdown else confusion, "", *table(_confusion(result, k))]
    title = f"All {len(result['passes'])} passes"
    out += ["", f"## {title}" if markdown else title, "", *table([_header(result), *_alpha_rows(result)])]
    title = f"Disagreements ({len(result['disagreements'])} cells)"
    out += ["", f"## {title}" if markdown else title, "", *_disagreement_lines(result, markdown)]
    return "\n".join(out).rstrip("\n") + "\n"
