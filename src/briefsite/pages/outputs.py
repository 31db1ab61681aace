"""Every file of the site, as ``Output`` values in a fixed order: pages,
theme assets, the front-matter schema, feeds, bulletins.json, and with a
base_url the sitemap and robots.txt.

An output names what it is made from (``inputs``, for its fingerprint: see
build/plan.py) and how to make its bytes; making them is left to the build,
which skips the outputs whose inputs did not change.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import jinja2

from ..content.archive import Archive
from ..content.config import Config
from ..content.model import Bulletin
from . import export, feeds, seo
from .photos import PhotoBytes, Renditions, media_files
from .render import (Page, bulletin_page, city_refs, plan_pages, read_theme_file, render_page,
                     render_page_stream, template_folders, theme_files)

SCHEMA_IN_SITE = "schema/bulletin.schema.json"  # for editors' YAML tooling (docs/format.md)
BULLETIN_TEMPLATE = "bulletin.html"


@dataclass(frozen=True)
class Output:
    path: str  # relative to the site root, POSIX separators
    # Everything the file shows (a Page, a Feed, the bulletins...), for its
    # fingerprint; None for files known only by their bytes (assets).
    inputs: Any
    # The file's bytes, or for a file too large to hold whole (bulletins.json,
    # the sitemap) an iterator of its pieces, written as they come.
    make: Callable[[], bytes | Iterator[bytes]]
    # A bulletin's own page: its position in ``archive.bulletins``, from
    # which a render worker makes the same bytes (``bulletin_pages``); -1 for
    # every other output, made by ``make`` in the build's own process.
    part: int = -1


def site_outputs(archive: Archive, config: Config, env: jinja2.Environment, *, search: bool = True,
                 records: Callable[[Bulletin], bytes | None] | None = None,
                 renditions: Renditions | None = None, photo_bytes: PhotoBytes | None = None) -> Iterator[Output]:
    """Every output of the site. ``records``: bulletins.json records made
    earlier (the parse cache's). ``renditions``, ``photo_bytes``: the
    bulletins' photos as the build resized them (build/images.py)."""
    # The pages in order, for the sitemap: other pages by path, a run of
    # bulletins' pages as a range of their positions (not 100,000 paths).
    pages: list[str | range] = []
    bulletins, n = archive.bulletins, 0  # plan_pages yields their pages in this order
    for page in plan_pages(archive, config, search=search, renditions=renditions):
        part = -1
        if n < len(bulletins) and page.template == BULLETIN_TEMPLATE and page.context.get("bulletin") is bulletins[n]:
            part, n = n, n + 1
            if pages and isinstance(pages[-1], range) and pages[-1].stop == part:
                pages[-1] = range(pages[-1].start, part + 1)
            else:
                pages.append(range(part, part + 1))
        else:
            pages.append(page.path)
        # A list page (a city's, a year's) grows with the archive: made as a stream.
        make = _render if part >= 0 else _render_stream
        yield Output(page.path, page, functools.partial(make, env, page), part)
    for bulletin in archive.bulletins:  # photos and originals, beside their pages
        if bulletin.figures or bulletin.original is not None:
            for path, inputs, make in media_files(bulletin, renditions, config, photo_bytes):
                yield Output(path, inputs, make)
    for rel, path in asset_files(config):
        yield Output(rel, None, functools.partial(read_theme_file, path))
    yield Output(SCHEMA_IN_SITE, None, schema_file().read_bytes)
    for feed in feeds.plan_feeds(archive, config):  # each reads up to 50 bodies
        yield Output(feed.path, feed, functools.partial(feeds.render_feed, feed, config))
    # Made as a stream (an iterator of bytes), like the sitemap: see
    # build/site.py's write. Its bytes follow from its records alone (with
    # the config, in every fingerprint): an edit of a bulletin's text, which
    # no record shows, leaves the file alone rather than streaming it again.
    yield Output(export.EXPORT_PATH, (export.EXPORT_PATH, export.records_key(archive, config, records))
                 if records is not None else (export.EXPORT_PATH, archive.bulletins),
                 functools.partial(export.bulletins_json_chunks, archive, config, records))
    if config.base_url:  # sitemap.xml (every page: reused when unchanged) and robots.txt
        # Its pages follow from the bulletins' URLs and dates and the other pages' paths.
        yield Output("sitemap.xml", ("sitemap", tuple(p for p in pages if isinstance(p, str)),
                                     seo.sitemap_key(archive.bulletins)),
                     functools.partial(_sitemap, pages, archive, config))
        yield Output("robots.txt", None, functools.partial(seo.robots_txt, config))


def bulletin_pages(parts: list[int], archive: Archive, config: Config, env: jinja2.Environment,
                   renditions: Renditions | None = None) -> list[tuple[str, bytes]]:
    """The pages of ``archive.bulletins[i]`` for each ``i`` in ``parts`` as
    (path, bytes): what a render worker does with the positions it is sent
    (``Output.part``). The page is made by the same ``bulletin_page`` as
    ``plan_pages`` makes it, so its bytes are the same."""
    refs = city_refs(archive)
    rendered = []
    for i in parts:
        page = bulletin_page(archive, archive.bulletins[i], refs, renditions, config)
        rendered.append((page.path, _render(env, page)))
    return rendered


def _render(env: jinja2.Environment, page: Page) -> bytes:
    return render_page(env, _with_body(page))


def _render_stream(env: jinja2.Environment, page: Page) -> Iterator[bytes]:
    return render_page_stream(env, _with_body(page))


def _with_body(page: Page) -> Page:
    """The page with its bulletin's body read once, not on every access."""
    bulletin = page.context.get("bulletin")
    if isinstance(bulletin, Bulletin):
        full = bulletin.loaded()
        if full is not bulletin:
            return dataclasses.replace(page, context={**page.context, "bulletin": full})
    return page


def _sitemap(pages: list[str | range], archive: Archive, config: Config) -> Iterator[bytes]:
    return seo.sitemap_chunks(_sitemap_entries(pages, archive), config)


def _sitemap_entries(pages: list[str | range], archive: Archive) -> Iterator[tuple[str, str | None]]:
    """(path, last modified) of every page in order; a bulletin's page was last modified on its date."""
    for item in pages:
        if isinstance(item, str):
            yield item, None
        else:
            for i in item:
                b = archive.bulletins[i]
                yield f"{b.url}index.html", b.date.isoformat()


def asset_files(config: Config) -> list[tuple[str, Path]]:
    """Static files of the theme (CSS, icons), user's own overriding by name."""
    files: dict[str, Path] = {}
    for folder in template_folders(config):  # later ones override
        if (folder / "assets").is_dir():
            for rel, path in theme_files(folder):  # links leaving the theme refused
                if rel.startswith("assets/"):
                    files[rel] = path
    return [(rel, files[rel]) for rel in sorted(files)]


def schema_file() -> Path:
    """The front-matter JSON Schema: shipped in the package, or the checkout's schema/."""
    packaged = Path(__file__).resolve().parents[1] / SCHEMA_IN_SITE
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[3] / SCHEMA_IN_SITE
