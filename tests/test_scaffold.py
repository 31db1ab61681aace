"""briefsite new: the next issue of a series, as a draft, through the real command line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from briefsite.content.front_matter import split
from conftest import minimal, run_cli, write_bulletin


def fields(path: Path) -> tuple[dict, str]:
    parsed = split(path.read_text(encoding="utf-8"), str(path))
    return {k: f.value for k, f in parsed.fields.items()}, parsed.body


def test_next_issue_copies_the_series(project: Path):
    result = run_cli("new", "--city", "益阳市", "--date", "2024-05-11", cwd=project)
    assert result.code == 0, result.err
    path = project / "bulletins" / "yiyang" / "2024-05-11-2.md"
    assert result.out.splitlines()[0] == "bulletins/yiyang/2024-05-11-2.md"
    assert "草稿" in result.out and "才会发布" in result.out
    got, body = fields(path)
    previous, _ = fields(project / "bulletins" / "yiyang" / "2024-05-10-1.md")
    assert got["issue"] == 2 and got["date"] == dt.date(2024, 5, 11) and got["draft"] is True
    for key in ("title", "issuer", "city", "recipients"):
        assert got[key] == previous[key], key
    assert "doc_number" not in got and "printed" not in got  # these change with each issue
    # The sections of the last issue, and nothing else.
    assert body.strip() == "## 【县市区动态】\n\n## 【市直部门工作动态】"
    # A draft passes check and is not published.
    assert run_cli("check", cwd=project).code == 0
    build = run_cli("build", cwd=project)
    assert build.code == 0, build.err
    assert "。跳过草稿 1 期。" in build.out
    assert not (project / "site" / "bulletins" / "yiyang" / "2024-05-11-2").exists()


def test_total_issue_and_contact_follow(project: Path):
    result = run_cli("new", "--city", "湖南省", "--date", "2017-05-16", cwd=project)
    assert result.code == 0, result.err
    got, body = fields(project / "bulletins" / "hunan" / "2017-05-16-16.md")
    assert (got["issue"], got["total_issue"]) == (16, 22)
    assert got["contact"].startswith("联系电话：（0731）85698043")
    assert body.strip() == "### （标题）\n\n（正文）"  # the series has no ## sections: a default


def test_no_date_is_never_today_by_default(project: Path):
    """The file is named after the date, so it is asked for (on a terminal:
    tests/test_editor_slips.py) and never assumed to be today."""
    result = run_cli("new", "--city", "益阳市", cwd=project)
    assert result.code == 1
    assert result.err == ("error: 没有给出这一期的日期（文件名和网址按日期命名） "
                          "(加上 --date YYYY-MM-DD，例如 --date 2024-05-27)\n")
    assert dt.date.today().isoformat() not in " ".join(p.name for p in (project / "bulletins").rglob("*"))


def test_refuses_to_overwrite(project: Path):
    args = ("new", "--city", "益阳市", "--date", "2024-05-11")
    assert run_cli(*args, cwd=project).code == 0
    path = project / "bulletins" / "yiyang" / "2024-05-11-2.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n已写的正文。\n", encoding="utf-8")
    before = path.read_bytes()
    # The draft now counts: a second run the same day plans issue 3 under a new name.
    second = run_cli(*args, cwd=project)
    assert second.code == 0 and "2024-05-11-3.md" in second.out
    # An existing file of the planned name is never replaced.
    write_bulletin(project, "yiyang/2024-05-12-4.md", "手写的文件\n")  # broken, so not counted
    clash = run_cli("new", "--city", "益阳市", "--date", "2024-05-12", cwd=project)
    assert clash.code == 1
    assert "bulletins/yiyang/2024-05-12-4.md: error: 文件已存在，未写入" in clash.err
    assert (project / "bulletins" / "yiyang" / "2024-05-12-4.md").read_text(encoding="utf-8") == "手写的文件\n"
    assert path.read_bytes() == before


def test_several_series_need_a_title(project: Path):
    write_bulletin(project, "yiyang/2024-06-01-1.md", minimal(1, "2024-06-01").replace(
        "工作简报", "专报"))
    result = run_cli("new", "--city", "益阳市", "--date", "2024-06-02", cwd=project)
    assert result.code == 1
    assert "error: 益阳市 有 2 种简报；请用 --title 指明是哪一种" in result.err
    assert "--title 益阳市配合中央生态环境保护督察专报 (最近一期：第1期，2024-06-01)" in result.err
    assert "--title 益阳市配合中央生态环境保护督察工作简报 (最近一期：第1期，2024-05-10)" in result.err
    chosen = run_cli("new", "--city", "益阳市", "--title", "益阳市配合中央生态环境保护督察专报",
                     "--date", "2024-06-02", cwd=project)
    assert chosen.code == 0, chosen.err
    got, _ = fields(project / "bulletins" / "yiyang" / "2024-06-02-2.md")
    assert got["title"] == "益阳市配合中央生态环境保护督察专报"


def test_unknown_city_or_title(project: Path):
    result = run_cli("new", "--city", "长沙市", cwd=project)
    assert result.code == 1
    assert "bulletins: error: 没有找到 长沙市 的简报 (这里有的城市：" in result.err
    result = run_cli("new", "--city", "益阳市", "--title", "不存在的简报", cwd=project)
    assert result.code == 1
    assert "益阳市 没有名为 不存在的简报 的简报" in result.err


def test_series_without_issue_numbers(project: Path):
    result = run_cli("new", "--city", "株洲市", "--date", "2024-05-10", cwd=project)
    assert result.code == 0, result.err
    assert result.out.splitlines()[0] == "bulletins/zhuzhou/2024-05-10.md"
    assert "warning: 这种简报不印期号" in result.err
    got, body = fields(project / "bulletins" / "zhuzhou" / "2024-05-10.md")
    assert "issue" not in got
    assert body.strip() == "## 【市级动态】\n\n## 【县级动态】\n\n## 【专班动态】"


def test_new_year_and_earlier_date_are_pointed_out(project: Path):
    result = run_cli("new", "--city", "永州市", "--date", "2025-01-03", cwd=project)
    assert result.code == 0, result.err
    assert "warning: 上一期（2024-03-15）以来已跨年" in result.err
    result = run_cli("new", "--city", "湖南省", "--date", "2017-05-01", cwd=project)
    assert "warning: 日期 2017-05-01 早于上一期（2017-05-15）" in result.err


def test_bad_date_is_a_usage_error(project: Path):
    result = run_cli("new", "--city", "益阳市", "--date", "2024-5-1", cwd=project)
    assert result.code == 2
    assert "'2024-5-1' 不是日期；请写成 YYYY-MM-DD" in result.err


def test_missing_source(tmp_path: Path):
    result = run_cli("new", "--city", "益阳市", cwd=tmp_path)
    assert result.code == 1
    assert "bulletins: error: 找不到简报文件夹" in result.err


def test_the_new_issue_speaks_the_chosen_language(project: Path):
    """What `new` prints and writes for the editor (the issue, the draft line's
    comment, the placeholders of an empty body): Chinese by default, English with --lang en."""
    result = run_cli("new", "--city", "湖南省", "--date", "2017-05-16", cwd=project)
    assert result.code == 0, result.err
    assert "第16期，2017-05-16：草稿" in result.out
    text = (project / "bulletins" / "hunan" / "2017-05-16-16.md").read_text(encoding="utf-8")
    assert "draft: true  # 本期写好后删去这一行：草稿不发布\n" in text
    assert text.endswith("---\n\n### （标题）\n\n（正文）\n")
    english = run_cli("new", "--city", "湖南省", "--date", "2017-05-17", "--lang", "en", cwd=project)
    assert english.code == 0, english.err
    assert "issue 17, 2017-05-17: a draft (draft: true)" in english.out
    text = (project / "bulletins" / "hunan" / "2017-05-17-17.md").read_text(encoding="utf-8")
    assert "draft: true  # remove this line when the issue is finished: drafts are not published\n" in text
    assert text.endswith("---\n\n### (headline)\n\n(text)\n")
    unnumbered = run_cli("new", "--city", "株洲市", "--date", "2024-05-10", cwd=project)
    assert "（无期号），2024-05-10：草稿" in unnumbered.out
    unnumbered = run_cli("new", "--city", "株洲市", "--date", "2024-05-11", "--lang", "en", cwd=project)
    assert "(no issue number), 2024-05-11: a draft" in unnumbered.out
    unknown = run_cli("new", "--city", "长沙市", "--lang", "en", cwd=project)
    assert "bulletins: error: no bulletin of 长沙市 found (cities here: " in unknown.err
    assert "湖南省, " in unknown.err and "、" not in unknown.err
