"""Bytes and requests the search page downloads for one query (docs/search.md).

    .venv/bin/python benchmarks/search_bytes.py SITE [QUERY ...]

Opens search/?q=QUERY in Chromium and counts every response (its body
size) beyond those of the same page without a query (the index chunks,
filters and fragments the query needed), and the time since the page was
opened: when the first results are listed (or the page says there are
none), and when every shard has been searched and the count is final. The
index on disk is summed too.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.support import launch, serve  # noqa: E402

QUERIES = ["督察", "湿地保护", "南洞庭湖湿地保护修复", "的", "2024", "量子计算", "督察 整改"]


FIRST = """() => { const s = document.getElementById('search-status').textContent;
                  return document.querySelector('.search-result') || (s && !s.startsWith('正在')); }"""
FINAL = """() => { const s = document.getElementById('search-status').textContent;
                  return s && !s.startsWith('正在'); }"""


def load(browser, url: str) -> tuple[tuple[int, int, float], tuple[int, int, float]]:
    """(bytes, requests, seconds) when the first results are listed (or the
    page says there are none), and when the count is final."""
    page = browser.new_page()
    sizes: list[int] = []

    def count(request):
        # The size the network reports: reading each response's body
        # (response.body()) lost responses whenever many came at once, as
        # Chromium keeps a bounded buffer of bodies for its devtools; the
        # counts of 2026-12-01 read that way were ~a third short.
        sizes.append(request.sizes()["responseBodySize"])

    page.on("requestfinished", count)
    page.goto(url, wait_until="commit")
    page.wait_for_function(FIRST, timeout=300_000, polling=50)
    first = (sum(sizes), len(sizes), page.evaluate("performance.now()") / 1000)
    page.wait_for_function(FINAL, timeout=300_000, polling=50)
    seconds = page.evaluate("performance.now()") / 1000
    page.wait_for_load_state("networkidle")
    page.close()
    return first, (sum(sizes), len(sizes), seconds)


def main() -> int:
    site = Path(sys.argv[1])
    queries = sys.argv[2:] or QUERIES
    index = sum(p.stat().st_size for p in (site / "pagefind").rglob("*") if p.is_file())
    print(f"index on disk: {index / 1e6:.1f} MB")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw, serve(site) as url:
        browser = launch(pw)
        _, (base, base_n, _) = load(browser, url + "search/?city=__none__")
        print(f"page and index start-up: {base / 1e3:.0f} KB in {base_n} requests")
        for query in queries:
            (total1, n1, seconds1), (total, n, seconds) = load(browser, url + "search/?q=" + query)
            print(f"{query:12} first results after {seconds1:5.1f} s ({(total1 - base) / 1e3:6.0f} KB, "
                  f"{n1 - base_n:4d} requests); all counted after {seconds:5.1f} s "
                  f"({(total - base) / 1e3:6.0f} KB in {n - base_n:4d} requests beyond start-up)")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
