"""Reports: what an evaluation measured, with provenance, as JSON (formats: :mod:`alignbench.views.formats`).

A :class:`Report` records the alignbench and metric versions, the dataset version and source hash,
the split, the system and its parameters, the threshold and where it came from, the supports, every
metric value and its bootstrap CI, and what ``alignbench compare`` needs for a paired bootstrap test
without the prediction files: the per-unit confusion counts (every metric computed from decisions)
and the ranking profile (``rank.AP``: the unit of each sure link in ranked order and, between two
sure links, how many candidates of each unit; :class:`alignbench.scoring.ranking.RankingProfile`).
Only the formatters round.
"""

from __future__ import annotations

import dataclasses
import json
import math
from typing import Any

from alignbench.records import LABELS, DataError, shorten


@dataclasses.dataclass
class Report:
    """The result of one evaluation; ``Report.from_json(r.to_json()) == r``."""

    alignbench_version: str
    metric_version: str
    dataset: dict[str, Any]
    system: dict[str, Any]
    threshold: dict[str, Any]
    supports: dict[str, int]
    metrics: dict[str, float]
    ci: dict[str, list[float]]
    bootstrap: dict[str, Any]
    confusion: list[list[int]]
    units: list[str]
    unit_confusion: list[list[int]]
    per_pair: list[dict[str, Any]]
    #: The breakdown by phenomenon tag (:mod:`alignbench.scoring.bytag`), or None: reports without
    #: one are written without the key, as before it existed.
    by_tag: dict[str, Any] | None = None
    #: Where the report was computed (:func:`alignbench.environment.environment`: Python, package
    #: versions, CPU model and SIMD flags, BLAS), or None for reports written before it was recorded.
    #: It is provenance, not a result: comparisons of reports leave it out.
    environment: dict[str, Any] | None = None
    #: The ranking profile of the system's scores (:func:`alignbench.scoring.ranking.profile_to_json`),
    #: from which ``compare`` recomputes ``rank.AP`` on paired resamples; None in reports written
    #: before it was kept (compare then leaves ``rank.AP`` out and says why).
    ranking: dict[str, Any] | None = None
    #: How the system's run went, as the system tells it (``run_info()`` of a labelling system: its
    #: model, prompt hash, requests, cache hits and misses, tokens, failures), or None. Provenance like
    #: ``environment``: a re-run from a cache counts hits where the first run counted misses.
    run: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON-able data (``by_tag``, ``environment``, ``ranking`` and ``run`` only when there is one)."""
        data = dataclasses.asdict(self)
        for optional in OPTIONAL:
            if data[optional] is None:
                del data[optional]
        return data

    def to_json(self) -> str:
        """JSON text with a stable key order (floats written exactly, as ``repr``). The ranking
        profile's integer lists are written one per line, not one number per line."""
        data = self.to_dict()
        ranking = data.pop("ranking", None)
        text = json.dumps(data, indent=1, ensure_ascii=False)
        if ranking is not None:
            compact = {"separators": (",", ":")}
            before = ",\n".join(f"   {json.dumps(row, **compact)}" for row in ranking["before"])
            block = (
                f' "ranking": {{\n  "positives": {json.dumps(ranking["positives"], **compact)},\n'
                f'  "before": [' + (f"\n{before}\n  ]" if before else "]") + "\n }"
            )
            text = text[: -len("\n}")] + ",\n" + block + "\n}"
        return text + "\n"

    def metric_rows(self) -> list[dict[str, Any]]:
        """One dict per metric: ``metric``, ``value``, ``ci_low``, ``ci_high`` (None without an
        interval), ``support`` (gold items behind it) and ``too_few`` (below ``bootstrap.min_support``)."""
        from alignbench.scoring.metrics import MIN_SUPPORT, gold_support, too_few_to_test

        minimum = self.bootstrap.get("min_support", MIN_SUPPORT)
        few = self.bootstrap.get("too_few_to_test")
        few = set(few if few is not None else too_few_to_test(list(self.metrics), self.supports, minimum))
        rows = []
        for name, value in self.metrics.items():
            low, high = self.ci.get(name, (None, None))
            support = gold_support(name, self.supports)
            rows.append(
                {
                    "metric": name,
                    "value": value,
                    "ci_low": low,
                    "ci_high": high,
                    "support": support,
                    "too_few": name in few,
                }
            )
        return rows

    def to_frame(self):  # -> pandas.DataFrame (pandas is imported here only: ``import alignbench`` stays light)
        """The metrics as a ``pandas.DataFrame`` indexed by metric name, columns as :meth:`metric_rows`,
        with the system name and split as columns so that frames of several reports concatenate."""
        import pandas as pd

        frame = pd.DataFrame(self.metric_rows()).set_index("metric")
        frame.insert(0, "split", self.dataset.get("split"))
        frame.insert(0, "system", self.system.get("name"))
        return frame

    @classmethod
    def from_json(cls, text: str, source: str = "<report>") -> Report:
        """Read a report written by :meth:`to_json`; :class:`DataError` if it is not one."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise DataError(f"{source}:{err.lineno}: not valid JSON ({err.msg})") from None
        problem = structure_problem(data)
        if problem:
            raise DataError(f"{source}: not an alignbench report ({problem})")
        return cls(**data)


# --- structure check ------------------------------------------------------------------------------


class _Bad(Exception):
    """One structural problem of a report, with where it is."""


def _show(value: Any) -> str:
    """A short rendering of a bad JSON value: strings quoted, containers by their JSON text."""
    if isinstance(value, str):
        return shorten(value, 60)
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    text = repr(value) if isinstance(value, (int, float)) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else f"{text[:40]}...({len(text)} chars)"


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    return _show(value)


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Bad(f"{where}: expected an object, got {_kind(value)}")
    return value


def _array(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise _Bad(f"{where}: expected an array, got {_kind(value)}")
    return value


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise _Bad(f"{where}: expected a string, got {_kind(value)}")
    return value


def _count(value: Any, where: str) -> int:
    if type(value) is not int or value < 0:
        raise _Bad(f"{where}: expected a non-negative integer, got {_show(value)}")
    return value


def _number(value: Any, where: str) -> float:
    if type(value) not in (int, float) or not math.isfinite(value):
        raise _Bad(f"{where}: expected a finite number, got {_show(value)}")
    return value


def _level(value: Any, where: str) -> float:
    if type(value) not in (int, float) or not 0 < value < 1:
        raise _Bad(f"{where}: expected a number between 0 and 1, got {_show(value)}")
    return value


def _keys(data: dict[str, Any], where: str, required: Any, optional: Any = ()) -> None:
    prefix = f"{where}: " if where else ""
    missing = [k for k in required if k not in data]
    if missing:
        raise _Bad(f"{prefix}missing key{'s' * (len(missing) > 1)} {', '.join(map(repr, missing))}")
    unknown = [k for k in data if k not in required and k not in optional]
    if unknown:
        raise _Bad(f"{prefix}unknown key{'s' * (len(unknown) > 1)} {', '.join(shorten(k, 40) for k in unknown)}")


def _counts(value: Any, where: str, length: int) -> list[int]:
    row = _array(value, where)
    if len(row) != length:
        raise _Bad(f"{where}: expected {length} counts, got {len(row)}")
    for j, v in enumerate(row):
        if type(v) is not int or v < 0:
            _count(v, f"{where}[{j}]")
    return row


def _name_map(value: Any, where: str, check: Any) -> None:
    for key, v in _object(value, where).items():
        check(v, f"{where}[{shorten(key, 40)}]")


def _interval(value: Any, where: str) -> None:
    ok = isinstance(value, list) and len(value) == 2
    ok = ok and all(type(v) in (int, float) and math.isfinite(v) for v in value) and value[0] <= value[1]
    if not ok:
        raise _Bad(f"{where}: expected [low, high], got {_show(value)}")


_FIELDS = (
    "alignbench_version",
    "metric_version",
    "dataset",
    "system",
    "threshold",
    "supports",
    "metrics",
    "ci",
    "bootstrap",
    "confusion",
    "units",
    "unit_confusion",
    "per_pair",
)
#: Report fields written only when present.
OPTIONAL = ("by_tag", "environment", "ranking", "run")
#: The keys of a report's ``bootstrap`` block and how each is checked.
_BOOTSTRAP = {
    "resamples": _count,
    "seed": _count,
    "level": _level,
    "method": _string,
    "unit": _string,
    "n_units": _count,
}


def _names(value: Any, where: str) -> None:
    for i, name in enumerate(_array(value, where)):
        _string(name, f"{where}[{i}]")


_BOOTSTRAP_OPTIONAL = {"numpy_version": _string, "metrics": _string, "min_support": _count, "too_few_to_test": _names}


def _check(data: Any) -> None:
    if not isinstance(data, dict):
        raise _Bad(f"expected an object, got {_kind(data)}")
    _keys(data, "", _FIELDS, OPTIONAL)
    for key in ("alignbench_version", "metric_version"):
        _string(data[key], key)
    for key in ("dataset", "system", "threshold"):
        _object(data[key], key)
    _name_map(data["supports"], "supports", _count)
    _name_map(data["metrics"], "metrics", _number)
    _name_map(data["ci"], "ci", _interval)
    boot = _object(data["bootstrap"], "bootstrap")
    _keys(boot, "bootstrap", _BOOTSTRAP, _BOOTSTRAP_OPTIONAL)
    for key, check in {**_BOOTSTRAP, **_BOOTSTRAP_OPTIONAL}.items():
        if key in boot:
            check(boot[key], f"bootstrap.{key}")
    units = _array(data["units"], "units")
    seen: set[str] = set()
    for i, unit in enumerate(units):
        if _string(unit, f"units[{i}]") in seen:
            raise _Bad(f"units[{i}]: {shorten(unit, 40)} is listed twice")
        seen.add(unit)
    if boot["n_units"] != len(units):
        raise _Bad(f"bootstrap.n_units: {boot['n_units']} but {len(units)} units")
    n = len(LABELS)
    matrix = _array(data["confusion"], "confusion")
    if len(matrix) != n:
        raise _Bad(f"confusion: expected {n} rows, got {len(matrix)}")
    total = [v for i, row in enumerate(matrix) for v in _counts(row, f"confusion[{i}]", n)]
    rows = _array(data["unit_confusion"], "unit_confusion")
    if len(rows) != len(units):
        raise _Bad(f"unit_confusion: {len(rows)} rows but {len(units)} units")
    summed = [0] * (n * n)
    for i, row in enumerate(rows):
        summed = [x + y for x, y in zip(summed, _counts(row, f"unit_confusion[{i}]", n * n), strict=True)]
    if rows and summed != total:
        raise _Bad("confusion is not the sum of unit_confusion")
    for i, pair in enumerate(_array(data["per_pair"], "per_pair")):
        where = f"per_pair[{i}]"
        _keys(_object(pair, where), where, ("article_pair", "supports", "metrics"))
        _string(pair["article_pair"], f"{where}.article_pair")
        _name_map(pair["supports"], f"{where}.supports", _count)
        _name_map(pair["metrics"], f"{where}.metrics", _number)
    if "by_tag" in data:
        _check_by_tag(data["by_tag"])
    for provenance in ("environment", "run"):
        if provenance in data:
            _object(data[provenance], provenance)
    if "ranking" in data:
        _check_ranking(data["ranking"], len(units), data["supports"].get("sure_links"))


def _check_ranking(value: Any, n_units: int, sure_links: Any) -> None:
    """The ranking profile: unit indexes below ``n_units``, positive counts, one gap per sure link."""
    block = _object(value, "ranking")
    _keys(block, "ranking", ("positives", "before"))
    positives = _array(block["positives"], "ranking.positives")
    for i, unit in enumerate(positives):
        if type(unit) is not int or not 0 <= unit < n_units:
            raise _Bad(f"ranking.positives[{i}]: expected a unit index below {n_units}, got {_show(unit)}")
    if sure_links is not None and len(positives) != sure_links:
        raise _Bad(f"ranking.positives: {len(positives)} sure links but supports.sure_links is {_show(sure_links)}")
    gaps = _array(block["before"], "ranking.before")
    if len(gaps) != len(positives):
        raise _Bad(f"ranking.before: {len(gaps)} gaps but {len(positives)} sure links")
    for k, row in enumerate(gaps):
        where = f"ranking.before[{k}]"
        if len(_array(row, where)) % 2:
            raise _Bad(f"{where}: expected unit, count pairs, got {len(row)} numbers")
        last = -1
        for j in range(0, len(row), 2):
            unit, count = row[j], row[j + 1]
            if type(unit) is not int or not last < unit < n_units:
                raise _Bad(f"{where}[{j}]: expected increasing unit indexes below {n_units}, got {_show(unit)}")
            if type(count) is not int or count < 1:
                raise _Bad(f"{where}[{j + 1}]: expected a positive count, got {_show(count)}")
            last = unit


#: The keys of a report's ``by_tag`` block and how each is checked (``units`` and ``tags`` apart).
_BY_TAG = {"unit": _string, "n_units": _count, "resamples": _count, "seed": _count, "level": _level}


def _check_by_tag(value: Any) -> None:
    """The per-tag breakdown: its bootstrap settings, distinct units, and for every tag its
    supports, values and intervals, each named by a per-tag measure."""
    from alignbench.scoring.bytag import TAG_METRICS, TAG_SUPPORTS

    block = _object(value, "by_tag")
    _keys(block, "by_tag", (*_BY_TAG, "units", "tags"))
    for key, check in _BY_TAG.items():
        check(block[key], f"by_tag.{key}")
    units = _array(block["units"], "by_tag.units")
    for i, unit in enumerate(units):
        _string(unit, f"by_tag.units[{i}]")
    if len(set(units)) != len(units):
        raise _Bad("by_tag.units: a unit is listed twice")
    if block["n_units"] != len(units):
        raise _Bad(f"by_tag.n_units: {block['n_units']} but {len(units)} units")
    for tag, entry in _object(block["tags"], "by_tag.tags").items():
        where = f"by_tag.tags[{shorten(tag, 40)}]"
        _keys(_object(entry, where), where, ("supports", "metrics", "ci"))
        _keys(_object(entry["supports"], f"{where}.supports"), f"{where}.supports", TAG_SUPPORTS)
        _name_map(entry["supports"], f"{where}.supports", _count)
        for key, check in (("metrics", _number), ("ci", _interval)):
            _keys(_object(entry[key], f"{where}.{key}"), f"{where}.{key}", (), TAG_METRICS)
            _name_map(entry[key], f"{where}.{key}", check)


def structure_problem(data: Any) -> str | None:
    """What is wrong with the structure of a report's parsed JSON (None if nothing is)."""
    try:
        _check(data)
    except _Bad as bad:
        return str(bad)
    return None
