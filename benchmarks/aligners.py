"""Benchmark: baseline aligners on SYNTHETIC claim sets vs the raw library calls and a naive loop.

Synthetic "news-like" sentences of 10-40 words are drawn from a Zipf-weighted vocabulary (with
numbers and named entities mixed in); they are generated here and are not benchmark data. For each
size (300 x 300 and 3,000 x 3,000 with every baseline, 10,000 x 10,000 with the TF-IDF ones) the
script compares each aligner's ``score`` with the best plain library call that gives the same
scores, like for like:

- TF-IDF: one ``TfidfVectorizer.fit_transform`` of all texts, one sparse product, ``toarray``;
- fuzzy: ``rapidfuzz.process.cdist`` with the same scorer, processor and number of threads (the
  aligner's default ``workers=-1`` against ``workers=-1``, and ``workers=1`` against ``workers=1``).

The aligner and its raw call run as alternating A/B pairs (A B, B A, ...); the table shows the
median time of each side and the median of the paired ratios. Peak RSS growth of one ``score``
call is read in a fresh child process (``VmHWM``). The naive references are per-pair Python loops on
one core, measured on a sample of pairs and extrapolated: ``difflib.SequenceMatcher.ratio``, and
``rapidfuzz.fuzz.token_set_ratio(a, b, processor=default_process)``, which the script checks gives
exactly the scores of ``cdist``.

Run: ``python benchmarks/aligners.py [--quick] [--runs N]`` (not part of the tests).
"""

from __future__ import annotations

import argparse
import difflib
import gc
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np
from rapidfuzz import fuzz, process, utils
from sklearn.feature_extraction.text import TfidfVectorizer

from alignbench.aligners import get_aligner
from alignbench.records import Claim

WORDS = (
    "the of and to a in said on for that with was by at as from has its after officials government "
    "military north south korea korean missile missiles launch fired talks president leader summit "
    "washington pyongyang seoul sanctions nuclear statement agency reported news minister defence "
    "foreign ministry troops border east sea japan coast city region week month year day morning "
    "early late analysts expert think-tank pressure deal program weapons test tests short-range "
    "ballistic intercontinental rocket flight kilometres miles altitude range officials confirmed "
    "denied warned vowed agreed refused met meeting spokesman security council united nations china "
    "russia putin trump kim moon abe diplomatic relations negotiations stalled failed breakdown "
    "economic relief aid exports imports trade energy oil fuel ships vessels navy air force drills "
    "exercises joint forces alliance allies threat threats response condemned welcomed called"
).split()


def synthetic_claims(n: int, prefix: str, rng: np.random.Generator) -> list[Claim]:
    """``n`` SYNTHETIC news-like sentences of 10-40 words."""
    weights = 1.0 / np.arange(1, len(WORDS) + 1)
    weights /= weights.sum()
    claims = []
    for i in range(n):
        words = list(rng.choice(WORDS, size=int(rng.integers(10, 41)), p=weights))
        words[int(rng.integers(0, len(words)))] = str(int(rng.integers(1, 500)))
        text = " ".join(words).capitalize() + "."
        claims.append(Claim(f"{prefix}-{i:05d}", prefix, 0, len(text), text, text, None))
    return claims


def paired(fn_a, fn_b, runs: int) -> tuple[float, float, float]:
    """(median time of ``fn_a``, of ``fn_b``, median of the paired ratios a/b) over ``runs`` A/B pairs.

    The two calls alternate (A B, B A, A B, ...), so that drift in the machine's load hits both
    sides of each pair alike; the median of the per-pair ratios is then a like-for-like figure.
    """
    times_a, times_b = [], []
    for i in range(runs):
        for which in "ab" if i % 2 == 0 else "ba":
            gc.collect()
            t0 = time.perf_counter()
            (fn_a if which == "a" else fn_b)()
            (times_a if which == "a" else times_b).append(time.perf_counter() - t0)
    ratios = [x / y for x, y in zip(times_a, times_b, strict=True)]
    return statistics.median(times_a), statistics.median(times_b), statistics.median(ratios)


def timed(fn, runs: int) -> float:
    """Median wall time of ``runs`` calls of ``fn``."""
    times = []
    for _ in range(runs):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _status_mib(field: str) -> float:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024  # kB
    raise RuntimeError(f"no {field} in /proc/self/status")


def peak_mib(name: str, params: dict, n: int) -> float:
    """Peak RSS growth of one ``score`` call, in a fresh child process (native memory included)."""
    out = subprocess.run(
        [sys.executable, __file__, "--memory", name, json.dumps(params), str(n)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(out.strip())


def _memory_child(name: str, params: dict, n: int) -> None:
    rng = np.random.default_rng(0)
    a, b = synthetic_claims(10_000, "syn-a", rng)[:n], synthetic_claims(10_000, "syn-b", rng)[:n]
    aligner = get_aligner(name, **params)
    aligner.score(a[:2], b[:2])  # import and warm up the libraries before the baseline reading
    gc.collect()
    with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
        handle.write("5")  # reset the peak RSS (VmHWM) to the current RSS
    before = _status_mib("VmRSS")
    aligner.score(a, b)
    print(f"{_status_mib('VmHWM') - before:.0f}")


def raw_tfidf(analyzer: str, ngrams: tuple[int, int]):
    """The best plain scikit-learn call for the same scores: one ``fit_transform`` of all texts, one product."""

    def call(a: list[str], b: list[str]) -> np.ndarray:
        vec = TfidfVectorizer(analyzer=analyzer, ngram_range=ngrams, sublinear_tf=True)
        x = vec.fit_transform(a + b)
        return (x[: len(a)] @ x[len(a) :].T).toarray()

    return call


def raw_cdist(workers: int):
    """``rapidfuzz.process.cdist`` with the fuzzy aligner's scorer and processor on ``workers`` threads."""

    def call(a: list[str], b: list[str]) -> np.ndarray:
        return process.cdist(
            a, b, scorer=fuzz.token_set_ratio, processor=utils.default_process, dtype=np.float32, workers=workers
        )

    return call


def naive_rapidfuzz(x: str, y: str) -> float:
    """One rapidfuzz call per pair, same scorer and processor as the fuzzy aligner (so the same scores)."""
    return fuzz.token_set_ratio(x, y, processor=utils.default_process)


def naive_pairs_per_second(a: list[str], b: list[str], scorer, seconds: float = 1.5) -> float:
    """Pairs per second of a per-pair Python loop over ``a`` x ``b`` (one core), run for ``seconds``."""
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for y in b:
            scorer(a[n % len(a)], y)
        n += 1
    return n * len(b) / (time.perf_counter() - t0)


#: Measured variants: (label, registered aligner, its parameters, the raw call it wraps or None).
VARIANTS = [
    ("tfidf", "tfidf", {}, raw_tfidf("word", (1, 2))),
    ("tfidf-char", "tfidf-char", {}, raw_tfidf("char_wb", (3, 5))),
    ("fuzzy (2 threads)", "fuzzy", {}, raw_cdist(-1)),
    ("fuzzy (1 thread)", "fuzzy", {"workers": 1}, raw_cdist(1)),
    ("random", "random", {}, None),
    ("all-pairs", "all-pairs", {}, None),
]


def main() -> None:
    parser = argparse.ArgumentParser(allow_abbrev=False, description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="300 x 300 only, 3 A/B pairs")
    parser.add_argument("--runs", type=int, help="A/B pairs per row (default: 5, 3 with --quick)")
    parser.add_argument("--memory", nargs=3, metavar=("ALIGNER", "PARAMS", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory:
        _memory_child(args.memory[0], json.loads(args.memory[1]), int(args.memory[2]))
        return
    runs = args.runs or (3 if args.quick else 5)
    rng = np.random.default_rng(0)
    pool_a, pool_b = synthetic_claims(10_000, "syn-a", rng), synthetic_claims(10_000, "syn-b", rng)
    texts_a, texts_b = [c.text for c in pool_a[:300]], [c.text for c in pool_b[:300]]
    sample = np.array([[naive_rapidfuzz(x, y) for y in texts_b[:30]] for x in texts_a[:30]], dtype=np.float32)
    if not np.array_equal(sample, raw_cdist(1)(texts_a[:30], texts_b[:30])):
        raise SystemExit("the naive rapidfuzz loop does not give the scores of cdist: not like for like")
    difflib_rate = naive_pairs_per_second(
        texts_a, texts_b[:50], lambda x, y: difflib.SequenceMatcher(None, x, y).ratio()
    )
    rf_rate = naive_pairs_per_second(texts_a, texts_b, naive_rapidfuzz)
    print(
        f"python {sys.version.split()[0]}, numpy {np.__version__}, {os.cpu_count()} cores; SYNTHETIC claims, mean "
        f"{np.mean([len(c.text.split()) for c in pool_a]):.1f} words; {runs} A/B pairs per row"
    )
    print(
        f"naive per-pair loops (1 core): difflib.SequenceMatcher.ratio {difflib_rate:,.0f} pairs/s, "
        f"rapidfuzz fuzz.token_set_ratio with default_process {rf_rate:,.0f} pairs/s (same scores as cdist)"
    )
    plan = [(300, [v[0] for v in VARIANTS])]
    if not args.quick:
        plan += [(3_000, [v[0] for v in VARIANTS]), (10_000, ["tfidf", "tfidf-char"])]
    print()
    print(
        "| size | aligner | aligner median | raw library call median | ratio (median of paired) | pairs/s | peak RSS growth MiB | naive difflib loop (extrap.) | naive rapidfuzz loop (extrap.) | speed-up vs rapidfuzz loop |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, labels in plan:
        a, b = pool_a[:n], pool_b[:n]
        ta, tb = [c.text for c in a], [c.text for c in b]
        pairs = n * n
        for label, name, params, raw_call in [v for v in VARIANTS if v[0] in labels]:
            aligner = get_aligner(name, **params)
            run_aligner = lambda aligner=aligner, a=a, b=b: aligner.score(a, b)  # noqa: E731
            if raw_call is not None:
                t_aligner, t_raw, ratio = paired(run_aligner, lambda f=raw_call, ta=ta, tb=tb: f(ta, tb), runs)
                raw, shown_ratio = f"{t_raw:.3f} s", f"{ratio:.2f}"
            else:
                t_aligner, raw, shown_ratio = timed(run_aligner, runs), "-", "-"
            mem = peak_mib(name, params, n)
            print(
                f"| {n:,} x {n:,} | {label} | {t_aligner:.3f} s | {raw} | {shown_ratio} | {pairs / t_aligner:,.0f} | {mem:,.0f} | "
                f"{pairs / difflib_rate:,.0f} s | {pairs / rf_rate:,.1f} s | {pairs / rf_rate / t_aligner:,.0f}x |",
                flush=True,
            )


if __name__ == "__main__":
    main()
