"""Prove that adding a valid cluster needs one documented command and no test edit (issue 19).

In a temporary copy of the checkout (its tracked and untracked, not ignored, files), this

1. adds a cluster: ``corpus/<id>/`` and ``annotations/<id>/`` copied from CLUSTER_DIR (default
   ``tests/data/added-cluster``: two short fictional reports that stand in for a real news cluster);
2. runs ``alignbench validate``;
3. runs the README's regenerate command, ``alignbench build && alignbench eval --baselines --update``;
4. prints how the generated numbers of README.md and DATASHEET.md changed;
5. runs the copy's whole test suite (``python -m pytest``), with the shared third-party data beside
   this checkout, so the iSTS tests run too where it is there.

Exit status 0 when every step passed. The copy runs the copy's own package (``PYTHONPATH``), with
this interpreter and its installed dependencies; nothing in the checkout is written. Run:
``python scripts/check_new_cluster.py [CLUSTER_DIR] [--keep]``.
"""

from __future__ import annotations

import argparse
import difflib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CLUSTER = ROOT / "tests" / "data" / "added-cluster"
SHARED_EXTERNAL = Path(os.environ.get("ALIGNBENCH_SHARED_EXTERNAL") or ROOT.parent / "shared" / "external")


def _files() -> list[str]:
    """The checkout's files as ``.ci/run`` copies them: what git tracks plus untracked, not ignored files."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return sorted(n for n in set(listed.split("\0")) if n and (ROOT / n).is_file())


def _step(title: str, tree: Path, *args: str) -> bool:
    env = {**os.environ, "PYTHONPATH": str(tree / "src"), "ALIGNBENCH_SHARED_EXTERNAL": str(SHARED_EXTERNAL)}
    start = time.perf_counter()
    print(f"$ {' '.join(args)}", flush=True)
    done = subprocess.run([sys.executable, *args], cwd=tree, env=env, capture_output=True, text=True, check=False)
    out = (done.stdout + done.stderr).rstrip()
    lines = out.splitlines()
    if len(lines) > 40:  # the head, pytest's summary of failures, the tail
        summary = [line for line in lines[15:-15] if line.startswith(("FAILED ", "ERROR "))]
        lines = [*lines[:15], f"... ({len(lines) - 30} lines; failures and errors:)", *summary, "...", *lines[-15:]]
    shown = lines
    print("\n".join(f"  {line}" for line in shown))
    print(f"  -> {title}: exit {done.returncode} ({time.perf_counter() - start:.0f} s)\n", flush=True)
    return done.returncode == 0


def _blocks_diff(old: str, new: str, name: str) -> str:
    """The changed lines of the generated blocks (everything but the hand-written prose)."""
    diff = difflib.unified_diff(
        old.splitlines(), new.splitlines(), f"{name} (before)", f"{name} (after)", n=0, lineterm=""
    )
    return "\n".join(line for line in diff if not line.startswith("@@"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], allow_abbrev=False)
    parser.add_argument(
        "cluster", nargs="?", default=str(DEFAULT_CLUSTER), help="a folder holding corpus/<id>/ and annotations/<id>/"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy and print where it is")
    args = parser.parse_args()
    source = Path(args.cluster)
    clusters = (
        sorted(p.name for p in (source / "corpus").iterdir() if p.is_dir()) if (source / "corpus").is_dir() else []
    )
    if not clusters:
        print(f"{source}: no corpus/<cluster_id>/ folder to add", file=sys.stderr)
        return 1
    tmp = Path(tempfile.mkdtemp(prefix="alignbench-new-cluster-"))
    tree = tmp / "tree"
    try:
        for name in _files():
            (tree / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, tree / name)
        for cid in clusters:
            for part in ("corpus", "annotations"):
                shutil.copytree(source / part / cid, tree / part / cid)
        print(f"copy of the checkout in {tree}; added cluster(s): {', '.join(clusters)}\n")
        before = {n: (tree / n).read_text(encoding="utf-8") for n in ("README.md", "DATASHEET.md")}
        tests = {p: p.read_bytes() for p in sorted((tree / "tests").rglob("*")) if p.is_file()}
        ok = _step("validate", tree, "-m", "alignbench", "validate")
        ok = ok and _step("build", tree, "-m", "alignbench", "build")
        ok = ok and _step("regenerate", tree, "-m", "alignbench", "eval", "--baselines", "--update")
        if ok:
            for name, old in before.items():
                print(_blocks_diff(old, (tree / name).read_text(encoding="utf-8"), name) + "\n")
            now = {p: p.read_bytes() for p in sorted((tree / "tests").rglob("*")) if p.is_file()}
            edited = sorted(str(p.relative_to(tree)) for p in set(tests) | set(now) if tests.get(p) != now.get(p))
            print(f"test files edited in the copy: {edited or 'none'}\n")
            suite = ("-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfE")
            ok = _step("the whole test suite", tree, *suite) and not edited
        print("check_new_cluster: " + ("OK" if ok else "FAILED"))
        return 0 if ok else 1
    finally:
        if args.keep:
            print(f"kept {tree}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
