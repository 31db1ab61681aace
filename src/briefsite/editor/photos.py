"""Putting a document's photos and the document itself beside a bulletin:
what ``briefsite import`` calls for a .docx or .pdf with pictures.

The readers (importing/word.py, importing/pdf.py) find each picture where it
stands, with the caption printed under it (``caption_like``), and leave out
decorations (``is_decoration``). ``prepare_photos`` checks every picture as a
hand-added photo is checked (format by content, size and pixel limits before
decoding, then a full decode) and names the ones kept photo-1.jpg, photo-2.png,
…; ``write_photos`` writes them into the bulletin's folder
(``bulletins/yiyang/2024-05-10-1/`` beside ``2024-05-10-1.md``), where the body
references them as ``![caption](photo-1.jpg)``. ``keep_original`` keeps the
imported document there as ``original.pdf`` / ``original.docx`` (published
with ``originals: true``). Files are written atomically and never overwritten
unless asked.
"""

from __future__ import annotations

import io
import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from ..content.media import (ORIGINAL_KINDS, ORIGINAL_STEM, Limits, MediaError, bulletin_folder, inspect_data,
                             sniff, sniff_original)
from ..build.store import write_bytes  # atomic: temp file + rename
from ..errors import BriefsiteError
from ..i18n import _, ngettext

_EXT = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
# The names an import gives what it writes beside a bulletin.
IMPORTED_PHOTO = re.compile(r"^photo-[1-9][0-9]*\.(?:" + "|".join(_EXT.values()) + r")$")
ORIGINAL_NAMES = frozenset(f"{ORIGINAL_STEM}{suffix}" for suffix in ORIGINAL_KINDS)
# A caption as printed under a photo: 图1 …, 图 2-1 …, 图：…, 图为…, 照片1 …, 附图 …
CAPTION_RE = re.compile(r"^(?:图|照片|附图|图片)\s*(?:[0-9０-９一二三四五六七八九十]|[:：]|为)")
MAX_CAPTION = 80  # characters: a longer line under a photo is body text
SHORT_CAPTION = 40  # characters: a centred line without 图N this short may be a caption
SENTENCE_END = "。！？；!?;"
LEAD_IN = ("：", ":")  # a line ending so introduces what follows: not a caption
OUTLINE_START = re.compile(r"^(?:[一二三四五六七八九十]+\s*、|[（(]\s*[一二三四五六七八九十\d]+\s*[）)]|\d{1,2}\s*[.．、])")
# Pictures smaller than this on the page are decorations, not photos: a rule
# drawn as a picture (the red line under a masthead), an emblem, a logo.
MIN_SIDE_PT = 12.0  # thinner: a rule
MIN_LONG_SIDE_PT = 72.0  # both sides shorter (one inch): a logo or an emblem
MIN_PIXELS = 24  # a picture fewer pixels wide or high is an icon or a line


@dataclass(frozen=True)
class Photo:
    """A picture as a document holds it, with the caption printed under it ('' if none).

    ``where``: where it stands, for messages ("第 3 页", in the editor's
    language); ``problem``: why the reader could not take its bytes out (then
    ``data`` is empty).
    """

    data: bytes
    caption: str = ""
    where: str = ""
    problem: str = ""


def caption_like(text: str, *, centred: bool, emphasised: bool = False, styled: bool = False) -> bool:
    """Whether ``text``, printed directly under a picture, is its caption.

    图1 … / 图：… / 照片1 … always are (when not too long); otherwise a short
    line that is centred (or in Word's caption style), set like body text
    (not bold, not larger) and not a sentence, an outline heading or a list.
    """
    t = " ".join(text.split())
    if not t or len(t) > MAX_CAPTION or "\t" in text:
        return False
    if CAPTION_RE.match(t):
        return True
    if styled:
        return True
    return (centred and not emphasised and len(t) <= SHORT_CAPTION and not OUTLINE_START.match(t)
            and not any(ch in t for ch in SENTENCE_END) and not t.endswith(LEAD_IN))


def is_decoration(width_pt: float | None, height_pt: float | None, pixels: tuple[int, int] | None = None) -> bool:
    """A picture too small on the page (or in pixels) to be a photo: a rule, a logo, an emblem."""
    if pixels is not None and min(pixels) < MIN_PIXELS:
        return True
    if width_pt is None or height_pt is None:
        return False
    return min(width_pt, height_pt) < MIN_SIDE_PT or max(width_pt, height_pt) < MIN_LONG_SIDE_PT


@dataclass(frozen=True)
class Prepared:
    """A document's picture after its checks: kept (``name``) or left out (``problem``)."""

    photo: Photo
    name: str | None = None  # photo-1.jpg, in the bulletin's folder
    data: bytes = b""  # what is written (a TIFF or BMP becomes PNG)
    problem: str = ""  # why it was left out, for the editor

    @property
    def reference(self) -> str | None:
        """``![caption](photo-1.jpg)``, as the body references it; None if not kept."""
        return f"![{_escape(self.photo.caption)}]({self.name})" if self.name else None


def prepare_photos(photos: Sequence[Photo], limits: Limits = Limits()) -> list[Prepared]:
    """Each picture checked as a hand-added photo is (by content, size and pixel
    limits before decoding, then decoded in full, so a damaged one is found now
    and not at build time) and named photo-1.jpg, photo-2.png, … in order.

    A picture in another format Pillow reads safely (TIFF, BMP, JPEG 2000) is
    kept as PNG; one it cannot (a Word drawing, EMF/WMF, damaged bytes) is left
    out with the reason, so the editor can add it by hand.
    """
    out: list[Prepared] = []
    kept = 0
    for index, photo in enumerate(photos, 1):
        label = (_("picture {number} ({where})").format(number=index, where=photo.where) if photo.where
                 else _("picture {number}").format(number=index))
        if photo.problem or not photo.data:
            out.append(Prepared(photo, problem=_("{picture}: {problem}").format(
                picture=label, problem=photo.problem or _("no picture data"))))
            continue
        data, kind = photo.data, sniff(photo.data[:16])
        if kind is None:
            converted = _as_png(photo.data, limits)
            if converted is None:
                out.append(Prepared(photo, problem=_("{picture} ({kind}) cannot be shown on a web page: save it "
                                                     "as JPEG or PNG and add it by hand").format(
                                                         picture=label, kind=_describe(photo.data))))
                continue
            data, kind = converted, "PNG"
        name = f"photo-{kept + 1}.{_EXT[kind]}"
        try:
            inspect_data(data, name, limits)
            _decode(data, kind)
        except MediaError as exc:
            out.append(Prepared(photo, problem=_("{picture}: {problem}").format(picture=label,
                                                                                problem=exc.message)))
            continue
        kept += 1
        out.append(Prepared(photo, name, data))
    return out


def photo_paths(bulletin: Path, prepared: Iterable[Prepared]) -> list[Path]:
    """Where the kept pictures go: the bulletin's folder."""
    folder = bulletin_folder(bulletin)
    return [folder / p.name for p in prepared if p.name]


def check_free(paths: Iterable[Path], force: bool) -> None:
    """Raise BriefsiteError for the first of ``paths`` that exists, unless ``force``."""
    for path in paths:
        if (path.exists() or path.is_symlink()) and not force:
            raise BriefsiteError(path, 0, _("file exists; not overwritten"),
                                 hint=_("move it away first, or import with --force"))


def write_photos(bulletin: Path, prepared: Sequence[Prepared], *, force: bool = False) -> list[Path]:
    """Write the kept pictures into ``bulletin``'s folder; raises BriefsiteError
    (before writing any) when a file exists and ``force`` is not set."""
    paths = photo_paths(bulletin, prepared)
    check_free(paths, force)
    for path, photo in zip(paths, (p for p in prepared if p.name)):
        _write(path, photo.data)
    return paths


@dataclass
class Stored:
    references: list[str] = field(default_factory=list)  # one ![caption](name) per photo kept, in order
    by_photo: list[str | None] = field(default_factory=list)  # per photo given: its reference, None if left out
    written: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # pictures that could not be kept, and why


def store_photos(bulletin: Path, photos: Iterable[Photo], *, force: bool = False,
                 limits: Limits = Limits()) -> Stored:
    """``prepare_photos`` and ``write_photos`` in one: the photos written, their references."""
    prepared = prepare_photos(list(photos), limits)
    written = write_photos(bulletin, prepared, force=force)
    by_photo = [p.reference for p in prepared]
    return Stored([r for r in by_photo if r], by_photo, written, [p.problem for p in prepared if p.problem])


def left_from_before(bulletin: Path, keep: Iterable[Path]) -> list[Path]:
    """What an earlier import wrote into ``bulletin``'s folder and this one did
    not: its photo-N pictures and the other kind of original. A re-import with
    --force removes them: a stale photo-3.jpg would be published unreferenced,
    and an original.pdf beside the new original.docx stops the build."""
    folder = bulletin_folder(bulletin)
    kept = {path.name for path in keep}
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:  # no folder yet (or not a folder): nothing from before
        return []
    return [folder / entry.name for entry in entries
            if entry.name not in kept and entry.is_file(follow_symlinks=False)
            and (IMPORTED_PHOTO.match(entry.name) or entry.name in ORIGINAL_NAMES)]


def remove_left_from_before(bulletin: Path, keep: Iterable[Path]) -> list[Path]:
    """``left_from_before``, removed; the paths removed."""
    removed = []
    for path in left_from_before(bulletin, keep):
        try:
            path.unlink()
        except OSError as exc:
            raise BriefsiteError(path, 0, _("cannot remove a file an earlier import wrote: {reason}").format(
                reason=exc.strerror), hint=_("remove it by hand: nothing references it now")) from None
        removed.append(path)
    return removed


def original_path(bulletin: Path, data: bytes) -> Path | None:
    """Where ``keep_original`` keeps ``data``: original.pdf / original.docx, by
    its bytes; None for a document of another kind (a .doc, a text file)."""
    for suffix, kind in ORIGINAL_KINDS.items():
        if sniff_original(data[:8], kind):
            return bulletin_folder(bulletin) / f"{ORIGINAL_STEM}{suffix}"
    return None


def keep_original(bulletin: Path, data: bytes, *, force: bool = False) -> Path:
    """Keep the imported document as ``original.pdf`` or ``original.docx`` in
    the bulletin's folder (by its bytes); raises BriefsiteError for any other."""
    path = original_path(bulletin, data)
    if path is None:
        raise BriefsiteError(bulletin, 0, _("the original is neither a PDF nor a .docx file"),
                             hint=_("keep the original by hand, or import a PDF or .docx file"))
    check_free([path], force)
    _write(path, data)
    return path


def _write(path: Path, data: bytes) -> None:
    """Write atomically, as an ordinary file (the temporary file is private, 0600)."""
    try:
        write_bytes(path, data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(path, 0o666 & ~umask)
    except OSError as exc:
        raise BriefsiteError(path, 0, _("cannot write: {reason}").format(reason=exc.strerror),
                             hint=_("check the folder's permissions and the free disk space")) from None


def _as_png(data: bytes, limits: Limits) -> bytes | None:
    """A TIFF, BMP or JPEG 2000 picture as PNG (within the pixel limit), or None."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=["TIFF", "BMP", "JPEG2000"])
        with image:
            if image.size[0] * image.size[1] > limits.max_pixels:
                return None
            image.load()
            buffer = io.BytesIO()
            (image if image.mode in ("RGB", "RGBA", "L", "LA") else image.convert("RGBA")).save(buffer, "PNG")
            return buffer.getvalue()
    except Exception:
        return None


def _describe(data: bytes) -> str:
    if data[:4] == b"\x01\x00\x00\x00" and data[40:44] == b" EMF":
        return _("EMF drawing")
    if data[:4] == b"\xd7\xcd\xc6\x9a":
        return _("WMF drawing")
    return ngettext("unknown format, {count} byte", "unknown format, {count} bytes", len(data)).format(
        count=len(data))


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]~<])")
_ENTITY = re.compile(r"&(?=#?\w+;)")


def _escape(caption: str) -> str:
    """A caption as Markdown image text that reads back as exactly this text:
    brackets, emphasis marks, backslashes and entities escaped."""
    return _ENTITY.sub(r"\\&", _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(caption.split())))


def _decode(data: bytes, kind: str) -> None:
    """Decode every pixel (the limits are checked already): a damaged picture
    is found at import, with its number, not at build time. Raises MediaError."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data), formats=[kind]) as image:
            image.load()
    except Exception as exc:  # Pillow raises many kinds for damaged data
        raise MediaError(_("the picture is damaged and cannot be decoded: {error}").format(error=exc),
                         _("save the picture out of the original and add it by hand")) from None



