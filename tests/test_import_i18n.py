"""briefsite import in each language, through the real command line: the
summary line, the warnings about the new file, the comments written into its
front-matter and the refusals, in Chinese by default and in English with
--lang en or an English locale (LANG=en_US.UTF-8); the same exit status in all three."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest

from conftest import BULLETINS, ROOT, SEEDS, run_cli
from import_docs import Spec, to_docx
from photo_helpers import jpeg

FURNITURE = ROOT / "tests" / "fixtures" / "import" / "furniture.txt"
NO_MASTHEAD = str(SEEDS / "000_b8e25bc50ca186c5.txt")
ISSUER_AND_DATE_ONLY = str(SEEDS / "002_4bd78695de719ff1.txt")
LANGUAGES = ["default", "--lang en", "LANG=en_US.UTF-8"]


def _in(root: Path, *args: str, language: str):
    env = None
    if language == "--lang en":
        args = (*args, "--lang", "en")
    elif language.startswith("LANG="):
        env = {"LANG": "en_US.UTF-8"}
    return run_cli(*args, cwd=root, env=env)


def _furniture(root: Path) -> tuple[str, ...]:
    shutil.copy(FURNITURE, root / "raw.txt")
    return ("import", "raw.txt", "--city", "益阳市")


def _no_masthead(root: Path) -> tuple[str, ...]:
    return ("import", NO_MASTHEAD, "--city", "株洲市")


def _series(root: Path) -> tuple[str, ...]:
    shutil.rmtree(root / "bulletins")
    shutil.copytree(BULLETINS, root / "bulletins")
    (root / "bulletins" / "yongzhou" / "2024-03-13.md").unlink()
    return ("import", ISSUER_AND_DATE_ONLY, "--city", "永州市")


def _word_with_pictures(root: Path) -> tuple[str, ...]:
    """A Word file with a table and two pictures, the second one damaged."""
    damaged = jpeg(600, 400, colour=(0, 90, 0))
    spec = Spec(blocks=[("headline", "陈竞调研湿地保护修复工作"), ("para", "陈竞率队实地调研。"),
                        ("photo", jpeg(800, 600), "图1 陈竞率队实地调研现场"), ("para", "罗讯要求迅速整改。"),
                        ("photo", damaged, "南洞庭湖水质监测点"),
                        ("table", [("县市区", "交办件数"), ("南县", "12"), ("沅江市", "9")])])
    package = zipfile.ZipFile(io.BytesIO(to_docx(spec)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as copy:
        for item in package.infolist():
            content = package.read(item)
            copy.writestr(item, content[:3000] if content == damaged else content)
    (root / "received.docx").write_bytes(out.getvalue())
    return ("import", "received.docx", "--city", "益阳市")


# (set-up, Chinese, English): the summary line printed on standard output.
SUMMARIES = {
    "furniture dropped": (_furniture,
        "已写入 bulletins/yiyang/2024-05-12-3.md：3 个标题，3 段；删去 页码 3 行、页眉/眉题 2 行；"
        "城市 益阳市（由 --city 指定）",
        "wrote bulletins/yiyang/2024-05-12-3.md: 3 headings, 3 paragraphs; dropped 3 page-number lines, "
        "2 running-head lines; city 益阳市 (given with --city)"),
    "placeholders to fill in": (_no_masthead,
        "已写入 bulletins/zhuzhou/undated.md：7 个标题，16 段；城市 株洲市（由 --city 指定）；"
        "需核对：填写 title、date、issuer（现为 null，check 不通过）",
        "wrote bulletins/zhuzhou/undated.md: 7 headings, 16 paragraphs; city 株洲市 (given with --city); "
        "to check: fill in title, date, issuer (null for now: check fails)"),
    "title taken from the series": (_series,
        "已写入 bulletins/yongzhou/2024-03-13.md：7 个标题，17 段；城市 永州市（由 --city 指定）；需核对：核对推断的 title",
        "wrote bulletins/yongzhou/2024-03-13.md: 7 headings, 17 paragraphs; city 永州市 (given with --city); "
        "to check: check the inferred title"),
    "pictures, a table and the original": (_word_with_pictures,
        "已写入 bulletins/yiyang/2024-05-12-3.md：1 个标题，3 段，1 个表格；图片导入 1 张，未导入 1 张；"
        "原件保存为 bulletins/yiyang/2024-05-12-3/original.docx；删去 页脚 1 行、分隔线 1 行；城市 益阳市（由 --city 指定）；"
        "需核对：图片 1 张未导入（见上方警告），需手动加入",
        "wrote bulletins/yiyang/2024-05-12-3.md: 1 heading, 3 paragraphs, 1 table; 1 picture imported, "
        "1 not imported; the received document kept as bulletins/yiyang/2024-05-12-3/original.docx; "
        "dropped 1 page-footer line, 1 rule; city 益阳市 (given with --city); "
        "to check: 1 picture not imported (see the warnings above): add it by hand"),
}


# (set-up, Chinese, English): a warning about the new file, at its line.
WARNINGS = {
    "a required fact not found": (_no_masthead,
        "bulletins/zhuzhou/undated.md:3: warning: 原件中未找到 date (请把 null 改为刊头上的日期（YYYY-MM-DD），"
        "填好之前 briefsite check 不通过)",
        "bulletins/zhuzhou/undated.md:3: warning: no date found in the text (in place of null, put the date "
        "printed on the masthead (YYYY-MM-DD); until it is filled in, briefsite check fails)"),
    "no issue number": (_no_masthead,
        "bulletins/zhuzhou/undated.md: warning: 未找到期号 (原件若有期号，请加一行 issue: N，并把文件名改为 <日期>-N.md)",
        "bulletins/zhuzhou/undated.md: warning: no issue number found (if the original prints one, add a line "
        "issue: N and rename the file to <date>-N.md)"),
    "title inferred": (_series,
        "bulletins/yongzhou/2024-03-13.md:2: warning: title 是推断的：刊头只有编发单位和日期；取自同一编发单位的系列"
        "（bulletins/yongzhou/2024-03-15-3.md） (请核对)",
        "bulletins/yongzhou/2024-03-13.md:2: warning: title was inferred: the masthead prints only the issuer and "
        "the date; taken from the series of the same issuer (bulletins/yongzhou/2024-03-15-3.md) (check it)"),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_front_matter_comments_in_the_chosen_language(empty_project: Path, language: str):
    """The notes written into the new file for the editor; their marks (FILL IN:, inferred:) stay as documented."""
    assert _in(empty_project, *_no_masthead(empty_project), language=language).code == 0
    front = (empty_project / "bulletins" / "zhuzhou" / "undated.md").read_text(encoding="utf-8").split("\n")[1:4]
    if language == "default":
        assert front == ["title: null  # FILL IN: 原件中未找到刊头上的简报名称",
                         "date: null  # FILL IN: 原件中未找到刊头上的日期（YYYY-MM-DD）",
                         "issuer: null  # FILL IN: 原件中未找到刊头上的编发单位"]
    else:
        assert front == ["title: null  # FILL IN: the bulletin's name printed on the masthead, not found in the text",
                         "date: null  # FILL IN: the date printed on the masthead (YYYY-MM-DD), not found in the text",
                         "issuer: null  # FILL IN: the issuing body printed on the masthead, not found in the text"]
    assert _in(empty_project, *_series(empty_project), language=language).code == 0
    title = (empty_project / "bulletins" / "yongzhou" / "2024-03-13.md").read_text(encoding="utf-8").split("\n")[1]
    how = ("刊头只有编发单位和日期；取自同一编发单位的系列（bulletins/yongzhou/2024-03-15-3.md）" if language == "default"
           else "the masthead prints only the issuer and the date; taken from the series of the same issuer "
                "(bulletins/yongzhou/2024-03-15-3.md)")
    assert title == f"title: 永州市配合湖南省生态环境保护督察工作简报  # inferred: {how}"


def _missing(root: Path) -> tuple[str, ...]:
    return ("import", "nope.txt")


def _exists(root: Path) -> tuple[str, ...]:
    args = _furniture(root)
    assert run_cli(*args, cwd=root).code == 0
    return args


def _out_is_a_file(root: Path) -> tuple[str, ...]:
    (root / "notafolder").write_text("x", encoding="utf-8")
    return (*_furniture(root), "--out", "notafolder")


def _raw(content: bytes):
    def set_up(root: Path) -> tuple[str, ...]:
        (root / "raw.txt").write_bytes(content)
        return ("import", "raw.txt")
    return set_up


# (set-up, Chinese, English): the whole refusal, on standard error; nothing is written.
REFUSALS = {
    "input file missing": (_missing,
        "nope.txt: error: 文件不存在 (请给出要导入的文件的路径)",
        "nope.txt: error: file not found (give the path of the file to import)"),
    "bulletin exists": (_exists,
        "bulletins/yiyang/2024-05-12-3.md: error: 文件已存在，未写入 (要覆盖请加 --force)",
        "bulletins/yiyang/2024-05-12-3.md: error: the file exists already; nothing was written "
        "(to overwrite it, add --force)"),
    "--out is a file": (_out_is_a_file,
        "notafolder: error: --out 指向一个文件，不是文件夹 (请给出简报库的文件夹，例如 --out bulletins)",
        "notafolder: error: --out names a file, not a folder (give the folder of the bulletins, e.g. --out bulletins)"),
    "empty text": (_raw(b"  \n\r\n"),
        "raw.txt: error: 文件是空的 (请把简报的文字粘贴进去)",
        "raw.txt: error: file is empty (paste the bulletin's text into it)"),
    "undecodable bytes": (_raw(b"\xff\xff\xff\x00"),
        "raw.txt:1: error: 第 1 行的字节既不是 UTF-8，也不是 GBK 或 Big5（字节 0xff） (请把文字另存为 UTF-8 后重新导入)",
        "raw.txt:1: error: the bytes of line 1 are neither UTF-8 nor GBK or Big5 (byte 0xff) "
        "(save the text as UTF-8, then import it again)"),
    "broken PDF": (_raw(b"%PDF-1.7\n..."),
        "raw.txt: error: PDF 文件已损坏或无法读取 (请重新下载或另存该 PDF 后再导入)",
        "raw.txt: error: the PDF file is damaged or cannot be read (download the PDF again or save it anew, "
        "then import it)"),
    "broken Word file": (_raw(b"PK\x03\x04docx"),
        "raw.txt: error: 不是可读的 Word (.docx) 文件 (请在 Word/WPS 中重新另存为 .docx (File is not a zip file))",
        "raw.txt: error: not a readable Word (.docx) file (save it again as .docx in Word or WPS (File is not a zip "
        "file))"),
}


# Each case: the tables above, and what the language must not change.
CASES = {**{name: (case, 0, "summary") for name, case in SUMMARIES.items()},
         **{name: (case, 0, "warning") for name, case in WARNINGS.items()},
         **{name: (case, 1, "refusal") for name, case in REFUSALS.items()}}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case", list(CASES))
def test_import_speaks_the_chosen_language(empty_project: Path, case: str, language: str):
    (set_up, chinese, english), status, kind = CASES[case]
    args = set_up(empty_project)
    before = sorted(p.relative_to(empty_project) for p in empty_project.rglob("*"))
    result = _in(empty_project, *args, language=language)
    assert result.code == status, result.err
    expected, other = (chinese, english) if language == "default" else (english, chinese)
    if kind == "summary":
        assert result.out.strip() == expected
    elif kind == "warning":
        assert expected in result.err.splitlines()
        assert other.split(": warning: ")[1][:16] not in result.err
    else:  # refused: said whole on standard error, and nothing written
        assert result.out == "" and result.err.strip() == expected
        assert sorted(p.relative_to(empty_project) for p in empty_project.rglob("*")) == before


def test_how_the_city_was_found_is_said_in_the_editors_language(tmp_path):
    """The part of the masthead a city came from is named in the message's
    language, not spliced in as the Chinese word (标题, 发文单位)."""
    (tmp_path / "bulletins").mkdir()
    shutil.copy(FURNITURE, tmp_path / "raw.txt")
    chinese = run_cli("import", "raw.txt", cwd=tmp_path)
    assert chinese.code == 0, chinese.err
    assert "城市 益阳市（标题以 益阳市 开头）" in chinese.out
    (next((tmp_path / "bulletins").rglob("*.md"))).unlink()
    english = run_cli("import", "raw.txt", "--lang", "en", cwd=tmp_path)
    assert english.code == 0, english.err
    assert "city 益阳市 (the title begins with 益阳市)" in english.out
