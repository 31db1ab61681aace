"""Issue 12, item 1: nothing outside briefsite's record of the output folder
can make a build publish a stale or missing page.

Each scenario builds, damages the live folder the way people do (``rm -rf
site/*``, emptying a page, a backup restored with ``cp -a``, a page edited by
hand, a file added, the spare folder tampered with), builds again through the
command line, and compares the result byte for byte with a clean build of
the same source, then once more after a build that changes nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from briefsite import cli
from conftest import ROOT, run_cli

PAGE = "bulletins/yiyang/2024-05-10-1/index.html"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() or p.is_symlink()}


def build(project: Path, out: str = "site", *extra: str) -> None:
    """``briefsite build`` as the command line runs it (in this process: quick)."""
    code = cli.main(["build", "--no-search", "--source", str(project / "bulletins"),
                     "--out", str(project / out), "--config", str(project / "briefsite.yaml"), *extra])
    assert code == 0


def clean(project: Path) -> dict[str, bytes]:
    shutil.rmtree(project / "clean", ignore_errors=True)
    build(project, "clean", "--no-cache")
    return snapshot(project / "clean")


def edit_bulletin(project: Path, text: str = "又一段。") -> None:
    path = project / "bulletins" / "yiyang" / "2024-05-10-1.md"
    path.write_text(path.read_text(encoding="utf-8") + f"\n{text}\n", encoding="utf-8")


def assert_repaired(project: Path) -> None:
    build(project)
    expected = clean(project)
    assert snapshot(project / "site") == expected
    build(project)  # and a build that changes nothing keeps it so
    assert snapshot(project / "site") == expected


def rm_rf_contents(site: Path) -> None:
    subprocess.run(f"rm -rf {site}/*", shell=True, check=True)  # as typed: hidden files survive


def empty_pages(site: Path) -> None:
    for page in site.rglob("index.html"):
        page.write_bytes(b"")


def same_size_edit_keeping_mtime(site: Path) -> None:
    page = site / PAGE
    st = page.stat()
    data = page.read_bytes()
    page.write_bytes(data.replace("益阳市".encode(), "某某市".encode(), 1))  # same length, in place
    os.utime(page, ns=(st.st_atime_ns, st.st_mtime_ns))


def edit_by_rename(site: Path) -> None:
    page = site / PAGE
    tmp = page.with_name("index.html.new")
    tmp.write_bytes(page.read_bytes() + b"<!-- edited -->")
    os.replace(tmp, page)


def add_files(site: Path) -> None:
    (site / "evil.html").write_bytes(b"<script>x</script>")
    (site / "bulletins" / "old").mkdir()
    (site / "bulletins" / "old" / "index.html").write_bytes(b"stale")


def delete_page_and_marker(site: Path) -> None:
    shutil.rmtree(site / PAGE.rsplit("/", 1)[0])
    (site / ".briefsite").unlink()


def page_as_symlink(site: Path) -> None:
    page = site / PAGE
    page.unlink()
    page.symlink_to(site / "404.html")


def spare_file_replaced(site: Path) -> None:
    """The previous site kept beside the live one (.site.spare) becomes the
    next staging folder: a file replaced there must not be published."""
    spare = site.parent / ".site.spare"
    assert spare.is_dir()
    page = spare / "cities" / "index.html"
    page.unlink()
    page.write_bytes(b"stale spare page")
    edit_bulletin(site.parent, "让下一次构建复用备用文件夹。")


def spare_asset_replaced(site: Path) -> None:
    """An asset is rendered on every build and written only if its bytes
    differ from the live file's: the spare's copy must not slip through."""
    spare = site.parent / ".site.spare"
    asset = spare / "assets" / "style.css"
    data = asset.read_bytes()
    asset.unlink()
    asset.write_bytes(data.replace(b"{", b"{color:red;", 1))
    edit_bulletin(site.parent, "让下一次构建复用备用文件夹。")


DAMAGE = {
    "rm -rf site/*": rm_rf_contents,
    "rm -rf site": lambda site: shutil.rmtree(site),
    "emptied pages": empty_pages,
    "same-size edit, mtime restored": same_size_edit_keeping_mtime,
    "edit saved by rename": edit_by_rename,
    "files added": add_files,
    "page and marker deleted": delete_page_and_marker,
    "page replaced by a symlink": page_as_symlink,
    "spare file replaced": spare_file_replaced,
    "spare asset replaced": spare_asset_replaced,
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "bulletins", tmp_path / "bulletins")
    shutil.copy(ROOT / "briefsite.yaml", tmp_path / "briefsite.yaml")
    return tmp_path


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_output_folder_is_repaired_to_the_clean_build(project, damage):
    build(project)
    edit_bulletin(project, "第一次修改。")
    build(project)  # an incremental build: the record and the spare are in use
    edit_bulletin(project, "第二次修改。")
    build(project)  # its record made without walking the site (from the verified spare's)
    DAMAGE[damage](project / "site")
    assert_repaired(project)


LIVE_DAMAGE = [name for name in DAMAGE if "spare" not in name and name != "rm -rf site"]


@pytest.mark.parametrize("damage", LIVE_DAMAGE)
def test_the_check_without_listing_finds_what_a_walk_finds(project, damage):
    """verify() with the record's folders lists only the folders whose stat
    changed; it must find every damaged and extra file a full walk finds."""
    from briefsite.build.plan import load_output_state
    from briefsite.build.verify import verify

    for text in ("第一次修改。", "第二次修改。"):
        build(project)
        edit_bulletin(project, text)
    build(project)
    state = load_output_state(project / ".briefsite-cache", project / "site")
    assert state.dirs and state.stats
    site = project / "site"
    assert verify(site, state.build_id, state.stats, state.dirs).intact
    DAMAGE[damage](site)
    quick = verify(site, state.build_id, state.stats, state.dirs)
    walked = verify(site, state.build_id, state.stats)
    assert quick.trusted and (quick.damaged or quick.extra)
    assert (quick.damaged, quick.extra) == (walked.damaged, walked.extra)


def test_a_restored_backup_is_not_taken_for_the_current_site(project):
    """``cp -a`` of an older build over the live folder (ext4 may hand it the
    old folder's inode): the next build must publish the current source."""
    build(project)
    subprocess.run(["cp", "-a", str(project / "site"), str(project / "site.bak")], check=True)
    edit_bulletin(project, "备份之后的修改。")
    build(project)
    shutil.rmtree(project / "site")
    subprocess.run(["cp", "-a", str(project / "site.bak"), str(project / "site")], check=True)
    assert_repaired(project)
    # Restoring the backup of the current build is harmless too.
    shutil.rmtree(project / "site.bak")
    subprocess.run(["cp", "-a", str(project / "site"), str(project / "site.bak")], check=True)
    shutil.rmtree(project / "site")
    os.rename(project / "site.bak", project / "site")
    assert_repaired(project)


def test_rm_rf_site_contents_through_the_command_line(project):
    """The issue's report, as a user meets it: after ``rm -rf site/*`` the
    build said 16 pages and left 16 of 47 files, with no index.html."""
    first = run_cli("build", "--no-search", cwd=project)
    assert first.code == 0, first.err
    files = snapshot(project / "site")
    rm_rf_contents(project / "site")
    again = run_cli("build", "--no-search", cwd=project)
    assert again.code == 0, again.err
    assert snapshot(project / "site") == files


def test_a_damaged_search_index_is_rebuilt(project):
    first = run_cli("build", cwd=project)
    assert first.code == 0, first.err
    files = snapshot(project / "site")
    entry = project / "site" / "pagefind" / "pagefind-entry.json"
    entry.unlink()
    again = run_cli("build", cwd=project)
    assert again.code == 0, again.err
    assert snapshot(project / "site") == files
