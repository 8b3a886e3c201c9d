"""The command line starts fast: no heavy library is imported for ``--help``."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("pandas", "sklearn", "datasets", "pyarrow", "scipy", "rapidfuzz")


def test_help_imports_no_heavy_library():
    code = (
        "import sys\n"
        "from alignbench.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit as e:\n    assert e.code == 0\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_console_script_usage_error_exits_2():
    result = subprocess.run([sys.executable, "-m", "alignbench", "no-such-command"], capture_output=True, text=True)
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
