"""Word reader: a .docx (python-docx) as the line stream, one line per paragraph.

Word knows what a PDF printer and a copy-paste lose: where a paragraph ends,
its style (标题 1 / Heading 1), the size, weight and colour of its runs, its
alignment, the tables, and which text is the page header or footer. Each
paragraph becomes one ``Line`` with that layout; each table row a line of
cells; text boxes (a masthead is often set in one) are read where they stand;
headers and footers are furniture; a paragraph border or a drawn line is a
rule; pictures are named for the summary. A Word file has no printed line
width, so nothing is judged by a line's length on the page.

Legacy .doc / .wps files are converted with LibreOffice when it is installed.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

from briefsite.errors import BriefsiteError
from briefsite.content.controlchars import refusal
from .layout import CONTROL_RE, Document, Line, clean_controls
from .numbering import Numbering

NOT_DOCX = "不是可读的 Word (.docx) 文件 (not a readable .docx file)"
CONVERT = "soffice --headless --convert-to docx"


def read_docx(data: bytes, path: str) -> Document:
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError

        word = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, PackageNotFoundError) as exc:
        raise BriefsiteError(path, 0, NOT_DOCX, hint=f"请在 Word/WPS 中重新另存为 .docx ({exc})") from None
    return _Reader(word, path).document()


def read_legacy(source: Path, data: bytes, path: str) -> Document:
    """A .doc / .wps (OLE) file: through LibreOffice when installed, else how to convert it."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise BriefsiteError(path, 0, "这是旧版 Word/WPS 文件（.doc/.wps），请先转换为 .docx "
                             "(a legacy .doc/.wps file: convert it to .docx first)",
                             hint=f"{CONVERT} {source}，或在 Word/WPS 中“另存为” .docx")
    with tempfile.TemporaryDirectory(prefix="briefsite-doc-") as tmp:
        copy = Path(tmp) / ("in" + (source.suffix or ".doc"))
        copy.write_bytes(data)
        try:
            subprocess.run([soffice, "--headless", "--convert-to", "docx", "--outdir", tmp, str(copy)],
                           capture_output=True, timeout=180, check=True,
                           env={"HOME": tmp, "PATH": "/usr/bin:/bin"})
            converted = (Path(tmp) / "in.docx").read_bytes()
        except (subprocess.SubprocessError, OSError):
            raise BriefsiteError(path, 0, "LibreOffice 未能转换该文件 (LibreOffice could not convert it)",
                                 hint=f"请手动转换：{CONVERT} {source}") from None
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
        self.figures: list[str] = []
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
        return Document(self.path, "docx", self.lines, self.figures, body_size)

    def _container(self, element, parent) -> None:
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        qn = self.qn
        for child in element.iterchildren():
            if child.tag == qn("w:p"):
                self._paragraph(child, parent)
            elif child.tag == qn("w:tbl"):
                self._table(Table(child, parent))
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
        if lowered.startswith("heading") or style_name.startswith("标题") and style_name != "标题":
            role = "headline"
        elif lowered == "title" or style_name == "标题":
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

    def _figures(self, element) -> None:
        qn = self.qn
        for drawing in element.iter(qn("w:drawing")):
            if drawing.find(f".//{qn('pic:pic')}") is None:
                continue
            props = drawing.find(f".//{qn('wp:docPr')}")
            name = (props.get("descr") or props.get("name") or "") if props is not None else ""
            self.figures.append(name or f"图片 {len(self.figures) + 1}")

    def _rule(self) -> None:
        self.lines.append(Line(len(self.lines) + 1, "", role="rule", bold=False))
        self.blank = True

    # ---------------------------------------------------------------- tables
    def _table(self, table) -> None:
        for row in table.rows:
            cells: list[str] = []
            previous = None
            for cell in row.cells:
                if previous is not None and cell._tc is previous:
                    continue  # a merged cell repeats itself across the columns it spans
                previous = cell._tc
                texts = [self._clean(self._para(p, cell).text) for p in cell._tc.iter(self.qn("w:p"))]
                cells.append(" ".join(t.strip() for t in texts if t.strip()))
                self._figures(cell._tc)
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
            raise BriefsiteError(self.path, 0, f"第 {where} 段{refusal(bad.group())[0]}",
                                 hint="请在 Word 中删去该字符后重新导入")
        return clean_controls(text, self.path).replace("\t", " ")
