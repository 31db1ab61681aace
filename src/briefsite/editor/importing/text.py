"""Reading the input: a file's bytes (bounded, regular files only), and plain text as lines.

Text copied out of a PDF or Word file has no layout: its lines go to the
interpreter with none, and the interpreter reads them by their shape.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from briefsite.errors import BriefsiteError
from briefsite.files import read_regular, too_large
from briefsite.i18n import _
from .layout import PAGE_BREAK, Document, Line, clean_controls

MAX_INPUT = 50 * 1024 * 1024  # bytes; a bulletin's PDF or Word file is at most some megabytes
MAX_TEXT = 5 * 1024 * 1024  # bytes of plain text; a bulletin's text is some kilobytes
IDEOGRAPHIC_SPACE = "\u3000"  # a full-width space: two columns of indent


def read_input(path: Path, limit: int = MAX_INPUT) -> bytes:
    """The bytes of a regular file (``files.read_regular``: a FIFO, device or socket is
    refused before anything is read, and at most ``limit`` bytes are), or of
    standard input for ``-``, read with the same bound."""
    if str(path) == "-":
        data = sys.stdin.buffer.read(limit + 1)
        if len(data) > limit:
            raise too_large("-", len(data), limit)
        return data
    if not os.path.lexists(path):
        raise BriefsiteError(path, 0, _("file not found"), hint=_("give the path of the file to import"))
    return read_regular(path, limit)


def decode_raw(data: bytes, path: str) -> str:
    """Text of a raw file: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (GBK) or Big5.

    GBK and Big5 bytes are mostly valid in each other's encoding, so when both
    decode, charset-normalizer (which scores the result's coherence) chooses:
    Big5 read as GBK would otherwise be written as mojibake. When nothing
    decodes, the line named is where the encoding that read furthest failed.
    """
    if data.startswith((b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise BriefsiteError(path, 0, _("this is a PDF or Word file, not text"),
                             hint=_("save it with the extension .pdf or .docx, then import it"))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].decode("utf-16", "replace").count("\n") + 1
            raise BriefsiteError(path, line, _("the UTF-16 encoding is broken"),
                                 hint=_("save it as UTF-8, then import it again")) from None
    else:
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        text = _decode_8bit(data, path)
    text = text.lstrip("\ufeff")
    if "\x00" in text:
        raise BriefsiteError(path, text[: text.index("\x00")].count("\n") + 1,
                             _("the file holds NUL bytes: it may not be text"),
                             hint=_("import the PDF or Word original, or copy the text into a .txt file"))
    return clean_controls(text, path)


def _decode_8bit(data: bytes, path: str) -> str:
    failures: list[int] = []
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        failures.append(exc.start)
    decoded: dict[str, str] = {}
    for encoding in ("gb18030", "big5"):
        try:
            decoded[encoding] = data.decode(encoding)
        except UnicodeDecodeError as exc:
            failures.append(exc.start)
    if len(decoded) == 1:
        return next(iter(decoded.values()))
    if decoded:
        from charset_normalizer import from_bytes

        best = from_bytes(data, cp_isolation=["gb18030", "big5"]).best()
        return decoded["big5"] if best is not None and best.encoding == "big5" else decoded["gb18030"]
    at = max(failures)
    line = data[:at].count(b"\n") + 1
    raise BriefsiteError(path, line, _("the bytes of line {line} are neither UTF-8 nor GBK or Big5 (byte "
                                       "{byte})").format(line=line, byte=f"{data[at]:#04x}"),
                         hint=_("save the text as UTF-8, then import it again"))


def read_text(text: str, path: str = "-") -> Document:
    """Plain text as lines without layout; a form feed (a page break) advances the page."""
    lines: list[Line] = []
    blank = False
    page = 1
    for no, whole in enumerate(text.split("\n"), start=1):
        for k, raw in enumerate(whole.split(PAGE_BREAK)):
            if k:
                page += 1
                blank = True
            stripped = raw.strip()
            if not stripped:
                blank = True
                continue
            leading = sum(2 if ch == IDEOGRAPHIC_SPACE else 1 for ch in raw[: len(raw) - len(raw.lstrip())])
            lines.append(Line(no, stripped, blank, page=page, leading=leading))
            blank = False
    return Document(path, "text", lines)
