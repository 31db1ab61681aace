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

from briefsite.content.controlchars import FORBIDDEN, first_forbidden, refusal
from briefsite.errors import BriefsiteError
from briefsite.editor.photos import Photo

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
    figure: int | None = None  # a picture (role "figure"): its index in Document.photos

    @property
    def layout(self) -> bool:
        return self.size is not None or self.align is not None or self.bold is not None


@dataclass
class Document:
    """A reader's result: the line stream, and what it saw but cannot put in text."""

    path: str
    kind: str  # "text", "pdf", "docx"
    lines: list[Line]
    photos: list[Photo] = field(default_factory=list)  # pictures, each where a "figure" line stands
    body_size: float | None = None  # the size most text is set in (layout readers)
    decorations: int = 0  # pictures too small to be photos (rules, logos, emblems): left out, counted


def is_red(color: str | None) -> bool:
    """The red of a GB/T 9704 masthead (版头): strong red, little green and blue."""
    if not color or not re.fullmatch(r"#[0-9a-fA-F]{6}", color):
        return False
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return r >= 150 and g <= 90 and b <= 90


# Control characters (content/controlchars.py decides for every input): a
# vertical tab is a line break inside a paragraph (Word's Shift+Enter copies
# as VT), a form feed a page break (pdftotext): layout, kept as such. Any
# other is not text anybody printed, and is refused with its line.
CONTROL_RE = FORBIDDEN
PAGE_BREAK = "\x0c"


def clean_controls(text: str, path: str) -> str:
    """``text`` with VT and the line separators as line breaks; other controls refused."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n")
    text = text.replace("\x1c", "\n").replace("\x1d", "\n").replace("\x1e", "\n")  # separators
    text = text.replace("\x85", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    match = first_forbidden(text)
    if match:
        line = text.count("\n", 0, match.start()) + 1
        message, hint = refusal(match.group())
        raise BriefsiteError(path, line, message, hint=hint)
    return text


# CJK Radicals Supplement forms that stand for whole ideographs, as Unicode's
# EquivalentUnifiedIdeograph.txt maps them (NFKC leaves this block alone).
_SUPPLEMENT = {
    "\u2e8c": "小", "\u2e97": "心", "\u2e9d": "月", "\u2e9f": "母", "\u2ea0": "民", "\u2ea7": "牛",
    "\u2ea9": "王", "\u2eab": "目", "\u2eae": "竹", "\u2eb6": "羊", "\u2ebc": "肉", "\u2ec1": "虎",
    "\u2ec4": "西", "\u2ec5": "见", "\u2ec6": "角", "\u2ec9": "贝", "\u2eca": "足", "\u2ecb": "车",
    "\u2ed1": "長", "\u2ed3": "长", "\u2ed4": "门", "\u2ed7": "雨", "\u2ed8": "青", "\u2ed9": "韦",
    "\u2eda": "页", "\u2edb": "风", "\u2edc": "飞", "\u2edd": "食", "\u2ee2": "马", "\u2ee3": "骨",
    "\u2ee4": "鬼", "\u2ee5": "鱼", "\u2ee6": "鸟", "\u2ee7": "卤", "\u2ee8": "麦", "\u2ee9": "黄",
    "\u2eea": "黾", "\u2eec": "齐", "\u2eee": "齿", "\u2ef0": "龙", "\u2ef3": "龟",
}


def fold_radicals(text: str) -> str:
    """Kangxi radicals (U+2F00–U+2FDF) and radical-supplement forms as the ideographs they stand for.

    PDF printers (Chromium/Skia among them) map some glyphs of CJK fonts back
    to radical code points ("⽣" U+2F63 for 生, "⻔" U+2ED4 for 门); read as
    printed, the text would not be found by search. NFKC maps the Kangxi
    radicals; the supplement's whole-character forms come from the table above.
    """
    return "".join(_SUPPLEMENT.get(ch, ch) if "\u2e80" <= ch <= "\u2eff"
                   else unicodedata.normalize("NFKC", ch) if "\u2f00" <= ch <= "\u2fdf" else ch
                   for ch in text)
