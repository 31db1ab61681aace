"""Messages in the editor's language: the catalogue is complete and current,
the language is chosen as documented, and it reaches worker processes, the
parse cache and argparse's own words."""

from __future__ import annotations

import io
import re

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from briefsite import i18n
from briefsite.build import workers
from conftest import ROOT, run_cli, write_bulletin

PO = ROOT / "src/briefsite/locale/zh_CN/LC_MESSAGES/briefsite.po"
MO = PO.with_suffix(".mo")
TITLE = "益阳市配合中央生态环境保护督察工作简报"


def read_catalogue(path):
    with open(path, "rb") as file:
        return read_po(file)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """Every message in the source, extracted as `make messages` does."""
    pot = tmp_path_factory.mktemp("messages") / "briefsite.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(ROOT / "pyproject.toml"),
                                "-o", str(pot), str(ROOT / "src/briefsite"), str(ROOT / "templates")])
    return read_catalogue(pot)


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w*)[^{}]*\}", text))


def test_every_message_has_a_chinese_translation(extracted):
    catalogue = read_catalogue(PO)
    assert len(extracted) > 100  # the extraction did find the messages
    problems = []
    for message in extracted:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        where = ", ".join(f"{path}:{line}" for path, line in message.locations[:2])
        translated = catalogue.get(message.id)
        if translated is None:
            problems.append(f"not in the catalogue (run make messages): {ids[0]!r} ({where})")
            continue
        strings = translated.string if isinstance(translated.string, tuple) else (translated.string,)
        if not all(strings):
            problems.append(f"untranslated: {ids[0]!r} ({where})")
        elif translated.fuzzy:
            problems.append(f"fuzzy (check the translation, then remove the flag): {ids[0]!r}")
        elif any(_placeholders(s) != _placeholders(ids[0]) for s in strings):
            problems.append(f"placeholders differ: {ids[0]!r} -> {strings[0]!r}")
    assert not problems, "\n".join(problems)


def test_catalogue_has_no_obsolete_or_stray_entries(extracted):
    catalogue = read_catalogue(PO)
    assert not catalogue.obsolete, f"obsolete entries (run make messages): {list(catalogue.obsolete)}"
    stray = [m.id for m in catalogue if m.id and extracted.get(m.id) is None]
    assert not stray, f"entries no longer in the source (run make messages): {stray}"
    assert not [error for _message, errors in catalogue.check() for error in errors]


def test_shipped_mo_is_compiled_from_the_po():
    compiled = io.BytesIO()
    write_mo(compiled, read_catalogue(PO))
    assert MO.read_bytes() == compiled.getvalue(), "the .mo is stale: run make messages"


@pytest.mark.parametrize(("environ", "expected"), [
    ({}, i18n.CHINESE),
    ({"LANG": "C"}, i18n.CHINESE),
    ({"LANG": "POSIX"}, i18n.CHINESE),
    ({"LANG": "C.UTF-8"}, i18n.CHINESE),
    ({"LANG": "en_US.UTF-8"}, i18n.ENGLISH),
    ({"LANG": "zh_CN.UTF-8"}, i18n.CHINESE),
    ({"LANG": "fr_FR.UTF-8"}, i18n.CHINESE),
    ({"LC_MESSAGES": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}, i18n.ENGLISH),
    ({"LC_ALL": "zh_CN.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, i18n.CHINESE),
    ({"LANGUAGE": "en", "LC_ALL": "zh_CN.UTF-8"}, i18n.ENGLISH),
    ({"LANGUAGE": "fr:en", "LANG": "C"}, i18n.ENGLISH),
    ({"LANGUAGE": "", "LANG": "en_US"}, i18n.ENGLISH),
])
def test_language_follows_the_locale_in_gettext_order(environ, expected):
    assert i18n.choose(None, environ) == expected


def test_lang_option_wins_over_the_locale():
    assert i18n.choose("en", {"LANG": "zh_CN.UTF-8"}) == i18n.ENGLISH
    assert i18n.choose("zh", {"LANG": "en_US.UTF-8"}) == i18n.CHINESE


def test_messages_are_chinese_by_default_and_english_on_request():
    assert i18n._("file is empty") == "文件是空的"
    with i18n.using(i18n.ENGLISH):
        assert i18n._("file is empty") == "file is empty"
        assert i18n.ngettext("{count} error; nothing was written", "{count} errors; nothing was written",
                             2) == "{count} errors; nothing was written"
    assert i18n._("file is empty") == "文件是空的"


def _message_in_worker(chunk: list) -> list:
    return [i18n._("file is empty") for _item in chunk]


@pytest.mark.parametrize(("language", "expected"), [(i18n.CHINESE, "文件是空的"), (i18n.ENGLISH, "file is empty")])
def test_worker_processes_speak_the_chosen_language(language, expected):
    with i18n.using(language):
        made = list(workers.iter_chunks(_message_in_worker, list(range(8)), 2, chunk=1))
    assert made == [expected] * 8


def test_parse_cache_never_returns_a_warning_in_another_language(empty_project):
    body = "##【县级动态】\n\n正文。"
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md",
                   f"---\ntitle: {TITLE}\nissue: 1\ndate: 2024-05-10\nissuer: 专班\ncity: 益阳市\n---\n\n{body}\n")
    chinese, english = "标题标记 ## 后缺少空格", "no space after the heading marks ##"
    first = run_cli("build", "--no-search", cwd=empty_project)
    assert first.code == 0 and chinese in first.err, first.err
    second = run_cli("build", "--no-search", "--lang", "en", cwd=empty_project)
    assert second.code == 0 and english in second.err and chinese not in second.err, second.err
    third = run_cli("build", "--no-search", cwd=empty_project)  # nothing changed: the recorded warnings
    assert third.code == 0 and chinese in third.err and english not in third.err, third.err
    fourth = run_cli("build", "--no-search", cwd=empty_project, env={"LANG": "en_US.UTF-8"})
    assert english in fourth.err and chinese not in fourth.err, fourth.err


def test_help_is_chinese_by_default(empty_project):
    top = run_cli("--help", cwd=empty_project)
    assert top.code == 0
    assert top.out.startswith("用法：briefsite")
    assert "选项" in top.out and "显示本帮助并退出" in top.out and "生成网站到输出文件夹" in top.out
    assert "show this help" not in top.out and "usage:" not in top.out
    build = run_cli("build", "--help", cwd=empty_project)
    assert build.code == 0
    assert build.out.startswith("用法：briefsite build")
    assert "把警告当作错误" in build.out and "输出文件夹（默认：site）" in build.out
    assert not re.search(r"[a-z]{4,} [a-z]{4,} [a-z]{4,}", build.out), build.out  # no English sentence left


@pytest.mark.parametrize("how", [("--lang", "en"), ("LANG",)])
def test_help_in_english(empty_project, how):
    args, env = (("--lang", "en"), None) if how[0] == "--lang" else ((), {"LANG": "en_US.UTF-8"})
    result = run_cli(*args, "build", "--help", cwd=empty_project, env=env)
    assert result.code == 0
    assert result.out.startswith("usage: briefsite build")
    assert "show this help message and exit" in result.out and "treat warnings as errors" in result.out
    after = run_cli("build", "--help", *args, cwd=empty_project, env=env)  # --lang after the command too
    assert after.out == result.out


def test_argparse_errors_in_the_chosen_language(empty_project):
    chinese = run_cli("build", "--jobs", "0", cwd=empty_project)
    assert chinese.code == 2
    assert "briefsite build: error: 参数 --jobs：'0' 不是 1 到 1024 之间的整数" in chinese.err
    english = run_cli("--lang", "en", "build", "--bogus", cwd=empty_project)
    assert english.code == 2 and "error: unrecognized arguments: --bogus" in english.err
    invalid = run_cli("build", "--lang", "fr", cwd=empty_project)
    assert invalid.code == 2 and "无效的选择：'fr'" in invalid.err
