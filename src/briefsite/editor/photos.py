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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

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
    for index, photo in enumerate(photos, 1):
        data, kind = photo.data, sniff(photo.data[:16])
        if kind is None:
            data = _as_png(photo.data)
            if data is None:
                result.warnings.append(f"picture {index} ({_describe(photo.data)}) is not a photo briefsite can "
                                       f"show; add it by hand as JPEG or PNG")
                continue
            kind = "PNG"
        name = f"photo-{len(kept) + 1}.{_EXT[kind]}"
        kept.append((name, data, " ".join(photo.caption.split())))
    for name, _, _ in kept:
        if (folder / name).exists() and not force:
            raise BriefsiteError(folder / name, 0, "file exists; not overwritten",
                                 hint="move it away, or import with --force")
    for name, data, caption in kept:
        _write(folder / name, data)
        result.written.append(folder / name)
        result.references.append(f"![{_escape(caption)}]({name})")
    return result


def keep_original(bulletin: Path, data: bytes, *, force: bool = False) -> Path:
    """Keep the imported document as ``original.pdf`` or ``original.docx`` in
    the bulletin's folder (by its bytes); raises BriefsiteError for any other."""
    for suffix, kind in ORIGINAL_KINDS.items():
        if sniff_original(data[:8], kind):
            path = bulletin_folder(bulletin) / f"{ORIGINAL_STEM}{suffix}"
            if path.exists() and not force:
                raise BriefsiteError(path, 0, "file exists; not overwritten",
                                     hint="move it away, or import with --force")
            _write(path, data)
            return path
    raise BriefsiteError(bulletin, 0, "the original is neither a PDF nor a .docx file",
                         hint="keep the original by hand, or import the PDF or .docx")


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
        return "EMF drawing"
    if data[:4] == b"\xd7\xcd\xc6\x9a":
        return "WMF drawing"
    return f"{len(data)} bytes of an unknown format"


def _escape(caption: str) -> str:
    """A caption as Markdown image text: brackets and backslashes escaped."""
    return caption.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")

