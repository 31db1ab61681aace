"""End-to-end: the slips that used to publish a wrong page without a word.

Each case runs the real command line and asserts the message (file, line,
what, the fix) and the exit status. See issue 13.
"""

from __future__ import annotations

import sys
from pathlib import Path

from conftest import run_cli, write_bulletin

TITLE = "益阳市配合中央生态环境保护督察工作简报"


def bulletin(issue: int | None = 1, date: str = "2024-05-10", title: str = TITLE, city: str = "益阳市",
             body: str = "正文。", extra: str = "") -> str:
    number = f"issue: {issue}\n" if issue is not None else ""
    return (f"---\ntitle: {title}\n{number}date: {date}\n"
            f"issuer: 益阳市配合中央生态环境保护督察协调联络专班\ncity: {city}\n{extra}---\n\n{body}\n")


def err_lines(result) -> list[str]:
    return [line for line in result.err.splitlines() if line.strip()]


def test_file_name_disagreeing_with_date_and_issue_is_an_error(empty_project):
    write_bulletin(empty_project, "yiyang/2024-05-11-3.md", bulletin(2, "2024-05-12"))
    result = run_cli("check", cwd=empty_project)
    assert result.code == 1
    assert err_lines(result)[0] == (
        "bulletins/yiyang/2024-05-11-3.md:4: error: 文件名 2024-05-11-3.md 与刊头不一致："
        "文件名中日期是 2024-05-11，但 date 是 2024-05-12；期号是 3，但 issue 是 2（网页按文件名发布） "
        "(若刊头正确，把文件改名为 2024-05-12-2.md；否则改正刊头)")
    build = run_cli("build", cwd=empty_project)
    assert build.code == 1 and "与刊头不一致" in build.err
    assert not (empty_project / "site").exists()


def test_file_name_disagreeing_with_issue_only(empty_project):
    write_bulletin(empty_project, "yiyang/2024-05-10-4.md", bulletin(1))
    result = run_cli("check", cwd=empty_project)
    assert result.code == 1
    assert err_lines(result)[0].startswith(
        "bulletins/yiyang/2024-05-10-4.md:3: error: 文件名 2024-05-10-4.md 与刊头不一致：文件名中期号是 4，但 issue 是 1")


def test_new_names_the_file_from_date(empty_project):
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", bulletin(1))
    result = run_cli("new", "--city", "益阳市", "--date", "2024-05-27", cwd=empty_project)
    assert result.code == 0, result.err
    assert result.out.splitlines()[0] == "bulletins/yiyang/2024-05-27-2.md"
    text = (empty_project / "bulletins/yiyang/2024-05-27-2.md").read_text(encoding="utf-8")
    assert "date: 2024-05-27" in text
    assert run_cli("check", cwd=empty_project).code == 0


def test_new_without_date_off_a_terminal_asks_for_it(empty_project):
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", bulletin(1))
    result = run_cli("new", "--city", "益阳市", cwd=empty_project)
    assert result.code == 1
    assert "error: 没有给出这一期的日期" in result.err
    assert "--date 2024-05-27" in result.err or "--date YYYY-MM-DD" in result.err
    assert sorted(p.name for p in (empty_project / "bulletins/yiyang").iterdir()) == ["2024-05-10-1.md"]


def test_new_prompts_for_the_date_on_a_terminal(empty_project):
    import os
    import pty
    import subprocess

    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", bulletin(1))
    primary, secondary = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "briefsite", "new", "--city", "益阳市"],
                               cwd=empty_project, stdin=secondary, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    os.close(secondary)
    os.write(primary, "2024年5月27日\n".encode("utf-8"))
    out, err = process.communicate(timeout=60)
    os.close(primary)
    assert process.returncode == 0, err.decode()
    assert out.decode().splitlines()[0] == "bulletins/yiyang/2024-05-27-2.md"
    assert "这一期的日期" in err.decode()


def test_title_one_character_from_a_series_of_the_same_city(empty_project):
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", bulletin(1))
    write_bulletin(empty_project, "yiyang/2024-05-11-2.md", bulletin(2, "2024-05-11"))
    slip = TITLE.replace("督察", "督查")
    write_bulletin(empty_project, "yiyang/2024-05-12-3.md", bulletin(3, "2024-05-12", title=slip))
    result = run_cli("check", cwd=empty_project)
    assert result.code == 0
    assert err_lines(result)[0] == (
        f"bulletins/yiyang/2024-05-12-3.md:2: warning: 标题“{slip}”与同城市的系列“{TITLE}”"
        f"（2 期，如 bulletins/yiyang/2024-05-11-2.md）只差 1 个字，是否应为“{TITLE}”？ "
        f"(若是笔误，把 title 改为 {TITLE}；若确是另一个系列，在 briefsite.yaml 的 distinct_series 下列出这个标题)")
    assert run_cli("check", "--strict", cwd=empty_project).code == 1
    (empty_project / "briefsite.yaml").write_text(f"distinct_series:\n  - {slip}\n", encoding="utf-8")
    assert run_cli("check", "--strict", cwd=empty_project).code == 0


def test_heading_marker_without_its_space_is_read_as_a_heading_with_a_warning(empty_project):
    body = "##【县级动态】\n\n###沅江市开展专项整治\n\n正文。\n\n#hashtag stays text"
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", bulletin(1, body=body))
    result = run_cli("build", cwd=empty_project)
    assert result.code == 0, result.err
    assert err_lines(result) == [
        "bulletins/yiyang/2024-05-10-1.md:9: warning: 标题标记 ## 后缺少空格：“##【县级动态】” "
        "(写作“## 【县级动态】”（已按标题处理）)",
        "bulletins/yiyang/2024-05-10-1.md:11: warning: 标题标记 ### 后缺少空格：“###沅江市开展专项整治” "
        "(写作“### 沅江市开展专项整治”（已按标题处理）)"]
    page = (empty_project / "site/bulletins/yiyang/2024-05-10-1/index.html").read_text(encoding="utf-8")
    assert "##【" not in page and "###沅江" not in page
    assert "<h3" in page and "沅江市开展专项整治</" in page
    assert "#hashtag stays text" in page
    assert run_cli("check", "--strict", cwd=empty_project).code == 1


def test_bulletin_like_files_that_are_not_markdown_are_reported(empty_project):
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", bulletin(1))
    write_bulletin(empty_project, "yiyang/2024-05-11-2.txt", "益阳市……工作简报 第2期")
    write_bulletin(empty_project, "yiyang/益阳市督察简报第3期.docx", b"PK\x03\x04")
    write_bulletin(empty_project, "yiyang/2024-05-10-1.pdf", b"%PDF-1.7")  # the original beside its .md
    write_bulletin(empty_project, "yiyang/logo.png", b"\x89PNG")
    result = run_cli("check", cwd=empty_project)
    assert result.code == 0
    assert err_lines(result)[:2] == [
        "bulletins/yiyang/2024-05-11-2.txt: warning: 没有读取：只有 .md 文件才是简报，.txt 文件不会发布 "
        "(运行 .venv/bin/briefsite import bulletins/yiyang/2024-05-11-2.txt 把它转成简报文件，"
        "再把它移出 bulletins/（原件也可与生成的 .md 文件同名存放）)",
        "bulletins/yiyang/益阳市督察简报第3期.docx: warning: 没有读取：只有 .md 文件才是简报，.docx 文件不会发布 "
        "(运行 .venv/bin/briefsite import 'bulletins/yiyang/益阳市督察简报第3期.docx' 把它转成简报文件，"
        "再把它移出 bulletins/（原件也可与生成的 .md 文件同名存放）)"]
    assert len(err_lines(result)) == 2
    assert run_cli("check", "--strict", cwd=empty_project).code == 1


def test_city_without_its_suffix_names_the_city(empty_project):
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", bulletin(1))
    write_bulletin(empty_project, "yiyang/2024-05-11-2.md", bulletin(2, "2024-05-11", city="益阳"))
    result = run_cli("check", cwd=empty_project)
    assert result.code == 1
    assert err_lines(result)[0] == (
        "bulletins/yiyang/2024-05-11-2.md:6: error: city 写作“益阳”，是否应为“益阳市”？少了“市”字，"
        "它会被当作另一个城市 (写作 city: 益阳市)")
    assert "slug" not in result.err


def test_a_broken_series_member_gives_no_follow_on_gap_warning(empty_project):
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", bulletin(1))
    write_bulletin(empty_project, "yiyang/2024-05-11-2.md", bulletin(2, "2024年5月11日"))
    write_bulletin(empty_project, "yiyang/2024-05-12-3.md", bulletin(3, "2024-05-12"))
    result = run_cli("check", cwd=empty_project)
    assert result.code == 1
    assert err_lines(result) == [
        "bulletins/yiyang/2024-05-11-2.md:4: error: date '2024年5月11日' 不是规范的日期：应写成 YYYY-MM-DD (写作 2024-05-11)",
        "check 失败：1 个错误，0 个警告。"]


def test_yaml_tab_is_called_a_tab(empty_project):
    text = bulletin(1, extra="recipients:\n\treport:\n\t\t- 市委办公室\n")
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", text)
    result = run_cli("check", cwd=empty_project)
    assert result.code == 1
    assert err_lines(result)[0].startswith(
        "bulletins/yiyang/2024-05-10-1.md:8: error: 这一行用制表符（Tab）缩进，YAML 只认空格 (把行首的 Tab 换成空格")


def test_yaml_full_width_indent_at_its_own_line(empty_project):
    text = bulletin(1, extra="recipients:\n  report:\n　　- 市委办公室\n  cc:\n    - 省专班\n")
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", text)
    result = run_cli("check", cwd=empty_project)
    assert result.code == 1
    assert err_lines(result)[0].startswith(
        "bulletins/yiyang/2024-05-10-1.md:9: error: 这一行用全角空格（　）缩进，YAML 只认半角空格")


def test_yaml_colon_in_a_recipients_entry_at_its_own_line(empty_project):
    text = bulletin(1, extra="recipients:\n  report:\n    - 市委办公室\n    - 市专班: 张三\n")
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", text)
    result = run_cli("check", cwd=empty_project)
    assert result.code == 1
    assert err_lines(result)[0] == (
        "bulletins/yiyang/2024-05-10-1.md:10: error: recipients.report 的这一项“市专班: 张三”含英文冒号加空格，"
        "YAML 把它读成了键值对，而不是单位名称 (用引号括起来：- \"市专班: 张三\"，或改用中文冒号：- 市专班：张三)")


def test_yaml_colon_inside_a_value(empty_project):
    text = bulletin(1, extra="contact: 联系人: 张三: 电话\n")
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", text)
    result = run_cli("check", cwd=empty_project)
    assert result.code == 1
    assert err_lines(result)[0].startswith(
        "bulletins/yiyang/2024-05-10-1.md:7: error: 这一行的值中有英文冒号加空格（: ），YAML 把它当成了新的键")


REPO = Path(__file__).resolve().parent.parent


def _make_command(target: str) -> list[str]:
    """The briefsite command line a make target runs (make -n prints it)."""
    import shlex
    import subprocess

    printed = subprocess.run(["make", "-n", "-o", ".venv/.installed", target], cwd=REPO, capture_output=True,
                             text=True, check=True).stdout
    line = next(line for line in printed.splitlines() if "briefsite " in line and "pip" not in line)
    words = shlex.split(line)
    assert words[0].endswith("bin/briefsite"), line
    return [sys.executable, "-m", "briefsite", *words[1:]]


def _ci_check_command() -> list[str]:
    """What the publish workflow runs to check the archive."""
    workflow = (REPO / ".github/workflows/publish.yml").read_text(encoding="utf-8")
    steps = workflow.split("- name: ")
    step = next(s for s in steps if s.startswith("Check the archive"))
    run = step.split("run:", 1)[1].strip().splitlines()[0].strip()
    if run.startswith("make "):
        return _make_command(run.split()[1])
    import shlex
    words = shlex.split(run)
    return [sys.executable, "-m", "briefsite", *words[1:]]


def test_make_site_and_ci_agree_on_what_they_reject(empty_project):
    import subprocess

    site, ci = _make_command("site"), _ci_check_command()
    assert "--strict" in site and "--strict" in ci
    cases = {
        "clean": ("yiyang/2024-05-10-1.md", bulletin(1)),
        "folder": ("changsha/2024-05-10-1.md", bulletin(1)),  # a warning: wrong city folder
        "gap": ("yiyang/2024-05-12-3.md", bulletin(3, "2024-05-12")),  # a warning: issue 2 missing
        "error": ("yiyang/2024-05-11-2.md", bulletin(2, "2024年5月11日")),
    }
    outcomes = {}
    for name, (rel, text) in cases.items():
        root = empty_project.parent / f"agree-{name}"
        write_bulletin(root, "yiyang/2024-05-10-1.md", bulletin(1)) if name not in ("clean", "folder") else None
        write_bulletin(root, rel, text)
        codes = [subprocess.run(command, cwd=root, capture_output=True).returncode for command in (site, ci)]
        outcomes[name] = codes
    assert outcomes == {"clean": [0, 0], "folder": [1, 1], "gap": [1, 1], "error": [1, 1]}


def test_no_arguments_print_help_and_a_mistyped_command_gets_a_suggestion(empty_project):
    result = run_cli(cwd=empty_project)
    assert result.code == 0
    assert result.out.startswith("用法：briefsite")
    for command in ("build", "check", "serve", "import", "new"):
        assert command in result.out
    for lang in (("--lang", "en"), ("--lang=en",)):  # a language alone is still no command
        english = run_cli(*lang, cwd=empty_project)
        assert english.code == 0 and english.out.startswith("usage: briefsite"), english.err
    result = run_cli("biuld", cwd=empty_project)
    assert result.code == 2
    assert result.err == ("briefsite: error: 没有 biuld 这个命令；是否要运行 briefsite build？"
                          "（briefsite --help 列出全部命令）\n")
    result = run_cli("chekc", "--strict", cwd=empty_project)
    assert "是否要运行 briefsite check？" in result.err


def test_make_import_and_serve_exist():
    import subprocess

    assert _make_command("serve")[3] == "serve"
    missing = subprocess.run(["make", "-s", "-o", ".venv/.installed", "import"], cwd=REPO,
                             capture_output=True, text=True)
    assert missing.returncode != 0 and "make import FILE=" in missing.stderr
    command = subprocess.run(["make", "-n", "-o", ".venv/.installed", "import", "FILE=收到的 简报.txt",
                              "CITY=益阳市"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert '.venv/bin/briefsite import "收到的 简报.txt" --city "益阳市"' in command
