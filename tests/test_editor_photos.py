"""editor/photos.py: what import calls to put a document's photos and the
document itself beside a bulletin; the result builds."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from briefsite.build.site import load_archive
from briefsite.content.config import Config
from briefsite.editor.photos import Photo, keep_original, store_photos
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
    with pytest.raises(BriefsiteError, match="file exists; not overwritten"):
        store_photos(bulletin, [Photo(jpeg(100, 100, colour=(0, 0, 0)))])
    assert store_photos(bulletin, [Photo(png())], force=True).references == ["![](photo-1.png)"]
    keep_original(bulletin, b"PK\x03\x04 a docx")
    assert (bulletin.with_suffix("") / "original.docx").exists()
    with pytest.raises(BriefsiteError, match="file exists"):
        keep_original(bulletin, b"PK\x03\x04 again")
    with pytest.raises(BriefsiteError, match="neither a PDF nor a .docx"):
        keep_original(bulletin, b"{\\rtf1 a Word RTF}")


def test_a_word_files_photos_come_in_order_with_the_captions_under_them():
    from briefsite.editor.photos import docx_photos
    from photo_helpers import docx

    data = docx(["益阳市配合中央生态环境保护督察工作简报", "5月9日，陈竞率队赴沅江市实地调研。", jpeg(300, 200),
                 "图1 陈竞率队实地调研现场", "正文继续。", png(), ("center", "南洞庭湖水质监测数据"),
                 jpeg(100, 100), "这一段是正文而不是图注，因为它既不以图开头，也没有居中，说的是整改工作的下一步安排。"])
    placed = docx_photos(data)
    assert [(p.paragraph, p.photo.caption, p.caption_paragraph) for p in placed] == [
        (2, "图1 陈竞率队实地调研现场", 3), (5, "南洞庭湖水质监测数据", 6), (7, "", None)]
    assert placed[0].photo.data == jpeg(300, 200) and placed[1].photo.data == png()
    with pytest.raises(ValueError, match="not a readable .docx"):
        docx_photos(b"PK\x03\x04 broken")


def test_imported_photos_stand_where_they_stood_and_their_captions_leave_the_text(empty_project):
    from briefsite.editor.photos import docx_photos, place_photos
    from photo_helpers import docx

    data = docx(["5月9日，陈竞率队赴沅江市实地调研。", jpeg(300, 200), "图1 陈竞率队实地调研现场",
                 "罗讯要求，各相关部门迅速整改到位。", png(), ("center", "南洞庭湖水质监测数据"), "正文完。"])
    placed = docx_photos(data)
    imported = ("---\ntitle: 简报\n---\n\n### 调研\n\n5月9日，陈竞率队赴沅江市实地调研。\n\n图1 陈竞率队实地调研现场\n\n"
                "罗讯要求，各相关部门迅速整改到位。\n\n南洞庭湖水质监测数据\n\n正文完。\n")
    bulletin = empty_project / "bulletins/yiyang/2024-05-10-1.md"
    stored = store_photos(bulletin, [p.photo for p in placed])
    assert place_photos(imported, placed, stored.by_photo) == (
        "---\ntitle: 简报\n---\n\n### 调研\n\n5月9日，陈竞率队赴沅江市实地调研。\n\n![图1 陈竞率队实地调研现场](photo-1.jpg)\n\n"
        "罗讯要求，各相关部门迅速整改到位。\n\n![南洞庭湖水质监测数据](photo-2.png)\n\n正文完。\n")
    # A photo whose paragraph is not found is kept at the end: none is lost.
    lost = place_photos("---\ntitle: 简报\n---\n\n别的正文。\n", placed[:1], stored.by_photo[:1])
    assert lost == "---\ntitle: 简报\n---\n\n别的正文。\n\n![图1 陈竞率队实地调研现场](photo-1.jpg)\n"
