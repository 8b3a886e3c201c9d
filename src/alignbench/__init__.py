"""alignbench: a dataset and benchmark for cross-source claim alignment.

The package version is also the dataset version: one number, set here and read by hatchling.
Heavy libraries (pandas, pyarrow, datasets, scikit-learn) are imported only inside the functions
that need them, so that ``import alignbench`` and ``alignbench --help`` stay fast.
"""

__version__ = "0.1.0"

from alignbench.load import load, load_benchmark  # light: imports nothing heavy at module level

__all__ = ["__version__", "load", "load_benchmark"]
