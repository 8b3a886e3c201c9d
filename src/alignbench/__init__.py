"""alignbench: a dataset and benchmark for cross-source claim alignment.

The package version is also the dataset version: one number, set in ``alignbench._version``.
Heavy libraries (pandas, pyarrow, datasets, scikit-learn) are imported only inside the functions
that need them, so that ``import alignbench`` and ``alignbench --help`` stay fast.

``load`` and ``load_benchmark`` read the data; ``evaluate`` and ``compare`` score systems with
the same code as ``alignbench eval`` and ``alignbench compare`` (:mod:`alignbench.api`).
"""

from alignbench._version import __version__
from alignbench.api import compare, evaluate  # light: imports nothing heavy at module level
from alignbench.dataset.load import load, load_benchmark  # light: imports nothing heavy at module level

__all__ = ["__version__", "compare", "evaluate", "load", "load_benchmark"]
