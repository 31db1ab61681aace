"""Bulletins laid out as the editor receives them: Word files (python-docx) and PDFs
(an HTML page set like a GB/T 9704 bulletin, printed by headless Chromium).

One ``Spec`` describes a bulletin: masthead, optional 导读, body blocks, 版记.
``to_docx`` and ``to_html`` lay the same spec out; the tests import the
results and compare with what the spec says the bulletin holds.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass, field

import pytest

Block = tuple  # ("section"|"headline"|"para"|"outline", text), ("table", rows) or ("photo", bytes, caption)


@dataclass
class Spec:
    title: str | None = "益阳市配合中央生态环境保护督察工作简报"
    issue: str = "第 3 期"
    issuer: str = "益阳市配合中央生态环境保护督察协调联络专班"
    date: str = "2024年5月12日"
    guide_label: str | None = None  # e.g. "本期要目"
    guide: list[str] = field(default_factory=list)  # items as printed (bullets, leaders, page numbers)
    blocks: list[Block] = field(default_factory=list)
    closing: list[str] = field(default_factory=lambda: [
        "报：市委办公室，市人大常委会办公室。",
        "益阳市配合中央生态环境保护督察协调联络专班 2024年5月12日印发"])
    running_head: str | None = None  # printed at the top of every page
    page_numbers: bool = True  # "— N —" at the foot of every page
    picture: bool = False


# ---------------------------------------------------------------- Word

def to_docx(spec: Spec) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    document = docx.Document()
    section = document.sections[0]
    if spec.running_head:
        section.header.paragraphs[0].text = spec.running_head
    if spec.page_numbers:
        section.footer.paragraphs[0].text = "— 1 —"

    def paragraph(text: str, *, size: float = 16, bold: bool = False, color=None, center=False,
                  indent=True):
        p = document.add_paragraph()
        run = p.add_run(text)
        run.font.size = Pt(size)
        run.bold = bold
        if color:
            run.font.color.rgb = RGBColor(*color)
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif indent:
            p.paragraph_format.first_line_indent = Pt(2 * size)
        return p

    def border(p, edge: str) -> None:
        ppr = p._p.get_or_add_pPr()
        borders = OxmlElement("w:pBdr")
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), "12")
        line.set(qn("w:color"), "FF0000")
        borders.append(line)
        ppr.append(borders)

    if spec.title:
        paragraph(spec.title, size=26, bold=True, color=(0xE0, 0, 0), center=True)
    paragraph(spec.issue, center=True)
    meta = paragraph(f"{spec.issuer}\t{spec.date}", size=14, indent=False)
    border(meta, "bottom")
    if spec.guide_label:
        paragraph(spec.guide_label, bold=True, center=True)
        for item in spec.guide:
            paragraph(item, indent=False)
    for block in spec.blocks:
        kind = block[0]
        if kind == "table":
            rows = block[1]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            table.style = "Table Grid"
            for r, row in enumerate(rows):
                for c, text in enumerate(row):
                    table.cell(r, c).text = text
        elif kind == "photo":  # a picture 10 cm wide, its caption centred under it (as Word's 题注)
            from docx.shared import Cm

            document.add_picture(io.BytesIO(block[1]), width=Cm(10))
            document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            if block[2]:
                paragraph(block[2], size=14, center=True)
        elif kind in ("section", "headline"):
            paragraph(block[1], size=18 if kind == "headline" else 16, bold=True, center=True)
        elif kind == "outline":
            paragraph(block[1], bold=True)
        else:
            paragraph(block[1])
    if spec.picture:
        from PIL import Image

        image = io.BytesIO()
        Image.new("RGB", (120, 80), (200, 30, 30)).save(image, format="PNG")
        image.seek(0)
        document.add_picture(image)
    for k, text in enumerate(spec.closing):
        p = paragraph(text, size=14, indent=False)
        if k == 0:
            border(p, "top")
        if k == len(spec.closing) - 1:
            border(p, "bottom")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- PDF (HTML printed by Chromium)

CSS = """
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
body { font-family: 'Noto Serif CJK SC', serif; font-size: 16pt; line-height: 28pt; margin: 0; }
.title { color: #e00; font-size: 26pt; font-weight: bold; text-align: center; line-height: 40pt; margin: 0 0 18pt; }
.issue { text-align: center; }
.meta { display: flex; justify-content: space-between; font-size: 14pt; border-bottom: 2px solid #e00;
        padding-bottom: 4pt; margin-bottom: 18pt; }
h2, h3 { text-align: center; font-size: 18pt; font-weight: bold; margin: 12pt 0; line-height: 28pt; }
h2 { font-size: 16pt; }
.outline { font-weight: bold; text-indent: 2em; margin: 0; }
p { text-indent: 2em; margin: 0; text-align: justify; }
.guide p { text-indent: 0; }
table { border-collapse: collapse; margin: 8pt auto; } td { border: 1px solid #000; padding: 2pt 8pt; }
table.plain td { border: 0; padding: 0 20pt; }
.closing { border-top: 1px solid #000; border-bottom: 1px solid #000; margin-top: 28pt; font-size: 14pt; }
.closing p { text-indent: 0; }
.photo, .caption { text-indent: 0; text-align: center; } .caption { font-size: 14pt; }
"""


def to_html(spec: Spec) -> str:
    e = html.escape
    out = [f"<!doctype html><html lang=zh-CN><head><meta charset=utf-8><style>{CSS}</style></head><body>"]
    if spec.title:
        out.append(f"<div class=title>{e(spec.title)}</div>")
    out.append(f"<div class=issue>{e(spec.issue)}</div>")
    out.append(f"<div class=meta><span>{e(spec.issuer)}</span><span>{e(spec.date)}</span></div>")
    if spec.guide_label:
        out.append(f"<div class=guide><h2>{e(spec.guide_label)}</h2>")
        out.extend(f"<p>{e(item)}</p>" for item in spec.guide)
        out.append("</div>")
    for block in spec.blocks:
        kind = block[0]
        if kind in ("table", "plain_table"):
            cls = " class=plain" if kind == "plain_table" else ""
            out.append(f"<table{cls}>" + "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>"
                                                 for row in block[1]) + "</table>")
        elif kind == "photo":
            import base64

            mime = "png" if block[1].startswith(b"\x89PNG") else "jpeg"
            out.append(f"<p class=photo><img alt='' style='width:10cm' "
                       f"src='data:image/{mime};base64,{base64.b64encode(block[1]).decode()}'></p>")
            if block[2]:
                out.append(f"<p class=caption>{e(block[2])}</p>")
        elif kind == "section":
            out.append(f"<h2>{e(block[1])}</h2>")
        elif kind == "headline":
            out.append(f"<h3>{e(block[1])}</h3>")
        elif kind == "outline":
            out.append(f"<p class=outline>{e(block[1])}</p>")
        else:
            out.append(f"<p>{e(block[1])}</p>")
    if spec.picture:
        out.append("<p style='text-indent:0'><img alt='' style='width:120pt;height:80pt' src='data:image/svg+xml,"
                   "%3Csvg xmlns=%22http://www.w3.org/2000/svg%22 width=%2212%22 height=%228%22%3E%3Crect "
                   "width=%2212%22 height=%228%22 fill=%22%23c33%22/%3E%3C/svg%3E'></p>")
    out.append("<div class=closing>" + "".join(f"<p>{e(t)}</p>" for t in spec.closing) + "</div>")
    out.append("</body></html>")
    return "".join(out)


def print_pdf(browser, page_html: str, spec: Spec | None = None) -> bytes:
    page = browser.new_page()
    try:
        page.set_content(page_html, wait_until="load")
        head = spec.running_head if spec else None
        numbers = spec.page_numbers if spec else False
        return page.pdf(
            format="A4", print_background=True, display_header_footer=bool(head or numbers),
            header_template=(f"<div style='font-size:9pt;width:100%;text-align:center'>{html.escape(head)}</div>"
                             if head else "<span></span>"),
            footer_template=("<div style='font-size:10pt;width:100%;text-align:center'>— "
                             "<span class=pageNumber></span> —</div>" if numbers else "<span></span>"),
            margin={"top": "37mm", "bottom": "35mm", "left": "28mm", "right": "26mm"})
    finally:
        page.close()


@pytest.fixture(scope="session")
def chromium(chromium_browser):
    """The session's Chromium (tests/conftest.py): skipped without it, a failure under CI=true."""
    return chromium_browser
