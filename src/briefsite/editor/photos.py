"""Putting a document's photos and the document itself beside a bulletin:
what ``briefsite import`` calls for a .docx or .pdf with pictures.

``store_photos(bulletin, photos)`` writes each photo into the bulletin's
folder (``bulletins/yiyang/2024-05-10-1/photo-1.jpg`` beside
``2024-05-10-1.md``), in order, and returns the Markdown to put where each
stood: ``![caption](photo-1.jpg)``. ``keep_original`` keeps the imported
document there as ``original.pdf`` / ``original.docx`` (published with
``originals: true``). Both write atomically and never overwrite a file
unless asked.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable
from xml.etree import ElementTree

from ..content.media import ORIGINAL_KINDS, ORIGINAL_STEM, bulletin_folder, sniff, sniff_original
from ..build.store import write_bytes as _write  # atomic: temp file + rename
from ..errors import BriefsiteError

_EXT = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}


@dataclass(frozen=True)
class Photo:
    """A picture as a document holds it, with the caption printed under it ('' if none)."""

    data: bytes
    caption: str = ""


@dataclass
class Stored:
    references: list[str] = field(default_factory=list)  # one ![caption](name) per photo kept, in order
    by_photo: list[str | None] = field(default_factory=list)  # per photo given: its reference, None if left out
    written: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # pictures that could not be kept, and why


def store_photos(bulletin: Path, photos: Iterable[Photo], *, force: bool = False) -> Stored:
    """Write ``photos`` into ``bulletin``'s folder as photo-1.jpg, photo-2.png, …
    (the format read from the bytes); return their Markdown references.

    A picture in another format Pillow can read (TIFF, BMP) is kept as PNG;
    one it cannot (a Word drawing, EMF/WMF) is left out with a warning, so the
    editor knows to add it by hand. Raises BriefsiteError when a file exists
    and ``force`` is not set.
    """
    folder = bulletin_folder(bulletin)
    result = Stored()
    kept: list[tuple[str, bytes, str]] = []
    slots: list[int | None] = []  # per photo given: its place in kept
    for index, photo in enumerate(photos, 1):
        data, kind = photo.data, sniff(photo.data[:16])
        if kind is None:
            data = _as_png(photo.data)
            if data is None:
                slots.append(None)
                result.warnings.append(f"第 {index} 张图片（{_describe(photo.data)}）无法在网页上显示，请另存为 JPEG 或 PNG "
                                       f"后手动加入 (picture {index} is not a photo briefsite can show; add it by hand "
                                       f"as JPEG or PNG)")
                continue
            kind = "PNG"
        name = f"photo-{len(kept) + 1}.{_EXT[kind]}"
        slots.append(len(kept))
        kept.append((name, data, " ".join(photo.caption.split())))
    for name, _, _ in kept:
        if (folder / name).exists() and not force:
            raise BriefsiteError(folder / name, 0, "文件已存在，未覆盖 (file exists; not overwritten)",
                                 hint="先把它移走，或用 --force 导入")
    for name, data, caption in kept:
        _write(folder / name, data)
        result.written.append(folder / name)
        result.references.append(f"![{_escape(caption)}]({name})")
    result.by_photo = [result.references[s] if s is not None else None for s in slots]
    return result


def keep_original(bulletin: Path, data: bytes, *, force: bool = False) -> Path:
    """Keep the imported document as ``original.pdf`` or ``original.docx`` in
    the bulletin's folder (by its bytes); raises BriefsiteError for any other."""
    for suffix, kind in ORIGINAL_KINDS.items():
        if sniff_original(data[:8], kind):
            path = bulletin_folder(bulletin) / f"{ORIGINAL_STEM}{suffix}"
            if path.exists() and not force:
                raise BriefsiteError(path, 0, "文件已存在，未覆盖 (file exists; not overwritten)",
                                     hint="先把它移走，或用 --force 导入")
            _write(path, data)
            return path
    raise BriefsiteError(bulletin, 0, "原件既不是 PDF 也不是 .docx 文件 (the original is neither a PDF nor a .docx file)",
                         hint="手动保存原件，或导入 PDF / .docx 文件")


def _as_png(data: bytes) -> bytes | None:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data), formats=["TIFF", "BMP"]) as image:
            image.load()
            buffer = io.BytesIO()
            (image if image.mode in ("RGB", "RGBA", "L", "LA") else image.convert("RGBA")).save(buffer, "PNG")
            return buffer.getvalue()
    except Exception:
        return None


def _describe(data: bytes) -> str:
    if data[:4] == b"\x01\x00\x00\x00" and data[40:44] == b" EMF":
        return "EMF 绘图"
    if data[:4] == b"\xd7\xcd\xc6\x9a":
        return "WMF 绘图"
    return f"未知格式，{len(data)} 字节"


def _escape(caption: str) -> str:
    """A caption as Markdown image text: brackets and backslashes escaped."""
    return caption.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")



@dataclass(frozen=True)
class PlacedPhoto:
    """A picture of a Word document, where it stands: after paragraph
    ``paragraph`` (0-based, in body order), with the caption printed under it."""

    photo: Photo
    paragraph: int
    caption_paragraph: int | None  # the paragraph the caption was taken from (not body text)
    before: str = ""  # the text of the last paragraph with text above it, to place it in the body


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_V = "{urn:schemas-microsoft-com:vml}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CAPTION_RE = re.compile(r"^(?:图|照片|附图)\s*[0-9０-９一二三四五六七八九十]")
MAX_CAPTION = 80  # characters: a longer line under a photo is body text


def docx_photos(data: bytes) -> list[PlacedPhoto]:
    """Every picture in a .docx's body, in order, with its caption: the
    paragraph under it when that starts with 图N / 照片N or is a short
    centred line (as Word's own captions are). Raises ValueError for a file
    that is not a readable .docx."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            document = ElementTree.fromstring(package.read("word/document.xml"))
            rels = ElementTree.fromstring(package.read("word/_rels/document.xml.rels"))
            targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_REL}Relationship")
                       if r.get("TargetMode") != "External"}
            body = document.find(f"{_W}body")
            paragraphs = list(body.iter(f"{_W}p")) if body is not None else []
            placed: list[PlacedPhoto] = []
            before = ""
            for index, paragraph in enumerate(paragraphs):
                ids = [b.get(f"{_R}embed") for b in paragraph.iter(f"{_A}blip")]
                ids += [d.get(f"{_R}id") for d in paragraph.iter(f"{_V}imagedata")]  # older Word
                for rid in filter(None, ids):
                    target = targets.get(rid)
                    if not target:
                        continue
                    # Relative to word/ ("media/image1.png"), or from the package root.
                    name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"word/{target}")
                    try:
                        blob = package.read(name)
                    except KeyError:
                        continue
                    caption, where = _caption(paragraphs, index)
                    placed.append(PlacedPhoto(Photo(blob, caption), index, where, before))
                text = _text(paragraph)
                if text and not (placed and placed[-1].caption_paragraph == index):
                    before = text
            return placed
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError) as exc:
        raise ValueError(f"not a readable .docx ({exc})") from None


def _text(paragraph) -> str:
    return "".join(t.text or "" for t in paragraph.iter(f"{_W}t")).strip()


def _caption(paragraphs: list, index: int) -> tuple[str, int | None]:
    """The caption under picture paragraph ``index``: its own text, or the next paragraph's."""
    own = _text(paragraphs[index])
    if own and len(own) <= MAX_CAPTION:
        return own, index
    if index + 1 < len(paragraphs):
        below = paragraphs[index + 1]
        text = _text(below)
        centred = any(j.get(f"{_W}val") == "center" for j in below.iter(f"{_W}jc"))
        if text and len(text) <= MAX_CAPTION and (CAPTION_RE.match(text) or centred):
            return text, index + 1
    return "", None


def place_photos(markdown: str, placed: list[PlacedPhoto], references: list[str]) -> str:
    """``markdown`` (an imported bulletin) with each photo's reference after
    the paragraph that stood above it in the document, and the paragraphs
    that were its captions taken out of the text (the caption is in the
    reference). A photo whose place cannot be found goes at the end of the
    body, so none is lost. ``references``: store_photos' result, one per
    placed photo (a picture store_photos could not keep has None)."""
    head, sep, body = _split_front_matter(markdown)
    blocks = body.split("\n\n")
    captions = {_plain(p.photo.caption) for p in placed if p.caption_paragraph is not None and p.photo.caption}
    kept = [b for b in blocks if not (b.strip() and _plain(b) in captions)]
    after: dict[int, list[str]] = {}
    tail: list[str] = []
    start = 0
    for photo, reference in zip(placed, references):
        if reference is None:
            continue
        anchor = _plain(photo.before)
        found = next((i for i in range(start, len(kept)) if anchor and anchor in _plain(kept[i])), None)
        if found is None:
            tail.append(reference)
        else:
            after.setdefault(found, []).append(reference)
            start = found
    out: list[str] = []
    for i, block in enumerate(kept):
        out.append(block)
        out.extend(after.get(i, []))
    if tail:
        out[-1] = out[-1].rstrip("\n")
        out.extend(tail)
        out[-1] += "\n"
    return head + sep + "\n\n".join(out)


def _split_front_matter(markdown: str) -> tuple[str, str, str]:
    if markdown.startswith("---\n"):
        end = markdown.find("\n---\n", 4)
        if end >= 0:
            return markdown[:end], "\n---\n", markdown[end + 5:]
    return "", "", markdown


def _plain(text: str) -> str:
    """Text compared without Markdown marks and whitespace (the importer
    may escape or rejoin what the document printed)."""
    return re.sub(r"[\s#>*_`\\]+", "", text)
