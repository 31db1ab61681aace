"""Printing a bulletin from Chromium gives A4 pages with the masthead on page one."""

from __future__ import annotations

import io
import unicodedata

from pypdf import PdfReader

A4_POINTS = (595.28, 841.89)  # 210 x 297 mm


def test_bulletin_prints_on_a4_with_masthead_first(browsing, artifacts):
    browsing.open("bulletins/yiyang/2024-05-10-1/")
    masthead = browsing.page.locator(".masthead-title").inner_text().strip()
    assert masthead == "益阳市配合中央生态环境保护督察工作简报"
    pdf = browsing.page.pdf(format="A4", print_background=True)
    (artifacts / "bulletin.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 1
    for number, page in enumerate(reader.pages, 1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - A4_POINTS[0]) < 1 and abs(height - A4_POINTS[1]) < 1, \
            f"page {number} is {width:.1f} x {height:.1f} pt, not A4"
    # Spaces removed and NFKC applied: the CJK font maps some glyphs to Kangxi
    # radicals (⽣ U+2F63 for 生), which NFKC folds back to the ideographs.
    first = unicodedata.normalize("NFKC", "".join(reader.pages[0].extract_text().split()))
    assert masthead in first, "the masthead title is printed on page one"
    # The print stylesheet leaves the site's navigation off the paper.
    assert "跳到正文" not in first and "年度归档" not in first
    assert browsing.problems.all() == []
