"""One workbench session: what the page of a pass or an adjudication loads, and how its work is saved.

A save is refused, and nothing is written, when a file the page loaded changed on disk since (a
*conflict*: the page keeps its work and says which file), or when the new files would not pass
``alignbench validate`` (each problem is sent to the page with the claim, link or article and the
field it concerns). The only problems tolerated are those of work not done yet: a cluster without
``claims.jsonl`` or without gold ``alignments.jsonl``.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alignbench.annotate.guide import guide
from alignbench.annotate.problems import SaveRefused, describe
from alignbench.records import RELATIONS, DataError
from alignbench.sources.edit import (
    check_cluster,
    claims_text,
    links_text,
    read_or_none,
    sha256_text,
    with_kept_ranges,
    write_files,
)
from alignbench.sources.links import PASS_UNITS, _pass_files
from alignbench.sources.passes import considered_path, considered_text
from alignbench.sources.tags import PHENOMENON_TAGS


@dataclass
class Session:
    """A workbench on one cluster: a pass (``pass_name``) or an adjudication (``adjudicate``)."""

    root: Path
    cluster: str
    pass_name: str | None = None
    adjudicate: tuple[str, str] | None = None
    adjudicator: str = "adj"
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))

    @property
    def corpus(self) -> str:
        return f"corpus/{self.cluster}"

    @property
    def annotations(self) -> str:
        return f"annotations/{self.cluster}"

    @property
    def draft_key(self) -> str:
        """The name of this session's draft (see :mod:`alignbench.annotate.drafts`)."""
        return self.pass_name or "adjudicate-" + "-".join(self.adjudicate or ())

    def watched(self) -> list[str]:
        """The files the page's state is built from: a save is refused if any changed since it loaded."""
        files = [f"{self.corpus}/articles.jsonl", f"{self.annotations}/claims.jsonl"]
        if self.pass_name:
            files += [self.pass_file(self.pass_name), self.considered_file(self.pass_name)]
        else:
            files += [self.pass_file(n) for n in self.adjudicate or ()]
            files += [f"{self.annotations}/alignments.jsonl", self.adjudication_file(), self.agreement_file()]
        return files

    def pass_file(self, name: str) -> str:
        return f"{self.annotations}/passes/{name}.jsonl"

    def considered_file(self, name: str) -> str:
        return considered_path(Path(self.annotations), name).as_posix()

    def agreement_file(self) -> str:
        return f"{self.annotations}/adjudication/agreement-{'-'.join(self.adjudicate or ())}.json"

    def adjudication_file(self) -> str:
        return f"{self.annotations}/adjudication/adjudication-{'-'.join(self.adjudicate or ())}.jsonl"

    def read(self, relative: str) -> bytes | None:
        return read_or_none(self.root / relative)

    def hashes(self) -> dict[str, str | None]:
        return {name: sha256_text(self.read(name)) for name in self.watched()}

    def rows(self, relative: str) -> list[dict[str, Any]]:
        data = self.read(relative)
        return [json.loads(x) for x in (data or b"").decode("utf-8").splitlines() if x.strip()]

    def other_work(self) -> list[str]:
        """Why the claims and kept ranges cannot change in this session ([] if they can): other passes'
        or the gold's links name the claims by id, and only their authors may change those files."""
        folder = self.root / self.annotations
        others = [p.stem for p in _pass_files(folder) if p.stem != self.pass_name]
        reasons = [f"pass {name} links them" for name in others]
        if (folder / "alignments.jsonl").exists():
            reasons.append("the gold (alignments.jsonl) links them")
        if self.adjudicate:
            reasons.append("this is an adjudication")
        return reasons

    def base_state(self) -> dict[str, Any]:
        """What every page needs: the articles, the claims, the relations, tags and guidelines."""
        articles = []
        for row in self.rows(f"{self.corpus}/articles.jsonl"):
            raw = (self.root / self.corpus / f"{row['article_id']}.txt").read_bytes().decode("utf-8")
            keep = ("article_id", "title", "source", "kept_ranges")
            articles.append({**{k: row.get(k) for k in keep}, "raw_text": raw})
        return {
            "cluster": self.cluster,
            "articles": sorted(articles, key=lambda a: a["article_id"]),
            "claims": self.rows(f"{self.annotations}/claims.jsonl"),
            "relations": list(RELATIONS),
            "tags": PHENOMENON_TAGS,
            "guide": guide(self.root),
            "locked": self.other_work(),
            "base": self.hashes(),
        }

    def state(self) -> dict[str, Any]:
        """The page's state. A pass sees only its own links: never the gold nor another pass (blind)."""
        state = self.base_state()
        if self.pass_name:
            data = self.read(self.considered_file(self.pass_name))
            cells = json.loads(data) if data else {}
            state.update(
                mode="pass",
                pass_name=self.pass_name,
                links=self.rows(self.pass_file(self.pass_name)),
                considered=[[a, b] for a, bs in cells.items() for b in bs],
            )
        else:
            from alignbench.annotate.adjudicate import adjudication_state

            state.update(mode="adjudicate", **adjudication_state(self))
        return state

    def check_conflicts(self, base: dict[str, Any]) -> None:
        """Refuse (409) when a watched file differs from what the page loaded."""
        changed = [name for name, digest in self.hashes().items() if base.get(name, "missing") != digest]
        if changed:
            raise SaveRefused(
                409,
                {
                    "conflict": changed,
                    "message": f"{', '.join(changed)} changed on disk since this page loaded it: nothing was saved. "
                    "Your work is kept in this page and as a draft; reload to see the files as they are now.",
                },
            )

    def save(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Check and write the page's work; return the new base hashes and what was written."""
        self.check_conflicts(payload.get("base") or {})
        if self.pass_name:
            changes, owners = self._pass_changes(payload)
        else:
            from alignbench.annotate.adjudicate import adjudication_changes

            changes, owners = adjudication_changes(self, payload)
        changes = {k: v for k, v in changes.items() if self.read(k) != v}
        problems = [p for p in check_cluster(self.root, self.cluster, changes) if not self._pending(p, changes)]
        if problems:
            raise SaveRefused(
                422,
                {
                    "problems": [describe(p, owners) for p in problems],
                    "message": f"{len(problems)} problem(s): nothing was saved",
                },
            )
        written = write_files(self.root, changes)
        return {"written": written, "base": self.hashes()}

    def _pending(self, problem: str, changes: dict[str, bytes]) -> bool:
        """Whether a problem only says that work is not done yet (no claims or no gold so far)."""
        for name in ("claims.jsonl", "alignments.jsonl"):
            relative = f"{self.annotations}/{name}"
            if problem == f"{relative}: file not found" and relative not in changes:
                return True
        return False

    def _pass_changes(self, payload: dict[str, Any]) -> tuple[dict[str, bytes], dict[str, list]]:
        """The files a pass's save writes, and what each line of them is (for naming problems)."""
        claims = list(payload.get("claims") or [])
        links = [{**x, "annotator": self.pass_name} for x in payload.get("links") or []]
        cells = [tuple(c) for c in payload.get("considered") or []]
        articles_path, claims_path = f"{self.corpus}/articles.jsonl", f"{self.annotations}/claims.jsonl"
        articles_text = (self.read(articles_path) or b"").decode("utf-8")
        changes = {articles_path: with_kept_ranges(articles_text, payload.get("kept_ranges") or {}).encode("utf-8")}
        if claims or self.read(claims_path) is not None:
            changes[claims_path] = claims_text(claims).encode("utf-8")
        if self.other_work():  # compared by content: a hand-formatted file is not "changed" by being re-serialised
            same_claims = claims == self.rows(claims_path)
            same_ranges = changes[articles_path].decode("utf-8") == articles_text
            if not (same_claims and same_ranges):
                raise SaveRefused(
                    422,
                    {
                        "problems": [
                            {"message": f"the claims and kept ranges are fixed: {'; '.join(self.other_work())}"}
                        ],
                        "message": "nothing was saved",
                    },
                )
            del changes[articles_path]
            changes.pop(claims_path, None)
        pass_path = self.pass_file(self.pass_name or "")
        if links or self.read(pass_path) is not None:
            changes[pass_path] = links_text(links).encode("utf-8")
        if cells or self.read(self.considered_file(self.pass_name or "")) is not None:
            changes[self.considered_file(self.pass_name or "")] = considered_text(cells).encode("utf-8")
        articles = [json.loads(x)["article_id"] for x in articles_text.splitlines() if x.strip()]
        owners = {
            articles_path: [("article", a) for a in articles],
            claims_path: [("claim", c.get("claim_id")) for c in claims],
            pass_path: [("link", f"{x['claim_a']} - {x['claim_b']}") for x in _sorted_links(links)],
        }
        return changes, owners


def _sorted_links(links: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(links, key=lambda x: (x["claim_a"], x["claim_b"]))


def open_session(
    root: Path, cluster: str, pass_name: str | None, adjudicate: list[str] | None, adjudicator: str = "adj"
) -> Session:
    """A session on ``cluster``, after checking that its articles can be read (one line per problem)."""
    if not (root / "corpus" / cluster / "articles.jsonl").is_file():
        raise DataError(
            f"{root / 'corpus' / cluster / 'articles.jsonl'}: no articles in cluster {cluster!r} "
            "(alignbench new-cluster, then alignbench add-article)"
        )
    session = Session(root, cluster, pass_name, tuple(adjudicate) if adjudicate else None, adjudicator)
    broken = [
        p for p in check_cluster(root, cluster, {}) if not session._pending(p, {}) and "aggregator chrome" not in p
    ]
    if broken:
        raise DataError(
            [*broken, f"fix these first (alignbench validate {root}): the workbench starts on a sound cluster"]
        )
    if (root / session.annotations / "passes" / PASS_UNITS).exists():
        raise DataError(
            f"{root / session.annotations / 'passes' / PASS_UNITS}: the passes of {cluster!r} were made on earlier "
            "claim units; a new pass or adjudication here would be checked against those"
        )
    if adjudicate:
        from alignbench.annotate.adjudicate import check_adjudicable

        check_adjudicable(session)
    return session
