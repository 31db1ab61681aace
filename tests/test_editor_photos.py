"""editor/photos.py: what import calls to put a document's photos and the
document itself beside a bulletin; the result builds."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from briefsite import i18n
from briefsite.build.site import load_archive
from briefsite.content.config import Config
from briefsite.content.media import Limits
from briefsite.editor.photos import (Photo, caption_like, is_decoration, keep_original, prepare_photos,
                                     store_photos)
from briefsite.errors import BriefsiteError
from photo_helpers import BODY, jpeg, png


def test_photos_are_written_in_order_and_referenced_with_their_captions(empty_project, monkeypatch):
    monkeypatch.chdir(empty_project)
    bulletin = Path("bulletins/yiyang/2024-05-10-1.md")
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 200, 10)).save(buffer, "TIFF")  # a scan: kept as PNG
    emf = b"\x01\x00\x00\x00" + b"\x00" * 36 + b" EMF" + b"\x00" * 20
    stored = store_photos(bulletin, [Photo(jpeg(800, 600), "陈竞率队实地调研 [现场]"), Photo(emf, "流程图"),
                                     Photo(png(), "图2 监测数据"), Photo(buffer.getvalue())])
    assert stored.references == ["![陈竞率队实地调研 \\[现场\\]](photo-1.jpg)", "![图2 监测数据](photo-2.png)",
                                 "![](photo-3.png)"]
    assert stored.written == [Path("bulletins/yiyang/2024-05-10-1") / n for n in ("photo-1.jpg", "photo-2.png", "photo-3.png")]
    assert len(stored.warnings) == 1 and "第 2 张图片（EMF 绘图）" in stored.warnings[0]
    assert (Path("bulletins/yiyang/2024-05-10-1/photo-1.jpg")).read_bytes() == jpeg(800, 600)
    # The references, where the photos stood, make a bulletin that loads.
    bulletin.write_text(BODY.format(photos="\n\n".join(stored.references)), encoding="utf-8")
    original = keep_original(bulletin, b"%PDF-1.7\n...")
    assert original == Path("bulletins/yiyang/2024-05-10-1/original.pdf")
    archive, problems = load_archive(Path("bulletins"), Config())
    [loaded] = archive.bulletins
    assert [f.caption for f in loaded.figures] == ["图1 陈竞率队实地调研 [现场]", "图2 监测数据", "图3"]
    assert loaded.original.kind == "PDF" and problems.warnings == []


def test_nothing_is_overwritten_without_force(empty_project):
    bulletin = empty_project / "bulletins/yiyang/2024-05-10-1.md"
    store_photos(bulletin, [Photo(jpeg(100, 100))])
    with pytest.raises(BriefsiteError, match="文件已存在，未覆盖") as caught:
        store_photos(bulletin, [Photo(jpeg(100, 100, colour=(0, 0, 0)))])
    assert caught.value.hint == "先把它移走，或用 --force 导入"
    with i18n.using(i18n.ENGLISH), pytest.raises(BriefsiteError, match="file exists; not overwritten") as caught:
        store_photos(bulletin, [Photo(jpeg(100, 100, colour=(0, 0, 0)))])
    assert caught.value.hint == "move it away first, or import with --force"
    assert store_photos(bulletin, [Photo(png())], force=True).references == ["![](photo-1.png)"]
    keep_original(bulletin, b"PK\x03\x04 a docx")
    assert (bulletin.with_suffix("") / "original.docx").exists()
    with pytest.raises(BriefsiteError, match="文件已存在"):
        keep_original(bulletin, b"PK\x03\x04 again")
    with pytest.raises(BriefsiteError, match="原件既不是 PDF 也不是 .docx 文件"):
        keep_original(bulletin, b"{\\rtf1 a Word RTF}")
    with i18n.using(i18n.ENGLISH), pytest.raises(BriefsiteError, match="neither a PDF nor a .docx") as caught:
        keep_original(bulletin, b"{\\rtf1 a Word RTF}")
    assert caught.value.hint == "keep the original by hand, or import a PDF or .docx file"


def test_captions_are_the_lines_printed_under_a_photo_that_read_as_captions():
    assert caption_like("图1 陈竞率队实地调研现场", centred=False)
    assert caption_like("图：南洞庭湖水质监测点", centred=False)
    assert caption_like("图为督察组现场检查。", centred=False)  # 图为… is a caption even as a sentence
    assert caption_like("南洞庭湖水质监测点", centred=True)
    assert caption_like("南洞庭湖水质监测点", centred=False, styled=True)  # Word's 题注 style
    assert not caption_like("南洞庭湖水质监测点", centred=False)  # a short line set as body text
    assert not caption_like("二、南县整改情况", centred=True)  # an outline heading
    assert not caption_like("会议强调，要迅速整改。", centred=True)  # a sentence
    assert not caption_like("陈竞调研湿地保护", centred=True, emphasised=True)  # a bold headline
    assert not caption_like("图书馆" + "开放时间延长" * 20, centred=False)  # too long, and not 图N


def test_rules_logos_and_icons_are_decorations_not_photos():
    assert is_decoration(450, 2)  # the red line under a masthead, drawn as a picture
    assert is_decoration(50, 50)  # an emblem
    assert is_decoration(300, 200, (16, 400))  # a few pixels high
    assert not is_decoration(283, 212, (800, 600))
    assert not is_decoration(None, None)  # size unknown: kept


def test_a_damaged_or_oversized_picture_is_left_out_with_its_number_and_the_rest_renumbered():
    prepared = prepare_photos([Photo(jpeg(300, 200)[:2000], "图1", where="第 2 页"), Photo(png(), "图2"),
                               Photo(png(3000, 3000)), Photo(b"", problem="外部链接")],
                              Limits(max_pixels=1_000_000))
    assert [p.name for p in prepared] == [None, "photo-1.png", None, None]
    assert prepared[0].problem.startswith("第 1 张图片（第 2 页）：图片已损坏，无法解码：")
    assert prepared[2].problem.startswith("第 3 张图片：") and "百万像素" in prepared[2].problem
    assert prepared[3].problem == "第 4 张图片：外部链接"
    assert prepared[1].reference == "![图2](photo-1.png)"
    assert prepare_photos([Photo(png(), "图*1* 见 <b> & [现场]")])[0].reference == \
        "![图\\*1\\* 见 \\<b> & \\[现场\\]](photo-1.png)"


def test_pictures_left_out_are_reported_in_english_on_request():
    """Each reason a picture is left out, whole, in the chosen language."""
    emf = b"\x01\x00\x00\x00" + b"\x00" * 36 + b" EMF" + b"\x00" * 20
    photos = [Photo(jpeg(300, 200)[:2000], where="page 2"), Photo(emf), Photo(b"\x00" * 7), Photo(b""),
              Photo(b"", problem="an external link")]
    with i18n.using(i18n.ENGLISH):
        problems = [p.problem for p in prepare_photos(photos)]
    assert problems[0].startswith("picture 1 (page 2): the picture is damaged and cannot be decoded: ")
    assert problems[1:] == [
        "picture 2 (EMF drawing) cannot be shown on a web page: save it as JPEG or PNG and add it by hand",
        "picture 3 (unknown format, 7 bytes) cannot be shown on a web page: save it as JPEG or PNG and add it by hand",
        "picture 4: no picture data",
        "picture 5: an external link"]
    problems = [p.problem for p in prepare_photos(photos[1:4])]
    assert problems == ["第 1 张图片（EMF 绘图）无法在网页上显示，请另存为 JPEG 或 PNG 后手动加入",
                        "第 2 张图片（未知格式，7 字节）无法在网页上显示，请另存为 JPEG 或 PNG 后手动加入",
                        "第 3 张图片：没有图片数据"]
