"""Time a child process and read its own peak resident set (shared by the benchmark scripts)."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path


class ChildFailed(RuntimeError):
    """A measured command exited non-zero (its stderr tail is in the message)."""


def run_child(cmd: list[str], cwd: str | Path | None = None) -> tuple[float, int]:
    """Run ``cmd`` to completion; return (wall seconds, peak RSS of that child in bytes)."""
    seconds, rss, _ = run_child_usage(cmd, cwd)
    return seconds, rss


def run_child_usage(cmd: list[str], cwd: str | Path | None = None) -> tuple[float, int, float]:
    """Run ``cmd`` to completion; return (wall seconds, peak RSS of that child in bytes, its CPU
    seconds, user + system). CPU time is what the command costs even on a loaded machine, where
    wall time also counts the time it waited for a core.

    ``os.wait4`` on the child's pid gives that process's own ``ru_maxrss``; ``RUSAGE_CHILDREN``
    would be the maximum over every child waited for so far, so a small run after a big one
    would report the big one's peak. stdout is discarded (some commands print megabytes).
    """
    # stderr goes to a file: a pipe could fill up while we wait for the child
    with open(os.devnull, "wb") as null, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(cmd, stdout=null, stderr=err, cwd=cwd)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        if child.returncode != 0:
            err.seek(0)
            tail = err.read().decode("utf-8", "replace")[-2000:]
            raise ChildFailed(f"{' '.join(map(str, cmd))} exited {child.returncode}:\n{tail}")
    return seconds, usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime  # Linux reports KiB


def alignbench_command() -> list[str]:
    """The installed CLI next to this interpreter (a venv's ``bin/alignbench``), else ``python -m alignbench``."""
    script = Path(sys.executable).parent / "alignbench"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "alignbench"]


def machine() -> dict[str, str]:
    """What the figures were measured on: cores, RAM, Python and the key library versions."""
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    info = {"cores": str(os.cpu_count()), "ram": mem, "python": platform.python_version()}
    for package in ("numpy", "pyarrow", "scipy", "scikit-learn", "rapidfuzz"):
        try:
            info[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            info[package] = "-"
    return info
