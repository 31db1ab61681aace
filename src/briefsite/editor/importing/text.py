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
from .layout import PAGE_BREAK, Document, Line, clean_controls

MAX_INPUT = 50 * 1024 * 1024  # bytes; a bulletin's PDF or Word file is at most some megabytes
MAX_TEXT = 5 * 1024 * 1024  # bytes of plain text; a bulletin's text is some kilobytes


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
        raise BriefsiteError(path, 0, "文件不存在 (file not found)", hint="请给出要导入的文件的路径")
    return read_regular(path, limit)


def decode_raw(data: bytes, path: str) -> str:
    """Text of a raw file: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (GBK) or Big5.

    GBK and Big5 bytes are mostly valid in each other's encoding, so when both
    decode, charset-normalizer (which scores the result's coherence) chooses:
    Big5 read as GBK would otherwise be written as mojibake. When nothing
    decodes, the line named is where the encoding that read furthest failed.
    """
    if data.startswith((b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise BriefsiteError(path, 0, "这是 PDF 或 Word 文件，不是文本 (a PDF or Word file, not text)",
                             hint="请用 .pdf / .docx 扩展名保存后再导入")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].decode("utf-16", "replace").count("\n") + 1
            raise BriefsiteError(path, line, "UTF-16 编码有误 (bad UTF-16)",
                                 hint="请另存为 UTF-8 后重新导入") from None
    else:
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        text = _decode_8bit(data, path)
    text = text.lstrip("\ufeff")
    if "\x00" in text:
        raise BriefsiteError(path, text[: text.index("\x00")].count("\n") + 1,
                             "文件含有 NUL 字节，可能不是文本 (NUL bytes: not text)",
                             hint="请导入 PDF/Word 原件，或把文字复制到 .txt 文件")
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
    raise BriefsiteError(path, line, f"第 {line} 行的字节既不是 UTF-8，也不是 GBK 或 Big5 "
                         f"(line {line} is neither UTF-8 nor GBK/Big5: byte {data[at]:#04x})",
                         hint="请把文字另存为 UTF-8 后重新导入")


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
            leading = sum(2 if ch == "\u3000" else 1 for ch in raw[: len(raw) - len(raw.lstrip())])
            lines.append(Line(no, stripped, blank, page=page, leading=leading))
            blank = False
    return Document(path, "text", lines)
