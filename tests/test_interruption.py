"""A build killed at any moment leaves the previous site whole.

These tests start real ``python -m briefsite build`` processes on a generated
archive of a few hundred bulletins and kill them: deterministically at each
named checkpoint of output.py (``BRIEFSITE_PAUSE_AT``), and after delays
spread over a real build's duration. After every kill the output folder must
equal, byte for byte, either the previous build or (once the swap is done)
the complete new one, and the next build must succeed with no clean-up.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefsite.build import output

N_BULLETINS = 300
# The search index is left out (its own phase is killed in test_killed_while_indexing):
# it triples a build's time, and these tests run some thirty builds.
FAST = ("--no-search",)
CITIES = (("益阳市", "yiyang"), ("株洲市", "zhuzhou"), ("永州市", "yongzhou"))


def generate(root: Path, n: int = N_BULLETINS, edition: str = "A") -> None:
    """``n`` valid bulletins of a few KB each; ``edition`` changes every body."""
    for i in range(n):
        city, slug = CITIES[i % len(CITIES)]
        issue = i // len(CITIES) + 1
        date = dt.date(2020, 1, 1) + dt.timedelta(days=issue)
        body = "\n\n".join(f"### 第{j}篇 版本{edition}\n\n" + "督察整改工作持续推进，群众满意度不断提高。" * 20
                           for j in range(6))
        path = root / "bulletins" / slug / f"{date}-{issue}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\ntitle: {city}督察工作简报\nissue: {issue}\ndate: {date}\n"
                        f"issuer: {city}专班\ncity: {city}\n---\n\n{body}\n", encoding="utf-8")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def start(cwd: Path, *args: str, pause_at: str | None = None) -> subprocess.Popen:
    env = {**os.environ}
    env.pop("BRIEFSITE_PAUSE_AT", None)
    if pause_at:
        env["BRIEFSITE_PAUSE_AT"] = pause_at
    return subprocess.Popen([sys.executable, "-m", "briefsite", "build", *FAST, *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_line(proc: subprocess.Popen, needle: str, timeout: float = 60) -> str:
    """Read stderr until a line containing ``needle`` arrives."""
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        seen.append(line)
        if needle in line:
            return line
    proc.kill()
    raise AssertionError(f"build never printed {needle!r}; stderr: {''.join(seen)}")


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith((".site.staging-", ".site.old-")))


@pytest.fixture(scope="module")
def editions(tmp_path_factory) -> dict[str, dict[str, bytes]]:
    """The complete site of edition A and of edition B, built once."""
    result = {}
    for edition in ("A", "B"):
        root = tmp_path_factory.mktemp(f"edition{edition}")
        generate(root, edition=edition)
        done = subprocess.run([sys.executable, "-m", "briefsite", "build", *FAST], cwd=root,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        result[edition] = snapshot(root / "site")
    assert result["A"] != result["B"]
    return result


@pytest.fixture
def built_a(tmp_path: Path, editions) -> Path:
    """A project whose site/ holds edition A and whose source is now edition B."""
    generate(tmp_path, edition="A")
    first = start(tmp_path)
    assert first.wait(120) == 0, first.stderr.read()
    assert snapshot(tmp_path / "site") == editions["A"]
    generate(tmp_path, edition="B")
    return tmp_path


def rebuild_gives_b(root: Path, editions) -> None:
    again = start(root)
    assert again.wait(120) == 0, again.stderr.read()
    assert snapshot(root / "site") == editions["B"]
    assert leftovers(root) == []


SIGNALS = {"SIGINT": (signal.SIGINT, 130), "SIGTERM": (signal.SIGTERM, 143), "SIGKILL": (signal.SIGKILL, -9)}
# Where the build is when killed, and which site must then be in place.
CHECKPOINTS = {"staging": "A", "writing": "A", "staged": "A", "swapped": "B"}


@pytest.mark.parametrize("point", CHECKPOINTS)
@pytest.mark.parametrize("signame", SIGNALS)
def test_killed_at_each_checkpoint_leaves_a_whole_site(built_a, editions, point, signame):
    signum, code = SIGNALS[signame]
    proc = start(built_a, pause_at=point)
    wait_for_line(proc, f"paused at {point}")
    proc.send_signal(signum)
    assert proc.wait(60) == code
    err = proc.stderr.read()
    assert snapshot(built_a / "site") == editions[CHECKPOINTS[point]]
    if signum != signal.SIGKILL:
        # Handled signals clean up at once and say what happened, no traceback.
        assert "Traceback" not in err
        assert ("已终止" if signum == signal.SIGTERM else "已中断") in err
        assert leftovers(built_a) == []
    rebuild_gives_b(built_a, editions)


@pytest.mark.parametrize("signame", ["SIGKILL", "SIGTERM"])
def test_killed_after_delays_spread_over_a_build(built_a, editions, signame):
    signum, _ = SIGNALS[signame]
    started = time.monotonic()
    full = start(built_a)
    assert full.wait(120) == 0
    duration = time.monotonic() - started
    for fraction in (0.15, 0.35, 0.55, 0.7, 0.8, 0.9, 0.95):
        # Alternate the source so each killed build would change the site.
        generate(built_a, edition="A" if snapshot(built_a / "site") == editions["B"] else "B")
        proc = start(built_a)
        time.sleep(duration * fraction)
        proc.send_signal(signum)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            pytest.fail(f"build still running 60 s after {signame} at {fraction:.0%} of a build")
        site = snapshot(built_a / "site")
        assert site in (editions["A"], editions["B"]), f"mixed site after kill at {fraction:.0%}"
    generate(built_a, edition="B")
    rebuild_gives_b(built_a, editions)


def test_second_build_waits_for_the_first(built_a, editions):
    first = start(built_a, pause_at="staged")
    wait_for_line(first, "paused at staged")
    second = start(built_a)
    line = wait_for_line(second, "正在等待")
    assert f"正在等待 site/ 的另一次生成结束（进程 {first.pid}）" in line
    time.sleep(0.5)
    assert second.poll() is None, "the second build must wait, not write"
    assert leftovers(built_a) == [p for p in leftovers(built_a) if p.startswith(".site.staging-")]
    assert len(leftovers(built_a)) == 1  # only the first build's staging exists
    first.send_signal(signal.SIGTERM)
    assert first.wait(60) == 143
    assert second.wait(120) == 0, second.stderr.read()
    assert snapshot(built_a / "site") == editions["B"]
    assert leftovers(built_a) == []


def test_second_build_with_lock_timeout_fails_clearly(built_a, editions):
    first = start(built_a, pause_at="staging")
    wait_for_line(first, "paused at staging")
    try:
        second = start(built_a, "--lock-timeout", "0")
        assert second.wait(60) == 1
        err = second.stderr.read()
        assert f"site/ 的另一次生成正在进行（进程 {first.pid}）" in err
        assert "Traceback" not in err
        english = start(built_a, "--lock-timeout", "0", "--lang", "en")
        assert english.wait(60) == 1
        assert (f"error: another build of site/ is running (pid {first.pid}) (wait for it to finish, or pass "
                "--lock-timeout SECONDS to wait)") in english.stderr.read()
        assert snapshot(built_a / "site") == editions["A"]
    finally:
        first.kill()
        first.wait()


def test_simultaneous_builds_both_succeed(built_a, editions):
    procs = [start(built_a) for _ in range(3)]
    for proc in procs:
        assert proc.wait(120) == 0, proc.stderr.read()
    assert snapshot(built_a / "site") == editions["B"]
    assert leftovers(built_a) == []
    assert not (built_a / "site" / ".site.lock").exists()
    assert (built_a / ".site.lock").is_file()


def test_fallback_swap_killed_between_renames_is_repaired(tmp_path, monkeypatch):
    """Without renameat2 the swap is two renames; a kill between them loses no site."""
    out = tmp_path / "site"
    out.mkdir()
    (out / output.MARKER).write_text(output.MARKER_TEXT)
    (out / "index.html").write_text("old")
    staging = output.staging_folder(out)
    (staging / "index.html").write_text("new")
    monkeypatch.setattr(output, "_exchange", lambda a, b: False)
    real_rename = os.rename
    calls = []

    def rename_then_die(src, dst):
        calls.append(src)
        if len(calls) == 2:
            raise KeyboardInterrupt  # killed after moving the old site away
        real_rename(src, dst)

    monkeypatch.setattr(output.os, "rename", rename_then_die)
    with pytest.raises(KeyboardInterrupt):
        output.swap_in(staging, out)
    monkeypatch.setattr(output.os, "rename", real_rename)
    assert not out.exists()
    output.clear_leftovers(out)  # what the next build does first
    assert (out / "index.html").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


# --- A full disk or an unwritable output folder: a clear error, the previous site intact.

def run_limited(root: Path, *args: str, preexec=None, cwd_out: str = "site") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "BRIEFSITE_PAUSE_AT"}
    return subprocess.run([sys.executable, "-m", "briefsite", "build", *FAST, *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120, preexec_fn=preexec)


def test_file_size_limit_gives_a_clear_error_and_keeps_the_site(built_a, editions):
    """RLIMIT_FSIZE makes every write past 4 KB fail with EFBIG, like a quota."""
    import resource

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    result = run_limited(built_a, preexec=limit)
    assert result.returncode == 1, result.stderr
    assert "error: 无法写入网站：File too large" in result.stderr
    assert "原有网站没有改动" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(built_a / "site") == editions["A"]
    assert leftovers(built_a) == []
    rebuild_gives_b(built_a, editions)


@pytest.fixture
def tiny_tmpfs(tmp_path: Path):
    """A 16 MB tmpfs, where the machine lets us mount one (root in a VM or privileged container)."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mnt)],
                             capture_output=True, text=True) if os.geteuid() == 0 else None
    if mounted is None or mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN); test_file_size_limit_gives_a_clear_error_and_keeps_the_site covers write failures")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_full_disk_gives_a_clear_error_and_keeps_the_site(tmp_path, tiny_tmpfs, editions):
    generate(tmp_path, edition="A")
    out = tiny_tmpfs / "site"
    first = run_limited(tmp_path, "--out", str(out))
    assert first.returncode == 0, first.stderr
    generate(tmp_path, edition="B")
    # Fill the disk, leaving far less room than a second copy of the site needs.
    free = os.statvfs(tiny_tmpfs).f_bavail * os.statvfs(tiny_tmpfs).f_frsize
    with open(tiny_tmpfs / "ballast", "wb") as ballast:
        ballast.write(b"\0" * max(free - 256 * 1024, 0))
    result = run_limited(tmp_path, "--out", str(out))
    assert result.returncode == 1
    assert "error: 无法写入网站：No space left on device" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(out) == editions["A"]
    assert sorted(p.name for p in tiny_tmpfs.iterdir()) == [".site.lock", "ballast", "site"]
    (tiny_tmpfs / "ballast").unlink()
    again = run_limited(tmp_path, "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert snapshot(out) == editions["B"]


def test_unwritable_output_parent_gives_a_clear_error_and_keeps_the_site(tmp_path, editions):
    """chmod a-w on the output's parent; as root, the build runs without the
    capability that lets root ignore permissions (CI runs tests as root)."""
    generate(tmp_path, edition="A")
    assert run_limited(tmp_path, "--out", "public/site").returncode == 0
    generate(tmp_path, edition="B")
    prefix: list[str] = []
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv (util-linux): cannot make a folder unwritable")
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]
    os.chmod(tmp_path / "public", 0o555)
    try:
        env = {k: v for k, v in os.environ.items() if k != "BRIEFSITE_PAUSE_AT"}
        result = subprocess.run([*prefix, sys.executable, "-m", "briefsite", "build", *FAST, "--out", "public/site"],
                                cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    finally:
        os.chmod(tmp_path / "public", 0o755)
    assert result.returncode == 1, result.stderr
    assert "Permission denied" in result.stderr and "Traceback" not in result.stderr
    assert "public: error:" in result.stderr  # says where
    assert snapshot(tmp_path / "public" / "site") == editions["A"]


def test_a_file_where_the_output_folder_should_be_gives_a_clear_error(built_a):
    (built_a / "public").write_text("not a folder", encoding="utf-8")
    result = run_limited(built_a, "--out", "public/site")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "public" in result.stderr and "error:" in result.stderr
    assert (built_a / "public").read_text(encoding="utf-8") == "not a folder"


def test_killed_while_indexing_for_search(built_a):
    """The search index is built in the staging folder: killing Pagefind's phase is harmless too."""
    with_search = subprocess.run([sys.executable, "-m", "briefsite", "build"], cwd=built_a,
                                 capture_output=True, text=True, timeout=300)
    assert with_search.returncode == 0, with_search.stderr
    before = snapshot(built_a / "site")
    generate(built_a, edition="A")
    for signum in (signal.SIGTERM, signal.SIGKILL):
        proc = subprocess.Popen([sys.executable, "-m", "briefsite", "build"], cwd=built_a,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while not list(built_a.glob(".site.staging-*/pagefind")) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert list(built_a.glob(".site.staging-*/pagefind")), "indexing never started"
        proc.send_signal(signum)
        proc.wait(60)
        assert snapshot(built_a / "site") == before
    again = subprocess.run([sys.executable, "-m", "briefsite", "build"], cwd=built_a,
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert (built_a / "site" / "pagefind").is_dir() and leftovers(built_a) == []
