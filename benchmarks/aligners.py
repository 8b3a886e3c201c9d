"""Benchmark: baseline aligners on SYNTHETIC claim sets vs the raw library calls and a naive loop.

Synthetic "news-like" sentences of 10-40 words are drawn from a Zipf-weighted vocabulary (with
numbers and named entities mixed in); they are generated here and are not benchmark data. For each
size (300 x 300 and 3,000 x 3,000 with every baseline, 10,000 x 10,000 with the TF-IDF ones) the
script reports the median wall time of 3 runs of the aligner's ``score``, of the raw library call it
wraps, their ratio, the peak memory traced by ``tracemalloc`` (a separate run), and the time a naive
per-pair Python loop would take (``difflib.SequenceMatcher.ratio`` and one
``rapidfuzz.fuzz.token_set_ratio`` call per pair), measured on a sample of pairs and extrapolated.

Run: ``python benchmarks/aligners.py [--quick]`` (not part of the tests).
"""

from __future__ import annotations

import argparse
import difflib
import gc
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


def timed(fn, runs: int) -> float:
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


def peak_mib(name: str, n: int) -> float:
    """Peak RSS growth of one ``score`` call, in a fresh child process (native memory included)."""
    out = subprocess.run(
        [sys.executable, __file__, "--memory", name, str(n)], capture_output=True, text=True, check=True
    ).stdout
    return float(out.strip())


def _memory_child(name: str, n: int) -> None:
    rng = np.random.default_rng(0)
    a, b = synthetic_claims(10_000, "syn-a", rng)[:n], synthetic_claims(10_000, "syn-b", rng)[:n]
    aligner = get_aligner(name)
    aligner.score(a[:2], b[:2])  # import and warm up the libraries before the baseline reading
    gc.collect()
    with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
        handle.write("5")  # reset the peak RSS (VmHWM) to the current RSS
    before = _status_mib("VmRSS")
    aligner.score(a, b)
    print(f"{_status_mib('VmHWM') - before:.0f}")


def raw_tfidf(analyzer: str, ngrams: tuple[int, int]):
    def call(a: list[str], b: list[str]) -> np.ndarray:
        vec = TfidfVectorizer(analyzer=analyzer, ngram_range=ngrams, sublinear_tf=True).fit(a + b)
        return (vec.transform(a) @ vec.transform(b).T).toarray()

    return call


def raw_cdist(a: list[str], b: list[str]) -> np.ndarray:
    return process.cdist(
        a, b, scorer=fuzz.token_set_ratio, processor=utils.default_process, dtype=np.float32, workers=-1
    )


def naive_pairs_per_second(a: list[str], b: list[str], scorer, seconds: float = 1.5) -> float:
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for y in b:
            scorer(a[n % len(a)], y)
        n += 1
    return n * len(b) / (time.perf_counter() - t0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="300 x 300 only, 1 run")
    parser.add_argument("--memory", nargs=2, metavar=("ALIGNER", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory:
        _memory_child(args.memory[0], int(args.memory[1]))
        return
    runs = 1 if args.quick else 3
    rng = np.random.default_rng(0)
    pool_a, pool_b = synthetic_claims(10_000, "syn-a", rng), synthetic_claims(10_000, "syn-b", rng)
    texts_a, texts_b = [c.text for c in pool_a[:300]], [c.text for c in pool_b[:300]]
    difflib_rate = naive_pairs_per_second(
        texts_a, texts_b[:50], lambda x, y: difflib.SequenceMatcher(None, x, y).ratio()
    )
    rf_rate = naive_pairs_per_second(texts_a, texts_b, fuzz.token_set_ratio)
    print(
        f"python {sys.version.split()[0]}, numpy {np.__version__}; SYNTHETIC claims, mean "
        f"{np.mean([len(c.text.split()) for c in pool_a]):.1f} words"
    )
    print(
        f"naive per-pair loops: difflib.SequenceMatcher.ratio {difflib_rate:,.0f} pairs/s, "
        f"rapidfuzz fuzz.token_set_ratio per call {rf_rate:,.0f} pairs/s"
    )
    plan = [(300, ["tfidf", "tfidf-char", "fuzzy", "random", "all-pairs"])]
    if not args.quick:
        plan += [(3_000, ["tfidf", "tfidf-char", "fuzzy", "random", "all-pairs"]), (10_000, ["tfidf", "tfidf-char"])]
    raws = {"tfidf": raw_tfidf("word", (1, 2)), "tfidf-char": raw_tfidf("char_wb", (3, 5)), "fuzzy": raw_cdist}
    print()
    print(
        "| size | aligner | aligner median | raw library call | ratio | pairs/s | peak RSS growth MiB | naive difflib loop (extrap.) | naive rapidfuzz loop (extrap.) | speed-up vs rapidfuzz loop |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, names in plan:
        a, b = pool_a[:n], pool_b[:n]
        ta, tb = [c.text for c in a], [c.text for c in b]
        pairs = n * n
        for name in names:
            aligner = get_aligner(name)
            t_aligner = timed(lambda aligner=aligner, a=a, b=b: aligner.score(a, b), runs)
            mem = peak_mib(name, n)
            if name in raws:
                t_raw = timed(lambda name=name, ta=ta, tb=tb: raws[name](ta, tb), runs)
                raw, ratio = f"{t_raw:.3f} s", f"{t_aligner / t_raw:.2f}"
            else:
                raw, ratio = "-", "-"
            print(
                f"| {n:,} x {n:,} | {name} | {t_aligner:.3f} s | {raw} | {ratio} | {pairs / t_aligner:,.0f} | {mem:,.0f} | "
                f"{pairs / difflib_rate:,.0f} s | {pairs / rf_rate:,.1f} s | {pairs / rf_rate / t_aligner:,.0f}x |",
                flush=True,
            )


if __name__ == "__main__":
    main()
