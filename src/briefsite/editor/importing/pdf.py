"""PDF reader: the text layer with its layout (pdfplumber over pdfminer.six) as the line stream.

pdfplumber gives every character's font, size, colour and position, the
drawn lines and rectangles, and finds ruled tables: what a copy-paste loses.
From them, per page, in reading order:

- printed lines, joined into paragraphs where a line runs to the right margin
  and the next starts flush left (GB/T 9704 indents each paragraph's first
  line by two characters), across page breaks too;
- furniture: lines in the header or footer zone that repeat on several pages
  (running heads, page numbers, with digits counted as equal) or that are a
  page number ("— 3 —", "第 3 页", "3/5"): named and counted, never body text;
- rules: horizontal lines or thin rectangles at least half the text width
  (the red line under the masthead, the lines around the 版记);
- tables (ruled), as rows of cells;
- pictures (taken out by PDFium through pypdfium2, which decodes every PDF
  image filter and colour space; a JPEG is taken as it is stored), each a
  "figure" line where it stands, with the caption printed under it (that
  line is the caption, not text); a picture too small to be a photo (a rule,
  the masthead's emblem, a logo) is a decoration, counted. The pixel limit is
  checked before PDFium decodes a picture; one it cannot decode is reported
  with its page.

A PDF without a text layer (a scan) is refused: it needs OCR first.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from dataclasses import dataclass, replace

from briefsite.errors import BriefsiteError
from briefsite.content.controlchars import refusal
from briefsite.content.media import Limits
from briefsite.editor.photos import MAX_CAPTION, OUTLINE_START, Photo, caption_like, is_decoration
from briefsite.i18n import _
from .layout import CONTROL_RE, Document, Line, fold_radicals
from .textshape import ends_sentence, is_wide, join_broken, nonspace

HEADER_ZONE = 0.12  # of the page height: running heads sit above, page numbers below 1 - this
PAGE_NUMBER_RE = re.compile(r"^(?:[—–\-－─~～·•]*\s*\d{1,4}\s*[—–\-－─~～·•]*|第\s*\d{1,4}\s*页.*|"
                            r"\d{1,4}\s*/\s*\d{1,4}|page\s*\d+(?:\s*of\s*\d+)?)$", re.I)
LABEL_START_RE = re.compile(r"^\s*[\u4e00-\u9fff]{1,4}\s*[：:]")
BOLD_FONT_RE = re.compile(r"bold|black|heavy|semibold|demi|hei|黑|xbs|xiaobiaosong|小标宋", re.I)


@dataclass
class _Printed:
    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    text: str
    size: float
    bold: bool
    color: str | None
    edge_bold: tuple[bool, bool] = (False, False)  # the first and last character's weight
    max_gap: float = 0.0  # the widest gap between two characters (issuer ⟷ date set apart)
    first_word: float = 0.0  # width of the Latin word the line opens with (0: opens with CJK)
    kind: str = "text"  # "text", "rule", "table"
    cells: tuple[str, ...] = ()
    why: str = ""
    photo: Photo | None = None  # kind "image": the picture
    figure: int | None = None  # kind "image": its index in Document.photos


@dataclass(frozen=True)
class _Picture:
    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    photo: Photo


def read_pdf(data: bytes, path: str, limits: Limits = Limits()) -> Document:
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        import pdfplumber
        from pdfminer.pdfdocument import PDFPasswordIncorrect
        from pdfminer.psparser import PSException

        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many kinds for a broken file
        if exc.__class__.__name__ in ("PDFPasswordIncorrect", "PDFEncryptionError"):
            raise BriefsiteError(path, 0, _("the PDF is password-protected and cannot be read"),
                                 hint=_("ask the issuing body for an unencrypted file")) from None
        raise _broken(path) from None
    try:
        with pdf:
            pictures, decorations = _pictures(data, pdf, limits)
            printed, geometry = _read_pages(pdf, path, pictures)
    except BriefsiteError:
        raise
    except (PSException, PDFPasswordIncorrect, ValueError, KeyError, TypeError, AttributeError,
            IndexError, ZeroDivisionError, RecursionError):
        raise _broken(path) from None
    for p in printed:
        bad = CONTROL_RE.search(p.text + "".join(p.cells))
        if bad:
            raise BriefsiteError(path, 0, _("the text of page {page} {problem}").format(
                page=p.page, problem=refusal(bad.group())[0]),
                hint=_("export the PDF again from the original, or import the Word file"))
    glyphs = "".join(p.text + "".join(p.cells) for p in printed)
    if glyphs.count("(cid:") * 8 > max(1, len(nonspace(glyphs))) // 2:
        raise BriefsiteError(path, 0, _("the PDF's fonts map their glyphs to no text, so no text can be taken "
                                        "out: it needs text recognition (OCR) before it is imported"),
                             hint=_("e.g. ocrmypdf -l chi_sim --force-ocr in.pdf out.pdf, or ask for the Word "
                                    "original"))
    if not any(p.kind == "text" or p.kind == "table" for p in printed):
        raise BriefsiteError(path, 0, _("this PDF has no text layer (a scan): it needs text recognition (OCR) "
                                        "before it is imported"),
                             hint=_("e.g. ocrmypdf -l chi_sim in.pdf out.pdf gives it a text layer"))
    _mark_furniture(printed, geometry)
    photos = _captions(printed)
    lines, body_size = _paragraphs(printed, geometry)
    return Document(path, "pdf", lines, photos, body_size, decorations)


def _broken(path: str) -> BriefsiteError:
    return BriefsiteError(path, 0, _("the PDF file is damaged or cannot be read"),
                          hint=_("download the PDF again or save it anew, then import it"))


def _color(value) -> str | None:
    """pdfplumber's fill colour (gray, RGB or CMYK, 0–1) as #rrggbb."""
    if not isinstance(value, (tuple, list)) or not value:
        return None
    try:
        comps = [float(v) for v in value]
    except (TypeError, ValueError):
        return None
    if len(comps) == 1:
        r = g = b = comps[0]
    elif len(comps) == 3:
        r, g, b = comps
    elif len(comps) == 4:
        c, m, y, k = comps
        r, g, b = (1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)
    else:
        return None
    return "#" + "".join(f"{max(0, min(255, round(v * 255))):02x}" for v in (r, g, b))


def _inside(obj, box, pad: float = 1.0) -> bool:
    x0, top, x1, bottom = box
    return obj["x0"] >= x0 - pad and obj["x1"] <= x1 + pad and obj["top"] >= top - pad \
        and obj["bottom"] <= bottom + pad


def _read_pages(pdf, path: str, pictures: list[_Picture]) -> tuple[list[_Printed], dict]:
    printed: list[_Printed] = []
    heights: dict[int, float] = {}
    for number, page in enumerate(pdf.pages, start=1):
        heights[number] = float(page.height)
        # A ruled box around text (a framed masthead or 版记) is found as a one-column
        # "table": it is not one, and its text is read as lines.
        tables = [t for t in page.find_tables() if max((len(r.cells) for r in t.rows), default=0) >= 2]
        boxes = [t.bbox for t in tables]
        items: list[_Printed] = []
        for table in tables:
            x0, top, x1, bottom = table.bbox
            for k, row in enumerate(table.extract()):
                cells = tuple(fold_radicals(" ".join((c or "").split())) for c in row)
                if any(cells):
                    items.append(_Printed(number, top + k * 0.01, bottom, x0, x1, "", 0, False, None,
                                          kind="table", cells=cells))
        text_page = page.filter(lambda o: o.get("object_type") != "char"
                                or not any(_inside(o, b) for b in boxes)) if boxes else page
        for line in text_page.extract_text_lines(return_chars=True, strip=True, keep_blank_chars=True):
            every = line["chars"]
            chars = [c for c in every if c["text"].strip()]
            if not chars:
                continue
            word = 0.0
            for c in chars:
                if is_wide(c["text"][0]) or (word and float(c["x0"]) - chars[0]["x1"] > 0 and c["text"] in " "):
                    break
                word = float(c["x1"]) - float(chars[0]["x0"])
            sizes = Counter(round(float(c["size"]) * 2) / 2 for c in chars)
            fonts = Counter(c.get("fontname", "") for c in chars)
            colors = Counter(_color(c.get("non_stroking_color")) for c in chars)
            font = fonts.most_common(1)[0][0]
            items.append(_Printed(number, float(line["top"]), float(line["bottom"]), float(line["x0"]),
                                  float(line["x1"]), fold_radicals(_text(every)),
                                  sizes.most_common(1)[0][0], bool(BOLD_FONT_RE.search(font)),
                                  colors.most_common(1)[0][0],
                                  (bool(BOLD_FONT_RE.search(chars[0].get("fontname", ""))),
                                   bool(BOLD_FONT_RE.search(chars[-1].get("fontname", "")))),
                                  max((float(b["x0"]) - float(a["x1"]) for a, b in zip(chars, chars[1:])),
                                      default=0.0), word))
        for shape in list(page.rects) + list(page.lines):
            width = float(shape["x1"]) - float(shape["x0"])
            height = abs(float(shape["bottom"]) - float(shape["top"]))
            if height <= 3 and width >= 0.45 * float(page.width) * 0.7 \
                    and not any(_inside(shape, b, 3) for b in boxes):
                items.append(_Printed(number, float(shape["top"]), float(shape["bottom"]), float(shape["x0"]),
                                      float(shape["x1"]), "", 0, False,
                                      _color(shape.get("stroking_color") or shape.get("non_stroking_color")),
                                      kind="rule"))
        items.extend(_Printed(number, p.top, p.bottom, p.x0, p.x1, "", 0, False, None, kind="image", photo=p.photo)
                     for p in pictures if p.page == number)
        items.sort(key=lambda p: (p.top, p.x0))
        # Rules drawn as a box's top and bottom edge a point apart are one rule.
        merged: list[_Printed] = []
        for item in items:
            if item.kind == "rule" and merged and merged[-1].kind == "rule" \
                    and abs(item.top - merged[-1].top) <= 3:
                continue
            merged.append(item)
        printed.extend(merged)
    return printed, {"heights": heights}


def _pictures(data: bytes, plumbed, limits: Limits) -> tuple[list[_Picture], int]:
    """Every picture large enough to be a photo, with its place on its page;
    and how many were decorations. A picture PDFium cannot read is kept as a
    problem with its page; if PDFium cannot open the file at all, each
    picture pdfplumber sees is."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    pictures: list[_Picture] = []
    decorations = 0

    def unreadable(number: int, page) -> None:  # each picture pdfplumber sees, as a problem
        nonlocal decorations
        for image in page.images:
            if is_decoration(float(image["width"]), float(image["height"])):
                decorations += 1
                continue
            pictures.append(_Picture(number, float(image["top"]), float(image["bottom"]), float(image["x0"]),
                                     float(image["x1"]), Photo(b"", where=_page(number),
                                                               problem=_("the PDF's picture cannot be read"))))

    try:
        document = pdfium.PdfDocument(data)
    except Exception:  # PDFium refuses a file pdfminer reads
        for number, page in enumerate(plumbed.pages, start=1):
            unreadable(number, page)
        return pictures, decorations
    try:
        for index in range(len(document)):
            where = _page(index + 1)
            try:
                page = document[index]
                height = page.get_height()
                objects = list(page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=4))
            except Exception:  # a damaged page: its pictures are reported
                if index < len(plumbed.pages):
                    unreadable(index + 1, plumbed.pages[index])
                continue
            for obj in objects:
                try:
                    left, bottom, right, top = obj.get_bounds()
                    pixels = obj.get_px_size()
                except Exception:
                    continue  # no place on the page: not printed
                if is_decoration(right - left, top - bottom, pixels):
                    decorations += 1
                    continue
                pictures.append(_Picture(index + 1, height - top, height - bottom, left, right,
                                         _picture(obj, pixels, where, limits)))
            page.close()
    finally:
        document.close()
    return pictures, decorations


def _page(number: int) -> str:
    """Where a picture stands, for the messages about it."""
    return _("page {number}").format(number=number)


def _picture(obj, pixels: tuple[int, int], where: str, limits: Limits) -> Photo:
    """A picture's bytes: a JPEG as stored, anything else decoded by PDFium and
    written as PNG, never decoded past the pixel limit."""
    width, height = pixels
    if width * height > limits.max_pixels:
        return Photo(b"", where=where, problem=_("the picture has {megapixels} megapixels, over the limit of "
                                                 "{limit} megapixels").format(
            megapixels=f"{width * height / 1e6:.0f}", limit=f"{limits.max_pixels / 1e6:g}"))
    try:
        if obj.get_filters(skip_simple=True) == ["DCTDecode"]:
            return Photo(bytes(obj.get_data(decode_simple=True)), where=where)
        picture = obj.get_bitmap(render=False).to_pil()
        if picture.mode not in ("RGB", "RGBA", "L"):
            picture = picture.convert("RGBA" if "A" in picture.mode else "RGB")
        buffer = io.BytesIO()
        picture.save(buffer, "PNG")
        return Photo(buffer.getvalue(), where=where)
    except Exception as exc:  # PDFium and Pillow raise many kinds for a damaged picture
        return Photo(b"", where=where, problem=_("the PDF's picture cannot be read: {reason}").format(reason=exc))


def _captions(printed: list[_Printed]) -> list[Photo]:
    """The pictures in reading order, each with the line printed directly under
    it when that is its caption (the line then leaves the text); numbers them."""
    photos: list[Photo] = []
    for k, item in enumerate(printed):
        if item.kind != "image" or item.photo is None:
            continue
        photo = item.photo
        at = next((j for j in range(k + 1, len(printed)) if printed[j].page == item.page
                   and printed[j].kind in ("text", "image", "table", "rule")), None)
        below = printed[at] if at is not None else None
        if below is not None and below.kind == "text" and _is_caption(item, below):
            below.kind = "caption"
            caption = " ".join(below.text.split())
            # A caption too long for one line goes on under it (a wrapped line is as
            # wide as the text column; the next follows at line spacing, in the same type).
            column = _column_width(printed, item.page)
            line = below
            for after in printed[at + 1:]:
                if after.kind == "furniture":
                    continue
                if after.page != item.page or after.kind != "text" or not _caption_goes_on(
                        line, after, column, len(caption)):
                    break
                after.kind = "caption"
                caption = join_broken(caption, " ".join(after.text.split()))
                line = after
            photo = replace(photo, caption=caption)
        item.figure = len(photos)
        photos.append(photo)
    return photos


def _column_width(printed: list[_Printed], page: int) -> float:
    """The width the text of ``page`` is set in: from its leftmost to its rightmost text line."""
    lines = [p for p in printed if p.page == page and p.kind == "text"]
    return max(p.x1 for p in lines) - min(p.x0 for p in lines) if lines else 0.0


def _caption_goes_on(line: _Printed, after: _Printed, column: float, length: int) -> bool:
    """``after`` is the next line of the caption ending with ``line``: ``line``
    was wrapped (it fills the column), ``after`` follows it at line spacing,
    in the same type and alignment, and the caption stays caption-sized."""
    size = line.size or 10
    wrapped = column > 0 and line.x1 - line.x0 >= 0.85 * column
    tight = -0.5 * size <= after.top - line.bottom <= 1.5 * size  # line spacing up to 2.5
    same_type = abs((after.size or 10) - size) <= 0.5 and after.bold == line.bold
    middle, after_middle = (line.x0 + line.x1) / 2, (after.x0 + after.x1) / 2
    # Both ends where the wrapped line's are (left-aligned), or centred under it;
    # a body paragraph's first line is indented two characters.
    aligned = abs(after.x0 - line.x0) <= 0.5 * size or abs(after_middle - middle) <= 0.5 * size
    text = " ".join(after.text.split())
    return (wrapped and tight and same_type and aligned and bool(text)
            and length + len(text) <= 2 * MAX_CAPTION and not OUTLINE_START.match(text))


def _is_caption(image: _Printed, line: _Printed) -> bool:
    """``line`` is close under ``image``, within its width, and reads as a caption."""
    size = line.size or 10
    close = -size <= line.top - image.bottom <= 2.5 * size
    middle, centre = (line.x0 + line.x1) / 2, (image.x0 + image.x1) / 2
    within = image.x0 - 2 * size <= line.x0 and line.x1 <= image.x1 + 2 * size
    centred = abs(middle - centre) <= max(size, 0.05 * (image.x1 - image.x0))
    return close and (within or centred) and caption_like(line.text, centred=centred, emphasised=line.bold)


def _text(chars: list) -> str:
    """A printed line's text from its characters, with a space only where the page shows one.

    A gap between two Latin characters is a word space; next to a Chinese
    character or full-width punctuation it is not (a CJK glyph's own side
    bearing). A gap wider than one and a half characters is a tab: text set
    apart in columns (a table without rules, issuer ⟷ date).
    """
    out = [chars[0]["text"]]
    for a, b in zip(chars, chars[1:]):
        if not b["text"].strip() or not a["text"].strip():  # a space the PDF itself holds
            if out[-1] != " ":
                out.append(" ")
            if not b["text"].strip():
                continue
        gap = float(b["x0"]) - float(a["x1"])
        size = float(b.get("size") or 10)
        if gap > 1.5 * size:
            out.append("\t")  # set apart: columns of a table without rules, issuer ⟷ date
        elif out[-1] != " " and gap > 0.2 * size and not (is_wide(a["text"][-1]) or is_wide(b["text"][0])):
            out.append(" ")
        out.append(b["text"])
    return "".join(out).strip(" ")


def _mark_furniture(printed: list[_Printed], geometry: dict) -> None:
    """Header and footer zone lines that repeat on several pages, and page numbers there."""
    heights = geometry["heights"]
    pages = len(heights)

    def zone(p: _Printed) -> str | None:
        h = heights[p.page]
        if p.bottom <= HEADER_ZONE * h:
            return "top"
        if p.top >= (1 - HEADER_ZONE) * h:
            return "bottom"
        return None

    seen: dict[tuple[str, str], set[int]] = {}
    for p in printed:
        if p.kind == "text" and zone(p):
            key = (zone(p), re.sub(r"\d+", "#", nonspace(p.text)))
            seen.setdefault(key, set()).add(p.page)
    sizes = Counter(p.size for p in printed if p.kind == "text" and not zone(p) for _ in p.text)
    body_size = sizes.most_common(1)[0][0] if sizes else None
    for p in printed:
        where = zone(p) if p.kind == "text" else None
        if where is None:
            continue
        repeats = len(seen[(where, re.sub(r"\d+", "#", nonspace(p.text)))]) >= 2
        # Set in the margin and smaller than the text: a header or footer even on a single page.
        small = body_size is not None and p.size <= 0.75 * body_size
        if PAGE_NUMBER_RE.match(nonspace(p.text)) and (repeats or pages == 1 or where == "bottom"):
            p.kind, p.why = "furniture", "page number"
        elif repeats or small:
            p.kind, p.why = "furniture", "running head" if where == "top" else "footer"


def _paragraphs(printed: list[_Printed], geometry: dict) -> tuple[list[Line], float | None]:
    """Printed lines joined into paragraphs; rules, tables and furniture as lines of their own."""
    text = [p for p in printed if p.kind == "text"]
    if not text:
        shown = [p for p in printed if p.kind != "caption"]
        return [_line(k + 1, p, None, None) for k, p in enumerate(shown)], None
    body_size = Counter(p.size for p in text for _ in range(len(p.text))).most_common(1)[0][0]
    body = [p for p in text if p.size == body_size]
    left = Counter(round(p.x0) for p in body).most_common(1)[0][0]
    # The right margin: where most printed lines of the body end (a paragraph's
    # last line ends short of it, a wide table or an overflowing line beyond it).
    ends = Counter(round(p.x1 / 2) * 2 for p in body)
    right = max(x for x, n in ends.items() if n >= 0.5 * ends.most_common(1)[0][1])
    geometry.update(left=left, right=right)
    out: list[Line] = []
    previous: _Printed | None = None
    para_at = 0
    gap_before = False
    for p in printed:
        if p.kind == "furniture":
            out.append(Line(len(out) + 1, p.text, page=p.page, size=p.size, role="furniture", why=p.why,
                            bold=p.bold))
            continue
        if p.kind == "caption":
            continue  # in its picture's Photo
        if p.kind != "text":
            out.append(_line(len(out) + 1, p, left, right))
            previous, gap_before = None, True
            continue
        if previous is not None and _continues(previous, p, left, right):
            last = out[para_at]  # furniture (a page's foot and head) may stand between
            out[para_at] = Line(last.no, join_broken(last.text, p.text), last.blank_before, last.page,
                                last.size, last.bold, last.color, last.align, last.indent)
            previous = p
            continue
        gap = previous is not None and p.page == previous.page and p.top - previous.bottom > 0.9 * p.size
        out.append(_line(len(out) + 1, p, left, right, blank=gap or gap_before))
        para_at = len(out) - 1
        previous, gap_before = p, False
    return out, body_size


def _continues(a: _Printed, b: _Printed, left: float, right: float) -> bool:
    """``b`` is the next printed line of ``a``'s paragraph: ``a`` ran to the margin, ``b`` is flush left."""
    same_style = abs(a.size - b.size) < 0.6 and a.bold == b.bold and a.color == b.color
    # Full: ran to the margin, or stopped short only because ``b``'s first
    # (Latin) word would not fit after it (a long e-mail address or link).
    # A ragged right margin (left-aligned text) ends a line up to two
    # characters short where 禁则 keep "题，" together on the next line; such
    # a line ends mid-sentence, a paragraph's last line ends a sentence.
    room = right - a.x1
    full = (room <= 1.5 * a.size or (room <= 2.5 * a.size and not ends_sentence(a.text))
            or 0 < room < b.first_word + 0.5 * a.size) and a.max_gap <= 1.5 * a.size
    # Flush left below a full line; or indented (a hanging indent, as in a 版记
    # entry) below a full line that did not end a sentence.
    flush = b.x0 <= left + 0.5 * b.size or (b.x0 <= left + 4.5 * b.size and not ends_sentence(a.text))
    close = b.page != a.page or b.top - a.bottom <= 1.2 * b.size
    # A change of weight where the lines meet, or a line opening with a label
    # ("送：", "联系电话："), starts a new entry even below a full line.
    seamless = a.edge_bold[1] == b.edge_bold[0] and not LABEL_START_RE.match(b.text)
    return same_style and full and flush and close and seamless


def _line(no: int, p: _Printed, left: float | None, right: float | None, blank: bool = False) -> Line:
    if p.kind == "rule":
        return Line(no, "", True, p.page, role="rule", color=p.color, bold=False)
    if p.kind == "table":
        return Line(no, "", True, p.page, role="table", cells=p.cells, bold=False)
    if p.kind == "image":
        return Line(no, "", True, p.page, role="figure", figure=p.figure, bold=False)
    align = indent = None
    if left is not None and right is not None:
        middle = (left + right) / 2
        indent = (p.x0 - left) / p.size if p.size else None
        if abs((p.x0 + p.x1) / 2 - middle) <= max(6.0, p.size) and p.x0 > left + p.size \
                and p.x1 < right - p.size:
            align = "center"
        elif p.x1 >= right - p.size and p.x0 > left + (right - left) * 0.3:
            align = "right"
        else:
            align = "left"
    return Line(no, p.text, blank, p.page, p.size, p.bold, p.color, align, indent)
