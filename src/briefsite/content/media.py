"""A bulletin's photos and its printed original, kept in a folder beside it.

``bulletins/yiyang/2024-05-10-1.md`` keeps its files in
``bulletins/yiyang/2024-05-10-1/``: photos referenced from the body as
``![图注](photo-1.jpg)`` and, optionally, the document it was imported from
as ``original.pdf`` or ``original.docx``. This module checks that folder
against the body's references (what is missing, what is not an image, what
is too large, what nothing uses) and describes each file as plain data; it
never decodes pixels. Resizing happens at build time (build/images.py).

Images are recognised by their first bytes, never by their names, and their
size and dimensions are checked from the file header before any decoder
sees them (a decompression bomb is a small file that claims a huge image).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from ..errors import BriefsiteError, Problems
from ..files import read_regular
from ..i18n import _

# Magic bytes of the accepted formats (by content, never by name).
IMAGE_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
ORIGINAL_KINDS = {".pdf": "PDF", ".docx": "DOCX"}  # original.<ext> -> what the link says
ORIGINAL_STEM = "original"
MB = 1024 * 1024
MAX_ORIGINAL_BYTES = 200 * MB  # a printed bulletin's PDF is a few MB; a larger file is not one
# A file name that survives every static host and URL unchanged.
FILE_NAME_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$")
PRINTED_NUMBER_RE = re.compile(r"^图\s*\d+")  # a caption that already carries 图N as printed
# The number a caption is printed with, as on the printed bulletin (whatever the language).
FIGURE_LABEL = "图{number}"


def sniff(head: bytes) -> str | None:
    """The image format that ``head`` (a file's first 12 bytes or more) starts, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if len(head) >= 12 and head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def sniff_original(head: bytes, kind: str) -> bool:
    """Whether a file's first bytes are those of a ``kind`` document (PDF, DOCX: a zip)."""
    return head.startswith(b"%PDF-") if kind == "PDF" else head.startswith(b"PK\x03\x04")


@dataclass(frozen=True)
class Limits:
    """Images larger than this are refused before they are decoded."""

    max_bytes: int = 20 * 1024 * 1024
    max_pixels: int = 40_000_000


@dataclass(frozen=True)
class ImageFile:
    """A photo in a bulletin's folder, as read from its header."""

    name: str  # file name in the folder, e.g. photo-1.jpg
    format: str  # one of IMAGE_FORMATS, from the content
    width: int  # as shown: after the EXIF orientation is applied
    height: int
    size: int  # bytes
    hash: str  # of the bytes: the build's image store is keyed by it

    @property
    def stem(self) -> str:
        return self.name.rsplit(".", 1)[0] if "." in self.name else self.name


@dataclass(frozen=True)
class Figure:
    """One photo in the body, numbered in order: 图1, 图2, …"""

    number: int
    caption: str  # as shown under the photo, with its 图N
    alt: str  # what the photo shows, as the editor wrote it
    line: int  # line of its ![…](…) in the bulletin file
    image: ImageFile
    lead: bool = False  # near the top of the text: loaded at once, not lazily


@dataclass(frozen=True)
class Original:
    """The document the bulletin was imported from (original.pdf / .docx)."""

    name: str
    kind: str  # PDF or DOCX
    size: int  # bytes
    hash: str


WIDTHS = (480, 960, 1600)  # px of a photo's published copies; never wider than the photo
PUBLISHED_FORMAT = {"JPEG": "JPEG", "PNG": "PNG", "GIF": "PNG", "WEBP": "WEBP"}  # besides WebP


def widths_for(width: int) -> list[int]:
    """The widths a photo ``width`` px wide is published in: never upscaled."""
    return sorted({w for w in WIDTHS if w < width} | {min(width, WIDTHS[-1])})


def widest_name(image: "ImageFile") -> str:
    """The published name of a photo's widest copy in its own format (feeds link it)."""
    return Variant(min(image.width, WIDTHS[-1]), 0, PUBLISHED_FORMAT[image.format]).published_name(image)


@dataclass(frozen=True)
class Variant:
    """One resized copy of a photo, as the build publishes it."""

    width: int
    height: int
    format: str  # JPEG, PNG or WEBP

    @property
    def file(self) -> str:
        """Its name in the build's image store, e.g. 480.jpg."""
        return f"{self.width}.{self.extension}"

    @property
    def extension(self) -> str:
        return {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}[self.format]

    def published_name(self, image: ImageFile) -> str:
        """photo-1.jpg at 480 px -> photo-1-480.jpg, beside the bulletin's page."""
        return f"{image.stem}-{self.width}.{self.extension}"


@dataclass(frozen=True)
class Rendition:
    """A photo's resized copies: in its own format (GIF as PNG) and, when
    that is smaller, in WebP too. Widest last."""

    variants: tuple[Variant, ...]
    webp: tuple[Variant, ...] = ()

    @property
    def largest(self) -> Variant:
        return self.variants[-1]


@dataclass(frozen=True)
class FigureRef:
    """A ``![alt](target)`` in the body, as markup.render finds it."""

    target: str
    alt: str
    line: int  # 0-based line in the body
    alone: bool  # the only thing in its paragraph (with other photos)
    text_before: int = 0  # characters of body text before it


class MediaError(Exception):
    """A file in a bulletin's folder that cannot be used: message and fix."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def bulletin_folder(path: Path) -> Path:
    """Where a bulletin's photos and original are kept: beside it, named after it."""
    return path.with_suffix("")


def folder_files(folder: Path) -> list[str]:
    """The names of the files in a bulletin's folder (hidden and editor files left out)."""
    from .loader import is_ignored  # the loader's rule for editors' leftovers

    if folder.is_symlink():  # discover() reports it; no file outside the source is read
        return []
    try:
        with os.scandir(folder) as entries:
            return sorted(e.name for e in entries
                          if not is_ignored(e.name) and not e.is_symlink() and e.is_file())
    except OSError:
        return []


def human_size(size: int) -> str:
    """1234567 -> '1.2 MB', as the 下载原件 link shows it."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def inspect_image(path: Path, limits: Limits) -> ImageFile:
    """Read an image's header: its format by content, its shown size; raises MediaError.

    The byte size is checked before reading and the pixel count from the
    header before any pixel is decoded.
    """
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise _too_large(size, limits)
        data = read_regular(path, limits.max_bytes)  # never a FIFO or device, never past the limit
    except OSError as exc:
        raise MediaError(_("cannot read image: {reason}").format(reason=exc.strerror),
                         _("check that the file exists and that you may read it"))
    except BriefsiteError as exc:
        raise MediaError(exc.message, exc.hint)
    return inspect_data(data, path.name, limits)


def inspect_data(data: bytes, name: str, limits: Limits) -> ImageFile:
    """``inspect_image`` for bytes in hand (a photo taken out of an imported
    document): the same checks, by content and header, before any decoding."""
    if len(data) > limits.max_bytes:
        raise _too_large(len(data), limits)
    kind = sniff(data[:16])
    if kind is None:
        what = (_("{name} is empty") if not data else
                _("{name} is not a JPEG, PNG, GIF or WebP image (judged by its content, not its name)"))
        raise MediaError(what.format(name=name),
                         _("save the photo as JPEG or PNG, or correct the file name in the reference"))
    from PIL import Image, UnidentifiedImageError  # only bulletins with photos need Pillow

    # Pillow's own guard against decompression bombs, at our limit: it
    # checks the header's size in Image.open, before any decoding (over the
    # limit it warns, which is an error here; over twice it raises).
    Image.MAX_IMAGE_PIXELS = limits.max_pixels
    too_many = MediaError("", _("make the photo smaller (e.g. export it 2000 pixels wide), "
                                "or raise image_max_megapixels in briefsite.yaml"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # Image.open reads the header only; the limit check below comes
            # before any decoding. formats=: only the decoder its bytes name.
            with Image.open(io.BytesIO(data), formats=[kind]) as image:
                width, height = image.size
                if width * height > limits.max_pixels:
                    raise _too_many(width * height, limits, too_many)
                if width < 1 or height < 1:
                    raise MediaError(_("image has no pixels: {width} x {height}").format(width=width, height=height),
                                     _("export the photo again"))
                orientation = image.getexif().get(0x0112, 1) if kind in ("JPEG", "PNG", "WEBP") else 1
    except MediaError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        claimed = re.search(r"\((\d+) pixels\)", str(exc))  # "Image size (N pixels) exceeds limit ..."
        raise _too_many(int(claimed.group(1)) if claimed else 0, limits, too_many)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise MediaError(_("{name} is a damaged {kind} file: {reason}").format(name=name, kind=kind, reason=exc),
                         _("export or copy the photo again"))
    if orientation in (5, 6, 7, 8):  # rotated a quarter turn: shown the other way round
        width, height = height, width
    return ImageFile(name, kind, width, height, len(data), hashlib.blake2b(data, digest_size=16).hexdigest())


def _too_large(size: int, limits: Limits) -> MediaError:
    return MediaError(_("image is {size}; the limit is {limit} MB").format(size=human_size(size),
                                                                            limit=f"{limits.max_bytes / MB:.3g}"),
                      _("make the photo smaller (e.g. export it 2000 pixels wide), "
                        "or raise image_max_mb in briefsite.yaml"))


def _too_many(pixels: int, limits: Limits, error: MediaError) -> MediaError:
    count = f"{pixels / 1e6:.0f}" if pixels else "?"
    error.message = _("image is {count} megapixels; the limit is {limit} megapixels").format(
        count=count, limit=f"{limits.max_pixels / 1e6:g}")
    error.args = (error.message,)
    return error


def caption_text(alt: str, number: int) -> str:
    """The caption as printed: 图N before the editor's text, unless it has one."""
    alt = " ".join(alt.split())
    if PRINTED_NUMBER_RE.match(alt):
        return alt
    label = FIGURE_LABEL.format(number=number)
    return f"{label} {alt}" if alt else label


def reference_name(target: str, stem: str) -> str | None:
    """The file a reference names in the bulletin's folder: ``photo-1.jpg``,
    or ``<stem>/photo-1.jpg`` (the path from the bulletin file, which Markdown
    previewers show); None for anything else."""
    name = unquote(target)
    if name.startswith(stem + "/"):
        name = name[len(stem) + 1:]
    if "/" in name or "\\" in name or ":" in name or name in ("", ".", ".."):
        return None
    return name


def resolve(path: Path, shown: str, body_line: int, refs: tuple[FigureRef, ...], limits: Limits,
            problems: Problems) -> tuple[tuple[Figure, ...], Original | None]:
    """The bulletin's figures and original, every problem recorded at ``path:line``.

    ``body_line``: the file line that body line 0 is.
    """
    folder = bulletin_folder(path)
    names = folder_files(folder)
    inspected: dict[str, ImageFile | MediaError] = {}  # a photo shown twice is read once
    shown_folder = f"{bulletin_folder(Path(shown))}/"
    figures: list[Figure] = []
    used: set[str] = set()
    stems: dict[str, str] = {}
    for ref in refs:
        line = body_line + ref.line
        name = reference_name(ref.target, folder.name)
        if name is None:
            problems.error(shown, line,
                           _("photo {target!r} is not a file in the bulletin's folder {folder}").format(
                               target=ref.target, folder=shown_folder),
                           _("copy the photo to {folder} and reference it by its file name alone: "
                             "![caption](photo-1.jpg)").format(folder=shown_folder))
            continue
        if not ref.alone:
            problems.error(shown, line, _("photo {name} stands inside a paragraph of text").format(name=name),
                           _("put the ![caption](…) on a line of its own, with a blank line before and after"))
            continue
        if not FILE_NAME_RE.match(name):
            problems.error(shown, line, _("photo file name {name!r} cannot be part of a URL").format(name=name),
                           _("name files with English letters, digits, '-', '_' and '.' only, e.g. photo-1.jpg, "
                             "and change the reference to match"))
            continue
        if name not in names:
            near = [n for n in names if n.lower() == name.lower()]
            hint = (_("the folder has {file}: upper and lower case of the file name must match").format(file=near[0])
                    if near else
                    _("put the photo at {path}, or correct the file name").format(path=f"{shown_folder}{name}"))
            problems.error(shown, line, _("photo {name} not found in {folder}").format(name=name, folder=shown_folder),
                           hint)
            continue
        used.add(name)  # referenced: reported here if broken, never as unused
        if name not in inspected:
            try:
                inspected[name] = inspect_image(folder / name, limits)
            except MediaError as exc:
                inspected[name] = exc
        image = inspected[name]
        if isinstance(image, MediaError):
            problems.error(shown, line, f"{shown_folder}{name}: {image.message}", image.hint)
            continue
        if image.stem in stems and stems[image.stem] != name:
            problems.error(shown, line,
                           _("photos {first} and {second} would be published under one name").format(
                               first=stems[image.stem], second=name),
                           _("rename one of them (e.g. photo-2.jpg)"))
            continue
        stems[image.stem] = name
        number = len(figures) + 1
        alt = PRINTED_NUMBER_RE.sub("", " ".join(ref.alt.split())).strip()  # the caption says 图N
        figures.append(Figure(number, caption_text(ref.alt, number), alt, line, image,
                              lead=number == 1 and ref.text_before < LEAD_TEXT))
    original = _original(folder, shown_folder, names, problems)
    for name in names:
        if name in used or (original is not None and name == original.name):
            continue
        if sniff(_head(folder / name)) is not None:
            problems.warning(f"{shown_folder}{name}", 0,
                             _("photo not shown: {bulletin} does not reference it").format(bulletin=Path(shown).name),
                             _("add ![caption]({name}) in {file} where the photo belongs, or delete the file").format(
                                 name=name, file=shown))
        elif name.rsplit(".", 1)[0] != ORIGINAL_STEM:
            problems.warning(f"{shown_folder}{name}", 0,
                             _("not published: a bulletin's folder holds only its photos (JPEG, PNG, GIF, WebP) "
                               "and its original (original.pdf or original.docx)"),
                             _("move the file out of the bulletins folder, or delete it"))
    return tuple(figures), original


LEAD_TEXT = 120  # characters of text before the first photo that still fit on the first screen


def _head(path: Path) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(16)
    except OSError:
        return b""


def _original(folder: Path, shown_folder: str, names: list[str], problems: Problems) -> Original | None:
    """original.pdf or original.docx, checked by content."""
    found = sorted((n for n in names if n.rsplit(".", 1)[0] == ORIGINAL_STEM),
                   key=lambda n: (not n.lower().endswith(".pdf"), n))  # the printed PDF first
    chosen: Original | None = None
    for name in found:
        kind = ORIGINAL_KINDS.get("." + name.rsplit(".", 1)[-1].lower()) if "." in name else None
        if kind is None:
            problems.warning(f"{shown_folder}{name}", 0,
                             _("not published: an original is named original.pdf or original.docx"),
                             _("save the original as PDF (or .docx) under that name"))
            continue
        try:
            data = read_regular(folder / name, MAX_ORIGINAL_BYTES)
        except BriefsiteError as exc:
            problems.error(f"{shown_folder}{name}", 0,
                           _("cannot read the original: {reason}").format(reason=exc.message), exc.hint)
            continue
        if not sniff_original(data[:8], kind):
            problems.error(f"{shown_folder}{name}", 0,
                           _("{name} is not a {kind} file, judged by its content").format(name=name, kind=kind),
                           _("save the original as {kind} under this name, or delete the file").format(kind=kind))
            continue
        if chosen is not None:
            problems.warning(f"{shown_folder}{name}", 0,
                             _("not published: {name} is the original published").format(name=chosen.name),
                             _("keep only one original (the one that was printed) and delete the other"))
            continue
        chosen = Original(name, kind, len(data), hashlib.blake2b(data, digest_size=16).hexdigest())
    return chosen


def read_original(shown: str, original: Original) -> bytes:
    """The original's bytes, to publish; an error if it changed since it was checked."""
    path = bulletin_folder(Path(shown)) / original.name
    data = read_regular(path, MAX_ORIGINAL_BYTES)
    if hashlib.blake2b(data, digest_size=16).hexdigest() != original.hash:
        raise BriefsiteError(path, 0, _("the original changed during the build"), hint=_("build again"))
    return data
