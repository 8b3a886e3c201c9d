"""alignbench: a dataset and benchmark for cross-source claim alignment.

The package version is also the dataset version: one number, set in ``alignbench._version``.
Heavy libraries (pandas, pyarrow, datasets, scikit-learn) are imported only inside the functions
that need them, so that ``import alignbench`` and ``alignbench --help`` stay fast.
"""

from alignbench._version import __version__
from alignbench.dataset.load import load, load_benchmark  # light: imports nothing heavy at module level

__all__ = ["__version__", "load", "load_benchmark"]
