"""Adjudicating two passes into the gold: ``alignbench annotate ID --adjudicate A B``.

Both passes must be complete (every cell considered, ``passes/<name>.considered.json``). Cells where
they agree are taken as they are; each cell where they disagree (found by
:func:`alignbench.scoring.agree.agreement`, the figures of ``alignbench agree``) is decided by the
adjudicator, with a reason. The save writes ``alignments.jsonl`` with, per link, ``passes`` (the
passes whose label equals the gold's) and ``adjudicated`` (decided here, not given by both passes),
``adjudication/agreement-A-B.json`` (the figures of ``alignbench agree --format json``, which the
dataset card publishes) and ``adjudication/adjudication-A-B.jsonl``: one line per disagreeing cell with both labels, the
decision, the reason, the rule and the adjudicator (as the seed cluster's adjudication records).
"""

from __future__ import annotations

import json
from typing import Any

from alignbench.annotate.problems import SaveRefused
from alignbench.records import LABELS, DataError
from alignbench.sources.edit import jsonl_line, links_text, load_cluster
from alignbench.sources.links import _pass_files
from alignbench.sources.passes import grid_cells

#: A workbench session (alignbench.annotate.session.Session, which imports this module).
Session = Any

Cell = tuple[str, str]


def _bench(session: Session):
    bench, problems = load_cluster(session.root, session.cluster)
    problems = [p for p in problems if not session._pending(p, {})]
    if problems:
        raise DataError([*problems, f"fix these first (alignbench validate {session.root})"])
    return bench


def check_adjudicable(session: Session) -> None:
    """Refuse to adjudicate passes that are missing or incomplete (not every cell considered)."""
    bench = _bench(session)
    grid = grid_cells(bench.articles, bench.claims, session.cluster)
    for name in session.adjudicate or ():
        path = session.root / session.pass_file(name)
        if not path.is_file():
            raise DataError(f"{path}: no pass {name!r} in cluster {session.cluster!r}")
        data = session.read(session.considered_file(name))
        cells = {(a, b) for a, bs in json.loads(data).items() for b in bs} if data else set()
        missing = len(grid - cells)
        if missing:
            raise DataError(
                f"{session.root / session.considered_file(name)}: pass {name!r} is not complete: {missing} of "
                f"{len(grid)} cells not considered (finish it with alignbench annotate {session.cluster} --pass {name})"
            )


def _pass_rows(session: Session) -> list[dict[Cell, dict[str, Any]]]:
    return [
        {(x["claim_a"], x["claim_b"]): x for x in session.rows(session.pass_file(name))}
        for name in session.adjudicate or ()
    ]


def agreement_result(session: Session) -> dict[str, Any]:
    """What ``alignbench agree PASS_A PASS_B --format json`` prints when run from the tree's root
    (pass files named relative to it; worked examples of the guidelines left out, as agree does)."""
    from alignbench.scoring.agree import agreement

    guidelines = session.root / "annotations" / "GUIDELINES.md"
    passes = [(name, str(session.root / session.pass_file(name))) for name in session.adjudicate or ()]
    result = agreement(_bench(session), passes, None, guidelines)
    for item, name in zip(result["passes"], session.adjudicate or (), strict=True):
        item["file"] = session.pass_file(name)
    if result["excluded"]["source"]:
        result["excluded"]["source"] = "annotations/GUIDELINES.md (worked examples)"
    return result


def disagreements(session: Session, result: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The cells where the two passes differ, in grid order, with both labels and rationales."""
    rows = _pass_rows(session)
    names = list(session.adjudicate or ())
    return [
        {
            **cell,
            "tags": {
                name: rows[k].get((cell["claim_a"], cell["claim_b"]), {}).get("tags", [])
                for k, name in enumerate(names)
            },
        }
        for cell in (result or agreement_result(session))["disagreements"]
    ]


def adjudication_state(session: Session) -> dict[str, Any]:
    """What the adjudication page shows: the disagreeing cells and the links both passes agree on."""
    result = agreement_result(session)
    cells = disagreements(session, result)
    disputed = {(c["claim_a"], c["claim_b"]) for c in cells}
    first, second = _pass_rows(session)
    pair = result["all_cells"]["pairs"][0]
    agreed = [x for key, x in first.items() if key not in disputed and key in second]
    return {
        "passes": list(session.adjudicate or ()),
        "adjudicator": session.adjudicator,
        "disagreements": cells,
        "agreed_links": len(agreed),
        "gold_links": len(session.rows(f"{session.annotations}/alignments.jsonl")),
        "agreement": {"cells": result["all_cells"]["cells"], "kappa": pair["kappa"], "link_f1": pair["link"]["F1"]},
    }


def adjudication_changes(session: Session, payload: dict[str, Any]) -> tuple[dict[str, bytes], dict[str, list]]:
    """The gold and the adjudication record that the decisions give (problems name the cell)."""
    names = list(session.adjudicate or ())
    order = [p.stem for p in _pass_files(session.root / session.annotations)]  # file order, as validate wants
    rows = _pass_rows(session)
    decisions: dict[str, dict[str, Any]] = payload.get("decisions") or {}
    result = agreement_result(session)
    cells = disagreements(session, result)
    disputed = {(c["claim_a"], c["claim_b"]) for c in cells}
    gold: list[dict[str, Any]] = []
    for key, link in rows[0].items():
        if key not in disputed:  # both passes gave this label
            fields = {
                k: link[k] for k in ("claim_a", "claim_b", "relation", "rationale", "annotator", "tags") if k in link
            }
            gold.append({**fields, "passes": sorted(names, key=order.index), "adjudicated": False})
    records, problems = [], []
    for cell in cells:
        key = f"{cell['claim_a']}|{cell['claim_b']}"
        decision = decisions.get(key) or {}
        relation = decision.get("relation")
        if relation not in LABELS:
            problems.append(
                {"kind": "cell", "id": key.replace("|", " - "), "field": "relation", "message": "not decided yet"}
            )
            continue
        reason = " ".join(str(decision.get("rationale") or "").split())
        if not reason:
            problems.append(
                {
                    "kind": "cell",
                    "id": key.replace("|", " - "),
                    "field": "rationale",
                    "message": "give the reason for the decision",
                }
            )
            continue
        labels = cell["labels"]
        records.append(
            {
                "cell": [cell["claim_a"], cell["claim_b"]],
                **{name: labels[name] for name in names},
                "decision": relation,
                "reason": reason,
                "rule": str(decision.get("rule") or "").strip() or None,
                "adjudicator": session.adjudicator,
            }
        )
        if relation != "none":
            agreeing = sorted((n for n in names if labels[n] == relation), key=order.index)
            gold.append(
                {
                    "claim_a": cell["claim_a"],
                    "claim_b": cell["claim_b"],
                    "relation": relation,
                    "rationale": reason,
                    "annotator": session.adjudicator,
                    "tags": list(decision.get("tags") or []),
                    "passes": agreeing,
                    "adjudicated": True,
                }
            )
    if problems:
        raise SaveRefused(
            422, {"problems": problems, "message": f"{len(problems)} cell(s) to decide: nothing was saved"}
        )
    gold_path = f"{session.annotations}/alignments.jsonl"
    text = links_text(gold)
    owners = {
        gold_path: [
            ("link", f"{x['claim_a']} - {x['claim_b']}")
            for x in sorted(gold, key=lambda x: (x["claim_a"], x["claim_b"]))
        ],
        session.adjudication_file(): [("cell", " - ".join(r["cell"])) for r in records],
    }
    from alignbench.views.agreement import format_agreement

    changes = {gold_path: text.encode("utf-8")}
    changes[session.agreement_file()] = format_agreement(result, "json").encode("utf-8")
    if records:
        changes[session.adjudication_file()] = "".join(jsonl_line(r) for r in records).encode("utf-8")
    return changes, owners
