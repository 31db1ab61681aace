"""Titles one or two characters apart (content/integrity.py): a slip is
warned about, two publications of one office are not."""

from __future__ import annotations

import pytest

from briefsite.content.integrity import differ_by_kind_or_number
from conftest import run_cli, write_bulletin

TITLE = "益阳市配合中央生态环境保护督察工作简报"


def bulletin(issue: int, date: str, title: str) -> str:
    return (f"---\ntitle: {title}\nissue: {issue}\ndate: {date}\n"
            f"issuer: 益阳市配合中央生态环境保护督察协调联络专班\ncity: 益阳市\n---\n\n### 标题\n\n正文。\n")


@pytest.mark.parametrize("a, b", [
    (TITLE, TITLE.replace("简报", "专报")),
    (TITLE, TITLE.replace("简报", "快报")),
    ("益阳市第一督察组工作简报", "益阳市第二督察组工作简报"),
    ("2024年益阳市督察工作简报", "2025年益阳市督察工作简报"),
])
def test_two_publications_are_not_a_slip(empty_project, a: str, b: str):
    assert differ_by_kind_or_number(a, b)
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", bulletin(1, "2024-05-10", a))
    write_bulletin(empty_project, "yiyang/2024-05-11-2.md", bulletin(2, "2024-05-11", a))
    write_bulletin(empty_project, "yiyang/2024-05-12-1.md", bulletin(1, "2024-05-12", b))
    result = run_cli("check", "--strict", cwd=empty_project)
    assert result.code == 0, result.err


@pytest.mark.parametrize("slip", [TITLE.replace("督察", "督查"), TITLE.replace("生态", "声态"),
                                  TITLE.replace("简报", "简极")])
def test_a_slip_is_still_named(empty_project, slip: str):
    assert not differ_by_kind_or_number(TITLE, slip)
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", bulletin(1, "2024-05-10", TITLE))
    write_bulletin(empty_project, "yiyang/2024-05-11-2.md", bulletin(2, "2024-05-11", TITLE))
    write_bulletin(empty_project, "yiyang/2024-05-12-3.md", bulletin(3, "2024-05-12", slip))
    result = run_cli("check", "--strict", cwd=empty_project)
    assert result.code == 1
    assert f"bulletins/yiyang/2024-05-12-3.md:2: warning:" in result.err and TITLE in result.err
