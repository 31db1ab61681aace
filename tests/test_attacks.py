"""Issue 12: every promise of docs/guarantees.md under attack.

Each test is one hole an adversarial trial found (numbered as in the issue),
tried through the real command line as an editor, an attacker or CI would
meet it: the build either publishes the right site or fails with
``path:line: error:`` and exit status 1, never a traceback or a hang.
"""

from __future__ import annotations

import http.client
import os
import re
import resource
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path
from xml.etree import ElementTree

import pytest

from conftest import minimal, run_cli, write_bulletin
from test_serve import Server

BULLETIN = "yiyang/2024-05-10-1.md"
HEAD = minimal().split("\n---\n", 1)[0] + "\n---\n\n"


def no_traceback(result) -> None:
    assert "Traceback" not in result.err and "Traceback" not in result.out, result.err


def failed_with(result, pattern: str) -> re.Match:
    no_traceback(result)
    assert result.code == 1, (result.code, result.out, result.err)
    match = re.search(pattern, result.err, re.M)
    assert match, result.err
    return match


# -- 4. file and folder names that are not UTF-8 ----------------------------------

def test_non_utf8_names_get_one_clear_error_from_build_check_and_no_cache(empty_project):
    """A GBK folder name (a Windows zip unpacked on Linux): build, build
    --no-cache and check all refuse it the same way, naming the path."""
    write_bulletin(empty_project, BULLETIN, minimal())
    gbk = "政府简报".encode("gbk")
    folder = os.path.join(os.fsencode(empty_project / "bulletins"), gbk)
    os.mkdir(folder)
    with open(os.path.join(folder, b"2024-05-11-2.md"), "w", encoding="utf-8") as handle:
        handle.write(minimal(2, "2024-05-11"))
    with open(os.path.join(os.fsencode(empty_project / "bulletins" / "yiyang"), "简报".encode("gbk") + b".md"),
              "w", encoding="utf-8") as handle:
        handle.write(minimal(3, "2024-05-12"))
    outcomes = [run_cli(*args, cwd=empty_project)
                for args in (["check"], ["build", "--no-search"], ["build", "--no-search"],
                             ["build", "--no-search", "--no-cache"])]
    for result in outcomes:
        failed_with(result, r"^bulletins/\\xd5\\xfe\\xb8\\xae\\xbc\\xf2\\xb1\\xa8: error: 文件夹名不是 UTF-8 编码"
                            r"（按 GBK 读作“政府简报”）")
        failed_with(result, r"^bulletins/yiyang/\\xbc\\xf2\\xb1\\xa8\.md: error: 文件名不是 UTF-8")
        assert "convmv" in result.err
    assert not (empty_project / "site").exists()


# -- 5. control characters ----------------------------------------------------------

def parse_xml(path: Path) -> ElementTree.Element:
    return ElementTree.fromstring(path.read_bytes())  # raises on any character XML forbids


def test_layout_controls_are_normalised_and_feeds_and_sitemap_stay_valid_xml(empty_project):
    (empty_project / "briefsite.yaml").write_text("base_url: https://example.org/briefs/\n", encoding="utf-8")
    body = "第一行\x0b第二行（Word 的手动换行）\x0c下一页的段落（pdftotext 的分页）\n"
    write_bulletin(empty_project, BULLETIN, HEAD + body)
    result = run_cli("build", "--no-search", cwd=empty_project)
    assert result.code == 0, result.err
    site = empty_project / "site"
    page = (site / "bulletins/yiyang/2024-05-10-1/index.html").read_text(encoding="utf-8")
    assert "第一行<br />\n第二行（Word 的手动换行）</p>\n<p>下一页的段落" in page
    for feed in [site / "feed.xml", *site.glob("cities/*/feed.xml"), site / "sitemap.xml"]:
        parse_xml(feed)
    raw = b"".join(p.read_bytes() for p in site.rglob("*") if p.is_file())
    assert b"\x0b" not in raw and b"\x0c" not in raw


@pytest.mark.parametrize("where, text, line", [
    ("body ESC", HEAD + "正文\n第二段\x1b[31m红字\n", 10),
    ("body U+FFFE", HEAD + "正文\ufffe\n", 9),
    ("body U+FFFF", HEAD + "\n\n正文\uffff\n", 11),
    ("body C1", HEAD + "正文\x85\n", 9),
    ("front-matter escape \\0", minimal().replace("issuer: ", 'doc_number: "益督\\0"\nissuer: '), 5),
    ("front-matter escape \\x01", minimal().replace("title: 益阳市", 'title: "益阳市\\x01'
                                                     ).replace("工作简报\n", '工作简报"\n', 1), 2),
    ("recipient escape", minimal().replace("city: 益阳市", 'city: 益阳市\nrecipients:\n  report: ["市委\\e"]'), 7),
])
def test_other_control_characters_are_refused_with_path_and_line(empty_project, where, text, line):
    write_bulletin(empty_project, BULLETIN, text)
    for command in (["check"], ["build", "--no-search"]):
        result = run_cli(*command, cwd=empty_project)
        failed_with(result, rf"^bulletins/{BULLETIN}:{line}: error: 含有不可见的控制字符 U\+")
    assert not (empty_project / "site").exists()


@pytest.mark.parametrize("value", ['"档案\\x1b"', '"档案\\0"', '"档案\\ud800"'])
def test_control_characters_in_the_config_are_refused(empty_project, value):
    """A lone surrogate (which crashed writing the pages) is refused by the YAML reader itself."""
    write_bulletin(empty_project, BULLETIN, minimal())
    (empty_project / "briefsite.yaml").write_text(f"author: 某办\ntitle: {value}\n", encoding="utf-8")
    failed_with(run_cli("build", "--no-search", cwd=empty_project),
                r"^briefsite\.yaml:2: error: (title 含有不可见的控制字符|YAML 格式有误：found invalid Unicode)")


# -- 6. folders passed over by name are counted -------------------------------------

def test_bulletins_under_ignored_folders_are_counted_and_named(empty_project):
    write_bulletin(empty_project, BULLETIN, minimal())
    folders = ["#old", "~tmp", "drafts~", "x.bak", "y.tmp", "z.swp", ".hidden"]
    for folder in folders:
        write_bulletin(empty_project, f"yiyang/{folder}/2024-05-11-2.md", minimal(2, "2024-05-11"))
    for command in ("check", "build"):
        args = [command] + (["--no-search"] if command == "build" else [])
        result = run_cli(*args, cwd=empty_project)
        assert result.code == 0, result.err
        assert f"另有 {len(folders)} 个文件按文件名忽略：" in result.out, result.out
        assert "#old/2024-05-11-2.md" in result.out


# -- 7. serve: a symlinked index.html -----------------------------------------------

def test_serve_does_not_follow_a_symlinked_index_out_of_the_site(project, tmp_path):
    server = Server(project, "--out", "site")
    try:
        server.get_until("/", lambda status, body: status == 200)
        secret = tmp_path / "secret.txt"
        secret.write_text("TOP-SECRET\n", encoding="utf-8")
        (project / "site" / "x").mkdir()
        (project / "site" / "x" / "index.html").symlink_to(secret)
        status, _, body = server.get("/x/")
        assert status == 404 and "TOP-SECRET" not in body
        inside = project / "site" / "y"
        inside.mkdir()
        (inside / "index.html").symlink_to(project / "site" / "404.html")  # inside: still served
        assert server.get("/y/")[0] == 200
    finally:
        server.stop()


# -- 8. FIFOs and devices -------------------------------------------------------------

def test_fifo_bulletin_and_fifo_config_never_hang(empty_project):
    write_bulletin(empty_project, BULLETIN, minimal())
    os.mkfifo(empty_project / "bulletins" / "yiyang" / "2024-05-11-2.md")
    for command in (["check"], ["build", "--no-search"], ["build", "--no-search", "--no-cache"]):
        failed_with(run_cli(*command, cwd=empty_project, timeout=60),
                    r"^bulletins/yiyang/2024-05-11-2\.md: error: 不是普通文件，而是命名管道（FIFO）")
    (empty_project / "bulletins" / "yiyang" / "2024-05-11-2.md").unlink()
    os.mkfifo(empty_project / "briefsite.yaml")
    failed_with(run_cli("build", "--no-search", cwd=empty_project, timeout=60),
                r"^briefsite\.yaml: error: 不是普通文件，而是命名管道（FIFO）")


def test_device_node_in_bulletins_is_not_read(empty_project):
    write_bulletin(empty_project, BULLETIN, minimal())
    try:
        os.mknod(empty_project / "bulletins" / "yiyang" / "zero.md", 0o644 | stat.S_IFCHR, os.makedev(1, 5))
    except PermissionError:
        pytest.skip("creating a device node needs root (CAP_MKNOD)")
    failed_with(run_cli("build", "--no-search", cwd=empty_project, timeout=60),
                r"^bulletins/yiyang/zero\.md: error: 不是普通文件，而是设备文件")


# -- 10. tracebacks that became path:line: error: messages ----------------------------

@pytest.mark.parametrize("port", ["70000", "-1"])
def test_serve_with_an_impossible_port(project, port):
    failed_with(run_cli("serve", "--port", port, cwd=project, timeout=60),
                rf"^error: 端口 {port} 无效：端口号必须在 0 到 65535 之间")


@pytest.mark.parametrize("epoch", ["99999999999999999999", "-5", "1e9"])
def test_malformed_source_date_epoch(empty_project, epoch):
    (empty_project / "bulletins" / "yiyang").mkdir()  # no bulletin: the feed's time is the epoch
    for command in (["build", "--no-search"], ["check"]):
        failed_with(run_cli(*command, cwd=empty_project, env={"SOURCE_DATE_EPOCH": epoch}),
                    r"^SOURCE_DATE_EPOCH: error: 环境变量 SOURCE_DATE_EPOCH=")


def test_output_path_over_path_max(empty_project):
    write_bulletin(empty_project, BULLETIN, minimal())
    out = str(empty_project / "/".join(["d" * 200] * 25))
    failed_with(run_cli("build", "--no-search", "--out", out, cwd=empty_project),
                r": error: 无法使用输出文件夹：File name too long")


def test_cache_folder_that_is_a_symlink_loop(empty_project):
    write_bulletin(empty_project, BULLETIN, minimal())
    (empty_project / ".briefsite-cache").symlink_to(".briefsite-cache")
    failed_with(run_cli("build", "--no-search", cwd=empty_project),
                r"^\S*\.briefsite-cache: error: 无法使用这个路径")


def test_config_nested_ten_thousand_deep(empty_project):
    write_bulletin(empty_project, BULLETIN, minimal())
    (empty_project / "briefsite.yaml").write_text("title: " + "[" * 10_000 + "]" * 10_000 + "\n")
    failed_with(run_cli("build", "--no-search", cwd=empty_project),
                r"^briefsite\.yaml:1: error: briefsite\.yaml的嵌套超过 32 层")


def theme(project: Path, files: dict[str, bytes]) -> None:
    (project / "briefsite.yaml").write_text("templates: theme\n", encoding="utf-8")
    for name, data in files.items():
        path = project / "theme" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def test_theme_file_that_is_not_utf8(empty_project):
    write_bulletin(empty_project, BULLETIN, minimal())
    theme(empty_project, {"404.html": "{% extends 'base.html' %}\n页面不存在\n".encode("gbk")})
    failed_with(run_cli("build", "--no-search", cwd=empty_project),
                r"theme/404\.html:2: error: 模板文件不是 UTF-8 编码")


def test_theme_template_including_itself(empty_project):
    write_bulletin(empty_project, BULLETIN, minimal())
    theme(empty_project, {"404.html": b"{% include '404.html' %}\n"})
    failed_with(run_cli("build", "--no-search", cwd=empty_project),
                r"^404\.html: error: 模板无限递归")


@pytest.mark.parametrize("how", ["read-only", "dangling symlink"])
def test_new_into_an_unwritable_city_folder(empty_project, how):
    write_bulletin(empty_project, "other/2024-05-10-1.md", minimal())  # the series, filed elsewhere
    folder = empty_project / "bulletins" / "yiyang"
    prefix: list[str] = []
    if how == "read-only":
        if os.geteuid() == 0:  # root ignores permissions unless it gives up the capability
            if not shutil.which("setpriv"):
                pytest.skip("running as root without setpriv (util-linux): cannot make a folder unwritable")
            prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]
        folder.mkdir()
        folder.chmod(0o555)
    else:
        folder.symlink_to(empty_project / "nowhere")
    try:
        proc = subprocess.run([*prefix, sys.executable, "-m", "briefsite", "new", "--city", "益阳市",
                               "--date", "2024-06-01"], cwd=empty_project, capture_output=True, text=True,
                              timeout=120)
    finally:
        if how == "read-only":
            folder.chmod(0o755)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert re.search(r"^\S+: error: 无法在这里写入新的一期", proc.stderr, re.M), proc.stderr


# -- 11. size limits ------------------------------------------------------------------

def test_oversized_bulletin_is_refused_before_it_is_read(empty_project):
    path = write_bulletin(empty_project, BULLETIN, HEAD + "正文。\n")
    with open(path, "ab") as handle:
        handle.truncate(9 * 1024 * 1024)  # sparse: 9 MB without writing them
    failed_with(run_cli("check", cwd=empty_project),
                rf"^bulletins/{BULLETIN}: error: 文件有 9437184 字节，超过上限 8388608 字节")


def test_crafted_markdown_is_refused_as_quickly_as_plain_text_is_read(empty_project):
    """'![' x 500,000 took 56 s to render; now it is refused, in about the
    time a plain file of the same size takes to check (a ratio, not a time)."""
    crafted = write_bulletin(empty_project, "yiyang/2024-05-10-1.md", HEAD + "![" * 500_000 + "\n")
    started = time.perf_counter()
    result = run_cli("check", cwd=empty_project)
    t_crafted = time.perf_counter() - started
    failed_with(result, rf"^bulletins/yiyang/2024-05-10-1\.md:9: error: 正文的 Markdown 标记符号.*超过 100000 个")
    crafted.write_text(HEAD + "督察整改" * (1_000_000 // 12) + "\n", encoding="utf-8")
    started = time.perf_counter()
    assert run_cli("check", cwd=empty_project).code == 0
    t_plain = time.perf_counter() - started
    assert t_crafted < 5 * t_plain + 2.0, (t_crafted, t_plain)


# -- 12. plausible dates and gap reports ------------------------------------------------

@pytest.mark.parametrize("date", ["0001-01-01", "9999-12-31", "1900-05-10"])
def test_absurd_dates_are_errors(empty_project, date):
    write_bulletin(empty_project, BULLETIN, minimal(1, date))
    failed_with(run_cli("check", cwd=empty_project),
                rf"^bulletins/{BULLETIN}:4: error: date {date} 不在合理的日期范围内（1949-10-01 至 2099-12-31）")


def test_date_range_is_configurable(empty_project):
    write_bulletin(empty_project, "yiyang/1938-05-10-1.md", minimal(1, "1938-05-10"))
    (empty_project / "briefsite.yaml").write_text("earliest_date: 1900-01-01\n", encoding="utf-8")
    assert run_cli("check", cwd=empty_project).code == 0


def test_huge_gaps_are_reported_as_ranges_quickly(empty_project):
    """Gaps up to 1,000,000 made check take 27 s for 160 tiny series (each
    missing number listed, then joined into ranges). Now a gap costs the
    same whatever its length: compared with gaps of 10 in the same run."""
    def series(last: int) -> float:
        shutil.rmtree(empty_project / "bulletins", ignore_errors=True)
        for number in range(40):
            city = f"城{number}市"
            for issue in (1, last):
                write_bulletin(empty_project, f"c{number}/2024-05-{10 if issue == 1 else 11}-{issue}.md",
                               minimal(issue, f"2024-05-{10 if issue == 1 else 11}").replace("益阳市", city))
        started = time.perf_counter()
        result = run_cli("check", cwd=empty_project, timeout=120)
        assert result.code == 0, result.err
        assert result.err.count("warning: 系列 ") == 40
        assert f"缺少第 2-{last - 1} 期" in result.err
        assert len(result.err) < 40 * 1000  # ranges, not lists of a million numbers
        return time.perf_counter() - started

    short, huge = series(12), series(1_000_000)
    assert huge < 3 * short + 2.0, (short, huge)


# -- 13. YAML 1.1 number forms ---------------------------------------------------------

@pytest.mark.parametrize("written, read", [("0x10", 16), ("1:30", 90), ("1_000", 1000), ("0b11", 3)])
def test_yaml_11_number_forms_do_not_change_issue_numbers(empty_project, written, read):
    write_bulletin(empty_project, BULLETIN, minimal().replace("issue: 1", f"issue: {written}"))
    match = failed_with(run_cli("check", cwd=empty_project),
                        rf"^bulletins/{BULLETIN}:3: error: issue 写作 {written}，YAML 会把它读成 (\d+)")
    assert int(match.group(1)) == read
    assert f"issue: {read}" in match.string


# -- 14. a full disk while indexing -------------------------------------------------------

def test_write_failure_while_indexing_is_a_clear_error(empty_project):
    """Pages are small, Pagefind's files are not: a file size limit between
    the two makes writing fail only while the search index is written."""
    write_bulletin(empty_project, BULLETIN, minimal())

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    proc = subprocess.run([sys.executable, "-m", "briefsite", "build", "--no-cache"], cwd=empty_project,
                          capture_output=True, text=True, timeout=300, preexec_fn=limit)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "Pagefind 出错" not in proc.stderr, proc.stderr
    assert re.search(r"^\S*\.site\.staging-\w+: error: 无法写入网站：File too large", proc.stderr, re.M), \
        proc.stderr
    assert not (empty_project / "site").exists()


# -- 15. themes and config ------------------------------------------------------------------

def test_theme_asset_symlinked_out_of_the_theme_is_not_published(empty_project):
    write_bulletin(empty_project, BULLETIN, minimal())
    theme(empty_project, {"assets/ok.css": b"body{}\n"})
    (empty_project / "theme" / "assets" / "passwd.css").symlink_to("/etc/passwd")
    result = run_cli("build", "--no-search", cwd=empty_project)
    failed_with(result, r"theme/assets/passwd\.css: error: 主题文件是指向主题文件夹之外的符号链接")
    assert not (empty_project / "site").exists()


def test_templates_folder_outside_the_project_is_refused(empty_project):
    write_bulletin(empty_project, BULLETIN, minimal())
    (empty_project / "briefsite.yaml").write_text("templates: /etc\n", encoding="utf-8")
    failed_with(run_cli("check", cwd=empty_project),
                r"^briefsite\.yaml:1: error: templates 文件夹 /etc 不在项目文件夹")


def test_base_url_with_a_newline_is_refused(empty_project):
    write_bulletin(empty_project, BULLETIN, minimal())
    (empty_project / "briefsite.yaml").write_text('base_url: "https://example.org/\\nDisallow: /"\n',
                                                  encoding="utf-8")
    failed_with(run_cli("build", "--no-search", cwd=empty_project),
                r"^briefsite\.yaml:1: error: base_url .* 不是 http\(s\) 网址")
    assert not (empty_project / "site").exists()


# -- 16. serve: Host allowlist, bounded connections; --jobs bounded --------------------------

def raw_get(port: int, host: str | None) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.putrequest("GET", "/", skip_host=True, skip_accept_encoding=True)
        if host is not None:
            conn.putheader("Host", host)
        conn.endheaders()
        return conn.getresponse().status
    finally:
        conn.close()


def test_serve_answers_only_its_own_host_names(project):
    server = Server(project, "--out", "site", "--allow-host", "preview.example")
    try:
        server.get_until("/", lambda status, body: status == 200)
        port = server.port
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", "localhost", f"[::1]:{port}",
                     "app.localhost", f"preview.example:{port}", None):
            assert raw_get(port, host) == 200, host
        for host in ("attacker.example", f"attacker.example:{port}", "127.0.0.1.nip.io", "localhost.evil.example",
                     f"10.0.0.7:{port}"):
            assert raw_get(port, host) == 421, host
    finally:
        server.stop()


def test_serve_bounds_its_connections(project):
    """Silent connections beyond the limit are closed at once; the preview
    still answers afterwards."""
    from briefsite.serve.server import MAX_CONNECTIONS

    server = Server(project, "--out", "site")
    sockets = []
    try:
        server.get_until("/", lambda status, body: status == 200)
        for _ in range(MAX_CONNECTIONS + 20):
            sockets.append(socket.create_connection(("127.0.0.1", server.port), timeout=5))
        closed = 0
        for sock in sockets[-20:]:
            sock.settimeout(5)
            try:
                closed += sock.recv(1) == b""
            except (ConnectionResetError, socket.timeout):
                closed += 1
        assert closed == 20
        for sock in sockets:
            sock.close()
        sockets.clear()
        server.get_until("/", lambda status, body: status == 200)
    finally:
        for sock in sockets:
            sock.close()
        server.stop()


def test_jobs_is_bounded(empty_project, monkeypatch):
    write_bulletin(empty_project, BULLETIN, minimal())
    result = run_cli("build", "--no-search", "--jobs", "100000", cwd=empty_project)
    no_traceback(result)
    assert result.code == 2 and "--jobs" in result.err
    # In range, it is capped at the CPUs this process may use.
    import multiprocessing

    from briefsite import cli
    from briefsite.build.workers import default_jobs

    for i in range(2, 200):
        write_bulletin(empty_project, f"yiyang/2024-06-{i % 28 + 1:02d}-{i}.md",
                       minimal(i, f"2024-06-{i % 28 + 1:02d}"))
    asked = []
    real = multiprocessing.get_context

    def spy(method=None):
        context = real(method)

        class Context:
            def Pool(self, processes, *args, **kwargs):
                asked.append(processes)
                return context.Pool(processes, *args, **kwargs)
        return Context()

    monkeypatch.setattr(multiprocessing, "get_context", spy)
    monkeypatch.chdir(empty_project)
    assert cli.main(["build", "--no-search", "--jobs", "120"]) == 0
    assert asked and max(asked) <= default_jobs()
