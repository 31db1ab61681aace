"""Fixtures of the browser tests: one built site, one server, one Chromium.

Outside CI a machine without Chromium (or Playwright, or axe-core) skips
these tests with a message saying what to install; under CI=true the same
gap fails the run, so CI can never pass without having looked at the pages.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .support import ARTIFACTS, AXE, INSTALL_AXE, build_site, serve


def require(ok: bool, why: str) -> None:
    """Skip, or under CI=true fail, when something the tests need is missing."""
    if ok:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and the browser tests cannot run: {why}", pytrace=False)
    pytest.skip(why)


@pytest.fixture(scope="session")
def playwright_browser(chromium_browser):
    """The one Chromium of the session (tests/conftest.py): Playwright's sync API allows one."""
    return chromium_browser


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The repository's archive, built with its search index."""
    out = tmp_path_factory.mktemp("browser") / "site"
    build_site(out)
    return out


@pytest.fixture(scope="session")
def base_url(built_site, playwright_browser):
    with serve(built_site) as url:
        yield url


@dataclass
class Problems:
    """What went wrong while a page loaded: anything here fails the test."""

    console: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)

    def all(self) -> list[str]:
        return ([f"console: {m}" for m in self.console] + [f"request: {m}" for m in self.failed]
                + [f"left the site: {m}" for m in self.external])


@dataclass
class Browsing:
    page: object  # playwright.sync_api.Page
    problems: Problems
    base_url: str

    def open(self, path: str, *, expect_status: int = 200):
        response = self.page.goto(self.base_url + path, wait_until="networkidle")
        assert response is not None and response.status == expect_status, (path, response and response.status)
        return response


def _browse(playwright_browser, base_url, **context_options):
    context = playwright_browser.new_context(locale="zh-CN", **context_options)
    problems = Problems()
    host = urlsplit(base_url).netloc

    def route(route):
        # The site must load nothing from the internet: record and refuse.
        if urlsplit(route.request.url).netloc != host:
            problems.external.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and problems.console.append(
        f"{m.text} ({m.location.get('url', '')})"))
    page.on("pageerror", lambda e: problems.console.append(f"uncaught: {e}"))
    page.on("requestfailed", lambda r: problems.failed.append(f"{r.url}: {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and problems.failed.append(f"{r.url}: HTTP {r.status}"))
    return context, Browsing(page, problems, base_url)


@pytest.fixture
def browsing(playwright_browser, base_url):
    """A fresh desktop-sized tab (1280x900) that records problems."""
    context, browsing = _browse(playwright_browser, base_url, viewport={"width": 1280, "height": 900})
    yield browsing
    context.close()


@pytest.fixture
def phone(playwright_browser, base_url):
    """A fresh phone-sized tab: 375 px wide, as the issue demands."""
    context, browsing = _browse(playwright_browser, base_url, viewport={"width": 375, "height": 740},
                                device_scale_factor=2, is_mobile=True, has_touch=True)
    yield browsing
    context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    require(AXE.is_file(), f"axe-core is missing ({AXE}): {INSTALL_AXE}")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """test-artifacts/ (git-ignored): screenshots and PDFs to look at after a run."""
    folder = ARTIFACTS / "browser"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
