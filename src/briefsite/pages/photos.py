"""What a bulletin page shows of its photos and its original: plain records
for the theme (``_macros.html`` draws them), and the files they publish.

The photos' resized copies are made by the build (build/images.py); this
module only names them. Everything here is relative to the bulletin's page,
whose folder the copies and the original are published in.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable, Iterator, Mapping

from ..content.config import Config
from ..content.media import Figure, ImageFile, Rendition, Variant, human_size, read_original
from ..content.model import Bulletin

# The record the build passes in: a photo's rendition, and its copies' bytes.
Renditions = Mapping[str, Rendition]  # by ImageFile.hash
PhotoBytes = Callable[[ImageFile, Variant], bytes]


@dataclass(frozen=True)
class FigureView:
    number: int
    caption: str  # 图1 …, shown under the photo
    alt: str
    src: str  # a middle-sized copy, for browsers without srcset
    srcset: str  # "photo-1-480.jpg 480w, photo-1-960.jpg 960w"
    webp_srcset: str  # "" when WebP is not smaller
    width: int  # of the widest copy: the page reserves the photo's space
    height: int
    lazy: bool  # below the first screen


@dataclass(frozen=True)
class OriginalView:
    href: str  # e.g. original.pdf
    kind: str  # PDF / DOCX
    size: str  # 1.2 MB


@dataclass(frozen=True)
class PageMedia:
    figures: tuple[FigureView, ...]
    original: OriginalView | None


def page_media(bulletin: Bulletin, renditions: Renditions | None, config: Config) -> PageMedia | None:
    """The page's photos and original (None: it has neither; a plain value,
    so the pages of most bulletins keep their quick fingerprint)."""
    original = None
    if config.originals and bulletin.original is not None:
        o = bulletin.original
        original = OriginalView(o.name, o.kind, human_size(o.size))
    figures = tuple(_figure(f, renditions[f.image.hash]) for f in bulletin.figures) if renditions else ()
    if not figures and original is None:
        return None
    return PageMedia(figures, original)


def _figure(figure: Figure, rendition: Rendition) -> FigureView:
    image = figure.image
    largest = rendition.largest
    middle = next((v for v in rendition.variants if v.width >= 960), largest)
    return FigureView(
        number=figure.number, caption=figure.caption, alt=figure.alt,
        src=middle.published_name(image),
        srcset=_srcset(rendition.variants, image),
        webp_srcset=_srcset(rendition.webp, image),
        width=largest.width, height=largest.height,
        lazy=not figure.lead,
    )


def _srcset(variants: tuple[Variant, ...], image: ImageFile) -> str:
    return ", ".join(f"{v.published_name(image)} {v.width}w" for v in variants)


def media_files(bulletin: Bulletin, renditions: Renditions | None, config: Config,
                photo_bytes: PhotoBytes | None) -> Iterator[tuple[str, tuple, Callable[[], bytes]]]:
    """Each file the bulletin publishes beside its page: (path, inputs, make).
    ``inputs`` name the bytes by content, so an unchanged photo is not written again."""
    if renditions and photo_bytes is not None:
        for image in dict.fromkeys(f.image for f in bulletin.figures):  # a photo shown twice: its files once
            rendition = renditions[image.hash]
            for variant in rendition.variants + rendition.webp:
                yield (f"{bulletin.url}{variant.published_name(image)}", ("photo", image.hash, variant.file),
                       _Bytes(photo_bytes, image, variant))
    if config.originals and bulletin.original is not None:
        yield (f"{bulletin.url}{bulletin.original.name}", ("original", bulletin.original.hash),
               functools.partial(read_original, bulletin.source, bulletin.original))


@dataclass(frozen=True)
class _Bytes:
    make: PhotoBytes
    image: ImageFile
    variant: Variant

    def __call__(self) -> bytes:
        return self.make(self.image, self.variant)
