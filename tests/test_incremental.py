"""Incremental builds: a rebuild through the cache gives exactly the site a
clean build gives, and rewrites only the files whose bytes changed."""

from __future__ import annotations

import inspect
import os
from pathlib import Path

import pytest

from briefsite.build import site
from briefsite.content.config import load_config
from briefsite.pages.render import theme_dir
from briefsite.errors import BuildFailed

from conftest import minimal, run_cli, write_bulletin

YIYANG = "yiyang/2024-05-10-1.md"


def tree(root: Path) -> dict[str, bytes]:
    """Every file of a built site, by relative path."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def stats(root: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(root).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in root.rglob("*") if p.is_file()}


# The search index (where the build makes one) is not what these tests are about.
NO_SEARCH = {"search": False} if "search" in inspect.signature(site.build).parameters else {}


def build(project: Path, out: str = "site", **kwargs):
    config = load_config(project / "briefsite.yaml")
    return site.build(project / "bulletins", project / out, config, **NO_SEARCH, **kwargs)


def assert_same_as_clean(project: Path) -> None:
    """The incremental site equals a build from scratch with no cache."""
    build(project, "clean", cache=False)
    assert tree(project / "site") == tree(project / "clean")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def built(project: Path) -> Path:
    build(project)
    build(project)  # a second build: from here on the spare site exists
    return project


def test_edit_gives_the_clean_site(built: Path):
    edit(built / "bulletins" / YIYANG, "陈竞强调", "陈竞再次强调")
    build(built)
    assert "陈竞再次强调" in (built / "site/bulletins/yiyang/2024-05-10-1/index.html").read_text()
    assert_same_as_clean(built)


def test_added_file_gives_the_clean_site(built: Path):
    write_bulletin(built, "yiyang/2024-05-11-2.md", minimal(issue=2, date="2024-05-11"))
    build(built)
    assert (built / "site/bulletins/yiyang/2024-05-11-2/index.html").is_file()
    assert_same_as_clean(built)


def test_deleted_file_gives_the_clean_site(built: Path):
    (built / "bulletins/yongzhou/2024-03-13.md").unlink()
    build(built)
    assert not (built / "site/bulletins/yongzhou/2024-03-13").exists()  # no empty folder left
    assert_same_as_clean(built)


def test_template_change_gives_the_clean_site(built: Path):
    theme = built / "theme"
    theme.mkdir()
    shipped = (theme_dir() / "bulletin.html").read_text(encoding="utf-8")
    heading = '{{ _("Contents") }}'  # the theme's 导读, through the catalogue since ba1e020
    assert heading in shipped
    (theme / "bulletin.html").write_text(shipped.replace(heading, "本期导读"), encoding="utf-8")
    config = built / "briefsite.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "\ntemplates: theme\n", encoding="utf-8")
    build(built)
    assert "本期导读" in (built / "site/bulletins/yiyang/2024-05-10-1/index.html").read_text()
    assert_same_as_clean(built)
    # and a change inside the theme folder alone, config untouched
    edit(theme / "bulletin.html", "本期导读", "导读目录")
    build(built)
    assert "导读目录" in (built / "site/bulletins/yiyang/2024-05-10-1/index.html").read_text()
    assert_same_as_clean(built)


def test_config_change_gives_the_clean_site(built: Path):
    config = built / "briefsite.yaml"
    text = config.read_text(encoding="utf-8")
    assert "title:" in text
    config.write_text("\n".join("title: 另一个档案" if line.startswith("title:") else line
                                for line in text.splitlines()) + "\n", encoding="utf-8")
    build(built)
    assert "另一个档案" in (built / "site/index.html").read_text()
    assert_same_as_clean(built)


def test_many_edits_in_a_row_stay_exact(built: Path):
    """Each build reuses the previous site as its staging copy: errors would accumulate."""
    path = built / "bulletins" / YIYANG
    for word in ("甲", "乙", "丙"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("陈竞", f"陈竞{word}", 1), encoding="utf-8")
        build(built)
    write_bulletin(built, "yiyang/2024-05-12-3.md", minimal(issue=3, date="2024-05-12"))
    build(built)
    (built / "bulletins/yiyang/2024-05-12-3.md").unlink()
    build(built)
    assert_same_as_clean(built)


def test_one_edit_rewrites_only_the_files_that_changed(built: Path):
    before = stats(built / "site")
    old_tree = tree(built / "site")
    edit(built / "bulletins" / YIYANG, "陈竞强调", "陈竞再次强调")
    summary = build(built)
    after = stats(built / "site")
    new_tree = tree(built / "site")
    rewritten = {path for path in after if after[path] != before.get(path)}
    changed = {path for path in new_tree if new_tree[path] != old_tree.get(path)}
    assert "bulletins/yiyang/2024-05-10-1/index.html" in changed
    # every file whose bytes are the same keeps its inode and mtime
    assert rewritten == changed
    assert summary.written == len(changed)
    assert len(changed) < len(new_tree) / 2


def test_nothing_changed_writes_nothing(built: Path):
    before = stats(built / "site")
    summary = build(built)
    assert stats(built / "site") == before
    assert summary.written == 0
    assert summary.bulletins == 5 and summary.pages > 5


def test_warnings_are_reported_again_when_nothing_changed(built: Path):
    # a bulletin filed in the wrong city folder is a warning, not an error
    text = (built / "bulletins" / YIYANG).read_text(encoding="utf-8")
    (built / "bulletins/zhuzhou/2024-05-10-1.md").write_text(text, encoding="utf-8")
    (built / "bulletins" / YIYANG).unlink()
    first = build(built)
    assert first.warnings
    again = build(built)
    assert [w.format() for w in again.warnings] == [w.format() for w in first.warnings]
    with pytest.raises(BuildFailed):
        build(built, strict=True)


def test_failed_build_leaves_the_site_and_the_next_build_is_exact(built: Path):
    before = tree(built / "site")
    good = (built / "bulletins" / YIYANG).read_text(encoding="utf-8")
    (built / "bulletins" / YIYANG).write_text(good.replace("date: 2024-05-10", "date: 2024-13-40"),
                                              encoding="utf-8")
    with pytest.raises(BuildFailed):
        build(built)
    assert tree(built / "site") == before
    (built / "bulletins" / YIYANG).write_text(good.replace("陈竞强调", "陈竞又强调"), encoding="utf-8")
    build(built)
    assert_same_as_clean(built)


def test_build_dying_while_writing_leaves_the_previous_site(built: Path, monkeypatch):
    before = tree(built / "site")
    edit(built / "bulletins" / YIYANG, "陈竞强调", "陈竞再次强调")
    edit(built / "bulletins/zhuzhou/2024-05-09.md", "株洲", "株洲市", )
    from briefsite.build import output

    real_write = output.Update._write
    calls = []

    def dying_write(self, relpath, data):
        calls.append(relpath)
        if len(calls) == 2:
            raise KeyboardInterrupt  # as if the user pressed Ctrl-C mid-way
        real_write(self, relpath, data)

    monkeypatch.setattr(output.Update, "_write", dying_write)
    with pytest.raises(KeyboardInterrupt):
        build(built)
    assert tree(built / "site") == before  # nothing of the half-done build is visible
    monkeypatch.setattr(output.Update, "_write", real_write)
    build(built)
    assert_same_as_clean(built)


def test_site_replaced_by_another_build_is_not_trusted(built: Path):
    """A build without the cache replaces the folder; the cache's record of it
    is then void, and the next cached build is still exact."""
    build(built, cache=False)
    edit(built / "bulletins" / YIYANG, "陈竞强调", "陈竞再次强调")
    build(built)
    assert_same_as_clean(built)


def test_files_added_to_the_output_by_hand_are_removed(built: Path):
    (built / "site/stray.html").write_text("x", encoding="utf-8")
    # the record says the site is as built, so a no-change build trusts it...
    edit(built / "bulletins" / YIYANG, "陈竞强调", "陈竞再次强调")
    build(built, cache=False)  # ...but a build without the record compares the folder itself
    assert not (built / "site/stray.html").exists()


def test_serve_style_repeated_builds_share_one_open_cache(built: Path):
    from briefsite.build.cache import ParseCache
    from briefsite.build.store import default_cache_dir

    config = load_config(built / "briefsite.yaml")
    cache = ParseCache.open(default_cache_dir(built / "bulletins"), config)
    for word in ("一", "二"):
        edit(built / "bulletins" / YIYANG, "陈竞", f"陈竞{word}")
        site.build(built / "bulletins", built / "site", config, **NO_SEARCH, cache=cache)
    assert "陈竞二一" in (built / "site/bulletins/yiyang/2024-05-10-1/index.html").read_text()
    assert_same_as_clean(built)


def test_command_line_rebuild_is_exact(project: Path):
    flags = ["--no-search"] if NO_SEARCH else []
    assert run_cli("build", *flags, cwd=project).code == 0
    edit(project / "bulletins" / YIYANG, "陈竞强调", "陈竞再次强调")
    result = run_cli("build", *flags, cwd=project)
    assert result.code == 0, result.err
    assert (project / ".briefsite-cache").is_dir()
    assert not (project / "site/.briefsite-cache").exists()
    assert_same_as_clean(project)


def test_parallel_parse_gives_the_same_site(project: Path):
    issue = 0
    for month, days in ((2, 28), (4, 30), (5, 31), (7, 31), (8, 31)):  # enough for the worker pool
        for day in range(1, days + 1):
            issue += 1
            write_bulletin(project, f"yiyang/2023-{month:02d}-{day:02d}.md",
                           minimal(issue=issue, date=f"2023-{month:02d}-{day:02d}"))
    build(project, jobs=2)
    assert_same_as_clean(project)


@pytest.mark.skipif(not NO_SEARCH, reason="this build has no search index")
def test_search_index_follows_incremental_builds(project: Path):
    # Through the command line: Pagefind's client runs its own event loop.
    assert run_cli("build", cwd=project).code == 0
    again = run_cli("build", cwd=project)  # nothing changed: the live index still serves
    assert again.code == 0 and "检索索引 5 个页面，用时 0.00 秒" in again.out, again.out
    edit(project / "bulletins" / YIYANG, "陈竞强调", "陈竞再次强调")
    assert run_cli("build", cwd=project).code == 0
    assert run_cli("build", "--no-cache", "--out", "clean", cwd=project).code == 0
    assert tree(project / "site") == tree(project / "clean")
    assert run_cli("build", "--no-search", cwd=project).code == 0  # the index goes, as in a clean build
    assert not (project / "site/pagefind").exists()


def test_a_file_made_as_a_stream_is_staged_only_when_its_bytes_change(tmp_path):
    """bulletins.json and the sitemap are written piece by piece (never whole
    in memory): unchanged bytes keep the live file, a change anywhere (even
    past its old end) replaces it, and an error while making it leaves the
    live site and no temporary file behind."""
    from briefsite.build import output

    out = tmp_path / "site"
    first = output.Update(out)
    first.put_stream("data/big.json", iter([b"a" * 1000, b"b" * 10]))
    assert first.commit()
    live = out / "data/big.json"
    inode = live.stat().st_ino

    same = output.Update(out)
    same.put_stream("data/big.json", iter([b"a" * 500, b"a" * 500 + b"b" * 10]))  # other pieces, same bytes
    assert same.staging is None and not same.commit()
    assert live.stat().st_ino == inode

    longer = output.Update(out)
    longer.put_stream("data/big.json", iter([b"a" * 1000, b"b" * 10, b"c"]))
    assert longer.commit()
    assert live.read_bytes() == b"a" * 1000 + b"b" * 10 + b"c"
    assert oct(live.stat().st_mode & 0o777) == oct(0o666 & ~_umask())

    def failing():
        yield b"x" * 100
        raise RuntimeError("a template failed")

    broken = output.Update(out)
    with pytest.raises(RuntimeError):
        broken.put_stream("data/big.json", failing())
    broken.discard()
    assert live.read_bytes() == b"a" * 1000 + b"b" * 10 + b"c"
    assert not list(tmp_path.glob(".site.staging-*"))
    # A killed build's half-written stream is cleared like its staging folder.
    (tmp_path / ".site.staging-stream-abc").write_bytes(b"half")
    output.clear_leftovers(out)
    assert not list(tmp_path.glob(".site.staging-*"))


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
