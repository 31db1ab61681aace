"""Splitting a bulletin into front-matter and body, with the file's own line numbers."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from briefsite.content import front_matter
from briefsite.errors import BriefsiteError
from briefsite.content.front_matter import split


@pytest.fixture(params=["libyaml", "python"])
def loader(request, monkeypatch):
    """Run each test with the C loader (when built) and the pure-Python one."""
    if request.param == "python":
        monkeypatch.setattr(front_matter, "_Loader", yaml.SafeLoader)
    elif not hasattr(yaml, "CSafeLoader"):
        pytest.skip("PyYAML built without libyaml")
    return request.param


def error_of(text: str) -> BriefsiteError:
    with pytest.raises(BriefsiteError) as info:
        split(text, "b.md")
    return info.value


def test_fields_carry_their_line_and_value(loader):
    parsed = split("---\ntitle: 简报\nissue: 3\ndate: 2024-05-10\nrecipients:\n  report:\n    - 市委\n---\n\n正文\n",
                   "b.md")
    assert {k: f.line for k, f in parsed.fields.items()} == {"title": 2, "issue": 3, "date": 4, "recipients": 5}
    assert parsed.fields["date"].value == dt.date(2024, 5, 10)
    assert parsed.fields["recipients"].value == {"report": ["市委"]}
    assert parsed.body.strip() == "正文"
    assert parsed.body_line == 8  # the closing '---'
    assert parsed.front_matter_line == 1


def test_blank_lines_after_the_opening_do_not_shift_lines(loader):
    parsed = split("---\n\n\ntitle: 简报\ndate: 2024-05-10\n---\nx\n", "b.md")
    assert parsed.fields["title"].line == 4 and parsed.fields["date"].line == 5
    assert error_of("---\n\n\ntitle: 简报\nissuer: 专班: 组\n---\nx\n").line == 5


@pytest.mark.parametrize("text, line, message", [
    ("---\ntitle: 简报\nissuer: 专班: 组\ncity: 益阳市\n---\nx\n", 3,
     "这一行的值中有英文冒号加空格（: ），YAML 把它当成了新的键"),  # colon in a value
    ("---\ntitle: 简报\nissuer: \"专班\ncity: 益阳市\n---\nx\n", 3,
     "文件头的 YAML 格式有误："),  # unclosed quote
    ("---\ntitle: 简报\nissuer: [专班\ncity: 益阳市\n---\nx\n", 3,
     "文件头的 YAML 格式有误："),  # unclosed bracket
    ("---\ntitle: 简报\n  date: 2024-05-10\n---\nx\n", 3,
     "这一行多了缩进，YAML 把它当成了上一行内容的续行"),  # stray indentation
    ("---\ntitle: 简报\n\tdate: 2024-05-10\n---\nx\n", 3,
     "这一行用制表符（Tab）缩进，YAML 只认空格"),  # tab
    ("---\ntitle: 简报\nrecipients:\n  report:\n\u3000\u3000- 市委\n  cc:\n    - 省专班\n---\nx\n", 5,
     "这一行用全角空格（　）缩进，YAML 只认半角空格"),  # full-width indent, at its own line
])
def test_malformed_yaml_points_at_the_line_to_fix(loader, text, line, message):
    error = error_of(text)
    assert error.line == line, error.format()
    assert error.message.startswith(message), error.format()
    assert 'in "<unicode string>"' not in error.message
    assert error.hint


def test_missing_or_unclosed_front_matter():
    assert error_of("正文\n").format() == (
        "b.md:1: error: 没有文件头（刊头信息） (文件开头先写一行“---”，再写刊头各项，最后再写一行“---”)")
    assert error_of("---\ntitle: x\n").format() == (
        "b.md:1: error: 文件头没有结束 (在刊头各项之后写一行“---”)")


def test_empty_front_matter_and_body_lines():
    parsed = split("---\n---\n", "b.md")
    assert parsed.fields == {} and parsed.body.strip() == "" and parsed.body_line == 2


def test_a_thematic_break_in_the_body_is_body():
    parsed = split("---\ntitle: x\n---\n第一段\n\n---\n\n第二段\n", "b.md")
    assert "---" in parsed.body and "第二段" in parsed.body


def test_front_matter_must_be_a_mapping(loader):
    error = error_of("---\n- title\n- date\n---\nx\n")
    assert (error.line, error.message) == (2, "文件头应当是一行一项的“键: 值”")


def test_duplicate_key_names_both_lines(loader):
    error = error_of("---\ntitle: a\ndate: 2024-05-10\ntitle: b\n---\nx\n")
    assert error.format() == "b.md:4: error: 'title' 出现了两次（第一次在第 2 行） (只保留其中一个)"


def test_anchors_and_aliases_are_refused(loader):
    error = error_of("---\ntitle: &t 简报\nissuer: *t\n---\nx\n")
    assert "锚点和别名" in error.message
    # A "billion laughs" document fails fast instead of expanding.
    bomb = "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n" \
           "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n---\nx\n"
    assert "锚点和别名" in error_of(bomb).message


def test_values_yaml_cannot_construct_stay_text_for_validation(loader):
    parsed = split("---\ntitle: x\ndate: 2024-02-30\n---\nx\n", "b.md")
    assert parsed.fields["date"] == front_matter.Field("2024-02-30", 3, "2024-02-30")


def test_scalars_keep_their_text_as_written(loader):
    parsed = split("---\ncontact: 07371234567\ntitle: yes\nissue: 3\nlist: [a]\n---\nx\n", "b.md")
    assert parsed.fields["contact"].raw == "07371234567"
    assert parsed.fields["title"].value is True and parsed.fields["title"].raw == "yes"
    assert parsed.fields["issue"].value == 3
    assert parsed.fields["list"].raw is None


def test_oversized_front_matter():
    error = error_of("---\ntitle: " + "长" * 70000 + "\n---\nx\n")
    assert "上限是" in error.message
