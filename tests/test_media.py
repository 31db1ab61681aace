"""A bulletin's photos and original (content/media.py): the folder beside the
file, checked against the body's references, by content, before decoding."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from briefsite import i18n
from briefsite.build.site import load_archive, render_site
from briefsite.content import loader, media
from briefsite.content.config import Config, load_config
from briefsite.errors import BuildFailed, Problems
from conftest import minimal, write_bulletin
from photo_helpers import PHOTO_LINE, jpeg, photo_bulletin, png, png_header_only


@pytest.fixture(autouse=True)
def _in_project(empty_project, monkeypatch):
    """Messages name files as the user typed the source folder: bulletins/…"""
    monkeypatch.chdir(empty_project)


def load(root, config: Config | None = None):
    """(archive, problems) of ``root/bulletins``; BuildFailed on errors."""
    return load_archive(Path("bulletins"), config or Config())


def errors_of(root, config: Config | None = None) -> list[str]:
    with pytest.raises(BuildFailed) as failed:
        load(root, config)
    return [p.format() for p in failed.value.problems if p.severity == "error"]


def english_errors_of(root, config: Config | None = None) -> list[str]:
    """``errors_of`` as ``--lang en`` makes them."""
    with i18n.using(i18n.ENGLISH):
        return errors_of(root, config)


def test_photos_are_numbered_in_order_with_their_captions(empty_project):
    photo_bulletin(empty_project, {"photo-1.jpg": jpeg(), "chart.png": png()},
                   ["![陈竞调研湿地保护修复现场](photo-1.jpg)", "![图2 监测数据](chart.png)"])
    archive, problems = load(empty_project)
    figures = archive.bulletins[0].figures
    assert [(f.number, f.caption, f.alt) for f in figures] == [
        (1, "图1 陈竞调研湿地保护修复现场", "陈竞调研湿地保护修复现场"),
        (2, "图2 监测数据", "监测数据"),  # printed 图N kept, not doubled
    ]
    assert [(f.image.format, f.image.width, f.image.height) for f in figures] == [("JPEG", 1200, 800), ("PNG", 300, 200)]
    assert [f.line for f in figures] == [PHOTO_LINE, PHOTO_LINE + 2]
    assert problems.warnings == []


def test_exif_orientation_gives_the_shown_size(empty_project):
    photo_bulletin(empty_project, {"p.jpg": jpeg(1200, 800, orientation=6)})  # a quarter turn
    archive, _ = load(empty_project)
    image = archive.bulletins[0].figures[0].image
    assert (image.width, image.height) == (800, 1200)


def test_the_path_from_the_file_also_names_a_photo(empty_project):
    """What VS Code's and GitHub's previews resolve: 2024-05-10-1/photo-1.jpg."""
    photo_bulletin(empty_project, {"photo-1.jpg": jpeg()}, ["![现场](2024-05-10-1/photo-1.jpg)"])
    archive, _ = load(empty_project)
    assert archive.bulletins[0].figures[0].image.name == "photo-1.jpg"


def test_a_missing_photo_is_an_error_at_its_line(empty_project):
    photo_bulletin(empty_project, {"photo-1.jpg": jpeg()}, ["![现场](photo-1.jpg)", "![现场](photo-2.jpg)"])
    [error] = errors_of(empty_project)
    assert error.startswith(f"bulletins/yiyang/2024-05-10-1.md:{PHOTO_LINE + 2}: error: ")
    assert "error: bulletins/yiyang/2024-05-10-1/ 中没有照片 photo-2.jpg" in error
    assert "把照片放到 bulletins/yiyang/2024-05-10-1/photo-2.jpg" in error
    [english] = english_errors_of(empty_project)
    assert english == (f"bulletins/yiyang/2024-05-10-1.md:{PHOTO_LINE + 2}: error: photo photo-2.jpg not found in "
                       "bulletins/yiyang/2024-05-10-1/ (put the photo at bulletins/yiyang/2024-05-10-1/photo-2.jpg, "
                       "or correct the file name)")


def test_a_photo_differing_only_in_case_is_named(empty_project):
    photo_bulletin(empty_project, {"IMG_0001.JPG": jpeg()}, ["![现场](img_0001.jpg)"])
    [error] = errors_of(empty_project)
    assert "文件夹中有 IMG_0001.JPG" in error
    [english] = english_errors_of(empty_project)
    assert "(the folder has IMG_0001.JPG: upper and lower case of the file name must match)" in english


def test_a_text_file_named_jpg_is_refused_by_its_content(empty_project):
    photo_bulletin(empty_project, {"photo-1.jpg": "这不是照片".encode()})
    [error] = errors_of(empty_project)
    assert error.startswith(f"bulletins/yiyang/2024-05-10-1.md:{PHOTO_LINE}: error: ")
    assert "photo-1.jpg 不是 JPEG、PNG、GIF 或 WebP 图片，按文件内容判断，与扩展名无关" in error
    [english] = english_errors_of(empty_project)
    assert "photo-1.jpg is not a JPEG, PNG, GIF or WebP image (judged by its content, not its name)" in english


def test_a_png_named_jpg_is_a_png(empty_project):
    photo_bulletin(empty_project, {"photo-1.jpg": png()})
    archive, _ = load(empty_project)
    assert archive.bulletins[0].figures[0].image.format == "PNG"


@pytest.mark.parametrize("kind", ["BMP", "TIFF"])
def test_other_image_formats_are_refused(empty_project, kind):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, kind)
    photo_bulletin(empty_project, {"scan.img": buffer.getvalue()})
    [error] = errors_of(empty_project)
    assert "把照片另存为 JPEG 或 PNG" in error


def test_too_many_pixels_are_refused_from_the_header_before_decoding(empty_project, monkeypatch):
    from PIL import ImageFile

    decoded = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: decoded.append(self) or None)
    photo_bulletin(empty_project, {"bomb.png": png_header_only(50_000, 50_000)})
    [error] = errors_of(empty_project)
    assert error.startswith(f"bulletins/yiyang/2024-05-10-1.md:{PHOTO_LINE}: error: ")
    assert "照片有 2500 百万像素，超过 40 百万像素的上限" in error
    assert decoded == []
    [english] = english_errors_of(empty_project)
    assert "image is 2500 megapixels; the limit is 40 megapixels (make the photo smaller" in english


def test_size_limits_come_from_the_config(empty_project):
    (empty_project / "briefsite.yaml").write_text("image_max_mb: 0.001\nimage_max_megapixels: 0.5\n")
    config = load_config(empty_project / "briefsite.yaml")
    photo_bulletin(empty_project, {"big.jpg": jpeg(400, 300), "wide.png": png_header_only(1000, 1000)})
    errors = errors_of(empty_project, config)
    assert any("超过 0.001 MB 的上限" in e and "image_max_mb" in e for e in errors)
    assert any("照片有 1 百万像素，超过 0.5 百万像素的上限" in e and "image_max_megapixels" in e for e in errors)
    english = english_errors_of(empty_project, config)
    assert any("the limit is 0.001 MB" in e and "raise image_max_mb in briefsite.yaml" in e for e in english)
    assert any("image is 1 megapixels; the limit is 0.5 megapixels" in e for e in english)


def test_a_remote_or_outside_photo_is_refused(empty_project):
    photo_bulletin(empty_project, {}, ["![外链](https://example.org/a.jpg)", "![上级](../a.jpg)"])
    errors = errors_of(empty_project)
    assert len(errors) == 2 and all("不是本期简报文件夹 bulletins/yiyang/2024-05-10-1/ 中的文件" in e for e in errors)
    assert "照片 'https://example.org/a.jpg' 不是" in errors[0]
    english = english_errors_of(empty_project)
    assert all("is not a file in the bulletin's folder bulletins/yiyang/2024-05-10-1/" in e for e in english)


def test_a_photo_inside_a_sentence_is_refused(empty_project):
    photo_bulletin(empty_project, {"p.jpg": jpeg()}, ["现场如图![现场](p.jpg)所示。"])
    [error] = errors_of(empty_project)
    assert "照片 p.jpg 夹在一段文字中间" in error and "单独写一行" in error
    [english] = english_errors_of(empty_project)
    assert "photo p.jpg stands inside a paragraph of text (put the ![caption](…) on a line of its own" in english


def test_photo_names_must_survive_a_url(empty_project):
    photo_bulletin(empty_project, {"现场 1.jpg": jpeg()}, ["![现场](现场%201.jpg)"])
    [error] = errors_of(empty_project)
    assert "照片文件名 '现场 1.jpg' 不能用作网址" in error
    [english] = english_errors_of(empty_project)
    assert "photo file name '现场 1.jpg' cannot be part of a URL" in english


def test_unreferenced_photos_and_stray_files_are_warnings(empty_project):
    path = photo_bulletin(empty_project, {"photo-1.jpg": jpeg(), "spare.png": png()}, ["![现场](photo-1.jpg)"])
    (path.with_suffix("") / "notes.txt").write_text("备忘")
    (path.with_suffix("") / ".DS_Store").write_bytes(b"\0")  # hidden: ignored
    archive, problems = load(empty_project)
    assert len(archive.bulletins) == 1
    warnings = sorted(w.format() for w in problems.warnings)
    assert warnings[0].startswith("bulletins/yiyang/2024-05-10-1/notes.txt: warning: 未发布：简报的文件夹只放照片")
    assert warnings[1] == ("bulletins/yiyang/2024-05-10-1/spare.png: warning: 照片未显示：2024-05-10-1.md 没有引用它 "
                           "(在 bulletins/yiyang/2024-05-10-1.md 中照片所在位置加上 ![图注](spare.png)，或删除该文件)")
    assert len(warnings) == 2
    with i18n.using(i18n.ENGLISH):
        _, problems = load(empty_project)
    english = sorted(w.format() for w in problems.warnings)
    assert "warning: not published: a bulletin's folder holds only its photos (JPEG, PNG, GIF, WebP)" in english[0]
    assert english[1] == ("bulletins/yiyang/2024-05-10-1/spare.png: warning: photo not shown: 2024-05-10-1.md does "
                          "not reference it (add ![caption](spare.png) in bulletins/yiyang/2024-05-10-1.md where "
                          "the photo belongs, or delete the file)")


def test_a_bulletins_folder_holds_no_bulletins(empty_project):
    """Its Markdown files are reported, not read as bulletins of their own."""
    path = photo_bulletin(empty_project, {"photo-1.jpg": jpeg()})
    write_bulletin(empty_project, "yiyang/2024-05-10-1/notes.md", minimal(2, "2024-05-11"))
    (path.with_suffix("") / "old").mkdir()
    problems = Problems()
    found = loader.discover(Path("bulletins"), problems)
    assert found == [path.relative_to(empty_project)]
    messages = sorted(p.format() for p in problems.items)
    assert messages[0].startswith("bulletins/yiyang/2024-05-10-1/notes.md: error: ")
    assert "不作为简报读取：bulletins/yiyang/2024-05-10-1/ 存放 bulletins/yiyang/2024-05-10-1.md 的照片和原件" in messages[0]
    assert messages[1].startswith("bulletins/yiyang/2024-05-10-1/old: warning: ")
    assert "未读取的文件夹：bulletins/yiyang/2024-05-10-1/ 只放 bulletins/yiyang/2024-05-10-1.md 的照片" in messages[1]


def test_page_bundles_are_refused_with_the_one_layout(empty_project):
    write_bulletin(empty_project, "yiyang/2024-05-10-1/index.md", minimal())
    errors = errors_of(empty_project)
    assert errors == ["bulletins/yiyang/2024-05-10-1/index.md: error: 不使用页面包（文件夹加 index.md） (简报文件以文件夹命名，放在文件夹旁边："
                      "移到 bulletins/yiyang/2024-05-10-1.md；照片留在 bulletins/yiyang/2024-05-10-1/)"]


def test_originals_are_published_only_when_configured(empty_project):
    path = photo_bulletin(empty_project, {"photo-1.jpg": jpeg()})
    (path.with_suffix("") / "original.pdf").write_bytes(b"%PDF-1.7\n" + b"x" * 1_300_000)
    archive, problems = load(empty_project)
    assert problems.warnings == []
    assert archive.bulletins[0].original.kind == "PDF"
    off = dict(render_site(archive, Config()))
    assert "bulletins/yiyang/2024-05-10-1/original.pdf" not in off
    assert "下载原件" not in off["bulletins/yiyang/2024-05-10-1/index.html"].decode()
    assert json.loads(off["bulletins.json"])["bulletins"][0]["original"] is None
    config = dataclasses.replace(Config(), originals=True)
    on = dict(render_site(archive, config))
    assert on["bulletins/yiyang/2024-05-10-1/original.pdf"] == (path.with_suffix("") / "original.pdf").read_bytes()
    page = on["bulletins/yiyang/2024-05-10-1/index.html"].decode()
    assert '<a href="original.pdf" download>下载原件（PDF，1.2 MB）</a>' in page
    assert json.loads(on["bulletins.json"])["bulletins"][0]["original"] == "bulletins/yiyang/2024-05-10-1/original.pdf"


def test_an_original_is_checked_by_content(empty_project):
    path = photo_bulletin(empty_project, {"photo-1.jpg": jpeg()})
    (path.with_suffix("") / "original.pdf").write_text("not a pdf")
    (path.with_suffix("") / "original.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(BuildFailed) as failed:
        load(empty_project)
    messages = sorted(p.format() for p in failed.value.problems)
    assert messages[0].startswith("bulletins/yiyang/2024-05-10-1/original.doc: warning: ")
    assert "未发布：原件须命名为 original.pdf 或 original.docx" in messages[0]
    assert messages[1].startswith("bulletins/yiyang/2024-05-10-1/original.pdf: error: ")
    assert "original.pdf 不是 PDF 文件，按内容判断" in messages[1]
    with i18n.using(i18n.ENGLISH), pytest.raises(BuildFailed) as failed:
        load(empty_project)
    english = sorted(p.format() for p in failed.value.problems)
    assert "warning: not published: an original is named original.pdf or original.docx" in english[0]
    assert "error: original.pdf is not a PDF file, judged by its content" in english[1]


def test_config_originals_must_be_true_or_false(empty_project):
    (empty_project / "briefsite.yaml").write_text("originals: 是\n")
    with pytest.raises(BuildFailed) as failed:
        load_config(empty_project / "briefsite.yaml")
    assert "originals 只能是 true 或 false" in failed.value.problems[0].format()


def test_sniff_reads_the_bytes_not_the_name():
    assert media.sniff(jpeg(10, 10)[:16]) == "JPEG"
    assert media.sniff(png(10, 10)[:16]) == "PNG"
    assert media.sniff(b"GIF89a\x01\x00") == "GIF"
    assert media.sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "WEBP"
    assert media.sniff(b"RIFF\x00\x00\x00\x00WAVEfmt ") is None
    assert media.sniff("<html>".encode()) is None
