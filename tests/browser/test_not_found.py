"""The 404 page with base_url empty, served for a missing address at any
depth (as GitHub Pages does): styled, and every link leads into the site."""

from __future__ import annotations

import functools
import http.server
import threading

from .support import SUB_PATH, build_site


class _PagesHandler(http.server.SimpleHTTPRequestHandler):
    """A static host that answers a missing path with the site's 404.html."""

    def log_message(self, format, *args):  # noqa: A002
        pass

    def send_error(self, code, message=None, explain=None):
        if code != 404:
            return super().send_error(code, message, explain)
        body = (self.server.site / "404.html").read_bytes()  # type: ignore[attr-defined]
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def poll(page, expression: str, seconds: float = 10.0) -> bool:
    """page.evaluate until true (wait_for_function evaluates strings, which the CSP forbids)."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if page.evaluate(expression):
            return True
        time.sleep(0.1)
    return False


def test_404_page_works_at_any_depth_without_base_url(tmp_path, playwright_browser):
    site = tmp_path / "site"
    build_site(site, "--no-search")
    www = tmp_path / "www"
    www.mkdir()
    (www / SUB_PATH).symlink_to(site, target_is_directory=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_PagesHandler, directory=str(www)))
    server.site = site  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    root = f"http://127.0.0.1:{server.server_address[1]}/{SUB_PATH}/"
    page = playwright_browser.new_page()
    try:
        # A stale bulletin address (a known folder in it), and one with none (the root is probed).
        for missing, link, lands in (("bulletins/yiyang/2023-01-01-9/", "按城市浏览", "cities/"),
                                     ("no/such/deep/page.html", "按年度浏览", "archive/"),
                                     ("nothing-here", "返回首页", "")):
            response = page.goto(root + missing)
            assert response.status == 404
            styled = poll(page, "() => [...document.styleSheets].some(s => s.href && s.href.endsWith("
                                "'/%s/assets/style.css') && s.cssRules.length > 0)" % SUB_PATH)
            assert styled, f"{missing}: the stylesheet did not load"
            assert page.locator("h1").inner_text() == "未找到页面"
            page.get_by_role("link", name=link).click()
            page.wait_for_load_state("load")
            assert page.url == root + lands, (missing, page.url)
            assert page.locator("h1").count() == 1
    finally:
        page.close()
        server.shutdown()
        server.server_close()
