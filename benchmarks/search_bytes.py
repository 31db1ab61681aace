"""Bytes and requests the search page downloads for one query (docs/search.md).

    .venv/bin/python benchmarks/search_bytes.py SITE [QUERY ...]

Opens search/?q=QUERY in Chromium, waits until the results are listed, and
counts every response (its body size) beyond those of the same page without
a query: the index chunks, filters and fragments the query needed. The
index on disk is summed too.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.support import launch, serve  # noqa: E402

QUERIES = ["督察", "湿地保护", "南洞庭湖湿地保护修复", "的", "2024", "量子计算", "督察 整改"]


def load(browser, url: str) -> tuple[int, int, float]:
    page = browser.new_page()
    sizes: list[int] = []

    def count(response):
        try:
            sizes.append(len(response.body()))
        except Exception:  # redirects and aborted requests have no body
            pass

    page.on("response", count)
    page.goto(url, wait_until="networkidle")
    page.wait_for_function("""() => { const s = document.getElementById('search-status').textContent;
                               return !s.startsWith('正在'); }""", timeout=120_000)
    page.wait_for_load_state("networkidle")
    seconds = page.evaluate("performance.now()") / 1000
    page.close()
    return sum(sizes), len(sizes), seconds


def main() -> int:
    site = Path(sys.argv[1])
    queries = sys.argv[2:] or QUERIES
    index = sum(p.stat().st_size for p in (site / "pagefind").rglob("*") if p.is_file())
    print(f"index on disk: {index / 1e6:.1f} MB")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw, serve(site) as url:
        browser = launch(pw)
        base, base_n, _ = load(browser, url + "search/?city=__none__")
        print(f"page and index start-up: {base / 1e3:.0f} KB in {base_n} requests")
        for query in queries:
            total, n, seconds = load(browser, url + "search/?q=" + query)
            print(f"{query:12} {(total - base) / 1e3:8.0f} KB in {n - base_n:4d} requests beyond start-up, "
                  f"results listed after {seconds:.1f} s")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
