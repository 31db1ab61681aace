"""The build as a whole: deterministic output, atomic replacement, safe output folder, check."""

from __future__ import annotations

import hashlib
from pathlib import Path

from conftest import minimal, run_cli, write_bulletin


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative POSIX path -> bytes)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for rel, data in tree(folder).items():
        h.update(rel.encode() + b"\0" + data + b"\0")
    return h.hexdigest()


def test_two_builds_are_byte_identical_whatever_the_clock_and_timezone(project):
    first = run_cli("build", "--out", "one", cwd=project,
                    env={"SOURCE_DATE_EPOCH": "1700000000", "TZ": "UTC", "LC_ALL": "C.UTF-8"})
    second = run_cli("build", "--out", "elsewhere/two", cwd=project,
                     env={"SOURCE_DATE_EPOCH": "1800000000", "TZ": "Asia/Shanghai", "LANG": "zh_CN.UTF-8"})
    assert first.code == 0 and second.code == 0, first.err + second.err
    one, two = tree(project / "one"), tree(project / "elsewhere/two")
    different = sorted(rel for rel in set(one) | set(two) if one.get(rel) != two.get(rel))
    assert not different, f"{len(different)} files differ between two builds of the same input: {different[:6]}"
    assert len([rel for rel in one if rel.endswith(".html")]) >= 15
    # Rebuilding in place gives the same bytes again.
    again = run_cli("build", "--out", "one", cwd=project, env={"SOURCE_DATE_EPOCH": "1"})
    assert again.code == 0
    assert tree(project / "one") == one


def test_a_failed_build_leaves_the_previous_site_byte_identical(project):
    assert run_cli("build", cwd=project).code == 0
    site = project / "site"
    before = digest(site)
    write_bulletin(project, "yiyang/2024-06-01-2.md",
                   minimal(2, "2024-06-01").replace("date: 2024-06-01", "date: 2024年6月1日"))
    result = run_cli("build", cwd=project)
    assert result.code == 1
    assert "bulletins/yiyang/2024-06-01-2.md:4: error: date '2024年6月1日' 不是规范的日期" in result.err
    assert result.err.rstrip().endswith("build 失败：1 个错误，0 个警告。原来的网站没有改动。")
    assert digest(site) == before
    assert not list(project.glob(".site.staging-*")) + list(project.glob(".site.old-*")), \
        "staging left behind"


def test_a_build_failing_while_rendering_leaves_the_previous_site(project):
    assert run_cli("build", cwd=project).code == 0
    before = digest(project / "site")
    theme = project / "theme"
    theme.mkdir()
    (theme / "city.html").write_text("{% extends 'base.html' %}{% block main %}{{ city.nope }}{% endblock %}",
                                     encoding="utf-8")
    config = project / "briefsite.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "templates: theme\n", encoding="utf-8")
    result = run_cli("build", cwd=project)
    assert result.code == 1
    assert "error: 渲染 cities/" in result.err and " 时模板出错：" in result.err
    assert "Traceback" not in result.err
    assert digest(project / "site") == before
    assert not list(project.glob(".site.staging-*")) + list(project.glob(".site.old-*"))


def test_refuses_to_build_into_a_folder_it_did_not_make(empty_project):
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", minimal(1))
    mine = empty_project / "site"
    mine.mkdir()
    (mine / "notes.txt").write_text("my own notes", encoding="utf-8")
    result = run_cli("build", cwd=empty_project)
    assert result.code == 1
    assert result.err.strip() == (
        "site: error: 输出文件夹不是空的，也不是 briefsite 生成的，不予覆盖 (换一个 --out 路径，或自行清空该文件夹)")
    english = run_cli("build", "--lang", "en", cwd=empty_project)
    assert english.code == 1 and english.err.strip() == (
        "site: error: output folder is not empty and was not made by briefsite; refusing to overwrite it "
        "(choose another --out, or empty the folder yourself)")
    assert tree(mine) == {"notes.txt": b"my own notes"}
    # An empty folder is fine, and the next build may replace what it made.
    (mine / "notes.txt").unlink()
    assert run_cli("build", cwd=empty_project).code == 0
    assert (mine / "index.html").is_file()
    assert run_cli("build", cwd=empty_project).code == 0


def test_check_writes_nothing(project):
    before = tree(project)
    result = run_cli("check", cwd=project)
    assert result.code == 0, result.err
    assert result.out.startswith("已检查 5 期简报、")
    assert tree(project) == before
    assert not (project / "site").exists()
    assert sorted(p.name for p in project.iterdir() if not p.name.startswith(".")) == \
        ["briefsite.yaml", "bulletins"]


def test_check_with_errors_writes_nothing_either(project):
    write_bulletin(project, "yiyang/bad.md", "")
    before = tree(project)
    assert run_cli("check", cwd=project).code == 1
    assert tree(project) == before


def test_drafts_are_checked_but_not_published(empty_project):
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", minimal(1))
    draft = minimal(2, "2024-05-11").replace("city: 益阳市", "city: 益阳市\ndraft: true")
    write_bulletin(empty_project, "yiyang/2024-05-11-2.md", draft)
    result = run_cli("build", cwd=empty_project)
    assert result.code == 0, result.err
    assert result.out.startswith("已生成 1 期简报，") and "。跳过草稿 1 期。" in result.out
    site = empty_project / "site"
    assert not (site / "bulletins/yiyang/2024-05-11-2").exists()
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "2024-05-11-2" not in text and "正文第2期" not in text, page
    # The first issue has no "next": the draft is not part of the series yet.
    page = (site / "bulletins/yiyang/2024-05-10-1/index.html").read_text(encoding="utf-8")
    assert 'rel="next"' not in page
    # Checked all the same: a broken draft fails the build.
    write_bulletin(empty_project, "yiyang/2024-05-11-2.md", draft.replace("issue: 2", "issue: two"))
    result = run_cli("check", cwd=empty_project)
    assert result.code == 1
    assert "bulletins/yiyang/2024-05-11-2.md:3: error: issue 应是整数，而不是 'two'" in result.err
    # draft: false publishes it.
    write_bulletin(empty_project, "yiyang/2024-05-11-2.md", draft.replace("draft: true", "draft: false"))
    published = run_cli("build", cwd=empty_project).out
    assert published.startswith("已生成 2 期简报，") and "草稿" not in published


def test_raw_html_in_a_body_is_shown_as_text(empty_project):
    body = minimal(1).replace("正文第1期。", "<script>alert('body')</script>\n\n<b>粗体</b> 与 "
                              "[链接](javascript:alert(1)) 和 <img src=x onerror=alert(2)>")
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", body)
    assert run_cli("build", cwd=empty_project).code == 0
    page = (empty_project / "site/bulletins/yiyang/2024-05-10-1/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#x27;body&#x27;)&lt;/script&gt;" in page or \
        "&lt;script&gt;alert('body')&lt;/script&gt;" in page
    assert "&lt;b&gt;粗体&lt;/b&gt;" in page
    assert "<script>alert" not in page and "<b>粗体" not in page and "<img src=x" not in page
    assert 'href="javascript:' not in page


def test_front_matter_values_are_escaped_everywhere(empty_project):
    hostile = minimal(1).replace("title: 益阳市配合中央生态环境保护督察工作简报",
                                 "title: '<script>alert(\"t\")</script>简报'")
    hostile = hostile.replace("issuer: 益阳市配合中央生态环境保护督察协调联络专班",
                              "issuer: '专班<img src=x onerror=alert(1)>'")
    hostile = hostile.replace("city: 益阳市", "city: 益阳市\ncontact: '<a href=\"http://evil\">电话</a>'\n"
                              "doc_number: '&amp; 42号'\nrecipients:\n  report:\n    - '<i>市委</i>'")
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", hostile)
    result = run_cli("build", cwd=empty_project)
    assert result.code == 0, result.err
    site = empty_project / "site"
    pages = list(site.rglob("*.html"))
    shown = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "<script>alert" not in text, page
        assert "<img src=x" not in text and '<a href="http://evil"' not in text and "<i>市委" not in text, page
        shown += "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt;简报" in text
    assert shown >= 4  # bulletin, home, city and year pages all list the title
    page = (site / "bulletins/yiyang/2024-05-10-1/index.html").read_text(encoding="utf-8")
    assert "&amp;amp; 42号" in page and "&lt;i&gt;市委&lt;/i&gt;" in page


def test_bulletin_pages_rendered_by_the_worker_pool_are_the_pages_rendered_here(tmp_path):
    """The build fans bulletins' pages out to forked workers (site.PageWorkers);
    every page must be byte for byte what the build's own process renders."""
    from briefsite.build.plan import Planned
    from briefsite.build.site import PageWorkers, load_archive, render, render_site
    from briefsite.pages.outputs import site_outputs
    from briefsite.pages.render import make_environment
    from site_helpers import ROOT, repo_config

    config = repo_config()
    archive, _ = load_archive(ROOT / "bulletins", config)
    assert len(archive.bulletins) >= 3
    here = dict(render_site(archive, config))
    env = make_environment(config)
    workers = PageWorkers(archive, config, env, None, jobs=2, chunk=1)  # one page per task: several forks
    planned = (Planned(item, False) for item in site_outputs(archive, config, env))
    pooled = {item.path: item.data if isinstance(item.data, bytes) else b"".join(item.data)  # streamed pages
              for item in render(planned, workers)}
    assert pooled == here
    assert sum(path.startswith("bulletins/") and path.endswith("/index.html") for path in pooled) == \
        len(archive.bulletins)


def test_a_template_error_in_a_render_worker_names_the_template(tmp_path):
    import pytest

    from briefsite.build.plan import Planned
    from briefsite.build.site import PageWorkers, load_archive, render
    from briefsite.errors import BriefsiteError
    from briefsite.pages.outputs import site_outputs
    from briefsite.pages.render import make_environment
    from site_helpers import ROOT, repo_config

    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "bulletin.html").write_text("{{ bulletin.nope }}", encoding="utf-8")
    config = repo_config(templates=theme)
    archive, _ = load_archive(ROOT / "bulletins", config)
    env = make_environment(config)
    planned = (Planned(item, False) for item in site_outputs(archive, config, env))
    with pytest.raises(BriefsiteError) as caught:
        list(render(planned, PageWorkers(archive, config, env, None, jobs=2, chunk=1)))
    assert caught.value.path == "bulletin.html"
    assert "nope" in caught.value.message and "bulletins/" in caught.value.message
