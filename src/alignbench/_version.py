"""The package version, which is also the dataset version: one number, read by hatchling.

It lives in its own module so that every module can import it without importing the package root.
"""

__version__ = "0.3.0"
