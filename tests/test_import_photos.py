"""Import of a Word file or PDF with photos, through the real command line:
the photos land in the bulletin's folder, referenced where they stood with
their captions, the received document is kept as the original, and the site
builds with both photos. PDF tests print with Chromium (marked ``chromium``)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from conftest import run_cli
from import_docs import Spec, chromium, print_pdf, to_docx, to_html  # noqa: F401 (fixture)
from photo_helpers import jpeg, png

BULLETIN = "bulletins/yiyang/2024-05-12-3.md"
FOLDER = "bulletins/yiyang/2024-05-12-3"
FIRST = "5月11日，益阳市委书记陈竞率队赴沅江市，实地调研湿地保护修复工作情况。"
SECOND = "罗讯要求，各相关部门迅速整改到位，确保按时办结、群众满意。"
LAST = "全市各级各部门要迅速行动，对照交办问题清单逐项整改。"


def spec(first: bytes, second: bytes) -> Spec:
    return Spec(blocks=[("headline", "陈竞调研湿地保护修复工作"), ("para", FIRST),
                        ("photo", first, "图1 陈竞率队实地调研现场"), ("para", SECOND),
                        ("photo", second, "南洞庭湖水质监测点"), ("para", LAST)])


def body_of(root: Path) -> list[str]:
    text = (root / BULLETIN).read_text(encoding="utf-8")
    return text.split("\n---\n", 1)[1].strip().split("\n\n")


def imported(root: Path, name: str, data: bytes):
    (root / name).write_bytes(data)
    result = run_cli("import", name, cwd=root)
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    return result


def assert_builds_with_both_photos(root: Path) -> None:
    result = run_cli("build", "--no-search", cwd=root)
    assert result.code == 0, result.err
    page = (root / "site/bulletins/yiyang/2024-05-12-3/index.html").read_text(encoding="utf-8")
    assert re.findall(r"<figcaption>([^<]*)</figcaption>", page) == ["图1 陈竞率队实地调研现场",
                                                                      "图2 南洞庭湖水质监测点"]
    sources = re.findall(r'<img[^>]* src="([^"]+)"', page)
    assert [s.split("-")[1] for s in sources] == ["1", "2"]  # photo-1-…, photo-2-…
    for source in sources:
        assert (root / "site/bulletins/yiyang/2024-05-12-3" / source).is_file()


def assert_both_photos_in_place(root: Path) -> None:
    assert body_of(root) == ["### 陈竞调研湿地保护修复工作", FIRST, "![图1 陈竞率队实地调研现场](photo-1.jpg)", SECOND,
                             "![南洞庭湖水质监测点](photo-2.png)", LAST]
    with Image.open(root / FOLDER / "photo-1.jpg") as first, Image.open(root / FOLDER / "photo-2.png") as second:
        assert (first.format, first.size, second.format, second.size) == ("JPEG", (800, 600), "PNG", (600, 400))


def test_word_photos_come_in_order_with_their_captions_and_the_original_is_kept(empty_project: Path):
    data = to_docx(spec(jpeg(800, 600), png(600, 400)))
    result = imported(empty_project, "received.docx", data)
    assert_both_photos_in_place(empty_project)
    assert (empty_project / FOLDER / "photo-1.jpg").read_bytes() == jpeg(800, 600)  # as the document holds it
    assert (empty_project / FOLDER / "original.docx").read_bytes() == data
    assert "图片导入 2 张" in result.out and f"原件保存为 {FOLDER}/original.docx" in result.out
    assert_builds_with_both_photos(empty_project)


def test_pdf_photos_come_in_order_with_their_captions_and_the_original_is_kept(empty_project: Path, chromium):
    the_spec = spec(jpeg(800, 600), png(600, 400))
    data = print_pdf(chromium, to_html(the_spec), the_spec)
    result = imported(empty_project, "received.pdf", data)
    assert_both_photos_in_place(empty_project)
    assert (empty_project / FOLDER / "original.pdf").read_bytes() == data
    assert "图片导入 2 张" in result.out and "original.pdf" in result.out
    assert_builds_with_both_photos(empty_project)


def test_a_damaged_word_picture_is_reported_and_its_caption_stays(empty_project: Path):
    data = to_docx(spec(jpeg(800, 600), jpeg(600, 400, colour=(0, 90, 0))))
    package = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as damaged:
        for item in package.infolist():
            content = package.read(item)
            if content == jpeg(600, 400, colour=(0, 90, 0)):
                content = content[:3000]  # cut short: the header reads, the pixels do not
            damaged.writestr(item, content)
    result = imported(empty_project, "received.docx", out.getvalue())
    assert body_of(empty_project)[2:5] == ["![图1 陈竞率队实地调研现场](photo-1.jpg)", SECOND, "南洞庭湖水质监测点"]
    assert sorted(p.name for p in (empty_project / FOLDER).iterdir()) == ["original.docx", "photo-1.jpg"]
    assert "图片未导入：第 2 张图片：图片已损坏，无法解码：" in result.err
    assert "图片导入 1 张，未导入 1 张" in result.out
    assert run_cli("build", "--no-search", cwd=empty_project).code == 0
    english = run_cli("import", "received.docx", "--force", "--lang", "en", cwd=empty_project)
    assert english.code == 0, english.err
    assert "picture 2: the picture is damaged and cannot be decoded: " in english.err
    assert "无法解码" not in english.err


def test_a_damaged_pdf_picture_is_reported_with_its_page(empty_project: Path, chromium):
    photo = jpeg(800, 600)
    the_spec = spec(photo, png(600, 400))
    data = print_pdf(chromium, to_html(the_spec), the_spec)
    at = data.index(photo)  # Chromium stores a JPEG as it is: damage its header, keep the file's length
    data = data[:at + 2] + b"\x00" * 400 + data[at + 402:]
    result = imported(empty_project, "received.pdf", data)
    assert "图片未导入：第 1 张图片（第 1 页）" in result.err
    assert body_of(empty_project)[2:5] == ["图1 陈竞率队实地调研现场", SECOND, "![南洞庭湖水质监测点](photo-1.png)"]
    assert "图片导入 1 张，未导入 1 张" in result.out


def test_an_existing_photo_is_not_overwritten_and_nothing_is_written(empty_project: Path):
    (empty_project / FOLDER).mkdir(parents=True)
    (empty_project / FOLDER / "photo-2.png").write_bytes(png(10, 10))
    (empty_project / "received.docx").write_bytes(to_docx(spec(jpeg(800, 600), png(600, 400))))
    result = run_cli("import", "received.docx", cwd=empty_project)
    assert result.code == 1 and "photo-2.png: error: 文件已存在，未覆盖" in result.err
    assert not (empty_project / BULLETIN).exists()
    assert sorted(p.name for p in (empty_project / FOLDER).iterdir()) == ["photo-2.png"]
    forced = run_cli("import", "--force", "received.docx", cwd=empty_project)
    assert forced.code == 0, forced.err
    assert (empty_project / FOLDER / "photo-2.png").read_bytes() == png(600, 400)


LONG_CAPTION = "图1 益阳市委书记陈竞率队赴沅江市南洞庭湖湿地实地调研湿地保护修复和退养还湿工作推进情况现场"


def test_a_pdf_caption_over_two_lines_is_taken_whole(empty_project: Path, chromium):
    """A caption too long for one line wraps under the photo; both lines are
    the caption, and the paragraph after it stays text."""
    the_spec = Spec(blocks=[("headline", "陈竞调研湿地保护修复工作"), ("para", FIRST),
                            ("photo", jpeg(800, 600), LONG_CAPTION), ("para", SECOND)])
    data = print_pdf(chromium, to_html(the_spec), the_spec)
    imported(empty_project, "received.pdf", data)
    assert body_of(empty_project) == ["### 陈竞调研湿地保护修复工作", FIRST,
                                      f"![{LONG_CAPTION}](photo-1.jpg)", SECOND]


def test_reimport_with_force_leaves_only_the_new_imports_files(empty_project: Path):
    """Re-importing a corrected document with --force replaces what the first
    import wrote beside the bulletin: no stale photo-2 published unreferenced,
    no second original stopping the build; a file the editor added stays."""
    imported(empty_project, "received.docx", to_docx(spec(jpeg(800, 600), png(600, 400))))
    (empty_project / FOLDER / "original.pdf").write_bytes(b"%PDF-1.4 an older rendition\n")  # kept by hand
    (empty_project / FOLDER / "map.png").write_bytes(png(300, 200))  # the editor's own, not an import's
    one_photo = Spec(blocks=[("headline", "陈竞调研湿地保护修复工作"), ("para", FIRST),
                             ("photo", jpeg(800, 600), "图1 陈竞率队实地调研现场"), ("para", SECOND)])
    (empty_project / "corrected.docx").write_bytes(to_docx(one_photo))
    result = run_cli("import", "corrected.docx", "--force", cwd=empty_project)
    assert result.code == 0, result.err
    assert sorted(p.name for p in (empty_project / FOLDER).iterdir()) == ["map.png", "original.docx", "photo-1.jpg"]
    assert "删去先前导入留下的 2 个文件（original.pdf、photo-2.png）" in result.out
    english = run_cli("import", "corrected.docx", "--force", "--lang", "en", cwd=empty_project)
    assert english.code == 0 and "removed" not in english.out  # nothing left from before this time
