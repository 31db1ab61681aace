"""Progress of a long build: one line per stage in a log, a bar on a terminal."""

from __future__ import annotations

import io
import re

import pytest

from conftest import minimal, run_cli, write_bulletin

from briefsite import i18n
from briefsite.progress import Progress


def test_a_build_in_a_log_prints_one_line_per_stage(empty_project):
    for n in range(1, 4):
        write_bulletin(empty_project, f"yiyang/2024-05-1{n}-{n}.md", minimal(n, f"2024-05-1{n}"))
    # BRIEFSITE_PROGRESS_AFTER=0: as if the build had already run its second.
    result = run_cli("build", cwd=empty_project, env={"BRIEFSITE_PROGRESS_AFTER": "0"})
    assert result.code == 0, result.err
    lines = result.err.splitlines()
    assert re.fullmatch(r"读取简报：3 期，\d+\.\d s", lines[0]), lines
    assert re.fullmatch(r"生成页面：\d+ 个文件，\d+\.\d s", lines[1]), lines
    assert re.fullmatch(r"建立检索索引：\d+ 个文件，\d+\.\d s", lines[2]), lines
    assert "\r" not in result.err  # no bar in a log
    quick = run_cli("build", "--no-cache", cwd=empty_project, env={"BRIEFSITE_PROGRESS_AFTER": "60"})
    assert quick.code == 0 and quick.err == ""  # a short build prints only its summary


def test_on_a_terminal_a_stage_is_a_bar():
    stream = io.StringIO()
    progress = Progress(stream, after=0, terminal=True)
    with progress.stage("读取简报", 200, i18n.Nn_("bulletin", "bulletins")) as stage:
        for _ in range(200):
            stage.advance()
    shown = stream.getvalue()
    assert "读取简报" in shown and "200/200" in shown and "\r" in shown


@pytest.mark.parametrize(("language", "count", "expected"), [
    (i18n.CHINESE, 1, r"读取简报：1 期，\d+\.\d s"),
    (i18n.ENGLISH, 1, r"reading bulletins: 1 bulletin, \d+\.\d s"),
    (i18n.ENGLISH, 3, r"reading bulletins: 3 bulletins, \d+\.\d s"),
])
def test_a_stage_line_is_in_the_chosen_language(language, count, expected):
    stream = io.StringIO()
    with i18n.using(language):
        progress = Progress(stream, after=0, terminal=False)
        with progress.stage(i18n._("reading bulletins"), count, i18n.Nn_("bulletin", "bulletins")) as stage:
            stage.advance(count)
    assert re.fullmatch(expected, stream.getvalue().strip()), stream.getvalue()
