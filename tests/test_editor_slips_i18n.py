"""The issue-13 slips (tests/test_editor_slips.py) through the real command
line in each language: Chinese by default, English with --lang en and with
an English locale (LANG=en_US.UTF-8); the same exit status in all three."""

from __future__ import annotations

import re

import pytest

from conftest import run_cli, write_bulletin

TITLE = "益阳市配合中央生态环境保护督察工作简报"


def bulletin(issue=1, date="2024-05-10", title=TITLE, city="益阳市", body="正文。", extra=""):
    return (f"---\ntitle: {title}\nissue: {issue}\ndate: {date}\n"
            f"issuer: 益阳市配合中央生态环境保护督察协调联络专班\ncity: {city}\n{extra}---\n\n{body}\n")


def _name_and_date(root):
    write_bulletin(root, "yiyang/2024-05-11-3.md", bulletin(2, "2024-05-12"))


def _title_slip(root):
    write_bulletin(root, "yiyang/2024-05-10-1.md", bulletin(1))
    write_bulletin(root, "yiyang/2024-05-11-2.md", bulletin(2, "2024-05-11"))
    write_bulletin(root, "yiyang/2024-05-12-3.md", bulletin(3, "2024-05-12", title=TITLE.replace("督察", "督查")))


def _heading(root):
    write_bulletin(root, "yiyang/2024-05-10-1.md", bulletin(1, body="##【县级动态】\n\n正文。"))


def _txt(root):
    write_bulletin(root, "yiyang/2024-05-10-1.md", bulletin(1))
    write_bulletin(root, "yiyang/2024-05-11-2.txt", "益阳市……工作简报 第2期")


def _city(root):
    write_bulletin(root, "yiyang/2024-05-10-1.md", bulletin(1))
    write_bulletin(root, "yiyang/2024-05-11-2.md", bulletin(2, "2024-05-11", city="益阳"))


def _folder(root):
    write_bulletin(root, "elsewhere/2024-05-10-1.md", bulletin(1))


def _new(root):
    write_bulletin(root, "yiyang/2024-05-10-1.md", bulletin(1))


def _broken_member(root):
    write_bulletin(root, "yiyang/2024-05-10-1.md", bulletin(1))
    write_bulletin(root, "yiyang/2024-05-11-2.md", bulletin(2, "2024年5月11日"))
    write_bulletin(root, "yiyang/2024-05-12-3.md", bulletin(3, "2024-05-12"))


def _tab(root):
    write_bulletin(root, "yiyang/2024-05-10-1.md", bulletin(extra="recipients:\n\treport:\n\t\t- 市委办公室\n"))


def _full_width(root):
    write_bulletin(root, "yiyang/2024-05-10-1.md",
                   bulletin(extra="recipients:\n  report:\n　　- 市委办公室\n  cc:\n    - 省专班\n"))


def _colon(root):
    write_bulletin(root, "yiyang/2024-05-10-1.md",
                   bulletin(extra="recipients:\n  report:\n    - 市委办公室\n    - 市专班: 张三\n"))


# (set-up, command, exit status, Chinese, English): each message at its file and line.
CASES = {
    "file name vs date and issue": (_name_and_date, ("check",), 1,
        "bulletins/yiyang/2024-05-11-3.md:4: error: 文件名 2024-05-11-3.md 与刊头不一致：文件名中日期是 2024-05-11，"
        "但 date 是 2024-05-12；期号是 3，但 issue 是 2（网页按文件名发布） "
        "(若刊头正确，把文件改名为 2024-05-12-2.md；否则改正刊头)",
        "bulletins/yiyang/2024-05-11-3.md:4: error: file name 2024-05-11-3.md disagrees with the masthead: in the "
        "file name the date is 2024-05-11, but date is 2024-05-12; the issue is 3, but issue is 2 (the page is "
        "published under the file name) (if the masthead is right, rename the file to 2024-05-12-2.md; otherwise "
        "correct the masthead)"),
    "title one character off": (_title_slip, ("check", "--strict"), 1,
        "bulletins/yiyang/2024-05-12-3.md:2: warning: 标题“益阳市配合中央生态环境保护督查工作简报”与同城市的系列"
        f"“{TITLE}”（2 期，如 bulletins/yiyang/2024-05-11-2.md）只差 1 个字，是否应为“{TITLE}”？",
        "bulletins/yiyang/2024-05-12-3.md:2: warning: title “益阳市配合中央生态环境保护督查工作简报” differs by 1 "
        f"character from the series “{TITLE}” of the same city (2 issues, e.g. bulletins/yiyang/2024-05-11-2.md): "
        f"did you mean “{TITLE}”?"),
    "heading marker without its space": (_heading, ("check",), 0,
        "bulletins/yiyang/2024-05-10-1.md:9: warning: 标题标记 ## 后缺少空格：“##【县级动态】” "
        "(写作“## 【县级动态】”（已按标题处理）)",
        "bulletins/yiyang/2024-05-10-1.md:9: warning: no space after the heading marks ##: “##【县级动态】” "
        "(write “## 【县级动态】” (read as a heading meanwhile))"),
    "bulletin saved as .txt": (_txt, ("check", "--strict"), 1,
        "bulletins/yiyang/2024-05-11-2.txt: warning: 没有读取：只有 .md 文件才是简报，.txt 文件不会发布 "
        "(运行 .venv/bin/briefsite import bulletins/yiyang/2024-05-11-2.txt 把它转成简报文件",
        "bulletins/yiyang/2024-05-11-2.txt: warning: not read: only .md files are bulletins; a .txt file is not "
        "published (run .venv/bin/briefsite import bulletins/yiyang/2024-05-11-2.txt to turn it into a bulletin file"),
    "city without its suffix": (_city, ("check",), 1,
        "bulletins/yiyang/2024-05-11-2.md:6: error: city 写作“益阳”，是否应为“益阳市”？少了“市”字，它会被当作另一个城市 "
        "(写作 city: 益阳市)",
        "bulletins/yiyang/2024-05-11-2.md:6: error: city is written “益阳”: did you mean “益阳市”? Without “市” it is "
        "taken for another city (write city: 益阳市)"),
    "file in another city's folder": (_folder, ("check", "--strict"), 1,
        "bulletins/elsewhere/2024-05-10-1.md:6: warning: 文件在文件夹 'elsewhere' 中，但城市 益阳市 的网址名是 'yiyang'："
        "它的网页发布在 bulletins/yiyang/ 下",
        "bulletins/elsewhere/2024-05-10-1.md:6: warning: file is in folder 'elsewhere', but city 益阳市 has the slug "
        "'yiyang': its page is published under bulletins/yiyang/"),
    "new without a date": (_new, ("new", "--city", "益阳市"), 1,
        "error: 没有给出这一期的日期（文件名和网址按日期命名） (加上 --date YYYY-MM-DD，例如 --date 2024-05-27)",
        "error: no date given for this issue (its file and web address are named after it) "
        "(add --date YYYY-MM-DD, e.g. --date 2024-05-27)"),
    "broken series member": (_broken_member, ("check",), 1,
        "bulletins/yiyang/2024-05-11-2.md:4: error: date '2024年5月11日' 不是规范的日期：应写成 YYYY-MM-DD "
        "(写作 2024-05-11)",
        "bulletins/yiyang/2024-05-11-2.md:4: error: date '2024年5月11日' is not an ISO date: the expected form is "
        "YYYY-MM-DD (write 2024-05-11)"),
    "YAML tab": (_tab, ("check",), 1,
        "bulletins/yiyang/2024-05-10-1.md:8: error: 这一行用制表符（Tab）缩进，YAML 只认空格",
        "bulletins/yiyang/2024-05-10-1.md:8: error: this line is indented with a tab; YAML takes only spaces"),
    "YAML full-width indent": (_full_width, ("check",), 1,
        "bulletins/yiyang/2024-05-10-1.md:9: error: 这一行用全角空格（　）缩进，YAML 只认半角空格",
        "bulletins/yiyang/2024-05-10-1.md:9: error: this line is indented with a full-width space (　); YAML takes "
        "only half-width spaces"),
    "YAML colon in recipients": (_colon, ("check",), 1,
        "bulletins/yiyang/2024-05-10-1.md:10: error: recipients.report 的这一项“市专班: 张三”含英文冒号加空格，"
        "YAML 把它读成了键值对，而不是单位名称",
        "bulletins/yiyang/2024-05-10-1.md:10: error: this recipients.report entry “市专班: 张三” holds a colon and a "
        "space, which YAML reads as a key and value, not a name"),
}


@pytest.mark.parametrize("language", ["default", "--lang en", "LANG=en_US.UTF-8"])
@pytest.mark.parametrize("case", list(CASES))
def test_slip_reported_in_the_chosen_language(empty_project, case, language):
    set_up, command, status, chinese, english = CASES[case]
    set_up(empty_project)
    args, env = command, None
    if language == "--lang en":
        args = (*command, "--lang", "en")
    elif language.startswith("LANG="):
        env = {"LANG": "en_US.UTF-8"}
    result = run_cli(*args, cwd=empty_project, env=env)
    assert result.code == status, result.err
    first = next(line for line in result.err.splitlines() if line.strip())
    expected, other = (chinese, english) if language == "default" else (english, chinese)
    assert first.startswith(expected), first
    assert re.split(r"(?:error|warning): ", other, maxsplit=1)[-1][:20] not in result.err
