"""Take the README's screenshots: a bulletin page and the search page with results.

    python tests/browser/screenshots.py docs/screenshots      (or: make screenshots)

Builds the repository's archive into a scratch folder, serves it locally and
photographs it with Debian's Chromium, the same way the browser tests do.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from support import build_site, launch, missing_browser, serve  # noqa: E402

VIEWPORT = {"width": 1100, "height": 900}


def take(out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as scratch:
        site = Path(scratch) / "site"
        build_site(site)
        with serve(site) as url, sync_playwright() as playwright:
            browser = launch(playwright)
            page = browser.new_page(viewport=VIEWPORT, locale="zh-CN")
            page.goto(url + "bulletins/yiyang/2024-05-10-1/", wait_until="networkidle")
            written.append(out / "bulletin.png")
            page.screenshot(path=str(written[-1]))
            page.goto(url + "search/?q=湿地保护", wait_until="networkidle")
            page.wait_for_selector(".search-result")
            page.wait_for_load_state("networkidle")
            page.locator("#search-input").blur()
            written.append(out / "search.png")
            page.screenshot(path=str(written[-1]))
            browser.close()
    return written


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    why = missing_browser()
    if why:
        print(f"screenshots: {why}", file=sys.stderr)
        return 1
    for path in take(Path(argv[0])):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
