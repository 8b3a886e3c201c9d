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


def test_readme_figures_about_the_seed_cluster_are_what_the_data_gives():
    """Figures the README states in prose about the bundled test split, recomputed (issue 18 item 16)."""
    import re
    from pathlib import Path

    import numpy as np

    from alignbench.dataset.load import load_benchmark
    from alignbench.records import LABELS
    from alignbench.scoring.evaluate import evaluate
    from alignbench.scoring.predictions import PredictionArrays
    from alignbench.scoring.space import CandidateSpace

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    bench = load_benchmark(split="test")
    space = CandidateSpace(bench)
    label = space.gold.astype(np.int8)
    perfect = PredictionArrays(np.arange(space.size), (label != LABELS.index("none")).astype(float), label)
    report = evaluate(bench, perfect, system={"name": "perfect", "params": {}}, resamples=0)
    shown = re.search(r"links \(([0-9.]+) on the bundled seed cluster, where `rank.MRR` and `rank.R@3` are 1", readme)
    assert shown and float(shown.group(1)) == round(report.metrics["rank.R@1"], 3)
    assert report.metrics["rank.MRR"] == 1 and report.metrics["rank.R@3"] == 1
    sure = sum(x.relation != "related" for x in bench.alignments)
    assert f"Read it with care: one event, {sure} sure links" in readme
