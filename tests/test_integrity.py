"""Archive integrity through the real command line: gaps, order, links to drafts."""

from __future__ import annotations

import datetime as dt

from conftest import minimal, run_cli, write_bulletin

from briefsite.content.archive import Archive, Neighbours
from briefsite.errors import Problems
from briefsite.content.integrity import check_draft_links, number_ranges
from briefsite.content.model import Bulletin


def bulletin(issue: int | None, date: str, *, total: int | None = None, draft: bool = False,
             body: str = "正文。", title: str = "益阳市配合中央生态环境保护督察工作简报") -> str:
    lines = ["---", f"title: {title}"]
    if issue is not None:
        lines.append(f"issue: {issue}")
    if total is not None:
        lines.append(f"total_issue: {total}")
    lines += [f"date: {date}", "issuer: 益阳市协调联络专班", "city: 益阳市"]
    if draft:
        lines.append("draft: true")
    lines += ["---", "", "### 标题", "", body, ""]
    return "\n".join(lines)


def check(project, *extra):
    return run_cli("check", *extra, cwd=project)


def test_repository_archive_passes_strict_check(project):
    result = check(project, "--strict")
    assert result.code == 0, result.err
    assert "没有错误，0 个警告" in result.out
    assert "warning" not in result.err


def test_gap_is_a_warning_naming_the_missing_numbers(empty_project):
    for n, date in ((1, "2024-05-01"), (2, "2024-05-02"), (5, "2024-05-05")):
        write_bulletin(empty_project, f"yiyang/{date}-{n}.md", minimal(n, date))
    result = check(empty_project)
    assert result.code == 0, result.err
    # Pointed at the issue after the gap, on its 'issue:' line (line 3).
    assert ("bulletins/yiyang/2024-05-05-5.md:3: warning: 系列 益阳市配合中央生态环境保护督察工作简报（益阳市）缺少第 3, 4 期，在第 2 期（bulletins/yiyang/2024-05-02-2.md）和第 5 期之间") in result.err
    assert "1 个警告" in result.out


def test_strict_turns_the_gap_into_a_failure(empty_project):
    for n in (1, 3):
        write_bulletin(empty_project, f"yiyang/2024-05-0{n}-{n}.md", minimal(n, f"2024-05-0{n}"))
    result = check(empty_project, "--strict")
    assert result.code == 1
    assert "缺少第 2 期" in result.err
    assert "check 失败：0 个错误，1 个警告。使用了 --strict，警告也算作错误。" in result.err
    assert result.out == ""


def test_long_gaps_are_shown_as_ranges():
    assert number_ranges([2, 3, 5, 6, 7, 8, 10]) == "2, 3, 5-8, 10"
    assert number_ranges([4]) == "4"


def test_numbering_restarting_each_year_is_per_year(empty_project):
    # 2023: 1-3, 2024: 1 and 3. The restart shows the numbering is per year,
    # so only 2 of 2024 is missing (and 2023 -> 2024 is no inversion).
    for n in (1, 2, 3):
        write_bulletin(empty_project, f"yiyang/2023-06-0{n}-{n}.md", bulletin(n, f"2023-06-0{n}"))
    for n in (1, 3):
        write_bulletin(empty_project, f"yiyang/2024-05-0{n}-{n}.md", bulletin(n, f"2024-05-0{n}"))
    result = check(empty_project)
    assert result.code == 0, result.err
    assert result.err.count("warning") == 1, result.err
    assert "bulletins/yiyang/2024-05-03-3.md:3: warning: 系列 益阳市配合中央生态环境保护督察工作简报（益阳市）缺少 2024 年第 2 期" in result.err


def test_later_year_of_a_per_year_series_starts_at_one(empty_project):
    for n in (1, 2):
        write_bulletin(empty_project, f"yiyang/2023-06-0{n}-{n}.md", bulletin(n, f"2023-06-0{n}"))
    for n in (2, 3):
        write_bulletin(empty_project, f"yiyang/2024-05-0{n}-{n}.md", bulletin(n, f"2024-05-0{n}"))
    result = check(empty_project)
    assert "bulletins/yiyang/2024-05-02-2.md:3: warning: 系列 益阳市配合中央生态环境保护督察工作简报（益阳市）缺少 2024 年第 1 期" in result.err
    assert "在 2024 年的第一期即第 2 期之前" in result.err


def test_total_issue_marks_per_year_numbering(empty_project):
    # 2024年第3期（总第10期）: the first year the archive holds may start mid-series.
    write_bulletin(empty_project, "yiyang/2024-05-03-3.md", bulletin(3, "2024-05-03", total=10))
    write_bulletin(empty_project, "yiyang/2024-05-05-5.md", bulletin(5, "2024-05-05", total=12))
    result = check(empty_project)
    assert result.err.count("warning") == 1, result.err
    assert "缺少 2024 年第 4 期" in result.err


def test_continuous_numbering_runs_across_years(empty_project):
    write_bulletin(empty_project, "yiyang/2023-12-20-1.md", bulletin(1, "2023-12-20"))
    write_bulletin(empty_project, "yiyang/2023-12-28-2.md", bulletin(2, "2023-12-28"))
    write_bulletin(empty_project, "yiyang/2024-01-05-4.md", bulletin(4, "2024-01-05"))
    result = check(empty_project)
    assert "bulletins/yiyang/2024-01-05-4.md:3: warning: 系列 益阳市配合中央生态环境保护督察工作简报（益阳市）缺少第 3 期" in result.err
    assert " of 2024" not in result.err


def test_issues_of_different_series_are_counted_apart(empty_project):
    write_bulletin(empty_project, "yiyang/a-1.md", bulletin(1, "2024-05-01"))
    write_bulletin(empty_project, "yiyang/b-3.md", bulletin(3, "2024-05-03", title="另一份简报"))
    result = check(empty_project, "--strict")
    assert result.code == 0, result.err


def test_a_draft_in_the_gap_is_named(empty_project):
    write_bulletin(empty_project, "yiyang/2024-05-01-1.md", bulletin(1, "2024-05-01"))
    write_bulletin(empty_project, "yiyang/2024-05-02-2.md", bulletin(2, "2024-05-02", draft=True))
    write_bulletin(empty_project, "yiyang/2024-05-03-3.md", bulletin(3, "2024-05-03"))
    result = check(empty_project)
    assert ("缺少第 2 期" in result.err
            and "bulletins/yiyang/2024-05-02-2.md（第 2 期）还是草稿" in result.err), result.err


def test_a_draft_after_the_last_issue_is_no_gap(empty_project):
    write_bulletin(empty_project, "yiyang/2024-05-01-1.md", bulletin(1, "2024-05-01"))
    write_bulletin(empty_project, "yiyang/2024-05-03-3.md", bulletin(3, "2024-05-03", draft=True))
    result = check(empty_project, "--strict")
    assert result.code == 0, result.err


def test_issue_up_date_down_is_a_warning(empty_project):
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", bulletin(1, "2024-05-10"))
    write_bulletin(empty_project, "yiyang/2024-05-08-2.md", bulletin(2, "2024-05-08"))
    result = check(empty_project)
    assert result.code == 0
    # On the 'date:' line (4) of the later-numbered, earlier-dated file.
    assert ("bulletins/yiyang/2024-05-08-2.md:4: warning: 第2期的日期 2024-05-08 早于第1期（bulletins/yiyang/2024-05-10-1.md，2024-05-10）") in result.err
    assert check(empty_project, "--strict").code == 1


def test_total_issue_inversion_across_a_year_is_caught(empty_project):
    write_bulletin(empty_project, "yiyang/2024-01-03-1.md", bulletin(1, "2024-01-03", total=8))
    write_bulletin(empty_project, "yiyang/2023-12-30-9.md", bulletin(9, "2023-12-30", total=9))
    result = check(empty_project)
    assert "bulletins/yiyang/2023-12-30-9.md:5: warning: 总第9期的日期 2023-12-30 早于总第8期" \
        in result.err, result.err


def test_same_date_two_issues_is_fine(empty_project):
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", bulletin(1, "2024-05-10"))
    write_bulletin(empty_project, "yiyang/2024-05-10-2.md", bulletin(2, "2024-05-10"))
    assert check(empty_project, "--strict").code == 0


def test_duplicate_issue_is_one_error_and_no_noise(empty_project):
    write_bulletin(empty_project, "yiyang/a.md", bulletin(1, "2024-05-10"))
    write_bulletin(empty_project, "yiyang/b.md", bulletin(1, "2024-05-11"))
    result = check(empty_project)
    assert result.code == 1
    assert result.err.count("error:") == 1, result.err
    assert "重复" in result.err
    assert "warning:" not in result.err


def test_published_page_linking_to_a_draft_page_is_an_error(empty_project):
    write_bulletin(empty_project, "yiyang/2024-05-11-2.md", bulletin(2, "2024-05-11", draft=True))
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md",
                   bulletin(1, "2024-05-10", body="另见[下一期](../2024-05-11-2/)。"))
    result = check(empty_project)
    assert result.code == 1
    # The body link sits on line 11 of the file.
    assert ("bulletins/yiyang/2024-05-10-1.md:11: error: 链接到 ../2024-05-11-2/，即未发布的草稿 "
            "bulletins/yiyang/2024-05-11-2.md") in result.err
    assert "删去“draft: true”" in result.err


def test_link_to_a_draft_file_is_an_error_and_build_keeps_the_old_site(empty_project):
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", bulletin(1, "2024-05-10"))
    assert run_cli("build", cwd=empty_project).code == 0
    before = (empty_project / "site" / "index.html").read_bytes()
    write_bulletin(empty_project, "yiyang/2024-05-11-2.md", bulletin(2, "2024-05-11", draft=True))
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md",
                   bulletin(1, "2024-05-10", body="见[第2期](2024-05-11-2.md)。"))
    result = run_cli("build", cwd=empty_project)
    assert result.code == 1
    assert "2024-05-10-1.md:11: error: 链接到 2024-05-11-2.md" in result.err
    assert (empty_project / "site" / "index.html").read_bytes() == before


def test_links_to_published_pages_and_outside_are_fine(empty_project):
    write_bulletin(empty_project, "yiyang/2024-05-11-2.md", bulletin(2, "2024-05-11"))
    write_bulletin(empty_project, "yiyang/2024-05-12-3.md", bulletin(3, "2024-05-12", draft=True))
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", bulletin(
        1, "2024-05-10", body="[第2期](../2024-05-11-2/) [外](https://example.org/2024-05-12-3/)"))
    result = check(empty_project, "--strict")
    assert result.code == 0, result.err


def _record(name: str, issue: int, *, draft: bool = False) -> Bulletin:
    return Bulletin(source=f"bulletins/yiyang/{name}.md", name=name, title="简报",
                    date=dt.date(2024, 5, issue), issuer="专班", city="益阳市", city_slug="yiyang",
                    url=f"bulletins/yiyang/{name}/", issue=issue, draft=draft)


def test_previous_next_pointing_at_a_draft_is_an_error():
    # The archive links only published issues; this guards that rule, should
    # the neighbour logic ever change.
    one, two = _record("a", 1), _record("b", 2, draft=True)
    archive = Archive(bulletins=(one,), cities=(), years=(), drafts=(two,),
                      neighbours={one.url: Neighbours(None, two)})
    problems = Problems()
    check_draft_links(archive, problems)
    assert [p.format() for p in problems.errors] == [
        "bulletins/yiyang/a.md: error: 它的“下一期”链接会指向草稿 bulletins/yiyang/b.md (发布该草稿（删去“draft: true”），或让这两期分属不同系列)"]
