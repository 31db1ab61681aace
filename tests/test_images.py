"""Photos at build time (build/images.py): resized, stripped of metadata,
byte-identical across builds, made once, and a bad photo fails the build
with path:line while the old site stays whole."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest
from PIL import Image

from briefsite.build import images
from briefsite.build.site import build
from briefsite.content.config import Config
from briefsite.content.media import Limits, inspect_image
from conftest import run_cli
from photo_helpers import PHOTO_LINE, jpeg, photo_bulletin, png

PAGE = "bulletins/yiyang/2024-05-10-1/"


def tree(site: Path) -> dict[str, tuple[str, int, int]]:
    """Every file: (sha256, inode, mtime_ns)."""
    result = {}
    for path in sorted(site.rglob("*")):
        if path.is_file():
            st = path.stat()
            result[path.relative_to(site).as_posix()] = (hashlib.sha256(path.read_bytes()).hexdigest(),
                                                         st.st_ino, st.st_mtime_ns)
    return result


def resized(tmp_path: Path, data: bytes, name: str = "p.jpg"):
    path = tmp_path / name
    path.write_bytes(data)
    image = inspect_image(path, Limits())
    return image, images.resize(data, image, Limits())


def test_widths_are_never_upscaled(tmp_path):
    _, (rendition, files) = resized(tmp_path, jpeg(2000, 1000))
    assert [(v.width, v.height) for v in rendition.variants] == [(480, 240), (960, 480), (1600, 800)]
    _, (small, _) = resized(tmp_path, jpeg(700, 350))
    assert [(v.width, v.height) for v in small.variants] == [(480, 240), (700, 350)]
    _, (tiny, _) = resized(tmp_path, png(300, 200), "c.png")
    assert [(v.width, v.format) for v in tiny.variants] == [(300, "PNG")]
    for name, blob in files.items():
        with Image.open(io.BytesIO(blob)) as out:
            assert out.format == {"jpg": "JPEG", "webp": "WEBP"}[name.rsplit(".", 1)[1]]


def test_no_metadata_survives_in_any_output(tmp_path):
    """EXIF (with the GPS position), the JPEG comment, and the colour profile
    (converted to sRGB) are gone from every resized copy."""
    source = Image.open(io.BytesIO(jpeg(1000, 600)))
    assert source.getexif().get_ifd(0x8825), "the test photo carries a GPS position"
    assert source.info.get("comment")
    _, (rendition, files) = resized(tmp_path, jpeg(1000, 600))
    assert rendition.webp, "WebP is smaller for a photo"
    for name, blob in files.items():
        with Image.open(io.BytesIO(blob)) as out:
            assert len(out.getexif()) == 0, name
            assert not ({"exif", "comment", "icc_profile", "xmp", "XML:com.adobe.xmp"} & set(out.info)), name
        assert b"Exif" not in blob and b"GPS" not in blob and b"inspection site" not in blob, name


def test_the_camera_orientation_is_applied_before_exif_goes(tmp_path):
    _, (rendition, files) = resized(tmp_path, jpeg(1200, 800, orientation=6))
    assert (rendition.largest.width, rendition.largest.height) == (800, 1200)


def test_webp_only_where_it_is_smaller(tmp_path):
    # A flat two-colour chart: PNG is tiny, lossless WebP is not always smaller.
    for data, name in ((jpeg(800, 600), "a.jpg"), (png(400, 300), "b.png")):
        _, (rendition, files) = resized(tmp_path, data, name)
        own = sum(len(files[v.file]) for v in rendition.variants)
        if rendition.webp:
            assert sum(len(files[v.file]) for v in rendition.webp) < own
        else:
            assert not any(n.endswith(".webp") for n in files)


def test_resizing_is_deterministic(tmp_path):
    _, (_, first) = resized(tmp_path, jpeg(1700, 900))
    _, (_, second) = resized(tmp_path, jpeg(1700, 900))
    assert first == second


@pytest.fixture
def photo_project(empty_project):
    photo_bulletin(empty_project, {"photo-1.jpg": jpeg(1700, 1000), "chart.png": png(600, 400)})
    return empty_project


def test_two_builds_are_byte_identical(photo_project):
    first = run_cli("build", "--no-search", "--out", "one", cwd=photo_project)
    second = run_cli("build", "--no-search", "--no-cache", "--out", "two", cwd=photo_project)
    assert first.code == second.code == 0, first.err + second.err
    one = {k: v[0] for k, v in tree(photo_project / "one").items()}
    two = {k: v[0] for k, v in tree(photo_project / "two").items()}
    assert one == two
    assert {f"{PAGE}photo-1-{w}.{e}" for w in (480, 960, 1600) for e in ("jpg", "webp")} <= set(one)
    assert f"{PAGE}chart-600.png" in one


def test_an_edit_to_one_photo_rewrites_only_its_files(photo_project, monkeypatch):
    out = photo_project / "site"
    source = photo_project / "bulletins"
    build(source, out, Config(), search=False)
    before = tree(out)
    made = []
    original = images.resize
    monkeypatch.setattr(images, "resize", lambda *a: made.append(a[1].name) or original(*a))
    summary = build(source, out, Config(), search=False)  # nothing changed: nothing made
    assert made == [] and summary.written == 0
    (source / "yiyang/2024-05-10-1/photo-1.jpg").write_bytes(jpeg(1700, 1000, colour=(30, 160, 60)))
    build(source, out, Config(), search=False)
    after = tree(out)
    assert made == ["photo-1.jpg"], "only the edited photo is processed again"
    changed = {path for path in after if after[path] != before.get(path)}
    assert changed == {f"{PAGE}photo-1-{w}.{e}" for w in (480, 960, 1600) for e in ("jpg", "webp")}
    # Same bytes as a clean build of the edited archive.
    build(source, photo_project / "clean", Config(), search=False, cache=False)
    assert {k: v[0] for k, v in tree(photo_project / "clean").items()} == {k: v[0] for k, v in after.items()}


@pytest.mark.parametrize("case", ["missing", "text posing as jpg", "oversized", "damaged"])
def test_a_bad_photo_fails_the_build_at_its_line_and_keeps_the_old_site(photo_project, case):
    assert run_cli("build", "--no-search", cwd=photo_project).code == 0
    before = tree(photo_project / "site")
    folder = photo_project / "bulletins/yiyang/2024-05-10-1"
    if case == "missing":
        (folder / "photo-1.jpg").unlink()
        chinese = "bulletins/yiyang/2024-05-10-1/ 中没有照片 photo-1.jpg"
        english = "photo photo-1.jpg not found in bulletins/yiyang/2024-05-10-1/"
    elif case == "text posing as jpg":
        (folder / "photo-1.jpg").write_text("这是一段文字，不是照片。\n")
        chinese = "不是 JPEG、PNG、GIF 或 WebP 图片，按文件内容判断，与扩展名无关"
        english = "is not a JPEG, PNG, GIF or WebP image (judged by its content, not its name)"
    elif case == "oversized":
        (photo_project / "briefsite.yaml").write_text("image_max_megapixels: 1\n")
        chinese = "照片有 2 百万像素，超过 1 百万像素的上限"
        english = "image is 2 megapixels; the limit is 1 megapixels"
    else:  # a JPEG cut short: its header is fine, its pixels are not
        (folder / "photo-1.jpg").write_bytes(jpeg(1700, 1000)[:2000])
        chinese = "photo-1.jpg 的 JPEG 数据无法解码："
        english = "the JPEG data of photo-1.jpg cannot be decoded: "
    for expected, language in ((chinese, ()), (english, ("--lang", "en"))):
        result = run_cli("build", "--no-search", *language, cwd=photo_project)
        assert result.code == 1
        assert f"bulletins/yiyang/2024-05-10-1.md:{PHOTO_LINE}: error: " in result.err
        assert expected in result.err
        assert "Traceback" not in result.err
        assert tree(photo_project / "site") == before


def test_feeds_show_each_photo_where_it_stands(photo_project):
    assert run_cli("build", "--no-search", cwd=photo_project).code == 0
    feed = (photo_project / "site/feed.xml").read_text(encoding="utf-8")
    assert "briefsite:figure" not in feed
    assert ('&lt;figure&gt;&lt;img src="photo-1-1600.jpg" alt="现场照片1"&gt;'
            '&lt;figcaption&gt;图1 现场照片1&lt;/figcaption&gt;&lt;/figure&gt;') in feed
    assert '&lt;img src="chart-600.png" alt="现场照片2"&gt;' in feed
    for name in ("photo-1-1600.jpg", "chart-600.png"):  # what the feed links is published
        assert (photo_project / "site" / PAGE / name).is_file()


def test_check_decodes_every_photo_but_encodes_none(photo_project, monkeypatch):
    from briefsite.build.site import check

    monkeypatch.setattr(images, "resize", lambda *a: pytest.fail("check encoded a photo"))
    summary = check(photo_project / "bulletins", Config())
    assert summary.files == len(tree_of_build(photo_project))
    (photo_project / "bulletins/yiyang/2024-05-10-1/photo-1.jpg").write_bytes(jpeg(1700, 1000)[:2000])
    result = run_cli("check", cwd=photo_project)
    assert result.code == 1 and f"2024-05-10-1.md:{PHOTO_LINE}: error: " in result.err
    assert "photo-1.jpg 的 JPEG 数据无法解码" in result.err


def tree_of_build(root: Path) -> dict:
    assert run_cli("build", "--no-search", "--out", "built", cwd=root).code == 0
    return {path: v for path, v in tree(root / "built").items() if path != ".briefsite"}  # the folder's marker


def test_photos_no_longer_published_leave_the_image_store(photo_project):
    source = photo_project / "bulletins"
    build(source, photo_project / "site", Config(), search=False)
    store = photo_project / ".briefsite-cache" / "images"
    assert len(list(store.glob("*/*"))) == 2  # a folder per photo
    (source / "yiyang/2024-05-10-1/chart.png").unlink()
    text = (source / "yiyang/2024-05-10-1.md").read_text(encoding="utf-8")
    (source / "yiyang/2024-05-10-1.md").write_text(text.replace("![现场照片2](chart.png)", ""), encoding="utf-8")
    build(source, photo_project / "site", Config(), search=False)
    assert len(list(store.glob("*/*"))) == 1
    assert not (photo_project / "site" / PAGE / "chart-600.png").exists()


def test_gif_becomes_png_and_webp_stays_webp(tmp_path):
    frames = [Image.new("P", (600, 300), i) for i in (1, 2)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], comment=b"secret")
    _, (rendition, files) = resized(tmp_path, buffer.getvalue(), "anim.gif")
    assert [(v.width, v.format) for v in rendition.variants] == [(480, "PNG"), (600, "PNG")]
    webp = io.BytesIO()
    Image.new("RGB", (500, 200), (1, 2, 3)).save(webp, "WEBP")
    _, (rendition, files) = resized(tmp_path, webp.getvalue(), "w.webp")
    assert [(v.width, v.format) for v in rendition.variants] == [(480, "WEBP"), (500, "WEBP")]
    assert rendition.webp == () and sorted(files) == ["480.webp", "500.webp"]


def test_a_damaged_image_store_costs_time_never_a_wrong_photo(photo_project):
    """Every file of the image store cut short: the next build (site deleted,
    so every photo is written again) equals a clean build."""
    source = photo_project / "bulletins"
    build(source, photo_project / "clean", Config(), search=False, cache=False)
    clean = {k: v[0] for k, v in tree(photo_project / "clean").items() if k != ".briefsite"}
    build(source, photo_project / "site", Config(), search=False)
    files = [p for p in (photo_project / ".briefsite-cache" / "images").rglob("*") if p.is_file()]
    assert len(files) > 5
    for path in files:
        path.write_bytes(path.read_bytes()[:20])
    import shutil

    shutil.rmtree(photo_project / "site")
    build(source, photo_project / "site", Config(), search=False)
    assert {k: v[0] for k, v in tree(photo_project / "site").items() if k != ".briefsite"} == clean
