"""Benchmark: a large iSTS-like import (two one-sentence articles per cluster), imported and evaluated.

An iSTS import makes every sentence pair a cluster of two articles, so a big import has tens of
thousands of articles but only one article pair per cluster. Issue 18 (item 9) found a dense
articles x articles table in the candidate space: 16.7 GB at 45,360 articles. This script writes a
**synthetic** release in the iSTS-2016 layout (invented headline-like sentences, no third-party
text): the headlines test file holds ``--pairs`` sentence pairs (default 22,680: 45,360 articles),
every other file a few pairs. Then, each a child process of the installed CLI with its own wall time
and peak RSS (``os.wait4``, as ``benchmarks/scale.py`` measures it):

1. ``alignbench import ists2016 SRC -o OUT`` (three dataset folders of two splits);
2. ``alignbench eval --aligner tfidf --data OUT/headlines --split test`` (one system, 1,000 resamples);
3. ``alignbench eval --baselines --data OUT/headlines --split test`` (the 5 baselines).

Run: ``python benchmarks/import_scale.py [--pairs N] [--workdir W] [--runs R] [--skip-baselines]``
(W: default a new temporary folder; the release and import are written once and reused when W is
given again). Nothing here is run by the test suite.

Each sentence has 3-6 chunks of 1-4 tokens; sentence 2 rewrites sentence 1 chunk by chunk (the same
chunk: EQUI 5; a modifier added or dropped: SPE2/SPE1 4; another number or name: SIMI 3; another
verb: OPPO 4; a chunk left out or added: NOALI), so both sides are aligned the way iSTS is.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# sibling module of this script (benchmarks/ is not a package)
from measure import alignbench_command, machine, run_child

#: The release layout (as ``alignbench.sources.importers.ists2016.RELEASE_FILES``, repeated here so
#: that writing a release does not import alignbench).
RELEASE_FILES = {
    ("train", "headlines"): "train/train_2015_10_22.utf-8/STSint.input.headlines",
    ("train", "images"): "train/train_2015_10_22.utf-8/STSint.input.images",
    ("train", "answers-students"): "train/train_students_answers_2015_10_27.utf-8/STSint.input.answers-students",
    ("test", "headlines"): "test/test_goldStandard/STSint.testinput.headlines",
    ("test", "images"): "test/test_goldStandard/STSint.testinput.images",
    ("test", "answers-students"): "test/test_goldStandard/STSint.testinput.answers-students",
}
#: Pairs of every file but headlines test.
SMALL_FILE_PAIRS = 20
DEFAULT_PAIRS = 22_680  # 45,360 articles, the size of issue 18's import

_SYLLABLES = ["ka", "lo", "mi", "ra", "te", "vu", "son", "del", "mar", "tik", "bel", "nor", "sa", "gu"]
_NOUNS = ["council", "port", "bridge", "market", "ferry", "school", "clinic", "festival", "team", "mine", "court"]
_VERBS = [("opens", "closes"), ("wins", "loses"), ("rises", "falls"), ("backs", "rejects"), ("starts", "ends")]
_MODIFIERS = ["new", "old", "local", "main", "northern", "small", "regional"]
_PLACES = ["in", "near", "outside", "at"]


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3)))


def _sentence(rng: random.Random) -> list[list[str]]:
    """The chunks of one invented headline (3-6 chunks)."""
    chunks = [[rng.choice(_MODIFIERS), rng.choice(_NOUNS)] if rng.random() < 0.5 else [rng.choice(_NOUNS)]]
    chunks.append([rng.choice(_VERBS)[0]])
    chunks.append([str(rng.randint(2, 900)), rng.choice(_NOUNS) + "s"])
    for _ in range(rng.randint(0, 3)):
        chunks.append([rng.choice(_PLACES), _name(rng)] if rng.random() < 0.6 else ["on", _name(rng), "day"])
    return chunks


def _rewrite(rng: random.Random, chunk: list[str]) -> tuple[list[str] | None, str, str]:
    """Sentence 2's version of one chunk of sentence 1: (tokens or None, type, score)."""
    roll = rng.random()
    if roll < 0.45:
        return list(chunk), "EQUI", "5"
    if roll < 0.6:
        if len(chunk) > 1 and chunk[0] in _MODIFIERS:
            return chunk[1:], "SPE1", "4"
        return [rng.choice(_MODIFIERS), *chunk], "SPE2", "4"
    if roll < 0.75 and chunk[0].isdigit():
        return [str(int(chunk[0]) + rng.randint(1, 50)), *chunk[1:]], "SIMI", "3"
    if roll < 0.75:
        return [*chunk[:-1], _name(rng)], "SIMI", "3"
    if roll < 0.85 and any(chunk[0] == a for a, _ in _VERBS):
        return [dict(_VERBS)[chunk[0]]], "OPPO", "4"
    if roll < 0.92:
        return None, "NOALI", "NIL"
    return list(chunk), "EQUI", "5"


def _pair(rng: random.Random, pair_id: int) -> tuple[str, str, str]:
    """One pair's ``.wa`` block and its two ``[ chunk ]`` lines."""
    chunks1 = _sentence(rng)
    chunks2: list[list[str]] = []
    lines: list[tuple[list[int], list[int], str, str]] = []
    n1 = 0
    n2 = 0
    for chunk in chunks1:
        ids1 = list(range(n1 + 1, n1 + len(chunk) + 1))
        n1 += len(chunk)
        other, kind, score = _rewrite(rng, chunk)
        if other is None:
            lines.append((ids1, [], "NOALI", "NIL"))
            continue
        ids2 = list(range(n2 + 1, n2 + len(other) + 1))
        n2 += len(other)
        chunks2.append(other)
        lines.append((ids1, ids2, kind, score))
    if rng.random() < 0.3 or not chunks2:  # a chunk only sentence 2 has
        extra = ["says", _name(rng)]
        chunks2.append(extra)
        lines.append(([], list(range(n2 + 1, n2 + 3)), "NOALI", "NIL"))
        n2 += 2
    tokens1 = [t for c in chunks1 for t in c]
    tokens2 = [t for c in chunks2 for t in c]

    def text(ids: list[int], tokens: list[str]) -> str:
        return " ".join(tokens[i - 1] for i in ids) if ids else "-not aligned-"

    block = [f'<sentence id="{pair_id}" status="">', "// " + " ".join(tokens1), "// " + " ".join(tokens2), "<source>"]
    block += [f"{i} {t} :" for i, t in enumerate(tokens1, start=1)]
    block += ["</source>", "<translation>"]
    block += [f"{i} {t} :" for i, t in enumerate(tokens2, start=1)]
    block += ["</translation>", "<alignment>"]
    for ids1, ids2, kind, score in lines:
        side1 = " ".join(map(str, ids1)) or "0"
        side2 = " ".join(map(str, ids2)) or "0"
        block.append(f"{side1} <==> {side2} // {kind} // {score} // {text(ids1, tokens1)} <==> {text(ids2, tokens2)}")
    block += ["</alignment>", "</sentence>", "", ""]
    return (
        "\n".join(block),
        " ".join(f"[ {' '.join(c)} ]" for c in chunks1),
        " ".join(f"[ {' '.join(c)} ]" for c in chunks2),
    )


def write_release(root: Path, pairs: int, seed: int = 0, train_pairs: int = SMALL_FILE_PAIRS) -> dict[str, int]:
    """Write the synthetic release under ``root`` (with ``SHA256SUMS``): ``pairs`` sentence pairs in
    headlines test, ``train_pairs`` in headlines train, a few in the other files; return the
    headlines test counts."""
    rng = random.Random(seed)
    sums = []
    counts = {"pairs": pairs, "articles": 2 * pairs, "claims": 0, "candidate_pairs": 0}
    sizes = {("test", "headlines"): pairs, ("train", "headlines"): train_pairs}
    for key, base_name in sorted(RELEASE_FILES.items()):
        n = sizes.get(key, SMALL_FILE_PAIRS)
        wa, chunk1, chunk2 = [], [], []
        for pair_id in range(1, n + 1):
            block, line1, line2 = _pair(rng, pair_id)
            wa.append(block)
            chunk1.append(line1 + "\n")
            chunk2.append(line2 + "\n")
            if key == ("test", "headlines"):
                c1, c2 = line1.count("["), line2.count("[")
                counts["claims"] += c1 + c2
                counts["candidate_pairs"] += c1 * c2
        base = root / base_name
        base.parent.mkdir(parents=True, exist_ok=True)
        for suffix, parts in ((".wa", wa), (".sent1.chunk.txt", chunk1), (".sent2.chunk.txt", chunk2)):
            data = "".join(parts).encode("utf-8")
            base.with_name(base.name + suffix).write_bytes(data)
            sums.append(f"{hashlib.sha256(data).hexdigest()}  {base_name}{suffix}")
    (root / "SHA256SUMS").write_text("\n".join(sums) + "\n", encoding="utf-8")
    (root / "SYNTHETIC.md").write_text(
        f"SYNTHETIC release in the iSTS-2016 layout written by benchmarks/import_scale.py: {pairs} pairs, "
        f"seed {seed}. Invented sentences, not the SemEval data.\n",
        encoding="utf-8",
    )
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], allow_abbrev=False)
    parser.add_argument(
        "--pairs", type=int, default=DEFAULT_PAIRS, help=f"headlines test pairs (default: {DEFAULT_PAIRS:,})"
    )
    parser.add_argument("--workdir", default=None, help="keep the release and import here (default: a temp folder)")
    parser.add_argument("--runs", type=int, default=1, help="runs of each eval command (default: 1)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-baselines", action="store_true", help="leave out 'eval --baselines'")
    args = parser.parse_args()
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="alignbench-import-scale-"))
    release, out = workdir / f"release-{args.pairs}-{args.seed}", workdir / f"import-{args.pairs}-{args.seed}"
    cli = alignbench_command()
    counts = write_release(release, args.pairs, args.seed) if not release.is_dir() else None
    if counts is None:  # reused: count again without writing (same generator, same seed)
        with tempfile.TemporaryDirectory() as tmp:
            counts = write_release(Path(tmp), args.pairs, args.seed)
    rows = []
    if not out.is_dir():
        seconds, rss = run_child([*cli, "import", "ists2016", str(release), "-o", str(out)])
        rows.append(("`alignbench import ists2016 SRC -o OUT` (3 subsets, 2 splits)", [seconds], [rss]))
    data = ["--data", str(out / "headlines"), "--split", "test"]
    commands = {"`alignbench eval --aligner tfidf ... --split test`": ["eval", "--aligner", "tfidf", *data]}
    if not args.skip_baselines:
        commands["`alignbench eval --baselines ... --split test`"] = ["eval", "--baselines", *data]
    for name, command in commands.items():
        measured = [run_child([*cli, *command]) for _ in range(args.runs)]
        rows.append((name, [s for s, _ in measured], [r for _, r in measured]))
    print(f"machine: {machine()}")
    print(
        f"headlines test: {counts['pairs']:,} pairs, {counts['articles']:,} articles, {counts['claims']:,} claims, "
        f"{counts['candidate_pairs']:,} candidate pairs; work folder {workdir}"
    )
    print("| command | runs | median wall | peak RSS (max) |")
    print("|---|---:|---:|---:|")
    for name, seconds, rss in rows:
        print(f"| {name} | {len(seconds)} | {statistics.median(seconds):.2f} s | {max(rss) / 2**20:,.0f} MiB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
