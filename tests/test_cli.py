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
    assert re.fullmatch(r"checked 2 bulletins \(0 drafts\), \d+ pages in \d+\.\d\d s: "
                        r"no errors, 0 warnings\n", result.out)
    result = run_cli("build", cwd=empty_project)
    assert result.code == 0, result.err
    assert re.match(r"built 2 bulletins \(0 drafts skipped\), \d+ pages in \d+\.\d\d s", result.out)
    assert len(lines_of(result.out)) == 1
    assert (empty_project / "site/bulletins/yiyang/2024-05-11-2/index.html").is_file()


# (file, content, expected message line) — one per bad input of the contract.
BAD_INPUTS = {
    "missing required key": (
        "yiyang/missing.md",
        "---\ntitle: 简报\ndate: 2024-05-10\ncity: 益阳市\n---\n\n正文。\n",
        "bulletins/yiyang/missing.md:1: error: missing required key 'issuer' "
        "(add a line 'issuer: …' to the front-matter)"),
    "mistyped required key": (
        "yiyang/typo.md",
        "---\ntitle: 简报\ndate: 2024-05-10\nisuer: 专班\ncity: 益阳市\n---\n\n正文。\n",
        "bulletins/yiyang/typo.md:4: error: unknown key 'isuer'; did you mean 'issuer'?"),
    "required key of the wrong type": (
        "yiyang/list-title.md",
        "---\ntitle: [简报, 二]\ndate: 2024-05-10\nissuer: 专班\ncity: 益阳市\n---\n\n正文。\n",
        "bulletins/yiyang/list-title.md:2: error: title must be text, not a list"),
    "date not ISO": (
        "yiyang/date.md",
        "---\ntitle: 简报\ndate: 2024年5月10日\nissuer: 专班\ncity: 益阳市\n---\n\n正文。\n",
        "bulletins/yiyang/date.md:3: error: date '2024年5月10日' is not an ISO date: "
        "the expected form is YYYY-MM-DD (write 2024-05-10)"),
    "date with slashes": (
        "yiyang/slash.md",
        "---\ntitle: 简报\ndate: 2024/5/10\nissuer: 专班\ncity: 益阳市\n---\n\n正文。\n",
        "bulletins/yiyang/slash.md:3: error: date '2024/5/10' is not an ISO date: "
        "the expected form is YYYY-MM-DD (write 2024-05-10)"),
    "impossible date": (
        "yiyang/feb30.md",
        "---\ntitle: 简报\ndate: '2024-02-30'\nissuer: 专班\ncity: 益阳市\n---\n\n正文。\n",
        "bulletins/yiyang/feb30.md:3: error: date 2024-02-30 is not a real date"),
    "malformed YAML": (
        "yiyang/yaml.md",
        "---\ntitle: 简报\ndate: 2024-05-10\nissuer: 专班: 联络组\ncity: 益阳市\n---\n\n正文。\n",
        "bulletins/yiyang/yaml.md:4: error: 这一行的值中有英文冒号加空格（: ），YAML 把它当成了新的键："
        "issuer: 专班: 联络组 (把整个值用引号括起来，如 issuer: \"专班: 联络组\"，或改用中文冒号“：”)"),
    "unclosed quote": (
        "yiyang/quote.md",
        "---\ntitle: 简报\ndate: 2024-05-10\nissuer: \"专班\ncity: 益阳市\n---\n\n正文。\n",
        "bulletins/yiyang/quote.md:4: error: malformed YAML in front-matter: "
        "while scanning a quoted scalar; found unexpected end of stream"),
    "non-integer issue": (
        "yiyang/issue.md",
        "---\ntitle: 简报\nissue: 第3期\ndate: 2024-05-10\nissuer: 专班\ncity: 益阳市\n---\n\n正文。\n",
        "bulletins/yiyang/issue.md:3: error: issue must be a whole number, not '第3期' "
        "(write only the number, e.g. 第3期 is 3; leave the key out if there is none)"),
    "zero total_issue": (
        "yiyang/total.md",
        "---\ntitle: 简报\ntotal_issue: 0\ndate: 2024-05-10\nissuer: 专班\ncity: 益阳市\n---\n\n正文。\n",
        "bulletins/yiyang/total.md:3: error: total_issue must be a whole number from 1 to 1000000, not 0"),
    "empty file": (
        "yiyang/empty.md", "",
        "bulletins/yiyang/empty.md:1: error: file is empty "
        "(add the front-matter and the bulletin text, or delete the file)"),
    "empty body": (
        "yiyang/nobody.md",
        "---\ntitle: 简报\ndate: 2024-05-10\nissuer: 专班\ncity: 益阳市\n---\n\n  \n",
        "bulletins/yiyang/nobody.md:6: error: the bulletin has no text after the front-matter "
        "(paste the bulletin's text below the closing '---')"),
    "no front-matter": (
        "yiyang/plain.md", "益阳市配合中央生态环境保护督察工作简报\n\n正文。\n",
        "bulletins/yiyang/plain.md:1: error: no front-matter found"),
    "unclosed front-matter": (
        "yiyang/open.md", "---\ntitle: 简报\n\n正文。\n",
        "bulletins/yiyang/open.md:1: error: front-matter is not closed"),
    "unknown key": (
        "yiyang/unknown.md",
        "---\ntitle: 简报\ndate: 2024-05-10\nissuer: 专班\ncity: 益阳市\ndoc_numbr: 益简字【2022】42号\n---\n\n正文。\n",
        "bulletins/yiyang/unknown.md:6: error: unknown key 'doc_numbr'; did you mean 'doc_number'?"),
    "unknown recipients key": (
        "yiyang/rcpt.md",
        "---\ntitle: 简报\ndate: 2024-05-10\nissuer: 专班\ncity: 益阳市\nrecipients:\n  sned:\n    - 市委\n---\n\n正文。\n",
        "bulletins/yiyang/rcpt.md:7: error: unknown recipients key 'sned'; did you mean 'send'?"),
    "draft not a boolean": (
        "yiyang/draft.md",
        "---\ntitle: 简报\ndate: 2024-05-10\nissuer: 专班\ncity: 益阳市\ndraft: maybe\n---\n\n正文。\n",
        "bulletins/yiyang/draft.md:6: error: draft must be true or false, not 'maybe'"),
    "printed not ISO": (
        "yiyang/printed.md",
        "---\ntitle: 简报\ndate: 2024-05-10\nissuer: 专班\ncity: 益阳市\nprinted: 5月10日\n---\n\n正文。\n",
        "bulletins/yiyang/printed.md:6: error: printed '5月10日' is not an ISO date: "
        "the expected form is YYYY-MM-DD"),
    "name with a space": (
        "yiyang/my bulletin.md", GOOD.format(issue=7),
        "bulletins/yiyang/my bulletin.md:1: error: file name 'my bulletin.md' cannot be part of a URL"),
    "Chinese name": (
        "yiyang/第7期.md", GOOD.format(issue=7),
        "bulletins/yiyang/第7期.md:1: error: file name '第7期.md' cannot be part of a URL"),
    "YAML alias": (
        "yiyang/alias.md",
        "---\ntitle: &t 简报\ndate: 2024-05-10\nissuer: *t\ncity: 益阳市\n---\n\n正文。\n",
        "bulletins/yiyang/alias.md:2: error: YAML anchors and aliases (&name, *name) are not allowed"),
    "duplicate key": (
        "yiyang/twice.md",
        "---\ntitle: 简报\ndate: 2024-05-10\nissuer: 专班\ntitle: 简报二\ncity: 益阳市\n---\n\n正文。\n",
        "bulletins/yiyang/twice.md:5: error: key 'title' appears twice (first on line 2)"),
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
        assert re.fullmatch(rf"{command} failed: \d+ errors, \d+ warnings"
                            + ("; the previous site is unchanged" if command == "build" else ""), last)
    assert not (empty_project / "site").exists()


def test_gbk_file_names_the_encoding_and_how_to_convert(empty_project):
    text = "---\ntitle: 简报\ndate: 2024-05-10\nissuer: 专班\ncity: 益阳市\n---\n\n正文。\n"
    write_bulletin(empty_project, "yiyang/gbk.md", text.encode("gbk"))
    result = check(empty_project)
    assert result.code == 1
    assert ("bulletins/yiyang/gbk.md:2: error: file is not UTF-8; it looks like GBK "
            "(convert it with: iconv -f GBK -t UTF-8 bulletins/yiyang/gbk.md > "
            "bulletins/yiyang/gbk.md.utf8 && mv bulletins/yiyang/gbk.md.utf8 bulletins/yiyang/gbk.md"
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
    assert lines_of(result.err)[-1] == "build failed: 9 errors, 0 warnings; the previous site is unchanged"


def test_one_file_with_several_problems_reports_them_all(empty_project):
    write_bulletin(empty_project, "yiyang/many.md",
                   "---\ntitle: 简报\nissue: x\ndate: 2024.5.10\nissuer: 专班\nciti: 益阳市\n---\n\n正文。\n")
    result = check(empty_project)
    assert result.code == 1
    assert lines_of(result.err)[:4] == [
        "bulletins/yiyang/many.md:1: error: missing required key 'city' "
        "(add a line 'city: …' to the front-matter)",
        "bulletins/yiyang/many.md:3: error: issue must be a whole number, not 'x' "
        "(write only the number, e.g. 第3期 is 3; leave the key out if there is none)",
        "bulletins/yiyang/many.md:4: error: date '2024.5.10' is not an ISO date: "
        "the expected form is YYYY-MM-DD (write 2024-05-10)",
        "bulletins/yiyang/many.md:6: error: unknown key 'citi'; did you mean 'city'? "
        "(known keys: title, date, issuer, city, issue, total_issue, recipients, doc_number, "
        "printed, printed_by, contact, draft)",
    ]


def test_yaml_error_line_counts_blank_lines_after_the_opening(empty_project):
    write_bulletin(empty_project, "yiyang/blank.md",
                   "---\n\n\ntitle: 简报\ndate: 2024-05-10\nissuer: [专班\ncity: 益阳市\n---\n\n正文。\n")
    result = check(empty_project)
    assert result.code == 1
    assert lines_of(result.err)[0].startswith("bulletins/yiyang/blank.md:6: error: malformed YAML")


def test_two_bulletins_claiming_the_same_series_and_issue(empty_project):
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", GOOD.format(issue=1))
    write_bulletin(empty_project, "yiyang/2024-06-01-1.md", GOOD.format(issue=1).replace("2024-05-10", "2024-06-01"))
    result = check(empty_project)
    assert result.code == 1
    assert lines_of(result.err)[0] == (
        "bulletins/yiyang/2024-06-01-1.md:3: error: issue 1 of 2024 in series "
        "益阳市配合中央生态环境保护督察工作简报 (益阳市) is also claimed by "
        "bulletins/yiyang/2024-05-10-1.md:3 (correct the issue number of one of them)")
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
    assert "bulletins/yiyang/b.md:4: error: 总第5期 (total_issue 5) of series" in result.err
    assert "is also claimed by bulletins/yiyang/a.md:4" in result.err


def test_two_files_writing_the_same_url_from_different_folders(empty_project):
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", GOOD.format(issue=1))
    write_bulletin(empty_project, "misc/2024-05-10-1.md", GOOD.format(issue=2).replace("issue: 2\n", ""))
    result = check(empty_project)
    assert result.code == 1
    assert ("bulletins/yiyang/2024-05-10-1.md:1: error: would be written to the same URL "
            "bulletins/yiyang/2024-05-10-1/ as bulletins/misc/2024-05-10-1.md (rename one of the files)"
            ) in result.err
    # The misplaced file is also told where it belongs.
    assert ("bulletins/misc/2024-05-10-1.md:5: warning: file is in folder 'misc', but city 益阳市 "
            "has the slug 'yiyang': its page is published under bulletins/yiyang/ "
            "(move it to bulletins/yiyang/2024-05-10-1.md") in result.err


def test_two_file_names_differing_only_in_case(empty_project):
    write_bulletin(empty_project, "yiyang/report.md", GOOD.format(issue=1))
    write_bulletin(empty_project, "yiyang/Report.md", GOOD.format(issue=2))
    result = check(empty_project)
    assert result.code == 1
    assert ("bulletins/yiyang/report.md:1: error: would be written to bulletins/yiyang/report/, "
            "which differs only in case from bulletins/yiyang/Report/ of bulletins/yiyang/Report.md"
            ) in result.err


def test_two_cities_sharing_a_slug(empty_project):
    (empty_project / "briefsite.yaml").write_text("cities:\n  永州市: yiyang\n", encoding="utf-8")
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", GOOD.format(issue=1))
    write_bulletin(empty_project, "yiyang/2024-05-11-1.md",
                   GOOD.format(issue=1).replace("益阳市", "永州市").replace("2024-05-10", "2024-05-11"))
    result = check(empty_project)
    assert result.code == 1
    assert ("bulletins/yiyang/2024-05-11-1.md:6: error: cities 永州市 and 益阳市 "
            "(bulletins/yiyang/2024-05-10-1.md) share the URL slug 'yiyang': their pages would be mixed "
            "(give one of them its own slug under cities: in briefsite.yaml)") in result.err


def test_symlink_leaving_the_source_folder_is_refused(empty_project, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    (outside / "secret.md").write_text(GOOD.format(issue=2), encoding="utf-8")
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", GOOD.format(issue=1))
    os.symlink(outside / "secret.md", empty_project / "bulletins/yiyang/secret.md")
    os.symlink(outside, empty_project / "bulletins/linked")
    result = run_cli("build", cwd=empty_project)
    assert result.code == 1
    assert (f"bulletins/yiyang/secret.md:1: error: symlink points outside the source folder "
            f"(to {outside / 'secret.md'})") in result.err
    assert f"bulletins/linked: error: symlink points outside the source folder (to {outside})" in result.err
    assert not (empty_project / "site").exists()


def test_symlink_inside_the_source_folder_is_read(empty_project):
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", GOOD.format(issue=1))
    (empty_project / "shared").mkdir()
    os.symlink(empty_project / "bulletins/yiyang/2024-05-10-1.md",
               empty_project / "bulletins/yiyang/alias.md")
    result = check(empty_project)
    # Read, and then found to claim the same issue: nothing is skipped silently.
    assert result.code == 1
    assert "bulletins/yiyang/alias.md:3: error: issue 1 of 2024" in result.err


def test_markdown_files_with_another_extension_are_reported(empty_project):
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", GOOD.format(issue=1))
    write_bulletin(empty_project, "yiyang/2024-05-11-2.MD", GOOD.format(issue=2))
    write_bulletin(empty_project, "yiyang/notes.txt", "not a bulletin")
    write_bulletin(empty_project, "yiyang/.#2024-05-10-1.md", "editor lock file")
    result = check(empty_project)
    assert result.code == 0, result.err
    assert lines_of(result.err) == [
        "bulletins/yiyang/2024-05-11-2.MD: warning: not read: only files ending in '.md' are bulletins "
        "(rename it to 2024-05-11-2.md)"]
    assert "no errors, 1 warnings" in result.out
    strict = check(empty_project, "--strict")
    assert strict.code == 1
    assert lines_of(strict.err)[-1] == "check failed: 0 errors, 1 warnings (--strict: warnings count as errors)"


def test_missing_source_folder(tmp_path):
    result = run_cli("build", "--source", "nowhere", cwd=tmp_path)
    assert result.code == 1
    assert "nowhere: error: source folder not found (check --source, or create bulletins/)" in result.err


CONFIG_ERRORS = {
    "unknown key": ("titel: 档案\n", "briefsite.yaml:1: error: unknown config key 'titel'; did you mean 'title'?"),
    "malformed YAML": ("title: [档案\n", "briefsite.yaml:2: error: malformed YAML"),
    "bad slug": ("cities:\n  益阳市: YiYang\n",
                 "briefsite.yaml:2: error: city slug 'YiYang' for 益阳市 is not a URL slug "
                 "(use lowercase ASCII letters, digits and '-', e.g. yiyang)"),
    "slug twice": ("cities:\n  益阳市: yiyang\n  永州市: yiyang\n",
                   "briefsite.yaml:3: error: cities 益阳市 and 永州市 are both mapped to 'yiyang'"),
    "base_url": ("base_url: example.org\n", "briefsite.yaml:1: error: base_url 'example.org' is not an http(s) URL"),
    "templates": ("title: 档案\ntemplates: my-theme\n",
                  "briefsite.yaml:2: error: templates folder my-theme does not exist"),
    "not a mapping": ("- title\n", "briefsite.yaml:1: error: config must be a mapping of keys to values"),
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
    assert "other.yaml: error: config file not found" in result.err
