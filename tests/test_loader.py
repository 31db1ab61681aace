"""Reading and validating bulletin files into Bulletin records."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from briefsite import i18n
from briefsite.content.config import Config
from briefsite.errors import BriefsiteError, Problems
from briefsite.content.loader import decode, discover, guess_encoding, is_ignored, load_all, load_bulletin
from conftest import minimal, write_bulletin

HEAD = "---\ntitle: 简报\ndate: 2024-05-10\nissuer: 专班\ncity: 益阳市\n"


def load(root: Path, rel: str, text: str | bytes, config: Config | None = None):
    path = write_bulletin(root, rel, text)
    problems = Problems()
    bulletin = load_bulletin(path, root / "bulletins", config or Config(), problems, None)
    return bulletin, problems


def messages(problems: Problems) -> list[str]:
    return [p.format() for p in problems.sorted()]


def test_recipients_under_their_printed_labels(tmp_path):
    text = HEAD + ("recipients:\n  抄报:\n    - 省委办公厅\n  分送:\n    - 市级各部门\n  cc:\n    - 市纪委监委\n"
                   "---\n\n正文。\n")
    b, problems = load(tmp_path, "yiyang/2024-05-10.md", text)
    assert not problems.items
    assert [(g.key, g.label, g.names) for g in b.recipients] == \
        [("cc", "抄报", ("省委办公厅",)), ("distribute", "分送", ("市级各部门",)), ("cc", "抄送", ("市纪委监委",))]
    assert [g.written_key for g in b.recipients] == ["抄报", "分送", "cc"]


def test_one_printed_label_written_twice_is_an_error(tmp_path):
    text = HEAD + "recipients:\n  cc:\n    - 甲\n  抄送:\n    - 乙\n---\n\n正文。\n"
    b, problems = load(tmp_path, "yiyang/2024-05-10.md", text)
    assert b is None
    (message,) = messages(problems)
    assert "yiyang/2024-05-10.md:9: error:" in message and "都印作“抄送”" in message


def test_an_unknown_recipients_label_is_named(tmp_path):
    text = HEAD + "recipients:\n  收文:\n    - 甲\n---\n\n正文。\n"
    b, problems = load(tmp_path, "yiyang/2024-05-10.md", text)
    assert b is None
    (message,) = messages(problems)
    assert ":7: error: recipients 中没有 '收文' 这一组" in message and "分送" in message


def test_a_complete_bulletin(tmp_path):
    text = HEAD + ("issue: 3\ntotal_issue: 12\nrecipients:\n  send:\n    - 甲\n  report:\n    - 乙\n    - 丙\n"
                   "doc_number: 益简字【2022】42号\nprinted: 2024-05-12\ncontact: 联系电话：1234\n---\n\n### 标题\n\n正文。\n")
    b, problems = load(tmp_path, "yiyang/2024-05-10-3.md", text)
    assert not problems.items
    assert (b.title, b.date, b.issuer, b.city) == ("简报", dt.date(2024, 5, 10), "专班", "益阳市")
    assert (b.issue, b.total_issue, b.doc_number, b.printed, b.contact) == \
        (3, 12, "益简字【2022】42号", dt.date(2024, 5, 12), "联系电话：1234")
    # In the order of the file: the page prints the 版记 as the original did.
    assert [(g.key, g.label, g.names) for g in b.recipients] == \
        [("send", "送", ("甲",)), ("report", "报", ("乙", "丙"))]
    assert (b.city_slug, b.name, b.url) == ("yiyang", "2024-05-10-3", "bulletins/yiyang/2024-05-10-3/")
    assert b.draft is False
    assert b.issue_label == "第3期 总第12期"
    assert b.line("issue") == 6 and b.line("nonexistent") == 1
    assert [(h.level, h.text) for h in b.toc] == [(3, "标题")]
    assert "正文。" in b.text


def test_values_are_normalised(tmp_path):
    text = ("---\ntitle: \"  益阳市配合中央生态环境保护督察\n  工作简报 \"\ndate: 2024-05-10 09:30:00\n"
            "issuer: 专班\ncity: 益阳市\nissue: '7'\ntotal_issue: 010\ncontact: 07371234567\n"
            "recipients:\n  cc: 单个单位\n---\n正文\n")
    b, problems = load(tmp_path, "yiyang/x.md", text)
    assert not problems.items, messages(problems)
    assert b.title == "益阳市配合中央生态环境保护督察 工作简报"
    assert b.date == dt.date(2024, 5, 10)
    assert b.issue == 7
    assert b.total_issue == 10  # as printed, not YAML 1.1's octal 8
    assert b.contact == "07371234567"  # not YAML 1.1's octal number
    assert b.recipients[0].names == ("单个单位",)


@pytest.mark.parametrize("extra, expected", [
    ("title: ''\n", ":2: error: title 是空的"),
    ("title:\n", ":2: error: title 是空的"),
    ("date:\n", ":3: error: date 是空的"),
    ("issue: 2.5\n", ": error: issue 应是整数，而不是 2.5"),
    ("issue: true\n", ": error: issue 应是整数，而不是 True"),
    ("issue: -1\n", ": error: issue 应是 1 到 1000000 之间的整数，而不是 -1"),
    ("contact: [a]\n", ": error: contact 应当是文字，而不是列表"),
    ("doc_number: [2024, 1]\n", ": error: doc_number 应当是文字，而不是列表"),
    ("recipients: 市委\n", ": error: recipients 应当分为 report/send/distribute/cc 几组名单"),
    ("recipients:\n  report: []\n", ": error: recipients.report 应当是单位名单"),
    ("recipients:\n  report:\n    - 1\n", ": error: recipients.report 应当是单位名单"),
    ("draft: yes please\n", ": error: draft 只能是 true 或 false，而不是 'yes please'"),
    ("printed: 2024-13-01\n", ":6: error: printed 2024-13-01 不是实际存在的日期 (检查月份和日子)"),
])
def test_bad_values(tmp_path, extra, expected):
    head = HEAD
    key = extra.split(":")[0] + ":"
    head = "".join(line + "\n" for line in head.splitlines() if not line.startswith(key))
    if key in ("title:", "date:"):  # keep the key on its usual line
        lines = head.splitlines()
        lines.insert(1 if key == "title:" else 2, extra.rstrip("\n"))
        text = "\n".join(lines) + "\n---\n正文\n"
    else:
        text = head + extra + "---\n正文\n"
    b, problems = load(tmp_path, "yiyang/x.md", text)
    assert b is None
    assert any(expected in m for m in messages(problems)), messages(problems)


def test_unquoted_text_values_stay_as_written(tmp_path):
    text = HEAD.replace("title: 简报", "title: yes") + "doc_number: 2024-01-01\ncontact: 0731.85698043\n---\n正文\n"
    b, problems = load(tmp_path, "yiyang/x.md", text)
    assert not problems.items
    assert (b.title, b.doc_number, b.contact) == ("yes", "2024-01-01", "0731.85698043")


def test_crlf_and_bom_are_accepted(tmp_path):
    text = ("\ufeff" + minimal(1)).replace("\n", "\r\n").encode("utf-8")
    b, problems = load(tmp_path, "yiyang/2024-05-10-1.md", text)
    assert not problems.items and b.issue == 1


def test_decode_names_the_encoding():
    gbk = "标题：益阳市".encode("gbk")
    with pytest.raises(BriefsiteError, match="看来是 GBK") as info:
        decode(b"---\n" + gbk, "b.md")
    assert info.value.line == 2
    assert "iconv -f GBK -t UTF-8 b.md > b.md.utf8 && mv b.md.utf8 b.md" in info.value.hint
    assert guess_encoding("简报".encode("utf-16")) == "UTF-16"
    assert guess_encoding("簡報內容".encode("big5")) in ("BIG5", "GBK", "GB18030")
    with pytest.raises(BriefsiteError, match="文件含有 NUL 字节") as info:
        decode(b"abc\x00def", "b.md")
    assert info.value.hint == "把它另存或导出为纯文本（UTF-8），再加上文件头"
    with i18n.using(i18n.ENGLISH), pytest.raises(BriefsiteError) as info:
        decode(b"abc\x00def", "b.md")
    assert info.value.format() == ("b.md:1: error: file contains NUL bytes; is it a Word or PDF file rather than "
                                   "text? (save or export it as plain text (UTF-8) and add the front-matter)")


def test_the_file_folder_should_be_the_city_slug(tmp_path):
    b, problems = load(tmp_path, "yongzhou/2024-05-10-1.md", minimal(1))
    assert b is not None and b.url == "bulletins/yiyang/2024-05-10-1/"  # the city decides the URL
    assert messages(problems) == [
        f"{tmp_path}/bulletins/yongzhou/2024-05-10-1.md:6: warning: 文件在文件夹 'yongzhou' 中，但城市 益阳市 的网址名是 "
        f"'yiyang'：它的网页发布在 bulletins/yiyang/ 下 (把它移到 {tmp_path}/bulletins/yiyang/2024-05-10-1.md，"
        f"或在 briefsite.yaml 的 cities: 中给这个城市另定网址名)"]
    _, problems = load(tmp_path, "2024-05-10-1.md", minimal(1))
    assert "warning: 文件不在城市文件夹中" in messages(problems)[0]
    _, problems = load(tmp_path, "yiyang/2024/2024-05-10-1.md", minimal(1))
    assert "warning: 文件在文件夹 'yiyang/2024' 中" in messages(problems)[0]
    # A configured slug moves the expected folder.
    _, problems = load(tmp_path, "yy/2024-05-10-1.md", minimal(1), Config(city_slugs={"益阳市": "yy"}))
    assert not problems.items


def test_ignored_names():
    for name in (".#a.md", "a.md~", "#a.md#", ".hidden.md", "a.md.swp", "a.md.bak", "~a.md"):
        assert is_ignored(name), name
    assert not is_ignored("2024-05-10-1.md")


def test_discover_lists_markdown_files_sorted_and_reports_the_rest(tmp_path):
    src = tmp_path / "bulletins"
    for rel in ("b/2.md", "a/1.md", "a/.git/x.md", "a/notes.txt", "a/.#1.md", "a/3.markdown"):
        write_bulletin(tmp_path, rel, "x")
    os.symlink(src / "a", src / "c")  # a folder linked inside the source
    problems = Problems()
    found = discover(src, problems)
    assert [p.relative_to(src).as_posix() for p in found] == ["a/1.md", "b/2.md"]
    assert messages(problems) == [
        f"{src}/a/3.markdown: warning: 没有读取：只有以“.md”结尾的文件才是简报 (把它改名为 3.md)",
        f"{src}/c: warning: 跳过符号链接的文件夹：其中的文件不会被读取 (把其中的文件直接链接或移到简报文件夹里)",
    ]


def test_load_all_collects_every_problem_and_keeps_good_files(tmp_path):
    write_bulletin(tmp_path, "yiyang/2024-05-10-1.md", minimal(1))
    write_bulletin(tmp_path, "yiyang/bad-a.md", "")
    write_bulletin(tmp_path, "yiyang/bad-b.md", HEAD + "issue: x\n---\n正文\n")
    write_bulletin(tmp_path, "yiyang/draft.md", minimal(2).replace("city: 益阳市", "city: 益阳市\ndraft: true"))
    problems = Problems()
    bulletins = load_all(tmp_path / "bulletins", Config(), problems)
    assert [b.name for b in bulletins] == ["2024-05-10-1", "draft"]
    assert bulletins[1].draft is True
    assert len(problems.errors) == 2


def test_load_all_without_a_source_folder(tmp_path):
    problems = Problems()
    assert load_all(tmp_path / "nope", Config(), problems) == []
    assert problems.items[0].message == "找不到简报文件夹"
    (tmp_path / "file").write_text("x")
    problems = Problems()
    load_all(tmp_path / "file", Config(), problems)
    assert problems.items[0].message == "简报文件夹不是文件夹"
