"""A bulletin with photos in real Chromium, at phone and desktop width: every
photo loads (in WebP where that is smaller), in the space the page reserved
for it (no layout shift), with no console error; printed, photos stay inside
the A4 type area."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from .conftest import DESKTOP, PHONE, browse
from .support import ROOT, serve

PAGE = "bulletins/yiyang/2024-05-10-1/"


@pytest.fixture(scope="module")
def photo_site(tmp_path_factory, playwright_browser):
    """The seed archive, with three photos in one bulletin: a landscape photo
    near the top, a portrait one (rotated by its EXIF) and a chart further down."""
    sys.path.insert(0, str(ROOT / "tests"))
    from photo_helpers import jpeg, png

    root = tmp_path_factory.mktemp("photos")
    shutil.copytree(ROOT / "bulletins", root / "bulletins")
    bulletin = root / "bulletins" / "yiyang" / "2024-05-10-1.md"
    folder = bulletin.with_suffix("")
    folder.mkdir()
    (folder / "site.jpg").write_bytes(jpeg(1800, 1200))
    (folder / "portrait.jpg").write_bytes(jpeg(1200, 800, orientation=6))
    (folder / "chart.png").write_bytes(png(640, 360))
    text = bulletin.read_text(encoding="utf-8")
    front, sep, body = text.partition("\n---\n")  # the closing '---' of the front-matter
    head, sep2, rest = body.partition("\n## ")
    body = (front + sep + "\n![陈竞率队实地调研湿地保护修复现场](site.jpg)\n" + head
            + "\n![沅江市车便湖现场](portrait.jpg)\n" + sep2 + rest + "\n![图3 南洞庭湖水质监测数据](chart.png)\n")
    bulletin.write_text(body, encoding="utf-8")
    out = root / "site"
    proc = subprocess.run([sys.executable, "-m", "briefsite", "build", "--no-search", "--source",
                           str(root / "bulletins"), "--config", str(ROOT / "briefsite.yaml"), "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with serve(out) as url:
        yield url


# The layout shifts Chromium saw, and each photo's state once all have loaded.
MEASURE = """async () => {
  const shifts = performance.getEntriesByType('layout-shift').reduce((sum, e) => sum + e.value, 0);
  const photos = [...document.querySelectorAll('figure.photo img')];
  // Bring each lazy photo into view, then wait for every one to load.
  for (const img of photos) { img.scrollIntoView(); await new Promise(r => setTimeout(r, 50)); }
  await Promise.all(photos.map(img => img.complete ? null : new Promise(r => { img.onload = img.onerror = r; })));
  return {
    photos: photos.map(img => {
      const box = img.getBoundingClientRect();
      return {src: img.currentSrc, natural: [img.naturalWidth, img.naturalHeight], attrs: [img.width, img.height],
              box: [box.width, box.height], lazy: img.loading, caption: img.closest('figure').querySelector('figcaption').textContent};
    }),
    shifts: shifts + performance.getEntriesByType('layout-shift').reduce((sum, e) => sum + e.value, 0),
    scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
  };
}"""


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_photos_load_without_layout_shift_or_errors(playwright_browser, photo_site, artifacts, size):
    context, tab = browse(playwright_browser, photo_site, **(PHONE if size == "phone" else DESKTOP))
    try:
        tab.page.add_init_script("""new PerformanceObserver(() => {}).observe({type: 'layout-shift', buffered: true});""")
        tab.open(PAGE)
        result = tab.page.evaluate(MEASURE)
        tab.page.wait_for_load_state("networkidle")
        tab.page.screenshot(path=str(artifacts / f"bulletin-photos-{size}.png"), full_page=True)
        photos = result["photos"]
        assert [p["caption"] for p in photos] == ["图1 陈竞率队实地调研湿地保护修复现场", "图2 沅江市车便湖现场",
                                                  "图3 南洞庭湖水质监测数据"]
        for photo in photos:
            assert photo["natural"][0] > 0, f"{photo['src']} did not load"
            width, height = photo["box"]
            # Shown at the aspect ratio the page reserved (width/height attributes).
            assert abs(width / height - photo["attrs"][0] / photo["attrs"][1]) < 0.02, photo
            assert width <= result["inner"]
        assert photos[0]["src"].endswith(".webp"), "Chromium takes the WebP copy of a photo"
        assert photos[1]["natural"][0] < photos[1]["natural"][1], "the portrait photo stands upright"
        # The photo at the top of the text loads at once; those further down when scrolled to.
        assert [p["lazy"] for p in photos] == ["auto", "lazy", "lazy"]
        assert result["shifts"] == 0, f"layout shift {result['shifts']}"
        assert result["scroll"] <= result["inner"], "nothing scrolls sideways"
        # Chromium may start one srcset candidate and, once the layout is
        # known, abandon it for another width of the same photo (seen under
        # load): not an error as long as every photo loaded (asserted above).
        loaded = {re.sub(r"-\d+\.\w+$", "", p["src"]) for p in photos}
        tab.problems.failed[:] = [f for f in tab.problems.failed
                                  if not (f.endswith("net::ERR_ABORTED")
                                          and re.sub(r"-\d+\.\w+: net::ERR_ABORTED$", "", f) in loaded)]
        assert tab.problems.all() == []
    finally:
        context.close()


def test_a_page_with_photos_has_no_serious_accessibility_violations(playwright_browser, photo_site, axe_source):
    context, tab = browse(playwright_browser, photo_site, **DESKTOP)
    try:
        tab.open(PAGE)
        tab.page.evaluate(MEASURE)
        tab.page.evaluate(axe_source)
        result = tab.page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        serious = [f"{v['id']}: {v['help']}" for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert serious == []
    finally:
        context.close()


def test_printed_photos_stay_inside_the_a4_type_area(playwright_browser, photo_site):
    # GB/T 9704's type area: 156 x 225 mm (CSS px are 1/96 in): the window
    # is as wide as the printed page's type area.
    mm = 96 / 25.4
    context, tab = browse(playwright_browser, photo_site, viewport={"width": round(156 * mm), "height": 900})
    try:
        tab.open(PAGE)
        tab.page.evaluate(MEASURE)  # every photo loaded
        tab.page.emulate_media(media="print")
        boxes = tab.page.evaluate("""() => [...document.querySelectorAll('figure.photo img')].map(img => {
            const b = img.getBoundingClientRect(); return [b.width, b.height]; })""")
        for width, height in boxes:
            assert 0 < width <= 156 * mm + 1 and 0 < height <= 225 * mm + 1, (width / mm, height / mm)
        pdf = tab.page.pdf(format="A4", print_background=True)
        assert pdf.startswith(b"%PDF")
        assert tab.problems.all() == []
    finally:
        context.close()
