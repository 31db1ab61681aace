"""Word reader: a .docx (python-docx) as the line stream, one line per paragraph.

Word knows what a PDF printer and a copy-paste lose: where a paragraph ends,
its style (标题 1 / Heading 1), the size, weight and colour of its runs, its
alignment, the tables, and which text is the page header or footer. Each
paragraph becomes one ``Line`` with that layout; each table row a line of
cells; text boxes (a masthead is often set in one) are read where they stand;
headers and footers are furniture; a paragraph border or a drawn line is a
rule; a picture is a "figure" line where it stands, its bytes in
``Document.photos`` with the caption printed under it (that paragraph is the
caption, not text); a picture too small to be a photo is a decoration, counted.
A Word file has no printed line width, so nothing is judged by a line's
length on the page.

Legacy .doc / .wps files are converted with LibreOffice when it is installed.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

from dataclasses import replace

from briefsite.errors import BriefsiteError
from briefsite.content.controlchars import refusal
from briefsite.editor.photos import Photo, caption_like, is_decoration
from briefsite.i18n import _
from .layout import CONTROL_RE, Document, Line, clean_controls
from .numbering import Numbering

EMU_PER_PT = 12700
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_VML = "{urn:schemas-microsoft-com:vml}"
_VML_SIZE_RE = re.compile(r"(width|height)\s*:\s*([\d.]+)\s*(pt|in|px|cm|mm)?", re.I)
_VML_UNIT = {"pt": 1.0, "in": 72.0, "px": 0.75, "cm": 72 / 2.54, "mm": 72 / 25.4, "": 0.75}
CONVERT = "soffice --headless --convert-to docx"
# Word's built-in style names in a Chinese Word: 标题 (Title), 标题 1 … (Heading 1 …), 题注 (Caption).
TITLE_STYLE = "标题"
CAPTION_STYLE = "题注"


def read_docx(data: bytes, path: str) -> Document:
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError

        word = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, PackageNotFoundError) as exc:
        raise BriefsiteError(path, 0, _("not a readable Word (.docx) file"),
                             hint=_("save it again as .docx in Word or WPS ({reason})").format(reason=exc)) from None
    return _Reader(word, path).document()


def read_legacy(source: Path, data: bytes, path: str) -> Document:
    """A .doc / .wps (OLE) file: through LibreOffice when installed, else how to convert it."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise BriefsiteError(path, 0, _("this is a legacy Word or WPS file (.doc/.wps): convert it to .docx "
                                        "first"),
                             hint=_("{command} {file}, or “Save as” .docx in Word or WPS").format(
                                 command=CONVERT, file=source))
    with tempfile.TemporaryDirectory(prefix="briefsite-doc-") as tmp:
        copy = Path(tmp) / ("in" + (source.suffix or ".doc"))
        copy.write_bytes(data)
        try:
            subprocess.run([soffice, "--headless", "--convert-to", "docx", "--outdir", tmp, str(copy)],
                           capture_output=True, timeout=180, check=True,
                           env={"HOME": tmp, "PATH": "/usr/bin:/bin"})
            converted = (Path(tmp) / "in.docx").read_bytes()
        except (subprocess.SubprocessError, OSError):
            raise BriefsiteError(path, 0, _("LibreOffice could not convert the file"),
                                 hint=_("convert it by hand: {command} {file}").format(
                                     command=CONVERT, file=source)) from None
    return read_docx(converted, path)


def _hex(color) -> str | None:
    try:
        rgb = color.rgb if color is not None and color.type is not None else None
    except (AttributeError, ValueError):
        return None
    return f"#{rgb}".lower() if rgb is not None else None


class _Reader:
    def __init__(self, word, path: str) -> None:
        from docx.oxml.ns import qn

        self.word = word
        self.path = path
        self.qn = qn
        self.lines: list[Line] = []
        self.photos: list[Photo] = []
        self.decorations = 0
        self.caption_for: int | None = None  # the picture whose caption may be the next paragraph
        self.blank = False
        self.numbering = Numbering.of(word)  # the 一、 （一） 1. Word draws before list paragraphs

    # ---------------------------------------------------------------- document order
    def document(self) -> Document:
        self._furniture()
        self._container(self.word.element.body, self.word)
        sizes = Counter()
        for ln in self.lines:
            if ln.role is None and ln.size:
                sizes[ln.size] += len(ln.text)
        body_size = sizes.most_common(1)[0][0] if sizes else None
        return Document(self.path, "docx", self.lines, self.photos, body_size, self.decorations)

    def _container(self, element, parent) -> None:
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        qn = self.qn
        for child in element.iterchildren():
            if child.tag == qn("w:p"):
                self._paragraph(child, parent)
            elif child.tag == qn("w:tbl"):
                self._table(Table(child, parent))
                # A table's pictures after it (a figure line would split the table);
                # their captions are the table's cells, kept there.
                self._figures(child, captions=False)
            elif child.tag == qn("w:sdt"):  # a content control (Word's own table of contents)
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    self._container(content, parent)

    def _furniture(self) -> None:
        """Headers and footers of every section: furniture, named in the summary."""
        seen: set[str] = set()
        for section in self.word.sections:
            for why, parts in (("header", (section.header, section.first_page_header, section.even_page_header)),
                               ("footer", (section.footer, section.first_page_footer, section.even_page_footer))):
                for part in parts:
                    try:
                        if part.is_linked_to_previous:
                            continue
                        paragraphs = part.paragraphs
                    except (AttributeError, KeyError, ValueError):
                        continue
                    for paragraph in paragraphs:
                        text = self._clean(paragraph.text).strip()
                        if text and (why, text) not in seen:
                            seen.add((why, text))
                            self.lines.append(Line(len(self.lines) + 1, text, role="furniture", why=why,
                                                   bold=False))

    # ---------------------------------------------------------------- paragraphs
    def _paragraph(self, element, parent) -> None:
        from docx.text.paragraph import Paragraph

        qn = self.qn
        paragraph = Paragraph(element, parent)
        for box in element.iter(qn("w:txbxContent")):
            if any(a.tag.endswith("}Fallback") for a in box.iterancestors()):
                continue  # the VML copy of a text box already read from its DrawingML twin
            for inner in box.iter(qn("w:p")):
                self._paragraph_text(Paragraph(inner, parent))
        self._figures(element)
        border = element.find(f"{qn('w:pPr')}/{qn('w:pBdr')}")
        if border is not None and border.find(qn("w:top")) is not None:
            self._rule()
        if element.find(f".//{qn('a:prstGeom')}[@prst='line']") is not None or \
                element.find(".//{urn:schemas-microsoft-com:vml}line") is not None:
            self._rule()
        self._paragraph_text(paragraph)
        if border is not None and border.find(qn("w:bottom")) is not None:
            self._rule()

    def _paragraph_text(self, paragraph) -> None:
        text = self._clean(paragraph.text)
        label = self.numbering.label(paragraph._p)
        if label and text.strip():
            text = label + text.lstrip()
        if not text.strip():
            self.blank = True
            return
        style = paragraph.style
        style_name = (style.name or "") if style is not None else ""
        if self.caption_for is not None:
            index, self.caption_for = self.caption_for, None
            if self._is_caption(paragraph, text, style, style_name):
                self.photos[index] = replace(self.photos[index], caption=" ".join(text.split()))
                return
        chars: Counter = Counter()
        bold = Counter()
        colors: Counter = Counter()
        for run in paragraph.runs:
            n = len(run.text.strip())
            if not n:
                continue
            size = run.font.size or self._style_value(style, "size")
            if size is not None:
                chars[round(size.pt * 2) / 2] += n
            is_bold = run.font.bold if run.font.bold is not None else self._style_value(style, "bold")
            bold[bool(is_bold)] += n
            colors[_hex(run.font.color) or _hex(self._style_value(style, "color"))] += n
        size = chars.most_common(1)[0][0] if chars else None
        if size is None:
            default = self._style_value(style, "size")
            size = default.pt if default is not None else None
        alignment = paragraph.paragraph_format.alignment
        if alignment is None and style is not None:
            alignment = self._style_alignment(style)
        align = {0: "left", 1: "center", 2: "right", 3: "justify"}.get(int(alignment), "left") \
            if alignment is not None else "left"
        indent = paragraph.paragraph_format.first_line_indent
        role = None
        lowered = style_name.lower()
        if lowered.startswith("heading") or style_name.startswith(TITLE_STYLE) and style_name != TITLE_STYLE:
            role = "headline"
        elif lowered == "title" or style_name == TITLE_STYLE:
            role = "title"
        for k, part in enumerate(text.split("\n")):
            if not part.strip():
                continue
            self.lines.append(Line(
                len(self.lines) + 1, part.strip(), blank_before=self.blank or k > 0, size=size,
                bold=bool(bold and bold.most_common(1)[0][0]), color=colors.most_common(1)[0][0] if colors else None,
                align=align, indent=(indent.pt / size if indent is not None and size else None), role=role))
            self.blank = False

    def _style_value(self, style, what: str):
        """A font property from the paragraph style or the styles it is based on."""
        while style is not None:
            font = style.font
            value = font.size if what == "size" else font.bold if what == "bold" else font.color
            if what == "color":
                if _hex(value):
                    return value
            elif value is not None:
                return value
            style = style.base_style
        return None

    def _style_alignment(self, style):
        while style is not None:
            alignment = style.paragraph_format.alignment
            if alignment is not None:
                return alignment
            style = style.base_style
        return None

    def _is_caption(self, paragraph, text: str, style, style_name: str) -> bool:
        alignment = paragraph.paragraph_format.alignment
        if alignment is None and style is not None:
            alignment = self._style_alignment(style)
        bold = any(run.font.bold or (run.font.bold is None and self._style_value(style, "bold"))
                   for run in paragraph.runs if run.text.strip())
        heading = style_name.lower().startswith(("heading", "title")) or style_name.startswith(TITLE_STYLE)
        return not heading and caption_like(text, centred=alignment is not None and int(alignment) == 1,
                                            emphasised=bold,
                                            styled=style_name.lower() == "caption" or style_name == CAPTION_STYLE)

    def _figures(self, element, captions: bool = True) -> None:
        """Each picture of ``element`` (in document order) as a figure line; decorations counted."""
        qn = self.qn
        blip, imagedata = qn("a:blip"), f"{_VML}imagedata"
        for node in element.iter(blip, imagedata):
            if any(a.tag == _MC_FALLBACK for a in node.iterancestors()):
                continue  # the VML copy of a picture already read from its DrawingML twin
            if node.tag == blip:
                rid, linked = node.get(qn("r:embed")), node.get(qn("r:link"))
                size = self._extent(node)
            else:
                rid, linked = node.get(qn("r:id")), None
                size = self._vml_size(node)
            if rid is None and linked is None:
                continue
            if is_decoration(*size):
                self.decorations += 1
                continue
            if rid is None:
                photo = Photo(b"", problem=_("the picture is linked from outside the file: the document does "
                                             "not hold its data"))
            else:
                try:
                    photo = Photo(self.word.part.related_parts[rid].blob)
                except (KeyError, AttributeError):
                    photo = Photo(b"", problem=_("the document lacks this picture's data"))
            self.photos.append(photo)
            self.lines.append(Line(len(self.lines) + 1, "", blank_before=True, role="figure",
                                   figure=len(self.photos) - 1, bold=False))
            self.caption_for = len(self.photos) - 1 if captions else None
            self.blank = True

    def _extent(self, node) -> tuple[float | None, float | None]:
        """A DrawingML picture's size on the page, in points (wp:extent of its inline or anchor)."""
        qn = self.qn
        for ancestor in node.iterancestors(qn("wp:inline"), qn("wp:anchor")):
            extent = ancestor.find(qn("wp:extent"))
            try:
                return int(extent.get("cx")) / EMU_PER_PT, int(extent.get("cy")) / EMU_PER_PT
            except (AttributeError, TypeError, ValueError):
                break
        return None, None

    def _vml_size(self, node) -> tuple[float | None, float | None]:
        """A VML picture's size from its shape's style ("width:120pt;height:80pt")."""
        shape = node.getparent()
        found = {m.group(1).lower(): float(m.group(2)) * _VML_UNIT[(m.group(3) or "").lower()]
                 for m in _VML_SIZE_RE.finditer(shape.get("style", "") if shape is not None else "")}
        return found.get("width"), found.get("height")

    def _rule(self) -> None:
        self.caption_for = None
        self.lines.append(Line(len(self.lines) + 1, "", role="rule", bold=False))
        self.blank = True

    # ---------------------------------------------------------------- tables
    def _table(self, table) -> None:
        self.caption_for = None
        for row in table.rows:
            cells: list[str] = []
            previous = None
            for cell in row.cells:
                if previous is not None and cell._tc is previous:
                    continue  # a merged cell repeats itself across the columns it spans
                previous = cell._tc
                texts = [self._clean(self._para(p, cell).text) for p in cell._tc.iter(self.qn("w:p"))]
                cells.append(" ".join(t.strip() for t in texts if t.strip()))
            if any(c for c in cells):
                self.lines.append(Line(len(self.lines) + 1, "", blank_before=True, role="table",
                                       cells=tuple(cells), bold=False))
        self.blank = True

    def _para(self, element, parent):
        from docx.text.paragraph import Paragraph

        return Paragraph(element, parent)

    def _clean(self, text: str) -> str:
        bad = CONTROL_RE.search(text.replace("\x0b", "\n"))
        if bad:
            where = len(self.lines) + 1
            raise BriefsiteError(self.path, 0, _("paragraph {number} {problem}").format(
                number=where, problem=refusal(bad.group())[0]),
                hint=_("delete the character in Word, then import again"))
        return clean_controls(text, self.path).replace("\t", " ")
