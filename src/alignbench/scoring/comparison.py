"""The :class:`Comparison` record of ``alignbench compare`` (computed by :mod:`alignbench.scoring.compare`,
rendered by :mod:`alignbench.views.compare`): plain data, so that rendering needs no NumPy."""

from __future__ import annotations

import dataclasses
from typing import Any


@dataclasses.dataclass
class Comparison:
    """B - A on the metrics of :func:`compare`, with what was compared and how.

    ``rows``: one dict per metric, see :func:`compare`; ``not_compared``: metric -> why it was left out.
    """

    a: dict[str, Any]
    b: dict[str, Any]
    dataset: dict[str, Any]
    bootstrap: dict[str, Any]
    rows: list[dict[str, Any]]
    not_compared: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data (``alignbench compare --format json`` writes it)."""
        return dataclasses.asdict(self)

    def to_frame(self):  # -> pandas.DataFrame; pandas is imported here only
        """The rows as a ``pandas.DataFrame`` indexed by metric."""
        import pandas as pd

        return pd.DataFrame(self.rows).set_index("metric")

    def row(self, metric: str) -> dict[str, Any]:
        """The row of one metric (KeyError if it was not compared)."""
        for row in self.rows:
            if row["metric"] == metric:
                return row
        raise KeyError(metric)
