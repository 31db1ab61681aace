"""serve --open in Chromium: an open tab goes to the bulletin the editor saves."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time

from .support import ROOT


def test_open_tab_follows_the_saved_bulletin(tmp_path, playwright_browser):
    shutil.copytree(ROOT / "bulletins", tmp_path / "bulletins")
    shutil.copy(ROOT / "briefsite.yaml", tmp_path / "briefsite.yaml")
    # `true` stands in for the editor's browser: --open must not fail where
    # none can be started, and the test drives its own Chromium instead.
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "BROWSER": "true"}
    server = subprocess.Popen([sys.executable, "-m", "briefsite", "serve", "--port", "0", "--open"],
                              cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    page = playwright_browser.new_page()
    try:
        deadline = time.monotonic() + 60
        address = None
        while address is None and time.monotonic() < deadline:
            match = re.search(r"(http://127\.0\.0\.1:\d+/)", server.stdout.readline())
            address = match.group(1) if match else None
        assert address, "serve did not start"
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(address)  # the home page, as --open shows it
        page.wait_for_function("() => document.querySelector('script[src*=\"reload.js\"]') !== null")
        time.sleep(0.5)  # the event stream connects

        bulletin = next((tmp_path / "bulletins").rglob("*.md"))
        target = "/" + bulletin.relative_to(tmp_path).with_suffix("").as_posix() + "/"
        text = bulletin.read_text(encoding="utf-8")
        bulletin.write_text(text.rstrip("\n") + "\n\n补充一段。\n", encoding="utf-8")

        page.wait_for_url(re.compile(re.escape(target) + "$"), timeout=60_000)
        assert "补充一段。" in page.locator("main").inner_text()
        assert errors == []
    finally:
        page.close()
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
