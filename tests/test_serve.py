"""`briefsite serve` as a user runs it: a real process on a free port."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import run_cli

BULLETIN = "bulletins/yiyang/2024-05-10-1.md"
PAGE = "/bulletins/yiyang/2024-05-10-1/"
WAIT = 30.0  # seconds; generous for a loaded CI machine, never reached when all is well


class Server:
    """A `briefsite serve` subprocess with its output collected as it comes."""

    def __init__(self, cwd: Path, *args: str) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen([sys.executable, "-m", "briefsite", "serve", "--port", "0", *args],
                                     cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, encoding="utf-8")
        self.out: list[str] = []
        self.err: list[str] = []
        for stream, lines in ((self.proc.stdout, self.out), (self.proc.stderr, self.err)):
            threading.Thread(target=self._collect, args=(stream, lines), daemon=True).start()
        match = self.wait_for(r"http://127\.0\.0\.1:(\d+)/", "out")
        self.port = int(match.group(1))

    @staticmethod
    def _collect(stream, lines: list[str]) -> None:
        for line in stream:
            lines.append(line)

    def text(self, which: str) -> str:
        return "".join(self.out if which == "out" else self.err)

    def wait_for(self, pattern: str, which: str) -> re.Match:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            match = re.search(pattern, self.text(which))
            if match:
                return match
            if self.proc.poll() is not None:
                time.sleep(0.2)  # let the readers drain
                raise AssertionError(f"serve exited with {self.proc.returncode}:\n"
                                     f"{self.text('out')}\n{self.text('err')}")
            time.sleep(0.05)
        raise AssertionError(f"{pattern!r} not seen in:\n{self.text(which)}")

    def get(self, target: str) -> tuple[int, dict[str, str], str]:
        """GET with the request target sent exactly as given (no normalising)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT)
        try:
            conn.putrequest("GET", target, skip_accept_encoding=True)
            conn.endheaders()
            response = conn.getresponse()
            body = response.read().decode("utf-8", errors="replace")
            return response.status, {k.lower(): v for k, v in response.getheaders()}, body
        finally:
            conn.close()

    def get_until(self, target: str, check) -> tuple[int, str]:
        deadline = time.monotonic() + WAIT
        while True:
            status, _, body = self.get(target)
            if check(status, body):
                return status, body
            if time.monotonic() > deadline:
                raise AssertionError(f"{target}: still {status}:\n{body[:2000]}\n{self.text('err')}")
            time.sleep(0.1)

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGINT)
        return self.proc.wait(timeout=WAIT)


@pytest.fixture
def start(project):
    servers: list[Server] = []

    def _start(*args: str, cwd: Path = project) -> Server:
        server = Server(cwd, *args)
        servers.append(server)
        return server
    yield _start
    for server in servers:
        if server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_preview_rebuilds_shows_errors_recovers_and_stops(project, start):
    server = start()
    assert "已生成：5 期简报" in server.text("out")

    status, headers, home = server.get("/")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    tag = re.search(r'<script src="/__briefsite/reload\.js\?v=(\d+)" defer></script>', home)
    assert tag, "served pages load the reload script"
    assert "reload.js" not in (project / "site" / "index.html").read_text(encoding="utf-8"), \
        "the built files on disk stay clean"
    status, headers, script = server.get("/__briefsite/reload.js")
    assert status == 200 and "EventSource" in script and "javascript" in headers["content-type"]

    status, _, page = server.get(PAGE)
    assert status == 200 and "陈竞率队实地调研" in page

    # A tab listening for rebuilds.
    events = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT)
    events.request("GET", f"/__briefsite/events?since={tag.group(1)}")
    stream = events.getresponse()
    assert stream.status == 200 and stream.getheader("Content-Type").startswith("text/event-stream")

    # Edit a bulletin: the tab is told to reload, the page shows the change.
    edit(project / BULLETIN, "陈竞率队实地调研", "陈竞同志率队实地调研")
    deadline = time.monotonic() + WAIT
    while (line := stream.fp.readline().decode()) != "event: reload\n":
        assert line and time.monotonic() < deadline, "no reload event"
    events.close()
    server.get_until(PAGE, lambda s, body: s == 200 and "陈竞同志率队实地调研" in body)
    server.wait_for(r"已生成（改动：bulletins/yiyang/2024-05-10-1\.md）", "out")

    # Break it: every page shows the error, the terminal too, the server lives on.
    edit(project / BULLETIN, "date: 2024-05-10", "date: 2024年5月10日")
    status, page = server.get_until(PAGE, lambda s, body: s == 500)
    message = "bulletins/yiyang/2024-05-10-1.md:4: error: date"
    assert message in page and "构建失败" in page and 'lang="zh-CN"' in page
    assert "/__briefsite/reload.js?v=" in page  # so the fix reloads it by itself
    assert server.get("/")[0] == 500
    server.wait_for(re.escape(message), "err")
    server.wait_for(r"生成失败（改动：[^）]*）：1 个错误", "err")
    assert server.proc.poll() is None
    status, _, css = server.get("/assets/style.css")
    assert status == 200 and css, "the last good site's files are still served"

    # Fix it: the page is back.
    edit(project / BULLETIN, "date: 2024年5月10日", "date: 2024-05-10")
    server.get_until(PAGE, lambda s, body: s == 200 and "陈竞同志率队实地调研" in body)

    assert server.stop() == 0
    assert server.text("out").rstrip().endswith("已停止")
    assert "Traceback" not in server.text("err")


def test_only_files_inside_the_output_folder_are_served(project, start, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    secret = outside / "secret.txt"
    secret.write_text("SECRET-OUTSIDE-THE-SITE", encoding="utf-8")
    (project / "secret.txt").write_text("SECRET-BESIDE-THE-SITE", encoding="utf-8")
    server = start()
    site = project / "site"
    (site / "leak.txt").symlink_to(secret)
    (site / "leakdir").symlink_to(outside, target_is_directory=True)
    assert server.get("/assets/style.css")[0] == 200

    for target in (
        "/../secret.txt",
        "/assets/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/..%2fsecret.txt",
        "/assets%2f..%2f..%2fsecret.txt",
        "/%252e%252e/secret.txt",
        "/%252e%252e%252fsecret.txt",
        "/..%5csecret.txt",
        "/..\\secret.txt",
        "/%c0%ae%c0%ae/secret.txt",
        "//etc/passwd",
        "/etc/passwd",
        str(secret),
        "/leak.txt",
        "/leakdir/secret.txt",
        "/.briefsite",
        "/assets/%00",
        "http://127.0.0.1/../secret.txt",
    ):
        status, _, body = server.get(target)
        assert status == 404, target
        assert "SECRET" not in body, target
    status, _, body = server.get("/no-such-page/")
    assert status == 404 and 'lang="zh-CN"' in body  # the site's own 404 page
    assert server.stop() == 0


def test_folder_urls_redirect_to_the_trailing_slash(project, start):
    server = start()
    status, headers, _ = server.get("/cities?x=1")
    assert status == 301 and headers["location"] == "/cities/?x=1"
    assert server.stop() == 0


def test_config_and_user_templates_are_watched(project, start):
    theme = project / "my-theme" / "assets"
    theme.mkdir(parents=True)
    (theme / "style.css").write_text("/* mine 1 */\n", encoding="utf-8")
    server = start()
    assert "/* mine" not in server.get("/assets/style.css")[2]

    # The config names a template folder: rebuilt with it, and it is watched from then on.
    config = project / "briefsite.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "templates: my-theme\n", encoding="utf-8")
    server.get_until("/assets/style.css", lambda s, body: body == "/* mine 1 */\n")
    (theme / "style.css").write_text("/* mine 2 */\n", encoding="utf-8")
    server.get_until("/assets/style.css", lambda s, body: body == "/* mine 2 */\n")

    # A broken config is shown like a broken bulletin.
    config.write_text(config.read_text(encoding="utf-8") + "colour: red\n", encoding="utf-8")
    status, page = server.get_until("/", lambda s, body: s == 500)
    assert "未知的配置项 &#x27;colour&#x27;" in page
    assert server.stop() == 0


def test_port_in_use_is_a_clear_error(project):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--port", str(port), cwd=project, timeout=60)
    assert result.code == 1
    assert f"error: 无法在 127.0.0.1:{port} 上监听" in result.err
    assert "换一个端口" in result.err
    assert "Traceback" not in result.err


def test_missing_source_folder(project):
    shutil.rmtree(project / "bulletins")
    result = run_cli("serve", "--port", "0", cwd=project, timeout=60)
    assert result.code == 1
    assert "bulletins: error: 找不到简报文件夹" in result.err


def test_refuses_an_output_folder_it_did_not_make(project):
    (project / "site").mkdir()
    (project / "site" / "notes.txt").write_text("mine", encoding="utf-8")
    result = run_cli("serve", "--port", "0", cwd=project, timeout=60)
    assert result.code == 1
    assert "refusing to overwrite it" in result.err
    assert (project / "site" / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_drafts_are_previewed_with_a_banner_and_never_built(project, start):
    """Like Hugo's -D: serve shows a draft, marked, and prints its address when
    it changes; an editor's swap file is no change; build leaves it out."""
    result = subprocess.run([sys.executable, "-m", "briefsite", "new", "--city", "益阳市", "--date", "2024-05-27"],
                            cwd=project, capture_output=True, text=True, timeout=WAIT)
    assert result.returncode == 0, result.stderr
    draft = project / result.stdout.splitlines()[0]
    page = f"/bulletins/yiyang/{draft.stem}/"
    server = start()
    status, _, body = server.get(page)
    assert status == 200
    assert 'class="draft-banner"' in body and "草稿" in body
    assert '<meta name="robots" content="noindex">' in body
    # Lists show it too, marked, so the editor never mistakes it for a published issue.
    for listing in ("/", "/cities/yiyang/", "/archive/2024/"):
        status, _, body = server.get(listing)
        item = re.search(rf'<li class="bulletin-item">\s*<a href="[^"]*{draft.stem}/[^"]*">.*?</li>', body, re.S)
        assert status == 200 and item, listing
        assert '<span class="draft-mark">草稿</span>' in item.group(0), listing
        assert body.count('class="draft-mark"') == 1, listing

    (draft.parent / f".{draft.name}.swp").write_bytes(b"vim swap")
    (draft.parent / "4913").write_bytes(b"")
    edit(draft, "draft: true", "draft: true\ncontact: 联系人：张三")
    server.wait_for(rf"已生成（改动：{re.escape(str(draft.relative_to(project)))}）", "out")
    server.wait_for(rf"打开 http://127\.0\.0\.1:{server.port}{re.escape(page)}\n", "out")
    assert ".swp" not in server.text("out") and "4913" not in server.text("out")
    assert server.stop() == 0

    built = subprocess.run([sys.executable, "-m", "briefsite", "build"], cwd=project,
                           capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    assert "跳过草稿 1 期" in built.stdout
    assert not (project / "site" / page.strip("/")).exists()
    assert not any("draft-banner" in p.read_text(encoding="utf-8") or "draft-mark" in p.read_text(encoding="utf-8")
                   for p in (project / "site").rglob("*.html"))


def test_ctrl_c_while_a_connection_thread_starts_stops_the_server(monkeypatch):
    """A KeyboardInterrupt raised in Thread.start() after the connection's
    thread already ran (and freed its slot) reaches serve: before, releasing
    the slot a second time raised ValueError, socketserver logged it and the
    preview kept running after Ctrl-C."""
    import socketserver

    from briefsite.serve.server import Preview, PreviewServer

    def started_then_interrupted(self, request, client_address):
        self._slots.release()  # what the connection's thread does when it ends
        raise KeyboardInterrupt

    monkeypatch.setattr(socketserver.ThreadingMixIn, "process_request", started_then_interrupted)
    server = PreviewServer(("127.0.0.1", 0), Preview(Path("bulletins"), Path("site"), None))
    try:
        with pytest.raises(KeyboardInterrupt):
            server.process_request(None, ("127.0.0.1", 1))
    finally:
        server.server_close()


def test_the_terminal_report_counts_in_the_chosen_language(tmp_path: Path, capsys, monkeypatch):
    """One bulletin, one error: singular in English, the same words in Chinese."""
    from types import SimpleNamespace

    from briefsite import i18n
    from briefsite.errors import BriefsiteError, BuildFailed
    from briefsite.serve.server import Preview

    monkeypatch.chdir(tmp_path)  # no briefsite.yaml: the default configuration

    def one_bulletin(source, out, config):
        return SimpleNamespace(bulletins=1, pages=3, warnings=[])

    def one_error(source, out, config):
        raise BuildFailed([BriefsiteError("bulletins/a.md", 2, "broken")])

    for language, built, failed in [
            (i18n.CHINESE, "已生成：1 期简报，3 个页面", "生成失败：1 个错误，浏览器中列出；改正并保存后会重新生成"),
            (i18n.ENGLISH, "built: 1 bulletin, 3 pages", "build failed: 1 error; the browser shows it; fix and save "
                                                         "to rebuild")]:
        with i18n.using(language):
            Preview(Path("bulletins"), Path("site"), None, one_bulletin).rebuild()
            assert built in capsys.readouterr().out
            Preview(Path("bulletins"), Path("site"), None, one_error).rebuild()
            assert failed in capsys.readouterr().err
