"""The README starts with the two set-up commands, and CI runs the README's test command."""

from __future__ import annotations

from conftest import ROOT


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("```bash\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip()]


def test_readme_starts_with_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.index("```bash") < 300, "the set-up commands must come first"
    main_job, tests = readme_commands()
    assert main_job.startswith("python3 -m venv .venv && ") and ".venv/bin/alignbench " in main_job
    assert tests.endswith(".venv/bin/python -m pytest")


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert readme_commands()[1] in ci
