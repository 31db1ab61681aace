"""Every kind of page, in real Chromium: loads cleanly, fits a phone, is accessible."""

from __future__ import annotations

import pytest

from .support import PAGE_TYPES

PAGES = pytest.mark.parametrize("name,path", PAGE_TYPES, ids=[name for name, _ in PAGE_TYPES])


def show_results(browsing, query: str = "督察") -> None:
    """On the search page: type a query and wait for the results to be listed."""
    browsing.page.fill("#search-input", query)
    browsing.page.press("#search-input", "Enter")
    browsing.page.wait_for_selector(".search-result", timeout=15_000)
    browsing.page.wait_for_load_state("networkidle")


@PAGES
def test_page_loads_without_errors(browsing, artifacts, name, path):
    browsing.open(path)
    if name == "search":
        show_results(browsing)  # the index, its chunks and the WebAssembly load too
    assert browsing.page.locator("h1").count() == 1, "one h1 per page"
    assert browsing.page.evaluate("document.documentElement.lang") == "zh-CN"
    browsing.page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
    assert browsing.problems.all() == [], f"{name} page ({path or '/'})"


@PAGES
def test_phone_width_has_no_sideways_scroll(phone, artifacts, name, path):
    phone.open(path)
    if name == "search":
        show_results(phone)
    widths = phone.page.evaluate(
        "({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
    phone.page.screenshot(path=str(artifacts / f"{name}-375.png"), full_page=True)
    assert widths["inner"] == 375
    assert widths["scroll"] <= widths["inner"], f"{name} page scrolls sideways at 375 px: {widths}"
    assert phone.problems.all() == []


@PAGES
def test_no_serious_accessibility_violations(browsing, axe_source, name, path):
    browsing.open(path)
    if name == "search":
        show_results(browsing)
    # Evaluated through DevTools, so a Content-Security-Policy does not block it.
    browsing.page.evaluate(axe_source)
    result = browsing.page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(map(str, n["target"])) for n in v["nodes"][:5])
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], f"{name} page ({path or '/'})"
