"""Atom feeds (RFC 4287): one for the whole archive, one per city.

Every date in a feed comes from the bulletins (a bulletin carries only its
issue date, taken as midnight China time), never from the clock, so the same
archive always gives the same feed. Links are absolute when ``base_url`` is
configured; otherwise they are site-relative and ``xml:base`` points from the
feed's own location back to the site root, so a reader resolves them against
wherever the feed was fetched from.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from html import escape
from typing import Iterator
from urllib.parse import urlsplit

from .. import __version__, i18n
from ..content.archive import Archive
from ..content.config import Config
from ..content.dates import cn_date
from ..content.markup import split_figures
from ..content.media import widest_name
from ..content.model import Bulletin
from ..errors import BriefsiteError
from ..i18n import N_, _
from .seo import summary

ATOM_NS = "http://www.w3.org/2005/Atom"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FEED_LIMIT = 50  # newest entries per feed; older issues stay on the site
CHINA_TZ = dt.timezone(dt.timedelta(hours=8))
SITE_FEED = "feed.xml"


@dataclass(frozen=True)
class Feed:
    path: str  # the feed file, site-relative: "feed.xml", "cities/yiyang/feed.xml"
    page: str  # the HTML page it accompanies, site-relative: "", "cities/yiyang/"
    title: str
    subtitle: str
    bulletins: tuple[Bulletin, ...]  # newest first, at most FEED_LIMIT


# A city feed's subtitle, in the site's language (briefsite.yaml's
# ``language``) like the pages' own words; the city's name as printed.
CITY_FEED_SUBTITLE = N_("Bulletins of {city}")
# The language of the bulletins themselves (the entries), whatever the site's.
BULLETIN_LANGUAGE = "zh-CN"


def city_feed_path(city_url: str) -> str:
    return f"{city_url}{SITE_FEED}"


def plan_feeds(archive: Archive, config: Config) -> list[Feed]:
    """The site's feed, then one per city in slug order. The site feed's
    title and description are briefsite.yaml's, as the pages show them; a
    city feed's subtitle is in the site's language."""
    words = i18n.for_site(config.language)
    feeds = [Feed(SITE_FEED, "", config.title, config.description,
                  archive.bulletins[:FEED_LIMIT])]
    for city in archive.cities:
        feeds.append(Feed(city_feed_path(city.url), city.url, f"{city.name} · {config.title}",
                          words.gettext(CITY_FEED_SUBTITLE).format(city=city.name),
                          city.bulletins[:FEED_LIMIT]))
    return feeds


def atom_time(date: dt.date) -> str:
    """An issue date as an Atom timestamp: midnight in China (UTC+8)."""
    return dt.datetime.combine(date, dt.time(), CHINA_TZ).isoformat()


# The latest moment an Atom timestamp (a four-digit year) can hold.
MAX_EPOCH = 253_402_300_799  # 9999-12-31T23:59:59Z


def source_date_epoch() -> int:
    """SOURCE_DATE_EPOCH (reproducible-builds.org): seconds since 1970, a
    whole number from 0 to 9999-12-31; unset or empty is 0. Anything else is
    refused: the specification asks a build to fail on a malformed value."""
    text = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not text:
        return 0
    if not text.isascii() or not text.isdigit() or len(text) > 12 or int(text) > MAX_EPOCH:
        raise BriefsiteError("SOURCE_DATE_EPOCH", 0,
                             _("the environment variable SOURCE_DATE_EPOCH={value!r} is not valid: it must be "
                               "a whole number of seconds since 1970, from 0 to {limit} (the end of 9999)").format(
                                 value=text[:40], limit=MAX_EPOCH),
                             hint=_("e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%ct), or leave it unset"))
    return int(text)


def fallback_time() -> str:
    """'updated' of a feed with no entries: SOURCE_DATE_EPOCH, else the epoch."""
    return dt.datetime.fromtimestamp(source_date_epoch(), dt.timezone.utc).isoformat()


def entry_id(bulletin: Bulletin, config: Config) -> str:
    """A permanent id: a tag: URI under the site's host when base_url is known.

    Without base_url, a name-based UUID of the bulletin's URL. Either way it
    changes only if the bulletin's file is renamed (or base_url changes).
    """
    if config.base_url:
        parts = urlsplit(config.base_url)
        return f"tag:{parts.hostname},{bulletin.date.isoformat()}:{parts.path}{bulletin.url}"
    import uuid  # here, like ElementTree below: a build that renders no feed never needs them

    return uuid.uuid5(uuid.NAMESPACE_URL, f"briefsite:{bulletin.url}").urn


def feed_id(feed: Feed, config: Config) -> str:
    if config.base_url:
        return config.base_url + feed.path
    import uuid

    return uuid.uuid5(uuid.NAMESPACE_URL, f"briefsite:{config.title}:{feed.path}").urn


def entry_title(bulletin: Bulletin) -> str:
    label = bulletin.issue_label or cn_date(bulletin.date)
    return f"{bulletin.title} {label}"


def render_feed(feed: Feed, config: Config) -> bytes:
    """The feed as UTF-8 Atom XML."""
    from xml.etree import ElementTree as ET

    base = config.base_url

    def link(target: str) -> str:
        # Absolute with base_url; else site-relative, resolved via xml:base.
        return (base + target) if base else (target or "./")

    def sub(parent, tag: str, text: str | None = None, **attrs: str):
        element = ET.SubElement(parent, tag, attrs)
        if text is not None:
            element.text = text
        return element

    # Plain tag names and an explicit xmlns: ElementTree would otherwise
    # invent ns0: prefixes (valid, but unreadable for people and some readers).
    root = ET.Element("feed", {"xmlns": ATOM_NS})
    # The feed's own words in the site's language, like the pages' <html lang>;
    # on a site in another language the entries say they are Chinese.
    root.set(XML_LANG, config.language)
    root.set(XML_BASE, base or "../" * feed.path.count("/") or "./")
    sub(root, "id", feed_id(feed, config))
    sub(root, "title", feed.title)
    if feed.subtitle:
        sub(root, "subtitle", feed.subtitle)
    newest = feed.bulletins[0].date if feed.bulletins else None
    sub(root, "updated", atom_time(newest) if newest else fallback_time())
    sub(root, "link", rel="self", type="application/atom+xml", href=link(feed.path))
    sub(root, "link", rel="alternate", type="text/html", href=link(feed.page))
    author = sub(root, "author")
    sub(author, "name", config.author or config.title)
    sub(root, "generator", "briefsite", version=__version__)

    for b in feed.bulletins:
        entry = sub(root, "entry")
        if config.language != BULLETIN_LANGUAGE:
            entry.set(XML_LANG, BULLETIN_LANGUAGE)
        sub(entry, "id", entry_id(b, config))
        sub(entry, "title", entry_title(b))
        sub(entry, "link", rel="alternate", type="text/html", href=link(b.url))
        sub(entry, "published", atom_time(b.date))
        sub(entry, "updated", atom_time(b.date))
        sub(sub(entry, "author"), "name", b.issuer)
        sub(entry, "category", term=b.city_slug, label=b.city)
        sub(entry, "summary", summary(b.text), type="text")
        # Links inside the body are relative to the bulletin's page.
        content = sub(entry, "content", with_photos(b), type="html")
        content.set(XML_BASE, link(b.url))
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def with_photos(b: Bulletin) -> str:
    """The body's HTML with each photo where it stands: its widest copy
    (beside the page, which xml:base points at) and its caption."""
    if not b.figures:
        return b.body_html
    parts = []
    for part in split_figures(b.body_html):
        if isinstance(part, str):
            parts.append(part)
        elif part <= len(b.figures):
            f = b.figures[part - 1]
            parts.append(f'<figure><img src="{escape(widest_name(f.image))}" alt="{escape(f.alt)}">'
                         f"<figcaption>{escape(f.caption)}</figcaption></figure>\n")
    return "".join(parts)


def feed_files(archive: Archive, config: Config) -> Iterator[tuple[str, bytes]]:
    for feed in plan_feeds(archive, config):
        yield feed.path, render_feed(feed, config)
