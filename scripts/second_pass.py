"""A blind second pass over clusters whose gold one writer made: bring the pass in, list where it
disagrees with the gold, and write the adjudicated gold (diagnostic split v3, issue 20 item 4).

The second annotator worked from the articles, the claims and GUIDELINES.md only (never the gold),
and wrote one JSON Lines file of links per cluster. For each cluster this script

- ``prepare PASS_DIR NAME OUT_DIR``: copies ``PASS_DIR/<cluster>.jsonl`` to
  ``annotations/<cluster>/passes/NAME.jsonl`` and the current gold, as the writer's own pass, to
  ``passes/<writer>.jsonl`` (the writer is read from the articles' notes), and writes every cell where
  the two disagree, with both labels and rationales, to ``OUT_DIR/<cluster>.jsonl`` for the adjudicator;
- ``summary``: the per-writer agreement table (DATASHEET, diagnostic split);
- ``agreement NAME`` (once the tree validates): ``adjudication/agreement-<writer>-NAME.json`` per cluster;
- ``apply DECISIONS_DIR NAME ADJUDICATOR``: reads the adjudicator's decision per disagreeing cell
  (``{"cell": [a, b], "decision": REL or "none", "reason", "rule", "rationale"?, "tags"?}``) and writes
  ``adjudication/adjudication-<writer>-NAME.jsonl`` and the new ``alignments.jsonl``, each link naming the passes that had its label and whether it was adjudicated.

Nothing here proposes a link: every label comes from the writer, the blind annotator or the adjudicator.
Usage: ``python scripts/second_pass.py prepare|apply ...`` from the checkout's root.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KEYS = ("claim_a", "claim_b", "relation", "rationale", "annotator")


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _write_jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def writer_of(cluster: str) -> str:
    """The writer named in the cluster's articles' notes (``diag-wN``); for a cluster another writer
    extended (diagnostic v3), the extending writer: the gold then holds both writers' links."""
    notes = " ".join(str(r.get("notes") or "") for r in _rows(ROOT / "corpus" / cluster / "articles.jsonl"))
    found = sorted(set(re.findall(r"diag-w\d+", notes)))
    extended = sorted(set(re.findall(r"[Ee]xtended by (diag-w\d+)", notes)))
    if len(found) > 1 and len(extended) == 1:
        return extended[0]
    if len(found) != 1:
        raise SystemExit(f"{cluster}: cannot tell its writer from the notes ({found})")
    return found[0]


def _labels(rows: list[dict]) -> dict[tuple[str, str], dict]:
    return {(r["claim_a"], r["claim_b"]): r for r in rows}


def prepare(pass_dir: Path, name: str, out: Path) -> None:
    for source in sorted(pass_dir.glob("diag-*.jsonl")):
        cluster = source.stem
        folder = ROOT / "annotations" / cluster
        writer = writer_of(cluster)
        gold = _rows(folder / "alignments.jsonl")
        writer_pass = [
            {k: r[k] for k in KEYS} | {"annotator": writer} | ({"tags": r["tags"]} if r.get("tags") else {})
            for r in gold
        ]
        blind = [{k: r[k] for k in KEYS} | {"annotator": name} for r in _rows(source)]
        _write_jsonl(folder / "passes" / f"{writer}.jsonl", writer_pass)
        _write_jsonl(folder / "passes" / f"{name}.jsonl", blind)
        w, b = _labels(writer_pass), _labels(blind)
        cells = []
        for cell in sorted(w.keys() | b.keys()):
            lw, lb = (w[cell]["relation"] if cell in w else "none"), (b[cell]["relation"] if cell in b else "none")
            if lw != lb:
                cells.append(
                    {
                        "cell": list(cell),
                        writer: lw,
                        name: lb,
                        f"{writer}_rationale": w[cell]["rationale"] if cell in w else None,
                        f"{name}_rationale": b[cell]["rationale"] if cell in b else None,
                        "gold_tags": w[cell].get("tags") if cell in w else None,
                    }
                )
        _write_jsonl(out / f"{cluster}.jsonl", cells)
        print(f"{cluster}: writer {writer} {len(w)} links, {name} {len(b)} links, {len(cells)} disagreeing cells")


def apply(decisions_dir: Path, name: str, adjudicator: str) -> None:

    for decisions_file in sorted(decisions_dir.glob("diag-*.jsonl")):
        cluster = decisions_file.stem
        folder = ROOT / "annotations" / cluster
        writer = writer_of(cluster)
        gold = _labels(_rows(folder / "alignments.jsonl"))
        w = _labels(_rows(folder / "passes" / f"{writer}.jsonl"))
        b = _labels(_rows(folder / "passes" / f"{name}.jsonl"))
        decided = {tuple(d["cell"]): d for d in _rows(decisions_file)}
        records, links = [], []
        for cell in sorted(w.keys() | b.keys()):
            lw, lb = (w[cell]["relation"] if cell in w else "none"), (b[cell]["relation"] if cell in b else "none")
            if lw == lb:
                row = dict(gold[cell])
                row["passes"], row["adjudicated"] = sorted([writer, name]), False  # file order
                links.append(row)
                continue
            if cell not in decided:
                raise SystemExit(f"{decisions_file}: no decision for the disagreeing cell {list(cell)}")
            d = decided[cell]
            decision = d["decision"]
            records.append(
                {
                    "cell": list(cell),
                    writer: lw,
                    name: lb,
                    "decision": decision,
                    "reason": d["reason"],
                    "rule": d["rule"],
                    "adjudicator": adjudicator,
                }
            )
            if decision == "none":
                continue
            base = (
                dict(gold[cell]) if cell in gold else {"claim_a": cell[0], "claim_b": cell[1], "annotator": adjudicator}
            )
            base["relation"] = decision
            if decision != lw:
                base["rationale"] = d.get("rationale") or d["reason"]
                base["annotator"] = adjudicator
            elif (
                d.get("rationale") and d["rationale"] not in base["rationale"]
            ):  # the label stands, its reason was wrong
                base["rationale"] = f"{d['rationale']} (rationale rewritten in adjudication by {adjudicator})"
            tags = d.get("tags") or base.get("tags")
            if not tags:
                raise SystemExit(
                    f"{decisions_file}: the link {list(cell)} needs tags (a diagnostic link carries at least one)"
                )
            row = {k: base[k] for k in KEYS}
            row["tags"] = list(tags)
            row["passes"] = sorted(p for p, label in ((writer, lw), (name, lb)) if label == decision)
            row["adjudicated"] = True
            links.append(row)
        extra = set(decided) - {tuple(r["cell"]) for r in records}
        if extra:
            raise SystemExit(f"{decisions_file}: decisions for cells that do not disagree: {sorted(extra)[:3]}")
        links.sort(key=lambda r: (r["claim_a"], r["claim_b"]))
        ordered = [{k: r[k] for k in (*KEYS, "tags", "passes", "adjudicated") if k in r} for r in links]
        _write_jsonl(folder / "alignments.jsonl", ordered)
        _write_jsonl(folder / "adjudication" / f"adjudication-{writer}-{name}.jsonl", records)
        print(f"{cluster}: {len(records)} cells adjudicated, {len(ordered)} gold links")


def agreements(name: str) -> None:
    """Write ``adjudication/agreement-<writer>-NAME.json`` for every cluster with a pass NAME (run once the
    tree validates, after every ``apply``)."""
    from alignbench.scoring.agree import agreement
    from alignbench.sources.corpus import load_sources

    bench = load_sources(ROOT)
    for folder in sorted((ROOT / "annotations").glob(f"diag-*/passes/{name}.jsonl")):
        cluster_dir = folder.parent.parent
        writer = writer_of(cluster_dir.name)
        passes = [(p, str(cluster_dir / "passes" / f"{p}.jsonl")) for p in (writer, name)]
        result = agreement(bench, passes)
        (cluster_dir / "adjudication" / f"agreement-{writer}-{name}.json").write_text(
            json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        print(f"{cluster_dir.name}: agreement written")


def summary() -> str:
    """Per writer, pooled over the writer's clusters that have a blind pass: cells, Cohen's kappa, link
    and sure-link F1 between the writer's and the blind pass, and how the disagreements were decided.
    A Markdown table, computed from the pass and adjudication files only."""
    import tempfile

    from alignbench.scoring.agree import agreement
    from alignbench.sources.corpus import load_sources

    bench = load_sources(ROOT)
    by_writer: dict[str, list[tuple[Path, str]]] = {}
    for path in sorted((ROOT / "annotations").glob("diag-*/passes/blind-*.jsonl")):
        cluster_dir = path.parent.parent
        by_writer.setdefault(writer_of(cluster_dir.name), []).append((cluster_dir, path.stem))
    lines = [
        "| writer | clusters | cells | kappa | link F1 | sure-link F1 | disagreements | decided for writer / blind / other |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    totals: dict[str, list] = {"first": [], "second": []}
    for writer in sorted(by_writer, key=lambda w: int(w.rsplit("w", 1)[1])):
        with tempfile.TemporaryDirectory() as tmp:
            first, second = Path(tmp, f"{writer}.jsonl"), Path(tmp, "blind.jsonl")
            rows_w = [
                r for cluster_dir, _ in by_writer[writer] for r in _rows(cluster_dir / "passes" / f"{writer}.jsonl")
            ]
            rows_b = [
                r for cluster_dir, blind in by_writer[writer] for r in _rows(cluster_dir / "passes" / f"{blind}.jsonl")
            ]
            _write_jsonl(first, [{**r, "annotator": writer} for r in rows_w])
            _write_jsonl(second, [{**r, "annotator": "blind"} for r in rows_b])
            totals["first"] += [{**r, "annotator": "writers"} for r in rows_w]
            totals["second"] += [{**r, "annotator": "blind"} for r in rows_b]
            result = agreement(bench, [(writer, str(first)), ("blind", str(second))])
        pair = result["all_cells"]["pairs"][0]
        decided = [0, 0, 0]
        for cluster_dir, blind in by_writer[writer]:
            for record in _rows(cluster_dir / "adjudication" / f"adjudication-{writer}-{blind}.jsonl"):
                k = 0 if record["decision"] == record[writer] else 1 if record["decision"] == record[blind] else 2
                decided[k] += 1
        lines.append(
            f"| {writer} | {len(by_writer[writer])} | {result['all_cells']['cells']} | {pair['kappa']:.3f} | "
            f"{pair['link']['F1']:.3f} | {pair['sure_link']['F1']:.3f} | {sum(decided)} | {' / '.join(map(str, decided))} |"
        )
    with tempfile.TemporaryDirectory() as tmp:
        first, second = Path(tmp, "writers.jsonl"), Path(tmp, "blind.jsonl")
        _write_jsonl(first, totals["first"])
        _write_jsonl(second, totals["second"])
        result = agreement(bench, [("writers", str(first)), ("blind", str(second))])
    pair = result["all_cells"]["pairs"][0]
    n = sum(len(v) for v in by_writer.values())
    lines.append(
        f"| all | {n} | {result['all_cells']['cells']} | {pair['kappa']:.3f} | {pair['link']['F1']:.3f} | "
        f"{pair['sure_link']['F1']:.3f} | | |"
    )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], allow_abbrev=False)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare", allow_abbrev=False)
    p.add_argument("pass_dir", type=Path)
    p.add_argument("name")
    p.add_argument("out", type=Path)
    a = sub.add_parser("apply", allow_abbrev=False)
    a.add_argument("decisions_dir", type=Path)
    a.add_argument("name")
    a.add_argument("adjudicator")
    g = sub.add_parser("agreement", allow_abbrev=False)
    g.add_argument("name")
    sub.add_parser("summary", allow_abbrev=False)
    args = parser.parse_args()
    if args.command == "summary":
        sys.stdout.write(summary())
        return 0
    if args.command == "prepare":
        prepare(args.pass_dir, args.name, args.out)
    elif args.command == "apply":
        apply(args.decisions_dir, args.name, args.adjudicator)
    else:
        agreements(args.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
