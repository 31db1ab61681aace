"""Photos at build time: each bulletin photo resized into a few widths with
Pillow, metadata stripped, kept in a content-addressed image store.

The store (``.briefsite-cache/images/``) is keyed by the hash of a photo's
bytes and the encoder settings below, so a photo is decoded and encoded once:
later builds, and other bulletins showing the same bytes, read the result.
Without a build cache (``--no-cache``, ``check``) the results live in memory
for the one build.

Every output is deterministic: fixed encoder settings, no timestamps, no
metadata at all (EXIF with its GPS position, XMP, comments, ICC profiles:
colours are converted to sRGB first), so two builds give the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ..content.archive import Archive
from ..content.media import PUBLISHED_FORMAT, WIDTHS, ImageFile, Limits, MediaError, Rendition, Variant, widths_for
from ..errors import BriefsiteError, Problems
from ..files import read_regular
from ..i18n import _
from . import store
from .store import digest
from .workers import iter_chunks

JPEG = {"quality": 82, "optimize": True, "progressive": True, "subsampling": "4:2:0"}
PNG = {"optimize": True}
WEBP_LOSSY = {"quality": 80, "method": 4}  # for photos (JPEG sources)
WEBP_LOSSLESS = {"lossless": True, "quality": 80, "method": 4}  # charts and scans (PNG, GIF)
# Part of every store key: change it with any setting above, or the encoder's output.
INDEX = "index"  # file in the store: the last build's renditions
SETTINGS = f"1 {WIDTHS} {JPEG} {PNG} {WEBP_LOSSY} {WEBP_LOSSLESS}"


@dataclass
class ImageStore:
    """Resized photos by content; ``root`` None keeps them in memory."""

    root: Path | None
    limits: Limits = field(default_factory=Limits)
    memory: dict[str, object] = field(default_factory=dict, repr=False)
    # False (``check``): photos are decoded to be checked, not encoded; their
    # renditions are what a build would make, their bytes empty.
    encode: bool = True
    index: dict[str, Rendition] | None = field(default=None, repr=False)  # the last build's, by image hash

    @classmethod
    def beside(cls, cache_root: Path | None, limits: Limits) -> "ImageStore":
        return cls(cache_root / "images" if cache_root is not None else None, limits)

    def key(self, image: ImageFile) -> str:
        return self.key_of(image.hash)

    def _path(self, key: str, name: str) -> Path:
        assert self.root is not None
        return self.root / key[:2] / key / name

    def _get(self, key: str, name: str):
        if self.root is None:
            return self.memory.get(f"{key}/{name}")
        return store.read(self._path(key, name))

    def _put(self, key: str, name: str, value) -> None:
        if self.root is None:
            self.memory[f"{key}/{name}"] = value
        else:
            store.write(self._path(key, name), value)

    def known(self, image: ImageFile) -> Rendition | None:
        """The photo's rendition if the store has it (from its index: one
        file read per build, not one per photo)."""
        if self.index is None:
            index = store.read(self.root / INDEX) if self.root is not None else None
            self.index = index if isinstance(index, dict) else {}
        known = self.index.get(image.hash)
        return known if isinstance(known, Rendition) and self.encode else None

    def rendition(self, source: Path, image: ImageFile) -> Rendition:
        """The photo's resized copies, made now unless the store has them; raises MediaError."""
        key = self.key(image)
        known = self._get(key, "rendition")
        if isinstance(known, Rendition):
            return known
        data = _read(source, image)
        if not self.encode:
            return checked(data, image, self.limits)
        rendition, files = resize(data, image, self.limits)
        for name, blob in files.items():
            self._put(key, name, blob)
        self._put(key, "rendition", rendition)  # last: its presence means the files are there
        return rendition

    def prune(self, renditions: dict[str, Rendition]) -> None:
        """Keep the index of this build's photos, and forget the others
        (photos no longer published)."""
        if self.root is None or not self.encode:
            return
        if self.index is None:  # not read this build (no photo was looked up)
            index = store.read(self.root / INDEX)
            self.index = index if isinstance(index, dict) else {}
        if renditions == self.index:
            return  # (an archive without photos never creates the store)
        store.write(self.root / INDEX, renditions)
        self.index = dict(renditions)
        wanted = {self.key_of(h) for h in renditions}
        try:
            buckets = os.listdir(self.root)
        except OSError:
            return
        for bucket in buckets:
            if bucket == INDEX:
                continue
            try:
                names = os.listdir(self.root / bucket)
            except OSError:
                continue
            for name in names:
                if name not in wanted:
                    shutil.rmtree(self.root / bucket / name, ignore_errors=True)

    def key_of(self, image_hash: str) -> str:
        return digest(image_hash.encode(), SETTINGS.encode())

    def data(self, source: Path, image: ImageFile, variant: Variant) -> bytes:
        """One copy's bytes (made again if the store lost them)."""
        if not self.encode:
            return b""
        key = self.key(image)
        blob = self._get(key, variant.file)
        if not isinstance(blob, bytes):
            _, files = resize(_read(source, image), image, self.limits)
            for name, made in files.items():
                self._put(key, name, made)
            blob = files[variant.file]
        return blob


def _read(source: Path, image: ImageFile) -> bytes:
    try:
        data = read_regular(source, image.size)  # the size it had when checked: a file grown since is refused
    except BriefsiteError as exc:
        raise MediaError(exc.message, exc.hint)
    if digest_of(data) != image.hash:
        raise MediaError(_("the photo changed during the build"), _("build again"))
    return data


def digest_of(data: bytes) -> str:
    """As media.inspect_image hashes a photo."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def checked(data: bytes, image: ImageFile, limits: Limits) -> Rendition:
    """The rendition ``resize`` would give, after decoding the photo to check
    it (a JPEG at 1/8 scale: every byte is still read), without encoding."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = limits.max_pixels
    try:
        with Image.open(io.BytesIO(data), formats=[image.format]) as opened:
            if image.format == "JPEG":
                opened.draft(opened.mode, (max(1, opened.width // 8), max(1, opened.height // 8)))
            opened.load()
    except Exception as exc:  # as in resize
        raise _undecodable(image, exc)
    own = PUBLISHED_FORMAT[image.format]
    sizes = [(w, max(1, round(image.height * w / image.width))) for w in widths_for(image.width)]
    return Rendition(tuple(Variant(w, h, own) for w, h in sizes),
                     tuple(Variant(w, h, "WEBP") for w, h in sizes) if own != "WEBP" else ())


def _undecodable(image: ImageFile, exc: Exception) -> MediaError:
    return MediaError(_("the {kind} data of {name} cannot be decoded: {reason}").format(
        kind=image.format, name=image.name, reason=exc), _("export or copy the photo again"))


def resize(data: bytes, image: ImageFile, limits: Limits) -> tuple[Rendition, dict[str, bytes]]:
    """Decode once, then encode every width: (the rendition, its files by store name)."""
    from PIL import Image, ImageOps

    # Pillow's own guard against decompression bombs, at our limit (the
    # header was checked against it before, in media.inspect_image).
    Image.MAX_IMAGE_PIXELS = limits.max_pixels
    try:
        with Image.open(io.BytesIO(data), formats=[image.format]) as opened:
            opened.seek(0)  # an animated GIF or WebP: its first frame
            opened.load()
            picture = ImageOps.exif_transpose(opened)  # as the camera meant it, before EXIF goes
            picture = _srgb(picture)
    except MediaError:
        raise
    except Exception as exc:  # any decoder error: a damaged file, never a traceback
        raise _undecodable(image, exc)
    picture.info = {}  # nothing of the original's metadata reaches an encoder
    own = PUBLISHED_FORMAT[image.format]
    picture = _mode_for(picture, own)
    width, height = picture.size
    widths = widths_for(width)
    files: dict[str, bytes] = {}
    variants: list[Variant] = []
    webps: list[Variant] = []
    for w in widths:
        h = max(1, round(height * w / width))
        copy = picture if w == width else picture.resize((w, h), Image.Resampling.LANCZOS, reducing_gap=3.0)
        variant = Variant(w, h, own)
        files[variant.file] = _encode(copy, own, image.format)
        variants.append(variant)
        if own != "WEBP":
            webp = Variant(w, h, "WEBP")
            files[webp.file] = _encode(copy, "WEBP", image.format)
            webps.append(webp)
    # WebP only where it is smaller than the photo's own format, in all.
    if webps and sum(len(files[v.file]) for v in webps) >= sum(len(files[v.file]) for v in variants):
        for v in webps:
            del files[v.file]
        webps = []
    return Rendition(tuple(variants), tuple(webps)), files


def _srgb(picture):
    """Colours converted to sRGB when the photo carries another colour profile
    (a phone's Display P3): the profile itself is metadata and is dropped."""
    icc = picture.info.get("icc_profile")
    if not icc:
        return picture
    try:
        from PIL import ImageCms

        mode = "RGBA" if picture.mode in ("RGBA", "LA", "PA") else "RGB"
        if picture.mode not in ("RGB", "RGBA", "CMYK", "L"):
            picture = picture.convert(mode)
        return ImageCms.profileToProfile(picture, ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                                         ImageCms.createProfile("sRGB"), outputMode=mode)
    except Exception:  # a broken profile: the pixels as they are
        return picture


def _mode_for(picture, fmt: str):
    """A pixel mode the encoder takes: RGB or L for JPEG, alpha kept for PNG and WebP."""
    alpha = picture.mode in ("RGBA", "LA", "PA") or (picture.mode == "P" and "transparency" in picture.info)
    if picture.mode.startswith("I;16") or picture.mode in ("I", "F"):
        picture = picture.point(lambda v: v / 256).convert("L") if picture.mode != "F" else picture.convert("L")
    if fmt == "JPEG":
        return picture if picture.mode in ("RGB", "L") else picture.convert("RGB")
    if picture.mode in ("RGB", "RGBA", "L", "LA"):
        return picture
    return picture.convert("RGBA" if alpha else "RGB")


def _encode(picture, fmt: str, source_format: str) -> bytes:
    buffer = io.BytesIO()
    if fmt == "JPEG":
        picture.save(buffer, "JPEG", **JPEG)
    elif fmt == "PNG":
        picture.save(buffer, "PNG", **PNG)
    else:
        if picture.mode not in ("RGB", "RGBA"):
            picture = picture.convert("RGBA" if "A" in picture.mode else "RGB")
        settings = WEBP_LOSSY if source_format in ("JPEG", "WEBP") else WEBP_LOSSLESS
        picture.save(buffer, "WEBP", **settings)
    return buffer.getvalue()


@dataclass(frozen=True)
class Photos:
    """The step's result: every published photo's rendition, by image hash,
    and the store to read their bytes from."""

    renditions: dict[str, Rendition]
    store: ImageStore
    sources: dict[str, Path]  # image hash -> a file holding those bytes

    def rendition(self, image: ImageFile) -> Rendition:
        return self.renditions[image.hash]

    def data(self, image: ImageFile, variant: Variant) -> bytes:
        return self.store.data(self.sources[image.hash], image, variant)


def process(archive: Archive, image_store: ImageStore, problems: Problems, *, jobs: int = 1) -> Photos:
    """Every published bulletin's photos resized (or found in the store);
    a photo that cannot be decoded is an error at its bulletin's line."""
    todo: dict[str, tuple[Path, ImageFile]] = {}
    where: dict[str, list[tuple[str, int]]] = {}
    for bulletin in archive.bulletins:
        if not bulletin.figures:
            continue  # most bulletins: no Path made for them (~0.1 s a rebuild at 10,000)
        folder = Path(bulletin.source).with_suffix("")
        for figure in bulletin.figures:
            image = figure.image
            todo.setdefault(image.hash, (folder / image.name, image))
            where.setdefault(image.hash, []).append((bulletin.source, figure.line))
    renditions: dict[str, Rendition] = {}
    misses: list[tuple[str, ImageFile]] = []
    for path, image in todo.values():
        known = image_store.known(image)
        if known is not None:
            renditions[image.hash] = known
        else:
            misses.append((str(path), image))
    # One photo per task (encoding one costs ~0.1-1 s). Workers share the
    # store through its files; an in-memory one stays in this process.
    workers = jobs if image_store.root is not None else 1
    for (path, image), result in zip(misses, iter_chunks(_process_chunk, misses, workers, image_store, chunk=1)):
        if isinstance(result, Rendition):
            renditions[image.hash] = result
        else:
            message, hint = result
            for shown, line in where[image.hash]:
                problems.error(shown, line, f"{Path(shown).with_suffix('')}/{image.name}: {message}", hint)
    return Photos(renditions, image_store, {image.hash: path for path, image in todo.values()})


def _process_chunk(items: list[tuple[str, ImageFile]], image_store: ImageStore) -> list:
    results: list = []
    for path, image in items:
        try:
            results.append(image_store.rendition(Path(path), image))
        except MediaError as exc:
            results.append((exc.message, exc.hint))
    return results

