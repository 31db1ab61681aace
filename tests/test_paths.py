"""Nothing a user writes can make a build read or write outside its folders.

Slugs, file names, city mappings and template names that would escape the
output folder are refused; symlinks leaving the source folder are refused
(files and folders); the output folder itself may not be a symlink.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from briefsite import i18n
from briefsite.build import output
from briefsite.errors import BriefsiteError
from conftest import minimal, run_cli, write_bulletin


def files_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


def outside_untouched(root: Path, before: set[str]) -> None:
    """Only the output folder, its lock and the build cache may appear in the project."""
    after = files_under(root)
    new = {p for p in after - before if not p.startswith(("site", ".briefsite-cache"))} - {".site.lock"}
    assert new == set(), f"files written outside site/: {sorted(new)}"


@pytest.mark.parametrize("slug", ["../x", "../../etc", "/tmp/x", "a/b", "..", ".", "x/../../y",
                                  "Yiyang", "a b", "%2e%2e", "..%2fx", "yi\\yang", "-x", ""])
def test_city_mapping_that_is_not_a_plain_slug_is_refused(empty_project, slug):
    (empty_project / "briefsite.yaml").write_text(f"cities:\n  益阳市: '{slug}'\n", encoding="utf-8")
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", minimal())
    before = files_under(empty_project)
    result = run_cli("build", cwd=empty_project)
    assert result.code == 1
    assert "briefsite.yaml:2: error: 益阳市 的网址名" in result.err
    assert "Traceback" not in result.err
    assert not (empty_project / "site").exists()
    outside_untouched(empty_project, before)


@pytest.mark.parametrize("city", ["../../evil", "/etc/passwd", "..", "益阳/../../x", "C:\\x"])
def test_city_name_with_path_syntax_stays_inside_the_site(empty_project, city):
    text = minimal().replace("city: 益阳市", f"city: '{city}'")
    write_bulletin(empty_project, "x/2024-05-10-1.md", text)
    before = files_under(empty_project)
    result = run_cli("build", cwd=empty_project)
    assert result.code == 0, result.err
    site = empty_project / "site"
    pages = [p for p in site.rglob("index.html") if "bulletins" in p.parts]
    assert len(pages) == 1
    assert pages[0].resolve().is_relative_to(site.resolve())
    outside_untouched(empty_project, before)


@pytest.mark.parametrize("name", ["..md", "...md", "a/../b.md"])
def test_dot_file_names_are_never_a_path(empty_project, name):
    write_bulletin(empty_project, "yiyang/" + name.replace("a/../", ""), minimal())
    before = files_under(empty_project)
    result = run_cli("build", cwd=empty_project)
    # Names starting with '.' are hidden files: ignored by name, never a page.
    assert "Traceback" not in result.err
    outside_untouched(empty_project, before)


@pytest.mark.parametrize("relpath", ["../evil.html", "a/../../evil.html", "/tmp/evil.html", "a//b.html",
                                     "./a.html", "a\\..\\..\\evil.html", "", "a/./b.html", "a\0.html"])
def test_writing_outside_the_output_folder_is_refused(tmp_path, relpath):
    staging = tmp_path / "deep" / "staging"
    staging.mkdir(parents=True)
    with pytest.raises(BriefsiteError, match="拒绝在输出文件夹之外写入文件"):
        output.write_all(staging, [("index.html", b"ok"), (relpath, b"evil")])
    with i18n.using(i18n.ENGLISH), pytest.raises(BriefsiteError, match="outside the output folder"):
        output.write_all(staging, [("index.html", b"ok"), (relpath, b"evil")])
    assert not list(tmp_path.rglob("evil.html"))
    assert not (Path("/tmp/evil.html")).exists()


def test_template_include_with_dot_dot_is_refused(empty_project):
    theme = empty_project / "theme"
    theme.mkdir()
    (empty_project / "secret.txt").write_text("SECRET", encoding="utf-8")
    (theme / "404.html").write_text('{% include "../secret.txt" %}', encoding="utf-8")
    (empty_project / "briefsite.yaml").write_text("templates: theme\n", encoding="utf-8")
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", minimal())
    result = run_cli("build", cwd=empty_project)
    assert result.code == 1
    assert "404.html: error: 渲染 404.html 时模板出错：../secret.txt" in result.err and "Traceback" not in result.err
    assert not (empty_project / "site").exists()


def test_symlinked_file_leaving_the_source_is_refused(empty_project, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "2024-05-11-2.md"
    outside.write_text(minimal(2, "2024-05-11"), encoding="utf-8")
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", minimal())
    os.symlink(outside, empty_project / "bulletins" / "yiyang" / "2024-05-11-2.md")
    result = run_cli("build", cwd=empty_project)
    assert result.code == 1
    assert re.search(r"bulletins/yiyang/2024-05-11-2\.md(:\d+)?: error: 符号链接指向简报文件夹之外",
                     result.err), result.err
    assert not (empty_project / "site").exists()


def test_symlinked_folder_leaving_the_source_is_refused(empty_project, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    (outside / "2024-05-11-2.md").write_text(minimal(2, "2024-05-11"), encoding="utf-8")
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", minimal())
    os.symlink(outside, empty_project / "bulletins" / "zhuzhou")
    result = run_cli("build", cwd=empty_project)
    assert result.code == 1
    assert re.search(r"bulletins/zhuzhou(:\d+)?: error: 符号链接指向简报文件夹之外",
                     result.err), result.err


def test_relative_symlink_climbing_out_is_refused(empty_project):
    (empty_project / "notes.md").write_text(minimal(3, "2024-05-12"), encoding="utf-8")
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", minimal())
    os.symlink("../../notes.md", empty_project / "bulletins" / "yiyang" / "2024-05-12-3.md")
    result = run_cli("check", cwd=empty_project)
    assert result.code == 1
    assert "符号链接指向简报文件夹之外" in result.err


def test_symlink_inside_the_source_is_allowed(empty_project):
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", minimal())
    (empty_project / "bulletins" / "drafts").mkdir()
    os.symlink("../yiyang/2024-05-10-1.md", empty_project / "bulletins" / "drafts" / "2024-05-10-9.md")
    result = run_cli("check", cwd=empty_project)
    # Published under its own name (a warning says the folder does not match the city).
    assert "符号链接指向简报文件夹之外" not in result.err


def test_output_folder_that_is_a_symlink_is_refused(empty_project, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "precious.txt").write_text("keep me", encoding="utf-8")
    os.symlink(elsewhere, empty_project / "site")
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", minimal())
    result = run_cli("build", cwd=empty_project)
    assert result.code == 1
    assert "site: error: 输出文件夹是符号链接，不予替换 (让 --out 指向一个真实的文件夹)" in result.err
    english = run_cli("build", "--lang", "en", cwd=empty_project)
    assert english.code == 1
    assert "site: error: output folder is a symlink; refusing to replace it (point --out at a real folder)" in english.err
    assert files_under(elsewhere) == {"precious.txt"}


@pytest.mark.parametrize("out", [".", "bulletins", ".."])
def test_output_folder_holding_other_files_is_refused(empty_project, out):
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", minimal())
    before = files_under(empty_project)
    result = run_cli("build", "--out", out, cwd=empty_project)
    assert result.code == 1
    assert "不予覆盖" in result.err
    assert {p for p in files_under(empty_project) - before if not p.startswith(".briefsite-cache")} <= {".lock"}
