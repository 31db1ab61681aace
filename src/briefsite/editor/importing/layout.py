"""The one stream every reader produces: a document's lines with their layout.

A reader (text, PDF, Word) turns its file into a ``Document``: the lines in
reading order, each with the exact text and whatever layout the file gives
(page, font size, weight, colour, alignment, indent) and a ``role`` only when
the reader is certain of it (a drawn rule, a table row, page furniture, a
picture). The interpreter (``importer.interpret``) reads masthead, body and
版记 from this stream alone, so its rules live once for every kind of file.
Plain text has no layout: its lines carry ``None`` everywhere and the
interpreter falls back on the shape of the text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from briefsite.errors import BriefsiteError

# What a reader may be certain a line is. None: text, for the interpreter to read.
Role = Literal["title", "headline", "table", "rule", "furniture", "figure"]


@dataclass(frozen=True)
class Line:
    no: int  # 1-based: the input's line (text) or the document's paragraph/printed line (PDF, Word)
    text: str  # as printed, surrounding whitespace stripped ("" for a rule or a table row)
    blank_before: bool = False  # a blank line (text) or a paragraph gap (layout) above it
    page: int | None = None
    size: float | None = None  # font size in points (the line's most common)
    bold: bool | None = None
    color: str | None = None  # "#rrggbb" of the line's text
    align: str | None = None  # "left", "center", "right", "justify"
    indent: float | None = None  # first-line indent, in characters of the line's size
    role: Role | None = None
    why: str = ""  # for furniture: what it is ("page number", "running head", "header", ...)
    cells: tuple[str, ...] = ()  # a table row's cells, as printed
    leading: int = 0  # text only: columns of whitespace the line started with

    @property
    def layout(self) -> bool:
        return self.size is not None or self.align is not None or self.bold is not None


@dataclass
class Document:
    """A reader's result: the line stream, and what it saw but cannot put in text."""

    path: str
    kind: str  # "text", "pdf", "docx"
    lines: list[Line]
    figures: list[str] = field(default_factory=list)  # pictures: named in the summary
    body_size: float | None = None  # the size most text is set in (layout readers)


def is_red(color: str | None) -> bool:
    """The red of a GB/T 9704 masthead (版头): strong red, little green and blue."""
    if not color or not re.fullmatch(r"#[0-9a-fA-F]{6}", color):
        return False
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return r >= 150 and g <= 90 and b <= 90


# Control characters: a vertical tab is a line break inside a paragraph (Word's
# Shift+Enter copies as VT), a form feed a page break (pdftotext): layout, kept
# as such. Any other control character (and the non-characters U+FFFE/U+FFFF)
# is not text anybody printed, and is refused with its line.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
PAGE_BREAK = "\x0c"


def clean_controls(text: str, path: str) -> str:
    """``text`` with VT as a line break and FF as its own line; other controls refused."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n")
    text = text.replace("\x1c", "\n").replace("\x1d", "\n").replace("\x1e", "\n")  # separators
    text = text.replace("\x85", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    match = _CONTROL_RE.search(text)
    if match:
        line = text.count("\n", 0, match.start()) + 1
        raise BriefsiteError(path, line, f"含有控制字符 U+{ord(match.group()):04X}，不是正文文字"
                             f" (control character U+{ord(match.group()):04X} in the text)",
                             hint="删去该字符后重新导入 (delete it and import again)")
    return text


def fold_radicals(text: str) -> str:
    """Kangxi and supplementary radicals (U+2E80–U+2FDF) as the ideographs they stand for.

    PDF printers (Chromium/Skia among them) map some glyphs of CJK fonts back
    to the radical code points ("⽣" U+2F63 for 生); read as printed, the text
    would not be found by search. NFKC maps each to its unified ideograph.
    """
    return "".join(unicodedata.normalize("NFKC", ch) if "\u2e80" <= ch <= "\u2fdf" else ch
                   for ch in text)
