"""What search engines and link previews read: canonical URLs, page
descriptions, ``sitemap.xml`` and ``robots.txt``.

A sitemap and robots.txt need absolute URLs, so they are written only when
``base_url`` is configured; without it the site still works anywhere, it just
tells crawlers less.
"""

from __future__ import annotations

import hashlib
import re
from typing import Iterable, Iterator

from ..content.config import Config

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
DESCRIPTION_LIMIT = 120  # characters: what link previews show of a Chinese text

# Pages that must not be listed or indexed: the 404 page is served in place
# of missing URLs, never at its own address.
UNLISTED = frozenset({"404.html"})


def clean_path(path: str) -> str:
    """The address a page is linked under: 'a/b/index.html' -> 'a/b/'."""
    if path == "index.html":
        return ""
    if path.endswith("/index.html"):
        return path[: -len("index.html")]
    return path


def canonical(config: Config, path: str) -> str:
    """Absolute URL of a page when base_url is known, else ''."""
    if not config.base_url:
        return ""
    return config.base_url + clean_path(path)


def summary(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """The start of a text on one line, cut at ``limit`` characters with '…'."""
    flat = re.sub(r"\s+", " ", text).strip()
    if len(flat) <= limit:
        return flat
    return flat[: limit - 1].rstrip() + "…"


def sitemap_xml(page_paths: Iterable[str], config: Config,
                lastmod: dict[str, str] | None = None) -> bytes:
    """A sitemap listing every page (in the given order) by its absolute URL.

    ``lastmod`` maps a page path to an ISO date; pages without one get none
    rather than the build time, so the file stays the same between builds.
    """
    lastmod = lastmod or {}
    return b"".join(sitemap_chunks(((path, lastmod.get(path)) for path in page_paths), config))


def sitemap_chunks(pages: Iterable[tuple[str, str | None]], config: Config) -> Iterator[bytes]:
    """``sitemap_xml`` piece by piece from (page path, ISO date or None)
    pairs, as the build writes it (one entry per page: never whole in
    memory). The bytes are ElementTree's with ``ET.indent`` (tested)."""
    if not config.base_url:
        raise ValueError("a sitemap needs base_url")
    head = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}"'
    batch: list[str] = []
    for path, date in pages:
        if path in UNLISTED:
            continue
        if not batch and head:
            batch.append(head + ">")
            head = ""
        entry = f"\n  <url>\n    <loc>{_xml_text(canonical(config, path))}</loc>"
        if date is not None:
            entry += f"\n    <lastmod>{_xml_text(date)}</lastmod>"
        batch.append(entry + "\n  </url>")
        if len(batch) >= 512:
            yield "".join(batch).encode("utf-8")
            batch = []
    if head:  # no page listed
        yield (head + " />\n").encode("utf-8")
        return
    batch.append("\n</urlset>\n")
    yield "".join(batch).encode("utf-8")


def sitemap_key(bulletins) -> str:
    """What the sitemap shows of the bulletins (each page's URL and date), as
    one hash: an edit of a bulletin's text leaves the sitemap alone."""
    text = "\n".join(f"{b.url}\t{b.date.isoformat()}" for b in bulletins)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def _xml_text(text: str) -> str:
    """Escaped as ElementTree escapes element text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def robots_txt(config: Config) -> bytes:
    """Allow everything and point at the sitemap.

    Crawlers read robots.txt only at a host's root; when base_url has a
    sub-path, copy this file to the root of the host (or merge it there).
    """
    if not config.base_url:
        raise ValueError("robots.txt needs base_url")
    return (f"User-agent: *\nAllow: /\n\nSitemap: {config.base_url}sitemap.xml\n").encode("utf-8")
