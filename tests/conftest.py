"""Shared fixtures: a scratch archive, a bulletin writer, the real CLI."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

# A suite started in the background of a shell (as some CI runners do) inherits
# SIGINT ignored, and every build or server it starts would too: Python then
# installs no Ctrl-C handler and the tests that interrupt them would hang.
# A handler (unlike "ignored") is reset to the default in each child.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

ROOT = Path(__file__).resolve().parents[1]
BULLETINS = ROOT / "bulletins"
SEEDS = ROOT / "tests" / "fixtures" / "seeds"

MINIMAL = """---
title: 益阳市配合中央生态环境保护督察工作简报
issue: {issue}
date: {date}
issuer: 益阳市配合中央生态环境保护督察协调联络专班
city: 益阳市
---

### 标题{issue}

正文第{issue}期。
"""


@dataclass
class Result:
    code: int
    out: str
    err: str


def run_cli(*args: str, cwd: Path, env: dict | None = None, timeout: float = 120) -> Result:
    """Run the real command line (python -m briefsite) and capture its output."""
    # Progress lines only when a test asks (a loaded machine can make any build last a second).
    full_env = {**os.environ, "BRIEFSITE_PROGRESS_AFTER": "3600", **(env or {})}
    proc = subprocess.run([sys.executable, "-m", "briefsite", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=timeout)
    return Result(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture(autouse=True)
def chinese_messages(monkeypatch):
    """Messages in the default language (Chinese) whatever the machine's
    locale: a CI runner with LANG=en_US runs every test the same way. Tests
    of English set --lang en or LANG themselves."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the repository's archive (bulletins + config) in a scratch folder."""
    shutil.copytree(BULLETINS, tmp_path / "bulletins")
    shutil.copy(ROOT / "briefsite.yaml", tmp_path / "briefsite.yaml")
    return tmp_path


@pytest.fixture
def empty_project(tmp_path: Path) -> Path:
    (tmp_path / "bulletins").mkdir()
    return tmp_path


def write_bulletin(root: Path, rel: str, text: str | bytes) -> Path:
    path = root / "bulletins" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def minimal(issue: int = 1, date: str = "2024-05-10") -> str:
    return MINIMAL.format(issue=issue, date=date)


@pytest.fixture(scope="session")
def chromium_browser():
    """Debian's Chromium through Playwright, one for the whole session (the browser tests and the
    PDF import tests share it: Playwright's sync API runs one event loop per thread).

    Skipped when Chromium or Playwright is missing; under CI=true that is a failure instead.
    """
    from browser.support import launch, missing_browser

    why = missing_browser()
    if why:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and the browser tests cannot run: {why}", pytrace=False)
        pytest.skip(why)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()
