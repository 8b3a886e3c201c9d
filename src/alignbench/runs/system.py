"""Score one system on a benchmark split: the one code path of ``alignbench eval`` (a prediction file
or ``--aligner``) and of the Python API :func:`alignbench.evaluate`.

A system is given as predictions (a JSON Lines file, or an iterable of prediction dicts or
:class:`~alignbench.scoring.predictions.Prediction` records, checked exactly as a file is) or as an
aligner (an instance, a registered name such as ``"fuzzy"``, or ``"package.module:Class"``). A named
aligner starts from its committed run config (:func:`run_config`), and a run whose settings differ
from it is named after the changes (``tfidf[threshold=0.4]``); an aligner instance or an aligner
without a config needs a ``threshold``, fixed a priori (never tuned on the split that is reported).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from alignbench.records import Benchmark, DataError, UsageError, shorten
from alignbench.runs.baselines import RunConfig, config_names, default_baselines_dir, read_config
from alignbench.scoring.report import Report


def load_split(data: str | Path | None, split: str, clusters: Iterable[str] | None = None) -> tuple[Benchmark, dict]:
    """The gold of one split (bundled, or the dataset folder ``data``), optionally only the event
    ``clusters`` named (see :func:`choose_clusters`), and the metadata a report records of it
    (version, source hash, split subset)."""
    whole, dataset = _load_whole(data, split)
    return choose_clusters(whole, dataset, data, split, clusters)


def _load_whole(data: str | Path | None, split: str) -> tuple[Benchmark, dict]:
    from alignbench.dataset.load import dataset_metadata, load_benchmark

    bench = load_benchmark(split=split, data_dir=data)
    meta = dataset_metadata(split=split, data_dir=data)
    dataset = {"dataset_version": meta.get("dataset_version"), "source_sha256": meta.get("source_sha256")}
    for key in ("source_format", "subset"):  # an import's: eval adds the benchmark's own measure
        if key in meta:
            dataset[key] = meta[key]
    return bench, dataset


def choose_clusters(
    whole: Benchmark, dataset: dict, data: str | Path | None, split: str, clusters: Iterable[str] | None
) -> tuple[Benchmark, dict]:
    """The part of ``whole`` (split ``split`` of ``data``) in ``clusters``, and ``dataset`` recording
    the subset (``dataset["clusters"]``, sorted ids); both unchanged for None or when every cluster
    of the split is named (that is the whole split). An unknown id is a :class:`DataError` with a
    "did you mean", or naming the other split of the dataset that holds it."""
    if clusters is None:
        return whole, dataset
    from alignbench.scoring.subset import cluster_ids, select_clusters, subset_record

    wanted = [clusters] if isinstance(clusters, str) else list(clusters)
    where: dict[str, str] = {}
    if not set(wanted) <= set(cluster_ids(whole)):  # only then: look for the split that holds an id
        from alignbench.dataset.load import available_splits, load_benchmark

        for other in available_splits(data):
            if other != split:
                where.update((cid, other) for cid in cluster_ids(load_benchmark(split=other, data_dir=data)))
    sub = select_clusters(whole, wanted, split=split, elsewhere=where)
    if len(sub.articles) == len(whole.articles):
        return whole, dataset
    return sub, subset_record(dataset, wanted)


def run_config(
    aligner: str,
    *,
    params: Mapping[str, Any] | None = None,
    decoder: str | None = None,
    threshold: float | None = None,
    equivalent_at: float | None = None,
    config: str | Path | None = None,
    system: str | None = None,
    baselines_dir: str | Path | None = None,
) -> RunConfig:
    """The decision settings of a run of the named ``aligner``: its committed config (or ``config``),
    with the given settings on top. :class:`UsageError` for an aligner without a config and no
    threshold, a config of another aligner, or a ``system`` name that is a committed baseline's."""
    from alignbench.aligners import get_aligner, labels_itself

    params = dict(params or {})
    folder = Path(baselines_dir) if baselines_dir is not None else default_baselines_dir()
    committed = config_names(folder)
    path = folder / "configs" / f"{aligner}.json"
    if config is not None:
        base = read_config(config)
        if base.aligner != aligner:
            raise UsageError(f"--config {config} is a config of aligner {base.aligner!r}, not of --aligner {aligner!r}")
    elif ":" not in aligner and path.is_file():
        base = read_config(path)
    elif threshold is None and not labels_itself(get_aligner(aligner, **params)):  # a labeller needs none
        raise UsageError(
            f"--threshold is required for aligner {aligner!r} (it has no committed config): fix it a priori, "
            "never on the split you report (or pass --config FILE)"
        )
    else:
        base = None
    changes: dict[str, Any] = {}
    for key, value in sorted(params.items()):
        if base is None or base.params.get(key, object()) != value:
            changes[key] = value
    for key, value in (("decoder", decoder), ("threshold", threshold), ("equivalent_at", equivalent_at)):
        if value is not None and (base is None or getattr(base, key) != value):
            changes[key] = value
    if base is None:
        name = aligner
        if ":" in aligner:  # a plug-in is named by its class's own ``name`` (``system`` still wins)
            name = get_aligner(aligner, **params).name
        # a system that labels pairs itself has no threshold: 0.0 is a placeholder the run never reads
        base = RunConfig(aligner, aligner, {}, "threshold", 0.0 if threshold is None else threshold, 0.5, "")
    elif changes:
        name = f"{base.name}[" + ",".join(f"{k}={v}" for k, v in changes.items()) + "]"
    else:
        name = base.name
    if system:
        if system in committed and system != name:
            raise UsageError(
                f"--system {system!r} is the name of a committed baseline; this run's settings differ from it"
            )
        name = system
    threshold_changed = "threshold" in changes or not base.threshold_origin
    return RunConfig(
        name=name,
        aligner=aligner,
        params={**base.params, **params},
        decoder=decoder or base.decoder,
        threshold=base.threshold if threshold is None else threshold,
        equivalent_at=base.equivalent_at if equivalent_at is None else equivalent_at,
        threshold_origin="given on the command line (--threshold)" if threshold_changed else base.threshold_origin,
    )


def _instance_config(
    aligner: Any, threshold: float | None, decoder: str | None, equivalent_at: float | None, system: str | None
) -> RunConfig:
    """The settings of a run of an aligner object (no committed config applies to an object)."""
    from alignbench.aligners import labels_itself

    if threshold is None and not labels_itself(aligner):
        raise UsageError(
            f"threshold is required to evaluate an aligner object ({aligner.name!r}): fix it a priori, never on the "
            "split you report (or pass its registered name to start from its committed config)"
        )
    return RunConfig(
        name=system or aligner.name,
        aligner=f"{type(aligner).__module__}:{type(aligner).__qualname__}",
        params={},
        decoder=decoder or "threshold",
        threshold=threshold if threshold is not None else 0.0,
        equivalent_at=0.5 if equivalent_at is None else equivalent_at,
        threshold_origin="given to alignbench.evaluate (threshold=)" if threshold is not None else "",
    )


def _records_file(rows: Iterable[Any], folder: str) -> Path:
    """Prediction records written as the JSON Lines file they stand for, one record per line, so
    that they are checked by the same reader as a file (its errors name the record's number)."""
    path = Path(folder, "predictions.jsonl")

    def plain(value: Any) -> Any:
        if hasattr(value, "item"):  # a NumPy scalar
            return value.item()
        raise TypeError(f"{type(value).__name__} is not a JSON value")

    with open(path, "w", encoding="utf-8") as handle:
        for number, row in enumerate(rows, start=1):
            record = row._asdict() if hasattr(row, "_asdict") else row
            if not isinstance(record, Mapping):
                raise DataError(f"predictions item {number}: expected a dict or a Prediction, got {type(row).__name__}")
            try:
                handle.write(json.dumps(dict(record), default=plain, ensure_ascii=False) + "\n")
            except (TypeError, ValueError) as err:
                raise DataError(f"predictions item {number}: {err}") from None
    return path


def evaluate_system(
    what: Any,
    *,
    split: str = "test",
    data: str | Path | None = None,
    clusters: Iterable[str] | None = None,
    resamples: int = 1000,
    seed: int = 0,
    system: str | None = None,
    params: Mapping[str, Any] | None = None,
    decoder: str | None = None,
    threshold: float | None = None,
    equivalent_at: float | None = None,
    config: str | Path | None = None,
    baselines_dir: str | Path | None = None,
    per_pair: bool = False,
    by_tag: bool = False,
    predictions: bool | None = None,
) -> Report:
    """Score one system on ``split`` (see the module docstring for what ``what`` may be).

    ``predictions`` forces how a string is read (True: a file, False: an aligner name); by default
    a string naming an existing file is a prediction file, else an aligner name.
    """
    from alignbench.aligners import REGISTRY, get_aligner
    from alignbench.runs.baselines import evaluate_aligner
    from alignbench.scoring.space import CandidateSpace

    kind = _kind(what, predictions, REGISTRY)
    aligner, run = None, None
    if kind == "name":  # a bad name or parameter fails before any work
        settings = {"decoder": decoder, "threshold": threshold, "equivalent_at": equivalent_at}
        run = run_config(what, params=params, config=config, system=system, baselines_dir=baselines_dir, **settings)
        aligner = get_aligner(run.aligner, **run.params)
    elif kind == "object":
        from alignbench.aligners.registry import check_instance

        check_instance(what)
        if params or config:
            raise UsageError("params= and config= apply to an aligner name; an aligner object has its own parameters")
        aligner, run = what, _instance_config(what, threshold, decoder, equivalent_at, system)
    elif any(x is not None for x in (params, decoder, threshold, equivalent_at, config)):
        raise UsageError(
            "params, decoder, threshold, equivalent_at and config apply only to an aligner, not to predictions"
        )
    whole, dataset = _load_whole(data, split)
    bench, dataset = choose_clusters(whole, dataset, data, split, clusters)
    if by_tag:
        from alignbench.scoring.bytag import split_tags

        if not split_tags(bench):
            raise UsageError(
                f"--by tag: the gold links of split {split!r} carry no phenomenon tags (try --split diagnostic)"
            )
    space = CandidateSpace(bench)
    options = {"split": split, "resamples": resamples, "seed": seed, "per_pair": per_pair, "by_tag": by_tag}
    if aligner is not None and run is not None:
        return evaluate_aligner(aligner, run, bench, dataset, space, fit=whole, **options)
    if kind == "file":
        return _evaluate_file(Path(what), str(what), system or Path(what).stem, whole, bench, dataset, space, options)
    with tempfile.TemporaryDirectory(prefix="alignbench-") as folder:
        path = _records_file(what, folder)
        try:
            return _evaluate_file(
                path, "the predictions", system or "predictions", whole, bench, dataset, space, options
            )
        except DataError as err:  # name the record, not the temporary file
            raise DataError([p.replace(f"{path}:", "predictions item ", 1) for p in err.problems]) from None


def _kind(what: Any, predictions: bool | None, registry: Mapping[str, str]) -> str:
    """``file``, ``records``, ``name`` or ``object``: how :func:`evaluate_system` reads ``what``."""
    if isinstance(what, Path) or (isinstance(what, str) and predictions):
        return "file"
    if isinstance(what, str):
        if predictions is None and Path(what).is_file():
            return "file"
        if what in registry or ":" in what or predictions is False:
            return "name"
        from alignbench.records import close_match

        hint = close_match(what, registry)
        raise UsageError(
            f"{shorten(what)} is neither a prediction file nor an aligner"
            + (f" (did you mean {hint!r}?)" if hint else f"; built-in aligners: {', '.join(registry)}")
        )
    if hasattr(what, "score") or hasattr(what, "predict") or hasattr(what, "similarity"):
        return "object"
    if isinstance(what, Iterable) and not isinstance(what, (bytes, Mapping)):
        return "records"
    raise UsageError(
        f"cannot evaluate a {type(what).__name__}: give a prediction file, prediction records, an aligner or its name"
    )


def _evaluate_file(
    path: Path,
    shown: str,
    name: str,
    whole: Benchmark,
    bench: Benchmark,
    dataset: dict,
    space: Any,
    options: dict[str, Any],
) -> Report:
    """Read, check and score a prediction file (``shown`` in messages); the report names the system
    ``name``. The file is checked against the ``whole`` split; only its rows in ``bench`` (a cluster
    subset, or the whole split) are scored."""
    import sys

    from alignbench.fileio import sha256_file
    from alignbench.scoring.evaluate import evaluate
    from alignbench.scoring.subset import read_subset_predictions

    preds = read_subset_predictions(path, whole, space)
    if not len(preds.index):
        print(f"alignbench: warning: {shown} holds no predictions: every gold link counts as missed", file=sys.stderr)
    info = {"name": name, "params": {}, "predictions_sha256": sha256_file(path)}
    return evaluate(bench, preds, system=info, dataset=dataset, space=space, **options)
