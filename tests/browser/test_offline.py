"""The offline copy (links: files) opened from a folder, as from a USB stick:
every link names its index.html, so pages navigate under file://."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .support import ROOT


def build_offline(tmp_path: Path) -> Path:
    config = tmp_path / "briefsite.yaml"
    config.write_text((ROOT / "briefsite.yaml").read_text(encoding="utf-8") + "\nlinks: files\n",
                      encoding="utf-8")
    out = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "briefsite", "build", "--source", str(ROOT / "bulletins"),
                    "--config", str(config), "--out", str(out), "--no-search", "--no-cache"],
                   check=True, capture_output=True, timeout=300)
    return out


def test_offline_copy_navigates_from_file_urls(tmp_path, playwright_browser):
    out = build_offline(tmp_path)
    page = playwright_browser.new_page()
    try:
        page.goto((out / "index.html").as_uri())
        visited = []
        # Home -> a bulletin -> its city -> the city list -> the year archive -> home, by clicking.
        for selector in ("main a[href*='bulletins/']", "main a[href*='cities/'][href$='index.html']",
                         "a[href$='cities/index.html']", "a[href*='archive/'][href$='index.html']",
                         "a[href$='../index.html'], a[href='index.html']"):
            page.locator(selector).first.click()
            page.wait_for_load_state("load")
            assert page.url.startswith("file://") and page.url.endswith("index.html"), page.url
            assert page.locator("h1").count() == 1, f"{page.url} shows no page (a folder listing?)"
            visited.append(page.url)
        assert len(set(visited)) >= 4
        # Every internal link on every page names a file, never a folder.
        for html in out.rglob("*.html"):
            hrefs = page.evaluate("""html => [...new DOMParser().parseFromString(html, 'text/html')
                .querySelectorAll('a[href], link[href]')].map(a => a.getAttribute('href'))""",
                                  html.read_text(encoding="utf-8"))
            folders = [h for h in hrefs if not h.startswith(("http:", "https:", "mailto:", "tel:", "#"))
                       and h.split("#")[0].endswith("/")]
            assert folders == [], f"{html.relative_to(out)} links to folders: {folders[:3]}"
        page.goto((out / "search" / "index.html").as_uri())
        assert "检索需要网站服务器" in page.locator(".offline-notice").inner_text()
    finally:
        page.close()
