"""A tiny hand-made benchmark for metric tests: article x (3 claims) and article y (4 claims).

Gold links:  x-1 ~ y-1 equivalent,  x-2 ~ y-2 contradiction,  x-2 ~ y-3 related,
             x-3 ~ y-1 b_more_specific.   y-4 is the only claim with no link.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from alignbench.records import Alignment, Article, Benchmark, Claim


def make_article(aid: str, cluster: str = "c1") -> Article:
    """A placeholder article (one-character text) for tests that need only its ids."""
    return Article(
        aid,
        cluster,
        "unknown",
        None,
        None,
        None,
        None,
        "test",
        "en",
        None,
        "test",
        None,
        "0" * 64,
        ((0, 1),),
        None,
        "x",
    )


def run_on_terminal(command: Sequence[str], columns: int = 100) -> tuple[int, bytes, bytes]:
    """Run ``command`` with stderr on a pseudo-terminal: (exit status, stdout, what the terminal showed)."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))  # a new pty is 0 columns wide
    proc = subprocess.Popen(list(command), stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    shown = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        shown.append(chunk)
    os.close(master)
    out, _ = proc.communicate(timeout=300)
    return proc.returncode, out, b"".join(shown)


def tiny_benchmark(second_cluster: bool = False) -> Benchmark:
    def claim(cid: str) -> Claim:
        return Claim(cid, cid.rsplit("-", 1)[0], 0, 1, cid, cid, None)

    articles = [make_article("x"), make_article("y")]
    claims = [claim(c) for c in ("x-1", "x-2", "x-3", "y-1", "y-2", "y-3", "y-4")]
    if second_cluster:
        articles += [make_article("z", "c2"), make_article("zz", "c2")]
        claims += [claim("z-1"), claim("zz-1")]
    links = [
        Alignment("x-1", "y-1", "equivalent", "r", "t"),
        Alignment("x-2", "y-2", "contradiction", "r", "t"),
        Alignment("x-2", "y-3", "related", "r", "t"),
        Alignment("x-3", "y-1", "b_more_specific", "r", "t"),
    ]
    return Benchmark(tuple(articles), tuple(claims), tuple(links))


#: Predictions with a reversed pair (y-1/x-3, normalised to b_more_specific), a three-way tie at
#: 0.8 (two gold, one not), a wrong label (x-2/y-2 equivalent for contradiction), a false positive
#: (x-1/y-2 related), a missed possible link (x-2/y-3 none) and five candidates left out.
PREDICTIONS = [
    {"claim_a": "x-1", "claim_b": "y-1", "score": 0.9, "label": "equivalent"},
    {"claim_a": "y-1", "claim_b": "x-3", "score": 0.8, "label": "a_more_specific"},
    {"claim_a": "x-2", "claim_b": "y-2", "score": 0.8, "label": "equivalent"},
    {"claim_a": "x-2", "claim_b": "y-4", "score": 0.8, "label": "none"},
    {"claim_a": "x-1", "claim_b": "y-2", "score": 0.5, "label": "related"},
    {"claim_a": "x-3", "claim_b": "y-3", "score": 0.3, "label": "none"},
    {"claim_a": "x-2", "claim_b": "y-3", "score": 0.2, "label": "none"},
]


def write_jsonl(path: Path, rows: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path
