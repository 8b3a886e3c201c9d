"""Running aligners on a benchmark, baseline configs, their versioned reports and the leaderboard.

A baseline config (``baselines/configs/<name>.json``) fixes everything a run needs, decided a
priori: the aligner and its parameters, the decoder, the decision threshold and the tagger's
``equivalent_at``. The bundled data has no dev split, so nothing is tuned; the threshold origin
says so in every report. Configs tuned on another benchmark's train split by ``alignbench tune``
(``baselines/ists2016/<subset>/configs``) say where in theirs, and so does the leaderboard note. The configs ship inside the wheel (``alignbench/_baselines/configs``), so that an
installed package reproduces the leaderboard. Reports are kept like mteb's results:
``baselines/results/<name>/<dataset version>-<source hash[:12]>/report.json``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from alignbench.aligners import Aligner, check_labels, check_scores, encoded_rows, encodes, get_aligner, labels_itself
from alignbench.aligners.calls import call, frozen_rows
from alignbench.aligners.decoding import DECODERS, decode
from alignbench.aligners.relation import claim_features, tag_pairs
from alignbench.records import LABELS, Benchmark, Claim, DataError, shorten
from alignbench.scoring.predictions import Prediction, PredictionArrays
from alignbench.scoring.report import Report
from alignbench.scoring.space import CandidateSpace

CONFIG_FIELDS = {"name", "aligner", "params", "decoder", "threshold", "equivalent_at", "threshold_origin"}
NONE = LABELS.index("none")


class RunConfig(NamedTuple):
    """How to turn an aligner's scores into a prediction file."""

    name: str
    aligner: str
    params: dict[str, Any]
    decoder: str
    threshold: float
    equivalent_at: float
    threshold_origin: str


def read_config(path: str | Path) -> RunConfig:
    """A baseline config; :class:`DataError` names the file and the problem."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise DataError(f"{path}: {err.strerror}") from None
    except json.JSONDecodeError as err:
        raise DataError(f"{path}:{err.lineno}: not valid JSON ({err.msg})") from None
    if not isinstance(data, dict) or set(data) != CONFIG_FIELDS:
        got = set(data) if isinstance(data, dict) else set()
        raise DataError(
            f"{path}: a baseline config has exactly the keys {sorted(CONFIG_FIELDS)} (missing {sorted(CONFIG_FIELDS - got)}, unknown {sorted(got - CONFIG_FIELDS)})"
        )
    for key in ("name", "aligner", "decoder", "threshold_origin"):
        if not isinstance(data[key], str) or (key != "threshold_origin" and not data[key]):
            raise DataError(
                f"{path}: {key} must be a {'non-empty ' * (key != 'threshold_origin')}string, got {shorten(data[key])}"
            )
    if not isinstance(data["params"], dict) or not all(isinstance(k, str) for k in data["params"]):
        raise DataError(f"{path}: params must be an object of parameter names, got {shorten(data['params'])}")
    if data["decoder"] not in DECODERS:
        raise DataError(f"{path}: unknown decoder {data['decoder']!r} (expected one of {', '.join(DECODERS)})")
    for key in ("threshold", "equivalent_at"):
        if isinstance(data[key], bool) or not isinstance(data[key], int | float) or not math.isfinite(data[key]):
            raise DataError(f"{path}: {key} must be a finite number, got {shorten(data[key])}")
    if data["name"] != path.stem:
        raise DataError(f"{path}: name {data['name']!r} must match the file name {path.stem!r}")
    return RunConfig(**data)


def run_aligner(
    aligner: Aligner, bench: Benchmark, config: RunConfig, space: CandidateSpace | None = None
) -> PredictionArrays:
    """Score every candidate pair, decide links and tag their relations, as prediction arrays.

    An aligner with ``encode``/``similarity`` (see :mod:`alignbench.aligners`) encodes every claim
    once and is scored per article pair on row slices; any other is called with ``score`` per
    article pair. Links are decided per article pair; the decided pairs of the whole run are then
    tagged at once (:func:`~alignbench.aligners.relation.tag_pairs`).
    """
    space = space if space is not None else CandidateSpace(bench)
    if labels_itself(aligner):
        return _run_labeller(aligner, bench, space)
    claims, matrices = score_matrices(aligner, bench, space)
    scores, decided = np.empty(space.size), np.zeros(space.size, dtype=bool)
    for k, matrix in enumerate(matrices):
        block = slice(int(space.offsets[k]), int(space.offsets[k + 1]))
        scores[block] = matrix.ravel()
        decided[block] = decode(matrix, config.threshold, config.decoder).ravel()
    labels = np.full(space.size, NONE, dtype=np.int8)
    chosen = np.flatnonzero(decided)
    if len(chosen):
        features = claim_features(tuple(c.text for c in claims))
        labels[chosen] = tag_pairs(
            features, space.cand_a[chosen], space.cand_b[chosen], scores[chosen], config.equivalent_at
        )
    return PredictionArrays(np.arange(space.size, dtype=np.int64), scores, labels)


def _run_labeller(aligner: Any, bench: Benchmark, space: CandidateSpace) -> PredictionArrays:
    """A system that labels pairs itself (``predict``): its scores and labels, checked, per article pair."""
    if hasattr(aligner, "fit"):
        field = getattr(aligner, "field", "text")
        call(aligner, "fit", tuple((getattr(c, field, None) or c.text) for c in bench.claims))
    by_id = {c.claim_id: c for c in bench.claims}
    claims = [by_id[cid] for cid in space.claim_ids]
    bounds = [(int(lo), int(lo + n)) for lo, n in zip(space.article_first, space.article_size, strict=True)]
    per_article = [tuple(claims[lo:hi]) for lo, hi in bounds]
    if callable(getattr(aligner, "plan", None)):
        call(aligner, "plan", tuple((per_article[a], per_article[b]) for a, b in space.pairs))
    scores, labels = np.empty(space.size), np.full(space.size, NONE, dtype=np.int8)
    for k, (a, b) in enumerate(space.pairs):
        shape = (len(per_article[a]), len(per_article[b]))
        block = slice(int(space.offsets[k]), int(space.offsets[k + 1]))
        answer = call(aligner, "predict", per_article[a], per_article[b])
        if not isinstance(answer, tuple) or len(answer) != 2:
            raise DataError(
                f"aligner {aligner.name!r}: predict() must return (scores, labels), got {type(answer).__name__}"
            )
        scores[block] = check_scores(answer[0], shape, aligner.name, "predict() scores").ravel()
        labels[block] = check_labels(answer[1], shape, aligner.name).ravel()
    return PredictionArrays(np.arange(space.size, dtype=np.int64), scores, labels)


#: The threshold block of a report whose links and relations the system decided itself.
SYSTEM_LABELS = {"value": None, "origin": "none: the system decides its links and relations itself (predict)"}


def score_matrices(
    aligner: Aligner, bench: Benchmark, space: CandidateSpace
) -> tuple[list[Claim], Iterator[np.ndarray]]:
    """Fit the aligner on the benchmark's claims; return the claims in candidate-space order and an
    iterator over the checked score matrix of each article pair of ``space``, in order.

    The one scoring pass shared by :func:`run_aligner` and ``alignbench tune`` (which keeps the
    scores and decides at every point of its grid).
    """
    if hasattr(aligner, "fit"):
        field = getattr(aligner, "field", "text")
        call(aligner, "fit", tuple((getattr(c, field, None) or c.text) for c in bench.claims))
    by_id = {c.claim_id: c for c in bench.claims}
    claims = [by_id[cid] for cid in space.claim_ids]  # in candidate-space order: each article's claims in a run
    bounds = [(int(lo), int(lo + n)) for lo, n in zip(space.article_first, space.article_size, strict=True)]
    return claims, _score_matrices(aligner, claims, bounds, space.pairs)


def _score_matrices(
    aligner: Aligner, claims: list[Claim], bounds: list[tuple[int, int]], pairs: list[tuple[int, int]]
) -> Iterator[np.ndarray]:
    """The checked score matrix of each article pair (``bounds``: each article's slice of ``claims``)."""
    if not encodes(aligner):
        per_article = [tuple(claims[lo:hi]) for lo, hi in bounds]  # immutable: no call can change another's input
        for a, b in pairs:
            shape = (len(per_article[a]), len(per_article[b]))
            yield check_scores(call(aligner, "score", per_article[a], per_article[b]), shape, aligner.name)
        return
    encoded = call(aligner, "encode", tuple(claims)) if claims else []
    encoded_rows(encoded, len(claims), aligner.name)
    encoded = frozen_rows(encoded)
    rows = [encoded[lo:hi] for lo, hi in bounds]  # each article's rows, sliced once
    for a, b in pairs:
        shape = (bounds[a][1] - bounds[a][0], bounds[b][1] - bounds[b][0])
        if 0 in shape:
            yield np.zeros(shape)
            continue
        yield check_scores(call(aligner, "similarity", rows[a], rows[b]), shape, aligner.name, "similarity()")


def prediction_rows(space: CandidateSpace, preds: PredictionArrays) -> list[Prediction]:
    """Prediction records in candidate order, one object per row: for small runs and as the
    reference of :func:`~alignbench.scoring.predictions.write_prediction_arrays`, which writes
    the same file from the arrays."""
    return [
        Prediction(space.claim_ids[space.cand_a[i]], space.claim_ids[space.cand_b[i]], float(s), LABELS[lab])
        for i, s, lab in zip(preds.index, preds.score, preds.label, strict=True)
    ]


def system_info(config: RunConfig, aligner: Aligner) -> dict[str, Any]:
    """The ``system`` block of a report for an aligner run (a system that labels itself has no decoder)."""
    if labels_itself(aligner):
        return {
            "name": config.name,
            "aligner": config.aligner,
            "params": aligner.get_params(),
            "decoder": "system",
            "labels": "system",
            "reproducibility": reproducibility(aligner),
        }
    return {
        "name": config.name,
        "aligner": config.aligner,
        "params": aligner.get_params(),
        "decoder": config.decoder,
        "equivalent_at": config.equivalent_at,
        "reproducibility": reproducibility(aligner),
    }


def threshold_block(config: RunConfig, aligner: Aligner) -> dict[str, Any]:
    """The report's threshold block: the config's, or :data:`SYSTEM_LABELS` for a system that labels itself."""
    if labels_itself(aligner):
        return dict(SYSTEM_LABELS)
    return {"value": config.threshold, "origin": config.threshold_origin}


def reproducibility(aligner: Any) -> dict[str, Any]:
    """How far the aligner's report reproduces on another machine: ``tolerance`` (0.0: exactly) and why."""
    tolerance = getattr(aligner, "tolerance", 0.0)
    reason = getattr(aligner, "tolerance_reason", None)
    if not isinstance(tolerance, int | float) or isinstance(tolerance, bool) or not 0 <= tolerance < 1:
        raise DataError(f"aligner {aligner.name!r}: tolerance must be a number in [0, 1), got {tolerance!r}")
    return {"tolerance": float(tolerance), "reason": str(reason) if reason else "not declared"}


def aligner_environment(aligner: Any) -> dict[str, Any]:
    """The environment block of an aligner run: the scoring stack plus the aligner's ``packages``."""
    from alignbench.environment import environment

    packages = getattr(aligner, "packages", ())
    return environment([p for p in packages if isinstance(p, str)] if isinstance(packages, tuple | list) else [])


def evaluate_config(
    config: RunConfig,
    bench: Benchmark,
    dataset: dict[str, Any],
    space: CandidateSpace | None = None,
    fit: Benchmark | None = None,
    **kwargs: Any,
) -> Report:
    """Run one config's aligner on ``bench`` and score it (``fit``: see :func:`evaluate_aligner`)."""
    aligner = get_aligner(config.aligner, **config.params)
    return evaluate_aligner(aligner, config, bench, dataset, space, fit=fit, **kwargs)


def evaluate_aligner(
    aligner: Aligner,
    config: RunConfig,
    bench: Benchmark,
    dataset: dict[str, Any],
    space: CandidateSpace | None = None,
    fit: Benchmark | None = None,
    **kwargs: Any,
) -> Report:
    """Run ``aligner`` (built and checked) on ``bench`` with ``config``'s decision settings and score it.

    ``fit``: the benchmark whose claims the aligner is fitted on (default ``bench``). A cluster subset
    is scored with the aligner fitted on its whole split, so that its pairs get the scores of the
    whole-split run and a subset's numbers are a part of the whole split's, not another system's.
    """
    space = space if space is not None else CandidateSpace(bench)
    preds = run_aligner(aligner, fit if fit is not None else bench, config, space)
    return report_of_run(aligner, config, bench, preds, dataset, space, **kwargs)


def report_of_run(
    aligner: Aligner,
    config: RunConfig,
    bench: Benchmark,
    preds: PredictionArrays,
    dataset: dict[str, Any],
    space: CandidateSpace,
    **kwargs: Any,
) -> Report:
    """The report of an aligner run's predictions, with its system, threshold, environment and run blocks
    (shared by the baselines and ``alignbench explain``, which keeps the predictions too)."""
    from alignbench.scoring.evaluate import evaluate

    report = evaluate(
        bench,
        preds,
        system=system_info(config, aligner),
        threshold=threshold_block(config, aligner),
        dataset=dataset,
        space=space,
        environment=aligner_environment(aligner),
        **kwargs,
    )
    report.run = run_info(aligner)
    return report


def run_info(aligner: Any) -> dict[str, Any] | None:
    """What a system says about its run (its optional ``run_info()``, see ``Labeller``), checked to be a
    JSON object; None for a system without one (or whose ``run_info()`` returns None)."""
    if not callable(getattr(aligner, "run_info", None)):
        return None
    info = call(aligner, "run_info")
    if info is None:
        return None
    try:
        ok = isinstance(info, dict) and isinstance(json.loads(json.dumps(info, allow_nan=False)), dict)
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise DataError(f"aligner {aligner.name!r}: run_info() must return a JSON object (a dict of JSON values)")
    return info


def default_baselines_dir() -> Path:
    """The baseline configs that ship with the package: ``alignbench/_baselines`` in an installed
    wheel, else a checkout's ``baselines/``."""
    bundled = Path(str(resources.files("alignbench"))) / "_baselines"
    if (bundled / "configs").is_dir():
        return bundled
    return Path(__file__).resolve().parents[3] / "baselines"  # src/alignbench/runs/ -> the checkout


def is_bundled(folder: str | Path) -> bool:
    """True if ``folder`` is the copy of the baselines installed with the package (read-only)."""
    return Path(folder).resolve() == (Path(str(resources.files("alignbench"))) / "_baselines").resolve()


def config_names(folder: str | Path | None = None) -> list[str]:
    """Names of the committed baseline configs."""
    folder = folder if folder is not None else default_baselines_dir()
    return sorted(p.stem for p in Path(folder, "configs").glob("*.json"))


def config_paths(folder: str | Path) -> list[Path]:
    """The baseline configs of a baselines folder, sorted by name."""
    paths = sorted(Path(folder, "configs").glob("*.json"))
    if not paths:
        raise DataError(
            f"{Path(folder, 'configs')}: no baseline configs found (run from a clone of alignbench, or pass --baselines-dir)"
        )
    return paths


def result_path(folder: str | Path, report: Report) -> Path:
    """Where a baseline's report is kept: ``results/<name>/<version>-<hash12>/report.json`` for the
    ``test`` split, ``results/<name>/<version>-<hash12>/<split>/report.json`` for any other."""
    revision = f"{report.dataset.get('dataset_version')}-{str(report.dataset.get('source_sha256'))[:12]}"
    split = str(report.dataset.get("split", "test"))
    inner = () if split == "test" else (split,)
    return Path(folder, "results", str(report.system["name"]), revision, *inner, "report.json")


def leaderboard_file(folder: str | Path, split: str) -> Path:
    """The committed leaderboard of a split: ``LEADERBOARD.md`` (test), ``LEADERBOARD-<split>.md``."""
    return Path(folder, "LEADERBOARD.md" if split == "test" else f"LEADERBOARD-{split}.md")
