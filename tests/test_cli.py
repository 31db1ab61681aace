"""End-to-end: every bad input of a bulletin archive through the real command line.

Each case asserts the exact ``path:line: error: …`` message an editor sees
and the exit status; several broken files are reported in one run.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from conftest import minimal, run_cli, write_bulletin

GOOD = """---
title: 益阳市配合中央生态环境保护督察工作简报
issue: {issue}
date: 2024-05-10
issuer: 益阳市配合中央生态环境保护督察协调联络专班
city: 益阳市
---

正文。
"""


def lines_of(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def check(root: Path, *extra: str):
    return run_cli("check", *extra, cwd=root)


def test_build_and_check_print_a_one_line_summary(empty_project):
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", minimal(1))
    write_bulletin(empty_project, "yiyang/2024-05-11-2.md", minimal(2, "2024-05-11"))
    result = check(empty_project)
    assert result.code == 0, result.err
    assert re.fullmatch(r"已检查 2 期简报、\d+ 个页面，用时 \d+\.\d\d 秒。没有错误，0 个警告。\n", result.out)
    result = run_cli("build", cwd=empty_project)
    assert result.code == 0, result.err
    assert re.fullmatch(r"已生成 2 期简报，共 \d+ 个页面，输出到 site/，用时 \d+\.\d\d 秒。"
                        r"检索索引 2 个页面，用时 \d+\.\d\d 秒。本次建立了 1 个检索索引分片。\n", result.out)
    assert (empty_project / "site/bulletins/yiyang/2024-05-11-2/index.html").is_file()
    # In English the same sentences, each whole.
    english = run_cli("build", "--lang", "en", cwd=empty_project)
    assert re.fullmatch(r"Built 2 bulletins: \d+ pages in site/, in \d+\.\d\d s\. Search index: 2 pages in "
                        r"\d+\.\d\d s\. This build indexed 1 shard of the search index\.\n", english.out), english.out
    # Nothing changed: the shard is kept, and not mentioned.
    english = run_cli("build", "--lang", "en", cwd=empty_project)
    assert re.fullmatch(r"Built 2 bulletins: \d+ pages in site/, in \d+\.\d\d s\. "
                        r"Search index: 2 pages in \d+\.\d\d s\.\n", english.out), english.out
    english = check(empty_project, "--lang", "en")
    assert re.fullmatch(r"Checked 2 bulletins and \d+ pages in \d+\.\d\d s\. No errors, 0 warnings\.\n",
                        english.out), english.out


def test_the_summary_says_what_was_left_out_in_sentences_of_its_own(empty_project):
    """Drafts, files ignored by name, no search index: each a sentence of its
    own after the summary's first, on the same line, in either language."""
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", minimal(1))
    write_bulletin(empty_project, "yiyang/2024-05-11-2.md",
                   minimal(2, "2024-05-11").replace("city: 益阳市", "city: 益阳市\ndraft: true"))
    write_bulletin(empty_project, "yiyang/.#2024-05-10-1.md", "editor lock file")
    time = r"\d+\.\d\d"
    result = run_cli("build", "--no-search", cwd=empty_project)
    assert re.fullmatch(rf"已生成 1 期简报，共 \d+ 个页面，输出到 site/，用时 {time} 秒。跳过草稿 1 期。"
                        r"另有 1 个文件按文件名忽略：\.#2024-05-10-1\.md。未建检索索引（--no-search）。\n",
                        result.out), result.out
    result = run_cli("build", "--no-search", "--lang", "en", cwd=empty_project)
    assert re.fullmatch(rf"Built 1 bulletin: \d+ pages in site/, in {time} s\. 1 draft was skipped\. "
                        r"1 other file was ignored by its name: \.#2024-05-10-1\.md\. "
                        r"No search index was built \(--no-search\)\.\n", result.out), result.out
    write_bulletin(empty_project, "yiyang/2024-05-11-2.md~", "editor backup")
    result = check(empty_project)
    assert re.fullmatch(rf"已检查 1 期简报、\d+ 个页面，用时 {time} 秒。另检查了草稿 1 期。"
                        r"另有 2 个文件按文件名忽略：\.#2024-05-10-1\.md、2024-05-11-2\.md~。没有错误，0 个警告。\n",
                        result.out), result.out
    result = check(empty_project, "--lang", "en")
    assert re.fullmatch(rf"Checked 1 bulletin and \d+ pages in {time} s\. 1 draft was checked as well\. "
                        r"2 other files were ignored by their names: \.#2024-05-10-1\.md, 2024-05-11-2\.md~\. "
                        r"No errors, 0 warnings\.\n", result.out), result.out


# (file, content, expected message line) — one per bad input of the contract.
BAD_INPUTS = {
    "missing required key": (
        "yiyang/missing.md",
        "---\ntitle: 简报\ndate: 2024-05-10\ncity: 益阳市\n---\n\n正文。\n",
        "bulletins/yiyang/missing.md:1: error: 缺少必填项 'issuer' (在文件头中加一行“issuer: …”)"),
    "mistyped required key": (
        "yiyang/typo.md",
        "---\ntitle: 简报\ndate: 2024-05-10\nisuer: 专班\ncity: 益阳市\n---\n\n正文。\n",
        "bulletins/yiyang/typo.md:4: error: 未知的项 'isuer'；是否应为 'issuer'？"),
    "required key of the wrong type": (
        "yiyang/list-title.md",
        "---\ntitle: [简报, 二]\ndate: 2024-05-10\nissuer: 专班\ncity: 益阳市\n---\n\n正文。\n",
        "bulletins/yiyang/list-title.md:2: error: title 应当是文字，而不是列表"),
    "date not ISO": (
        "yiyang/date.md",
        "---\ntitle: 简报\ndate: 2024年5月10日\nissuer: 专班\ncity: 益阳市\n---\n\n正文。\n",
        "bulletins/yiyang/date.md:3: error: date '2024年5月10日' 不是规范的日期：应写成 YYYY-MM-DD (写作 2024-05-10)"),
    "date with slashes": (
        "yiyang/slash.md",
        "---\ntitle: 简报\ndate: 2024/5/10\nissuer: 专班\ncity: 益阳市\n---\n\n正文。\n",
        "bulletins/yiyang/slash.md:3: error: date '2024/5/10' 不是规范的日期：应写成 YYYY-MM-DD (写作 2024-05-10)"),
    "impossible date": (
        "yiyang/feb30.md",
        "---\ntitle: 简报\ndate: '2024-02-30'\nissuer: 专班\ncity: 益阳市\n---\n\n正文。\n",
        "bulletins/yiyang/feb30.md:3: error: date 2024-02-30 不是实际存在的日期"),
    "malformed YAML": (
        "yiyang/yaml.md",
        "---\ntitle: 简报\ndate: 2024-05-10\nissuer: 专班: 联络组\ncity: 益阳市\n---\n\n正文。\n",
        "bulletins/yiyang/yaml.md:4: error: 这一行的值中有英文冒号加空格（: ），YAML 把它当成了新的键："
        "issuer: 专班: 联络组 (把整个值用引号括起来，如 issuer: \"专班: 联络组\"，或改用中文冒号“：”)"),
    "unclosed quote": (
        "yiyang/quote.md",
        "---\ntitle: 简报\ndate: 2024-05-10\nissuer: \"专班\ncity: 益阳市\n---\n\n正文。\n",
        "bulletins/yiyang/quote.md:4: error: 文件头的 YAML 格式有误：while scanning a quoted scalar; found unexpected end of stream"),
    "non-integer issue": (
        "yiyang/issue.md",
        "---\ntitle: 简报\nissue: 第3期\ndate: 2024-05-10\nissuer: 专班\ncity: 益阳市\n---\n\n正文。\n",
        "bulletins/yiyang/issue.md:3: error: issue 应是整数，而不是 '第3期' (只写数字，例如“第3期”写 3；没有期号就删去这一项)"),
    "zero total_issue": (
        "yiyang/total.md",
        "---\ntitle: 简报\ntotal_issue: 0\ndate: 2024-05-10\nissuer: 专班\ncity: 益阳市\n---\n\n正文。\n",
        "bulletins/yiyang/total.md:3: error: total_issue 应是 1 到 1000000 之间的整数，而不是 0"),
    "empty file": (
        "yiyang/empty.md", "",
        "bulletins/yiyang/empty.md:1: error: 文件是空的 (写上文件头和简报正文，或删除这个文件)"),
    "empty body": (
        "yiyang/nobody.md",
        "---\ntitle: 简报\ndate: 2024-05-10\nissuer: 专班\ncity: 益阳市\n---\n\n  \n",
        "bulletins/yiyang/nobody.md:6: error: 文件头之后没有简报正文 (把简报正文粘贴到结束的“---”下面)"),
    "no front-matter": (
        "yiyang/plain.md", "益阳市配合中央生态环境保护督察工作简报\n\n正文。\n",
        "bulletins/yiyang/plain.md:1: error: 没有文件头（刊头信息）"),
    "unclosed front-matter": (
        "yiyang/open.md", "---\ntitle: 简报\n\n正文。\n",
        "bulletins/yiyang/open.md:1: error: 文件头没有结束"),
    "unknown key": (
        "yiyang/unknown.md",
        "---\ntitle: 简报\ndate: 2024-05-10\nissuer: 专班\ncity: 益阳市\ndoc_numbr: 益简字【2022】42号\n---\n\n正文。\n",
        "bulletins/yiyang/unknown.md:6: error: 未知的项 'doc_numbr'；是否应为 'doc_number'？"),
    "unknown recipients key": (
        "yiyang/rcpt.md",
        "---\ntitle: 简报\ndate: 2024-05-10\nissuer: 专班\ncity: 益阳市\nrecipients:\n  sned:\n    - 市委\n---\n\n正文。\n",
        "bulletins/yiyang/rcpt.md:7: error: recipients 中没有 'sned' 这一组；是否应为 'send'？"),
    "draft not a boolean": (
        "yiyang/draft.md",
        "---\ntitle: 简报\ndate: 2024-05-10\nissuer: 专班\ncity: 益阳市\ndraft: maybe\n---\n\n正文。\n",
        "bulletins/yiyang/draft.md:6: error: draft 只能是 true 或 false，而不是 'maybe'"),
    "printed not ISO": (
        "yiyang/printed.md",
        "---\ntitle: 简报\ndate: 2024-05-10\nissuer: 专班\ncity: 益阳市\nprinted: 5月10日\n---\n\n正文。\n",
        "bulletins/yiyang/printed.md:6: error: printed '5月10日' 不是规范的日期：应写成 YYYY-MM-DD"),
    "name with a space": (
        "yiyang/my bulletin.md", GOOD.format(issue=7),
        "bulletins/yiyang/my bulletin.md:1: error: 文件名 'my bulletin.md' 不能用作网址"),
    "Chinese name": (
        "yiyang/第7期.md", GOOD.format(issue=7),
        "bulletins/yiyang/第7期.md:1: error: 文件名 '第7期.md' 不能用作网址"),
    "YAML alias": (
        "yiyang/alias.md",
        "---\ntitle: &t 简报\ndate: 2024-05-10\nissuer: *t\ncity: 益阳市\n---\n\n正文。\n",
        "bulletins/yiyang/alias.md:2: error: 文件头中不能使用 YAML 锚点和别名（&name、*name）"),
    "duplicate key": (
        "yiyang/twice.md",
        "---\ntitle: 简报\ndate: 2024-05-10\nissuer: 专班\ntitle: 简报二\ncity: 益阳市\n---\n\n正文。\n",
        "bulletins/yiyang/twice.md:5: error: 'title' 出现了两次（第一次在第 2 行）"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_each_bad_input_is_reported_at_its_line_with_exit_status_1(empty_project, case):
    rel, content, expected = BAD_INPUTS[case]
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", GOOD.format(issue=1))
    write_bulletin(empty_project, rel, content)
    for command in ("check", "build"):
        result = run_cli(command, cwd=empty_project)
        assert result.code == 1, result.out + result.err
        assert any(line.startswith(expected) for line in lines_of(result.err)), result.err
        assert "Traceback" not in result.err
        last = lines_of(result.err)[-1]
        assert re.fullmatch(rf"{command} 失败：\d+ 个错误，\d+ 个警告。"
                            + ("原来的网站没有改动。" if command == "build" else ""), last)
    assert not (empty_project / "site").exists()


def test_gbk_file_names_the_encoding_and_how_to_convert(empty_project):
    text = "---\ntitle: 简报\ndate: 2024-05-10\nissuer: 专班\ncity: 益阳市\n---\n\n正文。\n"
    write_bulletin(empty_project, "yiyang/gbk.md", text.encode("gbk"))
    result = check(empty_project)
    assert result.code == 1
    assert ("bulletins/yiyang/gbk.md:2: error: 文件不是 UTF-8 编码，看来是 GBK (用以下命令转换：iconv -f GBK -t UTF-8 bulletins/yiyang/gbk.md > bulletins/yiyang/gbk.md.utf8 && mv bulletins/yiyang/gbk.md.utf8 bulletins/yiyang/gbk.md"
            ) in result.err
    # The suggested command really converts it.
    path = empty_project / "bulletins/yiyang/gbk.md"
    path.write_bytes(path.read_bytes().decode("gbk").encode("utf-8"))
    assert check(empty_project).code == 0


def test_every_error_of_several_broken_files_in_one_run(empty_project):
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", GOOD.format(issue=1))
    for case in ("missing required key", "date not ISO", "malformed YAML", "non-integer issue",
                 "empty file", "empty body", "unknown key", "Chinese name"):
        rel, content, _ = BAD_INPUTS[case]
        write_bulletin(empty_project, rel, content)
    write_bulletin(empty_project, "yiyang/gbk.md", GOOD.format(issue=9).encode("gbk"))
    result = run_cli("build", cwd=empty_project)
    assert result.code == 1
    errors = [line for line in lines_of(result.err) if ": error: " in line]
    assert len(errors) == 9, result.err
    # Sorted by file, each with its line.
    files = [line.split(":")[0] for line in errors]
    assert files == sorted(files)
    assert all(re.match(r"bulletins/yiyang/[^:]+\.md:\d+: error: ", line) for line in errors)
    assert lines_of(result.err)[-1] == "build 失败：9 个错误，0 个警告。原来的网站没有改动。"
    english = run_cli("build", "--lang", "en", cwd=empty_project)
    assert lines_of(english.err)[-1] == "build failed: 9 errors, 0 warnings. The previous site is unchanged."


def test_one_file_with_several_problems_reports_them_all(empty_project):
    write_bulletin(empty_project, "yiyang/many.md",
                   "---\ntitle: 简报\nissue: x\ndate: 2024.5.10\nissuer: 专班\nciti: 益阳市\n---\n\n正文。\n")
    result = check(empty_project)
    assert result.code == 1
    assert lines_of(result.err)[:4] == [
        "bulletins/yiyang/many.md:1: error: 缺少必填项 'city' (在文件头中加一行“city: …”)",
        "bulletins/yiyang/many.md:3: error: issue 应是整数，而不是 'x' (只写数字，例如“第3期”写 3；没有期号就删去这一项)",
        "bulletins/yiyang/many.md:4: error: date '2024.5.10' 不是规范的日期：应写成 YYYY-MM-DD (写作 2024-05-10)",
        "bulletins/yiyang/many.md:6: error: 未知的项 'citi'；是否应为 'city'？ (可用的项：title, date, issuer, city, issue, total_issue, recipients, doc_number, printed, printed_by, contact, draft)",
    ]


def test_yaml_error_line_counts_blank_lines_after_the_opening(empty_project):
    write_bulletin(empty_project, "yiyang/blank.md",
                   "---\n\n\ntitle: 简报\ndate: 2024-05-10\nissuer: [专班\ncity: 益阳市\n---\n\n正文。\n")
    result = check(empty_project)
    assert result.code == 1
    assert lines_of(result.err)[0].startswith("bulletins/yiyang/blank.md:6: error: 文件头的 YAML 格式有误")


def test_two_bulletins_claiming_the_same_series_and_issue(empty_project):
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", GOOD.format(issue=1))
    write_bulletin(empty_project, "yiyang/2024-06-01-1.md", GOOD.format(issue=1).replace("2024-05-10", "2024-06-01"))
    result = check(empty_project)
    assert result.code == 1
    assert lines_of(result.err)[0] == (
        "bulletins/yiyang/2024-06-01-1.md:3: error: 系列 益阳市配合中央生态环境保护督察工作简报（益阳市）2024 年第 1 期与 bulletins/yiyang/2024-05-10-1.md:3 重复 (改正其中一期的期号)")
    # Same number in another year, or in another city's series, is fine.
    (empty_project / "bulletins/yiyang/2024-06-01-1.md").unlink()
    write_bulletin(empty_project, "yiyang/2025-01-01-1.md", GOOD.format(issue=1).replace("2024-05-10", "2025-01-01"))
    write_bulletin(empty_project, "yongzhou/2024-05-10-1.md",
                   GOOD.format(issue=1).replace("city: 益阳市", "city: 永州市"))
    assert check(empty_project).code == 0


def test_two_bulletins_claiming_the_same_total_issue(empty_project):
    first = GOOD.format(issue=1).replace("date:", "total_issue: 5\ndate:")
    write_bulletin(empty_project, "yiyang/a.md", first)
    write_bulletin(empty_project, "yiyang/b.md", first.replace("issue: 1", "issue: 2", 1))
    result = check(empty_project)
    assert result.code == 1
    assert "bulletins/yiyang/b.md:4: error: 系列 益阳市配合中央生态环境保护督察工作简报（益阳市）总第5期（total_issue 5）" in result.err
    assert "与 bulletins/yiyang/a.md:4 重复" in result.err


def test_two_files_writing_the_same_url_from_different_folders(empty_project):
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", GOOD.format(issue=1))
    write_bulletin(empty_project, "misc/2024-05-10-1.md", GOOD.format(issue=2).replace("issue: 2\n", ""))
    result = check(empty_project)
    assert result.code == 1
    assert ("bulletins/yiyang/2024-05-10-1.md:1: error: 会与 bulletins/misc/2024-05-10-1.md 写到同一个网址 bulletins/yiyang/2024-05-10-1/ (给其中一个文件改名)"
            ) in result.err
    # The misplaced file is also told where it belongs.
    assert ("bulletins/misc/2024-05-10-1.md:5: warning: 文件在文件夹 'misc' 中，但城市 益阳市 的网址名是 'yiyang'：它的网页发布在 bulletins/yiyang/ 下 (把它移到 bulletins/yiyang/2024-05-10-1.md") in result.err


def test_two_file_names_differing_only_in_case(empty_project):
    write_bulletin(empty_project, "yiyang/report.md", GOOD.format(issue=1))
    write_bulletin(empty_project, "yiyang/Report.md", GOOD.format(issue=2))
    result = check(empty_project)
    assert result.code == 1
    assert ("bulletins/yiyang/report.md:1: error: 会写到 bulletins/yiyang/report/，与 bulletins/yiyang/Report.md "
            "的 bulletins/yiyang/Report/ 只差大小写") in result.err


def test_two_cities_sharing_a_slug(empty_project):
    (empty_project / "briefsite.yaml").write_text("cities:\n  永州市: yiyang\n", encoding="utf-8")
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", GOOD.format(issue=1))
    write_bulletin(empty_project, "yiyang/2024-05-11-1.md",
                   GOOD.format(issue=1).replace("益阳市", "永州市").replace("2024-05-10", "2024-05-11"))
    result = check(empty_project)
    assert result.code == 1
    assert ("bulletins/yiyang/2024-05-11-1.md:6: error: 城市 永州市 和 益阳市（bulletins/yiyang/2024-05-10-1.md）的网址名都是 'yiyang'：两者的网页会混在一起 (在 briefsite.yaml 的 cities: 下给其中一个另定网址名)") in result.err


def test_symlink_leaving_the_source_folder_is_refused(empty_project, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    (outside / "secret.md").write_text(GOOD.format(issue=2), encoding="utf-8")
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", GOOD.format(issue=1))
    os.symlink(outside / "secret.md", empty_project / "bulletins/yiyang/secret.md")
    os.symlink(outside, empty_project / "bulletins/linked")
    result = run_cli("build", cwd=empty_project)
    assert result.code == 1
    assert (f"bulletins/yiyang/secret.md:1: error: 符号链接指向简报文件夹之外"
            f"（指向 {outside / 'secret.md'}）") in result.err
    assert f"bulletins/linked: error: 符号链接指向简报文件夹之外（指向 {outside}）" in result.err
    assert not (empty_project / "site").exists()


def test_symlink_inside_the_source_folder_is_read(empty_project):
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", GOOD.format(issue=1))
    (empty_project / "shared").mkdir()
    os.symlink(empty_project / "bulletins/yiyang/2024-05-10-1.md",
               empty_project / "bulletins/yiyang/alias.md")
    result = check(empty_project)
    # Read, and then found to claim the same issue: nothing is skipped silently.
    assert result.code == 1
    assert "bulletins/yiyang/alias.md:3: error: 系列 益阳市配合中央生态环境保护督察工作简报（益阳市）2024 年第 1 期" in result.err


def test_markdown_files_with_another_extension_are_reported(empty_project):
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", GOOD.format(issue=1))
    write_bulletin(empty_project, "yiyang/2024-05-11-2.MD", GOOD.format(issue=2))
    write_bulletin(empty_project, "yiyang/notes.txt", "not a bulletin")
    write_bulletin(empty_project, "yiyang/.#2024-05-10-1.md", "editor lock file")
    result = check(empty_project)
    assert result.code == 0, result.err
    assert lines_of(result.err) == [
        "bulletins/yiyang/2024-05-11-2.MD: warning: 没有读取：只有以“.md”结尾的文件才是简报 (把它改名为 2024-05-11-2.md)"]
    assert "没有错误，1 个警告。" in result.out
    strict = check(empty_project, "--strict")
    assert strict.code == 1
    assert lines_of(strict.err)[-1] == "check 失败：0 个错误，1 个警告。使用了 --strict，警告也算作错误。"
    english = check(empty_project, "--strict", "--lang", "en")
    assert lines_of(english.err)[-1] == "check failed: 0 errors, 1 warning. With --strict, warnings count as errors."


def test_missing_source_folder(tmp_path):
    result = run_cli("build", "--source", "nowhere", cwd=tmp_path)
    assert result.code == 1
    assert "nowhere: error: 找不到简报文件夹 (检查 --source，或新建 bulletins/ 文件夹)" in result.err


CONFIG_ERRORS = {
    "unknown key": ("titel: 档案\n", "briefsite.yaml:1: error: 未知的配置项 'titel'；是否应为 'title'？"),
    "malformed YAML": ("title: [档案\n", "briefsite.yaml:2: error: YAML 格式有误"),
    "bad slug": ("cities:\n  益阳市: YiYang\n",
                 "briefsite.yaml:2: error: 益阳市 的网址名 'YiYang' 不能用于网址 (只用小写英文字母、数字和“-”，例如 yiyang)"),
    "slug twice": ("cities:\n  益阳市: yiyang\n  永州市: yiyang\n",
                   "briefsite.yaml:3: error: 城市 益阳市 和 永州市 都对应到网址名 'yiyang'"),
    "base_url": ("base_url: example.org\n", "briefsite.yaml:1: error: base_url 'example.org' 不是 http(s) 网址"),
    "templates": ("title: 档案\ntemplates: my-theme\n",
                  "briefsite.yaml:2: error: templates 文件夹 my-theme 不存在"),
    "not a mapping": ("- title\n", "briefsite.yaml:1: error: 配置文件应当是一行一项的“键: 值”"),
}


@pytest.mark.parametrize("case", sorted(CONFIG_ERRORS))
def test_config_errors(empty_project, case):
    content, expected = CONFIG_ERRORS[case]
    (empty_project / "briefsite.yaml").write_text(content, encoding="utf-8")
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", GOOD.format(issue=1))
    for command in ("check", "build"):
        result = run_cli(command, cwd=empty_project)
        assert result.code == 1, result.out
        assert any(line.startswith(expected) for line in lines_of(result.err)), result.err
        assert "Traceback" not in result.err
    assert not (empty_project / "site").exists()


def test_all_config_errors_in_one_run(empty_project):
    (empty_project / "briefsite.yaml").write_text(
        "titel: 档案\nbase_url: ftp://x\nnewest_count: 0\n", encoding="utf-8")
    result = check(empty_project)
    assert result.code == 1
    assert [line.split(": error: ")[0] for line in lines_of(result.err)[:3]] == \
        ["briefsite.yaml:1", "briefsite.yaml:2", "briefsite.yaml:3"]


def test_named_config_file_must_exist(empty_project):
    result = check(empty_project, "--config", "other.yaml")
    assert result.code == 1
    assert "other.yaml: error: 找不到配置文件" in result.err
