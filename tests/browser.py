"""Headless Chromium for the page tests: render a file:// URL, let its scripts run, read the DOM back.

``chromium --headless --dump-dom`` prints the DOM after the page's scripts ran (the page renders
synchronously on load and records what it shows in ``data-*`` attributes of ``<body>``); the DOM is
read with the standard library's HTML parser. Tests using it are skipped, with the reason, where no
Chromium is found (``.ci/run`` installs Debian's ``chromium``; ``ALIGNBENCH_CHROMIUM`` names another).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple

import pytest

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
)


def chromium() -> str:
    """The Chromium binary, or skip the test saying why."""
    named = os.environ.get("ALIGNBENCH_CHROMIUM")
    found = shutil.which(named) if named else next((p for n in NAMES if (p := shutil.which(n))), None)
    if not found:
        pytest.skip(
            f"headless Chromium not found ({named or ', '.join(NAMES)} not on PATH): "
            "apt-get install chromium, or set ALIGNBENCH_CHROMIUM"
        )
    return found


def _run(args: list[str]) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as profile:
        command = [chromium(), *FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=3000", *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def dump_dom(page: Path, fragment: str = "") -> str:
    """The DOM of ``page`` (opened as file://, with ``#fragment``) after its scripts ran.

    The page writes nothing to the console, so any console message (an uncaught error, a refused
    request) fails here; Chromium logs them to stderr as ``CONSOLE`` lines.
    """
    url = page.resolve().as_uri() + (f"#{fragment}" if fragment else "")
    done = _run(["--enable-logging=stderr", "--v=0", "--window-size=1400,1000", "--dump-dom", url])
    assert done.returncode == 0 and "<body" in done.stdout, done.stderr[-2000:]
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [], console
    return done.stdout


def screenshot(page: Path, out: Path, fragment: str = "", size: str = "1500,1300") -> None:
    """A PNG screenshot of ``page``."""
    url = page.resolve().as_uri() + (f"#{fragment}" if fragment else "")
    done = _run([f"--window-size={size}", f"--screenshot={out}", url])
    assert done.returncode == 0 and out.is_file(), done.stderr[-2000:]


class Element(NamedTuple):
    tag: str
    attrs: dict[str, str]
    hidden: bool  # it, or an element it is inside, has the hidden attribute


class _Collect(HTMLParser):
    VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.stack: list[tuple[str, bool]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        hidden = "hidden" in values or (self.stack[-1][1] if self.stack else False)
        self.elements.append(Element(tag, values, hidden))
        if tag not in self.VOID:
            self.stack.append((tag, hidden))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break


def elements(dom: str) -> list[Element]:
    """Every element of a DOM dump, with its attributes and whether it is hidden."""
    parser = _Collect()
    parser.feed(dom)
    return parser.elements


def body(dom: str) -> dict[str, str]:
    """The attributes of ``<body>`` (the page writes its state there)."""
    return next(e.attrs for e in elements(dom) if e.tag == "body")
