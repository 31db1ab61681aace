"""briefsite serve in Chromium: a draft is shown, marked as one and not indexed."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time

from .support import ROOT


def test_draft_in_serve_shows_its_banner(tmp_path, playwright_browser):
    shutil.copytree(ROOT / "bulletins", tmp_path / "bulletins")
    shutil.copy(ROOT / "briefsite.yaml", tmp_path / "briefsite.yaml")
    made = subprocess.run([sys.executable, "-m", "briefsite", "new", "--city", "益阳市", "--date", "2024-05-27"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60, check=True)
    name = os.path.basename(made.stdout.splitlines()[0])[: -len(".md")]
    server = subprocess.Popen([sys.executable, "-m", "briefsite", "serve", "--port", "0"], cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                              env={**os.environ, "PYTHONUNBUFFERED": "1"})
    page = playwright_browser.new_page()
    try:
        deadline = time.monotonic() + 60
        address = None
        while address is None and time.monotonic() < deadline:
            line = server.stdout.readline()
            match = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
            address = match.group(1) if match else None
        assert address, "serve did not start"
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{address}bulletins/yiyang/{name}/")
        banner = page.locator(".draft-banner")
        assert banner.is_visible()
        assert "草稿" in banner.inner_text() and "不会发布" in banner.inner_text()
        assert page.locator('meta[name="robots"][content="noindex"]').count() == 1
        assert page.locator("h1").count() == 1
        box = banner.bounding_box()
        assert box and box["y"] < 400, "the banner is at the top of the page"
        assert errors == []
    finally:
        page.close()
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
