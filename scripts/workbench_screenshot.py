"""Take docs/workbench.png: the annotation workbench's links step, in headless Chromium (Playwright).

In a temporary tree it makes the fictional cluster of the workbench tests (two synthetic reports
written for them), removes the chrome, makes the claims by selection, links a few pairs, and takes
the screenshot mid-pass, so the completeness counts are visible. Run from the clone, with the extra
``annotate`` and playwright installed (``pip install -e '.[test]'``) and Debian's ``chromium``::

    python scripts/workbench_screenshot.py docs/workbench.png
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from test_workbench_browser import ANN1, CLAIMS, KEY, A, B, cid  # noqa: E402
from workbench import browser_page, make_tree, select, wait_state, workbench  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(allow_abbrev=False, description=__doc__.split("\n")[0])
    parser.add_argument("output", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = make_tree(Path(tmp))
        with workbench(root, "--pass", "ann1") as server, browser_page() as page:
            page.goto(server.url)
            wait_state(page, "ready", "1")
            page.keyboard.press("1")
            for line in ("Harbour News\n", "Get all your news in one place.\n"):
                select(page, A, line)
                page.keyboard.press("x")
            page.keyboard.press("2")
            for article, text, nth in CLAIMS:
                select(page, article, text, nth)
                page.keyboard.press("c")
            page.keyboard.press("3")
            for i in (1, 2):
                page.click(f'.claim-row[data-side="a"][data-id="{cid(A, i)}"]')
                for j in range(1, 5):
                    page.click(f'.claim-row[data-side="b"][data-id="{cid(B, j)}"]')
                    if (i, j) in ANN1:
                        page.keyboard.press(KEY[ANN1[(i, j)][0]])
                        page.fill("#rationale", ANN1[(i, j)][1])
                        page.keyboard.press("Escape")
                    else:
                        page.keyboard.press("n")
            page.click(f'.claim-row[data-side="a"][data-id="{cid(A, 2)}"]')
            page.click(f'.claim-row[data-side="b"][data-id="{cid(B, 3)}"]')
            page.evaluate("document.querySelector('.guide details').open = true")
            page.set_viewport_size({"width": 1500, "height": 900})
            page.screenshot(path=str(args.output))
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
