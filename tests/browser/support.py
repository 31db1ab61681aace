"""Shared by the browser tests and scripts/screenshots: build, serve, browse.

The browser is Debian's ``chromium`` package driven by Playwright for Python
through ``executable_path``; Playwright's own browser download is never used.
The built site is served by Python's http.server under a sub-path
(``/jianbao/``), which also proves every link in the site is relative.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("BRIEFSITE_CHROMIUM", "/usr/bin/chromium"))
# Quiet, offline, reproducible: no sandbox (root on CI), no GPU, no QUIC, no
# first-run, update or sync traffic to Google.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
SUB_PATH = "jianbao"  # the site is served at http://127.0.0.1:<port>/jianbao/

INSTALL_BROWSER = ("install Debian's chromium (as root: apt-get install -y chromium fonts-noto-cjk), "
                   "or point BRIEFSITE_CHROMIUM at a Chromium binary")
INSTALL_AXE = "install axe-core from tests/browser/package-lock.json: npm ci --prefix tests/browser"


def missing_browser() -> str:
    """Why the browser tests cannot run here ('' when they can)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (make test installs it from requirements.lock)"
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM}: {INSTALL_BROWSER}"
    return ""


def build_site(out: Path, *extra: str) -> str:
    """Build the repository's archive into ``out`` with the real command line."""
    proc = subprocess.run(
        [sys.executable, "-m", "briefsite", "build", "--source", str(ROOT / "bulletins"),
         "--config", str(ROOT / "briefsite.yaml"), "--out", str(out), *extra],
        capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise RuntimeError(f"briefsite build failed:\n{proc.stdout}{proc.stderr}")
    return proc.stdout


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on a free local port; yields the site's base URL (sub-path)."""
    www = folder.parent / f"{folder.name}-www"
    www.mkdir(exist_ok=True)
    link = www / SUB_PATH
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(folder.resolve(), target_is_directory=True)
    handler = functools.partial(_QuietHandler, directory=str(www))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{SUB_PATH}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        shutil.rmtree(www, ignore_errors=True)


def launch(playwright):
    """Debian's Chromium, headless, through Playwright."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                      args=CHROMIUM_ARGS)


# One page of each kind: (name, path below the site root).
PAGE_TYPES = [
    ("home", ""),
    ("cities", "cities/"),
    ("city", "cities/yiyang/"),
    ("archive", "archive/"),
    ("year", "archive/2024/"),
    ("bulletin", "bulletins/yiyang/2024-05-10-1/"),
    ("search", "search/"),
    ("404", "404.html"),
]
