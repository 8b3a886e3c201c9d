"""The command line starts fast: no heavy library is imported for ``--help``."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("numpy", "pandas", "sklearn", "datasets", "pyarrow", "scipy", "rapidfuzz", "tqdm", "jinja2", "matplotlib")


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


def test_unwritable_output_is_a_one_line_error(tmp_path, capsys):
    from alignbench.cli import main

    blocker = tmp_path / "file"
    blocker.write_text("x")
    preds = tmp_path / "p.jsonl"
    preds.write_text('{"claim_a": "wonsan-a-001", "claim_b": "wonsan-b-001", "score": 1, "label": "none"}\n')
    assert main(["eval", "--predictions", str(preds), "--resamples", "0", "-o", str(blocker / "out.txt")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("alignbench eval: ") and str(blocker) in err
    assert len(err.strip().splitlines()) == 1
