"""Import under attack and carelessness (issue 12): each test is one hole that was open.

Every test runs the real command line, as an editor would meet the problem:
nothing deleted without the file showing it, every input read safely, every
problem a ``path:line: error:`` message instead of a traceback.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from briefsite.content.front_matter import split
from conftest import run_cli

HEAD = ("益阳市配合中央生态环境保护督察工作简报\n\n第 3 期\n\n益阳市配合中央生态环境保护督察协调联络专班\n\n"
        "2024年5月12日\n\n")
TARGET = Path("bulletins") / "yiyang" / "2024-05-12-3.md"


def imported(tmp_path: Path, text: str | bytes, *args: str) -> tuple[object, str]:
    raw = tmp_path / "raw.txt"
    raw.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    result = run_cli("import", "raw.txt", *args, cwd=tmp_path)
    assert "Traceback" not in result.err, result.err
    body = ""
    if result.code == 0 and (tmp_path / TARGET).exists():
        body = split((tmp_path / TARGET).read_text(encoding="utf-8"), "x").body
    return result, body


def nonspace(text: str) -> str:
    return "".join(text.split())


# ---------------------------------------------------------------- item 9: nothing deleted unseen

def test_big5_input_is_read_as_big5_not_written_as_mojibake(tmp_path: Path):
    text = ("益陽市配合中央生態環境保護督察工作簡報\n\n第 3 期\n\n益陽市配合中央生態環境保護督察協調聯絡專班\n\n"
            "2024年5月12日\n\n陳競調研濕地保護修復工作\n\n會議指出，此次督察時間緊湊、內容廣泛、追責嚴格。\n")
    result, _ = imported(tmp_path, text.encode("big5"), "--city", "益阳市")
    assert result.code == 0, result.err
    written = next((tmp_path / "bulletins" / "yiyang").glob("*.md")).read_text(encoding="utf-8")
    assert "會議指出，此次督察時間緊湊、內容廣泛、追責嚴格。" in written
    assert "title: 益陽市配合中央生態環境保護督察工作簡報" in written


def test_table_copied_one_cell_per_line_keeps_its_figures(tmp_path: Path):
    cells = ["县市区", "交办件", "办结", "南县", "12", "10", "沅江市", "128", "3", "安化县", "7", "5"]
    text = HEAD + "交办件办理情况\n\n" + "\n".join(cells) + "\n\n以上为截至目前的情况。\n"
    result, body = imported(tmp_path, text)
    assert result.code == 0, result.err
    assert ("| 县市区 | 交办件 | 办结 |\n| --- | --- | --- |\n| 南县 | 12 | 10 |\n| 沅江市 | 128 | 3 |\n"
            "| 安化县 | 7 | 5 |") in body
    assert "页码" not in result.out


def test_bare_numbers_in_running_text_are_not_page_numbers(tmp_path: Path):
    text = HEAD + "排查情况\n\n全市共排查出问题\n128\n个，已整改完成\n3/5\n，其余正在推进。\n"
    result, body = imported(tmp_path, text)
    assert result.code == 0, result.err
    assert "全市共排查出问题128个，已整改完成3/5，其余正在推进。" in body
    # Page numbers of a real page sequence are still furniture.
    text = HEAD + "排查情况\n\n第一页的文字没有写完\n2\n第二页接着写完。\n\n又一段\n3\n写完了。\n"
    result, body = imported(tmp_path, text, "--force")
    assert "页码 2 行" in result.out and "2" not in nonspace(body.replace("202", ""))


def test_headline_naming_a_jianbao_printed_twice_is_kept(tmp_path: Path):
    text = HEAD + ("市委召开工作简报编发工作会议\n\n5月9日，市委召开会议。\n\n"
                   "市委召开工作简报编发工作会议\n\n5月10日，市委再次召开会议。\n")
    result, body = imported(tmp_path, text)
    assert result.code == 0, result.err
    assert body.count("### 市委召开工作简报编发工作会议") == 2


def test_first_headline_after_an_empty_guide_is_kept(tmp_path: Path):
    text = HEAD + "【导读】\n\n陈竞调研湿地保护修复工作\n\n5月11日，陈竞率队赴沅江市调研。\n"
    result, body = imported(tmp_path, text)
    assert result.code == 0, result.err
    assert body.strip().split("\n\n") == ["### 陈竞调研湿地保护修复工作", "5月11日，陈竞率队赴沅江市调研。"]


def test_strikethrough_and_autolinks_are_shown_as_printed(tmp_path: Path):
    text = HEAD + "网上公示\n\n公示期间~~不含~~节假日，详见<https://example.gov.cn/a>。\n"
    result, body = imported(tmp_path, text)
    assert result.code == 0, result.err
    from briefsite.content.markup import render

    rendered = render(body)
    assert "<del>" not in rendered.html and "<s>" not in rendered.html and "<a " not in rendered.html
    assert "公示期间~~不含~~节假日，详见<https://example.gov.cn/a>。" in rendered.text


def test_mixed_encoding_error_names_the_line_of_the_bad_bytes(tmp_path: Path):
    data = (HEAD + "标题一\n\n正文一。\n").encode("utf-8") + "正文二。\n".encode("gbk") + b"\xff\xfe\xff\n"
    result, _ = imported(tmp_path, data)
    assert result.code == 1
    line = data.count(b"\n", 0, data.index("正文二".encode("gbk"))) + 1
    assert result.err.startswith(f"raw.txt:{line}: error:"), result.err


# ---------------------------------------------------------------- item 5: control characters

def test_vertical_tab_is_a_line_break_and_form_feed_a_page_break(tmp_path: Path):
    """VT (Word's Shift+Enter) breaks a line; FF (pdftotext's page break) marks a page, so the
    running head printed after it is furniture even when the masthead prints no title."""
    text = ("益阳市配合中央生态环境保护督察协调联络专班 2024年5月12日\n\n会议召开\x0b5月9日，市委召开会议，研究部署\n"
            "\x0c益阳市配合中央生态环境保护督察工作简报\n督察整改工作。\n")
    result, _ = imported(tmp_path, text)
    assert result.code == 0, result.err
    written = (tmp_path / "bulletins" / "yiyang" / "2024-05-12.md").read_text(encoding="utf-8")
    body = split(written, "x").body
    assert body.strip().split("\n\n") == ["### 会议召开", "5月9日，市委召开会议，研究部署督察整改工作。"]
    assert "页眉/眉题 1 行" in result.out
    assert "\x0b" not in written and "\x0c" not in written


@pytest.mark.parametrize("char", ["\x1b", "\x01", "\x7f", "\ufffe", "\uffff", "\x85\x1b"])
def test_other_control_characters_are_refused_with_their_line(tmp_path: Path, char: str):
    text = HEAD + "标题一\n\n正文" + char + "一。\n"
    result, _ = imported(tmp_path, text)
    assert result.code == 1
    line = (HEAD + "标题一\n\n").count("\n") + 1 + ("\x85" in char)
    assert result.err.startswith(f"raw.txt:{line}: error: 含有不可见的控制字符"), result.err
    assert not (tmp_path / "bulletins").exists()


# ---------------------------------------------------------------- item 8: only regular files, bounded

def test_a_fifo_is_refused_without_hanging(tmp_path: Path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    result = run_cli("import", "pipe.txt", cwd=tmp_path, timeout=30)
    assert result.code == 1
    assert result.err.startswith("pipe.txt: error: 不是普通文件，而是命名管道"), result.err


def test_dev_zero_is_refused_not_read_forever(tmp_path: Path):
    result = run_cli("import", "/dev/zero", cwd=tmp_path, timeout=60)
    assert result.code == 1
    assert result.err.startswith("/dev/zero: error: 不是普通文件，而是设备文件"), result.err


def test_standard_input_is_read_bounded(tmp_path: Path):
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "briefsite", "import", "-"], cwd=tmp_path,
                          input=(HEAD + "标题一\n\n正文一。\n").encode("utf-8"), capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr.decode()
    assert (tmp_path / TARGET).is_file()


# ---------------------------------------------------------------- item 10: no tracebacks

def test_out_pointing_at_a_file(tmp_path: Path):
    (tmp_path / "notafolder").write_text("x", encoding="utf-8")
    result, _ = imported(tmp_path, HEAD + "标题一\n\n正文一。\n", "--out", "notafolder")
    assert result.code == 1
    assert result.err.startswith("notafolder: error: --out 指向一个文件，不是文件夹"), result.err


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_city_folder(tmp_path: Path):
    city = tmp_path / "bulletins" / "yiyang"
    city.mkdir(parents=True)
    city.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        result, _ = imported(tmp_path, HEAD + "标题一\n\n正文一。\n")
    finally:
        city.chmod(stat.S_IRWXU)
    assert result.code == 1
    assert result.err.startswith("bulletins/yiyang: error: 无法写入该文件夹"), result.err


def test_read_only_city_folder_as_root(tmp_path: Path):
    """Root ignores permission bits: an immutable-like case is a city 'folder' that is a file."""
    (tmp_path / "bulletins").mkdir()
    (tmp_path / "bulletins" / "yiyang").write_text("x", encoding="utf-8")
    result, _ = imported(tmp_path, HEAD + "标题一\n\n正文一。\n")
    assert result.code == 1
    assert result.err.startswith("bulletins/yiyang: error: 不是文件夹"), result.err


def test_dangling_symlink_city_folder(tmp_path: Path):
    (tmp_path / "bulletins").mkdir()
    (tmp_path / "bulletins" / "yiyang").symlink_to(tmp_path / "gone")
    result, _ = imported(tmp_path, HEAD + "标题一\n\n正文一。\n")
    assert result.code == 1
    assert result.err.startswith("bulletins/yiyang: error: 城市文件夹是失效的符号链接"), result.err


# ---------------------------------------------------------------- fuzz: never a traceback

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PIECES = st.one_of(
    st.sampled_from([HEAD, "\x0b", "\x0c", "\x1b", "\r\n", "\u3000" * 50, " " * 200, "\t", "报：", "【导读】",
                     "— 2 —", "128", "3/5", "~~x~~", "<https://a.cn>", "工作简报", "一、", "（一）"]),
    st.text(max_size=20),
)
ENCODINGS = st.sampled_from(["utf-8", "utf-16", "gb18030", "big5", "latin-1"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=30).map("".join), ENCODINGS, st.binary(max_size=8))
def test_any_bytes_give_a_bulletin_or_a_clear_error(text: str, encoding: str, noise: bytes):
    from briefsite.editor.importing.importer import interpret
    from briefsite.editor.importing.text import decode_raw, read_text
    from briefsite.errors import BriefsiteError

    data = text.encode(encoding, errors="replace") + noise
    try:
        imported = interpret(read_text(decode_raw(data, "raw.txt"), "raw.txt"), city="益阳市")
    except BriefsiteError as error:
        assert error.format().startswith("raw.txt")
        return
    rendered, _ = imported.render()
    split(rendered, "out.md")  # always a valid bulletin file
