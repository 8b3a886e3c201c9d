"""Helpers for the annotation workbench tests: a small fictional cluster, the server as a subprocess,
HTTP calls to it, and Playwright driving Debian's Chromium (never a downloaded browser).

The two reports are fictional, written for these tests; they stand in for real reports in a temporary tree's test split (validate cannot tell, and the diagnostic split would require tags on every link). Report A
carries page chrome to remove and one phrase twice ("The ferry returned to port").
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import FLAGS, chromium

ROOT = Path(__file__).resolve().parents[1]
CLUSTER = "callow-fire-demo"
REPORT_A = (
    "Harbour News\n"
    "Ferry fire forces return to Port Aldwyn\n"
    "Get all your news in one place.\n"
    "A fire broke out in the engine room of the ferry Callow on Tuesday evening. The ferry returned to port. "
    "All 212 passengers were safe. The ferry returned to port, the operator confirmed.\n"
)
REPORT_B = (
    "Callow turns back after engine fire\n"
    "The ferry Callow turned back to Port Aldwyn after a fire in its engine room on Wednesday evening. "
    "All 212 passengers were unhurt.\n"
)
PHRASE = "The ferry returned to port"
ALIGNBENCH = [sys.executable, "-m", "alignbench"]


def run(*args: str, root: Path) -> subprocess.CompletedProcess:
    """``alignbench ARGS --root ROOT``-style call (the caller puts --root where the command takes it)."""
    return subprocess.run([*ALIGNBENCH, *args], capture_output=True, text=True, cwd=root, timeout=300, check=False)


def make_tree(tmp: Path) -> Path:
    """A source tree with the guidelines and a new cluster of the two fictional reports (not annotated)."""
    root = tmp / "tree"
    (root / "corpus").mkdir(parents=True)
    (root / "annotations").mkdir()
    shutil.copy(ROOT / "annotations" / "GUIDELINES.md", root / "annotations" / "GUIDELINES.md")
    (tmp / "report-a.txt").write_text(REPORT_A, encoding="utf-8")
    (tmp / "report-b.txt").write_text(REPORT_B, encoding="utf-8")
    assert run("new-cluster", CLUSTER, "--split", "test", root=root).returncode == 0
    for name, source in (("a", "Harbour News"), ("b", "The Aldwyn Post")):
        done = run(
            "add-article", CLUSTER, str(tmp / f"report-{name}.txt"), "--source", source, "--language", "en", root=root
        )
        assert done.returncode == 0, done.stderr
    return root


class Workbench:
    """``alignbench annotate`` running in a subprocess; ``url`` is the page's URL with its token."""

    def __init__(self, root: Path, *args: str, port: int = 0):
        command = [*ALIGNBENCH, "annotate", CLUSTER, *args, "--port", str(port), "--root", str(root)]
        self.proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if "open http" not in line:
            self.proc.wait(timeout=60)
            why = self.proc.stderr.read()
            self.stop()
            raise AssertionError(f"the workbench did not start: {line}{why}")
        self.url = line.split("open ", 1)[1].strip()
        self.base = self.url.split("?", 1)[0]
        self.token = self.url.split("token=", 1)[1]
        self.port = int(self.base.rsplit(":", 1)[1].strip("/"))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream:
                stream.close()

    def call(self, path: str, body: dict | None = None, token: str | None = None, method: str | None = None):
        """(status, decoded JSON or text) of one request; ``token`` None sends this session's."""
        headers = {"Content-Type": "application/json"}
        if token is not False:
            headers["X-Workbench-Token"] = self.token if token is None else token
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base.rstrip("/") + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as err:
            status, raw = err.code, err.read()
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw.decode("utf-8", "replace")


@contextlib.contextmanager
def workbench(root: Path, *args: str, port: int = 0) -> Iterator[Workbench]:
    bench = Workbench(root, *args, port=port)
    try:
        yield bench
    finally:
        bench.stop()


def needs_extra() -> None:
    """Skip, saying why, where the optional extra ``annotate`` is not installed."""
    for name in ("starlette", "uvicorn"):
        pytest.importorskip(name, reason=f"the workbench needs the optional extra 'annotate' ({name})")


@contextlib.contextmanager
def browser_page() -> Iterator:
    """A Playwright page in Debian's headless Chromium (skipped, saying why, without either)."""
    needs_extra()
    sync_api = pytest.importorskip("playwright.sync_api", reason="the browser tests need the 'playwright' package")
    binary = chromium()
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=binary, headless=True, args=[f for f in FLAGS if f != "--headless"]
        )
        try:
            page = launched.new_page(viewport={"width": 1400, "height": 1000})
            errors: list[str] = []
            page.on("pageerror", lambda err: errors.append(str(err)))
            # a refused save is an HTTP 409/422 that Chromium logs as a failed load: expected, not an error
            page.on(
                "console",
                lambda msg: (
                    errors.append(msg.text)
                    if msg.type == "error" and not msg.text.startswith("Failed to load resource")
                    else None
                ),
            )
            page.errors = errors  # type: ignore[attr-defined]
            yield page
        finally:
            launched.close()


#: Selects the ``nth`` occurrence (0-based) of ``needle`` in the rendered text of one article, as a
#: person would with the mouse: a DOM Range over the text nodes.
SELECT_JS = """([aid, needle, nth]) => {
  const box = document.querySelector(`.text[data-article="${aid}"]`);
  const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
  const nodes = []; let all = "";
  while (walker.nextNode()) { nodes.push([walker.currentNode, all.length]); all += walker.currentNode.data; }
  let at = -1; for (let i = 0; i <= nth; i++) { at = all.indexOf(needle, at + 1); if (at < 0) throw new Error("not found"); }
  const point = (pos) => { for (let i = nodes.length - 1; i >= 0; i--) if (nodes[i][1] <= pos) return [nodes[i][0], pos - nodes[i][1]]; };
  const [sn, so] = point(at), [en, eo] = point(at + needle.length);
  getSelection().setBaseAndExtent(sn, so, en, eo);
  return at;
}"""


def select(page, aid: str, needle: str, nth: int = 0) -> int:
    return page.evaluate(SELECT_JS, [aid, needle, nth])


def wait_state(page, key: str, value: str, timeout: float = 15.0) -> None:
    """Wait until ``document.body.dataset[key] == value``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page.evaluate(f"document.body.dataset[{json.dumps(key)}]") == value:
            return
        page.wait_for_timeout(50)
    errors = getattr(page, "errors", [])
    raise AssertionError(
        f"page errors {errors}; body data-{key} is {page.evaluate(f'document.body.dataset[{json.dumps(key)}]')!r}, not {value!r}"
    )


def jsonl(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
