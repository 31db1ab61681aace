"""The site in English (briefsite.yaml: language: en), as a reader uses its
search page in real Chromium: every word the page says is English, the
results are the same bulletins, shown as printed."""

from __future__ import annotations

from .conftest import DESKTOP, browse
from .support import ROOT, build_site, serve


def test_english_search_page_finds_and_says_it_in_english(tmp_path, playwright_browser):
    config = tmp_path / "briefsite.yaml"
    config.write_text((ROOT / "briefsite.yaml").read_text(encoding="utf-8") + "\nlanguage: en\n",
                      encoding="utf-8")
    out = tmp_path / "site"
    build_site(out, "--config", str(config), "--no-cache")
    with serve(out) as base_url:
        context, browsing = browse(playwright_browser, base_url, **DESKTOP)
        try:
            page = browsing.page
            browsing.open("search/")
            assert page.inner_text("label[for=search-input]") == "Search for"

            def search(query: str, city: str = "") -> str:
                page.fill("#search-input", query)
                page.select_option("#search-city", city)
                page.press("#search-input", "Enter")
                page.wait_for_function("""() => {
                    const s = document.getElementById('search-status').textContent;
                    return s && !s.startsWith('Searching');
                }""", timeout=15_000)
                page.wait_for_load_state("networkidle")
                return page.inner_text("#search-status")

            assert search("南洞庭湖湿地") == "Bulletins containing “南洞庭湖湿地”: 1."
            first = page.locator(".search-result").first
            # The issue as printed (第1期), as in every list of the site; the date in English.
            assert first.locator(".meta").inner_text() == "第1期 · 益阳市 · 10 May 2024"
            assert search("南洞庭湖湿地", "益阳市") == "Bulletins containing “南洞庭湖湿地” (益阳市): 1."
            assert search("量子计算").startswith("No bulletin contains “量子计算”.")
            assert search("", "株洲市").startswith("Bulletins of 株洲市: 1, newest first.")
            assert browsing.problems.all() == []
        finally:
            context.close()
