"""The computing environment a report was made in: Python, key package versions, CPU model and
instruction-set flags, and the BLAS NumPy uses.

Reports record it (``Report.environment``) because some aligners' floats depend on the machine: a
quantised kernel picks AVX2 or AVX-512 code at run time, a BLAS sums in a different order. Two reports
of such an aligner are compared within the tolerance the aligner declares
(:func:`alignbench.runs.reproduce.tolerance_of`); the environment tells a reader where each number came from.
Nothing here touches the network; everything is read from the running interpreter and ``/proc``.
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

#: Packages whose versions every report records (the scoring stack).
CORE_PACKAGES = ("numpy", "scipy", "scikit-learn", "rapidfuzz", "pyarrow")
#: CPU flags that change floating-point code paths (SIMD width, fused multiply-add, dot-product units).
SIMD_FLAGS = (
    "sse4_2",
    "avx",
    "avx2",
    "fma",
    "f16c",
    "avx_vnni",
    "avx512f",
    "avx512bw",
    "avx512vl",
    "avx512_vnni",
    "avx512_bf16",
    "amx_tile",
    "asimd",
    "asimddp",
    "sve",
)


def package_versions(names: Iterable[str]) -> dict[str, str | None]:
    """Installed version of each distribution (None when it is not installed), in the order given."""
    versions: dict[str, str | None] = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def cpu() -> dict[str, Any]:
    """CPU model and the SIMD flags of :data:`SIMD_FLAGS` it has (from ``/proc/cpuinfo`` on Linux)."""
    model, flags = platform.processor() or None, set()
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key in ("model name", "Hardware", "CPU part") and model in (None, "", platform.machine()):
            model = value.strip() or model
        elif key in ("flags", "Features") and not flags:
            flags = set(value.split())
    return {"machine": platform.machine(), "model": model, "simd": [f for f in SIMD_FLAGS if f in flags]}


def blas() -> dict[str, Any] | None:
    """The BLAS NumPy was built with (name and version), or None where NumPy does not say."""
    import numpy as np

    try:
        config = np.show_config(mode="dicts")
    except (TypeError, ValueError):  # NumPy < 1.26 has no mode argument
        return None
    found = (config or {}).get("Build Dependencies", {}).get("blas") or {}
    return {"name": found.get("name"), "version": found.get("version")} if found else None


def environment(aligner_packages: Iterable[str] = ()) -> dict[str, Any]:
    """The environment block of a report: Python, platform, CPU, BLAS, and the versions of the core
    packages and of the packages the aligner runs on (``aligner_packages``)."""
    return {
        "python": platform.python_version(),
        "implementation": sys.implementation.name,
        "platform": platform.platform(terse=True),
        "cpu": cpu(),
        "blas": blas(),
        "packages": package_versions([*CORE_PACKAGES, *(p for p in aligner_packages if p not in CORE_PACKAGES)]),
    }
